#include "forges/http/call_metrics.h"

#include <map>
#include <mutex>
#include <utility>

namespace ddd::forges {
namespace {

struct Counts {
  uint64_t calls = 0;
  uint64_t waits = 0;
  int64_t waitedSeconds = 0;
};

struct Registry {
  std::mutex mutex;
  std::map<std::pair<std::string, std::string>, Counts> byNameAndHost;
};

Registry& registry() {
  static Registry r;
  return r;
}

// A host as a label value: only the characters host names and IPv6 literals have.
std::string labelValue(const std::string& host) {
  std::string out;
  for (char c : host) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '-' || c == ':' || c == '_';
    out += plain ? c : '_';
  }
  return out;
}

}  // namespace

void countHttpCall(const std::string& name, const std::string& host) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  ++r.byNameAndHost[{name, host}].calls;
}

void countRateLimitWait(const std::string& name, const std::string& host,
                        std::chrono::seconds waited) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  Counts& c = r.byNameAndHost[{name, host}];
  ++c.waits;
  c.waitedSeconds += waited.count();
}

std::string renderHttpCallMetrics() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::string out;
  std::string lastName;
  std::string calls, waits, waited;
  auto flush = [&] {
    if (lastName.empty()) return;
    out += "# TYPE ddd_" + lastName + "_calls_total counter\n" + calls;
    out += "# TYPE ddd_" + lastName + "_rate_limit_waits_total counter\n" + waits;
    out += "# TYPE ddd_" + lastName + "_rate_limit_wait_seconds_total counter\n" + waited;
    calls.clear();
    waits.clear();
    waited.clear();
  };
  for (const auto& entry : r.byNameAndHost) {
    const std::string& name = entry.first.first;
    if (name != lastName) {
      flush();
      lastName = name;
    }
    const std::string labels = "{host=\"" + labelValue(entry.first.second) + "\"} ";
    calls += "ddd_" + name + "_calls_total" + labels + std::to_string(entry.second.calls) + "\n";
    waits += "ddd_" + name + "_rate_limit_waits_total" + labels +
             std::to_string(entry.second.waits) + "\n";
    waited += "ddd_" + name + "_rate_limit_wait_seconds_total" + labels +
              std::to_string(entry.second.waitedSeconds) + "\n";
  }
  flush();
  return out;
}

}  // namespace ddd::forges
