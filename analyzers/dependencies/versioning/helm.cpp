// "helm": Helm's chart version constraints (Masterminds semver, as `helm dependency
// update` reads them) on top of the npm scheme, whose operators mean the same (^ ~
// x-ranges, hyphen ranges, comparators, `||`). What Helm adds is the comma as AND
// between comparators (">=1.2.0, <2.0.0"): each comma becomes npm's space for matching,
// and a rewritten range gets the commas back where the declared one had them, so a bump
// keeps the file's spelling (">=1.2.0, <2.0.0" -> ">=2.1.0, <3.0.0").
#include <cctype>
#include <map>

#include "analyzers/dependencies/versioning/schemes.h"

namespace ddd::analyzers::deps {
namespace {

const Versioning& npm() { return detail::npmVersioning(); }

// The blanks npm's range parser separates comparators with.
bool isBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Commas as spaces (runs of separators collapse into one space); "" for an empty AND
// part such as ">=1,,<2" or a leading/trailing comma, which Helm rejects too.
std::optional<std::string> toNpm(std::string_view range) {
  if (range.find(',') == std::string_view::npos) return std::string(range);
  std::string out;
  bool pendingComma = false;
  bool content = false;  // something since the last comma / set start
  for (size_t i = 0; i < range.size(); ++i) {
    const char c = range[i];
    if (c == ',') {
      if (!content) return std::nullopt;
      pendingComma = true;
      content = false;
      continue;
    }
    if (c == '|' ) {
      if (pendingComma && !content) return std::nullopt;
      pendingComma = false;
    }
    if (!isBlank(c) && c != '|') content = true;
    if (pendingComma && !isBlank(c)) {
      out += ' ';
      pendingComma = false;
    }
    out += c;
  }
  if (pendingComma) return std::nullopt;
  return out;
}

// The separator the declared range used between ANDed comparators (", " or ","), "" when
// it used none.
std::string commaStyle(std::string_view range) {
  const size_t comma = range.find(',');
  if (comma == std::string_view::npos) return "";
  return comma + 1 < range.size() && range[comma + 1] == ' ' ? ", " : ",";
}

// npm's space-separated comparators joined by `sep` instead; hyphen ranges ("1 - 2") and
// "||" are left as they are.
std::string withCommas(const std::string& npmRange, const std::string& sep) {
  std::string out;
  size_t start = 0;
  while (start <= npmRange.size()) {
    size_t bar = npmRange.find("||", start);
    const std::string set =
        npmRange.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    // Tokens of the set, a hyphen range kept together.
    std::vector<std::string> tokens;
    size_t pos = 0;
    while (pos < set.size()) {
      while (pos < set.size() && isBlank(set[pos])) ++pos;
      if (pos >= set.size()) break;
      size_t end = pos;
      while (end < set.size() && !isBlank(set[end])) ++end;
      tokens.push_back(set.substr(pos, end - pos));
      pos = end;
    }
    std::string joined;
    const bool hyphen = std::find(tokens.begin(), tokens.end(), "-") != tokens.end();
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i > 0) joined += hyphen ? " " : sep;
      joined += tokens[i];
    }
    const bool leading = !set.empty() && set.front() == ' ';
    const bool trailing = !set.empty() && set.back() == ' ';
    out += (leading ? " " : "") + joined + (trailing ? " " : "");
    if (bar == std::string::npos) break;
    out += "||";
    start = bar + 2;
  }
  return out;
}

class HelmVersioning : public Versioning {
 public:
  std::string_view name() const override { return "helm"; }
  bool isVersion(std::string_view text) const override { return npm().isVersion(text); }
  bool isValid(std::string_view range) const override {
    auto r = toNpm(range);
    return r && npm().isValid(*r);
  }
  SpecKind classify(std::string_view spec) const override {
    auto r = toNpm(spec);
    return r ? npm().classify(*r) : SpecKind::Invalid;
  }
  std::optional<std::string> canonical(std::string_view version) const override {
    return npm().canonical(version);
  }
  int compare(std::string_view a, std::string_view b) const override {
    return npm().compare(a, b);
  }
  bool isStable(std::string_view version) const override { return npm().isStable(version); }
  bool matches(std::string_view version, std::string_view range) const override {
    auto r = toNpm(range);
    return r && npm().matches(version, *r);
  }
  std::optional<std::string> maxSatisfying(const std::vector<std::string>& versions,
                                           std::string_view range) const override {
    auto r = toNpm(range);
    return r ? npm().maxSatisfying(versions, *r) : std::nullopt;
  }
  std::optional<std::string> minSatisfying(const std::vector<std::string>& versions,
                                           std::string_view range) const override {
    auto r = toNpm(range);
    return r ? npm().minSatisfying(versions, *r) : std::nullopt;
  }
  bool isCompatible(std::string_view from, std::string_view candidate) const override {
    return npm().isCompatible(from, candidate);
  }
  UpdateType updateType(std::string_view from, std::string_view to) const override {
    return npm().updateType(from, to);
  }
  std::optional<std::string> newRange(std::string_view currentRange,
                                      std::string_view currentVersion,
                                      std::string_view newVersion,
                                      RangeStrategy strategy) const override {
    auto r = toNpm(currentRange);
    if (!r) return std::nullopt;
    auto out = npm().newRange(*r, currentVersion, newVersion, strategy);
    if (!out) return out;
    if (*out == *r) return std::string(currentRange);  // unchanged: as written
    const std::string sep = commaStyle(currentRange);
    return sep.empty() ? *out : withCommas(*out, sep);
  }
  std::vector<std::string> sorted(std::vector<std::string> versions) const override {
    return npm().sorted(std::move(versions));
  }
};

