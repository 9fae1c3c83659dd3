// Registry answers kept in the state store between runs: a fake npm registry on loopback
// that honours If-None-Match; two scans with fresh HTTP clients (a cold process each) on
// one state file: the second asks conditionally, gets 304s and reports the same; rows that
// cannot be read are dropped with a warning; the table stays within its bounds; the serve
// store keeps rows on SQLite and PostgreSQL alike; `ddd run --local` uses it end to end.
#include "bot/registry_cache.h"

#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "bot/jobs/job_store.h"
#include "bot/registry_client.h"
#include "bot/report.h"
#include "bot/scan.h"
#include "bot/state_store.h"
#include "forges/http/client.h"
#include "tests/bot/bot_test_support.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

using ddd::testing::FakeHttpServer;
using ddd::testing::TestRepo;

std::string packument(const std::string& name, const std::vector<std::string>& versions) {
  nlohmann::json j;
  j["name"] = name;
  j["dist-tags"] = {{"latest", versions.back()}};
  int day = 1;
  for (const auto& v : versions) {
    j["versions"][v] = {{"name", name}, {"version", v}, {"dist", {{"integrity", "sha512-" + v}}}};
    j["time"][v] = "2021-0" + std::to_string(day++) + "-10T00:00:00Z";
  }
  return j.dump();
}

// A registry whose documents carry an ETag (a hash of the body) and that answers 304 to
// a matching If-None-Match, as real registries do; it records what it answered.
struct ConditionalRegistry {
  std::mutex mutex;
  std::vector<std::pair<std::string, int>> answered;  // (If-None-Match sent, status)
  FakeHttpServer server{[this](const FakeHttpServer::Request& r) -> FakeHttpServer::Response {
    std::string body;
    if (r.target == "/left-pad") body = packument("left-pad", {"1.0.0", "1.1.0", "1.3.0"});
    if (r.target == "/chalk") body = packument("chalk", {"4.0.0", "4.1.2", "5.3.0"});
    if (body.empty()) return {404, {}, "{}"};
    const std::string etag = "W/\"" + std::to_string(std::hash<std::string>()(body)) + "\"";
    const std::string sent = r.header("If-None-Match");
    const int status = sent == etag ? 304 : 200;
    {
      std::lock_guard<std::mutex> lock(mutex);
      answered.emplace_back(sent, status);
    }
    if (status == 304) return {304, {{"ETag", etag}}, ""};
    return {200, {{"Content-Type", "application/json"}, {"ETag", etag}, {"Set-Cookie", "s=1"}},
            body};
  }};
};

const char* kManifest = R"({"name": "app", "dependencies": {"left-pad": "^1.0.0", "chalk": "^4.0.0"}}
)";

struct ScanOutcome {
  std::string json;
  uint64_t notModified = 0;
  std::vector<std::string> warnings;
};

ScanOutcome scanWithCache(const TestRepo& repo, const std::filesystem::path& stateFile) {
  ScanOutcome out;
  forges::HttpClient http(registryHttpOptions());  // a cold client, like a new process
  RegistryClient client(http, 100);
  StateStore store(stateFile);
  RegistryCacheOptions options;
  options.warn = [&out](const std::string& w) { out.warnings.push_back(w); };
  {
    RegistryResponseCache cache(store, options);
    client.setCache(&cache);
    ScanRequest request;
    request.repoPath = repo.path();
    request.analyzers = {"dependencies"};
    request.dataDir = ddd::testing::dataDir().string();
    request.registry = &client;
    request.registrySettings = analyzers::deps::RegistrySettings{};
    auto report = runScan(request);
    out.json = report.result.details["dependencies"].dump();
    out.notModified = client.notModified();
    client.setCache(nullptr);
  }
  return out;
}

TEST(RegistryCache, SecondRunAsksConditionallyAndReportsTheSame) {
  ConditionalRegistry registry;
  TestRepo repo;
  repo.commit({{"package.json", kManifest}, {".npmrc", "registry=" + registry.server.url() + "/\n"}});
  ddd::testing::TempDir dir;
  const auto state = dir.path() / "state.sqlite";

  const ScanOutcome first = scanWithCache(repo, state);
  ASSERT_EQ(registry.answered.size(), 2u);
  for (const auto& [sent, status] : registry.answered) {
    EXPECT_EQ(sent, "");
    EXPECT_EQ(status, 200);
  }
  EXPECT_EQ(first.notModified, 0u);
  EXPECT_NE(first.json.find("5.3.0"), std::string::npos) << first.json;
  EXPECT_EQ(StateStore(state).registryResponseCount(), 2);

  registry.answered.clear();
  const ScanOutcome second = scanWithCache(repo, state);
  ASSERT_EQ(registry.answered.size(), 2u);
  for (const auto& [sent, status] : registry.answered) {
    EXPECT_NE(sent, "");
    EXPECT_EQ(status, 304);
  }
  EXPECT_EQ(second.notModified, 2u);
  EXPECT_EQ(second.json, first.json);
  EXPECT_TRUE(second.warnings.empty());

  // No credential and no cookie in the table; the URL is there for people.
  forges::SqliteDb db(state);
  auto st = db.prepare("SELECT url, payload FROM registry_cache ORDER BY url");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.text(0), registry.server.url() + "/chalk");
  auto kept = RegistryResponseCache::decode(st.text(1));
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->header("Set-Cookie"), "");
  EXPECT_EQ(kept->header("Content-Type"), "application/json");
}

