#pragma once
// The policy engine: decides per proposed change between automerge, review, draft and
// skip from an ordered list of rules, and explains the decision. Order (first match
// wins, see policies/README.md): server `enforced` rules, then the repository's
// `policies`, then server `defaults`, then the built-in safe defaults — the last of
// which matches everything, so every change gets a decision. An engine is immutable
// after construction and safe to share between threads.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analyzers/vocabulary.h"
#include "policies/codeowners.h"
#include "policies/decision.h"
#include "policies/rules.h"

namespace ddd::policies {

// Server-wide rules from the server config's `policies` object.
struct ServerPolicies {
  std::vector<Rule> enforced;  // before the repository's rules: a repository can't override
  std::vector<Rule> defaults;  // after them: a repository can
};
// Parses {"enforced": [...], "defaults": [...]} (both optional). Throws PolicyError.
ServerPolicies parseServerPolicies(const nlohmann::json& j, const std::string& source);

// How much of the explanation decide() writes. Full: the facts and every rule
// considered with each field's verdict (what PR bodies, `--explain` and JSON show).
// Brief: the action, the deciding rule, its reasons and settings only, for bulk
// evaluation (held-back changes, the weekly report); the same decision, much cheaper.
enum class Explain { Full, Brief };

class PolicyEngine {
 public:
  PolicyEngine();  // built-in defaults only
  PolicyEngine(std::vector<Rule> repositoryRules, ServerPolicies server = {});
  // The repository config's `policies` array (null/absent = none); `configPath` names it
  // in errors. Throws PolicyError.
  static PolicyEngine fromConfig(const nlohmann::json& repositoryPolicies,
                                 const std::string& configPath, ServerPolicies server = {});

  // Decides one change. `owners` resolves the "@codeowners" reviewer (may be empty).
  Decision decide(const analyzers::ProposedChange& change, const Codeowners& owners = {},
                  Explain explain = Explain::Full) const;

  const std::vector<Rule>& rules() const { return rules_; }  // in evaluation order

 private:
  std::vector<Rule> rules_;
};

}  // namespace ddd::policies
