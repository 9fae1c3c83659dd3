#include "bot/pr_body.h"

#include <cstdio>
#include <string_view>

#include "bot/version.h"
#include "policies/explain.h"

namespace ddd::bot {
namespace {

constexpr size_t kMaxListedFiles = 50;

uint64_t fnv1a(std::string_view data, uint64_t h) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string section(const char* heading, const std::string& text) {
  if (text.empty()) return {};
  std::string out = std::string("## ") + heading + "\n\n" + text;
  if (out.back() != '\n') out += '\n';
  return out + "\n";
}

}  // namespace

std::string changeFingerprint(const analyzers::ProposedChange& change) {
  uint64_t h = 1469598103934665603ull;
  for (const auto& e : change.edits) {
    h = fnv1a(e.path, h);
    h = fnv1a(std::string_view("\0", 1), h);
    h = fnv1a(e.newContent ? std::string_view("M") : std::string_view("D"), h);
    if (e.newContent) h = fnv1a(*e.newContent, h);
    h = fnv1a(std::string_view("\0", 1), h);
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

std::string prMarker(const analyzers::ProposedChange& change) {
  return "<!-- ddd:change id=" + change.id + " version=" + changeFingerprint(change) + " -->";
}

std::string renderPrBody(const analyzers::ProposedChange& change,
                         const policies::Decision& decision, const std::string& baseCommit) {
  std::string out;
  // The analyzer's own description, or else the list of files the change touches.
  std::string what = change.whatChanges;
  if (what.empty()) {
    what += "Files (" + std::to_string(change.edits.size()) + "):\n";
    for (size_t i = 0; i < change.edits.size() && i < kMaxListedFiles; ++i) {
      const auto& e = change.edits[i];
      what += "- `" + e.path + "`" + (e.newContent ? "" : " (deleted)") + "\n";
    }
    if (change.edits.size() > kMaxListedFiles) {
      what += "- … and " + std::to_string(change.edits.size() - kMaxListedFiles) + " more\n";
    }
  }
  out += section("What changes", what);
  out += section("Why", change.why);
  out += section("Risk", change.risk);
  out +=
      section("Rollback", change.rollback.empty() ? std::string("Revert this PR's single commit.")
                                                  : change.rollback);

  out += section(policies::explanationHeading(decision.action).c_str(),
                 policies::explainMarkdown(decision));

  out += "---\nProposed by ddd " + std::string(kVersion) + " from commit " +
         baseCommit.substr(0, 12) + ".\n\n";
  out += prMarker(change) + "\n";
  return out;
}

std::string commitMessage(const analyzers::ProposedChange& change,
                          const policies::Decision& decision) {
  std::string msg = change.title + "\n\n";
  size_t spans = 0;
  for (const auto& e : change.edits) spans += e.spans.empty() ? 1 : e.spans.size();
  msg += "Edits " + std::to_string(spans) + (spans == 1 ? " place" : " places") + " in " +
         std::to_string(change.edits.size()) + (change.edits.size() == 1 ? " file" : " files") +
         ".\n";
  if (!change.facts.ruleIds.empty()) {
    msg += "Rules:";
    for (const auto& r : change.facts.ruleIds) msg += " " + r;
    msg += "\n";
  }
  msg += "Decision: " + std::string(policies::toString(decision.action)) + " (" + decision.rule +
         ")\n";
  return msg;
}

}  // namespace ddd::bot
