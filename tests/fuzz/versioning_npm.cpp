// libFuzzer target for SemVer parsing and npm ranges: no crash, no hang, and the
// invariants that must hold for any input — a parsed version prints to text that parses
// back to an equal version; a range's normal form parses to the same normal form and
// admits the same versions; a range never admits a version and rejects it at once; a
// range the npm scheme's newRange() writes admits the version it was written for.

#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzers/dependencies/versioning/semver.h"
#include "analyzers/dependencies/versioning/versioning.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddd::analyzers::deps;
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\n');
  const std::string rangeText = input.substr(0, split);
  const std::string versionText = split == std::string::npos ? "" : input.substr(split + 1);

  if (auto v = parseSemVer(versionText)) {
    auto again = parseSemVer(v->toString());
    if (!again || compareSemVer(*v, *again) != 0) __builtin_trap();
  }
  for (bool pre : {false, true}) {
    auto r = NpmRange::parse(rangeText, pre);
    if (!r) continue;
    if (r->toString().size() > (1u << 16)) continue;  // beyond the input limit
    auto normal = NpmRange::parse(r->toString(), pre);
    if (!normal || normal->toString() != r->toString()) __builtin_trap();
    if (auto v = parseSemVer(versionText)) {
      if (r->satisfiedBy(*v) != normal->satisfiedBy(*v)) __builtin_trap();
    }
  }
  // Through the plug-in interface: every range newRange() writes admits its target.
  const Versioning& npm = *findVersioning("npm");
  (void)npm.classify(rangeText);
  if (npm.isVersion(versionText)) {
    for (auto strategy :
         {RangeStrategy::Bump, RangeStrategy::Replace, RangeStrategy::Pin, RangeStrategy::Widen}) {
      if (auto written = npm.newRange(rangeText, "", versionText, strategy)) {
        if (!npm.matches(versionText, *written)) __builtin_trap();
      }
    }
  }
  return 0;
}
