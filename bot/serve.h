#pragma once
// `ddd serve` and `ddd jobs`: the receiver, the workers and (later) the scheduler in one
// process by default, or one role per process for scale-out; SIGTERM / SIGINT stop it
// gracefully (no new deliveries, requests in flight answered, running jobs finished
// or left to their lease).

#include <string>

namespace ddd::bot {

struct ServeOptions {
  std::string configFile;
  int workers = 0;           // 0 = the config's
  std::string role = "all";  // all | receiver | worker | scheduler, or several: "worker,scheduler"
};

// Returns the process exit code.
int runServe(const ServeOptions& options);
int runJobsList(const std::string& configFile, bool failedOnly);
int runJobsRetry(const std::string& configFile, int64_t id);

}  // namespace ddd::bot
