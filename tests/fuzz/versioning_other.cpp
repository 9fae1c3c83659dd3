// libFuzzer target for the go, cargo, docker, semver, helm and helm-oci versioning schemes
// through the Versioning interface. The first byte picks the scheme (4: helm, 5: helm-oci,
// else modulo 4); the rest is "range\nversion".
// Invariants for any input: no crash or hang; a version's canonical form is a version of
// the same precedence and canonical again; compare is antisymmetric; an exact version
// admits itself; every range newRange() writes admits the target it was written for.

#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzers/dependencies/versioning/versioning.h"

namespace {

using namespace ddd::analyzers::deps;

void checkScheme(const Versioning& s, const std::string& range, const std::string& version) {
  (void)s.classify(range);
  (void)s.isValid(range);
  (void)s.matches(version, range);
  (void)s.maxSatisfying({version, range}, range);
  if (s.isVersion(version)) {
    const auto canonical = s.canonical(version);
    if (!canonical || !s.isVersion(*canonical) || s.compare(version, *canonical) != 0 ||
        s.canonical(*canonical) != canonical) {
      __builtin_trap();
    }
    if (s.isValid(version) && !s.matches(version, version)) __builtin_trap();
    if (s.isVersion(range)) {
      const int ab = s.compare(version, range), ba = s.compare(range, version);
      if ((ab > 0) != (ba < 0) || (ab == 0) != (ba == 0)) __builtin_trap();
      (void)s.updateType(range, version);
      (void)s.isCompatible(range, version);
    }
    for (auto strategy :
         {RangeStrategy::Bump, RangeStrategy::Replace, RangeStrategy::Pin, RangeStrategy::Widen}) {
      if (auto written = s.newRange(range, "", version, strategy)) {
        if (!s.matches(version, *written)) __builtin_trap();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* kSchemes[] = {"go", "cargo", "docker", "semver"};
  const Versioning* scheme = findVersioning(data[0] == 4   ? "helm"
                                             : data[0] == 5 ? "helm-oci"
                                                            : kSchemes[data[0] % 4]);
  const std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t split = input.find('\n');
  const std::string range = input.substr(0, split);
  const std::string version = split == std::string::npos ? "" : input.substr(split + 1);
  checkScheme(*scheme, range, version);
  return 0;
}
