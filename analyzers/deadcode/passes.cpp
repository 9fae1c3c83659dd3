#include "analyzers/deadcode/passes.h"

namespace ddd::analyzers::deadcode {

const std::vector<Pass>& passes() {
  static const std::vector<Pass> table = {
      {"javascript", &analyzeJavaScript},
      {"python", &analyzePython},
      {"go", &analyzeGo},
  };
  return table;
}

}  // namespace ddd::analyzers::deadcode
