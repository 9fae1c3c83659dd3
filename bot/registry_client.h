#pragma once
// The dependency analyzer's registry access (analyzers' RegistryHttp) on the bot's HTTP
// client: TLS verified, pooled, timeouts, retries; a per-run request budget so one
// repository can't flood a registry; errors carry redacted URLs. Thread-safe.

#include <atomic>
#include <cstdint>

#include "analyzers/dependencies/datasources/datasource.h"
#include "bot/registry_cache.h"
#include "forges/http/client.h"

namespace ddd::bot {

class RegistryClient : public analyzers::deps::RegistryHttp {
 public:
  // `budget`: at most this many requests in this object's life (0 = no limit).
  RegistryClient(forges::HttpClient& http, uint64_t budget);
  analyzers::deps::HttpResponse get(const analyzers::deps::HttpRequest& request) override;
  uint64_t requests() const { return sent_.load(); }
  // Answers kept between runs (may be null; must outlive this client).
  void setCache(RegistryResponseCache* cache) { cache_ = cache; }
  uint64_t notModified() const { return notModified_.load(); }  // 304s answered from it

 private:
  forges::HttpClient& http_;
  uint64_t budget_;
  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> notModified_{0};
  RegistryResponseCache* cache_ = nullptr;
};

// The options the CLI uses for registry look-ups: 10 s timeouts, 20 MB bodies, an extra
// CA bundle from DDD_CA_FILE when set.
forges::HttpClientOptions registryHttpOptions();

}  // namespace ddd::bot
