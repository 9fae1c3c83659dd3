#include "analyzers/deadcode/register.h"

#include <memory>

#include "analyzers/analyzer.h"
#include "analyzers/deadcode/analyzer.h"

namespace ddd::analyzers {

void registerDeadcodeAnalyzer() {
  if (findAnalyzer("deadcode") != nullptr) return;
  deadcode::DeadcodeAnalyzer prototype;
  registerAnalyzer({prototype.name(), prototype.description(),
                    [] { return std::make_unique<deadcode::DeadcodeAnalyzer>(); }});
}

}  // namespace ddd::analyzers
