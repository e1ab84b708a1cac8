#include "caios2dfs/fileio/dir_listing.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace caios {

bool DirectoryListings::may_exist(const FileAt& file) {
  if (!file.directory) return true;
  std::shared_ptr<Listing> listing = listing_for(file.directory->path());
  std::lock_guard<std::mutex> lock(listing->mutex);
  if (!listing->read) {
    read(*listing, *file.directory);
    account(file.directory->path(), listing);
  }
  return !listing->complete || listing->names.count(file.name) != 0;
}

std::shared_ptr<DirectoryListings::Listing> DirectoryListings::listing_for(const std::string& path) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::shared_ptr<Listing>& slot = by_path_[path];
  if (!slot) slot = std::make_shared<Listing>();
  return slot;
}

void DirectoryListings::read(Listing& listing, const Directory& directory) {
  listing.read = true;
  // An O_PATH descriptor cannot be read: open the directory itself for readdir.
  const int fd = ::openat(directory.fd(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return;
  }
  bool complete = true;
  errno = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
    if (listing.names.size() >= max_names_) {
      complete = false;
      break;
    }
    listing.names.emplace(entry->d_name);
  }
  if (errno != 0) complete = false;  // readdir failed part way: trust only stat
  ::closedir(dir);  // closes fd
  listing.complete = complete;
  if (!complete) listing.names.clear();
}

void DirectoryListings::account(const std::string& path, const std::shared_ptr<Listing>& listing) {
  std::lock_guard<std::mutex> lock(mutex_);
  order_.push_back(Listed{path, listing, listing->names.size()});
  total_names_ += listing->names.size();
  // Forget the oldest listings past the bound; a directory asked about
  // again is listed again (and may then be in order_ twice: only the entry
  // of the listing still in by_path_ removes it from there).
  while (total_names_ > max_names_ && order_.size() > 1) {
    Listed& oldest = order_.front();
    total_names_ -= oldest.names;
    if (auto it = by_path_.find(oldest.path); it != by_path_.end() && it->second == oldest.listing) by_path_.erase(it);
    order_.pop_front();
  }
}

}  // namespace caios
