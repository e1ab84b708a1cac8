// Fuzz target: parse_state and RangeSet (copy/resume_state.hpp). Input: the
// text of a resume state file, as a crash or a person may have left it.
// Property: no crash and no sanitizer report; a state that parses has its
// ranges sorted, disjoint, not touching and inside the object; the missing
// ranges and the written ones cover the object exactly once; widened to
// 4 KiB blocks, the missing ranges still cover every missing byte and stay
// inside the object; written back (header and one line per range), the
// state parses to the same identity and ranges.
#include <cstddef>
#include <cstdint>
#include <string>

#include "caios2dfs/copy/resume_state.hpp"
#include "fuzz_support.hpp"

using namespace caios;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::optional<ResumeState> state = parse_state(fuzz::as_text(data, size));
  if (!state) return 0;
  const std::uint64_t object_size = state->identity.size;
  const std::vector<ByteRange>& ranges = state->written.ranges();
  std::uint64_t written = 0;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    fuzz::check(ranges[i].length > 0 && ranges[i].end() <= object_size, "each range non-empty, inside the object");
    fuzz::check(i == 0 || ranges[i - 1].end() < ranges[i].offset, "ranges sorted, disjoint, not touching");
    written += ranges[i].length;
  }
  std::uint64_t missing = 0;
  for (const ByteRange& gap : state->written.missing(object_size)) missing += gap.length;
  fuzz::check(written + missing == object_size, "written and missing cover the object once");
  std::uint64_t at = 0;
  for (const ByteRange& gap : state->written.missing(object_size, 4096)) {
    fuzz::check(gap.offset % 4096 == 0 && gap.end() <= object_size && gap.offset >= at, "widened gaps aligned, in order, inside");
    at = gap.end();
  }
  RangeSet widened_cover;
  for (const ByteRange& gap : state->written.missing(object_size, 4096)) widened_cover.add(gap);
  for (const ByteRange& range : ranges) widened_cover.add(range);
  fuzz::check(widened_cover.missing(object_size).empty(), "widened gaps and written ranges cover the object");
  std::string text = state_header(state->identity);
  for (const ByteRange& range : ranges) text += state_line(range);
  const std::optional<ResumeState> again = parse_state(text);
  fuzz::check(again && again->identity == state->identity && again->written.ranges() == ranges,
              "a state written back parses to itself");
  return 0;
}
