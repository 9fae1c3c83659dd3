// The webhook receiver over real loopback HTTP, with the real payloads of GitHub and
// GitLab (tests/fixtures/shared), signed as the forges sign them: stored before the
// 202, duplicates dropped, tampering and unconfigured forges refused, oversized and
// malformed bodies answered, health, readiness and metrics.
#include "bot/server/webhook_server.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "forges/http/client.h"
#include "forges/webhooks/events.h"
#include "forges/webhooks/verify.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

nlohmann::json githubExample(const std::string& name, const std::string& action) {
  static const nlohmann::json all = [] {
    std::ifstream in(ddd::testing::sharedFixtures() / "github" / "webhooks" / "examples.json");
    return nlohmann::json::parse(in);
  }();
  for (const auto& group : all) {
    if (group["name"] != name) continue;
    for (const auto& ex : group["examples"]) {
      if (action.empty() || ex.value("action", "") == action) return ex;
    }
  }
  throw std::runtime_error("no example " + name + " " + action);
}

std::string gitlabExample(const std::string& file) {
  std::ifstream in(ddd::testing::sharedFixtures() / "gitlab" / "webhooks" / (file + ".json"));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The examples' comments are not commands, and the receiver stores only comments that
// hold one: the same deliveries with a /ddd command in them.
std::string githubCommandComment() {
  auto p = githubExample("issue_comment", "created");
  p["comment"]["body"] = "Thanks!\n/ddd rerun dependencies";
  return p.dump();
}

std::string gitlabCommandNote(const std::string& file = "note_merge_request") {
  auto p = nlohmann::json::parse(gitlabExample(file));
  p["object_attributes"]["note"] = "/ddd help";
  return p.dump();
}

struct Receiver {
  ddd::testing::TempDir dir;
  std::shared_ptr<JobStore> store;
  std::shared_ptr<Metrics> metrics = std::make_shared<Metrics>();
  std::unique_ptr<WebhookServer> server;
  forges::HttpClient http;

  explicit Receiver(size_t maxBody = 25u << 20, bool gitlab = true) {
    ServerConfig c;
    c.listenPort = 0;
    c.githubWebhookSecret = "It's a Secret to Everybody";
    if (gitlab) c.gitlabWebhookToken = "gl-token";
    c.maxBodyBytes = maxBody;
    store = std::shared_ptr<JobStore>(
        openJobStore("sqlite://" + (dir.path() / "jobs.sqlite").string()));
    server = std::make_unique<WebhookServer>(c, store, metrics);
    server->start(2);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server->port()) + path;
  }
  forges::ClientResponse github(const std::string& event, const std::string& body,
                                const std::string& delivery, std::string signature = "") {
    forges::ClientRequest r;
    r.method = "POST";
    r.url = url("/webhooks/github");
    r.body = body;
    r.headers.set("Content-Type", "application/json");
    r.headers.set("X-GitHub-Event", event);
    r.headers.set("X-GitHub-Delivery", delivery);
    r.headers.set("X-Hub-Signature-256",
                  signature.empty() ? forges::githubSignature("It's a Secret to Everybody", body)
                                    : signature);
    return http.send(r);
  }
};

