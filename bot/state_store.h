#pragma once
// StateStore: what the bot remembers between runs, in a SQLite file (WAL; schema
// migrations keyed by PRAGMA user_version; every write in a transaction). It records
// each run (repository, commit, start/end, counts, status), what the run did with
// each proposed change (branch outcome, decision, pull request), and the findings of
// the last finished run of each repository. The default file is <gitdir>/ddd/
// state.sqlite; the local forge may keep its pull requests in the same file. One
// StateStore per thread.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analyzers/vocabulary.h"
#include "bot/registry_cache.h"
#include "forges/sqlite_db.h"

namespace ddd::bot {

struct RunRecord {
  int64_t id = 0;
  std::string repo;
  std::string commit;
  std::string started;   // ISO 8601 UTC
  std::string finished;  // empty while running
  int64_t findings = 0;
  int64_t changes = 0;
  std::string status;  // "running", "ok", "failed: <message>"
};

// One week's point of the tech-debt report's history.
struct ReportPoint {
  std::string week;  // ISO week, "2026-W48": one point per week (a rerun replaces it)
  int64_t at = 0;    // unix time of the report
  double score = 0;
  std::optional<double> libyears;
  std::string inputs;  // the week's measurements as JSON, for later formulas
};

struct ChangeRecord {
  std::string changeId;
  std::string branch;
  std::string outcome;  // created, updated, up to date, blocked, skipped
  std::string action;   // automerge, review, draft, skip
  std::string decisionRule;
  std::vector<std::string> reasons;
  std::string title;
  int prNumber = 0;  // 0 = none
  std::string headCommit;
  std::string detail;  // e.g. who made the human commit that blocked the branch
};

class StateStore : public RegistryCacheStore {
 public:
  static constexpr int kSchemaVersion = 3;

  // <gitDir>/ddd/state.sqlite (the directory is created by open(), not here).
  static std::filesystem::path defaultPath(const std::filesystem::path& gitDir);

  // Opens or creates `file`, creating its parent directory, and migrates the schema.
  // Throws forges::SqliteError naming the file, or std::runtime_error when the file's
  // schema is newer than this binary understands.
  explicit StateStore(const std::filesystem::path& file);

  int64_t beginRun(const std::string& repo, const std::string& commit);
  // Records the outcome of one change of a running run.
  void recordChange(int64_t runId, const ChangeRecord& change);
  // Marks the run finished and replaces the repository's last findings, in one transaction.
  void finishRun(int64_t runId, const std::vector<analyzers::Finding>& findings, int64_t changes);
  void failRun(int64_t runId, const std::string& message);

  std::vector<RunRecord> runs(const std::string& repo);
  std::vector<ChangeRecord> changesOfRun(int64_t runId);
  std::vector<analyzers::Finding> lastFindings(const std::string& repo);
  // The tech-debt report's history: records (or replaces) the week's point; lists the
  // points of weeks before `beforeWeek`, oldest first, at most `limit`.
  void recordReportPoint(const std::string& repo, const ReportPoint& point);
  std::vector<ReportPoint> reportHistory(const std::string& repo, const std::string& beforeWeek,
                                         size_t limit);
  // The registry answers kept between runs (schema v3; registry_cache.h).
  std::optional<RegistryCacheRow> loadRegistryResponse(const std::string& key) override;
  void saveRegistryResponse(const RegistryCacheRow& row) override;
  void touchRegistryResponse(const std::string& key, int64_t now) override;
  void dropRegistryResponse(const std::string& key) override;
  void pruneRegistryResponses(int64_t maxRows, int64_t maxBytes, int64_t unusedBefore) override;
  int64_t registryResponseCount() override;
  int schemaVersion() { return db_.userVersion(); }
  forges::SqliteDb& db() { return db_; }

 private:
  forges::SqliteDb db_;
};

}  // namespace ddd::bot
