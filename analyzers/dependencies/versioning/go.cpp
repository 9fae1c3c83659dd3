// The "go" scheme: module versions as golang.org/x/mod/semver reads them ("v" required,
// "v1" and "v1.2" shorthands, numbers of any length), "+incompatible", and the three
// pseudo-version forms (vX.0.0-TIMESTAMP-REV, vX.Y.Z-PRE.0.TIMESTAMP-REV,
// vX.Y.(Z+1)-0.TIMESTAMP-REV), which order as the pre-releases they are. Go has no ranges:
// a requirement names one version, and matches() is equality of precedence.
// Parsing is allocation-free (views into the text).
#include "analyzers/dependencies/versioning/go.h"

#include <algorithm>

#include "analyzers/dependencies/versioning/schemes.h"

namespace ddd::analyzers::deps::detail {
namespace {

constexpr size_t kMaxLength = 512;

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }

struct GoVersion {
  std::string_view major, minor = "0", patch = "0", pre, build;  // pre/build without '-'/'+'
  bool shorthand = false;
};

bool readInt(std::string_view s, size_t& at, std::string_view& out) {
  const size_t start = at;
  while (at < s.size() && isDigit(s[at])) ++at;
  if (at == start || (s[start] == '0' && at - start > 1)) return false;
  out = s.substr(start, at - start);
  return true;
}

bool readIdentifiers(std::string_view s, size_t& at, bool prerelease, std::string_view& out) {
  const size_t start = at;
  while (true) {
    const size_t id = at;
    while (at < s.size() && isIdentChar(s[at])) ++at;
    if (at == id) return false;
    if (prerelease && s[id] == '0' && at - id > 1 &&
        std::all_of(s.begin() + static_cast<std::ptrdiff_t>(id),
                    s.begin() + static_cast<std::ptrdiff_t>(at), isDigit)) {
      return false;
    }
    if (at < s.size() && s[at] == '.') {
      ++at;
      continue;
    }
    out = s.substr(start, at - start);
    return true;
  }
}

std::optional<GoVersion> parseGo(std::string_view s) {
  if (s.size() > kMaxLength || s.empty() || s[0] != 'v') return std::nullopt;
  GoVersion v;
  size_t at = 1;
  if (!readInt(s, at, v.major)) return std::nullopt;
  if (at == s.size()) {
    v.shorthand = true;
    return v;
  }
  if (s[at++] != '.' || !readInt(s, at, v.minor)) return std::nullopt;
  if (at == s.size()) {
    v.shorthand = true;
    return v;
  }
  if (s[at++] != '.' || !readInt(s, at, v.patch)) return std::nullopt;
  if (at < s.size() && s[at] == '-') {
    ++at;
    if (!readIdentifiers(s, at, true, v.pre)) return std::nullopt;
  }
  if (at < s.size() && s[at] == '+') {
    ++at;
    if (!readIdentifiers(s, at, false, v.build)) return std::nullopt;
  }
  if (at != s.size()) return std::nullopt;
  return v;
}

int compareInt(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : a.compare(b) > 0 ? 1 : 0;
}

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), isDigit);
}

int comparePre(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  if (a.empty()) return 1;
  if (b.empty()) return -1;
  while (true) {
    const size_t da = a.find('.'), db = b.find('.');
    const std::string_view ia = a.substr(0, da), ib = b.substr(0, db);
    if (ia != ib) {
      const bool na = allDigits(ia), nb = allDigits(ib);
      if (na && nb) return compareInt(ia, ib);
      if (na) return -1;
      if (nb) return 1;
      return ia < ib ? -1 : 1;
    }
    if (da == std::string_view::npos || db == std::string_view::npos) {
      if (da == db) return 0;
      return da == std::string_view::npos ? -1 : 1;
    }
    a.remove_prefix(da + 1);
    b.remove_prefix(db + 1);
  }
}

int compareGo(const GoVersion& a, const GoVersion& b) {
  if (int c = compareInt(a.major, b.major)) return c;
  if (int c = compareInt(a.minor, b.minor)) return c;
  if (int c = compareInt(a.patch, b.patch)) return c;
  return comparePre(a.pre, b.pre);
}

// The pre-release part of a pseudo-version, or nullopt: "(PRE.)?0.TIMESTAMP-REV" (or
// "TIMESTAMP-REV" on vX.0.0). Returns what precedes the timestamp ("" / "0." / "PRE.0.").
std::optional<std::string_view> pseudoPrefix(const GoVersion& v) {
  std::string_view pre = v.pre;
  const size_t dash = pre.rfind('-');
  if (dash == std::string_view::npos || dash + 1 == pre.size()) return std::nullopt;
  const std::string_view rev = pre.substr(dash + 1);
  if (!std::all_of(rev.begin(), rev.end(),
                   [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; })) {
    return std::nullopt;
  }
  if (dash < 14) return std::nullopt;
  const std::string_view stamp = pre.substr(dash - 14, 14);
  if (!allDigits(stamp)) return std::nullopt;
  const std::string_view before = pre.substr(0, dash - 14);
  if (before.empty()) {
    if (v.minor != "0" || v.patch != "0" || v.shorthand) return std::nullopt;
    return before;
  }
  if (before.size() < 2 || before.substr(before.size() - 2) != "0.") return std::nullopt;
  if (before.size() > 2 && before[before.size() - 3] != '.') return std::nullopt;
  return before;
}

