// The "docker" scheme: image tags made of an optional "v", dot-separated numbers, an
// optional pre-release glued to them ("3.12.0rc1") and an optional "-variant" suffix
// ("3.11-slim", "1.25.3-alpine3.18"). Tags that do not start that way ("latest",
// "bookworm") are tags, never versions. An update keeps the prefix, the suffix and the
// number of components (isCompatible); matches() is equality. Numbers above 2^64-1 and
// tags longer than the 128 characters a registry accepts are not versions.
#include <algorithm>

#include "analyzers/dependencies/versioning/schemes.h"

namespace ddd::analyzers::deps::detail {
namespace {

constexpr size_t kMaxTag = 128;
constexpr size_t kMaxComponents = 8;

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isTagChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

struct DockerTag {
  std::string_view prefix;  // "v" or ""
  uint64_t release[kMaxComponents] = {};
  size_t components = 0;
  std::string_view pre;     // "rc1"
  std::string_view suffix;  // "slim" (without the '-')
};

std::optional<DockerTag> parseTag(std::string_view s) {
  if (s.empty() || s.size() > kMaxTag || !std::all_of(s.begin(), s.end(), isTagChar)) {
    return std::nullopt;
  }
  DockerTag t;
  size_t at = 0;
  if (s[0] == 'v' || s[0] == 'V') {
    t.prefix = s.substr(0, 1);
    at = 1;
  }
  while (true) {
    if (at >= s.size() || !isDigit(s[at]) || t.components == kMaxComponents) return std::nullopt;
    uint64_t v = 0;
    while (at < s.size() && isDigit(s[at])) {
      const uint64_t d = static_cast<uint64_t>(s[at] - '0');
      if (v > (UINT64_MAX - d) / 10) return std::nullopt;
      v = v * 10 + d;
      ++at;
    }
    t.release[t.components++] = v;
    if (at + 1 < s.size() && s[at] == '.' && isDigit(s[at + 1])) {
      ++at;
      continue;
    }
    break;
  }
  const size_t preStart = at;
  while (at < s.size() && std::isalnum(static_cast<unsigned char>(s[at]))) ++at;
  t.pre = s.substr(preStart, at - preStart);
  if (at < s.size()) {
    if (s[at] != '-' || at + 1 == s.size()) return std::nullopt;
    t.suffix = s.substr(at + 1);
  }
  return t;
}

int compareTags(const DockerTag& a, const DockerTag& b) {
  const size_t n = std::max(a.components, b.components);
  for (size_t i = 0; i < n; ++i) {
    const uint64_t x = i < a.components ? a.release[i] : 0;
    const uint64_t y = i < b.components ? b.release[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  if (a.pre != b.pre) {
    if (a.pre.empty()) return 1;
    if (b.pre.empty()) return -1;
    return a.pre < b.pre ? -1 : 1;
  }
  if (a.components != b.components) return a.components < b.components ? -1 : 1;
  if (a.prefix != b.prefix) return a.prefix < b.prefix ? -1 : 1;
  if (a.suffix != b.suffix) return a.suffix < b.suffix ? -1 : 1;
  return 0;
}

DockerTag requireTag(std::string_view text) {
  auto t = parseTag(text);
  if (!t) {
    throw VersioningError(quoteForError(text) +
                          " is not a numeric Docker tag (like 3.11, 1.25.3-alpine, v1.2); tags "
                          "such as \"latest\" are never compared");
  }
  return *t;
}

class DockerVersioning final : public Versioning {
 public:
  std::string_view name() const override { return "docker"; }
  bool isVersion(std::string_view text) const override { return parseTag(text).has_value(); }
  bool isValid(std::string_view text) const override { return isVersion(text); }
  SpecKind classify(std::string_view spec) const override {
    if (parseTag(spec)) return SpecKind::Version;
    if (!spec.empty() && spec.size() <= kMaxTag && std::all_of(spec.begin(), spec.end(), isTagChar))
      return SpecKind::Tag;
    return SpecKind::Invalid;
  }
  std::optional<std::string> canonical(std::string_view version) const override {
    if (!parseTag(version)) return std::nullopt;
    return std::string(version);
  }
  int compare(std::string_view a, std::string_view b) const override {
    return compareTags(requireTag(a), requireTag(b));
  }
  std::vector<std::string> sorted(std::vector<std::string> versions) const override {
    return sortParsed(std::move(versions), parseTag, compareTags);
  }
  bool isStable(std::string_view version) const override {
    auto t = parseTag(version);
    return t && t->pre.empty();
  }
  bool matches(std::string_view version, std::string_view range) const override {
    auto a = parseTag(version), b = parseTag(range);
    return a && b && compareTags(*a, *b) == 0;
  }
  std::optional<std::string> maxSatisfying(const std::vector<std::string>& versions,
                                           std::string_view range) const override {
    for (const auto& v : versions) {
      if (matches(v, range)) return v;
    }
    return std::nullopt;
  }
  std::optional<std::string> minSatisfying(const std::vector<std::string>& versions,
                                           std::string_view range) const override {
    return maxSatisfying(versions, range);
  }
  bool isCompatible(std::string_view from, std::string_view candidate) const override {
    auto a = parseTag(from), b = parseTag(candidate);
    return a && b && a->prefix == b->prefix && a->suffix == b->suffix &&
           a->components == b->components;
  }
  UpdateType updateType(std::string_view from, std::string_view to) const override {
    const DockerTag a = requireTag(from), b = requireTag(to);
    const size_t n = std::max(a.components, b.components);
    for (size_t i = 0; i < n; ++i) {
      const uint64_t x = i < a.components ? a.release[i] : 0;
      const uint64_t y = i < b.components ? b.release[i] : 0;
      if (x != y)
        return i == 0 ? UpdateType::Major : i == 1 ? UpdateType::Minor : UpdateType::Patch;
    }
    return compareTags(a, b) == 0 ? UpdateType::None : UpdateType::Patch;
  }
  std::optional<std::string> newRange(std::string_view, std::string_view,
                                      std::string_view newVersion, RangeStrategy) const override {
    if (!parseTag(newVersion)) return std::nullopt;
    return std::string(newVersion);
  }
};

}  // namespace

const Versioning& dockerVersioning() {
  static const DockerVersioning instance;
  return instance;
}

}  // namespace ddd::analyzers::deps::detail
