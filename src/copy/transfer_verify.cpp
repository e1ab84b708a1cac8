// The executor's checks of the bytes it fetches (integrity.hpp,
// chunk_checks.hpp): hashing a GET's body as it streams and judging it, and
// verify items, where a chunked object whose chunks are all in is read back
// and hashed on a file-call thread, with no request, and the verdict goes to
// rank 0 in the item's done record.
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

GetOptions TransferExecutor::start_checks(ObjectTransfer& transfer) {
  GetOptions get_options;
  if (!transfer.file) return get_options;  // --bench read: nothing is kept, nothing checked
  if (transfer.check.hash) transfer.md5.emplace();
  const WorkItem& item = transfer.item->item;
  if (transfer.is_chunk && item.digest != ChunkDigest::none) {
    transfer.digester.emplace(item.digest, item.digest_algorithm, item.part_size, item.offset);
  }
  if (!transfer.is_chunk && options_.verify) {
    get_options.checksum_mode = true;
    // A response that carries a full-object checksum is checked with it
    // instead of the MD5: cheaper, and there for multipart uploads too. (A
    // composite one needs the part layout, which a whole GET does not say.)
    get_options.on_first_head = [raw = &transfer](const HttpResponseHead& head) {
      std::optional<StoredChecksum> stored = response_checksum(head);
      if (!stored || stored->composite) return;
      raw->sum.emplace(stored->algorithm);
      raw->stored = std::move(stored);
      raw->md5.reset();
    };
  }
  return get_options;
}

void TransferExecutor::judge_checks(ObjectTransfer& transfer) {
  if (transfer.sum && transfer.result->ok()) {
    const std::optional<std::string> received = transfer.sum->finish();
    const std::string& expected = transfer.stored->digest;
    if (!received) {  // no SHA in this OpenSSL: unchecked, not wrong
      transfer.verdict = CheckVerdict{std::nullopt, Unverified::no_hasher, std::nullopt};
    } else if (*received == expected) {
      transfer.verdict = CheckVerdict{VerifiedBy::checksum, Unverified::disabled, std::nullopt};
    } else {
      transfer.sum_mismatch = digest_mismatch(transfer.object->key, checksum_name(transfer.stored->algorithm),
                                              checksum_to_base64(*received), checksum_to_base64(expected));
    }
  } else if (transfer.md5 && transfer.result->ok()) {
    transfer.received_md5 = transfer.md5->finish();
    const GetResult& got = transfer.result->value();
    transfer.verdict = judge_check(transfer.check, transfer.received_md5, ResponseSums{got.md5chksum, got.etag_not_md5});
  } else {
    transfer.verdict = judge_check(transfer.check, std::nullopt, {});
  }
}

}  // namespace caios
