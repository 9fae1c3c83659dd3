#include "analyzers/deprecations/analyzer.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>

#include "analyzers/deprecations/language.h"

namespace ddd::analyzers::deprecations {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxTableRows = 500;  // occurrences listed in a PR body

[[noreturn]] void configError(const std::string& field, const std::string& what) {
  throw DeprecationsConfigError("deprecations." + field + ": " + what);
}

std::vector<std::string> configStringList(const json& value, const std::string& field) {
  if (!value.is_array())
    configError(field, std::string("must be a list of strings, got ") + value.type_name());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string() || value[i].get_ref<const std::string&>().empty()) {
      configError(field + "[" + std::to_string(i) + "]", "must be a non-empty string");
    }
    out.push_back(value[i].get<std::string>());
  }
  return out;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// `text` as Markdown inline code on one line of a table cell.
std::string inlineCode(std::string_view text) {
  std::string flat;
  for (std::size_t i = 0; i < text.size() && flat.size() < 200; ++i) {
    const char c = text[i];
    if (c == '\r') continue;
    if (c == '\n') {
      flat += "\\n";
    } else if (c == '|') {
      flat += "\\|";
    } else {
      flat += c;
    }
  }
  if (flat.size() >= 200) flat += "...";
  if (flat.empty()) return "(nothing)";
  const std::string fence = flat.find('`') == std::string::npos ? "`" : "`` ";
  const std::string close = fence == "`" ? "`" : " ``";
  return fence + flat + close;
}

std::string groupKey(const Rule& rule, Grouping grouping) {
  switch (grouping) {
    case Grouping::Rule: {
      std::string key = rule.id;
      std::replace(key.begin(), key.end(), '.', '-');
      return key;
    }
    case Grouping::All:
      return rule.safe ? "all" : "all-review";
    case Grouping::Pack:
      break;
  }
  return rule.safe ? rule.pack : rule.pack + "-review";
}

// One file's share of a change.
// A span shown in its line, before and after the edit, for the PR's table.
struct SpanInLine {
  std::string before;
  std::string after;
};

SpanInLine spanInLine(std::string_view content, std::size_t begin, std::size_t end,
                      const std::string& replacement) {
  constexpr std::size_t kContext = 40;  // bytes kept either side of the span on long lines
  std::size_t from = content.rfind('\n', begin == 0 ? 0 : begin - 1);
  from = (from == std::string_view::npos || begin == 0) ? 0 : from + 1;
  std::size_t to = content.find('\n', end);
  if (to == std::string_view::npos) to = content.size();
  if (to > end && content[to - 1] == '\r') --to;
  while (from < begin && (content[from] == ' ' || content[from] == '\t')) ++from;
  std::string prefix;
  std::string suffix;
  if (begin - from > kContext) {
    from = begin - kContext;
    prefix = "...";
  }
  if (to > end && to - end > kContext) {
    to = end + kContext;
    suffix = "...";
  }
  SpanInLine out;
  out.before = prefix + std::string(content.substr(from, to - from)) + suffix;
  out.after = prefix + std::string(content.substr(from, begin - from)) + replacement +
              std::string(content.substr(end, to - end)) + suffix;
  return out;
}

struct GroupedFile {
  FileEdit edit;
  std::vector<const Rule*> spanRules;  // the rule of each span
  std::vector<SpanInLine> spanLines;   // each span in its line
  uint32_t linesTouched = 0;
};

std::string applySpans(std::string_view content, const std::vector<SpanEdit>& spans) {
  std::string out;
  std::size_t size = content.size();
  for (const SpanEdit& s : spans) size = size - s.length + s.replacement.size();
  out.reserve(size);
  std::size_t at = 0;
  for (const SpanEdit& s : spans) {
    out.append(content.substr(at, s.offset - at));
    out += s.replacement;
    at = s.offset + s.length;
  }
  out.append(content.substr(at));
  return out;
}

uint32_t countLinesTouched(const std::vector<SpanEdit>& spans) {
  uint32_t touched = 0;
  uint32_t lastCounted = 0;
  for (const SpanEdit& s : spans) {
    const uint32_t first = std::max(s.line, lastCounted + 1);
    const auto last =
        static_cast<uint32_t>(s.line + std::count(s.before.begin(), s.before.end(), '\n'));
    if (last >= first) touched += last - first + 1;
    lastCounted = std::max(lastCounted, last);
  }
  return touched;
}

