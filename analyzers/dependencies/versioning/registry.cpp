// The one table of versioning schemes, and what every scheme shares.
#include <algorithm>

#include "analyzers/dependencies/versioning/schemes.h"
#include "analyzers/dependencies/versioning/versioning.h"

namespace ddd::analyzers::deps {

std::string_view toString(UpdateType t) {
  switch (t) {
    case UpdateType::None:
      return "none";
    case UpdateType::Patch:
      return "patch";
    case UpdateType::Minor:
      return "minor";
    case UpdateType::Major:
      return "major";
    case UpdateType::Digest:
      return "digest";
  }
  return "none";
}

std::optional<RangeStrategy> parseRangeStrategy(std::string_view name) {
  if (name == "bump") return RangeStrategy::Bump;
  if (name == "replace") return RangeStrategy::Replace;
  if (name == "pin") return RangeStrategy::Pin;
  if (name == "widen") return RangeStrategy::Widen;
  return std::nullopt;
}

SpecKind Versioning::classify(std::string_view spec) const {
  if (isVersion(spec)) return SpecKind::Version;
  if (isValid(spec)) return SpecKind::Range;
  return SpecKind::Invalid;
}

bool Versioning::isCompatible(std::string_view from, std::string_view candidate) const {
  return isVersion(from) && isVersion(candidate);
}

std::vector<std::string> Versioning::sorted(std::vector<std::string> versions) const {
  versions.erase(std::remove_if(versions.begin(), versions.end(),
                                [this](const std::string& v) { return !isVersion(v); }),
                 versions.end());
  std::stable_sort(
      versions.begin(), versions.end(),
      [this](const std::string& a, const std::string& b) { return compare(a, b) < 0; });
  return versions;
}

const std::vector<const Versioning*>& versionings() {
  static const std::vector<const Versioning*> all = {
      &detail::npmVersioning(), &detail::semverVersioning(), &detail::pep440Versioning(),
      &detail::goVersioning(),  &detail::cargoVersioning(),  &detail::dockerVersioning(),
      &detail::helmVersioning(), &detail::helmOciVersioning(),
  };
  return all;
}

const Versioning* findVersioning(std::string_view name) {
  for (const auto* v : versionings()) {
    if (v->name() == name) return v;
  }
  return nullptr;
}

}  // namespace ddd::analyzers::deps

namespace ddd::analyzers::deps::detail {

std::string quoteForError(std::string_view text) {
  constexpr size_t kShown = 80;
  std::string out = "\"";
  for (char c : text.substr(0, kShown)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == '"') ? '?' : c;
  }
  if (text.size() > kShown) out += "...";
  out += "\"";
  return out;
}

}  // namespace ddd::analyzers::deps::detail
