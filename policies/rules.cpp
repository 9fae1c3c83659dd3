#include "policies/rules.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "analyzers/deprecations/glob.h"

namespace ddd::policies {

// Globs matched against the whole name (`*` stops at '/', `**` does not) or regexes
// written `/.../` searched anywhere in the name, compiled into one automaton each.
class NamePattern {
 public:
  NamePattern(const std::vector<std::string>& patterns, bool pathSemantics,
              const std::string& where) {
    std::vector<std::string> globs;
    for (const auto& p : patterns) {
      if (p.size() >= 2 && p.front() == '/' && p.back() == '/') {
        auto re = std::make_unique<RE2>(p.substr(1, p.size() - 2), RE2::Quiet);
        if (!re->ok()) {
          throw PolicyError(where + ": the regular expression " + p +
                            " does not compile: " + re->error() +
                            " (RE2 syntax; write a glob without slashes around it instead)");
        }
        regexes_.push_back(std::move(re));
      } else {
        globs.push_back(p);
      }
    }
    if (globs.empty()) return;
    try {
      if (pathSemantics) {
        paths_ = analyzers::deprecations::GlobSet(globs);
      } else {
        std::string alt;
        for (const auto& g : globs) {
          alt += (alt.empty() ? "" : "|") + ("(?:" + analyzers::deprecations::globToRegex(g) + ")");
        }
        whole_ = std::make_unique<RE2>("^(?:" + alt + ")$", RE2::Quiet);
      }
    } catch (const analyzers::deprecations::GlobError& e) {
      throw PolicyError(where + ": " + e.what());
    }
  }

  bool matches(std::string_view s) const {
    if (!paths_.empty() && paths_.matches(s)) return true;
    if (whole_ && RE2::FullMatch(s, *whole_)) return true;
    for (const auto& re : regexes_) {
      if (RE2::PartialMatch(s, *re)) return true;
    }
    return false;
  }

 private:
  analyzers::deprecations::GlobSet paths_;
  std::unique_ptr<RE2> whole_;
  std::vector<std::unique_ptr<RE2>> regexes_;
};

namespace {

using nlohmann::json;

const std::vector<std::string> kUpdateTypes = {"major",  "minor", "patch",  "pin",
                                               "digest", "fix",   "delete", "docs"};
const std::vector<std::string> kMergeMethods = {"merge", "squash", "rebase"};

std::string joined(const std::vector<std::string>& items, size_t max = 6) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < max; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > max) out += ", … (" + std::to_string(items.size()) + " in all)";
  return out;
}

std::string fixed2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string plural(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Reads the rule's JSON with every problem named by its pointer.
class RuleReader {
 public:
  RuleReader(const std::string& source, const std::string& pointer)
      : source_(source), pointer_(pointer) {}

  [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
    throw PolicyError(source_ + ": " + pointer_ + (field.empty() ? "" : "/" + field) + ": " +
                      problem + " (see the policies section of the README)");
  }

  std::vector<std::string> strings(const json& j, const std::string& field,
                                   const std::vector<std::string>& allowed = {}) const {
    std::vector<std::string> out;
    auto take = [&](const json& v) {
      if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
        fail(field, "expected a non-empty string or an array of them, got " + v.dump());
      }
      const auto& s = v.get_ref<const std::string&>();
      if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
        fail(field, "\"" + s + "\" is not one of " + joined(allowed, 99));
      }
      out.push_back(s);
    };
    if (j.is_array()) {
      for (const auto& v : j) take(v);
    } else {
      take(j);
    }
    return out;
  }

  bool boolean(const json& j, const std::string& field) const {
    if (!j.is_boolean()) fail(field, "expected true or false, got " + j.dump());
    return j.get<bool>();
  }

  int64_t count(const json& j, const std::string& field) const {
    if (!j.is_number_integer() || j.get<int64_t>() < 0 || j.get<int64_t>() > (int64_t{1} << 40)) {
      fail(field, "expected a whole number >= 0, got " + j.dump());
    }
    return j.get<int64_t>();
  }

  double fraction(const json& j, const std::string& field) const {
    if (!j.is_number() || j.get<double>() < 0 || j.get<double>() > 1) {
      fail(field, "expected a number from 0 to 1, got " + j.dump());
    }
    return j.get<double>();
  }

  std::string where(const std::string& field) const {
    return source_ + ": " + pointer_ + "/" + field;
  }

 private:
  const std::string& source_;
  const std::string& pointer_;
};

