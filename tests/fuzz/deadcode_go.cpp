// libFuzzer target for the dead-code analyzer's Go lexer and pass. The input is one Go
// file. Tokens must be in order and inside the text, closed by one End; the pass (on a
// tree holding the file twice, in an internal package and next to a test) must not
// crash, and every removal it proposes must lie inside its file.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/deadcode/go_lexer.h"
#include "analyzers/deadcode/language.h"
#include "analyzers/source_tree.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddd::analyzers;
  using deadcode::golang::TokenKind;
  // A heap copy of exactly the file bytes, so ASan sees any read past its end.
  const std::vector<char> file(data, data + size);
  const std::string_view text(file.data(), file.size());

  const deadcode::golang::LexResult lexed = deadcode::golang::lex(text);
  if (lexed.tokens.empty() || lexed.tokens.back().kind != TokenKind::End) __builtin_trap();
  uint32_t previousEnd = 0;
  for (const auto& t : lexed.tokens) {
    if (t.begin > t.end || t.end > text.size() || t.begin < previousEnd) __builtin_trap();
    previousEnd = t.end;
  }

  const std::string content(text);
  MemorySourceTree tree({{"internal/p/p.go", content},
                         {"internal/p/p_test.go", content},
                         {"internal/p/p_amd64.s", content}},
                        ScanLimits{1 << 20, 1});
  const deadcode::PassResult result = deadcode::analyzeGo(tree, {});
  for (const deadcode::Candidate& c : result.candidates) {
    if (c.removal && c.removal->offset + c.removal->length > content.size()) __builtin_trap();
  }
  return 0;
}
