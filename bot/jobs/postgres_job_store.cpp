// The PostgreSQL job queue (postgresql://...): many workers on many hosts share it.
// Claims pick the oldest due job with FOR UPDATE SKIP LOCKED, so concurrent claimers never
// wait on each other's rows; a partial unique index keeps at most one running job per
// repository even when two claimers pick two jobs of the same repository at once (the
// second gets a unique violation and looks again). Schema migrations run at start-up
// under an advisory lock, so replicas starting together migrate once.
#include <libpq-fe.h>

#include <memory>

#include "bot/jobs/job_store.h"
#include "bot/jobs/postgres.h"

namespace ddd::bot {
namespace {

constexpr int kSchemaVersion = 4;
constexpr const char* kColumns =
    "id, kind, repo, payload, dedupe_key, state, attempts, next_run_at, lease_owner, "
    "lease_expires_at, last_error, created_at";

class PostgresJobStore : public JobStore {
 public:
  PostgresJobStore(const std::string& url, JobPolicy policy) : db_(url), policy_(policy) {
    migrate();
  }

  bool enqueue(const std::string& kind, const std::string& repo, const std::string& payload,
               const std::string& dedupeKey, int64_t runAt) override {
    return enqueueMany({NewJob{kind, repo, payload, dedupeKey, runAt}}).front();
  }

  std::vector<bool> enqueueMany(const std::vector<NewJob>& jobs) override {
    std::vector<bool> stored;
    stored.reserve(jobs.size());
    PgTransaction tx(db_);
    for (const auto& j : jobs) {
      auto r = db_.exec(
          "INSERT INTO ddd_jobs (kind, repo, payload, dedupe_key, state, next_run_at, created_at) "
          "VALUES ($1, $2, $3, $4, 'queued', $5, $5) ON CONFLICT (dedupe_key) DO NOTHING",
          {j.kind, j.repo, j.payload, j.dedupeKey, std::to_string(j.runAt)}, "storing a job");
      stored.push_back(r.affected() > 0);
    }
    tx.commit();
    return stored;
  }

  std::optional<Job> claim(const std::string& owner, int64_t leaseSeconds, int64_t now) override {
    // Two claimers may pick two jobs of one repository in the same instant; the unique
    // index lets only one become running, the other tries again and no longer sees it.
    for (int round = 0;; ++round) {
      try {
        auto r = db_.exec(
            std::string("WITH picked AS ("
                        " SELECT j.id FROM ddd_jobs j"
                        " WHERE ((j.state = 'queued' AND j.next_run_at <= $1)"
                        "     OR (j.state = 'running' AND j.lease_expires_at <= $1))"
                        "   AND NOT EXISTS (SELECT 1 FROM ddd_jobs r WHERE j.repo <> ''"
                        "     AND r.repo = j.repo AND r.id <> j.id AND r.state = 'running')"
                        " ORDER BY j.next_run_at, j.id LIMIT 1 FOR UPDATE SKIP LOCKED) "
                        "UPDATE ddd_jobs SET state = 'running', lease_owner = $2,"
                        " lease_expires_at = $3, attempts = attempts + 1"
                        " FROM picked WHERE ddd_jobs.id = picked.id RETURNING ") +
                qualified(),
            {std::to_string(now), owner, std::to_string(now + leaseSeconds)}, "claiming a job");
        if (r.rows() == 0) return std::nullopt;
        return read(r, 0);
      } catch (const PgError& e) {
        if (e.sqlState() != "23505" || round >= 8) throw;
      }
    }
  }

  bool renew(int64_t id, const std::string& owner, int64_t leaseSeconds, int64_t now) override {
    return db_
               .exec("UPDATE ddd_jobs SET lease_expires_at = $3 WHERE id = $1 AND lease_owner = $2 "
                     "AND state = 'running'",
                     {std::to_string(id), owner, std::to_string(now + leaseSeconds)},
                     "renewing a lease")
               .affected() > 0;
  }

  bool complete(int64_t id, const std::string& owner) override {
    return db_
               .exec("UPDATE ddd_jobs SET state = 'done', lease_owner = '', last_error = '' "
                     "WHERE id = $1 AND lease_owner = $2 AND state = 'running'",
                     {std::to_string(id), owner}, "completing a job")
               .affected() > 0;
  }

