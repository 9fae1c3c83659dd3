#include "analyzers/runbooks/runbook_writer.h"

#include <cmath>
#include <functional>
#include <map>
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
  std::string s(text::clip(raw, 200));
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

// One checklist under construction, counting cited and TODO items.
class Checklist {
 public:
  explicit Checklist(RunbookFile& file) : file_(file) {}
  void item(const std::string& what, const SourceRef& src) {
    out_ += "- [ ] " + what + " — `" + src.cite() + "`\n";
    ++file_.citedItems;
  }
  void todo(const std::string& what) {
    out_ += "- [ ] **TODO:** " + what + "\n";
    ++file_.todoItems;
  }
  void more(size_t n) {
    if (n > 0) out_ += "- _... and " + std::to_string(n) + " more like these in `ddd scan --analyzers runbooks` output_\n";
  }
  void heading(const std::string& h) { out_ += "\n**" + h + "**\n\n"; }
  void text(const std::string& t) { out_ += t; }
  const std::string& str() const { return out_; }
  size_t size() const { return out_.size(); }

 private:
  RunbookFile& file_;
  std::string out_;
};

struct View {
  std::vector<const Fact*> facts;
  std::vector<const Operation*> ops;
  std::vector<const Schedule*> schedules;
  std::vector<const DocSection*> docs;

