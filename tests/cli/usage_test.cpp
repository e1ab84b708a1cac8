// usage_text: the --help text, its flag lines generated from the table.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "option_table.hpp"
#include "parse_helpers.hpp"

using namespace caios;
using namespace caios::test;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("the help text: every flag, every default, within 100 columns", "[copy_options]") {
  const std::string help = usage_text();
  const std::vector<std::string> flags{
      "--config", "--endpoint", "--region", "--addressing", "--s3-force-path-style", "--ca-bundle", "--transfers", "--s3-list-chunk",
      "--multi-thread-cutoff", "--chunk-size", "--buffer-size", "--files-from", "--include", "--exclude",
      "--ignore-existing", "--dry-run", "-n,", "--io", "--direct-io", "--stats", "--report", "--failed-list", "--retries",
      "--timeout", "--contimeout", "--max-duration", "--cutoff-mode", "-v,", "--verbose", "-q,", "--quiet", "-P,", "--progress",
      "--bench", "--iterations", "--bench-files",
      "--bench-size", "--keep", "-h,", "--help", "-V,", "--version"};
  for (const std::string& flag : flags) {
    INFO(flag);
    CHECK(contains(help, flag));
    // Each accepted flag, and nothing the parser refuses.
    if (flag.rfind("--", 0) == 0) CHECK_FALSE(contains(parse({flag}).message, "unknown option"));
  }
  for (const char* piece :
       {"(default 16)", "(default 64M)", "(default 4M)", "(default 10)", "(default 60s", "(default 10s)",
        "(default posix)", "(default 1)", "(default REPORT.failed)", "64M", "1G", "1m30s", "KiB", "bare number",
        "RCLONE_CONFIG", "~/.config/rclone/rclone.conf", "RCLONE_CONFIG_<REMOTE>_", "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_PROFILE", "~/.aws",
        "size", "modification time", "Exit codes", "srun --mpi=pmix", "mpirun", "s3://BUCKET[/PREFIX]",
        "REMOTE:BUCKET[/PREFIX]"}) {
    INFO(piece);
    CHECK(contains(help, piece));
  }
  std::istringstream lines(help);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    ++count;
    INFO(line);
    CHECK(line.size() <= 100);
  }
  CHECK(count <= 100);
  CHECK(help.back() != '\n');  // main adds the newline, as for every message
}

TEST_CASE("the help text: one line per flag from the table, help in one column", "[usage]") {
  const std::vector<std::string> lines = lines_of(usage_text());
  constexpr std::size_t kHelpColumn = 31;
  for (const OptionSpec& option : option_table()) {
    INFO(option.name);
    // "  -n, --dry-run", "  --io posix|mpiio", "  --direct-io[=auto|always|never]"
    std::string column = option.short_name != 0 ? fmt::format("  -{}, {}", option.short_name, option.name)
                                                : fmt::format("  {}", option.name);
    if (!option.metavar.empty()) column += fmt::format(" {}", option.metavar);
    if (!option.switch_values.empty()) column += fmt::format("[={}]", option.switch_values);
    std::size_t at = 0;
    auto is_flag_line = [&](const std::string& line) {
      return line.rfind(column, 0) == 0 && (line.size() == column.size() || line[column.size()] == ' ');
    };
    while (at < lines.size() && !is_flag_line(lines[at])) ++at;
    REQUIRE(at < lines.size());
    CHECK(std::count_if(lines.begin(), lines.end(), is_flag_line) == 1);
    // The help follows the flag at the help column, or starts on the next line when the flag is too wide.
    const bool own_line = lines[at] == column;
    CHECK(own_line == (column.size() + 2 > kHelpColumn));
    if (!own_line) CHECK(lines[at].find_first_not_of(' ', column.size()) == kHelpColumn);
    std::size_t row = own_line ? at + 1 : at;
    std::string_view help = option.help;
    while (!help.empty()) {
      const std::string_view help_line = help.substr(0, help.find('\n'));
      REQUIRE(row < lines.size());
      CHECK(lines[row].size() > kHelpColumn);
      CHECK(lines[row].substr(kHelpColumn) == help_line);
      if (row != at) CHECK(lines[row].find_first_not_of(' ') == kHelpColumn);
      help = help.size() > help_line.size() ? help.substr(help_line.size() + 1) : std::string_view();
      ++row;
    }
  }
}

TEST_CASE("the help text: each flag under its section's title", "[usage]") {
  const std::string help = usage_text();
  const std::vector<std::pair<HelpSection, std::string>> titles{
      {HelpSection::source_and_destination, "\nSource and destination:\n"},
      {HelpSection::performance, "\nPerformance:\n"},
      {HelpSection::selection, "\nSelection (default: every object under SOURCE):\n"},
      {HelpSection::output, "\nOutput:\n"},
      {HelpSection::benchmark, "\nBenchmark (without --bench, the tool copies):\n"},
      {HelpSection::config_and_credentials, "\nConfig and credentials ("},
  };
  for (std::size_t i = 0; i < titles.size(); ++i) {
    const std::size_t begin = help.find(titles[i].second);
    const std::size_t end = i + 1 < titles.size() ? help.find(titles[i + 1].second) : help.find("\nSIZE:");
    REQUIRE(begin != std::string::npos);
    REQUIRE(end > begin);
    const std::string section = help.substr(begin, end - begin);
    for (const OptionSpec& option : option_table()) {
      INFO(titles[i].second << option.name);
      const bool listed = contains(section, fmt::format("\n  {}", option.name)) ||
                          contains(section, fmt::format(", {}", option.name));
      CHECK(listed == (option.section == titles[i].first));
    }
  }
}
