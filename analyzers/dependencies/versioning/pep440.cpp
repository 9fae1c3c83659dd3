// The "pep440" scheme: versions and specifier sets as Python's `packaging` reads them
// (Version, SpecifierSet with its default pre-release rules). Parsing is a hand-written
// backtracking matcher of packaging's version grammar (case-insensitive, ASCII blanks);
// numbers above 2^64-1 are rejected (packaging would accept them). Comparison follows
// packaging's sort key: epoch, release without trailing zeros, pre (a dev-only release
// sorts before every pre-release), post, dev, local (numeric parts above strings).
#include <algorithm>
#include <array>

#include "analyzers/dependencies/versioning/range_rewrite.h"
#include "analyzers/dependencies/versioning/schemes.h"

namespace ddd::analyzers::deps::detail {
namespace {

constexpr size_t kMaxLength = 512;

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isSpace(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}
bool isSep(char c) { return c == '-' || c == '_' || c == '.'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool isLowerAlnum(char c) { return isDigit(lower(c)) || (lower(c) >= 'a' && lower(c) <= 'z'); }

std::string_view strip(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

struct LocalPart {
  bool numeric = false;
  uint64_t number = 0;
  std::string text;
};

struct Pep440 {
  uint64_t epoch = 0;
  std::vector<uint64_t> release;
  int pre = -1;  // 0 a, 1 b, 2 rc; -1 none
  uint64_t preN = 0;
  bool hasPost = false, hasDev = false, hasLocal = false;
  uint64_t post = 0, dev = 0;
  std::vector<LocalPart> local;

  bool isPrerelease() const { return pre >= 0 || hasDev; }
  bool isPostrelease() const { return hasPost; }
};

bool equalsIgnoreCase(std::string_view s, size_t at, std::string_view word) {
  if (s.size() - std::min(at, s.size()) < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (lower(s[at + i]) != word[i]) return false;
  }
  return true;
}

// Reads digits at `at`; false on overflow (more than 2^64-1).
bool readNumber(std::string_view s, size_t& at, uint64_t& out, bool& overflow) {
  const size_t start = at;
  uint64_t v = 0;
  while (at < s.size() && isDigit(s[at])) {
    const uint64_t d = static_cast<uint64_t>(s[at] - '0');
    if (v > (UINT64_MAX - d) / 10) overflow = true;
    v = v * 10 + d;
    ++at;
  }
  out = v;
  return at > start;
}

// The matcher: each stage tries the group present (every way) and then absent, as the
// regular expression in packaging would, and succeeds only when the text ends.
class Matcher {
 public:
  Matcher(std::string_view s, bool allowLocal) : s_(s), allowLocal_(allowLocal) {}
  bool overflow = false;

  bool run(Pep440& v) {
    size_t at = 0;
    if (at < s_.size() && lower(s_[at]) == 'v') ++at;
    // Epoch: digits followed by '!'.
    size_t probe = at;
    uint64_t n = 0;
    if (readNumber(s_, probe, n, overflow) && probe < s_.size() && s_[probe] == '!') {
      v.epoch = n;
      at = probe + 1;
    }
    if (!readNumber(s_, at, n, overflow)) return false;
    v.release.push_back(n);
    while (at + 1 < s_.size() && s_[at] == '.' && isDigit(s_[at + 1])) {
      ++at;
      readNumber(s_, at, n, overflow);
      v.release.push_back(n);
    }
    return pre(at, v);
  }

 private:
  std::string_view s_;
  bool allowLocal_;

  // Positions after an optional separator: with it first, then without.
  template <typename F>
  bool withOptionalSep(size_t at, F&& next) {
    if (at < s_.size() && isSep(s_[at]) && next(at + 1)) return true;
    return next(at);
  }

  bool pre(size_t at, Pep440& v) {
    static constexpr std::array<std::pair<std::string_view, int>, 8> kWords = {{{"a", 0},
                                                                                {"b", 1},
                                                                                {"c", 2},
                                                                                {"rc", 2},
                                                                                {"alpha", 0},
                                                                                {"beta", 1},
                                                                                {"pre", 2},
                                                                                {"preview", 2}}};
    const bool present = withOptionalSep(at, [&](size_t i) {
      for (const auto& entry : kWords) {
        // No structured binding: clang 14 can't capture one in the lambda below.
        const std::string_view word = entry.first;
        const int kind = entry.second;
        if (!equalsIgnoreCase(s_, i, word)) continue;
        const bool ok = withOptionalSep(i + word.size(), [&](size_t j) {
          uint64_t n = 0;
          size_t k = j;
          const bool has = readNumber(s_, k, n, overflow);
          v.pre = kind;
          v.preN = has ? n : 0;
          return post(k, v);
        });
        if (ok) return true;
      }
      return false;
    });
    if (present) return true;
    v.pre = -1;
    v.preN = 0;
    return post(at, v);
  }

  bool post(size_t at, Pep440& v) {
    if (at + 1 < s_.size() && s_[at] == '-' && isDigit(s_[at + 1])) {
      size_t k = at + 1;
      uint64_t n = 0;
      readNumber(s_, k, n, overflow);
      v.hasPost = true;
      v.post = n;
      if (dev(k, v)) return true;
    }
    static constexpr std::array<std::string_view, 3> kWords = {"post", "rev", "r"};
    const bool present = withOptionalSep(at, [&](size_t i) {
      for (auto word : kWords) {
        if (!equalsIgnoreCase(s_, i, word)) continue;
        const bool ok = withOptionalSep(i + word.size(), [&](size_t j) {
          uint64_t n = 0;
          size_t k = j;
          const bool has = readNumber(s_, k, n, overflow);
          v.hasPost = true;
          v.post = has ? n : 0;
          return dev(k, v);
        });
        if (ok) return true;
      }
      return false;
    });
    if (present) return true;
    v.hasPost = false;
    v.post = 0;
    return dev(at, v);
  }

  bool dev(size_t at, Pep440& v) {
    const bool present = withOptionalSep(at, [&](size_t i) {
      if (!equalsIgnoreCase(s_, i, "dev")) return false;
      return withOptionalSep(i + 3, [&](size_t j) {
        uint64_t n = 0;
        size_t k = j;
        const bool has = readNumber(s_, k, n, overflow);
        v.hasDev = true;
        v.dev = has ? n : 0;
        return local(k, v);
      });
    });
    if (present) return true;
    v.hasDev = false;
    v.dev = 0;
    return local(at, v);
  }

  bool local(size_t at, Pep440& v) {
    v.local.clear();
    v.hasLocal = false;
    if (at == s_.size()) return true;
    if (!allowLocal_ || s_[at] != '+') return false;
    ++at;
    while (true) {
      const size_t start = at;
      while (at < s_.size() && isLowerAlnum(s_[at])) ++at;
      if (at == start) return false;
      LocalPart part;
      const std::string_view text = s_.substr(start, at - start);
      if (std::all_of(text.begin(), text.end(), isDigit)) {
        part.numeric = true;
        size_t k = start;
        readNumber(s_, k, part.number, overflow);
      } else {
        for (char c : text) part.text += lower(c);
      }
      v.local.push_back(std::move(part));
      if (at == s_.size()) break;
      if (!isSep(s_[at])) return false;
      ++at;
    }
    v.hasLocal = true;
    return true;
  }
};

std::optional<Pep440> parseVersion(std::string_view text, bool allowLocal = true) {
  if (text.size() > kMaxLength) return std::nullopt;
  text = strip(text);
  Pep440 v;
  Matcher m(text, allowLocal);
  if (!m.run(v) || m.overflow) return std::nullopt;
  return v;
}

std::string releaseString(const Pep440& v) {
  std::string out;
  for (size_t i = 0; i < v.release.size(); ++i) {
    if (i) out += '.';
    out += std::to_string(v.release[i]);
  }
  return out;
}

const char* preWord(int kind) { return kind == 0 ? "a" : kind == 1 ? "b" : "rc"; }

std::string suffixString(const Pep440& v) {
  std::string out;
  if (v.pre >= 0) out += preWord(v.pre) + std::to_string(v.preN);
  if (v.hasPost) out += ".post" + std::to_string(v.post);
  if (v.hasDev) out += ".dev" + std::to_string(v.dev);
  return out;
}

std::string localString(const Pep440& v) {
  std::string out;
  for (size_t i = 0; i < v.local.size(); ++i) {
    if (i) out += '.';
    out += v.local[i].numeric ? std::to_string(v.local[i].number) : v.local[i].text;
  }
  return out;
}

std::string epochString(const Pep440& v) {
  return v.epoch ? std::to_string(v.epoch) + "!" : std::string();
}

// str(Version) in packaging.
std::string toString(const Pep440& v) {
  std::string out = epochString(v) + releaseString(v) + suffixString(v);
  if (v.hasLocal) out.append("+").append(localString(v));
  return out;
}

Pep440 publicOf(Pep440 v) {
  v.hasLocal = false;
  v.local.clear();
  return v;
}

Pep440 baseOf(const Pep440& v) {
  Pep440 b;
  b.epoch = v.epoch;
  b.release = v.release;
  return b;
}

int cmp(uint64_t a, uint64_t b) { return a < b ? -1 : a > b ? 1 : 0; }

int compareVersions(const Pep440& a, const Pep440& b) {
  if (int c = cmp(a.epoch, b.epoch)) return c;
  // Release without trailing zeros, as tuples.
  size_t la = a.release.size(), lb = b.release.size();
  while (la > 0 && a.release[la - 1] == 0) --la;
  while (lb > 0 && b.release[lb - 1] == 0) --lb;
  for (size_t i = 0; i < std::min(la, lb); ++i) {
    if (int c = cmp(a.release[i], b.release[i])) return c;
  }
  if (la != lb) return la < lb ? -1 : 1;
  // Pre: a dev-only release first, no pre-release last.
  auto preRank = [](const Pep440& v) { return v.pre >= 0 ? 1 : (!v.hasPost && v.hasDev) ? 0 : 2; };
  if (int c = cmp(preRank(a), preRank(b))) return c;
  if (a.pre >= 0) {
    if (int c = cmp(static_cast<uint64_t>(a.pre), static_cast<uint64_t>(b.pre))) return c;
    if (int c = cmp(a.preN, b.preN)) return c;
  }
  // Post: none first.
  if (a.hasPost != b.hasPost) return a.hasPost ? 1 : -1;
  if (int c = cmp(a.post, b.post)) return c;
  // Dev: none last.
  if (a.hasDev != b.hasDev) return a.hasDev ? -1 : 1;
  if (int c = cmp(a.dev, b.dev)) return c;
  // Local: none first; numeric parts above strings; a shorter equal prefix first.
  if (a.hasLocal != b.hasLocal) return a.hasLocal ? 1 : -1;
  for (size_t i = 0; i < std::min(a.local.size(), b.local.size()); ++i) {
    const auto &x = a.local[i], &y = b.local[i];
    if (x.numeric != y.numeric) return x.numeric ? 1 : -1;
    if (x.numeric) {
      if (int c = cmp(x.number, y.number)) return c;
    } else if (x.text != y.text) {
      return x.text < y.text ? -1 : 1;
    }
  }
  return cmp(a.local.size(), b.local.size());
}

// packaging.utils.canonicalize_version (of a parsed version), with or without
// stripping trailing ".0"s from the release.
std::string canonicalizeVersion(const Pep440& v, bool stripTrailingZero) {
  std::string release = releaseString(v);
  if (stripTrailingZero) {
    while (release.size() >= 2 && release.compare(release.size() - 2, 2, ".0") == 0) {
      release.resize(release.size() - 2);
    }
  }
  std::string out = epochString(v) + release + suffixString(v);
  if (v.hasLocal) out.append("+").append(localString(v));
  return out;
}

std::string canonicalizeText(std::string_view text, bool stripTrailingZero) {
  auto v = parseVersion(text);
  return v ? canonicalizeVersion(*v, stripTrailingZero) : std::string(text);
}

// _version_split: split on dots, "2rc1" -> "2", "rc1".
std::vector<std::string> versionSplit(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t dot = text.find('.', start);
    std::string_view item =
        text.substr(start, dot == std::string_view::npos ? text.npos : dot - start);
    // ^([0-9]+)((?:a|b|c|rc)[0-9]+)$
    size_t d = 0;
    while (d < item.size() && isDigit(item[d])) ++d;
    bool split = false;
    if (d > 0 && d < item.size()) {
      std::string_view rest = item.substr(d);
      size_t w = rest.substr(0, 2) == "rc"                              ? 2
                 : (rest[0] == 'a' || rest[0] == 'b' || rest[0] == 'c') ? 1
                                                                        : 0;
      if (w > 0 && rest.size() > w &&
          std::all_of(rest.begin() + static_cast<std::ptrdiff_t>(w), rest.end(), isDigit)) {
        split = true;
        out.emplace_back(item.substr(0, d));
        out.emplace_back(rest);
      }
    }
    if (!split) out.emplace_back(item);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

bool isNotSuffix(const std::string& segment) {
  for (std::string_view p : {"dev", "a", "b", "rc", "post"}) {
    if (segment.compare(0, p.size(), p) == 0) return false;
  }
  return true;
}

bool isDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), isDigit);
}

struct Specifier {
  enum Op { Compatible, Equal, NotEqual, LessEqual, GreaterEqual, Less, Greater, Arbitrary } op;
  std::string version;  // as written (stripped)
  bool wildcard = false;
  std::optional<Pep440> parsed;  // the version (without ".*"); none for === of other text
  RangeClause clause;

