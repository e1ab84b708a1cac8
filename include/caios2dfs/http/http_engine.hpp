// A libcurl multi-interface engine: many HTTP requests in flight on reused
// keep-alive connections, all driven by the one thread that calls poll().
//
// It uses curl's socket interface (curl_multi_socket_action) on an epoll set,
// not curl_multi_perform: perform polls the socket of every running transfer
// on every call, which with 16 transfers and many small objects was 30 poll
// syscalls per object (strace) and the event loop's largest cost.
//
// Thread contract: an HttpEngine and everything submitted to it belong to one
// thread. Every callback (on_body, on_done, timers) runs inside poll() on that
// thread, so callbacks may submit new requests without locks.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "caios2dfs/http/curl_easy.hpp"
#include "caios2dfs/base/unique_fd.hpp"
#include "caios2dfs/http/http_types.hpp"

namespace caios {

/// What happened to one request, handed to on_done.
struct HttpOutcome {
  CURLcode curl_code = CURLE_OK;  ///< transport result; CURLE_OK when a response arrived
  std::string curl_detail;        ///< curl's error buffer
  HttpResponseHead head;
  /// Body of a non-2xx response (capped at 64 KiB) or of a 2xx response when
  /// no on_body was given: S3 error XML, listing XML, multipart replies.
  std::string body;
  std::uint64_t body_bytes = 0;   ///< 2xx body bytes handed to on_body
  std::chrono::nanoseconds time_to_first_byte{0};
  std::chrono::nanoseconds total_time{0};
};

struct HttpHandlers {
  /// Called with each piece of a 2xx response body, in order. Return false
  /// to abort the transfer (it then completes with CURLE_WRITE_ERROR). When
  /// empty, the body is collected into HttpOutcome::body.
  /// `head` is complete by the first call, so a handler can validate the
  /// status and Content-Range before it accepts any byte.
  std::function<bool(const HttpResponseHead& head, const char* data, std::size_t size)> on_body;
  /// Called exactly once per submitted request.
  std::function<void(HttpOutcome&&)> on_done;
};

struct HttpEngineOptions {
  int max_in_flight = 16;                  ///< concurrent requests (and connections)
  long connect_timeout_ms = 10'000;
  long stall_timeout_s = 60;               ///< end a request that moves no byte for this long (0: never)
  long receive_buffer_bytes = 512 * 1024;  ///< CURLOPT_BUFFERSIZE: fewer, larger callbacks
  std::string ca_bundle;                   ///< empty: the system store. Verification is never off.
  bool verbose = false;                    ///< curl's own trace on stderr (debug only; may show headers)
};

class HttpEngine {
 public:
  explicit HttpEngine(HttpEngineOptions options);
  ~HttpEngine();
  HttpEngine(const HttpEngine&) = delete;
  HttpEngine& operator=(const HttpEngine&) = delete;

  /// Start `request` now if fewer than max_in_flight are running, else queue
  /// it (FIFO). Callbacks run later inside poll().
  void submit(HttpRequest request, HttpHandlers handlers);

  /// Run `callback` inside a poll() at or after `when` (used for backoff).
  void run_at(std::chrono::steady_clock::time_point when, std::function<void()> callback);

  /// Move data and run due callbacks; waits at most `max_wait` for activity.
  /// Returns the number of requests that completed in this call.
  int poll(std::chrono::milliseconds max_wait);

  /// Requests submitted and not yet completed, plus pending timers.
  std::size_t pending() const;
  std::size_t running() const { return running_; }
  int max_in_flight() const { return options_.max_in_flight; }

  /// End every request now, queued or running: each completes (its on_done
  /// called, inside this call) with CURLE_ABORTED_BY_CALLBACK. For a job
  /// that stops; the caller makes sure nothing submits again meanwhile.
  void cancel_all();

  /// Make a poll() that is waiting return now. The one method any thread may call.
  void wakeup();

 private:
  struct Transfer;
  struct Timer {
    std::chrono::steady_clock::time_point when;
    std::uint64_t sequence;
    std::function<void()> callback;
  };

  static int on_socket(CURL* easy, curl_socket_t socket, int what, void* self, void* socket_data);
  void watch(curl_socket_t socket, int what);
  void run_curl_timeouts();
  void start(std::unique_ptr<Transfer> transfer);
  void finish(CURL* easy, CURLcode code);
  void start_queued();
  int run_due_timers();
  /// Ends, as timed out, every running request that has moved no byte for
  /// stall_timeout_s (its head, body or upload).
  void sweep_stalled(std::chrono::steady_clock::time_point now);
  CurlEasyPtr take_easy();
  static void acknowledge_now(curl_socket_t socket);

  HttpEngineOptions options_;
  UniqueFd epoll_;  ///< the sockets curl asks us to watch, and wake_
  UniqueFd wake_;   ///< eventfd: wakeup() from any thread
  /// Declared after the descriptors so that it is cleaned up first: curl
  /// still reports sockets it closes while the epoll set exists.
  CurlMultiPtr multi_;
  std::vector<CurlEasyPtr> idle_easy_;  ///< reused handles keep their DNS/TLS session state
  std::vector<std::unique_ptr<Transfer>> queued_;  ///< waiting for a slot, FIFO via head index
  std::size_t queued_head_ = 0;
  std::unordered_set<Transfer*> active_;  ///< owned; freed in finish() or the destructor
  std::size_t running_ = 0;
  std::vector<Timer> timers_;  ///< min-heap on (when, sequence)
  std::uint64_t timer_sequence_ = 0;
  std::chrono::steady_clock::time_point next_sweep_{};  ///< of sweep_stalled
  /// Set by a transfer whose response head ended while poll() let curl read
  /// one socket: that socket's ACK is then sent at once (acknowledge_now).
  bool head_ended_ = false;
};

}  // namespace caios
