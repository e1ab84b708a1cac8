// When and how long to wait before retrying a failed request. Pure: the
// random draw is passed in, so tests can pin the jitter.
#pragma once

#include <chrono>

#include "caios2dfs/base/error.hpp"

namespace caios {

struct RetryPolicy {
  int max_retries = 10;  ///< retries after the first attempt (rclone's --low-level-retries is 10)
  std::chrono::milliseconds base_delay{200};
  std::chrono::milliseconds max_delay{20'000};
};

/// True when `error` is of a retryable class and fewer than
/// policy.max_retries retries were made so far.
bool should_retry(const RetryPolicy& policy, const Error& error, int retries_so_far);

/// Delay before retry number `retry` (1 for the first retry): "full jitter"
/// exponential backoff, uniform in [0, min(max_delay, base_delay * 2^retry)],
/// but never less than the server's Retry-After (`retry_after_ms`, -1 when
/// absent) and never more than max_delay unless Retry-After asks for it.
/// `uniform01` is a random draw in [0, 1).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry, long retry_after_ms,
                                        double uniform01);

}  // namespace caios
