// Dependency staleness end to end: a repository with package.json and .npmrc, a fake
// npm registry on loopback speaking the real packument format, the real HTTP client,
// the scan pipeline, `ddd scan --format json` and `ddd run --local`.
#include <gtest/gtest.h>

#include "bot/registry_client.h"
#include "bot/run_local.h"
#include "bot/scan.h"
#include "forges/http/client.h"
#include "tests/bot/bot_test_support.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

using ddd::testing::FakeHttpServer;
using ddd::testing::TestRepo;

std::string packument(const std::string& name,
                      const std::vector<std::pair<std::string, std::string>>& versions,
                      const std::string& latest) {
  nlohmann::json j;
  j["name"] = name;
  j["dist-tags"] = {{"latest", latest}};
  for (const auto& [v, date] : versions) {
    j["versions"][v] = {{"name", name}, {"version", v}, {"dist", {{"integrity", "sha512-" + v}}}};
    j["time"][v] = date;
  }
  j["repository"] = {{"type", "git"}, {"url", "git+https://github.com/example/" + name + ".git"}};
  return j.dump();
}

FakeHttpServer registryServer() {
  return FakeHttpServer([](const FakeHttpServer::Request& r) -> FakeHttpServer::Response {
    if (r.target == "/lodash") {
      return {200,
              {{"Content-Type", "application/json"}},
              packument("lodash",
                        {{"4.17.15", "2019-07-19T02:28:46Z"}, {"4.17.21", "2021-02-20T15:42:16Z"}},
                        "4.17.21")};
    }
    if (r.target == "/@acme%2Fui") {
      if (r.header("Authorization") != "") return {400, {}, "no credentials expected"};
      return {200,
              {},
              packument("@acme/ui",
                        {{"1.0.0", "2022-01-01T00:00:00Z"}, {"2.0.0", "2023-01-01T00:00:00Z"}},
                        "2.0.0")};
    }
    return {404, {}, "{\"error\":\"Not found\"}"};
  });
}

const char* kManifest = R"({
  "name": "shop",
  "dependencies": {"lodash": "^4.17.15", "@acme/ui": "^1.0.0", "ghost": "^1.0.0"}
}
)";

TEST(DependenciesEndToEnd, ScanOverLoopbackRegistry) {
  auto server = registryServer();
  TestRepo repo;
  repo.commit({{"package.json", kManifest},
               {".npmrc", "registry=" + server.url() + "/\n"},
               {".ddd.json", R"({"dependencies": {"lookupConcurrency": 1}})"}});
  forges::HttpClient http(registryHttpOptions());
  RegistryClient client(http, 100);
  ScanRequest request;
  request.repoPath = repo.path();
  request.analyzers = {"dependencies"};
  request.dataDir = ddd::testing::dataDir().string();
  request.registry = &client;
  request.registrySettings = analyzers::deps::RegistrySettings{};
  auto report = runScan(request);

  const auto& deps = report.result.details["dependencies"]["dependencies"];
  ASSERT_EQ(deps.size(), 3u);
  EXPECT_EQ(report.result.details["dependencies"]["summary"]["outdated"], 2);
  std::vector<std::string> ids;
  for (const auto& c : report.result.changes) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"deps/npm-acme-ui-2.x", "deps/npm-lodash-4.x"}));
  bool ghostNotFound = false;
  for (const auto& f : report.result.findings) {
    if (f.rule == "dependencies.lookup-failed" && f.message.find("ghost") != std::string::npos) {
      ghostNotFound = f.message.find("not found in http://127.0.0.1:") != std::string::npos;
    }
  }
  EXPECT_TRUE(ghostNotFound);
  EXPECT_EQ(server.connections(), 1);  // keep-alive across the look-ups
  EXPECT_EQ(client.requests(), 3u);
  // The policy: a major of a prod dependency needs review.
  ASSERT_EQ(report.decisions.size(), 2u);
  EXPECT_EQ(report.decisions[0].rule, "defaults.major-update");
}

TEST(DependenciesEndToEnd, CommandLineJsonAndLocalRun) {
  auto server = registryServer();
  TestRepo repo;
  repo.commit({{"package.json", kManifest}});
  const std::string env = "npm_config_registry=" + ddd::testing::shellQuote(server.url()) + " ";
  const std::string path = ddd::testing::shellQuote(repo.path().string());
  auto o = ddd::testing::runDdd("scan " + path + " --analyzers dependencies --format json", env);
  ASSERT_EQ(o.exitCode, 0) << o.err;
  auto j = nlohmann::json::parse(o.out);
  const auto& lodash = j["details"]["dependencies"]["dependencies"][0];
  EXPECT_EQ(lodash["name"], "lodash");
  EXPECT_EQ(lodash["latest"], "4.17.21");
  EXPECT_EQ(lodash["newValue"], "^4.17.21");
  EXPECT_NEAR(lodash["libyear"].get<double>(), 1.59, 0.01);

  auto run = ddd::testing::runDdd("run --local " + path + " --analyzers dependencies", env);
  ASSERT_EQ(run.exitCode, 0) << run.err;
  EXPECT_NE(run.out.find("ddd/deps/npm-lodash-4.x"), std::string::npos) << run.out;
  const auto show = ddd::testing::git(repo.path(), "show ddd/deps/npm-lodash-4.x:package.json");
  std::string expected = kManifest;
  expected.replace(expected.find("^4.17.15"), 8, "^4.17.21");
  EXPECT_EQ(show, expected);

  // Offline: listed, not looked up, and said so.
  auto offline = ddd::testing::runDdd("scan " + path + " --analyzers dependencies --format json",
                                      "DDD_OFFLINE=1 ");
  ASSERT_EQ(offline.exitCode, 0) << offline.err;
  EXPECT_TRUE(nlohmann::json::parse(offline.out)["changes"].empty());
}

}  // namespace
}  // namespace ddd::bot
