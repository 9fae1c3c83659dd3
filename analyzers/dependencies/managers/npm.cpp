// The npm manager: package.json dependencies, devDependencies, peerDependencies and
// optionalDependencies (with their exact byte spans), workspaces globs, and npm's
// non-registry specs recognised and skipped with a reason.
#include <algorithm>

#include "analyzers/dependencies/managers/json_spans.h"
#include "analyzers/dependencies/managers/manager.h"

namespace ddd::analyzers::deps {
namespace {

struct Section {
  const char* name;
  const char* depType;
};
constexpr Section kSections[] = {{"dependencies", "prod"},
                                 {"devDependencies", "dev"},
                                 {"peerDependencies", "peer"},
                                 {"optionalDependencies", "optional"}};

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Why a spec is not looked up in the registry, or "" when it is a range or version.
std::string skipReasonOf(std::string_view spec) {
  if (startsWith(spec, "workspace:")) return "workspace";
  if (startsWith(spec, "file:") || startsWith(spec, "link:") || startsWith(spec, "portal:") ||
      startsWith(spec, "./") || startsWith(spec, "../") || startsWith(spec, "/") ||
      startsWith(spec, "~/")) {
    return "local-path";
  }
  if (startsWith(spec, "git") || startsWith(spec, "github:") || startsWith(spec, "gitlab:") ||
      startsWith(spec, "bitbucket:") || spec.find("://") != std::string_view::npos) {
    return "git-source";
  }
  // "owner/repo" or "owner/repo#ref": GitHub shorthand.
  const size_t slash = spec.find('/');
  if (slash != std::string_view::npos && slash > 0 && spec.find(' ') == std::string_view::npos &&
      spec[0] != '<' && spec[0] != '>' && spec[0] != '=' && spec[0] != '^' && spec[0] != '~') {
    return "git-source";
  }
  if (!spec.empty() &&
      std::all_of(spec.begin(), spec.end(),
                  [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '-'; }) &&
      spec != "x" && spec != "X") {
    return "dist-tag";  // "latest", "next", "beta"
  }
  return "";
}

class NpmManager : public Manager {
 public:
  std::string_view name() const override { return "npm"; }

  bool handles(std::string_view path) const override {
    const size_t slash = path.rfind('/');
    const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
    // Vendored packages are not the repository's own manifests.
    return base == "package.json" && path.find("node_modules/") == std::string_view::npos;
  }

  ExtractResult extract(std::string_view path, std::string_view content) const override {
    const std::string where(path);
    const JsonNode root = parseJsonWithSpans(content, where);
    if (root.kind != JsonNode::Object)
      throw ManifestError(where + ": package.json must be a JSON object");
    ExtractResult out;
    if (const JsonNode* engines = root.get("engines");
        engines && engines->kind == JsonNode::Object) {
      const JsonNode* node = engines->get("node");
      if (node && node->kind == JsonNode::String && !node->text.empty()) {
        out.constraints["node"] = node->text;
      } else if (node) {
        out.warnings.push_back(where + ":" + std::to_string(lineAt(content, node->span.offset)) +
                               ": engines.node is not a version range; not used");
      }
    }
    for (const auto& section : kSections) {
      const JsonNode* deps = root.get(section.name);
      if (!deps) continue;
      if (deps->kind != JsonNode::Object) {
        out.warnings.push_back(where + ":" + std::to_string(lineAt(content, deps->span.offset)) +
                               ": " + section.name + " is not an object; skipped");
        continue;
      }
      for (size_t i = 0; i < deps->keys.size(); ++i) {
        const std::string& name = deps->keys[i];
        const JsonNode& value = deps->values[i];
        const uint32_t line = lineAt(content, deps->keySpans[i].offset);
        if (value.kind != JsonNode::String) {
          out.warnings.push_back(where + ":" + std::to_string(line) + ": " + name +
                                 " has no version string; skipped");
          continue;
        }
        Dependency d;
        d.name = name;
        d.packageName = name;
        d.manager = "npm";
        d.datasource = "npm";
        d.versioning = "npm";
        d.depType = section.depType;
        d.group = section.name;
        d.currentValue = value.text;
        d.valueSpan = value.inner;
        d.declarationSpan = {deps->keySpans[i].offset, value.span.end() - deps->keySpans[i].offset};
        d.line = line;
        // Escaped characters would make the span differ from the decoded text.
        if (content.substr(value.inner.offset, value.inner.length) != value.text) {
          d.skipReason = "escaped-value";
        } else if (startsWith(value.text, "npm:")) {
          // An alias: "npm:real-name@^1.2.3" -> look up real-name, rewrite only the range.
          const std::string_view spec = std::string_view(value.text).substr(4);
          const size_t at = spec.rfind('@');
          if (at == std::string_view::npos || at == 0) {
            d.skipReason = "unversioned";
          } else {
            d.packageName = std::string(spec.substr(0, at));
            d.currentValue = std::string(spec.substr(at + 1));
            d.valueSpan = {value.inner.offset + 4 + at + 1, d.currentValue.size()};
          }
        } else {
          d.skipReason = skipReasonOf(value.text);
        }
        out.deps.push_back(std::move(d));
      }
    }
    if (const JsonNode* ws = root.get("workspaces")) {
      const JsonNode* list = ws->kind == JsonNode::Object ? ws->get("packages") : ws;
      if (list && list->kind == JsonNode::Array) {
        for (const auto& item : list->items) {
          if (item.kind == JsonNode::String) out.workspaceGlobs.push_back(item.text);
        }
      }
    }
    return out;
  }

  std::optional<std::string> remove(std::string_view content,
                                    const Dependency& dep) const override {
    const JsonNode root = parseJsonWithSpans(content, "package.json");
    const JsonNode* deps = root.get(dep.group);
    if (!deps || deps->kind != JsonNode::Object) return std::nullopt;
    for (size_t i = 0; i < deps->keys.size(); ++i) {
      if (deps->keys[i] != dep.name) continue;
      const uint64_t keyStart = deps->keySpans[i].offset;
      const uint64_t valueEnd = deps->values[i].span.end();
      std::string out(content);
      if (deps->keys.size() == 1) {
        // The only member: leave an empty object.
        out.replace(deps->span.offset, deps->span.length, "{}");
      } else if (i + 1 < deps->keys.size()) {
        // Up to the next member's name: the comma, the line break and its indentation go.
        out.erase(keyStart, deps->keySpans[i + 1].offset - keyStart);
      } else {
        // The last member: from the end of the previous value (its comma) to this value's end.
        const uint64_t prevEnd = deps->values[i - 1].span.end();
        out.erase(prevEnd, valueEnd - prevEnd);
      }
      return out;
    }
    return std::nullopt;
  }
};

}  // namespace

const Manager& npmManager() {
  static const NpmManager m;
  return m;
}

}  // namespace ddd::analyzers::deps
