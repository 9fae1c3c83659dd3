// Digest pins end to end: GitHub Actions pinned to commits (`@<sha> # v4.1.0`) and
// images pinned by digest (`FROM image:tag@sha256:...`), in real git repositories,
// looked up through the real HTTP client on a loopback server that answers as GitHub's
// REST API (releases, tags with commit.sha, git refs and annotated tag objects) and a
// Docker Registry v2 (Bearer token challenge, tags/list, manifest HEAD with
// Docker-Content-Digest) do. The proposals are checked byte for byte.
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

// Commit shas (40 hex) and image digests, named for what they are.
std::string sha(char c) { return std::string(40, c); }
std::string imageDigest(char c) { return "sha256:" + std::string(64, c); }

struct Registries {
  // GitHub API: path (without the /gh prefix) -> body; a body "!..." is sent as is with
  // a status given in `statuses`.
  std::map<std::string, std::string> github;
  // Docker: image -> tags; (image, tag) -> digest; tags whose HEAD leaves the digest out.
  std::map<std::string, std::vector<std::string>> dockerTags;
  std::map<std::pair<std::string, std::string>, std::string> manifests;
  std::set<std::string> headWithoutDigest;
  std::map<std::string, FakeHttpServer::Response> overrides;  // target -> canned answer
};

FakeHttpServer::Response json(const std::string& body) {
  return {200, {{"Content-Type", "application/json"}}, body};
}

FakeHttpServer serve(const Registries& reg, std::string& selfUrl) {
  return FakeHttpServer([&reg, &selfUrl](const FakeHttpServer::Request& r) {
    if (auto o = reg.overrides.find(r.target); o != reg.overrides.end()) return o->second;
    if (r.target.rfind("/gh/", 0) == 0) {
      if (r.header("Accept") != "application/vnd.github+json") return json("wrong Accept");
      auto it = reg.github.find(r.target.substr(3));
      if (it == reg.github.end())
        return FakeHttpServer::Response{404, {}, R"({"message":"Not Found"})"};
      return json(it->second);
    }
    if (r.target.rfind("/token?", 0) == 0) {
      if (r.target.find("service=registry.test") == std::string::npos ||
          r.target.find("scope=repository%3Alibrary%2F") == std::string::npos) {
        return FakeHttpServer::Response{400, {}, "bad token request " + r.target};
      }
      return json(R"({"token": "pull-token", "expires_in": 300})");
    }
    if (r.target.rfind("/v2/", 0) == 0) {
      // /v2/library/<image>/tags/list?n=1000 or /v2/library/<image>/manifests/<tag>
      const std::string rest = r.target.substr(12);
      const std::string image = rest.substr(0, rest.find('/'));
      if (r.header("Authorization") != "Bearer pull-token") {
        return FakeHttpServer::Response{
            401,
            {{"WWW-Authenticate", "Bearer realm=\"" + selfUrl +
                                      "/token\",service=\"registry.test\",scope=\"repository:"
                                      "library/" +
                                      image + ":pull\""}},
            R"({"errors":[{"code":"UNAUTHORIZED"}]})"};
      }
      if (rest.find("/tags/list") != std::string::npos) {
        auto tags = reg.dockerTags.find(image);
        if (tags == reg.dockerTags.end())
          return FakeHttpServer::Response{404, {}, R"({"errors":[{"code":"NAME_UNKNOWN"}]})"};
        nlohmann::json j = {{"name", "library/" + image}, {"tags", tags->second}};
        return json(j.dump());
      }
      const size_t m = rest.find("/manifests/");
      const std::string tag = rest.substr(m + 11);
      auto digest = reg.manifests.find({image, tag});
      if (m == std::string::npos || digest == reg.manifests.end())
        return FakeHttpServer::Response{404, {}, R"({"errors":[{"code":"MANIFEST_UNKNOWN"}]})"};
      if (r.header("Accept").find("application/vnd.oci.image.index.v1+json") == std::string::npos)
        return FakeHttpServer::Response{406, {}, "an index was not accepted"};
      FakeHttpServer::Response out{
          200, {{"Content-Type", "application/vnd.oci.image.index.v1+json"}}, ""};
      if (r.method == "HEAD") {
        // As registries do: the length of the manifest, no body.
        out.headers.emplace_back("Content-Length", "1609");
        if (!reg.headWithoutDigest.count(image))
          out.headers.emplace_back("Docker-Content-Digest", digest->second);
      } else {
        out.body = R"({"schemaVersion": 2, "manifests": []})";
        out.headers.emplace_back("Docker-Content-Digest", digest->second);
      }
      return out;
    }
    return FakeHttpServer::Response{404, {}, "unknown " + r.target};
  });
}

