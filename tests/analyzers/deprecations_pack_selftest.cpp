// THE pack self-test: every rule of every shipped pack (analyzers/deprecations/packs/)
// passes its own positive and negative cases. Each rule is its own test
// (RulePacks/EveryShippedRulePassesItsOwnTests.<rule id>). Until packs are shipped, the
// test-only packs in tests/analyzers/data/ stand in, so the machinery stays tested.

#include <gtest/gtest.h>

#include <algorithm>

#include "analyzers/deprecations/matcher.h"
#include "analyzers/deprecations/rule_pack.h"
#include "tests/analyzers/deprecations_support.h"

namespace ddd::analyzers::deprecations {
namespace {

using namespace ddd::testing::deprecations;

// Every pack, loaded once, with a matcher over all their rules (as in a real scan, so
// rules of one language share one RE2::Set). The matcher is built on first use: every
// process of this test binary (ctest runs each test in its own) registers these tests and
// so loads the packs, but only the rule tests scan.
struct ShippedRules {
  std::vector<RulePack> packs;
  std::vector<std::string> loadErrors;
  std::vector<const Rule*> rules;
  bool fromTestData = false;

  static const ShippedRules& get() {
    static const ShippedRules instance;
    return instance;
  }

 private:
  ShippedRules() {
    LoadedPacks loaded = loadShippedPacks(defaultDataDir());
    packs = std::move(loaded.packs);
    loadErrors = std::move(loaded.warnings);
    if (packs.empty() && loadErrors.empty()) {
      fromTestData = true;
      packs = allTestPacks();
    }
    for (const RulePack& p : packs) {
      for (const Rule& r : p.rules) rules.push_back(&r);
    }
  }
};

const RuleMatcher& shippedMatcher() {
  static const RuleMatcher matcher(ShippedRules::get().rules);
  return matcher;
}

std::string applyEditsOf(const Rule& rule, const std::string& code, const FileMatches& fm) {
  std::string out;
  std::size_t at = 0;
  std::size_t lastBegin = std::string::npos;
  std::vector<const RuleMatch*> edits;
  for (const RuleMatch& m : fm.matches) {
    if (m.rule == &rule && m.hasEdit) edits.push_back(&m);
  }
  std::stable_sort(edits.begin(), edits.end(), [](const RuleMatch* a, const RuleMatch* b) {
    return a->editBegin < b->editBegin;
  });
  for (const RuleMatch* m : edits) {
    if (m->editBegin < at || m->editBegin == lastBegin) continue;  // overlapping: first wins
    out.append(code, at, m->editBegin - at);
    out += m->replacement;
    at = m->editEnd;
    lastBegin = m->editBegin;
  }
  out.append(code, at, std::string::npos);
  return out;
}

// A string as a JSON literal, so invisible differences (\r, trailing spaces) show.
std::string show(const std::string& s) { return nlohmann::json(s).dump(); }

std::vector<std::string> ruleIds() {
  std::vector<std::string> ids;
  const ShippedRules& shipped = ShippedRules::get();
  if (!shipped.loadErrors.empty()) ids.push_back("pack-load-errors");
  for (const Rule* r : shipped.rules) ids.push_back(r->id);
  if (ids.empty()) ids.push_back("no-rules");
  return ids;
}

class RulePacks : public ::testing::TestWithParam<std::string> {};

TEST_P(RulePacks, EveryShippedRulePassesItsOwnTests) {
  const ShippedRules& shipped = ShippedRules::get();
  if (GetParam() == "pack-load-errors") {
    for (const std::string& e : shipped.loadErrors) ADD_FAILURE() << e;
    return;
  }
  ASSERT_NE(GetParam(), "no-rules") << "no rule packs found under " << defaultDataDir();
  auto it = std::find_if(shipped.rules.begin(), shipped.rules.end(),
                         [](const Rule* r) { return r->id == GetParam(); });
  ASSERT_NE(it, shipped.rules.end());
  const Rule& rule = **it;
  if (shipped.fromTestData) RecordProperty("packs", "tests/analyzers/data (no shipped packs yet)");

  EXPECT_FALSE(rule.positive.empty()) << rule.id << ": needs at least one positive case";
  EXPECT_FALSE(rule.negative.empty()) << rule.id << ": needs at least one negative case";

  FileMatches fm;
  for (std::size_t i = 0; i < rule.positive.size(); ++i) {
    const RuleTestCase& c = rule.positive[i];
    const auto language = languageOf(c.path);
    ASSERT_TRUE(language) << rule.id << " positive[" << i << "]: no language for " << c.path;
    shippedMatcher().scan(c.path, *language, c.code, fm);
    const auto found = std::count_if(fm.matches.begin(), fm.matches.end(),
                                     [&](const RuleMatch& m) { return m.rule == &rule; });
    EXPECT_GE(found, 1) << rule.id << " positive[" << i << "] (" << c.path
                        << ") finds nothing in:\n"
                        << c.code;
    if (c.fixed) {
      EXPECT_EQ(show(applyEditsOf(rule, c.code, fm)), show(*c.fixed))
          << rule.id << " positive[" << i << "] (" << c.path << "): the fix does not give 'fixed'";
    }
  }
  for (std::size_t i = 0; i < rule.negative.size(); ++i) {
    const RuleTestCase& c = rule.negative[i];
    const auto language = languageOf(c.path);
    if (!language) continue;  // a file no rule looks at: trivially no finding
    shippedMatcher().scan(c.path, *language, c.code, fm);
    for (const RuleMatch& m : fm.matches) {
      if (m.rule != &rule) continue;
      ADD_FAILURE() << rule.id << " negative[" << i << "] (" << c.path << ") fires at line "
                    << m.line << ", column " << m.column
                    << " on: " << c.code.substr(m.begin, m.end - m.begin);
    }
  }
}

std::string testName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Shipped, RulePacks, ::testing::ValuesIn(ruleIds()), testName);

}  // namespace
}  // namespace ddd::analyzers::deprecations
