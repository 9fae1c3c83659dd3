#pragma once
// A small RAII layer over SQLite for the stores of ddd (the local forge's pull
// requests, the bot's state). One SqliteDb is one connection: not thread-safe, open
// one per thread. Errors are SqliteError exceptions naming the database file and the
// statement. Connections open in WAL mode with a busy timeout, so several connections
// (for example the state store and the local forge sharing one file) can work side by
// side; writes that belong together go through a Transaction.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace ddd::forges {

class SqliteError : public std::runtime_error {
 public:
  explicit SqliteError(const std::string& what) : std::runtime_error(what) {}
};

class SqliteDb;

// A prepared statement. Bind parameters are 1-based, as in SQLite.
class Statement {
 public:
  Statement(SqliteDb& db, std::string_view sql);
  Statement(Statement&&) noexcept = default;

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bindNull(int index);

  // Steps once: true when a row is available, false when the statement is done.
  bool step();
  // Steps to completion, ignoring rows.
  void run();
  // Resets for another execution with new bindings.
  void reset();

  std::string text(int column) const;
  int64_t integer(int column) const;
  double real(int column) const;
  bool isNull(int column) const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const;
  };
  SqliteDb* db_;
  std::string sql_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

class SqliteDb {
 public:
  // Opens (creating when missing) the database file. The parent directory must exist.
  // Sets journal_mode=WAL, foreign_keys=ON and a busy timeout. Throws SqliteError.
  explicit SqliteDb(const std::filesystem::path& file);
  SqliteDb(SqliteDb&&) noexcept = default;
  SqliteDb& operator=(SqliteDb&&) noexcept = default;

  // Runs one or more statements without results (DDL, PRAGMA writes).
  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) { return Statement(*this, sql); }
  int64_t lastInsertId() const;
  int userVersion();
  void setUserVersion(int version);

  const std::filesystem::path& file() const { return file_; }
  sqlite3* raw() const { return db_.get(); }
  // "<file>: <context>: <sqlite message>", for errors.
  std::string describe(std::string_view context) const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  std::filesystem::path file_;
  std::unique_ptr<sqlite3, Closer> db_;
};

// BEGIN IMMEDIATE on construction; commit() makes the writes durable; destruction
// without commit() rolls everything back (so an exception leaves nothing half-written).
class Transaction {
 public:
  explicit Transaction(SqliteDb& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  SqliteDb& db_;
  bool done_ = false;
};

}  // namespace ddd::forges
