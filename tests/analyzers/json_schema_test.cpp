// JsonSchema against the official JSON-Schema-Test-Suite (walked at run time) and
// against hand-written cases for what the suite does not cover: our error reports
// (pointers, keywords, messages), compile errors, and the recursion/depth guards.

#include "analyzers/config/json_schema.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace ddd::analyzers {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// ---------------------------------------------------------------------------------
// The official suite. Debian's json-schema-test-suite package installs it under
// /usr/share/json-schema-test-suite (tests/draft4..draft7, remotes/); set
// DDD_JSON_SCHEMA_TEST_SUITE to a checkout of the upstream suite to also run
// tests/draft2020-12.

fs::path suiteRoot() {
  if (const char* env = std::getenv("DDD_JSON_SCHEMA_TEST_SUITE"); env && *env) return env;
  return "/usr/share/json-schema-test-suite";
}

struct SuiteDraft {
  const char* dir;
  SchemaDraft draft;
};
constexpr SuiteDraft kDrafts[] = {{"draft4", SchemaDraft::Draft4},
                                  {"draft6", SchemaDraft::Draft6},
                                  {"draft7", SchemaDraft::Draft7},
                                  {"draft2020-12", SchemaDraft::Draft2020_12}};

// Whole files left out, relative to tests/<draft>/. Each says why.
const std::set<std::string> kSkippedFiles = {
    // Keywords we don't implement (see analyzers/config/README.md).
    "unevaluatedItems.json",
    "unevaluatedProperties.json",
    "dynamicRef.json",
    "optional/dynamicRef.json",
    "vocabulary.json",
    // Switching drafts inside one document and metaschema validation need the
    // metaschemas themselves, which we don't ship.
    "optional/cross-draft.json",
    "optional/format-assertion.json",
    // Content keywords are annotations; the optional file asserts them.
    "optional/content.json",
};

// Single test groups (by description) left out, with why.
const std::set<std::string> kSkippedGroups = {
    // $ref to the drafts' metaschemas (fetched over the network by other validators).
    "remote ref, containing refs itself",
    "valid definition",                        // definitions.json: validates against the metaschema
    "invalid definition",                      // likewise
    "validate definition against metaschema",  // upstream's name for the same group
    // Debian's (older) suite: asserts `format: regex`, which stays an annotation here.
    "ECMA 262 regex non-compliance",
    // Groups that use unevaluatedProperties / unevaluatedItems (not supported).
    "collect annotations inside a 'not', even if collection is disabled",
    "ref creates new scope when adjacent to keywords",
};

// Formats we check when asked (JsonSchemaOptions::assertFormats); groups of the
// optional format files for other formats are left out (those stay annotations).
const std::set<std::string> kAssertedFormats = {"date-time", "date", "time", "email",
                                                "ipv4",      "ipv6", "uuid", "uri"};

std::map<std::string, json> loadRemotes(const fs::path& root) {
  std::map<std::string, json> documents;
  const fs::path dir = root / "remotes";
  if (!fs::is_directory(dir)) return documents;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    try {
      documents["http://localhost:1234/" + fs::relative(entry.path(), dir).generic_string()] =
          json::parse(in);
    } catch (const json::exception&) {
      // not a JSON document; no test refers to it
    }
  }
  return documents;
}

struct SuiteFile {
  std::string draftDir;
  SchemaDraft draft = SchemaDraft::Draft2020_12;
  std::string relative;  // "ref.json", "optional/format/email.json"
  fs::path path;
};

std::vector<SuiteFile> suiteFiles() {
  std::vector<SuiteFile> files;
  for (const auto& d : kDrafts) {
    const fs::path dir = suiteRoot() / "tests" / d.dir;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
      files.push_back(
          {d.dir, d.draft, fs::relative(entry.path(), dir).generic_string(), entry.path()});
    }
  }
  std::sort(files.begin(), files.end(), [](const SuiteFile& a, const SuiteFile& b) {
    return std::tie(a.draftDir, a.relative) < std::tie(b.draftDir, b.relative);
  });
  if (files.empty()) files.push_back({});  // one test that reports the suite missing
  return files;
}

std::atomic<int> gPassed{0}, gSkipped{0};

class SuiteTotals : public ::testing::Environment {
 public:
  void TearDown() override {
    if (gPassed + gSkipped > 0) {
      std::cout << "[ JSON-Schema-Test-Suite ] " << gPassed << " cases passed, " << gSkipped
                << " skipped (unsupported keywords or remote metaschemas)\n";
    }
  }
};
const auto* const kTotals = ::testing::AddGlobalTestEnvironment(new SuiteTotals);

