// The Helm manager: Chart.yaml `dependencies:` (name, version, repository). A chart
// repository given as an http(s) URL is where the "helm" datasource reads index.yaml;
// an OCI registry (`oci://host/path`) holds the chart as an image `host/path/<name>`
// whose tags are the chart versions, looked up with the "docker" datasource (Registry
// v2 tags, https://host); `file://` subcharts and repository aliases (`@stable`,
// `alias:stable`, names from the operator's `helm repo add`) are listed with a skip
// reason. Versions and ranges are Helm's SemVer constraints, read with the "helm"
// scheme (npm's operators plus the comma-separated AND, ">=1.2.0, <2.0.0"); OCI charts
// with the "helm-oci" scheme, which reads the tags as Helm does (a version's "+" is
// spelled "_" in a tag; only strict SemVer tags are chart versions).
// YAML is loaded through the
// guard (yaml-cpp 0.7 hangs on some inputs); positions come from yaml-cpp's marks and
// every span is checked against the text.
#include <yaml-cpp/yaml.h>

#include "analyzers/dependencies/managers/line_manifest.h"
#include "analyzers/dependencies/managers/manager.h"
#include "analyzers/runbooks/yaml_guard.h"

namespace ddd::analyzers::deps {
namespace {

std::string scalarOf(const YAML::Node& map, const char* key) {
  const YAML::Node v = map[key];
  return v && v.IsScalar() ? v.Scalar() : std::string();
}

YAML::Node loadChart(std::string_view content, const std::string& where) {
  if (content.find('\0') != std::string_view::npos) {
    throw ManifestError(where + ": not a text file (NUL bytes); not read as YAML");
  }
  try {
    const auto docs = runbooks::loadAllYamlGuarded(content);
    return docs.empty() ? YAML::Node() : docs.front();
  } catch (const runbooks::YamlGuardError& e) {
    throw ManifestError(where + ": YAML not read: " + e.what());
  } catch (const YAML::Exception& e) {
    throw ManifestError(where + ":" + std::to_string(e.mark.line + 1) + ":" +
                        std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
  }
}

// The byte span of a scalar's value: plain at its mark, quoted one byte later;
// nullopt when the text there is not the value (escapes, folding, aliases).
std::optional<Span> scalarSpan(std::string_view content, const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.pos < 0) return std::nullopt;
  const std::string& value = node.Scalar();
  const auto pos = static_cast<uint64_t>(m.pos);
  for (uint64_t at : {pos, pos + 1}) {
    if (at == pos + 1 && (pos >= content.size() || (content[pos] != '"' && content[pos] != '\'')))
      break;
    if (at + value.size() <= content.size() && content.substr(at, value.size()) == value)
      return Span{at, value.size()};
  }
  return std::nullopt;
}

// The lines of the list item whose map starts at `itemPos`: from its "- " line up to the
// next line indented no deeper than the dash (blank lines after it stay). Zero length
// when the item is not a block item on lines of its own.
Span itemLines(std::string_view content, uint64_t itemPos) {
  if (itemPos > content.size()) return {};
  uint64_t start = itemPos;
  while (start > 0 && content[start - 1] != '\n') --start;
  const std::string_view head = content.substr(start, itemPos - start);
  const size_t dash = head.find_first_not_of(' ');
  if (dash == std::string_view::npos || head[dash] != '-' ||
      head.find_first_not_of(' ', dash + 1) != std::string_view::npos) {
    return {};
  }
  uint64_t end = content.find('\n', itemPos);
  end = end == std::string_view::npos ? content.size() : end + 1;
  for (uint64_t at = end; at < content.size();) {
    uint64_t next = content.find('\n', at);
    next = next == std::string_view::npos ? content.size() : next + 1;
    std::string_view line = content.substr(at, next - at);
    const size_t indent = line.find_first_not_of(' ');
    const bool blank =
        indent == std::string_view::npos || line[indent] == '\n' || line[indent] == '\r';
    if (!blank) {
      if (indent <= dash) break;
      end = next;
    }
    at = next;
  }
  return {start, end - start};
}

class HelmManager : public Manager {
 public:
  std::string_view name() const override { return "helm"; }

  bool handles(std::string_view path) const override {
    return detail::baseName(path) == "Chart.yaml";
  }

