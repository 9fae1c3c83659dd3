// libFuzzer target for the TOML managers (Cargo.toml, pyproject.toml): the first byte
// picks one; no crash or hang; a malformed file is a ManifestError and nothing else;
// every value is exactly the bytes of its span, inside the text; an update of every span
// leaves the file valid TOML (the spans are whole string contents); removals stay inside
// the text and parse again.

#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzers/dependencies/managers/manager.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddd::analyzers::deps;
  if (size == 0 || size > 64 * 1024) return 0;
  const Manager* m = findManager(data[0] % 2 == 0 ? "cargo" : "pyproject");
  const std::string path = data[0] % 2 == 0 ? "fuzz/Cargo.toml" : "fuzz/pyproject.toml";
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  ExtractResult r;
  try {
    r = m->extract(path, text);
  } catch (const ManifestError&) {
    return 0;
  }
  std::vector<SpanReplacement> edits;
  for (const auto& d : r.deps) {
    if (d.valueSpan.length == 0) continue;
    if (d.valueSpan.end() > text.size()) __builtin_trap();
    if (text.compare(d.valueSpan.offset, d.valueSpan.length, d.currentValue) != 0) __builtin_trap();
    edits.push_back({d.valueSpan, "1.2.3"});
  }
  if (!edits.empty()) {
    std::string updated;
    try {
      updated = applySpanEdits(text, edits);
    } catch (const std::invalid_argument&) {
      __builtin_trap();  // spans of one file never overlap
    }
    try {
      (void)m->extract(path, updated);
    } catch (const ManifestError&) {
      // Rewriting string contents with plain text can't make valid TOML invalid, except
      // for a key written twice after the update (not possible: keys are not touched).
      __builtin_trap();
    }
  }
  for (const auto& d : r.deps) {
    auto removed = m->remove(text, d);
    if (!removed) continue;
    if (removed->size() >= text.size()) __builtin_trap();
    try {
      (void)m->extract(path, *removed);
    } catch (const ManifestError&) {
      __builtin_trap();
    }
  }
  return 0;
}
