// option_table: every flag once, complete, and parsed the same in both forms.
#include "option_table.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "parse_helpers.hpp"

using namespace caios;
using namespace caios::test;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST_CASE("the flag table: each entry complete, no name or letter twice", "[option_table]") {
  std::set<std::string_view> names;
  std::set<char> letters;
  std::set<HelpSection> sections;
  for (const OptionSpec& option : option_table()) {
    INFO(option.name);
    CHECK(option.set != nullptr);
    CHECK_FALSE(option.help.empty());
    CHECK(option.help.back() != '\n');
    CHECK(option.name.rfind("--", 0) == 0);
    CHECK(option.name.size() > 3);
    CHECK(option.name.find('=') == std::string_view::npos);
    CHECK(names.insert(option.name).second);
    if (option.short_name != 0) {
      CHECK(letters.insert(option.short_name).second);
      CHECK(option.metavar.empty());  // short letters cluster, so only switches have one
    }
    CHECK((option.metavar.empty() || option.switch_values.empty()));
    sections.insert(option.section);
  }
  CHECK(sections.size() == 6);  // every section of --help has flags
  CHECK(names.size() == option_table().size());
  // rclone hints point at flags that exist, and are never for flags we have.
  for (std::string_view name : {"--low-level-retries", "--s3-chunk-size", "--ca-cert"}) {
    INFO(name);
    CHECK_FALSE(rclone_hint(name).empty());
    CHECK_FALSE(names.count(name));
  }
  CHECK(rclone_hint("--transfers").empty());
}

TEST_CASE("every flag parses --flag VALUE and --flag=VALUE alike", "[option_table]") {
  struct Sample {
    std::string value;  // a valid value other than the default
    std::vector<std::string> context = {};  // flags the flag needs
    std::vector<std::string> positionals = {"s3://bucket", "/dest"};
  };
  const std::vector<std::string> write_bench{"--bench", "write"};
  // One sample per flag with a value; a new flag without one fails below.
  const std::map<std::string_view, Sample> samples{
      {"--io", {"mpiio"}},
      {"--transfers", {"4"}},
      {"--checkers", {"32"}},
      {"--s3-list-chunk", {"200"}},
      {"--max-duration", {"90s"}},
      {"--cutoff-mode", {"soft"}},
      {"--file-threads", {"8"}},
      {"--multi-thread-cutoff", {"1G"}},
      {"--chunk-size", {"8M"}},
      {"--buffer-size", {"1M"}},
      {"--retries", {"3"}},
      {"--timeout", {"5m"}},
      {"--contimeout", {"2s"}},
      {"--files-from", {"list.txt"}},
      {"--include", {"*.bin"}},
      {"--exclude", {"*.tmp"}},
      {"--stats", {"1s"}},
      {"--report", {"r.json"}},
      {"--failed-list", {"f.txt"}},
      {"--bench", {"read", {}, {"s3://bucket"}}},
      {"--iterations", {"3", write_bench, {"/dest"}}},
      {"--bench-files", {"3", write_bench, {"/dest"}}},
      {"--bench-size", {"1M", write_bench, {"/dest"}}},
      {"--config", {"/etc/rclone.conf"}},
      {"--endpoint", {"https://cwobject.com"}},
      {"--region", {"eu"}},
      {"--addressing", {"path"}},
      {"--ca-bundle", {"/etc/ca.pem"}},
  };
  // Switches: alone and with the value that means the same.
  const std::map<std::string_view, Sample> switches{
      {"--direct-io", {"always"}},        {"--ignore-existing", {"true"}}, {"--dry-run", {"true"}},
      {"--ignore-checksum", {"true"}},    {"--checksum", {"true"}},
      {"--verbose", {"1"}},               {"--quiet", {"true"}},           {"--progress", {"true"}},
                {"--keep", {"true", write_bench, {"/dest"}}},
      {"--s3-force-path-style", {"true"}},
  };
  for (const OptionSpec& option : option_table()) {
    const std::string name(option.name);
    INFO(name);
    if (name == "--help" || name == "--version") continue;  // no value at all: see option_parser_test
    const auto& list = option.metavar.empty() ? switches : samples;
    const auto it = list.find(option.name);
    REQUIRE(it != list.end());
    const Sample& sample = it->second;
    auto args_with = [&](std::vector<std::string> flag_args) {
      std::vector<std::string> args = sample.context;
      args.insert(args.end(), flag_args.begin(), flag_args.end());
      args.insert(args.end(), sample.positionals.begin(), sample.positionals.end());
      return args;
    };
    const std::string separate =
        dump(parsed(args_with(option.metavar.empty() ? std::vector{name} : std::vector{name, sample.value})));
    CHECK(separate == dump(parsed(args_with({name + "=" + sample.value}))));
    // The flag stored something: without it the options differ, or do not parse (--bench read SOURCE).
    const ParsedCommandLine without = parse(args_with({}));
    CHECK((without.options ? dump(*without.options) != separate : without.exit_code == 2));
  }
}

