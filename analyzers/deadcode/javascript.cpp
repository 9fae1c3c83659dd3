// The JavaScript/TypeScript pass: a module graph from the entry points a project
// declares (package.json fields and scripts, tool configs, HTML, tests, framework
// conventions, workers), resolution as Node, bundlers and TypeScript do it (relative
// paths, extensions, index files, tsconfig paths/baseUrl, workspace packages,
// package.json imports), and from it unused files, unused exports (vs. exports used
// only in their own file) and unused / unlisted npm dependencies, each with the
// evidence and the doubts behind its confidence (README.md in this folder).
#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "analyzers/deadcode/js_module.h"
#include "analyzers/deadcode/language.h"
#include "analyzers/dependencies/managers/manager.h"
#include "analyzers/deprecations/glob.h"

namespace ddd::analyzers::deadcode {
namespace {

using deprecations::GlobSet;
using json = nlohmann::json;

constexpr double kBaseConfidence = 0.9;

struct ModuleFile {
  std::string path;
  JsModuleInfo info;
  bool typescript = false;
  bool declaration = false;  // .d.ts
  bool generated = false;    // marked generated: read for imports, never reported
  bool read = false;
};

struct Package {
  std::string dir;  // "" for the root, else "packages/a/"
  std::string manifest;
  std::string name;
  json doc;
  bool isPrivate = false;
  bool hasExportsMap = false;
  bool hasPublicEntry = false;  // main / module / exports / bin
  std::vector<deps::Dependency> declared;
  std::set<std::string> used;     // declared names used
  std::map<std::string, std::string> usedBy;  // name -> first evidence
  std::vector<std::string> entryReasons;
};

struct TsConfig {
  std::string dir;  // directory of the tsconfig
  std::string baseUrl;  // resolved directory ("" = the repository root), when hasBaseUrl
  bool hasBaseUrl = false;
  std::vector<std::pair<std::string, std::vector<std::string>>> paths;  // pattern -> targets (resolved)
  std::vector<std::string> types;
  std::vector<std::string> packageRefs;  // extends / plugins naming packages
};

// Node's built-in modules (with or without "node:").
const std::unordered_set<std::string>& builtins() {
  static const std::unordered_set<std::string> b = {
      "assert", "async_hooks", "buffer", "child_process", "cluster", "console", "constants",
      "crypto", "dgram", "diagnostics_channel", "dns", "domain", "events", "fs", "http", "http2",
      "https", "inspector", "module", "net", "os", "path", "perf_hooks", "process", "punycode",
      "querystring", "readline", "repl", "stream", "string_decoder", "sys", "timers", "tls",
      "trace_events", "tty", "url", "util", "v8", "vm", "wasi", "worker_threads", "zlib", "test",
      "sqlite", "sea"};
  return b;
}

// Command names that differ from the package providing them.
const std::map<std::string, std::string>& binaryPackages() {
  static const std::map<std::string, std::string> m = {
      {"tsc", "typescript"}, {"tsserver", "typescript"}, {"run-s", "npm-run-all"},
      {"run-p", "npm-run-all"}, {"npm-run-all2", "npm-run-all2"}, {"changeset", "@changesets/cli"},
      {"playwright", "@playwright/test"}, {"svelte-kit", "@sveltejs/kit"}, {"ng", "@angular/cli"},
      {"vue-cli-service", "@vue/cli-service"}, {"biome", "@biomejs/biome"}, {"cpy", "cpy-cli"},
      {"del", "del-cli"}, {"dotenv", "dotenv-cli"}, {"webpack", "webpack-cli"},
      {"wrangler", "wrangler"}, {"sb", "storybook"}, {"start-storybook", "@storybook/react"},
      {"oxlint", "oxlint"}, {"lerna", "lerna"}, {"tsx", "tsx"}, {"vitest", "vitest"},
      {"ts-node", "ts-node"}, {"ts-node-esm", "ts-node"}, {"api-extractor", "@microsoft/api-extractor"},
      {"commitlint", "@commitlint/cli"}, {"electron-builder", "electron-builder"},
      {"nx", "nx"}, {"turbo", "turbo"}, {"c8", "c8"}, {"nyc", "nyc"}, {"semantic-release", "semantic-release"},
      {"docusaurus", "@docusaurus/core"}, {"astro", "astro"}, {"next", "next"}, {"nuxt", "nuxt"},
      {"nuxi", "nuxt"}, {"remix", "@remix-run/dev"}, {"react-scripts", "react-scripts"},
      {"prisma", "prisma"}, {"drizzle-kit", "drizzle-kit"}, {"eslint", "eslint"}};
  return m;
}

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool endsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::string dirOf(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? "" : std::string(path.substr(0, slash + 1));
}
std::string baseOf(std::string_view path) {
  const size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}
std::string extOf(std::string_view path) {
  const std::string base = baseOf(path);
  const size_t dot = base.rfind('.');
  return dot == std::string::npos || dot == 0 ? "" : base.substr(dot);
}

const std::vector<std::string>& moduleExtensions() {
  static const std::vector<std::string> e = {".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs",
                                             ".cjs", ".vue", ".svelte", ".astro"};
  return e;
}
bool isModulePath(std::string_view path) {
  const std::string ext = extOf(path);
  return std::find(moduleExtensions().begin(), moduleExtensions().end(), ext) != moduleExtensions().end();
}
bool isTypeScriptPath(std::string_view path) {
  const std::string ext = extOf(path);
  return ext == ".ts" || ext == ".tsx" || ext == ".mts" || ext == ".cts";
}
bool isVendored(std::string_view path) {
  return startsWith(path, "node_modules/") || path.find("/node_modules/") != std::string_view::npos ||
         startsWith(path, "bower_components/") || path.find("/bower_components/") != std::string_view::npos;
}
// Build output committed to the tree: never reported, not read.
bool isBuildOutput(std::string_view path) {
  for (std::string_view seg : {"dist/", ".next/", "coverage/", ".nuxt/", ".svelte-kit/", ".output/",
                               ".docusaurus/", "storybook-static/"}) {
    if (startsWith(path, seg)) return true;
    for (size_t at = path.find(seg); at != std::string_view::npos; at = path.find(seg, at + 1)) {
      if (at > 0 && path[at - 1] == '/') return true;
    }
  }
  return false;
}

// Test files, fixtures, stories and mocks: run by tools that find them by name.
bool isTestLike(std::string_view path) {
  const std::string base = baseOf(path);
  for (std::string_view marker : {".test.", ".spec.", ".e2e.", ".stories.", ".story.", ".bench.", "-test.", "_test.", ".cy."}) {
    if (base.find(marker) != std::string::npos) return true;
  }
  const std::string p = "/" + std::string(path);
  for (std::string_view dir : {"/__tests__/", "/__mocks__/", "/__fixtures__/", "/test/", "/tests/",
                               "/e2e/", "/fixtures/", "/__snapshots__/", "/cypress/", "/playwright/",
                               "/.storybook/", "/testing/", "/spec/", "/benchmark/", "/benchmarks/", "/bench/"}) {
    if (p.find(dir) != std::string::npos) return true;
  }
  return false;
}

// Tool configuration files that tools load by name.
bool isToolConfig(std::string_view path) {
  const std::string base = baseOf(path);
  if (base.find(".config.") != std::string::npos) return true;
  if (startsWith(base, ".") && base.find("rc") != std::string::npos) return true;
  for (std::string_view n : {"gulpfile.", "Gruntfile.", "Jakefile.", "webpack.", "rollup.", "vite.",
                             "jest.", "karma.", "protractor.", "nightwatch.", "wdio.", "babel.",
                             "postcss.", "tailwind.", ".eslintrc", "eslint.", "prettier.", "stylelint.",
                             "vitest.", "playwright.", "cypress.", "next.", "nuxt.", "svelte.", "astro.",
                             "remix.", "metro.", "app.config", "tsup.", "esbuild.", "gatsby-", "commitlint.",
                             "lint-staged.", "release.", "typedoc.", "vercel.", "wrangler.", "drizzle.", "knip."}) {
    if (startsWith(base, n)) return true;
  }
  return false;
}

// Files that run commands (CI workflows, container and make files, shell scripts):
// the module paths and packages they name are used.
bool isRunnerFile(std::string_view path) {
  const std::string base = baseOf(path);
  if (startsWith(path, ".github/workflows/") || startsWith(path, ".gitlab-ci") || startsWith(path, ".circleci/"))
    return true;
  return startsWith(base, "Dockerfile") || endsWith(base, ".dockerfile") || base == "Makefile" ||
         base == "Procfile" || endsWith(base, ".sh") || base == "netlify.toml" || base == "vercel.json" ||
         base == "app.json" || base == "docker-compose.yml" || base == "compose.yaml" || base == ".husky" ||
         startsWith(path, ".husky/");
}

// Framework routing conventions: files the framework loads by location.
bool isFrameworkEntry(std::string_view path, const Package& pkg) {
  std::string_view rel = path.substr(pkg.dir.size());
  const std::string base = baseOf(rel);
  const std::string stem = base.substr(0, base.find('.'));
  auto has = [&](std::string_view dep) {
    for (const auto& d : pkg.declared) {
      if (d.name == dep) return true;
    }
    return false;
  };
  if (has("next")) {
    if (startsWith(rel, "pages/") || startsWith(rel, "src/pages/")) return true;
    if ((startsWith(rel, "app/") || startsWith(rel, "src/app/")) &&
        (stem == "page" || stem == "layout" || stem == "route" || stem == "loading" || stem == "error" ||
         stem == "not-found" || stem == "template" || stem == "default" || stem == "global-error" ||
         stem == "opengraph-image" || stem == "icon" || stem == "sitemap" || stem == "robots"))
      return true;
    if (stem == "middleware" || stem == "instrumentation") return true;
  }
  if ((has("@remix-run/dev") || has("@react-router/dev")) && (startsWith(rel, "app/routes/") || stem == "root" ||
                                                              stem == "entry")) return true;
  if (has("@sveltejs/kit") && (startsWith(rel, "src/routes/") || stem == "hooks")) return true;
  if (has("astro") && (startsWith(rel, "src/pages/") || startsWith(rel, "src/content/"))) return true;
  if (has("nuxt") && (startsWith(rel, "pages/") || startsWith(rel, "plugins/") || startsWith(rel, "middleware/") ||
                      startsWith(rel, "server/") || startsWith(rel, "layouts/") || startsWith(rel, "components/") ||
                      startsWith(rel, "composables/")))
    return true;
  if (has("gatsby") && (startsWith(rel, "src/pages/") || startsWith(rel, "src/templates/"))) return true;
  if (has("@docusaurus/core") && startsWith(rel, "src/pages/")) return true;
  if (startsWith(rel, "api/") && !pkg.dir.empty() == false && has("vercel")) return true;
  return false;
}

// Conventional entries when a package names none: index.* / main.* / cli.* at its root or in src/.
bool isConventionalEntry(std::string_view rel) {
  const std::string base = baseOf(rel);
  const std::string stem = base.substr(0, base.find('.'));
  const std::string dir = dirOf(rel);
  return (dir.empty() || dir == "src/") && (stem == "index" || stem == "main" || stem == "cli");
}

std::string normalize(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    const std::string_view seg = path.substr(i, j - i);
    if (seg == "..") {
      if (parts.empty()) return "";  // above the repository root
      parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    i = j + 1;
  }
  std::string out;
  for (auto p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return out;
}

// The npm package a bare specifier names: "lodash/fp" -> lodash, "@a/b/c" -> @a/b.
std::string packageNameOf(std::string_view spec) {
  size_t slash = spec.find('/');
  if (startsWith(spec, "@")) {
    if (slash == std::string_view::npos) return "";
    slash = spec.find('/', slash + 1);
  }
  return std::string(slash == std::string_view::npos ? spec : spec.substr(0, slash));
}

bool validPackageName(std::string_view n) {
  if (n.empty() || n.size() > 214) return false;
  for (char c : n) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '@' ||
          c == '/' || c == '~'))
      return false;
  }
  return n[0] != '.' && n[0] != '_';
}

