#include "caios2dfs/copy/messages.hpp"

#include <fmt/format.h>

#include <array>
#include <cstring>

namespace caios {

namespace {

// Every rank runs the same binary: fixed-size messages travel as the bytes
// of their numbers.
template <std::size_t N>
std::string pack(const std::array<std::uint64_t, N>& numbers) {
  return std::string(reinterpret_cast<const char*>(numbers.data()), sizeof(std::uint64_t) * N);
}

/// The N numbers of `payload`, or a protocol error naming `what` when it is not their size.
template <std::size_t N>
Result<std::array<std::uint64_t, N>> unpack(std::string_view payload, std::string_view what) {
  std::array<std::uint64_t, N> numbers{};
  if (payload.size() != sizeof(std::uint64_t) * N) {
    return protocol_error("decode", std::string(what), 0,
                          fmt::format("{} message of {} bytes, expected {}", what, payload.size(), sizeof(std::uint64_t) * N));
  }
  std::memcpy(numbers.data(), payload.data(), sizeof(std::uint64_t) * N);
  return numbers;
}

}  // namespace

std::string encode_progress(const RankProgress& progress) {
  return pack<3>({progress.bytes, progress.in_flight, progress.retries});
}

Result<RankProgress> decode_progress(std::string_view payload) {
  Result<std::array<std::uint64_t, 3>> n = unpack<3>(payload, "progress");
  if (!n.ok()) return n.error();
  return RankProgress{(*n)[0], (*n)[1], (*n)[2]};
}

std::string encode_stolen(const Stolen& stolen) {
  return pack<2>({static_cast<std::uint64_t>(stolen.victim), stolen.bytes});
}

Result<Stolen> decode_stolen(std::string_view payload) {
  Result<std::array<std::uint64_t, 2>> n = unpack<2>(payload, "steal notice");
  if (!n.ok()) return n.error();
  return Stolen{static_cast<int>((*n)[0]), (*n)[1]};
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
