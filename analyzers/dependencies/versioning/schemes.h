#pragma once
// detail: the scheme instances registry.cpp lists (each defined in its own .cpp).

#include "analyzers/dependencies/versioning/versioning.h"

namespace ddd::analyzers::deps::detail {

const Versioning& npmVersioning();
const Versioning& semverVersioning();
const Versioning& pep440Versioning();
const Versioning& goVersioning();
const Versioning& cargoVersioning();
const Versioning& dockerVersioning();

// "What is not a version" in error messages: the text, cut to a readable length.
std::string quoteForError(std::string_view text);

}  // namespace ddd::analyzers::deps::detail
