// Fuzz target: decode_items and decode_done (copy/work_item.hpp), the work
// and the reports that travel between ranks. Each input is offered to both.
// Property: decoding any bytes never crashes, reports a sanitizer error or
// allocates without bound (a count in the message is no reason to reserve
// more than the message could hold); a refused message is a protocol Error;
// and what decodes survives the round trip: decode(encode(decode(x))) equals
// decode(x), field by field.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "caios2dfs/copy/work_item.hpp"
#include "fuzz_support.hpp"

using namespace caios;

namespace {

auto fields(const ObjectRef& o) { return std::tie(o.key, o.relative_path, o.size, o.etag, o.mtime_ns); }

auto fields(const ObjectFailure& f) { return std::tie(f.key, f.error, f.kind); }

template <class T>
bool same_list(const std::vector<T>& a, const std::vector<T>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const T& x, const T& y) { return fields(x) == fields(y); });
}

bool same(const WorkItem& a, const WorkItem& b) {
  return std::tie(a.id, a.kind, a.offset, a.length, a.chunk_index, a.chunk_count, a.object_id, a.digest,
                  a.digest_algorithm, a.part_size, a.check_md5, a.check_final) ==
             std::tie(b.id, b.kind, b.offset, b.length, b.chunk_index, b.chunk_count, b.object_id, b.digest,
                      b.digest_algorithm, b.part_size, b.check_md5, b.check_final) &&
         same_list(a.objects, b.objects);
}

bool same(const ItemDone& a, const ItemDone& b) {
  return std::tie(a.item_id, a.kind, a.object_id, a.chunk_ok, a.bytes, a.objects_copied, a.objects_skipped,
                  a.md5chksum, a.etag_not_md5, a.chunk_index, a.digests) ==
             std::tie(b.item_id, b.kind, b.object_id, b.chunk_ok, b.bytes, b.objects_copied, b.objects_skipped,
                      b.md5chksum, b.etag_not_md5, b.chunk_index, b.digests) &&
         same_list(a.failures, b.failures);
}

void check_items(std::string_view bytes) {
  const Result<std::vector<WorkItem>> items = decode_items(bytes);
  if (!items.ok()) {
    fuzz::check(items.error().kind == ErrorKind::protocol, "a bad work-item message is a protocol error");
    return;
  }
  const Result<std::vector<WorkItem>> again = decode_items(encode_items(items.value()));
  fuzz::check(again.ok() && std::equal(items->begin(), items->end(), again->begin(), again->end(),
                                       [](const WorkItem& a, const WorkItem& b) { return same(a, b); }),
              "work items survive encode and decode");
}

void check_done(std::string_view bytes) {
  const Result<ItemDone> done = decode_done(bytes);
  if (!done.ok()) {
    fuzz::check(done.error().kind == ErrorKind::protocol, "a bad item-done message is a protocol error");
    return;
  }
  const Result<ItemDone> again = decode_done(encode_done(done.value()));
  fuzz::check(again.ok() && same(done.value(), again.value()), "an item-done report survives encode and decode");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = fuzz::as_text(data, size);
  check_items(bytes);
  check_done(bytes);
  return 0;
}
