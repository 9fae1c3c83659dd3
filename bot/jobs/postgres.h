#pragma once
// A small RAII layer over libpq for the PostgreSQL backends: one connection (reconnected
// once when the server dropped it), parameterised statements only (text parameters, no
// string-built SQL values), results owned by PgResult, transactions rolled back unless
// committed. Errors name what was being done and carry the SQLSTATE; connection URLs are
// shown with the password masked.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct pg_conn;
struct pg_result;

namespace ddd::bot {

class PgError : public std::runtime_error {
 public:
  PgError(const std::string& message, std::string sqlState)
      : std::runtime_error(message), sqlState_(std::move(sqlState)) {}
  const std::string& sqlState() const { return sqlState_; }  // "23505", "" when none

 private:
  std::string sqlState_;
};

// "postgresql://ddd:secret@db/ddd" -> "postgresql://ddd:***@db/ddd" (also password= in
// the query string).
std::string redactPostgresUrl(const std::string& url);

class PgResult {
 public:
  explicit PgResult(pg_result* r);
  int rows() const;
  int64_t affected() const;  // rows changed by INSERT / UPDATE / DELETE
  std::string text(int row, int column) const;
  int64_t integer(int row, int column) const;
  bool isNull(int row, int column) const;

 private:
  std::shared_ptr<pg_result> r_;
};

class PgConnection {
 public:
  explicit PgConnection(const std::string& url);  // throws PgError naming the (redacted) URL
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement (or several, without parameters). `what` names the step for errors:
  // "storing a job" -> "PostgreSQL postgresql://...: storing a job: <server message>".
  PgResult exec(const std::string& sql, const std::vector<std::string>& params,
                const std::string& what);
  bool ping();
  std::string describe() const;  // "PostgreSQL <redacted url>"
  bool inTransaction() const;

 private:
  void ensureConnected();
  pg_conn* conn_ = nullptr;
  std::string url_;
};

class PgTransaction {
 public:
  explicit PgTransaction(PgConnection& c);
  ~PgTransaction();  // rolls back unless committed
  void commit();

 private:
  PgConnection& c_;
  bool done_ = false;
};

}  // namespace ddd::bot
