// Reading a configuration file; see text_file.hpp.
#include "caios2dfs/config/text_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <sstream>

namespace caios {

std::optional<TextFile> read_text_file(const std::string& path) {
  int error_number = 0;
  return read_text_file(path, error_number);
}

std::optional<TextFile> read_text_file(const std::string& path, int& error_number) {
  error_number = 0;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    error_number = errno;
    return std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) {
    error_number = EISDIR;
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error_number = errno != 0 ? errno : EACCES;
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    error_number = EIO;
    return std::nullopt;
  }
  return TextFile{path, std::move(buffer).str(), (st.st_mode & (S_IRGRP | S_IROTH)) != 0};
}

}  // namespace caios
