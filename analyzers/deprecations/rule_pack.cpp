#include "analyzers/deprecations/rule_pack.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <set>

#ifndef DDD_DATA_DIR
#define DDD_DATA_DIR "."
#endif

namespace ddd::analyzers::deprecations {
namespace {

using nlohmann::json;

// Names the thing being parsed in error messages: "<source>: rule <id>: field '<f>': ...".
class Where {
 public:
  Where(std::string source, std::string rule)
      : source_(std::move(source)), rule_(std::move(rule)) {}
  void setRule(std::string rule) { rule_ = std::move(rule); }

  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    std::string message = source_ + ": ";
    if (!rule_.empty()) message += rule_ + ": ";
    if (!field.empty()) message += "field '" + field + "': ";
    throw RulePackError(message + what);
  }

 private:
  std::string source_;
  std::string rule_;
};

std::string joined(std::initializer_list<std::string_view> words) {
  std::string out;
  for (std::string_view w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

void rejectUnknownFields(const json& object, std::initializer_list<std::string_view> known,
                         const Where& where, const std::string& prefix = "") {
  for (const auto& item : object.items()) {
    if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
      where.fail(prefix + item.key(), "unknown field (known fields: " + joined(known) + ")");
    }
  }
}

const json* field(const json& object, const char* name) {
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

std::string requireString(const json& object, const char* name, const Where& where) {
  const json* v = field(object, name);
  if (v == nullptr) where.fail(name, "required");
  if (!v->is_string()) where.fail(name, std::string("must be a string, got ") + v->type_name());
  std::string s = v->get<std::string>();
  if (s.empty()) where.fail(name, "must not be empty");
  return s;
}

std::optional<std::string> optionalString(const json& object, const char* name, const Where& where,
                                          bool nullAllowed = false) {
  const json* v = field(object, name);
  if (v == nullptr || (nullAllowed && v->is_null())) return std::nullopt;
  if (!v->is_string()) {
    where.fail(name, std::string(nullAllowed ? "must be a string or null" : "must be a string") +
                         ", got " + v->type_name());
  }
  return v->get<std::string>();
}

bool optionalBool(const json& object, const char* name, const Where& where) {
  const json* v = field(object, name);
  if (v == nullptr) return false;
  if (!v->is_boolean())
    where.fail(name, std::string("must be true or false, got ") + v->type_name());
  return v->get<bool>();
}

std::vector<std::string> stringList(const json& object, const char* name, const Where& where) {
  std::vector<std::string> out;
  const json* v = field(object, name);
  if (v == nullptr) return out;
  if (!v->is_array())
    where.fail(name, std::string("must be a list of strings, got ") + v->type_name());
  for (std::size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    const std::string label = std::string(name) + "[" + std::to_string(i) + "]";
    if (!item.is_string())
      where.fail(label, std::string("must be a string, got ") + item.type_name());
    if (item.get_ref<const std::string&>().empty()) where.fail(label, "must not be empty");
    out.push_back(item.get<std::string>());
  }
  return out;
}

bool isSlugChar(char c, bool dotAllowed) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || (dotAllowed && c == '.');
}

bool isSlug(std::string_view s, bool dotAllowed) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [&](char c) { return isSlugChar(c, dotAllowed); });
}

GlobSet globField(const json& object, const char* name, const Where& where) {
  try {
    return GlobSet(stringList(object, name, where));
  } catch (const GlobError& e) {
    where.fail(name, e.what());
  }
}

std::shared_ptr<const RE2> compilePattern(const std::string& pattern, const Where& where) {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
  auto regex = std::make_shared<const RE2>(pattern, options);
  if (!regex->ok()) where.fail("pattern", "RE2 error: " + regex->error());
  if (RE2::PartialMatch("", *regex)) {
    where.fail("pattern",
               "matches the empty string, so it would report every position; "
               "make it require at least one character");
  }
  return regex;
}

