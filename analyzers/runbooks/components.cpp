#include "analyzers/runbooks/components.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace ddd::analyzers::runbooks {
namespace {

bool isShared(const std::string& top) {
  static const std::set<std::string> kShared = {".github", ".gitlab", "docs", "doc",
                                                "tests",   "test",    ".circleci"};
  return kShared.count(top) != 0;
}

bool isContainer(const std::string& top) {
  static const std::set<std::string> kContainers = {"roles",    "charts",  "services",
                                                    "apps",     "packages", "cmd",
                                                    "modules",  "components"};
  return kContainers.count(top) != 0;
}

}  // namespace

std::string componentSlug(const std::string& name) {
  std::string out;
  for (char c : name) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    out += ok ? c : '-';
  }
  while (!out.empty() && out.front() == '.') out.erase(0, 1);
  return out.empty() ? "component" : out;
}

ComponentMap::ComponentMap(const std::vector<std::string>& paths, std::vector<ComponentRule> rules,
                           const std::string& repoName)
    : rules_(std::move(rules)) {
  const std::set<std::string> all(paths.begin(), paths.end());
  const bool rootRole = all.count("tasks/main.yml") != 0 || all.count("tasks/main.yaml") != 0 ||
                        all.count("meta/main.yml") != 0;
  const bool rootChart = all.count("Chart.yaml") != 0;
  if (rootRole || rootChart) whole_ = repoName.empty() ? "repository" : repoName;
  std::set<std::string> names;
  for (const auto& p : paths) {
    const std::string c = componentOf(p);
    if (!c.empty()) names.insert(c);
  }
  if (names.empty()) {
    whole_ = repoName.empty() ? "repository" : repoName;
    names.insert(whole_);
  }
  components_.assign(names.begin(), names.end());
}

std::string ComponentMap::componentOf(const std::string& path) const {
  for (const auto& r : rules_) {
    if (r.paths.matches(path)) return r.name;
  }
  return byDefault(path);
}

std::string ComponentMap::byDefault(const std::string& path) const {
  if (!whole_.empty()) return whole_;
  const size_t slash = path.find('/');
  if (slash == std::string::npos) return {};
  const std::string top = path.substr(0, slash);
  if (isShared(top)) return {};
  if (isContainer(top)) {
    const size_t second = path.find('/', slash + 1);
    if (second != std::string::npos) return path.substr(slash + 1, second - slash - 1);
  }
  return top;
}

}  // namespace ddd::analyzers::runbooks
