#pragma once
// The extraction driver: reads the files of a tree (in parallel), parses YAML once per
// file (multi-document; Helm templates skipped with a count, malformed YAML skipped with
// a warning naming file and line), runs every extractor (triggers.h, health.h,
// escalation.h, operations.h, docs.h, signals.h) and merges their facts sorted by
// (path, line). Never throws for bad input.

#include <functional>
#include <string>
#include <string_view>

#include "analyzers/runbooks/facts.h"
#include "analyzers/source_tree.h"

namespace ddd::analyzers::runbooks {

// One file: everything the extractors find in it (no cross-file resolution).
FileFacts extractFile(const std::string& path, std::string_view content);

// The whole tree, with cross-file pairings resolved (resolveOperations). `want`, when
// set, selects the paths to read (the others are neither read nor paired).
FileFacts extractFacts(const SourceTree& tree,
                       const std::function<bool(const std::string&)>& want = {});

}  // namespace ddd::analyzers::runbooks
