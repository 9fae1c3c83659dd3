#include <sqlite3.h>
#include <cctype>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "bot/jobs/job_store.h"
#include "bot/registry_cache_sqlite.h"
#include "forges/sqlite_db.h"

namespace ddd::bot {
namespace {

constexpr int kSchemaVersion = 4;

// WAL pages after which a commit asks for a checkpoint (4 MiB of 16 KiB pages), and after
// which the committing connection checkpoints itself (16 MiB). Under a steady stream of
// commits the background checkpointer copies most of the WAL but never all of it (the
// writers keep appending), and only a WAL copied to its end restarts from the beginning:
// the writer's own checkpoint then copies just that remainder, and the WAL stays bounded.
constexpr int kCheckpointPages = 256;
constexpr int kInlineCheckpointPages = 1024;

// Copies the WAL back into the database file beside the writers. SQLite's automatic
// checkpoint runs inside the commit that crosses its threshold, and that commit (a group
// of webhook deliveries waiting for their 202) then waits for megabytes of copying and an
// fsync of the database file: the receiver's p99 latency halves without it. Passive
// checkpoints never block writers or readers; a few passes in a row catch up with what
// was committed during the previous one, so the WAL restarts from its beginning.
class WalCheckpointer {
 public:
  explicit WalCheckpointer(std::filesystem::path file) : file_(std::move(file)) {
    thread_ = std::thread([this] { run(); });
  }
  ~WalCheckpointer() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void request() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      due_ = true;
    }
    cv_.notify_one();
  }

 private:
  void run() {
    std::unique_ptr<forges::SqliteDb> db;
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      cv_.wait(lock, [this] { return due_ || stop_; });
      if (stop_) return;
      due_ = false;
      lock.unlock();
      try {
        if (!db) db = std::make_unique<forges::SqliteDb>(file_);
        for (int pass = 0; pass < 8; ++pass) {
          int log = 0, copied = 0;
          if (sqlite3_wal_checkpoint_v2(db->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log,
                                        &copied) != SQLITE_OK ||
              copied >= log)
            break;
        }
      } catch (const forges::SqliteError&) {
        // Can't open a second connection: the writers' inline checkpoint still bounds the WAL.
      }
      lock.lock();
    }
  }

  const std::filesystem::path file_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool due_ = false;
  bool stop_ = false;
  std::thread thread_;
};

class SqliteJobStore : public JobStore {
 public:
  // `synchronous` is FULL unless the URL asked otherwise (openSqliteJobStore).
  SqliteJobStore(const std::filesystem::path& file, JobPolicy policy, const std::string& synchronous)
      : db_(file), policy_(policy), checkpointer_(file) {
    // A stored job is an answered webhook: its commit reaches the disk (fsync of the WAL)
    // before the 202, so a power loss can't take it back. The receiver commits deliveries
    // in groups, which keeps that to one fsync per group.
    // 16 MiB of page cache: the receiver's inserts find the pages they extend in memory.
    db_.exec("PRAGMA synchronous=" + synchronous + "; PRAGMA cache_size=-16384");
    // Checkpoints run on their own connection and thread (WalCheckpointer), not inside
    // the commit that crosses the threshold.
    sqlite3_wal_hook(db_.raw(), &SqliteJobStore::onWalCommit, this);
    forges::Transaction tx(db_);
    db_.exec(
        "CREATE TABLE IF NOT EXISTS job_schema (version INTEGER NOT NULL);"
        "INSERT INTO job_schema (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM job_schema);");
    auto st = db_.prepare("SELECT version FROM job_schema");
    st.step();
    const int version = static_cast<int>(st.integer(0));
    if (version > kSchemaVersion) {
      throw JobStoreError(file.string() + ": job tables at schema version " +
                          std::to_string(version) +
                          ", newer than this ddd understands; upgrade ddd");
    }
    if (version < 1) {
      db_.exec(
          "CREATE TABLE jobs ("
          "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
          "  kind TEXT NOT NULL, repo TEXT NOT NULL, payload TEXT NOT NULL,"
          "  dedupe_key TEXT NOT NULL UNIQUE,"
          "  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'dead')),"
          "  attempts INTEGER NOT NULL DEFAULT 0, next_run_at INTEGER NOT NULL,"
          "  lease_owner TEXT NOT NULL DEFAULT '', lease_expires_at INTEGER NOT NULL DEFAULT 0,"
          "  last_error TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL);"
          "CREATE INDEX jobs_due ON jobs (state, next_run_at, id);"
          "CREATE INDEX jobs_repo ON jobs (repo, state);");
    }
    if (version < 2) {
      db_.exec(
          "CREATE TABLE repositories ("
          "  repo TEXT PRIMARY KEY, forge TEXT NOT NULL, payload TEXT NOT NULL,"
          "  schedules TEXT NOT NULL DEFAULT '{}', active INTEGER NOT NULL DEFAULT 1,"
          "  updated_at INTEGER NOT NULL);");
    }
    if (version < 3) {
      db_.exec(
          "CREATE TABLE ignores ("
          "  repo TEXT NOT NULL, dependency TEXT NOT NULL, rule TEXT NOT NULL,"
          "  updated_at INTEGER NOT NULL, PRIMARY KEY (repo, dependency));");
    }
    if (version < 4) {
      sqlite_registry_cache::createTable(db_);
    }
    db_.exec("UPDATE job_schema SET version = " + std::to_string(kSchemaVersion));
    tx.commit();
  }

