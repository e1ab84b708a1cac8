// The MPI-IO backend: MPI_File_write_at on files opened by one rank
// (MPI_COMM_SELF). Independent I/O: chunks of one object written by several
// ranks never make the ranks wait for each other.
#include <mpi.h>

#include <fmt/format.h>

#include <algorithm>
#include <climits>

#include "caios2dfs/fileio/file_sink.hpp"

namespace caios {

namespace {

Error mpi_error(std::string_view operation, std::string_view path, int code, std::uint64_t offset) {
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  MPI_Error_string(code, text, &length);
  Error error = make_error(ErrorKind::io, std::string(operation), std::string(path),
                           std::string(text, static_cast<std::size_t>(length)), offset);
  int error_class = 0;
  MPI_Error_class(code, &error_class);
  if (error_class == MPI_ERR_NO_SPACE) error.message += " (the destination file system is full)";
  if (error_class == MPI_ERR_QUOTA) error.message += " (disk quota exceeded)";
  if (error_class == MPI_ERR_ACCESS) error.message += " (check the destination's permissions)";
  return error;
}

class MpiioFile final : public WritableFile {
 public:
  MpiioFile(MPI_File handle, std::string path) : handle_(handle), path_(std::move(path)) {}
  ~MpiioFile() override {
    if (handle_ != MPI_FILE_NULL) MPI_File_close(&handle_);
  }

  Status write_at(std::uint64_t offset, const char* data, std::size_t size) override {
    // MPI counts are ints: write in pieces below 2 GiB.
    while (size > 0) {
      const int count = static_cast<int>(std::min<std::size_t>(size, 1u << 30));
      MPI_Status status;
      const int code = MPI_File_write_at(handle_, static_cast<MPI_Offset>(offset), data, count, MPI_BYTE, &status);
      if (code != MPI_SUCCESS) return mpi_error("MPI_File_write_at", path_, code, offset);
      int written = 0;
      MPI_Get_count(&status, MPI_BYTE, &written);
      if (written <= 0) return mpi_error("MPI_File_write_at", path_, MPI_ERR_IO, offset);
      data += written;
      size -= static_cast<std::size_t>(written);
      offset += static_cast<std::uint64_t>(written);
    }
    return ok_status();
  }

  Status close() override {
    if (handle_ == MPI_FILE_NULL) return ok_status();
    const int code = MPI_File_close(&handle_);
    handle_ = MPI_FILE_NULL;
    if (code != MPI_SUCCESS) return mpi_error("MPI_File_close", path_, code, 0);
    return ok_status();
  }

 private:
  MPI_File handle_;
  std::string path_;
};

class MpiioBackend final : public FileBackend {
 public:
  const char* name() const override { return "mpiio"; }
  // MPI_THREAD_FUNNELED: only the thread that initialized MPI may call it.
  bool thread_safe() const override { return false; }

  Result<std::unique_ptr<WritableFile>> open(const std::string& path, std::uint64_t size, OpenMode mode) override {
    (void)mode;  // both modes: create if missing, then set the exact size
    MPI_File handle = MPI_FILE_NULL;
    int code = MPI_File_open(MPI_COMM_SELF, path.c_str(), MPI_MODE_WRONLY | MPI_MODE_CREATE, MPI_INFO_NULL, &handle);
    if (code != MPI_SUCCESS) return mpi_error("MPI_File_open", path, code, 0);
    // Files default to MPI_ERRORS_RETURN, but say so: errors are values here.
    MPI_File_set_errhandler(handle, MPI_ERRORS_RETURN);
    code = MPI_File_set_size(handle, static_cast<MPI_Offset>(size));
    if (code != MPI_SUCCESS) {
      MPI_File_close(&handle);
      return mpi_error("MPI_File_set_size", path, code, 0);
    }
    return std::unique_ptr<WritableFile>(new MpiioFile(handle, path));
  }
};

}  // namespace

std::unique_ptr<FileBackend> make_mpiio_backend() { return std::make_unique<MpiioBackend>(); }

}  // namespace caios
