#pragma once
// Where ddd finds its shipped data (rule packs, schemas): the DDD_DATA_DIR environment
// variable when set, else the directory compiled in (DDD_DATA_DIR definition) when it
// exists, else ../share/ddd next to the running binary.

#include <filesystem>

namespace ddd::bot {

std::filesystem::path findDataDir();

}  // namespace ddd::bot
