// Matching rules against files: language and path scoping, comments and strings,
// positions, limits, and the k8s-api rule type.

#include <gtest/gtest.h>

#include <chrono>

#include "analyzers/deprecations/k8s.h"
#include "analyzers/deprecations/matcher.h"
#include "tests/analyzers/deprecations_support.h"
#include "tests/support/build_speed.h"

namespace ddd::analyzers::deprecations {
namespace {

using namespace ddd::testing::deprecations;

// Runs every rule of `packs` over one file.
class Scan {
 public:
  explicit Scan(std::vector<RulePack> packs, MatchOptions limits = {}) : packs_(std::move(packs)) {
    std::vector<const Rule*> rules;
    for (const RulePack& p : packs_) {
      for (const Rule& r : p.rules) rules.push_back(&r);
    }
    matcher_ = std::make_unique<RuleMatcher>(rules, limits);
  }
  const FileMatches& run(const std::string& path, const std::string& content) {
    content_ = content;
    auto language = languageOf(path);
    out_ = {};
    if (language) matcher_->scan(path, *language, content_, out_);
    return out_;
  }
  std::vector<std::string> ruleIds() const {
    std::vector<std::string> ids;
    for (const RuleMatch& m : out_.matches) ids.push_back(m.rule->id);
    return ids;
  }
  std::vector<std::string> matchedTexts() const {
    std::vector<std::string> texts;
    for (const RuleMatch& m : out_.matches)
      texts.push_back(content_.substr(m.begin, m.end - m.begin));
    return texts;
  }

