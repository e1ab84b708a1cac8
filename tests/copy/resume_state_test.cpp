// The resume state of a chunked object's temporary file: ranges, the text
// format, and what is not trusted.
#include <catch2/catch.hpp>

#include "caios2dfs/copy/resume_state.hpp"

using namespace caios;

namespace {

std::vector<ByteRange> ranges_after(std::initializer_list<ByteRange> adds) {
  RangeSet set;
  for (const ByteRange& range : adds) set.add(range);
  return set.ranges();
}

}  // namespace

TEST_CASE("a range set merges overlapping and adjacent ranges and keeps them sorted", "[resume_state]") {
  CHECK(ranges_after({{10, 5}, {0, 5}}) == std::vector<ByteRange>{{0, 5}, {10, 5}});
  CHECK(ranges_after({{0, 5}, {5, 5}}) == std::vector<ByteRange>{{0, 10}});
  CHECK(ranges_after({{0, 5}, {10, 5}, {3, 9}}) == std::vector<ByteRange>{{0, 15}});
  CHECK(ranges_after({{20, 5}, {0, 5}, {10, 5}, {4, 2}}) == std::vector<ByteRange>{{0, 6}, {10, 5}, {20, 5}});
  CHECK(ranges_after({{0, 100}, {10, 5}}) == std::vector<ByteRange>{{0, 100}});
  CHECK(ranges_after({{7, 0}}).empty());
  RangeSet set;
  set.add({0, 5});
  set.add({3, 10});
  CHECK(set.bytes() == 13);
}

TEST_CASE("the missing ranges are the complement within the object", "[resume_state]") {
  RangeSet set;
  CHECK(set.missing(100) == std::vector<ByteRange>{{0, 100}});
  CHECK(set.missing(0).empty());
  set.add({0, 30});
  set.add({50, 10});
  CHECK(set.missing(100) == std::vector<ByteRange>{{30, 20}, {60, 40}});
  CHECK(set.missing(55) == std::vector<ByteRange>{{30, 20}});
  set.add({60, 40});
  CHECK(set.missing(100) == std::vector<ByteRange>{{30, 20}});
  set.add({30, 20});
  CHECK(set.missing(100).empty());
}

TEST_CASE("missing ranges widen to whole blocks so their writes stay aligned", "[resume_state]") {
  RangeSet set;
  set.add({0, 5000});       // a chunk cut part-way, mid-block
  set.add({8192, 8000});    // another, ending mid-block
  set.add({16500, 100});    // a sliver between two gaps that widen into each other
  CHECK(set.missing(20000, 4096) == std::vector<ByteRange>{{4096, 4096}, {12288, 7712}});
  CHECK(set.missing(20000) == std::vector<ByteRange>{{5000, 3192}, {16192, 308}, {16600, 3400}});
}

TEST_CASE("a state file round-trips and names the object it belongs to", "[resume_state]") {
  const ObjectIdentity identity{1 << 20, "\"0123456789abcdef0123456789abcdef-3\"", 1700000000123456789};
  const std::string text = state_header(identity) + state_line({0, 4096}) + state_line({8192, 4096}) +
                           state_line({4096, 4096});
  const std::optional<ResumeState> state = parse_state(text);
  REQUIRE(state);
  CHECK(state->identity == identity);
  CHECK(state->written.ranges() == std::vector<ByteRange>{{0, 12288}});
  ObjectIdentity changed = identity;
  changed.etag = "\"other\"";
  CHECK_FALSE(state->identity == changed);
}

TEST_CASE("a state cut by a crash keeps its whole lines; a damaged one is not trusted", "[resume_state]") {
  const ObjectIdentity identity{1000, "\"e\"", 5};
  const std::string whole = state_header(identity) + state_line({0, 100}) + state_line({500, 100});
  SECTION("a last line without its newline is ignored") {
    const auto state = parse_state(whole.substr(0, whole.size() - 1));
    REQUIRE(state);
    CHECK(state->written.ranges() == std::vector<ByteRange>{{0, 100}});
  }
  SECTION("a header alone: nothing written yet") {
    const auto state = parse_state(state_header(identity));
    REQUIRE(state);
    CHECK(state->written.ranges().empty());
  }
  SECTION("not trusted") {
    CHECK_FALSE(parse_state(""));
    CHECK_FALSE(parse_state(state_header(identity).substr(0, 10)));
    CHECK_FALSE(parse_state("caios2dfs-resume 2 size=1000 mtime_ns=5 etag=\"e\"\n"));
    CHECK_FALSE(parse_state("caios2dfs-resume 1 size=x mtime_ns=5 etag=\"e\"\n"));
    CHECK_FALSE(parse_state(state_header(identity) + "w 900 200\n"));   // past the end
    CHECK_FALSE(parse_state(state_header(identity) + "w 2000 0\n"));    // past the end
    CHECK_FALSE(parse_state(state_header(identity) + "w 10\n"));        // no length
    CHECK_FALSE(parse_state(state_header(identity) + "x 0 10\n"));      // not a range
    CHECK_FALSE(parse_state(state_header(identity) + "w 0 10 junk\n"));
    CHECK_FALSE(parse_state(state_header(identity) + "w 18446744073709551615 2\n"));  // overflows
  }
}
