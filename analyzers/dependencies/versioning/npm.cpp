// The "npm" scheme (node-semver ranges) and the "semver" scheme (SemVer versions only).
#include <algorithm>

#include "analyzers/dependencies/versioning/range_rewrite.h"
#include "analyzers/dependencies/versioning/schemes.h"
#include "analyzers/dependencies/versioning/semver.h"

namespace ddd::analyzers::deps::detail {
namespace {

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool isBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isX(char c) { return c == 'x' || c == 'X' || c == '*'; }

std::string_view trimBlanks(std::string_view s) {
  while (!s.empty() && isBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && isBlank(s.back())) s.remove_suffix(1);
  return s;
}

SemVer requireSemVer(std::string_view text, std::string_view scheme) {
  auto v = parseSemVer(text);
  if (!v) {
    throw VersioningError(quoteForError(text) + " is not a " + std::string(scheme) +
                          " version (expected MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD])");
  }
  return *v;
}

UpdateType semverUpdateType(const SemVer& a, const SemVer& b) {
  if (a.major != b.major) return UpdateType::Major;
  if (a.minor != b.minor) return UpdateType::Minor;
  if (compareSemVer(a, b) != 0) return UpdateType::Patch;
  return UpdateType::None;
}

TargetVersion targetOf(const SemVer& v) {
  TargetVersion t;
  t.release = {v.major, v.minor, v.patch};
  for (size_t i = 0; i < v.prerelease.size(); ++i) t.suffix += (i ? "." : "-") + v.prerelease[i];
  t.fullPrecision = 3;
  return t;
}

// One comparator token starting at `at` in `text` (operator, blanks, version).
bool readComparator(std::string_view text, size_t& at, size_t end, RangeClause& c) {
  c.opBegin = at;
  while (at < end && (text[at] == '<' || text[at] == '>' || text[at] == '=' || text[at] == '~' ||
                      text[at] == '^')) {
    ++at;
  }
  c.opEnd = at;
  const std::string_view op = text.substr(c.opBegin, c.opEnd - c.opBegin);
  while (at < end && (isBlank(text[at]) || text[at] == 'v' || text[at] == '=')) ++at;
  c.verBegin = at;
  size_t components = 0;
  bool wildcard = false;
  size_t numbersEnd = at;
  while (at < end) {
    if (isDigit(text[at])) {
      uint64_t n = 0;
      while (at < end && isDigit(text[at])) {
        n = n < (1ull << 60) ? n * 10 + static_cast<uint64_t>(text[at] - '0') : n;
        ++at;
      }
      if (!wildcard) {
        c.release.push_back(n);
        numbersEnd = at;
      }
    } else if (isX(text[at])) {
      wildcard = true;
      ++at;
    } else {
      break;
    }
    ++components;
    if (at < end && text[at] == '.' && components < 3) {
      ++at;
      continue;
    }
    break;
  }
  if (components == 0) wildcard = true;
  // Pre-release / build after a full version.
  if (!wildcard && c.release.size() == 3) {
    while (at < end && !isBlank(text[at])) ++at;
    numbersEnd = at;
  }
  c.verEnd = numbersEnd;
  while (at < end && !isBlank(text[at])) ++at;
  c.clauseEnd = at;
  const size_t p = c.release.size();
  using Role = RangeClause::Role;
  if (p == 0) {
    c.role = Role::Any;
  } else if (op == "^") {
    c.role = Role::Floor;
    int level = static_cast<int>(p) - 1;
    for (size_t i = 0; i < p; ++i) {
      if (c.release[i] != 0) {
        level = static_cast<int>(i);
        break;
      }
    }
    c.impliedCeilingLevel = level;
  } else if (op == "~" || op == "~>") {
    c.role = Role::Floor;
    c.impliedCeilingLevel = p >= 2 ? 1 : 0;
  } else if (op == ">=" || op == ">") {
    c.role = Role::Floor;
    c.strict = op == ">";
  } else if (op == "<" || op == "<=") {
    c.role = Role::Ceiling;
    c.strict = op == "<";
  } else if (op.empty() || op == "=") {
    if (p == 3 && !wildcard) {
      c.role = Role::Exact;
    } else {
      c.role = Role::Floor;
      c.impliedCeilingLevel = static_cast<int>(p) - 1;
    }
  } else {
    return false;
  }
  return true;
}

// The clauses of a (valid) npm range, with spans.
std::vector<RangeSetClauses> npmClauses(std::string_view text) {
  std::vector<RangeSetClauses> sets;
  size_t start = 0;
  while (true) {
    size_t bar = text.find("||", start);
    const size_t end = bar == std::string_view::npos ? text.size() : bar;
    RangeSetClauses set;
    set.begin = start;
    set.end = end;
    // A hyphen range: "A - B".
    size_t hyphen = std::string_view::npos;
    for (size_t i = start + 1; i + 1 < end; ++i) {
      if (text[i] == '-' && isBlank(text[i - 1]) && isBlank(text[i + 1])) {
        hyphen = i;
        break;
      }
    }
    size_t at = start;
    while (at < end) {
      while (at < end && isBlank(text[at])) ++at;
      if (at >= end) break;
      if (at == hyphen) {
        ++at;
        continue;
      }
      RangeClause c;
      const bool upper = hyphen != std::string_view::npos && at > hyphen;
      const bool lower = hyphen != std::string_view::npos && at < hyphen;
      if (!readComparator(text, at, end, c)) break;
      if (lower && c.role != RangeClause::Role::Any) {
        c.role = RangeClause::Role::Floor;
        c.impliedCeilingLevel = -1;
      } else if (upper && c.role != RangeClause::Role::Any) {
        c.role = RangeClause::Role::Ceiling;
        c.strict = false;
        c.impliedCeilingLevel = -1;
      }
      set.clauses.push_back(std::move(c));
    }
    sets.push_back(std::move(set));
    if (bar == std::string_view::npos) break;
    start = bar + 2;
  }
  return sets;
}

class NpmVersioning final : public Versioning {
 public:
  std::string_view name() const override { return "npm"; }
  bool isVersion(std::string_view text) const override { return parseSemVer(text).has_value(); }
  bool isValid(std::string_view text) const override {
    return !isNonRegistry(text) && NpmRange::parse(text).has_value();
  }
  SpecKind classify(std::string_view spec) const override {
    if (isNonRegistry(spec)) return SpecKind::NonRegistry;
    if (parseSemVer(spec)) return SpecKind::Version;
    if (NpmRange::parse(spec)) return SpecKind::Range;
    if (isTagName(spec)) return SpecKind::Tag;
    return SpecKind::Invalid;
  }
  std::optional<std::string> canonical(std::string_view version) const override {
    auto v = parseSemVer(version);
    if (!v) return std::nullopt;
    return v->toString();
  }
  int compare(std::string_view a, std::string_view b) const override {
    return compareSemVer(requireSemVer(a, name()), requireSemVer(b, name()));
  }
  std::vector<std::string> sorted(std::vector<std::string> versions) const override {
    return sortParsed(std::move(versions), parseSemVer, compareSemVer);
  }
  bool isStable(std::string_view version) const override {
    auto v = parseSemVer(version);
    return v && !v->isPrerelease();
  }
  bool matches(std::string_view version, std::string_view range) const override {
    auto v = parseSemVer(version);
    if (!v || isNonRegistry(range)) return false;
    auto r = NpmRange::parse(range);
    return r && r->satisfiedBy(*v);
  }
  std::optional<std::string> maxSatisfying(const std::vector<std::string>& versions,
                                           std::string_view range) const override {
    return extreme(versions, range, 1);
  }
  std::optional<std::string> minSatisfying(const std::vector<std::string>& versions,
                                           std::string_view range) const override {
    return extreme(versions, range, -1);
  }
  UpdateType updateType(std::string_view from, std::string_view to) const override {
    return semverUpdateType(requireSemVer(from, name()), requireSemVer(to, name()));
  }
  std::optional<std::string> newRange(std::string_view currentRange, std::string_view,
                                      std::string_view newVersion,
                                      RangeStrategy strategy) const override {
    auto target = parseSemVer(newVersion);
    if (!target || isNonRegistry(currentRange) || !NpmRange::parse(currentRange))
      return std::nullopt;
    static constexpr RangeSyntax kSyntax{" ", " || ", "", ">=", "<"};
    return rewriteRange(currentRange, npmClauses(currentRange), targetOf(*target), strategy,
                        kSyntax, [&](std::string_view r) {
                          auto parsed = NpmRange::parse(r);
                          return parsed && parsed->satisfiedBy(*target);
                        });
  }

