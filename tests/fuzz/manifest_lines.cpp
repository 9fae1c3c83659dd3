// libFuzzer target for the line-oriented managers (requirements files, go.mod,
// Dockerfiles, workflow files): the first byte picks one; no crash or hang; every value
// and digest is exactly the bytes of its span; removals stay inside the text.

#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzers/dependencies/managers/manager.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddd::analyzers::deps;
  if (size == 0) return 0;
  static const char* kNames[] = {"pip_requirements", "gomod", "dockerfile", "github-actions"};
  const Manager* m = findManager(kNames[data[0] % 4]);
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    ExtractResult r = m->extract("fuzz/requirements.txt", text);
    for (const auto& d : r.deps) {
      if (d.valueSpan.length == 0) continue;
      if (d.valueSpan.end() > text.size()) __builtin_trap();
      if (text.compare(d.valueSpan.offset, d.valueSpan.length, d.currentValue) != 0)
        __builtin_trap();
    }
    for (const auto& d : r.deps) {  // pins: the digest is its span's bytes too
      if (!d.digestSpan) continue;
      if (d.digestSpan->end() > text.size()) __builtin_trap();
      if (text.compare(d.digestSpan->offset, d.digestSpan->length, d.currentDigest) != 0)
        __builtin_trap();
    }
    for (const auto& d : r.deps) {
      if (auto removed = m->remove(text, d); removed && removed->size() > text.size())
        __builtin_trap();
    }
  } catch (const ManifestError&) {
  }
  return 0;
}
