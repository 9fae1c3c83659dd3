// The Go pass of the dead-code analyzer and its lexer, on small real trees.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "analyzers/deadcode/go_lexer.h"
#include "analyzers/deadcode/analyzer.h"
#include "analyzers/deadcode/language.h"
#include "analyzers/source_tree.h"
#include "tests/support/test_repo.h"

namespace ddd::analyzers::deadcode {
namespace {

using Files = std::map<std::string, std::string>;

PassResult analyze(const Files& files, const DeadcodeOptions& options = {}) {
  MemorySourceTree tree(files);
  return analyzeGo(tree, options);
}

const Candidate* find(const PassResult& r, const std::string& name) {
  for (const Candidate& c : r.candidates)
    if (c.name == name) return &c;
  return nullptr;
}

std::vector<std::string> names(const PassResult& r) {
  std::vector<std::string> out;
  for (const Candidate& c : r.candidates) out.push_back(c.name);
  return out;
}

std::string applyRemoval(const std::string& text, const Removal& r) {
  return text.substr(0, r.offset) + r.replacement + text.substr(r.offset + r.length);
}

TEST(DeadcodeGoLexer, StringsRunesCommentsAndDepth) {
  const std::string code =
      "package p // c1\n"
      "/* block\n comment */ var s = `raw\n\"x\"` + \"a\\\"b\" + string('\\'')\n"
      "func f(x []int) { _ = x[0] }\n";
  const golang::LexResult r = golang::lex(code);
  EXPECT_TRUE(r.error.empty()) << r.error;
  std::vector<std::string> texts;
  for (const golang::Token& t : r.tokens) texts.push_back(code.substr(t.begin, t.end - t.begin));
  EXPECT_EQ(texts[2], "// c1");
  EXPECT_EQ(texts[3], "/* block\n comment */");
  EXPECT_EQ(texts[7], "`raw\n\"x\"`");
  EXPECT_EQ(r.tokens[7].kind, golang::TokenKind::RawString);
  EXPECT_EQ(texts[9], "\"a\\\"b\"");
  EXPECT_EQ(texts[13], "'\\''");
  EXPECT_EQ(r.tokens[13].kind, golang::TokenKind::Rune);
  EXPECT_EQ(texts[15], "func");
  EXPECT_EQ(r.tokens[15].line, 5u);
  // `x` inside f's parameter list and body sits at depth 1, the index inside x[0] at 2.
  EXPECT_EQ(texts[18], "x");
  EXPECT_EQ(r.tokens[18].depth, 1u);
  EXPECT_EQ(texts[26], "x");
  EXPECT_EQ(r.tokens[26].depth, 1u);
  EXPECT_EQ(texts[28], "0");
  EXPECT_EQ(r.tokens[28].depth, 2u);
  EXPECT_EQ(r.tokens.back().kind, golang::TokenKind::End);
}

TEST(DeadcodeGoLexer, MalformedInputReportsTheFirstProblem) {
  EXPECT_EQ(golang::lex("package p\nvar s = \"open\n").error, "line 2: unterminated string");
  EXPECT_EQ(golang::lex("package p\n/* open").error, "line 2: unterminated comment");
  EXPECT_EQ(golang::lex("func f() {\n").error, "line 2: unclosed bracket at the end of the file");
  EXPECT_EQ(golang::lex("x := `raw").error, "line 1: unterminated raw string");
}

TEST(DeadcodeGo, UnexportedSymbolsWithNoReferenceInTheirPackage) {
  const std::string util =
      "package util\n"
      "\n"
      "import (\n\t\"errors\"\n\t\"fmt\"\n)\n"
      "\n"
      "// helper is used by the tests only.\n"
      "func helper() int { return 1 }\n"
      "\n"
      "// unusedRecursive calls itself and nothing else calls it.\n"
      "// It spans two comment lines.\n"
      "func unusedRecursive(n int) int {\n"
      "\tif n == 0 {\n"
      "\t\treturn 0\n"
      "\t}\n"
      "\treturn unusedRecursive(n - 1)\n"
      "}\n"
      "\n"
      "func Public() { fmt.Println(tagged(), count) }\n"
      "\n"
      "type node struct{ next *node }\n"
      "\n"
      "type used struct{}\n"
      "\n"
      "func (u *used) method(param int) {}\n"
      "\n"
      "const (\n"
      "\tfirst = iota\n"
      "\tsecond\n"
      ")\n"
      "\n"
      "var count = first\n"
      "var registered = register()\n"
      "var errUnused = errors.New(\"unused\")\n"
      "\n"
      "func register() bool { var x used; x.method(0); return true }\n";
  const PassResult r = analyze({
      {"go.mod", "module example.com/m\n"},
      {"util/util.go", util},
      {"util/util_test.go",
       "package util\nimport \"testing\"\nfunc TestHelper(t *testing.T) { helper() }\n"
       "func unusedTestHelper() {}\n"},
      {"util/tagged_linux.go", "//go:build linux\n\npackage util\n\nfunc tagged() int { return 2 }\n"},
      {"vendor/x/y.go", "package y\nfunc vendored() {}\n"},
  });
  EXPECT_EQ(names(r), (std::vector<std::string>{"unusedRecursive", "node", "second", "registered",
                                                "errUnused", "unusedTestHelper"}));
  // errors.New has no effect besides its value: the var can go.
  const Candidate* errUnused = find(r, "errUnused");
  ASSERT_NE(errUnused, nullptr);
  ASSERT_TRUE(errUnused->removal.has_value());
  EXPECT_EQ(util.substr(errUnused->removal->offset, errUnused->removal->length),
            "var errUnused = errors.New(\"unused\")\n");
  const Candidate* rec = find(r, "unusedRecursive");
  ASSERT_NE(rec, nullptr);
  EXPECT_EQ(rec->kind, Kind::UnusedSymbol);
  EXPECT_EQ(rec->symbolKind, "function");
  EXPECT_EQ(rec->line, 13u);
  EXPECT_EQ(rec->column, 6u);
  EXPECT_GE(rec->confidence, 0.9);
  EXPECT_EQ(rec->evidence[1], "no references in the 3 Go files of its package (tests and all build tags included)");
  ASSERT_TRUE(rec->removal.has_value());
  const std::string once = applyRemoval(util, *rec->removal);
  EXPECT_EQ(once.find("unusedRecursive"), std::string::npos);
  EXPECT_NE(once.find("return 1 }\n\nfunc Public()"), std::string::npos);

  const Candidate* node = find(r, "node");
  ASSERT_NE(node, nullptr);
  ASSERT_TRUE(node->removal.has_value());
  EXPECT_NE(applyRemoval(util, *node->removal).find("func Public() { fmt.Println(tagged(), count) }\n\ntype used"),
            std::string::npos);
  // iota groups: reported, never edited (deleting a spec would renumber the others).
  const Candidate* second = find(r, "second");
  ASSERT_NE(second, nullptr);
  EXPECT_FALSE(second->removal.has_value());
  // A call in the initializer: removing the var would drop it.
  const Candidate* registered = find(r, "registered");
  ASSERT_NE(registered, nullptr);
  EXPECT_FALSE(registered->removal.has_value());
  EXPECT_LT(registered->confidence, 0.85);
  EXPECT_EQ(r.stats.files, 3u);
}

TEST(DeadcodeGo, RootsAreNeverReported) {
  const PassResult r = analyze({
      {"cmd/tool/main.go",
       "package main\n"
       "import _ \"embed\"\n"
       "import \"C\"\n"
       "//go:embed banner.txt\n"
       "var banner string\n"
       "//export callback\n"
       "func callback() {}\n"
       "//go:linkname nanotime runtime.nanotime\n"
       "func nanotime() int64\n"
       "func fastAdd(a, b int) int\n"
       "func init() {}\n"
       "func main() {}\n"},
      {"cmd/tool/add_amd64.s", "TEXT \xc2\xb7" "asmOnly(SB),$0\n"},
      {"cmd/tool/asm.go", "package main\nfunc asmOnly() {}\n"},
      {"lib/lib_test.go", "package lib\nfunc BenchmarkX(b *B) {}\nfunc ExampleY() {}\nfunc FuzzZ() {}\nfunc TestMain() {}\n"},
  });
  EXPECT_EQ(names(r), std::vector<std::string>{});
  EXPECT_EQ(r.stats.entries, (std::vector<std::string>{"cmd/tool (package main)"}));
}

TEST(DeadcodeGo, ExportedIdentifiersOfInternalPackages) {
  const PassResult r = analyze({
      {"go.mod", "module example.com/m\n"},
      {"internal/text/text.go",
       "package text\n"
       "import \"reflect\"\n"
       "func Used() {}\n"
       "func Unused() { _ = reflect.TypeOf(0) }\n"
       "type T struct{}\n"
       "func (T) Method() {}\n"},
      {"pkg/api/api.go", "package api\nfunc Exported() {}\n"},
      {"main.go", "package main\nimport \"example.com/m/internal/text\"\nfunc main() { text.Used(); _ = text.T{} }\n"},
  });
  EXPECT_EQ(names(r), (std::vector<std::string>{"Unused"}));
  const Candidate* c = find(r, "Unused");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, Kind::UnusedExport);
  EXPECT_LT(c->confidence, 0.75);  // reflect in the package
  EXPECT_FALSE(c->removal.has_value());
  ASSERT_FALSE(c->doubts.empty());
}

TEST(DeadcodeGo, GeneratedBrokenAndNonUtf8Files) {
  const PassResult r = analyze({
      {"p/gen.go", "// Code generated by stringer; DO NOT EDIT.\n\npackage p\nfunc generatedOnly() {}\n"},
      {"p/broken.go", "package p\nfunc broken( {\nvar s = \"open\n"},
      {"p/latin1.go", "package p\n// caf\xe9\nfunc latin() {}\n"},
      {"p/binary.go", std::string("package p\0\0", 11)},
  });
  EXPECT_EQ(r.stats.skippedGenerated, 1u);
  EXPECT_EQ(r.stats.parseErrors, 1u);
  EXPECT_EQ(r.stats.skippedHuge, 1u);
  EXPECT_EQ(find(r, "generatedOnly"), nullptr);
  const Candidate* latin = find(r, "latin");
  ASSERT_NE(latin, nullptr);
  EXPECT_FALSE(latin->removal.has_value());
  for (const Candidate& c : r.candidates) EXPECT_FALSE(c.removal.has_value()) << c.name;
}

TEST(DeadcodeGo, ReadsAGitCommitAndHonoursIgnoreOptions) {
  testing::TestRepo repo;
  const git::Oid commit = repo.commit({
      {"go.mod", "module example.com/m\n"},
      {"a/a.go", "package a\nfunc keepMe() {}\nfunc dropMe() {}\n"},
      {"b/b.go", "package b\nfunc other() {}\n"},
  });
  GitSourceTree tree(repo.path(), commit, ScanLimits{});
  DeadcodeOptions options;
  options.ignoreNames = {"keep*"};
  options.ignorePaths = {"b/**"};
  const PassResult r = analyzeGo(tree, options);
  EXPECT_EQ(names(r), (std::vector<std::string>{"dropMe"}));
}

}  // namespace
}  // namespace ddd::analyzers::deadcode

