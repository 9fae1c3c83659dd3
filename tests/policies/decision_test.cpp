#include "policies/decision.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ddd::policies {
namespace {

using analyzers::FileEdit;
using analyzers::ProposedChange;
using analyzers::SpanEdit;

FileEdit modified(const std::string& path, int spans) {
  FileEdit e;
  e.path = path;
  e.newContent = "new content\n";
  for (int i = 0; i < spans; ++i) {
    SpanEdit s;
    s.line = static_cast<uint32_t>(i + 1);
    s.before = "old";
    s.replacement = "new";
    e.spans.push_back(s);
  }
  return e;
}

FileEdit deleted(const std::string& path) {
  FileEdit e;
  e.path = path;
  return e;
}

ProposedChange safeDeprecationFix(std::vector<FileEdit> edits) {
  ProposedChange c;
  c.id = "deprecations/python";
  c.title = "Replace deprecated Python APIs";
  c.edits = std::move(edits);
  c.facts.analyzer = "deprecations";
  c.facts.updateType = "fix";
  c.facts.safe = true;
  c.facts.ruleIds = {"python.datetime-utcnow"};
  return c;
}

bool anyReasonContains(const Decision& d, const std::string& text) {
  for (const auto& r : d.reasons) {
    if (r.find(text) != std::string::npos) return true;
  }
  return false;
}

struct Case {
  const char* name;
  ProposedChange change;
  Action action;
  const char* rule;
  const char* reasonContains;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  out.push_back({"safe fix in source files",
                 safeDeprecationFix({modified("src/a.py", 7), modified("src/b.py", 5)}),
                 Action::Automerge, "defaults.safe-deprecation-fix",
                 "all 12 edits come from rules marked safe"});
  out.push_back({"one safe edit", safeDeprecationFix({modified("app.py", 1)}), Action::Automerge,
                 "defaults.safe-deprecation-fix", "the only edit comes from a rule marked safe"});
  out.push_back({"safe fix touching a workflow",
                 safeDeprecationFix({modified(".github/workflows/ci.yml", 1), modified("a.py", 1)}),
                 Action::Review, "defaults.protected-path", "touches .github/workflows/ci.yml"});
  out.push_back({"safe fix touching .gitlab-ci.yml",
                 safeDeprecationFix({modified(".gitlab-ci.yml", 1)}), Action::Review,
                 "defaults.protected-path", "touches .gitlab-ci.yml"});
  out.push_back({"safe fix touching a composite action",
                 safeDeprecationFix({modified("tools/setup/action.yml", 1)}), Action::Review,
                 "defaults.protected-path", "touches tools/setup/action.yml"});
  out.push_back({"safe fix touching CODEOWNERS",
                 safeDeprecationFix({modified(".github/CODEOWNERS", 1)}), Action::Review,
                 "defaults.protected-path", "touches .github/CODEOWNERS"});
  out.push_back({"a file deletion", safeDeprecationFix({deleted("old.py")}), Action::Review,
                 "defaults.deletion", "deletes old.py"});
  {
    auto c = safeDeprecationFix({modified("src/a.py", 2)});
    c.facts.safe = false;
    c.facts.ruleIds = {"python.imp"};
    out.push_back({"unsafe deprecation rule", c, Action::Review, "defaults.unsafe-rule",
                   "not every edit comes from a rule marked safe (rules: python.imp)"});
  }
  {
    auto c = safeDeprecationFix({modified("package.json", 1)});
    c.id = "deps/npm-lodash-5.x";
    c.facts.analyzer = "dependencies";
    c.facts.updateType = "major";
    out.push_back({"major dependency update", c, Action::Review, "defaults.major-update",
                   "a major update may change the API"});
  }
  {
    auto c = safeDeprecationFix({modified("package.json", 1)});
    c.facts.analyzer = "dependencies";
    c.facts.updateType = "minor";
    c.facts.lockfileStale = true;
    out.push_back({"stale lockfile", c, Action::Review, "defaults.lockfile-stale",
                   "the lockfile is out of date"});
  }
  {
    auto c = safeDeprecationFix({modified("docs/runbooks/backup.md", 1)});
    c.facts.analyzer = "runbooks";
    c.facts.updateType = "docs";
    out.push_back({"runbook", c, Action::Review, "defaults.generated-docs",
                   "generated documentation needs a maintainer"});
  }
  {
    auto c = safeDeprecationFix({modified("src/a.py", 1)});
    c.facts.confidence = 0.3;
    out.push_back({"low confidence", c, Action::Draft, "defaults.low-confidence",
                   "confidence 0.30 is below 0.50"});
  }
  out.push_back(
      {"no edits", safeDeprecationFix({}), Action::Skip, "defaults.no-edits", "edits no file"});
  return out;
}

TEST(DecideWithDefaults, FollowsTheSafeDefaultsTable) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.name);
    Decision d = decideWithDefaults(c.change);
    EXPECT_EQ(d.action, c.action) << "got " << toString(d.action);
    EXPECT_EQ(d.rule, c.rule);
    EXPECT_TRUE(anyReasonContains(d, c.reasonContains))
        << "no reason contains \"" << c.reasonContains
        << "\"; first: " << (d.reasons.empty() ? "(none)" : d.reasons.front());
    EXPECT_FALSE(d.reasons.empty());
  }
}

TEST(DecideWithDefaults, ListsEveryReasonThatBlocksAutomerge) {
  auto c = safeDeprecationFix({modified(".github/workflows/ci.yml", 1), deleted("CODEOWNERS")});
  Decision d = decideWithDefaults(c);
  EXPECT_EQ(d.action, Action::Review);
  EXPECT_TRUE(anyReasonContains(d, "touches .github/workflows/ci.yml"));
  EXPECT_TRUE(anyReasonContains(d, "touches .github/workflows/ci.yml, CODEOWNERS"));
  EXPECT_TRUE(anyReasonContains(d, "deletes CODEOWNERS"));
}

TEST(DecideWithDefaults, IsDeterministic) {
  auto c = safeDeprecationFix({modified("a.py", 3)});
  Decision a = decideWithDefaults(c);
  Decision b = decideWithDefaults(c);
  EXPECT_EQ(a.action, b.action);
  EXPECT_EQ(a.rule, b.rule);
  EXPECT_EQ(a.reasons, b.reasons);
}

TEST(IsProtectedPath, RecognisesCiAndOwnershipFilesOnly) {
  struct Row {
    const char* path;
    bool protectedPath;
  };
  const Row rows[] = {{".github/workflows/release.yaml", true},
                      {".gitlab-ci.yml", true},
                      {".gitlab/ci/build.yml", true},
                      {"CODEOWNERS", true},
                      {"docs/CODEOWNERS", true},
                      {"action.yml", true},
                      {"src/workflows/ci.yml", false},
                      {"src/gitlab-ci.yml.py", false},
                      {"CODEOWNERS.md", false},
                      {".github/dependabot.yml", false}};
  for (const auto& r : rows) {
    std::string why;
    EXPECT_EQ(isProtectedPath(r.path, &why), r.protectedPath) << r.path;
    EXPECT_EQ(why.empty(), !r.protectedPath) << r.path;
  }
}

TEST(ActionNames, AreStable) {
  EXPECT_STREQ(toString(Action::Automerge), "automerge");
  EXPECT_STREQ(toString(Action::Review), "review");
  EXPECT_STREQ(toString(Action::Draft), "draft");
  EXPECT_STREQ(toString(Action::Skip), "skip");
}

}  // namespace
}  // namespace ddd::policies
