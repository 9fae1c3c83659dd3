// libFuzzer target for the dead-code analyzer's Python tokenizer and pass. The input is
// one Python file. Tokens must be in order, inside the text, Indent/Dedent balanced and
// closed by one End; the pass (on a tree holding the file in a package, next to a
// manifest) must not crash, and every removal it proposes must lie inside its file.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/deadcode/language.h"
#include "analyzers/deadcode/python_lexer.h"
#include "analyzers/source_tree.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddd::analyzers;
  using deadcode::python::TokenKind;
  // A heap copy of exactly the file bytes, so ASan sees any read past its end.
  const std::vector<char> file(data, data + size);
  const std::string_view text(file.data(), file.size());

  const deadcode::python::LexResult lexed = deadcode::python::lex(text);
  if (lexed.tokens.empty() || lexed.tokens.back().kind != TokenKind::End) __builtin_trap();
  long indents = 0;
  uint32_t previousBegin = 0;
  for (const auto& t : lexed.tokens) {
    if (t.begin > t.end || t.end > text.size() || t.begin < previousBegin) __builtin_trap();
    previousBegin = t.begin;
    if (t.kind == TokenKind::Indent) ++indents;
    if (t.kind == TokenKind::Dedent && --indents < 0) __builtin_trap();
    if (t.kind == TokenKind::String || t.kind == TokenKind::FString) {
      const std::string_view body = deadcode::python::stringBody(text, t);
      if (!body.empty() && (body.data() < text.data() || body.data() + body.size() > text.data() + text.size()))
        __builtin_trap();
      if (t.kind == TokenKind::FString) (void)deadcode::python::lex(deadcode::python::fieldCode(body));
    }
  }
  if (indents != 0) __builtin_trap();

  const std::string content(text);
  MemorySourceTree tree({{"pkg/__init__.py", "from . import mod\n"},
                         {"pkg/mod.py", content},
                         {"requirements.txt", content},
                         {"pyproject.toml", content}},
                        ScanLimits{1 << 20, 1});
  const deadcode::PassResult result = deadcode::analyzePython(tree, {});
  for (const deadcode::Candidate& c : result.candidates) {
    if (!c.removal || c.removal->deleteFile) continue;
    const std::size_t limit = c.removal->path == "pkg/__init__.py" ? 18 : content.size();
    if (c.removal->offset + c.removal->length > limit) __builtin_trap();
  }
  return 0;
}
