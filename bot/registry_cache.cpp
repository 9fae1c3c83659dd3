#include "bot/registry_cache.h"

#include <zlib.h>

#include <cctype>
#include <ctime>

#include "analyzers/dependencies/datasources/registry_settings.h"
#include "forges/webhooks/verify.h"

namespace ddd::bot {
namespace {

using analyzers::deps::HttpRequest;
using analyzers::deps::HttpResponse;

bool sameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// The response headers a cached answer keeps: what the datasources read, nothing that
// could carry a session (Set-Cookie) or a credential.
bool keptHeader(std::string_view name) {
  for (const char* kept :
       {"Content-Type", "Link", "Docker-Content-Digest", "ETag", "Last-Modified"}) {
    if (sameName(name, kept)) return true;
  }
  return false;
}

const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(const std::string& in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8) |
                       uint8_t(in[i + 2]);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (i < in.size()) {
    uint32_t v = uint32_t(uint8_t(in[i])) << 16;
    if (i + 1 < in.size()) v |= uint32_t(uint8_t(in[i + 1])) << 8;
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += i + 1 < in.size() ? kB64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> unbase64(const std::string& in) {
  if (in.size() % 4 != 0) return std::nullopt;
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = in[i + k];
      if (c == '=' && i + 4 == in.size() && k >= 2) {
        v[k] = 0;
        ++pad;
      } else if (pad > 0 || (v[k] = val(c)) < 0) {
        return std::nullopt;
      }
    }
    const uint32_t x = (uint32_t(v[0]) << 18) | (uint32_t(v[1]) << 12) | (uint32_t(v[2]) << 6) |
                       uint32_t(v[3]);
    out += static_cast<char>(x >> 16);
    if (pad < 2) out += static_cast<char>((x >> 8) & 255);
    if (pad < 1) out += static_cast<char>(x & 255);
  }
  return out;
}

constexpr size_t kMaxDecoded = 256u << 20;

}  // namespace

RegistryResponseCache::RegistryResponseCache(RegistryCacheStore& store,
                                             RegistryCacheOptions options)
    : store_(store), options_(std::move(options)) {}

RegistryResponseCache::~RegistryResponseCache() {
  if (stores_.load() > 0) prune();
}

int64_t RegistryResponseCache::now() const {
  return options_.now ? options_.now() : static_cast<int64_t>(std::time(nullptr));
}

void RegistryResponseCache::warn(const std::string& kind, const std::string& message) {
  // Callers hold mutex_.
  if (warned_.find("\n" + kind + "\n") != std::string::npos) return;
  warned_ += "\n" + kind + "\n";
  if (options_.warn) options_.warn(message);
}

std::string RegistryResponseCache::keyOf(const HttpRequest& request) {
  std::string accept, scope;
  for (const auto& [k, v] : request.headers) {
    if (sameName(k, "Accept")) {
      accept = v;
    } else if (!sameName(k, "If-None-Match") && !sameName(k, "If-Modified-Since")) {
      scope += k + ":" + v + "\n";
    }
  }
  return forges::sha256Hex(request.url + "\n" + accept + "\n" + forges::sha256Hex(scope));
}

// Payload format 1: zlib( 8-byte big-endian length of the plain text | plain text ), in
// base64; the plain text is "Name: value\n" per kept header, an empty line, the body.
std::string RegistryResponseCache::encode(const HttpResponse& response) {
  std::string plain;
  for (const auto& [k, v] : response.headers) {
    if (keptHeader(k) && k.find_first_of(":\r\n") == std::string::npos &&
        v.find_first_of("\r\n") == std::string::npos) {
      plain += k + ": " + v + "\n";
    }
  }
  plain += "\n";
  plain += response.body;
  uLongf bound = compressBound(plain.size());
  std::string out(8 + bound, '\0');
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<char>((static_cast<uint64_t>(plain.size()) >> (8 * (7 - i))) & 255);
  if (compress2(reinterpret_cast<Bytef*>(&out[8]), &bound,
                reinterpret_cast<const Bytef*>(plain.data()), plain.size(), 6) != Z_OK) {
    return "";
  }
  out.resize(8 + bound);
  return base64(out);
}