// Everything one run collects from the per-file callbacks (which run on many threads).
class Collector {
 public:
  void add(std::vector<Finding>&& findings, std::map<std::string, GroupedFile>&& groups) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (Finding& f : findings) findings_.push_back(std::move(f));
    for (auto& [key, file] : groups) groups_[key].push_back(std::move(file));
  }
  std::vector<Finding>& findings() { return findings_; }
  std::map<std::string, std::vector<GroupedFile>>& groups() { return groups_; }

 private:
  std::mutex mutex_;
  std::vector<Finding> findings_;
  std::map<std::string, std::vector<GroupedFile>> groups_;
};

// The rules in effect for one run and what changes they feed.
struct ActiveRules {
  std::vector<RulePack> packs;               // owns every rule
  std::vector<const Rule*> rules;            // enabled, in pack order
  std::vector<std::string> changeKeyOfRule;  // by the rule's index in `rules`
  std::map<std::string, std::string> packTitles;
};

class FileScanner {
 public:
  FileScanner(const ActiveRules& active, const RuleMatcher& matcher, std::size_t matchLimit,
              Collector& collector)
      : active_(active), matcher_(matcher), matchLimit_(matchLimit), collector_(collector) {}

  void scan(const SourceFile& file, Language language, const std::string& content) const {
    thread_local FileMatches fm;
    matcher_.scan(file.path, language, content, fm);
    if (fm.matches.empty() && fm.overflows.empty()) return;

    // Choose the edits: no-op replacements dropped; of overlapping spans the first
    // (by offset, then rule order) wins.
    thread_local std::vector<uint32_t> edits;
    thread_local std::vector<char> kept;
    edits.clear();
    kept.assign(fm.matches.size(), 0);
    for (uint32_t i = 0; i < fm.matches.size(); ++i) {
      const RuleMatch& m = fm.matches[i];
      if (!m.hasEdit) continue;
      if (std::string_view(content).substr(m.editBegin, m.editEnd - m.editBegin) == m.replacement)
        continue;
      edits.push_back(i);
    }
    std::stable_sort(edits.begin(), edits.end(), [&](uint32_t a, uint32_t b) {
      const RuleMatch& x = fm.matches[a];
      const RuleMatch& y = fm.matches[b];
      return x.editBegin != y.editBegin ? x.editBegin < y.editBegin : x.ruleOrder < y.ruleOrder;
    });
    bool any = false;
    std::size_t lastBegin = 0;
    std::size_t lastEnd = 0;
    for (uint32_t i : edits) {
      const RuleMatch& m = fm.matches[i];
      if (any && (m.editBegin < lastEnd || m.editBegin == lastBegin)) continue;
      kept[i] = 1;
      any = true;
      lastBegin = m.editBegin;
      lastEnd = std::max(lastEnd, m.editEnd);
    }

    std::vector<Finding> findings;
    findings.reserve(fm.matches.size() + fm.overflows.size());
    for (uint32_t i = 0; i < fm.matches.size(); ++i) {
      const RuleMatch& m = fm.matches[i];
      Finding& f = findings.emplace_back();
      f.analyzer = "deprecations";
      f.rule = m.rule->id;
      f.severity = m.rule->severity;
      f.path = file.path;
      f.line = m.line;
      f.column = m.column;
      f.endLine = m.endLine;
      f.endColumn = m.endColumn;
      f.message = m.rule->message;
      f.docs = m.rule->docs;
      if (kept[i]) f.changeId = "deprecations/" + active_.changeKeyOfRule[m.ruleOrder];
    }
    for (const RuleOverflow& o : fm.overflows) {
      Finding& f = findings.emplace_back();
      f.analyzer = "deprecations";
      f.rule = o.rule->id;
      f.severity = Severity::Warning;
      f.path = file.path;
      f.message = std::to_string(o.unreported) + " more matches of " + o.rule->id +
                  " in this file are neither reported nor fixed (at most " +
                  std::to_string(matchLimit_) +
                  " per rule and file); fix the reported ones, then rescan";
      f.docs = o.rule->docs;
    }

    std::map<std::string, GroupedFile> groups;
    for (uint32_t i : edits) {
      if (!kept[i]) continue;
      const RuleMatch& m = fm.matches[i];
      GroupedFile& g = groups[active_.changeKeyOfRule[m.ruleOrder]];
      g.edit.path = file.path;
      SpanEdit& s = g.edit.spans.emplace_back();
      s.offset = m.editBegin;
      s.length = m.editEnd - m.editBegin;
      s.replacement = m.replacement;
      s.line = m.line;  // an edited span is the match's reported span
      s.before = content.substr(m.editBegin, m.editEnd - m.editBegin);
      g.spanRules.push_back(m.rule);
      g.spanLines.push_back(spanInLine(content, m.editBegin, m.editEnd, m.replacement));
    }
    for (auto& [key, g] : groups) {
      g.edit.newContent = applySpans(content, g.edit.spans);
      g.linesTouched = countLinesTouched(g.edit.spans);
    }
    collector_.add(std::move(findings), std::move(groups));
  }

