#include "bot/server/server_config.h"

#include "bot/jobs/postgres.h"

#include <cctype>
#include <fstream>
#include <sstream>

namespace ddd::bot {
namespace {

std::string readSecretFile(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ServerConfigError(what + ": cannot read the file " + path +
                            " (check the path and its permissions)");
  std::ostringstream s;
  s << in.rdbuf();
  std::string v = s.str();
  if (v.size() > 1 << 20)
    throw ServerConfigError(what + ": the file " + path + " is too large for a secret");
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r' || v.back() == ' ')) v.pop_back();
  if (v.empty()) throw ServerConfigError(what + ": the file " + path + " is empty");
  return v;
}

void parseListen(const std::string& value, const std::string& what, ServerConfig& c) {
  const size_t colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == value.size()) {
    throw ServerConfigError(what + ": \"" + value + "\" is not host:port (e.g. 127.0.0.1:8080)");
  }
  std::string host = value.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    size_t used = 0;
    port = std::stoi(value.substr(colon + 1), &used);
    if (used != value.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535)
    throw ServerConfigError(what + ": \"" + value + "\" has no valid port (0-65535)");
  c.listenHost = host;
  c.listenPort = static_cast<unsigned short>(port);
}

// A GitLab project as gitlabProjects / DDD_GITLAB_PROJECTS name it: a numeric id or a
// "group/sub/project" path.
std::string checkedGitlabProject(const std::string& value, const std::string& what) {
  if (value.empty()) throw ServerConfigError(what + ": empty; give a project path or id");
  if (value.find_first_not_of("0123456789") == std::string::npos) {
    if (value.size() > 18 || std::stoll(value) <= 0)
      throw ServerConfigError(what + ": \"" + value + "\" is not a GitLab project id");
    return value;
  }
  const bool slashes = value.find('/') != std::string::npos && value.front() != '/' &&
                       value.back() != '/' && value.find("//") == std::string::npos;
  // GitLab's paths: ASCII letters, digits, '_', '-' and '.' between the slashes. The value
  // is not echoed here: it may hold any bytes.
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (!std::isalnum(c) && c != '_' && c != '-' && c != '.' && c != '/') {
      throw ServerConfigError(what + ": not a project path: character " + std::to_string(i + 1) +
                              " is not a letter, digit, '_', '-', '.' or '/'");
    }
  }
  if (!slashes)
    throw ServerConfigError(what + ": \"" + value +
                            "\" is neither a numeric id nor a path like group/project");
  return value;
}

void addGitlabProject(ServerConfig& c, const std::string& value, const std::string& what) {
  const std::string p = checkedGitlabProject(value, what);
  for (const auto& known : c.gitlabProjects) {
    if (known == p) throw ServerConfigError(what + ": \"" + p + "\" is listed twice");
  }
  c.gitlabProjects.push_back(p);
}

bool parseFlag(const std::string& value, const std::string& what) {
  if (value == "true" || value == "1" || value == "yes" || value == "on") return true;
  if (value == "false" || value == "0" || value == "no" || value == "off") return false;
  throw ServerConfigError(what + ": \"" + value + "\" is not true or false");
}

// A whole number in [low, high] written as `value`; -1 otherwise.
int64_t wholeNumberIn(const std::string& value, int64_t low, int64_t high) {
  int64_t n = -1;
  try {
    size_t used = 0;
    n = std::stoll(value, &used);
    if (used != value.size()) n = -1;
  } catch (const std::exception&) {
    n = -1;
  }
  return n < low || n > high ? -1 : n;
}

int64_t parseRefreshSeconds(const std::string& value, const std::string& what) {
  const int64_t n = wholeNumberIn(value, 60, 7 * 86400);
  if (n < 0)
    throw ServerConfigError(what + ": expected whole seconds from 60 to 604800, not \"" + value +
                            "\"");
  return n;
}

int64_t parseRetentionDays(const std::string& value, const std::string& what) {
  const int64_t n = wholeNumberIn(value, 0, 3650);
  if (n < 0)
    throw ServerConfigError(what + ": expected whole days from 0 (keep every job) to 3650, not \"" +
                            value + "\"");
  return n;
}

}  // namespace

std::filesystem::path ServerConfig::repoCacheDir() const {
  if (!cacheDir.empty()) return cacheDir;
  if (state.rfind("postgresql://", 0) == 0 || state.rfind("postgres://", 0) == 0) {
    return "ddd-cache";
  }
  const std::string path = state.rfind("sqlite://", 0) == 0 ? state.substr(9) : state;
  return std::filesystem::path(path).parent_path() / "repos";
}