std::string releases(const std::vector<std::pair<std::string, std::string>>& tagDates) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& [tag, date] : tagDates)
    j.push_back(
        {{"tag_name", tag}, {"published_at", date}, {"draft", false}, {"prerelease", false}});
  return j.dump();
}
std::string tags(const std::vector<std::pair<std::string, std::string>>& tagShas) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& [tag, commit] : tagShas)
    j.push_back({{"name", tag},
                 {"commit", {{"sha", commit}, {"url", "https://api.test/commits/" + commit}}},
                 {"node_id", "x"}});
  return j.dump();
}

struct Scan {
  analyzers::AnalysisResult result;
  uint64_t requests = 0;
};

Scan scan(const TestRepo& repo, const std::string& url) {
  forges::HttpClient http(registryHttpOptions());
  RegistryClient client(http, 200);
  ScanRequest request;
  request.repoPath = repo.path();
  request.analyzers = {"dependencies"};
  request.dataDir = ddd::testing::dataDir().string();
  request.registry = &client;
  analyzers::deps::RegistrySettings settings;
  settings.setDefault("github-tags", {url + "/gh"});
  settings.setDefault("docker", {url});
  request.registrySettings = settings;
  auto report = runScan(request);
  return {std::move(report.result), client.requests()};
}

const analyzers::ProposedChange* change(const Scan& s, const std::string& id) {
  for (const auto& c : s.result.changes) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

const nlohmann::json* inventoryOf(const Scan& s, const std::string& name) {
  for (const auto& d : s.result.details["dependencies"]["dependencies"]) {
    if (d["name"] == name) return &d;
  }
  return nullptr;
}

// The repository's file with the change applied.
std::string applied(const analyzers::ProposedChange& c, const std::string& path) {
  for (const auto& e : c.edits) {
    if (e.path == path && e.newContent) return *e.newContent;
  }
  return "(no edit of " + path + ")";
}

const std::string kWorkflow =
    "name: ci\n"
    "on: push\n"
    "jobs:\n"
    "  build:\n"
    "    runs-on: ubuntu-latest\n"
    "    steps:\n"
    "      - uses: actions/checkout@" +
    sha('1') +
    " # v4.1.1\n"
    "      - uses: actions/setup-node@" +
    sha('2') +
    "  # 3.8\n"
    "      - uses: actions/cache@" +
    sha('3') +
    " # v4\n"
    "      - uses: docker/login-action@" +
    sha('4') +
    "\n"
    "      - uses: actions/upload-artifact@" +
    sha('5') +
    "\n"
    "      - uses: actions/labeler@" +
    sha('6') + " # v5.0.0\n";

Registries githubRegistries() {
  Registries reg;
  // checkout: v4.1.1 is pinned; v5.0.0 is the newest (a major, written at 3 components).
  reg.github["/repos/actions/checkout/releases?per_page=100"] =
      releases({{"v5.0.0", "2025-08-11T10:00:00Z"},
                {"v4.2.2", "2024-10-23T14:46:00Z"},
                {"v4.1.1", "2023-10-17T15:52:30Z"}});
  reg.github["/repos/actions/checkout/tags?per_page=100"] = tags({{"v5", sha('a')},
                                                                  {"v5.0.0", sha('a')},
                                                                  {"v4", sha('b')},
                                                                  {"v4.2.2", sha('b')},
                                                                  {"v4.1.1", sha('1')}});
  // setup-node: "3.8" (no v, two components) moves to "3.9"; the tags are v-prefixed.
  reg.github["/repos/actions/setup-node/releases?per_page=100"] =
      releases({{"v3.9.1", "2024-05-01T00:00:00Z"}, {"v3.8.2", "2023-11-01T00:00:00Z"}});
  reg.github["/repos/actions/setup-node/tags?per_page=100"] = tags(
      {{"v3.9.1", sha('c')}, {"v3.9.0", sha('d')}, {"v3.8.2", sha('e')}, {"v3.8.1", sha('2')}});
  // cache: "v4" stays v4, but the v4 tag moved on: only the sha changes (digest).
  reg.github["/repos/actions/cache/releases?per_page=100"] =
      releases({{"v4.2.0", "2024-12-05T00:00:00Z"}, {"v4.1.0", "2024-09-01T00:00:00Z"}});
  reg.github["/repos/actions/cache/tags?per_page=100"] =
      tags({{"v4", sha('f')}, {"v4.2.0", sha('f')}, {"v4.1.0", sha('3')}});
  // login-action: no tag names the pinned commit: the newest release's commit.
  reg.github["/repos/docker/login-action/releases?per_page=100"] =
      releases({{"v3.3.0", "2024-07-10T00:00:00Z"}, {"v2.2.0", "2023-06-01T00:00:00Z"}});
  reg.github["/repos/docker/login-action/tags?per_page=100"] =
      tags({{"v3", sha('7')}, {"v3.3.0", sha('7')}, {"v2.2.0", sha('8')}});
  // upload-artifact: the pinned commit is v3.1.3; v4.4.3 is a release the tag listing
  // did not reach, so its commit comes from the git refs API (an annotated tag).
  reg.github["/repos/actions/upload-artifact/releases?per_page=100"] =
      releases({{"v4.4.3", "2024-10-10T00:00:00Z"}, {"v3.1.3", "2023-09-01T00:00:00Z"}});
  reg.github["/repos/actions/upload-artifact/tags?per_page=100"] =
      tags({{"v3.1.3", sha('5')}, {"v3.1.2", sha('9')}});
  reg.github["/repos/actions/upload-artifact/git/ref/tags/v4.4.3"] =
      R"({"ref": "refs/tags/v4.4.3", "node_id": "x", "url": "u",
          "object": {"sha": ")" +
      std::string(40, '0') + R"(", "type": "tag", "url": "u"}})";
  reg.github["/repos/actions/upload-artifact/git/tags/" + std::string(40, '0')] =
      R"({"sha": ")" + std::string(40, '0') + R"(", "tag": "v4.4.3", "message": "v4.4.3",
          "object": {"sha": "b4ffde65f46336ab88eb53be808477a3936bae11", "type": "commit"}})";
  // labeler: current (v5.0.0 names the pinned commit, nothing newer).
  reg.github["/repos/actions/labeler/releases?per_page=100"] =
      releases({{"v5.0.0", "2023-12-01T00:00:00Z"}});
  reg.github["/repos/actions/labeler/tags?per_page=100"] =
      tags({{"v5", sha('6')}, {"v5.0.0", sha('6')}});
  return reg;
}

