#include <cstdio>
#include <map>

#include "bot/report.h"
#include "policies/decision.h"
#include "policies/explain.h"

namespace ddd::bot {
namespace {

std::string plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string megabytes(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
  return buf;
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

}  // namespace

std::string renderText(const ScanReport& report, bool explain) {
  std::string out;
  const auto& findings = report.result.findings;
  const auto& changes = report.result.changes;

  // Findings grouped by path (they are sorted by path already).
  std::string currentPath;
  bool first = true;
  for (const auto& f : findings) {
    if (first || f.path != currentPath) {
      if (!first) out += "\n";
      out += (f.path.empty() ? std::string("(repository)") : f.path) + "\n";
      currentPath = f.path;
      first = false;
    }
    std::string where = f.line ? std::to_string(f.line) : std::string("-");
    if (f.column) {
      where += ':';
      where.append(std::to_string(f.column));
    }
    out += "  " + where + "  " + analyzers::toString(f.severity) + "  " + f.rule + "  " +
           f.message + "\n";
  }

  if (!changes.empty()) {
    if (!findings.empty()) out += "\n";
    out += "Proposed changes:\n";
    for (size_t i = 0; i < changes.size(); ++i) {
      const auto& c = changes[i];
      const auto decision =
          i < report.decisions.size() ? report.decisions[i] : policies::decideWithDefaults(c);
      out += "  " + c.branch() + "  " + c.title + "  (" + plural(c.edits.size(), "file", "files") +
             ", " + policies::toString(decision.action) + ")\n";
      if (explain) out += policies::explainText(decision, "      ");
    }
  }

  if (!report.result.warnings.empty()) {
    out += "\nWarnings:\n";
    for (const auto& w : report.result.warnings) out += "  " + w + "\n";
  }

  std::map<analyzers::Severity, uint64_t> bySeverity;
  std::map<std::string, bool> paths;
  for (const auto& f : findings) {
    ++bySeverity[f.severity];
    paths[f.path] = true;
  }
  std::string severities;
  for (auto s : {analyzers::Severity::Error, analyzers::Severity::Warning,
                 analyzers::Severity::Note, analyzers::Severity::Info}) {
    if (!bySeverity[s]) continue;
    severities += (severities.empty() ? "" : ", ") + std::to_string(bySeverity[s]) + " " +
                  analyzers::toString(s);
  }
  const auto& st = report.stats;
  if (!findings.empty() || !changes.empty() || !report.result.warnings.empty()) out += "\n";
  out += plural(findings.size(), "finding", "findings");
  if (!severities.empty()) out += " (" + severities + ")";
  out += " in " + plural(paths.size(), "file", "files") + ", " +
         plural(changes.size(), "proposed change", "proposed changes") + "; scanned " +
         plural(st.files, "file", "files") + " (" + megabytes(st.bytes) + ") of " +
         report.commit.shortHex() + " in " + seconds(st.seconds);
  if (st.skipped) {
    std::string reasons;
    for (const auto& [reason, n] : st.skippedByReason) {
      if (n) reasons += (reasons.empty() ? "" : ", ") + std::to_string(n) + " " + reason;
    }
    out += ", skipped " + std::to_string(st.skipped) + " (" + reasons + ")";
  }
  out += "\n";
  return out;
}

}  // namespace ddd::bot
