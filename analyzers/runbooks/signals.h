#pragma once
// Maturity signals: evidence for the readiness elements that are not triggers, health
// checks, escalations or operations. Each fact has kind Signal and, as type, the element
// it supports: "log-management" (logrotate, logging handlers / config, compose logging
// limits), "drift-detection" (terraform plan, ansible --check/--diff, helm diff, kubectl
// diff, Argo CD selfHeal), "patching" (Dependabot / Renovate, unattended-upgrades),
// "change-validation" (CI workflows, Molecule, lint / syntax checks, test files),
// "performance-baselines" (benchmarks, load tests), "compliance-audit" (SECURITY.md,
// audit policies, scanners, policy as code), "lifecycle" (CHANGELOG, end of life,
// supported platforms). Its pass over the lines also feeds the retention / certificate
// line matcher (expiry.h: ExpiryLines), so a file is scanned once for both.

#include "analyzers/runbooks/file_input.h"

namespace ddd::analyzers::runbooks {

void extractSignals(const FileInput& in, FileFacts& out);

}  // namespace ddd::analyzers::runbooks
