// The dependency analyzer on real trees: inventory, libyears, update types, proposals
// that change only the version spans, grouping, release age, lockfiles, and bad input.
// Registry answers come in the npm registry's real packument format from a table
// keyed by URL, standing in for the network (the HTTP client has its own tests).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <mutex>

#include "analyzers/dependencies/analyzer.h"
#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/registry_settings.h"
#include "analyzers/source_tree.h"

namespace ddd::analyzers::deps {
namespace {

constexpr std::time_t kNow = 1764000000;  // 2025-11-24

// Answers GET <base>/<name> with packuments; counts requests; 404 for anything else.
class RegistryTable : public RegistryHttp {
 public:
  std::map<std::string, std::string> bodies;
  std::vector<std::string> asked;
  HttpResponse get(const HttpRequest& r) override {
    std::lock_guard<std::mutex> lock(mutex_);
    asked.push_back(r.url);
    auto it = bodies.find(r.url);
    if (it == bodies.end()) return {404, {}, "{\"error\":\"Not found\"}", ""};
    if (it->second == "503") return {503, {}, "", ""};
    return {200, {{"Content-Type", "application/json"}}, it->second, ""};
  }

 private:
  std::mutex mutex_;
};

std::string packument(const std::string& name,
                      const std::vector<std::pair<std::string, std::string>>& versions,
                      const std::string& latest, const std::string& deprecated = "") {
  nlohmann::json j;
  j["name"] = name;
  j["dist-tags"] = {{"latest", latest}};
  j["time"] = nlohmann::json::object();
  j["versions"] = nlohmann::json::object();
  for (const auto& [v, date] : versions) {
    j["versions"][v] = {{"name", name}, {"version", v}};
    if (v == deprecated) j["versions"][v]["deprecated"] = "no longer maintained";
    j["time"][v] = date;
  }
  j["repository"] = {{"type", "git"}, {"url", "git+https://github.com/example/" + name + ".git"}};
  return j.dump();
}

struct Fixture {
  RegistryTable registry;
  RegistrySettings settings;
  Fixture() {
    settings.setDefault("npm", {"https://npm.test"});
    registry.bodies["https://npm.test/lodash"] =
        packument("lodash",
                  {{"4.17.15", "2019-07-19T02:28:46.584Z"},
                   {"4.17.20", "2020-08-13T16:53:54.152Z"},
                   {"4.17.21", "2021-02-20T15:42:16.891Z"}},
                  "4.17.21");
    registry.bodies["https://npm.test/react"] = packument("react",
                                                          {{"17.0.2", "2021-03-22T21:56:19.536Z"},
                                                           {"18.2.0", "2022-06-14T19:46:38.369Z"},
                                                           {"18.3.1", "2024-04-26T16:42:53.000Z"},
                                                           {"19.0.0", "2024-12-05T18:10:24.000Z"}},
                                                          "19.0.0");
    registry.bodies["https://npm.test/request"] = packument(
        "request", {{"2.88.0", "2018-07-16T00:00:00Z"}, {"2.88.2", "2020-02-11T16:42:48.000Z"}},
        "2.88.2", "2.88.2");
    registry.bodies["https://npm.test/fresh"] = packument(
        "fresh", {{"1.0.0", "2020-01-01T00:00:00Z"}, {"1.1.0", "2025-11-23T00:00:00Z"}}, "1.1.0");
  }
  AnalysisResult run(MemorySourceTree& tree, nlohmann::json config = nlohmann::json::object()) {
    AnalyzerContext ctx;
    ctx.now = kNow;
    ctx.registry = &registry;
    ctx.registrySettings = &settings;
    ctx.config = std::move(config);
    return DependencyAnalyzer().run(tree, ctx);
  }
};

const char* kManifest = R"({
  "name": "app",
  "dependencies": {
    "lodash": "^4.17.15",
    "react": "^17.0.2",
    "request": "2.88.2",
    "local": "file:../local"
  },
  "devDependencies": {
    "fresh": "~1.0.0"
  }
}
)";

const nlohmann::json* dep(const AnalysisResult& r, const std::string& name) {
  for (const auto& d : r.details["dependencies"]) {
    if (d["name"] == name) return &d;
  }
  return nullptr;
}

TEST(DependencyAnalyzer, InventoryWithLibyearsUpdateTypesAndFlags) {
  Fixture fx;
  MemorySourceTree tree(std::map<std::string, std::string>{{"package.json", kManifest}});
  auto r = fx.run(tree);
  ASSERT_EQ(r.details["dependencies"].size(), 5u);
  const auto* lodash = dep(r, "lodash");
  ASSERT_TRUE(lodash);
  EXPECT_EQ((*lodash)["used"], "4.17.15");  // no lockfile: the range's floor
  EXPECT_EQ((*lodash)["latest"], "4.17.21");
  EXPECT_EQ((*lodash)["latestSatisfying"], "4.17.21");
  EXPECT_EQ((*lodash)["updateType"], "patch");
  EXPECT_EQ((*lodash)["versionsBehind"], 2);
  EXPECT_NEAR((*lodash)["libyear"].get<double>(), 1.59, 0.01);
  EXPECT_EQ((*dep(r, "react"))["updateType"], "major");
  EXPECT_EQ((*dep(r, "request"))["deprecated"], true);
  EXPECT_EQ((*dep(r, "local"))["skipReason"], "local-path");
  // fresh 1.1.0 is a day old: not proposed, and said so.
  EXPECT_EQ((*dep(r, "fresh"))["proposed"], "");
  EXPECT_EQ((*dep(r, "fresh"))["heldByReleaseAge"], true);
  const auto& s = r.details["summary"];
  EXPECT_EQ(s["total"], 5);
  EXPECT_EQ(s["outdated"], 3);
  EXPECT_EQ(s["updatesByType"]["major"], 1);
  EXPECT_EQ(s["deprecated"], 1);
  EXPECT_GT(s["libyears"].get<double>(), 5);
  // Each package asked once.
  EXPECT_EQ(fx.registry.asked.size(), 4u);
}

