#pragma once
// A small HTTP/1.1 server on 127.0.0.1 (ephemeral port) for tests of clients: every
// request goes to one handler, is recorded, and may be answered with faults (a stall,
// a truncated body, a closed connection). Keep-alive connections are served until the
// client closes them. Thread-safe; stops and joins its threads in the destructor.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ddd::testing {

class FakeHttpServer {
 public:
  struct Request {
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string header(std::string_view name) const;  // "" when absent
  };
  struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::chrono::milliseconds stall{0};  // wait this long before answering
    size_t truncateAt = SIZE_MAX;        // send only this many body bytes, then close
    bool closeAfter = false;             // close the connection after answering (no header)
  };
  // Content-Length is added unless the handler sets it or Transfer-Encoding (then its
  // body is sent as given, e.g. already chunked).
  // A HEAD request is answered with the handler's headers (Content-Length of its body
  // included) and no body, as HTTP says.
  using Handler = std::function<Response(const Request&)>;

  explicit FakeHttpServer(Handler handler);
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  std::string url() const;  // "http://127.0.0.1:<port>"
  unsigned short port() const { return port_; }
  std::vector<Request> requests() const;
  int connections() const { return connections_.load(); }

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  unsigned short port_ = 0;
  std::atomic<int> connections_{0};
};

}  // namespace ddd::testing
