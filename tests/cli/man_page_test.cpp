// man_page_text: caios2dfs-mpi(1) from the flag table and the help's prose.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>
#include <string>

#include "caios2dfs/cli/copy_options.hpp"
#include "help_text.hpp"
#include "option_table.hpp"

using namespace caios;

namespace {

/// What the roff text shows: escapes and font changes undone.
std::string shown(std::string text) {
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"\\-", "-"}, {"\\fB", ""}, {"\\fI", ""},
                                 {"\\fR", ""}, {"\\e", "\\"}, {"\\&", ""}}) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
  }
  return text;
}

}  // namespace

TEST_CASE("the man page names every flag of the table, with its value and help", "[man_page]") {
  const std::string page = man_page_text("2026-12-02");
  const std::string text = shown(page);
  for (const OptionSpec& option : option_table()) {
    INFO(option.name);
    std::string flag = option.short_name != 0 ? std::string{'-', option.short_name, ',', ' '} : std::string();
    flag += option.name;
    if (!option.metavar.empty()) flag.append(" ").append(option.metavar);
    if (!option.switch_values.empty()) flag.append("[=").append(option.switch_values).append("]");
    CHECK(text.find(".TP\n" + flag + "\n") != std::string::npos);
    // The help's first line starts the flag's paragraph, word for word.
    const std::string_view first_line = option.help.substr(0, option.help.find('\n'));
    CHECK(text.find(flag + "\n" + std::string(first_line)) != std::string::npos);
  }
  for (const help::ClosingPart& part : help::kClosing) {
    CHECK(text.find(".SH \"" + std::string(part.man_title) + "\"\n.nf\n" + std::string(part.text)) !=
          std::string::npos);
  }
  CHECK(text.find(std::string(help::kUsageLines)) != std::string::npos);
  CHECK(text.find(std::string(help::kSourceDest)) != std::string::npos);
}

TEST_CASE("the man page is well-formed roff: a header, known requests only, hyphens escaped", "[man_page]") {
  const std::string page = man_page_text("2026-12-02");
  CHECK(page.find(".TH CAIOS2DFS\\-MPI 1 \"2026\\-12\\-02\" \"caios2dfs\\-mpi 0.1.0\" \"User Commands\"\n") !=
        std::string::npos);
  CHECK(page.find(".SH NAME\ncaios2dfs\\-mpi \\- copy an S3 bucket onto a cluster file system\n") !=
        std::string::npos);
  const std::set<std::string> requests{".TH", ".SH", ".SS", ".TP", ".PP", ".nf", ".fi", ".\\\""};
  std::istringstream lines(page);
  int nofill = 0;
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    if (line.starts_with('.') || line.starts_with('\'')) CHECK(requests.count(line.substr(0, 3)) == 1);
    if (line == ".nf") ++nofill;
    if (line == ".fi") --nofill;
    CHECK((nofill == 0 || nofill == 1));
    // A bare '-' may print as a hyphen: every one is escaped (the comment aside).
    if (!line.starts_with(".\\\"")) {
      for (std::size_t at = line.find('-'); at != std::string::npos; at = line.find('-', at + 1)) {
        CHECK((at > 0 && line[at - 1] == '\\'));
      }
    }
  }
  CHECK(nofill == 0);
}
