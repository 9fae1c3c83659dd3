#include "analyzers/dependencies/analyzer.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "analyzers/dependencies/datasources/datasource.h"
#include "analyzers/dependencies/datasources/registry_settings.h"
#include "analyzers/dependencies/managers/json_spans.h"
#include "analyzers/dependencies/managers/manager.h"
#include "analyzers/dependencies/managers/npm_lockfile.h"
#include "analyzers/dependencies/managers/pep508.h"
#include "analyzers/dependencies/managers/toml_spans.h"
#include "analyzers/dependencies/versioning/versioning.h"

namespace ddd::analyzers::deps {
namespace {

constexpr double kSecondsPerYear = 365.25 * 86400;

struct Found {
  Dependency dep;
  std::string path;
  std::string lockedVersion;
  bool lockfile = false;  // a lockfile sits next to the manifest
  std::string tomlLock;   // the Cargo.lock / poetry.lock that pins it ("" when none)
  std::string enginesNode;  // its package.json's engines.node ("" when none)
};

struct LookupResult {
  std::optional<ReleaseInfo> info;
  std::string error;
};

// Everything computed for one dependency.
struct Evaluated {
  const Found* found = nullptr;
  const ReleaseInfo* info = nullptr;
  std::string used, latest, target, latestSatisfying, newValue, updateType, problem;
  std::optional<std::time_t> usedDate, latestDate, targetDate;
  double libyear = 0;
  bool libyearKnown = false;
  int versionsBehind = 0;
  bool deprecated = false;
  bool yanked = false;
  std::string deprecationMessage;
  bool tooYoung = false;  // a newer version exists but is younger than the minimum age
  // Digest pins (`@<sha> # v4.1.0`, `image:tag@sha256:...`): the tag whose digest the
  // proposal pins (the target, or the tag in use when only its digest may have moved),
  // and that digest once known (digest phase); "" when not pinned or unknown.
  std::string digestTag, newDigest;
  size_t inventoryIndex = 0;
  std::string ignoredBy;  // a newer version is not proposed because of this ignore rule
  // The newest version held back because its engines.node leaves out Node.js versions the
  // project's engines.node admits, and that engines.node ("" when none).
  std::string heldByEngines, heldEnginesNode;
  // inMajorUpdates: `inMajor` marks the extra evaluation that proposes the newest version
  // of the major in use next to a major update (it shares the dependency's inventory row
  // and findings); `targetInMajor` is that version, on the main evaluation.
  bool inMajor = false;
  std::string targetInMajor;
};

// Runs fn(0) ... fn(count - 1) on up to `concurrency` threads (this one included).
template <typename Fn>
void runConcurrently(size_t count, int concurrency, Fn&& fn) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < count;) fn(i);
  };
  const size_t threads = std::min<size_t>(std::max(1, concurrency), count);
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

std::string lowerAscii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A digest as a person reads it in a PR: a commit's first 7 hex digits, an image
// digest's algorithm and first 12.
std::string shortDigest(const std::string& d) {
  const size_t colon = d.find(':');
  if (colon == std::string::npos) return d.substr(0, 7);
  return d.substr(0, std::min(d.size(), colon + 13));
}

// The parts of a numeric tag ("v4.1.0" -> "v", {4, 1, 0}, ""), for keeping a version
// comment's style: its "v" or not, its precision.
struct TagShape {
  std::string prefix;
  std::vector<std::string> numbers;
  std::string rest;                         // a pre-release or "-variant" suffix, verbatim
  std::string at(size_t precision) const {  // "4.1" for precision 2
    std::string out;
    for (size_t i = 0; i < std::min(precision, numbers.size()); ++i)
      out += (i ? "." : "") + numbers[i];
    return out;
  }
};
TagShape shapeOf(std::string_view tag) {
  TagShape s;
  size_t i = 0;
  if (!tag.empty() && (tag[0] == 'v' || tag[0] == 'V')) s.prefix = std::string(tag.substr(0, ++i));
  while (i < tag.size() && std::isdigit(static_cast<unsigned char>(tag[i]))) {
    const size_t start = i;
    while (i < tag.size() && std::isdigit(static_cast<unsigned char>(tag[i]))) ++i;
    s.numbers.emplace_back(tag.substr(start, i - start));
    if (i + 1 < tag.size() && tag[i] == '.' && std::isdigit(static_cast<unsigned char>(tag[i + 1])))
      ++i;
    else
      break;
  }
  s.rest = std::string(tag.substr(i));
  return s;
}

std::string dirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

std::string dateOf(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string branchSafe(std::string s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_') {
      out += c;
    } else if (c == '/' && !out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  return out;
}

// Locked versions of a package-lock.json (v1 `dependencies`, v2/v3 `packages`).
std::map<std::string, std::string> lockedVersions(const std::string& text) {
  std::map<std::string, std::string> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return out;
  if (j.contains("packages") && j["packages"].is_object()) {
    for (const auto& [key, value] : j["packages"].items()) {
      const std::string prefix = "node_modules/";
      if (key.rfind(prefix, 0) != 0 || key.find("/node_modules/") != std::string::npos) continue;
      if (value.is_object() && value.contains("version") && value["version"].is_string()) {
        out[key.substr(prefix.size())] = value["version"].get<std::string>();
      }
    }
  }
  if (out.empty() && j.contains("dependencies") && j["dependencies"].is_object()) {
    for (const auto& [name, value] : j["dependencies"].items()) {
      if (value.is_object() && value.contains("version") && value["version"].is_string()) {
        out[name] = value["version"].get<std::string>();
      }
    }
  }
  return out;
}

// The versions a Cargo.lock or poetry.lock pins, per package ([[package]] name, version;
// poetry.lock names normalised as PEP 503 says). A Cargo.lock may hold several versions of
// one crate.
std::map<std::string, std::vector<std::string>> tomlLockedVersions(const std::string& text,
                                                                   const std::string& path) {
  std::map<std::string, std::vector<std::string>> out;
  const TomlNode root = parseTomlWithSpans(text, path);
  const TomlNode* packages = root.get("package");
  if (!packages || packages->kind != TomlNode::Array) return out;
  const bool poetry = path.size() >= 11 && path.substr(path.size() - 11) == "poetry.lock";
  for (const auto& p : packages->items) {
    const TomlNode* name = p.get("name");
    const TomlNode* version = p.get("version");
    if (!name || !version || name->kind != TomlNode::String || version->kind != TomlNode::String)
      continue;
    out[poetry ? detail::normalizePypiName(name->text) : name->text].push_back(version->text);
  }
  return out;
}

// The locked version of a dependency: the highest version the lockfile pins for its
// package that its range admits ("" when none does).
std::string pickLocked(const std::vector<std::string>& versions, const Dependency& d) {
  const Versioning* scheme = findVersioning(d.versioning);
  if (!scheme) return "";
  std::string best;
  for (const auto& v : versions) {
    if (!scheme->isVersion(v) || !scheme->matches(v, d.currentValue)) continue;
    if (best.empty() || scheme->compare(v, best) > 0) best = v;
  }
  return best;
}

// The leading number of a version ("4.17.21" -> 4, "v2.3.0" -> 2, "3.11-slim" -> 3).
uint64_t majorOf(std::string_view v) {
  size_t i = 0;
  while (i < v.size() && !std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
  uint64_t n = 0;
  for (; i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])) && n < (1ull << 50); ++i) {
    n = n * 10 + static_cast<uint64_t>(v[i] - '0');
  }
  return n;
}

// The ecosystem a datasource serves, for branch names and policy facts.
std::string ecosystemOf(const std::string& datasource) {
  if (datasource == "crate") return "cargo";
  if (datasource == "github-tags") return "github-actions";
  return datasource;
}

int rankOf(const std::string& updateType) {
  return updateType == "major"                            ? 4
         : updateType == "minor"                          ? 3
         : updateType == "patch"                          ? 2
         : updateType == "digest" || updateType == "pin" ? 1
                                                          : 0;
}

std::string releaseNotesLink(const ReleaseInfo& info) {
  if (!info.changelogUrl.empty()) return info.changelogUrl;
  if (info.sourceUrl.find("github.com/") != std::string::npos) return info.sourceUrl + "/releases";
  if (!info.sourceUrl.empty()) return info.sourceUrl;
  return info.homepage;
}

