// The libcurl multi engine on epoll; the contract is in http_engine.hpp.
#include "caios2dfs/http/http_engine.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace caios {

namespace {

constexpr std::size_t kMaxCollectedErrorBody = 64 * 1024;

using SteadyClock = std::chrono::steady_clock;

}  // namespace

struct HttpEngine::Transfer {
  HttpEngine* engine = nullptr;
  HttpRequest request;
  HttpHandlers handlers;
  CurlEasyPtr easy;
  CurlSlistPtr header_list;
  HttpOutcome outcome;
  char error_buffer[CURL_ERROR_SIZE] = {};
  std::size_t upload_position = 0;
  SteadyClock::time_point started;
  SteadyClock::time_point last_byte;  ///< of the head, the body or an upload: see sweep_stalled
  bool first_byte_seen = false;
  bool status_known = false;
  bool status_is_success = false;

  void note_first_byte() {
    last_byte = SteadyClock::now();
    if (!first_byte_seen) {
      first_byte_seen = true;
      outcome.time_to_first_byte = last_byte - started;
    }
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self_ptr) {
    auto* self = static_cast<Transfer*>(self_ptr);
    const std::size_t bytes = size * count;
    self->note_first_byte();
    const std::string_view line(data, bytes);
    read_response_header(self->outcome.head, line);
    // The blank line that ends a head: see HttpEngine::acknowledge_now.
    if (line == "\r\n" || line == "\n") self->engine->head_ended_ = true;
    return bytes;
  }

  static std::size_t on_write(char* data, std::size_t size, std::size_t count, void* self_ptr) {
    auto* self = static_cast<Transfer*>(self_ptr);
    const std::size_t bytes = size * count;
    self->note_first_byte();
    if (!self->status_known) {
      self->status_known = true;
      const int status = self->outcome.head.status;
      self->status_is_success = status >= 200 && status < 300;
    }
    if (self->status_is_success && self->handlers.on_body) {
      self->outcome.body_bytes += bytes;
      return self->handlers.on_body(self->outcome.head, data, bytes) ? bytes : 0;
    }
    // Error bodies are small XML documents; keep the start, drop the rest.
    std::string& body = self->outcome.body;
    if (self->status_is_success || body.size() < kMaxCollectedErrorBody) {
      const std::size_t room = self->status_is_success ? bytes : kMaxCollectedErrorBody - body.size();
      body.append(data, std::min(bytes, room));
    }
    if (self->status_is_success) self->outcome.body_bytes += bytes;
    return bytes;
  }

  static std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* self_ptr) {
    auto* self = static_cast<Transfer*>(self_ptr);
    const std::size_t room = size * count;
    const std::size_t left = self->request.body_size - self->upload_position;
    const std::size_t n = std::min(room, left);
    if (n > 0) std::memcpy(buffer, self->request.body + self->upload_position, n);
    self->upload_position += n;
    self->last_byte = SteadyClock::now();
    return n;
  }

  static int on_seek(void* self_ptr, curl_off_t offset, int origin) {
    // Needed so curl can rewind the body when it retries on a reused connection.
    auto* self = static_cast<Transfer*>(self_ptr);
    if (origin != SEEK_SET || offset < 0 || static_cast<std::size_t>(offset) > self->request.body_size) {
      return CURL_SEEKFUNC_CANTSEEK;
    }
    self->upload_position = static_cast<std::size_t>(offset);
    return CURL_SEEKFUNC_OK;
  }
};

HttpEngine::HttpEngine(HttpEngineOptions options) : options_(std::move(options)) {
  ensure_curl_global_init();
  epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
  wake_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!epoll_ || !wake_) throw std::runtime_error(std::string("epoll/eventfd: ") + std::strerror(errno));
  epoll_event wake_event{};
  wake_event.events = EPOLLIN;
  wake_event.data.fd = wake_.get();
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), &wake_event) != 0) {
    throw std::runtime_error(std::string("epoll_ctl: ") + std::strerror(errno));
  }
  multi_.reset(curl_multi_init());
  if (!multi_) throw std::runtime_error("curl_multi_init failed");
  curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETFUNCTION, &HttpEngine::on_socket);
  curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETDATA, this);
  options_.max_in_flight = std::max(1, options_.max_in_flight);
  curl_multi_setopt(multi_.get(), CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(options_.max_in_flight));
  curl_multi_setopt(multi_.get(), CURLMOPT_MAXCONNECTS, static_cast<long>(options_.max_in_flight + 4));
}

