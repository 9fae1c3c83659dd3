#pragma once
// Helpers shared by the deprecations test suites: the test-only packs in
// tests/analyzers/data/, packs from inline JSON, and one-call analyzer runs over
// in-memory trees.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analyzers/deprecations/analyzer.h"
#include "analyzers/deprecations/rule_pack.h"
#include "analyzers/source_tree.h"
#include "tests/support/test_repo.h"

namespace ddd::testing::deprecations {

namespace dep = ddd::analyzers::deprecations;

inline std::filesystem::path testPacksDir() { return sourceDir() / "tests" / "analyzers" / "data"; }

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A test-only pack from tests/analyzers/data/<file>.
inline dep::RulePack testPack(const std::string& file) {
  return dep::parseRulePack(slurp(testPacksDir() / file), "tests/analyzers/data/" + file);
}

inline std::vector<dep::RulePack> allTestPacks() {
  return {testPack("sample_python.json"), testPack("sample_workflows.json"),
          testPack("sample_k8s.json")};
}

// A pack from JSON text; tests are optional.
inline dep::RulePack packFromJson(const std::string& json,
                                  const std::string& source = "inline.json") {
  return dep::parseRulePack(json, source, dep::RulePackOptions{false});
}

inline analyzers::AnalysisResult runDeprecations(
    const std::map<std::string, std::string>& files, std::vector<dep::RulePack> packs,
    const nlohmann::json& config = nlohmann::json::object(), dep::MatchOptions limits = {}) {
  analyzers::MemorySourceTree tree(files);
  dep::DeprecationsAnalyzer analyzer(dep::DeprecationsOptions{std::move(packs), limits});
  analyzers::AnalyzerContext context;
  context.repoName = "test";
  context.config = config;
  return analyzer.run(tree, context);
}

inline std::vector<const analyzers::Finding*> findingsOf(const analyzers::AnalysisResult& r,
                                                         const std::string& rule) {
  std::vector<const analyzers::Finding*> out;
  for (const auto& f : r.findings) {
    if (f.rule == rule) out.push_back(&f);
  }
  return out;
}

inline const analyzers::ProposedChange* changeById(const analyzers::AnalysisResult& r,
                                                   const std::string& id) {
  for (const auto& c : r.changes) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

}  // namespace ddd::testing::deprecations
