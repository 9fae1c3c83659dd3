#include "forges/http/client.h"

#include "forges/http/call_metrics.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <list>
#include <mutex>
#include <strings.h>
#include <unordered_map>
#include <openssl/sha.h>
#include <exception>
#include <streambuf>
#include <thread>

namespace ddd::forges {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

struct Url {
  std::string scheme, host, port, target;
  std::string key() const { return scheme + "://" + host + ":" + port; }
};

Url parseUrl(const std::string& url) {
  Url u;
  const size_t sep = url.find("://");
  if (sep == std::string::npos) throw HttpError("not an absolute URL: " + redactForLog(url));
  u.scheme = url.substr(0, sep);
  for (auto& c : u.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (u.scheme != "http" && u.scheme != "https") {
    throw HttpError("unsupported URL scheme \"" + u.scheme + "\" in " + redactForLog(url) +
                    " (use http or https)");
  }
  size_t hostStart = sep + 3;
  const size_t pathStart = url.find_first_of("/?#", hostStart);
  std::string authority = url.substr(
      hostStart, pathStart == std::string::npos ? std::string::npos : pathStart - hostStart);
  const size_t at = authority.rfind('@');
  if (at != std::string::npos) authority = authority.substr(at + 1);
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string::npos) throw HttpError("bad IPv6 host in " + redactForLog(url));
    u.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':')
      u.port = authority.substr(close + 2);
  } else {
    const size_t colon = authority.rfind(':');
    u.host = authority.substr(0, colon);
    if (colon != std::string::npos) u.port = authority.substr(colon + 1);
  }
  if (u.host.empty()) throw HttpError("no host in " + redactForLog(url));
  if (u.port.empty()) u.port = u.scheme == "https" ? "443" : "80";
  u.target = pathStart == std::string::npos ? "/" : url.substr(pathStart);
  const size_t hash = u.target.find('#');
  if (hash != std::string::npos) u.target.resize(hash);
  if (u.target.empty() || u.target[0] != '/') u.target = "/" + u.target;
  return u;
}

std::string resolveLocation(const Url& base, const std::string& location) {
  if (location.find("://") != std::string::npos) return location;
  const std::string origin =
      base.scheme + "://" +
      (base.host.find(':') != std::string::npos ? "[" + base.host + "]" : base.host) + ":" +
      base.port;
  if (!location.empty() && location[0] == '/') return origin + location;
  const size_t slash = base.target.rfind('/', base.target.find('?'));
  return origin + base.target.substr(0, slash + 1) + location;
}

struct Connection {
  net::io_context ioc;
  bool secure = false;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*tls) : *plain; }
  // Runs the io_context until the started operation completes (timeouts bound it).
  void run() {
    ioc.restart();
    ioc.run();
  }
};

}  // namespace

struct HttpClient::Pool {
  std::mutex mutex;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle;
  ssl::context tls{ssl::context::tls_client};
  std::atomic<uint64_t> opened{0};
  // Name resolution memory (under `mutex`), keyed "host:port", and one gate per key so
  // that only one thread resolves a host at a time.
  struct Resolved {
    tcp::resolver::results_type endpoints;
    std::chrono::steady_clock::time_point until;
  };
  std::map<std::string, Resolved> resolved;
  std::map<std::string, std::unique_ptr<std::timed_mutex>> resolving;
  std::atomic<uint64_t> resolutions{0};
};

