#include "analyzers/runbooks/runbook_writer.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "analyzers/runbooks/components.h"
#include "analyzers/runbooks/file_input.h"
#include "analyzers/runbooks/markdown.h"
#include "analyzers/runbooks/rollback.h"

namespace ddd::analyzers::runbooks {
namespace {

constexpr size_t kMaxPerList = 8;

// Inline code that survives any content: no newlines, no marker look-alikes.
std::string code(std::string_view raw) {
  std::string s = text::validUtf8(text::clip(raw, 200));  // facts from non-UTF-8 files too
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  for (const char* m : {"ddd:begin", "ddd:end"}) {
    size_t p;
    while ((p = s.find(m)) != std::string::npos) s.replace(p, 4, "ddd- ");
  }
  if (s.find('`') != std::string::npos) return "`` " + s + " ``";
  return "`" + s + "`";
}

std::string plain(std::string_view raw) {
  std::string s = code(raw);
  return s.substr(1, s.size() - 2);
}

std::string number(double v) {
  std::ostringstream o;
  o << (std::round(v * 10) / 10);
  return o.str();
}

std::string joinDetails(const std::vector<std::string>& d) {
  std::string out;
  for (const auto& x : d) {
    if (x.find(' ') != std::string::npos && x.size() > 60) continue;  // whole lines: too long here
    out += (out.empty() ? "" : ", ") + x;
  }
  return out;
}

// The facts one section of a cadence page shows: its own (the component's, or the
// repository-wide ones for the repository section) and, to decide whether a TODO is
// due, the repository-wide ones a component also benefits from.
struct View {
  std::string component;  // "" = the repository-wide section
  std::vector<const Fact*> facts;
  std::vector<const Fact*> shared;  // repository-wide facts (empty for the repository section)
  std::vector<const Operation*> ops;
  std::vector<const Schedule*> schedules;
  std::vector<const Schedule*> sharedSchedules;  // repository-wide ones (for components)
  std::vector<const DocSection*> docs;

  bool repositoryWide() const { return component.empty(); }
  template <typename Pred>
  std::vector<const Fact*> where(Pred p) const {
    std::vector<const Fact*> out;
    for (const Fact* f : facts) {
      if (p(*f)) out.push_back(f);
    }
    return out;
  }
  template <typename Pred>
  bool sharedHas(Pred p) const {
    for (const Fact* f : shared) {
      if (p(*f)) return true;
    }
    return false;
  }
  // A TODO is due when neither this section nor the repository-wide one has the fact; the
  // repository-wide section itself lists what exists and never asks.
  template <typename Pred>
  bool needsTodo(const std::vector<const Fact*>& own, Pred p) const {
    return !repositoryWide() && own.empty() && !sharedHas(p);
  }
};

// One checklist under construction, counting cited and TODO items.
class Checklist {
 public:
  explicit Checklist(ItemCounts& counts) : counts_(counts) {}
  void item(const std::string& what, const SourceRef& src) {
    out_ += "- [ ] " + what + " — `" + src.cite() + "`\n";
    ++counts_.cited;
    ++items_;
  }
  void todo(const std::string& what) {
    out_ += "- [ ] **TODO:** " + what + "\n";
    ++counts_.todo;
    ++items_;
  }
  void more(size_t n) {
    if (n > 0) out_ += "- _... and " + std::to_string(n) + " more like these in `ddd scan --analyzers runbooks` output_\n";
  }
  void heading(const std::string& h) { out_ += "\n**" + h + "**\n\n"; }
  void text(const std::string& t) { out_ += t; }
  const std::string& str() const { return out_; }
  int items() const { return items_; }

