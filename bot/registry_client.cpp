#include "bot/registry_client.h"

#include <cstdlib>

namespace ddd::bot {

RegistryClient::RegistryClient(forges::HttpClient& http, uint64_t budget)
    : http_(http), budget_(budget) {}

analyzers::deps::HttpResponse RegistryClient::get(const analyzers::deps::HttpRequest& request) {
  const uint64_t n = ++sent_;
  if (budget_ && n > budget_) {
    throw analyzers::deps::RegistryError(
        "the request budget of " + std::to_string(budget_) +
        " registry requests for this run is used up; the next run goes on");
  }
  std::optional<RegistryResponseCache::Entry> kept;
  if (cache_ && !request.head) kept = cache_->lookup(request);
  forges::ClientRequest req;
  req.method = request.head ? "HEAD" : "GET";
  req.url = request.url;
  for (const auto& [k, v] : request.headers) req.headers.set(k, v);
  if (kept) {
    if (!kept->etag.empty()) req.headers.set("If-None-Match", kept->etag);
    if (!kept->lastModified.empty()) req.headers.set("If-Modified-Since", kept->lastModified);
  }
  // Without a cache between runs (ddd scan), packuments are parsed as they arrive; a
  // cache needs the whole body to keep it, so the reader is fed from it afterwards.
  if (!cache_) req.bodyReader = request.bodyReader;
  try {
    forges::ClientResponse res = http_.send(req);
    analyzers::deps::HttpResponse out;
    if (kept && res.status == 304) {
      // Still current: the kept 200, with the 304's fresher validators when it sent any.
      ++notModified_;
      cache_->confirmed(kept->key);
      out = std::move(kept->response);
    } else {
      out.status = res.status;
      out.headers = std::move(res.headers.items);
      out.body = std::move(res.body);
      if (cache_) cache_->remember(request, out);
    }
    std::string next = forges::linkNext(out.header("Link"));
    if (!next.empty() && next[0] == '/') {
      // Relative to the origin of the request (Docker registries send these).
      const size_t scheme = res.url.find("://");
      const size_t path = res.url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
      next = res.url.substr(0, path) + next;
    }
    out.nextPageUrl = std::move(next);
    return out;
  } catch (const forges::HttpError& e) {
    throw analyzers::deps::RegistryError(e.what());
  }
}

forges::HttpClientOptions registryHttpOptions() {
  forges::HttpClientOptions o;
  o.connectTimeout = std::chrono::milliseconds(10000);
  o.ioTimeout = std::chrono::milliseconds(20000);
  o.maxBodyBytes = 64ull << 20;  // some packuments are large
  o.maxRetries = 2;
  o.maxRetryWait = std::chrono::seconds(30);
  // No ETag memory in the process: conditional GETs across runs go through the state
  // store (RegistryResponseCache, run --local and serve), and a scan asks each URL once,
  // where the memory could never answer and would only keep packuments (under 1 MiB
  // each) until the end.
  o.etagCacheEntries = 0;
  if (const char* ca = std::getenv("DDD_CA_FILE"); ca && *ca) o.extraCaFile = ca;
  return o;
}

}  // namespace ddd::bot