namespace {

// The addresses of host:port, from memory while fresh; else resolved (bounded by the
// connect timeout) and remembered. A thread that finds another one resolving the same
// host waits for its answer (at most the connect timeout, then resolves by itself).
tcp::resolver::results_type resolveHost(HttpClient::Pool& pool, const HttpClientOptions& options,
                                        const std::string& host, const std::string& port,
                                        const std::string& what) {
  const std::string key = host + ":" + port;
  const bool remember = options.dnsCacheTtl.count() > 0;
  auto fresh = [&](tcp::resolver::results_type& out) {
    std::lock_guard<std::mutex> lock(pool.mutex);
    auto it = pool.resolved.find(key);
    if (it == pool.resolved.end() || it->second.until <= std::chrono::steady_clock::now()) {
      return false;
    }
    out = it->second.endpoints;
    return true;
  };
  tcp::resolver::results_type endpoints;
  std::unique_lock<std::timed_mutex> turn;
  if (remember) {
    if (fresh(endpoints)) return endpoints;
    std::timed_mutex* gate;
    {
      std::lock_guard<std::mutex> lock(pool.mutex);
      auto& g = pool.resolving[key];
      if (!g) g = std::make_unique<std::timed_mutex>();
      gate = g.get();
    }
    turn = std::unique_lock<std::timed_mutex>(*gate, std::defer_lock);
    if (turn.try_lock_for(options.connectTimeout) && fresh(endpoints)) return endpoints;
  }
  net::io_context ioc;
  beast::error_code ec;
  tcp::resolver resolver(ioc);
  resolver.async_resolve(host, port, [&](beast::error_code e, tcp::resolver::results_type r) {
    ec = e;
    endpoints = std::move(r);
  });
  ioc.run_for(options.connectTimeout);
  if (!ioc.stopped()) {
    resolver.cancel();
    ioc.run();
    throw HttpError(what + ": resolving " + host + " timed out");
  }
  if (ec) throw HttpError(what + ": cannot resolve " + host + ": " + ec.message());
  ++pool.resolutions;
  if (remember) {
    std::lock_guard<std::mutex> lock(pool.mutex);
    pool.resolved[key] = {endpoints, std::chrono::steady_clock::now() + options.dnsCacheTtl};
  }
  return endpoints;
}

void forgetHost(HttpClient::Pool& pool, const std::string& host, const std::string& port) {
  std::lock_guard<std::mutex> lock(pool.mutex);
  pool.resolved.erase(host + ":" + port);
}

}  // namespace

std::string HttpHeaders::get(std::string_view name) const {
  for (const auto& [k, v] : items) {
    if (iequals(k, name)) return v;
  }
  return "";
}

void HttpHeaders::set(std::string name, std::string value) {
  for (auto& [k, v] : items) {
    if (iequals(k, name)) {
      v = std::move(value);
      return;
    }
  }
  items.emplace_back(std::move(name), std::move(value));
}

std::string linkNext(std::string_view header) {
  // <url>; rel="next", <url>; rel="last"
  size_t pos = 0;
  while (pos < header.size()) {
    const size_t open = header.find('<', pos);
    if (open == std::string_view::npos) break;
    const size_t close = header.find('>', open);
    if (close == std::string_view::npos) break;
    const size_t end = header.find('<', close);
    std::string_view params =
        header.substr(close + 1, end == std::string_view::npos ? header.npos : end - close - 1);
    std::string p(params);
    for (auto& c : p) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (p.find("rel=\"next\"") != std::string::npos || p.find("rel=next") != std::string::npos) {
      return std::string(header.substr(open + 1, close - open - 1));
    }
    pos = close + 1;
  }
  return "";
}

std::string ClientResponse::nextPageUrl() const { return linkNext(headers.get("Link")); }

std::string redactForLog(std::string_view url) {
  std::string out(url);
  const size_t sep = out.find("://");
  if (sep != std::string::npos) {
    const size_t pathStart = out.find_first_of("/?#", sep + 3);
    const size_t at = out.rfind('@', pathStart == std::string::npos ? out.size() : pathStart);
    if (at != std::string::npos && at > sep) out.replace(sep + 3, at - sep - 3, "***");
  }
  const size_t q = out.find('?');
  if (q == std::string::npos) return out;
  std::string query = out.substr(q + 1), redacted;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    std::string pair = query.substr(start, amp - start);
    const size_t eq = pair.find('=');
    std::string key = pair.substr(0, eq);
    std::string lower = key;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool secret =
        lower.find("token") != std::string::npos || lower.find("key") != std::string::npos ||
        lower.find("secret") != std::string::npos || lower.find("password") != std::string::npos ||
        lower.find("sig") != std::string::npos || lower == "code";
    if (!redacted.empty()) redacted += '&';
    redacted += key;
    if (eq != std::string::npos) {
      redacted += '=';
      redacted += secret ? std::string("***") : pair.substr(eq + 1);
    }
    start = amp + 1;
  }
  return out.substr(0, q + 1) + redacted;
}