std::string ServerConfig::describe() const {
  auto masked = [](const std::string& s) {
    return s.empty() ? std::string("(not set)") : std::string("(set)");
  };
  return "listen " + listenHost + ":" + std::to_string(listenPort) + ", state " +
         redactPostgresUrl(state) + ", workers " + std::to_string(workers) +
         ", GitHub webhook secret " + masked(githubWebhookSecret) + ", GitHub App " +
         (githubAppId.empty() ? std::string("(not set)") : githubAppId) +
         ", GitLab webhook token " + masked(gitlabWebhookToken) + ", GitLab token " +
         masked(gitlabToken) + ", GitLab projects " + std::to_string(gitlabProjects.size()) +
         " listed" + (discoversGitlabProjects() ? " + discovered" : "");
}

ServerConfig loadServerConfig(const std::string& text, const std::string& source,
                              const EnvLookup& env) {
  ServerConfig c;
  if (!text.empty()) {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      throw ServerConfigError(source + ": not a JSON object (check the syntax)");
    }
    for (const auto& item : j.items()) {
      // Named references, not a structured binding: clang 14 cannot capture bindings.
      const std::string& key = item.key();
      const nlohmann::json& v = item.value();
      const std::string where = source + ": " + key;
      auto text = [&]() {
        if (!v.is_string()) throw ServerConfigError(where + ": expected a string");
        return v.get<std::string>();
      };
      if (key == "listen") {
        parseListen(text(), where, c);
      } else if (key == "state") {
        c.state = text();
      } else if (key == "cacheDir") {
        c.cacheDir = text();
      } else if (key == "githubWebhookSecretFile") {
        c.githubWebhookSecret = readSecretFile(text(), where);
      } else if (key == "githubAppId") {
        c.githubAppId = v.is_number() ? v.dump() : text();
      } else if (key == "githubPrivateKeyFile") {
        c.githubPrivateKeyFile = text();
      } else if (key == "githubApiUrl") {
        c.githubApiUrl = text();
      } else if (key == "gitlabWebhookTokenFile") {
        c.gitlabWebhookToken = readSecretFile(text(), where);
      } else if (key == "gitlabTokenFile") {
        c.gitlabToken = readSecretFile(text(), where);
      } else if (key == "gitlabApiUrl") {
        c.gitlabApiUrl = text();
      } else if (key == "gitlabProjects") {
        if (!v.is_array())
          throw ServerConfigError(where + ": expected an array of project paths or ids");
        c.gitlabProjects.clear();
        for (size_t i = 0; i < v.size(); ++i) {
          const std::string at = where + "[" + std::to_string(i) + "]";
          if (v[i].is_number_integer()) {
            addGitlabProject(c, v[i].dump(), at);
          } else if (v[i].is_string()) {
            addGitlabProject(c, v[i].get<std::string>(), at);
          } else {
            throw ServerConfigError(at + ": expected a project path (\"group/app\") or id (42)");
          }
        }
      } else if (key == "gitlabDiscoverProjects") {
        if (!v.is_boolean()) throw ServerConfigError(where + ": expected true or false");
        c.gitlabDiscoverProjects = v.get<bool>();
      } else if (key == "gitlabProjectsRefreshSeconds") {
        if (!v.is_number_integer())
          throw ServerConfigError(where + ": expected whole seconds from 60 to 604800");
        c.gitlabProjectsRefreshSeconds = parseRefreshSeconds(v.dump(), where);
      } else if (key == "workers") {
        if (!v.is_number_integer() || v.get<int>() < 1 || v.get<int>() > 256) {
          throw ServerConfigError(where + ": expected a whole number from 1 to 256");
        }
        c.workers = v.get<int>();
      } else if (key == "policies") {
        if (!v.is_object())
          throw ServerConfigError(where + ": expected an object with enforced/defaults rules");
        c.policies = v;
      } else if (key == "leaseSeconds") {
        if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 86400) {
          throw ServerConfigError(where + ": expected a whole number of seconds from 1 to 86400");
        }
        c.leaseSeconds = v.get<int64_t>();
      } else if (key == "jobRetentionDays") {
        if (!v.is_number_integer())
          throw ServerConfigError(where + ": expected whole days from 0 (keep every job) to 3650");
        c.jobRetentionDays = parseRetentionDays(v.dump(), where);
      } else if (key == "githubMutationSpacingMs" || key == "gitlabMutationSpacingMs") {
        if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 60000) {
          throw ServerConfigError(where + ": expected milliseconds from 0 to 60000");
        }
        (key == "githubMutationSpacingMs" ? c.githubMutationSpacingMs : c.gitlabMutationSpacingMs) =
            v.get<int64_t>();
      } else if (key == "schedules") {
        try {
          c.schedules = parseScheduleDefaults(v, where);
        } catch (const std::invalid_argument& e) {
          throw ServerConfigError(e.what());
        }
      } else if (key == "githubWebhookSecret" || key == "gitlabWebhookToken") {
        throw ServerConfigError(where + ": secrets are not kept in the config file; use " + key +
                                "File or the environment variable");
      } else {
        throw ServerConfigError(
            where +
            ": unknown field (known: listen, state, workers, githubWebhookSecretFile, "
            "cacheDir, githubAppId, githubPrivateKeyFile, githubApiUrl, gitlabWebhookTokenFile, "
            "gitlabTokenFile, gitlabApiUrl, gitlabProjects, gitlabDiscoverProjects, "
            "gitlabProjectsRefreshSeconds, leaseSeconds, jobRetentionDays, githubMutationSpacingMs, "
            "gitlabMutationSpacingMs, "
            "policies, "
            "schedules)");
      }
    }
  }
  auto get = [&](const char* name) { return env(name); };
  if (auto v = get("DDD_LISTEN")) parseListen(*v, "DDD_LISTEN", c);
  if (auto v = get("DDD_STATE")) c.state = *v;
  if (auto v = get("DDD_CACHE_DIR")) c.cacheDir = *v;
  if (auto v = get("DDD_GITHUB_WEBHOOK_SECRET_FILE"))
    c.githubWebhookSecret = readSecretFile(*v, "DDD_GITHUB_WEBHOOK_SECRET_FILE");
  if (auto v = get("DDD_GITHUB_WEBHOOK_SECRET")) c.githubWebhookSecret = *v;
  if (auto v = get("DDD_GITHUB_APP_ID")) c.githubAppId = *v;
  if (auto v = get("DDD_GITHUB_PRIVATE_KEY_FILE")) c.githubPrivateKeyFile = *v;
  if (auto v = get("DDD_GITHUB_API_URL")) c.githubApiUrl = *v;
  if (auto v = get("DDD_GITLAB_WEBHOOK_TOKEN_FILE"))
    c.gitlabWebhookToken = readSecretFile(*v, "DDD_GITLAB_WEBHOOK_TOKEN_FILE");
  if (auto v = get("DDD_GITLAB_WEBHOOK_TOKEN")) c.gitlabWebhookToken = *v;
  if (auto v = get("DDD_GITLAB_TOKEN_FILE"))
    c.gitlabToken = readSecretFile(*v, "DDD_GITLAB_TOKEN_FILE");
  if (auto v = get("DDD_GITLAB_API_URL")) c.gitlabApiUrl = *v;
  if (auto v = get("DDD_GITLAB_PROJECTS")) {
    // Replaces the file's list; commas or white space between entries.
    c.gitlabProjects.clear();
    std::string item;
    size_t n = 0;
    for (size_t i = 0; i <= v->size(); ++i) {
      const char ch = i < v->size() ? (*v)[i] : ',';
      if (ch == ',' || ch == ' ' || ch == '\t' || ch == '\n') {
        if (!item.empty())
          addGitlabProject(c, item, "DDD_GITLAB_PROJECTS entry " + std::to_string(++n));
        item.clear();
      } else {
        item += ch;
      }
    }
  }
  if (auto v = get("DDD_GITLAB_DISCOVER_PROJECTS"))
    c.gitlabDiscoverProjects = parseFlag(*v, "DDD_GITLAB_DISCOVER_PROJECTS");
  if (auto v = get("DDD_JOB_RETENTION_DAYS"))
    c.jobRetentionDays = parseRetentionDays(*v, "DDD_JOB_RETENTION_DAYS");
  if (auto v = get("DDD_GITLAB_PROJECTS_REFRESH_SECONDS"))
    c.gitlabProjectsRefreshSeconds = parseRefreshSeconds(*v, "DDD_GITLAB_PROJECTS_REFRESH_SECONDS");
  return c;
}

ServerConfig loadServerConfigFile(const std::string& path, const EnvLookup& env) {
  if (path.empty()) return loadServerConfig("", "", env);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ServerConfigError("cannot read the server config " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return loadServerConfig(s.str(), path, env);
}

}  // namespace ddd::bot
