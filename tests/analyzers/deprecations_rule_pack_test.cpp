// Parsing and checking rule packs, and loading the shipped ones.

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <cstdlib>

#include "analyzers/deprecations/rule_pack.h"
#include "tests/analyzers/deprecations_support.h"

namespace ddd::analyzers::deprecations {
namespace {

using ddd::testing::TempDir;
using ddd::testing::writeFile;
using namespace ddd::testing::deprecations;

// One regex rule in a pack named "bad", with `fields` spliced into the rule object.
std::string packWithRule(const std::string& fields) {
  return R"J({"pack": "bad", "title": "Bad", "rules": [{"id": "bad.rule", "languages": ["python"],
             "message": "m", )J" +
         fields + "}]}";
}

std::string errorOf(const std::string& json, const std::string& source = "packs/bad.json",
                    RulePackOptions options = RulePackOptions{false}) {
  try {
    parseRulePack(json, source, options);
  } catch (const RulePackError& e) {
    return e.what();
  }
  return "no error";
}

TEST(DeprecationsRulePack, ParsesTheSamplePacks) {
  const RulePack python = testPack("sample_python.json");
  EXPECT_EQ(python.name, "sample-python");
  EXPECT_EQ(python.title, "Sample Python");
  ASSERT_EQ(python.rules.size(), 3u);
  const Rule& asserts = python.rules[0];
  EXPECT_EQ(asserts.id, "sample-python.unittest-assert-equals");
  EXPECT_EQ(asserts.pack, "sample-python");
  EXPECT_EQ(asserts.fixGroup, 1);  // the named group "method"
  EXPECT_EQ(asserts.submatches, 2);
  EXPECT_TRUE(asserts.safe);
  EXPECT_EQ(asserts.severity, Severity::Error);
  EXPECT_EQ(asserts.removedIn, "Python 3.12");
  EXPECT_EQ(asserts.positive.size(), 1u);
  EXPECT_EQ(asserts.negative.size(), 2u);
  const Rule& utcnow = python.rules[1];
  EXPECT_EQ(utcnow.removedIn, std::nullopt);
  EXPECT_FALSE(utcnow.safe);
  EXPECT_EQ(utcnow.severity, Severity::Warning);

  const RulePack k8s = testPack("sample_k8s.json");
  ASSERT_EQ(k8s.rules.size(), 4u);
  EXPECT_EQ(k8s.rules[0].type, RuleType::K8sApi);
  EXPECT_EQ(k8s.rules[0].languages, std::vector<Language>{Language::Yaml});
  EXPECT_EQ(k8s.rules[0].replacement, "apps/v1");
  EXPECT_EQ(k8s.rules[2].replacement, std::nullopt);  // PodSecurityPolicy: no replacement
}

TEST(DeprecationsRulePack, BadPatternNamesFileRuleAndField) {
  const std::string e = errorOf(packWithRule(R"J("pattern": "datetime\\.utcnow(")J"));
  EXPECT_EQ(e.rfind("packs/bad.json: rule bad.rule: field 'pattern': RE2 error: missing )", 0), 0u)
      << e;
}

TEST(DeprecationsRulePack, ReplacementMustFitTheGroups) {
  const std::string e = errorOf(
      packWithRule(R"J("pattern": "\\b(logging)\\.warn\\(", "replacement": "\\2.warning(")J"));
  EXPECT_NE(e.find("rule bad.rule: field 'replacement':"), std::string::npos) << e;
  EXPECT_EQ(errorOf(packWithRule(
                R"J("pattern": "\\b(logging)\\.warn\\(", "replacement": "\\1.warning(")J")),
            "no error");
}

TEST(DeprecationsRulePack, FixMustNameAGroup) {
  const std::string e =
      errorOf(packWithRule(R"J("pattern": "\\bself\\.(?P<m>assertEquals)\\(", "fix": "method")J"));
  EXPECT_NE(e.find("field 'fix': no capture group named 'method'"), std::string::npos) << e;
  EXPECT_NE(e.find("named groups: m"), std::string::npos) << e;
  EXPECT_NE(errorOf(packWithRule(R"J("pattern": "(a)b", "fix": "2")J"))
                .find("field 'fix': group 2 does not exist"),
            std::string::npos);
  const RulePack ok =
      packFromJson(packWithRule(R"J("pattern": "(a)(b)", "fix": "2", "replacement": "c")J"));
  EXPECT_EQ(ok.rules[0].fixGroup, 2);
}

TEST(DeprecationsRulePack, RejectsPatternsThatMatchTheEmptyString) {
  EXPECT_NE(errorOf(packWithRule(R"J("pattern": "(?m)^")J")).find("matches the empty string"),
            std::string::npos);
  EXPECT_NE(errorOf(packWithRule(R"J("pattern": "x*")J")).find("field 'pattern'"),
            std::string::npos);
}

TEST(DeprecationsRulePack, RejectsUnknownFieldsLikeTypos) {
  const std::string e = errorOf(packWithRule(R"J("patern": "x")J"));
  EXPECT_NE(e.find("rule bad.rule: field 'patern': unknown field"), std::string::npos) << e;
  EXPECT_NE(errorOf(R"J({"pack": "p", "rule": []})J").find("field 'rule': unknown field"),
            std::string::npos);
}

TEST(DeprecationsRulePack, RejectsBadIdsAndDuplicates) {
  EXPECT_NE(
      errorOf(
          R"J({"pack": "bad", "rules": [{"id": "other.x", "languages": ["python"], "message": "m",
                      "pattern": "x"}]})J")
          .find("field 'id': must be 'bad.<name>'"),
      std::string::npos);
  EXPECT_NE(
      errorOf(
          R"J({"pack": "bad", "rules": [{"id": "bad.Upper", "languages": ["python"], "message": "m",
                      "pattern": "x"}]})J")
          .find("may only use a-z"),
      std::string::npos);
  const std::string dup = errorOf(R"J({"pack": "bad", "rules": [
      {"id": "bad.x", "languages": ["python"], "message": "m", "pattern": "x"},
      {"id": "bad.x", "languages": ["python"], "message": "m", "pattern": "y"}]})J");
  EXPECT_NE(dup.find("rule bad.x: field 'id': used by an earlier rule"), std::string::npos) << dup;
  EXPECT_NE(errorOf(R"J({"pack": "Bad Pack", "rules": []})J").find("field 'pack'"),
            std::string::npos);
  const std::string missingId =
      errorOf(R"J({"pack": "bad", "rules": [{"languages": ["python"]}]})J");
  EXPECT_NE(missingId.find("rule #1: field 'id': required"), std::string::npos) << missingId;
}

