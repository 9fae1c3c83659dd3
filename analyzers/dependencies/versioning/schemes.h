#pragma once
// detail: the scheme instances registry.cpp lists (each defined in its own .cpp).

#include <algorithm>
#include <utility>

#include "analyzers/dependencies/versioning/versioning.h"

namespace ddd::analyzers::deps::detail {

const Versioning& npmVersioning();
const Versioning& semverVersioning();
const Versioning& pep440Versioning();
const Versioning& goVersioning();
const Versioning& cargoVersioning();
const Versioning& dockerVersioning();
const Versioning& helmVersioning();
const Versioning& helmOciVersioning();

// "What is not a version" in error messages: the text, cut to a readable length.
std::string quoteForError(std::string_view text);

// Versioning::sorted() for a scheme with a parsed form: `parse` gives std::optional<P>,
// `compare(P, P)` an int; each version is parsed once, the sort is stable.
template <typename Parse, typename Compare>
std::vector<std::string> sortParsed(std::vector<std::string> versions, Parse parse,
                                    Compare compare) {
  using Parsed = typename decltype(parse(std::string_view()))::value_type;
  std::vector<std::pair<Parsed, std::string*>> keyed;
  keyed.reserve(versions.size());
  for (auto& v : versions) {
    if (auto p = parse(v)) keyed.emplace_back(std::move(*p), &v);
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [&](const auto& a, const auto& b) { return compare(a.first, b.first) < 0; });
  std::vector<std::string> out;
  out.reserve(keyed.size());
  for (auto& k : keyed) out.push_back(std::move(*k.second));
  return out;
}

}  // namespace ddd::analyzers::deps::detail
