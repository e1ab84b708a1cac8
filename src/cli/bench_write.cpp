#include "caios2dfs/cli/bench_write.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <cstring>

#include "caios2dfs/copy/report.hpp"
#include "caios2dfs/copy/stats.hpp"
#include "caios2dfs/fileio/fs_at.hpp"
#include "caios2dfs/fileio/fs_ops.hpp"
#include "caios2dfs/fileio/io_buffer.hpp"

namespace caios {

namespace {

using Clock = std::chrono::steady_clock;

/// Bytes that no file system can compress or deduplicate away, different
/// per rank; 4096-aligned, so --direct-io really writes with O_DIRECT.
IoBuffer generated_data(std::size_t size, int rank) {
  IoBuffer buffer = IoBuffer::allocate(size);
  const std::size_t capacity = buffer.capacity();
  std::uint64_t x = 0x9E3779B97F4A7C15ull ^ static_cast<std::uint64_t>(rank + 1);
  for (std::size_t i = 0; i < capacity; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    buffer.data()[i] = static_cast<char>(x);
  }
  return buffer;
}

}  // namespace

int run_write_bench(Comm& comm, FileBackend& backend, const CopyOptions& options) {
  const std::string directory = join_path(options.dest, "caios2dfs-bench");
  std::string setup_error;
  if (comm.rank() == 0) {
    DirectoryMaker directories;
    if (Status made = directories.make(directory); !made.ok()) setup_error = made.error().to_string();
  }
  setup_error = comm.broadcast(setup_error, 0);
  if (!setup_error.empty()) {
    if (comm.rank() == 0) fmt::print(stderr, "caios2dfs-mpi: cannot use DEST: {}\n", setup_error);
    return 2;
  }

  const IoBuffer data = generated_data(options.buffer_size, comm.rank());
  RankStats stats;
  stats.rank = comm.rank();
  std::vector<std::string> written;
  std::optional<Error> first_error;
  const auto wall_start = Clock::now();
  for (int iteration = 0; iteration < options.iterations; ++iteration) {
    comm.barrier();  // every rank starts each pass together, as IOR does
    stats.note_start(wall_clock_ns());
    for (std::uint64_t file = 0; file < options.bench_files && !first_error; ++file) {
      const std::string path = join_path(directory, fmt::format("r{}.f{}", comm.rank(), file));
      const auto started = Clock::now();
      Result<std::unique_ptr<WritableFile>> opened = backend.open(path, options.bench_size, OpenMode::whole_file);
      if (!opened.ok()) {
        first_error = opened.error();
        break;
      }
      written.push_back(path);
      Status status = ok_status();
      for (std::uint64_t offset = 0; offset < options.bench_size && status.ok(); offset += data.capacity()) {
        const std::size_t size =
            static_cast<std::size_t>(std::min<std::uint64_t>(data.capacity(), options.bench_size - offset));
        status = (*opened)->write_at(offset, data.data(), size);
        if (status.ok()) stats.bytes += size;
      }
      Status closed = (*opened)->close();
      if (status.ok() && !closed.ok()) status = closed;
      if (!status.ok()) {
        first_error = status.error();
        break;
      }
      ++stats.objects_copied;
      ++stats.requests;
      stats.request_time.add(Clock::now() - started);
      stats.last_end_ns = wall_clock_ns();
    }
  }
  stats.busy_ns = stats.last_end_ns > stats.first_start_ns ? stats.last_end_ns - stats.first_start_ns : 0;
  if (first_error) {
    ++stats.objects_failed;
    ++stats.errors_by_kind[static_cast<std::size_t>(first_error->kind)];
    fmt::print(stderr, "ERROR: rank {}: {}\n", comm.rank(), first_error->to_string());
  }
  comm.barrier();  // everyone is done writing before anyone removes
  if (!options.keep) {
    for (const std::string& path : written) (void)remove_file(path);
  }

  note_process_usage(stats);
  std::vector<RankStats> ranks = gather_rank_stats(comm, stats);
  int status = 0;
  if (comm.rank() == 0) {
    RunSummary summary;
    summary.mode = "write";
    summary.dest = options.dest;
    summary.io = describe_io(options);
    summary.iterations = static_cast<std::uint64_t>(options.iterations);
    summary.wall_seconds = std::chrono::duration<double>(Clock::now() - wall_start).count();
    add_rank_stats(summary, std::move(ranks));
    status = summary.objects_failed > 0 ? 1 : 0;
    if (options.verbosity >= 0 || status != 0) fmt::print("{}", format_summary(summary));
    write_report_files(summary, ReportPaths{options.report, std::nullopt}, "");
    if (!options.keep) ::rmdir(directory.c_str());
  }
  return comm.broadcast_int(status, 0);
}

}  // namespace caios