TEST(DeprecationsRulePack, ChecksLanguagesGlobsAndTypes) {
  EXPECT_NE(
      errorOf(R"J({"pack": "bad", "rules": [{"id": "bad.x", "languages": ["cobol"], "message": "m",
                      "pattern": "x"}]})J")
          .find("field 'languages': unknown language 'cobol'"),
      std::string::npos);
  EXPECT_NE(errorOf(packWithRule(R"J("pattern": "x", "paths": ["src/{a,b"])J"))
                .find("field 'paths': glob 'src/{a,b'"),
            std::string::npos);
  EXPECT_NE(errorOf(packWithRule(R"J("pattern": "x", "safe": "yes")J"))
                .find("field 'safe': must be true or false"),
            std::string::npos);
  EXPECT_NE(
      errorOf(packWithRule(R"J("pattern": "x", "severity": "fatal")J")).find("field 'severity'"),
      std::string::npos);
  EXPECT_NE(
      errorOf(packWithRule(R"J("pattern": "x", "docs": "docs.python.org")J")).find("field 'docs'"),
      std::string::npos);
  EXPECT_NE(errorOf(packWithRule(R"J("pattern": "x", "type": "ast")J")).find("field 'type'"),
            std::string::npos);
  EXPECT_NE(errorOf(R"J({"pack": "bad", "rules": [{"id": "bad.k", "type": "k8s-api", "message": "m",
                      "apiVersion": "extensions/v1beta1", "kinds": [], "replacementApiVersion": null}]})J")
                .find("field 'kinds'"),
            std::string::npos);
  EXPECT_NE(errorOf(R"J({"pack": "bad", "rules": [{"id": "bad.k", "type": "k8s-api", "message": "m",
                      "apiVersion": "v1", "kinds": ["Pod"], "pattern": "x"}]})J")
                .find("field 'pattern': unknown field"),
            std::string::npos);
}

TEST(DeprecationsRulePack, ShippedPacksNeedAPositiveAndANegativeTest) {
  const std::string rule = packWithRule(R"J("pattern": "x")J");
  EXPECT_NE(errorOf(rule, "packs/bad.json", RulePackOptions{true})
                .find("field 'tests.positive': needs at least one"),
            std::string::npos);
  EXPECT_EQ(errorOf(rule, "packs/bad.json", RulePackOptions{false}), "no error");
  const std::string noNegative =
      packWithRule(R"J("pattern": "x", "tests": {"positive": [{"path": "a.py", "code": "x"}]})J");
  EXPECT_NE(
      errorOf(noNegative, "packs/bad.json", RulePackOptions{true}).find("field 'tests.negative'"),
      std::string::npos);
}

TEST(DeprecationsRulePack, ChecksTestCases) {
  EXPECT_NE(
      errorOf(packWithRule(
                  R"J("pattern": "x", "tests": {"positive": [{"path": "a.ts", "code": "x"}]})J"))
          .find("field 'tests.positive[0].path': 'a.ts' is not a file of the rule's languages"),
      std::string::npos);
  EXPECT_NE(
      errorOf(
          packWithRule(
              R"J("pattern": "x", "tests": {"positive": [{"path": "a.py", "code": "x", "fixed": "y"}]})J"))
          .find("field 'tests.positive[0].fixed': given, but the rule has no replacement"),
      std::string::npos);
  EXPECT_NE(errorOf(packWithRule(R"J("pattern": "x", "tests": {"negative": [{"path": "a.py"}]})J"))
                .find("field 'tests.negative[0].code': required"),
            std::string::npos);
}