  // Specifier.prereleases (no explicit setting).
  bool allowsPrereleases() const {
    if (op == Equal || op == GreaterEqual || op == LessEqual || op == Compatible ||
        op == Arbitrary) {
      return parsed && parsed->isPrerelease();
    }
    return false;
  }
};

bool compareEqual(const Pep440& prospective, std::string_view specText) {
  if (specText.size() >= 2 && specText.substr(specText.size() - 2) == ".*") {
    const std::string normalizedProspective = canonicalizeVersion(publicOf(prospective), true);
    const std::string normalizedSpec =
        canonicalizeText(specText.substr(0, specText.size() - 2), false);
    const auto splitSpec = versionSplit(normalizedSpec);
    auto left = versionSplit(normalizedProspective);
    // _pad_version: zero-pad the prospective release to the spec's release length.
    size_t leftRelease = 0, rightRelease = 0;
    while (leftRelease < left.size() && isDigits(left[leftRelease])) ++leftRelease;
    while (rightRelease < splitSpec.size() && isDigits(splitSpec[rightRelease])) ++rightRelease;
    if (rightRelease > leftRelease) {
      left.insert(left.begin() + static_cast<std::ptrdiff_t>(leftRelease),
                  rightRelease - leftRelease, "0");
    }
    if (left.size() > splitSpec.size()) left.resize(splitSpec.size());
    return left == splitSpec;
  }
  auto spec = parseVersion(specText);
  if (!spec) return false;
  if (!spec->hasLocal) return compareVersions(publicOf(prospective), *spec) == 0;
  return compareVersions(prospective, *spec) == 0;
}

bool specContains(const Specifier& s, const Pep440& v) {
  switch (s.op) {
    case Specifier::Compatible: {
      auto parts = versionSplit(s.version);
      std::vector<std::string> kept;
      for (const auto& p : parts) {
        if (!isNotSuffix(p)) break;
        kept.push_back(p);
      }
      if (!kept.empty()) kept.pop_back();
      std::string prefix;
      for (size_t i = 0; i < kept.size(); ++i) prefix += (i ? "." : "") + kept[i];
      prefix += ".*";
      return compareVersions(publicOf(v), *s.parsed) >= 0 && compareEqual(v, prefix);
    }
    case Specifier::Equal:
      return compareEqual(v, s.version);
    case Specifier::NotEqual:
      return !compareEqual(v, s.version);
    case Specifier::LessEqual:
      return compareVersions(publicOf(v), *s.parsed) <= 0;
    case Specifier::GreaterEqual:
      return compareVersions(publicOf(v), *s.parsed) >= 0;
    case Specifier::Less: {
      const Pep440& spec = *s.parsed;
      if (compareVersions(v, spec) >= 0) return false;
      if (!spec.isPrerelease() && v.isPrerelease() &&
          compareVersions(baseOf(v), baseOf(spec)) == 0) {
        return false;
      }
      return true;
    }
    case Specifier::Greater: {
      const Pep440& spec = *s.parsed;
      if (compareVersions(v, spec) <= 0) return false;
      if (!spec.isPostrelease() && v.isPostrelease() &&
          compareVersions(baseOf(v), baseOf(spec)) == 0) {
        return false;
      }
      if (v.hasLocal && compareVersions(baseOf(v), baseOf(spec)) == 0) return false;
      return true;
    }
    case Specifier::Arbitrary: {
      const std::string a = toString(v);
      if (a.size() != s.version.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(s.version[i])) return false;
      }
      return true;
    }
  }
  return false;
}

// One specifier between `begin` and `end` of `text` (a SpecifierSet item).
std::optional<Specifier> parseSpecifier(std::string_view text, size_t begin, size_t end) {
  while (begin < end && isSpace(text[begin])) ++begin;
  while (end > begin && isSpace(text[end - 1])) --end;
  Specifier s;
  s.clause.opBegin = begin;
  static constexpr std::array<std::pair<std::string_view, Specifier::Op>, 8> kOps = {{
      {"===", Specifier::Arbitrary},
      {"~=", Specifier::Compatible},
      {"==", Specifier::Equal},
      {"!=", Specifier::NotEqual},
      {"<=", Specifier::LessEqual},
      {">=", Specifier::GreaterEqual},
      {"<", Specifier::Less},
      {">", Specifier::Greater},
  }};
  size_t at = begin;
  bool found = false;
  for (const auto& [word, op] : kOps) {
    if (text.substr(at, word.size()) == word) {
      s.op = op;
      at += word.size();
      found = true;
      break;
    }
  }
  if (!found) return std::nullopt;
  s.clause.opEnd = at;
  while (at < end && isSpace(text[at])) ++at;
  const std::string_view version = text.substr(at, end - at);
  s.version = std::string(version);
  s.clause.verBegin = at;
  s.clause.verEnd = end;
  s.clause.clauseEnd = end;
  using Role = RangeClause::Role;
  if (s.op == Specifier::Arbitrary) {
    if (std::any_of(version.begin(), version.end(),
                    [](char c) { return isSpace(c) || c == ';' || c == ')'; })) {
      return std::nullopt;
    }
    s.parsed = parseVersion(version);
    s.clause.role = Role::Exact;
  } else if ((s.op == Specifier::Equal || s.op == Specifier::NotEqual) && version.size() >= 2 &&
             version.substr(version.size() - 2) == ".*") {
    auto v = parseVersion(version.substr(0, version.size() - 2), false);
    if (!v || v->pre >= 0 || v->hasPost || v->hasDev || isSpace(version[0])) return std::nullopt;
    s.wildcard = true;
    s.parsed = std::move(v);
    s.clause.verEnd = end - 2;
    s.clause.role = s.op == Specifier::Equal ? Role::Floor : Role::Exclude;
    s.clause.impliedCeilingLevel = static_cast<int>(s.parsed->release.size()) - 1;
  } else {
    const bool local = s.op == Specifier::Equal || s.op == Specifier::NotEqual;
    auto v = parseVersion(version, local);
    if (!v || version.empty() || isSpace(version.back())) return std::nullopt;
    if (s.op == Specifier::Compatible && v->release.size() < 2) return std::nullopt;
    s.parsed = std::move(v);
    switch (s.op) {
      case Specifier::Compatible:
        s.clause.role = Role::Floor;
        s.clause.impliedCeilingLevel = static_cast<int>(s.parsed->release.size()) - 2;
        break;
      case Specifier::Equal:
        s.clause.role = Role::Exact;
        break;
      case Specifier::NotEqual:
        s.clause.role = Role::Exclude;
        break;
      case Specifier::GreaterEqual:
      case Specifier::Greater:
        s.clause.role = Role::Floor;
        s.clause.strict = s.op == Specifier::Greater;
        break;
      default:
        s.clause.role = Role::Ceiling;
        s.clause.strict = s.op == Specifier::Less;
        break;
    }
  }
  if (s.parsed) s.clause.release = s.parsed->release;
  return s;
}

struct SpecifierSet {
  std::vector<Specifier> specs;

