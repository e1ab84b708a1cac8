// usage_text (declared in copy_options.hpp): the --help text. Every flag
// line comes from the flag table (option_table.cpp); the prose around the
// flags (usage lines, SOURCE and DEST, credentials, value syntax, exit
// codes, examples) from help_text.hpp, which the man page shares.
#include <array>
#include <string>
#include <string_view>

#include "caios2dfs/cli/copy_options.hpp"
#include "help_text.hpp"
#include "option_table.hpp"

namespace caios {
namespace {

constexpr std::size_t kFlagIndent = 2;
constexpr std::size_t kHelpColumn = 31;  // where every help line starts

// Each line of `text` (lines ending in '\n') after `indent` spaces; the first
// line's indent is left to the caller when `first_indented` is false.
void append_indented(std::string& out, std::string_view text, std::size_t indent, bool first_indented = true) {
  bool first = true;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    if (!first || first_indented) out.append(indent, ' ');
    out += line;
    out += '\n';
    first = false;
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
}

// "  -n, --dry-run", "  --io posix|mpiio", "  --direct-io[=auto|always|never]".
std::string flag_column(const OptionSpec& option) {
  std::string column(kFlagIndent, ' ');
  if (option.short_name != 0) column += std::string{'-', option.short_name, ',', ' '};
  column += option.name;
  if (!option.metavar.empty()) {
    column += ' ';
    column += option.metavar;
  } else if (!option.switch_values.empty()) {
    column += "[=";
    column += option.switch_values;
    column += ']';
  }
  return column;
}

void append_flag(std::string& out, const OptionSpec& option) {
  const std::string column = flag_column(option);
  out += column;
  // At least two spaces between flag and help; a flag too wide for that gets a line of its own.
  if (column.size() + 2 > kHelpColumn) {
    out += '\n';
    out.append(kHelpColumn, ' ');
  } else {
    out.append(kHelpColumn - column.size(), ' ');
  }
  append_indented(out, option.help, kHelpColumn, /*first_indented=*/false);
}

}  // namespace

std::string usage_text() {
  using namespace help;
  std::string text(kSummary);
  text += "\nUsage:\n";
  append_indented(text, kUsageLines, kFlagIndent);
  text += '\n';
  append_indented(text, kSourceDest, kFlagIndent);
  for (const SectionText& section : kSections) {
    text += '\n';
    text += section.title;
    text += '\n';
    for (const OptionSpec& option : option_table()) {
      if (option.section == section.section) append_flag(text, option);
    }
    append_indented(text, section.note, section.note_under_help ? kHelpColumn : kFlagIndent);
  }
  for (const ClosingPart& part : kClosing) {
    text += '\n';
    if (!part.help_title.empty()) {
      text += part.help_title;
      text += '\n';
    }
    text += part.text;
  }
  text.pop_back();  // no newline at the end: main adds it, as for every message
  return text;
}

}  // namespace caios
