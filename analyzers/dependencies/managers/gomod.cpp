// The Go modules manager: go.mod `require` lines and blocks (with `// indirect`);
// modules that a `replace` directive redirects are not looked up.
#include <set>

#include "analyzers/dependencies/managers/line_manifest.h"
#include "analyzers/dependencies/managers/manager.h"

namespace ddd::analyzers::deps {
namespace {

std::vector<std::pair<std::string_view, uint64_t>> words(std::string_view s, uint64_t base) {
  std::vector<std::pair<std::string_view, uint64_t>> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i >= s.size() || s.substr(i, 2) == "//") break;
    const size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    out.emplace_back(s.substr(start, i - start), base + start);
  }
  return out;
}

class GoModManager : public Manager {
 public:
  std::string_view name() const override { return "gomod"; }
  bool handles(std::string_view path) const override {
    return detail::baseName(path) == "go.mod" && path.find("vendor/") == std::string_view::npos;
  }
  ExtractResult extract(std::string_view path, std::string_view content) const override {
    if (content.find('\0') != std::string_view::npos)
      throw ManifestError(std::string(path) + ": not a text file");
    ExtractResult out;
    std::set<std::string> replaced;
    std::string block;  // "require", "replace", ... inside parentheses
    std::vector<Dependency> deps;
    for (const auto& line : detail::splitLines(content)) {
      std::string_view t = line.text;
      auto w = words(t, line.offset);
      if (w.empty()) continue;
      if (block.empty()) {
        if (w.size() >= 2 && w[1].first == "(") {
          block = std::string(w[0].first);
          continue;
        }
        if (w[0].first == "require" && w.size() >= 3) {
          w.erase(w.begin());
        } else if (w[0].first == "replace" && w.size() >= 2) {
          replaced.insert(std::string(w[1].first));
          continue;
        } else {
          continue;
        }
      } else {
        if (w[0].first == ")") {
          block.clear();
          continue;
        }
        if (block == "replace") {
          replaced.insert(std::string(w[0].first));
          continue;
        }
        if (block != "require") continue;
      }
      if (w.size() < 2) {
        out.warnings.push_back(std::string(path) + ":" + std::to_string(line.number) +
                               ": require without a version");
        continue;
      }
      Dependency d;
      d.name = std::string(w[0].first);
      d.packageName = d.name;
      d.manager = "gomod";
      d.datasource = "go";
      d.versioning = "go";
      d.depType = t.find("// indirect") != std::string_view::npos ? "indirect" : "prod";
      d.currentValue = std::string(w[1].first);
      d.valueSpan = {w[1].second, w[1].first.size()};
      d.declarationSpan = {line.offset, line.text.size()};
      d.line = line.number;
      deps.push_back(std::move(d));
    }
    for (auto& d : deps) {
      if (replaced.count(d.name)) d.skipReason = "replaced";
      out.deps.push_back(std::move(d));
    }
    return out;
  }
  std::optional<std::string> remove(std::string_view content,
                                    const Dependency& dep) const override {
    if (dep.declarationSpan.end() > content.size() || dep.declarationSpan.length == 0)
      return std::nullopt;
    const std::string_view line =
        content.substr(dep.declarationSpan.offset, dep.declarationSpan.length);
    if (line.find("require") != std::string_view::npos &&
        line.find("require") < line.find(dep.name)) {
      return std::nullopt;  // a one-line require: leave it to a person
    }
    std::string out(content);
    const uint64_t end = std::min<uint64_t>(content.size(), dep.declarationSpan.end() + 1);
    out.erase(dep.declarationSpan.offset, end - dep.declarationSpan.offset);
    return out;
  }
};

}  // namespace

const Manager& goModManager() {
  static const GoModManager m;
  return m;
}

}  // namespace ddd::analyzers::deps