// Resolves `fix` (a group name, or a group number) to a capture group index.
int resolveFixGroup(const Rule& rule, const std::string& fix, const Where& where) {
  const int groups = rule.regex->NumberOfCapturingGroups();
  if (fix.empty())
    where.fail("fix", "must name a capture group (or be left out for the whole match)");
  if (std::all_of(fix.begin(), fix.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (fix.size() > 3 || std::stoi(fix) > groups) {
      where.fail("fix", "group " + fix + " does not exist: the pattern has " +
                            std::to_string(groups) + " capture group(s)");
    }
    return std::stoi(fix);
  }
  const auto& named = rule.regex->NamedCapturingGroups();
  auto it = named.find(fix);
  if (it == named.end()) {
    std::string names;
    for (const auto& [name, index] : named) names += (names.empty() ? "" : ", ") + name;
    where.fail("fix",
               "no capture group named '" + fix + "' in the pattern (named groups: " +
                   (names.empty() ? std::string("none; write (?P<" + fix + ">...)") : names) + ")");
  }
  return it->second;
}

std::vector<RuleTestCase> parseCases(const json& tests, const char* kind, const Rule& rule,
                                     const Where& where) {
  std::vector<RuleTestCase> out;
  const std::string base = std::string("tests.") + kind;
  const json* list = field(tests, kind);
  if (list == nullptr) return out;
  if (!list->is_array())
    where.fail(base, std::string("must be a list of cases, got ") + list->type_name());
  const bool positive = std::string_view(kind) == "positive";
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json& c = (*list)[i];
    const std::string label = base + "[" + std::to_string(i) + "]";
    if (!c.is_object()) where.fail(label, std::string("must be an object, got ") + c.type_name());
    rejectUnknownFields(c, {"path", "code", "fixed"}, where, label + ".");
    RuleTestCase tc;
    auto str = [&](const char* name) -> std::optional<std::string> {
      const json* v = field(c, name);
      if (v == nullptr) return std::nullopt;
      if (!v->is_string()) {
        where.fail(label + "." + name, std::string("must be a string, got ") + v->type_name());
      }
      return v->get<std::string>();
    };
    auto path = str("path");
    auto code = str("code");
    if (!path || path->empty())
      where.fail(label + ".path", "required (a file path that decides the language)");
    if (!code) where.fail(label + ".code", "required");
    tc.path = *path;
    tc.code = *code;
    tc.fixed = str("fixed");
    if (tc.fixed && !positive) where.fail(label + ".fixed", "only positive cases can have 'fixed'");
    if (tc.fixed && !rule.replacement) {
      where.fail(label + ".fixed", "given, but the rule has no replacement (it only reports)");
    }
    if (positive) {
      auto language = languageOf(tc.path);
      if (!language || !rule.hasLanguage(*language)) {
        where.fail(label + ".path", "'" + tc.path + "' is not a file of the rule's languages");
      }
    }
    out.push_back(std::move(tc));
  }
  return out;
}

const std::initializer_list<std::string_view> kRegexFields = {
    "id",   "type",        "languages", "paths",   "excludePaths",    "pattern",
    "fix",  "replacement", "inStrings", "message", "deprecatedSince", "removedIn",
    "docs", "safe",        "severity",  "tests"};
const std::initializer_list<std::string_view> kK8sFields = {"id",           "type",
                                                            "languages",    "paths",
                                                            "excludePaths", "apiVersion",
                                                            "kinds",        "replacementApiVersion",
                                                            "message",      "deprecatedSince",
                                                            "removedIn",    "docs",
                                                            "safe",         "severity",
                                                            "tests"};

