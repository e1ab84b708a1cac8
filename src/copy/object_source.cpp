#include "caios2dfs/copy/object_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>

namespace caios {

namespace {

ListRequest request_of(const std::string& bucket, const ListCursor& cursor, int max_keys) {
  return ListRequest{bucket, cursor.prefix, cursor.token, cursor.start_after, max_keys, cursor.delimited ? "/" : ""};
}

}  // namespace

ObjectSource::ObjectSource(S3Client& client, SourceRequests& requests, Spec spec, Callbacks callbacks)
    : client_(client),
      requests_(requests),
      bucket_(std::move(spec.bucket)),
      prefix_(std::move(spec.prefix)),
      files_from_path_(std::move(spec.files_from)),
      passes_(std::max(1, spec.passes)),
      checkers_(std::max(1, spec.checkers)),
      list_chunk_(std::max(0, spec.list_chunk)),
      // Each rank that runs them gets its share of the checkers at once,
      // in few messages; a batch waits for its slowest HEAD, so not more.
      head_batch_(static_cast<std::size_t>(std::clamp(checkers_ / std::max(1, requests.lanes()), 1, 64))),
      callbacks_(std::move(callbacks)),
      may_name_object_(spec.may_name_object && !prefix_.empty() && !files_from_path_) {}

std::string ObjectSource::find_single_object() {
  const std::string key = prefix_.substr(0, prefix_.size() - 1);
  Result<ObjectInfo> head =
      run_sync<ObjectInfo>(client_.engine(), [&](auto done) { client_.head(bucket_, key, std::move(done)); });
  if (!head.ok()) {
    // No such object: SOURCE is a prefix, as before. Any other answer (denied,
    // unreachable) stops the job, as rclone's does, rather than guess.
    return head.error().kind == ErrorKind::not_found ? std::string() : head.error().to_string();
  }
  // rclone copies the object and ignores the keys under "key/"; so do we,
  // but say so, since a user may have meant the tree.
  Result<ListPage> under = run_sync<ListPage>(
      client_.engine(), [&](auto done) { client_.list_page(ListRequest{bucket_, prefix_, "", "", 1, ""}, done); });
  if (under.ok() && (!under.value().objects.empty() || !under.value().common_prefixes.empty())) {
    note_ = fmt::format("'{}' is an object and also a prefix of other objects; copying the object only, as rclone "
                        "does (to copy the objects under it, end SOURCE with '/')", key);
  }
  single_ = ObjectEntry{key, head.value().size, head.value().etag, head.value().mtime_ns};
  const std::size_t slash = key.rfind('/');
  prefix_ = slash == std::string::npos ? std::string() : key.substr(0, slash + 1);
  return {};
}

void ObjectSource::drive_single_object() {
  // --bench read --iterations N fetches it N times, like a listed tree.
  for (; passes_done_ < passes_; ++passes_done_) {
    callbacks_.on_object(ObjectEntry(*single_));
    callbacks_.on_batch_end();
  }
  done_ = true;
}

std::string ObjectSource::start() {
  if (may_name_object_) {
    std::string error = find_single_object();
    if (!error.empty() || single_) return error;
  }
  if (files_from_path_) {
    if (*files_from_path_ == "-") {
      files_from_ = &std::cin;  // one pass only: standard input cannot be rewound
    } else {
      files_from_file_ = std::make_unique<std::ifstream>(*files_from_path_);
      if (!*files_from_file_) {
        return fmt::format("cannot read --files-from {}: {}", *files_from_path_, std::strerror(errno));
      }
      files_from_ = files_from_file_.get();
    }
    // The bucket must be reachable even when no key is listed.
    Result<ListPage> probe = run_sync<ListPage>(client_.engine(), [&](auto done) {
      client_.list_page(ListRequest{bucket_, prefix_, "", "", 1, ""}, done);
    });
    return probe.ok() ? std::string() : probe.error().to_string();
  }
  // The first page synchronously: a bucket that cannot be listed stops the
  // job before anything is dealt.
  start_pass();
  const std::optional<ListCursor> first = frontier_->take();
  Result<ListPage> page = run_sync<ListPage>(
      client_.engine(), [&](auto done) { client_.list_page(request_of(bucket_, *first, list_chunk_), done); });
  if (!page.ok()) return page.error().to_string();
  take_page(first->id, std::move(page).value());
  return {};
}

void ObjectSource::start_pass() {
  frontier_.emplace(list_prefixes_.empty() ? std::vector<std::string>{prefix_} : list_prefixes_,
                    static_cast<std::size_t>(checkers_));
}

void ObjectSource::stop(const std::string& reason) {
  if (done_ && error_.empty() && pages_in_flight_ == 0 && heads_in_flight_ == 0) return;  // it was all listed
  if (error_.empty()) error_ = fmt::format("stopped by {} before the listing was done", reason);
  done_ = true;
}

void ObjectSource::stop_with_error(std::string error) {
  if (!error_.empty()) return;  // the first error says why; pages still in flight are dropped
  error_ = std::move(error);
  fmt::print(stderr, "ERROR: listing stopped: {}\n", error_);
  done_ = true;
}

void ObjectSource::take_page(std::uint64_t cursor, ListPage&& page) {
  if (done_) return;  // the listing stopped meanwhile
  ListedPage listed;
  listed.keys.reserve(page.objects.size());
  for (const ObjectEntry& entry : page.objects) listed.keys.emplace_back(entry.key);
  listed.prefixes.assign(page.common_prefixes.begin(), page.common_prefixes.end());
  listed.truncated = page.is_truncated;
  listed.next_token = page.next_continuation_token;
  const PageVerdict verdict = frontier_->page_done(cursor, listed);
  // Keys past the cursor's range are another cursor's to list.
  for (std::size_t i = 0; i < verdict.keys; ++i) callbacks_.on_object(std::move(page.objects[i]));
  callbacks_.on_batch_end();
  if (verdict.stuck) {
    // Asking again would return the same page forever.
    return stop_with_error("the server said the listing is truncated but gave no way to continue");
  }
  if (!frontier_->done()) return;
  if (++passes_done_ < passes_) {
    // --bench read|list --iterations N: list (and fetch) everything again.
    start_pass();
  } else {
    done_ = true;
  }
}

void ObjectSource::request_page(const ListCursor& cursor) {
  ++pages_in_flight_;
  requests_.list_page(request_of(bucket_, cursor, list_chunk_), [this, id = cursor.id](Result<ListPage> page) {
    --pages_in_flight_;
    if (!page.ok()) {
      if (frontier_) frontier_->page_failed(id);
      return stop_with_error(page.error().to_string());
    }
    take_page(id, std::move(page).value());
  });
}

void ObjectSource::drive() {
  if (done_) return;
  if (single_) return drive_single_object();
  if (files_from_) return drive_files_from();
  while (std::optional<ListCursor> cursor = frontier_->take()) request_page(*cursor);
}

void ObjectSource::drive_files_from() {
  while (heads_in_flight_ < checkers_) {
    if (pending_paths_.empty() && !files_from_eof_) {
      read_files_from();
      continue;
    }
    std::vector<std::string> keys;
    while (!pending_paths_.empty() && keys.size() < head_batch_) {
      std::string key = prefix_ + pending_paths_.front();
      pending_paths_.pop_front();
      // A key listed twice (two failed lists joined) must become one copy:
      // two copies would write the same temporary file at the same time.
      if (seen_keys_.insert(key).second) keys.push_back(std::move(key));
    }
    if (keys.empty()) {
      if (pending_paths_.empty() && files_from_eof_) break;
      continue;
    }
    heads_in_flight_ += static_cast<int>(keys.size());
    requests_.head(bucket_, keys, [this, keys](std::vector<Result<ObjectEntry>> heads) {
      heads_in_flight_ -= static_cast<int>(keys.size());
      for (std::size_t i = 0; i < keys.size(); ++i) {
        if (i >= heads.size()) {
          callbacks_.on_unusable_key(keys[i], protocol_error("HEAD", keys[i], 0, "no answer for this key"));
        } else if (!heads[i].ok()) {
          callbacks_.on_unusable_key(keys[i], heads[i].error());
        } else {
          callbacks_.on_object(std::move(heads[i]).value());
        }
      }
      callbacks_.on_batch_end();
    });
  }
  if (heads_in_flight_ == 0 && pending_paths_.empty() && files_from_eof_ && !done_) {
    callbacks_.on_batch_end();
    if (++passes_done_ < passes_ && files_from_file_) {
      files_from_->clear();
      files_from_->seekg(0);
      files_from_eof_ = false;
      seen_keys_.clear();
      return;
    }
    done_ = true;
  }
}

void ObjectSource::read_files_from() {
  char chunk[64 * 1024];
  files_from_->read(chunk, sizeof chunk);
  const std::streamsize n = files_from_->gcount();
  std::vector<std::string> lines;
  if (n > 0) parser_.feed(std::string_view(chunk, static_cast<std::size_t>(n)), lines);
  if (files_from_->bad()) {
    // A read error must not pass for the end of the list.
    stop_with_error(fmt::format("cannot read --files-from {}", *files_from_path_));
    files_from_eof_ = true;
  } else if (n <= 0 || files_from_->eof()) {
    parser_.finish(lines);
    files_from_eof_ = true;
  }
  for (std::string& line : lines) pending_paths_.push_back(std::move(line));
}

}  // namespace caios
