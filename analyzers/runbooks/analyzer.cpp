#include "analyzers/runbooks/analyzer.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <optional>
#include <tuple>

#include "analyzers/runbooks/extract.h"
#include "analyzers/runbooks/file_input.h"
#include "analyzers/runbooks/markdown.h"
#include "analyzers/runbooks/rollback.h"
#include "analyzers/runbooks/runbook_writer.h"

namespace ddd::analyzers::runbooks {
namespace {

using nlohmann::json;

[[noreturn]] void invalid(const std::string& field, const std::string& what) {
  throw RunbooksConfigError("runbooks." + field + ": " + what);
}

std::vector<std::string> stringList(const json& j, const std::string& field) {
  if (!j.is_array()) invalid(field, "must be a list of strings");
  std::vector<std::string> out;
  for (const auto& item : j) {
    if (!item.is_string() || item.get<std::string>().empty()) invalid(field, "must be a list of non-empty strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

deprecations::GlobSet globs(const json& j, const std::string& field) {
  try {
    return deprecations::GlobSet(stringList(j, field));
  } catch (const deprecations::GlobError& e) {
    invalid(field, e.what());
  }
}

Finding missingRollback(const Operation& op, const std::string& outputDir) {
  Finding f;
  f.analyzer = "runbooks";
  f.rule = "runbooks.missing-rollback-docs";
  f.severity = op.rollback == RollbackState::Missing ? Severity::Warning : Severity::Note;
  f.path = op.source.path;
  f.line = op.source.line;
  const std::string component = op.component.empty() ? "repository" : op.component;
  const std::string target = outputDir + "/rollback.md";
  f.message = operationLabel(op) + " '" + op.name + "' has no rollback path in code or docs" +
              (op.rollbackEvidence.empty() ? "" : " (" + op.rollbackEvidence + ")") +
              ". Document it in " + target + " (section 'Rollback: " + op.name +
              "', outside the ddd markers): " + rollbackNeeds(op) + ".";
  f.properties = {{"operation", op.type},
                  {"name", op.name},
                  {"component", component},
                  {"codeRollback", op.rollback == RollbackState::Missing ? "broken" : "none"},
                  {"rollbackDoc", target},
                  {"rollbackMustSay", rollbackNeeds(op)}};
  if (!op.details.empty()) f.properties["details"] = op.details;
  return f;
}

// The committed content of `path`, nullopt when the tree has no such file. `unreadable`
// is set when it exists but cannot be read (binary, too large).
std::optional<std::string> readPath(const SourceTree& tree, const std::string& path, bool* unreadable) {
  const auto& files = tree.files();
  auto it = std::lower_bound(files.begin(), files.end(), path,
                             [](const SourceFile& f, const std::string& p) { return f.path < p; });
  *unreadable = false;
  if (it == files.end() || it->path != path) return std::nullopt;
  auto content = tree.read(*it);
  if (!content) *unreadable = true;
  return content;
}

uint32_t countLines(const std::string& s) {
  return static_cast<uint32_t>(std::count(s.begin(), s.end(), '\n'));
}

json share(const ItemCounts& c) {
  const int all = c.cited + c.todo;
  return {{"cited", c.cited}, {"todo", c.todo}, {"citedShare", all ? std::round(1000.0 * c.cited / all) / 1000 : 0.0}};
}

// Files under the output directory written by an earlier ddd that made one runbook per
// component ("# Runbook: <name>" with a "summary" region): no longer regenerated.
void warnAboutLegacyPages(const SourceTree& tree, const std::string& outputDir,
                          const std::vector<RunbookFile>& files, AnalysisResult& result) {
  for (const SourceFile& f : tree.files()) {
    if (f.path.rfind(outputDir + "/", 0) != 0 || text::extension(f.path) != ".md") continue;
    if (std::any_of(files.begin(), files.end(), [&](const RunbookFile& r) { return r.path == f.path; })) continue;
    const auto content = tree.read(f);
    if (!content || content->rfind("# Runbook: ", 0) != 0 ||
        content->find("<!-- ddd:begin summary -->") == std::string::npos) {
      continue;
    }
    result.warnings.push_back(f.path + ": a per-component runbook from an earlier ddd; its checklists now live in " +
                              outputDir + "/daily.md, weekly.md, monthly.md and rollback.md. It is no longer "
                              "regenerated: move its human notes, then delete it");
  }
}

// The runbook update: every generated file merged into what the tree has; files whose
// markers are broken are left alone with a warning and a finding.
void proposeRunbooks(const SourceTree& tree, const FileFacts& facts, const std::vector<Schedule>& schedules,
                     const Readiness& readiness, const RunbooksConfig& config, AnalysisResult& result) {
  std::vector<RunbookFile> files = renderRunbooks(facts, schedules, readiness, config.outputDir);
  warnAboutLegacyPages(tree, config.outputDir, files, result);
  // A cadence page no longer generated (quarterly.md once nothing is quarterly) that the
  // tree still has: its regions say so below, like a section whose component went away.
  for (const char* kind : {"daily", "weekly", "monthly", "quarterly", "rollback"}) {
    const std::string path = config.outputDir + "/" + kind + ".md";
    if (std::any_of(files.begin(), files.end(), [&](const RunbookFile& f) { return f.path == path; })) continue;
    bool unreadable = false;
    if (!readPath(tree, path, &unreadable) && !unreadable) continue;
    RunbookFile stale;
    stale.path = path;
    stale.kind = "";  // counts nothing
    files.push_back(std::move(stale));
  }
  ProposedChange change;
  change.id = "runbooks/maintenance";
  change.title = "Runbooks: daily / weekly / monthly maintenance and rollback plans for " +
                 std::to_string(readiness.components.size()) + " component(s)";
  json perFile = json::object();
  std::map<std::string, ItemCounts> perComponent;
  ItemCounts total;
  std::string listing;
  for (const RunbookFile& f : files) {
    total.cited += f.items.cited;
    total.todo += f.items.todo;
    if (!f.kind.empty()) {
      perFile[f.path] = share(f.items);
      for (const auto& [component, counts] : f.byComponent) {
        ItemCounts& c = perComponent[component.empty() ? std::string("(repository-wide)") : component];
        c.cited += counts.cited;
        c.todo += counts.todo;
      }
    }
    bool unreadable = false;
    const std::optional<std::string> existing = readPath(tree, f.path, &unreadable);
    if (unreadable) {
      result.warnings.push_back(f.path + ": exists but cannot be read (binary or too large); left alone");
      continue;
    }
    // A section whose component (or facts) went away says so instead of going stale; a
    // person deletes it (regions are ddd's, so rewriting one loses nothing of theirs).
    std::vector<std::pair<std::string, std::string>> regions = f.regions;
    if (existing) {
      const MarkerParse markers = parseMarkers(*existing);
      for (const MarkerRegion& r : markers.regions) {
        const bool generated = std::any_of(regions.begin(), regions.end(),
                                           [&](const auto& g) { return g.first == r.id; });
        if (!generated) {
          regions.emplace_back(r.id, "_ddd no longer generates this section: its component or the facts it "
                                     "listed are gone from the repository. Delete it, markers included._\n");
        }
      }
    }
    if (!existing && f.fresh.empty()) continue;
    const MergeResult merged = mergeRegions(existing, f.fresh, regions);
    if (!merged.content) {
      std::string why;
      for (const auto& e : merged.errors) why += (why.empty() ? "" : "; ") + e;
      result.warnings.push_back(f.path + ": broken ddd markers (" + why +
                                "); the file is left alone — fix the markers to have it regenerated");
      Finding finding;
      finding.analyzer = "runbooks";
      finding.rule = "runbooks.broken-markers";
      finding.severity = Severity::Warning;
      finding.path = f.path;
      finding.message = "ddd markers are broken (" + why +
                        "), so this runbook is not regenerated; every <!-- ddd:begin ID --> needs a "
                        "matching <!-- ddd:end ID --> on its own line, not nested";
      result.findings.push_back(std::move(finding));
      continue;
    }
    if (existing && *merged.content == *existing) continue;
    FileEdit edit;
    edit.path = f.path;
    edit.newContent = merged.content;
    change.facts.linesTouched += countLines(*merged.content);
    listing += "- `" + f.path + "`" + (existing ? " (regions updated)" : " (new)") +
               (f.kind.empty() ? "" : ": " + std::to_string(f.items.cited) + " cited checklist items, " +
                                          std::to_string(f.items.todo) + " TODO") + "\n";
    change.edits.push_back(std::move(edit));
  }
  // The maintenance calendar: every schedule with a recurrence, importable anywhere.
  if (!schedules.empty()) {
    const std::string path = config.outputDir + "/maintenance.ics";
    const std::string ics = renderCalendar(schedules);
    bool unreadable = false;
    const std::optional<std::string> existing = readPath(tree, path, &unreadable);
    if (unreadable) {
      result.warnings.push_back(path + ": exists but cannot be read (binary or too large); left alone");
    } else if (!existing || *existing != ics) {
      size_t events = 0;
      for (size_t p = ics.find("BEGIN:VEVENT"); p != std::string::npos; p = ics.find("BEGIN:VEVENT", p + 1)) ++events;
      FileEdit edit;
      edit.path = path;
      edit.newContent = ics;
      change.facts.linesTouched += countLines(ics);
      listing += "- `" + path + "`: " + std::to_string(events) + " recurring event(s) from " +
                 std::to_string(schedules.size()) + " schedule(s), as an iCalendar file (import it into any calendar)\n";
      change.edits.push_back(std::move(edit));
    }
  }
  json components = json::object();
  for (const auto& [name, counts] : perComponent) components[name] = share(counts);
  result.details["checklist"] = share(total);
  result.details["checklist"]["files"] = perFile;
  result.details["checklist"]["components"] = components;
  if (change.edits.empty()) return;
  std::sort(change.edits.begin(), change.edits.end(),
            [](const FileEdit& a, const FileEdit& b) { return a.path < b.path; });
  const int all = total.cited + total.todo;
  change.facts.analyzer = "runbooks";
  change.facts.ecosystem = "runbooks";
  change.facts.updateType = "docs";
  change.facts.filesTouched = static_cast<uint32_t>(change.edits.size());
  change.facts.confidence = all ? static_cast<double>(total.cited) / all : 0.0;
  change.facts.labels = {"documentation", "runbooks"};
  for (const auto& e : change.edits) change.facts.paths.push_back(e.path);
  change.whatChanges = "Writes the maintenance runbooks (one page per cadence — daily, weekly, monthly, and "
                       "quarterly when something is — with a section per component, the change procedures "
                       "with their rollback in rollback.md), their index and the maintenance calendar:\n\n" + listing;
  change.why = "Maintenance readiness is " + std::to_string(readiness.score).substr(0, std::to_string(readiness.score).find('.') + 2) +
               "/100. The checklists turn facts already in the repository (health checks, alert rules, "
               "thresholds, schedules, retention, certificates, migrations, backups) into procedures: " +
               std::to_string(total.cited) + " items cite their source, " + std::to_string(total.todo) +
               " are TODOs naming what the repository does not say.";
  change.risk = "Documentation only. Only the regions between ddd markers are written; text outside them "
                "is kept byte for byte. TODO items need a person who knows the system.";
  change.rollback = "Revert this pull request's commit; nothing but the files listed changes.";
  result.changes.push_back(std::move(change));
}

}  // namespace

RunbooksConfig parseRunbooksConfig(const json& section) {
  RunbooksConfig config;
  if (section.is_null()) return config;
  if (!section.is_object()) throw RunbooksConfigError("runbooks: must be an object");
  for (const auto& [key, value] : section.items()) {
    if (key == "components") {
      if (!value.is_array()) invalid(key, "must be a list of {name, paths}");
      for (size_t i = 0; i < value.size(); ++i) {
        const json& c = value[i];
        const std::string where = "components[" + std::to_string(i) + "]";
        if (!c.is_object() || !c.contains("name") || !c["name"].is_string() || !c.contains("paths")) {
          invalid(where, "must be an object with a name and paths");
        }
        ComponentRule rule;
        rule.name = c["name"].get<std::string>();
        if (rule.name.empty()) invalid(where + ".name", "must not be empty");
        rule.paths = globs(c["paths"], where + ".paths");
        config.components.push_back(std::move(rule));
      }
    } else if (key == "weights") {
      if (!value.is_object()) invalid(key, "must be an object {daily, weekly, monthly}");
      for (const auto& [cadence, w] : value.items()) {
        if (!w.is_number() || w.get<double>() < 0) invalid(key + "." + cadence, "must be a number >= 0");
        if (cadence == "daily") config.weights.daily = w.get<double>();
        else if (cadence == "weekly") config.weights.weekly = w.get<double>();
        else if (cadence == "monthly") config.weights.monthly = w.get<double>();
        else invalid(key + "." + cadence, "unknown cadence (daily, weekly, monthly)");
      }
      if (config.weights.daily + config.weights.weekly + config.weights.monthly <= 0) {
        invalid(key, "at least one weight must be above 0");
      }
    } else if (key == "outputDir") {
      if (!value.is_string() || value.get<std::string>().empty()) invalid(key, "must be a non-empty path");
      std::string dir = value.get<std::string>();
      while (!dir.empty() && dir.back() == '/') dir.pop_back();
      if (dir.empty() || dir[0] == '/' || dir.find("..") != std::string::npos) {
        invalid(key, "must be a relative path inside the repository");
      }
      config.outputDir = dir;
    } else if (key == "generate") {
      if (!value.is_boolean()) invalid(key, "must be true or false");
      config.generate = value.get<bool>();
    } else if (key == "ignorePaths") {
      config.ignorePaths = globs(value, key);
    } else {
      invalid(key, "unknown field (components, weights, outputDir, generate, ignorePaths)");
    }
  }
  return config;
}

AnalysisResult RunbooksAnalyzer::run(const SourceTree& tree, const AnalyzerContext& context) {
  const RunbooksConfig config = parseRunbooksConfig(context.config);
  AnalysisResult result;
  auto want = [&](const std::string& path) {
    return config.ignorePaths.empty() || !config.ignorePaths.matches(path);
  };
  FileFacts facts = extractFacts(tree, want);
  ScheduleScan scheduleScan = extractSchedules(tree);
  std::vector<Schedule> schedules;
  for (auto& sc : scheduleScan.schedules) {
    if (want(sc.source.path)) schedules.push_back(std::move(sc));
  }
  // Schedules the facts imply (certificate renewals), in source order with the others.
  for (auto& sc : facts.schedules) schedules.push_back(std::move(sc));
  facts.schedules.clear();
  std::stable_sort(schedules.begin(), schedules.end(), [](const Schedule& a, const Schedule& b) {
    return std::tie(a.source.path, a.source.line, a.expression) < std::tie(b.source.path, b.source.line, b.expression);
  });

  std::vector<std::string> paths;
  for (const auto& f : tree.files()) {
    if (want(f.path)) paths.push_back(f.path);
  }
  const ComponentMap components(paths, config.components, context.repoName);
  for (auto& f : facts.facts) f.component = components.componentOf(f.source.path);
  for (auto& o : facts.operations) o.component = components.componentOf(o.source.path);
  for (auto& d : facts.docs) d.component = components.componentOf(d.source.path);
  for (auto& s : schedules) s.component = components.componentOf(s.source.path);
  // A backup's way back is its restore: a restore procedure next to it, or else in its
  // component, counts as one in code.
  for (Operation& op : facts.operations) {
    if (op.type != "backup" || op.rollback == RollbackState::InCode) continue;
    const Fact* nearest = nullptr;
    for (const Fact& f : facts.facts) {
      if (f.type != "restore-procedure" || f.component != op.component) continue;
      const bool sameDir = text::dirName(f.source.path) == text::dirName(op.source.path);
      if (!nearest || (sameDir && text::dirName(nearest->source.path) != text::dirName(op.source.path))) {
        nearest = &f;
      }
    }
    if (nearest) {
      op.rollback = RollbackState::InCode;
      op.rollbackEvidence = "restore with " + nearest->value + " (" + nearest->source.cite() + ")";
    }
  }
  matchRollbackDocs(facts.operations, facts.docs);

  for (const Operation& op : facts.operations) {
    if (op.rollback == RollbackState::InCode || !op.documentedAt.empty()) continue;
    result.findings.push_back(missingRollback(op, config.outputDir));
  }

  const Readiness readiness =
      scoreReadiness(facts, schedules, components.components(), config.weights, config.outputDir);
  result.details["readiness"] = toJson(readiness);
  std::map<std::string, int> byKind;
  for (const auto& f : facts.facts) ++byKind[std::string(toString(f.kind)) + ":" + f.type];
  for (const auto& o : facts.operations) ++byKind["operation:" + o.type];
  json counts = json::object();
  for (const auto& [k, v] : byKind) counts[k] = v;
  result.details["facts"] = counts;
  json ops = json::array();
  for (const auto& o : facts.operations) {
    ops.push_back({{"type", o.type},
                   {"name", o.name},
                   {"source", o.source.cite()},
                   {"component", o.component},
                   {"rollback", o.rollback == RollbackState::InCode ? "in-code"
                                : !o.documentedAt.empty()          ? "documented"
                                : o.rollback == RollbackState::Missing ? "broken"
                                                                       : "none"},
                   {"evidence", o.documentedAt.empty() ? o.rollbackEvidence : o.documentedAt}});
  }
  result.details["operations"] = std::move(ops);
  result.details["skippedTemplates"] = facts.skippedTemplates;
  json scheduleList = json::array();
  for (const auto& sc : schedules) {
    scheduleList.push_back({{"source", sc.source.cite()},
                            {"origin", sc.origin},
                            {"expression", sc.expression},
                            {"description", sc.description},
                            {"cadence", toString(sc.cadence)},
                            {"name", sc.name},
                            {"component", sc.component}});
    if (!sc.normalized.empty()) scheduleList.back()["cron"] = sc.normalized;
    if (!sc.rrule.empty()) scheduleList.back()["rrule"] = sc.rrule;
  }
  result.details["schedules"] = std::move(scheduleList);
  for (auto& w : scheduleScan.warnings) result.warnings.push_back(std::move(w));
  if (config.generate) {
    proposeRunbooks(tree, facts, schedules, readiness, config, result);
  }

  for (auto& w : facts.warnings) result.warnings.push_back(std::move(w));
  if (facts.skippedTemplates > 0) {
    result.warnings.push_back(std::to_string(facts.skippedTemplates) +
                              " template file(s) (Helm / Jinja) are not YAML until rendered; their "
                              "YAML facts were skipped");
  }
  sortResult(result);
  return result;
}

}  // namespace ddd::analyzers::runbooks
