#include "forges/local_forge.h"

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

namespace ddd::forges {
namespace {

constexpr int kSchemaVersion = 4;

std::string nowUtc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string labelsToText(const std::vector<std::string>& labels) {
  return nlohmann::json(labels).dump();
}

std::vector<std::string> labelsFromText(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return {};
  std::vector<std::string> out;
  for (const auto& v : j) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

constexpr const char* kColumns =
    "id, number, branch, base, title, body, state, head_commit, labels, draft, reviewers, "
    "CAST(strftime('%s', created) AS INTEGER)";

PullRequest readRow(const Statement& st, const std::string& repo) {
  PullRequest pr;
  pr.id = "local:" + std::to_string(st.integer(0));
  pr.number = static_cast<int>(st.integer(1));
  pr.url = "local:" + repo + "#" + std::to_string(pr.number);
  pr.branch = st.text(2);
  pr.base = st.text(3);
  pr.title = st.text(4);
  pr.body = st.text(5);
  pr.state = st.text(6);
  pr.headCommit = st.text(7);
  pr.labels = labelsFromText(st.text(8));
  pr.draft = st.integer(9) != 0;
  pr.reviewers = labelsFromText(st.text(10));
  pr.createdAt = st.integer(11);
  return pr;
}

void migrate(SqliteDb& db) {
  Transaction tx(db);
  db.exec(
      "CREATE TABLE IF NOT EXISTS local_forge_schema (version INTEGER NOT NULL);"
      "INSERT INTO local_forge_schema (version) SELECT 0 WHERE NOT EXISTS "
      "(SELECT 1 FROM local_forge_schema);");
  auto st = db.prepare("SELECT version FROM local_forge_schema");
  st.step();
  int version = static_cast<int>(st.integer(0));
  if (version > kSchemaVersion) {
    throw ForgeError(db.file().string() + ": the local forge tables are at schema version " +
                     std::to_string(version) + ", newer than this ddd understands (" +
                     std::to_string(kSchemaVersion) + "): upgrade ddd or use another --state file");
  }
  if (version < 1) {
    db.exec(
        "CREATE TABLE local_pull_requests ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  repo TEXT NOT NULL,"
        "  number INTEGER NOT NULL,"
        "  branch TEXT NOT NULL,"
        "  base TEXT NOT NULL,"
        "  title TEXT NOT NULL,"
        "  body TEXT NOT NULL,"
        "  state TEXT NOT NULL CHECK (state IN ('open', 'closed', 'merged')),"
        "  head_commit TEXT NOT NULL,"
        "  labels TEXT NOT NULL DEFAULT '[]',"
        "  draft INTEGER NOT NULL DEFAULT 0,"
        "  created TEXT NOT NULL,"
        "  updated TEXT NOT NULL,"
        "  UNIQUE (repo, number));"
        "CREATE INDEX local_pull_requests_branch ON local_pull_requests (repo, branch, state);");
  }
  if (version < 2) {
    db.exec(
        "ALTER TABLE local_pull_requests ADD COLUMN reviewers TEXT NOT NULL DEFAULT '[]';"
        "CREATE TABLE local_pr_comments ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  repo TEXT NOT NULL,"
        "  number INTEGER NOT NULL,"
        "  author TEXT NOT NULL,"
        "  body TEXT NOT NULL,"
        "  created TEXT NOT NULL);"
        "CREATE INDEX local_pr_comments_pr ON local_pr_comments (repo, number, id);");
  }
  if (version < 3) {
    db.exec(
        "CREATE TABLE local_statuses ("
        "  repo TEXT NOT NULL, sha TEXT NOT NULL, context TEXT NOT NULL,"
        "  state TEXT NOT NULL CHECK (state IN ('pending', 'success', 'failure', 'error')),"
        "  description TEXT NOT NULL DEFAULT '',"
        "  PRIMARY KEY (repo, sha, context));"
        "CREATE TABLE local_approvals ("
        "  repo TEXT NOT NULL, number INTEGER NOT NULL, approved INTEGER NOT NULL,"
        "  PRIMARY KEY (repo, number));");
  }
  if (version < 4) {
    db.exec(
        "CREATE TABLE local_issues ("
        "  repo TEXT NOT NULL, number INTEGER NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL,"
        "  labels TEXT NOT NULL DEFAULT '[]', state TEXT NOT NULL DEFAULT 'open',"
        "  PRIMARY KEY (repo, number));");
  }
  db.exec("UPDATE local_forge_schema SET version = " + std::to_string(kSchemaVersion));
  tx.commit();
}

}  // namespace

LocalForge::LocalForge(const std::filesystem::path& file, std::string repo)
    : db_(file), repo_(std::move(repo)) {
  migrate(db_);
}

std::optional<PullRequest> LocalForge::findOpenByBranch(const std::string& branch) {
  auto st = db_.prepare(std::string("SELECT ") + kColumns +
                        " FROM local_pull_requests WHERE repo = ?1 AND branch = ?2 AND "
                        "state = 'open' ORDER BY number DESC LIMIT 1");
  st.bind(1, repo_).bind(2, branch);
  if (!st.step()) return std::nullopt;
  return readRow(st, repo_);
}

std::optional<PullRequest> LocalForge::byNumber(int number) {
  auto st = db_.prepare(std::string("SELECT ") + kColumns +
                        " FROM local_pull_requests WHERE repo = ?1 AND number = ?2");
  st.bind(1, repo_).bind(2, number);
  if (!st.step()) return std::nullopt;
  return readRow(st, repo_);
}

PullRequest LocalForge::create(const PullRequestSpec& spec, const std::string& headCommit) {
  Transaction tx(db_);
  auto existing = findOpenByBranch(spec.branch);
  if (existing) {
    throw ForgeError("local pull request #" + std::to_string(existing->number) + " of " + repo_ +
                     " is already open for branch " + spec.branch +
                     ": update it instead of opening another");
  }
  auto next =
      db_.prepare("SELECT COALESCE(MAX(number), 0) + 1 FROM local_pull_requests WHERE repo = ?1");
  next.bind(1, repo_);
  next.step();
  int number = static_cast<int>(next.integer(0));
  std::string now = nowUtc();
  auto insert = db_.prepare(
      "INSERT INTO local_pull_requests (repo, number, branch, base, title, body, state, "
      "head_commit, labels, draft, created, updated, reviewers) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?8, ?9, ?10, ?10, ?11)");
  insert.bind(1, repo_).bind(2, number).bind(3, spec.branch).bind(4, spec.base);
  insert.bind(5, spec.title).bind(6, spec.body).bind(7, headCommit);
  insert.bind(8, labelsToText(spec.labels)).bind(9, spec.draft ? 1 : 0).bind(10, now);
  insert.bind(11, labelsToText(spec.reviewers));
  insert.run();
  auto pr = byNumber(number);
  tx.commit();
  return *pr;
}

PullRequest LocalForge::update(int number, const PullRequestSpec& spec,
                               const std::string& headCommit) {
  Transaction tx(db_);
  auto st = db_.prepare(
      "UPDATE local_pull_requests SET base = ?3, title = ?4, body = ?5, head_commit = ?6, "
      "labels = ?7, draft = ?8, updated = ?9, reviewers = ?10 WHERE repo = ?1 AND number = ?2");
  st.bind(1, repo_).bind(2, number).bind(3, spec.base).bind(4, spec.title).bind(5, spec.body);
  st.bind(6, headCommit).bind(7, labelsToText(spec.labels)).bind(8, spec.draft ? 1 : 0);
  st.bind(9, nowUtc()).bind(10, labelsToText(spec.reviewers));
  st.run();
  auto pr = byNumber(number);
  if (!pr) {
    throw ForgeError("no local pull request #" + std::to_string(number) + " in " + repo_ +
                     " (state file " + db_.file().string() + "): list them with list()");
  }
  tx.commit();
  return *pr;
}

std::vector<PullRequest> LocalForge::list() {
  auto st = db_.prepare(std::string("SELECT ") + kColumns +
                        " FROM local_pull_requests WHERE repo = ?1 ORDER BY number");
  st.bind(1, repo_);
  std::vector<PullRequest> out;
  while (st.step()) out.push_back(readRow(st, repo_));
  return out;
}

void LocalForge::setState(int number, const std::string& state) {
  if (state != "open" && state != "closed" && state != "merged") {
    throw ForgeError("unknown pull request state \"" + state + "\": use open, closed or merged");
  }
  Transaction tx(db_);
  if (!byNumber(number)) {
    throw ForgeError("no local pull request #" + std::to_string(number) + " in " + repo_);
  }
  auto st = db_.prepare(
      "UPDATE local_pull_requests SET state = ?3, updated = ?4 WHERE repo = ?1 AND number = ?2");
  st.bind(1, repo_).bind(2, number).bind(3, state).bind(4, nowUtc());
  st.run();
  tx.commit();
}

void LocalForge::comment(int number, const std::string& body) {
  Transaction tx(db_);
  if (!byNumber(number)) {
    throw ForgeError("no local pull request #" + std::to_string(number) + " in " + repo_ +
                     " to comment on");
  }
  auto st = db_.prepare(
      "INSERT INTO local_pr_comments (repo, number, author, body, created) "
      "VALUES (?1, ?2, 'ddd', ?3, ?4)");
  st.bind(1, repo_).bind(2, number).bind(3, body).bind(4, nowUtc());
  st.run();
  tx.commit();
}

std::vector<Comment> LocalForge::comments(int number) {
  auto st = db_.prepare(
      "SELECT id, author, body FROM local_pr_comments WHERE repo = ?1 AND number = ?2 ORDER BY id");
  st.bind(1, repo_).bind(2, number);
  std::vector<Comment> out;
  while (st.step()) out.push_back({std::to_string(st.integer(0)), st.text(1), st.text(2)});
  return out;
}

void LocalForge::close(int number, const std::string& comment) {
  if (!comment.empty()) this->comment(number, comment);
  setState(number, "closed");
}

CheckSummary LocalForge::checks(const std::string& sha) {
  auto st = db_.prepare(
      "SELECT context, state FROM local_statuses WHERE repo = ?1 AND sha = ?2 ORDER BY context");
  st.bind(1, repo_).bind(2, sha);
  CheckSummary out;
  while (st.step()) {
    ++out.total;
    const std::string context = st.text(0), state = st.text(1);
    if (state == "success") {
      out.passed.push_back(context);
    } else if (state == "pending") {
      ++out.pending;
    } else {
      ++out.failed;
      out.failedNames.push_back(context);
    }
  }
  return out;
}

void LocalForge::setStatus(const std::string& sha, const std::string& context,
                           const std::string& state, const std::string& description) {
  if (state != "pending" && state != "success" && state != "failure" && state != "error") {
    throw ForgeError("unknown status state \"" + state +
                     "\": use pending, success, failure or error");
  }
  Transaction tx(db_);
  auto st = db_.prepare(
      "INSERT OR REPLACE INTO local_statuses (repo, sha, context, state, description) VALUES (?1, "
      "?2, ?3, ?4, ?5)");
  st.bind(1, repo_).bind(2, sha).bind(3, context).bind(4, state).bind(5, description);
  st.run();
  tx.commit();
}

bool LocalForge::approved(int number) {
  auto st = db_.prepare("SELECT approved FROM local_approvals WHERE repo = ?1 AND number = ?2");
  st.bind(1, repo_).bind(2, number);
  return st.step() && st.integer(0) != 0;
}

void LocalForge::setApproved(int number, bool value) {
  Transaction tx(db_);
  auto st = db_.prepare(
      "INSERT OR REPLACE INTO local_approvals (repo, number, approved) VALUES (?1, ?2, ?3)");
  st.bind(1, repo_).bind(2, number).bind(3, value ? 1 : 0);
  st.run();
  tx.commit();
}

MergeResult LocalForge::merge(int number, const std::string& sha, const std::string&) {
  auto pr = byNumber(number);
  if (!pr || pr->state != "open")
    return {false, "pull request #" + std::to_string(number) + " is not open"};
  if (pr->headCommit != sha) {
    return {false, "the head of #" + std::to_string(number) + " is " + pr->headCommit.substr(0, 7) +
                       ", not " + sha.substr(0, 7)};
  }
  setState(number, "merged");
  return {true, "merged " + sha.substr(0, 7)};
}

void LocalForge::addLabels(int number, const std::vector<std::string>& labels) {
  auto pr = byNumber(number);
  if (!pr) throw ForgeError("no local pull request #" + std::to_string(number) + " in " + repo_);
  for (const auto& l : labels) {
    if (std::find(pr->labels.begin(), pr->labels.end(), l) == pr->labels.end())
      pr->labels.push_back(l);
  }
  Transaction tx(db_);
  auto st =
      db_.prepare("UPDATE local_pull_requests SET labels = ?3 WHERE repo = ?1 AND number = ?2");
  st.bind(1, repo_).bind(2, number).bind(3, labelsToText(pr->labels));
  st.run();
  tx.commit();
}

void LocalForge::requestReviewers(int number, const std::vector<std::string>& reviewers) {
  auto pr = byNumber(number);
  if (!pr) throw ForgeError("no local pull request #" + std::to_string(number) + " in " + repo_);
  for (const auto& r : reviewers) {
    if (std::find(pr->reviewers.begin(), pr->reviewers.end(), r) == pr->reviewers.end())
      pr->reviewers.push_back(r);
  }
  Transaction tx(db_);
  auto st =
      db_.prepare("UPDATE local_pull_requests SET reviewers = ?3 WHERE repo = ?1 AND number = ?2");
  st.bind(1, repo_).bind(2, number).bind(3, labelsToText(pr->reviewers));
  st.run();
  tx.commit();
}

std::vector<Issue> LocalForge::issuesWithLabel(const std::string& label) {
  auto st = db_.prepare(
      "SELECT number, title, body, labels, state FROM local_issues WHERE repo = ?1 AND state = "
      "'open' "
      "ORDER BY number");
  st.bind(1, repo_);
  std::vector<Issue> out;
  while (st.step()) {
    const auto labels = labelsFromText(st.text(3));
    if (std::find(labels.begin(), labels.end(), label) == labels.end()) continue;
    const int n = static_cast<int>(st.integer(0));
    out.push_back(
        {n, st.text(1), st.text(2), "local:" + repo_ + "/issues/" + std::to_string(n), st.text(4)});
  }
  return out;
}

Issue LocalForge::createIssue(const std::string& title, const std::string& body,
                              const std::vector<std::string>& labels) {
  Transaction tx(db_);
  auto next = db_.prepare("SELECT COALESCE(MAX(number), 0) + 1 FROM local_issues WHERE repo = ?1");
  next.bind(1, repo_);
  next.step();
  const int n = static_cast<int>(next.integer(0));
  auto st = db_.prepare(
      "INSERT INTO local_issues (repo, number, title, body, labels) VALUES (?1, ?2, ?3, ?4, ?5)");
  st.bind(1, repo_).bind(2, n).bind(3, title).bind(4, body).bind(5, labelsToText(labels));
  st.run();
  tx.commit();
  return {n, title, body, "local:" + repo_ + "/issues/" + std::to_string(n), "open"};
}

void LocalForge::editIssue(int number, const std::string& title, const std::string& body) {
  Transaction tx(db_);
  auto st =
      db_.prepare("UPDATE local_issues SET title = ?3, body = ?4 WHERE repo = ?1 AND number = ?2");
  st.bind(1, repo_).bind(2, number).bind(3, title).bind(4, body);
  st.run();
  tx.commit();
}

void LocalForge::closeIssue(int number, const std::string& comment) {
  // The local forge keeps no issue comments: the closing note is appended to the body.
  Transaction tx(db_);
  auto st = db_.prepare(
      "UPDATE local_issues SET state = 'closed', "
      "body = CASE WHEN ?3 = '' THEN body ELSE body || char(10) || char(10) || ?3 END "
      "WHERE repo = ?1 AND number = ?2");
  st.bind(1, repo_).bind(2, number).bind(3, comment);
  st.run();
  tx.commit();
}

bool LocalForge::behindRequiredBase(int) { return false; }  // drafts are never merged here

}  // namespace ddd::forges