TEST(DependencyPins, ActionShaPinsMoveWithTheirVersionComments) {
  std::string url;
  Registries reg = githubRegistries();
  auto server = serve(reg, url);
  url = server.url();
  TestRepo repo;
  repo.commit({{".github/workflows/ci.yml", kWorkflow},
               {".ddd.json", R"({"dependencies": {"lookupConcurrency": 2}})"}});
  Scan s = scan(repo, url);
  for (const auto& f : s.result.findings) {
    EXPECT_NE(f.rule, "dependencies.lookup-failed") << f.message;
  }
  std::vector<std::string> ids;
  for (const auto& c : s.result.changes) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{
                     "deps/github-actions-actions-cache-4.x",
                     "deps/github-actions-actions-checkout-5.x",
                     "deps/github-actions-actions-setup-node-3.x",
                     "deps/github-actions-actions-upload-artifact-4.x",
                     "deps/github-actions-docker-login-action-3.x",
                 }));
  const std::string path = ".github/workflows/ci.yml";
  auto expect = [&](const std::string& id, const std::string& from, const std::string& to,
                    const std::string& type) {
    const auto* c = change(s, id);
    ASSERT_TRUE(c) << id;
    std::string want = kWorkflow;
    const size_t at = want.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    want.replace(at, from.size(), to);
    EXPECT_EQ(applied(*c, path), want) << id;
    EXPECT_EQ(c->facts.updateType, type) << id;
    EXPECT_FALSE(c->facts.lockfileStale) << id;
  };
  // The sha and the comment, together, in the comment's own style.
  expect("deps/github-actions-actions-checkout-5.x", sha('1') + " # v4.1.1", sha('a') + " # v5.0.0",
         "major");
  expect("deps/github-actions-actions-setup-node-3.x", sha('2') + "  # 3.8", sha('c') + "  # 3.9",
         "minor");
  expect("deps/github-actions-actions-cache-4.x", sha('3') + " # v4", sha('f') + " # v4", "digest");
  expect("deps/github-actions-docker-login-action-3.x", sha('4'), sha('7'), "digest");
  expect("deps/github-actions-actions-upload-artifact-4.x", sha('5'),
         "b4ffde65f46336ab88eb53be808477a3936bae11", "major");
  const auto* checkout = change(s, "deps/github-actions-actions-checkout-5.x");
  ASSERT_EQ(checkout->edits[0].spans.size(), 2u);  // one change, both spans
  EXPECT_EQ(checkout->edits[0].spans[0].before, sha('1'));
  EXPECT_EQ(checkout->edits[0].spans[1].before, "v4.1.1");
  EXPECT_NE(checkout->whatChanges.find("`v4.1.1` → `v5.0.0` (v4.1.1 → v5.0.0), pin `1111111` → "
                                       "`aaaaaaa`"),
            std::string::npos)
      << checkout->whatChanges;
  const auto* cache = change(s, "deps/github-actions-actions-cache-4.x");
  EXPECT_EQ(cache->title,
            "Update actions/cache v4 to fff"
            "ffff");
  EXPECT_NE(cache->risk.find("Only a pin moves"), std::string::npos);
  // The inventory says what each pin is.
  const auto* login = inventoryOf(s, "docker/login-action");
  ASSERT_TRUE(login);
  EXPECT_EQ((*login)["updateType"], "digest");
  EXPECT_EQ((*login)["digestTag"], "v3.3.0");
  EXPECT_EQ((*login)["newDigest"], sha('7'));
  const auto* upload = inventoryOf(s, "actions/upload-artifact");
  EXPECT_EQ((*upload)["used"], "v3.1.3");  // resolved from the pinned commit
  EXPECT_EQ((*inventoryOf(s, "actions/labeler"))["newDigest"], "");  // current
  EXPECT_EQ(s.result.details["dependencies"]["summary"]["updatesByType"]["digest"], 2);
}

