#pragma once
// The server configuration of `ddd serve`: a JSON file (--config FILE, every field
// checked, errors naming the field) overridden field by field by environment variables;
// secrets given as values or, better, as files. Variables (names fixed: deploy files
// and outside tests use them): DDD_LISTEN (host:port, default 127.0.0.1:8080), DDD_STATE
// (state store URL, default sqlite:///<state dir>/ddd.sqlite), DDD_GITHUB_WEBHOOK_SECRET
// / DDD_GITHUB_WEBHOOK_SECRET_FILE, DDD_GITHUB_APP_ID, DDD_GITHUB_PRIVATE_KEY_FILE,
// DDD_GITHUB_API_URL, DDD_GITLAB_WEBHOOK_TOKEN / DDD_GITLAB_WEBHOOK_TOKEN_FILE,
// DDD_GITLAB_TOKEN_FILE, DDD_GITLAB_API_URL, DDD_GITLAB_PROJECTS (comma- or space-separated
// paths or ids), DDD_GITLAB_DISCOVER_PROJECTS (true|false), DDD_GITLAB_PROJECTS_REFRESH_SECONDS.
// A forge whose webhook secret is not set has its webhooks refused (401), never accepted
// unverified.

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bot/scheduler.h"

namespace ddd::bot {

class ServerConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ServerConfig {
  std::string listenHost = "127.0.0.1";
  unsigned short listenPort = 8080;
  std::string state = "sqlite://ddd-state/ddd.sqlite";  // or postgresql://...
  // Bare repository caches of the worker; "" = "repos" next to a SQLite state file, or
  // ./ddd-cache with PostgreSQL. Each host keeps its own (they are only caches).
  std::string cacheDir;
  std::filesystem::path repoCacheDir() const;
  std::string githubWebhookSecret;  // "" = GitHub webhooks refused
  std::string githubAppId;
  std::string githubPrivateKeyFile;
  std::string githubApiUrl = "https://api.github.com";
  std::string gitlabWebhookToken;  // "" = GitLab webhooks refused
  std::string gitlabToken;
  std::string gitlabApiUrl = "https://gitlab.com/api/v4";
  // GitLab has no installation event: the projects ddd serves from the start, before any
  // webhook (bot/gitlab_projects.h). Listed ones, by path ("group/app") or numeric id
  // ("42"); and, unless turned off, the projects the token may act on (Developer+),
  // discovered at start and every gitlabProjectsRefreshSeconds. Discovery is on by default
  // when no projects are listed.
  std::vector<std::string> gitlabProjects;
  std::optional<bool> gitlabDiscoverProjects;
  int64_t gitlabProjectsRefreshSeconds = 3600;
  bool discoversGitlabProjects() const {
    return !gitlabToken.empty() && gitlabDiscoverProjects.value_or(gitlabProjects.empty());
  }
  int workers = 2;
  // A claimed job's lease: a worker that dies (even SIGKILL) leaves its job to run again
  // after this long. Longer than the longest job (an analysis of the biggest repository).
  int64_t leaseSeconds = 900;
  // Jobs made from webhooks are deleted this many days after they were received, once
  // done (JobStore::pruneDone; 0 keeps them all): past every forge's redelivery window
  // (GitHub redelivers up to 3 days back), so a redelivered delivery is still a duplicate.
  int64_t jobRetentionDays = 30;
  // Spacing of mutating GitHub calls per installation (GitHub asks for >= 1 s between
  // content-creating requests; a GitHub Enterprise Server without secondary rate limits,
  // or a test against a fake, may lower it).
  int64_t githubMutationSpacingMs = 1000;
  int64_t gitlabMutationSpacingMs = 1000;  // writes per GitLab project, at least this apart
  size_t maxBodyBytes = 25u << 20;                     // GitHub's own cap
  nlohmann::json policies = nlohmann::json::object();  // server-wide policy rules
  ScheduleDefaults schedules;  // the scheduler's defaults (config field "schedules")

  // Secrets masked: safe to log.
  std::string describe() const;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The JSON text (may be empty: defaults) with the environment on top. `source` names
// the file in errors. Throws ServerConfigError naming the field or variable.
ServerConfig loadServerConfig(const std::string& json, const std::string& source,
                              const EnvLookup& env);
ServerConfig loadServerConfigFile(const std::string& path, const EnvLookup& env);

}  // namespace ddd::bot
