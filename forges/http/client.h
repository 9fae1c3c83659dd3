#pragma once
// HttpClient: HTTP/1.1 over Boost.Beast, with TLS through OpenSSL (the peer's
// certificate checked against the system CA store — plus an optional extra CA file —
// and its host name verified, SNI sent, TLS 1.2 at least). Keep-alive connections are
// pooled per scheme://host:port and reused; a pooled connection the server closed is
// retried once on a fresh one. Host names are resolved once per host for a while
// (dnsCacheTtl), not once per connection. Every request has a connect, a write and a read
// timeout, a response body cap, bounded redirects (301/302/303/307/308; Authorization
// dropped when the host changes), and retries with backoff for rate limits and
// server errors on idempotent requests (GitHub's and GitLab's rate-limit headers
// honoured; waits go through an injectable sleeper so tests never sleep). Secrets never
// appear in errors or logs. Thread-safe: many threads may send at once.

#include <chrono>
#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ddd::forges {

// A request that could not be completed (connect, TLS, timeout, truncated or oversized
// body, too many redirects, budget exhausted). The message names method and URL with
// secrets redacted.
class HttpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HttpHeaders {
  std::vector<std::pair<std::string, std::string>> items;
  // The first value of `name` (case-insensitive), "" when absent.
  std::string get(std::string_view name) const;
  void set(std::string name, std::string value);
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;
  HttpHeaders headers;
  std::string body;
  // When set, a 2xx answer's body is not collected: it is handed to this as a stream
  // while it arrives (in 64 KiB pieces, the size cap and read timeout still applying), and
  // the ClientResponse's body stays empty. Redirects, errors and retried answers are read
  // as usual. A reader may stop early (the connection is then dropped, not pooled);
  // transport failures while it reads reach it as HttpError thrown from the stream, and
  // whatever it throws leaves send(). Such GETs bypass the ETag memory.
  std::function<void(std::istream& body)> bodyReader;
};

struct ClientResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;
  std::string url;  // the final URL after redirects
  // The URL of the next page from `Link: <...>; rel="next"`, "" when none.
  std::string nextPageUrl() const;
};

struct HttpClientOptions {
  std::chrono::milliseconds connectTimeout{5000};
  std::chrono::milliseconds ioTimeout{15000};  // each write and read
  uint64_t maxBodyBytes = 50ull << 20;
  int maxRedirects = 5;
  int maxRetries = 3;                      // for 429 / 5xx / rate limits, idempotent only
  std::chrono::seconds maxRetryWait{120};  // a longer Retry-After is an error instead
  std::string extraCaFile;                 // PEM bundle added to the system store
  size_t maxIdlePerHost = 8;
  // A host name's addresses are remembered (per host and port) for this long, and only one
  // thread at a time resolves a given host: many requests starting together against one
  // registry resolve its name once, instead of a burst of DNS queries that resolvers drop
  // (glibc then retries after 5 s). A connection that fails forgets them. 0: every new
  // connection resolves.
  std::chrono::seconds dnsCacheTtl{60};
  std::string userAgent = "ddd";
  // Waits between retries; tests record instead of sleeping.
  std::function<void(std::chrono::milliseconds)> sleep;
  // Wall clock (seconds since the epoch) for x-ratelimit-reset; tests pin it.
  std::function<int64_t()> now;
  // Gets each log line (already redacted); may be empty.
  std::function<void(const std::string&)> log;
  // Conditional GETs: a 200 with an ETag is remembered (per URL and credentials, at most
  // this many, bodies up to 1 MiB) and the next GET of it sends If-None-Match; a 304 is
  // answered from the memory as the 200 it confirms (GitHub does not count those against
  // the rate limit). 0 turns it off.
  size_t etagCacheEntries = 512;
  // ... and at most this many body bytes in all (least recently used out first): 512
  // registry documents of up to 1 MiB each must not pin half a gigabyte.
  size_t etagCacheBytes = 16u << 20;
  // Whether an address a host name resolved to may be connected to (checked for every
  // connection, redirects included); a host with any refused address is an HttpError
  // naming it. Empty: every address (see privateNetworkGuard).
  std::function<bool(const std::string& host, const std::string& address)> allowAddress;
  // Non-empty: every answer and every rate-limit wait is counted under this name and the
  // host (forges/http/call_metrics.h), e.g. "forge" for the GitHub and GitLab APIs.
  std::string metricsName;
};

// An allowAddress that refuses loopback, private (RFC 1918, carrier-grade NAT, unique
// local), link-local (cloud metadata services), unspecified and multicast addresses,
// except for the `trusted` host names (an operator's own registries): repository files
// may name registries, and must not make the bot probe its own network.
std::function<bool(const std::string&, const std::string&)> privateNetworkGuard(
    std::vector<std::string> trusted);

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request`, following redirects and retrying as described above. Any HTTP
  // status is a response; transport failures throw HttpError.
  ClientResponse send(const ClientRequest& request);

  uint64_t connectionsOpened() const;  // for tests and metrics
  uint64_t nameResolutions() const;    // host names resolved (not answered from memory)
  uint64_t notModified() const;        // GETs answered from the ETag memory (304s)

  struct Pool;  // detail

 private:
  ClientResponse sendOnce(const ClientRequest& request);
  HttpClientOptions options_;
  std::unique_ptr<Pool> pool_;
  struct EtagCache;
  std::unique_ptr<EtagCache> etags_;
};

// The target of `Link: <url>; rel="next"` in a Link header value, "" when none.
std::string linkNext(std::string_view linkHeader);
// The URL with userinfo and token-like query parameters masked.
std::string redactForLog(std::string_view url);

}  // namespace ddd::forges
