#include "analyzers/dependencies/versioning/semver.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace ddd::analyzers::deps {
namespace {

constexpr uint64_t kMaxSafeInteger = 9007199254740991ull;  // 2^53 - 1, as npm
constexpr size_t kMaxLength = 256;                         // npm's limit on a version
constexpr size_t kMaxRangeLength =
    1 << 16;  // ours on a range (npm has none): hostile input stays cheap

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }
bool isBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && isBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && isBlank(s.back())) s.remove_suffix(1);
  return s;
}

// A numeric identifier: "0" or no leading zero; fits in npm's safe integers.
bool parseNumber(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 16 || (s.size() > 1 && s[0] == '0')) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (!isDigit(c)) return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > kMaxSafeInteger) return false;
  out = v;
  return true;
}

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), isDigit);
}

// Dot-separated identifiers after '-' (pre-release) or '+' (build).
bool parseIdentifiers(std::string_view s, bool prerelease, std::vector<std::string>& out) {
  if (s.empty()) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view id = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (id.empty() || !std::all_of(id.begin(), id.end(), isIdentChar)) return false;
    // A numeric pre-release identifier has no leading zero.
    if (prerelease && allDigits(id) && id.size() > 1 && id[0] == '0') return false;
    out.emplace_back(id);
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// A version-ish token as npm's XRANGEPLAIN reads it: [v=\s]* M[.m[.p[-pre][+build]]],
// each of M, m, p a number or x / X / *.
struct Partial {
  bool xM = true, xm = true, xp = true;
  uint64_t M = 0, m = 0, p = 0;
  std::vector<std::string> pre;
  std::string build;
};

bool isXChar(std::string_view id) { return id == "x" || id == "X" || id == "*"; }

std::optional<Partial> parsePartial(std::string_view s) {
  Partial out;
  while (!s.empty() && (s.front() == 'v' || s.front() == '=' || isBlank(s.front())))
    s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  // Split off pre-release / build only after a full M.m.p.
  size_t end = s.find_first_of("-+");
  std::string_view main = s.substr(0, end);
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t dot = main.find('.', start);
    parts.push_back(main.substr(start, dot == std::string_view::npos ? main.npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() > 3) return std::nullopt;
  uint64_t* nums[3] = {&out.M, &out.m, &out.p};
  bool* xs[3] = {&out.xM, &out.xm, &out.xp};
  for (size_t i = 0; i < parts.size(); ++i) {
    if (isXChar(parts[i])) {
      *xs[i] = true;
    } else if (parseNumber(parts[i], *nums[i])) {
      *xs[i] = false;
    } else {
      return std::nullopt;
    }
  }
  if (end != std::string_view::npos) {
    if (parts.size() != 3) return std::nullopt;  // pre-release only after a patch
    std::string_view rest = s.substr(end);
    if (rest[0] == '-') {
      size_t plus = rest.find('+');
      if (!parseIdentifiers(rest.substr(1, plus == std::string_view::npos ? rest.npos : plus - 1),
                            true, out.pre)) {
        return std::nullopt;
      }
      rest = plus == std::string_view::npos ? std::string_view() : rest.substr(plus);
    }
    if (!rest.empty()) {
      std::vector<std::string> b;
      if (!parseIdentifiers(rest.substr(1), false, b)) return std::nullopt;
      out.build = std::string(rest.substr(1));
    }
  }
  // An X cascades: 1.x.3 means 1.x.x.
  out.xm = out.xm || out.xM;
  out.xp = out.xp || out.xm;
  return out;
}

SemVer make(uint64_t M, uint64_t m, uint64_t p, std::vector<std::string> pre = {}) {
  SemVer v;
  v.major = M;
  v.minor = m;
  v.patch = p;
  v.prerelease = std::move(pre);
  return v;
}

SemVer lowestPre(uint64_t M, uint64_t m, uint64_t p) { return make(M, m, p, {"0"}); }

using Comp = NpmRange::Comparator;

bool isLowestBound(const Comp& c, bool incPr) {
  return c.op == Comp::Ge && c.version.major == 0 && c.version.minor == 0 && c.version.patch == 0 &&
         c.version.prerelease ==
             (incPr ? std::vector<std::string>{"0"} : std::vector<std::string>{});
}

// The comparator strings npm would build; an empty vector is the ANY comparator "".
struct Desugared {
  std::vector<Comp> comps;
  bool any = false;
  bool nullSet = false;
};

bool splitOperator(std::string_view token, std::string& op, std::string_view& rest) {
  size_t i = 0;
  if (i < token.size() && (token[i] == '<' || token[i] == '>')) ++i;
  if (i < token.size() && token[i] == '=') ++i;
  op = std::string(token.substr(0, i));
  rest = token.substr(i);
  return true;
}

Comp::Op opFrom(const std::string& op) {
  if (op == "<") return Comp::Lt;
  if (op == "<=") return Comp::Le;
  if (op == ">") return Comp::Gt;
  if (op == ">=") return Comp::Ge;
  return Comp::Eq;
}

// One comparator token (no blanks) to comparators, as npm's parseComparator and
// replaceGTE0 do. False when it is not a valid comparator.
bool desugar(std::string_view token, bool incPr, Desugared& out) {
  // With includePrerelease npm starts lower bounds at the lowest pre-release ("-0").
  auto low = [&](uint64_t M, uint64_t m, uint64_t p) {
    return incPr ? lowestPre(M, m, p) : make(M, m, p);
  };
  auto pushRange = [&](const SemVer& lo, const SemVer& hi) {
    out.comps.push_back({Comp::Ge, lo});
    out.comps.push_back({Comp::Lt, hi});
  };
  if (token.empty()) {
    out.any = true;
    return true;
  }
  if (token[0] == '^') {
    auto pt = parsePartial(token.substr(1));
    if (!pt) return false;
    const auto& v = *pt;
    if (v.xM) {
      out.any = true;
    } else if (v.xm) {
      pushRange(low(v.M, 0, 0), lowestPre(v.M + 1, 0, 0));
    } else if (v.xp) {
      if (v.M == 0) {
        pushRange(low(v.M, v.m, 0), lowestPre(v.M, v.m + 1, 0));
      } else {
        pushRange(low(v.M, v.m, 0), lowestPre(v.M + 1, 0, 0));
      }
    } else {
      // npm leaves the "-0" off only for a full version with a major above 0.
      const SemVer lo = !v.pre.empty() ? make(v.M, v.m, v.p, v.pre)
                        : v.M == 0     ? low(v.M, v.m, v.p)
                                       : make(v.M, v.m, v.p);
      if (v.M == 0 && v.m == 0) {
        pushRange(lo, lowestPre(0, 0, v.p + 1));
      } else if (v.M == 0) {
        pushRange(lo, lowestPre(0, v.m + 1, 0));
      } else {
        pushRange(lo, lowestPre(v.M + 1, 0, 0));
      }
    }
  } else if (token[0] == '~') {
    std::string_view rest = token.substr(1);
    if (!rest.empty() && rest[0] == '>') rest.remove_prefix(1);
    auto pt = parsePartial(rest);
    if (!pt) return false;
    const auto& v = *pt;
    if (v.xM) {
      out.any = true;
    } else if (v.xm) {
      pushRange(make(v.M, 0, 0), lowestPre(v.M + 1, 0, 0));
    } else if (v.xp) {
      pushRange(make(v.M, v.m, 0), lowestPre(v.M, v.m + 1, 0));
    } else {
      pushRange(make(v.M, v.m, v.p, v.pre), lowestPre(v.M, v.m + 1, 0));
    }
  } else {
    std::string op;
    std::string_view rest;
    splitOperator(token, op, rest);
    // Blanks between operator and version were removed before.
    auto pt = parsePartial(rest);
    if (!pt) return false;
    auto v = *pt;
    const bool anyX = v.xp;
    if (op == "=" && anyX) op.clear();
    if (v.xM) {
      if (op == ">" || op == "<") {
        out.nullSet = true;
      } else {
        out.any = true;
      }
    } else if (!op.empty() && anyX) {
      if (v.xm) v.m = 0;
      v.p = 0;
      if (op == ">") {
        op = ">=";
        if (v.xm) {
          v.M += 1;
          v.m = 0;
        } else {
          v.m += 1;
        }
      } else if (op == "<=") {
        op = "<";
        if (v.xm) {
          v.M += 1;
        } else {
          v.m += 1;
        }
      }
      if (op == "<") {
        out.comps.push_back({Comp::Lt, lowestPre(v.M, v.m, v.p)});
      } else {
        out.comps.push_back({opFrom(op), low(v.M, v.m, v.p)});
      }
    } else if (v.xm) {
      pushRange(low(v.M, 0, 0), lowestPre(v.M + 1, 0, 0));
    } else if (v.xp) {
      pushRange(low(v.M, v.m, 0), lowestPre(v.M, v.m + 1, 0));
    } else {
      SemVer full = make(v.M, v.m, v.p, v.pre);
      full.build = v.build;
      out.comps.push_back({opFrom(op), full});
    }
  }
  // >=0.0.0 is any (>=0.0.0-0 with includePrerelease).
  std::vector<Comp> kept;
  for (auto& c : out.comps) {
    if (isLowestBound(c, incPr)) {
      out.any = true;
    } else {
      kept.push_back(std::move(c));
    }
  }
  out.comps = std::move(kept);
  return true;
}

std::string opString(Comp::Op op) {
  switch (op) {
    case Comp::Lt:
      return "<";
    case Comp::Le:
      return "<=";
    case Comp::Gt:
      return ">";
    case Comp::Ge:
      return ">=";
    case Comp::Eq:
      return "";
  }
  return "";
}

std::string compString(const Comp& c) { return opString(c.op) + c.version.toString(); }

bool isNullComp(const Comp& c) {
  return c.op == Comp::Lt && c.version.major == 0 && c.version.minor == 0 && c.version.patch == 0 &&
         c.version.prerelease == std::vector<std::string>{"0"};
}

// Hyphen range "A - B" (the whole set), or nullopt when the set is not one.
std::optional<std::vector<Comp>> hyphen(std::string_view set, bool incPr, bool& invalid) {
  auto low = [&](uint64_t M, uint64_t m, uint64_t p) {
    return incPr ? lowestPre(M, m, p) : make(M, m, p);
  };
  set = trim(set);
  for (size_t i = 1; i + 2 < set.size(); ++i) {
    if (set[i] != '-' || !isBlank(set[i - 1]) || !isBlank(set[i + 1])) continue;
    auto from = parsePartial(trim(set.substr(0, i)));
    auto to = parsePartial(trim(set.substr(i + 1)));
    if (!from || !to) continue;
    std::vector<Comp> out;
    if (!from->xM) {
      if (from->xm) {
        out.push_back({Comp::Ge, low(from->M, 0, 0)});
      } else if (from->xp) {
        out.push_back({Comp::Ge, low(from->M, from->m, 0)});
      } else if (!from->pre.empty()) {
        out.push_back({Comp::Ge, make(from->M, from->m, from->p, from->pre)});
      } else {
        out.push_back({Comp::Ge, low(from->M, from->m, from->p)});
      }
    }
    if (!to->xM) {
      if (to->xm) {
        out.push_back({Comp::Lt, lowestPre(to->M + 1, 0, 0)});
      } else if (to->xp) {
        out.push_back({Comp::Lt, lowestPre(to->M, to->m + 1, 0)});
      } else if (to->pre.empty() && incPr) {
        out.push_back({Comp::Lt, lowestPre(to->M, to->m, to->p + 1)});
      } else {
        out.push_back({Comp::Le, make(to->M, to->m, to->p, to->pre)});
      }
    }
    invalid = false;
    return out;
  }
  return std::nullopt;
}

bool isOperatorOnly(std::string_view t) {
  return t == "<" || t == ">" || t == "<=" || t == ">=" || t == "=" || t == "~" || t == "~>" ||
         t == "^";
}

// One comparator set (no "||"); false when invalid. An empty result is "any".
bool parseSet(std::string_view text, bool incPr, std::vector<Comp>& out, bool& isNull) {
  isNull = false;
  bool invalid = true;
  if (auto h = hyphen(text, incPr, invalid)) {
    for (auto& c : *h) {
      if (isLowestBound(c, incPr)) continue;  // >=0.0.0 is any
      out.push_back(std::move(c));
    }
    return true;
  }
  // Tokens, with an operator glued to the version after it (">= 1.2.3", "~ 1.2").
  std::vector<std::string> tokens;
  size_t i = 0;
  text = trim(text);
  while (i < text.size()) {
    while (i < text.size() && isBlank(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !isBlank(text[i])) ++i;
    if (i > start) tokens.emplace_back(text.substr(start, i - start));
  }
  std::vector<std::string> glued;
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (isOperatorOnly(tokens[k]) && k + 1 < tokens.size()) {
      glued.push_back(tokens[k] + tokens[k + 1]);
      ++k;
    } else {
      glued.push_back(tokens[k]);
    }
  }
  if (glued.empty()) glued.emplace_back();
  // Equal comparators (same operator and version string) keep their first place and
  // the last one's value; a map only once the set is larger than sets usually are.
  std::unordered_map<std::string, size_t> index;
  auto keep = [&](Comp c) {
    if (index.empty() && out.size() < 8) {
      for (auto& e : out) {
        if (e.op == c.op && compareSemVer(e.version, c.version) == 0) {
          e = std::move(c);
          return;
        }
      }
      out.push_back(std::move(c));
      return;
    }
    if (index.empty()) {
      for (size_t k = 0; k < out.size(); ++k) index.emplace(compString(out[k]), k);
    }
    auto [it, added] = index.emplace(compString(c), out.size());
    if (added) {
      out.push_back(std::move(c));
    } else {
      out[it->second] = std::move(c);
    }
  };
  // A set that can match nothing becomes that one comparator, but only once every token
  // has been read: an invalid token after it still makes the range invalid, as npm
  // builds every comparator before it looks for a null one (">x abc" is no range).
  std::optional<Comp> nullComp;
  for (const auto& t : glued) {
    Desugared d;
    if (!desugar(t, incPr, d)) return false;
    if (nullComp) continue;
    if (d.nullSet) {
      nullComp = Comp{Comp::Lt, lowestPre(0, 0, 0)};
      continue;
    }
    for (auto& c : d.comps) {
      if (isNullComp(c)) {
        nullComp = std::move(c);
        break;
      }
      keep(std::move(c));
    }
  }
  if (nullComp) {
    isNull = true;
    out = {std::move(*nullComp)};
  }
  return true;
}

bool testComparator(const Comp& c, const SemVer& v) {
  const int r = compareSemVer(v, c.version);
  switch (c.op) {
    case Comp::Lt:
      return r < 0;
    case Comp::Le:
      return r <= 0;
    case Comp::Gt:
      return r > 0;
    case Comp::Ge:
      return r >= 0;
    case Comp::Eq:
      return r == 0;
  }
  return false;
}

int compareIdentifiers(const std::string& a, const std::string& b) {
  const bool an = allDigits(a), bn = allDigits(b);
  if (an && bn) {
    // Numerically, without overflow: no leading zeros, so length orders first.
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (an) return -1;
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

}  // namespace

std::string SemVer::toString() const {
  std::string out =
      std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  for (size_t i = 0; i < prerelease.size(); ++i) out += (i ? "." : "-") + prerelease[i];
  return out;
}

std::optional<SemVer> parseSemVer(std::string_view text) {
  if (text.size() > kMaxLength) return std::nullopt;
  text = trim(text);
  if (!text.empty() && text[0] == 'v') text.remove_prefix(1);
  if (text.empty() || !isDigit(text[0])) return std::nullopt;
  auto p = parsePartial(text);
  if (!p || p->xp) return std::nullopt;
  SemVer v = make(p->M, p->m, p->p, p->pre);
  v.build = p->build;
  return v;
}

int compareSemVer(const SemVer& a, const SemVer& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  if (a.prerelease.empty() || b.prerelease.empty()) {
    if (a.prerelease.empty() && b.prerelease.empty()) return 0;
    return a.prerelease.empty() ? 1 : -1;
  }
  for (size_t i = 0;; ++i) {
    if (i == a.prerelease.size() && i == b.prerelease.size()) return 0;
    if (i == a.prerelease.size()) return -1;
    if (i == b.prerelease.size()) return 1;
    if (int c = compareIdentifiers(a.prerelease[i], b.prerelease[i])) return c;
  }
}

SemVer increment(const SemVer& v, SemVerIncrement what) {
  SemVer out = v;
  out.build.clear();
  switch (what) {
    case SemVerIncrement::Major:
      // 1.0.0-rc -> 1.0.0; otherwise the next major.
      if (!(v.minor == 0 && v.patch == 0 && v.isPrerelease())) ++out.major;
      out.minor = out.patch = 0;
      out.prerelease.clear();
      break;
    case SemVerIncrement::Minor:
      if (!(v.patch == 0 && v.isPrerelease())) ++out.minor;
      out.patch = 0;
      out.prerelease.clear();
      break;
    case SemVerIncrement::Patch:
      if (!v.isPrerelease()) ++out.patch;
      out.prerelease.clear();
      break;
    case SemVerIncrement::Prerelease:
      if (out.prerelease.empty()) {
        ++out.patch;
        out.prerelease = {"0"};
      } else {
        bool bumped = false;
        for (size_t i = out.prerelease.size(); i-- > 0;) {
          if (allDigits(out.prerelease[i])) {
            out.prerelease[i] = std::to_string(std::stoull(out.prerelease[i]) + 1);
            bumped = true;
            break;
          }
        }
        if (!bumped) out.prerelease.push_back("0");
      }
      break;
  }
  return out;
}

std::optional<NpmRange> NpmRange::parse(std::string_view text, bool includePrerelease) {
  if (text.size() > kMaxRangeLength) return std::nullopt;
  NpmRange r;
  r.includePrerelease_ = includePrerelease;
  std::vector<std::pair<std::vector<Comp>, bool>> sets;  // comparators, null set
  size_t start = 0;
  while (true) {
    size_t bar = text.find("||", start);
    std::string_view part =
        text.substr(start, bar == std::string_view::npos ? text.npos : bar - start);
    std::vector<Comp> comps;
    bool isNull = false;
    if (!parseSet(part, includePrerelease, comps, isNull)) return std::nullopt;
    sets.emplace_back(std::move(comps), isNull);
    if (bar == std::string_view::npos) break;
    start = bar + 2;
  }
  if (sets.size() > 1) {
    std::vector<std::pair<std::vector<Comp>, bool>> kept;
    for (auto& s : sets) {
      if (!s.second) kept.push_back(s);
    }
    if (kept.empty()) kept.push_back(sets.front());
    sets = std::move(kept);
    if (sets.size() > 1) {
      for (auto& s : sets) {
        if (s.first.empty()) {
          sets = {s};
          break;
        }
      }
    }
  }
  for (auto& s : sets) r.sets_.push_back(std::move(s.first));
  return r;
}

bool NpmRange::satisfiedBy(const SemVer& v) const {
  for (const auto& set : sets_) {
    bool all = true;
    for (const auto& c : set) {
      if (!testComparator(c, v)) {
        all = false;
        break;
      }
    }
    if (!all) continue;
    if (v.isPrerelease() && !includePrerelease_) {
      bool allowed = false;
      for (const auto& c : set) {
        if (c.version.isPrerelease() && c.version.major == v.major && c.version.minor == v.minor &&
            c.version.patch == v.patch) {
          allowed = true;
          break;
        }
      }
      if (!allowed) continue;
    }
    return true;
  }
  return false;
}

std::string NpmRange::toString() const {
  std::string out;
  for (size_t i = 0; i < sets_.size(); ++i) {
    std::string set;
    for (size_t k = 0; k < sets_[i].size(); ++k) {
      if (k) set += ' ';
      set += compString(sets_[i][k]);
    }
    out += (i ? "||" : "") + set;
  }
  // npm trims the joined form; a lone any-set prints as "*".
  return out.empty() ? "*" : out;
}

bool NpmRange::isAny() const { return sets_.size() == 1 && sets_.front().empty(); }

std::optional<SemVer> maxSatisfying(const std::vector<SemVer>& versions, const NpmRange& range) {
  std::optional<SemVer> best;
  for (const auto& v : versions) {
    if (!range.satisfiedBy(v)) continue;
    if (!best || compareSemVer(v, *best) > 0) best = v;
  }
  return best;
}

}  // namespace ddd::analyzers::deps
