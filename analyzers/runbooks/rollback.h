#pragma once
// Rollback paths: which operations the repository's docs already cover, and what a
// missing rollback section must say for each kind of operation.

#include <string>
#include <vector>

#include "analyzers/runbooks/facts.h"

namespace ddd::analyzers::runbooks {

// Sets Operation::documentedAt to the first doc section (human text only) that covers
// the operation's rollback: a section about rollback / revert / undo / downgrade /
// restore that names the operation (its name or file), or one in the operation's own
// component that names its kind (a migration, helm rollback, rollout undo, terraform,
// the package, restore). Components must be set on both.
void matchRollbackDocs(std::vector<Operation>& operations, const std::vector<DocSection>& docs);

// What the operation's rollback section must say (one sentence, for findings and TODOs).
std::string rollbackNeeds(const Operation& op);

// "Alembic migration", "Kubernetes workload", ... for messages.
std::string operationLabel(const Operation& op);

}  // namespace ddd::analyzers::runbooks
