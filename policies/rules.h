#pragma once
// Policy rules: what a rule matches (facts of a proposed change) and what it decides
// (automerge / review / draft / skip, with reviewers, labels, merge settings). Rules
// come from the repository config (`policies`: an ordered array), from the server
// config (`enforced` rules evaluated before the repository's, `defaults` after them)
// and from the built-in safe defaults (last). The first rule whose every match field
// holds decides; see policies/README.md. A Rule is immutable after parsing and safe
// to share between threads (globs and regexes are compiled once).

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "analyzers/vocabulary.h"
#include "policies/decision.h"

namespace ddd::policies {

// An invalid rule: the message names the source, the JSON pointer and the problem
// ("repository .github/ddd.json: /policies/2/match/updateType: \"huge\" is not one of
// major, minor, patch, pin, digest, ...").
class PolicyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A compiled name matcher: globs (`@types/*`) or regexes written `/.../`.
class NamePattern;

struct Match {
  std::vector<std::string> analyzers;        // any of
  std::vector<std::string> ruleIds;          // globs; any rule id of the change matches any
  std::vector<std::string> ecosystems;       // any of
  std::vector<std::string> packages;         // globs or /regex/; every package must match one
  std::vector<std::string> dependencyTypes;  // prod|dev|peer|optional|...; any of
  std::vector<std::string> updateTypes;      // major|minor|patch|pin|digest|fix|delete|docs
  std::optional<int64_t> minReleaseAgeDays;  // release age known and >= N
  std::optional<uint32_t> maxFiles;          // filesTouched <= N
  std::optional<uint32_t> maxLines;          // linesTouched <= N
  std::vector<std::string> paths;            // globs: some changed file matches
  std::vector<std::string> allPaths;         // globs: every changed file matches
  std::optional<double> minConfidence;       // confidence >= X
  std::optional<double> confidenceBelow;     // confidence < X
  std::optional<bool> lockfileStale;
  std::optional<bool> safe;          // every edit comes from a rule marked safe
  std::optional<bool> deletesFiles;  // some edit deletes a file
  std::vector<std::string> labels;   // the change carries all of these labels

  // Compiled forms and the lists as explanations print them (filled by parseRule).
  std::shared_ptr<const NamePattern> ruleIdPattern, packagePattern, pathPattern, allPathPattern;
  struct Texts {
    std::string analyzers, ecosystems, dependencyTypes, updateTypes, ruleIds, packages, paths,
        allPaths;
  };
  std::shared_ptr<const Texts> texts;
};

struct Rule {
  std::string name;         // "automerge-dev-minor" (defaults to "<source>#<index>")
  std::string source;       // "repository .github/ddd.json /policies/0", "server", "built-in"
  std::string description;  // why the rule exists, shown in explanations
  Match match;
  Action action = Action::Review;
  std::vector<std::string> reviewers;       // users, "org/team", or "@codeowners"
  std::vector<std::string> labels;          // added to the PR
  std::string mergeMethod;                  // merge|squash|rebase ("" = the forge's default)
  std::vector<std::string> requiredChecks;  // check names that must be green
  bool mergeOnApproval = false;             // review: merge once approved and green
  bool ignoreTests = false;                 // automerge even when no check ran (explicit opt-in)
};

// One rule parsed from JSON (the schema in analyzers/config/repo-config.schema.json,
// `policies` items). `source` and `pointer` name it in errors. Throws PolicyError.
Rule parseRule(const nlohmann::json& j, const std::string& source, const std::string& pointer);
// An array of rules. Throws PolicyError for anything that is not an array of valid rules.
std::vector<Rule> parseRules(const nlohmann::json& j, const std::string& source,
                             const std::string& pointer);

// The built-in safe defaults, in order (policies/README.md lists them).
const std::vector<Rule>& builtinRules();

// A change with what the match fields need computed once. Refers to `change`, which
// must outlive it.
struct PreparedChange {
  explicit PreparedChange(const analyzers::ProposedChange& change);
  const analyzers::ProposedChange& change;
  std::vector<std::string> paths;    // edited files plus facts.paths, sorted, unique
  std::vector<std::string> deleted;  // files the change deletes
  uint64_t edits = 0;                // replaced spans (a whole-file edit counts one)
  uint32_t lines = 0;                // facts.linesTouched, else counted from the spans
  uint64_t files = 0;                // facts.filesTouched, else paths.size()
};

// The outcome of testing one rule against one change: whether it matched and a line
// per match field ("update type minor is one of minor, patch").
struct RuleCheck {
  bool matched = true;
  std::vector<std::string> held;    // fields that held
  std::vector<std::string> failed;  // fields that did not (empty when matched)
};
RuleCheck checkRule(const Rule& rule, const PreparedChange& change);
// The same verdict as checkRule(...).matched, without building any text (the engine's
// fast path).
bool ruleMatches(const Rule& rule, const PreparedChange& change);

}  // namespace ddd::policies
