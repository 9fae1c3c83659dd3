// The JS/TS tokenizer and the per-module scanner of the dead-code pass.

#include <gtest/gtest.h>

#include "analyzers/deadcode/js_lexer.h"
#include "analyzers/deadcode/js_module.h"

namespace ddd::analyzers::deadcode {
namespace {

std::vector<std::string> specifiers(const JsModuleInfo& info) {
  std::vector<std::string> out;
  for (const auto& im : info.imports) out.push_back(im.specifier);
  return out;
}

TEST(DeadcodeLexer, RegexVersusDivision) {
  const std::string text = "const a = b / c / d;\nconst r = /['\"`]import x from 'y'/g;\nif (x) /re/.test(s);\nconst q = (1) / 2;\n";
  const JsLexResult r = lexJs(text, false);
  EXPECT_EQ(r.errors, 0u) << r.firstError;
  size_t regexes = 0, divisions = 0;
  for (const auto& t : r.tokens) {
    if (t.kind == JsTokenKind::Regex) ++regexes;
    if (t.kind == JsTokenKind::Punct && tokenText(text, t) == "/") ++divisions;
  }
  EXPECT_EQ(regexes, 1u);  // `if (x) /re/` reads as division, like a parser without context would
  EXPECT_GE(divisions, 3u);
  EXPECT_TRUE(scanJsModule(text, false).imports.empty());
}

TEST(DeadcodeLexer, StringsCommentsAndTemplatesHideImports) {
  const std::string text =
      "// import a from 'comment'\n/* require('block') */\nconst s = \"import b from 'string'\";\n"
      "const t = `import c from 'tpl' ${ import('./real-dynamic') } and ${ `nested ${require('./nested')}` }`;\n"
      "import real from './real';\n";
  const JsModuleInfo info = scanJsModule(text, false);
  EXPECT_EQ(info.lexErrors, 0u) << info.firstLexError;
  EXPECT_EQ(specifiers(info), (std::vector<std::string>{"./real-dynamic", "./nested", "./real"}));
}

TEST(DeadcodeLexer, JsxTextWithApostrophesAndComponentReferences) {
  const std::string text =
      "import { Button } from './Button';\nimport * as ui from './ui';\n"
      "export const App = () => (\n  <div className=\"x\">\n    Don't panic, it's fine {/* comment */}\n"
      "    <Button onClick={() => go('/home')} label='ok' />\n    <ui.Card>{items.map((i) => <li key={i}>{i}</li>)}</ui.Card>\n"
      "  </div>\n);\nconst later = import('./later');\n";
  const JsModuleInfo info = scanJsModule(text, true);
  EXPECT_EQ(info.lexErrors, 0u) << info.firstLexError;
  EXPECT_EQ(specifiers(info), (std::vector<std::string>{"./Button", "./ui", "./later"}));
  EXPECT_GE(info.references.at("Button"), 1u);
  EXPECT_TRUE(info.namespaceMembers.at("ui").count("Card"));
}

TEST(DeadcodeLexer, TypeScriptGenericsAreNotJsx) {
  const std::string text = "const id = <T,>(x: T) => x;\nconst n = a < b && c > d;\nimport { z } from './z';\n";
  const JsModuleInfo info = scanJsModule(text, true);
  EXPECT_EQ(specifiers(info), (std::vector<std::string>{"./z"}));
}

TEST(DeadcodeLexer, ImportAndExportForms) {
  const std::string text =
      "import def, { a, b as c, type T } from './one';\nimport * as ns from './two';\nimport './side';\n"
      "import type { U } from './types';\nimport eq = require('./eq');\nconst { r1, r2: alias } = require('./req');\n"
      "const whole = require('./whole');\nexport * from './star';\nexport * as grouped from './grouped';\n"
      "export { x as y } from './re';\nexport async function f() {}\nexport default class K {}\n"
      "export const enum E { A }\nexport abstract class Abs {}\nexport declare const d: number;\n"
      "export type Alias = string;\nexport interface I { a: string }\nexport let l1 = 1;\n"
      "jest.mock('./mocked');\nconst u = new URL('./asset.wasm', import.meta.url);\nconst m = require.resolve('./res');\n";
  const JsModuleInfo info = scanJsModule(text, false);
  EXPECT_EQ(specifiers(info),
            (std::vector<std::string>{"./one", "./two", "./side", "./types", "./eq", "./req", "./whole", "./star",
                                      "./grouped", "./re", "./mocked", "./asset.wasm", "./res"}));
  ASSERT_EQ(info.imports[0].names.size(), 4u);
  EXPECT_EQ(info.imports[0].names[0], (std::pair<std::string, std::string>{"default", "def"}));
  EXPECT_EQ(info.imports[0].names[2], (std::pair<std::string, std::string>{"b", "c"}));
  EXPECT_EQ(info.imports[1].namespaceLocal, "ns");
  EXPECT_EQ(info.imports[5].names.size(), 2u);
  EXPECT_EQ(info.imports[6].namespaceLocal, "whole");
  EXPECT_TRUE(info.imports[7].star);
  std::vector<std::string> exported;
  for (const auto& e : info.exports) exported.push_back(e.name + ":" + e.symbolKind);
  EXPECT_EQ(exported, (std::vector<std::string>{"grouped:namespace", "y:reexport", "f:function", "default:class",
                                                "E:enum", "Abs:class", "d:const", "Alias:type", "I:interface",
                                                "l1:let"}));
  EXPECT_FALSE(info.commonJs);
}

TEST(DeadcodeLexer, CommonJsAndComputedRequires) {
  const JsModuleInfo info = scanJsModule("const p = require(name);\nmodule.exports = { a };\nimport(`${x}.js`);\n", false);
  EXPECT_TRUE(info.commonJs);
  EXPECT_EQ(info.nonLiteralDynamic, (std::vector<uint32_t>{1, 3}));
}

TEST(DeadcodeLexer, UnterminatedInputIsCountedNotFatal) {
  for (const char* text : {"const s = 'abc", "const t = `abc ${ x", "/* never closed", "<div>{", "a = /[/",
                           "<A b=<A b=<A b=", "${", "`${`${`${"}) {
    const JsModuleInfo info = scanJsModule(text, true);
    (void)info;
  }
  EXPECT_GE(scanJsModule("const s = 'abc", false).lexErrors, 1u);
  EXPECT_EQ(scanJsModule("const s = 'abc", false).firstLexError, "line 1: unterminated string");
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "`${";
  EXPECT_GE(scanJsModule(deep, true).lexErrors, 1u);
  std::string jsx;
  for (int i = 0; i < 5000; ++i) jsx += "<a>";
  EXPECT_GE(scanJsModule("x = " + jsx, true).lexErrors, 1u);
}

TEST(DeadcodeLexer, LineIndex) {
  const LineIndex idx("ab\ncd\n\nef");
  EXPECT_EQ(idx.line(0), 1u);
  EXPECT_EQ(idx.line(3), 2u);
  EXPECT_EQ(idx.column(4), 2u);
  EXPECT_EQ(idx.line(7), 4u);
}

}  // namespace
}  // namespace ddd::analyzers::deadcode
