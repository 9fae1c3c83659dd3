#pragma once
// The one-pass packument reader (npm_packument.cpp): what parseNpmPackument() gives
// without lock entries, read in one walk over the bytes, whole or as they stream in.

#include <ctime>
#include <istream>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analyzers/dependencies/datasources/datasource.h"

namespace ddd::analyzers::deps {

// parseNpmPackument() without lock entries reads the packument in one pass over its bytes
// (npm_packument.cpp); this is the same through nlohmann's SAX parser, the reader it
// replaced, kept as the reference tests, the fuzz target and the benchmark compare with.
// With `lockEntries`, the filtered document the lock-entry reading used before.
ReleaseInfo parseNpmPackumentReference(std::string_view body, const std::string& what,
                                       bool lockEntries = false);
ReleaseInfo parseNpmPackumentReference(std::istream& body, const std::string& what,
                                       bool lockEntries = false);

namespace detail {

// The manifest fields a package-lock.json entry copies from a version (npm's arborist
// keeps these in lock entries), apart from version/resolved/integrity.
inline bool isLockField(std::string_view key) {
  return key == "dependencies" || key == "optionalDependencies" || key == "peerDependencies" ||
         key == "peerDependenciesMeta" || key == "bin" || key == "engines" || key == "os" ||
         key == "cpu" || key == "license" || key == "funding";
}
inline bool isInstallScript(std::string_view key) {
  return key == "preinstall" || key == "install" || key == "postinstall";
}

// One version as both readers collect it.
struct PackumentVersion {
  Release release;
  std::string repository;  // its own repository URL (used when the top level has none)
};

// The release list both readers end with: versions in order, each with its `time` entry;
// the latest tag's deprecation and repository (when the top level names none).
ReleaseInfo assembleReleases(std::vector<PackumentVersion>& versions,
                             const std::unordered_map<std::string, std::time_t>& times,
                             std::map<std::string, std::string>& tags,
                             const std::string& topRepository, std::string& homepage);

// `size`: what the "not a JSON object" error adds after `what` (" (N bytes)" or "").
// `lockEntries`: also each version's Release::lockMetadata and dist.tarball.
ReleaseInfo scanNpmPackument(std::string_view body, const std::string& what,
                             const std::string& size, bool lockEntries = false);
ReleaseInfo scanNpmPackument(std::istream& body, const std::string& what,
                             const std::string& size, bool lockEntries = false);

}  // namespace detail
}  // namespace ddd::analyzers::deps
