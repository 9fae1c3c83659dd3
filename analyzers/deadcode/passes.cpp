#include "analyzers/deadcode/passes.h"

namespace ddd::analyzers::deadcode {

const std::vector<Pass>& passes() {
  static const std::vector<Pass> table = {
      {"javascript", &analyzeJavaScript},
  };
  return table;
}

}  // namespace ddd::analyzers::deadcode