TEST(DependencyAnalyzer, ProposalsChangeOnlyTheVersionSpans) {
  Fixture fx;
  MemorySourceTree tree(std::map<std::string, std::string>{{"package.json", kManifest}});
  auto r = fx.run(tree);
  ASSERT_EQ(r.changes.size(), 2u);  // lodash (patch), react (major); request is current
  const auto& lodash = r.changes[0];
  EXPECT_EQ(lodash.id, "deps/npm-lodash-4.x");
  EXPECT_EQ(lodash.branch(), "ddd/deps/npm-lodash-4.x");
  ASSERT_EQ(lodash.edits.size(), 1u);
  std::string expected = kManifest;
  expected.replace(expected.find("^4.17.15"), 8, "^4.17.21");
  EXPECT_EQ(*lodash.edits[0].newContent, expected);
  EXPECT_EQ(lodash.facts.updateType, "patch");
  EXPECT_EQ(lodash.facts.dependencyType, "prod");
  EXPECT_EQ(lodash.facts.packages, std::vector<std::string>{"lodash"});
  EXPECT_NE(lodash.whatChanges.find("| `lodash` | patch | `^4.17.15` → `^4.17.21`"),
            std::string::npos)
      << lodash.whatChanges;
  EXPECT_NE(lodash.whatChanges.find("https://github.com/example/lodash/releases"),
            std::string::npos);
  const auto& react = r.changes[1];
  EXPECT_EQ(react.id, "deps/npm-react-19.x");
  EXPECT_EQ(react.facts.updateType, "major");
  EXPECT_NE(react.risk.find("**Breaking**"), std::string::npos);
  EXPECT_NE(react.edits[0].newContent->find("\"react\": \"^19.0.0\""), std::string::npos);
}

// Ignore rules: a name alone drops the dependency (not even looked up); update types or
// versions only keep those from being proposed; malformed rules are clear errors.
TEST(DependencyAnalyzer, IgnoreRulesByNameUpdateTypeAndVersion) {
  Fixture fx;
  MemorySourceTree tree(std::map<std::string, std::string>{{"package.json", kManifest}});
  auto proposedFor = [](const AnalysisResult& r, const std::string& name) {
    const auto* d = dep(r, name);
    return d ? (*d)["proposed"].get<std::string>() : std::string("<absent>");
  };
  auto all = fx.run(tree, {{"ignore", {"lodash"}}});
  EXPECT_EQ(all.changes.size(), 1u);  // react only
  EXPECT_EQ(std::count(fx.registry.asked.begin(), fx.registry.asked.end(), "https://npm.test/lodash"), 0);

  auto majors = fx.run(tree, {{"ignore", {{{"name", "react"}, {"updateTypes", {"major"}}, {"source", "@jane"}}}}});
  EXPECT_EQ(proposedFor(majors, "react"), "");
  EXPECT_EQ((*dep(majors, "react"))["ignoredBy"], "@jane");
  EXPECT_EQ((*dep(majors, "react"))["latest"], "19.0.0");  // still reported as behind
  EXPECT_EQ(proposedFor(majors, "lodash"), "4.17.21");

  auto version = fx.run(tree, {{"ignore", {{{"name", "react"}, {"versions", {"19.0.0"}}}}}});
  EXPECT_EQ(proposedFor(version, "react"), "18.3.1");
  EXPECT_EQ((*dep(version, "react"))["ignoredBy"], "config");

  auto patches = fx.run(tree, {{"ignore", {{{"name", "lodash"}, {"updateTypes", {"patch"}}}}}});
  EXPECT_EQ(proposedFor(patches, "lodash"), "");

  for (const auto& bad : {nlohmann::json{{"ignore", "lodash"}},
                          nlohmann::json{{"ignore", {{{"name", "react"}, {"updateTypes", {"huge"}}}}}},
                          nlohmann::json{{"ignore", {{{"updateTypes", {"major"}}}}}},
                          nlohmann::json{{"ignore", {{{"name", "x"}, {"typo", 1}}}}}}) {
    EXPECT_THROW(parseDependencyOptions(bad), std::invalid_argument) << bad.dump();
  }
}