TEST_CASE("value flags, both forms", "[copy_options]") {
  both_forms("--config", "/etc/rclone.conf", [](const CopyOptions& o) {
    CHECK(o.connection.config_path == std::optional<std::string>("/etc/rclone.conf"));
  });
  both_forms("--endpoint", "https://cwobject.com", [](const CopyOptions& o) {
    CHECK(o.connection.overrides.endpoint == std::optional<std::string>("https://cwobject.com"));
  });
  both_forms("--region", "US-EAST-04A", [](const CopyOptions& o) {
    CHECK(o.connection.overrides.region == std::optional<std::string>("US-EAST-04A"));
  });
  both_forms("--addressing", "path", [](const CopyOptions& o) {
    CHECK(o.connection.overrides.addressing == std::optional<Addressing>(Addressing::path));
  });
  both_forms("--addressing", "virtual", [](const CopyOptions& o) {
    CHECK(o.connection.overrides.addressing == std::optional<Addressing>(Addressing::virtual_hosted));
  });
  both_forms("--addressing", "virtual-hosted", [](const CopyOptions& o) {
    CHECK(o.connection.overrides.addressing == std::optional<Addressing>(Addressing::virtual_hosted));
  });
  both_forms("--ca-bundle", "/etc/ssl/ca.pem", [](const CopyOptions& o) {
    CHECK(o.connection.overrides.ca_bundle == std::optional<std::string>("/etc/ssl/ca.pem"));
  });
  both_forms("--transfers", "1", [](const CopyOptions& o) { CHECK(o.transfers == 1); });
  both_forms("--transfers", "1024", [](const CopyOptions& o) { CHECK(o.transfers == 1024); });
  both_forms("--multi-thread-cutoff", "256M", [](const CopyOptions& o) { CHECK(o.multi_thread_cutoff == 256 * MiB); });
  both_forms("--multi-thread-cutoff", "0", [](const CopyOptions& o) { CHECK(o.multi_thread_cutoff == 0); });
  both_forms("--chunk-size", "8M", [](const CopyOptions& o) { CHECK(o.chunk_size == 8 * MiB); });
  both_forms("--buffer-size", "16M", [](const CopyOptions& o) { CHECK(o.buffer_size == 16 * MiB); });
  both_forms("--files-from", "list.txt", [](const CopyOptions& o) {
    CHECK(o.files_from == std::optional<std::string>("list.txt"));
  });
  both_forms("--files-from", "-", [](const CopyOptions& o) { CHECK(o.files_from == std::optional<std::string>("-")); });
  both_forms("--include", "*.bin", [](const CopyOptions& o) {
    REQUIRE(o.filters.size() == 1);
    CHECK(o.filters[0].include);
    CHECK(o.filters[0].pattern == "*.bin");
  });
  both_forms("--exclude", "/tmp/**", [](const CopyOptions& o) {
    REQUIRE(o.filters.size() == 1);
    CHECK_FALSE(o.filters[0].include);
    CHECK(o.filters[0].pattern == "/tmp/**");
  });
  both_forms("--io", "mpiio", [](const CopyOptions& o) { CHECK(o.io == IoBackend::mpiio); });
  both_forms("--io", "posix", [](const CopyOptions& o) { CHECK(o.io == IoBackend::posix); });
  both_forms("--stats", "30s", [](const CopyOptions& o) { CHECK(o.stats_interval == milliseconds(30'000)); });
  both_forms("--report", "run.json", [](const CopyOptions& o) {
    CHECK(o.report == std::optional<std::string>("run.json"));
    CHECK(o.failed_list == std::optional<std::string>("run.json.failed"));
  });
  both_forms("--failed-list", "failed.txt", [](const CopyOptions& o) {
    CHECK(o.failed_list == std::optional<std::string>("failed.txt"));
    CHECK_FALSE(o.report);
  });
  both_forms("--retries", "0", [](const CopyOptions& o) { CHECK(o.retries == 0); });
  both_forms("--retries", "25", [](const CopyOptions& o) { CHECK(o.retries == 25); });
  both_forms("--timeout", "5m", [](const CopyOptions& o) { CHECK(o.stall_timeout == seconds(300)); });
  both_forms("--contimeout", "3s", [](const CopyOptions& o) { CHECK(o.connect_timeout == milliseconds(3000)); });
  both_forms("--bench", "read", [](const CopyOptions& o) {
    CHECK(o.bench == BenchMode::read);
    CHECK(o.source == "s3://bucket");
    CHECK(o.dest.empty());
  }, {}, {"s3://bucket"});
  both_forms("--bench", "write", [](const CopyOptions& o) {
    CHECK(o.bench == BenchMode::write);
    CHECK(o.source.empty());
    CHECK(o.dest == "/lustre/bench");
  }, {}, {"/lustre/bench"});
  both_forms("--iterations", "5", [](const CopyOptions& o) { CHECK(o.iterations == 5); }, {"--bench", "read"},
             {"s3://bucket"});
  both_forms("--iterations", "3", [](const CopyOptions& o) { CHECK(o.iterations == 3); }, {"--bench=write"}, {"/d"});
  both_forms("--bench-files", "100", [](const CopyOptions& o) { CHECK(o.bench_files == 100); }, {"--bench=write"},
             {"/d"});
  both_forms("--bench-size", "1G", [](const CopyOptions& o) { CHECK(o.bench_size == GiB); }, {"--bench=write"}, {"/d"});
}
