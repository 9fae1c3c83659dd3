// End to end on the fake GitHub (every request checked against GitHub's OpenAPI
// description): a signed issue_comment "/ddd rerun" -> the receiver stores a job -> a
// worker checks the commenter's permission, reacts, queues an analysis -> the analysis
// fetches the repository (a bare repository on disk), writes the fix branch, pushes it,
// and opens the pull request. The same comment from a read-only user is refused politely
// and nothing else happens.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>

#include "bot/registry_client.h"
#include "bot/scheduler.h"
#include "bot/tech_debt_report.h"
#include "bot/server/webhook_server.h"
#include "bot/worker.h"
#include "forges/webhooks/verify.h"
#include "tests/support/fake_github.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

using ddd::testing::TestRepo;

// GitHub's own example payload of `event` with `action`, from the shared fixtures.
nlohmann::json examplePayload(const std::string& event, const std::string& action) {
  std::ifstream in(ddd::testing::sharedFixtures() / "github" / "webhooks" / "examples.json");
  const auto all = nlohmann::json::parse(in);
  for (const auto& g : all) {
    if (g["name"] != event) continue;
    for (const auto& ex : g["examples"]) {
      if (ex.value("action", "") == action) return ex;
    }
  }
  ADD_FAILURE() << "no example of " << event << "." << action;
  return nlohmann::json::object();
}

// GitHub's example of `event`.`action`, about octo/hello as the World serves it.
nlohmann::json repoEvent(const std::string& event, const std::string& action,
                         const std::string& remote) {
  nlohmann::json p = examplePayload(event, action);
  p["repository"]["full_name"] = "octo/hello";
  p["repository"]["clone_url"] = remote;
  p["repository"]["default_branch"] = "main";
  p["installation"] = {{"id", 42}};
  return p;
}

// CI's check suite on a pull request's head finished with `conclusion`.
nlohmann::json checkSuiteDone(const nlohmann::json& pr, const std::string& conclusion,
                              const std::string& remote) {
  nlohmann::json suite = repoEvent("check_suite", "completed", remote);
  suite["check_suite"]["head_branch"] = pr["head"]["ref"];
  suite["check_suite"]["head_sha"] = pr["head"]["sha"];
  suite["check_suite"]["conclusion"] = conclusion;
  return suite;
}

nlohmann::json commentPayload(const std::string& cloneUrl, const std::string& user,
                              const std::string& body) {
  nlohmann::json p = examplePayload("issue_comment", "created");
  p["repository"]["full_name"] = "octo/hello";
  p["repository"]["clone_url"] = cloneUrl;
  p["repository"]["default_branch"] = "main";
  p["installation"] = {{"id", 42}};
  p["sender"]["login"] = user;
  p["sender"]["type"] = "User";
  p["comment"]["body"] = body;
  p["comment"]["id"] = 777;
  return p;
}

struct World {
  ddd::testing::FakeGithub github{"octo", "hello"};
  TestRepo upstream;
  ddd::testing::TempDir dir;
  std::string remote;
  std::shared_ptr<JobStore> receiverStore;
  std::shared_ptr<Metrics> metrics = std::make_shared<Metrics>();
  std::unique_ptr<WebhookServer> server;
  forges::HttpClient http;
  std::unique_ptr<Worker> worker;
  std::shared_ptr<WorkerContext> ctx;
  std::chrono::milliseconds slept{0};  // mutation spacing the worker asked for

