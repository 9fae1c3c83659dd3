#pragma once
// The one-pass packument reader (npm_packument.cpp): what parseNpmPackument() gives
// without lock entries, read in one walk over the bytes, whole or as they stream in.

#include <istream>
#include <string>
#include <string_view>

#include "analyzers/dependencies/datasources/datasource.h"

namespace ddd::analyzers::deps {

// parseNpmPackument() without lock entries reads the packument in one pass over its bytes
// (npm_packument.cpp); this is the same through nlohmann's SAX parser, the reader it
// replaced, kept as the reference tests, the fuzz target and the benchmark compare with.
ReleaseInfo parseNpmPackumentReference(std::string_view body, const std::string& what);
ReleaseInfo parseNpmPackumentReference(std::istream& body, const std::string& what);

namespace detail {

// `size`: what the "not a JSON object" error adds after `what` (" (N bytes)" or "").
ReleaseInfo scanNpmPackument(std::string_view body, const std::string& what,
                             const std::string& size);
ReleaseInfo scanNpmPackument(std::istream& body, const std::string& what,
                             const std::string& size);

}  // namespace detail
}  // namespace ddd::analyzers::deps
