#include "caios2dfs/copy/work_item.hpp"

#include <cstring>

#include "wire.hpp"

namespace caios {

std::uint64_t WorkItem::bytes() const {
  if (kind == WorkKind::chunk) return length;
  std::uint64_t total = 0;
  for (const ObjectRef& object : objects) total += object.size;
  return total;
}

ItemDone abandoned_item(const WorkItem& item, const Error& why) {
  ItemDone done;
  done.item_id = item.id;
  done.kind = item.kind;
  done.object_id = item.object_id;
  done.chunk_ok = false;
  done.chunk_index = item.chunk_index;
  for (const ObjectRef& object : item.objects) {
    done.failures.push_back(ObjectFailure{object.key, why.to_string(), static_cast<std::uint8_t>(why.kind)});
  }
  return done;
}

std::string encode_items(const std::vector<WorkItem>& items) {
  Writer w;
  w.integer<std::uint32_t>(static_cast<std::uint32_t>(items.size()));
  for (const WorkItem& item : items) {
    w.integer(item.id);
    w.integer(static_cast<std::uint8_t>(item.kind));
    w.integer(item.offset);
    w.integer(item.length);
    w.integer(item.chunk_index);
    w.integer(item.chunk_count);
    w.integer(item.object_id);
    w.string(item.check_md5);
    w.integer<std::uint8_t>(item.check_final ? 1 : 0);
    w.integer(static_cast<std::uint8_t>(item.digest));
    w.integer(static_cast<std::uint8_t>(item.digest_algorithm));
    w.integer(item.part_size);
    w.integer<std::uint32_t>(static_cast<std::uint32_t>(item.objects.size()));
    for (const ObjectRef& object : item.objects) {
      w.string(object.key);
      w.string(object.relative_path);
      w.integer(object.size);
      w.string(object.etag);
      w.integer(object.mtime_ns);
    }
  }
  return w.take();
}

Result<std::vector<WorkItem>> decode_items(std::string_view bytes) {
  Reader r(bytes);
  std::uint32_t count = 0;
  // Counts are checked against the bytes left: a damaged message must not
  // make us allocate for four billion entries.
  if (!r.count(count)) return wire_error("work items");
  std::vector<WorkItem> items;
  items.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    WorkItem item;
    std::uint8_t kind = 0;
    std::uint32_t objects = 0;
    std::uint8_t check_final = 0, digest = 0, algorithm = 0;
    if (!r.integer(item.id) || !r.integer(kind) || !r.integer(item.offset) || !r.integer(item.length) ||
        !r.integer(item.chunk_index) || !r.integer(item.chunk_count) || !r.integer(item.object_id) ||
        !r.string(item.check_md5) || !r.integer(check_final) || !r.integer(digest) || !r.integer(algorithm) ||
        !r.integer(item.part_size) || !r.count(objects) || kind > 2 || digest > 3 ||
        algorithm >= kChecksumAlgorithms) {
      return wire_error("work items");
    }
    item.kind = static_cast<WorkKind>(kind);
    item.digest = static_cast<ChunkDigest>(digest);
    item.digest_algorithm = static_cast<ChecksumAlgorithm>(algorithm);
    item.check_final = check_final != 0;
    item.objects.resize(objects);
    for (ObjectRef& object : item.objects) {
      if (!r.string(object.key) || !r.string(object.relative_path) || !r.integer(object.size) ||
          !r.string(object.etag) || !r.integer(object.mtime_ns)) {
        return wire_error("work items");
      }
    }
    items.push_back(std::move(item));
  }
  if (!r.empty()) return wire_error("work items");
  return items;
}

std::string encode_done(const ItemDone& done) {
  Writer w;
  w.integer(done.item_id);
  w.integer(static_cast<std::uint8_t>(done.kind));
  w.integer(done.object_id);
  w.integer<std::uint8_t>(done.chunk_ok ? 1 : 0);
  w.integer(done.bytes);
  w.integer(done.objects_copied);
  w.integer(done.objects_skipped);
  w.integer<std::uint32_t>(static_cast<std::uint32_t>(done.failures.size()));
  for (const ObjectFailure& failure : done.failures) {
    w.string(failure.key);
    w.string(failure.error);
    w.integer(failure.kind);
  }
  w.string(done.md5chksum);
  w.integer<std::uint8_t>(done.etag_not_md5 ? 1 : 0);
  w.integer(done.chunk_index);
  w.string(done.digests);
  w.integer(done.chunk_written);
  return w.take();
}

Result<ItemDone> decode_done(std::string_view bytes) {
  Reader r(bytes);
  ItemDone done;
  std::uint8_t kind = 0, ok = 0;
  std::uint32_t failures = 0;
  if (!r.integer(done.item_id) || !r.integer(kind) || !r.integer(done.object_id) || !r.integer(ok) ||
      !r.integer(done.bytes) || !r.integer(done.objects_copied) || !r.integer(done.objects_skipped) ||
      !r.count(failures) || kind > 2) {
    return wire_error("item done");
  }
  done.kind = static_cast<WorkKind>(kind);
  done.chunk_ok = ok != 0;
  done.failures.resize(failures);
  for (ObjectFailure& failure : done.failures) {
    if (!r.string(failure.key) || !r.string(failure.error) || !r.integer(failure.kind)) return wire_error("item done");
  }
  std::uint8_t etag_not_md5 = 0;
  if (!r.string(done.md5chksum) || !r.integer(etag_not_md5) || !r.integer(done.chunk_index) ||
      !r.string(done.digests) || !r.integer(done.chunk_written) || !r.empty()) {
    return wire_error("item done");
  }
  done.etag_not_md5 = etag_not_md5 != 0;
  return done;
}

}  // namespace caios
