// man_page_text (declared in copy_options.hpp): caios2dfs-mpi(1) in roff,
// from the flag table and the prose of --help (help_text.hpp), so the man
// page says what --help says. Built by caios2dfs-gen-man at build time.
#include <string>
#include <string_view>

#include "caios2dfs/cli/copy_options.hpp"
#include "help_text.hpp"
#include "option_table.hpp"

namespace caios {
namespace {

/// Text as roff shows it literally: '\' and '-' escaped (a plain '-' may
/// print as a hyphen, which a pasted flag would not survive).
std::string escaped(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  return out;
}

/// One input line: escaped, and kept from reading as a request.
void append_line(std::string& out, std::string_view line) {
  if (!line.empty() && (line.front() == '.' || line.front() == '\'')) out += "\\&";
  out += escaped(line);
  out += '\n';
}

/// Lines ending in '\n', shown as they are (columns kept).
void append_verbatim(std::string& out, std::string_view text) {
  out += ".nf\n";
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    append_line(out, text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  out += ".fi\n";
}

/// Lines joined into one paragraph, for man to fill to the reader's width.
std::string joined(std::string_view text) {
  std::string out;
  for (const char c : text) out += c == '\n' ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// ".TP", then "\fB\-n\fR, \fB\-\-dry\-run\fR" or "\fB\-\-transfers\fR \fIN\fR", then the help.
void append_flag(std::string& out, const OptionSpec& option) {
  out += ".TP\n";
  if (option.short_name != 0) out += "\\fB\\-" + std::string(1, option.short_name) + "\\fR, ";
  out += "\\fB" + escaped(option.name) + "\\fR";
  if (!option.metavar.empty()) {
    out += " \\fI" + escaped(option.metavar) + "\\fR";
  } else if (!option.switch_values.empty()) {
    out += "[=\\fI" + escaped(option.switch_values) + "\\fR]";
  }
  out += '\n';
  append_line(out, joined(option.help));
}

std::string_view without_colon(std::string_view title) {
  return title.ends_with(':') ? title.substr(0, title.size() - 1) : title;
}

}  // namespace

std::string man_page_text(std::string_view date) {
  using namespace help;
  // kSummary: "caios2dfs-mpi 0.1.0: copy an S3 bucket ..., every MPI rank ..."
  const std::size_t colon = kSummary.find(':');
  const std::string_view name_version = kSummary.substr(0, colon);
  const std::string_view what = kSummary.substr(colon + 2);
  std::string out = ".\\\" Generated from the flag table by caios2dfs-gen-man: edit src/cli, not this.\n";
  out += ".TH CAIOS2DFS\\-MPI 1 \"" + escaped(date) + "\" \"" + escaped(name_version) + "\" \"User Commands\"\n";
  out += ".SH NAME\ncaios2dfs\\-mpi \\- " + escaped(what.substr(0, what.find(','))) + "\n";
  out += ".SH SYNOPSIS\n";
  append_verbatim(out, kUsageLines);
  out += ".SH DESCRIPTION\n";
  append_line(out, "caios2dfs-mpi: " + joined(what));
  out += ".PP\n";
  append_verbatim(out, kSourceDest);
  out += ".SH OPTIONS\n";
  for (const SectionText& section : kSections) {
    out += ".SS \"" + escaped(without_colon(section.title)) + "\"\n";
    for (const OptionSpec& option : option_table()) {
      if (option.section == section.section) append_flag(out, option);
    }
    if (!section.note.empty()) {
      out += ".PP\n";
      append_verbatim(out, section.note);
    }
  }
  for (const ClosingPart& part : kClosing) {
    out += ".SH \"" + std::string(part.man_title) + "\"\n";
    append_verbatim(out, part.text);
  }
  out += ".SH \"SEE ALSO\"\n\\fBrclone\\fR(1), \\fBmpirun\\fR(1), \\fBsrun\\fR(1); the README, installed with the "
         "examples under share/doc/caios2dfs\\-mpi.\n";
  return out;
}

}  // namespace caios
