// Docker Registry HTTP API v2: GET <registry>/v2/<name>/tags/list (paged by `Link`),
// with the bearer-token dance when the registry answers 401 with
// `WWW-Authenticate: Bearer realm=...,service=...,scope=...`. The package name is
// the image path; an image that names no registry host is looked up in the default
// registry (registry_settings.h) under "library/" when it has no namespace, as image
// references are normalised. Tags carry no dates in this API: libyears stay unknown.
// getDigest reads a tag's manifest digest (for `FROM image:tag@sha256:...` pins).
#include <cctype>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>

#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/fetch.h"

namespace ddd::analyzers::deps {
namespace {

constexpr int kMaxPages = 20;

}  // namespace

// Bearer realm="https://auth.example/token",service="registry",scope="repository:x:pull"
std::map<std::string, std::string> parseAuthChallenge(const std::string& header) {
  std::map<std::string, std::string> out;
  size_t pos = header.find(' ');
  while (pos != std::string::npos && pos < header.size()) {
    while (pos < header.size() && (header[pos] == ' ' || header[pos] == ',')) ++pos;
    const size_t eq = header.find('=', pos);
    if (eq == std::string::npos) break;
    std::string key = header.substr(pos, eq - pos);
    std::string value;
    size_t next = eq + 1;
    if (next < header.size() && header[next] == '"') {
      const size_t close = header.find('"', next + 1);
      value = header.substr(next + 1,
                            close == std::string::npos ? std::string::npos : close - next - 1);
      next = close == std::string::npos ? header.size() : close + 1;
    } else {
      const size_t comma = header.find(',', next);
      value = header.substr(next, comma == std::string::npos ? std::string::npos : comma - next);
      next = comma == std::string::npos ? header.size() : comma;
    }
    out[key] = value;
    pos = next;
  }
  return out;
}

namespace {

// The repository path of an image on its registry: "python" -> "library/python",
// "ghcr.io/o/x" -> "o/x" (the base URL was chosen for that host already).
std::string repositoryPath(const std::string& packageName) {
  std::string image = packageName;
  const size_t slash = image.find('/');
  const std::string first = slash == std::string::npos ? "" : image.substr(0, slash);
  const bool hasHost =
      !first.empty() && (first.find('.') != std::string::npos ||
                         first.find(':') != std::string::npos || first == "localhost");
  const bool dockerHub = first == "docker.io" || first == "index.docker.io" ||
                         first == "registry-1.docker.io";
  if (hasHost) image = image.substr(slash + 1);
  // Docker Hub's official images live under "library/" ("docker.io/nginx" too).
  if (image.find('/') == std::string::npos && (!hasHost || dockerHub)) return "library/" + image;
  return image;
}

// Bearer tokens of the token services, shared by every look-up of the process: by
// (realm, service, scope, the credentials they were asked with) until shortly before
// their expires_in (60 s when the service names none, as the token protocol says); and
// which token key a (registry, image, credentials) was last challenged for, so the next
// look-up sends the token at once instead of collecting a 401 first. Bounded; memory only.
class TokenCache {
 public:
  using Clock = std::chrono::steady_clock;
  std::string find(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = tokens_.find(key);
    if (it == tokens_.end()) return "";
    if (it->second.second <= Clock::now()) {
      tokens_.erase(it);
      return "";
    }
    return it->second.first;
  }
  std::string keyFor(const std::string& hint) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = hints_.find(hint);
    return it == hints_.end() ? "" : it->second;
  }
  void put(const std::string& hint, const std::string& key, const std::string& token,
           long expiresIn) {
    // Used until 10 % (at least 5 s) before it expires; a shorter-lived token is not kept.
    const long usable = expiresIn - std::max(5L, expiresIn / 10);
    std::lock_guard<std::mutex> lock(mutex_);
    if (tokens_.size() >= kMax || hints_.size() >= kMax) {
      tokens_.clear();
      hints_.clear();
    }
    hints_[hint] = key;
    if (usable > 0) tokens_[key] = {token, Clock::now() + std::chrono::seconds(usable)};
  }
  void drop(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    tokens_.erase(key);
  }

