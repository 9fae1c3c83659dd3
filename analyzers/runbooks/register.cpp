#include "analyzers/runbooks/register.h"

#include <memory>

#include "analyzers/analyzer.h"
#include "analyzers/runbooks/analyzer.h"

namespace ddd::analyzers {

void registerRunbooksAnalyzer() {
  if (findAnalyzer("runbooks") != nullptr) return;
  runbooks::RunbooksAnalyzer prototype;
  registerAnalyzer({prototype.name(), prototype.description(),
                    [] { return std::make_unique<runbooks::RunbooksAnalyzer>(); }});
}

}  // namespace ddd::analyzers