  explicit World(const std::string& repoConfig = "",
                 std::map<std::string, std::optional<std::string>> files = {}) {
    files["app/clock.py"] = "import datetime\nnow = datetime.datetime.utcnow()\n";
    if (!repoConfig.empty()) files[".github/ddd.json"] = repoConfig;
    upstream.commit(files);
    remote = (dir.path() / "hello.git").string();
    ddd::testing::runCommand("git clone -q --bare " + upstream.path().string() + " " + remote);
    github.followRepository(remote);
    github.setPermission("maintainer", "write");
    github.setPermission("visitor", "read");
    ServerConfig c;
    c.listenPort = 0;
    c.githubWebhookSecret = "s3cret";
    c.githubApiUrl = github.apiUrl();
    // No fsync per commit (job_store.h): durability is the durability test's subject.
    const std::string store = "sqlite://" + (dir.path() / "ddd.sqlite").string() + "?synchronous=off";
    receiverStore = std::shared_ptr<JobStore>(openJobStore(store));
    server = std::make_unique<WebhookServer>(c, receiverStore, metrics);
    server->start(1);
    ctx = std::make_shared<WorkerContext>();
    ctx->config = c;
    ctx->http = &http;
    ctx->cacheDir = dir.path() / "cache";
    ctx->dataDir = ddd::testing::dataDir();
    ctx->log = [](const std::string& line) { std::cerr << "worker: " << line << "\n"; };
    ctx->sleep = [this](std::chrono::milliseconds d) { slept += d; };
    ctx->githubToken = [](int64_t installation) {
      return "ghs_installation_" + std::to_string(installation);
    };
    ctx->openStore = [store] { return openJobStore(store); };  // the lease keeper's
    worker = std::make_unique<Worker>(ctx, openJobStore(store), "worker-1");
  }

  int deliver(const nlohmann::json& payload, const std::string& delivery,
              const std::string& event = "issue_comment") {
    forges::ClientRequest r;
    r.method = "POST";
    r.url = "http://127.0.0.1:" + std::to_string(server->port()) + "/webhooks/github";
    r.body = payload.dump();
    r.headers.set("X-GitHub-Event", event);
    r.headers.set("X-GitHub-Delivery", delivery);
    r.headers.set("X-Hub-Signature-256", forges::githubSignature("s3cret", r.body));
    return http.send(r).status;
  }
  void drain() {
    while (worker->runOnce()) {
    }
  }
  // A maintainer's "/ddd rerun deprecations" (delivery `delivery`), run to the end: the one
  // pull request it opened (null, with a test failure, when not exactly one).
  nlohmann::json rerunOpensOnePullRequest(const std::string& delivery) {
    EXPECT_EQ(deliver(commentPayload(remote, "maintainer", "/ddd rerun deprecations"), delivery),
              202);
    drain();
    const auto pulls = github.pulls();
    EXPECT_EQ(pulls.size(), 1u);
    return pulls.size() == 1 ? pulls.begin()->second.data : nlohmann::json();
  }
  std::string remoteBranches() {
    return ddd::testing::runCommand("git -C " + remote +
                                    " for-each-ref --format='%(refname)' refs/heads/ddd/")
        .output;
  }
};

TEST(ServeEndToEnd, RerunFromAMaintainerOpensThePullRequest) {
  World w;
  ASSERT_EQ(
      w.deliver(commentPayload(w.remote, "maintainer", "Please refresh.\n/ddd rerun deprecations"),
                "d-1"),
      202);
  w.drain();
  const auto reactions = w.github.reactions();
  ASSERT_EQ(reactions.size(), 1u);
  EXPECT_EQ(reactions[0]["content"], "+1");
  EXPECT_NE(w.remoteBranches().find("refs/heads/ddd/deprecations/python"), std::string::npos)
      << w.remoteBranches();
  const auto pulls = w.github.pulls();
  ASSERT_EQ(pulls.size(), 1u);
  const auto& pr = pulls.begin()->second.data;
  const std::string branch = pr["head"]["ref"];
  EXPECT_EQ(branch.rfind("ddd/deprecations/python", 0), 0u) << branch;
  EXPECT_NE(w.remoteBranches().find("refs/heads/" + branch), std::string::npos)
      << w.remoteBranches();
  EXPECT_EQ(pr["base"]["ref"], "main");
  EXPECT_NE(pr["body"].get<std::string>().find("<!-- ddd:change id=deprecations/python"),
            std::string::npos);
  // The pushed branch holds the fix.
  const auto fixed =
      ddd::testing::runCommand("git -C " + w.remote + " show " + branch + ":app/clock.py").output;
  EXPECT_EQ(fixed.find("utcnow"), std::string::npos) << fixed;
  // The same delivery again: nothing new (the job is deduplicated; effects idempotent).
  EXPECT_EQ(
      w.deliver(commentPayload(w.remote, "maintainer", "Please refresh.\n/ddd rerun deprecations"),
                "d-1"),
      200);
  w.drain();
  EXPECT_EQ(w.github.pulls().size(), 1u);
  const auto v = w.github.violations();
  EXPECT_TRUE(v.empty()) << v.front();
}

