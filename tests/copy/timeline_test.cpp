// Timeline: samples a step apart, thinned to a bound with the totals exact.
#include <catch2/catch.hpp>

#include "caios2dfs/copy/timeline.hpp"

using namespace caios;

namespace {

TimelineSample at(double seconds, std::uint64_t bytes) { return TimelineSample{seconds, {bytes, 2 * bytes}, 3, 0, 0, 0}; }

}  // namespace

TEST_CASE("samples closer than the step are not kept; the first always is", "[timeline]") {
  Timeline timeline(1.0, 100);
  for (int tenth = 0; tenth <= 35; ++tenth) {
    if (timeline.due(tenth / 10.0)) timeline.record(at(tenth / 10.0, static_cast<std::uint64_t>(tenth)));
  }
  REQUIRE(timeline.samples().size() == 4);  // 0, 1.0, 2.0, 3.0
  CHECK(timeline.samples()[1].seconds == Approx(1.0));
  CHECK(timeline.samples()[3].rank_bytes == std::vector<std::uint64_t>{30, 60});
  CHECK_FALSE(timeline.due(3.5));
  CHECK(timeline.due(4.0));
}

TEST_CASE("a full timeline drops every other sample and doubles its step, the end exact", "[timeline]") {
  Timeline timeline(1.0, 8);
  for (int second = 0; second < 100; ++second) timeline.record(at(second, 1000u * static_cast<std::uint64_t>(second)));
  timeline.finish(at(100.25, 123456));
  const auto& samples = timeline.samples();
  CHECK(samples.size() <= 8);
  CHECK(samples.size() >= 4);
  CHECK(timeline.step_seconds() >= 12.5);  // 100 s in at most 8 samples
  CHECK(samples.front().seconds == 0);
  CHECK(samples.back().seconds == Approx(100.25));
  CHECK(samples.back().rank_bytes == std::vector<std::uint64_t>{123456, 246912});
  for (std::size_t i = 1; i < samples.size(); ++i) {
    CHECK(samples[i].seconds > samples[i - 1].seconds);
    CHECK(samples[i].rank_bytes[0] >= samples[i - 1].rank_bytes[0]);  // running totals
  }
}

TEST_CASE("the bound on samples shrinks with the ranks, within 64 and 1024", "[timeline]") {
  CHECK(timeline_max_samples(1) == 1024);
  CHECK(timeline_max_samples(512) == 512);
  CHECK(timeline_max_samples(100000) == 64);
}