TEST(DependencyAnalyzer, GroupingAndStrategies) {
  Fixture fx;
  MemorySourceTree tree(std::map<std::string, std::string>{{"package.json", kManifest}});
  auto grouped = fx.run(tree, {{"grouping", "non-major"}, {"minimumReleaseAgeDays", 0}});
  std::vector<std::string> ids;
  for (const auto& c : grouped.changes) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"deps/npm-non-major", "deps/npm-react-19.x"}));
  EXPECT_EQ(grouped.changes[0].facts.packages, (std::vector<std::string>{"fresh", "lodash"}));
  EXPECT_EQ(grouped.changes[0].facts.dependencyType, "prod");  // mixed: the cautious type

  auto replace = fx.run(tree, {{"rangeStrategy", "replace"}});
  ASSERT_EQ(replace.changes.size(), 1u);  // ^4.17.15 already admits 4.17.21
  EXPECT_EQ(replace.changes[0].id, "deps/npm-react-19.x");

  auto pin = fx.run(tree, {{"rangeStrategy", "pin"}});
  std::map<std::string, std::string> pinned;  // change id -> its update type
  for (const auto& c : pin.changes) {
    pinned[c.id] = c.facts.updateType;
    if (c.id == "deps/npm-lodash-4.x") {
      EXPECT_NE(c.edits[0].newContent->find("\"lodash\": \"4.17.21\""), std::string::npos);
    }
  }
  // fresh's 1.1.0 is too young: ~1.0.0 is pinned to the 1.0.0 in use instead.
  EXPECT_EQ(pinned, (std::map<std::string, std::string>{{"deps/npm-fresh-1.x", "pin"},
                                                        {"deps/npm-lodash-4.x", "patch"},
                                                        {"deps/npm-react-19.x", "major"}}));
  EXPECT_THROW(fx.run(tree, {{"rangeStrategy", "sideways"}}), std::invalid_argument);
}

// A major update next to fixes of the major in use: two changes, the major on its own
// branch and the newest 18.x as a non-major one (grouped with the other non-majors when
// asked); the inventory row names both. Off, only the major.
TEST(DependencyAnalyzer, AMajorUpdateAlsoProposesTheNewestOfTheMajorInUse) {
  Fixture fx;
  MemorySourceTree tree(std::map<std::string, std::string>{
      {"package.json", R"({"dependencies": {"react": "^18.2.0", "lodash": "^4.17.15"}})"}});
  auto r = fx.run(tree);
  std::vector<std::string> ids;
  for (const auto& c : r.changes) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"deps/npm-lodash-4.x", "deps/npm-react-18.x",
                                           "deps/npm-react-19.x"}));
  for (const auto& c : r.changes) {
    ASSERT_EQ(c.edits.size(), 1u);
    const std::string& text = *c.edits[0].newContent;
    if (c.id == "deps/npm-react-18.x") {
      EXPECT_NE(text.find("\"react\": \"^18.3.1\""), std::string::npos) << text;
      EXPECT_EQ(c.facts.updateType, "minor");
    }
    if (c.id == "deps/npm-react-19.x") {
      EXPECT_NE(text.find("\"react\": \"^19.0.0\""), std::string::npos) << text;
      EXPECT_EQ(c.facts.updateType, "major");
    }
  }
  const auto* row = dep(r, "react");
  EXPECT_EQ((*row)["proposed"], "19.0.0");
  EXPECT_EQ((*row)["proposedInMajor"], "18.3.1");
  size_t rows = 0, majorFindings = 0;
  for (const auto& d : r.details["dependencies"]) rows += d["name"] == "react";
  for (const auto& f : r.findings) majorFindings += f.rule == "dependencies.major-available";
  EXPECT_EQ(rows, 1u);
  EXPECT_EQ(majorFindings, 1u);

  auto grouped = fx.run(tree, {{"grouping", "non-major"}});
  ids.clear();
  for (const auto& c : grouped.changes) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"deps/npm-non-major", "deps/npm-react-19.x"}));
  EXPECT_EQ(grouped.changes[0].facts.packages, (std::vector<std::string>{"lodash", "react"}));

  auto off = fx.run(tree, {{"inMajorUpdates", false}});
  ASSERT_EQ(off.changes.size(), 2u);
  EXPECT_EQ(off.changes[1].id, "deps/npm-react-19.x");
  EXPECT_FALSE(dep(off, "react")->contains("proposedInMajor"));
  EXPECT_THROW(parseDependencyOptions({{"inMajorUpdates", "yes"}}), std::invalid_argument);
}

TEST(DependencyAnalyzer, LockfileVersionsAndStaleness) {
  Fixture fx;
  MemorySourceTree tree(
      {{"package.json", kManifest},
       {"package-lock.json",
        R"({"lockfileVersion": 3, "packages": {"": {}, "node_modules/lodash": {"version": "4.17.20"}}})"}});
  auto r = fx.run(tree);
  EXPECT_EQ((*dep(r, "lodash"))["used"], "4.17.20");
  EXPECT_EQ((*dep(r, "lodash"))["lockedVersion"], "4.17.20");
  ASSERT_FALSE(r.changes.empty());
  EXPECT_TRUE(r.changes[0].facts.lockfileStale);
  EXPECT_NE(r.changes[0].risk.find("npm install"), std::string::npos);
}

