// `ddd serve` as a process: configured by DDD_* variables, answers /healthz, refuses an
// unsigned delivery, and stops cleanly (exit 0) on SIGTERM. `ddd jobs` reads its queue.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ddd::bot
