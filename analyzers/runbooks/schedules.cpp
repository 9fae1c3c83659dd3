// extractSchedules (schedule.h): one reader per origin, each turning the lines or YAML
// nodes of one file into Schedules; timers look up their .service in the tree.

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <tuple>

#include "analyzers/runbooks/cron.h"
#include "analyzers/runbooks/file_input.h"
#include "analyzers/runbooks/schedule.h"
#include "analyzers/runbooks/systemd_calendar.h"
#include "analyzers/runbooks/yaml_guard.h"

namespace ddd::analyzers::runbooks {
namespace {

// --- file kinds -----------------------------------------------------------------------------

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

enum class Kind { None, Crontab, CronD, SystemCrontab, CronPeriodic, Timer, Yaml, Logrotate };

// What a path can hold, from its name alone (contents are only read for these).
Kind kindOf(const std::string& path) {
  const std::vector<std::string_view> segs = segments(path);
  const std::string base = text::lower(segs.back());
  const std::string parent = segs.size() > 1 ? text::lower(segs[segs.size() - 2]) : "";
  if (parent == "cron.hourly" || parent == "cron.daily" || parent == "cron.weekly" ||
      parent == "cron.monthly") {
    return base.empty() || base[0] == '.' ? Kind::None : Kind::CronPeriodic;
  }
  if (parent == "cron.d") return base[0] == '.' ? Kind::None : Kind::CronD;
  if (base == "crontab" && parent == "etc") return Kind::SystemCrontab;
  if (base == "crontab" || startsWith(base, "crontab.") || endsWith(base, ".crontab") ||
      endsWith(base, ".cron") || parent == "crontabs") {
    return Kind::Crontab;
  }
  if (endsWith(base, ".timer")) return Kind::Timer;
  if (parent == "logrotate.d" || base == "logrotate.conf" || endsWith(base, ".logrotate")) {
    return Kind::Logrotate;
  }
  if (endsWith(base, ".yml") || endsWith(base, ".yaml")) return Kind::Yaml;
  return Kind::None;
}

// The top-level directory, or "." for files at the root; Ansible roles by role name.
std::string componentOf(const std::string& path) {
  const std::vector<std::string_view> segs = segments(path);
  for (size_t i = 0; i + 2 < segs.size(); ++i) {
    if (segs[i] == "roles") return std::string(segs[i + 1]);
  }
  if (segs.size() < 2) return ".";
  return std::string(segs[0]);
}

bool isTemplated(std::string_view text) {
  return text::contains(text, "{{") || text::contains(text, "{%");
}

// --- the result of one file -----------------------------------------------------------------

struct Found {
  std::vector<Schedule> schedules;
  std::vector<std::string> warnings;
  uint64_t skippedTemplates = 0;
  // Timers whose .service must be looked up: index in `schedules` -> unit name.
  std::vector<std::pair<size_t, std::string>> wantsService;
};

Schedule base(const std::string& path, uint32_t line, const char* origin) {
  Schedule s;
  s.source = {path, line};
  s.origin = origin;
  s.timezone = "UTC";
  s.component = componentOf(path);
  return s;
}

std::string at(const std::string& path, uint32_t line) {
  return path + ":" + std::to_string(line) + ": ";
}

// Fills the cron facts of `s` from `expr`; false (with a warning) when it doesn't parse.
bool applyCron(Schedule& s, const std::string& expr, Found& out, const char* what) {
  s.expression = expr;
  try {
    const CronExpression c = CronExpression::parse(expr);
    s.normalized = c.atReboot() ? "" : c.normalized();
    s.description = c.describe();
    s.cadence = c.cadence();
    return true;
  } catch (const CronError& e) {
    out.warnings.push_back(at(s.source.path, s.source.line) + what + ": " + e.what() + "; skipped");
    return false;
  }
}

// "CRON_TZ=Europe/Berlin 0 3 * * *" (Kubernetes, and cronie's per-line form): the zone.
std::string takeZonePrefix(std::string& expr) {
  for (const char* prefix : {"CRON_TZ=", "TZ="}) {
    if (startsWith(expr, prefix)) {
      size_t space = expr.find_first_of(" \t");
      if (space == std::string::npos) return "";
      std::string zone =
          expr.substr(std::string_view(prefix).size(), space - std::string_view(prefix).size());
      expr = std::string(text::trim(std::string_view(expr).substr(space)));
      return zone;
    }
  }
  return "";
}

// Splits off the first n blank-separated words; the rest (trimmed) goes to `rest`.
std::vector<std::string> words(std::string_view line, size_t n, std::string& rest) {
  std::vector<std::string> out;
  size_t i = 0;
  while (out.size() < n) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size()) break;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    out.emplace_back(line.substr(i, j - i));
    i = j;
  }
  rest = std::string(text::trim(line.substr(std::min(i, line.size()))));
  return out;
}