  bool enqueue(const std::string& kind, const std::string& repo, const std::string& payload,
               const std::string& dedupeKey, int64_t runAt) override {
    forges::Transaction tx(db_);
    auto st = db_.prepare(
        "INSERT OR IGNORE INTO jobs (kind, repo, payload, dedupe_key, state, next_run_at, "
        "created_at) "
        "VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?5)");
    st.bind(1, kind).bind(2, repo).bind(3, payload).bind(4, dedupeKey).bind(5, runAt);
    st.run();
    const bool stored = sqlite3_changes(db_.raw()) > 0;
    tx.commit();
    return stored;
  }

  std::vector<bool> enqueueMany(const std::vector<NewJob>& jobs) override {
    std::vector<bool> stored;
    stored.reserve(jobs.size());
    forges::Transaction tx(db_);
    // Prepared once: the receiver calls this for every group of deliveries.
    if (!insertMany_) {
      insertMany_.emplace(db_.prepare(
          "INSERT OR IGNORE INTO jobs (kind, repo, payload, dedupe_key, state, next_run_at, "
          "created_at) VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?5)"));
    }
    forges::Statement& st = *insertMany_;
    for (const auto& j : jobs) {
      st.reset();
      st.bind(1, j.kind).bind(2, j.repo).bind(3, j.payload).bind(4, j.dedupeKey).bind(5, j.runAt);
      st.run();
      stored.push_back(sqlite3_changes(db_.raw()) > 0);
    }
    st.reset();
    tx.commit();
    return stored;
  }

  std::optional<Job> claim(const std::string& owner, int64_t leaseSeconds, int64_t now) override {
    forges::Transaction tx(db_);  // BEGIN IMMEDIATE: one claimer at a time
    auto st = db_.prepare(
        std::string("SELECT ") + kColumns +
        " FROM jobs j WHERE ((j.state = 'queued' AND j.next_run_at <= ?1) OR "
        "(j.state = 'running' AND j.lease_expires_at <= ?1)) "
        "AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.repo = j.repo AND r.repo != '' AND "
        "r.id != j.id AND r.state = 'running' AND r.lease_expires_at > ?1) "
        "ORDER BY j.next_run_at, j.id LIMIT 1");
    st.bind(1, now);
    if (!st.step()) return std::nullopt;
    Job job = read(st);
    auto up = db_.prepare(
        "UPDATE jobs SET state = 'running', lease_owner = ?2, lease_expires_at = ?3, attempts = "
        "attempts + 1 "
        "WHERE id = ?1");
    up.bind(1, job.id).bind(2, owner).bind(3, now + leaseSeconds);
    up.run();
    tx.commit();
    job.state = "running";
    job.leaseOwner = owner;
    job.leaseExpiresAt = now + leaseSeconds;
    ++job.attempts;
    return job;
  }

