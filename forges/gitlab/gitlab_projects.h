#pragma once
// GitLab projects as ddd needs them to fetch and schedule one (id, path, HTTPS clone URL,
// default branch), read from GitLab's project JSON, and the list of the projects an
// access token may act on. GitLab has no installation event: this list is how ddd knows
// a project before its first webhook. Pure apart from the HTTP calls; thread-safe when
// the HttpClient is.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "forges/http/client.h"

namespace ddd::forges {

struct GitlabProject {
  int64_t id = 0;
  std::string path;           // path_with_namespace: "group/sub/app"
  std::string cloneUrl;       // http_url_to_repo
  std::string defaultBranch;  // "" for a project whose repository is empty
  bool operator==(const GitlabProject&) const = default;
};

// A project object of GitLab's API (GET /projects/:id, or one element of GET /projects,
// `simple=true` included); nullopt when it lacks a positive id, the path or the clone URL.
std::optional<GitlabProject> gitlabProjectFromJson(const nlohmann::json& j);

// Every unarchived project the token's user is a member of (inherited group membership
// included) with at least `minAccessLevel` (30: Developer, what ddd needs to push and
// open merge requests): GET /projects?membership=true&min_access_level=..&simple=true,
// following `Link: rel="next"` to the end (never building page URLs; at most `maxPages`
// pages). Throws ForgeError naming the page's status for a failed page and for a page that
// is not a JSON array; entries that are not projects are left out.
std::vector<GitlabProject> listMemberProjects(HttpClient& http, const std::string& apiUrl,
                                              const std::string& token, int minAccessLevel = 30,
                                              int maxPages = 1000);

}  // namespace ddd::forges
