// Cargo, pyproject and Helm manifests end to end: a git repository with a Rust workspace,
// a PEP 621 project, a Poetry project and a Helm umbrella chart; one fake registry on
// loopback speaking the crates sparse index (with config.json and the crates API for
// dates), the package index JSON API and a Helm chart repository index.yaml; the real
// `ddd scan --analyzers dependencies --format json` and `ddd run --local` binaries.
#include <gtest/gtest.h>

#include "tests/bot/bot_test_support.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

using ddd::testing::FakeHttpServer;
using ddd::testing::TestRepo;

using Versions = std::vector<std::pair<std::string, std::string>>;  // version, date

// crates: index lines and API versions.
const std::map<std::string, Versions>& crates() {
  static const std::map<std::string, Versions> c = {
      {"serde", {{"1.0.150", "2022-12-12T00:00:00Z"}, {"1.0.193", "2023-11-21T00:00:00Z"}}},
      {"anyhow", {{"1.0.0", "2019-10-05T00:00:00Z"}, {"1.0.75", "2023-08-26T00:00:00Z"}}},
      {"http",
       {{"0.2.9", "2023-02-17T00:00:00Z"},
        {"0.2.11", "2023-11-13T00:00:00Z"},
        {"1.0.0", "2023-11-15T00:00:00Z"}}},
      {"reqwest", {{"0.11.20", "2023-08-23T00:00:00Z"}, {"0.11.22", "2023-10-03T00:00:00Z"}}},
  };
  return c;
}

const std::map<std::string, Versions>& pypi() {
  static const std::map<std::string, Versions> p = {
      {"requests",
       {{"2.28.0", "2022-06-09T00:00:00Z"},
        {"2.31.0", "2023-05-22T00:00:00Z"},
        {"2.32.0rc1", "2024-05-01T00:00:00Z"}}},
      {"pydantic", {{"2.4.0", "2023-09-22T00:00:00Z"}, {"2.5.2", "2023-11-22T00:00:00Z"}}},
      {"django",
       {{"4.2.0", "2023-04-03T00:00:00Z"},
        {"4.2.7", "2023-11-01T00:00:00Z"},
        {"5.0.0", "2023-12-04T00:00:00Z"}}},
      {"pytest", {{"7.4.0", "2023-06-23T00:00:00Z"}, {"7.4.3", "2023-10-24T00:00:00Z"}}},
  };
  return p;
}

std::string cratesIndexPath(const std::string& name) {
  if (name.size() <= 2) return std::to_string(name.size()) + "/" + name;
  if (name.size() == 3) return "3/" + name.substr(0, 1) + "/" + name;
  return name.substr(0, 2) + "/" + name.substr(2, 2) + "/" + name;
}

