#include "analyzers/deadcode/analyzer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "analyzers/deadcode/passes.h"
#include "analyzers/dependencies/managers/json_spans.h"
#include "analyzers/dependencies/managers/manager.h"
#include "analyzers/deprecations/glob.h"

namespace ddd::analyzers::deadcode {

const char* toString(Kind k) {
  switch (k) {
    case Kind::UnusedFile: return "unused-file";
    case Kind::UnusedExport: return "unused-export";
    case Kind::ExportUsedOnlyLocally: return "export-used-only-locally";
    case Kind::UnusedSymbol: return "unused-symbol";
    case Kind::UnusedDependency: return "unused-dependency";
    case Kind::UnlistedDependency: return "unlisted-dependency";
  }
  return "unknown";
}

DeadcodeOptions parseDeadcodeOptions(const nlohmann::json& section) {
  DeadcodeOptions o;
  if (section.is_null()) return o;
  if (!section.is_object()) throw std::invalid_argument("deadcode must be an object");
  for (const auto& [key, value] : section.items()) {
    if (key == "entries" || key == "ignorePaths" || key == "ignoreNames") {
      if (!value.is_array()) throw std::invalid_argument("deadcode." + key + " must be a list of strings");
      std::vector<std::string>& out = key == "entries" ? o.entries : key == "ignorePaths" ? o.ignorePaths : o.ignoreNames;
      for (const auto& v : value) {
        if (!v.is_string() || v.get<std::string>().empty())
          throw std::invalid_argument("deadcode." + key + " must be a list of non-empty strings");
        out.push_back(v.get<std::string>());
      }
      if (key != "ignoreNames") {
        try {
          deprecations::GlobSet check(out);
        } catch (const deprecations::GlobError& e) {
          throw std::invalid_argument("deadcode." + key + ": " + e.what());
        }
      }
    } else if (key == "library") {
      if (!value.is_boolean()) throw std::invalid_argument("deadcode.library must be true or false");
      o.library = value.get<bool>();
    } else {
      throw std::invalid_argument("deadcode." + key +
                                  " is not a known field (entries, ignorePaths, ignoreNames, library)");
    }
  }
  return o;
}

namespace {

std::string family(const std::string& language) {
  if (language == "javascript" || language == "typescript") return "js";
  return language;
}
std::string ecosystem(const std::string& language) {
  if (language == "javascript" || language == "typescript") return "npm";
  if (language == "python") return "pypi";
  return language;
}

std::string fixed2(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string baseOf(const std::string& p) {
  const size_t s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}
// The name of the directory holding `p` ("" at the root).
std::string parentName(const std::string& p) {
  const size_t s = p.rfind('/');
  if (s == std::string::npos) return "";
  const size_t b = p.rfind('/', s - 1);
  return p.substr(b == std::string::npos ? 0 : b + 1, s - (b == std::string::npos ? 0 : b + 1));
}
std::string stemOf(const std::string& p) {
  const std::string b = baseOf(p);
  return b.substr(0, b.find('.'));
}

uint32_t lineAtOffset(const std::string& text, uint64_t offset) {
  return 1 + static_cast<uint32_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(std::min<uint64_t>(offset, text.size())), '\n'));
}

bool globMatchName(const std::vector<std::string>& globs, const std::string& name) {
  for (const auto& g : globs) {
    if (g == name) return true;
    if (g.find_first_of("*?[{") == std::string::npos) continue;
    try {
      if (deprecations::GlobSet({g}).matches(name)) return true;
    } catch (const deprecations::GlobError&) {
    }
  }
  return false;
}

std::string message(const Candidate& c) {
  switch (c.kind) {
    case Kind::UnusedFile: return c.path + " is not reachable from any entry point";
    case Kind::UnusedExport: return "export `" + c.name + "` (" + c.symbolKind + ") is used nowhere";
    case Kind::ExportUsedOnlyLocally:
      return "export `" + c.name + "` is used only inside " + c.path + "; the `export` keyword can go";
    case Kind::UnusedSymbol: return c.symbolKind + " `" + c.name + "` is never referenced";
    case Kind::UnusedDependency: return "dependency `" + c.name + "` is declared but never used";
    case Kind::UnlistedDependency: return "`" + c.name + "` is imported but not declared in " + c.path;
  }
  return "";
}

struct Item {
  Candidate c;
  size_t finding = 0;
  std::vector<std::string> mentionedBy;  // unused files: other files naming them
};

}  // namespace

