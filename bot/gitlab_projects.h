#pragma once
// GitLab projects known before their first webhook. GitHub repositories join the
// scheduler's list from installation events; GitLab has none, so `ddd serve` asks GitLab:
// the projects the server config lists (by path or id, GET /projects/:id) and, unless
// turned off, every project the access token may act on (Developer or above, GET
// /projects?membership=true, all pages), at start and every gitlabProjectsRefreshSeconds.
// They are recorded as the scheduler's repositories (forge "gitlab", the payload an
// analyze job needs) exactly as an installation's repositories are: a project new to the
// list (or back on it) is analysed once at once; one a complete discovery no longer
// lists, and the config does not list, leaves the schedule (the token can no longer act
// there). A failed look-up or discovery changes nothing it could not confirm. Safe to run
// from several scheduler replicas at once (upserts, and dedupe keys for the analyses).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bot/jobs/job_store.h"
#include "bot/server/server_config.h"
#include "forges/gitlab/gitlab_projects.h"
#include "forges/http/client.h"

namespace ddd::bot {

struct GitlabProjectsSync {
  size_t known = 0;   // projects recorded as active by this pass
  size_t joined = 0;  // new to the schedule (or back): an analysis was queued for each
  size_t left = 0;    // deactivated: no longer discovered nor listed
  std::vector<std::string> warnings;  // each names the project or call
};

// Records `projects` in `store`. `complete`: they are every project ddd may serve (a
// discovery that read every page), so active GitLab records outside them and outside
// `listed` (config entries: paths or ids) are deactivated. The config's list is
// authoritative for the projects it brought: a record marked as listed (its payload's
// "listed", written here and by the worker's analyses) that `listed` no longer names
// leaves the schedule, discovery or not; a project known only from its webhooks stays
// unless a complete discovery misses it. A project recorded here under a new path (its
// id known) leaves its old one. Projects without a default branch (an empty repository)
// are left out with a warning until they have one.
GitlabProjectsSync recordGitlabProjects(JobStore& store,
                                        const std::vector<forges::GitlabProject>& projects,
                                        bool complete, const std::vector<std::string>& listed,
                                        int64_t now);

// Whether the config's gitlabProjects (paths or ids) name the project.
bool listsGitlabProject(const std::vector<std::string>& listed, const std::string& path,
                        int64_t projectId);

// The scheduler record's payload of a GitLab project: what an analyze job needs
// (RepositoryRef::toJson) and "listed": true when the config names it. Written alike by
// the refresh and by every analysis, so an unchanged refresh writes nothing.
std::string gitlabRecordPayload(const nlohmann::json& ref, bool listed);

// Asks GitLab (config.gitlabApiUrl with config.gitlabToken) for the listed projects and,
// when config.discoversGitlabProjects(), the token's; then recordGitlabProjects. Nothing
// to do without a GitLab token (a warning when projects are listed).
GitlabProjectsSync syncGitlabProjects(JobStore& store, forges::HttpClient& http,
                                      const ServerConfig& config, int64_t now);

}  // namespace ddd::bot