  ExtractResult extract(std::string_view path, std::string_view content) const override {
    const std::string where(path);
    const YAML::Node root = loadChart(content, where);
    ExtractResult out;
    if (!root || root.IsNull()) return out;
    if (!root.IsMap()) throw ManifestError(where + ": Chart.yaml must be a YAML map");
    const YAML::Node deps = root["dependencies"];
    if (!deps || deps.IsNull()) return out;
    if (!deps.IsSequence()) {
      out.warnings.push_back(where + ":" + std::to_string(deps.Mark().line + 1) +
                             ": dependencies is not a list; skipped");
      return out;
    }
    for (const auto& item : deps) {
      const std::string at = where + ":" + std::to_string(item.Mark().line + 1);
      if (!item.IsMap() || scalarOf(item, "name").empty()) {
        out.warnings.push_back(at + ": a dependency without a name; skipped");
        continue;
      }
      Dependency d;
      d.name = scalarOf(item, "name");
      d.packageName = d.name;
      d.manager = "helm";
      d.datasource = "helm";
      d.versioning = "helm";
      d.depType = "prod";
      d.group = "dependencies";
      d.line = static_cast<uint32_t>(item.Mark().line + 1);
      if (item.Mark().pos >= 0)
        d.declarationSpan = itemLines(content, static_cast<uint64_t>(item.Mark().pos));
      const YAML::Node version = item["version"];
      if (version && version.IsScalar()) {
        d.currentValue = version.Scalar();
        d.line = static_cast<uint32_t>(version.Mark().line + 1);
        if (auto span = scalarSpan(content, version)) {
          d.valueSpan = *span;
        } else {
          d.skipReason = "escaped-value";
        }
      } else if (version && !version.IsNull()) {
        out.warnings.push_back(at + ": " + d.name + ": version is not a scalar; skipped");
        continue;
      }
      std::string repo = scalarOf(item, "repository");
      if (!d.skipReason.empty()) {
      } else if (d.currentValue.empty()) {
        d.skipReason = "unversioned";
      } else if (repo.empty()) {
        d.skipReason = "no-repository";
      } else if (repo.rfind("file://", 0) == 0) {
        d.skipReason = "local-path";
      } else if (repo[0] == '@' || repo.rfind("alias:", 0) == 0) {
        d.skipReason = "repository-alias";  // defined by `helm repo add` on someone's machine
      } else if (repo.rfind("oci://", 0) == 0) {
        std::string path = repo.substr(6);  // "oci://" and "oci:///" leave no host
        while (!path.empty() && path.back() == '/') path.pop_back();
        const size_t slash = path.find('/');
        const std::string host = path.substr(0, slash);
        if (host.empty() || host.find_first_of("@?#\\ ") != std::string::npos) {
          d.skipReason = "unsupported-repository";
        } else {
          // The registry's host, over HTTPS unless the operator listed it as insecure
          // (the analyzer asks RegistrySettings::dockerBase).
          d.datasource = "docker";
          d.versioning = "helm-oci";
          d.packageName = path + "/" + d.name;
          d.registryUrls = {"https://" + host};
        }
      } else if (repo.rfind("https://", 0) == 0 || repo.rfind("http://", 0) == 0) {
        while (!repo.empty() && repo.back() == '/') repo.pop_back();
        d.registryUrls = {repo};
      } else {
        d.skipReason = "unsupported-repository";
      }
      out.deps.push_back(std::move(d));
    }
    return out;
  }

  std::optional<std::string> remove(std::string_view content,
                                    const Dependency& dep) const override {
    const Span decl = dep.declarationSpan;
    if (decl.length == 0 || decl.end() > content.size()) return std::nullopt;
    try {
      const YAML::Node before = loadChart(content, "Chart.yaml");
      const size_t count = before["dependencies"] && before["dependencies"].IsSequence()
                               ? before["dependencies"].size()
                               : 0;
      // The last dependency stays: an empty `dependencies:` would be null, not a list.
      if (count < 2) return std::nullopt;
      std::string out(content);
      out.erase(decl.offset, decl.length);
      const YAML::Node after = loadChart(out, "Chart.yaml");
      if (!after["dependencies"] || !after["dependencies"].IsSequence() ||
          after["dependencies"].size() != count - 1) {
        return std::nullopt;
      }
      // And the dependencies read back are the others, unchanged: cutting an item's lines
      // out of a quoted scalar that runs over several lines would bring lines of it back
      // as an item of their own (found by fuzzing).
      const auto others = extract("Chart.yaml", content).deps;
      const auto left = extract("Chart.yaml", out).deps;
      size_t k = 0;
      for (const auto& d : others) {
        if (d.declarationSpan.offset == decl.offset && d.declarationSpan.length == decl.length)
          continue;
        if (k >= left.size() || left[k].name != d.name || left[k].currentValue != d.currentValue ||
            left[k].registryUrls != d.registryUrls || left[k].skipReason != d.skipReason) {
          return std::nullopt;
        }
        ++k;
      }
      if (k != left.size()) return std::nullopt;
      return out;
    } catch (const ManifestError&) {
      return std::nullopt;
    }
  }
};

}  // namespace

const Manager& helmManager() {
  static const HelmManager m;
  return m;
}

}  // namespace ddd::analyzers::deps