 private:
  static constexpr size_t kMax = 4096;
  std::mutex mutex_;
  std::map<std::string, std::pair<std::string, Clock::time_point>> tokens_;
  std::map<std::string, std::string> hints_;
};

TokenCache& tokenCache() {
  static TokenCache cache;
  return cache;
}

// Requests to one registry for one image: a 401 with a Bearer challenge gets a token
// from the named token service (or the token cache), and every later request carries it.
class RegistrySession {
 public:
  RegistrySession(RegistryHttp& http, const LookupRequest& request, std::string base,
                  std::string image, std::string what)
      : http_(http),
        request_(request),
        headers_(request.authHeaders),
        base_(std::move(base)),
        image_(std::move(image)),
        what_(std::move(what)) {}

  HttpResponse send(const std::string& url, const std::string& accept, bool head) {
    if (!triedToken_ && cachedKey_.empty()) {
      // A token this registry wanted for this image before, still valid: sent at once.
      const std::string key = tokenCache().keyFor(hint());
      const std::string token = key.empty() ? "" : tokenCache().find(key);
      if (!token.empty()) {
        cachedKey_ = key;
        headers_ = {{"Authorization", "Bearer " + token}};
      }
    }
    HttpResponse resp = once(url, accept, head);
    if (resp.status == 401 && !triedToken_) {
      triedToken_ = true;
      if (!cachedKey_.empty()) tokenCache().drop(cachedKey_);  // revoked or scope changed
      fetchToken(resp.header("WWW-Authenticate"));
      resp = once(url, accept, head);
    }
    return resp;
  }

 private:
  std::string credentials() const {
    std::string c;
    for (const auto& [k, v] : request_.authHeaders) c += k + ":" + v + "\n";
    return c;
  }
  std::string hint() const { return base_ + "\n" + image_ + "\n" + credentials(); }

  HttpResponse once(const std::string& url, const std::string& accept, bool head) {
    HttpRequest req;
    req.url = url;
    req.headers = {{"Accept", accept}};
    req.head = head;
    for (const auto& h : headers_) req.headers.push_back(h);
    return http_.get(req);
  }
  void fetchToken(const std::string& challenge) {
    const auto params = parseAuthChallenge(challenge);
    auto realm = params.find("realm");
    if (realm == params.end()) {
      throw RegistryError(what_ + ": " + redactUrl(base_) +
                          " asks for credentials without a "
                          "token service; give the bot a token (DDD_REGISTRY_DOCKER_TOKEN)");
    }
    const std::string service = params.count("service") ? params.at("service") : "";
    const std::string scope =
        params.count("scope") ? params.at("scope") : "repository:" + image_ + ":pull";
    const std::string key = realm->second + "\n" + service + "\n" + scope + "\n" + credentials();
    if (key != cachedKey_) {
      const std::string cached = tokenCache().find(key);
      if (!cached.empty()) {
        tokenCache().put(hint(), key, cached, 0);  // remember the challenge, keep the expiry
        headers_ = {{"Authorization", "Bearer " + cached}};
        return;
      }
    }
    std::string tokenUrl = realm->second + "?";
    if (!service.empty()) tokenUrl += "service=" + detail::urlEncodeComponent(service) + "&";
    tokenUrl += "scope=" + detail::urlEncodeComponent(scope);
    // The token service's answer is a credential: never kept by a cache (keep = false).
    HttpRequest tokenRequest;
    tokenRequest.url = tokenUrl;
    tokenRequest.headers = {{"Accept", "application/json"}};
    tokenRequest.keep = false;
    for (const auto& h : request_.authHeaders) tokenRequest.headers.push_back(h);
    HttpResponse token = http_.get(tokenRequest);
    if (token.status < 200 || token.status >= 300) {
      throw RegistryError(what_ + " token: " + redactUrl(tokenUrl) + " answered HTTP " +
                          std::to_string(token.status) +
                          (token.status == 401 || token.status == 403
                               ? ": access denied; give the bot a token for this registry"
                               : ""));
    }
    nlohmann::json t = nlohmann::json::parse(token.body, nullptr, false);
    std::string value;
    for (const char* key : {"token", "access_token"}) {
      if (t.is_object() && t.contains(key) && t[key].is_string()) value = t[key].get<std::string>();
    }
    if (value.empty())
      throw RegistryError(what_ + ": the token service at " + redactUrl(realm->second) +
                          " gave no token");
    long expiresIn = 60;
    if (t.contains("expires_in") && t["expires_in"].is_number_integer())
      expiresIn = static_cast<long>(std::min<int64_t>(t["expires_in"].get<int64_t>(), 86400));
    tokenCache().put(hint(), key, value, expiresIn);
    headers_ = {{"Authorization", "Bearer " + value}};
  }