void addTexts(Match& m) {
  auto t = std::make_shared<Match::Texts>();
  t->analyzers = joined(m.analyzers);
  t->ecosystems = joined(m.ecosystems);
  t->dependencyTypes = joined(m.dependencyTypes);
  t->updateTypes = joined(m.updateTypes);
  t->ruleIds = joined(m.ruleIds);
  t->packages = joined(m.packages);
  t->paths = joined(m.paths);
  t->allPaths = joined(m.allPaths);
  m.texts = std::move(t);
}

Match parseMatch(const json& j, const RuleReader& r) {
  Match m;
  if (!j.is_object()) r.fail("match", "expected an object of match fields, got " + j.dump());
  for (const auto& [key, v] : j.items()) {
    const std::string f = "match/" + key;
    if (key == "analyzer" || key == "analyzers") {
      m.analyzers = r.strings(v, f);
    } else if (key == "ruleIds") {
      m.ruleIds = r.strings(v, f);
    } else if (key == "ecosystem" || key == "ecosystems") {
      m.ecosystems = r.strings(v, f);
    } else if (key == "packages") {
      m.packages = r.strings(v, f);
    } else if (key == "dependencyType" || key == "dependencyTypes") {
      m.dependencyTypes = r.strings(v, f);
    } else if (key == "updateType" || key == "updateTypes") {
      m.updateTypes = r.strings(v, f, kUpdateTypes);
    } else if (key == "minReleaseAgeDays") {
      m.minReleaseAgeDays = r.count(v, f);
    } else if (key == "maxFiles") {
      m.maxFiles = static_cast<uint32_t>(std::min<int64_t>(r.count(v, f), UINT32_MAX));
    } else if (key == "maxLines") {
      m.maxLines = static_cast<uint32_t>(std::min<int64_t>(r.count(v, f), UINT32_MAX));
    } else if (key == "paths") {
      m.paths = r.strings(v, f);
    } else if (key == "allPaths") {
      m.allPaths = r.strings(v, f);
    } else if (key == "minConfidence") {
      m.minConfidence = r.fraction(v, f);
    } else if (key == "confidenceBelow") {
      m.confidenceBelow = r.fraction(v, f);
    } else if (key == "lockfileStale") {
      m.lockfileStale = r.boolean(v, f);
    } else if (key == "safe") {
      m.safe = r.boolean(v, f);
    } else if (key == "deletesFiles") {
      m.deletesFiles = r.boolean(v, f);
    } else if (key == "labels") {
      m.labels = r.strings(v, f);
    } else {
      r.fail(f,
             "unknown match field (known: analyzer, ruleIds, ecosystem, packages, "
             "dependencyType, updateType, minReleaseAgeDays, maxFiles, maxLines, paths, "
             "allPaths, minConfidence, confidenceBelow, lockfileStale, safe, deletesFiles, "
             "labels)");
    }
  }
  if (!m.ruleIds.empty())
    m.ruleIdPattern = std::make_shared<NamePattern>(m.ruleIds, false, r.where("match/ruleIds"));
  if (!m.packages.empty())
    m.packagePattern = std::make_shared<NamePattern>(m.packages, false, r.where("match/packages"));
  if (!m.paths.empty())
    m.pathPattern = std::make_shared<NamePattern>(m.paths, true, r.where("match/paths"));
  if (!m.allPaths.empty())
    m.allPathPattern = std::make_shared<NamePattern>(m.allPaths, true, r.where("match/allPaths"));
  addTexts(m);
  return m;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

Rule builtin(std::string name, std::string description, Match m, Action action) {
  Rule r;
  r.name = std::move(name);
  r.source = "built-in";
  r.description = std::move(description);
  auto compile = [&](const std::vector<std::string>& p, bool paths) {
    return p.empty() ? nullptr
                     : std::make_shared<const NamePattern>(p, paths, "built-in " + r.name);
  };
  m.ruleIdPattern = compile(m.ruleIds, false);
  m.packagePattern = compile(m.packages, false);
  m.pathPattern = compile(m.paths, true);
  m.allPathPattern = compile(m.allPaths, true);
  addTexts(m);
  r.match = std::move(m);
  r.action = action;
  return r;
}

}  // namespace