// The merge flow on webhooks: ddd's statuses go on the pushed commit when the pull request
// opens; CI's check suite completing green (a check_suite webhook) lets ddd merge it,
// pinned to the commit it pushed. A red check instead moves it to review.
constexpr const char* kAutomergeDeprecations =
    R"({"policies": [{"name": "fixes-merge", "match": {"analyzer": "deprecations"},
                      "action": "automerge", "mergeMethod": "squash"}]})";

TEST(ServeEndToEnd, AGreenCheckSuiteMergesAnAutomergePullRequest) {
  World w(kAutomergeDeprecations);
  auto pr = w.rerunOpensOnePullRequest("d-5");
  ASSERT_FALSE(pr.is_null());
  const int number = pr["number"];
  const std::string sha = pr["head"]["sha"];
  EXPECT_EQ(w.github.statuses(sha)["ddd/policy"], "success");
  EXPECT_NE(pr["state"], "closed");  // no checks ran yet: never merged blind

  w.github.setCheckRun(sha, "build", "completed", "success");
  auto suite = checkSuiteDone(pr, "success", w.remote);
  ASSERT_EQ(w.deliver(suite, "d-6", "check_suite"), 202);
  w.drain();
  pr = w.github.pulls().at(number).data;
  // Merged by ddd, pinned to the commit it pushed.
  EXPECT_TRUE(pr["merged_at"].is_string()) << pr.dump(2);
  const auto calls = w.github.calls();
  EXPECT_NE(std::find(calls.begin(), calls.end(), "pulls/merge"), calls.end());
  const auto v = w.github.violations();
  EXPECT_TRUE(v.empty()) << v.front();
}

TEST(ServeEndToEnd, ARedCheckMovesTheAutomergePullRequestToReview) {
  World w(kAutomergeDeprecations);
  auto pr = w.rerunOpensOnePullRequest("d-7");
  ASSERT_FALSE(pr.is_null());
  const int number = pr["number"];
  const std::string sha = pr["head"]["sha"];
  w.github.setCheckRun(sha, "build", "completed", "failure");
  auto suite = checkSuiteDone(pr, "failure", w.remote);
  ASSERT_EQ(w.deliver(suite, "d-8", "check_suite"), 202);
  EXPECT_EQ(w.github.statuses(sha)["ddd/policy"], "success");
  w.drain();
  pr = w.github.pulls().at(number).data;
  EXPECT_TRUE(pr["merged_at"].is_null());
  EXPECT_FALSE(w.github.autoMergeEnabled(number));
  bool labelled = false;
  for (const auto& l : pr["labels"]) labelled |= l["name"] == "ddd:needs-review";
  EXPECT_TRUE(labelled) << pr["labels"].dump();
  const auto v = w.github.violations();
  EXPECT_TRUE(v.empty()) << v.front();
}

