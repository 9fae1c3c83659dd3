#pragma once
// One pass over a webhook body that does what the receiver needs before it answers:
// check that the whole text is JSON, accepting and refusing exactly what
// nlohmann::json::parse does, and build a document of only the members an event is made
// of. A delivery is several kilobytes, of which an event reads a few dozen fields, and this
// runs for every delivery: nlohmann's parser (even with a filtering callback) builds and
// frees every string it meets, which is most of what a receiver spends per request.
//
// The result equals nlohmann::json::parse(body, cb, false) with the callback
//   key at depth d  ->  d <= maxKeyDepth && keys.contains(key)
// (depth 1 = the top-level object's members), and nullopt where that returns a discarded
// value. Deeply nested or unusual input (nesting past a few hundred levels) is handed to
// nlohmann's parser itself, so the equality holds for every input; tests and a fuzz target
// compare the two.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace ddd::forges {

struct KeptKeys {
  std::unordered_set<std::string_view> names;  // views into static storage
  int maxDepth = 3;
};

std::optional<nlohmann::json> parseFilteredJson(std::string_view body, const KeptKeys& keep);

// The same through nlohmann's callback parser (the reference the fast path is tested
// against, and its fallback).
std::optional<nlohmann::json> parseFilteredJsonReference(std::string_view body,
                                                         const KeptKeys& keep);

}  // namespace ddd::forges