Rule parseRule(const json& j, const std::string& source, const std::string& pointer) {
  RuleReader r(source, pointer);
  if (!j.is_object()) r.fail("", "a policy rule must be an object, got " + j.dump());
  Rule rule;
  rule.source = source + " " + pointer;
  bool sawAction = false;
  for (const auto& [key, v] : j.items()) {
    if (key == "name" || key == "description") {
      if (!v.is_string()) r.fail(key, "expected a string, got " + v.dump());
      (key == "name" ? rule.name : rule.description) = v.get<std::string>();
    } else if (key == "match") {
      rule.match = parseMatch(v, r);
    } else if (key == "action") {
      auto a = v.is_string() ? actionFromString(v.get<std::string>()) : std::nullopt;
      if (!a) r.fail(key, v.dump() + " is not one of automerge, review, draft, skip");
      rule.action = *a;
      sawAction = true;
    } else if (key == "reviewers") {
      rule.reviewers = r.strings(v, key);
    } else if (key == "labels") {
      rule.labels = r.strings(v, key);
    } else if (key == "mergeMethod") {
      if (!v.is_string()) r.fail(key, "expected one of merge, squash, rebase, got " + v.dump());
      rule.mergeMethod = r.strings(v, key, kMergeMethods).front();
    } else if (key == "requiredChecks") {
      rule.requiredChecks = r.strings(v, key);
    } else if (key == "mergeOnApproval") {
      rule.mergeOnApproval = r.boolean(v, key);
    } else if (key == "ignoreTests") {
      rule.ignoreTests = r.boolean(v, key);
    } else {
      r.fail(key,
             "unknown rule field (known: name, description, match, action, reviewers, "
             "labels, mergeMethod, requiredChecks, mergeOnApproval, ignoreTests)");
    }
  }
  if (!sawAction) r.fail("action", "every rule needs an action: automerge, review, draft or skip");
  if (rule.name.empty()) rule.name = rule.source;
  return rule;
}

std::vector<Rule> parseRules(const json& j, const std::string& source, const std::string& pointer) {
  std::vector<Rule> rules;
  if (j.is_null()) return rules;
  if (!j.is_array()) {
    throw PolicyError(source + ": " + pointer + ": expected an array of rules, got " + j.dump());
  }
  std::set<std::string> names;
  for (size_t i = 0; i < j.size(); ++i) {
    rules.push_back(parseRule(j[i], source, pointer + "/" + std::to_string(i)));
    if (j[i].contains("name") && !names.insert(rules.back().name).second) {
      throw PolicyError(source + ": " + pointer + "/" + std::to_string(i) +
                        "/name: another rule is already named \"" + rules.back().name +
                        "\"; names must be unique so explanations are unambiguous");
    }
  }
  return rules;
}