// Remembered 200s by URL + a digest of the credentials (one token never sees another's
// cached answer), least recently used first out.
struct HttpClient::EtagCache {
  struct Entry {
    std::string etag;
    ClientResponse response;
    std::list<std::string>::iterator lru;
  };
  std::mutex mutex;
  std::unordered_map<std::string, Entry> entries;
  std::list<std::string> order;  // front = most recent
  size_t bytes = 0;              // body bytes held
  std::atomic<uint64_t> hits{0};
  void erase(std::unordered_map<std::string, Entry>::iterator it) {
    bytes -= it->second.response.body.size();
    order.erase(it->second.lru);
    entries.erase(it);
  }
};

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)), pool_(std::make_unique<Pool>()) {
  if (!options_.sleep)
    options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  if (!options_.now) options_.now = [] { return static_cast<int64_t>(std::time(nullptr)); };
  pool_->tls.set_default_verify_paths();
  if (!options_.extraCaFile.empty()) {
    beast::error_code ec;
    pool_->tls.load_verify_file(options_.extraCaFile, ec);
    if (ec)
      throw HttpError("cannot read the CA file " + options_.extraCaFile + ": " + ec.message());
  }
  pool_->tls.set_verify_mode(ssl::verify_peer);
  SSL_CTX_set_min_proto_version(pool_->tls.native_handle(), TLS1_2_VERSION);
  if (options_.etagCacheEntries > 0) etags_ = std::make_unique<EtagCache>();
}

HttpClient::~HttpClient() = default;

uint64_t HttpClient::connectionsOpened() const { return pool_->opened.load(); }
uint64_t HttpClient::nameResolutions() const { return pool_->resolutions.load(); }

namespace {

struct Attempt {
  ClientResponse response;
  bool keepAlive = false;
};

[[noreturn]] void throwReadError(const std::string& what, const beast::error_code& ec,
                                 const HttpClientOptions& o) {
  if (ec == beast::error::timeout) {
    throw HttpError(what + ": no answer within " +
                    std::to_string(o.ioTimeout.count() / 1000.0).substr(0, 4) +
                    " s (the server stalled)");
  }
  if (ec == http::error::body_limit) {
    throw HttpError(what + ": the response body is larger than " +
                    std::to_string(o.maxBodyBytes) + " bytes");
  }
  if (ec == http::error::partial_message || ec == http::error::end_of_stream ||
      ec == net::error::eof) {
    throw HttpError(what + ": the response was cut short (truncated body)");
  }
  throw HttpError(what + ": " + ec.message());
}

// A response body as a std::streambuf read straight off the connection: each underflow
// reads the next piece (at most kPiece bytes, chunked encoding undone by the parser) into
// one fixed buffer, so a multi-megabyte body never exists as a whole.
class BodyStream : public std::streambuf {
 public:
  static constexpr size_t kPiece = 64 * 1024;
  BodyStream(Connection& c, http::response_parser<http::buffer_body>& parser,
             const HttpClientOptions& o, const std::string& what)
      : c_(c), parser_(parser), o_(o), what_(what), piece_(new char[kPiece]) {}

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    while (!parser_.is_done()) {
      auto& body = parser_.get().body();
      body.data = piece_.get();
      body.size = kPiece;
      beast::error_code ec;
      c_.lowest().expires_after(o_.ioTimeout);
      if (c_.secure) {
        http::async_read(*c_.tls, c_.buffer, parser_, [&](beast::error_code e, size_t) { ec = e; });
      } else {
        http::async_read(*c_.plain, c_.buffer, parser_,
                         [&](beast::error_code e, size_t) { ec = e; });
      }
      c_.run();
      if (ec == http::error::need_buffer) ec = {};  // the piece is full
      if (ec) {
        // Kept as well: std::istream's own reads turn a throwing streambuf into badbit,
        // and a reader may catch; exchange() rethrows it once the reader returns.
        try {
          throwReadError(what_, ec, o_);
        } catch (const HttpError&) {
          error = std::current_exception();
          throw;
        }
      }
      const size_t n = kPiece - body.size;
      if (n > 0) {
        setg(piece_.get(), piece_.get(), piece_.get() + n);
        return traits_type::to_int_type(*gptr());
      }
    }
    return traits_type::eof();
  }