// --- crontab, cron.d, /etc/crontab ----------------------------------------------------------

void readCrontab(const std::string& path, std::string_view content, Kind kind, Found& out) {
  const bool userField = kind == Kind::CronD || kind == Kind::SystemCrontab;
  const char* origin = kind == Kind::Crontab ? "crontab" : "cron.d";
  std::string zone = "UTC";
  text::forEachLine(content, [&](uint32_t n, std::string_view raw) {
    std::string_view line = text::trim(raw);
    if (line.empty() || line[0] == '#') return;
    // Variable assignments: NAME=value (the zone ones matter).
    size_t eq = line.find('=');
    size_t firstBlank = line.find_first_of(" \t");
    if (eq != std::string_view::npos && (firstBlank == std::string_view::npos || eq < firstBlank) &&
        line[0] != '@' && line[0] != '*' && !(line[0] >= '0' && line[0] <= '9')) {
      std::string name = std::string(text::trim(line.substr(0, eq)));
      if (name == "CRON_TZ" || name == "TZ") {
        std::string value = std::string(text::trim(line.substr(eq + 1)));
        if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'')) {
          value = value.substr(1, value.size() - 2);
        }
        zone = value.empty() ? "UTC" : value;
      }
      return;
    }
    Schedule s = base(path, n, origin);
    s.timezone = zone;
    std::string rest;
    const size_t timeWords = line[0] == '@' ? 1 : 5;
    std::vector<std::string> w = words(line, timeWords + (userField ? 1 : 0), rest);
    if (w.size() < timeWords + (userField ? 1 : 0) || rest.empty()) {
      out.warnings.push_back(at(path, n) + "crontab line \"" + text::clip(line) + "\": expected " +
                             (line[0] == '@' ? "@macro" : "five time fields") +
                             (userField ? ", a user" : "") + " and a command; skipped");
      return;
    }
    std::string expr;
    for (size_t i = 0; i < timeWords; ++i) {
      if (i > 0) expr += ' ';
      expr += w[i];
    }
    if (!applyCron(s, expr, out, "crontab schedule")) return;
    if (userField) s.details.push_back("user: " + w[timeWords]);
    s.command = rest;
    s.name = text::clip(rest, 60);
    out.schedules.push_back(std::move(s));
  });
}

// cron.daily/ and friends: every script there runs at that cadence (run-parts).
void readCronPeriodic(const std::string& path, Found& out) {
  const std::vector<std::string_view> segs = segments(path);
  const std::string dir(segs[segs.size() - 2]);
  Schedule s = base(path, 1, "cron-periodic");
  s.expression = dir;
  static const std::map<std::string, std::tuple<Cadence, const char*, const char*>> kDirs = {
      {"cron.hourly", {Cadence::SubDaily, "every hour (run-parts)", ""}},
      {"cron.daily", {Cadence::Daily, "once a day (run-parts)", ""}},
      {"cron.weekly", {Cadence::Weekly, "once a week (run-parts)", ""}},
      {"cron.monthly", {Cadence::Monthly, "once a month (run-parts)", ""}},
  };
  auto it = kDirs.find(text::lower(dir));
  if (it == kDirs.end()) return;
  s.cadence = std::get<0>(it->second);
  s.description = std::get<1>(it->second);
  static const std::map<Cadence, const char*> kRule = {{Cadence::SubDaily, "FREQ=HOURLY"},
                                                       {Cadence::Daily, "FREQ=DAILY"},
                                                       {Cadence::Weekly, "FREQ=WEEKLY"},
                                                       {Cadence::Monthly, "FREQ=MONTHLY"}};
  s.rrule = kRule.at(s.cadence);
  s.name = std::string(segs.back());
  s.command = path;
  out.schedules.push_back(std::move(s));
}

