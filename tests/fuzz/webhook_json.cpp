// libFuzzer target: arbitrary bytes as a webhook body, read by the receiver's one-pass
// filtered parse and by nlohmann's callback parser (the reference). Both must accept and
// refuse the same inputs and build the same document (compared as serialised text, so an
// integer read as a double or a different string decoding shows), and the compact text the
// fast one builds from the input's bytes parses to that document. A difference, a crash
// or a hang is a bug.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "forges/webhooks/events.h"
#include "forges/webhooks/filtered_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddd::forges;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Two key sets: the receiver's, and one that keeps the short keys fuzzing invents.
  static const KeptKeys small{{"a", "b", "", "\xC3\xA9", "id"}, 2};
  for (const KeptKeys* keep : {&eventKeys(), &small}) {
    const auto fast = parseFilteredJson(text, *keep);
    const auto reference = parseFilteredJsonReference(text, *keep);
    if (fast.has_value() != reference.has_value()) __builtin_trap();
    if (fast && fast->dump() != reference->dump()) __builtin_trap();
    // The stored text parses to the same document.
    std::string stored;
    const auto withText = parseFilteredJson(text, *keep, &stored);
    if (withText.has_value() != fast.has_value()) __builtin_trap();
    if (withText) {
      const auto again = nlohmann::json::parse(stored, nullptr, false);
      if (again.is_discarded() || again.dump() != fast->dump()) __builtin_trap();
    } else if (!stored.empty()) {
      __builtin_trap();
    }
  }
  return 0;
}