FakeHttpServer registry() {
  return FakeHttpServer([](const FakeHttpServer::Request& r) -> FakeHttpServer::Response {
    const std::string self = "http://" + r.header("Host");
    if (r.target == "/index/config.json") {
      return {200, {}, nlohmann::json{{"dl", self + "/dl"}, {"api", self}}.dump()};
    }
    for (const auto& [name, versions] : crates()) {
      if (r.target == "/index/" + cratesIndexPath(name)) {
        std::string lines;
        for (const auto& v : versions) {
          lines += nlohmann::json{{"name", name},
                                  {"vers", v.first},
                                  {"deps", nlohmann::json::array()},
                                  {"cksum", "00"},
                                  {"features", nlohmann::json::object()},
                                  {"yanked", false}}
                       .dump() +
                   "\n";
        }
        return {200, {}, lines};
      }
      if (r.target == "/api/v1/crates/" + name) {
        nlohmann::json j;
        j["crate"] = {{"name", name}, {"repository", "https://github.com/example/" + name}};
        for (const auto& v : versions)
          j["versions"].push_back({{"num", v.first}, {"created_at", v.second}});
        return {200, {}, j.dump()};
      }
    }
    for (const auto& [name, versions] : pypi()) {
      if (r.target == "/pypi/" + name + "/json") {
        nlohmann::json j;
        j["info"] = {{"name", name},
                     {"project_urls", {{"Source", "https://github.com/example/" + name}}}};
        for (const auto& v : versions) {
          j["releases"][v.first] =
              nlohmann::json::array({{{"filename", name + "-" + v.first + ".tar.gz"},
                                      {"upload_time_iso_8601", v.second},
                                      {"yanked", false}}});
        }
        return {200, {{"Content-Type", "application/json"}}, j.dump()};
      }
    }
    if (r.target == "/charts/index.yaml") {
      return {200,
              {{"Content-Type", "application/x-yaml"}},
              "apiVersion: v1\nentries:\n"
              "  postgresql:\n"
              "    - version: 12.5.6\n      created: \"2023-06-01T10:00:00Z\"\n"
              "    - version: 12.1.0\n      created: \"2022-12-01T10:00:00Z\"\n"
              "  redis:\n"
              "    - version: 18.6.1\n      created: \"2023-12-01T10:00:00Z\"\n"
              "    - version: 18.1.0\n      created: \"2023-09-20T10:00:00Z\"\n"
              "generated: \"2023-12-01T10:00:00Z\"\n"};
    }
    return {404, {}, "not found"};
  });
}

const char* kCargoRoot = R"M(# Workspace root.
[workspace]
members = ["crates/*"]

[workspace.dependencies]
serde = { version = "1.0.150", features = ["derive"] }  # shared

[package]
name = "gateway"
version = "0.1.0"

[dependencies]
anyhow = "1.0"        # errors
http0 = { package = "http", version = "0.2.9" }
api = { path = "crates/api" }
serde = { workspace = true }
)M";

const char* kCargoApi = R"M([package]
name = "api"
version = "0.1.0"

[dependencies.reqwest]
version = "~0.11.20"   # pinned minor
features = ["json"]
)M";

const char* kPep621 = R"M([build-system]
requires = ["hatchling"]

[project]
name = "weather"
version = "1.0.0"
dependencies = [
    "requests>=2.28,<3",   # HTTP
    "pydantic ~= 2.4.0",
]
)M";

const char* kPoetry = R"M([tool.poetry]
name = "billing"
version = "0.3.0"

[tool.poetry.dependencies]
python = "^3.10"
Django = "^4.2"   # LTS for now

[tool.poetry.group.test.dependencies]
pytest = "~7.4.0"
)M";

std::string chart(const std::string& repo) {
  return "apiVersion: v2\nname: platform\nversion: 1.0.0\n"
         "dependencies:\n"
         "  # Database.\n"
         "  - name: postgresql\n"
         "    version: 12.1.0\n"
         "    repository: " +
         repo +
         "\n"
         "  - name: redis\n"
         "    version: \"~18.1.0\"\n"
         "    repository: \"" +
         repo +
         "/\"\n"
         "  - name: common\n"
         "    version: 1.x.x\n"
         "    repository: file://../common\n";
}

const nlohmann::json* dep(const nlohmann::json& deps, const std::string& file,
                          const std::string& name) {
  for (const auto& d : deps) {
    if (d["file"] == file && d["name"] == name) return &d;
  }
  return nullptr;
}

