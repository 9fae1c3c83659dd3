#include "analyzers/deprecations/k8s.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace ddd::analyzers::deprecations {
namespace {

enum class Key : unsigned char { None, ApiVersion, Kind, Other };

struct Line {
  std::size_t begin = 0;
  std::size_t end = 0;         // before '\n' (and a '\r' before it)
  std::size_t indent = 0;      // column of the first non-blank byte
  std::size_t keyColumn = 0;   // column of the key, after any "- " markers
  bool item = false;           // "- " markers precede the key
  bool skip = false;           // blank or a comment
  bool documentBreak = false;  // "---" or "..."
  Key key = Key::None;
  std::size_t valueBegin = 0;  // the key's value, quotes excluded
  std::size_t valueEnd = 0;
};

bool isSpace(char c) { return c == ' ' || c == '\t'; }

class Scanner {
 public:
  explicit Scanner(std::string_view text) : t_(text) {}

  // Parses "key: value" starting at `p` (before `end`). Returns the key kind and sets
  // the value span; Key::None when there is no "key:" here.
  Key parseEntry(std::size_t p, std::size_t end, std::size_t* valueBegin,
                 std::size_t* valueEnd) const {
    std::size_t keyBegin = p;
    std::size_t keyEnd = p;
    std::size_t after = p;
    if (p < end && (t_[p] == '"' || t_[p] == '\'')) {
      const char q = t_[p];
      std::size_t close = p + 1;
      while (close < end && t_[close] != q) ++close;
      if (close >= end) return Key::None;
      keyBegin = p + 1;
      keyEnd = close;
      after = close + 1;
      while (after < end && isSpace(t_[after])) ++after;
      if (after >= end || t_[after] != ':') return Key::None;
    } else {
      // A plain key runs to a ':' followed by a blank or the end of the line.
      std::size_t colon = p;
      for (;; ++colon) {
        if (colon >= end) return Key::None;
        const char c = t_[colon];
        if (c == ':' && (colon + 1 == end || isSpace(t_[colon + 1]))) break;
        if (c == '#' && colon > p && isSpace(t_[colon - 1])) return Key::None;
        if (c == '{' || c == '}' || c == '[' || c == ']' || c == ',') return Key::None;
      }
      keyEnd = colon;
      while (keyEnd > keyBegin && isSpace(t_[keyEnd - 1])) --keyEnd;
      after = colon;
    }
    ++after;  // the ':'
    const std::string_view key = t_.substr(keyBegin, keyEnd - keyBegin);
    const Key kind = key == "apiVersion" ? Key::ApiVersion : key == "kind" ? Key::Kind : Key::Other;
    if (kind == Key::Other) return kind;
    std::size_t v = after;
    while (v < end && isSpace(t_[v])) ++v;
    std::size_t ve = v;
    if (v < end && (t_[v] == '"' || t_[v] == '\'')) {
      const char q = t_[v];
      ++v;
      ve = v;
      while (ve < end && t_[ve] != q) ++ve;
    } else {
      while (ve < end && !(t_[ve] == '#' && ve > v && isSpace(t_[ve - 1])) && t_[ve] != ',' &&
             t_[ve] != '}') {
        ++ve;
      }
      while (ve > v && isSpace(t_[ve - 1])) --ve;
    }
    *valueBegin = v;
    *valueEnd = ve;
    return kind;
  }

  Line parseLine(std::size_t begin, std::size_t end) const {
    Line line;
    line.begin = begin;
    line.end = end;
    std::size_t p = begin;
    while (p < end && isSpace(t_[p])) ++p;
    line.indent = p - begin;
    if (p == end || t_[p] == '#') {
      line.skip = true;
      return line;
    }
    if (p == begin && end - p >= 3 &&
        (t_.compare(p, 3, "---") == 0 || t_.compare(p, 3, "...") == 0) &&
        (end - p == 3 || isSpace(t_[p + 3]))) {
      line.documentBreak = true;
      return line;
    }
    while (p < end && t_[p] == '-' && (p + 1 == end || isSpace(t_[p + 1]))) {
      line.item = true;
      ++p;
      while (p < end && isSpace(t_[p])) ++p;
    }
    line.keyColumn = p - begin;
    line.key = parseEntry(p, end, &line.valueBegin, &line.valueEnd);
    return line;
  }

