#pragma once
// The version and home of ddd, as shown by `ddd --version`, in SARIF and in PR bodies.

#ifndef DDD_VERSION
#define DDD_VERSION "0.0.0"
#endif
#ifndef DDD_HOMEPAGE
#define DDD_HOMEPAGE "https://github.com/ddd-bot/ddd"
#endif

namespace ddd::bot {

inline constexpr const char* kVersion = DDD_VERSION;
inline constexpr const char* kHomepage = DDD_HOMEPAGE;

}  // namespace ddd::bot