void PrintTo(const SuiteFile& f, std::ostream* os) { *os << f.draftDir << "/" << f.relative; }

class OfficialSuite : public ::testing::TestWithParam<SuiteFile> {};

TEST_P(OfficialSuite, PassesEveryCase) {
  const SuiteFile& file = GetParam();
  if (file.path.empty()) {
    GTEST_SKIP() << "JSON-Schema-Test-Suite not found under " << suiteRoot()
                 << " (apt-get install json-schema-test-suite; deploy/setup.sh does)";
  }
  if (kSkippedFiles.count(file.relative)) {
    GTEST_SKIP() << file.draftDir << "/" << file.relative << " is in the skip list";
  }
  const bool isFormatFile =
      file.relative.rfind("optional/format/", 0) == 0 || file.relative == "optional/format.json";
  JsonSchemaOptions options;
  options.defaultDraft = file.draft;
  options.assertFormats = isFormatFile;
  static const auto remotes = loadRemotes(suiteRoot());
  options.documents = remotes;

  std::ifstream in(file.path);
  const json groups = json::parse(in);
  int passed = 0, skipped = 0;
  for (const auto& group : groups) {
    const std::string description = group.at("description").get<std::string>();
    const json& groupSchema = group.at("schema");
    const bool unassertedFormat = isFormatFile && groupSchema.is_object() &&
                                  groupSchema.contains("format") &&
                                  !kAssertedFormats.count(groupSchema["format"].get<std::string>());
    if (kSkippedGroups.count(description) || unassertedFormat) {
      skipped += static_cast<int>(group.at("tests").size());
      continue;
    }
    std::optional<JsonSchema> schema;
    try {
      schema = JsonSchema::compile(group.at("schema"), file.relative, options);
    } catch (const SchemaCompileError& e) {
      ADD_FAILURE() << file.draftDir << "/" << file.relative << " [" << description
                    << "]: " << e.what();
      continue;
    }
    for (const auto& test : group.at("tests")) {
      const bool expected = test.at("valid").get<bool>();
      const auto errors = schema->validate(test.at("data"));
      const bool verdict = schema->isValid(test.at("data"));
      std::string why;
      for (const auto& e : errors)
        why += "\n    " + e.instancePointer + " " + e.keyword + ": " + e.message;
      EXPECT_EQ(errors.empty(), expected)
          << file.draftDir << "/" << file.relative << " [" << description << "] "
          << test.at("description").get<std::string>() << why;
      EXPECT_EQ(verdict, errors.empty()) << "isValid disagrees with validate() on " << description;
      if (errors.empty() == expected && verdict == expected) ++passed;
    }
  }
  gPassed += passed;
  gSkipped += skipped;
  std::cout << "  " << file.draftDir << "/" << file.relative << ": " << passed << " passed"
            << (skipped ? ", " + std::to_string(skipped) + " skipped" : "") << "\n";
}

std::string suiteTestName(const ::testing::TestParamInfo<SuiteFile>& info) {
  if (info.param.path.empty()) return "SuiteNotInstalled";
  std::string name = info.param.draftDir + "_" + info.param.relative;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(JsonSchemaTestSuite, OfficialSuite, ::testing::ValuesIn(suiteFiles()),
                         suiteTestName);

// ---------------------------------------------------------------------------------
// Hand-written cases.

JsonSchema compile(const char* text, JsonSchemaOptions options = {}) {
  return JsonSchema::compile(json::parse(text), "test.schema.json", options);
}

TEST(JsonSchema, ReportsPointerKeywordAndMessageForBadEnum) {
  auto schema = compile(R"({
    "type": "object",
    "properties": {"deprecations": {"type": "object", "properties": {
      "grouping": {"enum": ["pack", "rule", "all"]}}}}})");
  auto errors = schema.validate(json::parse(R"({"deprecations": {"grouping": "file"}})"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].instancePointer, "/deprecations/grouping");
  EXPECT_EQ(errors[0].keyword, "enum");
  EXPECT_EQ(errors[0].message, "must be one of: pack, rule, all");
}