Rule parseRule(const json& j, const std::string& packName, std::size_t index,
               const std::string& source, const RulePackOptions& options) {
  Where where(source, "rule #" + std::to_string(index + 1));
  if (!j.is_object()) where.fail("", std::string("must be an object, got ") + j.type_name());
  Rule rule;
  rule.pack = packName;
  rule.id = requireString(j, "id", where);
  if (!isSlug(rule.id, true))
    where.fail("id", "'" + rule.id + "' may only use a-z, 0-9, '.' and '-'");
  where.setRule("rule " + rule.id);
  if (!rule.id.starts_with(packName + ".") || rule.id.size() == packName.size() + 1) {
    where.fail("id", "must be '" + packName + ".<name>' (the pack name, a dot, a name)");
  }

  const std::string type = optionalString(j, "type", where).value_or("regex");
  if (type == "regex") {
    rule.type = RuleType::Regex;
  } else if (type == "k8s-api") {
    rule.type = RuleType::K8sApi;
  } else {
    where.fail("type", "'" + type + "' is not a rule type (regex, k8s-api)");
  }
  rejectUnknownFields(j, rule.type == RuleType::Regex ? kRegexFields : kK8sFields, where);

  const std::vector<std::string> languages = stringList(j, "languages", where);
  for (const std::string& name : languages) {
    auto language = languageFromName(name);
    if (!language) {
      where.fail("languages", "unknown language '" + name +
                                  "' (python, javascript, typescript, go, cpp, c, yaml, "
                                  "dockerfile, shell)");
    }
    if (!rule.hasLanguage(*language)) rule.languages.push_back(*language);
  }
  if (rule.type == RuleType::K8sApi) {
    if (rule.languages.empty()) rule.languages.push_back(Language::Yaml);
    if (rule.languages.size() != 1 || rule.languages[0] != Language::Yaml) {
      where.fail("languages", "k8s-api rules apply to yaml files only");
    }
  } else if (rule.languages.empty()) {
    where.fail("languages", "required: a non-empty list of languages");
  }
  rule.paths = globField(j, "paths", where);
  rule.excludePaths = globField(j, "excludePaths", where);

  rule.message = requireString(j, "message", where);
  rule.deprecatedSince = optionalString(j, "deprecatedSince", where).value_or("");
  rule.removedIn = optionalString(j, "removedIn", where, true);
  rule.docs = optionalString(j, "docs", where).value_or("");
  if (!rule.docs.empty() && !rule.docs.starts_with("https://") &&
      !rule.docs.starts_with("http://")) {
    where.fail("docs", "must be an http(s) URL, got '" + rule.docs + "'");
  }
  rule.safe = optionalBool(j, "safe", where);
  if (auto severity = optionalString(j, "severity", where)) {
    try {
      rule.severity = severityFromString(*severity);
    } catch (const std::exception&) {
      where.fail("severity", "'" + *severity + "' is not a severity (info, note, warning, error)");
    }
  }

  if (rule.type == RuleType::Regex) {
    rule.pattern = requireString(j, "pattern", where);
    rule.regex = compilePattern(rule.pattern, where);
    if (auto fix = optionalString(j, "fix", where))
      rule.fixGroup = resolveFixGroup(rule, *fix, where);
    rule.inStrings = optionalBool(j, "inStrings", where);
    rule.replacement = optionalString(j, "replacement", where);
    int needed = rule.fixGroup;
    if (rule.replacement) {
      std::string error;
      if (!rule.regex->CheckRewriteString(*rule.replacement, &error)) {
        where.fail("replacement", error);
      }
      needed = std::max(needed, RE2::MaxSubmatch(*rule.replacement));
    }
    rule.submatches = needed + 1;
  } else {
    rule.apiVersion = requireString(j, "apiVersion", where);
    rule.kinds = stringList(j, "kinds", where);
    if (rule.kinds.empty()) where.fail("kinds", "required: the kinds this apiVersion applies to");
    rule.replacement = optionalString(j, "replacementApiVersion", where, true);
    if (rule.replacement && rule.replacement->empty()) {
      where.fail("replacementApiVersion", "must not be empty (use null when there is none)");
    }
  }

  const json* tests = field(j, "tests");
  if (tests != nullptr) {
    if (!tests->is_object())
      where.fail("tests", std::string("must be an object, got ") + tests->type_name());
    rejectUnknownFields(*tests, {"positive", "negative"}, where, "tests.");
    rule.positive = parseCases(*tests, "positive", rule, where);
    rule.negative = parseCases(*tests, "negative", rule, where);
  }
  if (options.requireTests) {
    if (rule.positive.empty())
      where.fail("tests.positive", "needs at least one case the rule fires on");
    if (rule.negative.empty())
      where.fail("tests.negative", "needs at least one case the rule must not fire on");
  }
  return rule;
}

void parseRulesInto(RulePack& pack, const json& rules, const RulePackOptions& options) {
  std::set<std::string> ids;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    Rule rule = parseRule(rules[i], pack.name, i, pack.source, options);
    if (!ids.insert(rule.id).second) {
      Where(pack.source, "rule " + rule.id).fail("id", "used by an earlier rule of this pack");
    }
    pack.rules.push_back(std::move(rule));
  }
}

}  // namespace

bool Rule::hasLanguage(Language l) const {
  return std::find(languages.begin(), languages.end(), l) != languages.end();
}

