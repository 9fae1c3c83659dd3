#pragma once
// What the bot does with a proposed change, and why: the Decision vocabulary. The
// policy engine (policies/engine.h) makes decisions from explicit rules and records
// a trace of every rule it considered; decideWithDefaults() is the engine with only
// the built-in safe defaults (policies/README.md). Pure functions; thread-safe.

#include <optional>
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

// One rule as the engine considered it, for explanations.
struct RuleTrace {
  std::string rule;    // its name
  std::string source;  // where it came from ("built-in", "repository .github/ddd.json /policies/1")
  Action action = Action::Review;
  bool matched = false;
  bool decided = false;             // the first match: this rule made the decision
  std::vector<std::string> held;    // match fields that held
  std::vector<std::string> failed;  // match fields that did not
};

struct Decision {
  Action action = Action::Review;
  std::string rule;                  // the rule that decided, e.g. "defaults.safe-deprecation-fix"
  std::vector<std::string> reasons;  // human-readable, one sentence each
  std::string source;                // where the deciding rule came from
  // What the deciding rule asks of the PR.
  std::vector<std::string> reviewers;  // users, "org/team"; "@codeowners" already resolved
  std::vector<std::string> labels;
  std::string mergeMethod;  // merge|squash|rebase, "" = the forge's default
  std::vector<std::string> requiredChecks;
  bool mergeOnApproval = false;
  bool ignoreTests = false;
  // The explanation: the facts used ("updateType: minor") and every rule considered.
  std::vector<std::string> facts;
  std::vector<RuleTrace> trace;
};

// "automerge" etc. back to the Action; nullopt for anything else.
std::optional<Action> actionFromString(const std::string& s);

// The built-in safe defaults only (PolicyEngine with no configured rules).
Decision decideWithDefaults(const analyzers::ProposedChange& change);

// True for paths whose changes always need a human: CI definitions (.github/workflows/,
// .gitlab-ci.yml, .gitlab/ci/) and CODEOWNERS files. On a match, `why` gets a short
// description ("CI changes always need review").
bool isProtectedPath(const std::string& path, std::string* why = nullptr);

}  // namespace ddd::policies
