// GitHub tags and releases (for Actions `uses: owner/repo@ref`): GET
// <api>/repos/{owner}/{repo}/releases (dates, prerelease and draft flags) and
// /tags (the commit each tag names, for SHA pins), following `Link: rel="next"`.
// getDigest asks the git refs API for one tag (GET /git/ref/tags/{tag}, then
// /git/tags/{sha} while the ref names an annotated tag) when the listing did not reach it.
#include <nlohmann/json.hpp>
#include <tuple>

#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/fetch.h"

namespace ddd::analyzers::deps {
namespace {

constexpr int kMaxPages = 10;

constexpr int kMaxTagLevels = 4;  // a tag of a tag of a tag ... of a commit

std::string repoOf(const std::string& packageName) {
  // "owner/repo/sub/path" -> "owner/repo"
  std::string repo = packageName;
  const size_t second = repo.find('/', repo.find('/') + 1);
  if (second != std::string::npos) repo.resize(second);
  return repo;
}

nlohmann::json parseArray(std::string_view body, const std::string& what) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_array()) {
    throw RegistryError(what + ": the answer is not a JSON array");
  }
  return j;
}

class GithubTagsDatasource : public Datasource {
 public:
  std::string_view name() const override { return "github-tags"; }
  ReleaseInfo getReleases(const LookupRequest& request, RegistryHttp& http) const override {
    const std::string repo = repoOf(request.packageName);
    return detail::firstRegistry(
        request, "github-tags", [&](const std::string& base) -> std::optional<ReleaseInfo> {
          const std::string what = "GitHub repository " + repo;
          ReleaseInfo info;
          std::vector<Release> releases;
          std::string url = base + "/repos/" + repo + "/releases?per_page=100";
          for (int page = 0; page < kMaxPages && !url.empty(); ++page) {
            auto resp = detail::fetch(http, request, url, what, "application/vnd.github+json");
            if (!resp) return std::nullopt;
            for (auto& r : parseGithubReleases(resp->body, what + " releases"))
              releases.push_back(std::move(r));
            url = resp->nextPageUrl;
          }
          url = base + "/repos/" + repo + "/tags?per_page=100";
          for (int page = 0; page < kMaxPages && !url.empty(); ++page) {
            auto resp = detail::fetch(http, request, url, what, "application/vnd.github+json");
            if (!resp) break;
            for (auto& t : parseGithubTags(resp->body, what + " tags")) {
              for (const auto& r : releases) {
                if (r.version == t.version) {
                  t.released = r.released;
                  t.deprecated = r.deprecated;
                }
              }
              info.releases.push_back(std::move(t));
            }
            url = resp->nextPageUrl;
          }
          // Releases whose tag was not listed (more tags than pages) still count.
          for (auto& r : releases) {
            bool listed = false;
            for (const auto& t : info.releases) listed = listed || t.version == r.version;
            if (!listed) info.releases.push_back(std::move(r));
          }
          const size_t scheme = base.find("://");
          const std::string host = base.substr(scheme + 3, base.find('/', scheme + 3) - scheme - 3);
          // The public API lives on api.<host>; Enterprise servers serve it under /api/v3.
          const std::string web = host.rfind("api.", 0) == 0 ? host.substr(4) : host;
          info.sourceUrl = "https://" + web + "/" + repo;
          info.changelogUrl = info.sourceUrl + "/releases";
          return info;
        });
  }
  std::optional<std::string> getDigest(const LookupRequest& request, const std::string& version,
                                       RegistryHttp& http) const override {
    const std::string repo = repoOf(request.packageName);
    const std::string what = "GitHub repository " + repo + " tag " + version;
    std::string errors;
    for (const auto& base : request.registryUrls) {
      try {
        auto resp = detail::fetch(
            http, request,
            base + "/repos/" + repo + "/git/ref/tags/" + detail::urlEncodeComponent(version), what,
            "application/vnd.github+json");
        if (!resp) continue;
        auto [sha, type] = parseGithubGitObject(resp->body, what);
        for (int level = 0; type == "tag" && level < kMaxTagLevels; ++level) {
          resp = detail::fetch(http, request, base + "/repos/" + repo + "/git/tags/" + sha, what,
                               "application/vnd.github+json");
          if (!resp) break;
          std::tie(sha, type) = parseGithubGitObject(resp->body, what);
        }
        if (type == "commit") return sha;
        errors += (errors.empty() ? "" : "; ") + redactUrl(base) + ": the tag names a " + type +
                  ", not a commit";
      } catch (const RegistryError& e) {
        errors += (errors.empty() ? "" : "; ") + std::string(e.what());
      }
    }
    if (!errors.empty()) throw RegistryError(what + ": " + errors);
    return std::nullopt;
  }
};

}  // namespace

std::vector<Release> parseGithubTags(std::string_view body, const std::string& what) {
  std::vector<Release> out;
  for (const auto& t : parseArray(body, what)) {
    if (!t.is_object() || !t.contains("name") || !t["name"].is_string()) continue;
    Release r;
    r.version = t["name"].get<std::string>();
    if (t.contains("commit") && t["commit"].is_object() && t["commit"].contains("sha") &&
        t["commit"]["sha"].is_string()) {
      r.digest = t["commit"]["sha"].get<std::string>();
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::pair<std::string, std::string> parseGithubGitObject(std::string_view body,
                                                         const std::string& what) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("object") || !j["object"].is_object()) {
    throw RegistryError(what + ": the answer is not a git ref or tag object ({\"object\": ...})");
  }
  const auto& o = j["object"];
  if (!o.contains("sha") || !o["sha"].is_string() || !o.contains("type") ||
      !o["type"].is_string()) {
    throw RegistryError(what + ": the git object has no sha and type");
  }
  return {o["sha"].get<std::string>(), o["type"].get<std::string>()};
}

std::vector<Release> parseGithubReleases(std::string_view body, const std::string& what) {
  std::vector<Release> out;
  for (const auto& rel : parseArray(body, what)) {
    if (!rel.is_object() || !rel.contains("tag_name") || !rel["tag_name"].is_string()) continue;
    if (rel.contains("draft") && rel["draft"].is_boolean() && rel["draft"].get<bool>()) continue;
    Release r;
    r.version = rel["tag_name"].get<std::string>();
    for (const char* key : {"published_at", "created_at"}) {
      if (rel.contains(key) && rel[key].is_string()) {
        r.released = parseTimestamp(rel[key].get<std::string>());
        if (r.released) break;
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

const Datasource& githubTagsDatasource() {
  static const GithubTagsDatasource d;
  return d;
}

}  // namespace ddd::analyzers::deps
