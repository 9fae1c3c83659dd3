#pragma once
// Markdown as the runbooks see it: ATX sections (headings outside fenced code), and the
// ddd-managed regions between `<!-- ddd:begin ID -->` and `<!-- ddd:end ID -->` lines
// that regeneration rewrites. Everything outside the regions is human text and is never
// changed. A file whose markers are broken (unclosed, unopened, nested, mismatched or
// duplicate ids, malformed) is not merged at all: the caller warns and leaves it alone.
// Pure functions; never throw.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ddd::analyzers::runbooks {

struct MarkdownSection {
  uint32_t line = 1;    // the heading's line; 1 for text before the first heading
  int level = 0;        // 1..6; 0 for text before the first heading
  std::string heading;  // trimmed, without the #'s and closing #'s
  size_t bodyBegin = 0;  // byte span of the body (after the heading line)
  size_t bodyEnd = 0;
};
std::vector<MarkdownSection> splitSections(std::string_view text);

struct MarkerRegion {
  std::string id;
  uint32_t beginLine = 0;  // the marker lines, 1-based
  uint32_t endLine = 0;
  size_t contentBegin = 0;  // byte span between the two marker lines
  size_t contentEnd = 0;
};

struct MarkerParse {
  std::vector<MarkerRegion> regions;  // in file order
  std::vector<std::string> errors;    // "line 12: ddd:begin daily has no ddd:end"
  bool ok() const { return errors.empty(); }
};
MarkerParse parseMarkers(std::string_view text);

std::string beginMarker(const std::string& id);  // "<!-- ddd:begin ID -->"
std::string endMarker(const std::string& id);

// The text with every region's content blanked (newlines kept, so line numbers stay):
// what humans wrote. Unchanged when the markers are broken.
std::string withoutRegions(std::string_view text);

struct MergeResult {
  std::optional<std::string> content;  // nullopt: broken markers, leave the file alone
  std::vector<std::string> errors;
};
// Regenerates a file. `existing` nullopt (no file yet): `fresh` is the whole new file.
// Otherwise each region of `existing` whose id is in `regions` gets that content (which
// should end with '\n'); regions the file lacks are appended at its end, each with its
// markers; regions of the file no longer generated keep their content. Text outside
// markers is copied byte for byte.
MergeResult mergeRegions(const std::optional<std::string>& existing, const std::string& fresh,
                         const std::vector<std::pair<std::string, std::string>>& regions);

}  // namespace ddd::analyzers::runbooks
