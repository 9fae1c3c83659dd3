#pragma once
// Shared helpers of the dead-code tests: a project tree committed to a real temp git
// repository and read back through GitSourceTree, and look-ups in pass results.

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "analyzers/deadcode/language.h"
#include "analyzers/source_tree.h"
#include "tests/support/test_repo.h"

namespace ddd::analyzers::deadcode::testing {

class ProjectTree {
 public:
  explicit ProjectTree(const std::map<std::string, std::string>& files) {
    std::map<std::string, std::optional<std::string>> f(files.begin(), files.end());
    commit_ = repo_.commit(f);
    tree_ = std::make_unique<GitSourceTree>(repo_.path(), commit_, ScanLimits{});
  }
  const SourceTree& tree() const { return *tree_; }
  PassResult js(const DeadcodeOptions& options = {}) const { return analyzeJavaScript(*tree_, options); }

 private:
  ddd::testing::TestRepo repo_;
  git::Oid commit_;
  std::unique_ptr<GitSourceTree> tree_;
};

inline const Candidate* find(const PassResult& r, Kind kind, const std::string& name) {
  for (const auto& c : r.candidates) {
    if (c.kind == kind && c.name == name) return &c;
  }
  return nullptr;
}

inline const Candidate* findAt(const PassResult& r, Kind kind, const std::string& path, const std::string& name) {
  for (const auto& c : r.candidates) {
    if (c.kind == kind && c.path == path && c.name == name) return &c;
  }
  return nullptr;
}

inline size_t count(const PassResult& r, Kind kind) {
  return static_cast<size_t>(std::count_if(r.candidates.begin(), r.candidates.end(),
                                           [&](const Candidate& c) { return c.kind == kind; }));
}

// The content after applying one removal.
inline std::string applied(const std::string& content, const Removal& r) {
  std::string out = content;
  out.replace(r.offset, r.length, r.replacement);
  return out;
}

}  // namespace ddd::analyzers::deadcode::testing