  template <typename Pred>
  std::vector<const Fact*> where(Pred p) const {
    std::vector<const Fact*> out;
    for (const Fact* f : facts) {
      if (p(*f)) out.push_back(f);
    }
    return out;
  }
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

void scheduleItems(const View& v, std::initializer_list<Cadence> cadences, Checklist& c) {
  std::vector<const Schedule*> xs;
  for (const Schedule* s : v.schedules) {
    if (cadenceIn(s->cadence, cadences)) xs.push_back(s);
  }
  listCapped(xs, c, [&](const Schedule* s) {
    std::string what = "Confirm the scheduled " + plain(s->origin) + " job " + code(s->name.empty() ? s->expression : s->name) +
                       " ran (" + code(s->expression) + (s->description.empty() ? "" : ": " + s->description) + ")";
    if (!s->command.empty()) what += ": " + code(s->command);
    c.item(what, s->source);
  });
}

std::string accessFor(const View& v, Checklist& c) {
  std::string out;
  auto line = [&](const std::string& what, const SourceRef& src) {
    out += "- " + what + " (`" + src.cite() + "`)\n";
  };
  std::map<std::string, const SourceRef*> first;
  for (const Fact* f : v.facts) {
    std::string key;
    if (f->type == "k8s-probe" || f->type == "hpa-target" || f->type == "resource-limit" || f->type == "resource-request") key = "kubectl";
    else if (f->type == "prometheus-alert") key = "prometheus";
    else if (f->type == "validation-task") key = "ansible";
    else if (f->type == "compose-healthcheck" || f->type == "docker-healthcheck") key = "docker";
    else if (f->type == "http-health-route") key = "http";
    if (!key.empty() && first.count(key) == 0) first[key] = &f->source;
  }
  for (const Operation* o : v.ops) {
    std::string key;
    if (o->type.rfind("migration", 0) == 0) key = "database";
    else if (o->type == "k8s-workload") key = "kubectl";
    else if (o->type == "helm-chart") key = "helm";
    else if (o->type == "terraform") key = "terraform";
    else if (o->type == "package-upgrade") key = "hosts";
    if (!key.empty() && first.count(key) == 0) first[key] = &o->source;
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
  };
  for (const auto& [key, src] : first) line(kWhat.at(key), *src);
  if (out.empty()) {
    out = "- **TODO:** the repository does not say which systems this component runs on or what access "
          "maintaining it needs\n";
    (void)c;
  }
  return out;
}

void escalation(const View& v, Checklist& c) {
  c.heading("Escalation triggers");
  const auto alerts = v.where([](const Fact& f) { return f.type == "prometheus-alert"; });
  listCapped(alerts, c, [&](const Fact* f) {
    std::string sev = joinDetails(f->details);
    c.item("Alert " + code(f->subject) + " fires" + (sev.empty() ? "" : " (" + sev + ")") + ": escalate per the route below",
           f->source);
  });
  const auto routes = v.where([](const Fact& f) {
    return f.type == "alertmanager-route" || f.type == "alertmanager-receiver" || f.type == "codeowners" ||
           f.type == "oncall-note";
  });
  listCapped(routes, c, [&](const Fact* f) {
    if (f->type == "alertmanager-route") {
      c.item("Alerts matching " + code(f->value) + " go to receiver " + code(f->subject), f->source);
    } else if (f->type == "alertmanager-receiver") {
      c.item("Receiver " + code(f->subject) + " notifies via " + code(f->value), f->source);
    } else if (f->type == "codeowners") {
      c.item("Owners of " + code(f->subject) + ": " + code(f->value), f->source);
    } else {
      c.item("On-call: " + plain(f->subject) + (f->value.empty() ? "" : " — " + plain(f->value)), f->source);
    }
  });
  if (routes.empty()) c.todo("who is paged or notified when this component fails (no Alertmanager route, CODEOWNERS or on-call note found)");
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

// Renders one cadence region; `body` fills the checklist; time counts its items.
std::string cadenceRegion(RunbookFile& file, const View& v, int minutesEach,
                          const std::function<void(Checklist&)>& body, const std::string& expected,
                          bool withEscalation) {
  const int before = file.citedItems + file.todoItems;
  Checklist list(file);
  body(list);
  const int items = file.citedItems + file.todoItems - before;
  Checklist esc(file);
  if (withEscalation) escalation(v, esc);
  std::string out = timeLine(items, minutesEach);
  out += "\n**Access required:**\n\n" + accessFor(v, list);
  out += list.str();
  out += "\n**Expected results:**\n\n" + expected;
  out += esc.str();
  return out;
}

// Checks that show a running component is healthy (Ansible uri / wait_for tasks too).
bool isHealthCheck(const Fact& f) {
  return f.type == "http-health-route" || f.type == "k8s-probe" || f.type == "docker-healthcheck" ||
         f.type == "compose-healthcheck" ||
         (f.type == "validation-task" && (f.value.rfind("uri ", 0) == 0 || f.value.rfind("wait_for", 0) == 0));
}

std::string dailyRegion(RunbookFile& file, const View& v) {
  const auto health = v.where(isHealthCheck);
  const auto alerts = v.where([](const Fact& f) { return f.type == "prometheus-alert"; });
  const auto thresholds = v.where([](const Fact& f) { return f.type == "threshold"; });
  const auto logs = v.where([](const Fact& f) { return f.type == "log-management"; });
  const auto drift = v.where([](const Fact& f) { return f.type == "drift-detection"; });
  std::string expected;
  if (!health.empty()) expected += "- every health check above answers success (HTTP 2xx, probe passing, container `healthy`)\n";
  if (!alerts.empty()) expected += "- none of the alerts above is firing\n";
  if (!thresholds.empty()) expected += "- the measured values stay on the safe side of the thresholds above\n";
  if (!drift.empty()) expected += "- the drift check reports no changes\n";
  if (expected.empty()) expected = "- **TODO:** what a healthy day looks like (no health check or threshold found)\n";
  return cadenceRegion(file, v, 2, [&](Checklist& c) {
    c.heading("Checklist");
    listCapped(health, c, [&](const Fact* f) {
      const std::string d = joinDetails(f->details);
      if (f->type == "http-health-route") c.item("Call " + code(f->value) + " on the service; expect a 2xx answer", f->source);
      else if (f->type == "k8s-probe") c.item("Confirm the " + plain(f->subject) + " passes: " + code(f->value) + (d.empty() ? "" : " (" + d + ")"), f->source);
      else if (f->type == "validation-task") c.item("Check " + code(f->value) + (f->subject.empty() ? "" : " (task " + code(f->subject) + ")") + " succeeds", f->source);
      else if (f->type == "docker-healthcheck") c.item("Confirm the container reports `healthy`: " + code("HEALTHCHECK " + f->value), f->source);
      else c.item("Confirm compose service " + code(f->subject) + " is `healthy`: " + code(f->value), f->source);
    });
    if (health.empty()) c.todo("the command or URL that shows this component is healthy (no health route, probe or HEALTHCHECK found)");
    listCapped(alerts, c, [&](const Fact* f) {
      const std::string d = joinDetails(f->details);
      c.item("Confirm alert " + code(f->subject) + " is not firing: " + code(f->value) + (d.empty() ? "" : " (" + d + ")"), f->source);
    });
    listCapped(thresholds, c, [&](const Fact* f) {
      c.item("Check " + code(f->subject) + " against its threshold " + code(f->value), f->source);
    });
    if (alerts.empty() && thresholds.empty()) c.todo("the metrics to watch and the values that need action (no alert rule or named threshold found)");
    listCapped(logs, c, [&](const Fact* f) { c.item("Check logs are rotated and kept as configured: " + code(f->value), f->source); });
    if (logs.empty()) c.todo("where this component's logs are and how long they are kept (no logging or rotation config found)");
    listCapped(drift, c, [&](const Fact* f) { c.item("Run the drift check: " + code(f->value), f->source); });
    if (drift.empty()) c.todo("how to detect configuration drift (no terraform plan, ansible --check --diff, helm diff or kubectl diff found)");
    scheduleItems(v, {Cadence::SubDaily, Cadence::Daily}, c);
  }, expected, true);
}

std::string weeklyRegion(RunbookFile& file, const View& v, size_t withoutWayBack) {
  const auto patching = v.where([](const Fact& f) { return f.type == "patching"; });
  const auto restores = v.where([](const Fact& f) { return f.type == "restore-procedure"; });
  const auto validation = v.where([](const Fact& f) {
    return f.type == "change-validation" || f.type == "smoke-test" || f.type == "helm-test" || f.type == "validation-task";
  });
  std::vector<const Operation*> upgrades, backups;
  for (const Operation* o : v.ops) {
    if (o->type == "package-upgrade") upgrades.push_back(o);
    if (o->type == "backup") backups.push_back(o);
  }
  std::string expected;
  if (!backups.empty()) expected += "- a new backup exists for this week and a test restore succeeds\n";
  if (!validation.empty()) expected += "- every validation above passes after the week's changes\n";
  if (!upgrades.empty() || !patching.empty()) expected += "- pending updates are applied or consciously deferred, and the health checks still pass\n";
  if (expected.empty()) expected = "- **TODO:** what a successful week of maintenance leaves behind (no patching, backup or validation found)\n";
  return cadenceRegion(file, v, 5, [&](Checklist& c) {
    c.heading("Checklist");
    listCapped(patching, c, [&](const Fact* f) { c.item("Review and merge pending automated updates: " + code(f->value), f->source); });
    listCapped(upgrades, c, [&](const Operation* o) {
      c.item("Apply the package upgrade " + code(o->name) + " (" + plain(joinDetails(o->details)) + "); see its change procedure below", o->source);
    });
    if (patching.empty() && upgrades.empty()) c.todo("how this component is patched (no Dependabot/Renovate config or package upgrade task found)");
    listCapped(backups, c, [&](const Operation* o) { c.item("Confirm the backup " + code(o->name) + " ran and its output is new", o->source); });
    listCapped(restores, c, [&](const Fact* f) { c.item("Test a restore with " + code(f->value), f->source); });
    bool backupJob = false;
    for (const Schedule* s : v.schedules) {
      backupJob = backupJob || text::containsIgnoreCase(s->name + " " + s->command, "backup");
    }
    if (backups.empty() && !backupJob) c.todo("what data of this component must be backed up, and how (no backup script or job found)");
    else if (backups.empty()) c.todo("how to restore the backups the scheduled job below makes (no restore script found)");
    else if (restores.empty()) c.todo("how to restore the backups above (no restore script found)");
    listCapped(validation, c, [&](const Fact* f) {
      c.item("Validate changes with " + code(f->value.empty() ? f->subject : f->value), f->source);
    });
    if (validation.empty()) c.todo("how a change to this component is validated (no CI tests, smoke test or validation task found)");
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
      c.todo(std::to_string(withoutWayBack) + " operation(s) below have no rollback path: write each in a '## Rollback: <name>' section outside the ddd markers");
    }
    scheduleItems(v, {Cadence::Weekly}, c);
  }, expected, false);
}

std::string monthlyRegion(RunbookFile& file, const View& v) {
  const auto capacity = v.where([](const Fact& f) {
    return f.type == "resource-limit" || f.type == "resource-request" || f.type == "hpa-target" || f.type == "capacity";
  });
  const auto perf = v.where([](const Fact& f) {
    return f.type == "performance-baselines" || f.type == "timeout" || f.type == "retry-limit";
  });
  const auto compliance = v.where([](const Fact& f) { return f.type == "compliance-audit"; });
  const auto lifecycle = v.where([](const Fact& f) { return f.type == "lifecycle"; });
  std::string expected;
  if (!capacity.empty()) expected += "- usage stays below the limits and autoscaling bounds above, with room for next month's growth\n";
  if (!perf.empty()) expected += "- timings stay within the timeouts and baselines above\n";
  if (!compliance.empty()) expected += "- the scanners and policies above report no new violations\n";
  if (expected.empty()) expected = "- **TODO:** the monthly targets (no capacity limits, baselines or audit config found)\n";
  return cadenceRegion(file, v, 10, [&](Checklist& c) {
    c.heading("Checklist");
    listCapped(capacity, c, [&](const Fact* f) {
      const std::string d = joinDetails(f->details);
      c.item("Compare actual usage" + (f->subject.empty() ? std::string() : " of " + code(f->subject)) + " with " +
                 plain(f->type) + " " + code(f->value) + (d.empty() ? "" : " (" + d + ")"),
             f->source);
    });
    if (capacity.empty()) c.todo("the capacity limits to review (no resource limits, autoscaling or quotas found)");
    listCapped(perf, c, [&](const Fact* f) {
      if (f->type == "performance-baselines") c.item("Re-run the baseline " + code(f->value) + " and compare", f->source);
      else c.item("Review " + plain(f->type) + " " + code(f->subject) + " = " + code(f->value) + " against observed behaviour", f->source);
    });
    if (perf.empty()) c.todo("the performance baseline to compare against (no benchmark, load test, timeout or latency threshold found)");
    listCapped(compliance, c, [&](const Fact* f) { c.item("Review the audit / security findings of " + code(f->value), f->source); });
    if (compliance.empty()) c.todo("the compliance or audit checks that apply (no security policy, audit log or scanner found)");
    listCapped(lifecycle, c, [&](const Fact* f) { c.item("Check lifecycle dates and versions: " + code(f->value), f->source); });
    if (lifecycle.empty()) c.todo("end-of-life dates, retention and certificate expiry to watch (none found)");
    scheduleItems(v, {Cadence::Monthly, Cadence::Quarterly, Cadence::Annual}, c);
  }, expected, false);
}

std::string changesRegion(RunbookFile& file, const View& v) {
  if (v.ops.empty()) return "No operation that needs a rollback path was found for this component.\n";
  const auto health = v.where(isHealthCheck);
  const auto validation = v.where([](const Fact& f) {
    return (f.type == "validation-task" && !isHealthCheck(f)) || f.type == "smoke-test" || f.type == "helm-test";
  });
  const Operation* backup = nullptr;
  for (const Operation* o : v.ops) {
    if (o->type == "backup" && !backup) backup = o;
  }
  std::string out;
  size_t shown = 0;
  for (const Operation* op : v.ops) {
    if (op->type == "backup") continue;
    if (++shown > 25) {
      out += "\n_... and more operations: see `ddd scan --analyzers runbooks` details._\n";
      break;
    }
    Checklist c(file);
    c.text("\n### " + operationLabel(*op) + ": " + plain(op->name) + "\n\nDefined at `" + op->source.cite() + "`" +
           (op->details.empty() ? "" : " (" + plain(joinDetails(op->details)) + ")") + ".\n");
    c.heading("Pre-flight");
    if (backup) c.item("Take a backup first: " + code(backup->name), backup->source);
    else if (op->type.rfind("migration", 0) == 0 || op->type == "terraform") c.todo("how to back up the data this change touches (no backup found)");
    if (!health.empty()) c.item("Confirm the component is healthy before starting: " + code(health[0]->value), health[0]->source);
    else c.todo("the health check to run before the change");
    c.heading("Validation");
    for (size_t i = 0; i < health.size() && i < 3; ++i) c.item("After the change, " + code(health[i]->value) + " succeeds", health[i]->source);
    for (size_t i = 0; i < validation.size() && i < 3; ++i) c.item("Run " + code(validation[i]->value), validation[i]->source);
    if (health.empty() && validation.empty()) c.todo("how to tell the change worked (no health check or validation task found)");
    c.heading("Rollback");
    if (op->rollback == RollbackState::InCode) {
      c.item("Roll back with " + code(op->rollbackEvidence), op->source);
    } else if (!op->documentedAt.empty()) {
      const size_t colon = op->documentedAt.rfind(':');
      SourceRef doc{op->documentedAt.substr(0, colon),
                    static_cast<uint32_t>(std::stoul(op->documentedAt.substr(colon + 1)))};
      c.item("Follow the documented rollback", doc);
    } else {
      c.todo("no rollback path" + (op->rollbackEvidence.empty() ? std::string() : " (" + plain(op->rollbackEvidence) + ")") +
             ". Write it in a `## Rollback: " + plain(op->name) + "` section outside the ddd markers: " + rollbackNeeds(*op));
    }
    out += c.str();
  }
  return out;
}

}  // namespace

