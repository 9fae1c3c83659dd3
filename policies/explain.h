#pragma once
// Explanations of decisions for people: the PR body section ("Why this PR will be
// merged automatically" / "Why this PR needs review" ...) and the plain-text trace that
// `ddd scan --explain` and `ddd run --local` print. Pure; thread-safe.

#include <string>

#include "policies/decision.h"
#include "policies/guards.h"

namespace ddd::policies {

// "Why this PR will be merged automatically", "Why this PR needs review", ...
std::string explanationHeading(Action a);
// Markdown for the PR body: the reasons, the facts used, the rules considered (in a
// collapsed <details> block) and the guards that still apply before a merge.
std::string explainMarkdown(const Decision& d);
// Plain text, each line prefixed by `indent`: decision, reasons, facts, every rule with
// why it matched or not.
std::string explainText(const Decision& d, const std::string& indent = "");

}  // namespace ddd::policies