// --- systemd timers -------------------------------------------------------------------------

void readTimer(const std::string& path, std::string_view content, Found& out) {
  std::string section;
  std::string unit;
  std::vector<Schedule> calendars;
  std::vector<Schedule> spans;
  std::vector<std::string> details;
  std::string bootDelay;
  const std::string fileName = text::baseName(path);
  const std::string stem = fileName.substr(0, fileName.size() - 6);  // without ".timer"
  text::forEachLine(content, [&](uint32_t n, std::string_view raw) {
    std::string_view line = text::trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') return;
    if (line[0] == '[') {
      section = std::string(line.substr(
          1, line.find(']') == std::string_view::npos ? line.size() - 1 : line.find(']') - 1));
      return;
    }
    if (section != "Timer") return;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      out.warnings.push_back(at(path, n) + "\"" + text::clip(line) +
                             "\" is not key=value; skipped");
      return;
    }
    const std::string key(text::trim(line.substr(0, eq)));
    const std::string value(text::trim(line.substr(eq + 1)));
    if (key == "OnCalendar") {
      if (value.empty()) {  // an empty assignment resets the list, as systemd does
        calendars.clear();
        return;
      }
      Schedule s = base(path, n, "systemd-timer");
      s.expression = value;
      try {
        const CalendarSpec spec = CalendarSpec::parse(value);
        s.normalized = spec.cronEquivalent().value_or("");
        s.description = spec.describe();
        s.cadence = spec.cadence();
        if (!spec.timeZone().empty()) s.timezone = spec.timeZone();
        s.details.push_back("OnCalendar normalized: " + spec.normalized());
        calendars.push_back(std::move(s));
      } catch (const CalendarError& e) {
        out.warnings.push_back(at(path, n) + "OnCalendar=" + text::clip(value) + ": " + e.what() +
                               "; skipped");
      }
    } else if (key == "OnUnitActiveSec" || key == "OnUnitInactiveSec" || key == "OnBootSec" ||
               key == "OnStartupSec" || key == "OnActiveSec") {
      if (value.empty()) return;
      try {
        const TimeSpan span = TimeSpan::parse(value);
        if (key == "OnBootSec" || key == "OnStartupSec" || key == "OnActiveSec") {
          bootDelay = key + "=" + span.normalized();
          Schedule s = base(path, n, "systemd-timer");
          s.expression = key + "=" + value;
          s.description = "once, " + span.describe() + " after " +
                          (key == "OnActiveSec" ? "the timer starts" : "boot");
          s.cadence = Cadence::Irregular;
          spans.push_back(std::move(s));
        } else {
          Schedule s = base(path, n, "systemd-timer");
          s.expression = key + "=" + value;
          s.description = "every " + span.describe() + " after the unit last " +
                          (key == "OnUnitActiveSec" ? "started" : "stopped");
          s.cadence = span.cadence();
          s.rrule = intervalRrule(std::chrono::duration_cast<std::chrono::seconds>(span.value()).count());
          spans.push_back(std::move(s));
        }
      } catch (const CalendarError& e) {
        out.warnings.push_back(at(path, n) + key + "=" + text::clip(value) + ": " + e.what() +
                               "; skipped");
      }
    } else if (key == "Unit") {
      unit = value;
    } else if (key == "Persistent" || key == "RandomizedDelaySec" || key == "AccuracySec" ||
               key == "WakeSystem") {
      details.push_back(key + "=" + value);
    }
  });
  // A periodic span makes the boot delays its first run, not schedules of their own.
  const bool periodic = std::any_of(spans.begin(), spans.end(), [](const Schedule& s) {
    return s.cadence != Cadence::Irregular;
  });
  std::vector<Schedule> all = std::move(calendars);
  for (Schedule& s : spans) {
    if (periodic && s.cadence == Cadence::Irregular) continue;
    if (periodic && !bootDelay.empty()) s.details.push_back("first run: " + bootDelay);
    all.push_back(std::move(s));
  }
  if (all.empty()) {
    out.warnings.push_back(at(path, 1) + "timer has no OnCalendar= or On*Sec= in [Timer]; skipped");
    return;
  }
  if (unit.empty()) unit = stem + ".service";
  std::string serviceStem =
      unit.size() > 8 && endsWith(unit, ".service") ? unit.substr(0, unit.size() - 8) : unit;
  for (Schedule& s : all) {
    s.name = stem;
    s.component = serviceStem.substr(0, serviceStem.find('@'));
    s.details.insert(s.details.end(), details.begin(), details.end());
    s.details.push_back("Unit: " + unit);
    out.wantsService.emplace_back(out.schedules.size(), unit);
    out.schedules.push_back(std::move(s));
  }
}

