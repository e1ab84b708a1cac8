// The listing's requests as messages between ranks: rank 0 keeps the
// listing's frontier (list_frontier.hpp) and the --files-from list, and asks
// other ranks to run a ListObjectsV2 page or the HEADs of a few keys
// (kSourceTask); they send back what the store said (kSourceResult). Pure
// values and their wire encoding (the transport is source_requests.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/s3/list_objects.hpp"
#include "caios2dfs/s3/s3_client.hpp"

namespace caios {

struct SourceTask {
  std::uint64_t id = 0;
  /// One page, when `head_keys` is empty.
  ListRequest list;
  /// Else the keys to HEAD (in `list.bucket`).
  std::vector<std::string> head_keys;
};

struct SourceResult {
  std::uint64_t id = 0;
  /// A page: the page, or why it failed (after the rank's retries).
  std::optional<Error> page_error;
  ListPage page;
  /// HEADs: one per key of the task, in its order.
  std::vector<Result<ObjectEntry>> heads;
};

std::string encode_task(const SourceTask& task);
Result<SourceTask> decode_task(std::string_view bytes);
std::string encode_result(const SourceResult& result);
Result<SourceResult> decode_result(std::string_view bytes);

}  // namespace caios
