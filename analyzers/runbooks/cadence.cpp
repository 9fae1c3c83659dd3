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

}  // namespace ddd::analyzers::runbooks