bool ignores(const DependencyOptions::IgnoreRule& r, const Dependency& d) {
  return r.name == d.packageName || r.name == d.name;
}

// The rule (with update types or versions) that keeps version `v` from being proposed.
const DependencyOptions::IgnoreRule* ignoredBy(const DependencyOptions& options,
                                               const Dependency& d, const Versioning& scheme,
                                               const std::string& used, const std::string& v) {
  for (const auto& r : options.ignore) {
    if (r.all() || !ignores(r, d)) continue;
    for (const auto& x : r.versions) {
      if (scheme.isVersion(x) ? scheme.compare(x, v) == 0 : x == v) return &r;
    }
    if (!r.updateTypes.empty()) {
      const std::string type(toString(scheme.updateType(used, v)));
      if (std::find(r.updateTypes.begin(), r.updateTypes.end(), type) != r.updateTypes.end())
        return &r;
    }
  }
  return nullptr;
}

// True when every Node.js release `project` (the package.json's engines.node) admits is
// admitted by `release` (a version's engines.node), both npm ranges. Membership of a
// release version can only change at a comparator's bound, and every bound an npm range
// has (after its ^ ~ x-range and partial forms are spelled out) is one of a.b.c,
// a.b.(c+1), a.(b+1).0 or (a+1).0.0 for a version a.b.c written in it; so checking those
// points, the next patch after each, and 0.0.0 decides the question exactly for release
// versions. A range npm can't read restricts nothing (true).
bool enginesAdmitAll(std::string_view release, std::string_view project) {
  const Versioning& npm = *findVersioning("npm");
  if (!npm.isValid(release) || !npm.isValid(project)) return true;
  std::set<std::array<uint64_t, 3>> points = {{0, 0, 0}};
  for (std::string_view text : {release, project}) {
    for (size_t i = 0; i < text.size();) {
      if (!std::isdigit(static_cast<unsigned char>(text[i])) ||
          (i > 0 && (std::isalnum(static_cast<unsigned char>(text[i - 1])) ||
                     text[i - 1] == '-' || text[i - 1] == '+'))) {
        ++i;
        continue;
      }
      std::array<uint64_t, 3> v = {0, 0, 0};
      for (size_t part = 0; part < 3 && i < text.size(); ++part) {
        uint64_t n = 0;
        size_t digits = 0;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
          if (digits++ < 15) n = n * 10 + static_cast<uint64_t>(text[i] - '0');
          ++i;
        }
        v[part] = n;
        if (i + 1 < text.size() && text[i] == '.' &&
            std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
          ++i;
        } else {
          break;
        }
      }
      for (const std::array<uint64_t, 3>& b :
           {v, std::array<uint64_t, 3>{v[0], v[1], v[2] + 1},
            std::array<uint64_t, 3>{v[0], v[1] + 1, 0}, std::array<uint64_t, 3>{v[0] + 1, 0, 0}}) {
        points.insert(b);
        points.insert({b[0], b[1], b[2] + 1});
      }
      if (points.size() > 4096) return true;  // a range no package.json has
      while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) ||
                                 text[i] == '.' || text[i] == '-' || text[i] == '+'))
        ++i;
    }
  }
  for (const auto& p : points) {
    const std::string v =
        std::to_string(p[0]) + "." + std::to_string(p[1]) + "." + std::to_string(p[2]);
    if (npm.matches(v, project) && !npm.matches(v, release)) return false;
  }
  return true;
}

// `sameMajorOnly`: the proposal stays within the major in use (inMajorUpdates).
Evaluated evaluate(const Found& f, const ReleaseInfo& info, const DependencyOptions& options,
                   std::time_t now, bool sameMajorOnly = false) {
  Evaluated e;
  e.found = &f;
  e.info = &info;
  const Versioning* scheme = findVersioning(f.dep.versioning);
  if (!scheme) {
    e.problem = "no versioning scheme \"" + f.dep.versioning + "\"";
    return e;
  }
  const std::string& range = f.dep.currentValue;
  if (!scheme->isValid(range)) {
    e.problem =
        "\"" + range + "\" is not a valid " + std::string(scheme->name()) + " range or version";
    return e;
  }
  // The registry's versions this scheme reads, in order, with their release records.
  std::map<std::string, const Release*> byVersion;
  std::vector<std::string> all;
  for (const auto& r : info.releases) {
    if (!scheme->isVersion(r.version)) continue;
    if (byVersion.emplace(r.version, &r).second) all.push_back(r.version);
  }
  all = scheme->sorted(std::move(all));
  std::vector<std::string> stable;
  for (const auto& v : all) {
    if (scheme->isStable(v)) stable.push_back(v);
  }
  auto releaseOf = [&](const std::string& v) -> const Release* {
    auto it = byVersion.find(v);
    return it == byVersion.end() ? nullptr : it->second;
  };
  // The newest version: the "latest" dist-tag, else the highest stable one.
  std::string latest;
  if (auto tag = info.tags.find("latest");
      tag != info.tags.end() && scheme->isVersion(tag->second)) {
    latest = tag->second;
  } else if (!stable.empty()) {
    latest = stable.back();
  }
  // What is in use: the locked version, else the lowest stable version the range admits.
  std::string used;
  if (!f.lockedVersion.empty() && scheme->isVersion(f.lockedVersion)) {
    used = f.lockedVersion;
  } else if (auto low = scheme->minSatisfying(stable, range)) {
    used = *low;
  } else if (scheme->isVersion(range)) {
    used = range;
  }
  if (latest.empty() || used.empty()) {
    e.problem = latest.empty() ? "the registry lists no usable version"
                               : "no published version matches \"" + range + "\"";
    return e;
  }
  e.used = scheme->canonical(used).value_or(used);
  e.latest = scheme->canonical(latest).value_or(latest);
  if (const Release* r = releaseOf(used)) e.usedDate = r->released;
  if (const Release* r = releaseOf(latest)) e.latestDate = r->released;
  if (auto sat = scheme->maxSatisfying(all, range)) e.latestSatisfying = *sat;
  if (const Release* r = releaseOf(used); r && (r->deprecated || r->yanked)) {
    e.deprecated = r->deprecated;
    e.yanked = r->yanked;
    e.deprecationMessage = r->deprecated ? r->deprecationMessage : r->yankedReason;
  }
  for (const auto& v : stable) {
    if (scheme->compare(v, used) > 0 && scheme->compare(v, latest) <= 0 &&
        scheme->isCompatible(used, v)) {
      ++e.versionsBehind;
    }
  }
  if (e.usedDate && e.latestDate && *e.latestDate > *e.usedDate) {
    e.libyear = static_cast<double>(*e.latestDate - *e.usedDate) / kSecondsPerYear;
  }
  e.libyearKnown = e.usedDate && e.latestDate;
  // The proposal: the newest stable, not deprecated or yanked, compatible version up to
  // "latest" that is old enough.
  const std::time_t minAge = static_cast<std::time_t>(options.minimumReleaseAgeDays) * 86400;
  // Versions of a package mostly share a few engines.node ranges: each checked once.
  std::map<std::string_view, bool> enginesChecked;
  auto enginesFit = [&](std::string_view releaseEngines) {
    auto [it, fresh] = enginesChecked.try_emplace(releaseEngines, true);
    if (fresh) it->second = enginesAdmitAll(releaseEngines, f.enginesNode);
    return it->second;
  };
  std::string target;
  for (const auto& v : stable) {
    const Release* r = releaseOf(v);
    if (!r || r->deprecated || r->yanked || scheme->compare(v, latest) > 0 ||
        scheme->compare(v, used) <= 0 || !scheme->isCompatible(used, v) ||
        (sameMajorOnly && scheme->updateType(used, v) == UpdateType::Major)) {
      continue;
    }
    if (const auto* rule = ignoredBy(options, f.dep, *scheme, used, v)) {
      e.ignoredBy = rule->source;
      continue;
    }
    if (options.constraintsFiltering == "strict" && !f.enginesNode.empty() &&
        !r->enginesNode.empty() && !enginesFit(r->enginesNode)) {
      e.heldByEngines = v;
      e.heldEnginesNode = r->enginesNode;
      continue;
    }
    if (r->released && now - *r->released < minAge) {
      e.tooYoung = true;
      continue;
    }
    target = v;
    e.targetDate = r->released;
    e.ignoredBy.clear();  // only newer versions being ignored matters
    e.heldByEngines.clear();
    e.heldEnginesNode.clear();
  }
  const auto strategyOf = parseRangeStrategy(options.rangeStrategy).value_or(RangeStrategy::Bump);
  if (target.empty() && strategyOf == RangeStrategy::Pin && !sameMajorOnly &&
      scheme->classify(range) == SpecKind::Range && scheme->matches(used, range)) {
    // rangeStrategy "pin" and nothing newer to take: the range becomes the version in use
    // (the locked one, else the range's floor), an update of type "pin" (Renovate's too).
    if (auto nv = scheme->newRange(range, used, used, RangeStrategy::Pin);
        nv && *nv != range && scheme->matches(used, *nv)) {
      e.target = e.used;
      e.targetDate = e.usedDate;
      e.updateType = "pin";
      e.newValue = *nv;
    }
    return e;
  }
  if (target.empty()) return e;
  e.target = scheme->canonical(target).value_or(target);
  e.updateType = std::string(toString(scheme->updateType(used, target)));
  const auto strategy = strategyOf;
  if (auto nv = scheme->newRange(range, used, target, strategy)) {
    if (*nv != range) e.newValue = *nv;
  } else {
    e.problem = "the range \"" + range +
                "\" can't be rewritten safely; set rangeStrategy \"widen\" or \"pin\"";
  }
  return e;
}

