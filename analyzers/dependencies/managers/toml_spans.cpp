// TOML with byte spans: toml++ (header-only, in this file only) parses; its regions
// (1-based line and code-point column, end exclusive) become byte offsets here.
#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_FORMATTERS 0
#include "analyzers/dependencies/managers/toml_spans.h"

#include <toml++/toml.h>

#include <algorithm>
#include <numeric>

namespace ddd::analyzers::deps {
namespace {

// Maps toml++ source positions to byte offsets of one text.
class PositionMap {
 public:
  explicit PositionMap(std::string_view text) : text_(text) {
    lineStarts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') lineStarts_.push_back(i + 1);
    }
    // toml++ does not count a leading byte order mark as a column.
    if (text.substr(0, 3) == "\xEF\xBB\xBF") bom_ = 3;
  }

  // The byte offset of (line, column), clamped to the text.
  uint64_t offset(const toml::source_position& p) const {
    if (p.line == 0 || p.line > lineStarts_.size()) return text_.size();
    uint64_t at = lineStarts_[p.line - 1] + (p.line == 1 ? bom_ : 0);
    for (uint32_t col = 1; col < p.column && at < text_.size(); ++col) {
      // Step over one UTF-8 code point (a lead byte and its continuation bytes).
      ++at;
      while (at < text_.size() && (static_cast<unsigned char>(text_[at]) & 0xC0) == 0x80) ++at;
    }
    return std::min<uint64_t>(at, text_.size());
  }

  Span span(const toml::source_region& r) const {
    const uint64_t b = offset(r.begin);
    const uint64_t e = std::max(b, offset(r.end));
    return {b, e - b};
  }

 private:
  std::string_view text_;
  std::vector<uint64_t> lineStarts_;
  uint64_t bom_ = 0;
};

TomlNode convert(const toml::node& n, const PositionMap& map, std::string_view text) {
  TomlNode out;
  out.span = map.span(n.source());
  out.line = n.source().begin.line;
  if (const auto* t = n.as_table()) {
    out.kind = TomlNode::Table;
    out.inlineTable = t->is_inline();
    out.headerTable =
        !out.inlineTable && out.span.offset < text.size() && text[out.span.offset] == '[';
    std::vector<std::pair<Span, std::string>> order;
    std::vector<const toml::node*> nodes;
    for (auto&& [key, value] : *t) {
      order.emplace_back(map.span(key.source()), std::string(key.str()));
      nodes.push_back(&value);
    }
    std::vector<size_t> idx(order.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
      return order[a].first.offset < order[b].first.offset;
    });
    for (size_t i : idx) {
      out.keys.push_back(order[i].second);
      out.keySpans.push_back(order[i].first);
      out.values.push_back(convert(*nodes[i], map, text));
    }
  } else if (const auto* a = n.as_array()) {
    out.kind = TomlNode::Array;
    for (auto&& item : *a) out.items.push_back(convert(item, map, text));
  } else if (const auto* s = n.as_string()) {
    out.kind = TomlNode::String;
    out.text = s->get();
    // '"..."' or "'...'" (one quote each side), '"""..."""' or "'''...'''" (three).
    const std::string_view raw = text.substr(out.span.offset, out.span.length);
    const size_t q =
        raw.size() >= 6 && (raw.substr(0, 3) == "\"\"\"" || raw.substr(0, 3) == "'''") ? 3 : 1;
    if (raw.size() >= 2 * q) {
      out.inner = {out.span.offset + q, raw.size() - 2 * q};
      out.verbatim = q == 1 && raw.substr(q, raw.size() - 2 * q) == out.text;
    }
  }
  return out;
}

}  // namespace

const TomlNode* TomlNode::get(std::string_view key) const {
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return &values[i];
  }
  return nullptr;
}

const TomlNode* TomlNode::at(std::initializer_list<std::string_view> path) const {
  const TomlNode* n = this;
  for (std::string_view k : path) {
    if (n->kind != Table) return nullptr;
    n = n->get(k);
    if (!n) return nullptr;
  }
  return n;
}

TomlNode parseTomlWithSpans(std::string_view text, const std::string& what) {
  if (text.find('\0') != std::string_view::npos) {
    throw ManifestError(what + ": not a text file (NUL bytes); not read as TOML");
  }
  toml::table root;
  try {
    root = toml::parse(text, what);
  } catch (const toml::parse_error& e) {
    throw ManifestError(what + ":" + std::to_string(e.source().begin.line) + ":" +
                        std::to_string(e.source().begin.column) +
                        ": invalid TOML: " + std::string(e.description()));
  }
  const PositionMap map(text);
  TomlNode out = convert(root, map, text);
  out.span = {0, text.size()};
  out.line = 1;
  return out;
}

bool isValidToml(std::string_view text) {
  try {
    (void)toml::parse(text);
    return true;
  } catch (const toml::parse_error&) {
    return false;
  }
}

Span wholeLinesOf(std::string_view text, Span span, char trailing) {
  if (span.end() > text.size() || span.length == 0) return {};
  uint64_t start = span.offset;
  while (start > 0 && text[start - 1] != '\n') {
    if (text[start - 1] != ' ' && text[start - 1] != '\t') return {};
    --start;
  }
  uint64_t at = span.end();
  auto blanks = [&] {
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
  };
  blanks();
  if (trailing && at < text.size() && text[at] == trailing) {
    ++at;
    blanks();
  }
  if (at < text.size() && text[at] == '#') {
    while (at < text.size() && text[at] != '\n') ++at;
  }
  if (at < text.size() && text[at] == '\r') ++at;
  if (at < text.size() && text[at] != '\n') return {};
  if (at < text.size()) ++at;  // the line break
  return {start, at - start};
}

}  // namespace ddd::analyzers::deps
