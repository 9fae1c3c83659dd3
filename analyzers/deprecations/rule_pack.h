#pragma once
// Rule packs (RULES.md): the data that drives the deprecations analyzer. parseRulePack
// turns one pack's JSON into checked, compiled rules or throws a RulePackError naming
// the file, the rule and the field; loadShippedPacks loads every pack shipped with ddd,
// reporting broken ones as warnings. Rules are immutable once parsed and safe to share
// between threads (the compiled RE2 objects are const and thread-safe).

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/deprecations/glob.h"
#include "analyzers/deprecations/language.h"
#include "analyzers/vocabulary.h"

namespace re2 {
class RE2;
}

namespace ddd::analyzers::deprecations {

class RulePackError : public std::runtime_error {
 public:
  explicit RulePackError(const std::string& what) : std::runtime_error(what) {}
};

enum class RuleType { Regex, K8sApi };

// One example a rule must (positive) or must not (negative) fire on.
struct RuleTestCase {
  std::string path;
  std::string code;
  std::optional<std::string> fixed;  // positive cases: `code` after this rule's edits
};

struct Rule {
  std::string id;    // "python.datetime-utcnow"
  std::string pack;  // "python"
  RuleType type = RuleType::Regex;
  std::vector<Language> languages;
  GlobSet paths;         // empty: every file of `languages`
  GlobSet excludePaths;  // never these

  // regex rules
  std::string pattern;
  // Compiled Latin-1 (patterns match bytes; invalid UTF-8 in a file is harmless).
  std::shared_ptr<const re2::RE2> regex;
  int fixGroup = 0;    // capture group whose span is edited; 0 = the whole match
  int submatches = 1;  // submatches a match must extract (whole match, fix and rewrite groups)
  bool inStrings = false;

  // k8s-api rules
  std::string apiVersion;
  std::vector<std::string> kinds;

  // regex: an RE2 rewrite template; k8s-api: the replacement apiVersion. nullopt:
  // report only.
  std::optional<std::string> replacement;

  std::string message;
  std::string deprecatedSince;
  std::optional<std::string> removedIn;
  std::string docs;
  bool safe = false;
  Severity severity = Severity::Warning;
  std::vector<RuleTestCase> positive;
  std::vector<RuleTestCase> negative;

  bool hasLanguage(Language l) const;
  // The rule's path globs accept `path` (languages are not checked here).
  bool appliesToPath(std::string_view path) const;
};

struct RulePack {
  std::string name;    // "python"
  std::string title;   // "Python standard library"
  std::string source;  // where it came from, for messages
  std::vector<Rule> rules;
};

struct RulePackOptions {
  // Shipped packs must give every rule a positive and a negative test; packs and
  // inline rules from a repository's config may leave tests out.
  bool requireTests = true;
};

// Parses and checks one pack (JSON text; `//` and `/* */` comments are allowed).
// `source` names it in messages ("analyzers/deprecations/packs/python.json"). Throws
// RulePackError: "<source>: rule <id>: field '<field>': <what is wrong>".
RulePack parseRulePack(std::string_view jsonText, const std::string& source,
                       RulePackOptions options = {});

// Parses an array of rule objects given inline (the repository config's
// deprecations.rules) as the pack `packName`. Same checks and errors as parseRulePack.
RulePack parseInlineRules(const nlohmann::json& rules, const std::string& packName,
                          const std::string& source, RulePackOptions options = {});

// The data directory: $DDD_DATA_DIR when set and non-empty, else the DDD_DATA_DIR the
// build was configured with.
std::filesystem::path defaultDataDir();

struct LoadedPacks {
  std::vector<RulePack> packs;        // sorted by file name
  std::vector<std::string> warnings;  // broken or conflicting packs, each left out
};

// Loads analyzers/deprecations/packs/*.json under `dataDir`. A pack that can't be read
// or parsed, or that reuses a pack name or rule id of an earlier pack, is left out and
// reported in `warnings`; the others still load. Never throws for bad pack content.
LoadedPacks loadShippedPacks(const std::filesystem::path& dataDir);

}  // namespace ddd::analyzers::deprecations