// A GitHub Action pinned to a commit. With a version comment (`@<sha> # v4.1.0`) the
// comment says what is in use and moves at its own precision and style (`v4` -> `v5`,
// `4.1.0` -> `4.2.0`); without one the tag naming the pinned commit does, when the
// repository's tags show it. The pinned commit then follows the tag (digestTag); when
// nothing says which release is pinned, the pin moves to the newest release's commit
// (a "digest" update). Tags are compared as numeric tags ("docker" scheme).
Evaluated evaluateActionPin(const Found& f, const ReleaseInfo& info,
                            const DependencyOptions& options, std::time_t now) {
  Evaluated e;
  e.found = &f;
  e.info = &info;
  const Versioning& vs = *findVersioning("docker");
  const Dependency& d = f.dep;
  std::map<std::string, const Release*> byTag;
  std::vector<std::string> stable;
  for (const auto& r : info.releases) {
    if (byTag.emplace(r.version, &r).second && vs.isVersion(r.version) && vs.isStable(r.version))
      stable.push_back(r.version);
  }
  stable = vs.sorted(std::move(stable));
  auto releaseOf = [&](const std::string& tag) -> const Release* {
    auto it = byTag.find(tag);
    return it == byTag.end() ? nullptr : it->second;
  };
  // The version in use, in the style to keep.
  std::string current = d.currentValue;
  if (!current.empty() && !vs.isVersion(current)) {
    e.problem = "the version comment \"" + current + "\" is not a version";
    return e;
  }
  if (current.empty()) {
    const std::string sha = lowerAscii(d.currentDigest);
    for (const auto& t : stable) {  // ascending: the last, most precise tag wins
      const Release* r = releaseOf(t);
      if (lowerAscii(r->digest) == sha &&
          (current.empty() || shapeOf(t).numbers.size() >= shapeOf(current).numbers.size()))
        current = t;
    }
  }
  if (current.empty()) {
    // Nothing names the pinned release: pin the newest release's commit.
    if (stable.empty()) {
      e.problem = "the repository has no release tags";
      return e;
    }
    e.latest = stable.back();  // the newest; of equal ones, the most precise
    e.latestDate = releaseOf(e.latest)->released;
    const std::time_t minAge = static_cast<std::time_t>(options.minimumReleaseAgeDays) * 86400;
    for (auto t = stable.rbegin(); t != stable.rend() && e.target.empty(); ++t) {
      const Release* r = releaseOf(*t);
      if (r->deprecated || r->yanked) continue;
      if (r->released && now - *r->released < minAge) {
        e.tooYoung = true;
        continue;
      }
      e.target = e.digestTag = *t;
      e.targetDate = r->released;
    }
    return e;
  }
  const TagShape cur = shapeOf(current);
  const size_t precision = cur.numbers.size();
  const std::string curAt = cur.at(precision);
  // Tags written at the current precision, "v" or not: v4.1.0 as "4.1" for a "4.1" pin.
  auto asCurrent = [&](const std::string& tag) {
    const TagShape s = shapeOf(tag);
    if (s.numbers.size() < precision || s.rest != cur.rest) return std::string();
    return cur.prefix + s.at(precision) + cur.rest;
  };
  auto existingTag = [&](const std::string& styled) -> std::string {
    const TagShape s = shapeOf(styled);
    for (const std::string& p : {s.prefix, std::string("v"), std::string("V"), std::string()}) {
      const std::string t = p + s.at(s.numbers.size()) + s.rest;
      if (byTag.count(t)) return t;
    }
    return "";
  };
  e.used = existingTag(current);
  if (e.used.empty()) e.used = current;
  if (const Release* r = releaseOf(e.used)) e.usedDate = r->released;
  const std::time_t minAge = static_cast<std::time_t>(options.minimumReleaseAgeDays) * 86400;
  std::string newest, pick;  // full tags
  std::set<std::string> behind;
  for (const auto& t : stable) {
    const std::string styled = asCurrent(t);
    if (styled.empty() || vs.compare(styled, current) <= 0) continue;
    newest = t;
    behind.insert(styled);
    const Release* r = releaseOf(t);
    if (r->deprecated || r->yanked) continue;
    if (r->released && now - *r->released < minAge) {
      e.tooYoung = true;
      continue;
    }
    pick = t;
  }
  e.versionsBehind = static_cast<int>(behind.size());
  e.latest = newest.empty() ? e.used : newest;
  if (const Release* r = releaseOf(e.latest)) e.latestDate = r->released;
  if (e.usedDate && e.latestDate && *e.latestDate > *e.usedDate) {
    e.libyear = static_cast<double>(*e.latestDate - *e.usedDate) / kSecondsPerYear;
  }
  e.libyearKnown = e.usedDate && e.latestDate;
  if (!pick.empty()) {
    const std::string styled = asCurrent(pick);
    e.target = pick;
    e.targetDate = releaseOf(pick)->released;
    if (!d.currentValue.empty()) e.newValue = styled;
    e.updateType = std::string(toString(vs.updateType(current, styled)));
    // The commit of the tag as written ("v5" moves with its major) when it exists.
    const std::string exact = existingTag(styled);
    e.digestTag = exact.empty() ? pick : exact;
    return e;
  }
  // The version stays; its tag may name another commit by now.
  e.digestTag = existingTag(current);
  if (e.digestTag.empty()) {
    for (const auto& t : stable) {
      if (shapeOf(t).at(precision) == curAt && asCurrent(t) == current) e.digestTag = t;
    }
  }
  if (e.digestTag.empty()) e.problem = "no tag of the repository matches \"" + current + "\"";
  return e;
}

nlohmann::json toJson(const Evaluated& e, std::time_t now) {
  const auto& d = e.found->dep;
  nlohmann::json j = {{"manager", d.manager},
                      {"file", e.found->path},
                      {"line", d.line},
                      {"name", d.name},
                      {"packageName", d.packageName},
                      {"datasource", d.datasource},
                      {"depType", d.depType},
                      {"currentValue", d.currentValue},
                      {"lockedVersion", e.found->lockedVersion},
                      {"used", e.used},
                      {"latest", e.latest},
                      {"latestSatisfying", e.latestSatisfying},
                      {"proposed", e.target},
                      {"newValue", e.newValue},
                      {"updateType", e.updateType},
                      {"versionsBehind", e.versionsBehind},
                      {"libyear", std::round(e.libyear * 100) / 100},
                      {"deprecated", e.deprecated},
                      {"yanked", e.yanked}};
  if (e.usedDate) j["releasedUsed"] = dateOf(*e.usedDate);
  if (e.latestDate) j["releasedLatest"] = dateOf(*e.latestDate);
  if (e.usedDate)
    j["daysBehind"] = e.latestDate ? std::max<long>(0, (*e.latestDate - *e.usedDate) / 86400) : 0;
  if (e.targetDate) j["releaseAgeDays"] = (now - *e.targetDate) / 86400;
  if (!e.deprecationMessage.empty()) j["deprecationMessage"] = e.deprecationMessage;
  if (!e.problem.empty()) j["problem"] = e.problem;
  if (e.info && !e.info->sourceUrl.empty()) j["sourceUrl"] = e.info->sourceUrl;
  if (e.tooYoung) j["heldByReleaseAge"] = true;
  if (!d.currentDigest.empty()) {
    j["currentDigest"] = d.currentDigest;
    j["digestTag"] = e.digestTag;
    j["newDigest"] = e.newDigest;
  }
  if (!e.ignoredBy.empty()) j["ignoredBy"] = e.ignoredBy;
  if (!e.heldByEngines.empty()) {
    j["heldByEngines"] = {{"version", e.heldByEngines},
                          {"enginesNode", e.heldEnginesNode},
                          {"projectEnginesNode", e.found->enginesNode}};
  }
  if (!e.targetInMajor.empty()) j["proposedInMajor"] = e.targetInMajor;
  return j;
}