TEST(JsonSchema, SuggestsTheClosestPropertyForATypo) {
  auto schema = compile(R"({"type": "object", "additionalProperties": false,
    "properties": {"grouping": {}, "rules": {}, "disablePacks": {}}})");
  auto errors = schema.validate(json::parse(R"({"groupin": "pack", "zzzzzzzzzz": 1})"));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].instancePointer, "/groupin");
  EXPECT_EQ(errors[0].keyword, "additionalProperties");
  EXPECT_EQ(errors[0].message, "unknown property 'groupin' (did you mean 'grouping'?)");
  EXPECT_EQ(errors[1].message,
            "unknown property 'zzzzzzzzzz' (allowed: disablePacks, grouping, rules)");
}

TEST(JsonSchema, CollectsEveryViolationInDocumentOrder) {
  auto schema = compile(R"({"type": "object", "required": ["id"],
    "properties": {"n": {"type": "integer", "minimum": 1}, "tags": {"type": "array", "items": {"type": "string"}}}})");
  auto errors = schema.validate(json::parse(R"({"n": 0, "tags": ["a", 2, "c", null]})"));
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].keyword, "required");
  EXPECT_EQ(errors[0].instancePointer, "");
  EXPECT_EQ(errors[0].message, "missing required property 'id'");
  EXPECT_EQ(errors[1].instancePointer, "/n");
  EXPECT_EQ(errors[1].message, "must be >= 1");
  EXPECT_EQ(errors[2].instancePointer, "/tags/1");
  EXPECT_EQ(errors[2].message, "must be a string, not an integer");
  EXPECT_EQ(errors[3].instancePointer, "/tags/3");
  EXPECT_FALSE(schema.isValid(json::parse(R"({"n": 0})")));
}

TEST(JsonSchema, EscapesPointerTokens) {
  auto schema = compile(R"({"additionalProperties": {"type": "string"}})");
  auto errors = schema.validate(json::parse(R"({"a/b~c": 1})"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].instancePointer, "/a~1b~0c");
}

TEST(JsonSchema, TreatsIntegralFloatsAsIntegersFromDraft6On) {
  auto modern = compile(R"({"type": "integer"})");
  EXPECT_TRUE(modern.isValid(json::parse("1.0")));
  EXPECT_FALSE(modern.isValid(json::parse("1.5")));
  JsonSchemaOptions draft4;
  draft4.defaultDraft = SchemaDraft::Draft4;
  EXPECT_FALSE(compile(R"({"type": "integer"})", draft4).isValid(json::parse("1.0")));
}

TEST(JsonSchema, MultipleOfToleratesDecimalFractions) {
  auto schema = compile(R"({"multipleOf": 0.01})");
  EXPECT_TRUE(schema.isValid(json::parse("19.99")));
  EXPECT_TRUE(schema.isValid(json::parse("0.07")));
  EXPECT_FALSE(schema.isValid(json::parse("19.995")));
  EXPECT_TRUE(compile(R"({"multipleOf": 3})").isValid(json::parse("-9")));
  EXPECT_FALSE(compile(R"({"multipleOf": 3})").isValid(json::parse("10")));
}

TEST(JsonSchema, CountsCodePointsForLengths) {
  auto schema = compile(R"({"minLength": 2, "maxLength": 2})");
  EXPECT_TRUE(schema.isValid(json("\xc3\xa9\xf0\x9f\x92\xa9")));  // é💩
  EXPECT_FALSE(schema.isValid(json("\xf0\x9f\x92\xa9")));
}

TEST(JsonSchema, TranslatesEcmaEscapesInPatterns) {
  EXPECT_TRUE(compile(R"({"pattern": "^\\u00e9$"})").isValid(json("\xc3\xa9")));
  EXPECT_TRUE(compile(R"({"pattern": "^a\\sb$"})")
                  .isValid(json("a\xc2\xa0"
                                "b")));  // NBSP is \s in ECMA
  EXPECT_FALSE(compile(R"({"pattern": "^\\S$"})").isValid(json("\xe2\x80\xa8")));  // LINE SEPARATOR
  EXPECT_TRUE(compile(R"({"pattern": "^\\uD83D\\uDCA9$"})").isValid(json("\xf0\x9f\x92\xa9")));
}

