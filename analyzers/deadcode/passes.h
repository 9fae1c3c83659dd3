#pragma once
// The table of per-language dead-code passes (language.h), in the order they run. A
// language joins by adding one line to passes.cpp.

#include <vector>

#include "analyzers/deadcode/language.h"

namespace ddd::analyzers::deadcode {

struct Pass {
  const char* language;  // "javascript" (covers TypeScript), "python", "go"
  PassResult (*run)(const SourceTree& tree, const DeadcodeOptions& options);
};

const std::vector<Pass>& passes();

}  // namespace ddd::analyzers::deadcode
