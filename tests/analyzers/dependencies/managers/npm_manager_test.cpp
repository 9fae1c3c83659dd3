// The npm manager: exact spans, minimal rewrites, safe removals, non-registry specs.
#include <gtest/gtest.h>

#include "analyzers/dependencies/managers/json_spans.h"
#include "analyzers/dependencies/managers/manager.h"

namespace ddd::analyzers::deps {
namespace {

const char* kPackageJson =
    "\xEF\xBB\xBF{\r\n"
    "  \"name\": \"demo\",\r\n"
    "  \"workspaces\": [\"packages/*\", \"tools/cli\"],\r\n"
    "  \"dependencies\": {\r\n"
    "    \"lodash\": \"^4.17.15\",\r\n"
    "    \"@scope/ui\": \"~1.2.0\",\r\n"
    "    \"left\": \"npm:left-pad@^1.1.0\",\r\n"
    "    \"local\": \"file:../local\",\r\n"
    "    \"gh\": \"octo/repo#v1\",\r\n"
    "    \"ws\": \"workspace:*\",\r\n"
    "    \"tagged\": \"latest\"\r\n"
    "  },\r\n"
    "  \"devDependencies\": {\"jest\": \"29.0.0\"},\r\n"
    "  \"peerDependencies\": {\r\n"
    "    \"react\": \">=17 <19\"\r\n"
    "  }\r\n"
    "}\r\n";

const Manager& npm() { return *findManager("npm"); }

TEST(NpmManager, ExtractsEveryDependencyWithExactSpans) {
  auto r = npm().extract("package.json", kPackageJson);
  ASSERT_EQ(r.deps.size(), 9u);
  const std::string_view text(kPackageJson);
  for (const auto& d : r.deps) {
    EXPECT_EQ(text.substr(d.valueSpan.offset, d.valueSpan.length), d.currentValue) << d.name;
  }
  EXPECT_EQ(r.deps[0].name, "lodash");
  EXPECT_EQ(r.deps[0].depType, "prod");
  EXPECT_EQ(r.deps[0].line, 5u);
  EXPECT_EQ(r.deps[1].packageName, "@scope/ui");
  EXPECT_EQ(r.deps[2].packageName, "left-pad");
  EXPECT_EQ(r.deps[2].currentValue, "^1.1.0");
  EXPECT_EQ(r.deps[3].skipReason, "local-path");
  EXPECT_EQ(r.deps[4].skipReason, "git-source");
  EXPECT_EQ(r.deps[5].skipReason, "workspace");
  EXPECT_EQ(r.deps[6].skipReason, "dist-tag");
  EXPECT_EQ(r.deps[7].depType, "dev");
  EXPECT_EQ(r.deps[8].depType, "peer");
  EXPECT_EQ(r.deps[8].currentValue, ">=17 <19");
  EXPECT_EQ(r.workspaceGlobs, (std::vector<std::string>{"packages/*", "tools/cli"}));
  EXPECT_TRUE(npm().handles("web/package.json"));
  EXPECT_FALSE(npm().handles("node_modules/x/package.json"));
  EXPECT_FALSE(npm().handles("package-lock.json"));
}

// engines.node is the manifest's Node.js constraint (read for engines filtering); one
// that is not a string is said and not used.
TEST(NpmManager, ReadsEnginesNodeAsTheNodeConstraint) {
  auto r = npm().extract("package.json",
                         R"({"engines": {"npm": ">=9", "node": ">=18 <23"}, "dependencies": {"a": "1"}})");
  EXPECT_EQ(r.constraints, (std::map<std::string, std::string>{{"node", ">=18 <23"}}));
  EXPECT_TRUE(r.warnings.empty());
  for (const char* odd : {R"({"engines": {"node": 18}})", R"({"engines": {"node": ""}})",
                          R"({"engines": {"node": [">=18"]}})"}) {
    auto o = npm().extract("package.json", odd);
    EXPECT_TRUE(o.constraints.empty()) << odd;
    ASSERT_EQ(o.warnings.size(), 1u) << odd;
    EXPECT_NE(o.warnings[0].find("package.json:1: engines.node is not a version range"),
              std::string::npos);
  }
  EXPECT_TRUE(npm().extract("package.json", R"({"engines": ["node"]})").constraints.empty());
}

TEST(NpmManager, RewritingASpanChangesOnlyThoseBytes) {
  auto r = npm().extract("package.json", kPackageJson);
  const std::string updated = applySpanEdits(
      kPackageJson, {{r.deps[0].valueSpan, "^4.17.21"}, {r.deps[2].valueSpan, "^1.3.0"}});
  std::string expected = kPackageJson;
  expected.replace(expected.find("^1.1.0"), 6, "^1.3.0");
  expected.replace(expected.find("^4.17.15"), 8, "^4.17.21");
  EXPECT_EQ(updated, expected);
  auto again = npm().extract("package.json", updated);
  EXPECT_EQ(again.deps[0].currentValue, "^4.17.21");
  EXPECT_EQ(again.deps[2].currentValue, "^1.3.0");
  EXPECT_THROW(applySpanEdits("abc", {{{1, 2}, "x"}, {{2, 1}, "y"}}), std::invalid_argument);
  EXPECT_THROW(applySpanEdits("abc", {{{2, 5}, "x"}}), std::invalid_argument);
}

TEST(NpmManager, RemovesADependencyAndKeepsValidJson) {
  auto r = npm().extract("package.json", kPackageJson);
  for (const auto& d : r.deps) {
    SCOPED_TRACE(d.name);
    auto out = npm().remove(kPackageJson, d);
    ASSERT_TRUE(out);
    auto after = npm().extract("package.json", *out);  // still valid JSON
    EXPECT_EQ(after.deps.size(), r.deps.size() - 1);
    for (const auto& a : after.deps) EXPECT_NE(a.name, d.name);
  }
  // The only member of a section leaves an empty object.
  auto jest = npm().remove(kPackageJson, r.deps[7]);
  EXPECT_NE(jest->find("\"devDependencies\": {}"), std::string::npos);
}

TEST(NpmManager, BadManifestsAreClearErrors) {
  try {
    npm().extract("web/package.json", "{\n  \"dependencies\": {\n    \"a\": \"1\",\n  }\n}\n");
    FAIL();
  } catch (const ManifestError& e) {
    EXPECT_NE(std::string(e.what()).find("web/package.json:4:3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(npm().extract("package.json", "[]"), ManifestError);
  EXPECT_THROW(npm().extract("package.json", std::string(10000, '[')), ManifestError);
  EXPECT_THROW(npm().extract("package.json", "{\"a\": \"\x01\"}"), ManifestError);
  auto r = npm().extract("package.json",
                         R"({"dependencies": {"a": 1, "b": "^1.0.0"}, "devDependencies": []})");
  ASSERT_EQ(r.deps.size(), 1u);
  EXPECT_EQ(r.warnings.size(), 2u);
}

TEST(JsonSpans, DecodesEscapesAndKeepsPositions) {
  auto n = parseJsonWithSpans(R"({"k\u00e9y": "v\"al", "n": [1, -2.5e3, true, null]})", "t");
  ASSERT_EQ(n.keys.size(), 2u);
  EXPECT_EQ(n.keys[0], "k\xc3\xa9y");
  EXPECT_EQ(n.values[0].text, "v\"al");
  EXPECT_EQ(n.values[1].items[1].text, "-2.5e3");
  EXPECT_EQ(lineAt("a\nb\nc", 4), 3u);
}

}  // namespace
}  // namespace ddd::analyzers::deps
