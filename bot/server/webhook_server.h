#pragma once
// The webhook receiver of `ddd serve` (Boost.Beast, asynchronous, a few threads):
// POST /webhooks/github and /webhooks/gitlab verify the delivery (HMAC signature /
// token, constant time; a forge without a configured secret gets 401), refuse bodies
// over the cap (413) and malformed JSON (400), drop duplicates (delivery id /
// Idempotency-Key), store the job (the members of the delivery its event is made of,
// forges::eventKeys) and only then answer 202 — no slow work before the
// answer. Events ddd does not act on get 200 (GitLab disables hooks that keep failing).
// GET /healthz, /readyz (the store answers) and /metrics (Prometheus text).

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bot/jobs/job_store.h"
#include "bot/server/server_config.h"

namespace ddd::forges {
struct ForgeEvent;
}

namespace ddd::bot {

// The stored payload of a GitLab job: the event's JSON document (the members of the
// delivery that forges::eventKeys lists), wrapped with its X-Gitlab-Event-UUID (which the
// worker echoes on every GitLab call it makes while handling the event):
// {"eventUuid": "...", "payload": <body>}. `body` must be JSON text.
std::string gitlabJobPayload(const std::string& eventUuid, const std::string& body);

// Counters and a latency histogram, rendered in the Prometheus text format.
class Metrics {
 public:
  void add(const std::string& name, const std::string& labels, uint64_t n = 1);
  void observeSeconds(double seconds);
  std::string render(int64_t queueDepth) const;
  uint64_t get(const std::string& name, const std::string& labels) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, uint64_t, std::less<>> counters_;  // "name{labels}"
  std::vector<uint64_t> buckets_ = std::vector<uint64_t>(10, 0);
  uint64_t observations_ = 0;
  double sum_ = 0;
};

// Whether ddd acts on this event (others are answered 200 and dropped).
bool isRelevantGithubEvent(const std::string& event, const std::string& action);
bool isRelevantGitlabEvent(const forges::ForgeEvent& e);

class WebhookServer {
 public:
  // Without `webhooks` (a process of the worker or scheduler role) it serves only
  // /healthz, /readyz and /metrics (its own forge calls): deliveries are answered 404,
  // naming the receiver.
  WebhookServer(ServerConfig config, std::shared_ptr<JobStore> store,
                std::shared_ptr<Metrics> metrics, bool webhooks = true);
  ~WebhookServer();
  // Binds and serves on `threads` threads; returns at once. Throws std::runtime_error
  // naming the address when it can't bind.
  void start(int threads);
  unsigned short port() const { return port_; }
  // Stops accepting, lets requests in flight finish (at most `graceMs`), joins.
  void stop(int graceMs = 5000);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  unsigned short port_ = 0;
};

}  // namespace ddd::bot