TEST(JsonSchema, SupportsDraft2020ArrayKeywords) {
  auto schema =
      compile(R"({"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false,
                           "contains": {"const": 7}, "minContains": 1, "maxContains": 1})");
  EXPECT_TRUE(schema.isValid(json::parse(R"(["a", 7])")));
  auto errors = schema.validate(json::parse(R"(["a", 7, 7])"));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].keyword, "items");
  EXPECT_EQ(errors[0].instancePointer, "/2");
  EXPECT_EQ(errors[1].keyword, "maxContains");
  // draft-07: items as an array is the tuple form, additionalItems the rest.
  JsonSchemaOptions draft7;
  draft7.defaultDraft = SchemaDraft::Draft7;
  auto tuple =
      compile(R"({"items": [{"type": "string"}], "additionalItems": {"type": "integer"}})", draft7);
  EXPECT_TRUE(tuple.isValid(json::parse(R"(["a", 1, 2])")));
  EXPECT_EQ(tuple.validate(json::parse(R"(["a", "b"])"))[0].instancePointer, "/1");
}

TEST(JsonSchema, SupportsDependentKeywordsOfBothDrafts) {
  auto modern = compile(R"({"dependentRequired": {"fix": ["replacement"]},
                            "dependentSchemas": {"safe": {"required": ["replacement"]}}})");
  auto errors = modern.validate(json::parse(R"({"fix": "x"})"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "property 'replacement' is required when 'fix' is present");
  EXPECT_FALSE(modern.isValid(json::parse(R"({"safe": true})")));
  auto legacy = compile(R"({"$schema": "http://json-schema.org/draft-07/schema#",
                            "dependencies": {"fix": ["replacement"], "safe": {"required": ["replacement"]}}})");
  EXPECT_FALSE(legacy.isValid(json::parse(R"({"fix": "x"})")));
  EXPECT_FALSE(legacy.isValid(json::parse(R"({"safe": true})")));
  EXPECT_TRUE(legacy.isValid(json::parse(R"({"safe": true, "replacement": "y"})")));
}

TEST(JsonSchema, ResolvesRefsByPointerIdAndAnchor) {
  auto schema = compile(R"({
    "$id": "https://example.test/root.json",
    "$defs": {
      "name": {"$anchor": "name", "type": "string", "pattern": "^[a-z]+$"},
      "other": {"$id": "other.json", "$defs": {"n": {"type": "integer"}}},
      "list": {"type": "array", "items": {"$ref": "#/$defs/node"}},
      "node": {"type": "object", "properties": {"children": {"$ref": "#/$defs/list"}, "id": {"$ref": "#name"}}}
    },
    "properties": {"tree": {"$ref": "#/$defs/node"}, "count": {"$ref": "other.json#/$defs/n"}}})");
  EXPECT_TRUE(schema.isValid(json::parse(
      R"({"tree": {"id": "a", "children": [{"id": "b", "children": []}]}, "count": 3})")));
  auto errors =
      schema.validate(json::parse(R"({"tree": {"children": [{"id": "B"}]}, "count": "3"})"));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].instancePointer, "/count");
  EXPECT_EQ(errors[1].instancePointer, "/tree/children/0/id");
  EXPECT_EQ(errors[1].keyword, "pattern");
}

TEST(JsonSchema, ResolvesRefsIntoOtherDocumentsHandedOver) {
  JsonSchemaOptions options;
  options.documents["https://example.test/common.json"] =
      json::parse(R"({"$defs": {"glob": {"type": "string"}}})");
  auto schema = compile(
      R"({"$id": "https://example.test/main.json", "items": {"$ref": "common.json#/$defs/glob"}})",
      options);
  EXPECT_TRUE(schema.isValid(json::parse(R"(["*.py"])")));
  EXPECT_FALSE(schema.isValid(json::parse("[1]")));
}

