#pragma once
// The pull request text of a proposed change: what changes, why, the risk, how to roll
// it back, and the decision with its reasons ("Why this PR will be merged
// automatically" / "Why this PR needs review"). The body ends with a hidden marker
//   <!-- ddd:change id=<change-id> version=<fingerprint> -->
// that identifies the change on any forge; the fingerprint is a hash of the change's
// edits (paths and new contents), so a PR whose marker carries the same fingerprint
// already shows this exact change.

#include <string>

#include "analyzers/vocabulary.h"
#include "policies/decision.h"

namespace ddd::bot {

// 16 hex digits; the same edits give the same fingerprint.
std::string changeFingerprint(const analyzers::ProposedChange& change);

std::string prMarker(const analyzers::ProposedChange& change);

// `baseCommit` is the hex id of the commit the change was computed on.
std::string renderPrBody(const analyzers::ProposedChange& change,
                         const policies::Decision& decision, const std::string& baseCommit);

// The commit message of the change's branch: the title, a blank line, and a short
// summary (files touched, decision).
std::string commitMessage(const analyzers::ProposedChange& change,
                          const policies::Decision& decision);

}  // namespace ddd::bot
