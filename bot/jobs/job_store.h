#pragma once
// The durable job queue (DESIGN.md "Durability"): a webhook is acknowledged only after
// its job is committed here; workers claim jobs with a lease, at most one running job per
// repository; a worker that dies leaves its lease to expire and the job runs again;
// failures back off exponentially (with jitter) and end in a dead-letter state after
// maxAttempts, keeping the last error. Chosen by URL: sqlite:///path (the embedded
// default, WAL) or postgresql://user@host/db (libpq; many workers on many hosts, claims
// with FOR UPDATE SKIP LOCKED). One JobStore per thread.

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "bot/registry_cache.h"

namespace ddd::bot {

struct Job {
  int64_t id = 0;
  std::string kind;       // "github.issue_comment", "ping", ...
  std::string repo;       // the repository it concerns ("" for none)
  std::string payload;    // JSON
  std::string dedupeKey;  // unique: a delivery id, "repo|job|slot"
  std::string state;      // queued | running | done | dead
  int attempts = 0;
  int64_t nextRunAt = 0;  // unix seconds
  std::string leaseOwner;
  int64_t leaseExpiresAt = 0;
  std::string lastError;
  int64_t createdAt = 0;
};

struct JobPolicy {
  int maxAttempts = 5;
  int64_t backoffBaseSeconds = 30;  // 30 s, 60 s, 120 s, ... (+ up to 25 % jitter)
  int64_t backoffMaxSeconds = 3600;
};

// A job to store (for enqueueMany).
struct NewJob {
  std::string kind, repo, payload, dedupeKey;
  int64_t runAt = 0;
};

// A repository ddd serves, as the scheduler needs it: recorded when an installation adds
// it and refreshed by each analysis (with its config's `schedules`).
struct RepositoryRecord {
  std::string repo;              // "octo/hello"
  std::string forge;             // "github" | "gitlab"
  std::string payload;           // JSON an analyze job needs: installation, cloneUrl, defaultBranch
  std::string schedules = "{}";  // JSON: the repository config's `schedules` section
  bool active = true;            // false once the installation no longer covers it
  int64_t updatedAt = 0;
};

// Also the serve state store's registry answers (schema v4; registry_cache.h).
class JobStore : public RegistryCacheStore {
 public:
  virtual ~JobStore() = default;
  // Stores several jobs in one transaction (the receiver's group commit); element i is
  // whether jobs[i] was stored now (false: a duplicate). Throws for a failed commit:
  // then none of them is stored.
  virtual std::vector<bool> enqueueMany(const std::vector<NewJob>& jobs) = 0;
  // Stores a job unless one with the same dedupe key exists; true when stored now.
  // Returns only after the job is committed.
  virtual bool enqueue(const std::string& kind, const std::string& repo, const std::string& payload,
                       const std::string& dedupeKey, int64_t runAt) = 0;
  // The oldest due job whose repository has no running job (a running job whose lease
  // expired counts as not running, and is claimable again), marked running for `owner`
  // until now + leaseSeconds.
  virtual std::optional<Job> claim(const std::string& owner, int64_t leaseSeconds, int64_t now) = 0;
  // Extends the lease; false when the job is no longer this owner's (lease lost).
  virtual bool renew(int64_t id, const std::string& owner, int64_t leaseSeconds, int64_t now) = 0;
  virtual bool complete(int64_t id, const std::string& owner) = 0;
  // Moves running job `id` of `owner` to queue key `repo` (a GitLab job its hook keyed by
  // the project's path, once the worker knows the project's id: forges::queueKey). True
  // when the job now runs under that key; false when another job of that key is running
  // (the job is then queued again under the new key, due now, this attempt not counted)
  // or the job is no longer this owner's.
  virtual bool moveToRepository(int64_t id, const std::string& owner, const std::string& repo,
                                int64_t now) = 0;
  // Records the error; the job is queued again after the backoff, or dead after the last
  // attempt.
  virtual bool fail(int64_t id, const std::string& owner, const std::string& error,
                    int64_t now) = 0;
  virtual std::vector<Job> list(bool failedOnly, size_t limit) = 0;
  // A dead (or queued) job runs again at once, attempts reset; false when unknown.
  virtual bool retry(int64_t id, int64_t now) = 0;
  // The repositories table (schema v2): insert or replace by repo; schedules "" keeps the
  // stored one (an installation event knows no config).
  virtual void upsertRepository(const RepositoryRecord& r) = 0;
  virtual bool deactivateRepository(const std::string& repo, int64_t now) = 0;
  virtual std::vector<RepositoryRecord> repositories(bool activeOnly) = 0;
  // Ignore rules from `/ddd ignore` (schema v3): one rule (JSON, as the dependency
  // analyzer's `ignore` entries) per repository and dependency; setting replaces it.
  virtual void setIgnore(const std::string& repo, const std::string& dependency,
                         const std::string& rule, int64_t now) = 0;
  virtual bool removeIgnore(const std::string& repo, const std::string& dependency) = 0;
  // (dependency, rule) pairs, by dependency.
  virtual std::vector<std::pair<std::string, std::string>> ignores(const std::string& repo) = 0;
  // Deletes the jobs done before `createdBefore` (their created_at) that came from a forge's
  // webhook, and returns how many. Analyses and reports stay: the scheduler enqueues each
  // schedule's latest slot once by a dedupe key of theirs, and a deleted slot would run
  // again. Queued, running and dead jobs stay whatever their age.
  virtual int64_t pruneDone(int64_t createdBefore) = 0;
  virtual int64_t depth() = 0;   // queued + running
  virtual bool reachable() = 0;  // for /readyz
};

class JobStoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "sqlite:///var/lib/ddd/state.sqlite", a plain path, or "postgresql://..." /
// "postgres://..." (any libpq connection URI). Throws JobStoreError naming the URL
// (credentials redacted) for an unknown scheme or an unopenable store.
// A SQLite path may end in "?synchronous=full|normal|off" (default full: every commit is
// fsync'd). Only for tests that are not about durability: with normal or off a power
// loss can take back jobs whose webhooks were already answered.
std::unique_ptr<JobStore> openJobStore(const std::string& url, JobPolicy policy = {});
// The SQLite location a state URL names ("sqlite://LOCATION" or a plain path: the path,
// perhaps with its "?synchronous=" suffix); nullopt for PostgreSQL and other schemes.
std::optional<std::string> sqliteLocation(const std::string& url);
// The database file of such a location (the "?synchronous=" suffix taken off).
std::string sqliteDatabasePath(const std::string& location);
std::unique_ptr<JobStore> openPostgresJobStore(const std::string& url, JobPolicy policy);

// Seconds before the next try after `attempts` failed tries: base * 2^(attempts-1), capped
// at the maximum, plus up to 25 % random jitter (so retries of many jobs spread out).
int64_t backoffSeconds(const JobPolicy& policy, int attempts);
// The error text kept with a job (bounded, so a huge message can't bloat the store).
std::string truncatedError(const std::string& error);

}  // namespace ddd::bot
