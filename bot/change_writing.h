#pragma once
// What every platform does the same with a proposed change: its tree edits for
// git::buildTree, and the labels of its pull request (ddd, ddd:<analyzer>, the decision's
// and the analyzer's own). Pure; thread-safe.

#include <string>
#include <vector>

#include "analyzers/vocabulary.h"
#include "git/tree_edit.h"
#include "policies/decision.h"

namespace ddd::bot {

std::vector<git::TreeEdit> treeEdits(const analyzers::ProposedChange& change);
std::vector<std::string> labelsFor(const analyzers::ProposedChange& change, const policies::Decision& decision);

}  // namespace ddd::bot
