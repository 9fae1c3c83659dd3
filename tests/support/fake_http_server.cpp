#include "tests/support/fake_http_server.h"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

namespace ddd::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct FakeHttpServer::Impl {
  Handler handler;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::atomic<bool> stopping{false};
  std::thread acceptThread;
  mutable std::mutex mutex;
  std::vector<Request> requests;
  std::vector<std::shared_ptr<tcp::socket>> sockets;
  std::vector<std::thread> workers;
};

std::string FakeHttpServer::Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return "";
}

FakeHttpServer::FakeHttpServer(Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(net::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  Impl* impl = impl_.get();
  std::atomic<int>* counter = &connections_;
  impl_->acceptThread = std::thread([impl, counter] {
    while (!impl->stopping) {
      auto socket = std::make_shared<tcp::socket>(impl->ioc);
      beast::error_code ec;
      impl->acceptor.accept(*socket, ec);
      if (ec || impl->stopping) break;
      ++*counter;
      std::lock_guard<std::mutex> lock(impl->mutex);
      impl->sockets.push_back(socket);
      impl->workers.emplace_back([impl, socket] {
        beast::flat_buffer buffer;
        while (!impl->stopping) {
          http::request<http::string_body> req;
          beast::error_code ec;
          http::read(*socket, buffer, req, ec);
          if (ec) break;
          Request r;
          r.method = std::string(req.method_string());
          r.target = std::string(req.target());
          for (const auto& f : req)
            r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
          r.body = req.body();
          {
            std::lock_guard<std::mutex> lock(impl->mutex);
            impl->requests.push_back(r);
          }
          Response out = impl->handler(r);
          if (out.stall.count() > 0) {
            const auto until = std::chrono::steady_clock::now() + out.stall;
            while (!impl->stopping && std::chrono::steady_clock::now() < until) {
              std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
          }
          std::string head = "HTTP/1.1 " + std::to_string(out.status) + " X\r\n";
          bool hasLength = false;
          for (const auto& [k, v] : out.headers) {
            head += k + ": " + v + "\r\n";
            std::string lower = k;
            for (auto& c : lower)
              c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            // A handler that frames the body itself (chunked) gets no Content-Length.
            hasLength = hasLength || lower == "content-length" || lower == "transfer-encoding";
          }
          if (!hasLength) head += "Content-Length: " + std::to_string(out.body.size()) + "\r\n";
          head += "\r\n";
          // A HEAD answer has the headers of the GET answer and no body (RFC 9110 9.3.2).
          const std::string body =
              r.method == "HEAD" ? std::string()
                                 : out.body.substr(0, std::min(out.truncateAt, out.body.size()));
          net::write(*socket, net::buffer(head + body), ec);
          if (ec || out.truncateAt != SIZE_MAX || out.closeAfter) {
            socket->shutdown(tcp::socket::shutdown_both, ec);
            socket->close(ec);
            break;
          }
        }
      });
    }
  });
}

FakeHttpServer::~FakeHttpServer() {
  impl_->stopping = true;
  {
    // Wake the blocking accept with a connection of our own.
    beast::error_code ec;
    net::io_context ioc;
    tcp::socket s(ioc);
    s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), ec);
  }
  impl_->acceptThread.join();
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    for (auto& s : impl_->sockets) {
      beast::error_code ec;
      s->shutdown(tcp::socket::shutdown_both, ec);
      s->close(ec);
    }
  }
  for (auto& t : impl_->workers) t.join();
}

std::string FakeHttpServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<FakeHttpServer::Request> FakeHttpServer::requests() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->requests;
}

}  // namespace ddd::testing
