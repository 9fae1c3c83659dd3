// libFuzzer target for the Helm manager (Chart.yaml): no crash or hang (YAML goes
// through the guard); a malformed file is a ManifestError and nothing else; every value
// is exactly the bytes of its span, inside the text; removals are smaller and read again
// with one dependency less.

#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzers/dependencies/managers/manager.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddd::analyzers::deps;
  if (size > 64 * 1024) return 0;
  const Manager* m = findManager("helm");
  const std::string text(reinterpret_cast<const char*>(data), size);
  ExtractResult r;
  try {
    r = m->extract("fuzz/Chart.yaml", text);
  } catch (const ManifestError&) {
    return 0;
  }
  for (const auto& d : r.deps) {
    if (d.valueSpan.length == 0) continue;
    if (d.valueSpan.end() > text.size()) __builtin_trap();
    if (text.compare(d.valueSpan.offset, d.valueSpan.length, d.currentValue) != 0) __builtin_trap();
  }
  for (const auto& d : r.deps) {
    auto removed = m->remove(text, d);
    if (!removed) continue;
    if (removed->size() >= text.size()) __builtin_trap();
    try {
      if (m->extract("fuzz/Chart.yaml", *removed).deps.size() >= r.deps.size()) __builtin_trap();
    } catch (const ManifestError&) {
      __builtin_trap();
    }
  }
  return 0;
}
