// The pip requirements manager: requirements*.txt, *.in and constraints files. A line
// is `name[extras] specifier ; markers --hash=...  # comment`, possibly continued with
// a backslash; `-r`/`-c` include other files, `--index-url` / `--extra-index-url` name
// registries for the lines after them, `-e`, URLs and paths are not registry packages.
#include <algorithm>
#include <cctype>

#include "analyzers/dependencies/managers/line_manifest.h"
#include "analyzers/dependencies/managers/manager.h"
#include "analyzers/dependencies/managers/pep508.h"

namespace ddd::analyzers::deps {
namespace {

using detail::Line;

bool isNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

std::string joinPath(const std::string& dir, std::string_view rel) {
  std::vector<std::string> parts;
  auto push = [&](std::string_view p) {
    size_t start = 0;
    while (start <= p.size()) {
      size_t end = p.find('/', start);
      if (end == std::string_view::npos) end = p.size();
      const std::string_view seg = p.substr(start, end - start);
      if (seg == "..") {
        if (!parts.empty()) parts.pop_back();
      } else if (!seg.empty() && seg != ".") {
        parts.emplace_back(seg);
      }
      start = end + 1;
    }
  };
  push(dir);
  push(rel);
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

class PipRequirementsManager : public Manager {
 public:
  std::string_view name() const override { return "pip_requirements"; }
  bool handles(std::string_view path) const override {
    const auto base = detail::baseName(path);
    if (path.find("site-packages/") != std::string_view::npos) return false;
    auto ends = [&](std::string_view s) {
      return base.size() >= s.size() && base.substr(base.size() - s.size()) == s;
    };
    return (base.rfind("requirements", 0) == 0 && (ends(".txt") || ends(".in"))) ||
           (base.rfind("constraints", 0) == 0 && ends(".txt"));
  }

  ExtractResult extract(std::string_view path, std::string_view content) const override {
    ExtractResult out;
    if (content.find('\0') != std::string_view::npos) {
      throw ManifestError(std::string(path) + ": not a text file; not read as requirements");
    }
    const std::string dir = [&] {
      const size_t slash = path.rfind('/');
      return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
    }();
    std::vector<std::string> registries;
    const auto lines = detail::splitLines(content);
    for (size_t li = 0; li < lines.size(); ++li) {
      const Line& line = lines[li];
      std::string_view t = line.text;
      // A continued line: only the first physical line holds the name and specifier.
      while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
      const uint64_t lineStart = line.offset + (line.text.size() - t.size());
      if (t.empty() || t[0] == '#') continue;
      const size_t comment = t.find(" #");
      if (comment != std::string_view::npos) t = t.substr(0, comment);
      while (!t.empty() && (std::isspace(static_cast<unsigned char>(t.back())) || t.back() == '\\'))
        t.remove_suffix(1);
      const std::string where = std::string(path) + ":" + std::to_string(line.number);
      if (t[0] == '-') {
        auto option = [&](std::string_view name) -> std::string_view {
          if (t.rfind(name, 0) != 0) return {};
          std::string_view rest = t.substr(name.size());
          while (!rest.empty() && (rest[0] == ' ' || rest[0] == '=' || rest[0] == '\t'))
            rest.remove_prefix(1);
          return rest;
        };
        if (auto f = option("--requirement"); !f.empty()) {
          out.includes.push_back(joinPath(dir, f));
        } else if (auto f2 = option("-r"); !f2.empty()) {
          out.includes.push_back(joinPath(dir, f2));
        } else if (auto c = option("--constraint"); !c.empty()) {
          out.includes.push_back(joinPath(dir, c));
        } else if (auto c2 = option("-c"); !c2.empty()) {
          out.includes.push_back(joinPath(dir, c2));
        } else if (auto i = option("--index-url"); !i.empty()) {
          registries = {std::string(i)};
        } else if (auto i2 = option("-i"); !i2.empty()) {
          registries = {std::string(i2)};
        } else if (auto x = option("--extra-index-url"); !x.empty()) {
          registries.emplace_back(x);
        } else if (t.rfind("-e", 0) == 0 || t.rfind("--editable", 0) == 0) {
          Dependency d;
          d.name = std::string(t);
          d.manager = "pip_requirements";
          d.skipReason = "local-path";
          d.line = line.number;
          out.deps.push_back(std::move(d));
        }
        continue;
      }
      size_t i = 0;
      while (i < t.size() && isNameChar(t[i])) ++i;
      if (i == 0) {
        out.warnings.push_back(where + ": not a requirement; skipped");
        continue;
      }
      Dependency d;
      d.name = std::string(t.substr(0, i));
      d.packageName = detail::normalizePypiName(d.name);
      d.manager = "pip_requirements";
      d.datasource = "pypi";
      d.versioning = "pep440";
      d.depType = "prod";
      d.line = line.number;
      d.registryUrls = registries;
      d.declarationSpan = {lineStart, t.size()};
      size_t j = i;
      while (j < t.size() && t[j] == ' ') ++j;
      if (j < t.size() && t[j] == '[') {
        const size_t close = t.find(']', j);
        if (close == std::string_view::npos) {
          out.warnings.push_back(where + ": unterminated extras; skipped");
          continue;
        }
        j = close + 1;
      }
      while (j < t.size() && t[j] == ' ') ++j;
      if (j < t.size() && t[j] == '@') {
        d.skipReason = "url";
        out.deps.push_back(std::move(d));
        continue;
      }
      // The specifier ends at the markers (';'), an option (" --hash") or the end.
      size_t end = t.size();
      for (std::string_view stop :
           {std::string_view(";"), std::string_view(" --"), std::string_view("\t--")}) {
        const size_t at = t.find(stop, j);
        if (at != std::string_view::npos) end = std::min(end, at);
      }
      std::string_view spec = t.substr(j, end - j);
      while (!spec.empty() && std::isspace(static_cast<unsigned char>(spec.back())))
        spec.remove_suffix(1);
      if (spec.find("://") != std::string_view::npos) d.skipReason = "url";
      d.currentValue = std::string(spec);
      d.valueSpan = {lineStart + j, spec.size()};
      if (spec.empty()) d.skipReason = d.skipReason.empty() ? "unversioned" : d.skipReason;
      // --hash options, on this physical line or on the lines it continues onto.
      d.hashPinned = line.text.find("--hash") != std::string_view::npos;
      for (size_t k = li; !d.hashPinned && k + 1 < lines.size(); ++k) {
        std::string_view physical = lines[k].text;
        while (!physical.empty() && (physical.back() == '\r' || physical.back() == ' '))
          physical.remove_suffix(1);
        if (physical.empty() || physical.back() != '\\') break;
        d.hashPinned = lines[k + 1].text.find("--hash") != std::string_view::npos;
      }
      out.deps.push_back(std::move(d));
    }
    return out;
  }

  std::optional<std::string> remove(std::string_view content,
                                    const Dependency& dep) const override {
    if (dep.declarationSpan.length == 0 || dep.declarationSpan.end() > content.size())
      return std::nullopt;
    // The whole logical line: from its start through the line break of its last
    // continued physical line.
    uint64_t start = dep.declarationSpan.offset;
    while (start > 0 && content[start - 1] != '\n') --start;
    uint64_t end = dep.declarationSpan.offset;
    while (true) {
      const size_t nl = content.find('\n', end);
      if (nl == std::string_view::npos) {
        end = content.size();
        break;
      }
      std::string_view physical = content.substr(end, nl - end);
      while (!physical.empty() && (physical.back() == '\r' || physical.back() == ' '))
        physical.remove_suffix(1);
      end = nl + 1;
      if (physical.empty() || physical.back() != '\\') break;
    }
    std::string out(content);
    out.erase(start, end - start);
    return out;
  }
};

}  // namespace

const Manager& pipRequirementsManager() {
  static const PipRequirementsManager m;
  return m;
}

}  // namespace ddd::analyzers::deps