TEST(DependencyAnalyzer, BadManifestsAndRegistriesDoNotStopTheScan) {
  Fixture fx;
  fx.registry.bodies["https://npm.test/lodash"] = "503";
  MemorySourceTree tree(
      {{"package.json", kManifest}, {"broken/package.json", "{\"dependencies\": {"}});
  auto r = fx.run(tree);
  bool invalid = false, failed = false;
  for (const auto& f : r.findings) {
    if (f.rule == "dependencies.invalid-manifest") {
      invalid = true;
      EXPECT_EQ(f.path, "broken/package.json");
    }
    if (f.rule == "dependencies.lookup-failed") {
      failed = true;
      EXPECT_NE(f.message.find("https://npm.test/lodash answered HTTP 503"), std::string::npos)
          << f.message;
    }
  }
  EXPECT_TRUE(invalid);
  EXPECT_TRUE(failed);
  EXPECT_EQ((*dep(r, "react"))["updateType"], "major");  // the rest went on
}

TEST(DependencyAnalyzer, WithoutARegistryTheInventoryStillLists) {
  MemorySourceTree tree(std::map<std::string, std::string>{{"package.json", kManifest}});
  AnalyzerContext ctx;
  ctx.now = kNow;
  auto r = DependencyAnalyzer().run(tree, ctx);
  EXPECT_EQ(r.details["dependencies"].size(), 5u);
  EXPECT_TRUE(r.changes.empty());
  ASSERT_EQ(r.warnings.size(), 1u);
}

TEST(DependencyAnalyzer, NoRegistryConfiguredIsAClearFinding) {
  Fixture fx;
  fx.settings = RegistrySettings{};
  MemorySourceTree tree(std::map<std::string, std::string>{{"package.json", kManifest}});
  auto r = fx.run(tree);
  size_t said = 0;
  for (const auto& f : r.findings) {
    said += f.rule == "dependencies.no-registry" &&
            f.message.find("npm_config_registry") != std::string::npos;
    EXPECT_NE(f.rule, "dependencies.lookup-failed");
  }
  EXPECT_EQ(said, 1u);  // once, not once per package
  EXPECT_TRUE(fx.registry.asked.empty());
}

}  // namespace
}  // namespace ddd::analyzers::deps

namespace ddd::analyzers::deps {
namespace {

TEST(DependencyAnalyzer, PythonRequirementsAndActionsToo) {
  RegistryTable registry;
  RegistrySettings settings;
  settings.setDefault("pypi", {"https://pypi.test"});
  settings.setDefault("github-tags", {"https://gh.test"});
  registry.bodies["https://pypi.test/pypi/django/json"] =
      R"({"info": {"project_urls": {"Source": "https://github.com/django/django"}},
    "releases": {"4.2.7": [{"upload_time_iso_8601": "2023-11-01T00:00:00Z", "yanked": false}],
                 "4.2.8": [{"upload_time_iso_8601": "2023-12-04T00:00:00Z", "yanked": false}],
                 "5.0": [{"upload_time_iso_8601": "2023-12-04T12:00:00Z", "yanked": false}],
                 "5.0.1": [{"upload_time_iso_8601": "2024-01-02T00:00:00Z", "yanked": true}]}})";
  registry.bodies["https://gh.test/repos/actions/checkout/releases?per_page=100"] =
      R"([{"tag_name": "v5", "published_at": "2025-08-11T00:00:00Z"}, {"tag_name": "v4", "published_at": "2023-09-04T00:00:00Z"}])";
  registry.bodies["https://gh.test/repos/actions/checkout/tags?per_page=100"] =
      R"([{"name": "v5", "commit": {"sha": "08c6903cd8c0fde910a37f88322edcfb5dd907a8"}}, {"name": "v4", "commit": {"sha": "b4ffde65f46336ab88eb53be808477a3936bae11"}}])";
  MemorySourceTree tree(std::map<std::string, std::string>{
      {"requirements.txt", "Django==4.2.7\n"},
      {".github/workflows/ci.yml",
       "jobs:\n  b:\n    steps:\n      - uses: actions/checkout@v4\n"}});
  AnalyzerContext ctx;
  ctx.now = kNow;
  ctx.registry = &registry;
  ctx.registrySettings = &settings;
  auto r = DependencyAnalyzer().run(tree, ctx);
  std::vector<std::string> ids;
  for (const auto& c : r.changes) ids.push_back(c.id);
  // Django 4.2.8 too: the newest of the 4.x in use, next to the major (inMajorUpdates).
  EXPECT_EQ(ids, (std::vector<std::string>{"deps/github-actions-actions-checkout-5.x",
                                           "deps/pypi-django-4.x", "deps/pypi-django-5.x"}));
  for (const auto& c : r.changes) {
    if (c.id == "deps/pypi-django-4.x") {
      EXPECT_EQ(*c.edits[0].newContent, "Django==4.2.8\n");
      EXPECT_EQ(c.facts.updateType, "patch");
    } else if (c.id == "deps/pypi-django-5.x") {
      EXPECT_EQ(*c.edits[0].newContent, "Django==5.0\n");  // 5.0.1 is yanked
      EXPECT_EQ(c.facts.ecosystem, "pypi");
      EXPECT_EQ(c.facts.updateType, "major");
    } else {
      EXPECT_EQ(*c.edits[0].newContent,
                "jobs:\n  b:\n    steps:\n      - uses: actions/checkout@v5\n");
      EXPECT_EQ(c.facts.ecosystem, "github-actions");
    }
  }
}

}  // namespace
}  // namespace ddd::analyzers::deps

