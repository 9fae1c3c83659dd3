// The GitHub Actions manager: `uses: owner/repo[/path]@ref` in workflow files
// (.github/workflows/*.yml|yaml) and composite actions (action.yml|yaml). Tags are
// updated in place. A SHA pin `@<40 hex> # v4.1.0` is a digest (the sha) plus a version
// (the comment, `# tag=v4.1.0` too): currentValue/valueSpan are the comment's version,
// currentDigest/digestSpan the sha, and an update rewrites both; a pin without such a
// comment has an empty value (span of length 0 after the sha). Local actions (./...)
// and docker:// images are listed, not looked up. Lines are read for the spans; the YAML
// structure (yaml-cpp, behind the event-budget guard) says which `uses:` lines are keys
// of the document: one inside a block scalar (`run: |` text) is not a dependency, and a
// file that is not YAML is a ManifestError (an invalid-manifest finding).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "analyzers/runbooks/yaml_guard.h"

#include "analyzers/dependencies/managers/line_manifest.h"
#include "analyzers/dependencies/managers/manager.h"

namespace ddd::analyzers::deps {
namespace {

bool isSha(std::string_view s) {
  return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c));
         });
}

// (1-based line, value) of every `uses:` key with a scalar value in the document.
void collectUses(const YAML::Node& node, int depth,
                 std::set<std::pair<uint64_t, std::string>>& out) {
  if (depth > 64) return;
  if (node.IsMap()) {
    for (const auto& kv : node) {
      if (kv.first.IsScalar() && kv.first.Scalar() == "uses" && kv.second.IsScalar() &&
          kv.second.Mark().line >= 0) {
        out.emplace(static_cast<uint64_t>(kv.second.Mark().line) + 1, kv.second.Scalar());
      }
      collectUses(kv.second, depth + 1, out);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) collectUses(item, depth + 1, out);
  }
}

std::set<std::pair<uint64_t, std::string>> usesKeys(std::string_view content,
                                                    const std::string& where) {
  std::set<std::pair<uint64_t, std::string>> out;
  try {
    for (const auto& doc : runbooks::loadAllYamlGuarded(content)) collectUses(doc, 0, out);
  } catch (const runbooks::YamlGuardError& e) {
    throw ManifestError(where + ": YAML not read: " + e.what());
  } catch (const YAML::Exception& e) {
    throw ManifestError(where + ":" + std::to_string(e.mark.line + 1) + ":" +
                        std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
  }
  return out;
}

class GithubActionsManager : public Manager {
 public:
  std::string_view name() const override { return "github-actions"; }
  bool handles(std::string_view path) const override {
    const auto base = detail::baseName(path);
    const bool yaml = (base.size() > 4 && base.substr(base.size() - 4) == ".yml") ||
                      (base.size() > 5 && base.substr(base.size() - 5) == ".yaml");
    return (yaml && path.rfind(".github/workflows/", 0) == 0 &&
            path.find('/', 18) == std::string_view::npos) ||
           base == "action.yml" || base == "action.yaml";
  }
  ExtractResult extract(std::string_view path, std::string_view content) const override {
    if (content.find('\0') != std::string_view::npos)
      throw ManifestError(std::string(path) + ": not a text file");
    ExtractResult out;
    if (content.find("uses:") == std::string_view::npos) return out;
    const auto keys = usesKeys(content, std::string(path));
    for (const auto& line : detail::splitLines(content)) {
      const std::string_view t = line.text;
      size_t u = t.find("uses:");
      if (u == std::string_view::npos) continue;
      // `uses:` as a key: only blanks, "- " before it.
      bool key = true;
      for (size_t i = 0; i < u; ++i) key = key && (t[i] == ' ' || t[i] == '-' || t[i] == '\t');
      if (!key) continue;
      size_t i = u + 5;
      while (i < t.size() && (t[i] == ' ' || t[i] == '\t')) ++i;
      if (i < t.size() && (t[i] == '"' || t[i] == '\'')) ++i;
      const size_t start = i;
      while (i < t.size() && t[i] != ' ' && t[i] != '\t' && t[i] != '"' && t[i] != '\'' &&
             t[i] != '#')
        ++i;
      const std::string_view value = t.substr(start, i - start);
      // Text of a block scalar, or a value the YAML reads otherwise: not a `uses:` key.
      if (!keys.count({line.number, std::string(value)})) continue;
      Dependency d;
      d.manager = "github-actions";
      d.line = line.number;
      d.depType = "action";
      d.declarationSpan = {line.offset + start, value.size()};
      if (value.rfind("./", 0) == 0 || value.rfind("docker://", 0) == 0) {
        d.name = std::string(value);
        d.skipReason = value[0] == '.' ? "local-path" : "docker-action";
        out.deps.push_back(std::move(d));
        continue;
      }
      const size_t at = value.find('@');
      if (at == std::string_view::npos) {
        d.name = std::string(value);
        d.skipReason = "unversioned";
        out.deps.push_back(std::move(d));
        continue;
      }
      d.name = std::string(value.substr(0, at));
      const size_t second = d.name.find('/', d.name.find('/') + 1);
      d.packageName = second == std::string::npos ? d.name : d.name.substr(0, second);
      d.datasource = "github-tags";
      d.versioning = "docker";  // v4, v4.1.0: numeric tags with a "v" prefix, same precision
      d.currentValue = std::string(value.substr(at + 1));
      d.valueSpan = {line.offset + start + at + 1, d.currentValue.size()};
      if (isSha(d.currentValue)) {
        d.currentDigest = d.currentValue;
        d.digestSpan = d.valueSpan;
        d.currentValue.clear();
        d.valueSpan = {d.digestSpan->end(), 0};
        const size_t hash = t.find('#', i);
        if (hash != std::string_view::npos) {
          size_t v = hash + 1;
          while (v < t.size() && (t[v] == ' ' || t[v] == '\t')) ++v;
          if (t.substr(v, 4) == "tag=") v += 4;
          size_t ve = v;
          while (ve < t.size() && t[ve] != ' ' && t[ve] != '\t' && t[ve] != '\r') ++ve;
          const std::string_view word = t.substr(v, ve - v);
          // A version: "v4", "4.1.0", "v4.1.0-beta"; other comments are not.
          const size_t digit = !word.empty() && (word[0] == 'v' || word[0] == 'V') ? 1 : 0;
          if (word.size() > digit && std::isdigit(static_cast<unsigned char>(word[digit]))) {
            d.commentVersion = std::string(word);
            d.commentVersionSpan = Span{line.offset + v, word.size()};
            d.currentValue = d.commentVersion;
            d.valueSpan = *d.commentVersionSpan;
          }
        }
      }
      out.deps.push_back(std::move(d));
    }
    return out;
  }
  std::optional<std::string> remove(std::string_view, const Dependency&) const override {
    return std::nullopt;
  }
};

}  // namespace

const Manager& githubActionsManager() {
  static const GithubActionsManager m;
  return m;
}

}  // namespace ddd::analyzers::deps