// The ExecStart= lines of a .service file's [Service] section.
std::vector<std::string> execStarts(std::string_view content) {
  std::vector<std::string> out;
  std::string section;
  text::forEachLine(content, [&](uint32_t, std::string_view raw) {
    std::string_view line = text::trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') return;
    if (line[0] == '[') {
      section = std::string(line);
      return;
    }
    if (section != "[Service]") return;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return;
    if (text::trim(line.substr(0, eq)) == "ExecStart") {
      std::string value(text::trim(line.substr(eq + 1)));
      if (value.empty()) {
        out.clear();
      } else {
        out.push_back(value);
      }
    }
  });
  return out;
}

// --- YAML: Kubernetes CronJob, GitHub Actions, Ansible cron --------------------------------

std::string nodeText(const YAML::Node& n) {
  try {
    if (n && n.IsScalar()) return n.Scalar();
  } catch (const YAML::Exception&) {
  }
  return "";
}

YAML::Node child(const YAML::Node& n, const char* key) {
  try {
    if (n && n.IsMap()) return n[key];
  } catch (const YAML::Exception&) {
  }
  return YAML::Node();
}

void readCronJob(const std::string& path, const YAML::Node& doc, Found& out) {
  const YAML::Node spec = child(doc, "spec");
  const YAML::Node schedule = child(spec, "schedule");
  const YAML::Node meta = child(doc, "metadata");
  const std::string name = nodeText(child(meta, "name"));
  uint32_t line = yaml::lineOf(schedule ? schedule : doc);
  Schedule s = base(path, line ? line : 1, "k8s-cronjob");
  s.name = name;
  std::string expr = nodeText(schedule);
  if (expr.empty()) {
    out.warnings.push_back(at(path, s.source.line) + "CronJob " + name +
                           " has no spec.schedule; skipped");
    return;
  }
  std::string zone = takeZonePrefix(expr);
  const std::string specZone = nodeText(child(spec, "timeZone"));
  if (!specZone.empty()) zone = specZone;
  if (!zone.empty()) s.timezone = zone;
  if (!applyCron(s, expr, out, ("CronJob " + name + " spec.schedule").c_str())) return;
  if (!zone.empty()) s.details.push_back("timeZone: " + zone);
  for (const char* key : {"concurrencyPolicy", "suspend", "startingDeadlineSeconds",
                          "successfulJobsHistoryLimit", "failedJobsHistoryLimit"}) {
    std::string v = nodeText(child(spec, key));
    if (!v.empty()) s.details.push_back(std::string(key) + ": " + v);
  }
  const YAML::Node labels = child(meta, "labels");
  for (const char* key : {"app.kubernetes.io/name", "app", "app.kubernetes.io/part-of"}) {
    std::string v = nodeText(child(labels, key));
    if (!v.empty()) {
      s.component = v;
      break;
    }
  }
  // What runs: the first container's command and args, else its image.
  const YAML::Node podSpec =
      child(child(child(child(spec, "jobTemplate"), "spec"), "template"), "spec");
  const YAML::Node containers = child(podSpec, "containers");
  try {
    if (containers && containers.IsSequence() && containers.size() > 0) {
      const YAML::Node c = containers[0];
      std::string cmd = yaml::joined(child(c, "command"));
      std::string args = yaml::joined(child(c, "args"));
      s.command = std::string(text::trim(cmd + (cmd.empty() || args.empty() ? "" : " ") + args));
      std::string image = nodeText(child(c, "image"));
      if (s.command.empty() && !image.empty()) s.command = "image " + image;
      if (!image.empty()) s.details.push_back("image: " + image);
    }
  } catch (const YAML::Exception&) {
  }
  out.schedules.push_back(std::move(s));
}

