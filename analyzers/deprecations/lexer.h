#pragma once
// Per-language lexers that find the comment and string-literal bytes of a file
// (RULES.md "Comments and strings"), so matches there can be skipped. They are not
// parsers: one linear pass, no allocation besides the output, never reading past the
// end of the text. Unterminated strings and comments that may span lines run to the
// end of the text; single-line strings end at the end of their line. NUL bytes and
// invalid UTF-8 are ordinary bytes. Stateless and thread-safe.

#include <cstddef>
#include <string_view>
#include <vector>

#include "analyzers/deprecations/language.h"

namespace ddd::analyzers::deprecations {

enum class RegionKind : unsigned char { Comment, String };

// Bytes [begin, end) of the text are a comment or a string literal (delimiters included).
struct Region {
  std::size_t begin = 0;
  std::size_t end = 0;
  RegionKind kind = RegionKind::Comment;
};

// Replaces `out` with the regions of `text`: sorted by begin, non-overlapping, non-empty.
void lexRegions(Language language, std::string_view text, std::vector<Region>& out);

// The region containing byte `offset`, or nullptr (binary search over lexRegions' output).
const Region* regionAt(const std::vector<Region>& regions, std::size_t offset);

}  // namespace ddd::analyzers::deprecations
