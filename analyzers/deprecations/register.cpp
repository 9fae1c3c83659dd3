#include "analyzers/deprecations/register.h"

#include <memory>

#include "analyzers/analyzer.h"
#include "analyzers/deprecations/analyzer.h"

namespace ddd::analyzers {

void registerDeprecationsAnalyzer() {
  if (findAnalyzer("deprecations") != nullptr) return;
  deprecations::DeprecationsAnalyzer prototype;
  registerAnalyzer({prototype.name(), prototype.description(),
                    [] { return std::make_unique<deprecations::DeprecationsAnalyzer>(); }});
}

}  // namespace ddd::analyzers
