#pragma once
// A TOML document with byte positions, for the managers that rewrite TOML by span
// (Cargo.toml, pyproject.toml). toml++ parses (TOML 1.0; its line/column regions count
// code points), and every position is turned into an exact byte offset of the text;
// strings also know where their content is, and whether those bytes are exactly the
// decoded value (no escapes), so a rewrite never touches what it did not read.
// Immutable after parsing; only toml_spans.cpp includes toml++.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/dependencies/managers/manager.h"

namespace ddd::analyzers::deps {

struct TomlNode {
  enum Kind { Table, Array, String, Other } kind = Other;
  // The value as written: strings with their quotes, arrays from '[' to ']', inline
  // tables from '{' to '}'; for a [header] table its header line's brackets; for a table
  // made by dotted keys (a.b = 1) the first key.
  Span span;
  Span inner;                   // strings: the content between the quotes
  bool verbatim = false;        // strings: content.substr(inner) == text (no escapes, one line)
  std::string text;             // strings: decoded; other scalars: "" (not needed by managers)
  uint32_t line = 0;            // 1-based line of span.offset
  bool inlineTable = false;     // a table written { ... }
  bool headerTable = false;     // a table opened by a [header] line
  std::vector<TomlNode> items;  // arrays, in order
  // Tables, in file order (by key position): keys[i] names values[i], written at keySpans[i]
  // (the key as written, quotes included).
  std::vector<std::string> keys;
  std::vector<TomlNode> values;
  std::vector<Span> keySpans;

  const TomlNode* get(std::string_view key) const;
  // get() along a path of keys; nullptr when any step is missing or not a table.
  const TomlNode* at(std::initializer_list<std::string_view> path) const;
};

// Throws ManifestError "<what>:<line>:<column>: <problem>" for text that is not TOML.
TomlNode parseTomlWithSpans(std::string_view text, const std::string& what);

// True when `text` parses as TOML (for checking a removal's result).
bool isValidToml(std::string_view text);

// The whole lines [first line of `span`, last line of `span`] when nothing but blanks
// precede the span on its first line and nothing but blanks, one optional `trailing`
// character (a comma) and an optional # comment follow it on its last line: the span
// of those lines including the final line break. Zero length otherwise.
Span wholeLinesOf(std::string_view text, Span span, char trailing = '\0');

}  // namespace ddd::analyzers::deps
