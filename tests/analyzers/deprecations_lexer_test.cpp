// The per-language comment/string lexers of the deprecations analyzer.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyzers/deprecations/lexer.h"

namespace ddd::analyzers::deprecations {
namespace {

// "comment", "string" or "code" for the first byte of the first occurrence of `needle`.
std::string kindAt(Language language, const std::string& text, const std::string& needle) {
  const std::size_t at = text.find(needle);
  if (at == std::string::npos) return "needle not found: " + needle;
  std::vector<Region> regions;
  lexRegions(language, text, regions);
  const Region* r = regionAt(regions, at);
  if (r == nullptr) return "code";
  return r->kind == RegionKind::Comment ? "comment" : "string";
}

// Regions are non-empty, inside the text, sorted and disjoint.
::testing::AssertionResult wellFormed(const std::vector<Region>& regions, std::size_t size) {
  std::size_t previousEnd = 0;
  for (const Region& r : regions) {
    if (r.begin >= r.end || r.end > size || r.begin < previousEnd) {
      return ::testing::AssertionFailure() << "region [" << r.begin << ", " << r.end
                                           << ") after " << previousEnd << " in " << size
                                           << " bytes";
    }
    previousEnd = r.end;
  }
  return ::testing::AssertionSuccess();
}

TEST(DeprecationsLexer, PythonCommentsStringsAndPrefixes) {
  const std::string code =
      "import datetime  # utcnow() in a comment\n"
      "a = \"datetime.utcnow() in a string # not a comment\"\n"
      "b = r'\\d+ raw' + rb\"bytes\" + f\"{name} formatted\"\n"
      "c = '''triple\n"
      "spanning utcnow lines'''\n"
      "d = 'it\\'s escaped'; after_escape = 1\n"
      "variable_r = 2  # identifier ending in r is no prefix\n";
  EXPECT_EQ(kindAt(Language::Python, code, "utcnow() in a comment"), "comment");
  EXPECT_EQ(kindAt(Language::Python, code, "datetime.utcnow() in a string"), "string");
  EXPECT_EQ(kindAt(Language::Python, code, "# not a comment"), "string");
  EXPECT_EQ(kindAt(Language::Python, code, "raw'"), "string");
  EXPECT_EQ(kindAt(Language::Python, code, "rb\"bytes"), "string");
  EXPECT_EQ(kindAt(Language::Python, code, "{name} formatted"), "string");
  EXPECT_EQ(kindAt(Language::Python, code, "spanning utcnow"), "string");
  EXPECT_EQ(kindAt(Language::Python, code, "after_escape"), "code");
  EXPECT_EQ(kindAt(Language::Python, code, "variable_r"), "code");
  EXPECT_EQ(kindAt(Language::Python, code, "import"), "code");
}

TEST(DeprecationsLexer, PythonTripleQuotesWithEmbeddedQuotes) {
  const std::string code =
      "doc = \"\"\"She said \"hi\" and ''' here\"\"\"\nafter = datetime.utcnow()\n";
  EXPECT_EQ(kindAt(Language::Python, code, "She said"), "string");
  EXPECT_EQ(kindAt(Language::Python, code, "''' here"), "string");
  EXPECT_EQ(kindAt(Language::Python, code, "after"), "code");
}

TEST(DeprecationsLexer, PythonUnterminatedInput) {
  // A single-quoted string ends at its line; a triple-quoted one runs to the end.
  const std::string line = "x = 'unterminated\ny = datetime.utcnow()\n";
  EXPECT_EQ(kindAt(Language::Python, line, "unterminated"), "string");
  EXPECT_EQ(kindAt(Language::Python, line, "y = "), "code");
  const std::string triple = "x = \"\"\"never closed\ny = datetime.utcnow()";
  EXPECT_EQ(kindAt(Language::Python, triple, "y = "), "string");
  const std::string trailingBackslash = "x = 'abc\\";
  std::vector<Region> regions;
  lexRegions(Language::Python, trailingBackslash, regions);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(regions[0].end, trailingBackslash.size());
}

TEST(DeprecationsLexer, JavaScriptTemplateLiteralsWithNestedExpressions) {
  const std::string code =
      "const a = `outer ${ fn(`inner ${ deep({k: 1}) } text`) } tail`;\n"
      "const b = x / 2; // division, then a comment\n"
      "const re = /[\"'`]/g; const c = 'str';\n"
      "/* block\n comment */ new Buffer(10);\n";
  EXPECT_EQ(kindAt(Language::JavaScript, code, "outer"), "string");
  EXPECT_EQ(kindAt(Language::JavaScript, code, "fn("), "code");
  EXPECT_EQ(kindAt(Language::JavaScript, code, "inner"), "string");
  EXPECT_EQ(kindAt(Language::JavaScript, code, "deep("), "code");
  EXPECT_EQ(kindAt(Language::JavaScript, code, "k: 1"), "code");
  EXPECT_EQ(kindAt(Language::JavaScript, code, " text"), "string");
  EXPECT_EQ(kindAt(Language::JavaScript, code, " tail"), "string");
  EXPECT_EQ(kindAt(Language::JavaScript, code, "const b"), "code");
  EXPECT_EQ(kindAt(Language::JavaScript, code, "division"), "comment");
  EXPECT_EQ(kindAt(Language::JavaScript, code, "[\"'`]"), "string");  // regex literal
  EXPECT_EQ(kindAt(Language::JavaScript, code, "const c"), "code");
  EXPECT_EQ(kindAt(Language::JavaScript, code, "'str'"), "string");
  EXPECT_EQ(kindAt(Language::JavaScript, code, "comment */"), "comment");
  EXPECT_EQ(kindAt(Language::JavaScript, code, "new Buffer"), "code");
}

TEST(DeprecationsLexer, TypeScriptUnterminatedTemplateRunsToTheEnd) {
  const std::string code = "const t = `open ${ value } still open\nnew Buffer(1)\n";
  EXPECT_EQ(kindAt(Language::TypeScript, code, "value"), "code");
  EXPECT_EQ(kindAt(Language::TypeScript, code, "new Buffer"), "string");
  const std::string openExpression = "const t = `a ${ b";
  std::vector<Region> regions;
  lexRegions(Language::TypeScript, openExpression, regions);
  EXPECT_TRUE(wellFormed(regions, openExpression.size()));
}

TEST(DeprecationsLexer, GoRawStringsRunesAndComments) {
  const std::string code =
      "package main\n"
      "// ioutil.ReadFile in a comment\n"
      "var q = `raw ioutil.ReadAll \"still raw\"\nsecond line`\n"
      "var r = '\\''\n"
      "var s = \"ioutil.ReadDir\" /* block */ + x\n"
      "data, _ := ioutil.ReadFile(p)\n";
  EXPECT_EQ(kindAt(Language::Go, code, "ioutil.ReadFile in"), "comment");
  EXPECT_EQ(kindAt(Language::Go, code, "raw ioutil"), "string");
  EXPECT_EQ(kindAt(Language::Go, code, "second line"), "string");
  EXPECT_EQ(kindAt(Language::Go, code, "var s"), "code");
  EXPECT_EQ(kindAt(Language::Go, code, "ioutil.ReadDir"), "string");
  EXPECT_EQ(kindAt(Language::Go, code, "block"), "comment");
  EXPECT_EQ(kindAt(Language::Go, code, "data, _"), "code");
}

TEST(DeprecationsLexer, CppRawStringsDigitSeparatorsAndContinuedComments) {
  const std::string code =
      "auto json = R\"js(std::auto_ptr<int> \")\" inside)js\";\n"
      "long big = 1'000'000; std::auto_ptr<int> p;\n"
      "char q = '\\''; auto w = L\"wide\"; auto u = u8\"utf8\";\n"
      "// a comment continued \\\n"
      "   std::random_shuffle(v.begin(), v.end());\n"
      "std::bind1st(f, 1);\n";
  EXPECT_EQ(kindAt(Language::Cpp, code, "std::auto_ptr<int> \""), "string");
  EXPECT_EQ(kindAt(Language::Cpp, code, "inside"), "string");
  EXPECT_EQ(kindAt(Language::Cpp, code, "long big"), "code");
  EXPECT_EQ(kindAt(Language::Cpp, code, "std::auto_ptr<int> p"), "code");
  EXPECT_EQ(kindAt(Language::Cpp, code, "auto w"), "code");
  EXPECT_EQ(kindAt(Language::Cpp, code, "wide"), "string");
  EXPECT_EQ(kindAt(Language::Cpp, code, "utf8\""), "string");
  EXPECT_EQ(kindAt(Language::Cpp, code, "std::random_shuffle"), "comment");
  EXPECT_EQ(kindAt(Language::Cpp, code, "std::bind1st"), "code");
}

TEST(DeprecationsLexer, CppUnterminatedRawStringAndBlockComment) {
  EXPECT_EQ(kindAt(Language::Cpp, "x = R\"d(open\nstd::auto_ptr<int> p;", "std::auto_ptr"),
            "string");
  EXPECT_EQ(kindAt(Language::Cpp, "/* open\nstd::auto_ptr<int> p;", "std::auto_ptr"), "comment");
  // A malformed raw-string delimiter is an ordinary string, ending at the line.
  EXPECT_EQ(kindAt(Language::Cpp, "x = R\"a b(c)a b\";\nstd::auto_ptr<int> p;", "std::auto_ptr"),
            "code");
}

TEST(DeprecationsLexer, YamlQuotedScalarsCommentsAndBlockScalars) {
  const std::string code =
      "name: \"CI # not a comment\"\n"
      "on: push  # trigger comment\n"
      "env:\n"
      "  MSG: it's a plain scalar with ::set-output inside\n"
      "  SINGLE: 'it''s ::save-state quoted'\n"
      "jobs:\n"
      "  build:\n"
      "    steps:\n"
      "      - run: |\n"
      "          echo \"::set-output name=a::b\"\n"
      "          # shell comment ::set-output\n"
      "          echo 'x'\n"
      "      - name: url#fragment stays code\n";
  EXPECT_EQ(kindAt(Language::Yaml, code, "CI # not"), "string");
  EXPECT_EQ(kindAt(Language::Yaml, code, "trigger comment"), "comment");
  EXPECT_EQ(kindAt(Language::Yaml, code, "::set-output inside"), "code");
  EXPECT_EQ(kindAt(Language::Yaml, code, "::save-state quoted"), "string");
  EXPECT_EQ(kindAt(Language::Yaml, code, "::set-output name=a"), "code");
  EXPECT_EQ(kindAt(Language::Yaml, code, "shell comment"), "comment");
  EXPECT_EQ(kindAt(Language::Yaml, code, "'x'"), "code");  // block scalar content is code
  EXPECT_EQ(kindAt(Language::Yaml, code, "#fragment"), "code");
}

TEST(DeprecationsLexer, YamlBlockScalarEndsAtASiblingKey) {
  const std::string code =
      "steps:\n"
      "  - run: >-\n"
      "      echo \"open\n"
      "    name: 'quoted after the block'\n";
  EXPECT_EQ(kindAt(Language::Yaml, code, "quoted after"), "string");
  EXPECT_EQ(kindAt(Language::Yaml, code, "name:"), "code");
}

TEST(DeprecationsLexer, DockerfileAndShell) {
  const std::string dockerfile =
      "# syntax=docker/dockerfile:1\n"
      "FROM debian:12\n"
      "MAINTAINER Jane O'Brien <jane@example.com>\n"
      "RUN echo \"MAINTAINER in a string\" # trailing comment\n"
      "LABEL maintainer=\"jane\"\n";
  EXPECT_EQ(kindAt(Language::Dockerfile, dockerfile, "syntax"), "comment");
  EXPECT_EQ(kindAt(Language::Dockerfile, dockerfile, "MAINTAINER Jane"), "code");
  // O'Brien opens a quote that ends with its line in a Dockerfile.
  EXPECT_EQ(kindAt(Language::Dockerfile, dockerfile, "RUN echo"), "code");
  EXPECT_EQ(kindAt(Language::Dockerfile, dockerfile, "MAINTAINER in"), "string");
  EXPECT_EQ(kindAt(Language::Dockerfile, dockerfile, "trailing"), "comment");

  const std::string shell =
      "#!/bin/sh\n"
      "echo don\\'t \"# not a comment\" ${#arr[@]} $# # real comment\n"
      "msg='multi\nline'; echo $'tab\\'s'\n"
      "echo \"::set-output name=x::y\"\n";
  EXPECT_EQ(kindAt(Language::Shell, shell, "/bin/sh"), "comment");
  EXPECT_EQ(kindAt(Language::Shell, shell, "don"), "code");
  EXPECT_EQ(kindAt(Language::Shell, shell, "# not a comment"), "string");
  EXPECT_EQ(kindAt(Language::Shell, shell, "arr[@]"), "code");
  EXPECT_EQ(kindAt(Language::Shell, shell, "real comment"), "comment");
  EXPECT_EQ(kindAt(Language::Shell, shell, "line'"), "string");
  EXPECT_EQ(kindAt(Language::Shell, shell, "s'\n"), "string");
  EXPECT_EQ(kindAt(Language::Shell, shell, "::set-output"), "string");
}

TEST(DeprecationsLexer, EveryPrefixOfEveryLanguageLexesWithinBounds) {
  const std::string sample =
      "#!x\n# c\n// c\n/* c */ 'a\\'b' \"c\\\"d\" `t ${ {x: `u ${v}`} } w` R\"d(r)d\" u8'q' "
      "'''p''' \"\"\"q\"\"\" r'x' 1'000 /re[/]/g x / y - |\n  block\nk: 'y''z' \"w\" $'e' "
      "\xff\xfe\x00\xc3 text\n";
  for (std::size_t l = 0; l < kLanguageCount; ++l) {
    for (std::size_t n = 0; n <= sample.size(); ++n) {
      const std::string prefix = sample.substr(0, n);
      std::vector<Region> regions;
      lexRegions(static_cast<Language>(l), prefix, regions);
      ASSERT_TRUE(wellFormed(regions, prefix.size()))
          << "language " << l << ", prefix of " << n << " bytes";
    }
  }
}

}  // namespace
}  // namespace ddd::analyzers::deprecations