TEST(WebhookServer, SignatureTestVectorFromGithubsDocs) {
  EXPECT_EQ(forges::githubSignature("It's a Secret to Everybody", "Hello, World!"),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  EXPECT_TRUE(forges::verifyGithubSignature(
      "It's a Secret to Everybody", "Hello, World!",
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
  EXPECT_FALSE(forges::verifyGithubSignature(
      "", "Hello, World!",
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
}

TEST(WebhookServer, StoresTheJobBeforeAnswering202AndDropsDuplicates) {
  Receiver r;
  const std::string body = githubCommandComment();
  auto res = r.github("issue_comment", body, "delivery-1");
  EXPECT_EQ(res.status, 202) << res.body;
  // The 202 means committed: the job is there the moment the answer arrives.
  auto jobs = r.store->list(false, 10);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].kind, "github.issue_comment");
  EXPECT_EQ(jobs[0].dedupeKey, "github:delivery-1");
  // The job is the event's document: the members the normalisers read, not the rest.
  EXPECT_EQ(nlohmann::json::parse(jobs[0].payload),
            *forges::parseFilteredJson(body, forges::githubEventKeys()));
  EXPECT_LT(jobs[0].payload.size(), body.size() / 5);
  EXPECT_TRUE(forges::normalizeGithub("issue_comment", nlohmann::json::parse(jobs[0].payload),
                                      "") ==
              forges::normalizeGithub("issue_comment", nlohmann::json::parse(body), ""));
  EXPECT_FALSE(jobs[0].repo.empty());
  auto again = r.github("issue_comment", body, "delivery-1");
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("duplicate"), std::string::npos);
  EXPECT_EQ(r.store->list(false, 10).size(), 1u);
  EXPECT_EQ(r.metrics->get("ddd_webhook_deliveries_deduplicated_total",
                           "forge=\"github\",event=\"issue_comment\""),
            1u);
}

TEST(WebhookServer, RefusesTamperedOrUnsignedDeliveries) {
  Receiver r;
  const std::string body = githubExample("issue_comment", "created").dump();
  const std::string signature = forges::githubSignature("It's a Secret to Everybody", body);
  std::string tampered = body;
  tampered[tampered.size() / 2] ^= 1;
  EXPECT_EQ(r.github("issue_comment", tampered, "d1", signature).status, 401);
  EXPECT_EQ(
      r.github("issue_comment", body, "d2", forges::githubSignature("wrong secret", body)).status,
      401);
  EXPECT_EQ(r.github("issue_comment", body, "d3", "sha256=").status, 401);
  EXPECT_TRUE(r.store->list(false, 10).empty());
}

TEST(WebhookServer, AForgeWithoutASecretIsRefusedNotTrusted) {
  Receiver r(25u << 20, /*gitlab=*/false);
  forges::ClientRequest req;
  req.method = "POST";
  req.url = r.url("/webhooks/gitlab");
  req.body = gitlabExample("note_merge_request");
  req.headers.set("X-Gitlab-Event", "Note Hook");
  req.headers.set("X-Gitlab-Token", "");
  auto res = r.http.send(req);
  EXPECT_EQ(res.status, 401);
  EXPECT_NE(res.body.find("no secret is configured"), std::string::npos);
  EXPECT_TRUE(r.store->list(false, 10).empty());
}

TEST(WebhookServer, GitlabNotesWithTheTokenAreQueuedOnceByIdempotencyKey) {
  Receiver r;
  forges::ClientRequest req;
  req.method = "POST";
  req.url = r.url("/webhooks/gitlab");
  req.body = gitlabCommandNote();
  req.headers.set("X-Gitlab-Event", "Note Hook");
  req.headers.set("X-Gitlab-Token", "gl-token");
  req.headers.set("Idempotency-Key", "7b3c1a");
  EXPECT_EQ(r.http.send(req).status, 202);
  EXPECT_EQ(r.http.send(req).status, 200);  // GitLab's retry
  req.headers.set("X-Gitlab-Token", "gl-tokeN");
  req.headers.set("Idempotency-Key", "other");
  EXPECT_EQ(r.http.send(req).status, 401);
  auto jobs = r.store->list(false, 10);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].kind, "gitlab.note");
}

// Most comments hold no command: answered 200 and counted as ignored, never stored (the
// worker would drop them). So are bots' comments and notes on no issue or merge request,
// command or not.
TEST(WebhookServer, CommentsWithoutACommandAreAnsweredNotStored) {
  Receiver r;
  const auto plain = r.github("issue_comment", githubExample("issue_comment", "created").dump(), "p1");
  EXPECT_EQ(plain.status, 200) << plain.body;
  EXPECT_NE(plain.body.find("no /ddd command"), std::string::npos) << plain.body;
  // A command quoted or in a code block is not one either.
  auto quoted = githubExample("issue_comment", "created");
  quoted["comment"]["body"] = "> /ddd rerun\n```\n/ddd help\n```";
  EXPECT_EQ(r.github("issue_comment", quoted.dump(), "p2").status, 200);
  const auto send = [&](const std::string& body, const std::string& key) {
    forges::ClientRequest req;
    req.method = "POST";
    req.url = r.url("/webhooks/gitlab");
    req.body = body;
    req.headers.set("X-Gitlab-Event", "Note Hook");
    req.headers.set("X-Gitlab-Token", "gl-token");
    req.headers.set("Idempotency-Key", key);
    return r.http.send(req).status;
  };
  EXPECT_EQ(send(gitlabExample("note_merge_request"), "n1"), 200);
  auto bot = nlohmann::json::parse(githubCommandComment());
  bot["sender"]["type"] = "Bot";
  const auto fromBot = r.github("issue_comment", bot.dump(), "p4");
  EXPECT_EQ(fromBot.status, 200);
  EXPECT_NE(fromBot.body.find("a bot's comment"), std::string::npos) << fromBot.body;
  EXPECT_EQ(send(gitlabCommandNote("note_commit"), "n2"), 200);
  EXPECT_EQ(send(gitlabCommandNote("note_snippet"), "n3"), 200);
  EXPECT_TRUE(r.store->list(false, 10).empty());
  EXPECT_EQ(r.metrics->get("ddd_webhook_deliveries_ignored_total",
                           "forge=\"github\",event=\"issue_comment\""),
            3u);
  EXPECT_EQ(r.metrics->get("ddd_webhook_deliveries_ignored_total",
                           "forge=\"gitlab\",event=\"Note Hook\""),
            3u);
  // The same deliveries with a command: stored.
  EXPECT_EQ(r.github("issue_comment", githubCommandComment(), "p3").status, 202);
  EXPECT_EQ(send(gitlabCommandNote("note_issue"), "n4"), 202);
  EXPECT_EQ(r.store->list(false, 10).size(), 2u);
}