  bool moveToRepository(int64_t id, const std::string& owner, const std::string& repo,
                        int64_t now) override {
    // The unique index of running jobs per repository decides: a running job of that key
    // makes the move a unique violation, and the job waits in the queue under the key.
    try {
      return db_
                 .exec("UPDATE ddd_jobs SET repo = $3 WHERE id = $1 AND lease_owner = $2 AND "
                       "state = 'running'",
                       {std::to_string(id), owner, repo}, "moving a job to its project's key")
                 .affected() > 0;
    } catch (const PgError& e) {
      if (e.sqlState() != "23505") throw;
    }
    db_.exec(
        "UPDATE ddd_jobs SET repo = $3, state = 'queued', lease_owner = '', next_run_at = $4, "
        "attempts = GREATEST(attempts - 1, 0) WHERE id = $1 AND lease_owner = $2 AND "
        "state = 'running'",
        {std::to_string(id), owner, repo, std::to_string(now)}, "queueing a job behind its project's");
    return false;
  }

  bool fail(int64_t id, const std::string& owner, const std::string& error, int64_t now) override {
    PgTransaction tx(db_);
    auto get = db_.exec(
        "SELECT attempts FROM ddd_jobs WHERE id = $1 AND lease_owner = $2 AND state = 'running' "
        "FOR UPDATE",
        {std::to_string(id), owner}, "reading a job's attempts");
    if (get.rows() == 0) return false;
    const int attempts = static_cast<int>(get.integer(0, 0));
    const bool dead = attempts >= policy_.maxAttempts;
    db_.exec(
        "UPDATE ddd_jobs SET state = $3, next_run_at = $4, lease_owner = '', last_error = $2 "
        "WHERE id = $1",
        {std::to_string(id), truncatedError(error), dead ? "dead" : "queued",
         std::to_string(now + backoffSeconds(policy_, attempts))},
        "recording a failure");
    tx.commit();
    return true;
  }

  std::vector<Job> list(bool failedOnly, size_t limit) override {
    auto r = db_.exec(std::string("SELECT ") + kColumns + " FROM ddd_jobs " +
                          (failedOnly ? "WHERE state = 'dead' OR last_error <> '' " : "") +
                          "ORDER BY id DESC LIMIT $1",
                      {std::to_string(limit)}, "listing jobs");
    std::vector<Job> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read(r, i));
    return out;
  }

  bool retry(int64_t id, int64_t now) override {
    return db_
               .exec("UPDATE ddd_jobs SET state = 'queued', attempts = 0, next_run_at = $2, "
                     "lease_owner = '' WHERE id = $1 AND state IN ('dead', 'queued')",
                     {std::to_string(id), std::to_string(now)}, "retrying a job")
               .affected() > 0;
  }

  void upsertRepository(const RepositoryRecord& r) override {
    db_.exec(
        "INSERT INTO ddd_repositories (repo, forge, payload, schedules, active, updated_at) "
        "VALUES ($1, $2, $3, CASE WHEN $4 = '' THEN '{}' ELSE $4 END, $5, $6) "
        "ON CONFLICT (repo) DO UPDATE SET forge = EXCLUDED.forge, payload = EXCLUDED.payload, "
        "schedules = CASE WHEN $4 = '' THEN ddd_repositories.schedules ELSE $4 END, "
        "active = EXCLUDED.active, updated_at = EXCLUDED.updated_at",
        {r.repo, r.forge, r.payload, r.schedules, r.active ? "true" : "false",
         std::to_string(r.updatedAt)},
        "recording a repository");
  }

  bool deactivateRepository(const std::string& repo, int64_t now) override {
    return db_
               .exec("UPDATE ddd_repositories SET active = FALSE, updated_at = $2 WHERE repo = $1",
                     {repo, std::to_string(now)}, "deactivating a repository")
               .affected() > 0;
  }

