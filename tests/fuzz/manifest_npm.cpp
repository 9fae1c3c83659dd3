// libFuzzer target for the npm manager and its position-keeping JSON reader: malformed
// input is a ManifestError, never a crash or hang; every extracted value is exactly the
// bytes of its span; removing a dependency leaves a file that still parses.

#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzers/dependencies/managers/manager.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddd::analyzers::deps;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const Manager* npm = findManager("npm");
  try {
    ExtractResult r = npm->extract("package.json", text);
    for (const auto& d : r.deps) {
      if (d.valueSpan.end() > text.size()) __builtin_trap();
      if (d.skipReason != "escaped-value" &&
          text.compare(d.valueSpan.offset, d.valueSpan.length, d.currentValue) != 0) {
        __builtin_trap();
      }
    }
    if (!r.deps.empty()) {
      if (auto removed = npm->remove(text, r.deps.front())) npm->extract("package.json", *removed);
    }
  } catch (const ManifestError&) {
  }
  return 0;
}
