// `ddd serve` as a process: configured by DDD_* variables, answers /healthz, refuses an
// unsigned delivery, and stops cleanly (exit 0) on SIGTERM. `ddd jobs` reads its queue
// (the job table, and the intake log's jobs not in it yet).
#include <gtest/gtest.h>

#include <ctime>
#include <fstream>
#include <set>

#include "bot/jobs/intake_log.h"
#include "bot/jobs/job_store.h"
#include "tests/bot/bot_test_support.h"
#include "tests/support/test_repo.h"

namespace ddd::bot {
namespace {

TEST(ServeCli, AnswersAndStopsCleanlyOnSigterm) {
  ddd::testing::TempDir dir;
  const std::string state = "sqlite://" + (dir.path() / "state" / "ddd.sqlite").string();
  const std::string script =
      "set -u\n"
      "port=$(( 20000 + RANDOM % 20000 ))\n"
      "DDD_LISTEN=127.0.0.1:$port DDD_STATE=" +
      state + " DDD_GITHUB_WEBHOOK_SECRET=s3cret " +
      ddd::testing::shellQuote(ddd::testing::dddBinary().string()) + " serve --workers 1 > " +
      (dir.path() / "out.txt").string() +
      " 2>&1 &\n"
      "pid=$!\n"
      "for i in $(seq 50); do\n"
      "  if exec 3<>/dev/tcp/127.0.0.1/$port 2>/dev/null; then\n"
      "    printf 'GET /healthz HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n' >&3\n"
      "    health=$(cat <&3 | head -1); exec 3>&-; break\n"
      "  fi\n"
      "  sleep 0.1\n"
      "done\n"
      "exec 3<>/dev/tcp/127.0.0.1/$port\n"
      "printf 'POST /webhooks/github HTTP/1.1\\r\\nHost: x\\r\\nX-GitHub-Event: "
      "push\\r\\nContent-Length: 2\\r\\nConnection: close\\r\\n\\r\\n{}' >&3\n"
      "unsigned=$(cat <&3 | head -1); exec 3>&-\n"
      "kill -TERM $pid; wait $pid; code=$?\n"
      "echo \"health=$health\"; echo \"unsigned=$unsigned\"; echo \"exit=$code\"\n";
  const auto r = ddd::testing::runCommand("bash -c " + ddd::testing::shellQuote(script));
  EXPECT_NE(r.output.find("health=HTTP/1.1 200"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("unsigned=HTTP/1.1 401"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("exit=0"), std::string::npos) << r.output;
  EXPECT_NE(ddd::testing::readFile(dir.path() / "out.txt").find("SIGTERM, stopping"),
            std::string::npos);
  auto jobs = ddd::testing::runDdd("jobs list", "DDD_STATE=" + state + " ");
  EXPECT_EQ(jobs.exitCode, 0) << jobs.err;
  auto retry = ddd::testing::runDdd("jobs retry 99", "DDD_STATE=" + state + " ");
  EXPECT_EQ(retry.exitCode, 2);
}

TEST(ServeCli, JobsListShowsWhatTheIntakeLogHoldsAndTheTableDoesNot) {
  // A receiver that crashed with answered deliveries in its intake log: `ddd jobs list`
  // shows them (the next start moves them), without those already in the table.
  ddd::testing::TempDir dir;
  const std::string db = (dir.path() / "state" / "ddd.sqlite").string();
  {
    auto table = openJobStore("sqlite://" + db);
    ASSERT_TRUE(table->enqueue("github.push", "octo/moved", "{}", "github:d-1", 1));
  }
  std::string log = intakeHeader(4);
  log.resize(kIntakeHeaderBytes, '\0');
  appendIntakeRecord(log, 4, NewJob{"github.push", "octo/moved", "{}", "github:d-1", 1});
  appendIntakeRecord(log, 4, NewJob{"github.issue_comment", "octo/waiting", "{}", "github:d-2", 1});
  log.append(4, '\0');  // the end mark
  std::ofstream(db + ".intake", std::ios::binary) << log;
  const auto list = ddd::testing::runDdd("jobs list", "DDD_STATE=sqlite://" + db + " ");
  EXPECT_EQ(list.exitCode, 0) << list.err;
  EXPECT_NE(list.out.find("-  logged  github.issue_comment  octo/waiting  in the receiver's intake "
                          "log, not yet in the job table"),
            std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find("queued  github.push  octo/moved"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("logged  github.push"), std::string::npos) << list.out;
  // --failed is about the table's failed jobs only.
  const auto failed = ddd::testing::runDdd("jobs list --failed", "DDD_STATE=sqlite://" + db + " ");
  EXPECT_EQ(failed.out.find("logged"), std::string::npos) << failed.out;
}

TEST(ServeCli, TheSchedulerDeletesDoneWebhookJobsPastTheRetention) {
  ddd::testing::TempDir dir;
  const std::string db = (dir.path() / "state" / "ddd.sqlite").string();
  {
    auto jobs = openJobStore("sqlite://" + db);
    // Received in 2001, done; and one received now, done.
    ASSERT_TRUE(jobs->enqueue("github.issue_comment", "octo/a", "{}", "github:old", 1000000000));
    ASSERT_TRUE(jobs->enqueue("github.issue_comment", "octo/b", "{}", "github:new",
                              static_cast<int64_t>(std::time(nullptr))));
    for (int i = 0; i < 2; ++i) {
      auto j = jobs->claim("w", 60, std::time(nullptr));
      ASSERT_TRUE(j);
      ASSERT_TRUE(jobs->complete(j->id, "w"));
    }
  }
  const std::string out = (dir.path() / "scheduler.txt").string();
  const std::string script =
      "set -u\n"
      "DDD_STATE=sqlite://" + db + " DDD_JOB_RETENTION_DAYS=30 DDD_LISTEN=127.0.0.1:0 " +
      ddd::testing::shellQuote(ddd::testing::dddBinary().string()) +
      " serve --role scheduler > " + out + " 2>&1 &\n"
      "pid=$!\n"
      "for i in $(seq 100); do grep -q 'deleted' " + out + " && break; sleep 0.1; done\n"
      "kill -TERM $pid; wait $pid; echo \"exit=$?\"\n";
  const auto r = ddd::testing::runCommand("bash -c " + ddd::testing::shellQuote(script));
  EXPECT_NE(r.output.find("exit=0"), std::string::npos) << r.output;
  const std::string log = ddd::testing::readFile(out);
  EXPECT_NE(log.find("deleted 1 done webhook job(s) older than 30 days"), std::string::npos) << log;
  std::set<std::string> left;
  for (const auto& j : openJobStore("sqlite://" + db)->list(false, 10)) left.insert(j.dedupeKey);
  EXPECT_EQ(left, (std::set<std::string>{"github:new"}));
}

TEST(ServeCli, WorkerRoleAnswersHealthAndMetricsButNoWebhooks) {
  // The Helm chart probes the worker pods' /healthz and /readyz: a worker process must
  // answer them. Deliveries are the receiver's; a second process on the receiver's address
  // runs on without health endpoints, saying so.
  ddd::testing::TempDir dir;
  const std::string state = "sqlite://" + (dir.path() / "state" / "ddd.sqlite").string();
  const std::string ddd = ddd::testing::shellQuote(ddd::testing::dddBinary().string());
  const std::string out = (dir.path() / "worker.txt").string();
  const std::string out2 = (dir.path() / "second.txt").string();
  const std::string script =
      "set -u\n"
      "port=$(( 20000 + RANDOM % 20000 ))\n"
      "ask() { exec 3<>/dev/tcp/127.0.0.1/$port || return 1; printf \"$1\" >&3; cat <&3; exec 3>&-; }\n"
      "export DDD_LISTEN=127.0.0.1:$port DDD_STATE=" + state + " DDD_GITHUB_WEBHOOK_SECRET=s3cret\n" +
      ddd + " serve --role worker --workers 1 > " + out + " 2>&1 &\n"
      "pid=$!\n"
      "for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done\n"
      "echo \"health=$(ask 'GET /healthz HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n' | head -1)\"\n"
      "echo \"ready=$(ask 'GET /readyz HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n' | head -1)\"\n"
      "ask 'GET /metrics HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n' | grep -c '^ddd_queue_depth ' | sed 's/^/depthlines=/'\n"
      "ask 'POST /webhooks/github HTTP/1.1\\r\\nHost: x\\r\\nX-GitHub-Event: push\\r\\nContent-Length: 2\\r\\nConnection: close\\r\\n\\r\\n{}' > " +
      (dir.path() / "hook.txt").string() + "\n" +
      ddd + " serve --role scheduler > " + out2 + " 2>&1 &\n"
      "pid2=$!\n"
      "for i in $(seq 50); do grep -q 'scheduler running' " + out2 + " && break; sleep 0.1; done\n"
      "kill -0 $pid2 && echo second=running\n"
      "kill -TERM $pid2; wait $pid2; echo \"exit2=$?\"\n"
      "kill -TERM $pid; wait $pid; echo \"exit=$?\"\n";
  const auto r = ddd::testing::runCommand("bash -c " + ddd::testing::shellQuote(script));
  EXPECT_NE(r.output.find("health=HTTP/1.1 200"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ready=HTTP/1.1 200"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("depthlines=1"), std::string::npos) << r.output;
  const std::string hook = ddd::testing::readFile(dir.path() / "hook.txt");
  EXPECT_EQ(hook.rfind("HTTP/1.1 404", 0), 0u) << hook;
  EXPECT_NE(hook.find("does not receive webhooks"), std::string::npos) << hook;
  EXPECT_NE(r.output.find("second=running"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("exit2=0"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("exit=0"), std::string::npos) << r.output;
  EXPECT_NE(ddd::testing::readFile(dir.path() / "second.txt").find("health and metrics not served"),
            std::string::npos)
      << ddd::testing::readFile(dir.path() / "second.txt");
  EXPECT_NE(ddd::testing::readFile(dir.path() / "worker.txt").find("health and metrics on"),
            std::string::npos);
}

}  // namespace
}  // namespace ddd::bot
