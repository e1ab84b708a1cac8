// The prose of the help, shared by --help (usage.cpp) and the man page
// (man_page.cpp): the usage lines, SOURCE and DEST, the notes of the flag
// sections and the closing parts. The flags themselves come from the flag
// table (option_table.hpp), so neither text can drift from the parser.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "option_table.hpp"

namespace caios::help {

inline constexpr std::string_view kSummary =
    R"(caios2dfs-mpi 0.1.0: copy an S3 bucket onto a cluster file system, every MPI rank streaming
ranged GETs straight into the files. Flags follow rclone copy's names.
)";

inline constexpr std::string_view kUsageLines =
    R"(caios2dfs-mpi [OPTIONS] SOURCE DEST          copy the objects under SOURCE into DEST
caios2dfs-mpi --bench read [OPTIONS] SOURCE  read the objects under SOURCE, write nothing
caios2dfs-mpi --bench write [OPTIONS] DEST   write test files into DEST, no S3 at all
caios2dfs-mpi --bench list [OPTIONS] SOURCE  list the keys under SOURCE and count them
)";

inline constexpr std::string_view kSourceDest =
    R"(SOURCE  s3://BUCKET[/PREFIX] or REMOTE:BUCKET[/PREFIX] (an rclone remote), or one object's key
DEST    a directory: PREFIX/a/b.bin lands as DEST/a/b.bin, one object as DEST/NAME, as rclone
)";

inline constexpr std::string_view kSelectionNote =
    R"(The first rule to match, in command-line order, decides; with any
--include, paths matching none are skipped. Quote globs: '*.bin'.
)";

inline constexpr std::string_view kCredentialsNote =
    R"(REMOTE:  the remote's section of the rclone config above; RCLONE_CONFIG_<REMOTE>_<KEY>
         variables override its keys or define the remote alone (..._TYPE=s3)
s3://    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_ENDPOINT_URL,
         AWS_REGION; else profile AWS_PROFILE (default "default") of ~/.aws/credentials
         and ~/.aws/config
--endpoint, --region, --addressing and --ca-bundle beat both.
)";

/// A part of the text after the flags: --help shows `help_title` (when
/// set) above `text`; the man page makes it a section named `man_title`.
struct ClosingPart {
  std::string_view man_title;
  std::string_view help_title;
  std::string_view text;  ///< lines ending in '\n'
};

inline constexpr std::array kClosing{
    ClosingPart{"VALUES", "",
                R"(SIZE: binary as in rclone: 64M = 64MiB = 64MB = 64*2^20 bytes; suffixes B K M G T P; 1.5G.
  A bare number means KiB, as in rclone: 256 is 256K; write 256B for bytes.
DURATION: 10s, 1m30s, 500ms, 2h; a bare number means seconds.
Values go as --flag VALUE or --flag=VALUE; switches take --flag=false; -- ends the options.
)"},
    ClosingPart{"SKIPPING", "",
                R"(Skipping: by default an object is skipped when its DEST file exists with the object's size
and modification time; with --ignore-existing, whenever it exists; with --checksum, when
it has the object's size and MD5 (size alone where no MD5 is known, as rclone does).
)"},
    ClosingPart{"INTEGRITY", "",
                R"(Integrity: bytes are checked against the store's MD5 or checksum before a file gets its name.
)"},
    ClosingPart{"EXIT STATUS", "Exit codes:",
                R"(  0  every object copied or rightly skipped
  1  some objects failed (see --report, --failed-list); rerun to fetch only what is missing
  2  bad usage, config, credentials, bucket or DEST (not writable): found before any data moves
  4  stopped by SIGTERM, SIGINT or SIGUSR1 (10: by --max-duration) before done; rerun to finish
)"},
    ClosingPart{"EXAMPLES", "Examples:",
                R"(  srun --mpi=pmix -N 4 --ntasks-per-node=8 caios2dfs-mpi cw:models/llama /lustre/models
  mpirun -np 32 --hostfile hosts caios2dfs-mpi --transfers 32 s3://data/train /scratch/train
  srun --mpi=pmix -N 2 caios2dfs-mpi --bench write --bench-size 1G /lustre/bench
)"},
};

/// A section of flags: its title in --help, and prose after its flags.
struct SectionText {
  HelpSection section;
  std::string_view title;
  std::string_view note = {};  ///< prose after the section's flags, lines ending in '\n'
  bool note_under_help = false;  ///< --help indents the note to the flags' help column
};

inline constexpr std::array kSections{
    SectionText{HelpSection::source_and_destination, "Source and destination:"},
    SectionText{HelpSection::performance, "Performance:"},
    // The rules read as the continuation of --include and --exclude.
    SectionText{HelpSection::selection, "Selection (default: every object under SOURCE):", kSelectionNote, true},
    SectionText{HelpSection::output, "Output:"},
    SectionText{HelpSection::benchmark, "Benchmark (without --bench, the tool copies):"},
    SectionText{HelpSection::config_and_credentials,
                "Config and credentials (defaults: from the rclone config or AWS settings below):",
                kCredentialsNote},
};

}  // namespace caios::help
