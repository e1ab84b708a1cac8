#include "caios2dfs/mpi/comm.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace caios {

std::string mpi_runtime_version() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int length = 0;
  if (MPI_Get_library_version(text, &length) != MPI_SUCCESS) return "MPI (version unknown)";
  std::string version(text, static_cast<std::size_t>(std::max(length, 0)));
  version.resize(std::min(version.find_first_of("\r\n"), version.size()));
  while (!version.empty() && (version.back() == ' ' || version.back() == '\0')) version.pop_back();
  return version;
}

MpiSession::MpiSession(int& argc, char**& argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  // Only the main thread calls MPI (the O_DIRECT writer threads never
  // do), which every MPI library supports: FUNNELED is all we need.
  if (provided < MPI_THREAD_FUNNELED) {
    std::fprintf(stderr, "caios2dfs-mpi: the MPI library offers no thread support (level %d); "
                 "MPI calls stay on the main thread, so this is only a warning\n", provided);
  }
}

MpiSession::~MpiSession() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

Comm::Comm(MPI_Comm parent) {
  MPI_Comm_dup(parent, &comm_);
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
  sent_to_.assign(static_cast<std::size_t>(size_), 0);
  received_from_.assign(static_cast<std::size_t>(size_), 0);
}

Comm::~Comm() {
  for (PendingSend& send : pending_) {
    // Only reached on an abnormal exit path; finish_messages() empties this.
    MPI_Cancel(&send.request);
    MPI_Request_free(&send.request);
  }
  if (comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
}

void Comm::send(int destination, int tag, std::string payload) {
  pending_.push_back(PendingSend{MPI_REQUEST_NULL, std::move(payload)});
  PendingSend& send = pending_.back();
  MPI_Isend(send.payload.data(), static_cast<int>(send.payload.size()), MPI_BYTE, destination, tag, comm_,
            &send.request);
  ++sent_to_[static_cast<std::size_t>(destination)];
}

void Comm::progress() {
  for (auto it = pending_.begin(); it != pending_.end();) {
    int done = 0;
    MPI_Test(&it->request, &done, MPI_STATUS_IGNORE);
    it = done ? pending_.erase(it) : std::next(it);
  }
}

std::optional<Message> Comm::try_receive() {
  int flag = 0;
  MPI_Status status;
  MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm_, &flag, &status);
  if (!flag) return std::nullopt;
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  Message message;
  message.source = status.MPI_SOURCE;
  message.tag = status.MPI_TAG;
  message.payload.resize(static_cast<std::size_t>(count));
  MPI_Recv(message.payload.data(), count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, comm_, MPI_STATUS_IGNORE);
  ++received_from_[static_cast<std::size_t>(message.source)];
  return message;
}

void Comm::finish_messages(const std::function<void(Message&&)>& on_late_message) {
  // How many messages each peer has sent me, over all time.
  std::vector<std::uint64_t> sent_to_me(static_cast<std::size_t>(size_), 0);
  MPI_Alltoall(sent_to_.data(), 1, MPI_UINT64_T, sent_to_me.data(), 1, MPI_UINT64_T, comm_);
  for (int source = 0; source < size_; ++source) {
    const auto s = static_cast<std::size_t>(source);
    while (received_from_[s] < sent_to_me[s]) {
      MPI_Status status;
      MPI_Probe(source, MPI_ANY_TAG, comm_, &status);
      int count = 0;
      MPI_Get_count(&status, MPI_BYTE, &count);
      Message message;
      message.source = source;
      message.tag = status.MPI_TAG;
      message.payload.resize(static_cast<std::size_t>(count));
      MPI_Recv(message.payload.data(), count, MPI_BYTE, source, status.MPI_TAG, comm_, MPI_STATUS_IGNORE);
      ++received_from_[s];
      on_late_message(std::move(message));
    }
  }
  for (PendingSend& send : pending_) MPI_Wait(&send.request, MPI_STATUS_IGNORE);
  pending_.clear();
}

bool Comm::all_agree(bool value) {
  int mine = value ? 1 : 0;
  int all = 0;
  MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, comm_);
  return all == 1;
}

std::vector<std::string> Comm::gather(const std::string& bytes, int root) {
  int mine = static_cast<int>(bytes.size());
  std::vector<int> sizes(rank_ == root ? static_cast<std::size_t>(size_) : 0);
  MPI_Gather(&mine, 1, MPI_INT, sizes.data(), 1, MPI_INT, root, comm_);
  std::vector<int> displacements;
  std::string all;
  if (rank_ == root) {
    displacements.resize(sizes.size());
    int total = 0;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      displacements[i] = total;
      total += sizes[i];
    }
    all.resize(static_cast<std::size_t>(total));
  }
  MPI_Gatherv(bytes.data(), mine, MPI_BYTE, all.data(), sizes.data(), displacements.data(), MPI_BYTE, root, comm_);
  std::vector<std::string> result;
  if (rank_ == root) {
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      result.push_back(all.substr(static_cast<std::size_t>(displacements[i]), static_cast<std::size_t>(sizes[i])));
    }
  }
  return result;
}

std::string Comm::broadcast(std::string value, int root) {
  int size = static_cast<int>(value.size());
  MPI_Bcast(&size, 1, MPI_INT, root, comm_);
  value.resize(static_cast<std::size_t>(size));
  MPI_Bcast(value.data(), size, MPI_BYTE, root, comm_);
  return value;
}

int Comm::broadcast_int(int value, int root) {
  MPI_Bcast(&value, 1, MPI_INT, root, comm_);
  return value;
}

void Comm::barrier() { MPI_Barrier(comm_); }

void Comm::abort(int code) {
  MPI_Abort(comm_, code);
  std::abort();
}

}  // namespace caios
