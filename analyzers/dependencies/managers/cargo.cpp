// The Cargo manager: Cargo.toml [dependencies], [dev-dependencies], [build-dependencies],
// their target-specific forms ([target.'cfg(unix)'.dependencies]) and
// [workspace.dependencies]; a dependency is `name = "req"`, an inline table
// `name = { version = "req", ... }` or a table ([dependencies.name], name.version = ...).
// `package = "real"` renames; path, git, and `workspace = true` dependencies are
// listed with a skip reason; `registry = "name"` is kept in Dependency::registryName
// (the analyzer resolves it from Cargo's settings); [workspace] members are workspace globs.
#include <algorithm>

#include "analyzers/dependencies/managers/line_manifest.h"
#include "analyzers/dependencies/managers/manager.h"
#include "analyzers/dependencies/managers/toml_spans.h"

namespace ddd::analyzers::deps {
namespace {

struct Section {
  const char* key;
  const char* depType;
};
// Cargo still reads the underscore spellings of the old manifest format.
constexpr Section kSections[] = {{"dependencies", "prod"},
                                 {"dev-dependencies", "dev"},
                                 {"dev_dependencies", "dev"},
                                 {"build-dependencies", "build"},
                                 {"build_dependencies", "build"}};

bool isTrue(const TomlNode* n, std::string_view text) {
  return n && n->kind == TomlNode::Other && text.substr(n->span.offset, n->span.length) == "true";
}

class CargoManager : public Manager {
 public:
  std::string_view name() const override { return "cargo"; }

  bool handles(std::string_view path) const override {
    // Vendored crates (`cargo vendor`) are not the repository's own manifests.
    return detail::baseName(path) == "Cargo.toml" &&
           path.find("vendor/") == std::string_view::npos &&
           path.find("target/package/") == std::string_view::npos;
  }

  ExtractResult extract(std::string_view path, std::string_view content) const override {
    const std::string where(path);
    const TomlNode root = parseTomlWithSpans(content, where);
    ExtractResult out;
    for (const auto& s : kSections) {
      readTable(root.get(s.key), s.key, s.depType, where, content, out);
    }
    if (const TomlNode* targets = root.get("target"); targets && targets->kind == TomlNode::Table) {
      for (size_t i = 0; i < targets->keys.size(); ++i) {
        for (const auto& s : kSections) {
          const std::string group = "target." + targets->keys[i] + "." + s.key;
          readTable(targets->values[i].get(s.key), group, s.depType, where, content, out);
        }
      }
    }
    if (const TomlNode* ws = root.get("workspace"); ws && ws->kind == TomlNode::Table) {
      readTable(ws->get("dependencies"), "workspace.dependencies", "workspace", where, content,
                out);
      if (const TomlNode* members = ws->get("members");
          members && members->kind == TomlNode::Array) {
        for (const auto& m : members->items) {
          if (m.kind == TomlNode::String) out.workspaceGlobs.push_back(m.text);
        }
      }
    }
    // File order, as every manager reports.
    std::stable_sort(out.deps.begin(), out.deps.end(),
                     [](const Dependency& a, const Dependency& b) {
                       return a.declarationSpan.offset < b.declarationSpan.offset;
                     });
    return out;
  }

  std::optional<std::string> remove(std::string_view content,
                                    const Dependency& dep) const override {
    // Only `name = "req"` and `name = { ... }` lines; a [dependencies.name] table or
    // dotted keys spread over several lines stay.
    if (dep.declarationSpan.length == 0) return std::nullopt;
    const Span lines = wholeLinesOf(content, dep.declarationSpan);
    if (lines.length == 0) return std::nullopt;
    std::string out(content);
    out.erase(lines.offset, lines.length);
    if (!isValidToml(out)) return std::nullopt;
    return out;
  }

 private:
  static void readTable(const TomlNode* table, const std::string& group, const char* depType,
                        const std::string& where, std::string_view content, ExtractResult& out) {
    if (!table) return;
    if (table->kind != TomlNode::Table) {
      out.warnings.push_back(where + ":" + std::to_string(table->line) + ": " + group +
                             " is not a table; skipped");
      return;
    }
    for (size_t i = 0; i < table->keys.size(); ++i) {
      const TomlNode& value = table->values[i];
      Dependency d;
      d.name = table->keys[i];
      d.packageName = d.name;
      d.manager = "cargo";
      d.datasource = "crate";
      d.versioning = "cargo";
      d.depType = depType;
      d.group = group;
      d.line = value.line;
      const TomlNode* version = nullptr;
      if (value.kind == TomlNode::String) {
        version = &value;
        d.declarationSpan = {table->keySpans[i].offset,
                             value.span.end() - table->keySpans[i].offset};
      } else if (value.kind == TomlNode::Table) {
        if (value.inlineTable) {
          d.declarationSpan = {table->keySpans[i].offset,
                               value.span.end() - table->keySpans[i].offset};
        } else {
          // [dependencies.name] or name.version = ...: not removable line by line.
          d.declarationSpan = {table->keySpans[i].offset, 0};
        }
        if (const TomlNode* p = value.get("package"); p && p->kind == TomlNode::String)
          d.packageName = p->text;
        version = value.get("version");
        if (isTrue(value.get("workspace"), content)) {
          d.skipReason = "workspace";
        } else if (value.get("path")) {
          d.skipReason = "local-path";
        } else if (value.get("git")) {
          d.skipReason = "git-source";
        } else if (const TomlNode* reg = value.get("registry");
                   reg && reg->kind == TomlNode::String) {
          // Resolved by the analyzer from Cargo's settings (.cargo/config.toml, CARGO_*).
          d.registryName = reg->text;
        } else if (reg || value.get("registry-index")) {
          // registry-index is an unstable Cargo feature; a registry that is not a name.
          d.skipReason = "custom-registry";
        }
      } else {
        out.warnings.push_back(where + ":" + std::to_string(value.line) + ": " + d.name + " in " +
                               group + " is neither a version nor a table; skipped");
        continue;
      }
      if (version && version->kind == TomlNode::String) {
        d.currentValue = version->text;
        d.valueSpan = version->inner;
        d.line = version->line;
        if (!version->verbatim && d.skipReason.empty()) d.skipReason = "escaped-value";
        if (!version->verbatim) d.valueSpan = {version->inner.offset, 0};
      } else if (version) {
        out.warnings.push_back(where + ":" + std::to_string(version->line) + ": " + d.name +
                               ": version is not a string; skipped");
        continue;
      }
      if (d.currentValue.empty() && d.skipReason.empty()) d.skipReason = "unversioned";
      out.deps.push_back(std::move(d));
    }
  }
};

}  // namespace

const Manager& cargoManager() {
  static const CargoManager m;
  return m;
}

}  // namespace ddd::analyzers::deps