namespace ddd::analyzers::deps {
namespace {

// Action SHA pins against GitHub's tags/releases documents (the e2e test in tests/bot
// covers the HTTP side): the comment's precision, release age.
TEST(DependencyAnalyzer, ActionPinsKeepTheCommentPrecisionAndTheReleaseAge) {
  RegistryTable registry;
  RegistrySettings settings;
  settings.setDefault("github-tags", {"https://gh.test"});
  const std::string old(40, '1'), v4(40, '4'), v5(40, '5'), v42(40, '6');
  registry.bodies["https://gh.test/repos/o/major/releases?per_page=100"] =
      R"([{"tag_name": "v5.0.0", "published_at": "2025-01-01T00:00:00Z"}])";
  // A floating v4 tag, no floating v5 yet: "# v4" moves to "# v5" at v5.0.0's commit.
  registry.bodies["https://gh.test/repos/o/major/tags?per_page=100"] =
      R"([{"name": "v5.0.0", "commit": {"sha": ")" + v5 + R"("}},
          {"name": "v4", "commit": {"sha": ")" + v4 + R"("}},
          {"name": "v4.3.0", "commit": {"sha": ")" + v4 + R"("}}])";
  registry.bodies["https://gh.test/repos/o/young/releases?per_page=100"] =
      R"([{"tag_name": "v4.2.0", "published_at": "2025-11-23T00:00:00Z"},
          {"tag_name": "v4.1.0", "published_at": "2024-01-01T00:00:00Z"}])";
  registry.bodies["https://gh.test/repos/o/young/tags?per_page=100"] =
      R"([{"name": "v4.2.0", "commit": {"sha": ")" + v42 + R"("}},
          {"name": "v4.1.0", "commit": {"sha": ")" + old + R"("}}])";
  const std::string workflow = "steps:\n  - uses: o/major@" + old + " # v4\n" +
                               "  - uses: o/young@" + old + " # v4.1.0\n";
  MemorySourceTree tree(
      std::map<std::string, std::string>{{".github/workflows/ci.yml", workflow}});
  AnalyzerContext ctx;
  ctx.now = kNow;
  ctx.registry = &registry;
  ctx.registrySettings = &settings;
  auto r = DependencyAnalyzer().run(tree, ctx);
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].id, "deps/github-actions-o-major-5.x");
  EXPECT_EQ(r.changes[0].facts.updateType, "major");
  std::string want = workflow;
  want.replace(want.find(old + " # v4\n"), 46, v5 + " # v5\n");
  EXPECT_EQ(*r.changes[0].edits[0].newContent, want);
  const auto* young = dep(r, "o/young");
  ASSERT_TRUE(young);
  EXPECT_EQ((*young)["heldByReleaseAge"], true);  // v4.2.0 is a day old
  EXPECT_EQ((*young)["newDigest"], "");           // v4.1.0 still names the pinned commit
}

// A Helm chart from an OCI registry, with Helm's comma-separated AND: its tags come from
// the Docker v2 datasource on the registry named in Chart.yaml; the bumped range keeps the
// comma; a tag spelling a version's "+" as "_" is that version (Helm's convention), and an
// exact version moves to the exact tag, build metadata included.
TEST(DependencyAnalyzer, HelmOciChartsAndCommaRanges) {
  Fixture fx;
  fx.registry.bodies["https://oci.test/v2/charts/podinfo/tags/list?n=1000"] =
      R"({"name": "charts/podinfo", "tags": ["6.5.3", "6.6.0", "7.0.1", "7.1.0_build.1", "latest",
                                             "v7.2.0", "7.2"]})";
  fx.registry.bodies["https://oci.test/v2/charts/redis/tags/list?n=1000"] =
      R"({"name": "charts/redis", "tags": ["18.1.0_up.1", "18.1.0_up.2", "18.2.1_up.1",
                                           "19.0.0-rc.1_up.1"]})";
  const std::string chart =
      "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n"
      "  - name: podinfo\n    version: \">=6.5.0, <7.0.0\"\n    repository: oci://oci.test/charts\n"
      "  - name: redis\n    version: 18.1.0+up.1 # pinned\n    repository: oci://oci.test/charts\n";
  MemorySourceTree tree(std::map<std::string, std::string>{{"deploy/Chart.yaml", chart}});
  auto r = fx.run(tree, nlohmann::json{{"minimumReleaseAgeDays", 0}});
  const auto* podinfo = dep(r, "podinfo");
  ASSERT_TRUE(podinfo) << r.details.dump();
  EXPECT_EQ((*podinfo)["latest"], "7.1.0+build.1") << podinfo->dump();  // not v7.2.0 nor 7.2
  EXPECT_EQ((*podinfo)["latestSatisfying"], "6.6.0");
  const auto* redis = dep(r, "redis");
  ASSERT_TRUE(redis);
  EXPECT_EQ((*redis)["used"], "18.1.0+up.1") << redis->dump();
  EXPECT_EQ((*redis)["latest"], "18.2.1+up.1");
  EXPECT_EQ((*redis)["proposed"], "18.2.1+up.1");
  EXPECT_EQ((*redis)["newValue"], "18.2.1+up.1");
  EXPECT_EQ((*redis)["updateType"], "minor");
  std::set<std::string> asked(fx.registry.asked.begin(), fx.registry.asked.end());
  EXPECT_EQ(asked, (std::set<std::string>{"https://oci.test/v2/charts/podinfo/tags/list?n=1000",
                                          "https://oci.test/v2/charts/redis/tags/list?n=1000"}));
  // The major (7.1.0+build.1) and, next to it, the newest of the major in use (6.6.0);
  // redis's change leaves podinfo's range as it was, and the other two leave redis's pin.
  std::set<std::string> written;
  for (const auto& c : r.changes) {
    for (const auto& e : c.edits) {
      if (e.path != "deploy/Chart.yaml" || !e.newContent) continue;
      const size_t at = e.newContent->find("version: \">=");
      ASSERT_NE(at, std::string::npos) << *e.newContent;
      written.insert(e.newContent->substr(at + 10, e.newContent->find('"', at + 10) - at - 10));
      const size_t pin = e.newContent->find("    version: 18.");
      ASSERT_NE(pin, std::string::npos);
      written.insert(e.newContent->substr(pin + 13, e.newContent->find(' ', pin + 13) - pin - 13));
    }
  }
  EXPECT_EQ(written, (std::set<std::string>{">=7.1.0, <8.0.0", ">=6.6.0, <7.0.0",
                                            ">=6.5.0, <7.0.0", "18.1.0+up.1", "18.2.1+up.1"}));
}

