#pragma once
// Retention, TTL and expiry settings, and certificate-expiry hints, as facts (type
// "retention" / "cert-expiry", kind Signal), each with its source (path:line):
//   retention  settings whose name says how long something is kept or lives:
//              `retention_days: 30`, `--storage.tsdb.retention.time=15d`,
//              `ttlSecondsAfterFinished: 600`, `cache_ttl = 300`, `max_age`, `expire_after`,
//              and logrotate's `rotate N` / `maxage N`; the value verbatim, the
//              duration in plain words as a detail when the unit is known.
//   cert-expiry what says when a certificate stops being valid or how it is renewed:
//              `openssl ... -days N`, `-checkend N`, `certbot renew`, Ansible
//              `*_not_after: +365d`, Terraform `validity_period_hours`, cert-manager
//              Certificate `duration` / `renewBefore`, nginx `ssl_certificate`, Apache
//              `SSLCertificateFile`.
// A certificate whose validity is known implies a renewal schedule (origin
// "certificate", every validity period, from an unknown issue date); retention settings
// imply none (the system enforces them; the monthly runbook checks them).

#include "analyzers/runbooks/file_input.h"

#include <string>
#include <string_view>

namespace ddd::analyzers::runbooks {

// Everything above for one file, with a regex pass of its own (tests, fuzzing).
void extractExpiry(const FileInput& in, FileFacts& out);

// The same in two parts, for the extraction driver: the YAML resources (cert-manager
// Certificates), and the line-level settings, matched inside the signals extractor's
// pass over the file (signals.h) since one regex pass over a file costs far more than
// a longer pattern in it.
void extractExpiryResources(const FileInput& in, FileFacts& out);
class ExpiryLines {
 public:
  explicit ExpiryLines(const FileInput& in);
  // The candidate lines: a RE2 pattern (multi-line mode) to OR into a pass's prefilter.
  static const std::string& pattern();
  // false for files whose lines are never read (docs, binary formats, huge files).
  bool applies() const { return applies_; }
  // A line of the file (1-based number, without its newline), any line: those the
  // pattern doesn't match are cheap to reject.
  void line(uint32_t n, std::string_view raw, FileFacts& out) const;

 private:
  const FileInput& in_;
  bool applies_ = false;
  bool logrotate_ = false;
  bool yaml_ = false;
};

// "15d" -> 15 days, "720h" -> 2,592,000 s, "8760h0m0s", "30 days", with `unitHint` ("s",
// "d", "h", ...: from the setting's name) when the value is a bare number; -1 when unknown.
int64_t durationSeconds(std::string_view value, std::string_view unitHint = "");

}  // namespace ddd::analyzers::runbooks
