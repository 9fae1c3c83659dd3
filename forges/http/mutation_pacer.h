#pragma once
// Spacing of mutating forge calls: GitHub and GitLab both ask integrations to send
// writes one at a time and not in bursts (secondary rate limits). One process-wide
// record of the last write per key (a GitHub installation, a GitLab token's host and
// project), shared by every forge object; a write waits until `spacing` has passed
// since the previous write with the same key. Clock and sleep are injectable so tests
// never sleep. Thread-safe.

#include <chrono>
#include <functional>
#include <string>

namespace ddd::forges {

struct MutationPacing {
  std::string key;  // writes with the same key are spaced
  std::chrono::milliseconds spacing{1000};
  std::function<std::chrono::steady_clock::time_point()> now;  // default steady_clock
  std::function<void(std::chrono::milliseconds)> sleep;        // default sleep_for
};

// True for the HTTP methods that change state (everything but GET and HEAD).
bool isMutatingMethod(const std::string& method);

// Waits, if needed, before a write under `pacing.key`, and records it.
void paceMutation(const MutationPacing& pacing);

}  // namespace ddd::forges
