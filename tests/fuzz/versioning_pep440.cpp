// libFuzzer target for PEP 440 versions and specifier sets ("specifiers\nversion").
// Invariants for any input: no crash or hang; a version's canonical form parses to the
// same precedence and is canonical again; a specifier set either is valid or not, and
// admitting never throws; every range newRange() writes admits its target.

#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzers/dependencies/versioning/versioning.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddd::analyzers::deps;
  const Versioning& pep440 = *findVersioning("pep440");
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\n');
  const std::string specifiers = input.substr(0, split);
  const std::string version = split == std::string::npos ? "" : input.substr(split + 1);

  (void)pep440.classify(specifiers);
  (void)pep440.matches(version, specifiers);
  (void)pep440.minSatisfying({version, specifiers}, specifiers);
  if (auto canonical = pep440.canonical(version)) {
    if (pep440.compare(version, *canonical) != 0 || pep440.canonical(*canonical) != canonical) {
      __builtin_trap();
    }
    (void)pep440.isStable(version);
    if (pep440.isVersion(specifiers)) (void)pep440.updateType(specifiers, version);
    for (auto strategy :
         {RangeStrategy::Bump, RangeStrategy::Replace, RangeStrategy::Pin, RangeStrategy::Widen}) {
      if (auto written = pep440.newRange(specifiers, "", version, strategy)) {
        if (!pep440.matches(version, *written)) __builtin_trap();
      }
    }
  }
  return 0;
}
