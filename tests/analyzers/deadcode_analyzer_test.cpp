// The dead-code analyzer: config, findings, and the changes it proposes (thresholds,
// "named anywhere" check for deletions, minimal manifest edits, PR body sections).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "analyzers/analyzer.h"
#include "analyzers/deadcode/analyzer.h"
#include "analyzers/deadcode/passes.h"
#include "tests/analyzers/deadcode_support.h"

namespace ddd::analyzers::deadcode {
namespace {

using testing::ProjectTree;

AnalysisResult analyze(const ProjectTree& p, nlohmann::json config = nlohmann::json::object()) {
  AnalyzerContext ctx;
  ctx.config = std::move(config);
  DeadcodeAnalyzer a;
  return a.run(p.tree(), ctx);
}

const ProposedChange* change(const AnalysisResult& r, const std::string& id) {
  for (const auto& c : r.changes) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

const FileEdit* edit(const ProposedChange& c, const std::string& path) {
  for (const auto& e : c.edits) {
    if (e.path == path) return &e;
  }
  return nullptr;
}

const std::map<std::string, std::string> kProject = {
    {"package.json", R"({
  "name": "shop",
  "private": true,
  "main": "src/index.ts",
  "dependencies": {
    "left-pad": "^1.3.0",
    "react": "^18.2.0",
    "right-pad": "^1.0.0"
  }
})"},
    {"src/index.ts", "import React from 'react';\nimport { price } from './price';\nconsole.log(React, price(2));\n"},
    {"src/price.ts", "export const TAX = 0.2;\nexport function price(n: number) { return n * (1 + TAX); }\n"
                     "export function discount(n: number) {\n  return n * 0.9;\n}\n"},
    {"src/old-cart.ts", "export const cart = [];\n"},
    {"src/old-banner.ts", "export const banner = 'x';\n"},
    {"docs/history.md", "The banner lived in src/old-banner.ts until 2023.\n"},
};

TEST(DeadcodeAnalyzer, IsRegisteredAndListsItsPasses) {
  registerBuiltinAnalyzers();
  ASSERT_NE(findAnalyzer("deadcode"), nullptr);
  EXPECT_EQ(findAnalyzer("deadcode")->make()->name(), "deadcode");
  ASSERT_FALSE(passes().empty());
  EXPECT_STREQ(passes().front().language, "javascript");
}

TEST(DeadcodeAnalyzer, ConfigIsCheckedField_by_field) {
  EXPECT_THROW(parseDeadcodeOptions({{"entry", {"x"}}}), std::invalid_argument);
  EXPECT_THROW(parseDeadcodeOptions({{"library", "yes"}}), std::invalid_argument);
  EXPECT_THROW(parseDeadcodeOptions({{"ignorePaths", {"src/[oops"}}}), std::invalid_argument);
  EXPECT_THROW(parseDeadcodeOptions({{"ignoreNames", "x"}}), std::invalid_argument);
  const DeadcodeOptions o = parseDeadcodeOptions(
      {{"entries", {"scripts/*.ts"}}, {"ignorePaths", {"legacy/**"}}, {"ignoreNames", {"@types/*"}}, {"library", true}});
  EXPECT_EQ(o.entries, std::vector<std::string>{"scripts/*.ts"});
  EXPECT_EQ(o.ignorePaths, std::vector<std::string>{"legacy/**"});
  EXPECT_EQ(o.ignoreNames, std::vector<std::string>{"@types/*"});
  EXPECT_TRUE(o.library);
}

TEST(DeadcodeAnalyzer, FindingsCarryConfidenceEvidenceAndTheirChange) {
  ProjectTree p(kProject);
  const AnalysisResult r = analyze(p);
  std::map<std::string, const Finding*> byRule;
  for (const auto& f : r.findings) byRule[f.rule + " " + f.properties["name"].get<std::string>()] = &f;
  ASSERT_TRUE(byRule.count("deadcode.unused-file src/old-cart.ts"));
  ASSERT_TRUE(byRule.count("deadcode.unused-file src/old-banner.ts"));
  ASSERT_TRUE(byRule.count("deadcode.export-used-only-locally TAX"));
  ASSERT_TRUE(byRule.count("deadcode.unused-export discount"));
  ASSERT_TRUE(byRule.count("deadcode.unused-dependency left-pad"));
  ASSERT_TRUE(byRule.count("deadcode.unused-dependency right-pad"));
  const Finding* cart = byRule["deadcode.unused-file src/old-cart.ts"];
  EXPECT_GE(cart->properties["confidence"].get<double>(), kDeleteThreshold);
  EXPECT_FALSE(cart->properties["evidence"].empty());
  EXPECT_EQ(cart->changeId, "deadcode/js-unused-files");
  // Named in docs: reported, but not deleted.
  const Finding* banner = byRule["deadcode.unused-file src/old-banner.ts"];
  EXPECT_TRUE(banner->changeId.empty());
  EXPECT_NE(banner->properties["doubts"].dump().find("docs/history.md"), std::string::npos);
  EXPECT_EQ(r.details["passes"]["javascript"]["files"], 4);
}

TEST(DeadcodeAnalyzer, ProposesMinimalEditsPerKind) {
  ProjectTree p(kProject);
  const AnalysisResult r = analyze(p);
  const ProposedChange* files = change(r, "deadcode/js-unused-files");
  ASSERT_NE(files, nullptr);
  ASSERT_EQ(files->edits.size(), 1u);
  EXPECT_EQ(files->edits[0].path, "src/old-cart.ts");
  EXPECT_FALSE(files->edits[0].newContent);
  EXPECT_EQ(files->facts.updateType, "delete");
  EXPECT_NE(files->whatChanges.find("src/old-cart.ts"), std::string::npos);
  EXPECT_NE(files->whatChanges.find("not reachable from"), std::string::npos);
  EXPECT_FALSE(files->risk.empty());
  EXPECT_FALSE(files->rollback.empty());

  const ProposedChange* unexport = change(r, "deadcode/js-unexport");
  ASSERT_NE(unexport, nullptr);
  const FileEdit* price = edit(*unexport, "src/price.ts");
  ASSERT_NE(price, nullptr);
  ASSERT_TRUE(price->newContent);
  EXPECT_EQ(price->newContent->substr(0, 23), "const TAX = 0.2;\nexport");
  EXPECT_EQ(unexport->facts.updateType, "fix");

  const ProposedChange* code = change(r, "deadcode/js-unused-code");
  ASSERT_NE(code, nullptr);
  const FileEdit* code_price = edit(*code, "src/price.ts");
  ASSERT_NE(code_price, nullptr);
  EXPECT_EQ(code_price->newContent->find("discount"), std::string::npos);
  EXPECT_NE(code_price->newContent->find("export function price"), std::string::npos);

  const ProposedChange* deps = change(r, "deadcode/npm-unused-dependencies");
  ASSERT_NE(deps, nullptr);
  EXPECT_EQ(deps->facts.packages, (std::vector<std::string>{"left-pad", "right-pad"}));
  const FileEdit* manifest = edit(*deps, "package.json");
  ASSERT_NE(manifest, nullptr);
  const auto j = nlohmann::json::parse(*manifest->newContent);  // still valid JSON with both removed
  EXPECT_EQ(j["dependencies"], nlohmann::json({{"react", "^18.2.0"}}));
  EXPECT_EQ(manifest->spans.size(), 2u);
  EXPECT_EQ(deps->facts.analyzer, "deadcode");
  EXPECT_EQ(deps->facts.labels, std::vector<std::string>{"dead-code"});
}

TEST(DeadcodeAnalyzer, SameTreeSameChanges) {
  ProjectTree p(kProject);
  const AnalysisResult a = analyze(p);
  const AnalysisResult b = analyze(p);
  ASSERT_EQ(a.changes.size(), b.changes.size());
  for (size_t i = 0; i < a.changes.size(); ++i) {
    EXPECT_EQ(a.changes[i].id, b.changes[i].id);
    ASSERT_EQ(a.changes[i].edits.size(), b.changes[i].edits.size());
    for (size_t k = 0; k < a.changes[i].edits.size(); ++k) EXPECT_EQ(a.changes[i].edits[k].newContent, b.changes[i].edits[k].newContent);
  }
}

TEST(DeadcodeAnalyzer, IgnoresFromTheConfig) {
  ProjectTree p(kProject);
  const AnalysisResult r = analyze(p, {{"ignorePaths", {"src/old-*.ts"}}, {"ignoreNames", {"*-pad", "TAX"}}});
  for (const auto& f : r.findings) {
    EXPECT_EQ(f.path.find("src/old-"), std::string::npos) << f.path;
    EXPECT_NE(f.properties["name"], "left-pad");
    EXPECT_NE(f.properties["name"], "TAX");
  }
  EXPECT_EQ(change(r, "deadcode/npm-unused-dependencies"), nullptr);
}

TEST(DeadcodeAnalyzer, LowConfidenceFilesAreNeverDeleted) {
  auto files = kProject;
  files["src/index.ts"] += "const load = (n: string) => import(n);\n";
  ProjectTree p(files);
  const AnalysisResult r = analyze(p);
  EXPECT_EQ(change(r, "deadcode/js-unused-files"), nullptr);
  bool reported = false;
  for (const auto& f : r.findings) reported = reported || f.path == "src/old-cart.ts";
  EXPECT_TRUE(reported);
}

}  // namespace
}  // namespace ddd::analyzers::deadcode
