// Tests for retry_policy.hpp: which errors are retried, and the backoff.
#include <catch2/catch.hpp>

#include "caios2dfs/s3/retry_policy.hpp"

using namespace caios;
using std::chrono::milliseconds;

TEST_CASE("only retryable errors are retried, and only so often", "[retry]") {
  RetryPolicy policy;
  policy.max_retries = 2;
  Error throttled = make_error(ErrorKind::throttled, "GET", "b/k", "503 SlowDown");
  throttled.retryable = true;
  const Error auth = make_error(ErrorKind::auth, "GET", "b/k", "403 AccessDenied");
  CHECK(should_retry(policy, throttled, 0));
  CHECK(should_retry(policy, throttled, 1));
  CHECK_FALSE(should_retry(policy, throttled, 2));
  CHECK_FALSE(should_retry(policy, auth, 0));
}

TEST_CASE("backoff grows exponentially with full jitter, capped", "[retry]") {
  RetryPolicy policy;
  policy.base_delay = milliseconds(100);
  policy.max_delay = milliseconds(5000);
  CHECK(backoff_delay(policy, 1, -1, 0.0) == milliseconds(0));
  CHECK(backoff_delay(policy, 1, -1, 0.5) == milliseconds(100));   // ceiling 200
  CHECK(backoff_delay(policy, 3, -1, 0.5) == milliseconds(400));   // ceiling 800
  CHECK(backoff_delay(policy, 10, -1, 0.5) == milliseconds(2500)); // capped at 5000
  CHECK(backoff_delay(policy, 60, -1, 0.999) <= milliseconds(5000));
}

TEST_CASE("Retry-After is a floor, even above the cap", "[retry]") {
  RetryPolicy policy;
  policy.base_delay = milliseconds(100);
  policy.max_delay = milliseconds(1000);
  CHECK(backoff_delay(policy, 1, 3000, 0.1) == milliseconds(3000));
  CHECK(backoff_delay(policy, 5, 10, 0.5) == milliseconds(500));
}
