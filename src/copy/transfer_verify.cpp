// Verify items: a chunked object whose chunks are all in is read back and
// hashed on a file-call thread, and the verdict goes to rank 0 in the item's
// done record (integrity.hpp). No request is made.
#include <memory>
#include <optional>

#include "caios2dfs/copy/integrity.hpp"
#include "caios2dfs/copy/file_md5.hpp"
#include "caios2dfs/copy/transfer_executor.hpp"
#include "active_item.hpp"

namespace caios {

void TransferExecutor::start_verify(ActiveItem& item) {
  // No GET: the object's file is read back and hashed on a file-call thread.
  item.next_object = item.item.objects.size();
  const ObjectRef& object = item.item.objects.front();
  if (destination_ == nullptr) return maybe_finish_item(item);  // cannot happen: only copies verify
  ++item.started;
  auto digest = std::make_shared<std::optional<Result<Md5Digest>>>();
  const FilePaths paths = destination_->paths(object);
  files_.submit([digest, path = item.item.check_final ? paths.final_path : paths.temp_path,
                 size = object.size] { digest->emplace(hash_file(path, size)); },
                [this, &item, digest] { on_verified(item, **digest); });
}

void TransferExecutor::on_verified(ActiveItem& item, const Result<Md5Digest>& digest) {
  const ObjectRef& object = item.item.objects.front();
  const std::optional<Md5Digest> expected = md5_from_base64(item.item.check_md5);
  std::optional<Error> error;
  if (!digest.ok()) {
    error = digest.error();
  } else if (!expected || *digest != *expected) {
    // An unreadable expectation is rank 0's bug; it fails the check rather than pass it.
    error = checksum_mismatch(object.key, *digest, expected.value_or(Md5Digest{}));
  }
  if (error) {
    // Rank 0 decides: fetch the object again, or fail it (and says so).
    item.done.chunk_ok = false;
    item.done.failures.push_back(
        ObjectFailure{object.key, error->to_string(), static_cast<std::uint8_t>(error->kind)});
  }
  object_ended(item);
  pump();
}

}  // namespace caios
