#include "analyzers/runbooks/cadence.h"

namespace ddd::analyzers::runbooks {

const char* toString(Cadence c) {
  switch (c) {
    case Cadence::SubDaily:
      return "sub-daily";
    case Cadence::Daily:
      return "daily";
    case Cadence::Weekly:
      return "weekly";
    case Cadence::Monthly:
      return "monthly";
    case Cadence::Quarterly:
      return "quarterly";
    case Cadence::Annual:
      return "annual";
    case Cadence::Irregular:
      return "irregular";
  }
  return "irregular";
}

Cadence cadenceForInterval(double days) {
  if (!(days > 0)) return Cadence::Irregular;
  if (days < 1.0) return Cadence::SubDaily;
  if (days <= 2.5) return Cadence::Daily;
  if (days <= 10) return Cadence::Weekly;
  if (days <= 45) return Cadence::Monthly;
  if (days <= 135) return Cadence::Quarterly;
  return Cadence::Annual;
}

int countMatchingDays(const std::function<bool(int, unsigned, unsigned, unsigned)>& matches) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  unsigned weekday = 1;  // 2024-01-01 was a Monday
  int count = 0;
  for (int year = 2024; year < 2028; ++year) {
    for (unsigned month = 1; month <= 12; ++month) {
      const unsigned days = kDays[month - 1] + (month == 2 && year % 4 == 0 ? 1 : 0);
      for (unsigned day = 1; day <= days; ++day) {
        if (matches(year, month, day, weekday)) ++count;
        weekday = (weekday + 1) % 7;
      }
    }
  }
  return count;
}

}  // namespace ddd::analyzers::runbooks