// JSON with comments and trailing commas (tsconfig): stripped, then parsed; null on failure.
json parseJsonc(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      const size_t start = i++;
      while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
      i = std::min(i + 1, text.size());
      out.append(text.substr(start, i - start));
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      const size_t e = text.find("*/", i + 2);
      i = e == std::string_view::npos ? text.size() : e + 2;
    } else if (c == ',') {
      size_t j = i + 1;
      while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j]))) ++j;
      if (j < text.size() && (text[j] == '}' || text[j] == ']')) {
        ++i;
        continue;
      }
      out += c;
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  return json::parse(out, nullptr, false);
}

// Words of a text that could name a package or a file: [A-Za-z0-9@/._:~-]+.
void forEachWord(std::string_view text, const std::function<void(std::string_view)>& fn) {
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !(std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '@' ||
                                text[i] == '.' || text[i] == '/' || text[i] == '_' || text[i] == '-' ||
                                text[i] == ':' || text[i] == '~'))
      ++i;
    const size_t start = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '@' ||
                               text[i] == '.' || text[i] == '/' || text[i] == '_' || text[i] == '-' ||
                               text[i] == ':' || text[i] == '~'))
      ++i;
    if (i > start) fn(text.substr(start, i - start));
  }
}

void collectStrings(const json& j, std::vector<std::string>& out, int depth = 0) {
  if (depth > 64) return;
  if (j.is_string()) {
    out.push_back(j.get<std::string>());
  } else if (j.is_array()) {
    for (const auto& v : j) collectStrings(v, out, depth + 1);
  } else if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      out.push_back(k);
      collectStrings(v, out, depth + 1);
    }
  }
}

class JsPass {
 public:
  JsPass(const SourceTree& tree, const DeadcodeOptions& options) : tree_(tree), options_(options) {}

  PassResult run() {
    try {
      ignore_ = GlobSet(options_.ignorePaths);
      extraEntries_ = GlobSet(options_.entries);
    } catch (const deprecations::GlobError& e) {
      result_.warnings.push_back(std::string("deadcode: bad glob in the config: ") + e.what());
    }
    for (const auto& f : tree_.files()) allPaths_.insert(f.path);
    readFiles();
    if (modules_.empty() && packages_.empty()) return std::move(result_);
    findEntries();
    walk();
    markExportUses();
    reportFiles();
    reportExports();
    reportDependencies();
    std::sort(result_.candidates.begin(), result_.candidates.end(), [](const Candidate& a, const Candidate& b) {
      return std::tie(a.path, a.line, a.column, a.name) < std::tie(b.path, b.line, b.column, b.name);
    });
    std::sort(result_.stats.entries.begin(), result_.stats.entries.end());
    return std::move(result_);
  }

 private:
  const SourceTree& tree_;
  const DeadcodeOptions& options_;
  PassResult result_;
  GlobSet ignore_, extraEntries_;
  std::unordered_set<std::string> allPaths_;
  std::vector<ModuleFile> modules_;  // sorted by path
  std::unordered_map<std::string, size_t> moduleIndex_;
  std::vector<Package> packages_;    // sorted by dir
  std::map<std::string, size_t> packageByDir_;
  std::vector<TsConfig> tsconfigs_;
  std::map<std::string, std::vector<std::string>> htmlRefs_;  // html file -> referenced specifiers
  std::map<std::string, std::string> configTexts_;           // non-JS tool configs (text)
  std::map<std::string, std::vector<std::string>> entries_;  // module path -> why it is an entry
  std::vector<char> reachable_;
  std::map<size_t, std::set<size_t>> importers_;  // module -> modules importing it
  // Export uses: module -> names used from outside; modules whose every export is used.
  // Export uses: module -> names used from outside; modules whose every export is used.
  // `any_` counts every importer, `live_` only importers an entry reaches (an export
  // used only by dead files is dead too, but can't be removed before them).
  struct UseState {
    std::vector<std::set<std::string>> names;
    std::vector<char> all;
  };
  UseState any_, live_;
  std::unordered_map<std::string, std::string> stringOwner_;  // string literal -> first module naming it
  std::map<std::string, std::vector<std::string>> unresolvedPatterns_;
  // Per module, per import: the module it resolves to (-1: none / not a module).
  std::vector<std::vector<long>> targets_;
  // Last path segment of every string literal -> modules naming it (at most 2 kept).
  std::unordered_map<std::string, std::vector<std::string>> stringBaseOwners_;
  std::map<std::pair<const Package*, std::string>, std::pair<double, std::vector<std::string>>> pkgDoubts_;
  size_t patternCount_ = 0;
  std::vector<std::pair<std::string, std::string>> generatedDirs_;  // {dir/, the script writing it}

  // ----- reading -----

  void readFiles() {
    std::mutex mutex;
    std::vector<ModuleFile> modules;
    std::vector<std::pair<std::string, std::string>> manifests, tsconfigs, htmls, configs;
    uint64_t generated = 0, huge = 0;
    std::vector<std::string> minified;
    std::set<std::string> wanted;
    for (const auto& f : tree_.files()) {
      if (isVendored(f.path)) continue;
      const std::string base = baseOf(f.path);
      if (isModulePath(f.path) || base == "package.json" || (startsWith(base, "tsconfig") && endsWith(base, ".json")) ||
          base == "jsconfig.json" || endsWith(base, ".html") || endsWith(base, ".htm") ||
          (isToolConfig(f.path) && !isModulePath(f.path)) || base == "deno.json" || base == "deno.jsonc" ||
          isRunnerFile(f.path)) {
        wanted.insert(f.path);
      }
    }
    tree_.forEachFile(
        [&](const SourceFile& f) {
          if (!wanted.count(f.path)) return false;
          if (isModulePath(f.path) && isBuildOutput(f.path)) {
            std::lock_guard lock(mutex);
            ++generated;
            return false;
          }
          return true;
        },
        [&](const SourceFile& f, const std::string& content) {
          const std::string base = baseOf(f.path);
          if (base == "package.json") {
            std::lock_guard lock(mutex);
            manifests.emplace_back(f.path, content);
            return;
          }
          if ((startsWith(base, "tsconfig") && endsWith(base, ".json")) || base == "jsconfig.json") {
            std::lock_guard lock(mutex);
            tsconfigs.emplace_back(f.path, content);
            return;
          }
          if (endsWith(base, ".html") || endsWith(base, ".htm")) {
            std::lock_guard lock(mutex);
            htmls.emplace_back(f.path, content);
            return;
          }
          if (!isModulePath(f.path)) {
            std::lock_guard lock(mutex);
            configs.emplace_back(f.path, content);
            return;
          }
          ModuleFile m;
          m.path = f.path;
          m.typescript = isTypeScriptPath(f.path);
          m.declaration = endsWith(f.path, ".d.ts") || endsWith(f.path, ".d.mts") || endsWith(f.path, ".d.cts");
          if (looksMinified(f.path, content)) {
            std::lock_guard lock(mutex);
            ++generated;
            minified.push_back(f.path);
            return;
          }
          m.generated = looksGenerated(content);
          const std::string ext = extOf(f.path);
          if (ext == ".vue" || ext == ".svelte" || ext == ".astro") {
            m.info = scanJsModule(embeddedScript(content, ext), true);
          } else {
            m.info = scanJsModule(content, ext != ".ts" && ext != ".mts" && ext != ".cts");
          }
          m.read = true;
          std::lock_guard lock(mutex);
          if (m.generated) ++generated;
          modules.push_back(std::move(m));
        });
    // Files that could not be read (binary or over the size limit).
    for (const auto& path : wanted) {
      (void)path;
    }
    std::sort(modules.begin(), modules.end(), [](const ModuleFile& a, const ModuleFile& b) { return a.path < b.path; });
    modules_ = std::move(modules);
    for (size_t i = 0; i < modules_.size(); ++i) moduleIndex_[modules_[i].path] = i;
    uint64_t readCount = modules_.size() + manifests.size() + tsconfigs.size() + htmls.size() + configs.size();
    for (const auto& f : tree_.files()) {
      if (wanted.count(f.path) && isModulePath(f.path) && !isBuildOutput(f.path) && !moduleIndex_.count(f.path) &&
          std::find(minified.begin(), minified.end(), f.path) == minified.end()) {
        ++huge;
        result_.warnings.push_back("deadcode: " + f.path + " could not be read (binary or too large); skipped");
      }
    }
    (void)readCount;
    result_.stats.files = modules_.size();
    result_.stats.skippedGenerated = generated;
    result_.stats.skippedHuge = huge;
    for (const auto& m : modules_) {
      if (m.info.lexErrors) {
        ++result_.stats.parseErrors;
        result_.warnings.push_back("deadcode: " + m.path + ": " + m.info.firstLexError +
                                   " (its findings get lower confidence)");
      }
      for (const auto& s : m.info.strings) {
        stringOwner_.emplace(s, m.path);
        // Path-like strings only ("./pages/Home", "Home.tsx"): a bare word is no file name.
        const size_t slash = s.rfind('/');
        if (slash == std::string::npos && !isModulePath(s)) continue;
        auto& owners = stringBaseOwners_[slash == std::string::npos ? s : s.substr(slash + 1)];
        if (owners.size() < 2 && (owners.empty() || owners.back() != m.path)) owners.push_back(m.path);
      }
    }
    std::sort(manifests.begin(), manifests.end());
    for (auto& [path, text] : manifests) readPackage(path, text);
    std::sort(tsconfigs.begin(), tsconfigs.end());
    std::map<std::string, std::string> tsTexts(tsconfigs.begin(), tsconfigs.end());
    for (const auto& [path, text] : tsconfigs) readTsConfig(path, tsTexts);
    std::sort(htmls.begin(), htmls.end());
    for (const auto& [path, text] : htmls) readHtml(path, text);
    for (auto& [path, text] : configs) configTexts_[path] = std::move(text);
    for (UseState* u : {&any_, &live_}) {
      u->names.resize(modules_.size());
      u->all.assign(modules_.size(), 0);
    }
  }