HttpEngine::~HttpEngine() {
  // Detach running transfers before their easy handles are freed; their
  // callbacks are not run (the owner is going away).
  for (Transfer* transfer : active_) {
    curl_multi_remove_handle(multi_.get(), transfer->easy.get());
    delete transfer;
  }
  // Connections closed from here on need no watching.
  curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETFUNCTION, nullptr);
}

int HttpEngine::on_socket(CURL*, curl_socket_t socket, int what, void* self, void*) {
  static_cast<HttpEngine*>(self)->watch(socket, what);
  return 0;
}

void HttpEngine::watch(curl_socket_t socket, int what) {
  if (what == CURL_POLL_REMOVE) {
    // ENOENT/EBADF when curl already closed it: the kernel dropped it then.
    (void)::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, socket, nullptr);
    return;
  }
  epoll_event event{};
  event.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
  event.data.fd = socket;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, socket, &event) != 0 && errno == ENOENT) {
    // A socket curl has not told us about yet (or a new one under a reused number).
    (void)::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, socket, &event);
  }
}

// A response head was just read from `socket`: send its ACK now, not when
// the kernel's delayed-ACK timer fires (40 ms on Linux). On a keep-alive
// connection Linux delays that ACK in the hope of piggybacking it (we sent
// the request right after the previous response: "pingpong" mode). A server
// that writes the head and then the body in separate writes with Nagle's
// algorithm on holds the body back until the head is ACKed, so every small
// object took ~45 ms instead of ~3. Ceph RGW's beast frontend does exactly
// that unless rgw_frontends has tcp_nodelay=1 (strace: setsockopt(TCP_NODELAY,
// 0), then sendto(head), sendto(body)). TCP_QUICKACK is not sticky, so it is
// set once per response; setting it sends a pending ACK at once. A socket curl
// closed meanwhile only makes it fail, harmlessly.
void HttpEngine::acknowledge_now([[maybe_unused]] curl_socket_t socket) {
#ifdef TCP_QUICKACK
  const int one = 1;
  (void)::setsockopt(socket, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
#endif
}

void HttpEngine::wakeup() {
  const std::uint64_t one = 1;
  // Fails only when the counter is saturated, and then a wakeup is pending anyway.
  (void)!::write(wake_.get(), &one, sizeof one);
}

void HttpEngine::run_curl_timeouts() {
  // curl's own timers (new transfers start on one, connect and stall
  // timeouts, ...). Asking each time is a peek at a tree, and cannot lose a
  // timer the way a missed CURLMOPT_TIMERFUNCTION update could.
  long timeout_ms = -1;
  for (int round = 0; round < 4 && curl_multi_timeout(multi_.get(), &timeout_ms) == CURLM_OK && timeout_ms == 0;
       ++round) {
    int running = 0;
    curl_multi_socket_action(multi_.get(), CURL_SOCKET_TIMEOUT, 0, &running);
  }
}

CurlEasyPtr HttpEngine::take_easy() {
  if (!idle_easy_.empty()) {
    // Reused as it is: curl_easy_reset() would drop the receive buffer and
    // make curl allocate (and fault in) 512 KiB again for every small object.
    CurlEasyPtr easy = std::move(idle_easy_.back());
    idle_easy_.pop_back();
    return easy;
  }
  CurlEasyPtr easy(curl_easy_init());
  if (!easy) throw std::runtime_error("curl_easy_init failed");
  CURL* handle = easy.get();
  // Everything that is the same for every request, set once per handle.
  // Object keys may contain "." and ".." segments; they name objects, not
  // directories, so the path must reach the server exactly as signed.
  curl_easy_setopt(handle, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(handle, CURLOPT_BUFFERSIZE, options_.receive_buffer_bytes);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(handle, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  if (!options_.ca_bundle.empty()) curl_easy_setopt(handle, CURLOPT_CAINFO, options_.ca_bundle.c_str());
  curl_easy_setopt(handle, CURLOPT_VERBOSE, options_.verbose ? 1L : 0L);
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &Transfer::on_write);
  curl_easy_setopt(handle, CURLOPT_READFUNCTION, &Transfer::on_read);
  curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, &Transfer::on_seek);
  return easy;
}

void HttpEngine::submit(HttpRequest request, HttpHandlers handlers) {
  auto transfer = std::make_unique<Transfer>();
  transfer->engine = this;
  transfer->request = std::move(request);
  transfer->handlers = std::move(handlers);
  if (running_ < static_cast<std::size_t>(options_.max_in_flight)) {
    start(std::move(transfer));
  } else {
    queued_.push_back(std::move(transfer));
  }
}

void HttpEngine::start(std::unique_ptr<Transfer> transfer) {
  transfer->easy = take_easy();
  CURL* easy = transfer->easy.get();
  const HttpRequest& request = transfer->request;

  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error_buffer);
  curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer.get());
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
  curl_easy_setopt(easy, CURLOPT_READDATA, transfer.get());
  curl_easy_setopt(easy, CURLOPT_SEEKDATA, transfer.get());

  // Back to a plain GET first: the handle may have done a HEAD, PUT or POST.
  curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, nullptr);
  curl_easy_setopt(easy, CURLOPT_NOBODY, 0L);
  curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  if (request.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT") {
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body_size));
  } else if (request.method == "POST") {
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body_size));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body_size ? request.body : "");
  } else if (request.method != "GET") {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  curl_slist* list = nullptr;
  for (const HttpHeader& header : request.headers) {
    list = curl_slist_append(list, (header.name + ": " + header.value).c_str());
  }
  // We sign exactly the headers we send; curl must not add a Content-Type to
  // POSTs, and "Expect: 100-continue" only costs a round trip on loopback/LAN.
  list = curl_slist_append(list, "Expect:");
  list = curl_slist_append(list, "Content-Type:");
  transfer->header_list.reset(list);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);

  transfer->started = SteadyClock::now();
  transfer->last_byte = transfer->started;
  if (const CURLMcode added = curl_multi_add_handle(multi_.get(), easy); added != CURLM_OK) {
    // Never leave a request without an answer: complete it now, as failed.
    HttpOutcome outcome;
    outcome.curl_code = CURLE_FAILED_INIT;
    outcome.curl_detail = curl_multi_strerror(added);
    HttpHandlers handlers = std::move(transfer->handlers);
    run_at(SteadyClock::now(), [handlers = std::move(handlers), outcome = std::move(outcome)]() mutable {
      if (handlers.on_done) handlers.on_done(std::move(outcome));
    });
    return;
  }
  active_.insert(transfer.get());
  running_ = active_.size();
  transfer.release();  // owned by the multi handle via CURLINFO_PRIVATE until finish()
}

