// libFuzzer target: arbitrary bytes as a repository config (parse + validate against
// the shipped schema) and, when they are JSON, as a schema compiled and applied to
// itself. Anything but ConfigError / SchemaCompileError escaping, a crash, a hang or
// a stack overflow is a bug.

#include "analyzers/config/json_schema.h"

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "analyzers/config/repo_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddd::analyzers;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    RepoConfig config = parseRepoConfig(text, ".github/ddd.json", DDD_DATA_DIR);
    (void)config.section("deprecations");
  } catch (const ConfigError&) {
  }

  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  try {
    const JsonSchema schema = JsonSchema::compile(j, "fuzz");
    const auto errors = schema.validate(j);
    if (schema.isValid(j) != errors.empty()) __builtin_trap();  // the two modes must agree
  } catch (const SchemaCompileError&) {
  }
  return 0;
}
