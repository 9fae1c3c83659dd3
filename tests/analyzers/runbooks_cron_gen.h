#pragma once
// Seeded, platform-independent generation of valid cron expressions for the differential
// tests of the cron parser (against croniter) and the calendar (against dateutil).

#include <cstdint>
#include <string>
#include <vector>

#include "analyzers/runbooks/cron.h"

namespace ddd::testing {

// A small deterministic generator (the same sequence on every platform and compiler).
class CronRng {
 public:
  explicit CronRng(uint64_t seed) : s_(seed) {}
  uint32_t below(uint32_t n) {
    s_ = s_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>((s_ >> 33) % n);
  }

 private:
  uint64_t s_;
};

inline std::string generatedField(CronRng& r, int min, int max, const char* const* names) {
  auto val = [&](int lo, int hi) -> std::string {
    int v = lo + static_cast<int>(r.below(static_cast<uint32_t>(hi - lo + 1)));
    if (names != nullptr && r.below(3) == 0 && v - min < (max == 7 ? 7 : 12)) {
      std::string n = names[v - min];
      if (r.below(2)) n[0] = static_cast<char>(n[0] - 'a' + 'A');
      if (r.below(4) == 0)
        for (char& c : n) c = static_cast<char>(c >= 'a' ? c - 'a' + 'A' : c);
      return n;
    }
    return std::to_string(v);
  };
  auto element = [&]() -> std::string {
    switch (r.below(6)) {
      case 0:
        return val(min, max);
      case 1: {
        int lo = min + static_cast<int>(r.below(static_cast<uint32_t>(max - min)));
        int hi = lo + static_cast<int>(r.below(static_cast<uint32_t>(max - lo + 1)));
        return std::to_string(lo) + "-" + std::to_string(hi);
      }
      case 2:
        return "*/" + std::to_string(1 + r.below(static_cast<uint32_t>(max - min)));
      case 3: {
        int lo = min + static_cast<int>(r.below(static_cast<uint32_t>(max - min)));
        int hi = lo + static_cast<int>(r.below(static_cast<uint32_t>(max - lo + 1)));
        return std::to_string(lo) + "-" + std::to_string(hi) + "/" +
               std::to_string(1 + r.below(static_cast<uint32_t>(max - min)));
      }
      case 4:
        return val(min, max) + "," + val(min, max);
      default:
        return val(min, max) + "," + val(min, max) + "," + val(min, max);
    }
  };
  if (r.below(3) == 0) return "*";
  return element();
}

inline std::vector<std::string> generatedExpressions(size_t n, uint64_t seed) {
  static const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
  static const char* const kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  CronRng r(seed);
  std::vector<std::string> out;
  while (out.size() < n) {
    std::string e = generatedField(r, 0, 59, nullptr) + " " + generatedField(r, 0, 23, nullptr) +
                    " " + generatedField(r, 1, 31, nullptr) + " " +
                    generatedField(r, 1, 12, kMonths) + " " + generatedField(r, 0, 7, kDays);
    try {
      analyzers::runbooks::CronExpression::parse(e);
      out.push_back(e);
    } catch (const analyzers::runbooks::CronError&) {
      // every generated element is valid, so this is not expected; skip it if it comes
    }
  }
  return out;
}

}  // namespace ddd::testing
