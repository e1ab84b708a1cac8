// The scheduler model's arithmetic: the listing's pages and the ideal time.
// The simulation itself is sched_simulation.cpp and sched_ranks.cpp.
#include "caios2dfs/copy/sched_model.hpp"

#include <algorithm>
#include <functional>
#include <queue>
#include <random>

namespace caios {

std::uint64_t listing_pages(const SchedModelConfig& config, std::size_t objects) {
  const auto per_page = static_cast<std::uint64_t>(std::max(1, config.keys_per_page));
  return std::max<std::uint64_t>(1, (objects + per_page - 1) / per_page);
}

double mean_page_seconds(const SchedModelConfig& config) {
  return static_cast<double>(std::max(1, config.checkers)) / config.list_pages_per_s;
}

std::vector<double> listing_page_seconds(const SchedModelConfig& config, std::uint64_t pages) {
  const double mean = mean_page_seconds(config);
  std::vector<double> seconds(static_cast<std::size_t>(std::max<std::uint64_t>(pages, 1)), mean);
  // Uniform from 53 random bits, written out so that any standard library
  // gives the same times.
  std::mt19937_64 random(config.seed);
  for (std::size_t page = 1; page < seconds.size(); ++page) {
    seconds[page] = mean * (0.5 + static_cast<double>(random() >> 11) / 9007199254740992.0);
  }
  return seconds;
}

double listing_alone_seconds(const SchedModelConfig& config, const std::vector<double>& page_seconds) {
  // Each page is asked for as soon as one of the `checkers` is free: a
  // delay of any request can only delay the ones after it.
  std::priority_queue<double, std::vector<double>, std::greater<>> free_at;
  for (int lister = 0; lister < std::max(1, config.checkers); ++lister) free_at.push(0);
  double last = 0;
  for (std::size_t page = 1; page < page_seconds.size(); ++page) {
    const double done = free_at.top() + page_seconds[page];
    free_at.pop();
    free_at.push(done);
    last = std::max(last, done);
  }
  return last;
}

IdealTime ideal_time(const SchedModelConfig& config, const std::vector<std::uint64_t>& sizes) {
  std::uint64_t bytes = 0;
  std::uint64_t gets = 0;
  for (const std::uint64_t size : sizes) {
    bytes += size;
    if (size >= config.plan.multi_thread_cutoff && size > 0) {
      // As WorkPlanner::add_chunked cuts it.
      const std::uint64_t chunk =
          std::max({config.plan.chunk_size, std::uint64_t{1}, (size + UINT32_MAX - 1) / UINT32_MAX});
      gets += (size + chunk - 1) / chunk;
    } else {
      ++gets;
    }
  }
  const double ranks = std::max(1, config.ranks);
  IdealTime ideal;
  ideal.bandwidth_s = static_cast<double>(bytes) / (ranks * config.rank_bytes_per_s);
  // Each GET holds a slot for its latency and its body at best at the
  // rank's full bandwidth.
  ideal.slots_s = (static_cast<double>(gets) * config.request_latency_s +
                   static_cast<double>(bytes) / config.rank_bytes_per_s) /
                  (ranks * std::max(1, config.transfers));
  const std::vector<double> page_seconds = listing_page_seconds(config, listing_pages(config, sizes.size()));
  ideal.first_page_s = page_seconds.front();
  ideal.listing_s = listing_alone_seconds(config, page_seconds);
  // No body flows before a GET's latency is over, and the last page's
  // objects need one after it: the slots' bound has its latencies already.
  const double latency = config.request_latency_s;
  ideal.total_s = ideal.first_page_s + std::max({latency + ideal.bandwidth_s, ideal.slots_s, latency + ideal.listing_s});
  return ideal;
}

}  // namespace caios
