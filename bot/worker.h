#pragma once
// The worker of `ddd serve`: claims jobs from the queue (with a lease it renews), runs
// them, and completes or fails them (failures back off and end in the dead letter). Job
// kinds are "<forge>.<event>" for GitHub and GitLab alike, handled by one set of handlers
// through a ForgeSession (bot/forge_session.h): "ping"; commands ("github.issue_comment",
// "gitlab.note": the commenter's permission is checked before anything is done, a 👍
// acknowledges, a refusal or the help is a reply posted once; `rerun` queues an
// analysis, of the one change on a ddd pull request); "<forge>.analyze" (fetch the
// repository into a bare cache, scan the default branch, write each fix branch, push it,
// and open or update its pull request through the one reconciliation path, then drive it
// through the merge flow); merge events ("github.check_suite" / "check_run" / "status" /
// "pull_request_review" (approved) / "pull_request" (a person pushed), "gitlab.pipeline"
// (running, success, failed) / "merge_request" (approved, a person pushed)): the ddd pull
// requests they concern go through the merge flow again (bot/merge_flow.h);
// "<forge>.push" (to the default branch: a new analysis); "<forge>.report" (the
// scheduler's weekly tech-debt report, published in the one report issue);
// "github.issues" / "gitlab.issue" (a ticked control of that issue, with the same
// permission check as a command); "github.installation(_repositories)" (the scheduler's
// repository list follows; an added repository is analysed at once). GitLab jobs carry
// the X-Gitlab-Event-UUID of their event, echoed on every GitLab call made for them.
// Every effect is idempotent, so a job that runs twice (a worker killed mid-job) does no
// harm. Events ddd queues but has no handler for are completed with a log line. One
// Worker per thread.

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "bot/jobs/job_store.h"
#include "bot/server/server_config.h"
#include "forges/http/client.h"

namespace ddd::bot {

struct WorkerContext {
  ServerConfig config;
  forges::HttpClient* http = nullptr;
  // The dependency analyzer's registry look-ups (a client of its own: registry timeouts
  // and body limits); null = offline (inventory without versions).
  forges::HttpClient* registryHttp = nullptr;
  uint64_t registryBudget = 5000;  // registry requests per analysis
  std::filesystem::path cacheDir;  // bare repository caches
  std::filesystem::path dataDir;
  // The token for a GitHub installation (App installation token or a plain token).
  // GitLab's project / group access token is config.gitlabToken.
  std::function<std::string(int64_t installationId)> githubToken;
  std::string botLogin = "ddd[bot]";  // its own comments are never commands
  int64_t leaseSeconds = 300;  // a job's lease: a dead worker's job runs again after it
  // A second connection to the job store, for renewing the lease of a running job every
  // third of leaseSeconds (bot/jobs/lease_keeper.h); empty = no renewal.
  std::function<std::unique_ptr<JobStore>()> openStore;
  std::function<std::time_t()> now = [] { return std::time(nullptr); };
  // Waits between mutating forge calls (>= 1 s apart per installation); tests pass a
  // recorder so they never sleep. Empty = really sleep.
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<void(const std::string&)> log;
  // The report issue's body limit (GitHub's 65,536 characters, less room for the hidden
  // history); a longer report is truncated there and kept whole in the comments.
  size_t reportBodyLimit = 65536 - 4096;
};

class Worker {
 public:
  Worker(std::shared_ptr<WorkerContext> context, std::unique_ptr<JobStore> store, std::string id);
  // Claims and runs one job; false when none was due.
  bool runOnce();
  // Runs jobs until `stop` is set, sleeping briefly when the queue is empty.
  void runUntil(const std::atomic<bool>& stop);

 private:
  void handle(const Job& job);
  std::shared_ptr<WorkerContext> ctx_;
  std::unique_ptr<JobStore> store_;
  std::unique_ptr<JobStore> leaseStore_;  // the lease keeper's connection (ctx_->openStore)
  std::string id_;
};

}  // namespace ddd::bot