 private:
  const ActiveRules& active_;
  const RuleMatcher& matcher_;
  const std::size_t matchLimit_;
  Collector& collector_;
};

// ---------------------------------------------------------------- PR texts

struct RuleUse {
  const Rule* rule = nullptr;
  std::size_t count = 0;
};

std::string describeTitle(Grouping grouping, const std::string& packTitle, const Rule& anyRule,
                          std::size_t occurrences, bool safe) {
  const std::string what = "replace " + std::to_string(occurrences) + " deprecated API " +
                           (occurrences == 1 ? "usage" : "usages");
  std::string title;
  switch (grouping) {
    case Grouping::Pack:
      title =
          packTitle + ": " + what;  // "Python standard library: replace 12 deprecated API usages"
      break;
    case Grouping::Rule:
      title = anyRule.id + ": " + what;
      break;
    case Grouping::All:
      title = what;
      title[0] = 'R';
      break;
  }
  if (!safe) title += " (needs review)";
  return title;
}

std::string whatChangesSection(const std::vector<GroupedFile>& files, std::size_t occurrences) {
  std::string out =
      "Replaces " + plural(occurrences, "deprecated usage", "deprecated usages") + " in " +
      plural(files.size(), "file", "files") +
      ". Only the listed spans change; every other byte of these files is left as it was.\n\n"
      "| Location | Before | After | Rule |\n|---|---|---|---|\n";
  std::size_t rows = 0;
  for (const GroupedFile& f : files) {
    for (std::size_t i = 0; i < f.edit.spans.size(); ++i) {
      if (rows == kMaxTableRows) break;
      const SpanEdit& s = f.edit.spans[i];
      out += "| " + inlineCode(f.edit.path + ":" + std::to_string(s.line)) + " | " +
             inlineCode(f.spanLines[i].before) + " | " + inlineCode(f.spanLines[i].after) + " | " +
             f.spanRules[i]->id + " |\n";
      ++rows;
    }
  }
  if (occurrences > rows) {
    out += "\n... and " + plural(occurrences - rows, "more occurrence", "more occurrences") +
           " (all in the diff).\n";
  }
  return out;
}

std::string whySection(const std::vector<RuleUse>& uses) {
  std::string out;
  for (const RuleUse& u : uses) {
    const Rule& r = *u.rule;
    out += "### `" + r.id + "` (" + plural(u.count, "occurrence", "occurrences") + ")\n\n" +
           r.message + "\n\n";
    if (!r.deprecatedSince.empty()) out += "- Deprecated since: " + r.deprecatedSince + "\n";
    out += "- Removed in: " + (r.removedIn ? *r.removedIn : std::string("not removed yet")) + "\n";
    if (!r.docs.empty()) out += "- Docs: " + r.docs + "\n";
    out += "\n";
  }
  while (out.size() >= 2 && out.ends_with("\n\n")) out.pop_back();
  return out;
}

std::string riskSection(const std::vector<RuleUse>& uses, bool safe) {
  std::string out;
  if (safe) {
    out =
        "Low. Every rule in this change is marked safe: its replacement behaves the same wherever "
        "the rule matches. Matches inside comments are never edited, and nothing outside the "
        "listed spans changes.\n";
  } else {
    out =
        "Needs review. These replacements are the documented successors, but they are not "
        "guaranteed to behave the same in every context (see Why). Check each occurrence and "
        "run the tests before merging. Matches inside comments are never edited, and nothing "
        "outside the listed spans changes.\n";
  }
  std::string removed;
  for (const RuleUse& u : uses) {
    if (u.rule->removedIn)
      removed += "- `" + u.rule->id + "`: removed in " + *u.rule->removedIn + "\n";
  }
  if (!removed.empty()) {
    out +=
        "\nAlready removed upstream; the current code breaks on these versions until this is "
        "merged:\n\n" +
        removed;
  }
  return out;
}

const char* kRollback =
    "Revert the merge commit (`git revert -m 1 <merge commit>`, or `git revert <commit>` after a "
    "squash merge), or close this pull request without merging. The change only replaces the "
    "listed spans; no other lines are touched, so the revert is exact.\n";