 private:
  ItemCounts& counts_;
  std::string out_;
  int items_ = 0;
};

template <typename T, typename Fn>
void listCapped(const std::vector<T>& xs, Checklist& c, Fn fn) {
  for (size_t i = 0; i < xs.size() && i < kMaxPerList; ++i) fn(xs[i]);
  if (xs.size() > kMaxPerList) c.more(xs.size() - kMaxPerList);
}

bool cadenceIn(Cadence c, std::initializer_list<Cadence> set) {
  for (Cadence x : set) {
    if (x == c) return true;
  }
  return false;
}

std::vector<const Schedule*> schedulesIn(const View& v, std::initializer_list<Cadence> cadences) {
  std::vector<const Schedule*> xs;
  for (const Schedule* s : v.schedules) {
    if (cadenceIn(s->cadence, cadences)) xs.push_back(s);
  }
  return xs;
}

void scheduleItems(const View& v, std::initializer_list<Cadence> cadences, Checklist& c) {
  std::vector<const Schedule*> xs;
  for (const Schedule* s : schedulesIn(v, cadences)) {
    if (s->origin != "certificate") xs.push_back(s);  // its cert-expiry fact is the item
  }
  listCapped(xs, c, [&](const Schedule* s) {
    std::string what;
    if (s->origin == "logrotate") {
      what = "Confirm " + code(s->name) + " is " + s->description;
    } else {
      what = "Confirm the scheduled " + plain(s->origin) + " job " + code(s->name.empty() ? s->expression : s->name) +
             " ran (" + code(s->expression) + (s->description.empty() ? "" : ": " + s->description) + ")";
      if (!s->command.empty()) what += ": " + code(s->command);
    }
    c.item(what, s->source);
  });
}

// The schedules a page lists: daily / sub-daily on daily.md, and so on.
bool pageShows(const std::string& kind, Cadence c) {
  if (kind == "daily") return c == Cadence::SubDaily || c == Cadence::Daily;
  if (kind == "weekly") return c == Cadence::Weekly;
  if (kind == "monthly") return c == Cadence::Monthly;
  if (kind == "quarterly") return c == Cadence::Quarterly || c == Cadence::Annual;
  return false;
}

// Access lines: what the facts, operations and schedules a page shows need (the first
// source of each). Operations count on rollback.md, and backups / upgrades on weekly.md.
std::vector<std::pair<std::string, SourceRef>> accessNeeds(const View& v, const std::string& kind) {
  std::map<std::string, SourceRef> first;
  for (const Fact* f : v.facts) {
    if (kind == "rollback") break;
    std::string key;
    if (f->type == "k8s-probe" || f->type == "hpa-target" || f->type == "resource-limit" || f->type == "resource-request") key = "kubectl";
    else if (f->type == "prometheus-alert") key = "prometheus";
    else if (f->type == "validation-task") key = "ansible";
    else if (f->type == "compose-healthcheck" || f->type == "docker-healthcheck") key = "docker";
    else if (f->type == "http-health-route") key = "http";
    else if (f->type == "cert-expiry") key = "certificates";
    // Only what the page's checklist uses: probes and alerts daily, limits monthly...
    const bool shown = kind == "daily"     ? key != "certificates" && f->type != "hpa-target" && f->type.rfind("resource-", 0) != 0
                       : kind == "weekly"  ? f->type == "validation-task"
                       : kind == "monthly" ? f->type == "hpa-target" || f->type.rfind("resource-", 0) == 0
                                           : key == "certificates";
    if (!shown) continue;
    if (!key.empty() && first.count(key) == 0) first[key] = f->source;
  }
  for (const Operation* o : v.ops) {
    if (kind != "rollback" && !(kind == "weekly" && (o->type == "backup" || o->type == "package-upgrade"))) continue;
    std::string key;
    if (o->type.rfind("migration", 0) == 0) key = "database";
    else if (o->type == "k8s-workload") key = "kubectl";
    else if (o->type == "helm-chart") key = "helm";
    else if (o->type == "terraform") key = "terraform";
    else if (o->type == "package-upgrade") key = "hosts";
    else if (o->type == "backup") key = "backups";
    if (!key.empty() && first.count(key) == 0) first[key] = o->source;
  }
  for (const Schedule* s : v.schedules) {
    if (!pageShows(kind, s->cadence)) continue;
    const std::string key = s->origin == "k8s-cronjob"      ? "kubectl"
                            : s->origin == "github-actions" ? "ci"
                            : s->origin == "certificate"    ? "certificates"
                                                            : "hosts-schedules";
    if (first.count(key) == 0) first[key] = s->source;
  }
  static const std::map<std::string, std::string> kWhat = {
      {"kubectl", "kubectl access to the cluster and namespace these manifests deploy to"},
      {"prometheus", "read access to Prometheus / Alertmanager where these alert rules are loaded"},
      {"ansible", "SSH with become (sudo) on the hosts this role / playbook targets"},
      {"docker", "access to the Docker host that runs these containers"},
      {"http", "network access to the service's HTTP port"},
      {"database", "database credentials allowed to change the schema"},
      {"helm", "helm access to the release installed from this chart"},
      {"terraform", "credentials of the cloud account this Terraform configuration manages, and its state"},
      {"hosts", "administrator access to the hosts whose packages are upgraded"},
      {"backups", "read access to where the backups are written, and the rights the restore needs"},
      {"certificates", "access to where these certificates are issued and deployed"},
      {"ci", "access to the repository's CI runs (scheduled workflows)"},
      {"hosts-schedules", "a shell on the hosts that run these schedules (crontab, systemd timers, logrotate)"},
  };
  std::vector<std::pair<std::string, SourceRef>> out;
  for (const auto& [key, src] : first) out.emplace_back(kWhat.at(key), src);
  return out;
}

std::string accessText(const std::vector<std::pair<std::string, SourceRef>>& needs, bool repositoryWide) {
  std::string out;
  for (const auto& [what, src] : needs) out += "- " + what + " (`" + src.cite() + "`)\n";
  if (out.empty()) {
    out = repositoryWide ? "- nothing beyond read access to this repository\n"
                         : "- **TODO:** the repository does not say which systems this component runs on or what access "
                           "maintaining it needs\n";
  }
  return out;
}

bool isRoute(const Fact& f) {
  return f.type == "alertmanager-route" || f.type == "alertmanager-receiver" || f.type == "codeowners" ||
         f.type == "oncall-note";
}

// Escalation: who is told (routes, receivers, owners, on-call notes; the repository's own
// when the component has none) and, daily, which alerts and log messages mean escalate.
void escalation(const View& v, Checklist& c, bool daily) {
  c.heading("Escalation triggers");
  if (daily) {
    const auto alerts = v.where([](const Fact& f) { return f.type == "prometheus-alert"; });
    listCapped(alerts, c, [&](const Fact* f) {
      std::string sev = joinDetails(f->details);
      c.item("Alert " + code(f->subject) + " fires" + (sev.empty() ? "" : " (" + sev + ")") + ": escalate per the route below",
             f->source);
    });
  }
  std::vector<const Fact*> routes = v.where(isRoute);
  if (routes.empty() && !v.repositoryWide()) {
    for (const Fact* f : v.shared) {
      if (isRoute(*f)) routes.push_back(f);
    }
  }
  listCapped(routes, c, [&](const Fact* f) {
    if (f->type == "alertmanager-route") {
      c.item("Alerts matching " + code(f->value) + " go to receiver " + code(f->subject), f->source);
    } else if (f->type == "alertmanager-receiver") {
      c.item("Receiver " + code(f->subject) + " notifies via " + code(f->value), f->source);
    } else if (f->type == "codeowners") {
      c.item("When a check above fails, tell the owners of " + code(f->subject) + ": " + code(f->value), f->source);
    } else {
      c.item("On-call: " + plain(f->subject) + (f->value.empty() ? "" : " — " + plain(f->value)), f->source);
    }
  });
  if (routes.empty() && !v.repositoryWide()) {
    c.todo("who is paged or notified when this component fails (no Alertmanager route, CODEOWNERS or on-call note found)");
  }
  if (!daily) return;
  // Error exits with a message say what a failure looks like in the logs.
  std::vector<const Fact*> exits;
  for (const Fact* f : v.facts) {
    if ((f->type == "error-exit" || f->type == "error-log") && !f->value.empty() && f->value.size() > 8) exits.push_back(f);
  }
  for (size_t i = 0; i < exits.size() && i < 5; ++i) {
    c.item("Escalate when the logs show " + code(exits[i]->value) + " (" + plain(exits[i]->subject) + ")", exits[i]->source);
  }
  if (exits.size() > 5) c.more(exits.size() - 5);
}

std::string timeLine(int items, int minutesEach) {
  if (items == 0) return "**Time required:** **TODO** — nothing to check was found yet\n";
  return "**Time required:** about " + std::to_string(items * minutesEach) + " minutes (estimate: " +
         std::to_string(minutesEach) + " min for each of " + std::to_string(items) + " checklist items)\n";
}

std::string sectionTitle(const View& v) {
  return v.repositoryWide() ? "## Repository-wide\n\nThese apply to every component below.\n"
                            : "## Component: " + plain(v.component) + "\n";
}

// One section of a cadence page; `body` fills the checklist and returns the expected
// results; the time estimate counts the checklist's items.
struct SectionText {
  std::string text;
  int items = 0;
};
SectionText cadenceSection(ItemCounts& counts, const View& v, const std::string& kind, int minutesEach,
                           const std::function<std::string(Checklist&)>& body) {
  const bool daily = kind == "daily";
  Checklist list(counts);
  list.heading("Checklist");
  const std::string expected = body(list);
  Checklist esc(counts);
  escalation(v, esc, daily);
  SectionText out;
  out.items = list.items();
  out.text = sectionTitle(v) + "\n" + timeLine(list.items(), minutesEach);
  out.text += "\n**Access required:**\n\n" + accessText(accessNeeds(v, kind), v.repositoryWide());
  out.text += list.str();
  out.text += "\n**Expected results:**\n\n" +
              (expected.empty() ? std::string("- every checklist item above is done and nothing needs escalating\n") : expected);
  out.text += esc.str();
  return out;
}

// Checks that show a running component is healthy (Ansible uri / wait_for tasks too).
bool isHealthCheck(const Fact& f) {
  return f.type == "http-health-route" || f.type == "k8s-probe" || f.type == "docker-healthcheck" ||
         f.type == "compose-healthcheck" ||
         (f.type == "validation-task" && (f.value.rfind("uri ", 0) == 0 || f.value.rfind("wait_for", 0) == 0));
}

bool isPerformance(const Fact& f) {
  return f.type == "performance-baselines" || f.type == "timeout" || f.type == "retry-limit";
}
bool isCapacity(const Fact& f) {
  return f.type == "resource-limit" || f.type == "resource-request" || f.type == "hpa-target" || f.type == "capacity";
}
bool isValidation(const Fact& f) {
  return f.type == "change-validation" || f.type == "smoke-test" || f.type == "helm-test" ||
         (f.type == "validation-task" && !isHealthCheck(f));
}

std::string dailyChecklist(const View& v, Checklist& c) {
  const auto health = v.where(isHealthCheck);
  const auto alerts = v.where([](const Fact& f) { return f.type == "prometheus-alert"; });
  const auto thresholds = v.where([](const Fact& f) { return f.type == "threshold"; });
  const auto logs = v.where([](const Fact& f) { return f.type == "log-management"; });
  const auto drift = v.where([](const Fact& f) { return f.type == "drift-detection"; });
  listCapped(health, c, [&](const Fact* f) {
    const std::string d = joinDetails(f->details);
    if (f->type == "http-health-route") c.item("Call " + code(f->value) + " on the service; expect a 2xx answer", f->source);
    else if (f->type == "k8s-probe") c.item("Confirm the " + plain(f->subject) + " passes: " + code(f->value) + (d.empty() ? "" : " (" + d + ")"), f->source);
    else if (f->type == "validation-task") c.item("Check " + code(f->value) + (f->subject.empty() ? "" : " (task " + code(f->subject) + ")") + " succeeds", f->source);
    else if (f->type == "docker-healthcheck") c.item("Confirm the container reports `healthy`: " + code("HEALTHCHECK " + f->value), f->source);
    else c.item("Confirm compose service " + code(f->subject) + " is `healthy`: " + code(f->value), f->source);
  });
  if (v.needsTodo(health, isHealthCheck)) c.todo("the command or URL that shows this component is healthy (no health route, probe or HEALTHCHECK found)");
  listCapped(alerts, c, [&](const Fact* f) {
    const std::string d = joinDetails(f->details);
    c.item("Confirm alert " + code(f->subject) + " is not firing: " + code(f->value) + (d.empty() ? "" : " (" + d + ")"), f->source);
  });
  listCapped(thresholds, c, [&](const Fact* f) {
    c.item("Check " + code(f->subject) + " against its threshold " + code(f->value), f->source);
  });
  std::vector<const Fact*> both = alerts;
  both.insert(both.end(), thresholds.begin(), thresholds.end());
  if (v.needsTodo(both, [](const Fact& f) { return f.type == "prometheus-alert" || f.type == "threshold"; })) {
    c.todo("the metrics to watch and the values that need action (no alert rule or named threshold found)");
  }
  listCapped(logs, c, [&](const Fact* f) { c.item("Check logs are written and rotated as configured: " + code(f->value), f->source); });
  const bool rotated = std::any_of(v.schedules.begin(), v.schedules.end(), [](const Schedule* s) { return s->origin == "logrotate"; });
  if (!rotated && v.needsTodo(logs, [](const Fact& f) { return f.type == "log-management"; })) {
    c.todo("where this component's logs are and how long they are kept (no logging or rotation config found)");
  }
  listCapped(drift, c, [&](const Fact* f) { c.item("Run the drift check: " + code(f->value), f->source); });
  if (v.needsTodo(drift, [](const Fact& f) { return f.type == "drift-detection"; })) {
    c.todo("how to detect configuration drift (no terraform plan, ansible --check --diff, helm diff or kubectl diff found)");
  }
  scheduleItems(v, {Cadence::SubDaily, Cadence::Daily}, c);
  std::string expected;
  if (!health.empty()) expected += "- every health check above answers success (HTTP 2xx, probe passing, container `healthy`)\n";
  if (!alerts.empty()) expected += "- none of the alerts above is firing\n";
  if (!thresholds.empty()) expected += "- the measured values stay on the safe side of the thresholds above\n";
  if (!drift.empty()) expected += "- the drift check reports no changes\n";
  if (!schedulesIn(v, {Cadence::SubDaily, Cadence::Daily}).empty()) expected += "- each scheduled job above ran at its last slot and exited successfully\n";
  if (expected.empty() && !v.repositoryWide()) expected = "- **TODO:** what a healthy day looks like (no health check or threshold found)\n";
  return expected;
}

std::string weeklyChecklist(const View& v, Checklist& c, size_t withoutWayBack, const std::string& rollbackPage) {
  auto isPatching = [](const Fact& f) { return f.type == "patching"; };
  auto isRestore = [](const Fact& f) { return f.type == "restore-procedure"; };
  const auto patching = v.where(isPatching);
  const auto restores = v.where(isRestore);
  const auto validation = v.where(isValidation);
  std::vector<const Operation*> upgrades, backups;
  for (const Operation* o : v.ops) {
    if (o->type == "package-upgrade") upgrades.push_back(o);
    if (o->type == "backup") backups.push_back(o);
  }
  listCapped(patching, c, [&](const Fact* f) { c.item("Review and merge pending automated updates: " + code(f->value), f->source); });
  listCapped(upgrades, c, [&](const Operation* o) {
    c.item("Apply the package upgrade " + code(o->name) + " (" + plain(joinDetails(o->details)) + "); follow its block in " + rollbackPage, o->source);
  });
  if (upgrades.empty() && v.needsTodo(patching, isPatching)) c.todo("how this component is patched (no Dependabot/Renovate config or package upgrade task found)");
  listCapped(backups, c, [&](const Operation* o) { c.item("Confirm the backup " + code(o->name) + " ran and its output is new", o->source); });
  listCapped(restores, c, [&](const Fact* f) { c.item("Test a restore with " + code(f->value), f->source); });
  bool backupJob = false;
  for (const Schedule* s : v.schedules) backupJob = backupJob || text::containsIgnoreCase(s->name + " " + s->command, "backup");
  if (!v.repositoryWide()) {
    if (backups.empty() && !backupJob) c.todo("what data of this component must be backed up, and how (no backup script or job found)");
    else if (restores.empty() && !v.sharedHas(isRestore)) c.todo("how to restore the backups this component makes (no restore script found)");
  }
  listCapped(validation, c, [&](const Fact* f) {
    c.item("Validate changes with " + code(f->value.empty() ? f->subject : f->value), f->source);
  });
  if (v.needsTodo(validation, isValidation)) c.todo("how a change to this component is validated (no CI tests, smoke test or validation task found)");
  std::vector<const DocSection*> runbookDocs;
  for (const DocSection* d : v.docs) {
    const std::string h = text::lower(d->heading);
    if (h.find("runbook") != std::string::npos || h.find("operations") != std::string::npos ||
        h.find("rollback") != std::string::npos || h.find("maintenance") != std::string::npos) {
      runbookDocs.push_back(d);
    }
  }
  listCapped(runbookDocs, c, [&](const DocSection* d) { c.item("Keep " + code(d->heading) + " up to date with this week's changes", d->source); });
  if (withoutWayBack > 0) {
    c.todo(std::to_string(withoutWayBack) + " operation(s) have no rollback path: write each in a `## Rollback: <name>` section of " +
           rollbackPage + ", outside the ddd markers");
  }
  scheduleItems(v, {Cadence::Weekly}, c);
  std::string expected;
  if (!backups.empty() || backupJob) expected += "- a new backup exists for this week and a test restore succeeds\n";
  if (!validation.empty()) expected += "- every validation above passes after the week's changes\n";
  if (!upgrades.empty() || !patching.empty()) expected += "- pending updates are applied or consciously deferred, and the health checks still pass\n";
  if (expected.empty() && !v.repositoryWide()) expected = "- **TODO:** what a successful week of maintenance leaves behind (no patching, backup or validation found)\n";
  return expected;
}

std::string monthlyChecklist(const View& v, Checklist& c) {
  auto isCompliance = [](const Fact& f) { return f.type == "compliance-audit"; };
  auto isLifecycle = [](const Fact& f) { return f.type == "lifecycle" || f.type == "retention"; };
  const auto capacity = v.where(isCapacity);
  const auto perf = v.where(isPerformance);
  const auto compliance = v.where(isCompliance);
  const auto lifecycle = v.where([](const Fact& f) { return f.type == "lifecycle"; });
  const auto retention = v.where([](const Fact& f) { return f.type == "retention"; });
  listCapped(capacity, c, [&](const Fact* f) {
    const std::string d = joinDetails(f->details);
    c.item("Compare actual usage" + (f->subject.empty() ? std::string() : " of " + code(f->subject)) + " with " +
               plain(f->type) + " " + code(f->value) + (d.empty() ? "" : " (" + d + ")"),
           f->source);
  });
  if (v.needsTodo(capacity, isCapacity)) c.todo("the capacity limits to review (no resource limits, autoscaling or quotas found)");
  listCapped(perf, c, [&](const Fact* f) {
    if (f->type == "performance-baselines") c.item("Re-run the baseline " + code(f->value) + " and compare", f->source);
    else c.item("Review " + plain(f->type) + " " + code(f->subject) + " = " + code(f->value) + " against observed behaviour", f->source);
  });
  if (v.needsTodo(perf, isPerformance)) c.todo("the performance baseline to compare against (no benchmark, load test, timeout or latency threshold found)");
  listCapped(compliance, c, [&](const Fact* f) { c.item("Review the audit / security findings of " + code(f->value), f->source); });
  if (v.needsTodo(compliance, isCompliance)) c.todo("the compliance or audit checks that apply (no security policy, audit log or scanner found)");
  listCapped(retention, c, [&](const Fact* f) {
    const std::string d = joinDetails(f->details);
    c.item("Review retention / TTL " + code(f->subject) + " = " + code(f->value) + (d.empty() ? "" : " (" + d + ")") +
               ": still what this data needs, and enforced",
           f->source);
  });
  listCapped(lifecycle, c, [&](const Fact* f) { c.item("Check lifecycle dates and versions: " + code(f->value), f->source); });
  std::vector<const Fact*> both = lifecycle;
  both.insert(both.end(), retention.begin(), retention.end());
  if (v.needsTodo(both, isLifecycle)) c.todo("end-of-life dates, supported versions and retention to watch (none found)");
  scheduleItems(v, {Cadence::Monthly}, c);
  std::string expected;
  if (!capacity.empty()) expected += "- usage stays below the limits and autoscaling bounds above, with room for next month's growth\n";
  if (!perf.empty()) expected += "- timings stay within the timeouts and baselines above\n";
  if (!compliance.empty()) expected += "- the scanners and policies above report no new violations\n";
  if (!retention.empty()) expected += "- data older than the retention / TTL settings above is gone, and what is younger is still there\n";
  if (expected.empty() && !v.repositoryWide()) expected = "- **TODO:** the monthly targets (no capacity limits, baselines or audit config found)\n";
  return expected;
}

std::string quarterlyChecklist(const View& v, Checklist& c) {
  const auto certs = v.where([](const Fact& f) { return f.type == "cert-expiry"; });
  listCapped(certs, c, [&](const Fact* f) {
    const std::string d = joinDetails(f->details);
    c.item("Check the expiry of " + code(f->subject) + " and renew it (or confirm its automatic renewal) in time: " +
               code(f->value) + (d.empty() ? "" : " (" + d + ")"),
           f->source);
  });
  scheduleItems(v, {Cadence::Quarterly, Cadence::Annual}, c);
  std::string expected;
  if (!certs.empty()) expected += "- every certificate above is valid for longer than the next quarter, or its renewal is scheduled\n";
  const auto jobs = schedulesIn(v, {Cadence::Quarterly, Cadence::Annual});
  if (std::any_of(jobs.begin(), jobs.end(), [](const Schedule* s) { return s->origin != "certificate"; })) {
    expected += "- each quarterly / annual job above ran at its last slot\n";
  }
  return expected;
}

// --- rollback.md --------------------------------------------------------------------------

void operationBlock(Checklist& c, const View& v, const Operation& op) {
  const auto health = v.where(isHealthCheck);
  const auto validation = v.where([](const Fact& f) {
    return (f.type == "validation-task" && !isHealthCheck(f)) || f.type == "smoke-test" || f.type == "helm-test";
  });
  const auto restores = v.where([](const Fact& f) { return f.type == "restore-procedure"; });
  const Operation* backup = nullptr;
  for (const Operation* o : v.ops) {
    if (o->type == "backup" && !backup) backup = o;
  }
  c.text("\n### " + operationLabel(op) + ": " + plain(op.name) + "\n\nDefined at `" + op.source.cite() + "`" +
         (op.details.empty() ? "" : " (" + plain(joinDetails(op.details)) + ")") + ".\n");
  c.heading("Pre-flight");
  if (op.type == "backup") {
    // The job that runs it: its own component's first, then a repository-wide one (a
    // scheduled workflow with a backup job).
    const Schedule* job = nullptr;
    for (const auto* list : {&v.schedules, &v.sharedSchedules}) {
      for (const Schedule* s : *list) {
        std::string about = s->name + " " + s->command;
        for (const auto& d : s->details) about += " " + d;
        if (!job && (text::containsIgnoreCase(about, "backup") || text::contains(about, op.name))) job = s;
      }
    }
    const bool scheduled = job != nullptr;
    if (job) {
      c.item("Know when it runs: " + code(job->expression) + " (" + job->description + "), " +
                 plain(job->origin) + " " + code(job->name.empty() ? job->command : job->name),
             job->source);
    }
    if (!scheduled) c.todo("when this backup runs (no schedule for it found)");
    if (job && !job->command.empty() && job->origin != "github-actions") {
      c.item("Check there is room where it writes: " + code(job->command), job->source);
    } else {
      c.todo("where the backups are stored and how much space a run needs (the repository does not say)");
    }
  } else {
    if (backup) c.item("Take a backup first: " + code(backup->name), backup->source);
    else if (op.type.rfind("migration", 0) == 0 || op.type == "terraform") c.todo("how to back up the data this change touches (no backup found)");
    if (!health.empty()) c.item("Confirm the component is healthy before starting: " + code(health[0]->value), health[0]->source);
    else c.todo("the health check to run before the change");
  }
  c.heading("Validation");
  if (op.type == "backup") {
    if (!restores.empty()) c.item("Restore the newest backup into a scratch environment with " + code(restores[0]->value), restores[0]->source);
    else c.todo("how to prove a backup can be restored (no restore script found)");
  } else {
    for (size_t i = 0; i < health.size() && i < 3; ++i) c.item("After the change, " + code(health[i]->value) + " succeeds", health[i]->source);
    for (size_t i = 0; i < validation.size() && i < 3; ++i) c.item("Run " + code(validation[i]->value), validation[i]->source);
    if (health.empty() && validation.empty()) c.todo("how to tell the change worked (no health check or validation task found)");
  }
  c.heading("Rollback");
  if (op.rollback == RollbackState::InCode) {
    c.item("Roll back with " + code(op.rollbackEvidence), op.source);
  } else if (!op.documentedAt.empty()) {
    const size_t colon = op.documentedAt.rfind(':');
    SourceRef doc{op.documentedAt.substr(0, colon),
                  static_cast<uint32_t>(std::strtoul(op.documentedAt.c_str() + colon + 1, nullptr, 10))};
    c.item("Follow the documented rollback", doc);
  } else {
    c.todo("no rollback path" + (op.rollbackEvidence.empty() ? std::string() : " (" + plain(op.rollbackEvidence) + ")") +
           ". Write it in a `## Rollback: " + plain(op.name) + "` section of this page, outside the ddd markers: " +
           rollbackNeeds(op));
  }
}

SectionText rollbackSection(ItemCounts& counts, const View& v) {
  Checklist c(counts);
  size_t shown = 0;
  for (const Operation* op : v.ops) {
    if (++shown > 25) {
      c.text("\n_... and " + std::to_string(v.ops.size() - 25) +
             " more operations: see `ddd scan --analyzers runbooks` details._\n");
      break;
    }
    operationBlock(c, v, *op);
  }
  SectionText out;
  out.items = c.items();
  out.text = sectionTitle(v) + "\n" + timeLine(c.items(), 5);
  out.text += "\n**Access required:**\n\n" + accessText(accessNeeds(v, "rollback"), v.repositoryWide());
  out.text += c.str();
  out.text += "\n**Expected results:**\n\n- after a change: every validation above passes; after a rollback: the previous "
              "version is live and the same validations pass\n";
  Checklist esc(counts);
  escalation(v, esc, false);
  out.text += esc.str();
  return out;
}

const char* kHeader =
    "_Drafted by ddd from this repository's own files. Every checklist item names its source "
    "(path:line); **TODO** items name what the repository does not say. Edit freely outside the "
    "ddd markers (HTML comments): regeneration rewrites only the marked regions._\n";

struct Page {
  const char* kind;
  const char* title;
  const char* intro;
  int minutesEach;
};

const Page kPages[] = {
    {"daily", "Daily maintenance", "Health checks, thresholds and alerts, logs, drift, and the jobs that run every day.", 2},
    {"weekly", "Weekly maintenance", "Patching, backups and restore tests, change validation and runbook upkeep.", 5},
    {"monthly", "Monthly maintenance", "Capacity, performance, compliance / audit, lifecycle and retention.", 10},
    {"quarterly", "Quarterly and annual maintenance", "Certificate expiry and the jobs that run every quarter or year.", 15},
    {"rollback", "Change procedures and rollback", "For each operation that changes a running system: pre-flight, validation and rollback.", 5},
};

}  // namespace

std::string sectionId(const std::string& component) {
  if (component.empty()) return "repository-wide";
  std::string id = componentSlug(component);
  if (id == "overview" || id == "repository-wide") id += "-component";
  return id;
}

std::vector<RunbookFile> renderRunbooks(const FileFacts& facts, const std::vector<Schedule>& schedules,
                                        const Readiness& readiness, const std::string& outputDir) {
  // The views: the repository-wide one first, then one per component.
  std::vector<View> views;
  View shared;
  for (const Fact& f : facts.facts) {
    if (f.component.empty()) shared.facts.push_back(&f);
  }
  for (const Operation& o : facts.operations) {
    if (o.component.empty()) shared.ops.push_back(&o);
  }
  for (const Schedule& s : schedules) {
    if (s.component.empty()) shared.schedules.push_back(&s);
  }
  auto generated = [&](const DocSection& d) { return d.source.path.rfind(outputDir + "/", 0) == 0; };
  for (const DocSection& d : facts.docs) {
    if (d.component.empty() && !generated(d)) shared.docs.push_back(&d);
  }
  views.push_back(shared);
  for (const ComponentReadiness& cr : readiness.components) {
    View v;
    v.component = cr.name;
    v.shared = shared.facts;
    v.sharedSchedules = shared.schedules;
    for (const Fact& f : facts.facts) {
      if (f.component == cr.name) v.facts.push_back(&f);
    }
    for (const Operation& o : facts.operations) {
      if (o.component == cr.name) v.ops.push_back(&o);
    }
    for (const Schedule& s : schedules) {
      if (s.component == cr.name) v.schedules.push_back(&s);
    }
    for (const DocSection& d : facts.docs) {
      if (d.component == cr.name && !generated(d)) v.docs.push_back(&d);
    }
    views.push_back(std::move(v));
  }
  // Unique marker ids, whatever the component names.
  std::vector<std::string> ids;
  std::set<std::string> taken;
  for (const View& v : views) {
    std::string id = sectionId(v.component);
    for (int n = 2; !taken.insert(id).second; ++n) id = sectionId(v.component) + "-" + std::to_string(n);
    ids.push_back(id);
  }
  const bool quarterly =
      std::any_of(facts.facts.begin(), facts.facts.end(), [](const Fact& f) { return f.type == "cert-expiry"; }) ||
      std::any_of(schedules.begin(), schedules.end(), [](const Schedule& s) {
        return s.cadence == Cadence::Quarterly || s.cadence == Cadence::Annual;
      });
  const std::string rollbackPage = "[rollback.md](rollback.md)";

  std::vector<RunbookFile> files;
  for (const Page& page : kPages) {
    const std::string kind = page.kind;
    if (kind == "quarterly" && !quarterly) continue;
    RunbookFile file;
    file.kind = kind;
    file.path = outputDir + "/" + kind + ".md";
    std::vector<std::pair<std::string, std::string>> sections;
    int totalItems = 0;
    std::map<std::string, SourceRef> access;
    for (size_t i = 0; i < views.size(); ++i) {
      const View& v = views[i];
      ItemCounts& counts = file.byComponent[v.component];
      SectionText s;
      if (kind == "rollback") {
        if (v.ops.empty()) {
          if (v.repositoryWide()) continue;
          s.text = sectionTitle(v) + "\nNo operation that needs a rollback path was found for this component.\n";
        } else {
          s = rollbackSection(counts, v);
        }
      } else if (kind == "daily") {
        s = cadenceSection(counts, v, kind, page.minutesEach, [&](Checklist& c) { return dailyChecklist(v, c); });
      } else if (kind == "weekly") {
        size_t withoutWayBack = 0;
        for (const Operation* o : v.ops) {
          if (o->rollback != RollbackState::InCode && o->documentedAt.empty()) ++withoutWayBack;
        }
        s = cadenceSection(counts, v, kind, page.minutesEach,
                           [&](Checklist& c) { return weeklyChecklist(v, c, withoutWayBack, rollbackPage); });
      } else if (kind == "monthly") {
        s = cadenceSection(counts, v, kind, page.minutesEach, [&](Checklist& c) { return monthlyChecklist(v, c); });
      } else {
        const bool any = std::any_of(v.facts.begin(), v.facts.end(), [](const Fact* f) { return f->type == "cert-expiry"; }) ||
                         !schedulesIn(v, {Cadence::Quarterly, Cadence::Annual}).empty();
        if (!any) {
          if (v.repositoryWide()) continue;
          s.text = sectionTitle(v) + "\nNothing quarterly or annual was found for this component.\n";
        } else {
          s = cadenceSection(counts, v, kind, page.minutesEach, [&](Checklist& c) { return quarterlyChecklist(v, c); });
        }
      }
      // The repository-wide section only when it has something to show.
      if (v.repositoryWide() && s.items == 0) continue;
      totalItems += s.items;
      for (const auto& [what, src] : accessNeeds(v, kind)) access.emplace(what, src);
      sections.emplace_back(ids[i], s.text);
    }
    // Only sections that were written have a row (a skipped repository-wide one has none).
    std::set<std::string> written;
    for (size_t i = 0; i < views.size(); ++i) {
      for (const auto& section : sections) {
        if (section.first == ids[i]) written.insert(views[i].component);
      }
    }
    for (auto it = file.byComponent.begin(); it != file.byComponent.end();) {
      it = written.count(it->first) ? std::next(it) : file.byComponent.erase(it);
    }
    for (const auto& [component, counts] : file.byComponent) {
      file.items.cited += counts.cited;
      file.items.todo += counts.todo;
    }
    // The overview: time and access for the whole page, and where the TODOs are.
    std::string overview = std::string(kHeader) + "\n" + page.intro + "\n\n" +
                           timeLine(totalItems, page.minutesEach);
    overview += "\n**Access required (all sections):**\n\n";
    std::vector<std::pair<std::string, SourceRef>> accessList(access.begin(), access.end());
    overview += accessText(accessList, true);
    overview += "\n| section | checklist items cited | TODO |\n|---|---|---|\n";
    for (const auto& [component, counts] : file.byComponent) {
      overview += "| " + (component.empty() ? std::string("repository-wide") : plain(component)) + " | " +
                  std::to_string(counts.cited) + " | " + std::to_string(counts.todo) + " |\n";
    }
    file.regions.emplace_back("overview", overview);
    for (auto& s : sections) file.regions.push_back(std::move(s));
    file.fresh = "# " + std::string(page.title) + "\n";
    for (const auto& [id, content] : file.regions) {
      file.fresh += "\n" + beginMarker(id) + "\n" + content + endMarker(id) + "\n";
    }
    file.fresh += kind == "rollback"
                      ? "\n## Notes\n\nWrite `## Rollback: <name>` sections here (outside the markers): ddd reads them "
                        "and stops reporting the operation.\n"
                      : "\n## Notes\n\nHuman notes go here (outside the markers); regeneration keeps them.\n";
    files.push_back(std::move(file));
  }

  // The index: readiness per component and what costs points.
  RunbookFile index;
  index.path = outputDir + "/README.md";
  std::string table = std::string(kHeader) + "\n";
  for (const RunbookFile& f : files) {
    table += "- [" + f.kind + ".md](" + f.kind + ".md): " + std::to_string(f.items.cited) + " cited checklist items, " +
             std::to_string(f.items.todo) + " TODO\n";
  }
  if (!schedules.empty()) table += "- [maintenance.ics](maintenance.ics): the schedules found, as a calendar to import\n";
  table += "\nRepository readiness: **" + number(readiness.score) + "/100**";
  if (!readiness.cadences.empty()) {
    table += " (daily " + number(readiness.cadences.at("daily")) + ", weekly " +
             number(readiness.cadences.at("weekly")) + ", monthly " + number(readiness.cadences.at("monthly")) + ")";
  }
  table += ", weights " + number(readiness.weights.daily) + " / " + number(readiness.weights.weekly) + " / " +
           number(readiness.weights.monthly) + ".\n\n| component | score | daily | weekly | monthly | missing elements |\n|---|---|---|---|---|---|\n";
  for (const auto& cr : readiness.components) {
    std::string missing;
    for (const auto& e : cr.elements) {
      if (!e.found) missing += (missing.empty() ? "" : ", ") + e.label;
    }
    table += "| " + plain(cr.name) + " | " + number(cr.score) + " | " + number(cr.cadences.at("daily")) + " | " +
             number(cr.cadences.at("weekly")) + " | " + number(cr.cadences.at("monthly")) + " | " +
             (missing.empty() ? "none" : missing) + " |\n";
  }
  if (!readiness.missing.empty()) {
    table += "\nWhat costs points:\n\n";
    for (const auto& m : readiness.missing) table += "- " + m + "\n";
  }
  index.regions.emplace_back("index", table);
  index.fresh = "# Maintenance runbooks\n\n" + beginMarker("index") + "\n" + table + endMarker("index") + "\n";
  files.push_back(std::move(index));
  return files;
}

}  // namespace ddd::analyzers::runbooks