std::optional<HttpResponse> RegistryResponseCache::decode(const std::string& payload) {
  auto raw = unbase64(payload);
  if (!raw || raw->size() < 8) return std::nullopt;
  uint64_t size = 0;
  for (int i = 0; i < 8; ++i) size = (size << 8) | static_cast<uint8_t>((*raw)[i]);
  if (size > kMaxDecoded) return std::nullopt;
  std::string plain(size, '\0');
  uLongf got = size;
  if (uncompress(reinterpret_cast<Bytef*>(plain.data()), &got,
                 reinterpret_cast<const Bytef*>(raw->data() + 8), raw->size() - 8) != Z_OK ||
      got != size) {
    return std::nullopt;
  }
  HttpResponse out;
  out.status = 200;
  size_t pos = 0;
  while (true) {
    const size_t nl = plain.find('\n', pos);
    if (nl == std::string::npos) return std::nullopt;
    if (nl == pos) {
      pos = nl + 1;
      break;
    }
    const size_t colon = plain.find(": ", pos);
    if (colon == std::string::npos || colon > nl) return std::nullopt;
    out.headers.emplace_back(plain.substr(pos, colon - pos),
                             plain.substr(colon + 2, nl - colon - 2));
    pos = nl + 1;
  }
  out.body = plain.substr(pos);
  return out;
}

std::optional<RegistryResponseCache::Entry> RegistryResponseCache::lookup(
    const HttpRequest& request) {
  if (request.head || !request.keep) return std::nullopt;
  const std::string key = keyOf(request);
  std::lock_guard<std::mutex> lock(mutex_);
  std::optional<RegistryCacheRow> row;
  try {
    row = store_.loadRegistryResponse(key);
  } catch (const std::exception& e) {
    warn("load", std::string("the registry cache cannot be read (") + e.what() +
                     "); registry look-ups go on without it");
    return std::nullopt;
  }
  if (!row) return std::nullopt;
  std::optional<HttpResponse> response;
  if (row->format == kFormat && (!row->etag.empty() || !row->lastModified.empty()))
    response = decode(row->payload);
  if (!response) {
    warn("corrupt", "a registry cache row for " + row->url +
                        " is unreadable (corrupted or of an unknown format " +
                        std::to_string(row->format) + "); it is dropped and asked again");
    if (!options_.readOnly) {
      try {
        store_.dropRegistryResponse(key);
      } catch (const std::exception&) {
      }
    }
    return std::nullopt;
  }
  return Entry{key, row->etag, row->lastModified, std::move(*response)};
}

void RegistryResponseCache::confirmed(const std::string& key) {
  ++hits_;
  if (options_.readOnly) return;
  std::lock_guard<std::mutex> lock(mutex_);
  try {
    store_.touchRegistryResponse(key, now());
  } catch (const std::exception& e) {
    warn("save", std::string("the registry cache cannot be written (") + e.what() + ")");
  }
}

void RegistryResponseCache::remember(const HttpRequest& request, const HttpResponse& response) {
  if (options_.readOnly || request.head || response.status != 200) return;
  if (!request.keep) return;  // a token service's answer: never written down
  const std::string etag = response.header("ETag");
  const std::string lastModified = response.header("Last-Modified");
  const std::string key = keyOf(request);
  std::string payload;
  const std::string cacheControl = response.header("Cache-Control");
  if ((!etag.empty() || !lastModified.empty()) &&
      cacheControl.find("no-store") == std::string::npos &&
      static_cast<int64_t>(response.body.size()) <= options_.maxEntryBytes * 16) {
    payload = encode(response);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  try {
    if (payload.empty() || static_cast<int64_t>(payload.size()) > options_.maxEntryBytes) {
      store_.dropRegistryResponse(key);  // changed and not cacheable now: forget it
      return;
    }
    RegistryCacheRow row;
    row.key = key;
    row.url = analyzers::deps::redactUrl(request.url);
    row.format = kFormat;
    row.etag = etag;
    row.lastModified = lastModified;
    row.size = static_cast<int64_t>(payload.size());
    row.payload = std::move(payload);
    row.storedAt = row.usedAt = now();
    store_.saveRegistryResponse(row);
    ++stores_;
    if (++sincePrune_ >= 64) {
      sincePrune_ = 0;
      store_.pruneRegistryResponses(options_.maxRows, options_.maxBytes,
                                    now() - options_.maxAgeSeconds);
    }
  } catch (const std::exception& e) {
    warn("save", std::string("the registry cache cannot be written (") + e.what() + ")");
  }
}

void RegistryResponseCache::prune() {
  if (options_.readOnly) return;
  std::lock_guard<std::mutex> lock(mutex_);
  try {
    store_.pruneRegistryResponses(options_.maxRows, options_.maxBytes,
                                  now() - options_.maxAgeSeconds);
  } catch (const std::exception& e) {
    warn("save", std::string("the registry cache cannot be pruned (") + e.what() + ")");
  }
}

}  // namespace ddd::bot