// A review rule with mergeOnApproval: green checks alone don't merge; a maintainer's
// approval (a pull_request_review webhook) does.
TEST(ServeEndToEnd, AnApprovalMergesAReviewPullRequestWithMergeOnApproval) {
  World w(R"({"policies": [{"name": "fixes-on-approval", "match": {"analyzer": "deprecations"},
                             "action": "review", "mergeOnApproval": true}]})");
  auto pr = w.rerunOpensOnePullRequest("d-9");
  ASSERT_FALSE(pr.is_null());
  const int number = pr["number"];
  const std::string sha = pr["head"]["sha"];
  w.github.setCheckRun(sha, "build", "completed", "success");
  auto suite = checkSuiteDone(pr, "success", w.remote);
  ASSERT_EQ(w.deliver(suite, "d-10", "check_suite"), 202);
  w.drain();
  EXPECT_TRUE(w.github.pulls().at(number).data["merged_at"].is_null());  // not approved yet

  w.github.addReview(number, "maintainer", "APPROVED");
  auto review = repoEvent("pull_request_review", "submitted", w.remote);
  review["review"]["state"] = "approved";
  review["pull_request"]["number"] = number;
  review["pull_request"]["head"]["ref"] = pr["head"]["ref"];
  review["pull_request"]["head"]["sha"] = sha;
  ASSERT_EQ(w.deliver(review, "d-11", "pull_request_review"), 202);
  w.drain();
  EXPECT_TRUE(w.github.pulls().at(number).data["merged_at"].is_string());
  const auto v = w.github.violations();
  EXPECT_TRUE(v.empty()) << v.front();
}

// An installation adding a repository: the scheduler's list gains it (clone URL and
// default branch asked from GitHub), and it is analysed once at once; the schedules of
// its config are recorded by that analysis. Removing it takes it off the list.
TEST(ServeEndToEnd, AnInstalledRepositoryIsAnalysedAndScheduled) {
  World w(R"({"schedules": {"report": "0 7 * * 1", "timeZone": "Europe/Berlin"}})");
  w.github.cloneUrl = w.remote;
  auto added = examplePayload("installation_repositories", "added");
  added["installation"]["id"] = 42;
  added["repositories_added"] = nlohmann::json::array(
      {{{"id", 1}, {"full_name", "octo/hello"}, {"name", "hello"}, {"private", false}}});
  ASSERT_EQ(w.deliver(added, "d-12", "installation_repositories"), 202);
  w.drain();
  EXPECT_FALSE(w.github.pulls().empty());  // the first analysis ran
  auto repos = w.receiverStore->repositories(true);
  ASSERT_EQ(repos.size(), 1u);
  EXPECT_EQ(repos[0].repo, "octo/hello");
  EXPECT_EQ(nlohmann::json::parse(repos[0].payload)["cloneUrl"], w.remote);
  EXPECT_EQ(nlohmann::json::parse(repos[0].schedules)["report"], "0 7 * * 1");
  const auto schedules = schedulesOf(repos[0], ScheduleDefaults{});
  ASSERT_EQ(schedules.size(), 3u);
  EXPECT_EQ(schedules[2].timeZone, "Europe/Berlin");

  auto removed = examplePayload("installation_repositories", "removed");
  removed["installation"]["id"] = 42;
  removed["repositories_removed"] = added["repositories_added"];
  ASSERT_EQ(w.deliver(removed, "d-13", "installation_repositories"), 202);
  w.drain();
  EXPECT_TRUE(w.receiverStore->repositories(true).empty());
  const auto v = w.github.violations();
  EXPECT_TRUE(v.empty()) << v.front();
}

// The `issues` edited event of someone ticking control `id` in the report issue `body`
// (null, with a test failure, when the body has no such unticked control).
nlohmann::json tickControl(const std::string& remote, int number, const std::string& body,
                           const std::string& id, const std::string& who) {
  const auto control = body.find("<!-- ddd:control " + id + " -->");
  EXPECT_NE(control, std::string::npos) << body;
  if (control == std::string::npos) return nullptr;
  const auto box = body.rfind("- [ ]", control);
  std::string ticked = body;
  ticked.replace(box, 5, "- [x]");
  auto edited = repoEvent("issues", "edited", remote);
  edited["issue"]["number"] = number;
  edited["issue"]["body"] = ticked;
  edited["changes"] = {{"body", {{"from", body}}}};
  edited["sender"]["login"] = who;
  edited["sender"]["type"] = "User";
  return edited;
}

