// How a run is shown at its end: the summary lines on standard output, the
// --report JSON document and the --failed-list file.
#pragma once

#include <optional>
#include <string>

#include "caios2dfs/copy/stats.hpp"

namespace caios {

/// The final summary, a few aligned lines of plain text. Pure. `detailed`
/// (-v) adds the time the event loops spent blocked in file-system calls.
std::string format_summary(const RunSummary& summary, bool detailed = false);

/// The --report JSON document. Pure.
std::string format_report_json(const RunSummary& summary);

/// The --failed-list file: each failed key relative to `prefix` (the source
/// prefix), one per line as --files-from reads them back. Keys that would not
/// read back as themselves (see format_files_from_line) are left out: they
/// are in the report. Pure.
std::string format_failed_list(const RunSummary& summary, const std::string& prefix);

/// Where the end-of-run files go; nullopt: not written.
struct ReportPaths {
  std::optional<std::string> report;
  std::optional<std::string> failed_list;
};

/// Write the report and the failed list (each atomically) where asked, and
/// say on stderr when one cannot be written. Rank 0 only.
void write_report_files(const RunSummary& summary, const ReportPaths& paths, const std::string& prefix);

}  // namespace caios