  bool contains(const Pep440& v) const {
    const bool prereleases = std::any_of(specs.begin(), specs.end(),
                                         [](const Specifier& s) { return s.allowsPrereleases(); });
    if (!prereleases && v.isPrerelease()) return false;
    for (const auto& s : specs) {
      if (!specContains(s, v)) return false;
    }
    return true;
  }
};

std::optional<SpecifierSet> parseSpecifierSet(std::string_view text) {
  if (text.size() > kMaxLength) return std::nullopt;
  SpecifierSet set;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const size_t end = comma == std::string_view::npos ? text.size() : comma;
    if (!strip(text.substr(start, end - start)).empty()) {
      auto s = parseSpecifier(text, start, end);
      if (!s) return std::nullopt;
      set.specs.push_back(std::move(*s));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return set;
}

Pep440 requireVersion(std::string_view text) {
  auto v = parseVersion(text);
  if (!v) {
    throw VersioningError(quoteForError(text) +
                          " is not a PEP 440 version (or has a number above 2^64-1)");
  }
  return *v;
}

class Pep440Versioning final : public Versioning {
 public:
  std::string_view name() const override { return "pep440"; }
  bool isVersion(std::string_view text) const override { return parseVersion(text).has_value(); }
  bool isValid(std::string_view text) const override {
    return parseSpecifierSet(text).has_value() || isVersion(text);
  }
  SpecKind classify(std::string_view spec) const override {
    if (isVersion(spec)) return SpecKind::Version;
    auto set = parseSpecifierSet(spec);
    if (!set) return SpecKind::Invalid;
    if (set->specs.size() == 1 && set->specs[0].clause.role == RangeClause::Role::Exact) {
      return SpecKind::Version;
    }
    return SpecKind::Range;
  }
  std::optional<std::string> canonical(std::string_view version) const override {
    auto v = parseVersion(version);
    if (!v) return std::nullopt;
    return toString(*v);
  }
  int compare(std::string_view a, std::string_view b) const override {
    return compareVersions(requireVersion(a), requireVersion(b));
  }
  std::vector<std::string> sorted(std::vector<std::string> versions) const override {
    return sortParsed(
        std::move(versions), [](std::string_view v) { return parseVersion(v); }, compareVersions);
  }
  bool isStable(std::string_view version) const override {
    auto v = parseVersion(version);
    return v && !v->isPrerelease();
  }
  // A bare version as the range means "==version".
  bool matches(std::string_view version, std::string_view range) const override {
    auto v = parseVersion(version);
    if (!v) return false;
    if (auto set = parseSpecifierSet(range)) return set->contains(*v);
    auto exact = parseVersion(range);
    return exact && compareVersions(*v, *exact) == 0;
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
    const Pep440 a = requireVersion(from), b = requireVersion(to);
    if (a.epoch != b.epoch) return UpdateType::Major;
    const size_t n = std::max(a.release.size(), b.release.size());
    for (size_t i = 0; i < n; ++i) {
      const uint64_t x = i < a.release.size() ? a.release[i] : 0;
      const uint64_t y = i < b.release.size() ? b.release[i] : 0;
      if (x != y)
        return i == 0 ? UpdateType::Major : i == 1 ? UpdateType::Minor : UpdateType::Patch;
    }
    return compareVersions(a, b) == 0 ? UpdateType::None : UpdateType::Patch;
  }
  std::optional<std::string> newRange(std::string_view currentRange, std::string_view,
                                      std::string_view newVersion,
                                      RangeStrategy strategy) const override {
    auto target = parseVersion(newVersion);
    if (!target) return std::nullopt;
    std::string_view range = currentRange;
    auto set = parseSpecifierSet(range);
    TargetVersion t;
    t.release = target->release;
    t.suffix = suffixString(*target);
    if (target->hasLocal) t.suffix.append("+").append(localString(*target));
    t.fullPrecision = target->release.size();
    if (!set) {
      // A bare version: the new version, canonical.
      if (!parseVersion(range)) return std::nullopt;
      return toString(*target);
    }
    RangeSetClauses clauses;
    clauses.begin = 0;
    clauses.end = range.size();
    for (const auto& s : set->specs) {
      if (target->epoch != (s.parsed ? s.parsed->epoch : 0)) return std::nullopt;
      clauses.clauses.push_back(s.clause);
    }
    if (target->epoch != 0 && strategy != RangeStrategy::Pin) return std::nullopt;
    if (clauses.clauses.empty()) {
      // No specifier: any final release; a pre-release needs a pin.
      if (strategy == RangeStrategy::Pin) return "==" + toString(*target);
      if (target->isPrerelease()) return std::nullopt;
      return std::string(range);
    }
    static constexpr RangeSyntax kSyntax{",", "", "==", ">=", "<"};
    const Pep440 v = *target;
    return rewriteRange(range, {clauses}, t, strategy, kSyntax, [&](std::string_view r) {
      auto parsed = parseSpecifierSet(r);
      return parsed && parsed->contains(v);
    });
  }

 private:
  std::optional<std::string> extreme(const std::vector<std::string>& versions,
                                     std::string_view range, int sign) const {
    auto set = parseSpecifierSet(range);
    std::optional<Pep440> exact;
    if (!set) {
      exact = parseVersion(range);
      if (!exact) return std::nullopt;
    }
    std::optional<Pep440> best;
    const std::string* bestText = nullptr;
    for (const auto& text : versions) {
      auto v = parseVersion(text);
      if (!v) continue;
      if (set ? !set->contains(*v) : compareVersions(*v, *exact) != 0) continue;
      if (!best || compareVersions(*v, *best) * sign > 0) {
        best = std::move(v);
        bestText = &text;
      }
    }
    if (!bestText) return std::nullopt;
    return *bestText;
  }
};

}  // namespace

const Versioning& pep440Versioning() {
  static const Pep440Versioning instance;
  return instance;
}

}  // namespace ddd::analyzers::deps::detail