// The scheduler's weekly report job: the report issue is created once, then edited in
// place the next week, carrying the weekly history (two points) for its trends.
TEST(ServeEndToEnd, TheWeeklyReportJobKeepsOneIssueWithItsHistory) {
  World w;
  const nlohmann::json job = {{"repo", "octo/hello"},
                              {"installation", 42},
                              {"cloneUrl", w.remote},
                              {"defaultBranch", "main"},
                              {"scheduled", "report"}};
  const std::time_t monday = 1796018400;  // 2026-11-30T06:00:00Z
  w.ctx->now = [=] { return monday; };
  ASSERT_TRUE(w.receiverStore->enqueue("github.report", "octo/hello", job.dump(), "r1", 0));
  w.drain();
  auto issues = w.github.issues();
  ASSERT_EQ(issues.size(), 1u);
  const int number = issues.begin()->first;
  std::string body = issues.begin()->second["body"];
  EXPECT_NE(body.find(reportMarker("octo/hello")), std::string::npos);
  EXPECT_NE(body.find("<!-- ddd:history [{"), std::string::npos) << body;
  EXPECT_NE(body.find("\"week\":\"2026-W49\""), std::string::npos) << body;

  w.ctx->now = [=] { return monday + 7 * 86400; };
  ASSERT_TRUE(w.receiverStore->enqueue("github.report", "octo/hello", job.dump(), "r2", 0));
  w.drain();
  issues = w.github.issues();
  ASSERT_EQ(issues.size(), 1u);  // edited in place, never a second issue
  EXPECT_EQ(issues.begin()->first, number);
  body = issues.begin()->second["body"];
  EXPECT_NE(body.find("\"week\":\"2026-W49\""), std::string::npos) << body;
  EXPECT_NE(body.find("\"week\":\"2026-W50\""), std::string::npos) << body;

  // A maintainer ticks "rerun deprecations" in the issue: an analysis runs (and opens the
  // pull request); a visitor's tick does nothing but a polite reply.
  auto edited = tickControl(w.remote, number, body, "rerun:deprecations", "visitor");
  ASSERT_FALSE(edited.is_null());
  ASSERT_EQ(w.deliver(edited, "d-14", "issues"), 202);
  w.drain();
  EXPECT_TRUE(w.github.pulls().empty());
  edited["sender"]["login"] = "maintainer";
  ASSERT_EQ(w.deliver(edited, "d-15", "issues"), 202);
  w.drain();
  EXPECT_EQ(w.github.pulls().size(), 1u);

  // The next report lists that pull request with the decision the scan makes for it and
  // where it stands (the fake forge has no checks on it yet).
  ASSERT_TRUE(w.receiverStore->enqueue("github.report", "octo/hello", job.dump(), "r3", 0));
  w.drain();
  body = w.github.issues().begin()->second["body"];
  EXPECT_NE(body.find("## Open ddd pull requests (1)"), std::string::npos) << body;
  EXPECT_TRUE(body.find("| automerge | pending checks |") != std::string::npos ||
              body.find("| review | awaiting review |") != std::string::npos)
      << body;
  // A body limit the report overflows: the issue shows it truncated with a pointer to the
  // whole report, which is in the issue's comments (posted once, then edited in place).
  w.ctx->reportBodyLimit = 1500;
  for (const char* key : {"r4", "r5"}) {
    ASSERT_TRUE(w.receiverStore->enqueue("github.report", "octo/hello", job.dump(), key, 0));
    w.drain();
    body = w.github.issues().begin()->second["body"];
    std::vector<nlohmann::json> parts;  // (the visitor's refusal is a comment there too)
    for (const auto& c : w.github.issueComments(number)) {
      if (c["body"].get<std::string>().rfind("<!-- ddd:report-part ", 0) == 0) parts.push_back(c);
    }
    ASSERT_GE(parts.size(), 1u);
    std::string whole;
    for (const auto& c : parts) {
      EXPECT_LE(c["body"].get<std::string>().size(), 4096u);
      whole += c["body"].get<std::string>();
    }
    EXPECT_LE(body.size(), 1500u + 4096u);  // the report within its limit, plus the history
    EXPECT_NE(body.find("full report"), std::string::npos) << body;
    EXPECT_NE(body.find(parts[0]["html_url"].get<std::string>()), std::string::npos) << body;
    EXPECT_NE(whole.find("## Held back"), std::string::npos) << whole;
  }
  const auto v = w.github.violations();
  EXPECT_TRUE(v.empty()) << v.front();
}