std::vector<RunbookFile> renderRunbooks(const FileFacts& facts, const std::vector<Schedule>& schedules,
                                        const Readiness& readiness, const std::string& outputDir) {
  std::vector<RunbookFile> files;
  const std::string header =
      "_Drafted by ddd from this repository's own files. Every checklist item names its source "
      "(path:line); **TODO** items name what the repository does not say. Edit freely outside the "
      "ddd markers (HTML comments): regeneration rewrites only the marked regions._\n";
  for (const ComponentReadiness& cr : readiness.components) {
    View v;
    auto mine = [&](const std::string& c) { return c.empty() || c == cr.name; };
    for (const Fact& f : facts.facts) {
      if (mine(f.component)) v.facts.push_back(&f);
    }
    for (const Operation& o : facts.operations) {
      if (o.component == cr.name) v.ops.push_back(&o);
    }
    for (const Schedule& s : schedules) {
      if (mine(s.component)) v.schedules.push_back(&s);
    }
    for (const DocSection& d : facts.docs) {
      if (mine(d.component) && d.source.path.rfind(outputDir + "/", 0) != 0) v.docs.push_back(&d);
    }
    size_t withoutWayBack = 0;
    for (const Operation* o : v.ops) {
      if (o->rollback != RollbackState::InCode && o->documentedAt.empty()) ++withoutWayBack;
    }
    RunbookFile file;
    file.component = cr.name;
    file.path = outputDir + "/" + componentSlug(cr.name) + ".md";
    std::string summary = header + "\nReadiness: **" + number(cr.score) + "/100** (daily " +
                          number(cr.cadences.at("daily")) + ", weekly " + number(cr.cadences.at("weekly")) +
                          ", monthly " + number(cr.cadences.at("monthly")) + ").\n";
    std::string missing;
    for (const auto& e : cr.elements) {
      if (!e.found) missing += "- " + e.cadence + " / " + e.label + ": " + e.missing + "\n";
    }
    if (!missing.empty()) summary += "\nMissing elements that cost points:\n\n" + missing;
    file.regions.emplace_back("summary", summary);
    file.regions.emplace_back("daily", dailyRegion(file, v));
    file.regions.emplace_back("weekly", weeklyRegion(file, v, withoutWayBack));
    file.regions.emplace_back("monthly", monthlyRegion(file, v));
    file.regions.emplace_back("changes", changesRegion(file, v));
    const std::pair<const char*, const char*> layout[] = {
        {"summary", nullptr}, {"daily", "Daily checks"}, {"weekly", "Weekly tasks"},
        {"monthly", "Monthly review"}, {"changes", "Change procedures"}};
    file.fresh = "# Runbook: " + plain(cr.name) + "\n";
    for (size_t i = 0; i < file.regions.size(); ++i) {
      if (layout[i].second) file.fresh += "\n## " + std::string(layout[i].second) + "\n";
      file.fresh += "\n" + beginMarker(file.regions[i].first) + "\n" + file.regions[i].second +
                    endMarker(file.regions[i].first) + "\n";
    }
    file.fresh += "\n## Notes\n\nHuman notes and `## Rollback: <name>` sections go here (outside the markers).\n";
    files.push_back(std::move(file));
  }
  // The index.
  RunbookFile index;
  index.path = outputDir + "/README.md";
  std::string table = header + "\nRepository readiness: **" + number(readiness.score) + "/100**";
  if (!readiness.cadences.empty()) {
    table += " (daily " + number(readiness.cadences.at("daily")) + ", weekly " +
             number(readiness.cadences.at("weekly")) + ", monthly " + number(readiness.cadences.at("monthly")) + ")";
  }
  table += ", weights " + number(readiness.weights.daily) + " / " + number(readiness.weights.weekly) + " / " +
           number(readiness.weights.monthly) + ".\n\n| component | score | daily | weekly | monthly | runbook | checklist items cited / TODO |\n|---|---|---|---|---|---|---|\n";
  for (size_t i = 0; i < readiness.components.size(); ++i) {
    const auto& cr = readiness.components[i];
    const RunbookFile& f = files[i];
    table += "| " + plain(cr.name) + " | " + number(cr.score) + " | " + number(cr.cadences.at("daily")) + " | " +
             number(cr.cadences.at("weekly")) + " | " + number(cr.cadences.at("monthly")) + " | [" +
             componentSlug(cr.name) + ".md](" + componentSlug(cr.name) + ".md) | " + std::to_string(f.citedItems) +
             " / " + std::to_string(f.todoItems) + " |\n";
  }
  if (!readiness.missing.empty()) {
    table += "\nWhat costs points:\n\n";
    for (const auto& m : readiness.missing) table += "- " + m + "\n";
  }
  std::vector<const Operation*> shared;
  for (const Operation& o : facts.operations) {
    if (o.component.empty()) shared.push_back(&o);
  }
  View sharedView;
  for (const Fact& f : facts.facts) {
    if (f.component.empty()) sharedView.facts.push_back(&f);
  }
  sharedView.ops = shared;
  index.regions.emplace_back("index", table);
  index.regions.emplace_back("repository-changes", changesRegion(index, sharedView));
  index.fresh = "# Maintenance runbooks\n\n" + beginMarker("index") + "\n" + index.regions[0].second + endMarker("index") +
                "\n\n## Repository-wide change procedures\n\n" + beginMarker("repository-changes") + "\n" +
                index.regions[1].second + endMarker("repository-changes") + "\n";
  files.push_back(std::move(index));
  return files;
}

}  // namespace ddd::analyzers::runbooks