// "helm-oci": chart versions as tags of an OCI registry. OCI tags can't hold SemVer's
// "+", so `helm push` writes a version's build metadata after "_" (1.2.3+build.1 is the
// tag 1.2.3_build.1), and `helm dependency update` reads the tags back by turning every
// "_" into "+" and keeping only what then parses as strict SemVer (no "v", three
// numbers: "latest", "v1.2.3" and "1.2" are not chart versions). This scheme does the
// same, so such tags are versions; their build metadata is kept (canonical() is the
// "+" spelling) and a rewritten range or pin spells it as the declared value did: "+"
// (what Helm's constraint parser reads in Chart.yaml), or "_" when it was written so.
class HelmOciVersioning : public Versioning {
 public:
  std::string_view name() const override { return "helm-oci"; }
  bool isVersion(std::string_view text) const override { return strict(text).has_value(); }
  bool isValid(std::string_view range) const override { return helm().isValid(plus(range)); }
  SpecKind classify(std::string_view spec) const override {
    if (isVersion(spec)) return SpecKind::Version;
    return helm().classify(plus(spec)) == SpecKind::Invalid ? SpecKind::Invalid : SpecKind::Range;
  }
  std::optional<std::string> canonical(std::string_view version) const override {
    return strict(version);
  }
  int compare(std::string_view a, std::string_view b) const override {
    return helm().compare(plus(a), plus(b));
  }
  bool isStable(std::string_view version) const override {
    return helm().isStable(plus(version));
  }
  bool matches(std::string_view version, std::string_view range) const override {
    return isVersion(version) && helm().matches(plus(version), plus(range));
  }
  std::optional<std::string> maxSatisfying(const std::vector<std::string>& versions,
                                           std::string_view range) const override {
    return pick(versions, range, true);
  }
  std::optional<std::string> minSatisfying(const std::vector<std::string>& versions,
                                           std::string_view range) const override {
    return pick(versions, range, false);
  }
  bool isCompatible(std::string_view from, std::string_view candidate) const override {
    return helm().isCompatible(plus(from), plus(candidate));
  }
  UpdateType updateType(std::string_view from, std::string_view to) const override {
    return helm().updateType(plus(from), plus(to));
  }
  std::optional<std::string> newRange(std::string_view currentRange,
                                      std::string_view currentVersion,
                                      std::string_view newVersion,
                                      RangeStrategy strategy) const override {
    auto out = helm().newRange(plus(currentRange), plus(currentVersion), plus(newVersion), strategy);
    if (!out) return out;
    if (*out == plus(currentRange)) return std::string(currentRange);  // unchanged: as written
    // An exact version keeps the new version's build metadata (npm's rewrite drops it):
    // the exact tag is what the chart was pushed as. Ranges need none.
    const std::string target = plus(newVersion);
    if (const size_t build = target.find('+');
        build != std::string::npos && *out == target.substr(0, build))
      *out = target;
    if (currentRange.find('_') != std::string_view::npos) {
      for (char& c : *out) c = c == '+' ? '_' : c;
    }
    return out;
  }
  std::vector<std::string> sorted(std::vector<std::string> versions) const override {
    // Sorted in the "+" spelling by the helm scheme (each version parsed once), then
    // given back as the registry spelled them, equal ones in their input order.
    std::map<std::string, std::vector<std::string>> spelled;
    std::vector<std::string> plusForms;
    for (auto& v : versions) {
      auto p = strict(v);
      if (!p) continue;
      auto& same = spelled[*p];
      if (same.empty()) plusForms.push_back(*p);
      same.push_back(std::move(v));
    }
    std::vector<std::string> out;
    out.reserve(versions.size());
    for (const auto& p : helm().sorted(std::move(plusForms))) {
      for (auto& v : spelled[p]) out.push_back(std::move(v));
    }
    return out;
  }

 private:
  static const Versioning& helm() { return detail::helmVersioning(); }
  static std::string plus(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = c == '_' ? '+' : c;
    return out;
  }
  // The "+" spelling of a strict SemVer version (as Helm's StrictNewVersion takes it).
  static std::optional<std::string> strict(std::string_view text) {
    const std::string v = plus(text);
    if (v.empty() || !std::isdigit(static_cast<unsigned char>(v[0]))) return std::nullopt;
    // Three numbers and nothing loose: npm's canonical form is the text itself, up to
    // the build metadata it drops.
    const auto canon = npm().canonical(v);
    if (!canon || v.compare(0, canon->size(), *canon) != 0 ||
        (v.size() > canon->size() && v[canon->size()] != '+'))
      return std::nullopt;
    return v;
  }
  std::optional<std::string> pick(const std::vector<std::string>& versions,
                                  std::string_view range, bool highest) const {
    const std::string r = plus(range);
    if (!helm().isValid(r)) return std::nullopt;
    const std::string* best = nullptr;
    for (const auto& v : versions) {
      if (!isVersion(v) || !helm().matches(plus(v), r)) continue;
      const int c = best ? compare(v, *best) : 0;
      if (!best || (highest ? c > 0 : c < 0)) best = &v;
    }
    return best ? std::optional<std::string>(*best) : std::nullopt;
  }
};

}  // namespace

namespace detail {
const Versioning& helmVersioning() {
  static const HelmVersioning v;
  return v;
}
const Versioning& helmOciVersioning() {
  static const HelmOciVersioning v;
  return v;
}
}  // namespace detail

}  // namespace ddd::analyzers::deps
