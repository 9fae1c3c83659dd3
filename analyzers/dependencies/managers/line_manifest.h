#pragma once
// Details shared by the line-oriented managers (requirements files, go.mod,
// Dockerfiles, workflow files): iterating lines with their byte offsets.

#include <cstdint>
#include <string_view>
#include <vector>

namespace ddd::analyzers::deps::detail {

struct Line {
  uint64_t offset = 0;    // of the first byte of the line
  std::string_view text;  // without the line break (a trailing '\r' removed too)
  uint32_t number = 0;    // 1-based
};

std::vector<Line> splitLines(std::string_view content);
// The basename of a repository path.
std::string_view baseName(std::string_view path);

}  // namespace ddd::analyzers::deps::detail
