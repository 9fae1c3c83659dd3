// End to end on the fake GitLab, with GitLab's own webhook payloads (tests/fixtures/shared/
// gitlab/webhooks, the project swapped for this test's): a Note Hook "/ddd rerun" sent with
// X-Gitlab-Token -> the receiver stores the job -> a worker checks the author's access
// level, awards 👍, queues an analysis -> the analysis fetches the project (a bare
// repository on disk), writes the fix branch, pushes it, and opens the merge request. A
// Reporter's note is refused politely and nothing else happens. A pipeline succeeding
// merges an automerge merge request pinned to the commit ddd pushed; an approval merges a
// mergeOnApproval one; a push to the default branch analyses the project; the weekly
// report lives in one issue whose controls obey the same permission check. Every GitLab
// call made while handling an event carries that event's X-Gitlab-Event-UUID.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "bot/gitlab_projects.h"
#include "bot/server/webhook_server.h"
#include "bot/tech_debt_report.h"
#include "bot/worker.h"
#include "tests/bot/bot_test_support.h"
#include "tests/support/fake_gitlab.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

using ddd::testing::FakeGitlab;

constexpr int64_t kProjectId = 4242;
constexpr int64_t kDeveloperId = 42, kReporterId = 43;

nlohmann::json gitlabExample(const std::string& name) {
  std::ifstream in(ddd::testing::sharedFixtures() / "gitlab" / "webhooks" / (name + ".json"));
  return nlohmann::json::parse(in);
}

struct GitlabWorld {
  FakeGitlab gitlab{"team/app", "glpat-ddd", kProjectId};
  ddd::testing::TestRepo upstream;
  ddd::testing::TempDir dir;
  std::string remote;
  std::shared_ptr<JobStore> receiverStore;
  std::unique_ptr<WebhookServer> server;
  forges::HttpClient http;
  std::shared_ptr<WorkerContext> ctx;
  std::unique_ptr<Worker> worker;
  std::vector<std::chrono::milliseconds> waits;  // write spacing asked for (never slept)

  explicit GitlabWorld(const std::string& repoConfig = "") {
    std::map<std::string, std::optional<std::string>> files = {
        {"app/clock.py", "import datetime\nnow = datetime.datetime.utcnow()\n"}};
    if (!repoConfig.empty()) files[".ddd.json"] = repoConfig;
    upstream.commit(files);
    remote = (dir.path() / "app.git").string();
    ddd::testing::runCommand("git clone -q --bare " + upstream.path().string() + " " + remote);
    gitlab.followRepository(remote);
    gitlab.setMember(kDeveloperId, "dev", 30);
    gitlab.setMember(kReporterId, "reporter", 20);
    ServerConfig c;
    c.listenPort = 0;
    c.gitlabWebhookToken = "hook-secret";
    c.gitlabToken = "glpat-ddd";
    c.gitlabApiUrl = gitlab.apiUrl();
    // No fsync per commit (job_store.h): durability is the durability test's subject.
    const std::string store = "sqlite://" + (dir.path() / "ddd.sqlite").string() + "?synchronous=off";
    receiverStore = std::shared_ptr<JobStore>(openJobStore(store));
    server = std::make_unique<WebhookServer>(c, receiverStore, std::make_shared<Metrics>());
    server->start(1);
    ctx = std::make_shared<WorkerContext>();
    ctx->config = c;
    ctx->http = &http;
    ctx->cacheDir = dir.path() / "cache";
    ctx->dataDir = ddd::testing::dataDir();
    ctx->log = [](const std::string& line) { std::cerr << "worker: " << line << "\n"; };
    ctx->sleep = [this](std::chrono::milliseconds d) { waits.push_back(d); };
    worker = std::make_unique<Worker>(ctx, openJobStore(store), "worker-1");
  }

  // GitLab's example payload, about this world's project.
  nlohmann::json example(const std::string& name) const {
    nlohmann::json p = gitlabExample(name);
    p["project"]["id"] = kProjectId;
    p["project"]["path_with_namespace"] = "team/app";
    p["project"]["git_http_url"] = remote;
    p["project"]["default_branch"] = "main";
    if (p.contains("project_id")) p["project_id"] = kProjectId;
    return p;
  }
  // A new note by `user` (id, username) with `text`: on merge request !1 (GitLab's
  // note_merge_request example) or on issue #17 (note_issue). The note exists in the fake.
  nlohmann::json note(bool onMergeRequest, int64_t userId, const std::string& username,
                      const std::string& text, int64_t noteId) {
    nlohmann::json p = example(onMergeRequest ? "note_merge_request" : "note_issue");
    p["user"]["id"] = userId;
    p["user"]["username"] = username;
    p["object_attributes"]["id"] = noteId;
    p["object_attributes"]["author_id"] = userId;
    p["object_attributes"]["note"] = text;
    p["object_attributes"]["description"] = text;
    const int iid =
        onMergeRequest ? p["merge_request"]["iid"].get<int>() : p["issue"]["iid"].get<int>();
    gitlab.addNote(onMergeRequest, iid, noteId, username, text);
    return p;
  }