  bool renew(int64_t id, const std::string& owner, int64_t leaseSeconds, int64_t now) override {
    forges::Transaction tx(db_);
    auto st = db_.prepare(
        "UPDATE jobs SET lease_expires_at = ?3 WHERE id = ?1 AND lease_owner = ?2 AND state = "
        "'running'");
    st.bind(1, id).bind(2, owner).bind(3, now + leaseSeconds);
    st.run();
    const bool ok = sqlite3_changes(db_.raw()) > 0;
    tx.commit();
    return ok;
  }

  bool complete(int64_t id, const std::string& owner) override {
    forges::Transaction tx(db_);
    auto st = db_.prepare(
        "UPDATE jobs SET state = 'done', lease_owner = '', last_error = '' "
        "WHERE id = ?1 AND lease_owner = ?2 AND state = 'running'");
    st.bind(1, id).bind(2, owner);
    st.run();
    const bool ok = sqlite3_changes(db_.raw()) > 0;
    tx.commit();
    return ok;
  }

  bool moveToRepository(int64_t id, const std::string& owner, const std::string& repo,
                        int64_t now) override {
    forges::Transaction tx(db_);  // BEGIN IMMEDIATE: no claim between the check and the move
    auto busy = db_.prepare(
        "SELECT 1 FROM jobs WHERE repo = ?2 AND id != ?1 AND state = 'running' AND "
        "lease_expires_at > ?3");
    busy.bind(1, id).bind(2, repo).bind(3, now);
    const bool waits = busy.step();
    auto st = db_.prepare(
        waits ? "UPDATE jobs SET repo = ?3, state = 'queued', lease_owner = '', next_run_at = ?4, "
                "attempts = MAX(attempts - 1, 0) WHERE id = ?1 AND lease_owner = ?2 AND state = "
                "'running'"
              : "UPDATE jobs SET repo = ?3 WHERE id = ?1 AND lease_owner = ?2 AND state = "
                "'running'");
    st.bind(1, id).bind(2, owner).bind(3, repo);
    if (waits) st.bind(4, now);
    st.run();
    const bool moved = sqlite3_changes(db_.raw()) > 0;
    tx.commit();
    return moved && !waits;
  }

  bool fail(int64_t id, const std::string& owner, const std::string& error, int64_t now) override {
    forges::Transaction tx(db_);
    auto get = db_.prepare(
        "SELECT attempts FROM jobs WHERE id = ?1 AND lease_owner = ?2 AND state = 'running'");
    get.bind(1, id).bind(2, owner);
    if (!get.step()) return false;
    const int attempts = static_cast<int>(get.integer(0));
    const bool dead = attempts >= policy_.maxAttempts;
    const int64_t delay = backoffSeconds(policy_, attempts);
    auto st = db_.prepare(
        "UPDATE jobs SET state = ?3, next_run_at = ?4, lease_owner = '', last_error = ?2 WHERE id "
        "= ?1");
    st.bind(1, id)
        .bind(2, truncatedError(error))
        .bind(3, dead ? "dead" : "queued")
        .bind(4, now + delay);
    st.run();
    tx.commit();
    return true;
  }

  std::vector<Job> list(bool failedOnly, size_t limit) override {
    auto st = db_.prepare(std::string("SELECT ") + kColumns + " FROM jobs " +
                          (failedOnly ? "WHERE state = 'dead' OR last_error != '' " : "") +
                          "ORDER BY id DESC LIMIT ?1");
    st.bind(1, static_cast<int64_t>(limit));
    std::vector<Job> out;
    while (st.step()) out.push_back(read(st));
    return out;
  }

