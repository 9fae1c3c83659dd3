#pragma once
// Counts of the calls HTTP clients made and of the rate-limit waits they sat through, per
// client name ("forge") and host, for the receiver's /metrics (Prometheus text format).
// Only clients whose options name them (HttpClientOptions::metricsName) are counted.
// Process-wide; thread-safe.

#include <chrono>
#include <cstdint>
#include <string>

namespace ddd::forges {

void countHttpCall(const std::string& name, const std::string& host);
void countRateLimitWait(const std::string& name, const std::string& host,
                        std::chrono::seconds waited);

// ddd_<name>_calls_total{host="..."}, ddd_<name>_rate_limit_waits_total{host="..."} and
// ddd_<name>_rate_limit_wait_seconds_total{host="..."}, every name and host counted so far
// ("" when none).
std::string renderHttpCallMetrics();

}  // namespace ddd::forges