 public:
  std::exception_ptr error;  // the transport failure seen while reading, if any

 private:
  Connection& c_;
  http::response_parser<http::buffer_body>& parser_;
  const HttpClientOptions& o_;
  const std::string& what_;
  std::unique_ptr<char[]> piece_;
};

// One request on one connection; throws HttpError, or returns with `stale` set when a
// reused connection turned out closed before anything was read.
Attempt exchange(Connection& c, const Url& u, const ClientRequest& req, const HttpClientOptions& o,
                 bool& stale) {
  stale = false;
  http::request<http::string_body> msg;
  msg.method_string(req.method);
  msg.target(u.target);
  msg.version(11);
  const bool defaultPort =
      (u.scheme == "https" && u.port == "443") || (u.scheme == "http" && u.port == "80");
  const std::string hostHeader =
      (u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host) +
      (defaultPort ? "" : ":" + u.port);
  msg.set(http::field::host, hostHeader);
  msg.set(http::field::user_agent, o.userAgent);
  for (const auto& [k, v] : req.headers.items) msg.set(k, v);
  msg.keep_alive(true);
  msg.body() = req.body;
  msg.prepare_payload();

  const std::string what =
      req.method + " " + redactForLog(u.scheme + "://" + hostHeader + u.target);
  beast::error_code ec;
  c.lowest().expires_after(o.ioTimeout);
  if (c.secure) {
    http::async_write(*c.tls, msg, [&](beast::error_code e, size_t) { ec = e; });
  } else {
    http::async_write(*c.plain, msg, [&](beast::error_code e, size_t) { ec = e; });
  }
  c.run();
  if (ec) {
    if (ec == beast::error::timeout) throw HttpError(what + ": timed out writing the request");
    stale = true;
    return {};
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(o.maxBodyBytes);
  parser.header_limit(256 * 1024);
  // A HEAD answer declares the length of a body it does not send (registries' manifest
  // HEADs): read no body, or the read waits for bytes that never come.
  if (req.method == "HEAD") parser.skip(true);
  // The header first: a declared length over the cap is refused before any body byte
  // is read (the parser's own limit is not applied by this Beast's read loop).
  c.lowest().expires_after(o.ioTimeout);
  if (c.secure) {
    http::async_read_header(*c.tls, c.buffer, parser, [&](beast::error_code e, size_t) { ec = e; });
  } else {
    http::async_read_header(*c.plain, c.buffer, parser,
                            [&](beast::error_code e, size_t) { ec = e; });
  }
  c.run();
  if (!ec && parser.content_length() && *parser.content_length() > o.maxBodyBytes) {
    ec = http::error::body_limit;
  }
  const int status = ec ? 0 : static_cast<int>(parser.get().result_int());
  if (!ec && req.bodyReader && req.method == "GET" && status >= 200 && status < 300) {
    // Streamed: the same parser with a body that is a window on a fixed buffer.
    http::response_parser<http::buffer_body> streamed{std::move(parser)};
    streamed.body_limit(o.maxBodyBytes);
    BodyStream buf(c, streamed, o, what);
    std::istream in(&buf);
    in.exceptions(std::ios::badbit);  // a read error reaches the reader as the HttpError
    req.bodyReader(in);
    if (buf.error) std::rethrow_exception(buf.error);
    Attempt a;
    a.response.status = status;
    for (const auto& f : streamed.get())
      a.response.headers.items.emplace_back(std::string(f.name_string()), std::string(f.value()));
    // Pooled again only when the reader took the whole body.
    a.keepAlive = streamed.is_done() && streamed.get().keep_alive();
    return a;
  }
  if (!ec && !parser.is_done()) {
    c.lowest().expires_after(o.ioTimeout);
    if (c.secure) {
      http::async_read(*c.tls, c.buffer, parser, [&](beast::error_code e, size_t) { ec = e; });
    } else {
      http::async_read(*c.plain, c.buffer, parser, [&](beast::error_code e, size_t) { ec = e; });
    }
    c.run();
    if (!ec && parser.get().body().size() > o.maxBodyBytes) ec = http::error::body_limit;
  }
  if (ec) {
    if (ec != beast::error::timeout && ec != http::error::body_limit && !parser.got_some() &&
        (ec == http::error::end_of_stream || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe || ec == net::error::eof)) {
      stale = true;
      return {};
    }
    throwReadError(what, ec, o);
  }
  Attempt a;
  auto res = parser.release();
  a.response.status = static_cast<int>(res.result_int());
  for (const auto& f : res)
    a.response.headers.items.emplace_back(std::string(f.name_string()), std::string(f.value()));
  a.response.body = std::move(res.body());
  a.keepAlive = res.keep_alive();
  return a;
}

}  // namespace