  int deliver(const nlohmann::json& payload, const std::string& event, const std::string& uuid,
              const std::string& token = "hook-secret") {
    forges::ClientRequest r;
    r.method = "POST";
    r.url = "http://127.0.0.1:" + std::to_string(server->port()) + "/webhooks/gitlab";
    r.body = payload.dump();
    r.headers.set("Content-Type", "application/json");
    r.headers.set("X-Gitlab-Event", event);
    r.headers.set("X-Gitlab-Token", token);
    r.headers.set("X-Gitlab-Event-UUID", uuid);
    r.headers.set("Idempotency-Key", "idem-" + uuid);
    return http.send(r).status;
  }
  void drain() {
    while (worker->runOnce()) {
    }
  }
  // The job of an event run again (a worker died after its effects): stored anew.
  void redo(const std::string& kind, const nlohmann::json& payload, const std::string& uuid) {
    ASSERT_TRUE(receiverStore->enqueue(kind, "team/app", gitlabJobPayload(uuid, payload.dump()),
                                       "again:" + uuid, 0));
    drain();
  }
  // A developer's "/ddd rerun deprecations" on issue #17, run to the end: the merge request.
  nlohmann::json rerunOpensOneMergeRequest(const std::string& uuid) {
    gitlab.addIssue(17, "Clock warnings", "");
    EXPECT_EQ(deliver(note(false, kDeveloperId, "dev", "/ddd rerun deprecations", 1241),
                      "Note Hook", uuid),
              202);
    drain();
    EXPECT_EQ(openedMergeRequests(), 1);
    return gitlab.mergeRequest(1);
  }
  int openedMergeRequests() const {
    int n = 0;
    for (const auto& r : gitlab.requests())
      n += r.method == "POST" &&
           r.target == "/api/v4/projects/" + std::to_string(kProjectId) + "/merge_requests";
    return n;
  }
  std::string remoteBranches() const {
    return ddd::testing::runCommand("git -C " + remote +
                                    " for-each-ref --format='%(refname)' refs/heads/ddd/")
        .output;
  }
  // The number of requests the fake GitLab received so far, for "since then" checks.
  size_t requestCount() const { return gitlab.requests().size(); }
  // Every request from `from` on carries `uuid` and names the project by its id.
  void expectEchoed(size_t from, const std::string& uuid) const {
    const auto requests = gitlab.requests();
    EXPECT_GT(requests.size(), from);
    for (size_t i = from; i < requests.size(); ++i) {
      const auto& r = requests[i];
      EXPECT_EQ(r.header("X-Gitlab-Event-UUID"), uuid) << r.method << " " << r.target;
      if (r.target.rfind("/api/v4/projects/", 0) == 0 && r.target != "/api/v4/projects/4242") {
        EXPECT_EQ(r.target.rfind("/api/v4/projects/4242/", 0), 0u) << r.target;
      }
    }
  }
  void expectNoFailedJobs() const {
    for (const auto& j : receiverStore->list(true, 10))
      ADD_FAILURE() << "job " << j.id << " (" << j.kind << ") failed: " << j.lastError;
  }
  void expectNoViolations() const {
    const auto v = gitlab.violations();
    EXPECT_TRUE(v.empty()) << v.front();
  }
};

TEST(ServeGitlabEndToEnd, RerunInANoteOpensTheMergeRequest) {
  GitlabWorld w;
  w.gitlab.addIssue(17, "Clock warnings", "");
  const auto note =
      w.note(false, kDeveloperId, "dev", "Please look.\n/ddd rerun deprecations", 1241);
  ASSERT_EQ(w.deliver(note, "Note Hook", "uuid-note-1"), 202);
  w.drain();
  // 👍 on the note, on the issue it was written in.
  const auto awards = w.gitlab.awards();
  ASSERT_EQ(awards.size(), 1u);
  EXPECT_EQ(awards[0],
            (nlohmann::json{{"on", "issues"}, {"iid", 17}, {"note", 1241}, {"name", "thumbsup"}}));
  // The fix branch pushed to the project's repository and its merge request opened.
  EXPECT_NE(w.remoteBranches().find("refs/heads/ddd/deprecations/python"), std::string::npos)
      << w.remoteBranches();
  ASSERT_EQ(w.openedMergeRequests(), 1);
  const auto mr = w.gitlab.mergeRequest(1);
  const std::string branch = mr["source_branch"];
  EXPECT_EQ(branch.rfind("ddd/deprecations/python", 0), 0u) << branch;
  EXPECT_EQ(mr["target_branch"], "main");
  EXPECT_NE(mr["description"].get<std::string>().find("<!-- ddd:change id=deprecations/python"),
            std::string::npos);
  const auto fixed =
      ddd::testing::runCommand("git -C " + w.remote + " show " + branch + ":app/clock.py").output;
  EXPECT_EQ(fixed.find("utcnow"), std::string::npos) << fixed;
  // Every call, the analysis's included, echoed the event's UUID.
  w.expectEchoed(0, "uuid-note-1");
  // No reply: a rerun answers with the 👍 alone.
  EXPECT_TRUE(w.gitlab.issueNotes(17).size() == 1u);  // the note itself

  // GitLab's retry of the delivery is answered 200 and dropped; the job run again (a
  // worker killed after its effects) awards nothing twice and opens nothing new.
  EXPECT_EQ(w.deliver(note, "Note Hook", "uuid-note-1"), 200);
  w.redo("gitlab.note", note, "uuid-note-1");
  EXPECT_EQ(w.gitlab.awards().size(), 1u);
  EXPECT_EQ(w.openedMergeRequests(), 1);
  // The writes (award, merge request, labels, note) were spaced, at most a second each.
  EXPECT_FALSE(w.waits.empty());
  for (const auto& d : w.waits) EXPECT_LE(d.count(), 1000);
  w.expectNoFailedJobs();
  w.expectNoViolations();
}

