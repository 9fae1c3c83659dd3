#pragma once
// The registry_cache table (registry_cache.h) on a SQLite database: the state file of
// `ddd run --local` and the SQLite job store of `ddd serve` keep registry answers in the
// same schema, through these statements.

#include <cstdint>
#include <optional>
#include <string>

#include "bot/registry_cache.h"
#include "forges/sqlite_db.h"

namespace ddd::bot::sqlite_registry_cache {

// Creates the table and its index (inside the caller's migration transaction).
void createTable(forges::SqliteDb& db);

std::optional<RegistryCacheRow> load(forges::SqliteDb& db, const std::string& key);
void save(forges::SqliteDb& db, const RegistryCacheRow& row);  // insert or replace
void touch(forges::SqliteDb& db, const std::string& key, int64_t now);
void drop(forges::SqliteDb& db, const std::string& key);
// Drops rows unused since `unusedBefore`, then the least recently used beyond `maxRows`
// rows or `maxBytes` of payload, in one transaction.
void prune(forges::SqliteDb& db, int64_t maxRows, int64_t maxBytes, int64_t unusedBefore);
int64_t count(forges::SqliteDb& db);

}  // namespace ddd::bot::sqlite_registry_cache
