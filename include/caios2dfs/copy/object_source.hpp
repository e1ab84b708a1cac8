// Rank 0's supply of objects to copy: one object when SOURCE names one (as
// rclone: a HEAD of SOURCE without a trailing '/'), or ListObjectsV2 pages, up to --checkers
// at once over ranges of the key space that list_frontier.hpp cuts, or the
// keys of a --files-from list looked up with HEAD (up to --checkers at once,
// in batches), for one or more passes (--iterations). The requests run where
// SourceRequests sends them (source_requests.hpp: over the other ranks of a
// job); the frontier and the --files-from list stay here. It only finds
// objects; planning and dealing them out is the coordinator's job
// (coordinator.hpp).
//
// Thread contract: rank 0's one thread; callbacks run inside start(), or
// where SourceRequests calls back (HttpEngine::poll(), message handling).
#pragma once

#include <deque>
#include <functional>
#include <fstream>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/copy/files_from.hpp"
#include "caios2dfs/copy/list_frontier.hpp"
#include "caios2dfs/copy/source_requests.hpp"
#include "caios2dfs/s3/s3_client.hpp"

namespace caios {

class ObjectSource {
 public:
  struct Callbacks {
    std::function<void(ObjectEntry&&)> on_object;
    /// A --files-from key that cannot be used (HEAD failed: missing, denied...).
    std::function<void(const std::string& key, const Error& error)> on_unusable_key;
    /// End of a page or of the list: a good moment to close open batches.
    std::function<void()> on_batch_end;
  };

  struct Spec {
    std::string bucket;
    std::string prefix;  ///< normalised: "dir/" or ""
    /// SOURCE had no trailing '/': it may name one object (the prefix
    /// without its '/'), which then is all there is to copy.
    bool may_name_object = false;
    /// A path, "-" for standard input (one pass only), or nullopt to list.
    std::optional<std::string> files_from;
    int passes = 1;
    int checkers = 1;    ///< listing pages, or HEADs, in flight at once (at least 1)
    int list_chunk = 0;  ///< max-keys of each page; 0: the server's default (1000)
  };

  /// `client` serves start()'s first request, synchronously; `requests`
  /// every later one.
  ObjectSource(S3Client& client, SourceRequests& requests, Spec spec, Callbacks callbacks);

  /// List only under these key prefixes (each starting with `prefix`, none
  /// inside another), as a filter allows; by default all of `prefix`.
  void prune_to(std::vector<std::string> prefixes) { list_prefixes_ = std::move(prefixes); }

  /// Synchronously finds whether SOURCE names an object, then reads the
  /// first page (or proves the bucket is reachable for --files-from).
  /// Returns an error text when the source is unusable.
  std::string start();
  /// The prefix keys are mapped under: the parent of a single object
  /// ("ckpt/" for "ckpt/model.bin", which lands as DEST/model.bin), else the
  /// Spec's. Final once start() returned.
  const std::string& prefix() const { return prefix_; }
  /// Set by start() when SOURCE names an object and also a prefix of other
  /// keys: what is copied, and how to ask for the rest.
  const std::string& note() const { return note_; }
  /// Ask for more (non-blocking): more pages, or more HEADs.
  void drive();
  /// The job is stopping: ask for nothing more; what is in flight still
  /// arrives (its objects are given up by the coordinator). The listing
  /// then counts as incomplete, stopped by `reason`.
  void stop(const std::string& reason);
  /// Every pass is over and nothing is in flight.
  bool done() const { return done_ && pages_in_flight_ == 0 && heads_in_flight_ == 0; }
  /// False when the listing broke off; error() says why.
  bool complete() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  std::string find_single_object();
  void drive_single_object();
  void take_page(std::uint64_t cursor, ListPage&& page);
  void request_page(const ListCursor& cursor);
  void start_pass();  ///< a new frontier over what is to be listed
  void drive_files_from();
  void read_files_from();  ///< the next lines of the list into pending_paths_
  void stop_with_error(std::string error);

  S3Client& client_;
  SourceRequests& requests_;
  std::string bucket_;
  std::string prefix_;
  std::optional<std::string> files_from_path_;
  int passes_;
  int checkers_;
  int list_chunk_;
  std::size_t head_batch_;  ///< keys per HEAD request batch
  Callbacks callbacks_;

  bool may_name_object_;
  std::optional<ObjectEntry> single_;  ///< SOURCE names this object
  std::string note_;

  std::vector<std::string> list_prefixes_;  ///< empty: {prefix_}
  std::optional<ListFrontier> frontier_;  ///< this pass's
  int pages_in_flight_ = 0;
  int passes_done_ = 0;
  bool done_ = false;
  std::string error_;

  std::unique_ptr<std::ifstream> files_from_file_;
  std::istream* files_from_ = nullptr;  ///< the file, or std::cin for "-"
  FilesFromParser parser_;
  std::deque<std::string> pending_paths_;
  std::unordered_set<std::string> seen_keys_;  ///< keys of this pass
  bool files_from_eof_ = false;
  int heads_in_flight_ = 0;
};

}  // namespace caios
