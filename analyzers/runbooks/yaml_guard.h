#pragma once
// YAML::LoadAll behind a guard: Debian 12's yaml-cpp 0.7.0 loops forever, allocating
// without bound, on a ',' at a document's top level (a one-byte file "," is enough). A
// first pass counts the parser's events against a budget proportional to the input and
// stops such input before the real load. For every YAML reader of the runbooks analyzer.

#include <yaml-cpp/yaml.h>

#include <stdexcept>
#include <string_view>
#include <vector>

namespace ddd::analyzers::runbooks {

// Thrown instead of looping; the message says why.
class YamlGuardError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The documents of `text`. Throws YAML::Exception for invalid YAML, YamlGuardError for
// input the parser would not finish.
std::vector<YAML::Node> loadAllYamlGuarded(std::string_view text);

}  // namespace ddd::analyzers::runbooks
