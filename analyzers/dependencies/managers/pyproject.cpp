// The pyproject manager: pyproject.toml's PEP 621 [project] dependencies and
// optional-dependencies, [build-system] requires, PEP 735 [dependency-groups], uv's
// [tool.uv] dev-dependencies and PDM's [tool.pdm.dev-dependencies] (PEP 508
// strings: the span covers only the version specifier), and Poetry's
// [tool.poetry.dependencies], [tool.poetry.dev-dependencies] and
// [tool.poetry.group.<name>.dependencies] (`name = "constraint"` or a table).
//
// Versioning: PEP 508 specifiers are PEP 440 ("pep440"). A Poetry constraint written with
// Poetry's own operators — caret (^1.2), tilde (~1.2, not ~=) or a bare wildcard (1.2.*,
// *) — is read with the "npm" scheme, whose ^ ~ and x-ranges mean exactly what Poetry's
// do on release versions (^0.2.3 = >=0.2.3,<0.3.0; ~1.2 = >=1.2,<1.3); every other Poetry
// constraint (1.2.3, >=1.2,<2.0, ~=1.4, ==1.2.*) is PEP 440. Consequence: for a caret or
// tilde constraint, PyPI releases that are not SemVer-shaped (2.1, 1.0.post1, 3.0rc1)
// are not considered.
#include <algorithm>
#include <cctype>

#include "analyzers/dependencies/managers/line_manifest.h"
#include "analyzers/dependencies/managers/manager.h"
#include "analyzers/dependencies/managers/pep508.h"
#include "analyzers/dependencies/managers/toml_spans.h"

namespace ddd::analyzers::deps {
namespace {

// The scheme that reads a Poetry constraint (see the file comment).
const char* poetryVersioning(std::string_view c) {
  const size_t first = c.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "pep440";
  const char op = c[first];
  if (op == '^') return "npm";
  if (op == '~' && (first + 1 >= c.size() || c[first + 1] != '=')) return "npm";
  if (c.find('*') != std::string_view::npos &&
      (std::isdigit(static_cast<unsigned char>(op)) || op == '*')) {
    return "npm";
  }
  return "pep440";
}

class PyprojectManager : public Manager {
 public:
  std::string_view name() const override { return "pyproject"; }

  bool handles(std::string_view path) const override {
    return detail::baseName(path) == "pyproject.toml" &&
           path.find("site-packages/") == std::string_view::npos;
  }

  ExtractResult extract(std::string_view path, std::string_view content) const override {
    const std::string where(path);
    const TomlNode root = parseTomlWithSpans(content, where);
    ExtractResult out;
    // PEP 621.
    readArray(root.at({"project", "dependencies"}), "project.dependencies", "prod", where, out);
    if (const TomlNode* extras = root.at({"project", "optional-dependencies"});
        extras && extras->kind == TomlNode::Table) {
      for (size_t i = 0; i < extras->keys.size(); ++i) {
        readArray(&extras->values[i], "project.optional-dependencies." + extras->keys[i],
                  "optional", where, out);
      }
    }
    readArray(root.at({"build-system", "requires"}), "build-system.requires", "build", where, out);
    // PEP 735.
    if (const TomlNode* groups = root.get("dependency-groups");
        groups && groups->kind == TomlNode::Table) {
      for (size_t i = 0; i < groups->keys.size(); ++i) {
        readArray(&groups->values[i], "dependency-groups." + groups->keys[i], "dev", where, out);
      }
    }
    // uv's and PDM's development dependencies (PEP 508 arrays, before PEP 735).
    readArray(root.at({"tool", "uv", "dev-dependencies"}), "tool.uv.dev-dependencies", "dev", where,
              out);
    if (const TomlNode* pdm = root.at({"tool", "pdm", "dev-dependencies"});
        pdm && pdm->kind == TomlNode::Table) {
      for (size_t i = 0; i < pdm->keys.size(); ++i) {
        readArray(&pdm->values[i], "tool.pdm.dev-dependencies." + pdm->keys[i], "dev", where, out);
      }
    }
    // Poetry.
    if (const TomlNode* poetry = root.at({"tool", "poetry"});
        poetry && poetry->kind == TomlNode::Table) {
      readPoetry(poetry->get("dependencies"), "tool.poetry.dependencies", "prod", where, out);
      readPoetry(poetry->get("dev-dependencies"), "tool.poetry.dev-dependencies", "dev", where,
                 out);
      if (const TomlNode* groups = poetry->get("group");
          groups && groups->kind == TomlNode::Table) {
        for (size_t i = 0; i < groups->keys.size(); ++i) {
          readPoetry(groups->values[i].get("dependencies"), "tool.poetry.group." + groups->keys[i],
                     "dev", where, out);
        }
      }
    }
    std::stable_sort(out.deps.begin(), out.deps.end(),
                     [](const Dependency& a, const Dependency& b) {
                       return a.declarationSpan.offset < b.declarationSpan.offset;
                     });
    return out;
  }