void HttpEngine::finish(CURL* easy, CURLcode code) {
  Transfer* raw = nullptr;
  curl_easy_getinfo(easy, CURLINFO_PRIVATE, reinterpret_cast<char**>(&raw));
  std::unique_ptr<Transfer> transfer(raw);
  curl_multi_remove_handle(multi_.get(), easy);
  active_.erase(raw);
  running_ = active_.size();

  HttpOutcome outcome = std::move(transfer->outcome);
  outcome.curl_code = code;
  if (code != CURLE_OK) outcome.curl_detail = transfer->error_buffer;
  outcome.total_time = SteadyClock::now() - transfer->started;
  if (idle_easy_.size() < static_cast<std::size_t>(options_.max_in_flight)) {
    idle_easy_.push_back(std::move(transfer->easy));
  }
  HttpHandlers handlers = std::move(transfer->handlers);
  transfer.reset();
  // Fill the freed slot before the callback, so work queued earlier keeps its turn.
  start_queued();
  if (handlers.on_done) handlers.on_done(std::move(outcome));
}

void HttpEngine::start_queued() {
  while (queued_head_ < queued_.size() && running_ < static_cast<std::size_t>(options_.max_in_flight)) {
    start(std::move(queued_[queued_head_++]));
  }
  if (queued_head_ == queued_.size()) {
    queued_.clear();
    queued_head_ = 0;
  }
}

void HttpEngine::run_at(std::chrono::steady_clock::time_point when, std::function<void()> callback) {
  timers_.push_back(Timer{when, timer_sequence_++, std::move(callback)});
  std::push_heap(timers_.begin(), timers_.end(), [](const Timer& a, const Timer& b) {
    return a.when != b.when ? a.when > b.when : a.sequence > b.sequence;
  });
}

int HttpEngine::run_due_timers() {
  int ran = 0;
  const auto now = SteadyClock::now();
  const auto later = [](const Timer& a, const Timer& b) {
    return a.when != b.when ? a.when > b.when : a.sequence > b.sequence;
  };
  while (!timers_.empty() && timers_.front().when <= now) {
    std::pop_heap(timers_.begin(), timers_.end(), later);
    Timer timer = std::move(timers_.back());
    timers_.pop_back();
    timer.callback();
    ++ran;
  }
  return ran;
}