TEST(RegistryCache, UnreadableRowsAreDroppedWithAWarning) {
  ConditionalRegistry registry;
  TestRepo repo;
  repo.commit({{"package.json", kManifest}, {".npmrc", "registry=" + registry.server.url() + "/\n"}});
  ddd::testing::TempDir dir;
  const auto state = dir.path() / "state.sqlite";
  const ScanOutcome first = scanWithCache(repo, state);
  {
    forges::SqliteDb db(state);
    db.exec("UPDATE registry_cache SET payload = 'not base64!' WHERE url LIKE '%/chalk';"
            "UPDATE registry_cache SET format = 99 WHERE url LIKE '%/left-pad';");
  }
  registry.answered.clear();
  const ScanOutcome second = scanWithCache(repo, state);
  EXPECT_EQ(second.json, first.json);
  EXPECT_EQ(second.notModified, 0u);
  for (const auto& [sent, status] : registry.answered) {
    EXPECT_EQ(sent, "");  // asked unconditionally
    EXPECT_EQ(status, 200);
  }
  ASSERT_EQ(second.warnings.size(), 1u);  // once per kind
  EXPECT_NE(second.warnings[0].find("unreadable"), std::string::npos) << second.warnings[0];
  // Replaced by fresh rows: the third run is conditional again.
  registry.answered.clear();
  EXPECT_EQ(scanWithCache(repo, state).notModified, 2u);
}

TEST(RegistryCache, CodecRoundTripsBinaryBodiesAndRefusesGarbage) {
  analyzers::deps::HttpResponse r;
  r.status = 200;
  r.headers = {{"ETag", "\"x\""}, {"Authorization", "Bearer secret"}, {"Link", "</v2/x?n=1>; rel=\"next\""}};
  r.body = std::string("\0\1\2 binary \xff\xfe", 14) + std::string(100000, 'a');
  const std::string payload = RegistryResponseCache::encode(r);
  EXPECT_LT(payload.size(), r.body.size() / 10);  // compressed
  auto back = RegistryResponseCache::decode(payload);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->body, r.body);
  EXPECT_EQ(back->header("Link"), "</v2/x?n=1>; rel=\"next\"");
  EXPECT_EQ(back->header("Authorization"), "");
  EXPECT_EQ(payload.find("secret"), std::string::npos);
  for (const std::string& bad : std::vector<std::string>{"", "====", "AAAA", payload.substr(0, payload.size() / 2), payload + "x",
        std::string(payload).replace(20, 4, "AAAA")}) {
    EXPECT_FALSE(RegistryResponseCache::decode(bad)) << bad.substr(0, 40);
  }
  // Keys: the credential scope changes the key, a validator does not.
  analyzers::deps::HttpRequest a;
  a.url = "https://r.example/x";
  a.headers = {{"Accept", "application/json"}};
  analyzers::deps::HttpRequest b = a;
  b.headers.emplace_back("Authorization", "Bearer t");
  analyzers::deps::HttpRequest c = a;
  c.headers.emplace_back("If-None-Match", "\"1\"");
  EXPECT_NE(RegistryResponseCache::keyOf(a), RegistryResponseCache::keyOf(b));
  EXPECT_EQ(RegistryResponseCache::keyOf(a), RegistryResponseCache::keyOf(c));
  EXPECT_EQ(RegistryResponseCache::keyOf(b).size(), 64u);
}