void readWorkflow(const std::string& path, const YAML::Node& doc, Found& out) {
  // yaml-cpp reads the key `on` as the string "on" (YAML 1.2), as GitHub does.
  const YAML::Node on = child(doc, "on");
  const YAML::Node schedule = child(on, "schedule");
  if (!schedule) return;
  const std::string workflow = nodeText(child(doc, "name"));
  std::string jobs;
  try {
    const YAML::Node j = child(doc, "jobs");
    if (j && j.IsMap()) {
      for (const auto& kv : j) {
        if (!jobs.empty()) jobs += ", ";
        jobs += kv.first.Scalar();
      }
    }
  } catch (const YAML::Exception&) {
  }
  if (!schedule.IsSequence()) {
    out.warnings.push_back(at(path, yaml::lineOf(schedule)) +
                           "on.schedule is not a list of {cron: ...}; skipped");
    return;
  }
  for (const auto& item : schedule) {
    const YAML::Node cron = child(item, "cron");
    uint32_t line = yaml::lineOf(cron ? cron : item);
    Schedule s = base(path, line ? line : 1, "github-actions");
    s.name = workflow.empty() ? std::string(segments(path).back()) : workflow;
    const std::string expr = nodeText(cron);
    if (expr.empty()) {
      out.warnings.push_back(at(path, s.source.line) + "on.schedule entry without cron; skipped");
      continue;
    }
    if (!applyCron(s, expr, out, "on.schedule cron")) continue;
    s.command = path;
    if (!jobs.empty()) s.details.push_back("jobs: " + jobs);
    out.schedules.push_back(std::move(s));
  }
}

// Ansible free-form module arguments: `name="x y" minute=0 job='/usr/bin/z'`.
std::map<std::string, std::string> freeForm(std::string_view args) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i < args.size()) {
    while (i < args.size() && (args[i] == ' ' || args[i] == '\t')) ++i;
    size_t eq = args.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string key(text::trim(args.substr(i, eq - i)));
    i = eq + 1;
    std::string value;
    if (i < args.size() && (args[i] == '"' || args[i] == '\'')) {
      char q = args[i++];
      size_t end = args.find(q, i);
      if (end == std::string_view::npos) end = args.size();
      value = std::string(args.substr(i, end - i));
      i = end + 1;
    } else {
      size_t end = args.find_first_of(" \t", i);
      if (end == std::string_view::npos) end = args.size();
      value = std::string(args.substr(i, end - i));
      i = end;
    }
    out[key] = value;
  }
  return out;
}

void readAnsibleCron(const std::string& path, const YAML::Node& task, const YAML::Node& module,
                     Found& out) {
  std::map<std::string, std::string> args;
  uint32_t line = yaml::lineOf(module);
  try {
    if (module.IsMap()) {
      for (const auto& kv : module) {
        if (kv.second.IsScalar()) args[kv.first.Scalar()] = kv.second.Scalar();
      }
    } else if (module.IsScalar()) {
      args = freeForm(module.Scalar());
    }
  } catch (const YAML::Exception&) {
    return;
  }
  // A map under a `cron:` key that has none of the module's arguments is something else
  // (a Helm value such as `cron: {enabled: true}`).
  static const char* const kArguments[] = {"job",     "minute", "hour",         "day",
                                           "weekday", "month",  "special_time", "state"};
  if (std::none_of(std::begin(kArguments), std::end(kArguments),
                   [&](const char* key) { return args.count(key) > 0; })) {
    return;
  }
  const std::string taskName = nodeText(child(task, "name"));
  const std::string jobName = args.count("name") ? args["name"] : taskName;
  Schedule s = base(path, line ? line : 1, "ansible-cron");
  s.name = jobName;
  if (args.count("state") && args["state"] == "absent") return;  // removes a job
  if (args.count("env") && (args["env"] == "yes" || args["env"] == "true")) return;  // a variable
  for (const char* key : {"minute", "hour", "day", "month", "weekday", "special_time"}) {
    if (args.count(key) && isTemplated(args[key])) {
      out.warnings.push_back(at(path, s.source.line) + "Ansible cron task \"" + jobName +
                             "\": " + key + " is a template (" + text::clip(args[key], 60) +
                             "), known only when the play runs; skipped");
      return;
    }
  }
  std::string expr;
  if (args.count("special_time")) {
    expr = "@" + args["special_time"];
  } else {
    auto field = [&](const char* key) {
      auto it = args.find(key);
      return it == args.end() || it->second.empty() ? std::string("*") : it->second;
    };
    expr = field("minute") + " " + field("hour") + " " + field("day") + " " + field("month") + " " +
           field("weekday");
  }
  if (!applyCron(s, expr, out, ("Ansible cron task \"" + jobName + "\"").c_str())) return;
  s.command = args.count("job") ? args["job"] : "";
  if (args.count("user")) s.details.push_back("user: " + args["user"]);
  if (args.count("cron_file")) s.details.push_back("cron_file: " + args["cron_file"]);
  if (args.count("disabled") &&
      (args["disabled"] == "true" || args["disabled"] == "yes" || args["disabled"] == "True")) {
    s.details.push_back("disabled: true");
  }
  out.schedules.push_back(std::move(s));
}