  RegistryHttp& http_;
  const LookupRequest& request_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string base_, image_, what_;
  bool triedToken_ = false;
  std::string cachedKey_;  // the token cache's key of the token sent, "" when none
};

// Every manifest kind an image tag may name: multi-platform indexes first, so the
// digest is the one `docker pull image:tag` resolves.
constexpr const char* kManifestAccept =
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.oci.image.manifest.v1+json";

bool isDigest(const std::string& d) {
  const size_t colon = d.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= d.size()) return false;
  for (size_t i = colon + 1; i < d.size(); ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(d[i]))) return false;
  }
  return true;
}

class DockerDatasource : public Datasource {
 public:
  std::string_view name() const override { return "docker"; }
  ReleaseInfo getReleases(const LookupRequest& request, RegistryHttp& http) const override {
    return detail::firstRegistry(
        request, "docker", [&](const std::string& base) -> std::optional<ReleaseInfo> {
          const std::string what = "image " + request.packageName;
          const std::string image = repositoryPath(request.packageName);
          RegistrySession session(http, request, base, image, what);
          std::string url = base + "/v2/" + image + "/tags/list?n=1000";
          ReleaseInfo info;
          for (int page = 0; page < kMaxPages && !url.empty(); ++page) {
            HttpResponse resp = session.send(url, "application/json", false);
            if (resp.status == 404) return std::nullopt;
            if (resp.status < 200 || resp.status >= 300) {
              throw RegistryError(what + ": " + redactUrl(url) + " answered HTTP " +
                                  std::to_string(resp.status));
            }
            for (auto& tag : parseDockerTags(resp.body, what + " from " + redactUrl(base))) {
              Release r;
              r.version = std::move(tag);
              info.releases.push_back(std::move(r));
            }
            url = resp.nextPageUrl;
            if (!url.empty() && url[0] == '/') url = base + url;  // registries send relative links
          }
          return info;
        });
  }
  // HEAD <registry>/v2/<name>/manifests/<tag>, reading Docker-Content-Digest (a GET when
  // a registry leaves the header off HEAD answers).
  std::optional<std::string> getDigest(const LookupRequest& request, const std::string& version,
                                       RegistryHttp& http) const override {
    const std::string what = "image " + request.packageName + ":" + version;
    const std::string image = repositoryPath(request.packageName);
    std::string errors;
    for (const auto& base : request.registryUrls) {
      try {
        RegistrySession session(http, request, base, image, what);
        const std::string url = base + "/v2/" + image + "/manifests/" + version;
        for (bool head : {true, false}) {
          HttpResponse resp = session.send(url, kManifestAccept, head);
          if (resp.status == 404) break;
          if (resp.status < 200 || resp.status >= 300) {
            throw RegistryError(what + ": " + redactUrl(url) + " answered HTTP " +
                                std::to_string(resp.status));
          }
          const std::string digest = resp.header("Docker-Content-Digest");
          if (!digest.empty()) {
            if (!isDigest(digest)) {
              throw RegistryError(what + ": " + redactUrl(url) +
                                  " sent a Docker-Content-Digest that is not a digest (\"" +
                                  digest.substr(0, 80) + "\")");
            }
            return digest;
          }
          if (!head) {
            throw RegistryError(what + ": " + redactUrl(url) +
                                " answered without a Docker-Content-Digest header");
          }
        }
      } catch (const RegistryError& e) {
        errors += (errors.empty() ? "" : "; ") + std::string(e.what());
      }
    }
    if (!errors.empty()) throw RegistryError(errors);
    return std::nullopt;
  }
};

}  // namespace

std::vector<std::string> parseDockerTags(std::string_view body, const std::string& what) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("tags")) {
    throw RegistryError(what + ": the answer is not a tag list ({\"name\", \"tags\"})");
  }
  std::vector<std::string> out;
  if (j["tags"].is_array()) {
    for (const auto& t : j["tags"]) {
      if (t.is_string()) out.push_back(t.get<std::string>());
    }
  }
  return out;
}

const Datasource& dockerDatasource() {
  static const DockerDatasource d;
  return d;
}

}  // namespace ddd::analyzers::deps