const std::vector<Rule>& builtinRules() {
  static const std::vector<Rule> rules = [] {
    std::vector<Rule> r;
    Match m;
    m.confidenceBelow = 0.5;
    r.push_back(builtin("defaults.low-confidence",
                        "the analyzer is not sure enough of this change: it opens as a draft "
                        "for a maintainer to complete",
                        m, Action::Draft));
    m = {};
    m.paths = {".github/workflows/**", ".gitlab-ci.yml", ".gitlab/ci/**",
               "action.yml",           "action.yaml",    "CODEOWNERS"};
    r.push_back(builtin("defaults.protected-path",
                        "changes to CI definitions and code ownership always need review", m,
                        Action::Review));
    m = {};
    m.deletesFiles = true;
    r.push_back(
        builtin("defaults.deletion", "removing files always needs review", m, Action::Review));
    m = {};
    m.updateTypes = {"major"};
    r.push_back(builtin("defaults.major-update",
                        "a major update may change the API the code relies on (breaking)", m,
                        Action::Review));
    m = {};
    m.lockfileStale = true;
    r.push_back(builtin("defaults.lockfile-stale",
                        "the lockfile is out of date and was not regenerated by the change", m,
                        Action::Review));
    m = {};
    m.analyzers = {"runbooks"};
    r.push_back(builtin("defaults.generated-docs",
                        "generated documentation needs a maintainer to confirm it is accurate", m,
                        Action::Review));
    m = {};
    m.analyzers = {"deadcode"};
    r.push_back(builtin("defaults.dead-code",
                        "removing code needs a maintainer to confirm nothing still reaches it", m,
                        Action::Review));
    m = {};
    m.analyzers = {"dependencies"};
    m.dependencyTypes = {"dev"};
    m.updateTypes = {"minor", "patch"};
    m.minReleaseAgeDays = 3;
    r.push_back(builtin("defaults.dev-minor-patch",
                        "minor and patch updates of development dependencies released at least "
                        "3 days ago are merged once checks pass",
                        m, Action::Automerge));
    m = {};
    m.analyzers = {"deprecations"};
    m.safe = true;
    r.push_back(builtin("defaults.safe-deprecation-fix",
                        "deprecation fixes made only of replacements marked safe are merged once "
                        "checks pass",
                        m, Action::Automerge));
    m = {};
    m.analyzers = {"deprecations"};
    m.safe = false;
    r.push_back(builtin("defaults.unsafe-rule",
                        "not every edit comes from a rule marked safe: the replacement may change "
                        "behaviour",
                        m, Action::Review));
    r.push_back(builtin("defaults.review",
                        "no rule marks this change for automatic merge, so a maintainer decides",
                        Match{}, Action::Review));
    return r;
  }();
  return rules;
}

PreparedChange::PreparedChange(const analyzers::ProposedChange& c) : change(c) {
  std::set<std::string> all(c.facts.paths.begin(), c.facts.paths.end());
  uint64_t counted = 0;
  for (const auto& e : c.edits) {
    all.insert(e.path);
    if (!e.newContent) deleted.push_back(e.path);
    edits += e.spans.empty() ? 1 : e.spans.size();
    for (const auto& s : e.spans) counted += 1 + std::count(s.before.begin(), s.before.end(), '\n');
  }
  paths.assign(all.begin(), all.end());
  lines = c.facts.linesTouched ? c.facts.linesTouched
                               : static_cast<uint32_t>(std::min<uint64_t>(counted, UINT32_MAX));
  files = c.facts.filesTouched ? c.facts.filesTouched : paths.size();
}