ProposedChange buildChange(const std::string& key, std::vector<GroupedFile>& files,
                           Grouping grouping, const ActiveRules& active) {
  std::sort(files.begin(), files.end(),
            [](const GroupedFile& a, const GroupedFile& b) { return a.edit.path < b.edit.path; });
  std::map<std::string, RuleUse> byId;
  std::size_t occurrences = 0;
  uint32_t lines = 0;
  for (const GroupedFile& f : files) {
    occurrences += f.edit.spans.size();
    lines += f.linesTouched;
    for (const Rule* r : f.spanRules) {
      RuleUse& u = byId[r->id];
      u.rule = r;
      ++u.count;
    }
  }
  std::vector<RuleUse> uses;
  bool safe = true;
  for (auto& [id, use] : byId) {
    uses.push_back(use);
    safe = safe && use.rule->safe;
  }
  const Rule& first = *uses.front().rule;

  ProposedChange c;
  c.id = "deprecations/" + key;
  const auto title = active.packTitles.find(first.pack);
  c.title = describeTitle(grouping, title == active.packTitles.end() ? first.pack : title->second,
                          first, occurrences, safe);
  c.facts.analyzer = "deprecations";
  c.facts.ecosystem = grouping == Grouping::All ? "all" : first.pack;
  c.facts.updateType = "fix";
  c.facts.filesTouched = static_cast<uint32_t>(files.size());
  c.facts.linesTouched = lines;
  c.facts.confidence = safe ? 1.0 : 0.7;
  c.facts.safe = safe;
  for (const RuleUse& u : uses) c.facts.ruleIds.push_back(u.rule->id);
  c.facts.labels = {"ddd", "deprecations"};
  c.whatChanges = whatChangesSection(files, occurrences);
  c.why = whySection(uses);
  c.risk = riskSection(uses, safe);
  c.rollback = kRollback;
  for (GroupedFile& f : files) c.edits.push_back(std::move(f.edit));
  return c;
}

// ---------------------------------------------------------------- rule selection

const SourceFile* findFile(const SourceTree& tree, const std::string& path) {
  const auto& files = tree.files();
  auto it = std::lower_bound(files.begin(), files.end(), path,
                             [](const SourceFile& f, const std::string& p) { return f.path < p; });
  return it != files.end() && it->path == path ? &*it : nullptr;
}

void addRepositoryPacks(const DeprecationsConfig& config, const SourceTree& tree,
                        ActiveRules& active) {
  std::set<std::string> packNames;
  std::set<std::string> ruleIds;
  for (const RulePack& p : active.packs) {
    packNames.insert(p.name);
    for (const Rule& r : p.rules) ruleIds.insert(r.id);
  }
  auto admit = [&](RulePack pack, const std::string& field) {
    if (!packNames.insert(pack.name).second) {
      configError(field,
                  "pack name '" + pack.name + "' is already used by another pack; rename it");
    }
    for (const Rule& r : pack.rules) {
      if (!ruleIds.insert(r.id).second) {
        configError(field, "rule id '" + r.id + "' is already used by another pack; rename it");
      }
    }
    active.packs.push_back(std::move(pack));
  };
  for (std::size_t i = 0; i < config.rulePacks.size(); ++i) {
    const std::string field = "rulePacks[" + std::to_string(i) + "]";
    const std::string& path = config.rulePacks[i];
    const SourceFile* file = findFile(tree, path);
    if (file == nullptr) configError(field, "'" + path + "' does not exist in the scanned commit");
    std::optional<std::string> text = tree.read(*file);
    if (!text)
      configError(field, "'" + path + "' is binary or larger than the scan's file size limit");
    try {
      admit(parseRulePack(*text, path, RulePackOptions{false}), field);
    } catch (const RulePackError& e) {
      configError(field, e.what());
    }
  }
  if (!config.rules.empty()) {
    try {
      admit(parseInlineRules(config.rules, "repo", "deprecations.rules", RulePackOptions{false}),
            "rules");
    } catch (const RulePackError& e) {
      throw DeprecationsConfigError(e.what());
    }
  }
}

void selectRules(const DeprecationsConfig& config, ActiveRules& active,
                 std::vector<std::string>& warnings) {
  std::set<std::string> disabledPacks(config.disablePacks.begin(), config.disablePacks.end());
  std::set<std::string> disabledRules(config.disableRules.begin(), config.disableRules.end());
  std::set<std::string> knownPacks;
  std::set<std::string> knownRules;
  for (const RulePack& p : active.packs) {
    knownPacks.insert(p.name);
    active.packTitles[p.name] = p.title;
    for (const Rule& r : p.rules) {
      knownRules.insert(r.id);
      if (disabledPacks.count(p.name) != 0 || disabledRules.count(r.id) != 0) continue;
      active.rules.push_back(&r);
      active.changeKeyOfRule.push_back(groupKey(r, config.grouping));
    }
  }
  for (const std::string& name : disabledPacks) {
    if (knownPacks.count(name) == 0) {
      warnings.push_back("deprecations.disablePacks: there is no pack named '" + name + "'");
    }
  }
  for (const std::string& id : disabledRules) {
    if (knownRules.count(id) == 0) {
      warnings.push_back("deprecations.disableRules: there is no rule '" + id + "'");
    }
  }
}

}  // namespace

