#include "bot/registry_cache_sqlite.h"

namespace ddd::bot::sqlite_registry_cache {

void createTable(forges::SqliteDb& db) {
  db.exec(
      "CREATE TABLE registry_cache ("
      "  key TEXT PRIMARY KEY, url TEXT NOT NULL, format INTEGER NOT NULL,"
      "  etag TEXT NOT NULL, last_modified TEXT NOT NULL, payload TEXT NOT NULL,"
      "  size INTEGER NOT NULL, stored_at INTEGER NOT NULL, used_at INTEGER NOT NULL);"
      "CREATE INDEX registry_cache_used ON registry_cache (used_at);");
}

std::optional<RegistryCacheRow> load(forges::SqliteDb& db, const std::string& key) {
  auto st = db.prepare(
      "SELECT key, url, format, etag, last_modified, payload, size, stored_at, used_at "
      "FROM registry_cache WHERE key = ?1");
  st.bind(1, key);
  if (!st.step()) return std::nullopt;
  return RegistryCacheRow{st.text(0),    st.text(1),    st.integer(2),
                          st.text(3),    st.text(4),    st.text(5),
                          st.integer(6), st.integer(7), st.integer(8)};
}

void save(forges::SqliteDb& db, const RegistryCacheRow& r) {
  auto st = db.prepare(
      "INSERT OR REPLACE INTO registry_cache (key, url, format, etag, last_modified, payload, "
      "size, stored_at, used_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  st.bind(1, r.key).bind(2, r.url).bind(3, r.format).bind(4, r.etag).bind(5, r.lastModified);
  st.bind(6, r.payload).bind(7, r.size).bind(8, r.storedAt).bind(9, r.usedAt);
  st.run();
}

void touch(forges::SqliteDb& db, const std::string& key, int64_t now) {
  auto st = db.prepare("UPDATE registry_cache SET used_at = ?2 WHERE key = ?1");
  st.bind(1, key).bind(2, now);
  st.run();
}

void drop(forges::SqliteDb& db, const std::string& key) {
  auto st = db.prepare("DELETE FROM registry_cache WHERE key = ?1");
  st.bind(1, key);
  st.run();
}

void prune(forges::SqliteDb& db, int64_t maxRows, int64_t maxBytes, int64_t unusedBefore) {
  forges::Transaction tx(db);
  auto old = db.prepare("DELETE FROM registry_cache WHERE used_at < ?1");
  old.bind(1, unusedBefore);
  old.run();
  auto rows = db.prepare(
      "DELETE FROM registry_cache WHERE key IN (SELECT key FROM registry_cache "
      "ORDER BY used_at DESC, key LIMIT -1 OFFSET ?1)");
  rows.bind(1, maxRows);
  rows.run();
  auto bytes = db.prepare(
      "DELETE FROM registry_cache WHERE key IN (SELECT key FROM (SELECT key, SUM(size) OVER "
      "(ORDER BY used_at DESC, key ROWS UNBOUNDED PRECEDING) AS total FROM registry_cache) AS s "
      "WHERE s.total > ?1)");
  bytes.bind(1, maxBytes);
  bytes.run();
  tx.commit();
}

int64_t count(forges::SqliteDb& db) {
  auto st = db.prepare("SELECT COUNT(*) FROM registry_cache");
  st.step();
  return st.integer(0);
}

}  // namespace ddd::bot::sqlite_registry_cache
