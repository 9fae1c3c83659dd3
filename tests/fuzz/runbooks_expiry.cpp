// libFuzzer target for the retention / TTL / certificate-expiry extractor
// (analyzers/runbooks/expiry.h) through extractFile, and for durationSeconds. The first
// byte picks the file's path (YAML, nginx conf, shell, Terraform, logrotate, Python); the
// rest is its content. Invariants for any input: no crash or hang; every retention /
// certificate fact and implied schedule cites a line of the file; durations are positive
// or -1; the calendar of the implied schedules keeps its CRLF / 75-octet form.

#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzers/runbooks/expiry.h"
#include "analyzers/runbooks/extract.h"
#include "analyzers/runbooks/schedule.h"

using namespace ddd::analyzers::runbooks;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024) return 0;
  static const char* const kPaths[] = {"k8s/certificate.yaml", "etc/nginx/site.conf", "ops/mkcert.sh",
                                       "infra/tls.tf",         "etc/logrotate.d/app", "app/settings.py",
                                       "roles/tls/tasks/main.yml"};
  const std::string path = kPaths[data[0] % (sizeof kPaths / sizeof kPaths[0])];
  const std::string content(reinterpret_cast<const char*>(data + 1), size - 1);
  const FileFacts facts = extractFile(path, content);
  size_t lines = 1;
  for (char c : content) lines += c == '\n' ? 1 : 0;
  for (const Fact& f : facts.facts) {
    if (f.type != "retention" && f.type != "cert-expiry") continue;
    if (f.source.path != path || f.source.line < 1 || f.source.line > lines) __builtin_trap();
  }
  for (const Schedule& s : facts.schedules) {
    if (s.source.path != path || s.source.line < 1 || s.source.line > lines || s.rrule.empty()) __builtin_trap();
  }
  const int64_t d = durationSeconds(content, data[0] % 2 ? "d" : "");
  if (d == 0 || d < -1) __builtin_trap();
  const std::string ics = renderCalendar(facts.schedules);
  size_t start = 0;
  while (start < ics.size()) {
    const size_t end = ics.find("\r\n", start);
    if (end == std::string::npos || end - start > 75) __builtin_trap();
    start = end + 2;
  }
  return 0;
}