bool ruleMatches(const Rule& rule, const PreparedChange& pc) {
  const Match& m = rule.match;
  const auto& f = pc.change.facts;
  auto in = [](const std::vector<std::string>& allowed, const std::string& v) {
    return allowed.empty() || contains(allowed, v);
  };
  if (!in(m.analyzers, f.analyzer) || !in(m.ecosystems, f.ecosystem) ||
      !in(m.dependencyTypes, f.dependencyType) || !in(m.updateTypes, f.updateType)) {
    return false;
  }
  if (m.ruleIdPattern && std::none_of(f.ruleIds.begin(), f.ruleIds.end(), [&](const auto& id) {
        return m.ruleIdPattern->matches(id);
      })) {
    return false;
  }
  if (m.packagePattern &&
      (f.packages.empty() || !std::all_of(f.packages.begin(), f.packages.end(), [&](const auto& p) {
         return m.packagePattern->matches(p);
       }))) {
    return false;
  }
  if (m.minReleaseAgeDays && (f.releaseAgeDays < 0 || f.releaseAgeDays < *m.minReleaseAgeDays)) {
    return false;
  }
  if (m.maxFiles && pc.files > *m.maxFiles) return false;
  if (m.maxLines && pc.lines > *m.maxLines) return false;
  if (m.pathPattern && std::none_of(pc.paths.begin(), pc.paths.end(),
                                    [&](const auto& p) { return m.pathPattern->matches(p); })) {
    return false;
  }
  if (m.allPathPattern &&
      (pc.paths.empty() || !std::all_of(pc.paths.begin(), pc.paths.end(), [&](const auto& p) {
         return m.allPathPattern->matches(p);
       }))) {
    return false;
  }
  if (m.minConfidence && !(f.confidence >= *m.minConfidence)) return false;
  if (m.confidenceBelow && !(f.confidence < *m.confidenceBelow)) return false;
  if (m.lockfileStale && f.lockfileStale != *m.lockfileStale) return false;
  if (m.safe && f.safe != *m.safe) return false;
  if (m.deletesFiles && pc.deleted.empty() == *m.deletesFiles) return false;
  for (const auto& l : m.labels) {
    if (!contains(f.labels, l)) return false;
  }
  return true;
}