  static bool looksMinified(std::string_view path, std::string_view content) {
    if (endsWith(path, ".min.js") || endsWith(path, ".min.mjs") || endsWith(path, ".min.cjs") ||
        endsWith(path, "-min.js") || endsWith(path, ".bundle.js"))
      return true;
    if (content.size() < 4096) return false;
    const size_t lines = 1 + static_cast<size_t>(std::count(content.begin(), content.end(), '\n'));
    return content.size() / lines > 300;
  }

  static bool looksGenerated(std::string_view content) {
    std::string head(content.substr(0, 600));
    std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
    return head.find("@generated") != std::string::npos || head.find("do not edit") != std::string::npos ||
           head.find("auto-generated") != std::string::npos || head.find("autogenerated") != std::string::npos ||
           head.find("code generated by") != std::string::npos;
  }

  // The script parts of a .vue / .svelte file (other bytes blanked, offsets kept), or
  // an .astro file's frontmatter and scripts.
  static std::string embeddedScript(std::string_view content, std::string_view ext) {
    std::string out(content.size(), ' ');
    for (size_t i = 0; i < content.size(); ++i) {
      if (content[i] == '\n') out[i] = '\n';
    }
    auto copy = [&](size_t b, size_t e) {
      for (size_t i = b; i < e && i < content.size(); ++i) out[i] = content[i];
    };
    if (ext == ".astro" && startsWith(content, "---")) {
      const size_t close = content.find("\n---", 3);
      if (close != std::string_view::npos) copy(3, close);
    }
    size_t pos = 0;
    while ((pos = content.find("<script", pos)) != std::string_view::npos) {
      const size_t open = content.find('>', pos);
      if (open == std::string_view::npos) break;
      const size_t close = content.find("</script", open);
      const size_t end = close == std::string_view::npos ? content.size() : close;
      copy(open + 1, end);
      pos = end;
    }
    return out;
  }

  void readPackage(const std::string& path, const std::string& text) {
    Package p;
    p.manifest = path;
    p.dir = dirOf(path);
    p.doc = json::parse(text, nullptr, false);
    if (!p.doc.is_object()) {
      result_.warnings.push_back("deadcode: " + path + " is not valid JSON; its entries and dependencies are unknown");
      p.doc = json::object();
    }
    try {
      const deps::Manager* npm = deps::findManager("npm");
      if (npm) p.declared = npm->extract(path, text).deps;
    } catch (const deps::ManifestError& e) {
      result_.warnings.push_back(std::string("deadcode: ") + e.what());
    }
    if (p.doc.contains("name") && p.doc["name"].is_string()) p.name = p.doc["name"].get<std::string>();
    p.isPrivate = p.doc.value("private", false) == true;
    p.hasExportsMap = p.doc.contains("exports");
    p.hasPublicEntry = p.doc.contains("exports") || p.doc.contains("main") || p.doc.contains("module") ||
                       p.doc.contains("bin");
    packageByDir_[p.dir] = packages_.size();
    packages_.push_back(std::move(p));
  }

  void readTsConfig(const std::string& path, const std::map<std::string, std::string>& texts) {
    TsConfig c;
    c.dir = dirOf(path);
    // Follow "extends" within the repository (a few levels); later files override.
    std::vector<json> chain;
    std::string current = path;
    for (int depth = 0; depth < 6 && !current.empty(); ++depth) {
      auto it = texts.find(current);
      if (it == texts.end()) break;
      json j = parseJsonc(it->second);
      if (!j.is_object()) {
        if (depth == 0) result_.warnings.push_back("deadcode: " + current + " could not be parsed; its paths are ignored");
        break;
      }
      chain.push_back(j);
      std::string next;
      if (j.contains("extends") && j["extends"].is_string()) {
        const std::string ext = j["extends"].get<std::string>();
        if (startsWith(ext, ".")) {
          next = normalize(dirOf(current) + ext);
          if (!endsWith(next, ".json")) next += ".json";
        } else {
          c.packageRefs.push_back(ext);
        }
      }
      // remember where each file lives, for its own relative baseUrl/paths
      chain.back()["__dir"] = dirOf(current);
      current = next;
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      const json& j = *it;
      const std::string dir = j["__dir"].get<std::string>();
      if (!j.contains("compilerOptions") || !j["compilerOptions"].is_object()) continue;
      const json& co = j["compilerOptions"];
      std::string pathsBase = c.hasBaseUrl ? c.baseUrl : dir;
      if (co.contains("baseUrl") && co["baseUrl"].is_string()) {
        c.baseUrl = normalize(dir + co["baseUrl"].get<std::string>());
        if (!c.baseUrl.empty()) c.baseUrl += '/';
        c.hasBaseUrl = true;
        pathsBase = c.baseUrl;
      }
      if (co.contains("paths") && co["paths"].is_object()) {
        c.paths.clear();
        for (const auto& [pattern, targets] : co["paths"].items()) {
          std::vector<std::string> resolved;
          if (targets.is_array()) {
            for (const auto& t : targets) {
              if (t.is_string()) resolved.push_back(pathsBase + t.get<std::string>());
            }
          }
          c.paths.emplace_back(pattern, resolved);
        }
      }
      if (co.contains("types") && co["types"].is_array()) {
        for (const auto& t : co["types"]) {
          if (t.is_string()) c.types.push_back(t.get<std::string>());
        }
      }
      if (co.contains("plugins") && co["plugins"].is_array()) {
        for (const auto& pl : co["plugins"]) {
          if (pl.is_object() && pl.contains("name") && pl["name"].is_string()) c.packageRefs.push_back(pl["name"].get<std::string>());
        }
      }
      if (co.contains("jsxImportSource") && co["jsxImportSource"].is_string()) {
        c.packageRefs.push_back(co["jsxImportSource"].get<std::string>());
      }
    }
    tsconfigs_.push_back(std::move(c));
  }

  void readHtml(const std::string& path, const std::string& text) {
    std::vector<std::string>& refs = htmlRefs_[path];
    size_t pos = 0;
    while ((pos = text.find("<script", pos)) != std::string::npos) {
      const size_t close = text.find('>', pos);
      if (close == std::string::npos) break;
      const std::string tag = text.substr(pos, close - pos);
      const size_t src = tag.find("src=");
      if (src != std::string::npos && src + 5 < tag.size()) {
        const char q = tag[src + 4];
        if (q == '"' || q == '\'') {
          const size_t e = tag.find(q, src + 5);
          if (e != std::string::npos) refs.push_back(tag.substr(src + 5, e - src - 5));
        }
      } else {
        const size_t end = text.find("</script", close);
        const std::string inner = text.substr(close + 1, (end == std::string::npos ? text.size() : end) - close - 1);
        const JsModuleInfo info = scanJsModule(inner, false);
        for (const auto& im : info.imports) refs.push_back(im.specifier);
      }
      pos = close;
    }
  }

  // ----- resolution -----

  const Package* packageOf(std::string_view path) const {
    std::string dir = dirOf(path);
    while (true) {
      auto it = packageByDir_.find(dir);
      if (it != packageByDir_.end()) return &packages_[it->second];
      if (dir.empty()) return nullptr;
      dir = dirOf(dir.substr(0, dir.size() - 1));
    }
  }

  const TsConfig* tsconfigOf(std::string_view path) const {
    const TsConfig* best = nullptr;
    for (const auto& c : tsconfigs_) {
      if (startsWith(path, c.dir) && (!best || c.dir.size() > best->dir.size() ||
                                      (c.dir.size() == best->dir.size() && best->paths.empty() && !c.paths.empty())))
        best = &c;
    }
    return best;
  }