// Hooks that name their project by id only (Pipeline hooks, system hooks, Note hooks of
// older servers): GitLab is asked for the path, clone URL and default branch, once per
// job, and the note still leads to the 👍, the clone and the merge request.
TEST(ServeGitlabEndToEnd, ANoteNamingItsProjectByIdOnlyIsLookedUpAndCloned) {
  GitlabWorld w;
  w.gitlab.addIssue(17, "Clock warnings", "");
  auto note = w.note(false, kDeveloperId, "dev", "/ddd rerun deprecations", 1241);
  note["project"] = {{"id", kProjectId}};  // no path, no URLs, no default branch
  note.erase("repository");
  ASSERT_EQ(w.deliver(note, "Note Hook", "uuid-bare"), 202);
  w.drain();
  ASSERT_EQ(w.gitlab.awards().size(), 1u);
  EXPECT_EQ(w.gitlab.awards()[0]["note"], 1241);
  ASSERT_EQ(w.openedMergeRequests(), 1);
  const std::string branch = w.gitlab.mergeRequest(1)["source_branch"];
  EXPECT_NE(w.remoteBranches().find("refs/heads/" + branch), std::string::npos);
  // One look-up, by the note's job; the analysis it queued carries what it found.
  int lookups = 0;
  for (const auto& r : w.gitlab.requests())
    lookups += r.method == "GET" && r.target == "/api/v4/projects/4242";
  EXPECT_EQ(lookups, 1);
  bool analysed = false;
  for (const auto& job : w.receiverStore->list(false, 50)) {
    if (job.kind != "gitlab.analyze") continue;
    analysed = true;
    EXPECT_EQ(job.repo, "gitlab:project:4242");  // queued by the project's id
    const auto p = nlohmann::json::parse(job.payload);
    EXPECT_EQ(p["repo"], "team/app");
    EXPECT_EQ(p["cloneUrl"], w.remote);
    EXPECT_EQ(p["defaultBranch"], "main");
    EXPECT_EQ(p["projectId"], kProjectId);
    EXPECT_EQ(job.state, "done");
  }
  EXPECT_TRUE(analysed);
  ASSERT_EQ(w.receiverStore->repositories(true).size(), 1u);
  EXPECT_EQ(w.receiverStore->repositories(true)[0].repo, "team/app");
  w.expectEchoed(0, "uuid-bare");
  w.expectNoFailedJobs();
  w.expectNoViolations();
}

// Jobs of one project never run side by side, whether their hooks name it by id only
// (a Note Hook of an older server), by path only (a group's Merge Request Hook) or by
// both: the receiver queues them under the project's id when the hook gives it, and the
// worker moves a job keyed by the path to the id's key (looked up once) before running it
// — behind the project's running job when there is one.
TEST(ServeGitlabEndToEnd, JobsOfOneProjectNeverRunSideBySideWhateverTheHookNames) {
  GitlabWorld w;
  auto byId = w.example("push");
  byId["project"] = {{"id", kProjectId}};
  byId.erase("repository");
  byId.erase("project_id");
  byId["ref"] = "refs/heads/feature";  // handled without analysing anything
  auto byPath = gitlabExample("group_merge_request");  // GitLab's: no project id anywhere
  byPath["project"]["path_with_namespace"] = "team/app";
  ASSERT_FALSE(byPath["project"].contains("id"));
  auto both = w.example("push");
  both["ref"] = "refs/heads/other";
  ASSERT_EQ(w.deliver(byId, "Push Hook", "uuid-id"), 202);
  ASSERT_EQ(w.deliver(byPath, "Merge Request Hook", "uuid-path"), 202);
  ASSERT_EQ(w.deliver(both, "Push Hook", "uuid-both"), 202);
  std::map<std::string, std::string> keys;  // event uuid -> queue key
  for (const auto& job : w.receiverStore->list(false, 10))
    keys[nlohmann::json::parse(job.payload)["eventUuid"]] = job.repo;
  EXPECT_EQ(keys, (std::map<std::string, std::string>{{"uuid-id", "gitlab:project:4242"},
                                                     {"uuid-path", "team/app"},
                                                     {"uuid-both", "gitlab:project:4242"}}));
  // Another worker runs the id-only hook's job (the oldest).
  const auto running = w.receiverStore->claim("worker-2", 300, std::time(nullptr));
  ASSERT_TRUE(running);
  EXPECT_EQ(running->repo, "gitlab:project:4242");
  // This worker may take only the path's job: it learns the id and waits behind it.
  EXPECT_TRUE(w.worker->runOnce());
  EXPECT_FALSE(w.worker->runOnce());  // nothing of the project may run now
  int lookups = 0;
  for (const auto& r : w.gitlab.requests())
    lookups += r.method == "GET" && r.target == "/api/v4/projects/team%2Fapp";
  EXPECT_EQ(lookups, 1);
  for (const auto& job : w.receiverStore->list(false, 10)) {
    EXPECT_EQ(job.repo, "gitlab:project:4242");
    if (job.id == running->id) continue;
    EXPECT_EQ(job.state, "queued");
    EXPECT_EQ(job.attempts, 0);  // waiting is not a failed try
  }
  ASSERT_TRUE(w.receiverStore->complete(running->id, "worker-2"));
  w.drain();
  for (const auto& job : w.receiverStore->list(false, 10)) EXPECT_EQ(job.state, "done");
  w.expectNoFailedJobs();
  w.expectNoViolations();
}

// An analysis run for a webhook rewrites the project's schedule record; a project the
// config lists keeps its mark there, so taking it off the list still removes it.
TEST(ServeGitlabEndToEnd, AnAnalysisKeepsTheListedMarkOfTheProjectsRecord) {
  GitlabWorld w;
  w.ctx->config.gitlabProjects = {std::to_string(kProjectId)};
  w.rerunOpensOneMergeRequest("uuid-listed");
  const auto records = w.receiverStore->repositories(true);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(records[0].payload)["listed"], true);
  // The next start's list no longer names it (discovery off).
  const auto synced = recordGitlabProjects(*w.receiverStore, {}, false, {}, 1);
  EXPECT_EQ(synced.left, 1u);
  EXPECT_TRUE(w.receiverStore->repositories(true).empty());
  w.expectNoFailedJobs();
}