namespace {
std::string etagKey(const ClientRequest& r) {
  const std::string auth = r.headers.get("Authorization") + "\n" + r.headers.get("PRIVATE-TOKEN");
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(auth.data()), auth.size(), digest);
  std::string hex;
  static const char* kHex = "0123456789abcdef";
  for (unsigned char c : digest) {
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  return hex + " " + r.url + " " + r.headers.get("Accept");
}
}  // namespace

uint64_t HttpClient::notModified() const { return etags_ ? etags_->hits.load() : 0; }

ClientResponse HttpClient::send(const ClientRequest& request) {
  if (!etags_ || request.method != "GET" || !request.headers.get("If-None-Match").empty() ||
      request.bodyReader) {
    return sendOnce(request);
  }
  const std::string key = etagKey(request);
  ClientRequest conditional = request;
  {
    std::lock_guard<std::mutex> lock(etags_->mutex);
    auto it = etags_->entries.find(key);
    if (it != etags_->entries.end()) conditional.headers.set("If-None-Match", it->second.etag);
  }
  ClientResponse response = sendOnce(conditional);
  std::lock_guard<std::mutex> lock(etags_->mutex);
  auto it = etags_->entries.find(key);
  if (response.status == 304 && it != etags_->entries.end()) {
    ++etags_->hits;
    etags_->order.splice(etags_->order.begin(), etags_->order, it->second.lru);
    ClientResponse cached = it->second.response;
    // Fresh rate-limit headers from the 304, the cached body and its other headers.
    for (const auto& [name, value] : response.headers.items) {
      if (name.size() > 12 && strncasecmp(name.c_str(), "x-ratelimit-", 12) == 0) {
        cached.headers.set(name, value);
      }
    }
    return cached;
  }
  const std::string etag = response.headers.get("ETag");
  if (response.status == 200 && !etag.empty() && response.body.size() <= (1u << 20) &&
      response.body.size() <= options_.etagCacheBytes) {
    if (it != etags_->entries.end()) etags_->erase(it);
    etags_->order.push_front(key);
    etags_->entries[key] = EtagCache::Entry{etag, response, etags_->order.begin()};
    etags_->bytes += response.body.size();
    while (etags_->entries.size() > options_.etagCacheEntries ||
           etags_->bytes > options_.etagCacheBytes) {
      etags_->erase(etags_->entries.find(etags_->order.back()));
    }
  } else if (response.status == 200 && it != etags_->entries.end()) {
    etags_->erase(it);  // changed and no longer tagged: forget it
  }
  return response;
}

