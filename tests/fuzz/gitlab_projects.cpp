// libFuzzer target: arbitrary bytes as what ddd reads about GitLab projects — GitLab's
// project JSON (one object, or a page of them), the server config's gitlabProjects
// field, and the DDD_GITLAB_PROJECTS / DDD_GITLAB_DISCOVER_PROJECTS /
// DDD_GITLAB_PROJECTS_REFRESH_SECONDS variables. A project read must have what ddd needs
// (a positive id, a path and a clone URL); a config either loads with valid entries or
// is refused with a ServerConfigError. Anything else escaping, a crash or a hang is a bug.

#include "forges/gitlab/gitlab_projects.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "bot/server/server_config.h"

namespace {

void checkProject(const nlohmann::json& j) {
  const auto p = ddd::forges::gitlabProjectFromJson(j);
  if (p && (p->id <= 0 || p->path.empty() || p->cloneUrl.empty())) __builtin_trap();
}

void checkConfig(const std::string& json, const std::map<std::string, std::string>& env) {
  try {
    const auto c = ddd::bot::loadServerConfig(
        json, "fuzz.json", [&env](const std::string& name) -> std::optional<std::string> {
          const auto it = env.find(name);
          if (it == env.end()) return std::nullopt;
          return it->second;
        });
    // Entries are ids or paths of ASCII letters, digits, '_', '-', '.' and '/'.
    for (const auto& entry : c.gitlabProjects) {
      if (entry.empty() ||
          entry.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                  "_-./") != std::string::npos)
        __builtin_trap();
    }
    if (c.gitlabProjectsRefreshSeconds < 60) __builtin_trap();
  } catch (const ddd::bot::ServerConfigError&) {
    // refused, naming the field
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded()) {
    checkProject(j);
    if (j.is_array()) {
      for (const auto& item : j) checkProject(item);
    }
    checkConfig(nlohmann::json{{"gitlabProjects", j}}.dump(), {});
    checkConfig(
        nlohmann::json{{"gitlabDiscoverProjects", j}, {"gitlabProjectsRefreshSeconds", j}}.dump(),
        {});
  }
  checkConfig("", {{"DDD_GITLAB_PROJECTS", text}});
  checkConfig("", {{"DDD_GITLAB_DISCOVER_PROJECTS", text.substr(0, 16)},
                   {"DDD_GITLAB_PROJECTS_REFRESH_SECONDS", text.substr(0, 24)}});
  return 0;
}
