#pragma once
// Go module pseudo-versions, beyond what the Versioning interface says: the three forms
//   vX.0.0-yyyymmddhhmmss-abcdefabcdef        (no tag before the commit)
//   vX.Y.Z-pre.0.yyyymmddhhmmss-abcdefabcdef  (after the pre-release tag vX.Y.Z-pre)
//   vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdefabcdef  (after the release tag vX.Y.Z)
// each optionally with "+incompatible". Pure functions; thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace ddd::analyzers::deps {

struct GoPseudoVersion {
  std::string base;       // the tag it builds on ("v1.2.3", "v1.2.4-pre"); "" for the first form
  std::string timestamp;  // "20210101000000" (UTC, yyyymmddhhmmss)
  std::string revision;   // the commit hash prefix, "abcdefabcdef"
};

// nullopt when `version` is not a pseudo-version.
std::optional<GoPseudoVersion> parseGoPseudoVersion(std::string_view version);

}  // namespace ddd::analyzers::deps
