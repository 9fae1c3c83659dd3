#pragma once
// Data tables of the Python pass: the standard library's top-level modules, the
// distributions whose import names differ from their names, and the distributions
// that are tools (run from the command line or loaded as plugins, never imported).

#include <string>
#include <string_view>
#include <vector>

namespace ddd::analyzers::deadcode::python {

// True for a top-level module of the standard library ("os", "asyncio", "__future__").
bool isStdlibModule(std::string_view topLevelName);

// PEP 503 normalization: lower case, runs of "-", "_", "." become one "-".
std::string normalizeDistribution(std::string_view name);

// The top-level import names a distribution provides: from the table for the known
// mismatches (PyYAML -> yaml, beautifulsoup4 -> bs4), otherwise the name itself with
// "-" and "." turned into "_" and lower-cased. `name` may be unnormalized.
std::vector<std::string> importNamesOf(std::string_view distribution);

// True for distributions used as tools or plugins rather than imported: test runners
// and their plugins, linters, formatters, type checkers and stubs, build backends,
// documentation generators, servers started from the command line.
bool isToolDistribution(std::string_view distribution);

}  // namespace ddd::analyzers::deadcode::python
