// A run over time, for the report and for reading a run as a picture
// (scripts/plot-report): every rank's bytes, the requests in flight, the
// retries and errors, sampled at rank 0 from the progress messages that
// already flow there. Samples hold running totals, so thinning them loses
// no bytes, only resolution: when the timeline is full, every other sample
// goes and the step doubles, which keeps a long run's report small.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace caios {

/// What one rank has told rank 0 of itself (kProgress, messages.hpp).
struct RankProgress {
  std::uint64_t bytes = 0;      ///< bytes received so far
  std::uint64_t in_flight = 0;  ///< requests running now
  std::uint64_t retries = 0;    ///< requests sent again so far
};

struct TimelineSample {
  double seconds = 0;  ///< since the run started
  std::vector<std::uint64_t> rank_bytes;  ///< per rank, running totals
  std::uint64_t in_flight = 0;  ///< over all ranks, at that moment
  std::uint64_t retries = 0;    ///< over all ranks, running total
  std::uint64_t errors = 0;     ///< objects failed so far
  std::uint64_t objects_done = 0;
};

class Timeline {
 public:
  /// Samples at least `step_seconds` apart, at most `max_samples` kept (at least 4).
  explicit Timeline(double step_seconds = 1.0, std::size_t max_samples = 512);

  /// Whether a sample at `seconds` would be kept (build it only then).
  bool due(double seconds) const { return samples_.empty() || seconds >= samples_.back().seconds + step_; }
  /// Keep `sample` if due; thins first when full.
  void record(TimelineSample sample);
  /// The run's end: always kept, as the last sample.
  void finish(TimelineSample sample);

  double step_seconds() const { return step_; }
  const std::vector<TimelineSample>& samples() const { return samples_; }

 private:
  void add(TimelineSample&& sample);

  double step_;
  std::size_t max_samples_;
  std::vector<TimelineSample> samples_;
};

/// How many samples a run of `ranks` ranks keeps: about a quarter million
/// per-rank numbers at most (a few MiB of JSON), and never fewer than 64.
std::size_t timeline_max_samples(int ranks);

}  // namespace caios
