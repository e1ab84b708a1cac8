// caios2dfs-sched-sim: the scheduler at thousands of ranks, simulated
// (copy/sched_model.hpp drives the real policy with modelled transfers).
// Parses the options, draws the bucket, runs the model and prints one line,
// or a JSON document with --json. scripts/bench-scheduler runs the table.
#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

#include "caios2dfs/base/json_writer.hpp"
#include "caios2dfs/copy/sched_model.hpp"
#include "caios2dfs/copy/sched_workload.hpp"

using namespace caios;

namespace {

constexpr const char* kUsage = R"(usage: caios2dfs-sched-sim [OPTIONS]
Simulates one copy: listing, rank 0 planning and dealing, every rank's
transfers and steals, with the real policy code and modelled time.
  --ranks N               ranks (default 64)
  --transfers N           GETs in flight per rank (default 16)
  --dist NAME             imagenet | checkpoint | heavytail (default imagenet)
  --rank-bw MB/s          a rank's bandwidth, shared by its bodies (default 390)
  --latency-ms MS         each request's time to first byte (default 20)
  --list-pages-per-s N    listing rate with every page in flight (default 320)
  --checkers N            listing pages in flight (default 64)
  --msg-cost-us US        rank 0's time per message received or sent (default 1)
  --key-cost-us US        rank 0's time per listed key (default 0.25)
  --record-cost-us US     rank 0's time per further done record of a message (default 0.07)
  --msg-delay-us US       one-way message delay between ranks (default 20)
  --chunk-mib N           --chunk-size in MiB, also a batch's bytes (default 64)
  --cutoff-mib N          --multi-thread-cutoff in MiB (default 64)
  --done-batch K          design switch: K done records per message (default 1:
                          one per item, as the product does)
  --listers-plan          design switch: the listing ranks map and plan their
                          pages; rank 0 only deals the items' sizes
  --seed N                the bucket's sizes and the victims (default 1)
  --json                  a JSON document instead of one line
)";

struct Options {
  SchedModelConfig model;
  SizeDistribution distribution = SizeDistribution::imagenet;
  std::string distribution_name = "imagenet";
  bool json = false;
};

double number(std::string_view flag, std::string_view text, double low) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || !(value >= low)) {
    throw std::invalid_argument(fmt::format("{}: '{}' is not a number of at least {}", flag, text, low));
  }
  return value;
}

int whole(std::string_view flag, std::string_view text, int low) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < low) {
    throw std::invalid_argument(fmt::format("{}: '{}' is not a whole number of at least {}", flag, text, low));
  }
  return value;
}

/// Applies `flag`'s value; false for a flag it does not know.
bool apply(Options& options, std::string_view flag, std::string_view text) {
  SchedModelConfig& model = options.model;
  if (flag == "--ranks") model.ranks = whole(flag, text, 1);
  else if (flag == "--transfers") model.transfers = whole(flag, text, 1);
  else if (flag == "--rank-bw") model.rank_bytes_per_s = number(flag, text, 1e-3) * 1e6;
  else if (flag == "--latency-ms") model.request_latency_s = number(flag, text, 0) / 1e3;
  else if (flag == "--list-pages-per-s") model.list_pages_per_s = number(flag, text, 1e-3);
  else if (flag == "--checkers") model.checkers = whole(flag, text, 1);
  else if (flag == "--msg-cost-us") model.message_cost_s = number(flag, text, 0) / 1e6;
  else if (flag == "--key-cost-us") model.key_cost_s = number(flag, text, 0) / 1e6;
  else if (flag == "--record-cost-us") model.record_cost_s = number(flag, text, 0) / 1e6;
  else if (flag == "--msg-delay-us") model.message_delay_s = number(flag, text, 0) / 1e6;
  else if (flag == "--done-batch") model.done_batch = whole(flag, text, 1);
  else if (flag == "--seed") model.seed = static_cast<std::uint64_t>(whole(flag, text, 0));
  else if (flag == "--cutoff-mib") model.plan.multi_thread_cutoff = static_cast<std::uint64_t>(whole(flag, text, 1)) << 20;
  else if (flag == "--chunk-mib") {
    model.plan.chunk_size = static_cast<std::uint64_t>(whole(flag, text, 1)) << 20;
    model.plan.batch_bytes = model.plan.chunk_size;  // as the coordinator's plan_limits() sets it
  } else if (flag == "--dist") {
    const std::optional<SizeDistribution> distribution = parse_size_distribution(text);
    if (!distribution) throw std::invalid_argument(fmt::format("--dist: unknown distribution '{}'", text));
    options.distribution = *distribution;
    options.distribution_name = std::string(text);
  } else {
    return false;
  }
  return true;
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--json" || flag == "--listers-plan") {
      (flag == "--json" ? options.json : options.model.listers_plan) = true;
      continue;
    }
    if (flag == "-h" || flag == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (i + 1 >= argc) throw std::invalid_argument(fmt::format("{}: missing value (or unknown option)", flag));
    if (!apply(options, flag, argv[i + 1])) throw std::invalid_argument(fmt::format("unknown option {}", flag));
    ++i;
  }
  return options;
}

