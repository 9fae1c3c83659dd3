#pragma once
// Schedules: the "when / how often" facts of the maintenance layer, extracted from
// crontabs, cron.d, systemd timers, Kubernetes CronJobs, GitHub Actions `on.schedule`,
// Ansible `cron:` tasks and logrotate configs. The contract between the schedule
// extractors (with the cron parser in cron.h, also used by the bot's scheduler) and the
// runbook generator / readiness score. Every fact keeps its source (path:line).

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "analyzers/runbooks/cadence.h"
#include "analyzers/source_tree.h"

namespace ddd::analyzers::runbooks {

struct SourceRef {
  std::string path;
  uint32_t line = 0;  // 1-based
  std::string cite() const { return path + ":" + std::to_string(line); }
};

struct Schedule {
  SourceRef source;
  std::string origin;       // "crontab", "cron.d" (also /etc/crontab), "cron-periodic" (a
                            // script in cron.daily/ ...), "systemd-timer", "k8s-cronjob",
                            // "github-actions", "ansible-cron", "logrotate"
  std::string expression;   // verbatim: "0 3 * * 1", "Mon *-*-* 03:00:00", "weekly"
  std::string normalized;   // five-field cron when expressible ("0 3 * * 1"), else ""
                            // (@reboot, intervals, logrotate, OnCalendar with seconds...)
  std::string description;  // plain English: "at 03:00 every Monday"
  std::string timezone;     // "UTC" unless the source says otherwise (K8s timeZone, CRON_TZ=,
                            // an OnCalendar zone); crontabs and timers without one run in
                            // the host's zone, which the repository doesn't say
  Cadence cadence = Cadence::Irregular;
  std::string name;       // the job / timer / workflow / task name
  std::string command;    // what runs (crontab command, ExecStart of the .service, container
                          // command, workflow file, rotated log path), verbatim; "" if unknown
  std::string component;  // the timer's service unit, the CronJob's app label, the Ansible
                          // role, else the top-level directory ("." at the root)
  std::vector<std::string> details;  // "rotate 7", "maxsize 100M", "concurrencyPolicy: Forbid"
  std::string rrule;  // when `normalized` is "" but the schedule still recurs, the RFC 5545
                      // RRULE value saying how often, from an unknown start: logrotate
                      // "weekly" -> "FREQ=WEEKLY", OnUnitActiveSec=15min ->
                      // "FREQ=MINUTELY;INTERVAL=15", a 90-day certificate ->
                      // "FREQ=DAILY;INTERVAL=90"; "" otherwise
};

// The RRULE value of "every `seconds` seconds" in the largest exact unit ("FREQ=WEEKLY",
// "FREQ=HOURLY;INTERVAL=6", "FREQ=SECONDLY;INTERVAL=90"); "" for seconds <= 0.
std::string intervalRrule(int64_t seconds);

struct ScheduleScan {
  std::vector<Schedule> schedules;    // sorted by (path, line)
  std::vector<std::string> warnings;  // "deploy/app.timer:4: OnCalendar=bogus: ...; skipped"
  uint64_t skippedTemplates = 0;      // Helm / Jinja templates (YAML, crontab, logrotate)
                                      // that mean nothing until rendered
};

// Reads every file of the tree that can hold a schedule; never throws for bad input.
ScheduleScan extractSchedules(const SourceTree& tree);

// An iCalendar (RFC 5545) file with one VEVENT + RRULE per schedule that recurs: a
// normalized cron form in a known zone (two events for cron's "day-of-month OR
// day-of-week"), an OnCalendar= event (seconds and "~" days too; not one restricted to
// some years), or an interval / frequency (Schedule::rrule: logrotate, OnUnitActiveSec,
// run-parts directories, certificate validity) as an event from an unknown start (all-day
// when the period is a day or more). A pure function of the schedules, so the same tree
// gives the same bytes: events start at their first run on or after kCalendarAnchor
// (2024-01-01T00:00:00Z), DTSTAMP is that instant too (the file's content does not depend
// on when ddd ran, so a rerun commits nothing; clients key imported events on UID), UIDs
// hash path, origin, name, expression and command (not the line, so edits elsewhere in
// the file keep them), zoned events come with a VTIMEZONE valid for 30 years.
inline constexpr std::time_t kCalendarAnchor = 1704067200;  // 2024-01-01T00:00:00Z
std::string renderCalendar(const std::vector<Schedule>& schedules);

}  // namespace ddd::analyzers::runbooks