TEST(DeprecationsRulePack, InvalidJsonSaysWhere) {
  const std::string e = errorOf("{\"pack\": \"bad\",\n \"rules\": [}\n");
  EXPECT_EQ(e.rfind("packs/bad.json: invalid JSON:", 0), 0u) << e;
  EXPECT_NE(e.find("line 2"), std::string::npos) << e;
  EXPECT_NE(errorOf("[]").find("a rule pack is a JSON object"), std::string::npos);
}

TEST(DeprecationsRulePack, CommentsAreAllowed) {
  const RulePack p = packFromJson(R"J({
    // the pack
    "pack": "ok", /* inline */ "rules": [{"id": "ok.x", "languages": ["go"], "message": "m", "pattern": "ioutil\\."}]})J");
  EXPECT_EQ(p.rules.size(), 1u);
}

TEST(DeprecationsRulePack, InlineRulesBecomeThePackRepo) {
  const auto rules = nlohmann::json::parse(R"J([{"id": "repo.no-print", "languages": ["python"],
      "pattern": "\\bprint\\(", "message": "use logging"}])J");
  const RulePack p = parseInlineRules(rules, "repo", "deprecations.rules", RulePackOptions{false});
  EXPECT_EQ(p.name, "repo");
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_EQ(p.rules[0].pack, "repo");
  try {
    parseInlineRules(nlohmann::json::parse(R"J([{"id": "no-print"}])J"), "repo",
                     "deprecations.rules");
    FAIL() << "expected an error";
  } catch (const RulePackError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "deprecations.rules: rule no-print: field 'id': must be 'repo.<name>'"),
              std::string::npos)
        << e.what();
  }
}

class ShippedPackLoading : public ::testing::Test {
 protected:
  void SetUp() override {
    packs_ = dir_.path() / "analyzers" / "deprecations" / "packs";
    std::filesystem::create_directories(packs_);
  }
  TempDir dir_;
  std::filesystem::path packs_;
};

TEST_F(ShippedPackLoading, CorruptPackIsReportedAndOthersStillLoad) {
  writeFile(packs_ / "a-python.json", slurp(testPacksDir() / "sample_python.json"));
  writeFile(packs_ / "b-broken.json",
            R"J({"pack": "broken", "rules": [{"id": "broken.x", "languages": ["go"],
      "message": "m", "pattern": "ioutil\\.(ReadAll", "tests": {}}]})J");
  writeFile(packs_ / "c-truncated.json", R"J({"pack": "trunc", "rules": [)J");
  writeFile(packs_ / "d-k8s.json", slurp(testPacksDir() / "sample_k8s.json"));
  writeFile(packs_ / "notes.txt", "not a pack");
  const LoadedPacks loaded = loadShippedPacks(dir_.path());
  ASSERT_EQ(loaded.packs.size(), 2u);
  EXPECT_EQ(loaded.packs[0].name, "sample-python");
  EXPECT_EQ(loaded.packs[1].name, "sample-k8s");
  ASSERT_EQ(loaded.warnings.size(), 2u);
  EXPECT_NE(loaded.warnings[0].find(
                "analyzers/deprecations/packs/b-broken.json: rule broken.x: field 'pattern': "
                "RE2 error: missing )"),
            std::string::npos)
      << loaded.warnings[0];
  EXPECT_NE(loaded.warnings[0].find("pack skipped"), std::string::npos);
  EXPECT_NE(loaded.warnings[1].find("c-truncated.json: invalid JSON"), std::string::npos)
      << loaded.warnings[1];
}

TEST_F(ShippedPackLoading, DuplicatePackNamesAndRuleIdsKeepTheFirst) {
  writeFile(packs_ / "a.json", slurp(testPacksDir() / "sample_python.json"));
  writeFile(packs_ / "b.json", slurp(testPacksDir() / "sample_python.json"));
  const LoadedPacks loaded = loadShippedPacks(dir_.path());
  ASSERT_EQ(loaded.packs.size(), 1u);
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_NE(loaded.warnings[0].find("b.json: field 'pack': 'sample-python' is already used"),
            std::string::npos);
}

TEST_F(ShippedPackLoading, MissingDirectoryIsAWarning) {
  const LoadedPacks loaded = loadShippedPacks(dir_.path() / "nowhere");
  EXPECT_TRUE(loaded.packs.empty());
  ASSERT_EQ(loaded.warnings.size(), 1u);
  EXPECT_NE(loaded.warnings[0].find("DDD_DATA_DIR"), std::string::npos);
}

TEST_F(ShippedPackLoading, EnvironmentOverridesTheDataDir) {
  const char* old = std::getenv("DDD_DATA_DIR");
  const std::string saved = old ? old : "";
  ::setenv("DDD_DATA_DIR", dir_.path().c_str(), 1);
  EXPECT_EQ(defaultDataDir(), dir_.path());
  ::unsetenv("DDD_DATA_DIR");
  EXPECT_EQ(defaultDataDir(), ddd::testing::dataDir());
  if (old) ::setenv("DDD_DATA_DIR", saved.c_str(), 1);
}

}  // namespace
}  // namespace ddd::analyzers::deprecations
