#pragma once
// Managers: one per manifest format (package.json, requirements.txt, go.mod, ...). A
// manager finds the dependencies a file declares, with the exact byte span of every
// value it may later rewrite, and nothing else; updates are written back by replacing
// only those spans (applySpanEdits), so comments, ordering and formatting survive byte
// for byte. Managers are stateless and thread-safe; they never run package managers.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ddd::analyzers::deps {

// A byte range of the manifest's content.
struct Span {
  uint64_t offset = 0;
  uint64_t length = 0;
  uint64_t end() const { return offset + length; }
};

// One declared dependency. `currentValue` is exactly content.substr(valueSpan) (for a
// range like "^4.17.0" the span covers only those characters, not the quotes).
struct Dependency {
  std::string name;         // as declared: "lodash", "actions/checkout", "python"
  std::string packageName;  // as the datasource knows it ("library/python" stays "python";
                            // PyPI names normalised per PEP 503); defaults to name
  std::string manager;      // "npm", "pip_requirements", "pyproject", "gomod", "cargo",
                            // "github-actions", "dockerfile", "helm"
  std::string datasource;   // "npm", "pypi", "go", "crate", "github-tags", "docker", "helm"
  std::string versioning;   // "npm", "pep440", "semver", "go", "cargo", "docker"
  std::string depType;      // prod|dev|peer|optional|build|indirect|action|image|...
  std::string group;        // the section it came from: "devDependencies", "tool.poetry.group.test"
  std::string currentValue;   // declared range / version / tag, verbatim; may be empty
  Span valueSpan;             // where currentValue is (length 0 when there is none)
  std::string currentDigest;  // pinned sha / image digest, verbatim ("" when none)
  std::optional<Span> digestSpan;
  std::string commentVersion;  // "v4.1.0" from "@<sha> # v4.1.0" (updated together)
  std::optional<Span> commentVersionSpan;
  Span declarationSpan;  // the whole declaration (for removal), see Manager::remove
  uint32_t line = 0;     // 1-based line of valueSpan (or of the declaration)
  std::vector<std::string> registryUrls;  // from the file's own settings (rare)
  std::string registryName;               // Cargo: `registry = "name"` ("" for crates.io)
  // pip: the requirement carries `--hash=` options, which a new version's files need anew.
  bool hashPinned = false;
  std::string skipReason;                 // non-empty: not looked up ("local-path", "git-source",
                           // "workspace", "unversioned", "invalid-version", "variable")
};

struct ExtractResult {
  std::vector<Dependency> deps;  // in file order
  // Other files this one pulls in ("-r other.txt", workspace globs resolved later by
  // the analyzer): paths relative to the repository root, normalised.
  std::vector<std::string> includes;
  std::vector<std::string> workspaceGlobs;  // npm/Cargo workspaces members, verbatim
  std::vector<std::string> warnings;        // "requirements.txt:12: unknown option --foo; skipped"
  // The runtime versions the manifest says it supports, by runtime: package.json's
  // `engines.node` as "node" (a string as written; absent when not declared).
  std::map<std::string, std::string> constraints;
};

// Thrown by extract() when the file as a whole cannot be read (malformed JSON/TOML/
// YAML): the message names the file, line and what is wrong.
class ManifestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Manager {
 public:
  virtual ~Manager() = default;
  virtual std::string_view name() const = 0;
  // True for the repository-relative paths this manager reads.
  virtual bool handles(std::string_view path) const = 0;
  virtual ExtractResult extract(std::string_view path, std::string_view content) const = 0;
  // The content without `dep`'s declaration (a dead dependency), keeping the file valid
  // (JSON commas, TOML tables, requirement lines); nullopt when this manager can't
  // remove it safely.
  virtual std::optional<std::string> remove(std::string_view content,
                                            const Dependency& dep) const = 0;
};

// One replacement of a span of the original content.
struct SpanReplacement {
  Span span;
  std::string text;
};
// Applies non-overlapping replacements (any order) to `content`; throws
// std::invalid_argument on overlapping or out-of-range spans.
std::string applySpanEdits(std::string_view content, std::vector<SpanReplacement> edits);

// The table of managers (one registration line per manager in managers/registry.cpp).
const std::vector<const Manager*>& managers();
const Manager* findManager(std::string_view name);

}  // namespace ddd::analyzers::deps
