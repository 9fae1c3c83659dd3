// package-lock.json updated with the manifest, end to end: a real repository with
// package.json and a lockfile v3, a loopback npm registry answering full packuments
// (dist.tarball, dist.integrity, per-version dependencies), the real HTTP client, the
// scan and `ddd run --local`. The lockfile is edited by span and lockfileStale cleared
// only when the edit is all npm would change.
#include <gtest/gtest.h>

#include "bot/registry_client.h"
#include "bot/scan.h"
#include "forges/http/client.h"
#include "tests/bot/bot_test_support.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

using ddd::testing::FakeHttpServer;
using ddd::testing::TestRepo;

struct Version {
  std::string version, date;
  nlohmann::json dependencies = nlohmann::json::object();
};

std::string packument(const std::string& base, const std::string& name,
                      const std::vector<Version>& versions) {
  nlohmann::json j;
  j["name"] = name;
  j["dist-tags"] = {{"latest", versions.back().version}};
  for (const auto& v : versions) {
    nlohmann::json meta = {
        {"name", name},
        {"version", v.version},
        {"license", "MIT"},
        {"scripts", {{"test", "mocha"}}},  // not an install script: not in lock entries
        {"dist",
         {{"tarball", base + "/" + name + "/-/" + name + "-" + v.version + ".tgz"},
          {"integrity", "sha512-" + name + v.version + "=="},
          {"shasum", "0123"},
          {"fileCount", 12}}}};
    if (!v.dependencies.empty()) meta["dependencies"] = v.dependencies;
    j["versions"][v.version] = meta;
    j["time"][v.version] = v.date;
  }
  return j.dump();
}

FakeHttpServer npmRegistry(std::string& base) {
  return FakeHttpServer([&base](const FakeHttpServer::Request& r) -> FakeHttpServer::Response {
    if (r.target == "/lodash") {
      return {
          200,
          {{"Content-Type", "application/json"}},
          packument(base, "lodash",
                    {{"4.17.20", "2020-08-13T16:53:54Z"}, {"4.17.21", "2021-02-20T15:42:16Z"}})};
    }
    if (r.target == "/chalk") {
      return {200,
              {{"Content-Type", "application/json"}},
              packument(base, "chalk",
                        {{"4.1.0", "2020-06-09T00:00:00Z", {{"ansi-styles", "^4.1.0"}}},
                         {"4.1.2",
                          "2021-07-30T00:00:00Z",
                          {{"ansi-styles", "^4.1.0"}, {"supports-color", "^7.1.0"}}}})};
    }
    if (r.target == "/left-pad") return {200, {{"Content-Type", "application/json"}}, "<html>"};
    return {404, {}, "{\"error\":\"Not found\"}"};
  });
}

const char* kManifest = R"({
  "name": "shop",
  "version": "1.0.0",
  "dependencies": {
    "lodash": "^4.17.20",
    "chalk": "^4.1.0",
    "left-pad": "^1.3.0"
  }
}
)";

std::string lockfile(const std::string& base) {
  return R"({
  "name": "shop",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "shop",
      "version": "1.0.0",
      "dependencies": {
        "chalk": "^4.1.0",
        "left-pad": "^1.3.0",
        "lodash": "^4.17.20"
      }
    },
    "node_modules/ansi-styles": {
      "version": "4.3.0",
      "resolved": ")" +
         base + R"(/ansi-styles/-/ansi-styles-4.3.0.tgz",
      "integrity": "sha512-ansi==",
      "license": "MIT"
    },
    "node_modules/chalk": {
      "version": "4.1.0",
      "resolved": ")" +
         base + R"(/chalk/-/chalk-4.1.0.tgz",
      "integrity": "sha512-chalk4.1.0==",
      "license": "MIT",
      "dependencies": {
        "ansi-styles": "^4.1.0"
      }
    },
    "node_modules/left-pad": {
      "version": "1.3.0",
      "resolved": ")" +
         base + R"(/left-pad/-/left-pad-1.3.0.tgz",
      "integrity": "sha512-lp==",
      "license": "WTFPL"
    },
    "node_modules/lodash": {
      "version": "4.17.20",
      "resolved": ")" +
         base + R"(/lodash/-/lodash-4.17.20.tgz",
      "integrity": "sha512-lodash4.17.20==",
      "license": "MIT"
    }
  }
}
)";
}

std::string replaced(std::string s, const std::vector<std::pair<std::string, std::string>>& subs) {
  for (const auto& [from, to] : subs) {
    const size_t at = s.find(from);
    if (at == std::string::npos) return "(no \"" + from + "\" in the text)";
    s.replace(at, from.size(), to);
  }
  return s;
}