// A Push Hook without the default branch or clone URL: the look-up says "main", so a
// push there analyses the project and a push elsewhere does nothing more.
TEST(ServeGitlabEndToEnd, APushWithoutTheDefaultBranchLooksItUp) {
  GitlabWorld w;
  nlohmann::json push = w.example("push");
  for (const char* key : {"default_branch", "git_http_url", "http_url", "url"})
    push["project"].erase(key);
  push.erase("repository");
  push["ref"] = "refs/heads/feature";
  ASSERT_EQ(w.deliver(push, "Push Hook", "uuid-bare-feature"), 202);
  w.drain();
  ASSERT_EQ(w.requestCount(), 1u);  // the look-up, nothing else
  EXPECT_EQ(w.gitlab.requests()[0].target, "/api/v4/projects/4242");
  push["ref"] = "refs/heads/main";
  ASSERT_EQ(w.deliver(push, "Push Hook", "uuid-bare-main"), 202);
  w.drain();
  EXPECT_GE(w.openedMergeRequests(), 1);
  EXPECT_EQ(w.gitlab.requests()[0].header("X-Gitlab-Event-UUID"), "uuid-bare-feature");
  w.expectEchoed(1, "uuid-bare-main");
  w.expectNoFailedJobs();
  w.expectNoViolations();
}

// "/ddd rerun" on a ddd merge request recomputes that change only (its branch).
TEST(ServeGitlabEndToEnd, RerunOnADddMergeRequestRecomputesThatChange) {
  GitlabWorld w;
  const auto mr = w.rerunOpensOneMergeRequest("uuid-first");
  auto note = w.note(true, kDeveloperId, "dev", "/ddd rerun", 1400);
  note["merge_request"]["iid"] = mr["iid"];
  note["merge_request"]["source_branch"] = mr["source_branch"];
  ASSERT_EQ(w.deliver(note, "Note Hook", "uuid-on-mr"), 202);
  w.drain();
  bool limited = false;
  for (const auto& job : w.receiverStore->list(false, 50)) {
    if (job.kind != "gitlab.analyze" || job.dedupeKey != "gitlab:rerun:1400") continue;
    const auto p = nlohmann::json::parse(job.payload);
    limited = p["branches"] == nlohmann::json::array({mr["source_branch"]});
    EXPECT_EQ(p["eventUuid"], "uuid-on-mr");
    EXPECT_EQ(job.state, "done");
  }
  EXPECT_TRUE(limited);
  const auto awards = w.gitlab.awards();
  ASSERT_EQ(awards.size(), 2u);
  EXPECT_EQ(awards[1]["on"], "merge_requests");
  EXPECT_EQ(w.openedMergeRequests(), 1);  // updated in place, never a second one
  w.expectNoFailedJobs();
  w.expectNoViolations();
}

TEST(ServeGitlabEndToEnd, AReporterIsRefusedOnceAndNothingElseHappens) {
  GitlabWorld w;
  w.gitlab.addMergeRequest(1, "feature/login", "Login form");
  const auto note = w.note(true, kReporterId, "reporter", "/ddd rerun", 1244);
  ASSERT_EQ(w.deliver(note, "Note Hook", "uuid-reporter"), 202);
  w.drain();
  w.redo("gitlab.note", note, "uuid-reporter");  // the job again: the reply stays one
  EXPECT_TRUE(w.gitlab.awards().empty());
  EXPECT_EQ(w.openedMergeRequests(), 0);
  EXPECT_EQ(w.remoteBranches(), "");
  const auto notes = w.gitlab.notes(1);
  ASSERT_EQ(notes.size(), 2u);  // the reporter's note and ddd's one reply
  const std::string reply = notes[1]["body"];
  EXPECT_NE(reply.find("@reporter thanks — only people with the Developer role or higher"),
            std::string::npos)
      << reply;
  EXPECT_NE(reply.find("<!-- ddd:reply 1244 -->"), std::string::npos) << reply;
  w.expectEchoed(0, "uuid-reporter");
  // Someone who is no member at all (GitLab answers 404) is refused the same way.
  ASSERT_EQ(
      w.deliver(w.note(true, 77, "stranger", "/ddd help", 1250), "Note Hook", "uuid-stranger"),
      202);
  w.drain();
  EXPECT_EQ(w.gitlab.notes(1).size(), 4u);
  EXPECT_TRUE(w.gitlab.awards().empty());
  w.expectNoFailedJobs();
  w.expectNoViolations();
}

TEST(ServeGitlabEndToEnd, EditsSystemNotesBotsAndPlainNotesAreNotCommands) {
  GitlabWorld w;
  w.gitlab.addMergeRequest(1, "feature/login", "Login form");
  auto edited = w.note(true, kDeveloperId, "dev", "/ddd help", 1300);
  edited["object_attributes"]["action"] = "update";
  auto editedOld = w.note(true, kDeveloperId, "dev", "/ddd help", 1301);  // no action field
  editedOld["object_attributes"]["updated_at"] = "2015-05-17 18:30:00 UTC";
  auto system = w.note(true, kDeveloperId, "dev", "/ddd help", 1302);
  system["object_attributes"]["system"] = true;
  auto bot = w.note(true, 99, "project_4242_bot_5d1e", "/ddd help", 1303);
  auto plain = w.note(true, kDeveloperId, "dev", "LGTM, thanks", 1304);
  // The receiver answers 200 and stores nothing for edits (GitLab's "update" action, or
  // an older server's updated_at after created_at), system notes, token bots and notes
  // without a command.
  int i = 0;
  for (const auto& p : {edited, editedOld, system, bot, plain})
    ASSERT_EQ(w.deliver(p, "Note Hook", "uuid-quiet-" + std::to_string(i++)), 200);
  // Their jobs, as a receiver that stored them would have: still no commands.
  for (const auto& p : {edited, editedOld, system, bot, plain})
    w.redo("gitlab.note", p, "uuid-quiet-" + std::to_string(i++));
  w.drain();
  EXPECT_EQ(w.requestCount(), 0u);  // not one call to GitLab
  w.expectNoFailedJobs();

  // ddd itself behind a personal access token (an ordinary user name, a member): its own
  // notes are never commands.
  w.gitlab.setTokenUser("ddd-maint");
  w.gitlab.setMember(500, "ddd-maint", 40);
  ASSERT_EQ(w.deliver(w.note(true, 500, "ddd-maint", "/ddd help", 1306), "Note Hook", "uuid-self"),
            202);
  w.drain();
  for (const auto& r : w.gitlab.requests())
    EXPECT_EQ(r.method + " " + r.target, "GET /api/v4/user");  // who am I, nothing more
  EXPECT_EQ(w.gitlab.notes(1).size(), 6u);  // the six notes the test wrote, no reply

  // The same help request by a developer is answered.
  ASSERT_EQ(
      w.deliver(w.note(true, kDeveloperId, "dev", "/ddd help", 1305), "Note Hook", "uuid-help"),
      202);
  w.drain();
  EXPECT_EQ(w.gitlab.awards().size(), 1u);
  const auto notes = w.gitlab.notes(1);
  EXPECT_NE(notes.back()["body"].get<std::string>().find("/ddd rerun"), std::string::npos);
  w.expectNoViolations();
}

