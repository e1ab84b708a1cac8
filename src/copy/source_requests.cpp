#include "caios2dfs/copy/source_requests.hpp"

#include <memory>

#include "caios2dfs/copy/messages.hpp"
#include "caios2dfs/copy/source_tasks.hpp"

namespace caios {

void LocalRequests::list_page(const ListRequest& request, PageDone done) {
  ++stats_.list_pages;
  client_.list_page(request, std::move(done));
}

void LocalRequests::head(const std::string& bucket, std::vector<std::string> keys, HeadsDone done) {
  if (keys.empty()) return done({});
  stats_.heads += keys.size();
  // All at once; the answers are gathered in the order asked.
  struct Gather {
    std::vector<Result<ObjectEntry>> results;
    std::size_t missing = 0;
    HeadsDone done;
  };
  auto gather = std::make_shared<Gather>();
  gather->results.assign(keys.size(), Result<ObjectEntry>(ObjectEntry{}));
  gather->missing = keys.size();
  gather->done = std::move(done);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    client_.head(bucket, keys[i], [gather, i, key = keys[i]](Result<ObjectInfo> info) {
      if (info.ok()) {
        gather->results[i] = ObjectEntry{key, info->size, info->etag, info->mtime_ns};
      } else {
        gather->results[i] = info.error();
      }
      if (--gather->missing == 0) gather->done(std::move(gather->results));
    });
  }
}

SpreadRequests::SpreadRequests(Comm& comm) : comm_(comm), outstanding_(static_cast<std::size_t>(comm.size()), 0) {}

void SpreadRequests::list_page(const ListRequest& request, PageDone done) {
  send(request, {}, Pending{0, std::move(done), nullptr});
}

void SpreadRequests::head(const std::string& bucket, std::vector<std::string> keys, HeadsDone done) {
  if (keys.empty()) return done({});
  ListRequest where;
  where.bucket = bucket;
  send(std::move(where), std::move(keys), Pending{0, nullptr, std::move(done)});
}

void SpreadRequests::send(ListRequest list, std::vector<std::string> keys, Pending pending) {
  const int lanes = comm_.size() - 1;
  int rank = 0;
  for (int i = 0; i < lanes; ++i) {
    const int candidate = 1 + (next_rank_ + i) % lanes;
    if (rank == 0 || outstanding_[static_cast<std::size_t>(candidate)] < outstanding_[static_cast<std::size_t>(rank)]) {
      rank = candidate;
    }
  }
  next_rank_ = rank;  // ties go round: the next search starts at the rank after this one
  ++outstanding_[static_cast<std::size_t>(rank)];
  pending.rank = rank;
  const std::uint64_t id = next_id_++;
  pending_.emplace(id, std::move(pending));
  comm_.send(rank, kSourceTask, encode_task(SourceTask{id, std::move(list), std::move(keys)}));
}

bool SpreadRequests::handle(Message& message) {
  if (message.tag != kSourceResult) return false;
  Result<SourceResult> result = decode_result(message.payload);
  if (!result.ok()) abort_on_broken_protocol(comm_, result.error());
  auto found = pending_.find(result->id);
  if (found == pending_.end() || found->second.rank != message.source) {
    abort_on_broken_protocol(comm_, protocol_error("receive", "source result", result->id,
                                                   "an answer to a request that is not outstanding"));
  }
  Pending pending = std::move(found->second);
  pending_.erase(found);
  --outstanding_[static_cast<std::size_t>(pending.rank)];
  if (pending.page) {
    if (result->page_error) return pending.page(std::move(*result->page_error)), true;
    pending.page(std::move(result->page));
  } else {
    pending.heads(std::move(result->heads));
  }
  return true;
}

bool SourceService::handle(Message& message) {
  if (message.tag != kSourceTask) return false;
  Result<SourceTask> task = decode_task(message.payload);
  if (!task.ok()) abort_on_broken_protocol(comm_, task.error());
  const int asker = message.source;
  const std::uint64_t id = task->id;
  if (task->head_keys.empty()) {
    local_.list_page(task->list, [this, asker, id](Result<ListPage> page) {
      SourceResult result;
      result.id = id;
      if (page.ok()) {
        result.page = std::move(page).value();
      } else {
        result.page_error = page.error();
      }
      comm_.send(asker, kSourceResult, encode_result(result));
    });
  } else {
    local_.head(task->list.bucket, std::move(task->head_keys), [this, asker, id](std::vector<Result<ObjectEntry>> heads) {
      SourceResult result;
      result.id = id;
      result.heads = std::move(heads);
      comm_.send(asker, kSourceResult, encode_result(result));
    });
  }
  return true;
}

}  // namespace caios
