#include "forges/sqlite_db.h"

#include <sqlite3.h>

namespace ddd::forges {

namespace {
constexpr int kBusyTimeoutMs = 5000;
}

void SqliteDb::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }
void Statement::Finalizer::operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }

SqliteDb::SqliteDb(const std::filesystem::path& file) : file_(file) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(file.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(raw);  // sqlite3_open_v2 allocates a handle even on failure
  if (rc != SQLITE_OK) {
    throw SqliteError("cannot open the database " + file.string() + ": " +
                      (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)) +
                      " (check that the directory exists and is writable)");
  }
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  // 16 KiB pages (taken only when the file is created): a stored webhook delivery (several
  // KiB) then fits one page instead of a chain of overflow pages, which the job store's
  // group commits write a third faster.
  exec("PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
       "PRAGMA synchronous=NORMAL;");
}

std::string SqliteDb::describe(std::string_view context) const {
  return file_.string() + ": " + std::string(context) + ": " + sqlite3_errmsg(db_.get());
}

void SqliteDb::exec(std::string_view sql) {
  std::string s(sql);
  char* message = nullptr;
  if (sqlite3_exec(db_.get(), s.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    throw SqliteError(file_.string() + ": " + text + " (in: " + s.substr(0, 80) + ")");
  }
}

int64_t SqliteDb::lastInsertId() const { return sqlite3_last_insert_rowid(db_.get()); }

int SqliteDb::userVersion() {
  auto st = prepare("PRAGMA user_version");
  st.step();
  return static_cast<int>(st.integer(0));
}

void SqliteDb::setUserVersion(int version) {
  exec("PRAGMA user_version = " + std::to_string(version));
}

Statement::Statement(SqliteDb& db, std::string_view sql) : db_(&db), sql_(sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db.raw(), sql_.data(), static_cast<int>(sql_.size()), &raw, nullptr) !=
      SQLITE_OK) {
    throw SqliteError(db.describe("cannot prepare \"" + sql_.substr(0, 80) + "\""));
  }
  stmt_.reset(raw);
}

Statement& Statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    throw SqliteError(db_->describe("cannot bind parameter " + std::to_string(index)));
  }
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  if (sqlite3_bind_int64(stmt_.get(), index, value) != SQLITE_OK) {
    throw SqliteError(db_->describe("cannot bind parameter " + std::to_string(index)));
  }
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (sqlite3_bind_double(stmt_.get(), index, value) != SQLITE_OK) {
    throw SqliteError(db_->describe("cannot bind parameter " + std::to_string(index)));
  }
  return *this;
}

Statement& Statement::bindNull(int index) {
  if (sqlite3_bind_null(stmt_.get(), index) != SQLITE_OK) {
    throw SqliteError(db_->describe("cannot bind parameter " + std::to_string(index)));
  }
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string what = db_->describe("cannot run \"" + sql_.substr(0, 80) + "\"");
  sqlite3_reset(stmt_.get());
  throw SqliteError(what);
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::string Statement::text(int column) const {
  auto* p = sqlite3_column_text(stmt_.get(), column);
  int n = sqlite3_column_bytes(stmt_.get(), column);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
double Statement::real(int column) const { return sqlite3_column_double(stmt_.get(), column); }
bool Statement::isNull(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

Transaction::Transaction(SqliteDb& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  if (!done_) {
    sqlite3_exec(db_.raw(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace ddd::forges