constexpr const char* kAutomergeDeprecations =
    R"({"policies": [{"name": "fixes-merge", "match": {"analyzer": "deprecations"},
                      "action": "automerge", "mergeMethod": "squash"}]})";

// GitLab's pipeline example, finished with `status` on the merge request's head.
nlohmann::json pipelineDone(const GitlabWorld& w, const nlohmann::json& mr,
                            const std::string& status) {
  nlohmann::json p = w.example("pipeline");
  p["object_attributes"]["sha"] = mr["sha"];
  p["object_attributes"]["ref"] = "refs/merge-requests/" + mr["iid"].dump() + "/head";
  p["object_attributes"]["status"] = status;
  p["merge_request"]["iid"] = mr["iid"];
  p["merge_request"]["source_branch"] = mr["source_branch"];
  return p;
}

TEST(ServeGitlabEndToEnd, AGreenPipelineMergesTheAutomergeMergeRequestPinnedToItsCommit) {
  GitlabWorld w(kAutomergeDeprecations);
  const auto mr = w.rerunOpensOneMergeRequest("uuid-rerun");
  const std::string sha = mr["sha"];
  ASSERT_EQ(sha.size(), 40u) << mr.dump(2);
  EXPECT_EQ(w.gitlab.statuses(sha)["ddd/policy"], "success");
  EXPECT_EQ(mr["state"], "opened");  // no pipeline ran yet: never merged blind

  w.gitlab.setJob(sha, "test", "success");
  const size_t before = w.requestCount();
  ASSERT_EQ(w.deliver(pipelineDone(w, mr, "success"), "Pipeline Hook", "uuid-pipeline"), 202);
  w.drain();
  EXPECT_EQ(w.gitlab.mergeRequest(1)["state"], "merged");
  const auto merges = w.gitlab.merges();
  ASSERT_EQ(merges.size(), 1u);
  EXPECT_EQ(merges[0]["sha"], sha);
  EXPECT_EQ(merges[0].value("squash", false), true);
  w.expectEchoed(before, "uuid-pipeline");
  w.expectNoFailedJobs();
  w.expectNoViolations();
}

TEST(ServeGitlabEndToEnd, AFailedPipelineMovesTheMergeRequestToReview) {
  GitlabWorld w(kAutomergeDeprecations);
  const auto mr = w.rerunOpensOneMergeRequest("uuid-rerun");
  w.gitlab.setJob(mr["sha"], "test", "failed");
  ASSERT_EQ(w.deliver(pipelineDone(w, mr, "failed"), "Pipeline Hook", "uuid-red"), 202);
  w.drain();
  const auto now = w.gitlab.mergeRequest(1);
  EXPECT_EQ(now["state"], "opened");
  EXPECT_TRUE(w.gitlab.merges().empty());
  const auto& labels = now["labels"];
  EXPECT_NE(std::find(labels.begin(), labels.end(), "ddd:needs-review"), labels.end()) << labels;
  int said = 0;
  for (const auto& n : w.gitlab.notes(1))
    said += n["body"].get<std::string>().find("A check failed (test)") != std::string::npos;
  EXPECT_EQ(said, 1);
  w.expectNoFailedJobs();
  w.expectNoViolations();
}

// While the merge request's pipeline runs, GitLab is asked to merge it when the pipeline
// succeeds (auto_merge), pinned to the commit ddd pushed; a pending pipeline is no news.
TEST(ServeGitlabEndToEnd, ARunningPipelineHandsTheMergeToGitlabPinnedToItsCommit) {
  GitlabWorld w(kAutomergeDeprecations);
  const auto mr = w.rerunOpensOneMergeRequest("uuid-rerun");
  size_t before = w.requestCount();
  ASSERT_EQ(w.deliver(pipelineDone(w, mr, "pending"), "Pipeline Hook", "uuid-pending"), 202);
  w.drain();
  EXPECT_EQ(w.requestCount(), before);  // nothing asked of GitLab
  w.gitlab.setJob(mr["sha"], "test", "running");
  w.gitlab.startPipeline(1);
  before = w.requestCount();
  ASSERT_EQ(w.deliver(pipelineDone(w, mr, "running"), "Pipeline Hook", "uuid-running"), 202);
  w.drain();
  const auto now = w.gitlab.mergeRequest(1);
  EXPECT_EQ(now["state"], "opened");
  EXPECT_EQ(now.value("merge_when_pipeline_succeeds", false), true) << now.dump(2);
  bool pinned = false;
  const auto requests = w.gitlab.requests();
  for (size_t i = before; i < requests.size(); ++i) {
    const auto& r = requests[i];
    if (r.method != "PUT" || r.target.find("/merge_requests/1/merge") == std::string::npos)
      continue;
    const auto body = nlohmann::json::parse(r.body);
    pinned = body.value("auto_merge", false) && body["sha"] == mr["sha"];
  }
  EXPECT_TRUE(pinned);
  w.expectEchoed(before, "uuid-running");
  w.expectNoFailedJobs();
  w.expectNoViolations();
}

