// A scripted HTTP/1.1 server on 127.0.0.1 for the corner cases a real S3
// server will not produce on demand: a body cut off mid-way, a stall, a 503
// with Retry-After, a server that ignores Range. One connection per response
// ("Connection: close"), so each scripted step is one request.
//
// Two ways to answer: a script (one response per request, in arrival order),
// or a handler that answers each request from its request line and headers
// (for concurrent requests, e.g. the fake object store of
// fake_s3_objects.hpp). Used by offline tests only; every behaviour is also
// exercised against the real Ceph RGW where RGW can show it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace caios::testing {

struct ScriptedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// Send only this many body bytes, then close (-1: all of it).
  long cut_after = -1;
  /// Sleep this long after the headers and `stall_after` body bytes.
  std::chrono::milliseconds stall{0};
  std::size_t stall_after = 0;
  /// Advertise this Content-Length and send no body (the answer to a HEAD);
  /// -1: the body's length.
  long head_content_length = -1;
};

struct RecordedRequest {
  std::string request_line;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::chrono::steady_clock::time_point received;

  std::string header(const std::string& lowercase_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lowercase_name) return value;
    }
    return {};
  }
};

using RequestHandler = std::function<ScriptedResponse(const RecordedRequest&)>;

class FakeHttpServer {
 public:
  explicit FakeHttpServer(std::vector<ScriptedResponse> script) : script_(script.begin(), script.end()) { start(); }
  /// Answer every request with `handler` (called on the connection's thread).
  explicit FakeHttpServer(RequestHandler handler) : handler_(std::move(handler)) { start(); }

  ~FakeHttpServer() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    thread_.join();
    for (std::thread& worker : workers_) worker.join();
  }

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<RecordedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  void start() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) throw std::runtime_error("socket");
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listen_fd_, 16) != 0) {
      throw std::runtime_error("bind/listen");
    }
    socklen_t length = sizeof address;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }

  void serve() {
    while (!stopping_) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      // One thread per connection: a stalled response must not hold up the
      // client's retry on a new connection.
      workers_.emplace_back([this, fd] {
        handle(fd);
        ::close(fd);
      });
    }
  }

  void handle(int fd) {
    std::string head;
    char buffer[4096];
    while (head.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return;
      head.append(buffer, static_cast<std::size_t>(n));
    }
    RecordedRequest request;
    request.received = std::chrono::steady_clock::now();
    std::size_t line_start = 0;
    for (;;) {
      const auto line_end = head.find("\r\n", line_start);
      if (line_end == std::string::npos || line_end == line_start) break;
      const std::string line = head.substr(line_start, line_end - line_start);
      if (request.request_line.empty()) {
        request.request_line = line;
      } else {
        const auto colon = line.find(':');
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        request.headers.emplace_back(name, value);
      }
      line_start = line_end + 2;
    }
    ScriptedResponse response;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back(request);
      if (handler_) {
        response = handler_(request);
      } else if (script_.empty()) {
        response.status = 500;
        response.body = "<Error><Code>InternalError</Code><Message>script exhausted</Message></Error>";
      } else {
        response = script_.front();
        script_.pop_front();
      }
    }
    std::string out = "HTTP/1.1 " + std::to_string(response.status) + " Scripted\r\n";
    for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
    const bool head_only = response.head_content_length >= 0;
    out += "Content-Length: " +
           std::to_string(head_only ? static_cast<std::size_t>(response.head_content_length) : response.body.size()) +
           "\r\nConnection: close\r\n\r\n";
    send_all(fd, out);
    if (head_only) return;
    const std::size_t body_bytes =
        response.cut_after < 0 ? response.body.size() : static_cast<std::size_t>(response.cut_after);
    const std::size_t before_stall = std::min(response.stall_after, body_bytes);
    send_all(fd, response.body.substr(0, before_stall));
    if (response.stall.count() > 0) std::this_thread::sleep_for(response.stall);
    send_all(fd, response.body.substr(before_stall, body_bytes - before_stall));
  }

  static void send_all(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }

  std::deque<ScriptedResponse> script_;
  RequestHandler handler_;
  mutable std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::vector<std::thread> workers_;
};

}  // namespace caios::testing
