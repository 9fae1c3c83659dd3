#include "analyzers/runbooks/yaml_guard.h"
#include "analyzers/runbooks/extract.h"

#include <algorithm>
#include <mutex>
#include <tuple>

#include "analyzers/runbooks/docs.h"
#include "analyzers/runbooks/escalation.h"
#include "analyzers/runbooks/expiry.h"
#include "analyzers/runbooks/file_input.h"
#include "analyzers/runbooks/health.h"
#include "analyzers/runbooks/operations.h"
#include "analyzers/runbooks/signals.h"
#include "analyzers/runbooks/triggers.h"

namespace ddd::analyzers::runbooks {
namespace {

bool isYaml(const std::string& path) {
  const std::string ext = text::extension(path);
  return ext == ".yml" || ext == ".yaml";
}

// A Helm template: a YAML file under a chart's templates/ that uses the template syntax.
bool isHelmTemplate(const std::string& path, std::string_view content) {
  return (path.rfind("templates/", 0) == 0 || text::contains(path, "/templates/")) &&
         text::contains(content, "{{");
}

template <typename T>
void append(std::vector<T>& to, std::vector<T>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

}  // namespace

FileFacts extractFile(const std::string& path, std::string_view content) {
  FileFacts out;
  if (content.find('\0') != std::string_view::npos) return out;  // binary
  FileInput in;
  in.path = path;
  in.text = content;
  if (isYaml(path)) {
    if (isHelmTemplate(path, content)) {
      ++out.skippedTemplates;  // not YAML until rendered: don't guess
    } else {
      try {
        in.yaml = loadAllYamlGuarded(content);
      } catch (const YamlGuardError& e) {
        in.yaml.clear();
        out.warnings.push_back(path + ": " + e.what() + "; its YAML facts are skipped");
      } catch (const YAML::Exception& e) {
        in.yaml.clear();
        if (text::contains(content, "{{") || text::contains(content, "{%")) {
          ++out.skippedTemplates;
        } else {
          out.warnings.push_back(path + ":" + std::to_string(e.mark.line + 1) +
                                 ": not valid YAML (" + e.msg + "); its YAML facts are skipped");
        }
      }
    }
  }
  extractTriggers(in, out);
  extractHealth(in, out);
  extractEscalation(in, out);
  extractOperations(in, out);
  extractDocs(in, out);
  extractSignals(in, out);  // with the retention / certificate lines (expiry.h)
  extractExpiryResources(in, out);
  return out;
}

FileFacts extractFacts(const SourceTree& tree, const std::function<bool(const std::string&)>& want) {
  FileFacts all;
  std::mutex mutex;
  std::vector<std::string> paths;
  paths.reserve(tree.files().size());
  for (const auto& f : tree.files()) {
    if (!want || want(f.path)) paths.push_back(f.path);
  }
  auto selected = [&](const SourceFile& f) { return !want || want(f.path); };
  tree.forEachFile(selected, [&](const SourceFile& file, const std::string& content) {
    FileFacts one = extractFile(file.path, content);
    std::lock_guard lock(mutex);
    append(all.facts, one.facts);
    append(all.operations, one.operations);
    append(all.docs, one.docs);
    append(all.warnings, one.warnings);
    append(all.emptyUndo, one.emptyUndo);
    append(all.schedules, one.schedules);
    all.skippedTemplates += one.skippedTemplates;
  });
  auto bySource = [](const auto& a, const auto& b) {
    return std::tie(a.source.path, a.source.line) < std::tie(b.source.path, b.source.line);
  };
  // Stable: facts of one line keep the extractors' order, whatever thread read the file.
  std::stable_sort(all.facts.begin(), all.facts.end(), [&](const Fact& a, const Fact& b) {
    return std::tie(a.source.path, a.source.line, a.type, a.subject, a.value) <
           std::tie(b.source.path, b.source.line, b.type, b.subject, b.value);
  });
  std::stable_sort(all.operations.begin(), all.operations.end(), [&](const auto& a, const auto& b) {
    return std::tie(a.source.path, a.source.line, a.type, a.name) <
           std::tie(b.source.path, b.source.line, b.type, b.name);
  });
  std::stable_sort(all.docs.begin(), all.docs.end(), bySource);
  std::stable_sort(all.schedules.begin(), all.schedules.end(), [](const Schedule& a, const Schedule& b) {
    return std::tie(a.source.path, a.source.line, a.expression) < std::tie(b.source.path, b.source.line, b.expression);
  });
  std::sort(all.warnings.begin(), all.warnings.end());
  std::sort(all.emptyUndo.begin(), all.emptyUndo.end());
  resolveOperations(paths, all);
  return all;
}

}  // namespace ddd::analyzers::runbooks