// Where a dependency is looked up: the operator's settings, except for Helm charts,
// whose Chart.yaml names the chart repository (an http(s) chart repository, or the OCI
// registry's host, see the Helm manager; the operator's settings say whether that host
// is reached over HTTPS, the default, or plain HTTP).
std::vector<std::string> registriesFor(const RegistrySettings& settings, const Dependency& d) {
  if (d.manager == "helm" && d.datasource == "docker" && d.registryUrls.size() == 1 &&
      d.registryUrls.front().rfind("https://", 0) == 0)
    return {settings.dockerBase(std::string_view(d.registryUrls.front()).substr(8))};
  if ((d.manager == "helm" || d.manager == "cargo") && !d.registryUrls.empty())
    return d.registryUrls;
  return settings.urlsFor(d.datasource, d.packageName);
}

// The package-lock.json edits for one proposed npm update (lockfile_npm.h); parses each
// lockfile once per run.
NpmLockPlan planLockUpdate(const Evaluated& e, const std::string& lockPath,
                           const std::string& lockText,
                           std::map<std::string, std::optional<JsonNode>>& parsed) {
  const auto& d = e.found->dep;
  NpmLockPlan none;
  if (e.found->lockedVersion.empty()) {
    none.staleReasons.push_back(lockPath + " has no entry for " + d.name +
                                "; the lockfile was left as it is");
    return none;
  }
  auto it = parsed.find(lockPath);
  if (it == parsed.end()) {
    try {
      it = parsed.emplace(lockPath, parseJsonWithSpans(lockText, lockPath)).first;
    } catch (const ManifestError& ex) {
      it = parsed.emplace(lockPath, std::nullopt).first;
      none.staleReasons.push_back(std::string(ex.what()) + "; the lockfile was left as it is");
      return none;
    }
  }
  if (!it->second) {
    none.staleReasons.push_back(lockPath + " is not valid JSON; the lockfile was left as it is");
    return none;
  }
  NpmLockTarget t;
  t.name = d.name;
  t.depGroup = d.group;
  t.oldRange = d.currentValue;
  t.newRange = e.newValue.empty() ? d.currentValue : e.newValue;
  t.oldVersion = e.found->lockedVersion;
  t.newVersion = e.target;
  for (const auto& r : e.info->releases) {
    if (r.version == t.oldVersion) t.oldRelease = &r;
    if (r.version == t.newVersion) t.newRelease = &r;
  }
  return planNpmLockUpdate(*it->second, lockText, t);
}

struct Update {
  const Evaluated* e;
  int major;  // the target's major (for the branch name)
};

}  // namespace

DependencyOptions parseDependencyOptions(const nlohmann::json& section) {
  DependencyOptions o;
  if (!section.is_object()) return o;
  auto str = [&](const char* key, std::string& out, std::initializer_list<const char*> allowed) {
    if (!section.contains(key)) return;
    const auto& v = section[key];
    if (!v.is_string())
      throw std::invalid_argument(std::string("dependencies.") + key + " must be a string");
    out = v.get<std::string>();
    for (const char* a : allowed) {
      if (out == a) return;
    }
    throw std::invalid_argument(std::string("dependencies.") + key + ": \"" + out +
                                "\" is not a known value");
  };
  str("rangeStrategy", o.rangeStrategy, {"bump", "replace", "pin", "widen"});
  str("grouping", o.grouping, {"dependency", "ecosystem", "non-major", "monorepo"});
  str("constraintsFiltering", o.constraintsFiltering, {"strict", "none"});
  if (section.contains("inMajorUpdates")) {
    if (!section["inMajorUpdates"].is_boolean())
      throw std::invalid_argument("dependencies.inMajorUpdates must be true or false");
    o.inMajorUpdates = section["inMajorUpdates"].get<bool>();
  }
  if (section.contains("minimumReleaseAgeDays")) {
    const auto& v = section["minimumReleaseAgeDays"];
    if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 3650) {
      throw std::invalid_argument(
          "dependencies.minimumReleaseAgeDays must be a whole number of days (0-3650)");
    }
    o.minimumReleaseAgeDays = v.get<int>();
  }
  if (section.contains("lookupConcurrency")) {
    const auto& v = section["lookupConcurrency"];
    if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 32) {
      throw std::invalid_argument(
          "dependencies.lookupConcurrency must be a whole number from 1 to 32");
    }
    o.lookupConcurrency = v.get<int>();
  }
  if (section.contains("ignore")) {
    const auto& list = section["ignore"];
    if (!list.is_array()) {
      throw std::invalid_argument(
          "dependencies.ignore must be a list of package names or "
          "{\"name\", \"updateTypes\", \"versions\"} objects");
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const auto& v = list[i];
      const std::string where = "dependencies.ignore[" + std::to_string(i) + "]";
      DependencyOptions::IgnoreRule rule;
      rule.source = "config";
      if (v.is_string()) {
        rule.name = v.get<std::string>();
      } else if (v.is_object()) {
        for (const auto& [key, value] : v.items()) {
          if (key == "name" && value.is_string()) {
            rule.name = value.get<std::string>();
          } else if (key == "source" && value.is_string()) {
            rule.source = value.get<std::string>();
          } else if ((key == "updateTypes" || key == "versions") && value.is_array()) {
            for (const auto& x : value) {
              if (!x.is_string() || x.get<std::string>().empty()) {
                throw std::invalid_argument(where + "." + key + " must list strings");
              }
              const std::string text = x.get<std::string>();
              if (key == "updateTypes" && text != "major" && text != "minor" && text != "patch") {
                throw std::invalid_argument(where + ".updateTypes: \"" + text +
                                            "\" is not major, minor or patch");
              }
              (key == "updateTypes" ? rule.updateTypes : rule.versions).push_back(text);
            }
          } else {
            throw std::invalid_argument(where + ": unknown or mistyped field \"" + key +
                                        "\" (name, updateTypes, versions)");
          }
        }
      } else {
        throw std::invalid_argument(where + " must be a package name or an object");
      }
      if (rule.name.empty()) throw std::invalid_argument(where + " needs a package name");
      o.ignore.push_back(std::move(rule));
    }
  }
  return o;
}

