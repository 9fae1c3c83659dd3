#include "analyzers/dependencies/managers/line_manifest.h"

namespace ddd::analyzers::deps::detail {

std::vector<Line> splitLines(std::string_view content) {
  std::vector<Line> out;
  uint64_t start = 0;
  uint32_t number = 0;
  while (start <= content.size()) {
    size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    std::string_view text = content.substr(start, end - start);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    out.push_back({start, text, ++number});
    if (end == content.size()) break;
    start = end + 1;
  }
  return out;
}

std::string_view baseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace ddd::analyzers::deps::detail
