// Object sizes for the scheduler model (sched_model.hpp): the buckets of
// issue 14, drawn from a seeded generator, so a run is repeatable. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace caios {

enum class SizeDistribution {
  /// 1,281,167 files (ImageNet's training set), lognormal (sigma 0.6)
  /// around a mean of 110 KB: every object batched, none chunked.
  imagenet,
  /// 300 files log-uniform between 1 and 100 GB (a checkpoint directory):
  /// every object chunked.
  checkpoint,
  /// 1,000,000 files: 99% small (lognormal, median 32 KB, sigma 1.5,
  /// mean about 100 KB), 1% Pareto (alpha 1, from 1 MB, capped at 50 GB):
  /// a few of the tail in the tens of GB.
  heavytail,
};

/// "imagenet", "checkpoint" or "heavytail".
std::optional<SizeDistribution> parse_size_distribution(std::string_view name);

/// The bucket's object sizes in bytes (1 KB = 1000 bytes), in listing order.
std::vector<std::uint64_t> make_object_sizes(SizeDistribution distribution, std::uint64_t seed);

}  // namespace caios
