#include "forges/gitlab/gitlab_projects.h"

#include "forges/forge.h"

namespace ddd::forges {
namespace {

// "https://host:port" of a URL.
std::string originOf(const std::string& url) {
  const size_t sep = url.find("://");
  if (sep == std::string::npos) return url;
  return url.substr(0, url.find_first_of("/?#", sep + 3));
}

std::string str(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

}  // namespace

std::optional<GitlabProject> gitlabProjectFromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("id") || !j["id"].is_number_integer()) return std::nullopt;
  GitlabProject p;
  p.id = j["id"].get<int64_t>();
  p.path = str(j, "path_with_namespace");
  p.cloneUrl = str(j, "http_url_to_repo");
  p.defaultBranch = str(j, "default_branch");  // null for an empty repository
  if (p.id <= 0 || p.path.empty() || p.cloneUrl.empty()) return std::nullopt;
  return p;
}

std::vector<GitlabProject> listMemberProjects(HttpClient& http, const std::string& apiUrl,
                                              const std::string& token, int minAccessLevel,
                                              int maxPages) {
  std::string base = apiUrl;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string url = base +
                    "/projects?membership=true&min_access_level=" + std::to_string(minAccessLevel) +
                    "&simple=true&archived=false&order_by=id&sort=asc&per_page=100";
  std::vector<GitlabProject> out;
  for (int page = 0; !url.empty(); ++page) {
    if (page == maxPages) {
      throw ForgeError("GitLab's project list " + redactForLog(url) + " goes on past " +
                       std::to_string(maxPages) + " pages; list the projects in gitlabProjects");
    }
    ClientRequest r;
    r.method = "GET";
    r.url = url;
    r.headers.set("PRIVATE-TOKEN", token);
    const ClientResponse res = http.send(r);
    if (res.status != 200) {
      std::string hint;
      if (res.status == 401) hint = "; check the access token (DDD_GITLAB_TOKEN_FILE)";
      throw ForgeError("GitLab GET " + redactForLog(url) + " answered " +
                       std::to_string(res.status) + hint);
    }
    const auto j = nlohmann::json::parse(res.body, nullptr, false);
    if (!j.is_array())
      throw ForgeError("GitLab GET " + redactForLog(url) + " did not answer a JSON array");
    for (const auto& item : j) {
      if (auto p = gitlabProjectFromJson(item)) out.push_back(std::move(*p));
    }
    url = res.nextPageUrl();
    // The token goes with every page: never to another host than the API's.
    if (!url.empty() && originOf(url) != originOf(base)) {
      throw ForgeError("GitLab's project list points its next page at " + redactForLog(url) +
                       ", not at " + originOf(base) + "; ddd does not send the token there");
    }
  }
  return out;
}

}  // namespace ddd::forges