DeprecationsConfig parseDeprecationsConfig(const json& section) {
  DeprecationsConfig config;
  if (section.is_null()) return config;
  if (!section.is_object()) {
    throw DeprecationsConfigError(std::string("deprecations: must be an object, got ") +
                                  section.type_name());
  }
  for (const auto& item : section.items()) {
    const std::string& key = item.key();
    const json& value = item.value();
    if (key == "disablePacks") {
      config.disablePacks = configStringList(value, key);
    } else if (key == "disableRules") {
      config.disableRules = configStringList(value, key);
    } else if (key == "rules") {
      if (!value.is_array()) {
        configError(
            key, std::string("must be a list of rules (see RULES.md), got ") + value.type_name());
      }
      config.rules = value;
    } else if (key == "rulePacks") {
      config.rulePacks = configStringList(value, key);
    } else if (key == "grouping") {
      const std::string g = value.is_string() ? value.get<std::string>() : "";
      if (g == "pack") {
        config.grouping = Grouping::Pack;
      } else if (g == "rule") {
        config.grouping = Grouping::Rule;
      } else if (g == "all") {
        config.grouping = Grouping::All;
      } else {
        configError(key, "must be \"pack\", \"rule\" or \"all\", got " + value.dump());
      }
    } else if (key == "ignorePaths") {
      try {
        config.ignorePaths = GlobSet(configStringList(value, key));
      } catch (const GlobError& e) {
        configError(key, e.what());
      }
    } else if (key == "enabled") {
      if (!value.is_boolean())
        configError(key, std::string("must be true or false, got ") + value.type_name());
    } else {
      configError(key,
                  "unknown field (known: disablePacks, disableRules, rules, rulePacks, grouping, "
                  "ignorePaths, enabled)");
    }
  }
  return config;
}

DeprecationsAnalyzer::DeprecationsAnalyzer(DeprecationsOptions options)
    : options_(std::move(options)) {}

std::string DeprecationsAnalyzer::description() const {
  return "deprecated API usages (Python, JavaScript, Go, C++, GitHub Actions, Kubernetes, "
         "Dockerfile, "
         "Ansible) and their documented replacements, from rule packs";
}

AnalysisResult DeprecationsAnalyzer::run(const SourceTree& tree, const AnalyzerContext& context) {
  AnalysisResult result;
  const DeprecationsConfig config = parseDeprecationsConfig(context.config);

  ActiveRules active;
  if (options_.packs) {
    active.packs = *options_.packs;
  } else {
    LoadedPacks loaded = loadShippedPacks(
        context.dataDir.empty() ? defaultDataDir() : std::filesystem::path(context.dataDir));
    active.packs = std::move(loaded.packs);
    for (std::string& w : loaded.warnings) result.warnings.push_back(std::move(w));
  }
  addRepositoryPacks(config, tree, active);
  selectRules(config, active, result.warnings);
  if (active.rules.empty()) return result;

  const RuleMatcher matcher(active.rules, options_.matching);
  Collector collector;
  const FileScanner scanner(active, matcher, options_.matching.maxMatchesPerRule, collector);

  auto wanted = [&](const SourceFile& f) {
    const auto language = languageOf(f.path);
    return language && matcher.mayApply(f.path, *language) &&
           (config.ignorePaths.empty() || !config.ignorePaths.matches(f.path));
  };
  uint64_t total = 0;
  if (context.progress) {
    for (const SourceFile& f : tree.files()) total += wanted(f) ? 1 : 0;
  }
  std::atomic<uint64_t> done{0};
  std::mutex progressMutex;
  tree.forEachFile(wanted, [&](const SourceFile& f, const std::string& content) {
    scanner.scan(f, *languageOf(f.path), content);
    const uint64_t n = ++done;
    if (context.progress && (n % 256 == 0 || n == total)) {
      std::lock_guard<std::mutex> lock(progressMutex);
      context.progress(n, total);
    }
  });

  result.findings = std::move(collector.findings());
  for (auto& [key, files] : collector.groups()) {
    result.changes.push_back(buildChange(key, files, config.grouping, active));
  }
  sortResult(result);
  return result;
}

}  // namespace ddd::analyzers::deprecations