RuleCheck checkRule(const Rule& rule, const PreparedChange& pc) {
  RuleCheck out;
  const Match& m = rule.match;
  const auto& change = pc.change;
  const auto& f = change.facts;
  auto note = [&](bool ok, std::string text) {
    (ok ? out.held : out.failed).push_back(std::move(text));
    if (!ok) out.matched = false;
  };
  static const Match::Texts kNoTexts;
  const Match::Texts& t = m.texts ? *m.texts : kNoTexts;
  auto oneOf = [&](const char* what, const std::vector<std::string>& allowed,
                   const std::string& allowedText, const std::string& value) {
    if (allowed.empty()) return;
    const bool ok = contains(allowed, value);
    std::string line = what;
    line += ' ';
    line += value.empty() ? "(none)" : value;
    line += ok ? " is one of " : " is not one of ";
    line += allowedText;
    note(ok, std::move(line));
  };
  oneOf("analyzer", m.analyzers, t.analyzers, f.analyzer);
  oneOf("ecosystem", m.ecosystems, t.ecosystems, f.ecosystem);
  oneOf("dependency type", m.dependencyTypes, t.dependencyTypes, f.dependencyType);
  oneOf("update type", m.updateTypes, t.updateTypes, f.updateType);

  if (m.ruleIdPattern) {
    std::vector<std::string> hits;
    for (const auto& id : f.ruleIds) {
      if (m.ruleIdPattern->matches(id)) hits.push_back(id);
    }
    note(!hits.empty(), hits.empty()
                            ? "no rule id (" + joined(f.ruleIds) + ") matches " + joined(m.ruleIds)
                            : "rule ids " + joined(hits) + " match " + joined(m.ruleIds));
  }
  if (m.packagePattern) {
    if (f.packages.empty()) {
      note(false, "the change names no package");
    } else {
      std::string miss;
      for (const auto& p : f.packages) {
        if (!m.packagePattern->matches(p)) {
          miss = p;
          break;
        }
      }
      note(miss.empty(),
           miss.empty() ? "every package (" + joined(f.packages) + ") matches " + joined(m.packages)
                        : "package " + miss + " matches none of " + joined(m.packages));
    }
  }
  if (m.minReleaseAgeDays) {
    if (f.releaseAgeDays < 0) {
      note(false, "the release age is unknown (needs >= " + std::to_string(*m.minReleaseAgeDays) +
                      " days)");
    } else {
      const bool ok = f.releaseAgeDays >= *m.minReleaseAgeDays;
      note(ok, "released " + plural(static_cast<uint64_t>(f.releaseAgeDays), "day", "days") +
                   " ago (" + (ok ? ">= " : "< ") + std::to_string(*m.minReleaseAgeDays) + ")");
    }
  }
  const std::vector<std::string>& paths = pc.paths;
  if (m.maxFiles) {
    const uint64_t n = pc.files;
    note(n <= *m.maxFiles, "touches " + plural(n, "file", "files") +
                               (n <= *m.maxFiles ? " (<= " : " (> ") + std::to_string(*m.maxFiles) +
                               ")");
  }
  if (m.maxLines) {
    const uint64_t n = pc.lines;
    note(n <= *m.maxLines, "changes " + plural(n, "line", "lines") +
                               (n <= *m.maxLines ? " (<= " : " (> ") + std::to_string(*m.maxLines) +
                               ")");
  }
  if (m.pathPattern) {
    std::vector<std::string> hits;
    for (const auto& p : paths) {
      if (m.pathPattern->matches(p)) hits.push_back(p);
    }
    note(!hits.empty(),
         hits.empty() ? "no changed file matches " + joined(m.paths) : "touches " + joined(hits));
  }
  if (m.allPathPattern) {
    std::string miss;
    for (const auto& p : paths) {
      if (!m.allPathPattern->matches(p)) {
        miss = p;
        break;
      }
    }
    note(miss.empty() && !paths.empty(), paths.empty() ? "the change touches no file"
                                         : miss.empty()
                                             ? "every changed file matches " + joined(m.allPaths)
                                             : miss + " does not match " + joined(m.allPaths));
  }
  if (m.minConfidence) {
    const bool ok = f.confidence >= *m.minConfidence;
    note(ok,
         "confidence " + fixed2(f.confidence) + (ok ? " >= " : " < ") + fixed2(*m.minConfidence));
  }
  if (m.confidenceBelow) {
    const bool ok = f.confidence < *m.confidenceBelow;
    note(ok, "confidence " + fixed2(f.confidence) + (ok ? " is below " : " is not below ") +
                 fixed2(*m.confidenceBelow));
  }
  if (m.lockfileStale) {
    const bool ok = f.lockfileStale == *m.lockfileStale;
    note(ok, f.lockfileStale ? "the lockfile needs regenerating" : "the lockfile is up to date");
  }
  if (m.safe) {
    const bool ok = f.safe == *m.safe;
    const uint64_t n = pc.edits;
    std::string text =
        f.safe ? (n == 1 ? "the only edit comes from a rule marked safe"
                         : "all " + std::to_string(n) + " edits come from rules marked safe")
               : "not every edit comes from a rule marked safe" +
                     (f.ruleIds.empty() ? std::string() : " (rules: " + joined(f.ruleIds) + ")");
    note(ok, std::move(text));
  }
  if (m.deletesFiles) {
    const auto& deleted = pc.deleted;
    const bool ok = deleted.empty() != *m.deletesFiles;
    note(ok, deleted.empty() ? "deletes no file" : "deletes " + joined(deleted));
  }
  if (!m.labels.empty()) {
    std::string miss;
    for (const auto& l : m.labels) {
      if (!contains(f.labels, l)) {
        miss = l;
        break;
      }
    }
    note(miss.empty(), miss.empty() ? "carries the labels " + joined(m.labels)
                                    : "does not carry the label " + miss);
  }
  if (out.held.empty() && out.failed.empty()) out.held.push_back("matches every change");
  return out;
}

}  // namespace ddd::policies
