#pragma once
// What every platform does the same with a proposed change: its tree edits for
// git::buildTree, and the labels of its pull request (ddd, ddd:<analyzer>, the decision's
// and the analyzer's own). Pure; thread-safe.

#include <string>
#include <vector>

#include "analyzers/vocabulary.h"
#include <nlohmann/json.hpp>

#include "git/branch.h"
#include "git/tree_edit.h"
#include "policies/decision.h"

namespace ddd::bot {

std::vector<git::TreeEdit> treeEdits(const analyzers::ProposedChange& change);
std::vector<std::string> labelsFor(const analyzers::ProposedChange& change, const policies::Decision& decision);

// When a change's branch is rebuilt on a base that moved on (the repository config's
// pullRequests.rebaseWhen): "conflicted" (the default) only when its change no longer
// applies as it is; "behind-base" always. A branch ddd means to merge itself (automerge,
// or review with mergeOnApproval) always follows its base, so its checks ran on what it
// merges into; `force` (the report's "rebase all" control) too.
git::CommitRequest::Rebase rebaseFor(const nlohmann::json& repoConfig,
                                     const policies::Decision& decision, bool force);

}  // namespace ddd::bot
