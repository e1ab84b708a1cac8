#include "caios2dfs/copy/sched_workload.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace caios {

namespace {

constexpr double kKB = 1e3;
constexpr double kMB = 1e6;
constexpr double kGB = 1e9;

// The transforms are written out (not std::lognormal_distribution and
// friends, whose algorithms the standard leaves open), so that a seed gives
// the same sizes with any standard library.
double uniform_open(std::mt19937_64& random) {
  // (0, 1): 53 random bits, never 0.
  return (static_cast<double>(random() >> 11) + 0.5) / 9007199254740992.0;
}

double standard_normal(std::mt19937_64& random) {
  // Box-Muller: one of the pair is enough here.
  const double radius = std::sqrt(-2.0 * std::log(uniform_open(random)));
  return radius * std::cos(2.0 * 3.14159265358979323846 * uniform_open(random));
}

std::uint64_t lognormal_bytes(std::mt19937_64& random, double median, double sigma) {
  return static_cast<std::uint64_t>(std::max(1.0, median * std::exp(sigma * standard_normal(random))));
}

}  // namespace

std::optional<SizeDistribution> parse_size_distribution(std::string_view name) {
  if (name == "imagenet") return SizeDistribution::imagenet;
  if (name == "checkpoint") return SizeDistribution::checkpoint;
  if (name == "heavytail") return SizeDistribution::heavytail;
  return std::nullopt;
}

std::vector<std::uint64_t> make_object_sizes(SizeDistribution distribution, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<std::uint64_t> sizes;
  switch (distribution) {
    case SizeDistribution::imagenet: {
      // A lognormal's mean is median * exp(sigma^2 / 2).
      constexpr double sigma = 0.6;
      const double median = 110 * kKB / std::exp(sigma * sigma / 2);
      sizes.resize(1'281'167);
      for (std::uint64_t& size : sizes) size = lognormal_bytes(random, median, sigma);
      break;
    }
    case SizeDistribution::checkpoint:
      sizes.resize(300);
      for (std::uint64_t& size : sizes) size = static_cast<std::uint64_t>(kGB * std::pow(100.0, uniform_open(random)));
      break;
    case SizeDistribution::heavytail:
      sizes.resize(1'000'000);
      for (std::uint64_t& size : sizes) {
        if (uniform_open(random) < 0.99) {
          size = lognormal_bytes(random, 32 * kKB, 1.5);
        } else {
          // Pareto, alpha 1: P(size > x) = 1 MB / x.
          size = static_cast<std::uint64_t>(std::min(50 * kGB, kMB / uniform_open(random)));
        }
      }
      break;
  }
  return sizes;
}

}  // namespace caios