  // Flow mappings on one line: "{apiVersion: apps/v1, kind: Deployment, name: web}".
  // `open` is a '{'; returns the offset after its '}' (or `end`).
  std::size_t scanFlowMapping(std::size_t open, std::size_t end, int depth,
                              std::vector<K8sApiRef>& out) const {
    std::size_t apiBegin = 0, apiEnd = 0, kindBegin = 0, kindEnd = 0;
    bool haveApi = false, haveKind = false;
    std::size_t p = open + 1;
    while (p < end) {
      while (p < end && isSpace(t_[p])) ++p;
      if (p >= end) break;
      if (t_[p] == '}') {
        ++p;
        break;
      }
      if (t_[p] == ',') {
        ++p;
        continue;
      }
      std::size_t vb = 0, ve = 0;
      const Key key = parseEntry(p, end, &vb, &ve);
      if (key == Key::ApiVersion || key == Key::Kind) {
        (key == Key::ApiVersion ? haveApi : haveKind) = true;
        (key == Key::ApiVersion ? apiBegin : kindBegin) = vb;
        (key == Key::ApiVersion ? apiEnd : kindEnd) = ve;
      }
      // Skip to the end of this entry: a ',' or '}' at this depth.
      while (p < end && t_[p] != ',' && t_[p] != '}') {
        if (t_[p] == '{' && depth < 16) {
          p = scanFlowMapping(p, end, depth + 1, out);
        } else if (t_[p] == '"' || t_[p] == '\'') {
          const char q = t_[p++];
          while (p < end && t_[p] != q) ++p;
          if (p < end) ++p;
        } else {
          ++p;
        }
      }
    }
    if (haveApi && haveKind && apiEnd > apiBegin && kindEnd > kindBegin) {
      out.push_back({apiBegin, apiEnd, t_.substr(apiBegin, apiEnd - apiBegin),
                     t_.substr(kindBegin, kindEnd - kindBegin)});
    }
    return p;
  }

 private:
  std::string_view t_;
};

const Line* siblingKind(const std::vector<Line>& lines, std::size_t at) {
  const Line& self = lines[at];
  const std::size_t column = self.keyColumn;
  if (!self.item) {
    for (std::size_t k = at; k-- > 0;) {
      const Line& l = lines[k];
      if (l.documentBreak) break;
      if (l.skip) continue;
      if (l.item && l.keyColumn == column) return l.key == Key::Kind ? &l : nullptr;  // item start
      if (l.indent < column) break;                                                   // the parent
      if (l.indent == column && !l.item && l.key == Key::Kind) return &l;
    }
  }
  for (std::size_t k = at + 1; k < lines.size(); ++k) {
    const Line& l = lines[k];
    if (l.documentBreak) break;
    if (l.skip) continue;
    if (l.indent < column) break;  // the mapping ended (or the next list item began)
    if (l.indent == column && !l.item && l.key == Key::Kind) return &l;
  }
  return nullptr;
}

}  // namespace

void findK8sApiRefs(std::string_view yaml, std::vector<K8sApiRef>& out) {
  out.clear();
  if (yaml.find("apiVersion") == std::string_view::npos) return;
  thread_local std::vector<Line> lines;
  lines.clear();
  const Scanner scanner(yaml);
  bool anyFlow = false;
  std::size_t begin = 0;
  while (begin < yaml.size()) {
    const void* nl = std::memchr(yaml.data() + begin, '\n', yaml.size() - begin);
    const std::size_t next =
        nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - yaml.data()) : yaml.size();
    std::size_t end = next;
    if (end > begin && yaml[end - 1] == '\r') --end;
    lines.push_back(scanner.parseLine(begin, end));
    if (!anyFlow && std::memchr(yaml.data() + begin, '{', end - begin) != nullptr) anyFlow = true;
    begin = next + 1;
  }

  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Line& line = lines[i];
    if (line.key == Key::ApiVersion && line.valueEnd > line.valueBegin) {
      if (const Line* kind = siblingKind(lines, i);
          kind != nullptr && kind->valueEnd > kind->valueBegin) {
        out.push_back({line.valueBegin, line.valueEnd,
                       yaml.substr(line.valueBegin, line.valueEnd - line.valueBegin),
                       yaml.substr(kind->valueBegin, kind->valueEnd - kind->valueBegin)});
      }
    }
    if (anyFlow && !line.skip && !line.documentBreak) {
      const std::string_view text = yaml.substr(line.begin, line.end - line.begin);
      if (text.find('{') != std::string_view::npos &&
          text.find("apiVersion") != std::string_view::npos) {
        std::size_t p = line.begin;
        while (p < line.end) {
          if (yaml[p] == '#' && (p == line.begin || isSpace(yaml[p - 1]))) break;
          if (yaml[p] == '{') {
            p = scanner.scanFlowMapping(p, line.end, 0, out);
          } else {
            ++p;
          }
        }
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const K8sApiRef& a, const K8sApiRef& b) { return a.valueBegin < b.valueBegin; });
}

}  // namespace ddd::analyzers::deprecations