// The repository caps open ddd pull requests at 1 and one is open: the rerun's change is
// held back, the report says why, and the maintainer's "create the held-back PRs now"
// opens it anyway.
TEST(ServeEndToEnd, HeldBackChangesAreReportedAndTheControlCreatesThem) {
  World w(R"({"pullRequests": {"maxOpen": 1}})");
  w.github.addHumanPull("ddd/earlier/change", "An earlier ddd change");
  ASSERT_EQ(w.deliver(commentPayload(w.remote, "maintainer", "/ddd rerun"), "d-20"), 202);
  w.drain();
  EXPECT_EQ(w.github.pulls().size(), 1u);  // held back by the cap
  const nlohmann::json job = {{"repo", "octo/hello"},
                              {"installation", 42},
                              {"cloneUrl", w.remote},
                              {"defaultBranch", "main"},
                              {"scheduled", "report"}};
  ASSERT_TRUE(w.receiverStore->enqueue("github.report", "octo/hello", job.dump(), "r1", 0));
  w.drain();
  auto issues = w.github.issues();
  ASSERT_EQ(issues.size(), 1u);
  const int number = issues.begin()->first;
  const std::string body = issues.begin()->second["body"];
  EXPECT_NE(body.find("rate limit: 1 ddd pull requests are open (limit 1)"), std::string::npos)
      << body;
  EXPECT_NE(body.find("| An earlier ddd change |"), std::string::npos) << body;

  const auto edited = tickControl(w.remote, number, body, "create-held-back", "maintainer");
  ASSERT_FALSE(edited.is_null());
  ASSERT_EQ(w.deliver(edited, "d-21", "issues"), 202);
  w.drain();
  // Every change the report listed as held back is open now, beside the earlier one.
  const auto heldAt = body.find("## Held back (");
  ASSERT_NE(heldAt, std::string::npos) << body;
  const size_t held = std::stoul(body.substr(heldAt + 14));
  EXPECT_GE(held, 1u);
  const auto pulls = w.github.pulls();
  ASSERT_EQ(pulls.size(), 1 + held);
  bool opened = false;
  for (const auto& [n, pull] : pulls) {
    opened = opened || pull.data["head"]["ref"].get<std::string>().rfind("ddd/deprecations/", 0) == 0;
  }
  EXPECT_TRUE(opened);

  const auto v = w.github.violations();
  EXPECT_TRUE(v.empty()) << v.front();
}

// A push to the default branch analyses the repository again; tags and other branches
// don't.
TEST(ServeEndToEnd, APushToTheDefaultBranchAnalysesTheRepository) {
  World w;
  auto push = repoEvent("push", "", w.remote);  // GitHub's example pushes a tag
  ASSERT_EQ(push["ref"], "refs/tags/simple-tag");
  ASSERT_EQ(w.deliver(push, "d-20", "push"), 202);
  push["ref"] = "refs/heads/feature";
  ASSERT_EQ(w.deliver(push, "d-21", "push"), 202);
  w.drain();
  EXPECT_TRUE(w.github.pulls().empty());
  push["ref"] = "refs/heads/main";
  ASSERT_EQ(w.deliver(push, "d-22", "push"), 202);
  w.drain();
  bool deprecations = false;
  for (const auto& [number, pull] : w.github.pulls())
    deprecations |= pull.data["head"]["ref"].get<std::string>().rfind("ddd/deprecations/", 0) == 0;
  EXPECT_TRUE(deprecations);
  const auto v = w.github.violations();
  EXPECT_TRUE(v.empty()) << v.front();
}

