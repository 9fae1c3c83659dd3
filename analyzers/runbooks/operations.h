#pragma once
// Operations that need a way back, and whether the code has one: database migrations
// (Alembic downgrade, Django RunPython/RunSQL reverse, Rails irreversible / up without
// down, Flyway V__ without U__, golang-migrate *.up.sql without *.down.sql, Knex /
// Sequelize / TypeORM down), Kubernetes workloads (rollout strategy,
// revisionHistoryLimit), Helm charts, Terraform resources and state backends, package
// upgrades (state: latest, apt upgrade, unpinned images), backup scripts (and restore
// procedures, as facts of type "restore-procedure").

#include "analyzers/runbooks/file_input.h"

namespace ddd::analyzers::runbooks {

// Per file. Pairings that need other files (Flyway U__, *.down.sql, Terraform backends
// in the same directory) are left for resolveOperations.
void extractOperations(const FileInput& in, FileFacts& out);

// Resolves what needs the whole tree: undo files by name next to the migration they
// undo (empty ones do not count), Terraform backends per directory. `paths`: every path.
void resolveOperations(const std::vector<std::string>& paths, FileFacts& merged);

}  // namespace ddd::analyzers::runbooks
