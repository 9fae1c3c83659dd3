#pragma once
// A JSON reader that keeps byte positions: every value knows where it is in the text
// (strings also where their content is, between the quotes), so managers can rewrite
// one value without re-serialising the file. Strict RFC 8259 (a UTF-8 BOM is skipped);
// nesting is limited so hostile input can't exhaust the stack. Immutable after parsing.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzers/dependencies/managers/manager.h"

namespace ddd::analyzers::deps {

struct JsonNode {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  Span span;                    // the whole value, quotes included
  Span inner;                   // strings: the content between the quotes
  std::string text;             // strings: decoded; numbers/bools: as written
  std::vector<JsonNode> items;  // arrays
  // Objects, in file order: keys[i] names values[i]; keySpans[i] is where that key is
  // (quotes included). (Two vectors: a pair with this still-incomplete type is not allowed.)
  std::vector<std::string> keys;
  std::vector<JsonNode> values;
  std::vector<Span> keySpans;

  const JsonNode* get(std::string_view key) const;  // the first member of that name
};

// Throws ManifestError "<what>:<line>:<column>: <problem>".
JsonNode parseJsonWithSpans(std::string_view text, const std::string& what);

// 1-based line of a byte offset.
uint32_t lineAt(std::string_view text, uint64_t offset);

}  // namespace ddd::analyzers::deps