  // An existing file for `base` as a module path: itself, with an extension, the TS
  // source of a .js path, or an index file of a directory.
  std::optional<std::string> probe(const std::string& base) const {
    if (base.empty()) return std::nullopt;
    if (allPaths_.count(base) && !endsWith(base, "/")) return base;
    const std::string ext = extOf(base);
    if (ext == ".js" || ext == ".jsx" || ext == ".mjs" || ext == ".cjs") {
      const std::string stem = base.substr(0, base.size() - ext.size());
      const std::vector<std::string> alts = ext == ".mjs"   ? std::vector<std::string>{".mts"}
                                            : ext == ".cjs" ? std::vector<std::string>{".cts"}
                                                            : std::vector<std::string>{".ts", ".tsx"};
      for (const auto& a : alts) {
        if (allPaths_.count(stem + a)) return stem + a;
      }
    }
    for (const char* e : {".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".json", ".vue", ".svelte"}) {
      if (allPaths_.count(base + e)) return base + e;
    }
    for (const char* e : {"/index.ts", "/index.tsx", "/index.js", "/index.jsx", "/index.mjs", "/index.cjs", "/index.d.ts", "/index.vue"}) {
      if (allPaths_.count(base + e)) return base + e;
    }
    // A directory with its own package.json main.
    auto pkg = packageByDir_.find(base + "/");
    if (pkg != packageByDir_.end()) {
      const json& d = packages_[pkg->second].doc;
      if (d.contains("main") && d["main"].is_string()) {
        if (auto m = probe(normalize(base + "/" + d["main"].get<std::string>()))) return m;
      }
    }
    return std::nullopt;
  }

  // Entry paths naming build output ("dist/index.js") -> the source they are built from.
  std::optional<std::string> probeEntry(const std::string& path) const {
    if (auto p = probe(path)) return p;
    for (std::string_view out : {"dist/", "lib/", "build/", "out/", "esm/", "cjs/", "es/", "types/"}) {
      size_t at = path.find(out);
      while (at != std::string::npos && !(at == 0 || path[at - 1] == '/')) at = path.find(out, at + 1);
      if (at == std::string::npos) continue;
      std::string rest = path.substr(at + out.size());
      for (std::string_view suffix : {".d.ts", ".d.mts", ".d.cts", ".js", ".mjs", ".cjs", ".jsx"}) {
        if (endsWith(rest, suffix)) {
          rest = rest.substr(0, rest.size() - suffix.size());
          break;
        }
      }
      // dist/esm/index.js -> src/index; also drop a second build directory level
      for (const std::string& candidate : {path.substr(0, at) + "src/" + rest,
                                           path.substr(0, at) + "src/" + rest.substr(rest.find('/') == std::string::npos ? 0 : rest.find('/') + 1),
                                           path.substr(0, at) + rest}) {
        if (auto p = probe(candidate)) return p;
      }
    }
    return std::nullopt;
  }

  struct Resolved {
    enum Kind { File, Package, Builtin, Ignored, Unresolved } kind = Unresolved;
    std::string path;     // File
    std::string package;  // Package: the npm name
  };

  Resolved resolve(std::string_view fromPath, std::string spec) const {
    Resolved r;
    if (const size_t q = spec.find_first_of("?#"); q != std::string::npos && q > 0 && spec[0] != '#') spec.resize(q);
    if (spec.empty()) return r;
    if (startsWith(spec, "node:") || startsWith(spec, "bun:")) {
      r.kind = Resolved::Builtin;
      return r;
    }
    if (spec.find("://") != std::string::npos || startsWith(spec, "jsr:") || startsWith(spec, "npm:") ||
        startsWith(spec, "@std/") || startsWith(spec, "virtual:") || startsWith(spec, "data:") ||
        startsWith(spec, "~icons/") || startsWith(spec, "$") || spec.find("${") != std::string::npos) {
      r.kind = Resolved::Ignored;  // Deno / URL / bundler-virtual modules: not npm packages
      return r;
    }
    const std::string dir = dirOf(fromPath);
    if (startsWith(spec, "./") || startsWith(spec, "../") || spec == "." || spec == "..") {
      if (auto p = probe(normalize(dir + spec))) {
        r.kind = Resolved::File;
        r.path = *p;
      }
      return r;
    }
    if (startsWith(spec, "/")) {
      // Web root: the HTML / package directory, or public/.
      const Package* pkg = packageOf(fromPath);
      const std::string root = pkg ? pkg->dir : "";
      for (const std::string& base : {dir + spec.substr(1), root + spec.substr(1), root + "public" + spec, root + "src" + spec}) {
        if (auto p = probe(normalize(base))) {
          r.kind = Resolved::File;
          r.path = *p;
          return r;
        }
      }
      return r;
    }
    if (startsWith(spec, "#")) {  // package.json "imports"
      if (const Package* pkg = packageOf(fromPath)) {
        if (pkg->doc.contains("imports") && pkg->doc["imports"].is_object()) {
          for (const auto& [key, value] : pkg->doc["imports"].items()) {
            std::vector<std::string> targets;
            exportTargets(value, targets, 0);
            const size_t star = key.find('*');
            std::string matched;
            if (star == std::string::npos) {
              if (key != spec) continue;
            } else if (startsWith(spec, key.substr(0, star)) && endsWith(spec, key.substr(star + 1))) {
              matched = spec.substr(star, spec.size() - key.size() + 1);
            } else {
              continue;
            }
            for (std::string t : targets) {
              if (!startsWith(t, "./")) {
                r.kind = Resolved::Package;
                r.package = packageNameOf(t);
                return r;
              }
              if (const size_t s = t.find('*'); s != std::string::npos) t.replace(s, 1, matched);
              if (auto p = probeEntry(normalize(pkg->dir + t))) {
                r.kind = Resolved::File;
                r.path = *p;
                return r;
              }
            }
          }
        }
      }
      // else: maybe a tsconfig path alias (below)
    }
    // tsconfig paths, then baseUrl.
    if (const TsConfig* ts = tsconfigOf(fromPath)) {
      for (const auto& [pattern, targets] : ts->paths) {
        const size_t star = pattern.find('*');
        std::string matched;
        if (star == std::string::npos) {
          if (pattern != spec) continue;
        } else if (spec.size() >= pattern.size() - 1 && startsWith(spec, pattern.substr(0, star)) &&
                   endsWith(spec, pattern.substr(star + 1))) {
          matched = spec.substr(star, spec.size() - (pattern.size() - 1));
        } else {
          continue;
        }
        for (std::string t : targets) {
          if (const size_t s = t.find('*'); s != std::string::npos) t.replace(s, 1, matched);
          if (auto p = probe(normalize(t))) {
            r.kind = Resolved::File;
            r.path = *p;
            return r;
          }
        }
        r.kind = Resolved::Ignored;  // an alias whose target we can't see
        return r;
      }
      if (ts->hasBaseUrl) {
        if (auto p = probe(normalize(ts->baseUrl + spec))) {
          r.kind = Resolved::File;
          r.path = *p;
          return r;
        }
      }
    }
    if (startsWith(spec, "#")) {
      r.kind = Resolved::Ignored;
      return r;
    }
    const std::string name = packageNameOf(spec);
    if (builtins().count(name) || builtins().count(spec)) {
      r.kind = Resolved::Builtin;
      return r;
    }
    if (!validPackageName(name)) {
      r.kind = Resolved::Ignored;
      return r;
    }
    // A workspace package of this repository.
    for (const auto& p : packages_) {
      if (p.name.empty() || p.name != name) continue;
      r.package = name;
      const std::string sub = spec.size() > name.size() ? spec.substr(name.size() + 1) : "";
      if (auto f = workspaceEntry(p, sub)) {
        r.kind = Resolved::File;
        r.path = *f;
        return r;
      }
      r.kind = Resolved::Package;
      return r;
    }
    r.kind = Resolved::Package;
    r.package = name;
    return r;
  }

  std::optional<std::string> workspaceEntry(const Package& p, const std::string& sub) const {
    if (p.doc.contains("exports")) {
      const json& ex = p.doc["exports"];
      const std::string key = sub.empty() ? "." : "./" + sub;
      std::vector<std::string> targets;
      if (ex.is_object() && !ex.empty() && startsWith(ex.begin().key(), ".")) {
        for (const auto& [k, v] : ex.items()) {
          const size_t star = k.find('*');
          if (k == key) {
            exportTargets(v, targets, 0);
          } else if (star != std::string::npos && startsWith(key, k.substr(0, star)) && endsWith(key, k.substr(star + 1))) {
            std::vector<std::string> t;
            exportTargets(v, t, 0);
            const std::string matched = key.substr(star, key.size() - k.size() + 1);
            for (auto& s : t) {
              if (const size_t st = s.find('*'); st != std::string::npos) s.replace(st, 1, matched);
              targets.push_back(s);
            }
          }
        }
      } else if (sub.empty()) {
        exportTargets(ex, targets, 0);
      }
      for (const auto& t : targets) {
        if (auto f = probeEntry(normalize(p.dir + t))) return f;
      }
    }
    if (sub.empty()) {
      for (const char* field : {"source", "module", "main", "types"}) {
        if (p.doc.contains(field) && p.doc[field].is_string()) {
          if (auto f = probeEntry(normalize(p.dir + p.doc[field].get<std::string>()))) return f;
        }
      }
      for (const char* d : {"src/index", "index"}) {
        if (auto f = probe(p.dir + d)) return f;
      }
      return std::nullopt;
    }
    if (auto f = probeEntry(normalize(p.dir + sub))) return f;
    return probe(normalize(p.dir + "src/" + sub));
  }

  // Every string target of an exports / imports value, all conditions.
  static void exportTargets(const json& v, std::vector<std::string>& out, int depth) {
    if (depth > 16) return;
    if (v.is_string()) {
      out.push_back(v.get<std::string>());
    } else if (v.is_array()) {
      for (const auto& x : v) exportTargets(x, out, depth + 1);
    } else if (v.is_object()) {
      for (const auto& [k, x] : v.items()) exportTargets(x, out, depth + 1);
    }
  }

  // ----- entries -----

  void addEntry(const std::string& path, const std::string& why) {
    if (!moduleIndex_.count(path)) return;
    entries_[path].push_back(why);
  }

  // A path or glob from a package.json / config, relative to `dir`.
  void addEntrySpec(const std::string& dir, std::string spec, const std::string& why) {
    if (spec.empty() || spec.size() > 400) return;
    if (startsWith(spec, "!")) return;
    if (spec.find('*') != std::string::npos || spec.find('{') != std::string::npos) {
      std::string glob = normalizeGlob(dir, spec);
      try {
        GlobSet g({glob});
        for (const auto& m : modules_) {
          if (g.matches(m.path)) addEntry(m.path, why);
        }
      } catch (const deprecations::GlobError&) {
      }
      return;
    }
    if (auto p = probeEntry(normalize(dir + spec))) addEntry(*p, why);
  }

  static std::string normalizeGlob(const std::string& dir, std::string spec) {
    while (startsWith(spec, "./")) spec = spec.substr(2);
    if (startsWith(spec, "/")) spec = spec.substr(1);
    if (spec.find('/') == std::string::npos && !startsWith(spec, "**")) spec = "**/" + spec;
    return dir + spec;
  }

  void findEntries() {
    for (auto& p : packages_) packageEntries(p);
    // Modules a script writes are generated: read for their imports, never reported.
    for (auto& m : modules_) {
      for (const auto& [dir, why] : generatedDirs_) {
        if (!m.generated && startsWith(m.path, dir) && dir != "src/" && dir != "lib/") {
          m.generated = true;
          ++result_.stats.skippedGenerated;
        }
      }
    }
    // Tool configs, tests, fixtures, framework files, conventional entries, HTML.
    for (const auto& m : modules_) {
      const Package* pkg = packageOf(m.path);
      const std::string rel = pkg ? m.path.substr(pkg->dir.size()) : m.path;
      if (isToolConfig(m.path)) {
        addEntry(m.path, "tool config " + m.path);
        for (const auto& s : m.info.strings) configString(dirOf(m.path), s, "referenced by " + m.path);
      } else if (isTestLike(m.path)) {
        addEntry(m.path, "test/fixture file");
      } else if (pkg && isFrameworkEntry(m.path, *pkg)) {
        addEntry(m.path, "framework convention");
      } else if (pkg && !pkg->hasPublicEntry && isConventionalEntry(rel)) {
        addEntry(m.path, "conventional entry " + rel);
      } else if (!pkg && isConventionalEntry(m.path)) {
        addEntry(m.path, "conventional entry " + m.path);
      }
      if (m.declaration) addEntry(m.path, "type declarations");
      if (!extraEntries_.empty() && extraEntries_.matches(m.path)) addEntry(m.path, "configured entry");
    }
    for (const auto& [path, text] : configTexts_) {
      std::vector<std::string> strings;
      const json j = parseJsonc(text);
      if (!j.is_discarded()) {
        collectStrings(j, strings);
      } else {
        // YAML, shell, Dockerfile, ...: words that look like module paths.
        forEachWord(text, [&strings](std::string_view w) {
          if (isModulePath(w) || w.find('/') != std::string_view::npos) strings.emplace_back(w);
        });
      }
      const std::string why = "referenced by " + path;
      for (const auto& s : strings) {
        configString(dirOf(path), s, why);
        if (isRunnerFile(path) && dirOf(path) != "") configString("", s, why);  // run from the root
      }
    }
    for (const auto& [html, refs] : htmlRefs_) {
      for (const auto& ref : refs) {
        const Resolved r = resolve(html, ref);
        if (r.kind == Resolved::File) addEntry(r.path, "script in " + html);
      }
    }
    for (const auto& [path, why] : entries_) result_.stats.entries.push_back(path);
  }

  // A string from a tool config: a file or glob naming modules makes them entries.
  void configString(const std::string& dir, const std::string& s, const std::string& why) {
    if (s.empty() || s.size() > 300 || s.find('\n') != std::string::npos) return;
    const bool pathLike = startsWith(s, "./") || startsWith(s, "../") || startsWith(s, "/") ||
                          s.find('/') != std::string::npos || isModulePath(s);
    if (!pathLike) return;
    if (s.find('*') != std::string::npos) {
      addEntrySpec(dir, s, why);
      return;
    }
    std::string rel = s;
    if (startsWith(rel, "<rootDir>/")) rel = rel.substr(10);
    if (auto p = probeEntry(normalize(dir + rel))) {
      addEntry(*p, why);
    } else if (startsWith(rel, "/")) {
      if (auto q = probe(normalize(dir + rel.substr(1)))) addEntry(*q, why);
    }
  }

  void packageEntries(Package& p) {
    const json& d = p.doc;
    auto field = [&](const char* name) {
      if (d.contains(name) && d[name].is_string()) addEntrySpec(p.dir, d[name].get<std::string>(), p.manifest + " " + name);
    };
    field("main");
    field("module");
    field("source");
    field("browser");
    if (d.contains("exports")) {
      std::vector<std::string> targets;
      exportTargets(d["exports"], targets, 0);
      for (const auto& t : targets) addEntrySpec(p.dir, t, p.manifest + " exports");
    }
    if (d.contains("imports") && d["imports"].is_object()) {
      std::vector<std::string> targets;
      exportTargets(d["imports"], targets, 0);
      for (const auto& t : targets) {
        if (startsWith(t, "./")) addEntrySpec(p.dir, t, p.manifest + " imports");
      }
    }
    if (d.contains("bin")) {
      if (d["bin"].is_string()) {
        addEntrySpec(p.dir, d["bin"].get<std::string>(), p.manifest + " bin");
      } else if (d["bin"].is_object()) {
        for (const auto& [k, v] : d["bin"].items()) {
          if (v.is_string()) addEntrySpec(p.dir, v.get<std::string>(), p.manifest + " bin " + k);
        }
      }
    }
    if (d.contains("scripts") && d["scripts"].is_object()) {
      for (const auto& [name, cmd] : d["scripts"].items()) {
        if (cmd.is_string()) scriptCommand(p, name, cmd.get<std::string>());
      }
    }
    // Tool sections of package.json (jest, eslintConfig, ...): files and packages by string.
    for (const auto& [key, value] : d.items()) {
      if (key == "dependencies" || key == "devDependencies" || key == "peerDependencies" ||
          key == "optionalDependencies" || key == "scripts" || key == "name" || key == "description" ||
          key == "version" || key == "repository" || key == "homepage" || key == "bugs" || key == "author" ||
          key == "contributors" || key == "files" || key == "keywords" || key == "license" ||
          key == "exports" || key == "main" || key == "module" || key == "bin" || key == "types" ||
          key == "typings" || key == "funding" || key == "workspaces" || key == "peerDependenciesMeta")
        continue;
      std::vector<std::string> strings;
      collectStrings(value, strings);
      const std::string why = p.manifest + " \"" + key + "\"";
      for (const auto& s : strings) {
        configString(p.dir, s, p.manifest + " " + key);
        forEachWord(s, [&](std::string_view w) { markWordUse(p, w, why); });
      }
      markWordUse(p, key, p.manifest + " \"" + key + "\"");  // "jest": {...}, "prettier": ...
    }
    if (d.contains("workspaces")) {
      std::vector<std::string> globs;
      exportTargets(d["workspaces"], globs, 0);
      for (const auto& g : globs) p.entryReasons.push_back("workspace " + g);
    }
  }

  // A package.json script: its commands' programs are dependency uses, its arguments
  // naming files are entries.
  void scriptCommand(Package& p, const std::string& name, const std::string& cmd) {
    std::vector<std::string> words;
    std::string cur;
    char quote = 0;
    for (char c : cmd) {
      if (quote) {
        if (c == quote) quote = 0;
        else cur += c;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == ' ' || c == '\t' || c == '&' || c == '|' || c == ';' || c == '(' || c == ')') {
        if (!cur.empty()) words.push_back(cur);
        cur.clear();
        if (c != ' ' && c != '\t') words.push_back(std::string(1, c));
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) words.push_back(cur);
    bool commandStart = true;
    const std::string why = p.manifest + " script \"" + name + "\"";
    for (size_t i = 0; i < words.size(); ++i) {
      std::string w = words[i];
      if (w == "&" || w == "|" || w == ";" || w == "(" || w == ")") {
        commandStart = true;
        continue;
      }
      if (commandStart) {
        if (w.find('=') != std::string::npos && !startsWith(w, "-")) continue;  // FOO=1 cmd
        if (w == "npx" || w == "pnpx" || w == "bunx" || w == "exec" || w == "dlx" || w == "cross-env" ||
            w == "dotenv" || w == "env" || w == "nohup" || w == "time") {
          if (w == "cross-env" || w == "dotenv") markUse(p, w == "dotenv" ? "dotenv-cli" : w, why);
          continue;
        }
        if ((w == "pnpm" || w == "yarn" || w == "npm" || w == "bun") && i + 1 < words.size()) {
          const std::string& sub = words[i + 1];
          if (sub == "exec" || sub == "dlx" || sub == "x") {
            ++i;
            continue;
          }
          if (w == "yarn" && sub != "run" && sub != "workspace" && sub != "install" && !startsWith(sub, "-")) {
            ++i;
            w = sub;  // yarn <bin>
          } else {
            commandStart = false;
            continue;
          }
        }
        if (startsWith(w, "-")) continue;
        commandStart = false;
        auto bin = binaryPackages().find(w);
        markUse(p, bin != binaryPackages().end() ? bin->second : w, why);
        markBinaryUse(p, w, why);
      }
      // Arguments: files and packages. A directory after an output flag (`svgr assets
      // --out-dir src/icons`) holds generated modules.
      const std::string flag = startsWith(w, "-") ? w.substr(0, w.find('=')) : (i > 0 ? words[i - 1] : "");
      const bool output = flag == "--out-dir" || flag == "--outDir" || flag == "--out" || flag == "--output" ||
                          flag == "-o" || flag == "-d" || flag == "--output-dir" || flag == "--outdir";
      if (startsWith(w, "-") && w.find('=') != std::string::npos) w = w.substr(w.find('=') + 1);
      if (w.empty() || startsWith(w, "-")) continue;
      if (output && !isModulePath(w)) {
        std::string dir = normalize(p.dir + w);
        if (!dir.empty()) generatedDirs_.push_back({dir + "/", why});
      }
      // Files and globs are entries; a directory argument (`eslint src`, `--out-dir x`)
      // names no module, so its index file is not made an entry.
      if (isModulePath(w) || w.find('*') != std::string::npos) {
        addEntrySpec(p.dir, w, why);
      } else if (w.find('/') != std::string::npos) {
        const std::string base = normalize(p.dir + w);
        for (const std::string& ext : moduleExtensions()) {
          if (allPaths_.count(base + ext)) addEntry(base + ext, why);
        }
      }
      markWordUse(p, w, why);
    }
  }

  // ----- dependency uses -----

  // The package declaring `name`, searching from `pkg` up to the root.
  Package* declaring(const Package* from, const std::string& name) {
    std::string dir = from ? from->dir : "";
    while (true) {
      auto it = packageByDir_.find(dir);
      if (it != packageByDir_.end()) {
        Package& p = packages_[it->second];
        for (const auto& d : p.declared) {
          if (d.name == name) return &p;
        }
      }
      if (dir.empty()) return nullptr;
      dir = dirOf(dir.substr(0, dir.size() - 1));
    }
  }

  bool markUse(const Package& from, const std::string& name, const std::string& why) {
    Package* p = declaring(&from, name);
    if (!p) return false;
    if (p->used.insert(name).second) p->usedBy[name] = why;
    return true;
  }

  // A command name: the declared package whose name ends with it ("biome" ->
  // "@biomejs/biome") or whose bin field we can't see but whose name matches.
  void markBinaryUse(const Package& from, const std::string& bin, const std::string& why) {
    for (const Package* p = &from; p; p = parentPackage(*p)) {
      for (const auto& d : p->declared) {
        if (d.name == bin || endsWith(d.name, "/" + bin) || d.name == bin + "-cli" ||
            (startsWith(d.name, "@") && endsWith(d.name, "/cli") && d.name.find(bin) != std::string::npos))
          markUse(*p, d.name, why);
      }
    }
  }

  const Package* parentPackage(const Package& p) const {
    if (p.dir.empty()) return nullptr;
    std::string dir = dirOf(p.dir.substr(0, p.dir.size() - 1));
    while (true) {
      auto it = packageByDir_.find(dir);
      if (it != packageByDir_.end()) return &packages_[it->second];
      if (dir.empty()) return nullptr;
      dir = dirOf(dir.substr(0, dir.size() - 1));
    }
  }

  // A word in a config or script: a package name, a subpath of one, or an ESLint /
  // Prettier / Babel short name.
  void markWordUse(const Package& from, std::string_view word, const std::string& why) {
    std::string w(word);
    while (!w.empty() && (w.back() == '.' || w.back() == ':' || w.back() == '/')) w.pop_back();
    if (w.empty() || w.size() > 214) return;
    if (startsWith(w, "plugin:")) w = w.substr(7);
    std::vector<std::string> names;
    const std::string pkg = packageNameOf(w);
    if (!pkg.empty()) names.push_back(pkg);
    names.push_back(w);
    const std::string shortName = w.substr(0, w.find('/'));
    if (!startsWith(w, "@")) {
      for (const char* prefix : {"eslint-plugin-", "eslint-config-", "prettier-plugin-", "babel-plugin-",
                                 "babel-preset-", "@types/", "stylelint-config-", "remark-", "rehype-"})
        names.push_back(prefix + shortName);
    } else {
      names.push_back(shortName + "/eslint-plugin");
      names.push_back(shortName + "/eslint-config");
    }
    for (const auto& n : names) markUse(from, n, why);
  }

  // ----- the graph -----

  void walk() {
    reachable_.assign(modules_.size(), 0);
    std::vector<size_t> queue;
    for (const auto& [path, why] : entries_) {
      const size_t i = moduleIndex_.at(path);
      if (!reachable_[i]) {
        reachable_[i] = 1;
        queue.push_back(i);
      }
    }
    // Every module's edges (also unreachable ones: their importers matter for evidence).
    std::vector<std::vector<size_t>> edges(modules_.size());
    targets_.assign(modules_.size(), {});
    for (size_t i = 0; i < modules_.size(); ++i) {
      const ModuleFile& m = modules_[i];
      const Package* pkg = packageOf(m.path);
      targets_[i].assign(m.info.imports.size(), -1);
      for (size_t k = 0; k < m.info.imports.size(); ++k) {
        const JsImport& im = m.info.imports[k];
        if (im.kind == JsImport::Kind::Pattern) {
          ++patternCount_;
          for (size_t t : patternTargets(m.path, im.specifier)) edges[i].push_back(t);
          continue;
        }
        const Resolved r = resolve(m.path, im.specifier);
        if (r.kind == Resolved::File) {
          auto it = moduleIndex_.find(r.path);
          if (it != moduleIndex_.end()) {
            targets_[i][k] = static_cast<long>(it->second);
            edges[i].push_back(it->second);
            if (it->second != i) importers_[it->second].insert(i);
          }
          if (!r.package.empty() && pkg) markUse(*pkg, r.package, m.path);
        } else if (r.kind == Resolved::Package) {
          noteDependency(pkg, r.package, m.path, im.line, m.declaration || m.generated);
        }
      }
      if (pkg && !isModuleFromBuild(m)) {
        // String literals naming packages in configs: plugins loaded by name.
        if (isToolConfig(m.path)) {
          for (const auto& s : m.info.strings) {
            forEachWord(s, [&](std::string_view w) { markWordUse(*pkg, w, m.path); });
          }
        }
      }
    }
    while (!queue.empty()) {
      const size_t i = queue.back();
      queue.pop_back();
      for (size_t t : edges[i]) {
        if (!reachable_[t]) {
          reachable_[t] = 1;
          queue.push_back(t);
        }
      }
    }
  }

  static bool isModuleFromBuild(const ModuleFile&) { return false; }

  // import(`./locales/${x}.js`): every module under the static prefix.
  std::vector<size_t> patternTargets(const std::string& from, const std::string& prefix) {
    std::vector<size_t> out;
    if (!(startsWith(prefix, "./") || startsWith(prefix, "../"))) return out;
    const std::string base = normalize(dirOf(from) + prefix);
    const std::string dirPrefix = endsWith(prefix, "/") ? base + "/" : base;
    for (size_t i = 0; i < modules_.size(); ++i) {
      if (startsWith(modules_[i].path, dirPrefix) && modules_[i].path != from) out.push_back(i);
    }
    unresolvedPatterns_[dirPrefix].push_back(from);
    return out;
  }

  struct UnlistedUse {
    std::vector<std::string> where;
    const Package* pkg = nullptr;
  };
  std::map<std::pair<std::string, std::string>, UnlistedUse> unlisted_;  // (manifest, name)

  void noteDependency(const Package* pkg, const std::string& name, const std::string& path, uint32_t line,
                      bool typesOnly) {
    if (!pkg) return;
    const std::string where = path + ":" + std::to_string(line);
    if (markUse(*pkg, name, where)) return;
    // Types come from @types/<name> (scoped: @types/scope__name).
    std::string typesName = "@types/" + (startsWith(name, "@") ? name.substr(1) : name);
    if (const size_t slash = typesName.find('/', 7); slash != std::string::npos) typesName.replace(slash, 1, "__");
    if (markUse(*pkg, typesName, where)) return;
    if (typesOnly) return;
    for (const auto& p : packages_) {
      if (p.name == name) return;  // a workspace package (not linked by a declaration)
    }
    UnlistedUse& u = unlisted_[{pkg->manifest, name}];
    u.pkg = pkg;
    if (u.where.size() < 5) u.where.push_back(where);
  }

  // ----- export uses -----

  void markExportUses() {
    for (size_t i = 0; i < modules_.size(); ++i) {
      const ModuleFile& m = modules_[i];
      for (size_t k = 0; k < m.info.imports.size(); ++k) {
        const JsImport& im = m.info.imports[k];
        if (im.kind == JsImport::Kind::Pattern) {
          for (size_t t : patternTargets(m.path, im.specifier)) {
            markAll(any_, t);
            if (reachable_[i]) markAll(live_, t);
          }
          continue;
        }
        if (targets_[i][k] < 0) continue;
        if (im.kind == JsImport::Kind::ReExport) continue;  // followed when the re-export is used
        useImport(any_, i, k);
        if (reachable_[i]) useImport(live_, i, k);
      }
    }
    // Entries are used from outside (tools, runtimes, consumers).
    for (const auto& [path, why] : entries_) {
      markAll(any_, moduleIndex_.at(path));
      markAll(live_, moduleIndex_.at(path));
    }
  }

  void useImport(UseState& u, size_t i, size_t k) {
    const ModuleFile& m = modules_[i];
    const JsImport& im = m.info.imports[k];
    const size_t t = static_cast<size_t>(targets_[i][k]);
    if (im.all || im.kind == JsImport::Kind::FileRef) {
      markAll(u, t);
      return;
    }
    for (const auto& [imported, local] : im.names) markUsed(u, t, imported);
    if (!im.namespaceLocal.empty()) {
      if (m.info.namespacesUsedWhole.count(im.namespaceLocal)) {
        markAll(u, t);
      } else if (auto ns = m.info.namespaceMembers.find(im.namespaceLocal); ns != m.info.namespaceMembers.end()) {
        for (const auto& member : ns->second) markUsed(u, t, member);
      }
    }
  }

  void markUsed(UseState& u, size_t file, const std::string& name) {
    std::set<std::pair<size_t, std::string>> seen;
    markUsedRec(u, file, name, seen, 0);
  }

  void markUsedRec(UseState& u, size_t file, const std::string& name, std::set<std::pair<size_t, std::string>>& seen,
                   int depth) {
    if (depth > 64 || u.all[file] || !seen.insert({file, name}).second) return;
    u.names[file].insert(name);
    const ModuleFile& m = modules_[file];
    for (size_t k = 0; k < m.info.imports.size(); ++k) {
      const JsImport& im = m.info.imports[k];
      if (im.kind != JsImport::Kind::ReExport || targets_[file][k] < 0) continue;
      const size_t target = static_cast<size_t>(targets_[file][k]);
      if (im.star && name != "default") markUsedRec(u, target, name, seen, depth + 1);
      if (!im.namespaceLocal.empty() && im.namespaceLocal == name) markAllRec(u, target, depth + 1);
      for (const auto& [orig, exported] : im.names) {
        if (exported == name) markUsedRec(u, target, orig, seen, depth + 1);
      }
    }
  }

  void markAll(UseState& u, size_t file) { markAllRec(u, file, 0); }

  void markAllRec(UseState& u, size_t file, int depth) {
    if (depth > 64 || u.all[file]) return;
    u.all[file] = 1;
    const ModuleFile& m = modules_[file];
    for (size_t k = 0; k < m.info.imports.size(); ++k) {
      const JsImport& im = m.info.imports[k];
      if (im.kind != JsImport::Kind::ReExport || targets_[file][k] < 0) continue;
      const size_t target = static_cast<size_t>(targets_[file][k]);
      if (im.star || !im.namespaceLocal.empty()) {
        markAllRec(u, target, depth + 1);
      } else {
        std::set<std::pair<size_t, std::string>> seen;
        for (const auto& [orig, exported] : im.names) markUsedRec(u, target, orig, seen, depth + 1);
      }
    }
  }

  // ----- reports -----

  bool ignoredPath(const std::string& path) const { return !ignore_.empty() && ignore_.matches(path); }

  static std::string language(const std::string& path) { return isTypeScriptPath(path) ? "typescript" : "javascript"; }

  // Doubts that concern every module of a package: dynamic loading we could not follow.
  // The first directory of a path inside its package ("src/", "scripts/"; "" at the top).
  std::string areaOf(const Package* pkg, const std::string& path) const {
    const std::string rel = pkg ? path.substr(pkg->dir.size()) : path;
    const size_t slash = rel.find('/');
    return slash == std::string::npos ? "" : rel.substr(0, slash + 1);
  }

  // Doubts for the modules of `pkg` under `area` (a computed import() in scripts/ says
  // nothing about src/; one at the package's top level concerns every area).
  std::vector<std::string> packageDoubts(const Package* pkg, double& confidence, const std::string& area = "*") {
    auto cached = pkgDoubts_.find({pkg, area});
    if (cached == pkgDoubts_.end()) {
      double delta = 0;
      auto d = computePackageDoubts(pkg, area, delta);
      cached = pkgDoubts_.emplace(std::make_pair(pkg, area), std::make_pair(delta, std::move(d))).first;
    }
    confidence += cached->second.first;
    return cached->second.second;
  }

  std::vector<std::string> computePackageDoubts(const Package* pkg, const std::string& area, double& confidence) const {
    std::vector<std::string> doubts;
    std::vector<std::string> dyn;
    size_t lexErrors = 0;
    for (const auto& m : modules_) {
      if (packageOf(m.path) != pkg) continue;
      const std::string a = areaOf(pkg, m.path);
      if (area == "*" || a.empty() || a == area) {
        for (uint32_t line : m.info.nonLiteralDynamic) {
          if (dyn.size() < 3) dyn.push_back(m.path + ":" + std::to_string(line));
        }
      }
      if (m.info.lexErrors) ++lexErrors;
    }
    if (!dyn.empty()) {
      confidence -= 0.2;
      doubts.push_back("import()/require() with a computed path at " + join(dyn, ", ") + " may load any module");
    }
    if (lexErrors) {
      confidence -= 0.15;
      doubts.push_back(std::to_string(lexErrors) + " file(s) of the package could not be read cleanly (syntax errors)");
    }
    return doubts;
  }

  static std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (const auto& s : v) {
      if (!out.empty()) out += sep;
      out += s;
    }
    return out;
  }

  std::string entrySummary(const Package* pkg) const {
    std::vector<std::string> names;
    size_t total = 0;
    for (const auto& [path, why] : entries_) {
      if (packageOf(path) != pkg) continue;
      ++total;
      if (names.size() < 3) names.push_back(path);
    }
    std::string s = std::to_string(total) + " entr" + (total == 1 ? "y" : "ies");
    if (!names.empty()) s += " (" + join(names, ", ") + (total > names.size() ? ", ..." : "") + ")";
    return s;
  }

  void reportFiles() {
    for (size_t i = 0; i < modules_.size(); ++i) {
      const ModuleFile& m = modules_[i];
      if (reachable_[i] || m.generated || m.declaration || ignoredPath(m.path)) continue;
      const Package* pkg = packageOf(m.path);
      Candidate c;
      c.kind = Kind::UnusedFile;
      c.language = language(m.path);
      c.path = m.path;
      c.line = 0;
      c.name = m.path;
      c.symbolKind = "file";
      double conf = kBaseConfidence;
      c.evidence.push_back("not reachable from " + entrySummary(pkg) + " of " +
                           (pkg ? pkg->manifest : std::string("the repository")));
      auto imp = importers_.find(i);
      if (imp == importers_.end() || imp->second.empty()) {
        c.evidence.push_back("imported by no file (" + std::to_string(modules_.size()) + " modules checked)");
      } else {
        std::vector<std::string> names;
        for (size_t j : imp->second) {
          if (names.size() < 3) names.push_back(modules_[j].path);
        }
        c.evidence.push_back("imported only by unreachable files: " + join(names, ", "));
      }
      c.evidence.push_back("checked dynamic-import patterns (" + std::to_string(patternCount_) + " found)");
      for (const auto& d : packageDoubts(pkg, conf, areaOf(pkg, m.path))) c.doubts.push_back(d);
      bool anyEntry = false;
      for (const auto& [path, why] : entries_) anyEntry = anyEntry || packageOf(path) == pkg;
      if (!anyEntry) {
        conf -= 0.4;
        c.doubts.push_back("no entry point is known for " + (pkg ? pkg->manifest : std::string("this directory")));
      }
      // Named by string in some module (registration by name, lazy loading).
      const std::string base = baseOf(m.path);
      const std::string stem = base.substr(0, base.find('.'));
      for (const std::string& key : {base, stem}) {
        if (key.size() < 3 || key == "index") continue;
        auto owners = stringBaseOwners_.find(key);
        if (owners == stringBaseOwners_.end()) continue;
        const auto other = std::find_if(owners->second.begin(), owners->second.end(),
                                        [&](const std::string& o) { return o != m.path; });
        if (other == owners->second.end()) continue;
        conf -= 0.3;
        c.doubts.push_back("named by a string in " + *other);
        break;
      }
      const std::string rel = pkg ? m.path.substr(pkg->dir.size()) : m.path;
      if (startsWith(rel, "scripts/") || startsWith(rel, "tools/") || startsWith(rel, "bin/") ||
          startsWith(rel, "examples/") || startsWith(rel, "example/") || startsWith(rel, "demo/")) {
        conf -= 0.3;
        c.doubts.push_back("in " + rel.substr(0, rel.find('/') + 1) + ": may be run or read by hand");
      }
      if (m.info.lexErrors) {
        conf -= 0.1;
        c.doubts.push_back("syntax problem: " + m.info.firstLexError);
      }
      c.confidence = std::clamp(conf, 0.05, 1.0);
      Removal r;
      r.path = m.path;
      r.deleteFile = true;
      c.removal = r;
      result_.candidates.push_back(std::move(c));
    }
  }

  void reportExports() {
    for (size_t i = 0; i < modules_.size(); ++i) {
      const ModuleFile& m = modules_[i];
      if (!reachable_[i] || live_.all[i] || m.generated || m.declaration || m.info.commonJs || ignoredPath(m.path))
        continue;
      if (m.info.exports.empty()) continue;
      const Package* pkg = packageOf(m.path);
      double delta = 0;
      const std::vector<std::string> doubts = packageDoubts(pkg, delta, areaOf(pkg, m.path));
      std::set<std::string> reported;
      for (const auto& e : m.info.exports) {
        if (e.name.empty() || live_.names[i].count(e.name) || !reported.insert(e.name).second) continue;
        // Used, but only by modules no entry reaches: dead with them, removable after them.
        const bool deadUsersOnly = any_.all[i] || any_.names[i].count(e.name);
        Candidate c;
        c.language = language(m.path);
        c.path = m.path;
        c.name = e.name;
        c.symbolKind = e.symbolKind;
        c.line = e.line;
        c.column = e.column;
        uint32_t refs = 0;
        if (!e.local.empty()) {
          auto it = m.info.references.find(e.local);
          refs = it == m.info.references.end() ? 0 : it->second;
        }
        uint32_t decls = 1;
        if (auto it = m.info.declarations.find(e.local); it != m.info.declarations.end()) decls = it->second;
        decls += e.selfReferences;
        const bool local = !e.local.empty() && refs > decls;
        c.kind = local ? Kind::ExportUsedOnlyLocally : Kind::UnusedExport;
        double conf = kBaseConfidence + delta;
        c.doubts = doubts;
        c.evidence.push_back(std::string(deadUsersOnly ? "no module reachable from an entry" : "no module") +
                             " imports `" + e.name + "` from " + m.path + " (" +
                             std::to_string(modules_.size()) + " modules checked, re-exports followed)");
        if (local) {
          c.evidence.push_back("referenced " + std::to_string(refs - decls) + " time(s) inside " + m.path +
                               ": dropping `export` keeps it working");
        } else {
          c.evidence.push_back("not referenced inside " + m.path + " either");
        }
        if (auto s = stringOwner_.find(e.name); s != stringOwner_.end() && e.name.size() > 2 && e.name != "default") {
          conf -= 0.3;
          c.doubts.push_back("named by a string in " + s->second + " (lookup by name?)");
        }
        if (local && e.typeOnly) {
          conf -= 0.35;  // below the edit threshold: exporting Props/Result types is a common convention
          c.doubts.push_back("a type used in an exported signature must stay exported when declarations are "
                             "emitted, and exporting such types is a common convention");
        }
        if (e.name == "default") {
          conf -= 0.25;
          c.doubts.push_back("default exports are often loaded by convention (frameworks, lazy routes)");
        }
        if (pkg && options_.library && !pkg->hasExportsMap && !pkg->isPrivate) {
          conf -= 0.25;
          c.doubts.push_back("library without an \"exports\" map: consumers may import " + m.path + " directly");
        }
        if (m.info.lexErrors) {
          conf -= 0.2;
          c.doubts.push_back("syntax problem: " + m.info.firstLexError);
        }
        if (deadUsersOnly) {
          conf -= 0.2;
          std::vector<std::string> users;
          if (auto imp = importers_.find(i); imp != importers_.end()) {
            for (size_t j : imp->second) {
              if (!reachable_[j] && users.size() < 3) users.push_back(modules_[j].path);
            }
          }
          c.doubts.push_back("imported only by unreachable files" + (users.empty() ? std::string() : " (" + join(users, ", ") + ")") +
                             ": remove those first");
        }
        c.confidence = std::clamp(conf, 0.05, 1.0);
        if (deadUsersOnly) {
          // no edit: it would break the files still importing it
        } else if (local && e.canDrop && e.dropLength > 0) {
          c.removal = Removal{m.path, e.dropOffset, e.dropLength, e.dropReplacement, false};
        } else if (!local && e.declarationSpan && refs <= decls && decls == 1) {
          c.removal = Removal{m.path, e.declarationSpan->first, e.declarationSpan->second, "", false};
        } else if (!local && e.fromList && e.canDrop) {
          c.removal = Removal{m.path, e.dropOffset, e.dropLength, e.dropReplacement, false};
        }
        result_.candidates.push_back(std::move(c));
      }
    }
  }

  // Packages that tools load by convention when a kind of file or a config word exists
  // (no import names them): {path suffix or config word, package}.
  void markImplicitUses() {
    static const std::pair<const char*, const char*> kByFile[] = {
        {"postcss.config.", "postcss"},   {".prisma", "@prisma/client"},      {".prisma", "prisma"},
        {".scss", "sass"},                {".sass", "sass"},                   {".less", "less"},
        {".styl", "stylus"},              {"tailwind.config.", "tailwindcss"}, {".graphql", "graphql"},
        {".mdx", "@mdx-js/react"},        {".vue", "vue"},                     {".svelte", "svelte"},
        {".astro", "astro"},              {"babel.config.", "@babel/core"},    {".babelrc", "@babel/core"}};
    static const std::pair<const char*, const char*> kByWord[] = {
        {"reactCompiler", "babel-plugin-react-compiler"}, {"styledComponents", "styled-components"},
        {"emotion", "@emotion/babel-plugin"}, {"ts-jest", "ts-jest"}};
    for (const auto& f : tree_.files()) {
      if (isVendored(f.path)) continue;
      for (const auto& [suffix, pkg] : kByFile) {
        const std::string base = baseOf(f.path);
        if (base.find(suffix) == std::string::npos) continue;
        const Package* owner = packageOf(f.path);
        if (owner) markUse(*owner, pkg, f.path);
      }
    }
    for (const auto& m : modules_) {
      if (!isToolConfig(m.path)) continue;
      const Package* owner = packageOf(m.path);
      if (!owner) continue;
      for (const auto& [word, pkg] : kByWord) {
        if (m.info.references.count(word) || std::binary_search(m.info.strings.begin(), m.info.strings.end(), word))
          markUse(*owner, pkg, m.path + " (" + word + ")");
      }
    }
  }

  void reportDependencies() {
    bool anyTs = false;
    for (const auto& m : modules_) anyTs = anyTs || m.typescript;
    anyTs = anyTs || !tsconfigs_.empty();
    markImplicitUses();
    // Non-JS configs (yml, rc files): words naming packages.
    for (const auto& entry : configTexts_) {
      const std::string& path = entry.first;
      const Package* pkg = packageOf(path);
      if (!pkg) pkg = packageByDir_.count("") ? &packages_[packageByDir_.at("")] : nullptr;
      if (!pkg) continue;
      forEachWord(entry.second, [&](std::string_view w) { markWordUse(*pkg, w, path); });
    }
    for (const auto& ts : tsconfigs_) {
      const Package* pkg = packageOf(ts.dir + "tsconfig.json");
      if (!pkg) continue;
      for (const auto& t : ts.types) markUse(*pkg, startsWith(t, "@types/") ? t : "@types/" + t, ts.dir + "tsconfig.json types");
      for (const auto& r : ts.packageRefs) markUse(*pkg, packageNameOf(r), ts.dir + "tsconfig.json");
    }
    for (auto& p : packages_) {
      if (ignoredPath(p.manifest)) continue;
      double delta = 0;
      const std::vector<std::string> doubts = packageDoubts(&p, delta);
      std::string content;
      for (const auto& d : p.declared) {
        if (p.used.count(d.name) || ignoredName(d.name)) continue;
        if (d.skipReason == "workspace" || d.skipReason == "local-path") continue;
        if (anyTs && (d.name == "typescript" || d.name == "@types/node" || d.name == "tslib")) continue;
        if (startsWith(d.name, "@types/")) {
          std::string base = d.name.substr(7);
          if (const size_t us = base.find("__"); us != std::string::npos) base = "@" + base.replace(us, 2, "/");
          if (p.used.count(base) || anyUse(base)) continue;
        }
        Candidate c;
        c.kind = Kind::UnusedDependency;
        c.language = "javascript";
        c.path = p.manifest;
        c.line = d.line;
        c.name = d.name;
        c.symbolKind = d.depType == "prod" ? "dependency" : d.depType + "Dependency";
        double conf = 0.85 + delta;
        c.doubts = doubts;
        c.evidence.push_back("no import or require of `" + d.name + "` in the " + std::to_string(modulesIn(&p)) +
                             " modules of " + (p.dir.empty() ? std::string("the repository") : p.dir));
        c.evidence.push_back("not run by a package.json script, not named in tool configs or tsconfig");
        if (auto s = stringOwner_.find(d.name); s != stringOwner_.end()) {
          conf -= 0.3;
          c.doubts.push_back("named by a string in " + s->second + " (loaded by name?)");
        }
        if (startsWith(d.name, "@types/")) {
          conf -= 0.2;
          c.doubts.push_back("type packages can be used implicitly (global types)");
        }
        if (d.depType == "peer" || d.depType == "optional") {
          conf -= 0.3;
          c.doubts.push_back(d.depType + " dependencies are declared for consumers");
        }
        c.confidence = std::clamp(conf, 0.05, 1.0);
        if (d.depType == "prod" || d.depType == "dev") {
          if (content.empty()) content = readText(p.manifest);
          if (auto r = removalOf(p.manifest, content, d)) c.removal = *r;
        }
        result_.candidates.push_back(std::move(c));
      }
    }
    for (const auto& [key, use] : unlisted_) {
      const std::string& name = key.second;
      if (ignoredName(name) || ignoredPath(key.first)) continue;
      Candidate c;
      c.kind = Kind::UnlistedDependency;
      c.language = "javascript";
      c.path = key.first;
      c.name = name;
      c.symbolKind = "dependency";
      c.evidence.push_back("imported at " + join(use.where, ", "));
      c.evidence.push_back("declared neither in " + key.first + " nor in a package.json above it");
      c.confidence = 0.8;
      result_.candidates.push_back(std::move(c));
    }
  }

  bool anyUse(const std::string& name) const {
    for (const auto& p : packages_) {
      if (p.used.count(name)) return true;
    }
    for (const auto& [key, use] : unlisted_) {
      if (key.second == name) return true;
    }
    return false;
  }

  bool ignoredName(const std::string& name) const {
    for (const auto& g : options_.ignoreNames) {
      if (g == name) return true;
      try {
        if (g.find_first_of("*?[{") != std::string::npos && GlobSet({g}).matches(name)) return true;
      } catch (const deprecations::GlobError&) {
      }
    }
    return false;
  }

  size_t modulesIn(const Package* pkg) const {
    size_t n = 0;
    for (const auto& m : modules_) n += packageOf(m.path) == pkg;
    return n;
  }

  std::string readText(const std::string& path) const {
    for (const auto& f : tree_.files()) {
      if (f.path == path) return tree_.read(f).value_or("");
    }
    return "";
  }

  static std::optional<Removal> removalOf(const std::string& path, const std::string& content,
                                          const deps::Dependency& d) {
    const deps::Manager* npm = deps::findManager("npm");
    if (!npm || content.empty()) return std::nullopt;
    std::optional<std::string> after;
    try {
      after = npm->remove(content, d);
    } catch (const deps::ManifestError&) {
      return std::nullopt;
    }
    if (!after) return std::nullopt;
    // The replaced span: common prefix and suffix of before and after.
    size_t pre = 0;
    while (pre < content.size() && pre < after->size() && content[pre] == (*after)[pre]) ++pre;
    size_t suf = 0;
    while (suf < content.size() - pre && suf < after->size() - pre &&
           content[content.size() - 1 - suf] == (*after)[after->size() - 1 - suf])
      ++suf;
    Removal r;
    r.path = path;
    r.offset = pre;
    r.length = content.size() - pre - suf;
    r.replacement = after->substr(pre, after->size() - pre - suf);
    return r;
  }
};

}  // namespace

PassResult analyzeJavaScript(const SourceTree& tree, const DeadcodeOptions& options) {
  return JsPass(tree, options).run();
}

}  // namespace ddd::analyzers::deadcode