void readYaml(const std::string& path, std::string_view content, Found& out) {
  const bool workflow = text::contains(path, ".github/workflows/");
  const bool maybeCronJob = text::contains(content, "CronJob");
  const bool maybeAnsible = !workflow && text::contains(content, "cron");
  const bool maybeWorkflow = workflow && text::contains(content, "schedule");
  if (!maybeCronJob && !maybeAnsible && !maybeWorkflow) return;
  if ((text::contains(path, "/templates/") || startsWith(path, "templates/")) &&
      text::contains(content, "{{")) {
    ++out.skippedTemplates;  // a Helm template: not YAML until rendered
    return;
  }
  std::vector<YAML::Node> docs;
  try {
    docs = loadAllYamlGuarded(content);
  } catch (const YamlGuardError& e) {
    out.warnings.push_back(at(path, 1) + e.what() + "; its schedules are skipped");
    return;
  } catch (const YAML::Exception& e) {
    if (isTemplated(content)) {
      ++out.skippedTemplates;
    } else {
      out.warnings.push_back(at(path, static_cast<uint32_t>(e.mark.line + 1)) + "not valid YAML (" +
                             e.msg + "); its schedules are skipped");
    }
    return;
  }
  for (const YAML::Node& doc : docs) {
    try {
      if (maybeWorkflow) readWorkflow(path, doc, out);
      if (maybeCronJob && nodeText(child(doc, "kind")) == "CronJob") readCronJob(path, doc, out);
      if (maybeAnsible) {
        // An alias reaches the same task again: each task counts once (by its position).
        std::set<std::pair<int, int>> seen;
        yaml::forEachEntry(
            doc, [&](const std::string& key, const YAML::Node& value, const YAML::Node& map) {
              if (key != "cron" && key != "ansible.builtin.cron" && key != "ansible.legacy.cron") {
                return;
              }
              // A module call: its arguments as a map, or free-form text with key=value.
              if (value.IsMap() || (value.IsScalar() && text::contains(value.Scalar(), "=") &&
                                    (text::contains(value.Scalar(), "job=") ||
                                     text::contains(value.Scalar(), "special_time=") ||
                                     text::contains(value.Scalar(), "minute=") ||
                                     text::contains(value.Scalar(), "hour=")))) {
                const YAML::Mark mark = value.Mark();
                if (seen.insert({mark.line, mark.column}).second) {
                  readAnsibleCron(path, map, value, out);
                }
              }
            });
      }
    } catch (const YAML::Exception& e) {
      out.warnings.push_back(at(path, static_cast<uint32_t>(e.mark.line + 1)) +
                             "unexpected YAML structure (" + e.msg + "); skipped");
    }
  }
}

// --- logrotate ------------------------------------------------------------------------------

struct RotateRules {
  std::string frequency;  // hourly, daily, weekly, monthly, yearly
  std::vector<std::string> details;
};