TEST(DependencyPins, ImageDigestsFollowTheirTags) {
  std::string url;
  Registries reg;
  reg.dockerTags["python"] = {"3.11", "3.11-slim", "3.12-slim", "3.12", "3.13-rc-slim"};
  reg.manifests[{"python", "3.12-slim"}] = imageDigest('2');
  reg.manifests[{"python", "3.11-slim"}] = imageDigest('1');
  reg.dockerTags["node"] = {"20.10-alpine", "20.11-alpine", "20.11"};
  reg.manifests[{"node", "20.11-alpine"}] = imageDigest('4');
  reg.headWithoutDigest.insert("node");  // the digest only on GET
  reg.dockerTags["debian"] = {"bookworm", "bullseye", "12", "12.8"};
  reg.manifests[{"debian", "bookworm"}] = imageDigest('6');  // rebuilt since the pin
  reg.dockerTags["redis"] = {"7.2.3", "7.2.2"};
  reg.manifests[{"redis", "7.2.3"}] = imageDigest('7');  // current
  auto server = serve(reg, url);
  url = server.url();
  const std::string dockerfile =
      "# syntax=docker/dockerfile:1\n"
      "ARG PY=3.11-slim\n"
      "FROM python:${PY}@" +
      imageDigest('1') +
      " AS build\n"
      "RUN pip install -r requirements.txt\n"
      "FROM python:${PY}@" +
      imageDigest('1') +
      " AS test\n"
      "FROM node:20.10-alpine@" +
      imageDigest('3') +
      "\n"
      "FROM debian:bookworm@" +
      imageDigest('5') +
      "\n"
      "FROM redis:7.2.3@" +
      imageDigest('7') + "\n";
  TestRepo repo;
  repo.commit({{"Dockerfile", dockerfile}});
  Scan s = scan(repo, url);
  for (const auto& f : s.result.findings) {
    EXPECT_NE(f.rule, "dependencies.lookup-failed") << f.message;
  }
  std::vector<std::string> ids;
  for (const auto& c : s.result.changes) ids.push_back(c.id);
  ASSERT_EQ(ids, (std::vector<std::string>{"deps/docker-debian-bookworm", "deps/docker-node-20.x",
                                           "deps/docker-python-3.x"}));
  // The ARG default and both FROM digests: one change, each span once.
  std::string python = dockerfile;
  python.replace(python.find("ARG PY=3.11-slim"), 16, "ARG PY=3.12-slim");
  for (int i = 0; i < 2; ++i)
    python.replace(python.find("${PY}@" + imageDigest('1')), 6 + 71, "${PY}@" + imageDigest('2'));
  EXPECT_EQ(applied(*change(s, "deps/docker-python-3.x"), "Dockerfile"), python);
  EXPECT_EQ(change(s, "deps/docker-python-3.x")->facts.updateType, "minor");
  std::string node = dockerfile;
  node.replace(node.find("node:20.10-alpine@" + imageDigest('3')), 18 + 71,
               "node:20.11-alpine@" + imageDigest('4'));
  EXPECT_EQ(applied(*change(s, "deps/docker-node-20.x"), "Dockerfile"), node);
  std::string debian = dockerfile;
  debian.replace(debian.find(imageDigest('5')), 71, imageDigest('6'));
  EXPECT_EQ(applied(*change(s, "deps/docker-debian-bookworm"), "Dockerfile"), debian);
  EXPECT_EQ(change(s, "deps/docker-debian-bookworm")->facts.updateType, "digest");
  // Token once per image session, HEAD for manifests (GET only where HEAD had no digest).
  int heads = 0, gets = 0;
  for (const auto& r : server.requests()) {
    if (r.target.find("/manifests/") == std::string::npos) continue;
    (r.method == "HEAD" ? heads : gets)++;
  }
  EXPECT_EQ(gets, 1);  // node's
  EXPECT_GE(heads, 4);
}

