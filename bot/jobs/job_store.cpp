#include "bot/jobs/job_store.h"

#include <algorithm>
#include <random>

#include "bot/jobs/postgres.h"

namespace ddd::bot {

std::unique_ptr<JobStore> openSqliteJobStore(const std::string& path, JobPolicy policy);

int64_t backoffSeconds(const JobPolicy& policy, int attempts) {
  int64_t delay = policy.backoffBaseSeconds << std::clamp(attempts - 1, 0, 20);
  delay = std::min(delay, policy.backoffMaxSeconds);
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return delay + static_cast<int64_t>(rng() % static_cast<uint64_t>(delay / 4 + 1));
}

std::string truncatedError(const std::string& error) { return error.substr(0, 4000); }

std::unique_ptr<JobStore> openJobStore(const std::string& url, JobPolicy policy) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return openPostgresJobStore(url, policy);
  }
  if (url.empty()) throw JobStoreError("empty state store URL: use sqlite:///path or postgresql://...");
  if (auto location = sqliteLocation(url)) return openSqliteJobStore(*location, policy);
  const std::string scheme = url.substr(0, url.find("://"));
  throw JobStoreError("unsupported state store \"" + scheme +
                      "://...\": use sqlite:///path or postgresql://user@host/database");
}

std::optional<std::string> sqliteLocation(const std::string& url) {
  if (url.rfind("sqlite://", 0) == 0) return url.substr(9);
  if (url.find("://") != std::string::npos) return std::nullopt;
  return url;
}

std::string sqliteDatabasePath(const std::string& location) {
  return location.substr(0, location.rfind("?synchronous="));
}

}  // namespace ddd::bot