// An image pinned by digest alone: listed as digest-pinned, never proposed (no tag says
// which release the digest came from), with whether `latest` names the same digest today.
class ManifestRegistry : public RegistryHttp {
 public:
  std::map<std::string, std::string> digests;  // manifest URL -> Docker-Content-Digest
  std::vector<std::string> asked;
  HttpResponse get(const HttpRequest& r) override {
    std::lock_guard<std::mutex> lock(mutex_);
    asked.push_back(r.url);
    auto it = digests.find(r.url);
    if (it == digests.end()) return {404, {}, "{}", ""};
    return {200, {{"Docker-Content-Digest", it->second}}, "", ""};
  }

 private:
  std::mutex mutex_;
};

TEST(DependencyAnalyzer, DigestOnlyImagesSayWhetherTheyAreLatest) {
  const std::string a(64, 'a'), b(64, 'b');
  ManifestRegistry registry;
  registry.digests["https://reg.test/v2/team/current/manifests/latest"] = "sha256:" + a;
  registry.digests["https://reg.test/v2/team/stale/manifests/latest"] = "sha256:" + b;
  RegistrySettings settings;
  settings.setDefault("docker", {"https://reg.test"});
  const std::string dockerfile = "FROM team/current@sha256:" + a + " AS one\n" +
                                 "FROM team/stale@sha256:" + a + " AS two\n" +
                                 "FROM team/stale@sha256:" + a + "\n" +
                                 "FROM team/untagged@sha256:" + a + "\n";
  MemorySourceTree tree(std::map<std::string, std::string>{{"Dockerfile", dockerfile}});
  AnalyzerContext ctx;
  ctx.now = kNow;
  ctx.registry = &registry;
  ctx.registrySettings = &settings;
  auto r = DependencyAnalyzer().run(tree, ctx);
  const auto& deps = r.details["dependencies"];
  ASSERT_EQ(deps.size(), 4u) << deps.dump();
  for (const auto& d : deps) {
    EXPECT_EQ(d["skipReason"], "digest-pinned") << d.dump();
    EXPECT_EQ(d["currentDigest"], "sha256:" + a);
  }
  EXPECT_EQ(deps[0]["pinnedIsLatest"], true) << deps[0].dump();
  EXPECT_EQ(deps[1]["pinnedIsLatest"], false);
  EXPECT_EQ(deps[1]["latestDigest"], "sha256:" + b);
  EXPECT_TRUE(deps[3]["latestDigest"].is_null()) << deps[3].dump();  // no `latest` tag
  EXPECT_FALSE(deps[3].contains("pinnedIsLatest"));
  EXPECT_TRUE(r.changes.empty());
  // Each image asked once (HEAD, then GET where the HEAD had no digest: the 404 case).
  std::set<std::string> urls(registry.asked.begin(), registry.asked.end());
  EXPECT_EQ(urls.size(), 3u);
  EXPECT_EQ(std::count(registry.asked.begin(), registry.asked.end(),
                       "https://reg.test/v2/team/stale/manifests/latest"),
            1);
}

namespace engines_test {

// A packument whose versions declare engines.node ("" for none).
std::string packumentWithEngines(const std::string& name,
                                 const std::vector<std::pair<std::string, std::string>>& versions) {
  nlohmann::json j;
  j["name"] = name;
  j["dist-tags"] = {{"latest", versions.back().first}};
  for (size_t i = 0; i < versions.size(); ++i) {
    const auto& [v, engines] = versions[i];
    j["versions"][v] = {{"name", name}, {"version", v}};
    if (!engines.empty()) j["versions"][v]["engines"] = {{"node", engines}, {"npm", ">=1"}};
    j["time"][v] = "2023-0" + std::to_string(i + 1) + "-01T00:00:00Z";
  }
  return j.dump();
}

}  // namespace engines_test