// A GitLab job keeps the delivery's body as it came, with its X-Gitlab-Event-UUID (the
// worker echoes it on its calls); a byte order mark or a header that is not UTF-8 still
// gives a job the worker can read.
TEST(WebhookServer, GitlabJobsCarryTheEventUuidWithTheBody) {
  Receiver r;
  forges::ClientRequest req;
  req.method = "POST";
  req.url = r.url("/webhooks/gitlab");
  req.body = gitlabExample("pipeline");
  req.headers.set("X-Gitlab-Event", "Pipeline Hook");
  req.headers.set("X-Gitlab-Token", "gl-token");
  req.headers.set("X-Gitlab-Event-UUID", "13792a34-cac6-4fda-95a8-c58e00a3954e");
  req.headers.set("Idempotency-Key", "k1");
  ASSERT_EQ(r.http.send(req).status, 202);
  req.body = "\xEF\xBB\xBF" + gitlabExample("push");
  req.headers.set("X-Gitlab-Event", "Push Hook");
  req.headers.set("X-Gitlab-Event-UUID", "bad\xFF");
  req.headers.set("Idempotency-Key", "k2");
  ASSERT_EQ(r.http.send(req).status, 202);
  auto jobs = r.store->list(false, 10);
  ASSERT_EQ(jobs.size(), 2u);
  std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.id < b.id; });
  const auto pipeline = nlohmann::json::parse(jobs[0].payload);
  EXPECT_EQ(pipeline["eventUuid"], "13792a34-cac6-4fda-95a8-c58e00a3954e");
  EXPECT_EQ(pipeline["payload"],
            *forges::parseFilteredJson(gitlabExample("pipeline"), forges::gitlabEventKeys()));
  EXPECT_EQ(pipeline["payload"]["project"]["git_http_url"],
            "http://192.168.64.1:3005/gitlab-org/gitlab-test.git");
  EXPECT_EQ(jobs[0].dedupeKey, "gitlab:k1");
  const auto push = nlohmann::json::parse(jobs[1].payload);
  EXPECT_EQ(push["payload"]["object_kind"], "push");
  EXPECT_EQ(push["eventUuid"].get<std::string>().rfind("bad", 0), 0u);
}

// Every GitLab system hook GitLab documents (its own payloads), verified by the token:
// the project events and pushes are stored under the project's id, everything else is
// answered 200 and dropped (GitLab disables hooks that keep failing); a wrong token is 401.
TEST(WebhookServer, GitlabSystemHooksAreAcceptedAndTheOnesThatMatterStored) {
  Receiver r;
  const auto dir = ddd::testing::sourceDir() / "tests" / "fixtures" / "gitlab" / "systemhooks";
  std::map<std::string, int> statusOf;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path());
    std::ostringstream body;
    body << in.rdbuf();
    forges::ClientRequest req;
    req.method = "POST";
    req.url = r.url("/webhooks/gitlab");
    req.body = body.str();
    req.headers.set("X-Gitlab-Event", "System Hook");
    req.headers.set("X-Gitlab-Token", "gl-token");
    req.headers.set("X-Gitlab-Event-UUID", entry.path().stem().string());
    statusOf[entry.path().stem().string()] = r.http.send(req).status;
    req.headers.set("X-Gitlab-Token", "wrong");
    EXPECT_EQ(r.http.send(req).status, 401) << entry.path();
  }
  ASSERT_EQ(statusOf.size(), 24u);
  const std::set<std::string> stored = {"project_create",   "project_destroy", "project_rename",
                                        "project_transfer", "push",            "repository_update",
                                        "merge_request"};
  for (const auto& [name, status] : statusOf)
    EXPECT_EQ(status, stored.count(name) ? 202 : 200) << name;
  std::map<std::string, std::string> jobs;  // kind -> queue key
  for (const auto& j : r.store->list(false, 50)) jobs[j.kind + " " + j.dedupeKey] = j.repo;
  EXPECT_EQ(jobs, (std::map<std::string, std::string>{
                      {"gitlab.project_create gitlab:project_create", "gitlab:project:74"},
                      {"gitlab.project_destroy gitlab:project_destroy", "gitlab:project:73"},
                      {"gitlab.project_rename gitlab:project_rename", "gitlab:project:73"},
                      {"gitlab.project_transfer gitlab:project_transfer", "gitlab:project:73"},
                      {"gitlab.push gitlab:push", "gitlab:project:15"},
                      {"gitlab.push gitlab:repository_update", "gitlab:project:1"},
                      {"gitlab.merge_request gitlab:merge_request", "gitlab:project:14"}}));
}

