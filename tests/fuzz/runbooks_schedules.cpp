// libFuzzer target for the schedule extractors (analyzers/runbooks/schedule.h) and the
// calendar writer. The first byte picks the file's path (and so its reader: crontab,
// cron.d, timer, logrotate, Kubernetes / workflow / Ansible YAML); the rest is its content.
// Invariants for any input: no crash or hang; every schedule cites a line of the file;
// every calendar line ends with CRLF and is at most 75 octets.

#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzers/runbooks/schedule.h"

using namespace ddd::analyzers;
using namespace ddd::analyzers::runbooks;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024) return 0;
  static const char* const kPaths[] = {"ops/crontab",
                                       "etc/cron.d/job",
                                       "etc/crontab",
                                       "units/job.timer",
                                       "etc/logrotate.d/app",
                                       "k8s/cronjob.yaml",
                                       ".github/workflows/nightly.yml",
                                       "roles/db/tasks/main.yml",
                                       "etc/cron.daily/x"};
  const std::string path = kPaths[data[0] % (sizeof kPaths / sizeof kPaths[0])];
  const std::string content(reinterpret_cast<const char*>(data + 1), size - 1);
  MemorySourceTree tree(
      {{path, content}, {"units/job.service", "[Service]\nExecStart=/usr/bin/job\n"}},
      ScanLimits{1 << 20, 1});
  const ScheduleScan scan = extractSchedules(tree);
  size_t lines = 1;
  for (char c : content) lines += c == '\n' ? 1 : 0;
  for (const Schedule& s : scan.schedules) {
    if (s.source.path != path || s.source.line < 1 || s.source.line > lines) __builtin_trap();
  }
  const std::string ics = renderCalendar(scan.schedules);
  size_t start = 0;
  while (start < ics.size()) {
    const size_t end = ics.find("\r\n", start);
    if (end == std::string::npos || end - start > 75) __builtin_trap();
    start = end + 2;
  }
  return 0;
}