AnalysisResult DeadcodeAnalyzer::run(const SourceTree& tree, const AnalyzerContext& context) {
  AnalysisResult result;
  const DeadcodeOptions options = parseDeadcodeOptions(context.config);
  deprecations::GlobSet ignore(options.ignorePaths);

  std::vector<Item> items;
  nlohmann::json details = nlohmann::json::object();
  nlohmann::json passDetails = nlohmann::json::object();
  for (const Pass& pass : passes()) {
    PassResult r = pass.run(tree, options);
    for (auto& w : r.warnings) result.warnings.push_back(std::move(w));
    std::map<std::string, int> counts;
    for (auto& c : r.candidates) {
      c.confidence = std::round(c.confidence * 100) / 100;  // 0.9 - 0.3 is 0.6, not 0.6000000000000001
      if (!ignore.empty() && ignore.matches(c.path) && c.kind != Kind::UnusedDependency &&
          c.kind != Kind::UnlistedDependency)
        continue;
      if (globMatchName(options.ignoreNames, c.name)) continue;
      ++counts[toString(c.kind)];
      items.push_back({std::move(c), 0, {}});
    }
    nlohmann::json entries = nlohmann::json::array();
    for (size_t i = 0; i < r.stats.entries.size() && i < 50; ++i) entries.push_back(r.stats.entries[i]);
    passDetails[pass.language] = {{"files", r.stats.files},
                                  {"skippedGenerated", r.stats.skippedGenerated},
                                  {"skippedHuge", r.stats.skippedHuge},
                                  {"parseErrors", r.stats.parseErrors},
                                  {"entryCount", r.stats.entries.size()},
                                  {"entries", entries},
                                  {"candidates", counts}};
  }
  details["passes"] = passDetails;
  details["thresholds"] = {{"edit", kEditThreshold}, {"delete", kDeleteThreshold}};

  // Unused files: does any other file of the tree name them (docs, configs, scripts)?
  std::unordered_map<std::string, std::vector<size_t>> byBase, byStem;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].c.kind != Kind::UnusedFile) continue;
    byBase[baseOf(items[i].c.path)].push_back(i);
    if (stemOf(items[i].c.path).size() >= 2) byStem[stemOf(items[i].c.path)].push_back(i);
  }
  uint64_t mentionFiles = 0;
  if (!byBase.empty()) {
    std::mutex mutex;
    // Fast rejects: the lengths of the names looked for, and which bytes make words.
    std::vector<char> lengths(4096, 0);
    for (const auto& [k, v] : byBase) lengths[std::min<size_t>(k.size(), 4095)] = 1;
    for (const auto& [k, v] : byStem) lengths[std::min<size_t>(k.size(), 4095)] = 1;
    std::array<bool, 256> wordChar{};
    for (int c = 0; c < 256; ++c) {
      wordChar[c] = std::isalnum(c) || c == '.' || c == '/' || c == '_' || c == '-' || c == '@' || c == '~';
    }
    tree.forEachFile(
        [](const SourceFile& f) {
          // Lockfiles list packages, never source files.
          const std::string b = baseOf(f.path);
          return b != "package-lock.json" && b != "pnpm-lock.yaml" && b != "yarn.lock" && b != "bun.lock" &&
                 b != "npm-shrinkwrap.json";
        },
        [&](const SourceFile& f, const std::string& text) {
          std::vector<std::pair<size_t, std::string>> hits;
          const std::string_view t(text);
          size_t i = 0;
          while (i < t.size()) {
            while (i < t.size() && !wordChar[static_cast<unsigned char>(t[i])]) ++i;
            const size_t start = i;
            while (i < t.size() && wordChar[static_cast<unsigned char>(t[i])]) ++i;
            if (i == start) continue;
            std::string_view word = t.substr(start, i - start);
            while (!word.empty() && (word.back() == '.' || word.back() == '/')) word.remove_suffix(1);
            const size_t slash = word.rfind('/');
            const std::string_view last = slash == std::string_view::npos ? word : word.substr(slash + 1);
            if (last.empty() || last.size() >= 4095 || !lengths[last.size()]) continue;
            const std::string key(last);
            if (auto it = byBase.find(key); it != byBase.end()) {
              for (size_t k : it->second) hits.emplace_back(k, f.path);
            }
            if (slash != std::string_view::npos) {
              // "./cart", "../store/cart", "@/store/cart" name store/cart.ts;
              // ".next/cache" does not name store/cache.ts.
              if (auto it = byStem.find(key); it != byStem.end()) {
                const std::string_view head = word.substr(0, slash);
                const size_t prev = head.rfind('/');
                const std::string_view parent = prev == std::string_view::npos ? head : head.substr(prev + 1);
                for (size_t k : it->second) {
                  if (parent == "." || parent == ".." || parent == parentName(items[k].c.path))
                    hits.emplace_back(k, f.path);
                }
              }
            }
          }
          std::lock_guard lock(mutex);
          ++mentionFiles;
          for (auto& [k, path] : hits) {
            if (path == items[k].c.path) continue;
            auto& by = items[k].mentionedBy;
            if (std::find(by.begin(), by.end(), path) == by.end()) by.push_back(path);
          }
        });
  }
  // Files we would delete; a file named by a file we keep is kept too (to a fixed point).
  std::set<std::string> deleting;
  for (const auto& it : items) {
    if (it.c.kind == Kind::UnusedFile && it.c.confidence >= kDeleteThreshold && it.c.removal) deleting.insert(it.c.path);
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (auto& it : items) {
      if (it.c.kind != Kind::UnusedFile || !deleting.count(it.c.path)) continue;
      for (const auto& by : it.mentionedBy) {
        if (!deleting.count(by)) {
          deleting.erase(it.c.path);
          changed = true;
          break;
        }
      }
    }
  }
  for (auto& it : items) {
    if (it.c.kind != Kind::UnusedFile) continue;
    std::sort(it.mentionedBy.begin(), it.mentionedBy.end());
    std::vector<std::string> outside;
    for (const auto& by : it.mentionedBy) {
      if (!deleting.count(by)) outside.push_back(by);
    }
    if (outside.empty()) {
      it.c.evidence.push_back("no other file of the tree names it (" + std::to_string(mentionFiles) + " files checked)");
    } else {
      std::string list;
      for (size_t i = 0; i < outside.size() && i < 3; ++i) list += (i ? ", " : "") + outside[i];
      it.c.doubts.push_back("named in " + list + (outside.size() > 3 ? ", ..." : ""));
      it.c.confidence = std::max(0.05, it.c.confidence - 0.2);
    }
  }

  // Findings.
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return std::tie(a.c.path, a.c.line, a.c.column, a.c.name) < std::tie(b.c.path, b.c.line, b.c.column, b.c.name);
  });
  for (auto& it : items) {
    const Candidate& c = it.c;
    Finding f;
    f.analyzer = "deadcode";
    f.rule = std::string("deadcode.") + toString(c.kind);
    f.severity = c.kind == Kind::UnlistedDependency ? Severity::Warning
                 : c.confidence >= kEditThreshold   ? Severity::Note
                                                    : Severity::Info;
    f.path = c.path;
    f.line = c.line;
    f.column = c.column;
    f.message = message(c) + " (confidence " + fixed2(c.confidence) + ")";
    f.properties = {{"kind", toString(c.kind)}, {"language", c.language},   {"name", c.name},
                    {"symbolKind", c.symbolKind}, {"confidence", c.confidence}, {"evidence", c.evidence},
                    {"doubts", c.doubts}};
    it.finding = result.findings.size();
    result.findings.push_back(std::move(f));
  }

  // Changes: which candidates qualify, grouped into one change per kind and language.
  struct Group {
    std::string id, title, eco, updateType;
    Kind kind;
    std::vector<Item*> members;
  };
  std::map<std::string, Group> groups;
  for (auto& it : items) {
    const Candidate& c = it.c;
    if (!c.removal) continue;
    std::string id, title, updateType = "delete";
    switch (c.kind) {
      case Kind::UnusedDependency:
        if (c.confidence < kEditThreshold) continue;
        id = "deadcode/" + ecosystem(c.language) + "-unused-dependencies";
        title = "Remove unused " + ecosystem(c.language) + " dependencies";
        break;
      case Kind::ExportUsedOnlyLocally:
        if (c.confidence < kEditThreshold) continue;
        id = "deadcode/" + family(c.language) + "-unexport";
        title = "Drop `export` from exports used only in their own file";
        updateType = "fix";
        break;
      case Kind::UnusedExport:
      case Kind::UnusedSymbol:
        if (c.confidence < kDeleteThreshold) continue;
        id = "deadcode/" + family(c.language) + "-unused-code";
        title = "Remove unused code (" + family(c.language) + ")";
        break;
      case Kind::UnusedFile:
        if (c.confidence < kDeleteThreshold || !deleting.count(c.path)) continue;
        id = "deadcode/" + family(c.language) + "-unused-files";
        title = "Delete unused files (" + family(c.language) + ")";
        break;
      case Kind::UnlistedDependency:
        continue;
    }
    Group& g = groups[id];
    g.id = id;
    g.title = title;
    g.kind = c.kind;
    g.eco = c.kind == Kind::UnusedDependency ? ecosystem(c.language) : family(c.language);
    g.updateType = updateType;
    g.members.push_back(&it);
  }

  std::unordered_map<std::string, const SourceFile*> filesByPath;
  for (const auto& f : tree.files()) filesByPath[f.path] = &f;
  auto readPath = [&](const std::string& path) -> std::optional<std::string> {
    auto it = filesByPath.find(path);
    if (it == filesByPath.end()) return std::nullopt;
    return tree.read(*it->second);
  };

  for (auto& [id, g] : groups) {
    ProposedChange pc;
    pc.id = g.id;
    pc.title = g.title;
    std::map<std::string, std::vector<Item*>> perFile;
    for (Item* it : g.members) perFile[it->c.removal->path].push_back(it);
    double minConf = 1.0;
    uint32_t lines = 0;
    std::vector<Item*> applied;
    for (auto& [path, members] : perFile) {
      FileEdit fe;
      fe.path = path;
      const bool deleteFile = std::any_of(members.begin(), members.end(), [](Item* m) { return m->c.removal->deleteFile; });
      if (deleteFile) {
        fe.newContent = std::nullopt;
        applied.push_back(members.front());
        pc.edits.push_back(std::move(fe));
        continue;
      }
      const auto content = readPath(path);
      if (!content) {
        result.warnings.push_back("deadcode: " + path + " could not be read again; no edit proposed");
        continue;
      }
      std::string out;
      std::vector<SpanEdit> spans;
      const bool npmManifest = g.kind == Kind::UnusedDependency && baseOf(path) == "package.json";
      if (npmManifest) {
        // Several members of one JSON object: remove them one after the other so commas stay right.
        const deps::Manager* npm = deps::findManager("npm");
        std::string cur = *content;
        for (Item* m : members) {
          try {
            const auto ex = npm->extract(path, cur);
            const auto d = std::find_if(ex.deps.begin(), ex.deps.end(), [&](const deps::Dependency& x) {
              return x.name == m->c.name && x.line != 0 && (m->c.symbolKind == "dependency" ? x.depType == "prod" : m->c.symbolKind == x.depType + "Dependency");
            });
            if (d == ex.deps.end()) continue;
            if (auto next = npm->remove(cur, *d)) {
              cur = std::move(*next);
              applied.push_back(m);
              SpanEdit s;
              s.offset = m->c.removal->offset;
              s.length = m->c.removal->length;
              s.line = m->c.line;
              s.before = content->substr(s.offset, s.length);
              s.replacement = m->c.removal->replacement;
              spans.push_back(std::move(s));
            }
          } catch (const deps::ManifestError& e) {
            result.warnings.push_back(std::string("deadcode: ") + e.what());
          }
        }
        out = std::move(cur);
      } else {
        std::sort(members.begin(), members.end(), [](Item* a, Item* b) { return a->c.removal->offset < b->c.removal->offset; });
        uint64_t pos = 0;
        for (Item* m : members) {
          const Removal& r = *m->c.removal;
          if (r.offset < pos || r.offset + r.length > content->size()) {
            result.warnings.push_back("deadcode: overlapping or out-of-range edit in " + path + " for `" + m->c.name +
                                      "`; left out");
            continue;
          }
          out.append(*content, pos, r.offset - pos);
          out += r.replacement;
          pos = r.offset + r.length;
          SpanEdit s;
          s.offset = r.offset;
          s.length = r.length;
          s.replacement = r.replacement;
          s.line = lineAtOffset(*content, r.offset);
          s.before = content->substr(r.offset, r.length);
          spans.push_back(std::move(s));
          applied.push_back(m);
        }
        out.append(*content, pos, std::string::npos);
      }
      if (spans.empty()) continue;
      for (const auto& s : spans) lines += 1 + static_cast<uint32_t>(std::count(s.before.begin(), s.before.end(), '\n'));
      std::sort(spans.begin(), spans.end(), [](const SpanEdit& a, const SpanEdit& b) { return a.offset < b.offset; });
      fe.newContent = std::move(out);
      fe.spans = std::move(spans);
      pc.edits.push_back(std::move(fe));
    }
    if (applied.empty()) continue;
    std::set<std::string> packages;
    std::string what = "| | " + std::string(g.kind == Kind::UnusedDependency ? "dependency" : "item") +
                       " | where | confidence | evidence |\n|---|---|---|---|---|\n";
    for (Item* m : applied) {
      const Candidate& c = m->c;
      minConf = std::min(minConf, c.confidence);
      if (c.kind == Kind::UnusedDependency) packages.insert(c.name);
      std::string ev;
      for (const auto& e : c.evidence) ev += (ev.empty() ? "" : "; ") + e;
      for (const auto& d : c.doubts) ev += "; doubt: " + d;
      std::string action = c.kind == Kind::ExportUsedOnlyLocally ? "unexport"
                           : c.kind == Kind::UnusedFile          ? "delete file"
                           : c.kind == Kind::UnusedDependency    ? "remove"
                                                                 : "delete";
      what += "| " + action + " | `" + c.name + "` (" + c.symbolKind + ") | " + c.path +
              (c.line ? ":" + std::to_string(c.line) : "") + " | " + fixed2(c.confidence) + " | " + ev + " |\n";
      result.findings[m->finding].changeId = pc.id;
    }
    pc.whatChanges = what;
    switch (g.kind) {
      case Kind::UnusedDependency:
        pc.why = "Nothing imports these packages, no package.json script runs them and no tool config names "
                 "them. Unused dependencies slow installs, widen the supply-chain surface and trigger update "
                 "and security noise.";
        pc.risk = "A package can still be needed by something static analysis can't see: a plugin loaded by "
                  "a name built at run time, a binary called from outside package.json, or a peer of another "
                  "package. The lockfile is not regenerated: run your package manager after merging.";
        break;
      case Kind::ExportUsedOnlyLocally:
        pc.why = "These exports are imported by no module of the repository but are used inside their own "
                 "file, so they must stay; only the `export` keyword goes. This shrinks the module's public "
                 "surface and lets bundlers and linters see what is really shared.";
        pc.risk = "Low: behaviour inside the file is unchanged. A consumer outside this repository (a deep "
                  "import into the package) or code loading the module by a computed path would lose access.";
        break;
      case Kind::UnusedFile:
        pc.why = "These files are reachable from no entry point (package.json fields and scripts, tool "
                 "configs, HTML, tests, framework conventions, workers) and no other file names them.";
        pc.risk = "A file can be loaded by something static analysis can't see (a path built at run time, an "
                  "external tool). Every file here had confidence >= " + fixed2(kDeleteThreshold) + ".";
        break;
      default:
        pc.why = "This code is referenced nowhere in the repository.";
        pc.risk = "Code reached only through reflection, computed imports or string lookups would break. Every "
                  "removal here had confidence >= " + fixed2(kDeleteThreshold) + ".";
        break;
    }
    pc.rollback = "Revert this pull request's commit (`git revert <sha>`); nothing else depends on it.";
    pc.facts.analyzer = "deadcode";
    pc.facts.ecosystem = g.eco;
    pc.facts.updateType = g.updateType;
    pc.facts.dependencyType = g.kind == Kind::UnusedDependency ? "prod" : "";
    pc.facts.filesTouched = static_cast<uint32_t>(pc.edits.size());
    pc.facts.linesTouched = lines;
    pc.facts.confidence = minConf;
    pc.facts.safe = false;
    pc.facts.labels = {"dead-code"};
    pc.facts.packages.assign(packages.begin(), packages.end());
    for (const auto& e : pc.edits) pc.facts.paths.push_back(e.path);
    std::sort(pc.edits.begin(), pc.edits.end(), [](const FileEdit& a, const FileEdit& b) { return a.path < b.path; });
    std::sort(pc.facts.paths.begin(), pc.facts.paths.end());
    result.changes.push_back(std::move(pc));
  }
  result.details = details;
  sortResult(result);
  return result;
}

}  // namespace ddd::analyzers::deadcode
