// libFuzzer target for the deprecations lexers and the Kubernetes reference scanner.
// The first byte picks a language, the rest is the file. Regions must be sorted,
// non-empty, non-overlapping and inside the text; k8s references must lie inside the
// text; nothing may read out of bounds (ASan) or hang.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "analyzers/deprecations/k8s.h"
#include "analyzers/deprecations/lexer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddd::analyzers::deprecations;
  if (size == 0) return 0;
  const auto language = static_cast<Language>(data[0] % kLanguageCount);
  // A heap copy of exactly the file bytes, so ASan sees any read past its end.
  const std::vector<char> file(data + 1, data + size);
  const std::string_view text(file.data(), file.size());

  std::vector<Region> regions;
  lexRegions(language, text, regions);
  std::size_t previousEnd = 0;
  for (const Region& r : regions) {
    if (r.begin >= r.end || r.end > text.size() || r.begin < previousEnd) __builtin_trap();
    previousEnd = r.end;
    if (regionAt(regions, r.begin) != &r) __builtin_trap();
  }

  std::vector<K8sApiRef> refs;
  findK8sApiRefs(text, refs);
  for (const K8sApiRef& ref : refs) {
    if (ref.valueBegin > ref.valueEnd || ref.valueEnd > text.size()) __builtin_trap();
    if (ref.apiVersion.data() != text.data() + ref.valueBegin) __builtin_trap();
  }
  return 0;
}
