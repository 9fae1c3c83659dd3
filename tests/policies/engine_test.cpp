// The policy engine, table-driven: every match field, combinations, rule order, the
// built-in defaults, server rules stacked around the repository's, CODEOWNERS
// reviewers, explanations, and the fast matcher agreeing with the explaining one.
#include "policies/engine.h"

#include <gtest/gtest.h>

#include <random>

#include "policies/explain.h"
#include "tests/support/build_speed.h"

namespace ddd::policies {
namespace {

using analyzers::FileEdit;
using analyzers::ProposedChange;
using nlohmann::json;

FileEdit edit(const std::string& path, int spans = 1) {
  FileEdit e;
  e.path = path;
  e.newContent = std::string("x\n");
  for (int i = 0; i < spans; ++i) {
    e.spans.push_back({static_cast<uint64_t>(i) * 2, 1, std::string(1, 'b'),
                       static_cast<uint32_t>(i + 1), std::string(1, 'a')});
  }
  return e;
}

FileEdit removal(const std::string& path) {
  FileEdit e;
  e.path = path;
  return e;
}

// A dependency update: npm, prod, minor, released 10 days ago, in package.json.
ProposedChange depUpdate() {
  ProposedChange c;
  c.id = "deps/npm-lodash";
  c.title = "Update lodash";
  c.edits = {edit("package.json")};
  c.facts.analyzer = "dependencies";
  c.facts.ecosystem = "npm";
  c.facts.updateType = "minor";
  c.facts.dependencyType = "prod";
  c.facts.releaseAgeDays = 10;
  c.facts.confidence = 1.0;
  c.facts.packages = {"lodash"};
  return c;
}

struct Case {
  std::string name;
  json rules;  // the repository's `policies`
  ProposedChange change;
  Action action;
  std::string rule;
};

ProposedChange with(ProposedChange c, const std::function<void(ProposedChange&)>& f) {
  f(c);
  return c;
}

json rule(const json& match, const std::string& action, const std::string& name = "r") {
  return {{"name", name}, {"match", match}, {"action", action}};
}

std::vector<Case> cases() {
  std::vector<Case> v;
  const auto dep = depUpdate();
  // analyzer
  v.push_back({"analyzer matches", json::array({rule({{"analyzer", "dependencies"}}, "automerge")}),
               dep, Action::Automerge, "r"});
  v.push_back({"analyzer list misses",
               json::array({rule({{"analyzer", {"deadcode", "runbooks"}}}, "automerge")}), dep,
               Action::Review, "defaults.review"});
  // ecosystem
  v.push_back({"ecosystem matches",
               json::array({rule({{"ecosystem", {"npm", "pypi"}}}, "automerge")}), dep,
               Action::Automerge, "r"});
  v.push_back({"ecosystem misses", json::array({rule({{"ecosystem", "go"}}, "automerge")}), dep,
               Action::Review, "defaults.review"});
  // packages: globs, regex, every package must match
  v.push_back({"package glob", json::array({rule({{"packages", "lod*"}}, "automerge")}), dep,
               Action::Automerge, "r"});
  v.push_back({"package regex", json::array({rule({{"packages", "/^lo.ash$/"}}, "automerge")}), dep,
               Action::Automerge, "r"});
  v.push_back({"scoped glob does not cross the slash",
               json::array({rule({{"packages", "@types*"}}, "automerge")}),
               with(dep, [](auto& c) { c.facts.packages = {"@types/node"}; }), Action::Review,
               "defaults.review"});
  v.push_back({"scoped glob", json::array({rule({{"packages", "@types/*"}}, "automerge")}),
               with(dep,
                    [](auto& c) {
                      c.facts.packages = {"@types/node", "@types/react"};
                    }),
               Action::Automerge, "r"});
  v.push_back({"one package of a group misses",
               json::array({rule({{"packages", "@types/*"}}, "automerge")}),
               with(dep,
                    [](auto& c) {
                      c.facts.packages = {"@types/node", "react"};
                    }),
               Action::Review, "defaults.review"});
  v.push_back({"no package named", json::array({rule({{"packages", "*"}}, "automerge")}),
               with(dep, [](auto& c) { c.facts.packages.clear(); }), Action::Review,
               "defaults.review"});
  // dependency type
  v.push_back({"dependency type", json::array({rule({{"dependencyType", "prod"}}, "draft")}), dep,
               Action::Draft, "r"});
  v.push_back({"dependency type misses",
               json::array({rule({{"dependencyType", {"dev", "peer"}}}, "draft")}), dep,
               Action::Review, "defaults.review"});
  // update type
  v.push_back({"update type",
               json::array({rule({{"updateType", {"minor", "patch"}}}, "automerge")}), dep,
               Action::Automerge, "r"});
  v.push_back({"update type misses", json::array({rule({{"updateType", "patch"}}, "automerge")}),
               dep, Action::Review, "defaults.review"});
  // release age
  v.push_back({"old enough", json::array({rule({{"minReleaseAgeDays", 10}}, "automerge")}), dep,
               Action::Automerge, "r"});
  v.push_back({"too young", json::array({rule({{"minReleaseAgeDays", 11}}, "automerge")}), dep,
               Action::Review, "defaults.review"});
  v.push_back({"age unknown never matches a minimum",
               json::array({rule({{"minReleaseAgeDays", 0}}, "automerge")}),
               with(dep, [](auto& c) { c.facts.releaseAgeDays = -1; }), Action::Review,
               "defaults.review"});
  // files / lines
  v.push_back({"max files", json::array({rule({{"maxFiles", 1}}, "automerge")}), dep,
               Action::Automerge, "r"});
  v.push_back({"too many files", json::array({rule({{"maxFiles", 1}}, "automerge")}),
               with(dep, [](auto& c) { c.edits.push_back(edit("b/package.json")); }),
               Action::Review, "defaults.review"});
  v.push_back({"max lines", json::array({rule({{"maxLines", 3}}, "automerge")}),
               with(dep, [](auto& c) { c.edits = {edit("package.json", 3)}; }), Action::Automerge,
               "r"});
  v.push_back({"too many lines", json::array({rule({{"maxLines", 3}}, "automerge")}),
               with(dep, [](auto& c) { c.facts.linesTouched = 4; }), Action::Review,
               "defaults.review"});
  // paths (some) and allPaths (every)
  v.push_back({"paths: some file", json::array({rule({{"paths", "docs/**"}}, "skip")}),
               with(dep,
                    [](auto& c) {
                      c.edits = {edit("docs/a.md"), edit("src/a.js")};
                    }),
               Action::Skip, "r"});
  v.push_back({"paths: none", json::array({rule({{"paths", "docs/**"}}, "skip")}), dep,
               Action::Review, "defaults.review"});
  v.push_back({"allPaths: every file",
               json::array({rule({{"allPaths", {"docs/**", "*.md"}}}, "automerge")}),
               with(dep,
                    [](auto& c) {
                      c.edits = {edit("docs/a.md"), edit("README.md")};
                    }),
               Action::Automerge, "r"});
  v.push_back({"allPaths: one outside", json::array({rule({{"allPaths", "docs/**"}}, "automerge")}),
               with(dep,
                    [](auto& c) {
                      c.edits = {edit("docs/a.md"), edit("src/a.js")};
                    }),
               Action::Review, "defaults.review"});
  // confidence
  v.push_back({"min confidence", json::array({rule({{"minConfidence", 0.9}}, "automerge")}),
               with(dep, [](auto& c) { c.facts.confidence = 0.9; }), Action::Automerge, "r"});
  v.push_back({"confidence too low", json::array({rule({{"minConfidence", 0.9}}, "automerge")}),
               with(dep, [](auto& c) { c.facts.confidence = 0.89; }), Action::Review,
               "defaults.review"});
  v.push_back({"confidence below", json::array({rule({{"confidenceBelow", 0.7}}, "skip")}),
               with(dep, [](auto& c) { c.facts.confidence = 0.6; }), Action::Skip, "r"});
  // booleans
  v.push_back({"lockfileStale true", json::array({rule({{"lockfileStale", true}}, "draft")}),
               with(dep, [](auto& c) { c.facts.lockfileStale = true; }), Action::Draft, "r"});
  v.push_back({"lockfileStale false", json::array({rule({{"lockfileStale", false}}, "automerge")}),
               dep, Action::Automerge, "r"});
  v.push_back({"safe", json::array({rule({{"safe", true}}, "automerge")}),
               with(dep, [](auto& c) { c.facts.safe = true; }), Action::Automerge, "r"});
  v.push_back({"deletesFiles", json::array({rule({{"deletesFiles", true}}, "draft")}),
               with(dep, [](auto& c) { c.edits.push_back(removal("old.js")); }), Action::Draft,
               "r"});
  v.push_back({"deletesFiles false", json::array({rule({{"deletesFiles", false}}, "automerge")}),
               dep, Action::Automerge, "r"});
  // rule ids, labels
  v.push_back({"rule id glob", json::array({rule({{"ruleIds", "python.*"}}, "automerge")}),
               with(dep,
                    [](auto& c) {
                      c.facts.ruleIds = {"node.x", "python.imp"};
                    }),
               Action::Automerge, "r"});
  v.push_back({"rule id misses", json::array({rule({{"ruleIds", "python.*"}}, "automerge")}),
               with(dep, [](auto& c) { c.facts.ruleIds = {"node.x"}; }), Action::Review,
               "defaults.review"});
  v.push_back({"labels all present", json::array({rule({{"labels", {"a", "b"}}}, "automerge")}),
               with(dep,
                    [](auto& c) {
                      c.facts.labels = {"b", "a", "c"};
                    }),
               Action::Automerge, "r"});
  v.push_back({"a label missing", json::array({rule({{"labels", {"a", "b"}}}, "automerge")}),
               with(dep, [](auto& c) { c.facts.labels = {"a"}; }), Action::Review,
               "defaults.review"});
  // combinations: every field must hold
  v.push_back({"combination holds",
               json::array({rule({{"ecosystem", "npm"},
                                  {"updateType", "minor"},
                                  {"dependencyType", "prod"},
                                  {"minReleaseAgeDays", 7},
                                  {"maxFiles", 2},
                                  {"packages", "lodash"}},
                                 "automerge")}),
               dep, Action::Automerge, "r"});
  v.push_back(
      {"combination: one field fails",
       json::array({rule({{"ecosystem", "npm"}, {"updateType", "minor"}, {"dependencyType", "dev"}},
                         "automerge")}),
       dep, Action::Review, "defaults.review"});
  // order: first match wins
  v.push_back({"first match wins",
               json::array({rule({{"ecosystem", "npm"}}, "draft", "first"),
                            rule({{"packages", "lodash"}}, "automerge", "second")}),
               dep, Action::Draft, "first"});
  v.push_back({"a later rule decides when earlier ones miss",
               json::array({rule({{"ecosystem", "go"}}, "draft", "first"),
                            rule({{"packages", "lodash"}}, "automerge", "second")}),
               dep, Action::Automerge, "second"});
  v.push_back({"empty match matches everything", json::array({rule(json::object(), "skip")}), dep,
               Action::Skip, "r"});
  // repository rules come before the built-in defaults (they may override them)
  v.push_back(
      {"a repository rule overrides the major default",
       json::array({rule({{"updateType", "major"}, {"dependencyType", "dev"}}, "automerge")}),
       with(dep,
            [](auto& c) {
              c.facts.updateType = "major";
              c.facts.dependencyType = "dev";
            }),
       Action::Automerge, "r"});
  // built-in defaults
  v.push_back({"default: dev minor released >= 3 days ago", json::array(),
               with(dep,
                    [](auto& c) {
                      c.facts.dependencyType = "dev";
                      c.facts.releaseAgeDays = 3;
                    }),
               Action::Automerge, "defaults.dev-minor-patch"});
  v.push_back({"default: dev patch released 2 days ago", json::array(),
               with(dep,
                    [](auto& c) {
                      c.facts.dependencyType = "dev";
                      c.facts.updateType = "patch";
                      c.facts.releaseAgeDays = 2;
                    }),
               Action::Review, "defaults.review"});
  v.push_back({"default: prod minor", json::array(), dep, Action::Review, "defaults.review"});
  v.push_back({"default: dev major", json::array(),
               with(dep,
                    [](auto& c) {
                      c.facts.dependencyType = "dev";
                      c.facts.updateType = "major";
                    }),
               Action::Review, "defaults.major-update"});
  v.push_back({"default: stale lockfile", json::array(),
               with(dep,
                    [](auto& c) {
                      c.facts.dependencyType = "dev";
                      c.facts.lockfileStale = true;
                    }),
               Action::Review, "defaults.lockfile-stale"});
  v.push_back({"default: workflow edit", json::array(),
               with(dep,
                    [](auto& c) {
                      c.facts.dependencyType = "dev";
                      c.edits = {edit(".github/workflows/ci.yml")};
                    }),
               Action::Review, "defaults.protected-path"});
  v.push_back({"default: dead code", json::array(),
               with(dep,
                    [](auto& c) {
                      c.facts.analyzer = "deadcode";
                      c.facts.updateType = "delete";
                    }),
               Action::Review, "defaults.dead-code"});
  v.push_back({"default: runbooks", json::array(),
               with(dep,
                    [](auto& c) {
                      c.facts.analyzer = "runbooks";
                      c.facts.updateType = "docs";
                    }),
               Action::Review, "defaults.generated-docs"});
  v.push_back({"default: low confidence", json::array(),
               with(dep, [](auto& c) { c.facts.confidence = 0.2; }), Action::Draft,
               "defaults.low-confidence"});
  v.push_back({"no edits: skipped before any rule",
               json::array({rule(json::object(), "automerge")}),
               with(dep, [](auto& c) { c.edits.clear(); }), Action::Skip, "defaults.no-edits"});
  return v;
}

TEST(PolicyEngine, DecidesTheTable) {
  const auto table = cases();
  ASSERT_GE(table.size(), 40u);
  for (const auto& c : table) {
    SCOPED_TRACE(c.name);
    const auto engine = PolicyEngine::fromConfig(c.rules, ".github/ddd.json");
    const Decision d = engine.decide(c.change);
    EXPECT_EQ(toString(d.action), std::string(toString(c.action)));
    EXPECT_EQ(d.rule, c.rule);
    EXPECT_FALSE(d.reasons.empty());
    ASSERT_FALSE(d.trace.empty());
    EXPECT_TRUE(d.trace.back().decided);
    EXPECT_EQ(d.trace.back().rule, c.rule);
    // Every rule before the decider was considered and did not match.
    for (size_t i = 0; i + 1 < d.trace.size(); ++i) {
      EXPECT_FALSE(d.trace[i].matched) << d.trace[i].rule;
      EXPECT_FALSE(d.trace[i].failed.empty()) << d.trace[i].rule;
    }
  }
}

TEST(PolicyEngine, ServerEnforcedRulesComeFirstAndServerDefaultsAfterTheRepository) {
  const json server = {
      {"enforced",
       json::array({rule({{"updateType", "major"}}, "review", "org-no-major-automerge")})},
      {"defaults", json::array({rule({{"ecosystem", "npm"}}, "draft", "org-npm-drafts")})}};
  const auto sp = parseServerPolicies(server, "server config /etc/ddd.json");
  const json repo = json::array({rule({{"packages", "lodash"}}, "automerge", "repo-lodash")});
  const auto engine = PolicyEngine::fromConfig(repo, ".ddd.json", sp);

  auto major = with(depUpdate(), [](auto& c) { c.facts.updateType = "major"; });
  Decision d = engine.decide(major);
  EXPECT_EQ(d.rule, "org-no-major-automerge");
  EXPECT_EQ(d.action, Action::Review);
  EXPECT_NE(d.source.find("server enforced"), std::string::npos) << d.source;

  d = engine.decide(depUpdate());
  EXPECT_EQ(d.rule, "repo-lodash");
  EXPECT_NE(d.source.find("repository .ddd.json /policies/0"), std::string::npos) << d.source;

  d = engine.decide(with(depUpdate(), [](auto& c) { c.facts.packages = {"react"}; }));
  EXPECT_EQ(d.rule, "org-npm-drafts");
  EXPECT_EQ(d.action, Action::Draft);
}

TEST(PolicyEngine, DecidingRuleCarriesItsPullRequestSettings) {
  const json repo = json::array({{{"name", "deps"},
                                  {"match", {{"analyzer", "dependencies"}}},
                                  {"action", "review"},
                                  {"reviewers", {"alice", "org/platform", "@codeowners"}},
                                  {"labels", {"deps"}},
                                  {"mergeMethod", "squash"},
                                  {"requiredChecks", {"build"}},
                                  {"mergeOnApproval", true}}});
  const auto owners = Codeowners::parse("* @default\npackage.json @js-team alice\n");
  const Decision d = PolicyEngine::fromConfig(repo, ".ddd.json").decide(depUpdate(), owners);
  EXPECT_EQ(d.reviewers, (std::vector<std::string>{"alice", "org/platform", "@js-team"}));
  EXPECT_EQ(d.labels, std::vector<std::string>{"deps"});
  EXPECT_EQ(d.mergeMethod, "squash");
  EXPECT_EQ(d.requiredChecks, std::vector<std::string>{"build"});
  EXPECT_TRUE(d.mergeOnApproval);
}

TEST(PolicyEngine, SaysWhenNoCodeOwnerCoversTheChange) {
  const json repo = json::array(
      {{{"match", json::object()}, {"action", "review"}, {"reviewers", {"@codeowners"}}}});
  const Decision d = PolicyEngine::fromConfig(repo, ".ddd.json").decide(depUpdate());
  EXPECT_TRUE(d.reviewers.empty());
  bool said = false;
  for (const auto& r : d.reasons) said |= r.find("no CODEOWNERS entry") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(PolicyEngine, ExplanationShowsFactsRulesAndGuards) {
  const json repo = json::array({rule({{"ecosystem", "go"}}, "draft", "go-drafts"),
                                 rule({{"packages", "lodash"}}, "automerge", "lodash")});
  const Decision d = PolicyEngine::fromConfig(repo, ".ddd.json").decide(depUpdate());
  const std::string md = explainMarkdown(d);
  EXPECT_EQ(explanationHeading(d.action), "Why this PR will be merged automatically");
  EXPECT_NE(md.find("Decided by rule `lodash`"), std::string::npos) << md;
  EXPECT_NE(md.find("ecosystem npm is not one of go"), std::string::npos) << md;
  EXPECT_NE(md.find("every package (lodash) matches lodash"), std::string::npos) << md;
  EXPECT_NE(md.find("update type: minor"), std::string::npos) << md;
  EXPECT_NE(md.find("the head is the commit ddd pushed"), std::string::npos) << md;
  const std::string text = explainText(d, "  ");
  EXPECT_NE(text.find("=> lodash"), std::string::npos) << text;
  EXPECT_NE(text.find("-  go-drafts"), std::string::npos) << text;
  EXPECT_NE(text.find("no:  ecosystem npm is not one of go"), std::string::npos) << text;
}

TEST(PolicyEngine, ReviewDecisionsListEveryDefaultCaution) {
  auto c = with(depUpdate(), [](auto& c) {
    c.facts.updateType = "major";
    c.facts.lockfileStale = true;
    c.edits.push_back(edit(".github/workflows/ci.yml"));
  });
  const Decision d = decideWithDefaults(c);
  EXPECT_EQ(d.rule, "defaults.protected-path");
  auto has = [&](const std::string& s) {
    for (const auto& r : d.reasons) {
      if (r.find(s) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("touches .github/workflows/ci.yml"));
  EXPECT_TRUE(has("update type major"));
  EXPECT_TRUE(has("the lockfile needs regenerating"));
}

// The fast matcher (no text) and the explaining one must always agree.
TEST(PolicyEngine, FastMatcherAgreesWithExplanationsOnRandomChanges) {
  std::mt19937 rng(7);
  auto pick = [&](std::vector<std::string> v) { return v[rng() % v.size()]; };
  std::vector<json> matches = {{{"analyzer", "dependencies"}},
                               {{"ecosystem", {"npm", "go"}}},
                               {{"packages", {"a*", "/^b/"}}},
                               {{"dependencyType", "dev"}},
                               {{"updateType", {"minor", "patch"}}},
                               {{"minReleaseAgeDays", 3}},
                               {{"maxFiles", 2}},
                               {{"maxLines", 3}},
                               {{"paths", "src/**"}},
                               {{"allPaths", "*.json"}},
                               {{"minConfidence", 0.5}},
                               {{"confidenceBelow", 0.5}},
                               {{"lockfileStale", true}},
                               {{"safe", false}},
                               {{"deletesFiles", true}},
                               {{"labels", "x"}},
                               {{"ruleIds", "p.*"}}};
  std::vector<Rule> rules;
  for (size_t i = 0; i < 200; ++i) {
    json m = json::object();
    for (int k = 0; k < 3; ++k) m.update(matches[rng() % matches.size()]);
    rules.push_back(parseRule(rule(m, "review"), "test", "/rules/" + std::to_string(i)));
  }
  // 2,000 random changes against 200 rules in Release; a quarter of the changes in
  // sanitizer and Debug builds (tests/support/build_speed.h).
  constexpr int kChanges = ddd::testing::kSlowBuild ? 500 : 2000;
  for (int n = 0; n < kChanges; ++n) {
    ProposedChange c;
    c.facts.analyzer = pick({"dependencies", "deadcode", "deprecations"});
    c.facts.ecosystem = pick({"npm", "go", "pypi", ""});
    c.facts.dependencyType = pick({"dev", "prod", ""});
    c.facts.updateType = pick({"minor", "patch", "major"});
    c.facts.releaseAgeDays = static_cast<int64_t>(rng() % 6) - 1;
    c.facts.confidence = (rng() % 11) / 10.0;
    c.facts.lockfileStale = rng() % 2;
    c.facts.safe = rng() % 2;
    if (rng() % 2) c.facts.labels = {"x"};
    if (rng() % 2) c.facts.ruleIds = {pick({"p.a", "q.b"})};
    for (unsigned k = rng() % 3; k > 0; --k) c.facts.packages.push_back(pick({"ab", "ba", "cc"}));
    for (unsigned k = rng() % 4; k > 0; --k) {
      c.edits.push_back(rng() % 5 ? edit(pick({"src/a.js", "package.json", "b.json"}),
                                         static_cast<int>(rng() % 3) + 1)
                                  : removal("src/old.js"));
    }
    const PreparedChange pc(c);
    for (const auto& r : rules) {
      ASSERT_EQ(ruleMatches(r, pc), checkRule(r, pc).matched)
          << "rule " << r.name << " change " << n;
    }
  }
}

TEST(PolicyRules, RejectInvalidRulesNamingTheField) {
  struct Bad {
    json rules;
    std::string says;
  };
  const std::vector<Bad> bad = {
      {json::object(), "/policies: expected an array of rules"},
      {json::array({42}), "/policies/0: a policy rule must be an object"},
      {json::array({{{"match", json::object()}}}),
       "/policies/0/action: every rule needs an action"},
      {json::array({{{"action", "merge"}}}), "/policies/0/action: \"merge\" is not one of"},
      {json::array({{{"action", "review"}, {"match", {{"updateType", "huge"}}}}}),
       "/policies/0/match/updateType: \"huge\" is not one of major"},
      {json::array({{{"action", "review"}, {"match", {{"packges", "x"}}}}}),
       "/policies/0/match/packges: unknown match field"},
      {json::array({{{"action", "review"}, {"match", {{"packages", "/(/"}}}}}),
       "/policies/0/match/packages: the regular expression /(/ does not compile"},
      {json::array({{{"action", "review"}, {"match", {{"paths", "src/[a"}}}}}),
       "/policies/0/match/paths"},
      {json::array({{{"action", "review"}, {"match", {{"minConfidence", 2}}}}}),
       "/policies/0/match/minConfidence: expected a number from 0 to 1"},
      {json::array({{{"action", "review"}, {"match", {{"maxFiles", -1}}}}}),
       "/policies/0/match/maxFiles: expected a whole number"},
      {json::array({{{"action", "review"}, {"mergeMethod", "fast-forward"}}}),
       "/policies/0/mergeMethod: \"fast-forward\" is not one of merge, squash, rebase"},
      {json::array({{{"action", "review"}, {"mergeOnApproval", "yes"}}}),
       "/policies/0/mergeOnApproval: expected true or false"},
      {json::array({{{"action", "review"}, {"automerge", true}}}),
       "/policies/0/automerge: unknown rule field"},
      {json::array({{{"name", "a"}, {"action", "review"}}, {{"name", "a"}, {"action", "skip"}}}),
       "/policies/1/name: another rule is already named \"a\""},
  };
  for (const auto& b : bad) {
    SCOPED_TRACE(b.rules.dump());
    try {
      PolicyEngine::fromConfig(b.rules, ".github/ddd.json");
      ADD_FAILURE() << "accepted";
    } catch (const PolicyError& e) {
      EXPECT_NE(std::string(e.what()).find(b.says), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("repository .github/ddd.json"), std::string::npos)
          << e.what();
    }
  }
  EXPECT_THROW(parseServerPolicies({{"enforce", json::array()}}, "server"), PolicyError);
}

}  // namespace
}  // namespace ddd::policies

namespace ddd::policies {
namespace {

TEST(PolicyEngine, BriefAndFullExplanationsMakeTheSameDecision) {
  const json repo = json::array({rule({{"ecosystem", "go"}}, "draft", "go"),
                                 rule({{"packages", "l*"}, {"maxFiles", 1}}, "automerge", "l"),
                                 rule({{"dependencyType", "dev"}}, "skip", "dev")});
  const auto engine = PolicyEngine::fromConfig(repo, ".ddd.json");
  std::mt19937 rng(3);
  for (int n = 0; n < 500; ++n) {
    auto c = depUpdate();
    c.facts.ecosystem = rng() % 3 ? "npm" : "go";
    c.facts.packages = {rng() % 2 ? "lodash" : "react"};
    c.facts.dependencyType = rng() % 2 ? "dev" : "prod";
    c.facts.updateType = rng() % 4 ? "minor" : "major";
    if (rng() % 2) c.edits.push_back(edit("b.json"));
    const Decision full = engine.decide(c);
    const Decision brief = engine.decide(c, {}, Explain::Brief);
    ASSERT_EQ(full.action, brief.action);
    ASSERT_EQ(full.rule, brief.rule);
    ASSERT_EQ(brief.trace.size(), 1u);
    EXPECT_TRUE(brief.trace[0].decided);
    // Brief keeps the deciding rule's own reasons (Full may add later cautions).
    for (size_t i = 0; i < brief.reasons.size(); ++i) ASSERT_EQ(full.reasons[i], brief.reasons[i]);
  }
}

}  // namespace
}  // namespace ddd::policies
