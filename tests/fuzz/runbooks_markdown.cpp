// libFuzzer target for the runbooks' Markdown parser (analyzers/runbooks/markdown.h):
// sections and ddd marker regions. No crash or hang; every span lies inside the text;
// a merge either refuses (broken markers, with errors) or keeps every byte outside the
// regions and yields a file whose markers parse again.

#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzers/runbooks/markdown.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddd::analyzers::runbooks;
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const MarkdownSection& s : splitSections(text)) {
    if (s.bodyBegin > s.bodyEnd || s.bodyEnd > text.size()) __builtin_trap();
  }
  const MarkerParse parse = parseMarkers(text);
  size_t last = 0;
  for (const MarkerRegion& r : parse.regions) {
    if (r.contentBegin > r.contentEnd || r.contentEnd > text.size() || r.contentBegin < last) {
      __builtin_trap();
    }
    last = r.contentEnd;
  }
  if (withoutRegions(text).size() != text.size()) __builtin_trap();
  const MergeResult merged =
      mergeRegions(text, "unused", {{"daily", "- [ ] new\n"}, {"weekly", "x\n"}});
  if (!merged.content) {
    if (merged.errors.empty() || parse.ok()) __builtin_trap();
    return 0;
  }
  const MarkerParse again = parseMarkers(*merged.content);
  if (!again.ok()) __builtin_trap();
  // Text before the first region is copied byte for byte.
  const size_t head = parse.regions.empty() ? text.size() : parse.regions[0].contentBegin;
  if (merged.content->compare(0, head, text, 0, head) != 0) __builtin_trap();
  // Merging the merged file again changes nothing (idempotent).
  const MergeResult twice =
      mergeRegions(*merged.content, "unused", {{"daily", "- [ ] new\n"}, {"weekly", "x\n"}});
  if (!twice.content || *twice.content != *merged.content) __builtin_trap();
  return 0;
}