TEST(WebhookServer, MalformedOversizedIgnoredAndPing) {
  Receiver r(4096);
  EXPECT_EQ(r.github("issue_comment", "{not json", "m1").status, 400);
  EXPECT_EQ(r.github("issue_comment", std::string(8192, ' '), "m2").status, 413);
  auto edited = githubExample("issue_comment", "edited").dump();
  if (edited.size() < 4096) {
    auto ignored = r.github("issue_comment", edited, "m3");
    EXPECT_EQ(ignored.status, 200);
    EXPECT_NE(ignored.body.find("ignored"), std::string::npos);
  }
  auto ping = r.github("ping", R"({"zen": "Keep it logically awesome.", "hook_id": 1})", "m4");
  EXPECT_EQ(ping.status, 200);
  EXPECT_NE(ping.body.find("pong"), std::string::npos);
  EXPECT_TRUE(r.store->list(false, 10).empty());
}

TEST(WebhookServer, ConcurrentDeliveriesShareCommitsAndEachIsStoredOnce) {
  Receiver r;
  const std::string body = githubCommandComment();
  // 24 connections at once, each delivering 8 deliveries of its own and, last, one that
  // another connection delivers too.
  constexpr int kConnections = 24, kEach = 8;
  std::vector<std::thread> clients;
  std::vector<std::vector<int>> statuses(kConnections);
  for (int c = 0; c < kConnections; ++c) {
    clients.emplace_back([&, c] {
      forges::HttpClient http;
      for (int i = 0; i <= kEach; ++i) {
        const std::string delivery = i < kEach ? "d-" + std::to_string(c) + "-" + std::to_string(i)
                                               : "shared-" + std::to_string(c / 2);
        forges::ClientRequest q;
        q.method = "POST";
        q.url = r.url("/webhooks/github");
        q.body = body;
        q.headers.set("X-GitHub-Event", "issue_comment");
        q.headers.set("X-GitHub-Delivery", delivery);
        q.headers.set("X-Hub-Signature-256",
                      forges::githubSignature("It's a Secret to Everybody", body));
        statuses[c].push_back(http.send(q).status);
      }
    });
  }
  for (auto& t : clients) t.join();
  int accepted = 0, duplicates = 0;
  for (const auto& s : statuses) {
    ASSERT_EQ(s.size(), static_cast<size_t>(kEach + 1));
    for (int st : s) {
      EXPECT_TRUE(st == 202 || st == 200) << st;
      accepted += st == 202;
      duplicates += st == 200;
    }
  }
  EXPECT_EQ(accepted, kConnections * kEach + kConnections / 2);
  EXPECT_EQ(duplicates, kConnections / 2);
  const auto jobs = r.store->list(false, 1000);
  std::set<std::string> keys;
  for (const auto& j : jobs) keys.insert(j.dedupeKey);
  EXPECT_EQ(jobs.size(), static_cast<size_t>(accepted));
  EXPECT_EQ(keys.size(), jobs.size());
  // Every delivery was in some commit; deliveries arriving together shared them.
  const uint64_t commits = r.metrics->get("ddd_webhook_commits_total", "");
  EXPECT_GE(commits, 1u);
  EXPECT_LE(commits, static_cast<uint64_t>(kConnections * (kEach + 1)));
  ::testing::Test::RecordProperty("commits", static_cast<int>(commits));
  ::testing::Test::RecordProperty("deliveries", kConnections * (kEach + 1));
}

TEST(WebhookServer, HealthReadinessAndMetrics) {
  Receiver r;
  r.github("issue_comment", githubCommandComment(), "x1");
  forges::ClientRequest get;
  get.url = r.url("/healthz");
  EXPECT_EQ(r.http.send(get).status, 200);
  get.url = r.url("/readyz");
  EXPECT_EQ(r.http.send(get).status, 200);
  get.url = r.url("/metrics");
  const auto m = r.http.send(get);
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(
      m.body.find(
          "ddd_webhook_deliveries_verified_total{forge=\"github\",event=\"issue_comment\"} 1"),
      std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("ddd_queue_depth 1"), std::string::npos);
  EXPECT_NE(m.body.find("\nddd_webhook_commits_total 1\n"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("ddd_webhook_handling_seconds_count 1"), std::string::npos);
  get.url = r.url("/nothing");
  EXPECT_EQ(r.http.send(get).status, 404);
  get.url = r.url("/webhooks/github");
  EXPECT_EQ(r.http.send(get).status, 405);
}

}  // namespace
}  // namespace ddd::bot