void HttpEngine::sweep_stalled(std::chrono::steady_clock::time_point now) {
  const auto limit = std::chrono::seconds(options_.stall_timeout_s);
  std::vector<Transfer*> stalled;
  for (Transfer* transfer : active_) {
    if (now - transfer->last_byte >= limit) stalled.push_back(transfer);
  }
  for (Transfer* transfer : stalled) {
    if (active_.count(transfer) == 0) continue;  // a callback of an earlier one ended it
    std::snprintf(transfer->error_buffer, sizeof transfer->error_buffer, "no data moved for %ld s",
                  options_.stall_timeout_s);
    finish(transfer->easy.get(), CURLE_OPERATION_TIMEDOUT);
  }
}

int HttpEngine::poll(std::chrono::milliseconds max_wait) {
  run_due_timers();
  // The stall check is ours, not curl's CURLOPT_LOW_SPEED_TIME: curl
  // averages the rate over a window of several seconds, so a response that
  // stops right after a burst was given up only seconds after --timeout.
  if (options_.stall_timeout_s > 0 && !active_.empty()) {
    const auto now = SteadyClock::now();
    if (now >= next_sweep_) {
      sweep_stalled(now);
      next_sweep_ = now + std::min<std::chrono::milliseconds>(std::chrono::seconds(1),
                                                              std::chrono::seconds(options_.stall_timeout_s));
    }
    max_wait = std::min(max_wait, std::chrono::ceil<std::chrono::milliseconds>(next_sweep_ - now));
  }
  if (!timers_.empty()) {
    const auto until_timer = std::chrono::duration_cast<std::chrono::milliseconds>(
        timers_.front().when - SteadyClock::now());
    max_wait = std::clamp(until_timer, std::chrono::milliseconds(0), max_wait);
  }
  run_curl_timeouts();
  long curl_timeout_ms = -1;
  if (curl_multi_timeout(multi_.get(), &curl_timeout_ms) == CURLM_OK && curl_timeout_ms >= 0) {
    max_wait = std::min(max_wait, std::chrono::milliseconds(curl_timeout_ms));
  }
  // With no transfer running this simply sleeps until the next timer or
  // max_wait, so a backoff does not spin.
  epoll_event events[64];
  const int ready = ::epoll_wait(epoll_.get(), events, 64, static_cast<int>(std::max<long>(0, max_wait.count())));
  for (int i = 0; i < ready; ++i) {
    const int fd = events[i].data.fd;
    if (fd == wake_.get()) {
      std::uint64_t count = 0;
      (void)!::read(fd, &count, sizeof count);
      continue;
    }
    int mask = 0;
    if (events[i].events & EPOLLIN) mask |= CURL_CSELECT_IN;
    if (events[i].events & EPOLLOUT) mask |= CURL_CSELECT_OUT;
    if (events[i].events & (EPOLLERR | EPOLLHUP)) mask |= CURL_CSELECT_ERR;
    int running = 0;
    head_ended_ = false;
    curl_multi_socket_action(multi_.get(), fd, mask, &running);
    if (head_ended_) acknowledge_now(fd);
  }
  run_curl_timeouts();
  int completed = 0;
  int messages_left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_.get(), &messages_left)) {
    if (message->msg == CURLMSG_DONE) {
      finish(message->easy_handle, message->data.result);
      ++completed;
    }
  }
  run_due_timers();
  return completed;
}

void HttpEngine::cancel_all() {
  // The queued ones first, so that finishing a running one starts none.
  std::vector<std::unique_ptr<Transfer>> queued;
  for (std::size_t i = queued_head_; i < queued_.size(); ++i) queued.push_back(std::move(queued_[i]));
  queued_.clear();
  queued_head_ = 0;
  const std::vector<Transfer*> running(active_.begin(), active_.end());
  for (Transfer* transfer : running) {
    if (active_.count(transfer) != 0) finish(transfer->easy.get(), CURLE_ABORTED_BY_CALLBACK);
  }
  for (std::unique_ptr<Transfer>& transfer : queued) {
    HttpOutcome outcome = std::move(transfer->outcome);
    outcome.curl_code = CURLE_ABORTED_BY_CALLBACK;
    HttpHandlers handlers = std::move(transfer->handlers);
    transfer.reset();
    if (handlers.on_done) handlers.on_done(std::move(outcome));
  }
}

std::size_t HttpEngine::pending() const {
  return running_ + (queued_.size() - queued_head_) + timers_.size();
}

}  // namespace caios
