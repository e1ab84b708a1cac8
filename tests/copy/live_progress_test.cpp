// LiveProgress: the ranks' progress messages, shown as lines or as the -P
// block, and sampled into the timeline; time passed in, output to a file.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "caios2dfs/copy/live_progress.hpp"
#include "caios2dfs/copy/messages.hpp"

using namespace caios;
using namespace std::chrono_literals;

namespace {

/// A temporary file for LiveProgress to write to, and what it holds.
struct Output {
  std::FILE* file = std::tmpfile();
  Output() { REQUIRE(file != nullptr); }
  ~Output() { std::fclose(file); }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  std::string written() {
    std::fflush(file);
    std::rewind(file);
    std::string text;
    for (int c = std::fgetc(file); c != EOF; c = std::fgetc(file)) text += static_cast<char>(c);
    return text;
  }
};

int count(const std::string& text, const std::string& piece) {
  int n = 0;
  for (std::size_t at = text.find(piece); at != std::string::npos; at = text.find(piece, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("progress messages carry bytes, requests in flight and retries", "[live_progress]") {
  const Result<RankProgress> back = decode_progress(encode_progress(RankProgress{123456789012, 17, 3}));
  REQUIRE(back.ok());
  CHECK(back->bytes == 123456789012);
  CHECK(back->in_flight == 17);
  CHECK(back->retries == 3);
  CHECK_FALSE(decode_progress("short").ok());
}

TEST_CASE("steal notices carry the robbed rank and the bytes", "[live_progress]") {
  const Result<Stolen> back = decode_stolen(encode_stolen(Stolen{4095, 5ull << 40}));
  REQUIRE(back.ok());
  CHECK(back->victim == 4095);
  CHECK(back->bytes == 5ull << 40);
  CHECK_FALSE(decode_stolen("short").ok());
}

TEST_CASE("the block is redrawn twice a second and names the slowest busy rank", "[live_progress]") {
  Output out;
  const auto t0 = LiveProgress::Clock::time_point{} + 1h;
  LiveProgress live({LiveProgress::Style::block, 10s, 3}, t0, out.file);
  ProgressSnapshot counts;
  counts.objects_listed = 10;
  counts.bytes_listed = 100ull << 20;
  for (int tick = 1; tick <= 8; ++tick) {  // 2 s in steps of 250 ms
    const std::uint64_t t = static_cast<std::uint64_t>(tick);
    live.set_rank(0, RankProgress{t * (4u << 20), 4, 0});
    live.set_rank(1, RankProgress{t * (1u << 20), 4, 1});  // the slow one
    live.set_rank(2, RankProgress{t * (8u << 20), 0, 0});  // no request in flight: not counted as slow
    live.tick(counts, t0 + tick * 250ms);
  }
  const std::string text = out.written();
  CHECK(count(text, "Transferred:") == 4);  // at 0.5, 1.0, 1.5 and 2.0 s
  CHECK(count(text, "\x1b[7F") == 3);       // each after the first over the one before
  CHECK(text.find("Transfers:     8 in flight on 3 ranks") != std::string::npos);
  CHECK(text.find("Slowest rank:  1 at 4.0 MiB/s (mean of busy ranks 10.0 MiB/s)") != std::string::npos);
  CHECK(text.find("Errors:        0 failed, 1 retries") != std::string::npos);
  CHECK(text.find("Rate:          52.0 MiB/s now") != std::string::npos);  // 13 MiB per 250 ms
}

TEST_CASE("plain lines every interval, and a timeline of every rank's bytes", "[live_progress]") {
  Output out;
  const auto t0 = LiveProgress::Clock::time_point{} + 1h;
  LiveProgress live({LiveProgress::Style::lines, 2s, 2}, t0, out.file);
  ProgressSnapshot counts;
  for (int second = 1; second <= 5; ++second) {
    live.set_rank(0, RankProgress{1000u * static_cast<std::uint64_t>(second), 2, 0});
    live.set_rank(1, RankProgress{500u * static_cast<std::uint64_t>(second), 1, 0});
    live.tick(counts, t0 + second * 1s);
  }
  live.set_rank(1, RankProgress{9999, 0, 2});
  live.finish(counts, t0 + 5500ms);
  const std::string text = out.written();
  CHECK(count(text, "\n") == 3);  // at 2 s, 4 s, and the last
  CHECK(text.find('\x1b') == std::string::npos);
  const auto& samples = live.timeline().samples();
  REQUIRE(samples.size() == 5);  // 1, 2, 3, 4 s; the last (5.5 s) replaces the one at 5 s
  CHECK(samples[0].seconds == Approx(1.0));
  CHECK(samples[0].rank_bytes == std::vector<std::uint64_t>{1000, 500});
  CHECK(samples[0].in_flight == 3);
  CHECK(samples.back().seconds == Approx(5.5));
  CHECK(samples.back().rank_bytes == std::vector<std::uint64_t>{5000, 9999});
  CHECK(samples.back().retries == 2);
}

TEST_CASE("no output at all in the quiet style, the timeline still kept", "[live_progress]") {
  Output out;
  const auto t0 = LiveProgress::Clock::time_point{} + 1h;
  LiveProgress live({LiveProgress::Style::none, 1s, 1}, t0, out.file);
  live.set_rank(0, RankProgress{42, 1, 0});
  live.tick(ProgressSnapshot{}, t0 + 3s);
  live.finish(ProgressSnapshot{}, t0 + 4s);
  CHECK(out.written().empty());
  CHECK(live.timeline().samples().size() == 2);
}
