// usage_text (declared in copy_options.hpp): the --help text. Every flag
// line comes from the flag table (option_table.cpp); the prose around the
// flags (usage lines, SOURCE and DEST, credentials, value syntax, exit
// codes, examples) is written here.
#include <array>
#include <string>
#include <string_view>

#include "caios2dfs/cli/copy_options.hpp"
#include "option_table.hpp"

namespace caios {
namespace {

constexpr std::string_view kIntro =
    R"(caios2dfs-mpi 0.1.0: copy an S3 bucket onto a cluster file system, every MPI rank streaming
ranged GETs straight into the files. Flags follow rclone copy's names.

Usage:
  caios2dfs-mpi [OPTIONS] SOURCE DEST          copy the objects under SOURCE into DEST
  caios2dfs-mpi --bench read [OPTIONS] SOURCE  read the objects under SOURCE, write nothing
  caios2dfs-mpi --bench write [OPTIONS] DEST   write test files into DEST, no S3 at all
  caios2dfs-mpi --bench list [OPTIONS] SOURCE  list the keys under SOURCE and count them

  SOURCE  s3://BUCKET[/PREFIX] or REMOTE:BUCKET[/PREFIX] (an rclone remote), or one object's key
  DEST    a directory: PREFIX/a/b.bin lands as DEST/a/b.bin, one object as DEST/NAME, as rclone
)";

constexpr std::string_view kSelectionNote =
    R"(Rules apply in command-line order and the first match decides;
with any --include, paths matching no rule are skipped. Quote
globs ('*.bin') so the shell leaves them alone.
)";

constexpr std::string_view kCredentialsNote =
    R"(REMOTE:  the remote's section of the rclone config above; RCLONE_CONFIG_<REMOTE>_<KEY>
         variables override its keys or define the remote alone (..._TYPE=s3)
s3://    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_ENDPOINT_URL,
         AWS_REGION; else profile AWS_PROFILE (default "default") of ~/.aws/credentials
         and ~/.aws/config
--endpoint, --region, --addressing and --ca-bundle beat both.
)";

constexpr std::string_view kClosing =
    R"(SIZE: binary as in rclone: 64M = 64MiB = 64MB = 64*2^20 bytes; suffixes B K M G T P; 1.5G.
  A bare number means KiB, as in rclone: 256 is 256K; write 256B for bytes.
DURATION: 10s, 1m30s, 500ms, 2h; a bare number means seconds.
Values go as --flag VALUE or --flag=VALUE; switches take --flag=false; -- ends the options.

Skipping: by default an object is skipped when its DEST file exists with the object's size
and modification time; with --ignore-existing, whenever it exists; with --checksum, when
it has the object's size and MD5 (size alone where no MD5 is known, as rclone does).

Integrity: bytes are checked against the store's MD5 or checksum before a file gets its name.

Exit codes:
  0  every object copied or rightly skipped
  1  some objects failed (see --report, --failed-list); rerun to fetch only what is missing
  2  bad usage, config, credentials, bucket or DEST (not writable): found before any data moves
  4  stopped by SIGTERM, SIGINT or SIGUSR1 (10: by --max-duration) before done; rerun to finish

Examples:
  srun --mpi=pmix -N 4 --ntasks-per-node=8 caios2dfs-mpi cw:models/llama /lustre/models
  mpirun -np 32 --hostfile hosts caios2dfs-mpi --transfers 32 s3://data/train /scratch/train
  srun --mpi=pmix -N 2 caios2dfs-mpi --bench write --bench-size 1G /lustre/bench)";

constexpr std::size_t kFlagIndent = 2;
constexpr std::size_t kHelpColumn = 31;  // where every help line starts

struct SectionText {
  HelpSection section;
  std::string_view title;
  std::string_view note = {};  ///< prose after the section's flags, lines ending in '\n'
  std::size_t note_indent = kFlagIndent;
};

constexpr std::array kSections{
    SectionText{HelpSection::source_and_destination, "Source and destination:"},
    SectionText{HelpSection::performance, "Performance:"},
    // The rules read as the continuation of --include and --exclude.
    SectionText{HelpSection::selection, "Selection (default: every object under SOURCE):", kSelectionNote,
                kHelpColumn},
    SectionText{HelpSection::output, "Output:"},
    SectionText{HelpSection::benchmark, "Benchmark (without --bench, the tool copies):"},
    SectionText{HelpSection::config_and_credentials,
                "Config and credentials (defaults: from the rclone config or AWS settings below):",
                kCredentialsNote},
};

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
  std::string text(kIntro);
  for (const SectionText& section : kSections) {
    text += '\n';
    text += section.title;
    text += '\n';
    for (const OptionSpec& option : option_table()) {
      if (option.section == section.section) append_flag(text, option);
    }
    append_indented(text, section.note, section.note_indent);
  }
  text += '\n';
  text += kClosing;  // no newline at the end: main adds it, as for every message
  return text;
}

}  // namespace caios