  bool retry(int64_t id, int64_t now) override {
    forges::Transaction tx(db_);
    auto st = db_.prepare(
        "UPDATE jobs SET state = 'queued', attempts = 0, next_run_at = ?2, lease_owner = '' "
        "WHERE id = ?1 AND state IN ('dead', 'queued')");
    st.bind(1, id).bind(2, now);
    st.run();
    const bool ok = sqlite3_changes(db_.raw()) > 0;
    tx.commit();
    return ok;
  }

  void upsertRepository(const RepositoryRecord& r) override {
    forges::Transaction tx(db_);
    auto st = db_.prepare(
        "INSERT INTO repositories (repo, forge, payload, schedules, active, updated_at) "
        "VALUES (?1, ?2, ?3, CASE WHEN ?4 = '' THEN '{}' ELSE ?4 END, ?5, ?6) "
        "ON CONFLICT (repo) DO UPDATE SET forge = excluded.forge, payload = excluded.payload, "
        "schedules = CASE WHEN ?4 = '' THEN repositories.schedules ELSE ?4 END, "
        "active = excluded.active, updated_at = excluded.updated_at");
    st.bind(1, r.repo).bind(2, r.forge).bind(3, r.payload).bind(4, r.schedules);
    st.bind(5, static_cast<int64_t>(r.active ? 1 : 0)).bind(6, r.updatedAt);
    st.run();
    tx.commit();
  }

  bool deactivateRepository(const std::string& repo, int64_t now) override {
    forges::Transaction tx(db_);
    auto st = db_.prepare("UPDATE repositories SET active = 0, updated_at = ?2 WHERE repo = ?1");
    st.bind(1, repo).bind(2, now);
    st.run();
    const bool ok = sqlite3_changes(db_.raw()) > 0;
    tx.commit();
    return ok;
  }

  std::vector<RepositoryRecord> repositories(bool activeOnly) override {
    auto st = db_.prepare(
        std::string("SELECT repo, forge, payload, schedules, active, updated_at FROM repositories ") +
        (activeOnly ? "WHERE active = 1 " : "") + "ORDER BY repo");
    std::vector<RepositoryRecord> out;
    while (st.step()) {
      out.push_back(RepositoryRecord{st.text(0), st.text(1), st.text(2), st.text(3),
                                     st.integer(4) != 0, st.integer(5)});
    }
    return out;
  }

  void setIgnore(const std::string& repo, const std::string& dependency, const std::string& rule,
                 int64_t now) override {
    forges::Transaction tx(db_);
    auto st = db_.prepare(
        "INSERT INTO ignores (repo, dependency, rule, updated_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (repo, dependency) DO UPDATE SET rule = excluded.rule, "
        "updated_at = excluded.updated_at");
    st.bind(1, repo).bind(2, dependency).bind(3, rule).bind(4, now);
    st.run();
    tx.commit();
  }

  bool removeIgnore(const std::string& repo, const std::string& dependency) override {
    forges::Transaction tx(db_);
    auto st = db_.prepare("DELETE FROM ignores WHERE repo = ?1 AND dependency = ?2");
    st.bind(1, repo).bind(2, dependency);
    st.run();
    const bool removed = sqlite3_changes(db_.raw()) > 0;
    tx.commit();
    return removed;
  }

  std::vector<std::pair<std::string, std::string>> ignores(const std::string& repo) override {
    auto st = db_.prepare("SELECT dependency, rule FROM ignores WHERE repo = ?1 ORDER BY dependency");
    st.bind(1, repo);
    std::vector<std::pair<std::string, std::string>> out;
    while (st.step()) out.emplace_back(st.text(0), st.text(1));
    return out;
  }

