#pragma once
// Python requirement strings (PEP 508: `name [extras] specifier ; markers`, or
// `name @ url`) as written in pyproject.toml arrays, and PyPI name normalisation.

#include <cstddef>
#include <string>
#include <string_view>

namespace ddd::analyzers::deps::detail {

struct Pep508Requirement {
  bool valid = false;     // starts with a project name
  std::string_view name;  // as written
  bool url = false;       // `name @ url`
  size_t specOffset = 0;  // the version specifier, trimmed, inside the string
  size_t specLength = 0;  // 0: none ("requests", "requests[socks]; python_version<'3.8'")
};

Pep508Requirement parsePep508(std::string_view requirement);

// PEP 503: lower case, each run of '-', '_' and '.' becomes one '-'.
std::string normalizePypiName(std::string_view name);

}  // namespace ddd::analyzers::deps::detail