// engines.node: a version whose engines.node leaves out Node.js releases the project's
// engines.node admits is held back (reported with both ranges), and the newest version
// that supports them all is proposed instead; "none" turns this off; without a declared
// engines.node nothing is filtered.
TEST(DependencyAnalyzer, VersionsNeedingANewerNodeAreHeldBack) {
  using engines_test::packumentWithEngines;
  Fixture fx;
  fx.registry.bodies["https://npm.test/eslint"] =
      packumentWithEngines("eslint", {{"8.50.0", "^12.22.0 || ^14.17.0 || >=16.0.0"},
                                      {"8.57.1", "^12.22.0 || ^14.17.0 || >=16.0.0"},
                                      {"9.0.0", "^18.18.0 || ^20.9.0 || >=21.1.0"}});
  // 2.1.0 needs >=16.14: a project on >=16 includes 16.0.0, which it leaves out.
  fx.registry.bodies["https://npm.test/semverish"] =
      packumentWithEngines("semverish", {{"2.0.0", ">=14"}, {"2.0.1", ""}, {"2.1.0", ">=16.14"}});
  // Every version fits: an upper bound of the project within the release's.
  fx.registry.bodies["https://npm.test/fits"] =
      packumentWithEngines("fits", {{"1.0.0", ">=10"}, {"1.1.0", ">= 16.0.0 || 14.x"}});
  const std::string manifest = R"({
  "name": "app",
  "engines": {"node": ">=16"},
  "dependencies": {"eslint": "^8.50.0", "semverish": "~2.0.0", "fits": "^1.0.0"}
}
)";
  MemorySourceTree tree(std::map<std::string, std::string>{{"package.json", manifest}});
  auto r = fx.run(tree, nlohmann::json{{"minimumReleaseAgeDays", 0}});
  const auto* eslint = dep(r, "eslint");
  ASSERT_TRUE(eslint) << r.details.dump();
  EXPECT_EQ((*eslint)["latest"], "9.0.0");
  EXPECT_EQ((*eslint)["proposed"], "8.57.1") << eslint->dump();
  EXPECT_EQ((*eslint)["newValue"], "^8.57.1");
  EXPECT_EQ((*eslint)["heldByEngines"],
            (nlohmann::json{{"version", "9.0.0"},
                            {"enginesNode", "^18.18.0 || ^20.9.0 || >=21.1.0"},
                            {"projectEnginesNode", ">=16"}}));
  const auto* semverish = dep(r, "semverish");
  ASSERT_TRUE(semverish);
  EXPECT_EQ((*semverish)["proposed"], "2.0.1");  // declares no engines: not held
  EXPECT_EQ((*semverish)["heldByEngines"]["version"], "2.1.0");
  const auto* fits = dep(r, "fits");
  ASSERT_TRUE(fits);
  EXPECT_EQ((*fits)["proposed"], "1.1.0");
  EXPECT_FALSE(fits->contains("heldByEngines"));
  bool said = false;
  for (const auto& f : r.findings) {
    if (f.message.find("9.0.0 is held back: it needs node ^18.18.0 || ^20.9.0 || >=21.1.0, "
                       "and engines.node in package.json is >=16") != std::string::npos)
      said = true;
  }
  EXPECT_TRUE(said);

  // Exact, not approximate: ^18.18.0 || >=20.9.0 admits 21.0.0, which 9.0.0 leaves out
  // (^20.9.0 || >=21.1.0), so it is still held; the project's own range lets it through.
  MemorySourceTree raised(std::map<std::string, std::string>{
      {"package.json", R"({"engines": {"node": "^18.18.0 || >=20.9.0"},
                           "dependencies": {"eslint": "^8.50.0"}})"}});
  auto r2 = fx.run(raised, nlohmann::json{{"minimumReleaseAgeDays", 0}});
  EXPECT_EQ((*dep(r2, "eslint"))["proposed"], "8.57.1") << dep(r2, "eslint")->dump();
  EXPECT_EQ((*dep(r2, "eslint"))["heldByEngines"]["version"], "9.0.0");

  MemorySourceTree exact(std::map<std::string, std::string>{
      {"package.json", R"({"engines": {"node": "^18.18.0 || ^20.9.0 || >=21.1.0"},
                           "dependencies": {"eslint": "^8.50.0"}})"}});
  EXPECT_EQ((*dep(fx.run(exact, nlohmann::json{{"minimumReleaseAgeDays", 0}}), "eslint"))["proposed"],
            "9.0.0");

  // "none", or no engines.node in the project: the newest version as before.
  auto none = fx.run(tree, nlohmann::json{{"minimumReleaseAgeDays", 0},
                                           {"constraintsFiltering", "none"}});
  EXPECT_EQ((*dep(none, "eslint"))["proposed"], "9.0.0");
  EXPECT_FALSE(dep(none, "eslint")->contains("heldByEngines"));
  MemorySourceTree undeclared(std::map<std::string, std::string>{
      {"package.json", R"({"dependencies": {"eslint": "^8.50.0"}})"}});
  EXPECT_EQ((*dep(fx.run(undeclared, nlohmann::json{{"minimumReleaseAgeDays", 0}}), "eslint"))
                ["proposed"],
            "9.0.0");
  EXPECT_THROW(parseDependencyOptions(nlohmann::json{{"constraintsFiltering", "loose"}}),
               std::invalid_argument);
}

// rangeStrategy "pin" with nothing newer to take: the range is pinned to the version in
// use, an update of type "pin" with its own title, why and risk; a dependency with a newer
// version gets that version, exact; an exact version is left alone.
TEST(DependencyAnalyzer, PinStrategyPinsRangesWithNothingNewer) {
  Fixture fx;
  const std::string manifest = R"({
  "dependencies": {"lodash": "^4.17.21", "react": "^18.3.1", "request": "2.88.2"}
}
)";
  MemorySourceTree tree(std::map<std::string, std::string>{{"package.json", manifest}});
  auto r = fx.run(tree, nlohmann::json{{"rangeStrategy", "pin"}, {"minimumReleaseAgeDays", 0},
                                       {"inMajorUpdates", false}});
  const auto* lodash = dep(r, "lodash");
  ASSERT_TRUE(lodash) << r.details.dump();
  EXPECT_EQ((*lodash)["updateType"], "pin");
  EXPECT_EQ((*lodash)["proposed"], "4.17.21");
  EXPECT_EQ((*lodash)["newValue"], "4.17.21");
  EXPECT_EQ((*dep(r, "react"))["updateType"], "major");
  EXPECT_EQ((*dep(r, "react"))["newValue"], "19.0.0");
  EXPECT_EQ((*dep(r, "request"))["updateType"], "");  // already exact: nothing to do
  // The summary counts the pin like any other update type, the major beside it.
  EXPECT_EQ(r.details["summary"]["updatesByType"],
            (nlohmann::json{{"pin", 1}, {"major", 1}}))
      << r.details["summary"].dump();
  const ProposedChange* pin = nullptr;
  for (const auto& c : r.changes) {
    if (c.title == "Pin lodash to 4.17.21") pin = &c;
  }
  ASSERT_TRUE(pin);
  EXPECT_EQ(pin->facts.updateType, "pin");
  EXPECT_NE(pin->why.find("declared as a range"), std::string::npos) << pin->why;
  EXPECT_NE(pin->risk.find("No version changes"), std::string::npos) << pin->risk;
  ASSERT_EQ(pin->edits.size(), 1u);
  ASSERT_TRUE(pin->edits[0].newContent);
  EXPECT_EQ(*pin->edits[0].newContent,
            std::string(manifest).replace(manifest.find("^4.17.21"), 8, "4.17.21"));
  // bump (the default) proposes nothing for lodash.
  auto bump = fx.run(tree, nlohmann::json{{"minimumReleaseAgeDays", 0}});
  EXPECT_EQ((*dep(bump, "lodash"))["updateType"], "");
}