// ---- through the analyzer ---------------------------------------------------------------------

namespace ddd::analyzers::deadcode {
namespace {

TEST(DeadcodeGoThroughTheAnalyzer, DeletesUnexportedFunctionsWithTheirDocComment) {
  testing::TestRepo repo;
  const std::string file =
      "package util\n"
      "\n"
      "// Used by main.\n"
      "func Used() int { return 1 }\n"
      "\n"
      "// old is what Used replaced.\n"
      "func old() int { return 0 }\n";
  const git::Oid commit = repo.commit({
      {"go.mod", "module example.com/m\n"},
      {"util/util.go", file},
      {"main.go", "package main\nimport \"example.com/m/util\"\nfunc main() { util.Used() }\n"},
  });
  GitSourceTree tree(repo.path(), commit, ScanLimits{});
  DeadcodeAnalyzer analyzer;
  const AnalysisResult result = analyzer.run(tree, AnalyzerContext{});
  const ProposedChange* code = nullptr;
  for (const ProposedChange& c : result.changes)
    if (c.id == "deadcode/go-unused-code") code = &c;
  ASSERT_NE(code, nullptr);
  ASSERT_EQ(code->edits.size(), 1u);
  ASSERT_TRUE(code->edits[0].newContent.has_value());
  EXPECT_EQ(*code->edits[0].newContent, "package util\n\n// Used by main.\nfunc Used() int { return 1 }\n");
}

}  // namespace
}  // namespace ddd::analyzers::deadcode
