// The one place that talks to MPI. Everything else gets a Comm& passed in.
//
// Point-to-point messages are opaque byte strings with a small integer tag,
// sent without blocking (the buffer is kept here until MPI is done with it)
// and received by polling. Comm counts what it sends to and receives from each
// peer, so that shutdown can drain exactly the messages still in flight
// (finish_messages) and no rank leaves a message unmatched or waits forever.
//
// Thread contract: one thread per process uses a Comm (MPI_THREAD_FUNNELED).
#pragma once

#include <mpi.h>

#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <vector>

namespace caios {

/// MPI_Init_thread / MPI_Finalize, RAII. Construct first thing in main.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};

/// The first line of the MPI library's own version string ("Open MPI v4.1.4,
/// ..."), for --version and bug reports; callable before MPI_Init.
std::string mpi_runtime_version();

struct Message {
  int source = 0;
  int tag = 0;
  std::string payload;
};

class Comm {
 public:
  /// Works on a private duplicate of `parent`, so our tags never meet anyone else's.
  explicit Comm(MPI_Comm parent = MPI_COMM_WORLD);
  ~Comm();
  Comm(const Comm&) = delete;
  Comm& operator=(const Comm&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  /// Non-blocking send; `payload` is kept until MPI has sent it.
  void send(int destination, int tag, std::string payload);
  /// The next message from anyone, if one has arrived.
  std::optional<Message> try_receive();
  /// Let MPI move pending sends along and free finished ones.
  void progress();
  /// Messages sent but not yet known to be delivered.
  std::size_t pending_sends() const { return pending_.size(); }

  /// Collective shutdown of the message layer: every rank calls it once,
  /// after its last send. Exchanges per-peer send counts, then receives
  /// exactly the messages still addressed to this rank (each handed to
  /// `on_late_message`), then waits for its own sends. Returns when no
  /// message of ours is in flight anywhere.
  void finish_messages(const std::function<void(Message&&)>& on_late_message);

  // Collectives over the same communicator (blocking; every rank must call).
  /// Logical AND of `value` over all ranks.
  bool all_agree(bool value);
  /// Gather `bytes` (any size per rank) at `root`; the result is meaningful at root only.
  std::vector<std::string> gather(const std::string& bytes, int root);
  /// Broadcast `value` from `root`.
  std::string broadcast(std::string value, int root);
  int broadcast_int(int value, int root);
  void barrier();

  /// MPI_Abort: the last resort when a rank cannot go on and cannot tell the
  /// others in an orderly way (never used for ordinary errors).
  [[noreturn]] void abort(int code);

 private:
  struct PendingSend {
    MPI_Request request;
    std::string payload;
  };
  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0;
  int size_ = 1;
  std::list<PendingSend> pending_;  ///< list: payload addresses must not move
  std::vector<std::uint64_t> sent_to_;
  std::vector<std::uint64_t> received_from_;
};

}  // namespace caios