void readLogrotate(const std::string& path, std::string_view content, Found& out) {
  if (isTemplated(content)) {
    ++out.skippedTemplates;
    return;
  }
  RotateRules globals;
  bool inBlock = false;
  bool inScript = false;
  RotateRules block;
  std::string paths, pending;
  uint32_t blockLine = 0, pendingLine = 0;
  auto apply = [&](RotateRules& rules, std::string_view line, uint32_t n) {
    std::string rest;
    std::vector<std::string> w = words(line, 1, rest);
    if (w.empty()) return;
    const std::string key = w[0];
    if (key == "hourly" || key == "daily" || key == "weekly" || key == "monthly" ||
        key == "yearly") {
      rules.frequency = key;
    } else if (key == "rotate" || key == "maxsize" || key == "size" || key == "minsize" ||
               key == "maxage") {
      if (rest.empty()) {
        out.warnings.push_back(at(path, n) + "logrotate \"" + key + "\" without a value; skipped");
        return;
      }
      rules.details.push_back(key + " " + rest);
    } else if (key == "compress" || key == "copytruncate" || key == "dateext") {
      rules.details.push_back(key);
    }
  };
  text::forEachLine(content, [&](uint32_t n, std::string_view raw) {
    std::string_view line = text::trim(raw);
    if (line.empty() || line[0] == '#') return;
    if (inScript) {
      if (line == "endscript") inScript = false;
      return;
    }
    if (line == "postrotate" || line == "prerotate" || line == "firstaction" ||
        line == "lastaction" || line == "preremove") {
      inScript = true;
      return;
    }
    if (!inBlock) {
      size_t brace = line.find('{');
      if (brace == std::string_view::npos) {
        // Log paths may stand on their own lines before the '{'.
        if (line[0] == '/' || line[0] == '"' || line[0] == '\'' || line[0] == '~') {
          if (pending.empty()) pendingLine = n;
          if (!pending.empty()) pending += ' ';
          pending += line;
        } else {
          apply(globals, line, n);
        }
        return;
      }
      inBlock = true;
      block = globals;
      paths = std::string(text::trim(line.substr(0, brace)));
      blockLine = n;
      if (paths.empty() && !pending.empty()) {
        paths = pending;
        blockLine = pendingLine;
      }
      pending.clear();
      std::string_view after = text::trim(line.substr(brace + 1));
      if (!after.empty() && after != "}") apply(block, after, n);
      if (after != "}" && !endsWith(after, "}")) return;
    } else if (line != "}") {
      if (endsWith(line, "}")) {
        apply(block, text::trim(line.substr(0, line.size() - 1)), n);
      } else {
        apply(block, line, n);
        return;
      }
    }
    // The block ends here.
    inBlock = false;
    if (paths.empty()) {
      out.warnings.push_back(at(path, blockLine) + "logrotate block without a log path; skipped");
      return;
    }
    Schedule s = base(path, blockLine, "logrotate");
    s.name = paths;
    s.command = paths;
    s.details = block.details;
    static const std::map<std::string, Cadence> kCadence = {{"hourly", Cadence::SubDaily},
                                                            {"daily", Cadence::Daily},
                                                            {"weekly", Cadence::Weekly},
                                                            {"monthly", Cadence::Monthly},
                                                            {"yearly", Cadence::Annual}};
    static const std::map<std::string, const char*> kRule = {{"hourly", "FREQ=HOURLY"},
                                                            {"daily", "FREQ=DAILY"},
                                                            {"weekly", "FREQ=WEEKLY"},
                                                            {"monthly", "FREQ=MONTHLY"},
                                                            {"yearly", "FREQ=YEARLY"}};
    if (!block.frequency.empty()) {
      s.expression = block.frequency;
      s.cadence = kCadence.at(block.frequency);
      s.rrule = kRule.at(block.frequency);
      s.description = "rotated " + block.frequency;
    } else {
      s.expression = "size";
      s.cadence = Cadence::Irregular;
      s.description = "rotated by size when logrotate runs";
    }
    for (const std::string& d : block.details) {
      if (startsWith(d, "rotate ")) s.description += ", keeping " + d.substr(7);
    }
    out.schedules.push_back(std::move(s));
  });
  if (inBlock) {
    out.warnings.push_back(at(path, blockLine) + "logrotate block for " + text::clip(paths, 80) +
                           " is not closed with '}'; skipped");
  }
}

