#include "caios2dfs/copy/timeline.hpp"

#include <algorithm>

namespace caios {

Timeline::Timeline(double step_seconds, std::size_t max_samples)
    : step_(std::max(step_seconds, 1e-3)), max_samples_(std::max<std::size_t>(max_samples, 4)) {
  samples_.reserve(max_samples_);
}

void Timeline::add(TimelineSample&& sample) {
  if (samples_.size() >= max_samples_) {
    // Keep the even samples (the first among them) and double the step:
    // the totals stay exact, the picture coarser.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < samples_.size(); i += 2, ++kept) {
      if (i != kept) samples_[kept] = std::move(samples_[i]);
    }
    samples_.resize(kept);
    step_ *= 2;
  }
  samples_.push_back(std::move(sample));
}

void Timeline::record(TimelineSample sample) {
  if (due(sample.seconds)) add(std::move(sample));
}

void Timeline::finish(TimelineSample sample) {
  // A last sample closer than a step to the one before replaces it, so the
  // end is exact and the spacing stays near the step.
  if (samples_.size() > 1 && sample.seconds < samples_.back().seconds + step_) samples_.pop_back();
  add(std::move(sample));
}

std::size_t timeline_max_samples(int ranks) {
  constexpr std::size_t kNumbers = 256 * 1024;
  return std::clamp<std::size_t>(kNumbers / static_cast<std::size_t>(std::max(ranks, 1)), 64, 1024);
}

}  // namespace caios
