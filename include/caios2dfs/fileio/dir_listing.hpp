// What each destination directory held when a rank first looked in it, so
// that the skip check stats only names that were there. Copying into a new
// or sparse directory then makes no lookup per file: on a DFS each lookup is
// a round trip, and in a directory other threads are creating files in it
// waits for the directory's lock between their creates (README, "One
// directory"). One readdir (READDIRPLUS on NFS) answers for a whole
// directory instead.
//
// A name missing from a listing was not there when it was taken; the
// objects a job writes are its own, so a file another rank writes later
// never changes a skip decision. Names created by someone else during the
// run are not seen, as with rclone, which also lists DEST once.
//
// Memory: about `max_names` names per rank over all listings: after each
// listing the oldest are dropped until the rest fit (several directories
// read at once may each hold up to `max_names` until then), and a directory
// with more names than that is not kept: its files are stat'ed one by one.
//
// Thread contract: thread-safe; the first thread to ask about a directory
// lists it while the others asking about it wait.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "caios2dfs/fileio/fs_at.hpp"

namespace caios {

class DirectoryListings {
 public:
  explicit DirectoryListings(std::size_t max_names = 500'000) : max_names_(max_names) {}
  /// False when `file.name` was not in its directory when the directory was
  /// listed; true when it was, or when the directory could not be listed
  /// (too large, or readdir failed): then only a stat can tell.
  bool may_exist(const FileAt& file);

 private:
  struct Listing {
    std::mutex mutex;  ///< held while the directory is read
    bool read = false;
    bool complete = false;  ///< false: too large or unreadable, stat every file
    std::unordered_set<std::string> names;
  };
  std::shared_ptr<Listing> listing_for(const std::string& path);
  void read(Listing& listing, const Directory& directory);
  void account(const std::string& path, const std::shared_ptr<Listing>& listing);

  const std::size_t max_names_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Listing>> by_path_;
  struct Listed {
    std::string path;
    std::shared_ptr<Listing> listing;
    std::size_t names;
  };
  std::deque<Listed> order_;  ///< listed directories, oldest first
  std::size_t total_names_ = 0;
};

}  // namespace caios