// `/ddd ignore lodash major` is recorded, the dependency analysis runs again and the
// major update's pull request gives way to the newest minor; `/ddd unignore lodash`
// brings the major back. The registry is a fake npm registry on loopback named by the
// repository's .npmrc.
TEST(ServeEndToEnd, IgnoreAndUnignoreSteerTheDependencyPullRequests) {
  ddd::testing::FakeHttpServer registry([](const ddd::testing::FakeHttpServer::Request& r)
                                            -> ddd::testing::FakeHttpServer::Response {
    if (r.target != "/lodash") return {404, {}, "{\"error\":\"Not found\"}"};
    nlohmann::json p = {{"name", "lodash"}, {"dist-tags", {{"latest", "4.17.21"}}}};
    for (const auto& [v, t] : std::vector<std::pair<std::string, std::string>>{
             {"3.0.0", "2015-01-26T00:00:00Z"},
             {"3.10.1", "2015-08-04T00:00:00Z"},
             {"4.17.21", "2021-02-20T15:42:16Z"}}) {
      p["versions"][v] = {{"name", "lodash"}, {"version", v}};
      p["time"][v] = t;
    }
    return {200, {{"Content-Type", "application/json"}}, p.dump()};
  });
  // (several pull requests within the hour: the default cap of 2 new an hour is lifted)
  World w(R"({"pullRequests": {"maxNewPerHour": 0}})",
          {{"package.json", R"({"name": "shop", "dependencies": {"lodash": "^3.0.0"}})"},
               {".npmrc", "registry=" + registry.url() + "/\n"}});
  forges::HttpClient registryHttp(registryHttpOptions());
  w.ctx->registryHttp = &registryHttp;
  auto openBranches = [&w] {
    std::set<std::string> out;
    for (const auto& [n, pull] : w.github.pulls()) {
      const std::string branch = pull.data["head"]["ref"];
      if (pull.data["state"] == "open" && branch.rfind("ddd/deps/", 0) == 0) out.insert(branch);
    }
    return out;
  };
  auto command = [&w](const std::string& text, int id, const std::string& delivery) {
    auto p = commentPayload(w.remote, "maintainer", text);
    p["comment"]["id"] = id;
    p["issue"]["number"] = 500;  // a plain issue (the fake's pull requests count from 1)
    p["issue"].erase("pull_request");
    EXPECT_EQ(w.deliver(p, delivery), 202);
    w.drain();
    return p["issue"]["number"].get<int>();
  };
  // The major, and the newest 3.x next to it (inMajorUpdates).
  command("/ddd rerun dependencies", 801, "d-30");
  EXPECT_EQ(openBranches(),
            (std::set<std::string>{"ddd/deps/npm-lodash-3.x", "ddd/deps/npm-lodash-4.x"}));

  const int thread = command("/ddd ignore lodash major", 802, "d-31");
  EXPECT_EQ(openBranches(), (std::set<std::string>{"ddd/deps/npm-lodash-3.x"}));
  bool said = false;
  for (const auto& c : w.github.issueComments(thread)) {
    said = said || c["body"].get<std::string>().find("will not propose major updates of `lodash`") !=
                       std::string::npos;
  }
  EXPECT_TRUE(said);
  const auto recorded = w.receiverStore->ignores("octo/hello");
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(recorded[0].second)["updateTypes"], nlohmann::json({"major"}));

  command("/ddd unignore lodash", 803, "d-32");
  EXPECT_EQ(openBranches(),
            (std::set<std::string>{"ddd/deps/npm-lodash-3.x", "ddd/deps/npm-lodash-4.x"}));
  EXPECT_TRUE(w.receiverStore->ignores("octo/hello").empty());
  const auto v = w.github.violations();
  EXPECT_TRUE(v.empty()) << v.front();
}

