#pragma once
// The non-schedule facts of the maintenance layer: what triggers maintenance (alert
// rules, thresholds, limits), how health is checked, where failures escalate, which
// operations need a way back, and what the repository's docs already say. Plain values
// made by the extractors (one file each, see extract.h) and read by the readiness score
// and the runbook writer. Every fact keeps its source (path:line).

#include <cstdint>
#include <string>
#include <vector>

#include "analyzers/runbooks/schedule.h"

namespace ddd::analyzers::runbooks {

enum class FactKind {
  Trigger,     // "when X exceeds Y": alert rules, HPA targets, limits, thresholds, timeouts
  Health,      // health routes, probes, HEALTHCHECK, smoke tests, validation tasks
  Escalation,  // error exits, Alertmanager routes/receivers, CODEOWNERS, on-call notes
  Signal,      // other maturity evidence: log management, drift detection, patching,
               // retention / TTL settings, certificate expiry...
};
const char* toString(FactKind k);

struct Fact {
  SourceRef source;
  FactKind kind = FactKind::Trigger;
  std::string type;     // fine-grained: "prometheus-alert", "k8s-probe", "error-exit", ...
  std::string subject;  // what it is about: alert name, route, metric, module
  std::string value;    // the concrete text, verbatim: expr, command, "90", message
  std::vector<std::string> details;  // "for: 5m", "severity: critical", "period 10s"
  std::string component;             // filled by the analyzer
};

// Whether a way back exists for an operation.
enum class RollbackState {
  InCode,    // a working down/undo path in the repository (downgrade(), *.down.sql, ...)
  Missing,   // the operation has an undo slot that is empty or explicitly irreversible
  Unknown,   // the code cannot say (deployments, terraform, upgrades): docs must
};

// An operation that changes a running system and so needs a rollback procedure.
struct Operation {
  SourceRef source;
  std::string type;  // "migration-alembic", "migration-django", "migration-rails",
                     // "migration-flyway", "migration-golang", "migration-js",
                     // "k8s-workload", "helm-chart", "terraform", "package-upgrade",
                     // "backup"
  std::string name;  // migration file stem, workload name, chart name, "terraform main.tf"
  RollbackState rollback = RollbackState::Unknown;
  std::string rollbackEvidence;  // "downgrade() at path:line" or why it is missing
  std::vector<std::string> details;  // "strategy: Recreate", "revisionHistoryLimit: 0"
  std::string component;             // filled by the analyzer
  std::string documentedAt;          // path:line of a doc section covering the rollback
};

// One section of a Markdown document (README, docs/, RUNBOOK, OPERATIONS...).
struct DocSection {
  SourceRef source;     // the heading's line (line 1 for text before the first heading)
  std::string heading;  // without the #'s
  int level = 0;        // 1..6; 0 for text before the first heading
  std::string text;     // the section's body, at most a few KiB, ddd-generated regions removed
  std::string component;  // filled by the analyzer
};

// Everything the extractors found in one file (or in the whole tree once merged).
struct FileFacts {
  std::vector<Fact> facts;
  std::vector<Operation> operations;
  std::vector<DocSection> docs;
  std::vector<std::string> warnings;  // "path:line: what is wrong; skipped"
  uint64_t skippedTemplates = 0;      // YAML that is a template (Helm) until rendered
  std::vector<std::string> emptyUndo; // undo files without a statement (*.down.sql, U__)
  std::vector<Schedule> schedules;    // implied by facts: certificate renewals (expiry.h)
};

}  // namespace ddd::analyzers::runbooks