  std::optional<std::string> remove(std::string_view content,
                                    const Dependency& dep) const override {
    const Span decl = dep.declarationSpan;
    if (decl.length == 0 || decl.end() > content.size()) return std::nullopt;
    std::string out(content);
    if (dep.group.rfind("tool.poetry.", 0) == 0) {
      // `name = "constraint"` or `name = { ... }` on lines of their own.
      const Span lines = wholeLinesOf(content, decl);
      if (lines.length == 0) return std::nullopt;
      out.erase(lines.offset, lines.length);
    } else if (const Span lines = wholeLinesOf(content, decl, ','); lines.length != 0) {
      // An array element on its own line (with its comma and comment).
      out.erase(lines.offset, lines.length);
    } else {
      // An element of a one-line array: with the comma after it, else the one before it.
      auto blank = [](char c) { return c == ' ' || c == '\t'; };
      uint64_t after = decl.end();
      while (after < content.size() && blank(content[after])) ++after;
      if (after < content.size() && content[after] == ',') {
        ++after;
        while (after < content.size() && blank(content[after])) ++after;
        out.erase(decl.offset, after - decl.offset);
      } else {
        uint64_t before = decl.offset;
        while (before > 0 && blank(content[before - 1])) --before;
        if (before > 0 && content[before - 1] == ',') {
          out.erase(before - 1, decl.end() - (before - 1));
        } else {
          out.erase(decl.offset, decl.length);
        }
      }
    }
    if (!isValidToml(out)) return std::nullopt;
    return out;
  }

 private:
  static Dependency base(const std::string& group, const char* depType, uint32_t line) {
    Dependency d;
    d.manager = "pyproject";
    d.datasource = "pypi";
    d.versioning = "pep440";
    d.depType = depType;
    d.group = group;
    d.line = line;
    return d;
  }

  // An array of PEP 508 strings.
  static void readArray(const TomlNode* array, const std::string& group, const char* depType,
                        const std::string& where, ExtractResult& out) {
    if (!array) return;
    if (array->kind != TomlNode::Array) {
      out.warnings.push_back(where + ":" + std::to_string(array->line) + ": " + group +
                             " is not an array; skipped");
      return;
    }
    for (const auto& item : array->items) {
      // PEP 735 `{include-group = "test"}` entries name other groups, not packages.
      if (item.kind == TomlNode::Table) continue;
      const std::string at = where + ":" + std::to_string(item.line);
      if (item.kind != TomlNode::String) {
        out.warnings.push_back(at + ": an entry of " + group + " is not a string; skipped");
        continue;
      }
      const auto req = detail::parsePep508(item.text);
      if (!req.valid) {
        out.warnings.push_back(at + ": \"" + item.text.substr(0, 80) +
                               "\" is not a PEP 508 requirement; skipped");
        continue;
      }
      Dependency d = base(group, depType, item.line);
      d.name = std::string(req.name);
      d.packageName = detail::normalizePypiName(req.name);
      d.declarationSpan = item.span;
      if (req.url) {
        d.skipReason = "url";
      } else if (req.specLength == 0) {
        d.skipReason = "unversioned";
      } else {
        d.currentValue = item.text.substr(req.specOffset, req.specLength);
        if (item.verbatim) {
          d.valueSpan = {item.inner.offset + req.specOffset, req.specLength};
        } else {
          d.valueSpan = {item.inner.offset, 0};
          d.skipReason = "escaped-value";
        }
      }
      out.deps.push_back(std::move(d));
    }
  }

  // A Poetry dependency table: name = "constraint" | { version = ..., ... } | [ ... ].
  static void readPoetry(const TomlNode* table, const std::string& group, const char* depType,
                         const std::string& where, ExtractResult& out) {
    if (!table) return;
    if (table->kind != TomlNode::Table) {
      out.warnings.push_back(where + ":" + std::to_string(table->line) + ": " + group +
                             " is not a table; skipped");
      return;
    }
    for (size_t i = 0; i < table->keys.size(); ++i) {
      const TomlNode& value = table->values[i];
      Dependency d = base(group, depType, value.line);
      d.name = table->keys[i];
      d.packageName = detail::normalizePypiName(d.name);
      const uint64_t keyAt = table->keySpans[i].offset;
      d.declarationSpan = {keyAt, value.inlineTable || value.kind == TomlNode::String
                                      ? value.span.end() - keyAt
                                      : 0};
      const TomlNode* version = nullptr;
      if (value.kind == TomlNode::String) {
        version = &value;
      } else if (value.kind == TomlNode::Table) {
        version = value.get("version");
        if (value.get("path")) {
          d.skipReason = "local-path";
        } else if (value.get("git")) {
          d.skipReason = "git-source";
        } else if (value.get("url")) {
          d.skipReason = "url";
        } else if (value.get("source")) {
          // A [[tool.poetry.source]] by name: not resolvable to an index here.
          d.skipReason = "custom-registry";
        }
      } else if (value.kind == TomlNode::Array) {
        d.skipReason = "multiple-constraints";  // per-marker constraint lists
      } else {
        out.warnings.push_back(where + ":" + std::to_string(value.line) + ": " + d.name + " in " +
                               group + " is neither a constraint nor a table; skipped");
        continue;
      }
      if (version && version->kind == TomlNode::String) {
        d.currentValue = version->text;
        d.line = version->line;
        d.versioning = poetryVersioning(version->text);
        if (version->verbatim) {
          d.valueSpan = version->inner;
        } else {
          d.valueSpan = {version->inner.offset, 0};
          if (d.skipReason.empty()) d.skipReason = "escaped-value";
        }
      }
      if (d.name == "python") {
        d.skipReason = "python-version";  // the interpreter, not a package
      } else if (d.currentValue.empty() && d.skipReason.empty()) {
        d.skipReason = "unversioned";
      }
      out.deps.push_back(std::move(d));
    }
  }
};

}  // namespace

const Manager& pyprojectManager() {
  static const PyprojectManager m;
  return m;
}

}  // namespace ddd::analyzers::deps