// A requirement pinned with --hash (on its line or on the lines it continues onto): the
// version moves, and the PR says the hashes must be regenerated (lockfileStale), naming
// the line; a requirement without hashes says nothing of the kind.
TEST(DependencyAnalyzer, HashPinnedRequirementsSayTheirHashesAreStale) {
  RegistryTable registry;
  RegistrySettings settings;
  settings.setDefault("pypi", {"https://pypi.test"});
  for (const char* name : {"django", "requests"}) {
    registry.bodies[std::string("https://pypi.test/pypi/") + name + "/json"] =
        R"({"info": {}, "releases": {
             "4.2.7": [{"upload_time_iso_8601": "2023-11-01T00:00:00Z", "yanked": false}],
             "4.2.8": [{"upload_time_iso_8601": "2023-12-04T00:00:00Z", "yanked": false}]}})";
  }
  const std::string text =
      "Django==4.2.7 \\\n"
      "    --hash=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
      "requests==4.2.7\n";
  MemorySourceTree tree(std::map<std::string, std::string>{{"requirements.txt", text}});
  AnalyzerContext ctx;
  ctx.now = kNow;
  ctx.registry = &registry;
  ctx.registrySettings = &settings;
  ctx.config = {{"inMajorUpdates", false}};
  auto r = DependencyAnalyzer().run(tree, ctx);
  ASSERT_EQ(r.changes.size(), 2u);
  for (const auto& c : r.changes) {
    ASSERT_EQ(c.edits.size(), 1u);
    if (c.id == "deps/pypi-django-4.x") {
      EXPECT_TRUE(c.facts.lockfileStale);
      EXPECT_NE(c.risk.find("pinned with `--hash`"), std::string::npos) << c.risk;
      EXPECT_NE(c.risk.find("`requirements.txt:1` `Django`"), std::string::npos) << c.risk;
      EXPECT_EQ(*c.edits[0].newContent,
                std::string(text).replace(text.find("4.2.7"), 5, "4.2.8"));
    } else {
      EXPECT_EQ(c.id, "deps/pypi-requests-4.x");
      EXPECT_FALSE(c.facts.lockfileStale);
      EXPECT_EQ(c.risk.find("--hash"), std::string::npos) << c.risk;
    }
  }
}

}  // namespace
}  // namespace ddd::analyzers::deps
