#include "bot/data_dir.h"

#include <cstdlib>
#include <system_error>

namespace ddd::bot {

std::filesystem::path findDataDir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("DDD_DATA_DIR"); env && *env) return fs::path(env);
  std::error_code ec;
#ifdef DDD_DATA_DIR
  if (fs::is_directory(DDD_DATA_DIR, ec)) return fs::path(DDD_DATA_DIR);
#endif
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) return exe.parent_path().parent_path() / "share" / "ddd";
  return fs::path("/usr/share/ddd");
}

}  // namespace ddd::bot
