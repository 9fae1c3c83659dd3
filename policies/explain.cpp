#include "policies/explain.h"

namespace ddd::policies {
namespace {

std::string actionPhrase(Action a) {
  switch (a) {
    case Action::Automerge:
      return "merge automatically once every check passes";
    case Action::Review:
      return "ask a maintainer to review";
    case Action::Draft:
      return "open as a draft";
    case Action::Skip:
      return "open no pull request";
  }
  return "ask a maintainer to review";
}

}  // namespace

std::string explanationHeading(Action a) {
  switch (a) {
    case Action::Automerge:
      return "Why this PR will be merged automatically";
    case Action::Review:
      return "Why this PR needs review";
    case Action::Draft:
      return "Why this PR is a draft";
    case Action::Skip:
      return "Why no PR is opened";
  }
  return "Why this PR needs review";
}

std::string explainMarkdown(const Decision& d) {
  std::string out;
  for (const auto& r : d.reasons) out += "- " + r + "\n";
  out += "\nDecided by rule `" + d.rule + "` (" + d.source + "): " + actionPhrase(d.action) + ".\n";
  if (!d.reviewers.empty()) {
    out += "Reviewers requested:";
    for (const auto& r : d.reviewers) out += " " + r;
    out += ".\n";
  }
  if (d.action == Action::Automerge || d.mergeOnApproval) {
    out +=
        "\nBefore merging, ddd also checks (no rule can override these): the head is the "
        "commit ddd pushed, no one else pushed to the branch, ";
    out += d.ignoreTests ? "(checks not required: `ignoreTests`), " : "checks ran and all passed, ";
    out += "ddd's own checks are green, and the branch is up to date when the base requires it";
    if (!d.requiredChecks.empty()) {
      out += "; required checks:";
      for (const auto& c : d.requiredChecks) out += " `" + c + "`";
    }
    out +=
        d.mergeOnApproval && d.action == Action::Review ? "; and a maintainer approved.\n" : ".\n";
  }
  out += "\n<details><summary>Facts and rules considered</summary>\n\n";
  for (const auto& f : d.facts) out += "- " + f + "\n";
  out += "\n| rule | source | action | result |\n|---|---|---|---|\n";
  for (const auto& t : d.trace) {
    std::string why;
    if (t.matched) {
      why = (t.decided ? "**decided**: " : "matched: ");
      for (size_t i = 0; i < t.held.size(); ++i) why += (i ? "; " : "") + t.held[i];
    } else {
      why = "no: ";
      for (size_t i = 0; i < t.failed.size(); ++i) why += (i ? "; " : "") + t.failed[i];
    }
    for (auto& c : why) {
      if (c == '|' || c == '\n') c = ' ';
    }
    out += "| `" + t.rule + "` | " + t.source + " | " + toString(t.action) + " | " + why + " |\n";
  }
  out += "\nRules are tried in order and the first that matches decides.\n</details>\n";
  return out;
}

std::string explainText(const Decision& d, const std::string& indent) {
  std::string out =
      indent + "decision: " + toString(d.action) + " by " + d.rule + " (" + d.source + ")\n";
  for (const auto& r : d.reasons) out += indent + "  - " + r + "\n";
  if (!d.reviewers.empty()) {
    out += indent + "  reviewers:";
    for (const auto& r : d.reviewers) out += " " + r;
    out += "\n";
  }
  out += indent + "  facts:\n";
  for (const auto& f : d.facts) out += indent + "    " + f + "\n";
  out += indent + "  rules considered (first match decides):\n";
  for (const auto& t : d.trace) {
    out += indent + "    " +
           (t.decided   ? "=> "
            : t.matched ? "+  "
                        : "-  ") +
           t.rule + " [" + toString(t.action) + ", " + t.source + "]\n";
    for (const auto& h : t.held) out += indent + "         yes: " + h + "\n";
    for (const auto& f : t.failed) out += indent + "         no:  " + f + "\n";
  }
  return out;
}

}  // namespace ddd::policies
