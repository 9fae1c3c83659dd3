// Docker Registry HTTP API v2: GET <registry>/v2/<name>/tags/list (paged by `Link`),
// with the bearer-token dance when the registry answers 401 with
// `WWW-Authenticate: Bearer realm=...,service=...,scope=...`. The package name is
// the image path; an image that names no registry host is looked up in the default
// registry (registry_settings.h) under "library/" when it has no namespace, as image
// references are normalised. Tags carry no dates in this API: libyears stay unknown.
#include <nlohmann/json.hpp>

#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/fetch.h"

namespace ddd::analyzers::deps {
namespace {

constexpr int kMaxPages = 20;

// Bearer realm="https://auth.example/token",service="registry",scope="repository:x:pull"
std::map<std::string, std::string> challengeParams(const std::string& header) {
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

class DockerDatasource : public Datasource {
 public:
  std::string_view name() const override { return "docker"; }
  ReleaseInfo getReleases(const LookupRequest& request, RegistryHttp& http) const override {
    return detail::firstRegistry(
        request, "docker", [&](const std::string& base) -> std::optional<ReleaseInfo> {
          const std::string what = "image " + request.packageName;
          std::string image = request.packageName;
          // "host[:port]/path" names its registry; the base URL was chosen for it already.
          const size_t slash = image.find('/');
          const std::string first = slash == std::string::npos ? "" : image.substr(0, slash);
          const bool hasHost =
              !first.empty() && (first.find('.') != std::string::npos ||
                                 first.find(':') != std::string::npos || first == "localhost");
          if (hasHost) {
            image = image.substr(slash + 1);
          } else if (slash == std::string::npos) {
            image = "library/" + image;
          }
          LookupRequest authed = request;
          std::string url = base + "/v2/" + image + "/tags/list?n=1000";
          ReleaseInfo info;
          for (int page = 0; page < kMaxPages && !url.empty(); ++page) {
            HttpRequest req{url, {{"Accept", "application/json"}}, false};
            for (const auto& h : authed.authHeaders) req.headers.push_back(h);
            HttpResponse resp = http.get(req);
            if (resp.status == 401 && page == 0 && authed.authHeaders == request.authHeaders) {
              const auto params = challengeParams(resp.header("WWW-Authenticate"));
              auto realm = params.find("realm");
              if (realm == params.end()) {
                throw RegistryError(
                    what + ": " + redactUrl(base) +
                    " asks for credentials without a "
                    "token service; give the bot a token (DDD_REGISTRY_DOCKER_TOKEN)");
              }
              std::string tokenUrl = realm->second + "?";
              if (params.count("service"))
                tokenUrl += "service=" + detail::urlEncodeComponent(params.at("service")) + "&";
              tokenUrl += "scope=" + detail::urlEncodeComponent(
                                         params.count("scope") ? params.at("scope")
                                                               : "repository:" + image + ":pull");
              auto token = detail::fetch(http, request, tokenUrl, what + " token");
              nlohmann::json t =
                  token ? nlohmann::json::parse(token->body, nullptr, false) : nlohmann::json();
              std::string value;
              for (const char* key : {"token", "access_token"}) {
                if (t.is_object() && t.contains(key) && t[key].is_string())
                  value = t[key].get<std::string>();
              }
              if (value.empty())
                throw RegistryError(what + ": the token service at " + redactUrl(realm->second) +
                                    " gave no token");
              authed.authHeaders = {{"Authorization", "Bearer " + value}};
              --page;  // the same page again, with the token
              continue;
            }
            if (resp.status == 404) return std::nullopt;
            if (resp.status < 200 || resp.status >= 300) {
              throw RegistryError(what + ": " + redactUrl(url) + " answered HTTP " +
                                  std::to_string(resp.status));
            }
            for (auto& tag : parseDockerTags(resp.body, what + " from " + redactUrl(base))) {
              info.releases.push_back({tag, {}, false, "", false, "", ""});
            }
            url = resp.nextPageUrl;
            if (!url.empty() && url[0] == '/') url = base + url;  // registries send relative links
          }
          return info;
        });
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
