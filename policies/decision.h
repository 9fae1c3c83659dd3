#pragma once
// What the bot does with a proposed change, and why. Until the policy engine reads
// rules from the repository config, decideWithDefaults() applies the safe defaults:
// only deprecation fixes made entirely of edits whose rules are marked safe, and that
// touch no CI workflow or CODEOWNERS file, are merged automatically; every other
// change is opened for review (or as a draft when the analyzer is unsure), and a
// change with no edits is skipped. Pure functions; thread-safe.

#include <string>
#include <vector>

#include "analyzers/vocabulary.h"

namespace ddd::policies {

enum class Action {
  Automerge,  // open the PR and merge it once checks pass
  Review,     // open the PR for a maintainer
  Draft,      // open the PR as a draft: the change needs work before review
  Skip,       // open nothing
};
const char* toString(Action a);  // "automerge", "review", "draft", "skip"

struct Decision {
  Action action = Action::Review;
  std::string rule;                  // the rule that decided, e.g. "defaults.safe-deprecation-fix"
  std::vector<std::string> reasons;  // human-readable, one sentence each
};

Decision decideWithDefaults(const analyzers::ProposedChange& change);

// True for paths whose changes always need a human: CI definitions (.github/workflows/,
// .gitlab-ci.yml, .gitlab/ci/) and CODEOWNERS files. On a match, `why` gets a short
// description ("CI changes always need review").
bool isProtectedPath(const std::string& path, std::string* why = nullptr);

}  // namespace ddd::policies