ClientResponse HttpClient::sendOnce(const ClientRequest& request) {
  const bool idempotent = request.method == "GET" || request.method == "HEAD" ||
                          request.method == "PUT" || request.method == "DELETE" ||
                          request.method == "OPTIONS";
  ClientRequest current = request;
  int redirects = 0;
  int retries = 0;
  int secondaryWaits = 0;
  while (true) {
    const Url u = parseUrl(current.url);
    const std::string what = current.method + " " + redactForLog(current.url);
    const auto started = std::chrono::steady_clock::now();

    Attempt attempt;
    for (int tryFresh = 0;; ++tryFresh) {
      std::unique_ptr<Connection> conn;
      bool reused = false;
      if (tryFresh == 0) {
        std::lock_guard<std::mutex> lock(pool_->mutex);
        auto& idle = pool_->idle[u.key()];
        if (!idle.empty()) {
          conn = std::move(idle.back());
          idle.pop_back();
          reused = true;
        }
      }
      if (!conn) {
        conn = std::make_unique<Connection>();
        // Beast reads as much as the buffer has room for (at least 512 bytes); a buffer the
        // parser empties never grows past its first 512 bytes, one read per 512 bytes.
        conn->buffer.reserve(64 * 1024);
        conn->secure = u.scheme == "https";
        beast::error_code ec;
        const tcp::resolver::results_type endpoints =
            resolveHost(*pool_, options_, u.host, u.port, what);
        if (options_.allowAddress) {
          for (const auto& e : endpoints) {
            const std::string address = e.endpoint().address().to_string();
            if (!options_.allowAddress(u.host, address)) {
              throw HttpError(what + ": refused to connect to " + u.host + " (" + address +
                              " is on a private or local network; an operator's own registry "
                              "there must be configured on the server, not in a repository)");
            }
          }
        }
        if (conn->secure) {
          conn->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(conn->ioc, pool_->tls);
          if (!SSL_set_tlsext_host_name(conn->tls->native_handle(), u.host.c_str())) {
            throw HttpError(what + ": cannot set the TLS server name");
          }
          conn->tls->set_verify_callback(ssl::host_name_verification(u.host));
        } else {
          conn->plain = std::make_unique<beast::tcp_stream>(conn->ioc);
        }
        conn->lowest().expires_after(options_.connectTimeout);
        conn->lowest().async_connect(endpoints,
                                     [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
        conn->run();
        if (ec) {
          forgetHost(*pool_, u.host, u.port);  // the next attempt resolves again
          throw HttpError(what + ": cannot connect to " + u.host + ":" + u.port + ": " +
                          (ec == beast::error::timeout ? std::string("timed out") : ec.message()));
        }
        if (conn->secure) {
          conn->lowest().expires_after(options_.ioTimeout);
          conn->tls->async_handshake(ssl::stream_base::client,
                                     [&](beast::error_code e) { ec = e; });
          conn->run();
          if (ec) {
            throw HttpError(what + ": TLS handshake failed (" + ec.message() +
                            "); the certificate must be valid for " + u.host + " and trusted");
          }
        }
        ++pool_->opened;
      }
      bool stale = false;
      attempt = exchange(*conn, u, current, options_, stale);
      if (stale) {
        if (reused && tryFresh == 0) continue;  // the server closed an idle connection
        throw HttpError(what + ": the connection was closed before an answer");
      }
      if (attempt.keepAlive) {
        std::lock_guard<std::mutex> lock(pool_->mutex);
        auto& idle = pool_->idle[u.key()];
        if (idle.size() < options_.maxIdlePerHost) idle.push_back(std::move(conn));
      }
      break;
    }
    ClientResponse& res = attempt.response;  // returned by move below, never copied
    res.url = current.url;
    if (!options_.metricsName.empty()) countHttpCall(options_.metricsName, u.host);
    if (options_.log) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - started);
      options_.log(what + " -> " + std::to_string(res.status) + " (" + std::to_string(ms.count()) +
                   " ms)");
    }

    // Redirects.
    if ((res.status == 301 || res.status == 302 || res.status == 303 || res.status == 307 ||
         res.status == 308) &&
        !res.headers.get("Location").empty()) {
      if (++redirects > options_.maxRedirects) {
        throw HttpError(what + ": more than " + std::to_string(options_.maxRedirects) +
                        " redirects");
      }
      const std::string next = resolveLocation(u, res.headers.get("Location"));
      const Url nu = parseUrl(next);
      if (nu.host != u.host || nu.scheme != u.scheme || nu.port != u.port) {
        // Credentials stay with the host they were given for.
        auto& items = current.headers.items;
        items.erase(std::remove_if(items.begin(), items.end(),
                                   [](const auto& h) {
                                     return iequals(h.first, "Authorization") ||
                                            iequals(h.first, "Private-Token") ||
                                            iequals(h.first, "Cookie");
                                   }),
                    items.end());
      }
      if (res.status == 303 ||
          ((res.status == 301 || res.status == 302) && current.method == "POST")) {
        current.method = "GET";
        current.body.clear();
      }
      current.url = next;
      continue;
    }

    // Rate limits and server errors.
    std::string lowerBody = res.body.substr(0, 4096);
    for (auto& c : lowerBody) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string retryAfter = res.headers.get("Retry-After");
    const std::string remaining = res.headers.get("x-ratelimit-remaining");
    const bool rateLimited =
        res.status == 429 ||
        (res.status == 403 && (!retryAfter.empty() || remaining == "0" ||
                               lowerBody.find("rate limit") != std::string::npos));
    const bool serverError =
        res.status == 500 || res.status == 502 || res.status == 503 || res.status == 504;
    if ((rateLimited || (serverError && idempotent)) && retries < options_.maxRetries) {
      std::chrono::seconds wait{0};
      if (!retryAfter.empty() && std::all_of(retryAfter.begin(), retryAfter.end(), ::isdigit)) {
        wait = std::chrono::seconds(std::stoll(retryAfter.substr(0, 9)));
      } else if (remaining == "0" && !res.headers.get("x-ratelimit-reset").empty()) {
        wait = std::chrono::seconds(std::max<int64_t>(
            1,
            std::stoll(res.headers.get("x-ratelimit-reset").substr(0, 12)) - options_.now() + 1));
      } else if (!res.headers.get("RateLimit-Reset").empty() &&
                 std::all_of(res.headers.get("RateLimit-Reset").begin(),
                             res.headers.get("RateLimit-Reset").end(), ::isdigit)) {
        wait = std::chrono::seconds(std::max<int64_t>(
            1, std::stoll(res.headers.get("RateLimit-Reset").substr(0, 12)) - options_.now() + 1));
      } else if (rateLimited) {
        // No hint: at least a minute, then doubling.
        wait = std::chrono::seconds(60LL << std::min(secondaryWaits++, 4));
      } else {
        wait = std::chrono::seconds(1LL << retries);
      }
      if (wait > options_.maxRetryWait) return std::move(res);  // the caller reports it
      ++retries;
      if (rateLimited && !options_.metricsName.empty())
        countRateLimitWait(options_.metricsName, u.host, wait);
      if (options_.log)
        options_.log(what + ": waiting " + std::to_string(wait.count()) + " s before trying again");
      options_.sleep(std::chrono::duration_cast<std::chrono::milliseconds>(wait));
      continue;
    }
    return std::move(res);
  }
}

