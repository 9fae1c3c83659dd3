#pragma once
// Components: the units a runbook and a readiness score are made for. By default a
// top-level directory is a component; under container directories (roles/, charts/,
// services/, apps/, packages/, cmd/, modules/, components/) each sub-directory is one;
// a repository whose root is itself an Ansible role or a Helm chart, or that has no
// directories of its own, is one component named after the repository. Root files and
// .github/, .gitlab/, docs/, doc/, tests/, test/ are repository-wide: their facts count
// for every component. The `runbooks.components` config names components by globs
// (first match wins) before these defaults apply. Immutable; thread-safe.

#include <string>
#include <vector>

#include "analyzers/deprecations/glob.h"

namespace ddd::analyzers::runbooks {

struct ComponentRule {
  std::string name;
  deprecations::GlobSet paths;
};

class ComponentMap {
 public:
  // `paths`: every file of the tree; `repoName` names a single-component repository.
  ComponentMap(const std::vector<std::string>& paths, std::vector<ComponentRule> rules,
               const std::string& repoName);
  // The component of a path, "" for repository-wide files.
  std::string componentOf(const std::string& path) const;
  // Every component, sorted (never empty).
  const std::vector<std::string>& components() const { return components_; }

 private:
  std::string byDefault(const std::string& path) const;
  std::vector<ComponentRule> rules_;
  std::string whole_;  // non-empty: the repository is one component of this name
  std::vector<std::string> components_;
};

// A file-name-safe form of a component name ("roles/web" -> "roles-web").
std::string componentSlug(const std::string& name);

}  // namespace ddd::analyzers::runbooks
