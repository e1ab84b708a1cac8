// When to retry and how long to wait; see retry_policy.hpp.
#include "caios2dfs/s3/retry_policy.hpp"

#include <algorithm>
#include <cmath>

namespace caios {

bool should_retry(const RetryPolicy& policy, const Error& error, int retries_so_far) {
  return error.retryable && retries_so_far < policy.max_retries;
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry, long retry_after_ms,
                                        double uniform01) {
  // Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
  // spreads the retries of many ranks hitting the same throttled endpoint.
  const double exponent = std::min(retry, 30);
  const double ceiling = std::min(static_cast<double>(policy.max_delay.count()),
                                  static_cast<double>(policy.base_delay.count()) * std::pow(2.0, exponent));
  auto delay = std::chrono::milliseconds(static_cast<long>(ceiling * std::clamp(uniform01, 0.0, 1.0)));
  if (retry_after_ms >= 0) delay = std::max(delay, std::chrono::milliseconds(retry_after_ms));
  return delay;
}

}  // namespace caios
