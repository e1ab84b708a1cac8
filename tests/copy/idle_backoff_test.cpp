// The idle event loop's sleep: short at first, longer the longer nothing
// happens, never past the cap, short again after any activity.
#include <catch2/catch.hpp>

#include "caios2dfs/copy/idle_backoff.hpp"

using caios::IdleBackoff;
using std::chrono::microseconds;

TEST_CASE("an idle loop sleeps 200 us at first and backs off to 2 ms", "[idle_backoff]") {
  IdleBackoff backoff;
  for (int i = 0; i < IdleBackoff::kPassesPerStep; ++i) CHECK(backoff.next() == microseconds(200));
  CHECK(backoff.next() == microseconds(400));
  microseconds slept{0};
  microseconds last{0};
  for (int i = 0; i < 10 * IdleBackoff::kPassesPerStep; ++i) {
    const microseconds now = backoff.next();
    CHECK(now >= last);
    CHECK(now <= IdleBackoff::kLongest);
    last = now;
    slept += now;
  }
  CHECK(last == IdleBackoff::kLongest);
  // The long sleeps start only after tens of ms of idleness.
  CHECK(slept > std::chrono::milliseconds(100));
}

TEST_CASE("any activity brings the short sleep back", "[idle_backoff]") {
  IdleBackoff backoff;
  for (int i = 0; i < 20 * IdleBackoff::kPassesPerStep; ++i) (void)backoff.next();
  CHECK(backoff.next() == IdleBackoff::kLongest);
  backoff.reset();
  CHECK(backoff.next() == IdleBackoff::kFirst);
}