TEST(RegistryCache, TokensAndNoStoreAnswersAreNeverWritten) {
  ddd::testing::TempDir dir;
  StateStore store(dir.path() / "state.sqlite");
  RegistryResponseCache cache(store);
  analyzers::deps::HttpResponse ok;
  ok.status = 200;
  ok.headers = {{"ETag", "\"1\""}};
  ok.body = R"({"token": "secret-token"})";
  analyzers::deps::HttpRequest token;
  token.url = "https://auth.example/token?scope=x";
  token.keep = false;
  cache.remember(token, ok);
  EXPECT_EQ(store.registryResponseCount(), 0);
  analyzers::deps::HttpRequest plain;
  plain.url = "https://r.example/x";
  analyzers::deps::HttpResponse noStore = ok;
  noStore.headers.emplace_back("Cache-Control", "private, no-store");
  cache.remember(plain, noStore);
  EXPECT_EQ(store.registryResponseCount(), 0);
  cache.remember(plain, ok);
  EXPECT_EQ(store.registryResponseCount(), 1);
  auto hit = cache.lookup(plain);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->etag, "\"1\"");
  EXPECT_EQ(hit->response.body, ok.body);
  EXPECT_FALSE(cache.lookup(token));
}

RegistryCacheRow row(const std::string& key, int64_t usedAt, int64_t size) {
  RegistryCacheRow r;
  r.key = key;
  r.url = std::string("https://r/").append(key);
  r.format = 1;
  r.etag = "\"e\"";
  r.payload.assign(static_cast<size_t>(size), 'A');
  r.size = size;
  r.storedAt = r.usedAt = usedAt;
  return r;
}

// The same bounds on each store: the local StateStore and both serve backends.
void checkBounds(RegistryCacheStore& store) {
  for (int i = 0; i < 10; ++i) store.saveRegistryResponse(row("k" + std::to_string(i), 100 + i, 10));
  EXPECT_EQ(store.registryResponseCount(), 10);
  auto loaded = store.loadRegistryResponse("k3");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->etag, "\"e\"");
  EXPECT_EQ(loaded->size, 10);
  store.touchRegistryResponse("k0", 500);  // k0 is now the most recently used
  store.pruneRegistryResponses(1000, 1 << 20, 103);  // unused since before 103: k1, k2
  EXPECT_EQ(store.registryResponseCount(), 8);
  EXPECT_FALSE(store.loadRegistryResponse("k1"));
  store.pruneRegistryResponses(5, 1 << 20, 0);  // LRU beyond 5 rows
  EXPECT_EQ(store.registryResponseCount(), 5);
  EXPECT_TRUE(store.loadRegistryResponse("k0"));
  EXPECT_TRUE(store.loadRegistryResponse("k9"));
  EXPECT_FALSE(store.loadRegistryResponse("k5"));
  store.pruneRegistryResponses(5, 25, 0);  // 25 bytes: the two most recent rows
  EXPECT_EQ(store.registryResponseCount(), 2);
  EXPECT_TRUE(store.loadRegistryResponse("k0"));
  EXPECT_TRUE(store.loadRegistryResponse("k9"));
  store.dropRegistryResponse("k9");
  EXPECT_EQ(store.registryResponseCount(), 1);
}

TEST(RegistryCache, StateStoreKeepsItsBounds) {
  ddd::testing::TempDir dir;
  StateStore store(dir.path() / "state.sqlite");
  checkBounds(store);
  EXPECT_EQ(store.registryResponseCount(), 1);  // what checkBounds left
}

class RegistryCacheBackends : public ddd::testing::BackendTest {};

TEST_P(RegistryCacheBackends, ServeStoreKeepsRowsWithinBounds) {
  auto store = openJobStore(url());
  checkBounds(*store);
  // Reopened (migrations idempotent), the row is still there.
  store.reset();
  auto again = openJobStore(url());
  EXPECT_EQ(again->registryResponseCount(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistryCacheBackends,
                         ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(RegistryCache, LocalRunsShareTheStateFile) {
  ConditionalRegistry registry;
  TestRepo repo;
  repo.commit({{"package.json", kManifest}});
  const std::string env =
      "npm_config_registry=" + ddd::testing::shellQuote(registry.server.url()) + " ";
  const std::string path = ddd::testing::shellQuote(repo.path().string());
  auto first = ddd::testing::runDdd("run --local " + path + " --analyzers dependencies", env);
  ASSERT_EQ(first.exitCode, 0) << first.err;
  EXPECT_NE(first.out.find("ddd/deps/npm-chalk"), std::string::npos) << first.out;
  registry.answered.clear();
  auto second = ddd::testing::runDdd("run --local " + path + " --analyzers dependencies", env);
  ASSERT_EQ(second.exitCode, 0) << second.err;
  ASSERT_EQ(registry.answered.size(), 2u);
  for (const auto& [sent, status] : registry.answered) EXPECT_EQ(status, 304);
  EXPECT_NE(second.out.find("ddd/deps/npm-chalk"), std::string::npos) << second.out;
  EXPECT_EQ(second.err.find("warning"), std::string::npos) << second.err;
}

}  // namespace
}  // namespace ddd::bot
