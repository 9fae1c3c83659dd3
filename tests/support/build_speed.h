#pragma once
// Whether this test binary is a slow build: sanitizers (ASan, UBSan) or no optimisation
// (a Debug build, NDEBUG unset) run the code tens of times slower than Release.
// Tests that need a large input only for its size (a million matches, a 100 MiB file)
// scale the input down in slow builds and keep the full size in Release, which CI runs
// too; what they assert stays the same in both.

#if defined(__SANITIZE_ADDRESS__) || !defined(NDEBUG)
#define DDD_TEST_SLOW_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define DDD_TEST_SLOW_BUILD 1
#endif
#endif
#ifndef DDD_TEST_SLOW_BUILD
#define DDD_TEST_SLOW_BUILD 0
#endif

namespace ddd::testing {
inline constexpr bool kSlowBuild = DDD_TEST_SLOW_BUILD != 0;
}  // namespace ddd::testing