TEST(ServeGitlabEndToEnd, AnApprovalMergesAMergeOnApprovalMergeRequest) {
  GitlabWorld w(
      R"({"policies": [{"name": "fixes-on-approval", "match": {"analyzer": "deprecations"},
                                  "action": "review", "mergeOnApproval": true}]})");
  const auto mr = w.rerunOpensOneMergeRequest("uuid-rerun");
  w.gitlab.setJob(mr["sha"], "test", "success");
  ASSERT_EQ(w.deliver(pipelineDone(w, mr, "success"), "Pipeline Hook", "uuid-green"), 202);
  w.drain();
  EXPECT_EQ(w.gitlab.mergeRequest(1)["state"], "opened");  // green, not approved yet

  w.gitlab.approve(1);
  nlohmann::json approved = w.example("merge_request");
  approved["object_attributes"]["action"] = "approved";
  approved["object_attributes"]["iid"] = 1;
  approved["object_attributes"]["source_branch"] = mr["source_branch"];
  approved["object_attributes"]["last_commit"]["id"] = mr["sha"];
  const size_t before = w.requestCount();
  ASSERT_EQ(w.deliver(approved, "Merge Request Hook", "uuid-approved"), 202);
  w.drain();
  EXPECT_EQ(w.gitlab.mergeRequest(1)["state"], "merged");
  ASSERT_EQ(w.gitlab.merges().size(), 1u);
  EXPECT_EQ(w.gitlab.merges()[0]["sha"], mr["sha"]);
  w.expectEchoed(before, "uuid-approved");
  w.expectNoFailedJobs();
  w.expectNoViolations();
}

TEST(ServeGitlabEndToEnd, APushToTheDefaultBranchAnalysesTheProject) {
  GitlabWorld w;
  nlohmann::json push = w.example("push");
  push["ref"] = "refs/heads/feature";  // not the default branch: nothing
  ASSERT_EQ(w.deliver(push, "Push Hook", "uuid-push-feature"), 202);
  w.drain();
  EXPECT_EQ(w.requestCount(), 0u);
  push["ref"] = "refs/heads/main";
  ASSERT_EQ(w.deliver(push, "Push Hook", "uuid-push-main"), 202);
  w.drain();
  // Every analyzer ran: a merge request per proposed change, each on its pushed branch.
  const int opened = w.openedMergeRequests();
  ASSERT_GE(opened, 1);
  bool deprecations = false;
  for (int iid = 1; iid <= opened; ++iid) {
    const std::string branch = w.gitlab.mergeRequest(iid)["source_branch"];
    deprecations |= branch.rfind("ddd/deprecations/python", 0) == 0;
    EXPECT_NE(w.remoteBranches().find("refs/heads/" + branch), std::string::npos) << branch;
  }
  EXPECT_TRUE(deprecations);
  w.expectEchoed(0, "uuid-push-main");
  auto repos = w.receiverStore->repositories(true);
  ASSERT_EQ(repos.size(), 1u);
  EXPECT_EQ(repos[0].forge, "gitlab");
  const auto record = nlohmann::json::parse(repos[0].payload);
  EXPECT_EQ(record["projectId"], kProjectId);
  EXPECT_FALSE(record.contains("eventUuid"));  // scheduled work handles no event
  w.expectNoFailedJobs();
  w.expectNoViolations();
}

nlohmann::json systemHook(const std::string& name) {
  std::ifstream in(ddd::testing::sourceDir() / "tests" / "fixtures" / "gitlab" / "systemhooks" /
                   (name + ".json"));
  return nlohmann::json::parse(in);
}

// GitLab system hooks (GitLab's own payloads, the project swapped for this test's): a
// project created joins the schedule and is analysed; renamed, its record moves to the new
// path; deleted, it leaves. A push in system hook form analyses the project like a Push
// Hook. Projects ddd's token can't see (system hooks tell about the whole instance) are
// left alone without failing; user events are answered and dropped.
TEST(ServeGitlabEndToEnd, SystemHooksMoveProjectsOnAndOffTheSchedule) {
  GitlabWorld w;
  auto created = systemHook("project_create");
  created["project_id"] = kProjectId;
  created["path_with_namespace"] = "team/app";
  ASSERT_EQ(w.deliver(created, "System Hook", "uuid-create"), 202);
  auto foreign = systemHook("project_create");  // project 74: not visible to the token
  ASSERT_EQ(w.deliver(foreign, "System Hook", "uuid-foreign"), 202);
  auto foreignPush = systemHook("push");  // project 15: not visible either
  ASSERT_EQ(w.deliver(foreignPush, "System Hook", "uuid-foreign-push"), 202);
  EXPECT_EQ(w.deliver(systemHook("user_add_to_team"), "System Hook", "uuid-user"), 200);
  w.drain();
  auto repos = w.receiverStore->repositories(true);
  ASSERT_EQ(repos.size(), 1u);
  EXPECT_EQ(repos[0].repo, "team/app");
  EXPECT_GE(w.openedMergeRequests(), 1);  // analysed once on joining
  int lookups = 0;
  for (const auto& r : w.gitlab.requests()) lookups += r.target == "/api/v4/projects/74";
  EXPECT_EQ(lookups, 1);
  const int opened = w.openedMergeRequests();

  // Renamed from team/old-app (as recorded before; GitLab now says team/app): the record
  // moves to the new path.
  w.receiverStore->upsertRepository(RepositoryRecord{
      "team/old-app", "gitlab", R"({"repo": "team/old-app", "projectId": 4242})", "{}", true, 1});
  auto renamed = systemHook("project_rename");
  renamed["project_id"] = kProjectId;
  renamed["old_path_with_namespace"] = "team/old-app";
  renamed["path_with_namespace"] = "team/app";
  ASSERT_EQ(w.deliver(renamed, "System Hook", "uuid-rename"), 202);
  w.drain();
  repos = w.receiverStore->repositories(true);
  ASSERT_EQ(repos.size(), 1u);
  EXPECT_EQ(repos[0].repo, "team/app");

  // A push to the default branch in system hook form: analysed as a Push Hook's.
  auto push = systemHook("repository_update");
  push["project_id"] = kProjectId;
  push["project"]["path_with_namespace"] = "team/app";
  push["project"]["git_http_url"] = w.remote;
  push["project"]["default_branch"] = "main";
  push["changes"][0]["ref"] = "refs/heads/main";
  const size_t before = w.requestCount();
  ASSERT_EQ(w.deliver(push, "System Hook", "uuid-repository-update"), 202);
  w.drain();
  EXPECT_GT(w.requestCount(), before);  // the merge requests were looked at again
  EXPECT_EQ(w.openedMergeRequests(), opened);  // and none opened twice
  w.expectEchoed(before, "uuid-repository-update");

  // Deleted: it leaves the schedule.
  auto destroyed = systemHook("project_destroy");
  destroyed["project_id"] = kProjectId;
  destroyed["path_with_namespace"] = "team/app";
  ASSERT_EQ(w.deliver(destroyed, "System Hook", "uuid-destroy"), 202);
  w.drain();
  EXPECT_TRUE(w.receiverStore->repositories(true).empty());
  w.expectNoFailedJobs();
  w.expectNoViolations();
}