TEST(DependenciesTomlYamlEndToEnd, ScanProposesUpdatesForCargoPyprojectAndHelm) {
  auto server = registry();
  TestRepo repo;
  const std::string chartText = chart(server.url() + "/charts");
  repo.commit({{"Cargo.toml", kCargoRoot},
               {"crates/api/Cargo.toml", kCargoApi},
               {"services/weather/pyproject.toml", kPep621},
               {"services/billing/pyproject.toml", kPoetry},
               {"deploy/platform/Chart.yaml", chartText},
               {".ddd.json", R"({"dependencies": {"lookupConcurrency": 2}})"}});
  const std::string env =
      "DDD_REGISTRY_CRATES=" + ddd::testing::shellQuote(server.url() + "/index") +
      " DDD_REGISTRY_PYPI=" + ddd::testing::shellQuote(server.url()) + " ";
  const std::string path = ddd::testing::shellQuote(repo.path().string());
  auto o = ddd::testing::runDdd("scan " + path + " --analyzers dependencies --format json", env);
  ASSERT_EQ(o.exitCode, 0) << o.err;
  const auto j = nlohmann::json::parse(o.out);
  const auto& deps = j["details"]["dependencies"]["dependencies"];

  // Inventory: every manifest read, skips with their reasons.
  struct Want {
    const char* file;
    const char* name;
    const char* latest;
    const char* newValue;
    const char* updateType;
  };
  for (const Want& w : {
           Want{"Cargo.toml", "serde", "1.0.193", "1.0.193", "patch"},
           Want{"Cargo.toml", "anyhow", "1.0.75", "1.0", ""},  // "1.0" admits 1.0.75: bumped
           Want{"Cargo.toml", "http0", "1.0.0", "1.0.0", "major"},
           Want{"crates/api/Cargo.toml", "reqwest", "0.11.22", "~0.11.22", "patch"},
           Want{"services/weather/pyproject.toml", "requests", "2.31.0", ">=2.31,<3", "minor"},
           Want{"services/weather/pyproject.toml", "pydantic", "2.5.2", "~= 2.5.2", "minor"},
           Want{"services/billing/pyproject.toml", "Django", "5.0.0", "^5.0", "major"},
           Want{"services/billing/pyproject.toml", "pytest", "7.4.3", "~7.4.3", "patch"},
           Want{"deploy/platform/Chart.yaml", "postgresql", "12.5.6", "12.5.6", "minor"},
           Want{"deploy/platform/Chart.yaml", "redis", "18.6.1", "~18.6.1", "minor"},
       }) {
    const auto* d = dep(deps, w.file, w.name);
    ASSERT_TRUE(d) << w.file << " " << w.name << "\n" << deps.dump(1);
    EXPECT_EQ((*d)["latest"], w.latest) << d->dump();
    if (std::string(w.updateType).empty()) continue;
    EXPECT_EQ((*d)["newValue"], w.newValue) << d->dump();
    EXPECT_EQ((*d)["updateType"], w.updateType) << d->dump();
  }
  EXPECT_EQ((*dep(deps, "Cargo.toml", "api"))["skipReason"], "local-path");
  EXPECT_EQ((*dep(deps, "services/billing/pyproject.toml", "python"))["skipReason"],
            "python-version");
  EXPECT_EQ((*dep(deps, "services/weather/pyproject.toml", "hatchling"))["skipReason"],
            "unversioned");
  EXPECT_EQ((*dep(deps, "deploy/platform/Chart.yaml", "common"))["skipReason"], "local-path");
  EXPECT_NEAR((*dep(deps, "deploy/platform/Chart.yaml", "postgresql"))["libyear"].get<double>(),
              0.5, 0.01);
  for (const auto& f : j["findings"]) {
    EXPECT_NE(f["rule"], "dependencies.invalid-manifest") << f.dump();
    EXPECT_NE(f["rule"], "dependencies.lookup-failed") << f.dump();
  }

  // The proposals: one per dependency (the default grouping), each editing only its span.
  std::map<std::string, nlohmann::json> changes;
  for (const auto& c : j["changes"]) changes[c["id"].get<std::string>()] = c;
  for (const char* id :
       {"deps/cargo-serde-1.x", "deps/cargo-http-1.x", "deps/cargo-reqwest-0.x",
        "deps/pypi-requests-2.x", "deps/pypi-pydantic-2.x", "deps/pypi-django-5.x",
        "deps/pypi-pytest-7.x", "deps/helm-postgresql-12.x", "deps/helm-redis-18.x"}) {
    EXPECT_TRUE(changes.count(id)) << id << " missing; ids: " << j["changes"].dump(1);
  }

  // `ddd run --local` writes the branches; each file differs from the original only by
  // the new value.
  auto run = ddd::testing::runDdd("run --local " + path + " --analyzers dependencies", env);
  ASSERT_EQ(run.exitCode, 0) << run.err;
  struct Edit {
    const char* branch;
    const char* file;
    std::string original;
    const char* from;
    const char* to;
  };
  for (const Edit& e : {
           Edit{"ddd/deps/cargo-reqwest-0.x", "crates/api/Cargo.toml", kCargoApi,
                "version = \"~0.11.20\"", "version = \"~0.11.22\""},
           Edit{"ddd/deps/cargo-http-1.x", "Cargo.toml", kCargoRoot, "version = \"0.2.9\"",
                "version = \"1.0.0\""},
           Edit{"ddd/deps/pypi-requests-2.x", "services/weather/pyproject.toml", kPep621,
                "requests>=2.28,<3", "requests>=2.31,<3"},
           Edit{"ddd/deps/pypi-django-5.x", "services/billing/pyproject.toml", kPoetry,
                "Django = \"^4.2\"", "Django = \"^5.0\""},
           Edit{"ddd/deps/helm-redis-18.x", "deploy/platform/Chart.yaml", chartText, "\"~18.1.0\"",
                "\"~18.6.1\""},
       }) {
    std::string expected = e.original;
    const size_t at = expected.find(e.from);
    ASSERT_NE(at, std::string::npos) << e.from;
    expected.replace(at, std::string(e.from).size(), e.to);
    EXPECT_EQ(ddd::testing::git(repo.path(), std::string("show ") + e.branch + ":" + e.file),
              expected)
        << e.branch;
  }
}