AnalysisResult DependencyAnalyzer::run(const SourceTree& tree, const AnalyzerContext& context) {
  AnalysisResult result;
  const DependencyOptions options = parseDependencyOptions(context.config);
  const std::time_t now = context.now ? context.now : std::time(nullptr);
  RegistrySettings settings =
      context.registrySettings ? *context.registrySettings : RegistrySettings{};
  for (const auto& w : settings.warnings()) result.warnings.push_back(w);

  auto finding = [&](const std::string& rule, Severity sev, const std::string& path, uint32_t line,
                     const std::string& message) {
    Finding f;
    f.analyzer = "dependencies";
    f.rule = rule;
    f.severity = sev;
    f.path = path;
    f.line = line;
    f.message = message;
    result.findings.push_back(std::move(f));
    return &result.findings.back();
  };

  // 1. Manifests, lockfiles and the repository's own registry settings.
  std::map<std::string, std::string> contents;                      // manifest path -> text
  std::map<std::string, std::map<std::string, std::string>> locks;  // dir -> name -> version
  std::map<std::string, std::string> lockTexts;                     // lockfile path -> text
  // Cargo.lock / poetry.lock path -> package -> versions.
  std::map<std::string, std::map<std::string, std::vector<std::string>>> tomlLocks;
  std::vector<std::pair<const Manager*, const SourceFile*>> manifests;
  // Cargo's configuration files by the directory holding their .cargo/ ("" at the root).
  std::map<std::string, CargoConfig> cargoConfigs;
  std::set<std::string> cargoLegacyConfig;  // directories whose .cargo/config was read
  for (const auto& file : tree.files()) {
    const std::string& p = file.path;
    const std::string base = p.substr(p.rfind('/') == std::string::npos ? 0 : p.rfind('/') + 1);
    const bool cargoConfig = (base == "config.toml" || base == "config") &&
                             (p == ".cargo/" + base ||
                              (p.size() > 8 + base.size() &&
                               p.compare(p.size() - base.size() - 8, 8, "/.cargo/") == 0));
    if (p == ".npmrc") {
      if (auto text = tree.read(file)) settings.applyNpmrc(*text, p, result.warnings);
    } else if (cargoConfig) {
      const std::string dir = p.substr(0, p.size() - base.size() - 7);
      // Cargo reads .cargo/config when both exist (and warns); so does ddd.
      if (base == "config.toml" && cargoLegacyConfig.count(dir)) {
        result.warnings.push_back(p + ": " + dir + ".cargo/config exists too; Cargo uses that one");
      } else if (auto text = tree.read(file)) {
        if (base == "config") {
          if (cargoConfigs.count(dir))
            result.warnings.push_back(dir + ".cargo/config.toml: " + p +
                                      " exists too; Cargo uses that one");
          cargoLegacyConfig.insert(dir);
        }
        cargoConfigs[dir] = parseCargoConfig(*text, p, result.warnings);
      } else {
        result.warnings.push_back(p + ": not read (binary or too large); its registries are "
                                  "not used");
      }
    } else if (base == "package-lock.json" && p.find("node_modules/") == std::string::npos) {
      if (auto text = tree.read(file)) {
        locks[dirOf(p)] = lockedVersions(*text);
        lockTexts[p] = std::move(*text);
      }
    } else if (base == "Cargo.lock" || base == "poetry.lock") {
      if (auto text = tree.read(file)) {
        try {
          tomlLocks[p] = tomlLockedVersions(*text, p);
        } catch (const ManifestError& e) {
          result.warnings.push_back(std::string(e.what()) +
                                    "; versions in use are taken from the ranges instead");
        }
      }
    }
    for (const auto* m : managers()) {
      if (m->handles(p)) manifests.emplace_back(m, &file);
    }
  }
  std::vector<Found> found;
  std::set<std::string> cargoProblems;  // one finding per manifest and problem
  for (const auto& [manager, file] : manifests) {
    auto text = tree.read(*file);
    if (!text) {
      result.warnings.push_back(
          file->path + ": not read (binary or too large); its dependencies are not checked");
      continue;
    }
    try {
      ExtractResult r = manager->extract(file->path, *text);
      for (auto& w : r.warnings) result.warnings.push_back(std::move(w));
      auto lock = locks.find(dirOf(file->path));
      // Cargo: the workspace's Cargo.lock, in this directory or above; Poetry: next to it.
      std::string tomlLock;
      if (manager->name() == "cargo" || manager->name() == "pyproject") {
        std::string dir = dirOf(file->path);
        const std::string lockName = manager->name() == "cargo" ? "Cargo.lock" : "poetry.lock";
        while (tomlLock.empty()) {
          if (tomlLocks.count(dir + lockName)) tomlLock = dir + lockName;
          if (dir.empty() || manager->name() == "pyproject") break;
          dir = dirOf(dir.substr(0, dir.size() - 1));
        }
      }
      // Cargo: the configuration files from the manifest's directory up to the root.
      std::vector<const CargoConfig*> cargoChain;
      if (manager->name() == "cargo") {
        std::string dir = dirOf(file->path);
        while (true) {
          if (auto it = cargoConfigs.find(dir); it != cargoConfigs.end())
            cargoChain.push_back(&it->second);
          if (dir.empty()) break;
          dir = dirOf(dir.substr(0, dir.size() - 1));
        }
      }
      for (auto& d : r.deps) {
        if (manager->name() == "cargo" && d.skipReason.empty()) {
          const CargoIndex index = settings.cargoIndex(cargoChain, d.registryName);
          if (!index.url.empty()) {
            d.registryUrls = {index.url};
          } else if (!index.problem.empty()) {
            d.skipReason = "unreadable-registry";
            if (cargoProblems.insert(file->path + "\n" + index.problem).second)
              finding("dependencies.unreadable-registry", Severity::Warning, file->path, d.line,
                      d.name + ": " + index.problem);
          }
        }
        // Every rewrite replaces exactly the bytes that were read: a manager whose span
        // does not hold the value it reported has a bug, and its value is not touched.
        if (d.valueSpan.length > 0 &&
            (d.valueSpan.end() > text->size() ||
             text->compare(d.valueSpan.offset, d.valueSpan.length, d.currentValue) != 0)) {
          result.warnings.push_back(file->path + ":" + std::to_string(d.line) + ": " + d.name +
                                    ": the " + std::string(manager->name()) +
                                    " manager's span does not hold \"" + d.currentValue +
                                    "\"; not updated (a ddd bug: please report it)");
          d.skipReason = "span-mismatch";
          d.valueSpan.length = 0;
        }
        Found f;
        f.path = file->path;
        if (auto node = r.constraints.find("node"); node != r.constraints.end())
          f.enginesNode = node->second;
        f.lockfile = lock != locks.end() && manager->name() == "npm";
        if (f.lockfile) {
          if (auto it = lock->second.find(d.name); it != lock->second.end())
            f.lockedVersion = it->second;
        }
        if (!tomlLock.empty() && d.skipReason.empty()) {
          f.tomlLock = tomlLock;
          const auto& pinned = tomlLocks[tomlLock];
          if (auto it = pinned.find(d.packageName); it != pinned.end())
            f.lockedVersion = pickLocked(it->second, d);
        }
        f.dep = std::move(d);
        found.push_back(std::move(f));
      }
      contents[file->path] = std::move(*text);
    } catch (const ManifestError& e) {
      finding("dependencies.invalid-manifest", Severity::Error, file->path, 0,
              std::string(e.what()) + "; its dependencies are not checked");
    }
  }

  // 2. Look-ups, each (datasource, package, registries) once, a few at a time.
  using Key = std::tuple<std::string, std::string, std::vector<std::string>>;
  std::map<Key, LookupResult> lookups;
  std::set<Key> lockEntriesWanted;  // packages whose lockfile entries a proposal may update
  for (const auto& f : found) {
    const auto& d = f.dep;
    if (!d.skipReason.empty() || std::any_of(options.ignore.begin(), options.ignore.end(),
                                             [&d](const DependencyOptions::IgnoreRule& r) {
                                               return r.all() && ignores(r, d);
                                             })) {
      continue;
    }
    Key key{d.datasource, d.packageName, registriesFor(settings, d)};
    if (f.lockfile) lockEntriesWanted.insert(key);
    lookups[std::move(key)];
  }
  // A datasource with no registry configured: one finding saying how to set one up.
  std::set<std::string> unconfigured;
  for (auto it = lookups.begin(); it != lookups.end();) {
    if (std::get<2>(it->first).empty()) {
      unconfigured.insert(std::get<0>(it->first));
      it->second.error = "no " + std::get<0>(it->first) + " registry is configured";
    }
    ++it;
  }
  for (const auto& ds : unconfigured) {
    finding(
        "dependencies.no-registry", Severity::Warning, "", 0,
        "no " + ds + " registry is configured, so " + ds +
            " dependencies were listed but not looked up: " + RegistrySettings::howToConfigure(ds));
  }
  if (context.registry && !lookups.empty()) {
    std::vector<std::pair<const Key*, LookupResult*>> work;
    for (auto& [k, v] : lookups) {
      if (!std::get<2>(k).empty()) work.emplace_back(&k, &v);
    }
    runConcurrently(work.size(), options.lookupConcurrency, [&](size_t i) {
      const auto& [datasource, name, urls] = *work[i].first;
      LookupResult& out = *work[i].second;
      const Datasource* ds = findDatasource(datasource);
      if (!ds) {
        out.error = "no datasource \"" + datasource + "\"";
        return;
      }
      LookupRequest req;
      req.packageName = name;
      req.registryUrls = urls;
      if (!urls.empty()) req.authHeaders = settings.authFor(urls.front());
      req.lockEntries = lockEntriesWanted.count(*work[i].first) > 0;
      try {
        out.info = ds->getReleases(req, *context.registry);
      } catch (const std::exception& e) {
        out.error = e.what();
      }
    });
  } else if (!lookups.empty()) {
    result.warnings.push_back("no registry client: dependencies were listed, not looked up");
  }

  // 3. Evaluate each dependency.
  std::vector<Evaluated> evaluated;
  nlohmann::json inventory = nlohmann::json::array();
  // 2b. Images pinned by digest alone (`FROM image@sha256:...`): no tag says which
  // release the digest was taken from, so no update can be proposed soundly (Renovate
  // doesn't update these either). The inventory still says whether the pin is what the
  // default tag (`latest`, what `docker pull image` takes) names today: one manifest
  // request per image and registry.
  using PinKey = std::pair<std::string, std::string>;  // (image, registry)
  std::map<PinKey, LookupResult> digestOnly;
  for (const auto& f : found) {
    const auto& d = f.dep;
    if (d.skipReason != "digest-pinned" || d.datasource != "docker") continue;
    const auto urls = registriesFor(settings, d);
    if (!urls.empty()) digestOnly[{d.packageName, urls.front()}];
  }
  if (context.registry && !digestOnly.empty()) {
    std::vector<std::pair<const PinKey*, LookupResult*>> work;
    for (auto& [k, v] : digestOnly) work.emplace_back(&k, &v);
    runConcurrently(work.size(), options.lookupConcurrency, [&](size_t i) {
      const PinKey& key = *work[i].first;
      LookupResult& out = *work[i].second;
      LookupRequest req;
      req.packageName = key.first;
      req.registryUrls = {key.second};
      req.authHeaders = settings.authFor(key.second);
      try {
        auto digest = findDatasource("docker")->getDigest(req, "latest", *context.registry);
        out.info = ReleaseInfo{};
        if (digest) {
          out.info->releases.push_back(Release{});
          out.info->releases.back().digest = *digest;
        }
      } catch (const std::exception& ex) {
        out.error = ex.what();
      }
    });
  }

  std::map<std::string, int> updatesByType;
  double libyears = 0;
  int deprecatedCount = 0, outdated = 0, skipped = 0, failures = 0;
  std::set<std::string> reportedFailures;
  evaluated.reserve(found.size());
  for (const auto& f : found) {
    const auto& d = f.dep;
    if (!d.skipReason.empty()) {
      ++skipped;
      nlohmann::json j = {{"manager", d.manager},
                          {"file", f.path},
                          {"line", d.line},
                          {"name", d.name},
                          {"depType", d.depType},
                          {"currentValue", d.currentValue},
                          {"skipReason", d.skipReason}};
      if (d.skipReason == "digest-pinned") {
        j["currentDigest"] = d.currentDigest;
        const auto urls = registriesFor(settings, d);
        auto pin = urls.empty() ? digestOnly.end() : digestOnly.find({d.packageName, urls.front()});
        if (pin != digestOnly.end() && pin->second.info) {
          if (pin->second.info->releases.empty()) {
            j["latestDigest"] = nullptr;  // the image has no `latest` tag
          } else {
            const std::string& latest = pin->second.info->releases.front().digest;
            j["latestDigest"] = latest;
            j["pinnedIsLatest"] = lowerAscii(latest) == lowerAscii(d.currentDigest);
          }
        } else if (pin != digestOnly.end() && !pin->second.error.empty()) {
          j["problem"] = pin->second.error;
        }
      }
      inventory.push_back(std::move(j));
      continue;
    }
    auto it = lookups.find({d.datasource, d.packageName, registriesFor(settings, d)});
    if (it == lookups.end() || !it->second.info) {
      if (it != lookups.end() && !it->second.error.empty() && !std::get<2>(it->first).empty()) {
        ++failures;
        if (reportedFailures.insert(d.packageName).second) {
          finding("dependencies.lookup-failed", Severity::Warning, f.path, d.line,
                  it->second.error + " (the rest of the scan went on)");
        }
      }
      inventory.push_back(
          {{"manager", d.manager},
           {"file", f.path},
           {"line", d.line},
           {"name", d.name},
           {"depType", d.depType},
           {"currentValue", d.currentValue},
           {"error", it == lookups.end() ? std::string("not looked up") : it->second.error}});
      continue;
    }
    const bool actionPin = d.datasource == "github-tags" && !d.currentDigest.empty();
    const Versioning* scheme = findVersioning(d.versioning);
    Evaluated e;
    if (actionPin) {
      e = evaluateActionPin(f, *it->second.info, options, now);
    } else if (!d.currentDigest.empty() && scheme && !scheme->isVersion(d.currentValue)) {
      // `image:bookworm@sha256:...`: no version to move, but the tag's digest may have.
      e.found = &f;
      e.info = &*it->second.info;
      e.used = e.digestTag = d.currentValue;
    } else {
      e = evaluate(f, *it->second.info, options, now);
      if (!d.currentDigest.empty() && e.problem.empty())
        e.digestTag = e.target.empty() ? d.currentValue : e.target;
    }
    // A major: the newest version of the major in use too, as its own non-major change.
    std::optional<Evaluated> inMajor;
    if (options.inMajorUpdates && !actionPin && e.problem.empty() && e.updateType == "major") {
      Evaluated m = evaluate(f, *it->second.info, options, now, /*sameMajorOnly=*/true);
      if (m.problem.empty() && !m.target.empty() && !m.newValue.empty()) {
        m.inMajor = true;
        if (!d.currentDigest.empty()) m.digestTag = m.target;
        e.targetInMajor = m.target;
        inMajor = std::move(m);
      }
    }
    e.inventoryIndex = inventory.size();
    inventory.push_back(nullptr);  // filled in once the digests are known
    evaluated.push_back(std::move(e));
    if (inMajor) {
      inMajor->inventoryIndex = evaluated.back().inventoryIndex;
      evaluated.push_back(std::move(*inMajor));
    }
  }

  // 3b. Digest pins: the digest each pin moves to, from the releases when they carry it
  // (git tags), else asked of the registry (image manifests), each once.
  using DigestKey = std::tuple<std::string, std::string, std::string, std::string>;
  std::map<DigestKey, LookupResult> digests;  // (datasource, package, registry, tag)
  auto digestKey = [](const Evaluated& e) {
    const auto& d = e.found->dep;
    return DigestKey{d.datasource, d.packageName, e.info->registryUrl, e.digestTag};
  };
  for (auto& e : evaluated) {
    if (e.digestTag.empty() || !e.problem.empty()) continue;
    std::string known;
    for (const auto& r : e.info->releases) {
      if (r.version == e.digestTag && !r.digest.empty()) known = r.digest;
    }
    if (!known.empty()) {
      e.newDigest = known;
    } else {
      digests[digestKey(e)];
    }
  }
  if (context.registry && !digests.empty()) {
    std::vector<std::pair<const DigestKey*, LookupResult*>> work;
    for (auto& [k, v] : digests) work.emplace_back(&k, &v);
    runConcurrently(work.size(), options.lookupConcurrency, [&](size_t i) {
      const auto& [datasource, name, registryUrl, tag] = *work[i].first;
      LookupResult& out = *work[i].second;
      LookupRequest req;
      req.packageName = name;
      req.registryUrls = {registryUrl};
      req.authHeaders = settings.authFor(registryUrl);
      try {
        auto digest = findDatasource(datasource)->getDigest(req, tag, *context.registry);
        if (digest) {
          out.info = ReleaseInfo{};
          out.info->releases.push_back(Release{});
          out.info->releases.back().digest = *digest;
        } else {
          out.error = datasource + " package " + name + ": " + redactUrl(registryUrl) +
                      " does not know the tag " + tag;
        }
      } catch (const std::exception& ex) {
        out.error = ex.what();
      }
    });
  }
  for (auto& e : evaluated) {
    if (e.digestTag.empty() || !e.problem.empty()) continue;
    const auto& d = e.found->dep;
    if (e.newDigest.empty()) {
      auto it = digests.find(digestKey(e));
      if (it != digests.end() && it->second.info) {
        e.newDigest = it->second.info->releases.front().digest;
      } else {
        const std::string why = it == digests.end() ? "not looked up" : it->second.error;
        e.problem = "the digest of " + e.digestTag + " is unknown (" + why + ")";
        ++failures;
        finding("dependencies.lookup-failed", Severity::Warning, e.found->path, d.line,
                d.name + ": " + e.problem +
                    "; the pin was left as it is (the rest of the scan "
                    "went on)");
        e.newValue.clear();
        e.updateType.clear();
        continue;
      }
    }
    if (lowerAscii(e.newDigest) == lowerAscii(d.currentDigest)) {
      e.newDigest.clear();  // the pin is current
    } else if (e.newValue.empty() && e.updateType.empty()) {
      e.updateType = "digest";
      if (e.target.empty()) e.target = e.digestTag;
    }
  }

  // 3c. What each dependency is, and findings.
  for (auto& e : evaluated) {
    if (e.inMajor) continue;  // the dependency's row and findings come from its main evaluation
    const Found& f = *e.found;
    const auto& d = f.dep;
    inventory[e.inventoryIndex] = toJson(e, now);
    const nlohmann::json& row = inventory[e.inventoryIndex];
    if (!e.problem.empty() && e.problem.rfind("the digest of ", 0) != 0) {
      finding("dependencies.unsupported-range", Severity::Note, f.path, d.line,
              d.name + ": " + e.problem);
    }
    if (e.deprecated) {
      ++deprecatedCount;
      auto* x =
          finding("dependencies.deprecated", Severity::Warning, f.path, d.line,
                  d.name + "@" + e.used + " is deprecated" +
                      (e.deprecationMessage.empty() ? std::string() : ": " + e.deprecationMessage));
      x->properties = row;
    }
    const Versioning* scheme = findVersioning(d.versioning);
    if (!e.latest.empty() && !e.used.empty() && scheme && scheme->isVersion(e.latest) &&
        scheme->isVersion(e.used) && scheme->compare(e.latest, e.used) > 0) {
      ++outdated;
      libyears += e.libyear;
      const std::string type = std::string(toString(scheme->updateType(e.used, e.latest)));
      ++updatesByType[type];
      auto* x = finding(
          type == "major" ? "dependencies.major-available" : "dependencies.update-available",
          type == "major" ? Severity::Warning : Severity::Note, f.path, d.line,
          d.name + " " + (d.currentValue.empty() ? shortDigest(d.currentDigest) : d.currentValue) +
              " (" + e.used + ") is " + std::to_string(e.versionsBehind) +
              (e.versionsBehind == 1 ? " version" : " versions") + " behind " + e.latest +
              (e.libyearKnown ? ", " + fixed(e.libyear, 1) + " libyears" : std::string()) +
              (e.tooYoung && e.target.empty()
                   ? "; the newest release is younger than " +
                         std::to_string(options.minimumReleaseAgeDays) + " days"
                   : std::string()) +
              (e.heldByEngines.empty()
                   ? std::string()
                   : "; " + e.heldByEngines + " is held back: it needs node " +
                         e.heldEnginesNode + ", and engines.node in " + f.path + " is " +
                         f.enginesNode));
      x->properties = row;
    } else if (e.updateType == "digest") {
      ++outdated;
      ++updatesByType["digest"];
      auto* x = finding("dependencies.update-available", Severity::Note, f.path, d.line,
                        d.name + " is pinned to " + shortDigest(d.currentDigest) + "; " +
                            e.digestTag + " now names " + shortDigest(e.newDigest));
      x->properties = row;
    } else if (e.updateType == "pin" && !e.newValue.empty() &&
               e.newValue != d.currentValue) {
      // rangeStrategy "pin" with nothing newer: the range becomes the version in use; not
      // behind, but an update the scan proposes, counted like the others.
      ++updatesByType["pin"];
    }
  }

  // 4. Proposals, grouped; majors always on their own.
  std::map<std::string, std::vector<const Evaluated*>> groups;
  for (const auto& e : evaluated) {
    const bool valueMoves = !e.newValue.empty() && e.newValue != e.found->dep.currentValue;
    if (!e.problem.empty() || (!valueMoves && e.newDigest.empty())) continue;
    const uint64_t targetMajor = majorOf(e.target);
    const std::string eco = ecosystemOf(e.found->dep.datasource);
    const std::string name = branchSafe(e.found->dep.packageName);
    std::string id;
    const bool numericTarget =
        std::any_of(e.target.begin(), e.target.end(), [](char ch) { return std::isdigit(ch); });
    if (e.updateType == "digest" && !numericTarget) {
      id = "deps/" + eco + "-" + name + "-" + branchSafe(e.target);  // debian:bookworm
    } else if (e.updateType == "major" || options.grouping == "dependency") {
      id = "deps/" + eco + "-" + name + "-" + std::to_string(targetMajor) + ".x";
    } else if (options.grouping == "monorepo" && e.info && !e.info->sourceUrl.empty()) {
      id = "deps/" + eco + "-monorepo-" +
           branchSafe(e.info->sourceUrl.substr(e.info->sourceUrl.rfind('/') + 1));
    } else if (options.grouping == "ecosystem") {
      id = "deps/" + eco;
    } else if (options.grouping == "non-major") {
      id = "deps/" + eco + "-non-major";
    } else {
      id = "deps/" + eco + "-" + name + "-" + std::to_string(targetMajor) + ".x";
    }
    groups[id].push_back(&e);
  }
  std::map<std::string, std::optional<JsonNode>> parsedLocks;  // lockfile path -> parsed
  for (const auto& [id, members] : groups) {
    ProposedChange c;
    c.id = id;
    c.facts.ecosystem = ecosystemOf(members.front()->found->dep.datasource);
    std::map<std::string, std::vector<SpanReplacement>> perFile;
    std::map<std::string, std::vector<SpanEdit>> spansPerFile;
    std::set<std::string> packages, depTypes;
    std::string maxType;
    int64_t minAge = -1;
    bool lockStale = false;
    std::string table =
        "| package | type | change | age | released | libyear |\n|---|---|---|---|---|---|\n";
    std::string links;
    std::string rollback = "Revert this PR's commit. The previous values were:\n";
    for (const auto* e : members) {
      const auto& d = e->found->dep;
      auto edit = [&](const Span& span, const std::string& before, const std::string& after) {
        auto& edits = perFile[e->found->path];
        // One ARG default may feed several FROM lines: its span is edited once.
        for (const auto& x : edits) {
          if (x.span.offset == span.offset && x.span.length == span.length) return;
        }
        edits.push_back({span, after});
        SpanEdit s;
        s.offset = span.offset;
        s.length = span.length;
        s.replacement = after;
        s.line = d.line;
        s.before = before;
        spansPerFile[e->found->path].push_back(std::move(s));
      };
      if (!e->newValue.empty() && e->newValue != d.currentValue && d.valueSpan.length > 0)
        edit(d.valueSpan, d.currentValue, e->newValue);
      if (!e->newDigest.empty() && d.digestSpan) edit(*d.digestSpan, d.currentDigest, e->newDigest);
      packages.insert(d.packageName);
      depTypes.insert(d.depType);
      if (rankOf(e->updateType) > rankOf(maxType)) maxType = e->updateType;
      const int64_t age = e->targetDate ? (now - *e->targetDate) / 86400 : -1;
      if (age >= 0 && (minAge < 0 || age < minAge)) minAge = age;
      lockStale = lockStale || e->found->lockfile;
      std::string change;
      if (!e->newValue.empty() && e->newValue != d.currentValue) {
        change = "`" + d.currentValue + "` → `" + e->newValue + "` (" + e->used + " → " +
                 e->target + ")";
      } else if (!d.currentValue.empty()) {
        change = "`" + d.currentValue + "`";
      } else {
        change = (e->used.empty() ? std::string("?") : e->used) + " → " + e->target;
      }
      if (!e->newDigest.empty()) {
        change += (change.empty() ? "" : ", ") + std::string("pin `") +
                  shortDigest(d.currentDigest) + "` → `" + shortDigest(e->newDigest) + "`";
      }
      table += "| `" + d.packageName + "` | " + e->updateType + " | " + change + " | " +
               (age >= 0 ? std::to_string(age) + " days" : "?") + " | " +
               (e->targetDate ? dateOf(*e->targetDate) : "?") + " | " +
               (e->libyearKnown ? fixed(e->libyear, 2) : std::string("?")) + " |\n";
      if (e->info) {
        const std::string link = releaseNotesLink(*e->info);
        if (!link.empty()) links += "- `" + d.packageName + "`: " + link + "\n";
      }
      rollback +=
          "- `" + e->found->path + "`: `" + d.name + "` `" + d.currentValue + "`" +
          (d.currentDigest.empty() ? std::string() : " pinned to `" + d.currentDigest + "`") + "\n";
    }
    // package-lock.json: the members' entries, when the registry describes them fully.
    std::vector<std::string> staleReasons;
    std::map<std::string, std::set<std::string>> tomlLocksStale;  // Cargo.lock/poetry.lock
    for (const auto* e : members) {
      if (!e->found->tomlLock.empty())
        tomlLocksStale[e->found->tomlLock].insert(e->found->dep.packageName);
    }
    std::set<std::string> lockUpdated;  // packages whose lock entries were rewritten
    for (const auto* e : members) {
      const auto& d = e->found->dep;
      if (!e->found->lockfile) continue;
      const std::string lockPath = dirOf(e->found->path) + "package-lock.json";
      if (lockUpdated.count(d.name)) {
        staleReasons.push_back(d.name + " is declared in two sections of " + e->found->path +
                               "; its lock entry was updated once");
        continue;
      }
      auto planned = planLockUpdate(*e, lockPath, lockTexts[lockPath], parsedLocks);
      for (auto& r : planned.staleReasons) staleReasons.push_back(std::move(r));
      if (planned.edits.empty()) continue;
      lockUpdated.insert(d.name);
      const std::string& text = lockTexts[lockPath];
      for (size_t i = 0; i < planned.edits.size(); ++i) {
        const auto& x = planned.edits[i];
        perFile[lockPath].push_back(x);
        SpanEdit s;
        s.offset = x.span.offset;
        s.length = x.span.length;
        s.replacement = x.text;
        s.line = lineAt(text, x.span.offset);
        s.before = planned.before[i];
        spansPerFile[lockPath].push_back(std::move(s));
      }
      contents[lockPath] = text;
    }
    lockStale = lockStale && !(staleReasons.empty() && !lockUpdated.empty());
    for (auto& [path, edits] : perFile) {
      FileEdit fe;
      fe.path = path;
      fe.newContent = applySpanEdits(contents[path], edits);
      fe.spans = std::move(spansPerFile[path]);
      std::sort(fe.spans.begin(), fe.spans.end(),
                [](const SpanEdit& a, const SpanEdit& b) { return a.offset < b.offset; });
      c.edits.push_back(std::move(fe));
      c.facts.paths.push_back(path);
    }
    const std::string first = *packages.begin();
    const Evaluated& only = *members.front();
    c.title = members.size() == 1 && only.updateType == "digest"
                  ? "Update " + first + " " + only.target + " to " + shortDigest(only.newDigest)
              : members.size() == 1
                  ? (only.updateType == "pin" ? "Pin " : "Update ") + first + " to " + only.target
                  : "Update " + std::to_string(members.size()) + " " + c.facts.ecosystem +
                        " dependencies" + (maxType == "major" ? "" : " (non-major)");
    c.facts.analyzer = "dependencies";
    c.facts.updateType = maxType;
    c.facts.dependencyType = depTypes.size() == 1 ? *depTypes.begin() : "prod";
    c.facts.packages.assign(packages.begin(), packages.end());
    c.facts.releaseAgeDays = minAge;
    c.facts.lockfileStale = lockStale;
    c.facts.confidence = 1.0;
    c.facts.filesTouched = static_cast<uint32_t>(c.edits.size());
    c.facts.linesTouched = static_cast<uint32_t>(members.size());
    c.facts.labels = {"dependencies"};
    c.whatChanges = table + (links.empty() ? "" : "\nRelease notes:\n" + links);
    c.why = std::to_string(members.size()) +
            (members.size() == 1 ? " dependency is" : " dependencies are") +
            " behind the newest release that is at least " +
            std::to_string(options.minimumReleaseAgeDays) +
            " days old (range strategy: " + options.rangeStrategy +
            ", grouping: " + options.grouping + ").";
    if (maxType == "pin") {
      c.why = std::to_string(members.size()) +
              (members.size() == 1 ? " dependency is" : " dependencies are") +
              " declared as a range; the range strategy \"pin\" writes the exact version in "
              "use (grouping: " + options.grouping + ").";
    }
    c.risk = maxType == "major" ? "**Breaking**: a major update may remove or change APIs this "
                                  "code uses. Read the release notes "
                                  "and run the full test suite before merging."
                                : "Minor and patch updates are meant to be compatible (semantic "
                                  "versioning), but a release can "
                                  "still break things: checks must pass.";
    if (maxType == "digest") {
      c.risk =
          "Only a pin moves: the same tag now names another build or commit (a rebuilt image, a "
          "moved tag). Its content can still differ from what was tested: checks must pass.";
    }
    if (maxType == "pin") {
      c.risk =
          "No version changes: the ranges become the exact versions in use (rangeStrategy "
          "\"pin\"), so an install without a lockfile can no longer pick a newer release.";
    }
    std::string updated;
    for (const auto& n : lockUpdated) updated += (updated.empty() ? "`" : ", `") + n + "`";
    if (lockStale) {
      c.risk +=
          "\n\nThe lockfile (`package-lock.json`) was not regenerated: ddd never runs package "
          "managers." +
          (updated.empty() ? std::string()
                           : " The entries of " + updated +
                                 " were updated from the registry's metadata, but npm would "
                                 "change more.") +
          (staleReasons.empty() ? std::string("\n") : std::string(" Why:\n"));
      for (const auto& r : staleReasons) c.risk += "- " + r + "\n";
      c.risk += "\nRun `npm install` on this branch and commit the lockfile before merging.";
    } else if (!updated.empty()) {
      c.whatChanges += "\n`package-lock.json`: the entries of " + updated +
                       " (version, resolved, integrity, and the root package's range) from the "
                       "registry's metadata. The new versions declare the same dependencies as "
                       "the locked ones and every package that depends on them accepts them, "
                       "so no other entry changes: the lockfile is what `npm install` would "
                       "write.\n";
    }
    std::string hashLines;  // requirements pinned with --hash: their hashes are now stale
    for (const auto* e : members) {
      if (e->found->dep.hashPinned)
        hashLines += "- `" + e->found->path + ":" + std::to_string(e->found->dep.line) + "` `" +
                     e->found->dep.name + "`\n";
    }
    if (!hashLines.empty()) {
      c.facts.lockfileStale = true;
      c.risk += "\n\nThese requirements are pinned with `--hash`, and only their versions were "
                "changed: the hashes still name the old version's files, so `pip install` "
                "(hash-checking mode) refuses them until they are regenerated (`pip-compile "
                "--generate-hashes`, or `pip hash` on the new files) on this branch:\n" +
                hashLines;
    }
    if (!tomlLocksStale.empty()) {
      c.facts.lockfileStale = true;
      for (const auto& [lockPath, names] : tomlLocksStale) {
        const bool cargo =
            lockPath.size() >= 10 && lockPath.substr(lockPath.size() - 10) == "Cargo.lock";
        std::string command = cargo ? "cargo update" : "poetry lock --no-update";
        if (cargo) {
          for (const auto& n : names) command += " -p " + n;
        }
        c.risk += "\n\nThe lockfile (`" + lockPath +
                  "`) was not regenerated: ddd never runs package managers. Run `" + command +
                  "` on this branch and commit the lockfile before merging.";
      }
    }
    c.rollback = rollback;
    for (auto& f : result.findings) {
      for (const auto* e : members) {
        if (f.path == e->found->path && f.line == e->found->dep.line && f.changeId.empty() &&
            (f.rule == "dependencies.update-available" ||
             f.rule == "dependencies.major-available")) {
          f.changeId = c.id;
        }
      }
    }
    result.changes.push_back(std::move(c));
  }

  result.details = {{"dependencies", std::move(inventory)},
                    {"summary",
                     {{"total", found.size()},
                      {"outdated", outdated},
                      {"libyears", std::round(libyears * 100) / 100},
                      {"updatesByType", updatesByType},
                      {"deprecated", deprecatedCount},
                      {"yanked", 0},
                      {"skipped", skipped},
                      {"lookupFailures", failures}}}};
  sortResult(result);
  return result;
}

void registerDependencyAnalyzer() {
  registerAnalyzer({"dependencies", DependencyAnalyzer().description(),
                    [] { return std::make_unique<DependencyAnalyzer>(); }});
}

}  // namespace ddd::analyzers::deps
