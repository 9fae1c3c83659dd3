#pragma once
// Conditional triggers ("when X exceeds Y"): Prometheus alerting rules (plain rule files
// and PrometheusRule objects: alert, expr, for, labels.severity), HorizontalPodAutoscaler
// targets, container resource requests/limits, and thresholds / timeouts / retry limits
// assigned to or compared against named metrics in code and config.

#include "analyzers/runbooks/file_input.h"

namespace ddd::analyzers::runbooks {

void extractTriggers(const FileInput& in, FileFacts& out);

}  // namespace ddd::analyzers::runbooks