std::function<bool(const std::string&, const std::string&)> privateNetworkGuard(
    std::vector<std::string> trusted) {
  for (auto& h : trusted) {
    for (char& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return [trusted = std::move(trusted)](const std::string& host, const std::string& address) {
    std::string h = host;
    for (char& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::find(trusted.begin(), trusted.end(), h) != trusted.end()) return true;
    beast::error_code ec;
    auto a = boost::asio::ip::make_address(address, ec);
    if (ec) return false;
    if (a.is_v6() && a.to_v6().is_v4_mapped()) {
      a = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
    }
    if (a.is_loopback() || a.is_unspecified() || a.is_multicast()) return false;
    if (a.is_v4()) {
      const uint32_t v = a.to_v4().to_uint();
      const auto in = [v](uint32_t net, int bits) {
        return (v >> (32 - bits)) == (net >> (32 - bits));
      };
      return !(in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16) ||
               in(0x64400000, 10) || in(0xA9FE0000, 16) || in(0x00000000, 8));
    }
    const auto b = a.to_v6().to_bytes();
    const bool uniqueLocal = (b[0] & 0xFE) == 0xFC;               // fc00::/7
    const bool linkLocal = b[0] == 0xFE && (b[1] & 0xC0) == 0x80;  // fe80::/10
    return !(uniqueLocal || linkLocal);
  };
}

}  // namespace ddd::forges