std::string as_json(const Options& options, const SchedModelResult& result, double wall_s) {
  JsonWriter json;
  json.begin_object();
  const auto field = [&json](std::string_view name, auto value) {
    json.key(name);
    json.value(value);
  };
  field("ranks", options.model.ranks);
  field("transfers", options.model.transfers);
  field("dist", std::string_view(options.distribution_name));
  field("done_batch", options.model.done_batch);
  field("listers_plan", options.model.listers_plan);
  field("finished", result.finished);
  field("objects", result.objects);
  field("bytes", result.bytes);
  field("items", result.items);
  field("gets", result.gets);
  field("pages", result.pages);
  field("max_outstanding_items", result.max_outstanding_items);
  field("ideal_s", result.ideal.total_s);
  field("ideal_bandwidth_s", result.ideal.bandwidth_s);
  field("ideal_slots_s", result.ideal.slots_s);
  field("ideal_listing_s", result.ideal.listing_s);
  field("ideal_first_page_s", result.ideal.first_page_s);
  field("simulated_s", result.simulated_s);
  field("listing_done_s", result.listing_done_s);
  field("efficiency", result.efficiency);
  field("tail_s", result.tail_s);
  field("idle_ranks", result.idle_ranks);
  field("rank0_messages", result.rank0_messages);
  field("rank0_msgs_per_s", result.rank0_messages_per_s);
  field("rank0_busy", result.rank0_busy_fraction);
  field("rank0_max_wait_s", result.rank0_max_wait_s);
  field("steals", result.steals);
  field("empty_steals", result.empty_steals);
  field("events", result.events);
  field("wall_s", wall_s);
  json.end_object();
  return json.str();
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    options = parse(argc, argv);
  } catch (const std::invalid_argument& error) {
    fmt::print(stderr, "caios2dfs-sched-sim: {}\n{}", error.what(), kUsage);
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  const std::vector<std::uint64_t> sizes = make_object_sizes(options.distribution, options.model.seed);
  const SchedModelResult result = simulate_schedule(options.model, sizes);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (options.json) {
    fmt::print("{}\n", as_json(options, result, wall_s));
  } else {
    fmt::print("ranks={} dist={} done_batch={} finished={} objects={} bytes={} items={} ideal_s={:.3f} "
               "simulated_s={:.3f} listing_done_s={:.3f} efficiency={:.4f} tail_s={:.3f} rank0_msgs_per_s={:.0f} rank0_busy={:.4f} "
               "rank0_max_wait_ms={:.3f} steals={} empty_steals={} events={} wall_s={:.1f}\n",
               options.model.ranks, options.distribution_name, options.model.done_batch, result.finished,
               result.objects, result.bytes, result.items, result.ideal.total_s, result.simulated_s,
               result.listing_done_s, result.efficiency, result.tail_s, result.rank0_messages_per_s, result.rank0_busy_fraction,
               result.rank0_max_wait_s * 1e3, result.steals, result.empty_steals, result.events, wall_s);
  }
  return result.finished ? 0 : 1;
}
