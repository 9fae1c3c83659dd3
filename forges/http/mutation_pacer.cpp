#include "forges/http/mutation_pacer.h"

#include <map>
#include <mutex>
#include <thread>

namespace ddd::forges {
namespace {

struct Pacer {
  std::mutex mutex;
  std::map<std::string, std::chrono::steady_clock::time_point> last;
};

Pacer& pacer() {
  static Pacer p;
  return p;
}

}  // namespace

bool isMutatingMethod(const std::string& method) { return method != "GET" && method != "HEAD"; }

void paceMutation(const MutationPacing& pacing) {
  const auto now = [&pacing] {
    return pacing.now ? pacing.now() : std::chrono::steady_clock::now();
  };
  auto& p = pacer();
  // Held while waiting: writes under any key queue up behind this one, which keeps
  // them in order (the waits are at most `spacing`).
  std::unique_lock<std::mutex> lock(p.mutex);
  auto it = p.last.find(pacing.key);
  if (it != p.last.end()) {
    const auto due = it->second + pacing.spacing;
    const auto t = now();
    if (t < due) {
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(due - t);
      if (pacing.sleep) {
        pacing.sleep(wait);
      } else {
        std::this_thread::sleep_for(wait);
      }
    }
  }
  p.last[pacing.key] = now();
}

}  // namespace ddd::forges
