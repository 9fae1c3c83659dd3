#include "bot/state_store.h"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "bot/registry_cache_sqlite.h"

namespace ddd::bot {
namespace {

namespace fs = std::filesystem;
using forges::Transaction;

std::string nowUtc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

const fs::path& withParentDirectory(const fs::path& file) {
  if (file.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (ec) {
      throw std::runtime_error("cannot create the directory " + file.parent_path().string() +
                               " for the state file: " + ec.message());
    }
  }
  return file;
}

// Schema migrations, one per version step; user_version records the last applied.
void migrate(forges::SqliteDb& db) {
  Transaction tx(db);
  int version = db.userVersion();
  if (version > StateStore::kSchemaVersion) {
    throw std::runtime_error(db.file().string() + " has state schema version " +
                             std::to_string(version) + ", newer than this ddd understands (" +
                             std::to_string(StateStore::kSchemaVersion) +
                             "): upgrade ddd or pass another --state file");
  }
  if (version < 1) {
    db.exec(
        "CREATE TABLE runs ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  repo TEXT NOT NULL,"
        "  commit_id TEXT NOT NULL,"
        "  started TEXT NOT NULL,"
        "  finished TEXT,"
        "  findings INTEGER NOT NULL DEFAULT 0,"
        "  changes INTEGER NOT NULL DEFAULT 0,"
        "  status TEXT NOT NULL);"
        "CREATE INDEX runs_repo ON runs (repo, id);"
        "CREATE TABLE run_changes ("
        "  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
        "  change_id TEXT NOT NULL,"
        "  branch TEXT NOT NULL,"
        "  outcome TEXT NOT NULL,"
        "  action TEXT NOT NULL,"
        "  decision_rule TEXT NOT NULL,"
        "  reasons TEXT NOT NULL,"
        "  title TEXT NOT NULL,"
        "  pr_number INTEGER NOT NULL DEFAULT 0,"
        "  head_commit TEXT NOT NULL,"
        "  detail TEXT NOT NULL DEFAULT '',"
        "  PRIMARY KEY (run_id, change_id));"
        "CREATE TABLE last_findings ("
        "  repo TEXT NOT NULL,"
        "  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
        "  seq INTEGER NOT NULL,"
        "  analyzer TEXT NOT NULL,"
        "  rule TEXT NOT NULL,"
        "  severity TEXT NOT NULL,"
        "  path TEXT NOT NULL,"
        "  line INTEGER NOT NULL,"
        "  col INTEGER NOT NULL,"
        "  message TEXT NOT NULL,"
        "  docs TEXT NOT NULL,"
        "  change_id TEXT NOT NULL,"
        "  PRIMARY KEY (repo, seq));");
  }
  if (version < 2) {
    db.exec(
        "CREATE TABLE report_history ("
        "  repo TEXT NOT NULL,"
        "  week TEXT NOT NULL,"
        "  at INTEGER NOT NULL,"
        "  score REAL NOT NULL,"
        "  libyears REAL,"
        "  inputs TEXT NOT NULL DEFAULT '{}',"
        "  PRIMARY KEY (repo, week));");
  }
  if (version < 3) {
    sqlite_registry_cache::createTable(db);
  }
  db.setUserVersion(StateStore::kSchemaVersion);
  tx.commit();
}

}  // namespace

fs::path StateStore::defaultPath(const fs::path& gitDir) { return gitDir / "ddd" / "state.sqlite"; }

StateStore::StateStore(const fs::path& file) : db_(withParentDirectory(file)) { migrate(db_); }

int64_t StateStore::beginRun(const std::string& repo, const std::string& commit) {
  Transaction tx(db_);
  auto st = db_.prepare(
      "INSERT INTO runs (repo, commit_id, started, status) VALUES (?1, ?2, ?3, 'running')");
  st.bind(1, repo).bind(2, commit).bind(3, nowUtc());
  st.run();
  int64_t id = db_.lastInsertId();
  tx.commit();
  return id;
}

void StateStore::recordChange(int64_t runId, const ChangeRecord& c) {
  Transaction tx(db_);
  auto st = db_.prepare(
      "INSERT OR REPLACE INTO run_changes (run_id, change_id, branch, outcome, action, "
      "decision_rule, reasons, title, pr_number, head_commit, detail) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  st.bind(1, runId).bind(2, c.changeId).bind(3, c.branch).bind(4, c.outcome).bind(5, c.action);
  st.bind(6, c.decisionRule).bind(7, nlohmann::json(c.reasons).dump()).bind(8, c.title);
  st.bind(9, c.prNumber).bind(10, c.headCommit).bind(11, c.detail);
  st.run();
  tx.commit();
}

void StateStore::finishRun(int64_t runId, const std::vector<analyzers::Finding>& findings,
                           int64_t changes) {
  Transaction tx(db_);
  auto repoOf = db_.prepare("SELECT repo FROM runs WHERE id = ?1");
  repoOf.bind(1, runId);
  if (!repoOf.step()) {
    throw std::runtime_error(db_.file().string() + ": no run #" + std::to_string(runId));
  }
  std::string repo = repoOf.text(0);
  auto clear = db_.prepare("DELETE FROM last_findings WHERE repo = ?1");
  clear.bind(1, repo);
  clear.run();
  auto insert = db_.prepare(
      "INSERT INTO last_findings (repo, run_id, seq, analyzer, rule, severity, path, line, col, "
      "message, docs, change_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  int64_t seq = 0;
  for (const auto& f : findings) {
    insert.reset();
    insert.bind(1, repo).bind(2, runId).bind(3, seq++).bind(4, f.analyzer).bind(5, f.rule);
    insert.bind(6, analyzers::toString(f.severity)).bind(7, f.path);
    insert.bind(8, static_cast<int64_t>(f.line)).bind(9, static_cast<int64_t>(f.column));
    insert.bind(10, f.message).bind(11, f.docs).bind(12, f.changeId);
    insert.run();
  }
  auto done = db_.prepare(
      "UPDATE runs SET finished = ?2, findings = ?3, changes = ?4, status = 'ok' WHERE id = ?1");
  done.bind(1, runId).bind(2, nowUtc()).bind(3, static_cast<int64_t>(findings.size()));
  done.bind(4, changes);
  done.run();
  tx.commit();
}

void StateStore::failRun(int64_t runId, const std::string& message) {
  Transaction tx(db_);
  auto st = db_.prepare("UPDATE runs SET finished = ?2, status = ?3 WHERE id = ?1");
  st.bind(1, runId).bind(2, nowUtc()).bind(3, "failed: " + message);
  st.run();
  tx.commit();
}

std::vector<RunRecord> StateStore::runs(const std::string& repo) {
  auto st = db_.prepare(
      "SELECT id, repo, commit_id, started, COALESCE(finished, ''), findings, changes, status "
      "FROM runs WHERE repo = ?1 ORDER BY id");
  st.bind(1, repo);
  std::vector<RunRecord> out;
  while (st.step()) {
    out.push_back({st.integer(0), st.text(1), st.text(2), st.text(3), st.text(4), st.integer(5),
                   st.integer(6), st.text(7)});
  }
  return out;
}

std::vector<ChangeRecord> StateStore::changesOfRun(int64_t runId) {
  auto st = db_.prepare(
      "SELECT change_id, branch, outcome, action, decision_rule, reasons, title, pr_number, "
      "head_commit, detail FROM run_changes WHERE run_id = ?1 ORDER BY change_id");
  st.bind(1, runId);
  std::vector<ChangeRecord> out;
  while (st.step()) {
    ChangeRecord c;
    c.changeId = st.text(0);
    c.branch = st.text(1);
    c.outcome = st.text(2);
    c.action = st.text(3);
    c.decisionRule = st.text(4);
    auto reasons = nlohmann::json::parse(st.text(5), nullptr, false);
    if (reasons.is_array()) {
      for (const auto& r : reasons) {
        if (r.is_string()) c.reasons.push_back(r.get<std::string>());
      }
    }
    c.title = st.text(6);
    c.prNumber = static_cast<int>(st.integer(7));
    c.headCommit = st.text(8);
    c.detail = st.text(9);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<analyzers::Finding> StateStore::lastFindings(const std::string& repo) {
  auto st = db_.prepare(
      "SELECT analyzer, rule, severity, path, line, col, message, docs, change_id "
      "FROM last_findings WHERE repo = ?1 ORDER BY seq");
  st.bind(1, repo);
  std::vector<analyzers::Finding> out;
  while (st.step()) {
    analyzers::Finding f;
    f.analyzer = st.text(0);
    f.rule = st.text(1);
    try {
      f.severity = analyzers::severityFromString(st.text(2));
    } catch (const std::invalid_argument&) {
      f.severity = analyzers::Severity::Warning;
    }
    f.path = st.text(3);
    f.line = static_cast<uint32_t>(st.integer(4));
    f.column = static_cast<uint32_t>(st.integer(5));
    f.message = st.text(6);
    f.docs = st.text(7);
    f.changeId = st.text(8);
    out.push_back(std::move(f));
  }
  return out;
}

void StateStore::recordReportPoint(const std::string& repo, const ReportPoint& p) {
  Transaction tx(db_);
  auto st = db_.prepare(
      "INSERT OR REPLACE INTO report_history (repo, week, at, score, libyears, inputs) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  st.bind(1, repo).bind(2, p.week).bind(3, p.at).bind(4, p.score);
  if (p.libyears) {
    st.bind(5, *p.libyears);
  } else {
    st.bindNull(5);
  }
  st.bind(6, p.inputs.empty() ? std::string("{}") : p.inputs);
  st.run();
  tx.commit();
}

std::vector<ReportPoint> StateStore::reportHistory(const std::string& repo,
                                                   const std::string& beforeWeek, size_t limit) {
  auto st = db_.prepare(
      "SELECT week, at, score, libyears, inputs FROM report_history "
      "WHERE repo = ?1 AND week < ?2 ORDER BY week DESC LIMIT ?3");
  st.bind(1, repo).bind(2, beforeWeek).bind(3, static_cast<int64_t>(limit));
  std::vector<ReportPoint> out;
  while (st.step()) {
    ReportPoint p;
    p.week = st.text(0);
    p.at = st.integer(1);
    p.score = st.real(2);
    if (!st.isNull(3)) p.libyears = st.real(3);
    p.inputs = st.text(4);
    out.push_back(std::move(p));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::optional<RegistryCacheRow> StateStore::loadRegistryResponse(const std::string& key) {
  return sqlite_registry_cache::load(db_, key);
}
void StateStore::saveRegistryResponse(const RegistryCacheRow& r) {
  sqlite_registry_cache::save(db_, r);
}
void StateStore::touchRegistryResponse(const std::string& key, int64_t now) {
  sqlite_registry_cache::touch(db_, key, now);
}
void StateStore::dropRegistryResponse(const std::string& key) {
  sqlite_registry_cache::drop(db_, key);
}
void StateStore::pruneRegistryResponses(int64_t maxRows, int64_t maxBytes, int64_t unusedBefore) {
  sqlite_registry_cache::prune(db_, maxRows, maxBytes, unusedBefore);
}
int64_t StateStore::registryResponseCount() { return sqlite_registry_cache::count(db_); }

}  // namespace ddd::bot
