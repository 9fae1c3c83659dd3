// Cargo's own registry settings end to end: a git repository whose .cargo/config.toml
// replaces crates-io with a sparse mirror and names registries, a member crate with its
// own nearer .cargo/config, `registry = "name"` dependencies, and `ddd scan` run against
// a fake sparse index on loopback (two index roots). The token from
// CARGO_REGISTRIES_<NAME>_TOKEN goes, raw, only to the index the environment named.
#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "tests/bot/bot_test_support.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/test_repo.h"

namespace {

using ddd::testing::FakeHttpServer;
using ddd::testing::TestRepo;

std::string indexPath(const std::string& name) {
  if (name.size() <= 2) return std::to_string(name.size()) + "/" + name;
  if (name.size() == 3) return "3/" + name.substr(0, 1) + "/" + name;
  return name.substr(0, 2) + "/" + name.substr(2, 2) + "/" + name;
}

struct Seen {
  std::mutex mutex;
  std::map<std::string, std::string> auth;  // target -> Authorization ("" when none)
};

// /<root>/<path> answers the index lines of the crates that root holds.
FakeHttpServer sparseIndex(Seen& seen) {
  return FakeHttpServer([&seen](const FakeHttpServer::Request& r) -> FakeHttpServer::Response {
    {
      std::lock_guard<std::mutex> lock(seen.mutex);
      seen.auth[r.target] = r.header("Authorization");
    }
    const std::map<std::string, std::map<std::string, std::vector<std::string>>> roots = {
        {"/mirror/", {{"serde", {"1.0.190", "1.0.193"}}, {"log", {"0.4.19", "0.4.20"}}}},
        {"/near/", {{"serde", {"1.0.190", "1.0.195"}}}},
        {"/corp/", {{"corp-util", {"2.1.0", "2.3.1", "3.0.0"}}}}};
    for (const auto& [root, crates] : roots) {
      for (const auto& [name, versions] : crates) {
        if (r.target != root + indexPath(name)) continue;
        if (root == "/corp/" && r.header("Authorization") != "corp-s3cret")
          return {401, {}, "{\"errors\":[{\"detail\":\"token required\"}]}"};
        std::string lines;
        for (const auto& v : versions) {
          lines += nlohmann::json{{"name", name}, {"vers", v}, {"deps", nlohmann::json::array()},
                                  {"cksum", "00"}, {"features", nlohmann::json::object()},
                                  {"yanked", false}}
                       .dump() +
                   "\n";
        }
        return {200, {}, lines};
      }
    }
    return {404, {}, "not found"};
  });
}

const nlohmann::json* dep(const nlohmann::json& deps, const std::string& file,
                          const std::string& name) {
  for (const auto& d : deps) {
    if (d["file"] == file && d["name"] == name) return &d;
  }
  return nullptr;
}

TEST(CargoRegistriesEndToEnd, ConfigFilesEnvironmentAndTokens) {
  Seen seen;
  auto server = sparseIndex(seen);
  TestRepo repo;
  const std::string url = server.url();
  repo.commit({{"Cargo.toml",
                "[workspace]\nmembers = [\"crates/*\"]\n\n[package]\nname = \"app\"\n"
                "version = \"0.1.0\"\n\n[dependencies]\nserde = \"1.0.190\"\n"
                "log = { version = \"0.4.19\" }\n"
                "corp-util = { version = \"2.1\", registry = \"corp\" }\n"
                "old = { version = \"1\", registry = \"gitreg\" }\n"},
               {".cargo/config.toml",
                "# crates-io through the mirror\n[source.crates-io]\nreplace-with = \"mirror\"\n"
                "[source.mirror]\nregistry = \"sparse+" + url + "/mirror/\"\n\n"
                "[registries.corp]\nindex = \"sparse+" + url + "/wrong/\"\n"
                "[registries.gitreg]\nindex = \"https://git.invalid/index.git\"\n"},
               {"crates/tool/Cargo.toml",
                "[package]\nname = \"tool\"\nversion = \"0.1.0\"\n\n[dependencies]\n"
                "serde = \"1.0.190\"\n"},
               {"crates/tool/.cargo/config",
                "[source.crates-io]\nreplace-with = \"near\"\n"
                "[registries.near]\nindex = \"sparse+" + url + "/near\"\n"}});
  // The environment names corp's index (over the file's) and its token.
  const std::string env =
      "CARGO_REGISTRIES_CORP_INDEX=" + ddd::testing::shellQuote("sparse+" + url + "/corp/") +
      " CARGO_REGISTRIES_CORP_TOKEN=corp-s3cret CARGO_REGISTRIES_GITREG_TOKEN=other ";
  auto o = ddd::testing::runDdd(
      "scan " + ddd::testing::shellQuote(repo.path().string()) +
          " --analyzers dependencies --format json",
      env);
  ASSERT_EQ(o.exitCode, 0) << o.err;
  EXPECT_EQ(o.out.find("corp-s3cret"), std::string::npos);
  EXPECT_EQ(o.err.find("corp-s3cret"), std::string::npos);
  const auto j = nlohmann::json::parse(o.out);
  const auto& deps = j["details"]["dependencies"]["dependencies"];

  const auto* serde = dep(deps, "Cargo.toml", "serde");
  ASSERT_TRUE(serde) << deps.dump();
  EXPECT_EQ((*serde)["latest"], "1.0.193");  // from the mirror
  ASSERT_TRUE(dep(deps, "Cargo.toml", "log"));
  EXPECT_EQ((*dep(deps, "Cargo.toml", "log"))["latest"], "0.4.20");
  const auto* toolSerde = dep(deps, "crates/tool/Cargo.toml", "serde");
  ASSERT_TRUE(toolSerde);
  EXPECT_EQ((*toolSerde)["latest"], "1.0.195");  // the nearer config's registry
  const auto* corp = dep(deps, "Cargo.toml", "corp-util");
  ASSERT_TRUE(corp);
  EXPECT_EQ((*corp)["latest"], "3.0.0");
  EXPECT_EQ((*corp)["updateType"], "major");
  const auto* old = dep(deps, "Cargo.toml", "old");
  ASSERT_TRUE(old);
  EXPECT_EQ((*old)["skipReason"], "unreadable-registry");

  bool gitFinding = false;
  for (const auto& f : j["findings"]) {
    if (f["rule"] == "dependencies.unreadable-registry") {
      gitFinding = true;
      const std::string m = f["message"];
      EXPECT_NE(m.find("\"gitreg\""), std::string::npos) << m;
      EXPECT_NE(m.find(".cargo/config.toml"), std::string::npos) << m;
      EXPECT_NE(m.find("git index"), std::string::npos) << m;
    }
  }
  EXPECT_TRUE(gitFinding) << j["findings"].dump();

  // The token went to corp's index only; nothing was asked of the file's /wrong/ index.
  std::lock_guard<std::mutex> lock(seen.mutex);
  ASSERT_EQ(seen.auth.count("/corp/" + indexPath("corp-util")), 1u);
  EXPECT_EQ(seen.auth["/corp/" + indexPath("corp-util")], "corp-s3cret");
  for (const auto& [target, auth] : seen.auth) {
    EXPECT_EQ(target.rfind("/wrong/", 0), std::string::npos) << target;
    if (target.rfind("/corp/", 0) != 0) {
      EXPECT_EQ(auth, "") << target;
    }
  }
  EXPECT_EQ(seen.auth.count("/mirror/" + indexPath("serde")), 1u);
  EXPECT_EQ(seen.auth.count("/near/" + indexPath("serde")), 1u);
}

}  // namespace
