// libFuzzer target for the receiver's intake log reader (what a restart replays). Any
// bytes: no crash, the end of what was read lies inside them, and the jobs read, written
// again as a log of the same generation, read back the same and undamaged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bot/jobs/intake_log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ddd::bot;
  // A heap copy of exactly the bytes, so ASan sees any read past their end.
  const std::vector<char> bytes(data, data + size);
  const IntakeContents c = readIntakeLog(std::string_view(bytes.data(), bytes.size()));
  if (!c.headerValid) {
    if (!c.jobs.empty()) __builtin_trap();
    return 0;
  }
  if (c.end > size || (c.end < kIntakeHeaderBytes && !c.jobs.empty())) __builtin_trap();
  std::string again = intakeHeader(c.generation);
  for (const NewJob& j : c.jobs) appendIntakeRecord(again, c.generation, j);
  again.append(4, '\0');
  const IntakeContents d = readIntakeLog(again);
  if (d.damaged || d.generation != c.generation || d.jobs.size() != c.jobs.size()) __builtin_trap();
  for (size_t i = 0; i < c.jobs.size(); ++i) {
    const NewJob &a = c.jobs[i], &b = d.jobs[i];
    if (a.kind != b.kind || a.repo != b.repo || a.dedupeKey != b.dedupeKey ||
        a.payload != b.payload || a.runAt != b.runAt)
      __builtin_trap();
  }
  return 0;
}
