// libFuzzer target for the deprecations rule-pack parser and the pattern prefilter.
// Input starting with '{' (after blanks): a rule pack; it must parse or throw
// RulePackError, and a parsed pack's rules run over their own test cases with and
// without the literal prefilter, which must agree. Other input: "pattern\ntext"; a
// pattern RE2 accepts is matched against the text both ways, which must agree.
// Anything else escaping, a crash, a hang or a disagreement is a bug.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analyzers/deprecations/matcher.h"
#include "analyzers/deprecations/pattern_literals.h"
#include "analyzers/deprecations/rule_pack.h"

namespace {

using namespace ddd::analyzers::deprecations;

void expectSameMatches(const std::vector<const Rule*>& rules, const std::string& path,
                       const std::string& text) {
  const auto language = languageOf(path);
  if (!language) return;
  const RuleMatcher fast(rules, MatchOptions{1000, true});
  const RuleMatcher plain(rules, MatchOptions{1000, false});
  FileMatches a;
  FileMatches b;
  fast.scan(path, *language, text, a);
  plain.scan(path, *language, text, b);
  if (a.matches.size() != b.matches.size()) __builtin_trap();
  for (std::size_t i = 0; i < a.matches.size(); ++i) {
    const RuleMatch& x = a.matches[i];
    const RuleMatch& y = b.matches[i];
    if (x.rule != y.rule || x.begin != y.begin || x.end != y.end || x.replacement != y.replacement)
      __builtin_trap();
    if (x.end > text.size() || x.editEnd > text.size() || x.line == 0) __builtin_trap();
  }
}

void fuzzPack(const std::string& text) {
  RulePack pack;
  try {
    pack = parseRulePack(text, "fuzz.json", RulePackOptions{false});
  } catch (const RulePackError&) {
    return;
  }
  std::vector<const Rule*> rules;
  for (const Rule& r : pack.rules) rules.push_back(&r);
  for (const Rule& r : pack.rules) {
    for (const auto* cases : {&r.positive, &r.negative}) {
      for (const RuleTestCase& c : *cases) expectSameMatches(rules, c.path, c.code);
    }
  }
}

void fuzzPattern(const std::string& input) {
  const std::size_t nl = input.find('\n');
  if (nl == std::string::npos) return;
  const std::string pattern = input.substr(0, nl);
  const std::string text = input.substr(nl + 1);
  (void)analyzePattern(pattern);
  nlohmann::json pack = {{"pack", "f"},
                         {"rules",
                          {{{"id", "f.r"},
                            {"languages", {"python"}},
                            {"pattern", pattern},
                            {"replacement", "X"},
                            {"inStrings", true},
                            {"message", "m"}}}}};
  std::string json;
  try {
    json = pack.dump();
  } catch (const nlohmann::json::exception&) {
    return;  // not UTF-8: not representable in a pack
  }
  RulePack parsed;
  try {
    parsed = parseRulePack(json, "fuzz.json", RulePackOptions{false});
  } catch (const RulePackError&) {
    return;
  }
  expectSameMatches({&parsed.rules[0]}, "f.py", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::size_t first = input.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && input[first] == '{') {
    fuzzPack(input);
  } else {
    fuzzPattern(input);
  }
  return 0;
}