bool Rule::appliesToPath(std::string_view path) const {
  if (!paths.empty() && !paths.matches(path)) return false;
  return excludePaths.empty() || !excludePaths.matches(path);
}

RulePack parseRulePack(std::string_view jsonText, const std::string& source,
                       RulePackOptions options) {
  json j;
  try {
    j = json::parse(jsonText.begin(), jsonText.end(), nullptr, true, true);
  } catch (const json::exception& e) {
    throw RulePackError(source + ": invalid JSON: " + e.what());
  }
  Where where(source, "");
  if (!j.is_object())
    where.fail("", std::string("a rule pack is a JSON object, got ") + j.type_name());
  try {
    rejectUnknownFields(j, {"pack", "title", "description", "rules"}, where);
    RulePack pack;
    pack.source = source;
    pack.name = requireString(j, "pack", where);
    if (!isSlug(pack.name, false))
      where.fail("pack", "'" + pack.name + "' may only use a-z, 0-9 and '-'");
    pack.title = optionalString(j, "title", where).value_or(pack.name);
    optionalString(j, "description", where);
    const json* rules = field(j, "rules");
    if (rules == nullptr) where.fail("rules", "required");
    if (!rules->is_array() || rules->empty())
      where.fail("rules", "must be a non-empty list of rules");
    parseRulesInto(pack, *rules, options);
    return pack;
  } catch (const json::exception& e) {  // not expected: every access is type-checked first
    throw RulePackError(source + ": " + e.what());
  }
}

RulePack parseInlineRules(const nlohmann::json& rules, const std::string& packName,
                          const std::string& source, RulePackOptions options) {
  Where where(source, "");
  if (!rules.is_array())
    where.fail("", std::string("must be a list of rules, got ") + rules.type_name());
  RulePack pack;
  pack.name = packName;
  pack.title = packName;
  pack.source = source;
  try {
    parseRulesInto(pack, rules, options);
  } catch (const json::exception& e) {
    throw RulePackError(source + ": " + e.what());
  }
  return pack;
}

std::filesystem::path defaultDataDir() {
  const char* env = std::getenv("DDD_DATA_DIR");
  if (env != nullptr && *env != '\0') return env;
  return DDD_DATA_DIR;
}

LoadedPacks loadShippedPacks(const std::filesystem::path& dataDir) {
  namespace fs = std::filesystem;
  LoadedPacks loaded;
  const fs::path relativeDir = fs::path("analyzers") / "deprecations" / "packs";
  const fs::path dir = dataDir / relativeDir;
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json") files.push_back(it->path());
  }
  if (ec) {
    loaded.warnings.push_back(
        "no shipped rule packs: cannot list " + dir.string() + ": " + ec.message() +
        " (set DDD_DATA_DIR to the directory holding analyzers/deprecations/packs)");
    return loaded;
  }
  std::sort(files.begin(), files.end());
  std::set<std::string> packNames;
  std::set<std::string> ruleIds;
  for (const fs::path& file : files) {
    const std::string source = (relativeDir / file.filename()).generic_string();
    std::ifstream in(file, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.is_open() || in.bad()) {
      loaded.warnings.push_back(source + ": cannot be read; pack skipped");
      continue;
    }
    RulePack pack;
    try {
      pack = parseRulePack(text, source);
    } catch (const RulePackError& e) {
      loaded.warnings.push_back(std::string(e.what()) +
                                "; pack skipped, the other packs still run");
      continue;
    }
    if (packNames.count(pack.name) != 0) {
      loaded.warnings.push_back(source + ": field 'pack': '" + pack.name +
                                "' is already used by another pack; pack skipped");
      continue;
    }
    auto clash = std::find_if(pack.rules.begin(), pack.rules.end(),
                              [&](const Rule& r) { return ruleIds.count(r.id) != 0; });
    if (clash != pack.rules.end()) {
      loaded.warnings.push_back(source + ": rule " + clash->id +
                                ": field 'id': already used by another pack; pack skipped");
      continue;
    }
    packNames.insert(pack.name);
    for (const Rule& r : pack.rules) ruleIds.insert(r.id);
    loaded.packs.push_back(std::move(pack));
  }
  return loaded;
}

}  // namespace ddd::analyzers::deprecations