 private:
  static bool isNonRegistry(std::string_view s) {
    while (!s.empty() && isBlank(s.front())) s.remove_prefix(1);
    for (std::string_view p :
         {"file:", "link:", "workspace:", "portal:", "patch:", "git+", "git:", "github:", "gitlab:",
          "bitbucket:", "gist:", "http:", "https:", "npm:", "./", "../", "/", "~/"}) {
      if (startsWith(s, p)) return true;
    }
    if (s.find("://") != std::string_view::npos) return true;
    // "owner/repo" GitHub shorthand (with an optional "#ref").
    const size_t slash = s.find('/');
    return slash != std::string_view::npos && slash > 0 && s[0] != '@' &&
           s.find_first_of(" \t<>=^~|") == std::string_view::npos;
  }
  static bool isTagName(std::string_view s) {
    if (s.empty() || s.size() > 214) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
  }
  std::optional<std::string> extreme(const std::vector<std::string>& versions,
                                     std::string_view range, int sign) const {
    auto r = NpmRange::parse(range);
    if (!r || isNonRegistry(range)) return std::nullopt;
    std::optional<SemVer> best;
    const std::string* bestText = nullptr;
    for (const auto& text : versions) {
      auto v = parseSemVer(text);
      if (!v || !r->satisfiedBy(*v)) continue;
      if (!best || compareSemVer(*v, *best) * sign > 0) {
        best = std::move(v);
        bestText = &text;
      }
    }
    if (!bestText) return std::nullopt;
    return *bestText;
  }
};

// SemVer versions with an optional "v", and the "v4" / "v4.1" shorthands tags use (a
// GitHub Action's floating major tag): a shorthand reads as 4.0.0 / 4.1.0 when ordering,
// and as a "range" it admits the versions that share its written components.
struct ShortSemVer {
  SemVer version;
  int precision = 3;  // components written
};

std::optional<ShortSemVer> parseShortSemVer(std::string_view text) {
  if (auto full = parseSemVer(text)) return ShortSemVer{std::move(*full), 3};
  text = trimBlanks(text);
  if (!text.empty() && text.front() == 'v') text.remove_prefix(1);
  ShortSemVer out;
  uint64_t* parts[] = {&out.version.major, &out.version.minor};
  int n = 0;
  size_t at = 0;
  while (n < 2) {
    const size_t start = at;
    uint64_t value = 0;
    while (at < text.size() && isDigit(text[at]) && at - start < 16) {
      value = value * 10 + static_cast<uint64_t>(text[at] - '0');
      ++at;
    }
    if (at == start || (at - start > 1 && text[start] == '0') || value > 9007199254740991ull) {
      return std::nullopt;
    }
    *parts[n++] = value;
    if (at == text.size()) break;
    if (text[at] != '.') return std::nullopt;
    ++at;
  }
  if (at != text.size()) return std::nullopt;
  out.precision = n;
  return out;
}

std::optional<SemVer> parseCoerced(std::string_view text) {
  auto v = parseShortSemVer(text);
  if (!v) return std::nullopt;
  return std::move(v->version);
}

SemVer requireCoerced(std::string_view text) {
  auto v = parseCoerced(text);
  if (!v) {
    throw VersioningError(
        quoteForError(text) +
        " is not a semver version (expected [v]MAJOR[.MINOR[.PATCH[-PRE][+BUILD]]])");
  }
  return *v;
}

class SemVerVersioning final : public Versioning {
 public:
  std::string_view name() const override { return "semver"; }
  bool isVersion(std::string_view text) const override {
    return parseShortSemVer(text).has_value();
  }
  bool isValid(std::string_view text) const override { return isVersion(text); }
  std::optional<std::string> canonical(std::string_view version) const override {
    auto v = parseCoerced(version);
    if (!v) return std::nullopt;
    return v->toString();
  }
  int compare(std::string_view a, std::string_view b) const override {
    return compareSemVer(requireCoerced(a), requireCoerced(b));
  }
  bool isStable(std::string_view version) const override {
    auto v = parseCoerced(version);
    return v && !v->isPrerelease();
  }
  std::vector<std::string> sorted(std::vector<std::string> versions) const override {
    return sortParsed(std::move(versions), parseCoerced, compareSemVer);
  }
  bool matches(std::string_view version, std::string_view range) const override {
    auto v = parseCoerced(version);
    auto r = parseShortSemVer(range);
    if (!v || !r) return false;
    if (r->precision == 3) return compareSemVer(*v, r->version) == 0;
    return v->major == r->version.major && (r->precision < 2 || v->minor == r->version.minor);
  }
  std::optional<std::string> maxSatisfying(const std::vector<std::string>& versions,
                                           std::string_view range) const override {
    return extreme(versions, range, 1);
  }
  std::optional<std::string> minSatisfying(const std::vector<std::string>& versions,
                                           std::string_view range) const override {
    return extreme(versions, range, -1);
  }
  UpdateType updateType(std::string_view from, std::string_view to) const override {
    return semverUpdateType(requireCoerced(from), requireCoerced(to));
  }
  // The new version written as the current one is: with its "v" and its precision
  // ("v4" -> "v5", "v4.1" -> "v5.0", "4.1.0" -> "5.0.2").
  std::optional<std::string> newRange(std::string_view currentRange, std::string_view,
                                      std::string_view newVersion, RangeStrategy) const override {
    auto target = parseCoerced(newVersion);
    if (!target) return std::nullopt;
    auto current = parseShortSemVer(currentRange);
    const int precision = current ? current->precision : 3;
    std::string out;
    if (current && trimBlanks(currentRange).substr(0, 1) == "v") out += 'v';
    TargetVersion t = targetOf(*target);
    out += formatAt(t, static_cast<size_t>(precision));
    return out;
  }

 private:
  std::optional<std::string> extreme(const std::vector<std::string>& versions,
                                     std::string_view range, int sign) const {
    std::optional<SemVer> best;
    const std::string* bestText = nullptr;
    for (const auto& text : versions) {
      if (!matches(text, range)) continue;
      auto v = parseCoerced(text);
      if (!best || compareSemVer(*v, *best) * sign > 0) {
        best = std::move(v);
        bestText = &text;
      }
    }
    if (!bestText) return std::nullopt;
    return *bestText;
  }
};

}  // namespace

const Versioning& npmVersioning() {
  static const NpmVersioning instance;
  return instance;
}

const Versioning& semverVersioning() {
  static const SemVerVersioning instance;
  return instance;
}

}  // namespace ddd::analyzers::deps::detail
