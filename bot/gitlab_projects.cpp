#include "bot/gitlab_projects.h"

#include <map>
#include <set>

#include "bot/forge_session.h"
#include "forges/gitlab/gitlab_forge.h"

namespace ddd::bot {

bool listsGitlabProject(const std::vector<std::string>& listed, const std::string& path,
                        int64_t projectId) {
  for (const auto& entry : listed) {
    if (entry == path || (projectId > 0 && entry == std::to_string(projectId))) return true;
  }
  return false;
}

std::string gitlabRecordPayload(const nlohmann::json& ref, bool listed) {
  nlohmann::json payload = ref;
  if (listed) payload["listed"] = true;
  return payload.dump();
}

GitlabProjectsSync recordGitlabProjects(JobStore& store,
                                        const std::vector<forges::GitlabProject>& projects,
                                        bool complete, const std::vector<std::string>& listed,
                                        int64_t now) {
  GitlabProjectsSync out;
  std::map<std::string, RepositoryRecord> existing;  // GitLab's, by path
  for (auto& r : store.repositories(false)) {
    if (r.forge == "gitlab") existing.emplace(r.repo, std::move(r));
  }
  std::set<int64_t> ids;
  std::set<std::string> paths;
  for (const auto& p : projects) {
    if (!ids.insert(p.id).second) continue;  // listed and discovered
    paths.insert(p.path);
    if (p.defaultBranch.empty()) {
      out.warnings.push_back("GitLab project " + p.path + " (" + std::to_string(p.id) +
                             ") has no default branch (an empty repository); it joins the "
                             "schedule once it has one");
      continue;
    }
    RepositoryRef ref;
    ref.forge = "gitlab";
    ref.repo = p.path;
    ref.projectId = p.id;
    ref.cloneUrl = p.cloneUrl;
    ref.defaultBranch = p.defaultBranch;
    const std::string payload =
        gitlabRecordPayload(ref.toJson(), listsGitlabProject(listed, p.path, p.id));
    const auto it = existing.find(p.path);
    const bool wasActive = it != existing.end() && it->second.active;
    ++out.known;
    // An hourly refresh of unchanged projects writes nothing. The payload compared is
    // the one an analysis records too (RepositoryRef::toJson), so it matches after one.
    if (wasActive && it->second.payload == payload) continue;
    // schedules "": the repository config's, recorded by its analyses, stay.
    store.upsertRepository(RepositoryRecord{p.path, "gitlab", payload, "", true, now});
    if (wasActive) continue;
    // New (or back): analysed once now, as an installation's repositories are. Replicas
    // that see the same record build the same key, so the analysis is queued once.
    const std::string since =
        it == existing.end() ? std::string("new") : std::to_string(it->second.updatedAt);
    store.enqueue("gitlab.analyze", ref.queueKey(), payload,
                  "gitlab:joined:" + std::to_string(p.id) + ":" + since, now);
    ++out.joined;
  }
  for (const auto& [path, record] : existing) {
    if (!record.active || paths.count(path)) continue;
    const auto payload = nlohmann::json::parse(record.payload, nullptr, false);
    const int64_t id = payload.is_object() && payload.value("projectId", nlohmann::json())
                                                  .is_number_integer()
                           ? payload["projectId"].get<int64_t>()
                           : 0;
    const bool wasListed = payload.is_object() && payload.value("listed", false) == true;
    // A project moved to a new path is recorded there; one the config lists whose
    // look-up failed this time stays; one the config no longer lists leaves, and so does
    // any a complete discovery did not find.
    const bool moved = id > 0 && ids.count(id);
    const bool isListed = listsGitlabProject(listed, path, id);
    if (!moved && (isListed || (!complete && !wasListed))) continue;
    if (store.deactivateRepository(path, now)) ++out.left;
  }
  return out;
}

GitlabProjectsSync syncGitlabProjects(JobStore& store, forges::HttpClient& http,
                                      const ServerConfig& config, int64_t now) {
  GitlabProjectsSync out;
  if (config.gitlabToken.empty()) {
    if (!config.gitlabProjects.empty()) {
      out.warnings.push_back(
          "gitlabProjects: no GitLab access token (DDD_GITLAB_TOKEN_FILE or gitlabTokenFile); "
          "the listed projects are not scheduled");
    }
    return out;
  }
  std::vector<forges::GitlabProject> projects;
  for (const auto& entry : config.gitlabProjects) {
    forges::GitlabForgeOptions o;
    o.apiUrl = config.gitlabApiUrl;
    o.project = entry;
    o.token = config.gitlabToken;
    forges::GitlabForge gitlab(http, o);
    try {
      projects.push_back(gitlab.project());
    } catch (const std::exception& e) {
      out.warnings.push_back("gitlabProjects: " + entry + ": " + e.what());
    }
  }
  bool complete = false;
  if (config.discoversGitlabProjects()) {
    try {
      for (auto& p : forges::listMemberProjects(http, config.gitlabApiUrl, config.gitlabToken))
        projects.push_back(std::move(p));
      complete = true;
    } catch (const std::exception& e) {
      out.warnings.push_back(std::string("GitLab project discovery failed: ") + e.what() +
                             "; the schedule keeps the projects it had");
    }
  }
  GitlabProjectsSync recorded =
      recordGitlabProjects(store, projects, complete, config.gitlabProjects, now);
  recorded.warnings.insert(recorded.warnings.begin(), out.warnings.begin(), out.warnings.end());
  return recorded;
}

}  // namespace ddd::bot
