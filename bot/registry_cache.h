#pragma once
// The registry answers ddd remembers between runs (issue 3, "ETag/If-None-Match caching
// in the state store"): a 200 that carries an ETag or a Last-Modified is kept, and the
// next run's GET of the same URL with the same credentials asks conditionally; a 304 is
// answered from the row as the 200 it confirms. Rows live in the state store: the local
// StateStore (SQLite) for `ddd run --local`, the serve JobStore (SQLite or PostgreSQL)
// for serve jobs. A row is keyed by a SHA-256 of the URL, the Accept header and the
// request's other header values (its credential scope): no credential is stored, and the
// URL column holds the redacted URL for people reading the table. The kept response is
// its body plus a few headers (Content-Type, Link, Docker-Content-Digest, ETag,
// Last-Modified), zlib-compressed; answers marked `keep = false` (a token service's) or
// `Cache-Control: no-store` are never written. The table is bounded: rows unused for maxAgeSeconds go,
// then the least recently used beyond maxRows or maxBytes. A row that cannot be read
// (corrupted, unknown format) is dropped with a warning and the GET goes out
// unconditionally; a failing store is a warning, never a failed look-up.

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "analyzers/dependencies/datasources/datasource.h"

namespace ddd::bot {

// One row as the stores keep it.
struct RegistryCacheRow {
  std::string key;  // 64 hex digits
  std::string url;  // redacted, informational
  int64_t format = 0;
  std::string etag, lastModified;
  std::string payload;   // encoded response (see registry_cache.cpp)
  int64_t size = 0;      // bytes of the payload, for the size bound
  int64_t storedAt = 0;  // unix seconds
  int64_t usedAt = 0;
};

// The rows' storage; implemented by StateStore and by both JobStore backends. Calls come
// from one thread at a time (RegistryResponseCache serialises them).
class RegistryCacheStore {
 public:
  virtual ~RegistryCacheStore() = default;
  virtual std::optional<RegistryCacheRow> loadRegistryResponse(const std::string& key) = 0;
  virtual void saveRegistryResponse(const RegistryCacheRow& row) = 0;  // insert or replace
  virtual void touchRegistryResponse(const std::string& key, int64_t now) = 0;
  virtual void dropRegistryResponse(const std::string& key) = 0;
  // Drops rows unused since `unusedBefore`, then the least recently used until at most
  // maxRows rows of at most maxBytes payload bytes remain.
  virtual void pruneRegistryResponses(int64_t maxRows, int64_t maxBytes, int64_t unusedBefore) = 0;
  virtual int64_t registryResponseCount() = 0;
};

struct RegistryCacheOptions {
  int64_t maxRows = 5000;
  int64_t maxBytes = 64ll << 20;       // compressed payload bytes over all rows
  int64_t maxEntryBytes = 8ll << 20;   // a larger body is not kept
  int64_t maxAgeSeconds = 30 * 86400;  // unused this long: dropped
  bool readOnly = false;               // use rows, never write (dry runs)
  std::function<int64_t()> now;        // unix seconds; default the wall clock
  std::function<void(const std::string&)> warn;  // each warning once per kind
};

class RegistryResponseCache {
 public:
  RegistryResponseCache(RegistryCacheStore& store, RegistryCacheOptions options = {});
  ~RegistryResponseCache();  // prunes (errors become warnings)

  struct Entry {
    std::string key, etag, lastModified;
    analyzers::deps::HttpResponse response;  // status 200, kept headers, body
  };
  // The row for this request, decoded; nullopt when none or unreadable (then dropped).
  std::optional<Entry> lookup(const analyzers::deps::HttpRequest& request);
  // A 304 confirmed `key`: marks it used now.
  void confirmed(const std::string& key);
  // Remembers a 200 that has validators; forgets the row of a 200 without them.
  void remember(const analyzers::deps::HttpRequest& request,
                const analyzers::deps::HttpResponse& response);
  void prune();

  // The row key of a request: hex SHA-256 of URL, Accept and the other header values.
  static std::string keyOf(const analyzers::deps::HttpRequest& request);
  // The codec (exposed for tests): headers + body -> compressed, base64 text; and back
  // (nullopt for anything that is not such a payload).
  static std::string encode(const analyzers::deps::HttpResponse& response);
  static std::optional<analyzers::deps::HttpResponse> decode(const std::string& payload);
  static constexpr int64_t kFormat = 1;

  uint64_t hits() const { return hits_.load(); }  // 304s answered from rows
  uint64_t stores() const { return stores_.load(); }

 private:
  void warn(const std::string& kind, const std::string& message);
  int64_t now() const;
  RegistryCacheStore& store_;
  RegistryCacheOptions options_;
  std::mutex mutex_;
  std::atomic<uint64_t> hits_{0}, stores_{0};
  uint64_t sincePrune_ = 0;
  std::string warned_;  // kinds warned about, '\n'-separated
};

}  // namespace ddd::bot