TEST(DependencyPins, BadRegistryAnswersAreFindingsAndTheScanGoesOn) {
  std::string url;
  Registries reg = githubRegistries();
  // checkout: the tag listing is not JSON; setup-node: truncated; upload-artifact: the
  // ref of its newest release is gone (404); an image whose target manifest is unknown.
  reg.overrides["/gh/repos/actions/checkout/tags?per_page=100"] = {
      200, {{"Content-Type", "text/html"}}, "<html>rate limited</html>"};
  reg.overrides["/gh/repos/actions/setup-node/tags?per_page=100"] = {
      200, {{"Content-Type", "application/json"}}, tags({{"v3.9.1", sha('c')}}), {}, 20};
  reg.github.erase("/repos/actions/upload-artifact/git/ref/tags/v4.4.3");
  reg.dockerTags["python"] = {"3.11-slim", "3.12-slim"};
  auto server = serve(reg, url);
  url = server.url();
  TestRepo repo;
  repo.commit({{".github/workflows/ci.yml", kWorkflow},
               {"Dockerfile", "FROM python:3.11-slim@" + imageDigest('1') + "\n"}});
  Scan s = scan(repo, url);
  std::map<std::string, std::string> failed;  // dependency -> message
  for (const auto& f : s.result.findings) {
    if (f.rule != "dependencies.lookup-failed") continue;
    for (const char* name :
         {"actions/checkout", "actions/setup-node", "actions/upload-artifact", "python"}) {
      if (f.message.find(name) != std::string::npos) failed[name] = f.message;
    }
  }
  ASSERT_EQ(failed.size(), 4u);
  EXPECT_NE(failed["actions/checkout"].find("GitHub repository actions/checkout tags: the answer "
                                            "is not a JSON array"),
            std::string::npos)
      << failed["actions/checkout"];
  EXPECT_NE(failed["actions/setup-node"].find(url), std::string::npos)
      << failed["actions/setup-node"];
  EXPECT_NE(failed["actions/upload-artifact"].find("does not know the tag v4.4.3"),
            std::string::npos)
      << failed["actions/upload-artifact"];
  EXPECT_NE(failed["python"].find("the digest of 3.12-slim is unknown"), std::string::npos)
      << failed["python"];
  // Nothing half-done is proposed for them; the others still are.
  EXPECT_FALSE(change(s, "deps/docker-python-3.x"));
  EXPECT_FALSE(change(s, "deps/github-actions-actions-upload-artifact-4.x"));
  EXPECT_TRUE(change(s, "deps/github-actions-actions-cache-4.x"));
  EXPECT_TRUE(change(s, "deps/github-actions-docker-login-action-3.x"));
}

}  // namespace
}  // namespace ddd::bot