 private:
  std::vector<RulePack> packs_;
  std::unique_ptr<RuleMatcher> matcher_;
  std::string content_;
  FileMatches out_;
};

TEST(DeprecationsMatcher, PythonRuleDoesNotFireOnTypeScriptAssertEquals) {
  Scan scan(allTestPacks());
  const std::string deno =
      "import { assertEquals } from \"https://deno.land/std/assert/mod.ts\";\n"
      "Deno.test(\"adds\", () => { self.assertEquals(add(1, 2), 3); });\n";
  EXPECT_TRUE(scan.run("tests/add.test.ts", deno).matches.empty());
  const std::string python =
      "class T(TestCase):\n    def test_add(self):\n        self.assertEquals(add(1, 2), 3)\n";
  EXPECT_EQ(scan.run("tests/test_add.py", python).matches.size(), 1u);
  EXPECT_EQ(scan.ruleIds(), std::vector<std::string>{"sample-python.unittest-assert-equals"});
}

TEST(DeprecationsMatcher, MatchInCommentIsNotReported) {
  Scan scan(allTestPacks());
  const std::string code =
      "# TODO: stop calling datetime.utcnow() here\n"
      "stamp = datetime.utcnow()  # datetime.utcnow() again in a comment\n";
  const FileMatches& m = scan.run("app/clock.py", code);
  ASSERT_EQ(m.matches.size(), 1u);
  EXPECT_EQ(m.matches[0].line, 2u);
  EXPECT_EQ(m.matches[0].column, 9u);
}

TEST(DeprecationsMatcher, MatchInStringReportedOnlyWithInStrings) {
  Scan scan(allTestPacks());
  // A Python rule without inStrings: the string is left alone.
  EXPECT_TRUE(
      scan.run("app/doc.py", "help = \"call datetime.utcnow() for UTC\"\n").matches.empty());
  // The set-output rule says inStrings: a quoted run: value is still found.
  const std::string workflow =
      "jobs:\n  b:\n    steps:\n"
      "      - run: 'echo \"::set-output name=v::1\"'\n"
      "      # - run: echo \"::set-output name=old::0\"\n";
  const FileMatches& m = scan.run(".github/workflows/ci.yml", workflow);
  ASSERT_EQ(m.matches.size(), 1u);
  EXPECT_EQ(m.matches[0].line, 4u);
  EXPECT_EQ(m.matches[0].replacement, "echo \"v=1\" >> \"$GITHUB_OUTPUT\"");
}

TEST(DeprecationsMatcher, PathGlobsScopeRules) {
  Scan scan(allTestPacks());
  const std::string run = "steps:\n  - run: echo \"::set-output name=v::1\"\n";
  EXPECT_EQ(scan.run(".github/workflows/release.yaml", run).matches.size(), 1u);
  EXPECT_EQ(scan.run("actions/build/action.yml", run).matches.size(), 1u);
  EXPECT_TRUE(scan.run("docs/examples/ci.yml", run).matches.empty());
}

TEST(DeprecationsMatcher, EveryMatchWithPositionsAndReplacement) {
  Scan scan(allTestPacks());
  const std::string code =
      "import logging\n"
      "logging.warn('a'); log.warn('b')\n"
      "\n"
      "logger.warn(\n";
  const FileMatches& m = scan.run("svc/w.py", code);
  ASSERT_EQ(m.matches.size(), 3u);
  EXPECT_EQ(scan.matchedTexts(),
            (std::vector<std::string>{"logging.warn(", "log.warn(", "logger.warn("}));
  EXPECT_EQ(m.matches[1].line, 2u);
  EXPECT_EQ(m.matches[1].column, 20u);
  EXPECT_EQ(m.matches[1].endLine, 2u);
  EXPECT_EQ(m.matches[1].endColumn, 29u);
  EXPECT_EQ(m.matches[1].replacement, "log.warning(");
  EXPECT_EQ(m.matches[2].line, 4u);
  EXPECT_EQ(m.matches[2].column, 1u);
}

TEST(DeprecationsMatcher, MultiLineMatchHasItsEndPosition) {
  Scan scan({packFromJson(R"J({"pack": "p", "rules": [{"id": "p.imp", "languages": ["python"],
      "pattern": "import\\s+imp\\b", "message": "imp was removed"}]})J")});
  const FileMatches& m = scan.run("a.py", "x = 1\nimport\n    imp\n");
  ASSERT_EQ(m.matches.size(), 1u);
  EXPECT_EQ(m.matches[0].line, 2u);
  EXPECT_EQ(m.matches[0].column, 1u);
  EXPECT_EQ(m.matches[0].endLine, 3u);
  EXPECT_EQ(m.matches[0].endColumn, 8u);
  EXPECT_FALSE(m.matches[0].hasEdit);  // report only
}

TEST(DeprecationsMatcher, PositionIsTheFixGroupsWhenTheRuleNamesOne) {
  Scan scan({packFromJson(R"J({"pack": "p", "rules": [
    {"id": "p.utcnow", "languages": ["python"],
     "pattern": "(?m)(?:^|[^\\w.])datetime\\.datetime\\.(?P<call>utcnow\\(\\))",
     "fix": "call", "replacement": "now(datetime.timezone.utc)", "message": "naive"},
    {"id": "p.report-only", "languages": ["python"],
     "pattern": "\\bimport\\s+(?P<mod>imp)\\b", "fix": "mod", "message": "imp was removed"},
    {"id": "p.optional", "languages": ["python"],
     "pattern": "\\bos\\.(?:popen|(?P<sys>system))\\(", "fix": "sys", "message": "shell"}]})J")});
  const std::string code =
      "stamp = datetime.datetime.utcnow()\n"
      "import  imp\n"
      "os.popen('ls'); os.system('ls')\n";
  const FileMatches& m = scan.run("app/clock.py", code);
  ASSERT_EQ(m.matches.size(), 4u);
  // The match starts at the space before "datetime"; the finding at "utcnow()".
  EXPECT_EQ(m.matches[0].rule->id, "p.utcnow");
  EXPECT_EQ(code.substr(m.matches[0].begin, 1), " ");
  EXPECT_EQ(m.matches[0].line, 1u);
  EXPECT_EQ(m.matches[0].column, 27u);
  EXPECT_EQ(m.matches[0].endLine, 1u);
  EXPECT_EQ(m.matches[0].endColumn, 35u);
  EXPECT_EQ(m.matches[0].editBegin, m.matches[0].reportedBegin);
  // A report-only rule points at its fix group too.
  EXPECT_EQ(m.matches[1].rule->id, "p.report-only");
  EXPECT_FALSE(m.matches[1].hasEdit);
  EXPECT_EQ(m.matches[1].line, 2u);
  EXPECT_EQ(m.matches[1].column, 9u);
  EXPECT_EQ(m.matches[1].endColumn, 12u);
  // When the fix group takes no part in the match, the whole match is reported.
  EXPECT_EQ(m.matches[2].rule->id, "p.optional");
  EXPECT_EQ(m.matches[2].line, 3u);
  EXPECT_EQ(m.matches[2].column, 1u);
  EXPECT_EQ(m.matches[2].endColumn, 10u);
  EXPECT_EQ(m.matches[3].column, 20u);
  EXPECT_EQ(m.matches[3].endColumn, 26u);
}

TEST(DeprecationsMatcher, InvalidUtf8AndNulBytesAreHarmless) {
  Scan scan(allTestPacks());
  std::string code = "x = '\xff\xfe'\n";
  code += std::string("\0\0", 2);
  code += "\xc3\x28 datetime.utcnow()\n";
  const FileMatches& m = scan.run("bin/odd.py", code);
  ASSERT_EQ(m.matches.size(), 1u);
  EXPECT_EQ(m.matches[0].line, 2u);
  EXPECT_TRUE(scan.run("empty.py", "").matches.empty());
}

// A million matching lines in Release; a tenth of that in sanitizer and Debug builds, where
// the bound (10,000 reported, the rest counted) is what is checked, not the speed.
TEST(DeprecationsMatcher, MillionMatchesFileIsBoundedAndFast) {
  constexpr int kLines = ddd::testing::kSlowBuild ? 100'000 : 1'000'000;
  Scan scan(allTestPacks(), MatchOptions{10000});
  std::string code;
  code.reserve(kLines * 12u);
  for (int i = 0; i < kLines; ++i) code += "log.warn(x)\n";
  const auto start = std::chrono::steady_clock::now();
  const FileMatches& m = scan.run("huge.py", code);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(m.matches.size(), 10000u);
  ASSERT_EQ(m.overflows.size(), 1u);
  EXPECT_EQ(m.overflows[0].unreported, static_cast<uint64_t>(kLines - 10000));
  EXPECT_EQ(m.overflows[0].rule->id, "sample-python.logging-warn");
  EXPECT_EQ(m.matches.back().line, 10000u);
  // Generous bounds: Release takes well under a second; sanitizer and Debug builds are
  // tens of times slower.
  constexpr double kLimit = ddd::testing::kSlowBuild ? 120.0 : 10.0;
  EXPECT_LT(seconds, kLimit) << kLines << " matches took " << seconds << " s";
  RecordProperty("seconds", std::to_string(seconds));
}

TEST(DeprecationsMatcher, RulesOfOtherLanguagesAndUnknownFilesAreSkipped) {
  Scan scan(allTestPacks());
  EXPECT_TRUE(scan.run("README.md", "self.assertEquals(a, b)\n").matches.empty());
  RuleMatcher matcher({}, {});
  EXPECT_FALSE(matcher.hasRulesFor(Language::Python));
}

// ---------------------------------------------------------------- k8s-api

TEST(DeprecationsK8s, K8sApiVersionKeyedByKind) {
  Scan scan({testPack("sample_k8s.json")});
  const std::string manifests =
      "apiVersion: extensions/v1beta1\n"
      "kind: Deployment\n"
      "metadata:\n"
      "  name: web\n"
      "---\n"
      "kind: Ingress\n"
      "metadata: {name: web}\n"
      "apiVersion: \"extensions/v1beta1\"  # quoted, kind before\n"
      "---\n"
      "apiVersion: extensions/v1beta1\n"
      "kind: PodSecurityPolicy\n"
      "---\n"
      "apiVersion: extensions/v1beta1\n"
      "kind: NetworkPolicy\n";
  const FileMatches& m = scan.run("deploy/all.yaml", manifests);
  ASSERT_EQ(scan.ruleIds(),
            (std::vector<std::string>{"sample-k8s.extensions-v1beta1-workloads",
                                      "sample-k8s.extensions-v1beta1-ingress",
                                      "sample-k8s.extensions-v1beta1-podsecuritypolicy"}));
  EXPECT_EQ(m.matches[0].replacement, "apps/v1");
  EXPECT_EQ(m.matches[0].line, 1u);
  EXPECT_EQ(m.matches[0].column, 13u);
  EXPECT_EQ(m.matches[1].replacement, "networking.k8s.io/v1");
  EXPECT_EQ(m.matches[1].line, 8u);
  EXPECT_EQ(m.matches[1].column, 14u);  // inside the quotes
  EXPECT_EQ(scan.matchedTexts()[1], "extensions/v1beta1");
  EXPECT_FALSE(m.matches[2].hasEdit);  // PodSecurityPolicy: no replacement
}

TEST(DeprecationsK8s, NestedScaleTargetRef) {
  Scan scan({testPack("sample_k8s.json")});
  const std::string hpa =
      "apiVersion: autoscaling/v2\n"
      "kind: HorizontalPodAutoscaler\n"
      "metadata:\n"
      "  name: web\n"
      "spec:\n"
      "  scaleTargetRef:\n"
      "    apiVersion: apps/v1beta1\n"
      "    kind: Deployment\n"
      "    name: web\n"
      "  minReplicas: 2\n"
      "---\n"
      "spec:\n"
      "  scaleTargetRef: {apiVersion: apps/v1beta1, kind: StatefulSet, name: db}\n";
  const FileMatches& m = scan.run("deploy/hpa.yaml", hpa);
  ASSERT_EQ(m.matches.size(), 2u);
  EXPECT_EQ(m.matches[0].line, 7u);
  EXPECT_EQ(m.matches[0].column, 17u);
  EXPECT_EQ(m.matches[1].line, 13u);
  EXPECT_EQ(scan.matchedTexts()[1], "apps/v1beta1");
}

TEST(DeprecationsK8s, SiblingKindMustBeInTheSameMapping) {
  std::vector<K8sApiRef> refs;
  // kind belongs to the parent mapping, not to scaleTargetRef.
  findK8sApiRefs(
      "kind: HorizontalPodAutoscaler\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1beta1\n    "
      "name: x\n",
      refs);
  EXPECT_TRUE(refs.empty());
  // Separate documents.
  findK8sApiRefs("apiVersion: extensions/v1beta1\n---\nkind: Deployment\n", refs);
  EXPECT_TRUE(refs.empty());
  // List items: each item is its own mapping, kind before or after apiVersion.
  const std::string list =
      "apiVersion: v1\n"
      "kind: List\n"
      "items:\n"
      "- apiVersion: extensions/v1beta1\n"
      "  metadata:\n"
      "    kind: NotThis\n"
      "  kind: DaemonSet\n"
      "- kind: Ingress\n"
      "  apiVersion: extensions/v1beta1\n"
      "- apiVersion: extensions/v1beta1\n"
      "- kind: Orphan\n";
  findK8sApiRefs(list, refs);
  ASSERT_EQ(refs.size(), 3u);
  EXPECT_EQ(refs[0].kind, "List");
  EXPECT_EQ(refs[1].kind, "DaemonSet");
  EXPECT_EQ(refs[2].kind, "Ingress");
  // Comments never count.
  findK8sApiRefs("# apiVersion: extensions/v1beta1\nkind: Deployment\n", refs);
  EXPECT_TRUE(refs.empty());
  findK8sApiRefs("", refs);
  EXPECT_TRUE(refs.empty());
}

TEST(DeprecationsK8s, CrlfAndTrailingCommentsStayOutOfTheValue) {
  std::vector<K8sApiRef> refs;
  findK8sApiRefs("apiVersion: extensions/v1beta1   # old\r\nkind: 'Deployment'\r\n", refs);
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].apiVersion, "extensions/v1beta1");
  EXPECT_EQ(refs[0].kind, "Deployment");
}

TEST(DeprecationsK8s, TruncatedInputNeverReadsPastTheEnd) {
  const std::string doc =
      "- apiVersion: \"extensions/v1beta1\"\n  kind: Deployment\n  x: {apiVersion: 'a', kind: "
      "\"b\"}\n";
  std::vector<K8sApiRef> refs;
  for (std::size_t n = 0; n <= doc.size(); ++n) {
    const std::string prefix = doc.substr(0, n);
    findK8sApiRefs(prefix, refs);
    for (const K8sApiRef& r : refs) {
      EXPECT_LE(r.valueEnd, prefix.size());
      EXPECT_LE(r.valueBegin, r.valueEnd);
    }
  }
}

}  // namespace
}  // namespace ddd::analyzers::deprecations