Found readFile(const std::string& path, std::string_view content, Kind kind) {
  Found out;
  if (content.find('\0') != std::string_view::npos) return out;  // binary
  switch (kind) {
    case Kind::Crontab:
    case Kind::CronD:
    case Kind::SystemCrontab:
      if (endsWith(path, ".j2") || isTemplated(content)) {
        ++out.skippedTemplates;
        break;
      }
      readCrontab(path, content, kind, out);
      break;
    case Kind::CronPeriodic:
      readCronPeriodic(path, out);
      break;
    case Kind::Timer:
      readTimer(path, content, out);
      break;
    case Kind::Yaml:
      readYaml(path, content, out);
      break;
    case Kind::Logrotate:
      readLogrotate(path, content, out);
      break;
    case Kind::None:
      break;
  }
  return out;
}

}  // namespace

ScheduleScan extractSchedules(const SourceTree& tree) {
  ScheduleScan scan;
  std::mutex mutex;
  std::vector<std::pair<size_t, std::string>> wantsService;  // index in scan -> unit
  tree.forEachFile(
      [](const SourceFile& f) { return kindOf(f.path) != Kind::None; },
      [&](const SourceFile& f, const std::string& content) {
        Found one;
        try {
          one = readFile(f.path, content, kindOf(f.path));
        } catch (const std::exception& e) {  // a reader bug must not stop the scan
          one = Found{};
          one.warnings.push_back(f.path + ": schedules not read (" + e.what() + ")");
        }
        std::lock_guard lock(mutex);
        const size_t offset = scan.schedules.size();
        for (auto& [index, unit] : one.wantsService)
          wantsService.emplace_back(offset + index, unit);
        scan.schedules.insert(scan.schedules.end(), std::make_move_iterator(one.schedules.begin()),
                              std::make_move_iterator(one.schedules.end()));
        scan.warnings.insert(scan.warnings.end(), one.warnings.begin(), one.warnings.end());
        scan.skippedTemplates += one.skippedTemplates;
      });

  // Timers: the command is the ExecStart= of the unit they start, found by name (in the
  // timer's directory first, then anywhere; "name@x.service" falls back to "name@.service").
  if (!wantsService.empty()) {
    std::map<std::string, std::vector<const SourceFile*>> byName;
    for (const SourceFile& f : tree.files()) {
      if (endsWith(f.path, ".service")) byName[std::string(segments(f.path).back())].push_back(&f);
    }
    std::map<std::string, std::optional<std::string>> contents;
    for (auto& [index, unit] : wantsService) {
      Schedule& s = scan.schedules[index];
      const std::string dir = text::dirName(s.source.path);
      std::vector<std::string> names = {unit};
      size_t atSign = unit.find('@');
      if (atSign != std::string::npos) names.push_back(unit.substr(0, atSign + 1) + ".service");
      const SourceFile* found = nullptr;
      for (const std::string& name : names) {
        auto it = byName.find(name);
        if (it == byName.end()) continue;
        for (const SourceFile* f : it->second) {
          if (text::dirName(f->path) == dir) found = f;
        }
        if (!found) found = it->second.front();
        if (found) break;
      }
      if (!found) {
        s.details.push_back("service " + unit + " not in the repository");
        continue;
      }
      auto cached = contents.find(found->path);
      if (cached == contents.end()) cached = contents.emplace(found->path, tree.read(*found)).first;
      if (!cached->second) continue;
      std::vector<std::string> exec = execStarts(*cached->second);
      if (exec.empty()) {
        s.details.push_back("service " + found->path + " has no ExecStart=");
        continue;
      }
      s.command = exec.front();
      s.details.push_back("service: " + found->path);
      if (exec.size() > 1) {
        s.details.push_back(std::to_string(exec.size() - 1) + " more ExecStart= line(s)");
      }
    }
  }

  std::stable_sort(scan.schedules.begin(), scan.schedules.end(),
                   [](const Schedule& a, const Schedule& b) {
                     return std::tie(a.source.path, a.source.line, a.expression) <
                            std::tie(b.source.path, b.source.line, b.expression);
                   });
  std::sort(scan.warnings.begin(), scan.warnings.end());
  return scan;
}

}  // namespace ddd::analyzers::runbooks