// The scheduler's report job on GitLab: one issue with the report; ticking a control by a
// Reporter gets a polite note, by a Developer an analysis (and the merge request).
TEST(ServeGitlabEndToEnd, TheReportIssueAndItsControls) {
  GitlabWorld w;
  const nlohmann::json job = {{"repo", "team/app"},
                              {"projectId", kProjectId},
                              {"cloneUrl", w.remote},
                              {"defaultBranch", "main"},
                              {"scheduled", "report"}};
  ASSERT_TRUE(w.receiverStore->enqueue("gitlab.report", "team/app", job.dump(), "r1", 0));
  w.drain();
  const auto issues = w.gitlab.issues();
  ASSERT_EQ(issues.size(), 1u);
  const int iid = issues.begin()->first;
  const std::string body = issues.begin()->second["description"];
  EXPECT_NE(body.find(reportMarker("team/app")), std::string::npos) << body;
  const auto control = body.find("<!-- ddd:control rerun:deprecations -->");
  ASSERT_NE(control, std::string::npos) << body;
  std::string ticked = body;
  ticked.replace(body.rfind("- [ ]", control), 5, "- [x]");

  nlohmann::json edited = w.example("issue");
  edited["object_attributes"]["iid"] = iid;
  edited["object_attributes"]["action"] = "update";
  edited["object_attributes"]["description"] = ticked;
  edited["changes"]["description"] = {{"previous", body}, {"current", ticked}};
  edited["user"]["id"] = kReporterId;
  edited["user"]["username"] = "reporter";
  ASSERT_EQ(w.deliver(edited, "Issue Hook", "uuid-tick-1"), 202);
  w.drain();
  EXPECT_EQ(w.openedMergeRequests(), 0);
  const auto notes = w.gitlab.issueNotes(iid);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0]["body"].get<std::string>().find("can use the report's controls"),
            std::string::npos);

  edited["user"]["id"] = kDeveloperId;
  edited["user"]["username"] = "dev";
  ASSERT_EQ(w.deliver(edited, "Issue Hook", "uuid-tick-2"), 202);
  w.drain();
  EXPECT_EQ(w.openedMergeRequests(), 1);
  w.expectNoFailedJobs();
  w.expectNoViolations();
}

// A person's commit on a ddd branch (GitLab: a merge request update with new commits):
// ddd leaves the branch alone, says so once, and never merges it, pipeline green or not.
TEST(ServeGitlabEndToEnd, APersonsCommitOnTheBranchIsNeverMerged) {
  GitlabWorld w(kAutomergeDeprecations);
  const auto mr = w.rerunOpensOneMergeRequest("uuid-rerun");
  const std::string branch = mr["source_branch"];
  // A maintainer adds a commit to the branch (a clone, a commit, a push to the project).
  ddd::testing::TempDir clone;
  const std::string c = clone.path().string() + "/w";
  ddd::testing::runCommand("git clone -q -b " + branch + " " + w.remote + " " + c);
  ddd::testing::writeFile(c + "/NOTES.md", "tweak\n");
  const auto pushed = ddd::testing::runCommand(
      "git -C " + c + " add NOTES.md && git -C " + c +
      " -c user.name=Dev -c user.email=dev@example.com commit -qm tweak && git -C " + c +
      " push -q origin " + branch);
  ASSERT_EQ(pushed.exitCode, 0) << pushed.output;
  std::string head =
      ddd::testing::runCommand("git -C " + w.remote + " rev-parse refs/heads/" + branch).output;
  head = head.substr(0, head.find('\n'));
  ASSERT_NE(head, mr["sha"].get<std::string>());
  nlohmann::json update = w.example("merge_request");
  update["object_attributes"]["action"] = "update";
  update["object_attributes"]["oldrev"] = mr["sha"];
  update["object_attributes"]["iid"] = 1;
  update["object_attributes"]["source_branch"] = branch;
  update["object_attributes"]["last_commit"]["id"] = head;
  update["user"]["id"] = kDeveloperId;
  update["user"]["username"] = "dev";
  ASSERT_EQ(w.deliver(update, "Merge Request Hook", "uuid-human-push"), 202);
  w.drain();
  w.gitlab.setJob(head, "test", "success");
  auto green = pipelineDone(w, w.gitlab.mergeRequest(1), "success");
  ASSERT_EQ(w.deliver(green, "Pipeline Hook", "uuid-human-green"), 202);
  w.drain();
  EXPECT_EQ(w.gitlab.mergeRequest(1)["state"], "opened");
  EXPECT_TRUE(w.gitlab.merges().empty());
  EXPECT_EQ(w.gitlab.mergeRequest(1)["sha"], head);  // ddd did not push over it
  int blocked = 0;
  for (const auto& n : w.gitlab.notes(1))
    blocked += n["body"].get<std::string>().find("<!-- ddd:blocked -->") != std::string::npos;
  EXPECT_EQ(blocked, 1);
  w.expectNoFailedJobs();
  w.expectNoViolations();
}

