// TOML with byte spans: toml++ (header-only, in this file only) parses; its regions
// (1-based line and code-point column, end exclusive) become byte offsets here.
#include "analyzers/dependencies/managers/toml_spans.h"

#include <algorithm>
#include <numeric>

// clang-format off
#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_FORMATTERS 0
// toml++ 3.3's parser states its expectations about the next character as assertions
// (abort in a debug build) or, with NDEBUG under clang, as __builtin_assume — undefined
// behaviour on input that breaks them ("[:a]" reaches parse_key with ':'). Its own code
// after each of them turns such input into a parse error, so both become no-ops, as
// they already are in GCC release builds (found by fuzz_manifest_toml).
#include <toml++/impl/preprocessor.h>
#undef TOML_ASSERT
#define TOML_ASSERT(expr) static_assert(true)
#undef TOML_ASSERT_ASSUME
#define TOML_ASSERT_ASSUME(expr) static_assert(true)
#include <toml++/toml.h>
// clang-format on

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

// toml++ 3.3 has undefined behaviour (a __builtin_unreachable in its Unicode whitespace
// table) when it asks whether a code point from U+00A1 to U+0499, U+2010 to U+207F and a
// few other ranges is whitespace; it asks for characters outside strings and comments
// and for some inside multi-line strings (found by fuzz_manifest_toml). So toml++ never
// sees a non-ASCII code point: each is replaced by one of the same UTF-8 length that it
// answers safely (U+0500, U+4E00, U+10000), which keeps every line and column; strings
// and keys that held one are read from the original bytes (convert()). Throws
// ManifestError for text that is not UTF-8.
std::string asciiSafeCopy(std::string_view text, const std::string& what) {
  std::string out(text);
  const size_t bom = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // toml++ skips it
  uint32_t line = 1;
  size_t lineStart = 0;
  for (size_t i = bom; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      if (b == '\n') {
        ++line;
        lineStart = i + 1;
      }
      ++i;
      continue;
    }
    // Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
    const size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
    uint32_t cp = n == 4 ? b & 0x07u : n == 3 ? b & 0x0Fu : b & 0x1Fu;
    bool ok = n != 0 && b < 0xF5 && i + n <= text.size();
    for (size_t k = 1; ok && k < n; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      ok = (c & 0xC0) == 0x80;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    ok = ok && !(n == 2 && cp < 0x80) && !(n == 3 && cp < 0x800) && !(n == 4 && cp < 0x10000) &&
         !(cp >= 0xD800 && cp <= 0xDFFF) && cp <= 0x10FFFF;
    if (!ok) {
      throw ManifestError(what + ":" + std::to_string(line) + ":" +
                          std::to_string(i - lineStart + 1) + ": not valid UTF-8; not read as TOML");
    }
    static constexpr const char* kSafe[] = {"", "", "\xD4\x80", "\xE4\xB8\x80", "\xF0\x90\x80\x80"};
    out.replace(i, n, kSafe[n]);
    i += n;
  }
  return out;
}

// toml++'s message names what it saw: a placeholder stands for some non-ASCII character.
std::string withoutPlaceholders(std::string_view message) {
  std::string out(message);
  for (const char* p : {"\xD4\x80", "\xE4\xB8\x80", "\xF0\x90\x80\x80"}) {
    for (size_t at; (at = out.find(p)) != std::string::npos;)
      out.replace(at, std::string_view(p).size(), "a non-ASCII character");
  }
  return out;
}

bool hasNonAscii(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// `text` is the original, `safe` what toml++ parsed (asciiSafeCopy): the same bytes
// wherever `text` is ASCII.
TomlNode convert(const toml::node& n, const PositionMap& map, std::string_view text,
                 std::string_view safe) {
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
      const Span where = map.span(key.source());
      std::string name(key.str());
      // A quoted key with non-ASCII characters: its name is the original bytes when they
      // are the name (no escapes); else the parsed name (with placeholders) stays.
      const std::string_view raw = text.substr(where.offset, where.length);
      if (hasNonAscii(raw) && raw.size() >= 2 && (raw[0] == '"' || raw[0] == '\'') &&
          raw.back() == raw[0] && raw.find('\\') == std::string_view::npos) {
        name = std::string(raw.substr(1, raw.size() - 2));
      }
      order.emplace_back(where, std::move(name));
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
      out.values.push_back(convert(*nodes[i], map, text, safe));
    }
  } else if (const auto* a = n.as_array()) {
    out.kind = TomlNode::Array;
    for (auto&& item : *a) out.items.push_back(convert(item, map, text, safe));
  } else if (const auto* s = n.as_string()) {
    out.kind = TomlNode::String;
    out.text = s->get();
    // '"..."' or "'...'" (one quote each side), '"""..."""' or "'''...'''" (three).
    const std::string_view raw = safe.substr(out.span.offset, out.span.length);
    const size_t q =
        raw.size() >= 6 && (raw.substr(0, 3) == "\"\"\"" || raw.substr(0, 3) == "'''") ? 3 : 1;
    if (raw.size() >= 2 * q) {
      out.inner = {out.span.offset + q, raw.size() - 2 * q};
      out.verbatim = q == 1 && raw.substr(q, raw.size() - 2 * q) == out.text;
    }
    const std::string_view original = text.substr(out.inner.offset, out.inner.length);
    if (hasNonAscii(original)) {
      // The parsed value holds placeholders. Written without escapes, the original bytes
      // are the value; otherwise it is not known exactly (and not verbatim).
      if (out.verbatim) {
        out.text = std::string(original);
      } else {
        out.text.clear();
      }
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
  const std::string safe = asciiSafeCopy(text, what);
  toml::table root;
  try {
    root = toml::parse(safe, what);
  } catch (const toml::parse_error& e) {
    throw ManifestError(what + ":" + std::to_string(e.source().begin.line) + ":" +
                        std::to_string(e.source().begin.column) +
                        ": invalid TOML: " + withoutPlaceholders(e.description()));
  }
  const PositionMap map(text);
  TomlNode out = convert(root, map, text, safe);
  out.span = {0, text.size()};
  out.line = 1;
  return out;
}

bool isValidToml(std::string_view text) {
  try {
    (void)toml::parse(asciiSafeCopy(text, ""));
    return true;
  } catch (const toml::parse_error&) {
    return false;
  } catch (const ManifestError&) {
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