GoVersion requireGo(std::string_view text) {
  auto v = parseGo(text);
  if (!v) {
    throw VersioningError(
        quoteForError(text) +
        " is not a Go module version (expected vMAJOR[.MINOR[.PATCH]][-PRE][+BUILD])");
  }
  return *v;
}

std::string_view pathMajor(const GoVersion& v) {
  if (v.build == "incompatible" || v.major == "0" || v.major == "1") return "1";
  return v.major;
}

class GoVersioning final : public Versioning {
 public:
  std::string_view name() const override { return "go"; }
  bool isVersion(std::string_view text) const override { return parseGo(text).has_value(); }
  bool isValid(std::string_view text) const override { return isVersion(text); }
  std::optional<std::string> canonical(std::string_view version) const override {
    auto v = parseGo(version);
    if (!v) return std::nullopt;
    std::string out = "v";
    for (std::string_view part :
         {v->major, std::string_view("."), v->minor, std::string_view("."), v->patch}) {
      out.append(part);
    }
    if (!v->pre.empty()) out.append("-").append(v->pre);
    if (v->build == "incompatible") out += "+incompatible";
    return out;
  }
  int compare(std::string_view a, std::string_view b) const override {
    return compareGo(requireGo(a), requireGo(b));
  }
  std::vector<std::string> sorted(std::vector<std::string> versions) const override {
    // The parsed views point into `versions`, which stay put until the result is built.
    return sortParsed(std::move(versions), parseGo, compareGo);
  }
  bool isStable(std::string_view version) const override {
    auto v = parseGo(version);
    return v && v->pre.empty();
  }
  bool matches(std::string_view version, std::string_view range) const override {
    auto v = parseGo(version), r = parseGo(range);
    return v && r && compareGo(*v, *r) == 0;
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
    auto a = parseGo(from), b = parseGo(candidate);
    return a && b && pathMajor(*a) == pathMajor(*b);
  }
  // Two pseudo-versions of the same base are a Digest update (another commit).
  UpdateType updateType(std::string_view from, std::string_view to) const override {
    const GoVersion a = requireGo(from), b = requireGo(to);
    if (compareGo(a, b) == 0) return UpdateType::None;
    if (a.major != b.major) return UpdateType::Major;
    if (a.minor != b.minor) return UpdateType::Minor;
    auto pa = pseudoPrefix(a), pb = pseudoPrefix(b);
    if (pa && pb && a.patch == b.patch && *pa == *pb) return UpdateType::Digest;
    return UpdateType::Patch;
  }
  std::optional<std::string> newRange(std::string_view, std::string_view,
                                      std::string_view newVersion, RangeStrategy) const override {
    if (!parseGo(newVersion)) return std::nullopt;
    return std::string(newVersion);
  }
};

// "v1.2.3" -> "v1.2.2" on the decimal text; nullopt for a zero patch.
std::optional<std::string> decrementPatch(const GoVersion& v) {
  std::string patch(v.patch);
  size_t i = patch.size();
  while (i > 0 && patch[i - 1] == '0') patch[--i] = '9';
  if (i == 0) return std::nullopt;
  --patch[i - 1];
  if (patch.size() > 1 && patch[0] == '0') patch.erase(0, 1);
  std::string out = "v";
  out.append(v.major).append(".").append(v.minor).append(".").append(patch);
  return out;
}

}  // namespace

}  // namespace ddd::analyzers::deps::detail

namespace ddd::analyzers::deps {

std::optional<GoPseudoVersion> parseGoPseudoVersion(std::string_view version) {
  using namespace detail;
  auto v = parseGo(version);
  if (!v || v->shorthand) return std::nullopt;
  auto prefix = pseudoPrefix(*v);
  if (!prefix) return std::nullopt;
  GoPseudoVersion out;
  const size_t dash = v->pre.rfind('-');
  out.revision = std::string(v->pre.substr(dash + 1));
  out.timestamp = std::string(v->pre.substr(dash - 14, 14));
  if (prefix->empty()) {
    out.base.clear();
  } else if (*prefix == "0.") {
    auto base = decrementPatch(*v);
    if (!base) return std::nullopt;
    out.base = *base;
  } else {
    std::string base(1, 'v');
    base.append(v->major).append(".").append(v->minor).append(".").append(v->patch);
    base.append("-").append(prefix->substr(0, prefix->size() - 3));
    out.base = std::move(base);
  }
  if (!out.base.empty() && v->build == "incompatible") out.base += "+incompatible";
  return out;
}

}  // namespace ddd::analyzers::deps

namespace ddd::analyzers::deps::detail {

const Versioning& goVersioning() {
  static const GoVersioning instance;
  return instance;
}

}  // namespace ddd::analyzers::deps::detail
