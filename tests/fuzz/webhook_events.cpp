// libFuzzer target: arbitrary bytes as a webhook body, normalised as every GitHub and
// GitLab event ddd queues, and wrapped the way the receiver stores a GitLab job (the
// wrapper read back must give the body's JSON unchanged, whatever bytes the event UUID
// header holds). Anything but std::invalid_argument (a body that is not an object)
// escaping, a crash or a hang is a bug.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "bot/server/webhook_server.h"
#include "forges/webhooks/events.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddd;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  static const char* const kGithub[] = {
      "issue_comment", "issues", "pull_request", "pull_request_review", "check_suite",
      "check_run",     "status", "push",         "installation"};
  static const char* const kGitlab[] = {"Note Hook", "Merge Request Hook", "Pipeline Hook",
                                        "Push Hook", "Issue Hook", "System Hook"};
  try {
    for (const char* event : kGithub) (void)forges::normalizeGithub(event, j, "delivery");
    for (const char* event : kGitlab) {
      const auto e = forges::normalizeGitlab(event, j, "uuid");
      (void)forges::queueKey(e);
      (void)bot::isRelevantGitlabEvent(e);
    }
  } catch (const std::invalid_argument&) {
    if (j.is_object()) __builtin_trap();  // only non-objects are refused
  }
  // The event UUID is a header: any bytes (here the body's first ones).
  const std::string uuid = text.substr(0, 12);
  auto stored = nlohmann::json::parse(bot::gitlabJobPayload(uuid, text), nullptr, false);
  if (stored.is_discarded() || stored["payload"] != j || !stored["eventUuid"].is_string())
    __builtin_trap();
  return 0;
}
