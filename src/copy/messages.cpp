#include "caios2dfs/copy/messages.hpp"

#include <fmt/format.h>

#include <cstring>

namespace caios {

std::string encode_progress(const RankProgress& progress) {
  // Every rank runs the same binary: the numbers travel as their bytes.
  const std::uint64_t numbers[3] = {progress.bytes, progress.in_flight, progress.retries};
  return std::string(reinterpret_cast<const char*>(numbers), sizeof numbers);
}

Result<RankProgress> decode_progress(std::string_view payload) {
  std::uint64_t numbers[3] = {};
  if (payload.size() != sizeof numbers) {
    return protocol_error("decode", "progress", 0,
                          fmt::format("progress message of {} bytes, expected {}", payload.size(), sizeof numbers));
  }
  std::memcpy(numbers, payload.data(), sizeof numbers);
  return RankProgress{numbers[0], numbers[1], numbers[2]};
}

std::string encode_stolen(const Stolen& stolen) {
  const std::uint64_t numbers[2] = {static_cast<std::uint64_t>(stolen.victim), stolen.bytes};
  return std::string(reinterpret_cast<const char*>(numbers), sizeof numbers);
}

Result<Stolen> decode_stolen(std::string_view payload) {
  std::uint64_t numbers[2] = {};
  if (payload.size() != sizeof numbers) {
    return protocol_error("decode", "stolen", 0,
                          fmt::format("steal notice of {} bytes, expected {}", payload.size(), sizeof numbers));
  }
  std::memcpy(numbers, payload.data(), sizeof numbers);
  return Stolen{static_cast<int>(numbers[0]), numbers[1]};
}

std::string encode_stop(const StopOrder& order) {
  return (order.failed ? "f" : order.soft ? "s" : "h") + order.reason;
}

StopOrder decode_stop(std::string_view payload) {
  if (payload.empty()) return StopOrder{"a stop", false, false};
  return StopOrder{std::string(payload.substr(1)), payload.front() == 's', payload.front() == 'f'};
}

Error stop_error(const std::string& reason) {
  return make_error(ErrorKind::cancelled, "copy", "", fmt::format("not copied: the job was stopped by {}", reason));
}

void abort_on_broken_protocol(Comm& comm, const Error& error) {
  fmt::print(stderr, "caios2dfs-mpi: rank {}: internal error: {}\n", comm.rank(), error.to_string());
  comm.abort(3);
}

}  // namespace caios
