// The repository config: parsing, validation against the shipped schema, the messages
// a maintainer sees for a broken config, and finding the file in a tree.

#include "analyzers/config/repo_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "analyzers/deprecations/rule_pack.h"
#include "analyzers/source_tree.h"
#include "tests/support/test_repo.h"

namespace ddd::analyzers {
namespace {

using nlohmann::json;
using Files = std::map<std::string, std::string>;

const std::string kDataDir = ddd::testing::sourceDir().string();

RepoConfig parse(const std::string& text, const std::string& file = ".github/ddd.json") {
  return parseRepoConfig(text, file, kDataDir);
}

// The ConfigError message for `text` (fails the test when it parses).
std::string errorOf(const std::string& text, const std::string& file = ".github/ddd.json") {
  try {
    parse(text, file);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError for: " << text;
  return {};
}

constexpr const char* kRealisticConfig = R"({
  "$schema": "https://example.org/ddd/repo-config.schema.json",
  "analyzers": ["deprecations", "dependencies"],
  "ignorePaths": ["vendor/**", "third_party/**", "*.min.js", "docs/{build,_site}/**"],
  "maxFileBytes": 2097152,
  "deprecations": {
    "disablePacks": ["ansible"],
    "disableRules": ["python.logging-warn"],
    "grouping": "rule",
    "ignorePaths": ["tests/fixtures/**"],
    "rulePacks": ["tools/ddd/internal-apis.json"],
    "rules": [
      {
        "id": "repo.acme-old-client",
        "languages": ["python"],
        "paths": ["src/**"],
        "pattern": "\\bacme\\.OldClient\\(",
        "replacement": "acme.Client(",
        "message": "acme.OldClient is deprecated; use acme.Client.",
        "deprecatedSince": "acme 2.0",
        "removedIn": null,
        "docs": "https://example.org/acme/changelog#2.0",
        "safe": true,
        "severity": "warning",
        "tests": {
          "positive": [{"path": "src/a.py", "code": "c = acme.OldClient()\n", "fixed": "c = acme.Client()\n"}],
          "negative": [{"path": "src/b.py", "code": "# acme.OldClient()\n"}]
        }
      },
      {
        "id": "repo.acme-widget-v1alpha1",
        "type": "k8s-api",
        "languages": ["yaml"],
        "apiVersion": "acme.example/v1alpha1",
        "kinds": ["Widget"],
        "replacementApiVersion": "acme.example/v1",
        "message": "acme.example/v1alpha1 Widgets are served no more; use acme.example/v1."
      }
    ]
  },
  "dependencies": {"schedule": "weekly", "ecosystems": {"npm": {"rangeStrategy": "bump"}}},
  "deadcode": {"entries": ["src/main.ts"], "ignoreNames": ["@types/*"], "library": false},
  "runbooks": {"outputDir": "docs/runbooks"},
  "policies": [{"match": {"analyzer": "deprecations", "safe": true}, "action": "automerge"}]
})";

TEST(RepoConfig, AcceptsARealisticConfig) {
  const RepoConfig c = parse(kRealisticConfig);
  EXPECT_EQ(c.sourcePath, ".github/ddd.json");
  EXPECT_EQ(c.analyzers, (std::vector<std::string>{"deprecations", "dependencies"}));
  EXPECT_EQ(c.ignorePaths.size(), 4u);
  ASSERT_TRUE(c.maxFileBytes.has_value());
  EXPECT_EQ(*c.maxFileBytes, 2097152u);
  EXPECT_EQ(c.section("deprecations").at("grouping"), "rule");
  EXPECT_EQ(c.section("dependencies").at("schedule"), "weekly");
  EXPECT_EQ(c.raw.at("policies").size(), 1u);
}

TEST(RepoConfig, InlineRulesTheSchemaAcceptsAlsoParseAsRules) {
  const RepoConfig c = parse(kRealisticConfig);
  const auto pack =
      deprecations::parseInlineRules(c.section("deprecations").at("rules"), "repo",
                                     "deprecations.rules", deprecations::RulePackOptions{false});
  ASSERT_EQ(pack.rules.size(), 2u);
  EXPECT_EQ(pack.rules[0].id, "repo.acme-old-client");
  EXPECT_EQ(pack.rules[1].type, deprecations::RuleType::K8sApi);
}

TEST(RepoConfig, EmptyObjectGivesTheDefaults) {
  const RepoConfig c = parse("{}", ".ddd.json");
  EXPECT_EQ(c.sourcePath, ".ddd.json");
  EXPECT_TRUE(c.analyzers.empty());
  EXPECT_TRUE(c.ignorePaths.empty());
  EXPECT_FALSE(c.maxFileBytes.has_value());
  EXPECT_EQ(c.section("deprecations"), json::object());
}

TEST(RepoConfig, AllowsComments) {
  const RepoConfig c =
      parse("// ddd settings\n{\n  /* only these */ \"analyzers\": [\"deprecations\"]\n}\n");
  EXPECT_EQ(c.analyzers, std::vector<std::string>{"deprecations"});
}

TEST(RepoConfig, NamesTheTypoAndSuggestsTheField) {
  EXPECT_EQ(errorOf(R"({"deprecations": {"groupin": "pack"}})"),
            ".github/ddd.json: /deprecations/groupin: unknown property 'groupin' (did you mean "
            "'grouping'?); "
            "see the repository config reference, analyzers/config/README.md in ddd");
  EXPECT_NE(errorOf(R"({"analyzer": ["deprecations"]})")
                .find("/analyzer: unknown property 'analyzer' (did you mean "
                      "'analyzers'?)"),
            std::string::npos);
}

TEST(RepoConfig, NamesWrongTypesByPointer) {
  EXPECT_NE(
      errorOf(R"({"maxFileBytes": "2MB"})").find("/maxFileBytes: must be an integer, not a string"),
      std::string::npos);
  EXPECT_NE(
      errorOf(R"({"maxFileBytes": 1.5})").find("/maxFileBytes: must be an integer, not a number"),
      std::string::npos);
  EXPECT_NE(errorOf(R"({"maxFileBytes": 0})").find("/maxFileBytes: must be >= 1"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"maxFileBytes": 104857601})").find("/maxFileBytes: must be <= 104857600"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"ignorePaths": "vendor/**"})")
                .find("/ignorePaths: must be an array, not a string"),
            std::string::npos);
  EXPECT_NE(
      errorOf(
          R"({"deprecations": {"rules": [{"id": "repo.x", "languages": ["python"], "message": "m",
                                          "pattern": "a", "safe": "yes"}]}})")
          .find("/deprecations/rules/0/safe: must be a boolean, not a string"),
      std::string::npos);
}

TEST(RepoConfig, NamesBadEnumValuesWithTheChoices) {
  EXPECT_NE(errorOf(R"({"deprecations": {"grouping": "file"}})")
                .find("/deprecations/grouping: must be one of: pack, rule, all"),
            std::string::npos);
  EXPECT_NE(
      errorOf(R"({"analyzers": ["deprecations", "linting"]})")
          .find("/analyzers/1: must be one of: deprecations, dependencies, deadcode, runbooks"),
      std::string::npos);
}

TEST(RepoConfig, ReportsEveryProblemAtOnce) {
  try {
    parse(
        R"({"maxFileBytes": "big", "deprecations": {"grouping": 3, "disablePacks": "python"}, "extra": 1})");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), ".github/ddd.json");
    ASSERT_EQ(e.problems().size(), 4u) << e.what();
    std::vector<std::string> pointers;
    for (const auto& p : e.problems()) pointers.push_back(p.instancePointer);
    EXPECT_EQ(pointers,
              (std::vector<std::string>{"/deprecations/disablePacks", "/deprecations/grouping",
                                        "/extra", "/maxFileBytes"}));
  }
}

TEST(RepoConfig, RuleNeedsAPatternOrTheK8sFields) {
  EXPECT_NE(
      errorOf(
          R"({"deprecations": {"rules": [{"id": "repo.b", "languages": ["go"], "message": "m"}]}})")
          .find("/deprecations/rules/0: missing required property 'pattern'"),
      std::string::npos);
  const std::string k8s = errorOf(R"({"deprecations": {"rules": [{"id": "repo.b", "type": "k8s-api",
      "languages": ["yaml"], "message": "m", "apiVersion": "apps/v1beta1"}]}})");
  EXPECT_NE(k8s.find("/deprecations/rules/0: missing required property 'kinds'"), std::string::npos)
      << k8s;
  EXPECT_EQ(k8s.find("'pattern'"), std::string::npos) << k8s;
  const std::string mixed =
      errorOf(R"({"deprecations": {"rules": [{"id": "repo.b", "languages": ["go"],
      "message": "m", "pattern": "x", "kinds": ["Deployment"]}]}})");
  EXPECT_NE(mixed.find("/deprecations/rules/0/kinds: property 'kinds' is not allowed here"),
            std::string::npos)
      << mixed;
  EXPECT_NE(
      errorOf(R"({"deprecations": {"rules": [{"id": "A b", "languages": ["go"], "message": "m",
                                          "pattern": "x"}]}})")
          .find("/deprecations/rules/0/id: must match the pattern"),
      std::string::npos);
}

TEST(RepoConfig, GivesLineAndColumnForSyntaxErrors) {
  const std::string message =
      errorOf("{\n  \"analyzers\": [\"deprecations\"],\n  grouping: 1\n}\n", ".ddd.json");
  EXPECT_EQ(message.rfind(".ddd.json: line 3, column 3: syntax error while parsing object key", 0),
            0u)
      << message;
  EXPECT_EQ(message.find("last read"), std::string::npos) << message;
  EXPECT_NE(message.find("; see "), std::string::npos);
  const std::string truncated = errorOf("{\"analyzers\": [", ".ddd.json");
  EXPECT_EQ(truncated.rfind(".ddd.json: line 1, column 16: syntax error", 0), 0u) << truncated;
}

TEST(RepoConfig, RejectsNumbersBeyondDoubleRange) {
  EXPECT_NE(errorOf(R"({"maxFileBytes": 1e999})")
                .find(".github/ddd.json: (number): number overflow parsing '1e999'"),
            std::string::npos);
}

TEST(RepoConfig, RejectsDuplicateKeys) {
  EXPECT_EQ(errorOf(R"({"deprecations": {"rules": [], "grouping": "pack", "grouping": "rule"}})")
                .rfind(".github/ddd.json: /deprecations/grouping: duplicate key", 0),
            0u);
  EXPECT_NE(errorOf(R"({"policies": [{}, {"a": 1, "a": 2}]})").find("/policies/1/a: duplicate key"),
            std::string::npos);
}

TEST(RepoConfig, RejectsATopLevelThatIsNotAnObject) {
  EXPECT_NE(errorOf("[]").find(
                ".github/ddd.json: (top level): must be a JSON object ({ ... }), not an array"),
            std::string::npos);
  EXPECT_NE(errorOf("\"deprecations\"").find("not string"), std::string::npos);
  EXPECT_NE(errorOf("null").find("(top level): must be a JSON object"), std::string::npos);
}

TEST(RepoConfig, RejectsOversizedConfigsUnread) {
  std::string big =
      "{\"dependencies\": {\"pad\": \"" + std::string(kMaxRepoConfigBytes, 'x') + "\"}}";
  const std::string message = errorOf(big);
  EXPECT_NE(message.find("a config may have at most 1048576 bytes"), std::string::npos)
      << message.substr(0, 200);
}

TEST(RepoConfig, RejectsRunawayNestingInOpenSections) {
  std::string deep = "{\"dependencies\": {\"x\": ";
  for (int i = 0; i < 100000; ++i) deep += '[';
  for (int i = 0; i < 100000; ++i) deep += ']';
  deep += "}}";
  const std::string message = errorOf(deep);
  EXPECT_NE(message.find("nested more than 64 levels deep"), std::string::npos)
      << message.substr(0, 300);
}

TEST(RepoConfig, RejectsBadGlobs) {
  EXPECT_NE(errorOf(R"({"ignorePaths": ["ok/**", "src/[abc"]})")
                .find(".github/ddd.json: /ignorePaths/1: "),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"deprecations": {"ignorePaths": ["{a,b"]}})")
                .find("/deprecations/ignorePaths/0: "),
            std::string::npos);
}

TEST(RepoConfig, CompilesTheSchemaOncePerDataDirectory) {
  const JsonSchema& first = repoConfigSchema(kDataDir);
  const JsonSchema& second = repoConfigSchema(kDataDir);
  EXPECT_EQ(&first, &second);
  EXPECT_THROW(repoConfigSchema("/nonexistent-ddd-data"), SchemaCompileError);
}

// Every ```json block in the config reference is a config the schema accepts.
TEST(RepoConfig, DocumentedExamplesAreValid) {
  std::ifstream in(kDataDir + "/analyzers/config/README.md");
  ASSERT_TRUE(in) << "analyzers/config/README.md";
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  int examples = 0;
  for (size_t at = doc.find("```json\n"); at != std::string::npos; at = doc.find("```json\n", at)) {
    at += 8;
    const size_t end = doc.find("```", at);
    ASSERT_NE(end, std::string::npos);
    EXPECT_NO_THROW(parse(doc.substr(at, end - at))) << doc.substr(at, end - at);
    ++examples;
  }
  EXPECT_GE(examples, 1);
}

// --- Finding the file in a tree -----------------------------------------------------

TEST(LoadRepoConfig, EmptyTreeGivesTheDefaults) {
  MemorySourceTree tree(Files{});
  std::vector<std::string> warnings;
  const RepoConfig c = loadRepoConfig(tree, kDataDir, &warnings);
  EXPECT_EQ(c.sourcePath, "");
  EXPECT_TRUE(c.analyzers.empty());
  EXPECT_EQ(c.raw, json::object());
  EXPECT_TRUE(warnings.empty());
}

TEST(LoadRepoConfig, ReadsDotDddJson) {
  MemorySourceTree tree(
      Files{{".ddd.json", R"({"analyzers": ["deprecations"]})"}, {"src/main.py", "print(1)\n"}});
  const RepoConfig c = loadRepoConfig(tree, kDataDir);
  EXPECT_EQ(c.sourcePath, ".ddd.json");
  EXPECT_EQ(c.analyzers, std::vector<std::string>{"deprecations"});
}

TEST(LoadRepoConfig, PrefersGithubDddJsonAndWarnsAboutTheOther) {
  MemorySourceTree tree(Files{{".ddd.json", R"({"analyzers": ["runbooks"]})"},
                              {".github/ddd.json", R"({"analyzers": ["deprecations"]})"},
                              {".github/workflows/ci.yml", "on: push\n"}});
  std::vector<std::string> warnings;
  const RepoConfig c = loadRepoConfig(tree, kDataDir, &warnings);
  EXPECT_EQ(c.sourcePath, ".github/ddd.json");
  EXPECT_EQ(c.analyzers, std::vector<std::string>{"deprecations"});
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "both .github/ddd.json and .ddd.json exist; using .github/ddd.json and ignoring "
            ".ddd.json (delete one of "
            "them)");
  EXPECT_NO_THROW(loadRepoConfig(tree, kDataDir));  // warnings are optional
}

TEST(LoadRepoConfig, ABrokenFileIsAnErrorNamingIt) {
  MemorySourceTree tree(Files{{".github/ddd.json", R"({"deprecations": {"groupin": "pack"}})"}});
  try {
    loadRepoConfig(tree, kDataDir);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), ".github/ddd.json");
    EXPECT_EQ(
        std::string(e.what()).rfind(".github/ddd.json: /deprecations/groupin: unknown property", 0),
        0u);
  }
}

TEST(LoadRepoConfig, AnUnreadableFileIsAnErrorNotTheDefaults) {
  MemorySourceTree binary(Files{{".ddd.json", std::string("{\0}", 3)}});
  EXPECT_THROW(loadRepoConfig(binary, kDataDir), ConfigError);
  ScanLimits small;
  small.maxFileBytes = 8;
  MemorySourceTree large(Files{{".ddd.json", R"({"analyzers": ["deprecations"]})"}}, small);
  try {
    loadRepoConfig(large, kDataDir);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(".ddd.json: can't be read as a config: larger than"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace ddd::analyzers
