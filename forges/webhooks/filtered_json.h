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
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ddd::forges {

// The member names kept (views into static storage) at depths up to maxDepth.
class KeptKeys {
 public:
  KeptKeys(std::initializer_list<std::string_view> names, int maxDepth = 3);
  // Whether a key (its decoded text) is kept. Most keys of a delivery are not: a table of
  // which lengths occur per first byte refuses them before any byte past the first is
  // compared; the few names left (same first byte) are compared without hashing.
  bool contains(std::string_view key) const {
    const auto first = static_cast<unsigned char>(key.empty() ? 0 : key[0]);
    if (key.size() < 64 && !(lengths_[first] >> key.size() & 1)) return false;
    for (std::string_view name : byFirst_[first]) {
      if (name.size() == key.size() && std::memcmp(name.data(), key.data(), key.size()) == 0)
        return true;
    }
    return false;
  }
  int maxDepth() const { return maxDepth_; }

 private:
  std::vector<std::string_view> byFirst_[256];  // the names by their first byte (0: "")
  int maxDepth_;
  uint64_t lengths_[256] = {};  // bit n of lengths_[b]: a name of n bytes starts with b
};

// With `text`: also the kept document as compact JSON text, made of the input's own
// bytes (strings and numbers as written), that nlohmann parses to the returned value —
// what the receiver stores, without serialising the value again. Empty when nullopt.
std::optional<nlohmann::json> parseFilteredJson(std::string_view body, const KeptKeys& keep,
                                                std::string* text = nullptr);

// The same through nlohmann's callback parser (the reference the fast path is tested
// against, and its fallback).
std::optional<nlohmann::json> parseFilteredJsonReference(std::string_view body,
                                                         const KeptKeys& keep);

}  // namespace ddd::forges