// A real `ddd serve` in the background, configured only by the environment (the
// DDD_GITLAB_* variables: token and webhook secret from files, the fake's API URL, and
// `extraEnv`); stopped with SIGTERM.
struct RealServe {
  ddd::testing::TempDir run;
  std::filesystem::path out = run.path() / "out.txt";
  pid_t pid = 0;
  std::string port;

  RealServe(const GitlabWorld& w, const std::string& extraEnv, const std::string& role = "all") {
    ddd::testing::writeFile(run.path() / "token", "glpat-ddd\n");
    ddd::testing::writeFile(run.path() / "hook", "hook-secret\n");
    const std::string env = "DDD_LISTEN=127.0.0.1:0 DDD_STATE=" + stateUrl() +
                            " DDD_GITLAB_TOKEN_FILE=" + (run.path() / "token").string() +
                            " DDD_GITLAB_WEBHOOK_TOKEN_FILE=" + (run.path() / "hook").string() +
                            " DDD_GITLAB_API_URL=" + w.gitlab.apiUrl() +
                            " DDD_DATA_DIR=" + ddd::testing::dataDir().string() + " " + extraEnv;
    const auto started = ddd::testing::runCommand(
        "bash -c " +
        ddd::testing::shellQuote(env + " " + ddd::testing::shellQuote(ddd::testing::dddBinary()) +
                                 " serve --role " + role + " --workers 1 > " + out.string() +
                                 " 2>&1 & echo $!"));
    pid = std::stoi(started.output);
    for (int i = 0; i < 100 && port.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::ifstream in(out);
      for (std::string line; std::getline(in, line);) {
        const auto at = line.find("receiving webhooks on 127.0.0.1:");
        if (at != std::string::npos) port = line.substr(at + 32);
      }
    }
  }
  ~RealServe() { stop(); }
  std::string stateUrl() const { return "sqlite://" + (run.path() / "state.sqlite").string(); }
  std::string output() const { return ddd::testing::readFile(out); }
  void stop() {
    if (pid == 0) return;
    ::kill(pid, SIGTERM);
    for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    pid = 0;
  }
};

// The real binary takes a Note Hook to an opened merge request (discovery off: only the
// webhook's calls reach GitLab).
TEST(ServeGitlabEndToEnd, ARealDddServeConfiguredByTheEnvironment) {
  GitlabWorld w;
  w.gitlab.addIssue(17, "Clock warnings", "");
  RealServe serve(w, "DDD_GITLAB_DISCOVER_PROJECTS=false");
  ASSERT_FALSE(serve.port.empty()) << serve.output();
  forges::ClientRequest r;
  r.method = "POST";
  r.url = "http://127.0.0.1:" + serve.port + "/webhooks/gitlab";
  r.body = w.note(false, kDeveloperId, "dev", "/ddd rerun deprecations", 1241).dump();
  r.headers.set("Content-Type", "application/json");
  r.headers.set("X-Gitlab-Event", "Note Hook");
  r.headers.set("X-Gitlab-Token", "hook-secret");
  r.headers.set("X-Gitlab-Event-UUID", "uuid-real");
  EXPECT_EQ(w.http.send(r).status, 202);
  for (int i = 0; i < 300 && w.openedMergeRequests() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  serve.stop();
  EXPECT_EQ(w.openedMergeRequests(), 1) << serve.output();
  EXPECT_EQ(w.gitlab.awards().size(), 1u);
  w.expectEchoed(0, "uuid-real");
  w.expectNoViolations();
}

// GitLab has no installation event: the real binary discovers the projects its token
// may act on when it starts (no webhook at all), records them for the scheduler and
// analyses each once — the fix is pushed and its merge request opened.
TEST(ServeGitlabEndToEnd, ARealDddServeKnowsTheTokensProjectsBeforeAnyWebhook) {
  GitlabWorld w;
  w.gitlab.projectsPageSize = 1;
  w.gitlab.addProject(kProjectId, "team/app", w.remote, 30);
  w.gitlab.addProject(9001, "team/docs", w.remote, 20);  // Reporter: not ddd's to maintain
  // Several roles, comma-separated, as the Helm chart gives them.
  RealServe serve(w, "", "receiver,worker,scheduler");
  ASSERT_FALSE(serve.port.empty()) << serve.output();
  for (int i = 0; i < 300 && w.openedMergeRequests() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  serve.stop();
  EXPECT_GE(w.openedMergeRequests(), 1) << serve.output();
  EXPECT_NE(serve.output().find("GitLab projects: 1 known, 1 joined, 0 left"), std::string::npos)
      << serve.output();
  EXPECT_NE(w.remoteBranches().find("refs/heads/ddd/"), std::string::npos);
  auto state = openJobStore(serve.stateUrl());
  const auto repos = state->repositories(true);
  ASSERT_EQ(repos.size(), 1u);
  EXPECT_EQ(repos[0].repo, "team/app");
  EXPECT_EQ(repos[0].forge, "gitlab");
  EXPECT_EQ(nlohmann::json::parse(repos[0].payload)["projectId"], kProjectId);
  bool joined = false;
  for (const auto& j : state->list(false, 100))
    joined |= j.kind == "gitlab.analyze" && j.dedupeKey == "gitlab:joined:4242:new";
  EXPECT_TRUE(joined);
  w.expectNoViolations();
  // A role ddd does not know is refused, naming it.
  const auto bad = ddd::testing::runDdd(
      "serve --role worker,sheduler",
      "DDD_STATE=sqlite://" + (serve.run.path() / "other.sqlite").string() + " ");
  EXPECT_NE(bad.exitCode, 0);
  EXPECT_NE(bad.err.find("not \"worker,sheduler\""), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace ddd::bot