TEST(DependencyLockfile, EntriesFollowTheManifestWhenTheRegistryDescribesThemFully) {
  std::string base;
  auto server = npmRegistry(base);
  base = server.url();
  TestRepo repo;
  const std::string lock = lockfile(base);
  repo.commit({{"package.json", kManifest}, {"package-lock.json", lock}});
  forges::HttpClient http(registryHttpOptions());
  RegistryClient client(http, 100);
  ScanRequest request;
  request.repoPath = repo.path();
  request.analyzers = {"dependencies"};
  request.dataDir = ddd::testing::dataDir().string();
  request.registry = &client;
  analyzers::deps::RegistrySettings settings;
  settings.setDefault("npm", {base});
  request.registrySettings = settings;
  auto report = runScan(request);
  const auto& r = report.result;

  std::map<std::string, const analyzers::ProposedChange*> changes;
  for (const auto& c : r.changes) changes[c.id] = &c;
  ASSERT_EQ(changes.size(), 2u);
  auto file = [](const analyzers::ProposedChange& c, const std::string& path) {
    for (const auto& e : c.edits) {
      if (e.path == path) return *e.newContent;
    }
    return std::string("(not edited)");
  };

  // lodash 4.17.21 declares what 4.17.20 did: the lockfile is complete.
  const auto& lodash = *changes.at("deps/npm-lodash-4.x");
  EXPECT_EQ(file(lodash, "package.json"),
            replaced(kManifest, {{"\"lodash\": \"^4.17.20\"", "\"lodash\": \"^4.17.21\""}}));
  EXPECT_EQ(file(lodash, "package-lock.json"),
            replaced(lock, {{"\"lodash\": \"^4.17.20\"", "\"lodash\": \"^4.17.21\""},
                            {"\"version\": \"4.17.20\"", "\"version\": \"4.17.21\""},
                            {"lodash-4.17.20.tgz", "lodash-4.17.21.tgz"},
                            {"sha512-lodash4.17.20==", "sha512-lodash4.17.21=="}}));
  EXPECT_FALSE(lodash.facts.lockfileStale);
  EXPECT_EQ(lodash.facts.paths, (std::vector<std::string>{"package-lock.json", "package.json"}));
  EXPECT_EQ(lodash.risk.find("npm install"), std::string::npos) << lodash.risk;
  EXPECT_NE(lodash.whatChanges.find("the lockfile is what `npm install` would write"),
            std::string::npos);

  // chalk 4.1.2 adds a dependency: its entry moves, the lockfile stays stale, and why.
  const auto& chalk = *changes.at("deps/npm-chalk-4.x");
  EXPECT_EQ(file(chalk, "package-lock.json"),
            replaced(lock, {{"\"chalk\": \"^4.1.0\"", "\"chalk\": \"^4.1.2\""},
                            {"\"version\": \"4.1.0\"", "\"version\": \"4.1.2\""},
                            {"chalk-4.1.0.tgz", "chalk-4.1.2.tgz"},
                            {"sha512-chalk4.1.0==", "sha512-chalk4.1.2=="}}));
  EXPECT_TRUE(chalk.facts.lockfileStale);
  EXPECT_NE(chalk.risk.find("- chalk 4.1.2 declares other dependencies than 4.1.0 (dependencies: "
                            "adds supports-color@^7.1.0), so other lockfile entries change too"),
            std::string::npos)
      << chalk.risk;
  EXPECT_NE(chalk.risk.find("Run `npm install` on this branch"), std::string::npos);

  // left-pad's registry answered HTML: a finding naming the package and the registry.
  bool named = false;
  for (const auto& f : r.findings) {
    named = named || (f.rule == "dependencies.lookup-failed" &&
                      f.message.find("npm package left-pad from " + base) != std::string::npos &&
                      f.message.find("not a JSON object") != std::string::npos);
  }
  EXPECT_TRUE(named);

  // `ddd run --local` writes both files on the branch.
  auto run = ddd::testing::runDdd(
      "run --local " + ddd::testing::shellQuote(repo.path().string()) + " --analyzers dependencies",
      "npm_config_registry=" + ddd::testing::shellQuote(base) + " ");
  ASSERT_EQ(run.exitCode, 0) << run.err;
  EXPECT_EQ(ddd::testing::git(repo.path(), "show ddd/deps/npm-lodash-4.x:package-lock.json"),
            file(lodash, "package-lock.json"));
}

}  // namespace
}  // namespace ddd::bot