TEST(DependenciesTomlYamlEndToEnd, MalformedManifestsAreFindingsAndTheScanGoesOn) {
  auto server = registry();
  TestRepo repo;
  repo.commit({{"Cargo.toml", "[dependencies\nserde = \"1\"\n"},
               {"py/pyproject.toml", "[project]\ndependencies = [\"requests>=2.28\"\n"},
               {"charts/bad/Chart.yaml", "dependencies:\n  - name: x\n   version: [\n"},
               {"charts/hang/Chart.yaml", ","},
               {"ok/pyproject.toml", "[project]\ndependencies = [\"requests>=2.28,<3\"]\n"}});
  const std::string env = "DDD_REGISTRY_PYPI=" + ddd::testing::shellQuote(server.url()) + " ";
  auto o = ddd::testing::runDdd("scan " + ddd::testing::shellQuote(repo.path().string()) +
                                    " --analyzers dependencies --format json",
                                env);
  ASSERT_EQ(o.exitCode, 0) << o.err;
  const auto j = nlohmann::json::parse(o.out);
  std::map<std::string, std::string> invalid;
  for (const auto& f : j["findings"]) {
    if (f["rule"] == "dependencies.invalid-manifest") invalid[f["path"]] = f["message"];
  }
  ASSERT_EQ(invalid.size(), 4u) << j["findings"].dump(1);
  EXPECT_EQ(invalid["Cargo.toml"].rfind("Cargo.toml:1:", 0), 0u) << invalid["Cargo.toml"];
  EXPECT_EQ(invalid["py/pyproject.toml"].rfind("py/pyproject.toml:2:", 0), 0u)
      << invalid["py/pyproject.toml"];
  EXPECT_NE(invalid["charts/bad/Chart.yaml"].find("invalid YAML"), std::string::npos);
  EXPECT_NE(invalid["charts/hang/Chart.yaml"].find("charts/hang/Chart.yaml"), std::string::npos);
  // The good manifest is still checked.
  const auto& deps = j["details"]["dependencies"]["dependencies"];
  ASSERT_EQ(deps.size(), 1u);
  EXPECT_EQ(deps[0]["newValue"], ">=2.31,<3");
}

}  // namespace
}  // namespace ddd::bot
