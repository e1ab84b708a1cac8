#include "caios2dfs/copy/source_tasks.hpp"

#include "wire.hpp"

namespace caios {

namespace {

void write_entry(Writer& w, const ObjectEntry& entry) {
  w.string(entry.key);
  w.integer(entry.size);
  w.string(entry.etag);
  w.integer(entry.mtime_ns);
}

bool read_entry(Reader& r, ObjectEntry& entry) {
  return r.string(entry.key) && r.integer(entry.size) && r.string(entry.etag) && r.integer(entry.mtime_ns);
}

void write_page(Writer& w, const ListPage& page) {
  w.integer(static_cast<std::uint32_t>(page.objects.size()));
  for (const ObjectEntry& entry : page.objects) write_entry(w, entry);
  w.integer(static_cast<std::uint32_t>(page.common_prefixes.size()));
  for (const std::string& prefix : page.common_prefixes) w.string(prefix);
  w.boolean(page.is_truncated);
  w.string(page.next_continuation_token);
  w.boolean(page.url_encoded);
}

bool read_page(Reader& r, ListPage& page) {
  std::uint32_t count = 0;
  if (!r.count(count)) return false;
  page.objects.resize(count);
  for (ObjectEntry& entry : page.objects) {
    if (!read_entry(r, entry)) return false;
  }
  if (!r.count(count)) return false;
  page.common_prefixes.resize(count);
  for (std::string& prefix : page.common_prefixes) {
    if (!r.string(prefix)) return false;
  }
  return r.boolean(page.is_truncated) && r.string(page.next_continuation_token) && r.boolean(page.url_encoded);
}

}  // namespace

std::string encode_task(const SourceTask& task) {
  Writer w;
  w.integer(task.id);
  w.string(task.list.bucket);
  w.string(task.list.prefix);
  w.string(task.list.continuation_token);
  w.string(task.list.start_after);
  w.integer<std::int32_t>(task.list.max_keys);
  w.string(task.list.delimiter);
  w.integer(static_cast<std::uint32_t>(task.head_keys.size()));
  for (const std::string& key : task.head_keys) w.string(key);
  return w.take();
}

Result<SourceTask> decode_task(std::string_view bytes) {
  Reader r(bytes);
  SourceTask task;
  std::int32_t max_keys = 0;
  std::uint32_t keys = 0;
  if (!r.integer(task.id) || !r.string(task.list.bucket) || !r.string(task.list.prefix) ||
      !r.string(task.list.continuation_token) || !r.string(task.list.start_after) || !r.integer(max_keys) ||
      !r.string(task.list.delimiter) || !r.count(keys)) {
    return wire_error("source task");
  }
  task.list.max_keys = max_keys;
  task.head_keys.resize(keys);
  for (std::string& key : task.head_keys) {
    if (!r.string(key)) return wire_error("source task");
  }
  if (!r.empty()) return wire_error("source task");
  return task;
}

std::string encode_result(const SourceResult& result) {
  Writer w;
  w.integer(result.id);
  w.boolean(result.page_error.has_value());
  if (result.page_error) w.error(*result.page_error);
  write_page(w, result.page);
  w.integer(static_cast<std::uint32_t>(result.heads.size()));
  for (const Result<ObjectEntry>& head : result.heads) {
    w.boolean(head.ok());
    if (head.ok()) {
      write_entry(w, *head);
    } else {
      w.error(head.error());
    }
  }
  return w.take();
}

Result<SourceResult> decode_result(std::string_view bytes) {
  Reader r(bytes);
  SourceResult result;
  bool failed = false;
  if (!r.integer(result.id) || !r.boolean(failed)) return wire_error("source result");
  if (failed && !r.error(result.page_error.emplace())) return wire_error("source result");
  std::uint32_t heads = 0;
  if (!read_page(r, result.page) || !r.count(heads)) return wire_error("source result");
  result.heads.reserve(heads);
  for (std::uint32_t i = 0; i < heads; ++i) {
    bool ok = false;
    ObjectEntry entry;
    Error error;
    if (!r.boolean(ok) || !(ok ? read_entry(r, entry) : r.error(error))) return wire_error("source result");
    if (ok) {
      result.heads.emplace_back(std::move(entry));
    } else {
      result.heads.emplace_back(std::move(error));
    }
  }
  if (!r.empty()) return wire_error("source result");
  return result;
}

}  // namespace caios