TEST(JsonSchema, RejectsUnresolvableRefsAtCompileTime) {
  try {
    compile(R"({"properties": {"a": {"$ref": "#/$defs/missing"}}})");
    FAIL() << "expected SchemaCompileError";
  } catch (const SchemaCompileError& e) {
    EXPECT_NE(
        std::string(e.what()).find("test.schema.json: #/properties/a: $ref '#/$defs/missing'"),
        std::string::npos)
        << e.what();
  }
  EXPECT_THROW(compile(R"({"$ref": "https://elsewhere.test/schema.json"})"), SchemaCompileError);
}

TEST(JsonSchema, RejectsBadSchemasAtCompileTime) {
  EXPECT_THROW(compile(R"({"pattern": "(?<=a)b"})"), SchemaCompileError);  // lookbehind
  EXPECT_THROW(compile(R"({"type": "text"})"), SchemaCompileError);
  EXPECT_THROW(compile(R"({"minLength": -1})"), SchemaCompileError);
  EXPECT_THROW(compile(R"({"multipleOf": 0})"), SchemaCompileError);
  EXPECT_THROW(compile(R"({"properties": {"a": 3}})"), SchemaCompileError);
  EXPECT_THROW(compile(R"({"unevaluatedProperties": false})"), SchemaCompileError);
  EXPECT_THROW(compile(R"({"$dynamicRef": "#meta"})"), SchemaCompileError);
}

TEST(JsonSchema, StopsInfiniteRefRecursionWithAnError) {
  auto schema =
      compile(R"({"$defs": {"a": {"allOf": [{"$ref": "#/$defs/b"}]}, "b": {"$ref": "#/$defs/a"}},
                           "$ref": "#/$defs/a"})");
  auto errors = schema.validate(json::parse("1"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].keyword, "$ref");
  EXPECT_NE(errors[0].message.find("infinite $ref recursion"), std::string::npos);
  EXPECT_FALSE(schema.isValid(json::parse("1")));
}

TEST(JsonSchema, StopsAtTheDepthLimitInsteadOfOverflowingTheStack) {
  auto schema = compile(R"({"$defs": {"deep": {"type": "array", "items": {"$ref": "#/$defs/deep"}}},
                           "$ref": "#/$defs/deep"})");
  std::string text(100000, '[');
  text += std::string(100000, ']');
  const json deep = json::parse(text);
  auto errors = schema.validate(deep);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].keyword, "maxDepth");
  EXPECT_EQ(std::count(errors[0].instancePointer.begin(), errors[0].instancePointer.end(), '/'),
            128);
  EXPECT_FALSE(schema.isValid(deep));
  JsonSchemaOptions deeper;
  deeper.maxInstanceDepth = 300;
  std::string ok(200, '[');
  ok += std::string(200, ']');
  EXPECT_TRUE(
      JsonSchema::compile(
          json::parse(R"({"$defs": {"deep": {"type": "array", "items": {"$ref": "#/$defs/deep"}}},
                           "$ref": "#/$defs/deep"})"),
          "t", deeper)
          .isValid(json::parse(ok)));
}

TEST(JsonSchema, SurvivesRunawaySchemas) {
  std::string nested;
  for (int i = 0; i < 100000; ++i) nested += "{\"not\": ";
  nested += "{}";
  nested += std::string(100000, '}');
  EXPECT_THROW(JsonSchema::compile(json::parse(nested), "deep"), SchemaCompileError);
  json chain = json::object();
  for (int i = 0; i < 5000; ++i) {
    std::string name = std::to_string(i), next = "#/$defs/d";
    next += std::to_string(i + 1);
    chain["$defs"][name.insert(0, 1, 'd')] = {{"$ref", next}};
  }
  chain["$defs"]["d5000"] = json::object();
  chain["$ref"] = "#/$defs/d0";
  // A long $ref chain compiles (nothing recurses while compiling); applying it stops
  // at the evaluation limit with an error instead of exhausting the stack.
  auto errors = JsonSchema::compile(chain, "chain").validate(json(1));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].keyword, "$ref");
  EXPECT_NE(errors[0].message.find("nested more than"), std::string::npos) << errors[0].message;
}

TEST(JsonSchema, TreatsFormatAsAnAnnotationUnlessAsked) {
  const char* text = R"({"type": "object", "properties": {"when": {"format": "date-time"},
                        "mail": {"format": "email"}, "docs": {"format": "uri"}}})";
  const json bad = json::parse(R"({"when": "yesterday", "mail": "nobody", "docs": "not a uri"})");
  EXPECT_TRUE(compile(text).isValid(bad));
  JsonSchemaOptions assert;
  assert.assertFormats = true;
  auto strict = compile(text, assert);
  EXPECT_EQ(strict.validate(bad).size(), 3u);
  EXPECT_TRUE(strict.isValid(json::parse(
      R"({"when": "2024-02-29T12:00:00Z", "mail": "dev@example.org", "docs": "https://example.org/a?b#c"})")));
  EXPECT_FALSE(strict.isValid(json::parse(R"({"when": "2023-02-29T12:00:00Z"})")));
}

TEST(JsonSchema, IsSafeToShareBetweenCopies) {
  auto schema = compile(R"({"type": "string", "pattern": "^a"})");
  JsonSchema copy = schema;
  EXPECT_TRUE(copy.isValid(json("abc")));
  EXPECT_EQ(copy.name(), "test.schema.json");
}

}  // namespace
}  // namespace ddd::analyzers
