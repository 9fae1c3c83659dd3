// The "cargo" scheme: SemVer versions (no "v", numbers up to 2^64-1) and Cargo's version
// requirements as the semver crate reads them: comma-separated comparators that must all
// hold; a bare version is a caret requirement; wildcards (*, 1.*, 1.2.x) only without an
// operator; a pre-release matches only when some comparator has the same major.minor.patch
// with a pre-release; build metadata in a requirement is ignored.
#include <algorithm>

#include "analyzers/dependencies/versioning/range_rewrite.h"
#include "analyzers/dependencies/versioning/schemes.h"
#include "analyzers/dependencies/versioning/semver.h"

namespace ddd::analyzers::deps::detail {
namespace {

constexpr size_t kMaxLength = 512;

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }

// Digits at `at` (no leading zero) into `out`; false on overflow or no digits.
bool readNumber(std::string_view s, size_t& at, uint64_t& out) {
  const size_t start = at;
  uint64_t v = 0;
  while (at < s.size() && isDigit(s[at])) {
    const uint64_t d = static_cast<uint64_t>(s[at] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
    ++at;
  }
  if (at == start || (at - start > 1 && s[start] == '0')) return false;
  out = v;
  return true;
}

// Dot-separated identifiers up to a character outside [0-9A-Za-z-.]; numeric ones
// without a leading zero when `prerelease`.
bool readIdentifiers(std::string_view s, size_t& at, bool prerelease,
                     std::vector<std::string>* out) {
  while (true) {
    const size_t start = at;
    while (at < s.size() && isIdentChar(s[at])) ++at;
    std::string_view id = s.substr(start, at - start);
    if (id.empty()) return false;
    if (prerelease && id.size() > 1 && id[0] == '0' && std::all_of(id.begin(), id.end(), isDigit)) {
      return false;
    }
    if (out) out->emplace_back(id);
    if (at < s.size() && s[at] == '.') {
      ++at;
      continue;
    }
    return true;
  }
}

std::optional<SemVer> parseCargoVersion(std::string_view s) {
  if (s.size() > kMaxLength) return std::nullopt;
  SemVer v;
  size_t at = 0;
  if (!readNumber(s, at, v.major) || at >= s.size() || s[at++] != '.') return std::nullopt;
  if (!readNumber(s, at, v.minor) || at >= s.size() || s[at++] != '.') return std::nullopt;
  if (!readNumber(s, at, v.patch)) return std::nullopt;
  if (at < s.size() && s[at] == '-') {
    ++at;
    if (!readIdentifiers(s, at, true, &v.prerelease)) return std::nullopt;
  }
  if (at < s.size() && s[at] == '+') {
    ++at;
    const size_t start = at;
    if (!readIdentifiers(s, at, false, nullptr)) return std::nullopt;
    v.build = std::string(s.substr(start, at - start));
  }
  if (at != s.size()) return std::nullopt;
  return v;
}

struct CargoComparator {
  enum Op { Exact, Greater, GreaterEq, Less, LessEq, Tilde, Caret, Wildcard } op = Caret;
  uint64_t major = 0;
  std::optional<uint64_t> minor, patch;
  std::vector<std::string> pre;
  RangeClause clause;  // spans, for rewriting
};

// Pre-release order with "no pre-release" above every pre-release.
int comparePre(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  SemVer x, y;
  x.prerelease = a;
  y.prerelease = b;
  return compareSemVer(x, y);
}

bool matchesExact(const CargoComparator& c, const SemVer& v) {
  if (v.major != c.major) return false;
  if (c.minor && v.minor != *c.minor) return false;
  if (c.patch && v.patch != *c.patch) return false;
  return v.prerelease == c.pre;
}

bool matchesGreater(const CargoComparator& c, const SemVer& v) {
  if (v.major != c.major) return v.major > c.major;
  if (!c.minor) return false;
  if (v.minor != *c.minor) return v.minor > *c.minor;
  if (!c.patch) return false;
  if (v.patch != *c.patch) return v.patch > *c.patch;
  return comparePre(v.prerelease, c.pre) > 0;
}

bool matchesLess(const CargoComparator& c, const SemVer& v) {
  if (v.major != c.major) return v.major < c.major;
  if (!c.minor) return false;
  if (v.minor != *c.minor) return v.minor < *c.minor;
  if (!c.patch) return false;
  if (v.patch != *c.patch) return v.patch < *c.patch;
  return comparePre(v.prerelease, c.pre) < 0;
}

bool matchesTilde(const CargoComparator& c, const SemVer& v) {
  if (v.major != c.major) return false;
  if (c.minor && v.minor != *c.minor) return false;
  if (c.patch && v.patch != *c.patch) return v.patch > *c.patch;
  return comparePre(v.prerelease, c.pre) >= 0;
}

bool matchesCaret(const CargoComparator& c, const SemVer& v) {
  if (v.major != c.major) return false;
  if (!c.minor) return true;
  const uint64_t minor = *c.minor;
  if (!c.patch) return c.major > 0 ? v.minor >= minor : v.minor == minor;
  const uint64_t patch = *c.patch;
  if (c.major > 0) {
    if (v.minor != minor) return v.minor > minor;
    if (v.patch != patch) return v.patch > patch;
  } else if (minor > 0) {
    if (v.minor != minor) return false;
    if (v.patch != patch) return v.patch > patch;
  } else if (v.minor != minor || v.patch != patch) {
    return false;
  }
  return comparePre(v.prerelease, c.pre) >= 0;
}

bool matchesComparator(const CargoComparator& c, const SemVer& v) {
  switch (c.op) {
    case CargoComparator::Exact:
    case CargoComparator::Wildcard:
      return c.op == CargoComparator::Wildcard
                 ? v.major == c.major && (!c.minor || v.minor == *c.minor)
                 : matchesExact(c, v);
    case CargoComparator::Greater:
      return matchesGreater(c, v);
    case CargoComparator::GreaterEq:
      return matchesExact(c, v) || matchesGreater(c, v);
    case CargoComparator::Less:
      return matchesLess(c, v);
    case CargoComparator::LessEq:
      return matchesExact(c, v) || matchesLess(c, v);
    case CargoComparator::Tilde:
      return matchesTilde(c, v);
    case CargoComparator::Caret:
      return matchesCaret(c, v);
  }
  return false;
}

struct CargoRequirement {
  bool any = false;  // "*"
  std::vector<CargoComparator> comparators;

  bool matches(const SemVer& v) const {
    for (const auto& c : comparators) {
      if (!matchesComparator(c, v)) return false;
    }
    if (!v.isPrerelease()) return true;
    return std::any_of(comparators.begin(), comparators.end(), [&](const CargoComparator& c) {
      return c.major == v.major && c.minor == v.minor && c.patch == v.patch && !c.pre.empty();
    });
  }
};

bool parseComparator(std::string_view s, size_t begin, size_t end, CargoComparator& c) {
  size_t at = begin;
  while (at < end && isBlank(s[at])) ++at;
  auto& cl = c.clause;
  cl.opBegin = at;
  std::string_view op;
  for (std::string_view candidate : {">=", "<=", "=", ">", "<", "~", "^"}) {
    if (s.substr(at, candidate.size()) == candidate) {
      op = candidate;
      break;
    }
  }
  at += op.size();
  cl.opEnd = at;
  while (at < end && isBlank(s[at])) ++at;
  const std::string_view text = s.substr(0, end);
  cl.verBegin = at;
  auto wildcardAt = [&](size_t i) {
    return i < end && (s[i] == '*' || s[i] == 'x' || s[i] == 'X');
  };
  bool wildcard = false;
  if (wildcardAt(at)) {
    if (!op.empty()) return false;
    ++at;
    wildcard = true;
    c.op = CargoComparator::Wildcard;
    cl.role = RangeClause::Role::Any;
    cl.verEnd = cl.verBegin;
  } else {
    if (!readNumber(text, at, c.major)) return false;
    cl.release.push_back(c.major);
    size_t numbersEnd = at;
    for (int part = 0; part < 2 && at < end && s[at] == '.'; ++part) {
      ++at;
      if (wildcardAt(at)) {
        if (!op.empty()) return false;
        ++at;
        wildcard = true;
        // Anything after a wildcard must be a wildcard too ("1.*.*").
        if (part == 0 && at < end && s[at] == '.') {
          ++at;
          if (!wildcardAt(at)) return false;
          ++at;
        }
        break;
      }
      uint64_t n = 0;
      if (!readNumber(text, at, n)) return false;
      (part == 0 ? c.minor : c.patch) = n;
      cl.release.push_back(n);
      numbersEnd = at;
    }
    if (!wildcard && c.patch && at < end && s[at] == '-') {
      ++at;
      if (!readIdentifiers(text, at, true, &c.pre)) return false;
      numbersEnd = at;
    }
    // Build metadata is read and ignored, as the semver crate does.
    if (!wildcard && c.patch && at < end && s[at] == '+') {
      ++at;
      if (!readIdentifiers(text, at, false, nullptr)) return false;
      numbersEnd = at;
    }
    cl.verEnd = numbersEnd;
    if (wildcard) {
      c.op = CargoComparator::Wildcard;
    } else if (op == "=") {
      c.op = CargoComparator::Exact;
    } else if (op == ">") {
      c.op = CargoComparator::Greater;
    } else if (op == ">=") {
      c.op = CargoComparator::GreaterEq;
    } else if (op == "<") {
      c.op = CargoComparator::Less;
    } else if (op == "<=") {
      c.op = CargoComparator::LessEq;
    } else if (op == "~") {
      c.op = CargoComparator::Tilde;
    } else {
      c.op = CargoComparator::Caret;
    }
    const size_t p = cl.release.size();
    using Role = RangeClause::Role;
    switch (c.op) {
      case CargoComparator::Exact:
        cl.role = p == 3 ? Role::Exact : Role::Floor;
        cl.impliedCeilingLevel = p == 3 ? -1 : static_cast<int>(p) - 1;
        break;
      case CargoComparator::Wildcard:
        cl.role = Role::Floor;
        cl.impliedCeilingLevel = static_cast<int>(p) - 1;
        break;
      case CargoComparator::Greater:
      case CargoComparator::GreaterEq:
        cl.role = Role::Floor;
        cl.strict = c.op == CargoComparator::Greater;
        break;
      case CargoComparator::Less:
      case CargoComparator::LessEq:
        cl.role = Role::Ceiling;
        cl.strict = c.op == CargoComparator::Less;
        break;
      case CargoComparator::Tilde:
        cl.role = Role::Floor;
        cl.impliedCeilingLevel = p >= 2 ? 1 : 0;
        break;
      case CargoComparator::Caret: {
        cl.role = Role::Floor;
        int level = static_cast<int>(p) - 1;
        for (size_t i = 0; i < p; ++i) {
          if (cl.release[i] != 0) {
            level = static_cast<int>(i);
            break;
          }
        }
        cl.impliedCeilingLevel = level;
        break;
      }
    }
  }
  while (at < end && isBlank(s[at])) ++at;
  cl.clauseEnd = at;
  while (cl.clauseEnd > cl.verEnd && isBlank(s[cl.clauseEnd - 1])) --cl.clauseEnd;
  return at == end;
}

std::optional<CargoRequirement> parseRequirement(std::string_view s) {
  if (s.size() > kMaxLength) return std::nullopt;
  CargoRequirement req;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    const size_t end = comma == std::string_view::npos ? s.size() : comma;
    CargoComparator c;
    if (!parseComparator(s, start, end, c)) return std::nullopt;
    if (c.op == CargoComparator::Wildcard && c.clause.release.empty()) {
      req.any = true;
    }
    req.comparators.push_back(std::move(c));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  // "*" matches every release; as a comparator it is Wildcard with no number.
  req.comparators.erase(std::remove_if(req.comparators.begin(), req.comparators.end(),
                                       [](const CargoComparator& c) {
                                         return c.op == CargoComparator::Wildcard &&
                                                c.clause.release.empty();
                                       }),
                        req.comparators.end());
  return req;
}

SemVer requireVersion(std::string_view text) {
  auto v = parseCargoVersion(text);
  if (!v) {
    throw VersioningError(quoteForError(text) +
                          " is not a cargo version (expected MAJOR.MINOR.PATCH[-PRE][+BUILD], "
                          "numbers below 2^64)");
  }
  return *v;
}

class CargoVersioning final : public Versioning {
 public:
  std::string_view name() const override { return "cargo"; }
  bool isVersion(std::string_view text) const override {
    return parseCargoVersion(text).has_value();
  }
  bool isValid(std::string_view text) const override { return parseRequirement(text).has_value(); }
  SpecKind classify(std::string_view spec) const override {
    auto req = parseRequirement(spec);
    if (!req) return SpecKind::Invalid;
    if (req->comparators.size() == 1 && req->comparators[0].op == CargoComparator::Exact &&
        req->comparators[0].patch) {
      return SpecKind::Version;
    }
    return SpecKind::Range;
  }
  std::optional<std::string> canonical(std::string_view version) const override {
    auto v = parseCargoVersion(version);
    if (!v) return std::nullopt;
    return v->toString() + (v->build.empty() ? "" : "+" + v->build);
  }
  int compare(std::string_view a, std::string_view b) const override {
    return compareSemVer(requireVersion(a), requireVersion(b));
  }
  std::vector<std::string> sorted(std::vector<std::string> versions) const override {
    return sortParsed(std::move(versions), parseCargoVersion, compareSemVer);
  }
  bool isStable(std::string_view version) const override {
    auto v = parseCargoVersion(version);
    return v && !v->isPrerelease();
  }
  bool matches(std::string_view version, std::string_view range) const override {
    auto v = parseCargoVersion(version);
    if (!v) return false;
    auto r = parseRequirement(range);
    return r && r->matches(*v);
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
    const SemVer a = requireVersion(from), b = requireVersion(to);
    if (a.major != b.major) return UpdateType::Major;
    if (a.minor != b.minor) return UpdateType::Minor;
    return compareSemVer(a, b) != 0 ? UpdateType::Patch : UpdateType::None;
  }
  std::optional<std::string> newRange(std::string_view currentRange, std::string_view,
                                      std::string_view newVersion,
                                      RangeStrategy strategy) const override {
    auto target = parseCargoVersion(newVersion);
    auto req = parseRequirement(currentRange);
    if (!target || !req) return std::nullopt;
    RangeSetClauses set;
    set.begin = 0;
    set.end = currentRange.size();
    // Re-read the clauses with "*" kept, so spans line up with the text.
    size_t start = 0;
    while (true) {
      size_t comma = currentRange.find(',', start);
      const size_t end = comma == std::string_view::npos ? currentRange.size() : comma;
      CargoComparator c;
      parseComparator(currentRange, start, end, c);
      set.clauses.push_back(c.clause);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    TargetVersion t;
    t.release = {target->major, target->minor, target->patch};
    for (size_t i = 0; i < target->prerelease.size(); ++i) {
      t.suffix += (i ? "." : "-") + target->prerelease[i];
    }
    static constexpr RangeSyntax kSyntax{", ", "", "=", ">=", "<"};
    const SemVer v = *target;
    return rewriteRange(currentRange, {set}, t, strategy, kSyntax, [&](std::string_view r) {
      auto parsed = parseRequirement(r);
      return parsed && parsed->matches(v);
    });
  }

 private:
  std::optional<std::string> extreme(const std::vector<std::string>& versions,
                                     std::string_view range, int sign) const {
    auto r = parseRequirement(range);
    if (!r) return std::nullopt;
    std::optional<SemVer> best;
    const std::string* bestText = nullptr;
    for (const auto& text : versions) {
      auto v = parseCargoVersion(text);
      if (!v || !r->matches(*v)) continue;
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

const Versioning& cargoVersioning() {
  static const CargoVersioning instance;
  return instance;
}

}  // namespace ddd::analyzers::deps::detail