  int64_t pruneDone(int64_t createdBefore) override {
    // A few thousand rows per transaction: the first pruning after an upgrade may delete
    // many, and the receivers' writes wait while a transaction holds the lock.
    constexpr int64_t kPerTransaction = 2000;
    auto st = db_.prepare(
        "DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE state = 'done' AND created_at < "
        "?1 AND kind NOT LIKE '%.analyze' AND kind NOT LIKE '%.report' LIMIT ?2)");
    int64_t total = 0;
    while (true) {
      forges::Transaction tx(db_);
      st.reset();
      st.bind(1, createdBefore).bind(2, kPerTransaction);
      st.run();
      const int64_t n = sqlite3_changes(db_.raw());
      tx.commit();
      total += n;
      if (n < kPerTransaction) return total;
    }
  }

  int64_t depth() override {
    auto st = db_.prepare("SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running')");
    st.step();
    return st.integer(0);
  }

  std::optional<RegistryCacheRow> loadRegistryResponse(const std::string& key) override {
    return sqlite_registry_cache::load(db_, key);
  }
  void saveRegistryResponse(const RegistryCacheRow& r) override {
    sqlite_registry_cache::save(db_, r);
  }
  void touchRegistryResponse(const std::string& key, int64_t now) override {
    sqlite_registry_cache::touch(db_, key, now);
  }
  void dropRegistryResponse(const std::string& key) override {
    sqlite_registry_cache::drop(db_, key);
  }
  void pruneRegistryResponses(int64_t maxRows, int64_t maxBytes, int64_t unusedBefore) override {
    sqlite_registry_cache::prune(db_, maxRows, maxBytes, unusedBefore);
  }
  int64_t registryResponseCount() override { return sqlite_registry_cache::count(db_); }

  bool reachable() override {
    try {
      auto st = db_.prepare("SELECT 1");
      return st.step();
    } catch (const std::exception&) {
      return false;
    }
  }

 private:
  static constexpr const char* kColumns =
      "id, kind, repo, payload, dedupe_key, state, attempts, next_run_at, lease_owner, "
      "lease_expires_at, "
      "last_error, created_at";
  static Job read(const forges::Statement& st) {
    Job j;
    j.id = st.integer(0);
    j.kind = st.text(1);
    j.repo = st.text(2);
    j.payload = st.text(3);
    j.dedupeKey = st.text(4);
    j.state = st.text(5);
    j.attempts = static_cast<int>(st.integer(6));
    j.nextRunAt = st.integer(7);
    j.leaseOwner = st.text(8);
    j.leaseExpiresAt = st.integer(9);
    j.lastError = st.text(10);
    j.createdAt = st.integer(11);
    return j;
  }

  // SQLite's WAL hook, after every commit on db_ (replacing its automatic checkpoint).
  static int onWalCommit(void* self, sqlite3* db, const char*, int pages) {
    if (pages >= kCheckpointPages) static_cast<SqliteJobStore*>(self)->checkpointer_.request();
    if (pages >= kInlineCheckpointPages)
      sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }

  forges::SqliteDb db_;
  JobPolicy policy_;
  std::optional<forges::Statement> insertMany_;
  WalCheckpointer checkpointer_;
};

}  // namespace

std::unique_ptr<JobStore> openSqliteJobStore(const std::string& location, JobPolicy policy) {
  // "PATH?synchronous=MODE" (job_store.h): for tests that are not about durability.
  const std::string path = sqliteDatabasePath(location);
  std::string synchronous = "FULL";
  if (const auto q = location.rfind("?synchronous="); q != std::string::npos) {
    synchronous = location.substr(q + 13);
    for (auto& c : synchronous) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (synchronous != "FULL" && synchronous != "NORMAL" && synchronous != "OFF") {
      throw JobStoreError("state store " + location + ": synchronous=" + location.substr(q + 13) +
                          " is not one of full, normal, off");
    }
  }
  if (path.empty()) throw JobStoreError("empty state store path");
  const std::filesystem::path file(path);
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  try {
    return std::make_unique<SqliteJobStore>(file, policy, synchronous);
  } catch (const forges::SqliteError& e) {
    throw JobStoreError(std::string("cannot open the state store ") + path + ": " + e.what());
  }
}

}  // namespace ddd::bot