// A config ddd can't use is reported to the repository in one issue (edited in place,
// never duplicated) and that issue is closed once a push fixes the config.
TEST(ServeEndToEnd, AnInvalidConfigIsReportedInOneIssueClosedWhenFixed) {
  World w(R"({"policies": [{"name": "oops", "match": {"updateType": "huge"}, "action": "merge"}]})");
  auto push = repoEvent("push", "", w.remote);
  push["ref"] = "refs/heads/main";
  ASSERT_EQ(w.deliver(push, "d-40", "push"), 202);
  w.drain();
  ASSERT_EQ(w.deliver(commentPayload(w.remote, "maintainer", "/ddd rerun"), "d-41"), 202);
  w.drain();
  std::vector<std::pair<int, nlohmann::json>> config;
  for (const auto& [n, issue] : w.github.issues()) {
    if (issue["body"].get<std::string>().find("<!-- ddd:config-problems repo=octo/hello -->") !=
        std::string::npos)
      config.emplace_back(n, issue);
  }
  ASSERT_EQ(config.size(), 1u);  // the second analysis found it again: no second issue
  const std::string body = config[0].second["body"];
  EXPECT_NE(body.find("`.github/ddd.json`"), std::string::npos) << body;
  EXPECT_NE(body.find("policies"), std::string::npos) << body;
  EXPECT_EQ(config[0].second["state"], "open");

  // The maintainer fixes the config on the default branch.
  w.upstream.commit({{".github/ddd.json", R"({"policies": []})"}}, "fix the ddd config");
  ddd::testing::runCommand("git -C " + w.upstream.path().string() + " push -q " + w.remote +
                           " HEAD:main");
  ASSERT_EQ(w.deliver(push, "d-42", "push"), 202);
  w.drain();
  EXPECT_EQ(w.github.issues().at(config[0].first)["state"], "closed");
  const auto v = w.github.violations();
  EXPECT_TRUE(v.empty()) << v.front();
}

TEST(ServeEndToEnd, AReadOnlyUserIsRefusedAndNothingElseHappens) {
  World w;
  const auto payload = commentPayload(w.remote, "visitor", "/ddd rerun");
  ASSERT_EQ(w.deliver(payload, "d-2"), 202);
  w.drain();
  EXPECT_TRUE(w.github.reactions().empty());
  EXPECT_TRUE(w.github.pulls().empty());
  EXPECT_EQ(w.remoteBranches(), "");
  const auto replies = w.github.issueComments(payload["issue"]["number"].get<int>());
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_NE(replies[0]["body"].get<std::string>().find("only people with write access"),
            std::string::npos);
  const auto v = w.github.violations();
  EXPECT_TRUE(v.empty()) << v.front();
}

TEST(ServeEndToEnd, BotsAndPlainCommentsAreNotCommands) {
  World w;
  auto bot = commentPayload(w.remote, "renovate[bot]", "/ddd rerun");
  bot["sender"]["type"] = "Bot";
  w.github.setPermission("renovate[bot]", "admin");
  const auto plain = commentPayload(w.remote, "maintainer", "LGTM, thanks");
  // The receiver answers them 200 and stores nothing.
  ASSERT_EQ(w.deliver(bot, "d-3"), 200);
  ASSERT_EQ(w.deliver(plain, "d-4"), 200);
  EXPECT_TRUE(w.receiverStore->list(false, 10).empty());
  // Their jobs, as a receiver that stored them would have: the worker drops them too.
  ASSERT_TRUE(w.receiverStore->enqueue("github.issue_comment", "octo/hello", bot.dump(), "again-3", 0));
  ASSERT_TRUE(w.receiverStore->enqueue("github.issue_comment", "octo/hello", plain.dump(), "again-4", 0));
  w.drain();
  EXPECT_TRUE(w.github.reactions().empty());
  EXPECT_TRUE(w.github.pulls().empty());
  EXPECT_TRUE(w.receiverStore->list(true, 10).empty());  // dropped, not failed
}

}  // namespace
}  // namespace ddd::bot
