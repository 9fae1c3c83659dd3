#include "bot/jobs/postgres.h"

#include <libpq-fe.h>

#include <cstdlib>

namespace ddd::bot {

std::string redactPostgresUrl(const std::string& url) {
  std::string out = url;
  const auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    const auto hostStart = scheme + 3;
    const auto at = out.find('@', hostStart);
    const auto slash = out.find('/', hostStart);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      const auto colon = out.find(':', hostStart);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // password=... in the query string or a key/value connection string
  for (size_t p = out.find("password="); p != std::string::npos;
       p = out.find("password=", p + 1)) {
    const auto end = out.find_first_of("& ", p);
    out.replace(p + 9, (end == std::string::npos ? out.size() : end) - p - 9, "***");
  }
  return out;
}

PgResult::PgResult(pg_result* r) : r_(r, PQclear) {}
int PgResult::rows() const { return PQntuples(r_.get()); }
int64_t PgResult::affected() const {
  const char* n = PQcmdTuples(r_.get());
  return (n == nullptr || *n == '\0') ? 0 : std::strtoll(n, nullptr, 10);
}
std::string PgResult::text(int row, int column) const {
  return std::string(PQgetvalue(r_.get(), row, column),
                     static_cast<size_t>(PQgetlength(r_.get(), row, column)));
}
int64_t PgResult::integer(int row, int column) const {
  return std::strtoll(PQgetvalue(r_.get(), row, column), nullptr, 10);
}
bool PgResult::isNull(int row, int column) const {
  return PQgetisnull(r_.get(), row, column) != 0;
}

PgConnection::PgConnection(const std::string& url) : url_(url) { ensureConnected(); }

PgConnection::~PgConnection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

std::string PgConnection::describe() const { return "PostgreSQL " + redactPostgresUrl(url_); }

void PgConnection::ensureConnected() {
  if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) return;
  if (conn_ != nullptr) {
    PQreset(conn_);  // the server went away: one reconnection attempt
    if (PQstatus(conn_) == CONNECTION_OK) return;
    PQfinish(conn_);
    conn_ = nullptr;
  }
  conn_ = PQconnectdb(url_.c_str());
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    std::string message = conn_ != nullptr ? PQerrorMessage(conn_) : "out of memory";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = nullptr;
    throw PgError("cannot connect to " + describe() + ": " + redactPostgresUrl(message) +
                      " (check the URL, that the server runs and accepts this user)",
                  "");
  }
  PQsetErrorVerbosity(conn_, PQERRORS_DEFAULT);
}

bool PgConnection::inTransaction() const {
  return conn_ != nullptr && PQtransactionStatus(conn_) != PQTRANS_IDLE;
}

PgResult PgConnection::exec(const std::string& sql, const std::vector<std::string>& params,
                            const std::string& what) {
  if (!inTransaction()) ensureConnected();  // never reconnect inside a transaction
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.c_str());
  pg_result* raw = params.empty() ? PQexec(conn_, sql.c_str())
                                  : PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()),
                                                 nullptr, values.data(), nullptr, nullptr, 0);
  PgResult result(raw);
  const auto status = raw == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(raw);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* state = raw != nullptr ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
    std::string message = PQerrorMessage(conn_);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    throw PgError(describe() + ": " + what + ": " + message, state != nullptr ? state : "");
  }
  return result;
}

bool PgConnection::ping() {
  try {
    return exec("SELECT 1", {}, "checking the connection").rows() == 1;
  } catch (const std::exception&) {
    return false;
  }
}

PgTransaction::PgTransaction(PgConnection& c) : c_(c) { c_.exec("BEGIN", {}, "starting a transaction"); }

PgTransaction::~PgTransaction() {
  if (done_) return;
  try {
    c_.exec("ROLLBACK", {}, "rolling back");
  } catch (const std::exception&) {
    // the connection is gone: the server rolled back already
  }
}

void PgTransaction::commit() {
  c_.exec("COMMIT", {}, "committing");
  done_ = true;
}

}  // namespace ddd::bot