  std::vector<RepositoryRecord> repositories(bool activeOnly) override {
    auto r = db_.exec(
        std::string("SELECT repo, forge, payload, schedules, active, updated_at FROM "
                    "ddd_repositories ") +
            (activeOnly ? "WHERE active " : "") + "ORDER BY repo",
        {}, "listing repositories");
    std::vector<RepositoryRecord> out;
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back(RepositoryRecord{r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3),
                                     r.text(i, 4) == "t", r.integer(i, 5)});
    }
    return out;
  }

  void setIgnore(const std::string& repo, const std::string& dependency, const std::string& rule,
                 int64_t now) override {
    db_.exec(
        "INSERT INTO ddd_ignores (repo, dependency, rule, updated_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (repo, dependency) DO UPDATE SET rule = EXCLUDED.rule, "
        "updated_at = EXCLUDED.updated_at",
        {repo, dependency, rule, std::to_string(now)}, "recording an ignore rule");
  }

  bool removeIgnore(const std::string& repo, const std::string& dependency) override {
    return db_
               .exec("DELETE FROM ddd_ignores WHERE repo = $1 AND dependency = $2",
                     {repo, dependency}, "removing an ignore rule")
               .affected() > 0;
  }

  std::vector<std::pair<std::string, std::string>> ignores(const std::string& repo) override {
    auto r = db_.exec("SELECT dependency, rule FROM ddd_ignores WHERE repo = $1 ORDER BY dependency",
                      {repo}, "listing ignore rules");
    std::vector<std::pair<std::string, std::string>> out;
    for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.text(i, 0), r.text(i, 1));
    return out;
  }

  int64_t pruneDone(int64_t createdBefore) override {
    return db_
        .exec("DELETE FROM ddd_jobs WHERE state = 'done' AND created_at < $1 AND kind NOT LIKE "
              "'%.analyze' AND kind NOT LIKE '%.report'",
              {std::to_string(createdBefore)}, "pruning done jobs")
        .affected();
  }

  int64_t depth() override {
    return db_
        .exec("SELECT COUNT(*) FROM ddd_jobs WHERE state IN ('queued', 'running')", {},
              "counting jobs")
        .integer(0, 0);
  }

  std::optional<RegistryCacheRow> loadRegistryResponse(const std::string& key) override {
    auto r = db_.exec(
        "SELECT key, url, format, etag, last_modified, payload, size, stored_at, used_at "
        "FROM ddd_registry_cache WHERE key = $1",
        {key}, "reading the registry cache");
    if (r.rows() == 0) return std::nullopt;
    return RegistryCacheRow{r.text(0, 0),    r.text(0, 1),    r.integer(0, 2),
                            r.text(0, 3),    r.text(0, 4),    r.text(0, 5),
                            r.integer(0, 6), r.integer(0, 7), r.integer(0, 8)};
  }

  void saveRegistryResponse(const RegistryCacheRow& r) override {
    db_.exec(
        "INSERT INTO ddd_registry_cache (key, url, format, etag, last_modified, payload, size, "
        "stored_at, used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "ON CONFLICT (key) DO UPDATE SET url = EXCLUDED.url, format = EXCLUDED.format, "
        "etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified, "
        "payload = EXCLUDED.payload, size = EXCLUDED.size, stored_at = EXCLUDED.stored_at, "
        "used_at = EXCLUDED.used_at",
        {r.key, r.url, std::to_string(r.format), r.etag, r.lastModified, r.payload,
         std::to_string(r.size), std::to_string(r.storedAt), std::to_string(r.usedAt)},
        "writing the registry cache");
  }

  void touchRegistryResponse(const std::string& key, int64_t now) override {
    db_.exec("UPDATE ddd_registry_cache SET used_at = $2 WHERE key = $1",
             {key, std::to_string(now)}, "writing the registry cache");
  }

  void dropRegistryResponse(const std::string& key) override {
    db_.exec("DELETE FROM ddd_registry_cache WHERE key = $1", {key},
             "dropping a registry cache row");
  }

  void pruneRegistryResponses(int64_t maxRows, int64_t maxBytes, int64_t unusedBefore) override {
    PgTransaction tx(db_);
    db_.exec("DELETE FROM ddd_registry_cache WHERE used_at < $1", {std::to_string(unusedBefore)},
             "pruning the registry cache");
    db_.exec(
        "DELETE FROM ddd_registry_cache WHERE key IN (SELECT key FROM ddd_registry_cache "
        "ORDER BY used_at DESC, key OFFSET $1)",
        {std::to_string(maxRows)}, "pruning the registry cache");
    db_.exec(
        "DELETE FROM ddd_registry_cache WHERE key IN (SELECT key FROM (SELECT key, SUM(size) "
        "OVER (ORDER BY used_at DESC, key ROWS UNBOUNDED PRECEDING) AS total FROM "
        "ddd_registry_cache) AS s WHERE s.total > $1)",
        {std::to_string(maxBytes)}, "pruning the registry cache");
    tx.commit();
  }

  int64_t registryResponseCount() override {
    return db_.exec("SELECT COUNT(*) FROM ddd_registry_cache", {}, "counting registry cache rows")
        .integer(0, 0);
  }

  bool reachable() override { return db_.ping(); }

 private:
  void migrate() {
    PgTransaction tx(db_);
    // One migrator at a time across replicas (the key is arbitrary but fixed).
    db_.exec("SELECT pg_advisory_xact_lock(7305141)", {}, "locking the schema");
    db_.exec(
        "CREATE TABLE IF NOT EXISTS ddd_schema (component TEXT PRIMARY KEY, version INTEGER NOT "
        "NULL)",
        {}, "creating the schema table");
    auto v = db_.exec("SELECT version FROM ddd_schema WHERE component = 'jobs'", {},
                      "reading the schema version");
    const int version = v.rows() == 0 ? 0 : static_cast<int>(v.integer(0, 0));
    if (version > kSchemaVersion) {
      throw JobStoreError(db_.describe() + ": job tables at schema version " +
                          std::to_string(version) +
                          ", newer than this ddd understands; upgrade ddd");
    }
    if (version < 1) {
      db_.exec(
          "CREATE TABLE ddd_jobs ("
          "  id BIGSERIAL PRIMARY KEY,"
          "  kind TEXT NOT NULL, repo TEXT NOT NULL, payload TEXT NOT NULL,"
          "  dedupe_key TEXT NOT NULL UNIQUE,"
          "  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'dead')),"
          "  attempts INTEGER NOT NULL DEFAULT 0, next_run_at BIGINT NOT NULL,"
          "  lease_owner TEXT NOT NULL DEFAULT '', lease_expires_at BIGINT NOT NULL DEFAULT 0,"
          "  last_error TEXT NOT NULL DEFAULT '', created_at BIGINT NOT NULL);"
          "CREATE INDEX ddd_jobs_due ON ddd_jobs (state, next_run_at, id);"
          "CREATE UNIQUE INDEX ddd_jobs_one_running ON ddd_jobs (repo)"
          "  WHERE state = 'running' AND repo <> '';",
          {}, "creating the job tables");
    }
    if (version < 2) {
      db_.exec(
          "CREATE TABLE ddd_repositories ("
          "  repo TEXT PRIMARY KEY, forge TEXT NOT NULL, payload TEXT NOT NULL,"
          "  schedules TEXT NOT NULL DEFAULT '{}', active BOOLEAN NOT NULL DEFAULT TRUE,"
          "  updated_at BIGINT NOT NULL);",
          {}, "creating the repositories table");
    }
    if (version < 3) {
      db_.exec(
          "CREATE TABLE ddd_ignores ("
          "  repo TEXT NOT NULL, dependency TEXT NOT NULL, rule TEXT NOT NULL,"
          "  updated_at BIGINT NOT NULL, PRIMARY KEY (repo, dependency));",
          {}, "creating the ignores table");
    }
    if (version < 4) {
      db_.exec(
          "CREATE TABLE ddd_registry_cache ("
          "  key TEXT PRIMARY KEY, url TEXT NOT NULL, format INTEGER NOT NULL,"
          "  etag TEXT NOT NULL, last_modified TEXT NOT NULL, payload TEXT NOT NULL,"
          "  size BIGINT NOT NULL, stored_at BIGINT NOT NULL, used_at BIGINT NOT NULL);"
          "CREATE INDEX ddd_registry_cache_used ON ddd_registry_cache (used_at);",
          {}, "creating the registry cache table");
    }
    db_.exec(
        "INSERT INTO ddd_schema (component, version) VALUES ('jobs', $1) "
        "ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version",
        {std::to_string(kSchemaVersion)}, "recording the schema version");
    tx.commit();
  }

  // kColumns with each name qualified by the table, built once.
  static const std::string& qualified() {
    static const std::string columns = qualify();
    return columns;
  }
  static std::string qualify() {
    std::string out;
    std::string col;
    for (const char* p = kColumns;; ++p) {
      if (*p == ',' || *p == '\0') {
        const auto b = col.find_first_not_of(' ');
        if (b != std::string::npos) out += (out.empty() ? "" : ", ") + ("ddd_jobs." + col.substr(b));
        col.clear();
        if (*p == '\0') break;
      } else {
        col += *p;
      }
    }
    return out;
  }

  static Job read(const PgResult& r, int row) {
    Job j;
    j.id = r.integer(row, 0);
    j.kind = r.text(row, 1);
    j.repo = r.text(row, 2);
    j.payload = r.text(row, 3);
    j.dedupeKey = r.text(row, 4);
    j.state = r.text(row, 5);
    j.attempts = static_cast<int>(r.integer(row, 6));
    j.nextRunAt = r.integer(row, 7);
    j.leaseOwner = r.text(row, 8);
    j.leaseExpiresAt = r.integer(row, 9);
    j.lastError = r.text(row, 10);
    j.createdAt = r.integer(row, 11);
    return j;
  }

  PgConnection db_;
  JobPolicy policy_;
};

}  // namespace

std::unique_ptr<JobStore> openPostgresJobStore(const std::string& url, JobPolicy policy) {
  try {
    return std::make_unique<PostgresJobStore>(url, policy);
  } catch (const PgError& e) {
    throw JobStoreError(e.what());
  }
}

}  // namespace ddd::bot
