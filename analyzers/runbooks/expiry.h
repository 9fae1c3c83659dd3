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

namespace ddd::analyzers::runbooks {

void extractExpiry(const FileInput& in, FileFacts& out);

// "15d" -> 15 days, "720h" -> 2,592,000 s, "8760h0m0s", "30 days", with `unitHint` ("s",
// "d", "h", ...: from the setting's name) when the value is a bare number; -1 when unknown.
int64_t durationSeconds(std::string_view value, std::string_view unitHint = "");

}  // namespace ddd::analyzers::runbooks
