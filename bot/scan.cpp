#include "bot/scan.h"

#include <git2/config.h>
#include <git2/errors.h>
#include <git2/repository.h>

#include <algorithm>
#include <chrono>
#include <system_error>

#include "analyzers/analyzer.h"
#include "analyzers/config/repo_config.h"
#include "bot/errors.h"
#include "bot/filtered_tree.h"
#include "git/error.h"
#include "git/repository.h"

namespace ddd::bot {
namespace {

namespace fs = std::filesystem;

fs::path checkedRepoPath(const fs::path& given) {
  std::error_code ec;
  if (given.empty())
    throw UsageError("no repository path given: pass the path of a git repository");
  if (!fs::exists(given, ec)) {
    throw UsageError("no such file or directory: " + given.string() +
                     " (pass the path of a git repository)");
  }
  if (!fs::is_directory(given, ec)) {
    throw UsageError("not a directory: " + given.string() + " (pass the path of a git repository)");
  }
  fs::path abs = fs::weakly_canonical(fs::absolute(given, ec), ec);
  return ec ? given : abs;
}

git::Repository openRepository(const fs::path& path) {
  try {
    return git::Repository::open(path);
  } catch (const git::GitError&) {
    throw UsageError("not a git repository: " + path.string() +
                     " (run ddd on a repository's top directory or its .git directory)");
  }
}

git::Oid resolveRef(const git::Repository& repo, const fs::path& path, const std::string& ref) {
  if (ref.empty()) throw UsageError("--ref is empty: give a branch, tag or commit id");
  if (ref == "HEAD" && repo.headUnborn()) {
    throw UsageError("the repository " + path.string() +
                     " has no commits yet (HEAD is unborn): commit something first, or pass "
                     "--ref with a branch that has commits");
  }
  try {
    return repo.resolveCommit(ref);
  } catch (const git::GitError& e) {
    throw UsageError("unknown ref '" + ref + "' in " + path.string() + ": " + e.what() +
                     " (give a branch, tag or commit id that exists)");
  }
}

std::string knownList() {
  std::string known;
  for (const auto& k : knownAnalyzers()) known += (known.empty() ? "" : ", ") + k;
  return known.empty() ? "none" : known;
}

// The analyzers to run: the requested ones (an unknown name is a usage error), else
// the config's (an analyzer this binary lacks is a warning), else all registered.
std::vector<std::string> selectAnalyzers(const std::vector<std::string>& requested,
                                         const std::vector<std::string>& fromConfig,
                                         const std::string& configPath,
                                         std::vector<std::string>* warnings) {
  std::vector<std::string> out;
  if (!requested.empty()) {
    for (const auto& name : requested) {
      if (!analyzers::findAnalyzer(name)) {
        throw UsageError("unknown analyzer '" + name + "' (known analyzers: " + knownList() + ")");
      }
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
    return out;
  }
  if (fromConfig.empty()) return knownAnalyzers();
  for (const auto& name : fromConfig) {
    if (!analyzers::findAnalyzer(name)) {
      if (warnings) {
        warnings->push_back(configPath + " enables the analyzer '" + name +
                            "', which this ddd does not have (it has: " + knownList() +
                            "); it is left out");
      }
      continue;
    }
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

// The repository config file present in the tree, for reporting a broken one.
std::string configFileIn(const analyzers::SourceTree& tree) {
  for (const char* candidate : {".github/ddd.json", ".ddd.json"}) {
    for (const auto& f : tree.files()) {
      if (f.path == candidate) return f.path;
    }
  }
  return {};
}

// The "origin" remote's URL from the repository config (read directly: looking the
// remote up would also parse url rewrite rules, which we don't need).
std::string originUrl(const git::Repository& repo) {
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo.raw()) != 0) {
    git_error_clear();
    return {};
  }
  std::unique_ptr<git_config, decltype(&git_config_free)> config(raw, &git_config_free);
  const char* url = nullptr;
  if (git_config_get_string(&url, config.get(), "remote.origin.url") != 0) {
    git_error_clear();
    return {};
  }
  return url ? url : "";
}

void resetReadCounters(git::ScanCounters& c) {
  c.filesRead = 0;
  c.bytesRead = 0;
  c.binary = 0;
  c.tooLarge = 0;
}

}  // namespace

std::vector<std::string> knownAnalyzers() {
  analyzers::registerBuiltinAnalyzers();
  std::vector<std::string> names;
  for (const auto& r : analyzers::registry()) names.push_back(r.name);
  return names;
}

namespace {

// The policy decision for every proposed change: the repository's rules (an invalid
// rule is reported as a config finding and only the server and built-in rules decide)
// with CODEOWNERS, read from the scanned tree, for "@codeowners" reviewers.
void decideChanges(ScanReport& report, const analyzers::RepoConfig& config,
                   const analyzers::SourceTree& tree, const policies::ServerPolicies& server) {
  policies::PolicyEngine engine(std::vector<policies::Rule>{}, server);
  const auto it = config.raw.find("policies");
  if (it != config.raw.end()) {
    try {
      engine = policies::PolicyEngine::fromConfig(*it, config.sourcePath, server);
    } catch (const policies::PolicyError& e) {
      analyzers::Finding f;
      f.analyzer = "config";
      f.rule = "config.invalid-policies";
      f.severity = analyzers::Severity::Error;
      f.path = config.sourcePath;
      f.message = std::string(e.what()) +
                  " (ddd ignored the repository's policies and decided with the safe defaults: "
                  "fix the rule)";
      report.result.warnings.push_back(f.message);
      report.result.findings.push_back(std::move(f));
      analyzers::sortResult(report.result);
    }
  }
  policies::Codeowners owners;
  bool wantsOwners = false;
  for (const auto& r : engine.rules()) {
    for (const auto& who : r.reviewers) wantsOwners |= who == "@codeowners";
  }
  std::vector<std::string> paths;
  if (wantsOwners && !report.result.changes.empty()) {
    for (const auto& f : tree.files()) paths.push_back(f.path);
  }
  const std::string location = policies::codeownersLocation(paths);
  if (!location.empty()) {
    for (const auto& f : tree.files()) {
      if (f.path != location) continue;
      if (auto text = tree.read(f)) owners = policies::Codeowners::parse(*text, location);
      for (const auto& w : owners.warnings()) report.result.warnings.push_back(w);
    }
  }
  report.decisions.clear();
  for (const auto& change : report.result.changes) {
    report.decisions.push_back(engine.decide(change, owners));
  }
}

}  // namespace

ScanReport runScan(const ScanRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  analyzers::registerBuiltinAnalyzers();

  ScanReport report;
  report.repoPath = checkedRepoPath(request.repoPath);
  report.ref = request.ref;
  // Validate the requested analyzers before any work, so a typo fails fast.
  if (!request.analyzers.empty()) selectAnalyzers(request.analyzers, {}, {}, nullptr);
  {
    git::Repository repo = openRepository(report.repoPath);
    report.commit = resolveRef(repo, report.repoPath, request.ref);
    report.remoteUrl = originUrl(repo);
  }

  analyzers::ScanLimits limits;
  if (request.maxFileBytes) limits.maxFileBytes = *request.maxFileBytes;
  limits.threads = request.threads;
  auto tree = std::make_shared<analyzers::GitSourceTree>(report.repoPath, report.commit, limits);

  // The repository config. Broken: reported as a finding, the scan goes on with defaults.
  analyzers::RepoConfig config;
  std::vector<analyzers::Finding> configFindings;
  std::vector<std::string> warnings;
  try {
    config = analyzers::loadRepoConfig(*tree, request.dataDir.string(), &warnings);
    report.configPath = config.sourcePath;
    report.repoConfig = config.raw;
  } catch (const analyzers::ConfigError& e) {
    analyzers::Finding f;
    f.analyzer = "config";
    f.rule = "config.invalid";
    f.severity = analyzers::Severity::Error;
    f.path = e.file().empty() ? configFileIn(*tree) : e.file();
    f.message = std::string(e.what()) +
                " (ddd ignored this config and scanned with the defaults: fix the file)";
    configFindings.push_back(std::move(f));
    warnings.push_back(std::string("invalid repository config, using the defaults: ") + e.what());
  }
  if (!request.maxFileBytes && config.maxFileBytes && *config.maxFileBytes != limits.maxFileBytes) {
    limits.maxFileBytes = *config.maxFileBytes;
    tree = std::make_shared<analyzers::GitSourceTree>(report.repoPath, report.commit, limits);
  } else {
    resetReadCounters(tree->counters());  // don't count the config file read as scanned
  }

  // The config's ignorePaths hide files from every analyzer.
  std::shared_ptr<const analyzers::SourceTree> analyzed = tree;
  uint64_t ignored = 0;
  if (!config.ignorePaths.empty()) {
    auto filtered = std::make_shared<FilteredSourceTree>(tree, config.ignorePaths);
    ignored = filtered->ignored();
    analyzed = std::move(filtered);
  }

  report.analyzers =
      selectAnalyzers(request.analyzers, config.analyzers, config.sourcePath, &warnings);
  auto& result = report.result;
  for (auto& f : configFindings) result.findings.push_back(std::move(f));
  for (auto& w : warnings) result.warnings.push_back(std::move(w));

  const std::string repoName = report.repoPath.filename().string();
  const analyzers::deps::RegistrySettings registrySettings =
      request.registrySettings ? *request.registrySettings
                               : analyzers::deps::RegistrySettings::fromEnvironment(
                                     analyzers::deps::processEnvironment());
  // Each analyzer reads the files it needs; the stats count files scanned, not reads, so
  // they keep the largest count any one analyzer read (all of them for a full scan).
  git::ScanCounters& counters = tree->counters();
  uint64_t mostFiles = 0, mostBytes = 0, mostBinary = 0, mostTooLarge = 0;
  auto foldReads = [&] {
    mostFiles = std::max<uint64_t>(mostFiles, counters.filesRead);
    mostBytes = std::max<uint64_t>(mostBytes, counters.bytesRead);
    mostBinary = std::max<uint64_t>(mostBinary, counters.binary);
    mostTooLarge = std::max<uint64_t>(mostTooLarge, counters.tooLarge);
    resetReadCounters(counters);
  };
  std::vector<std::string> failed;  // not "ran": their pull requests are not stale
  for (const auto& name : report.analyzers) {
    foldReads();
    const auto* registration = analyzers::findAnalyzer(name);
    auto analyzer = registration->make();
    analyzers::AnalyzerContext context;
    context.repoName = repoName;
    context.commit = report.commit.hex();
    context.dataDir = request.dataDir.string();
    context.config = config.section(name);
    if (name == "dependencies" && !request.dependencyIgnores.empty()) {
      if (!context.config.is_object()) context.config = nlohmann::json::object();
      auto& list = context.config["ignore"];
      if (list.is_null()) list = nlohmann::json::array();
      // (a broken list stays as it is: the analyzer reports it)
      if (list.is_array()) {
        for (const auto& rule : request.dependencyIgnores) list.push_back(rule);
      }
    }
    context.registry = request.registry;
    context.registrySettings = &registrySettings;
    if (request.progress) {
      const auto* counters = &tree->counters();
      request.progress(0, analyzed->files().size(), counters->bytesRead.load());
      context.progress = [&request, counters](uint64_t done, uint64_t total) {
        request.progress(done, total, counters->bytesRead.load(std::memory_order_relaxed));
      };
    }
    analyzers::AnalysisResult part;
    try {
      part = analyzer->run(*analyzed, context);
    } catch (const std::exception& e) {
      // One analyzer failing (a broken config section, a corrupt rule pack) must not
      // cost the others: report it and go on.
      analyzers::Finding f;
      f.analyzer = name;
      f.rule = name + ".failed";
      f.severity = analyzers::Severity::Error;
      f.path = report.configPath;
      f.message = "the " + name + " analyzer stopped: " + e.what();
      result.warnings.push_back(f.message);
      result.findings.push_back(std::move(f));
      failed.push_back(name);
      continue;
    }
    for (auto& f : part.findings) result.findings.push_back(std::move(f));
    for (auto& c : part.changes) result.changes.push_back(std::move(c));
    for (auto& w : part.warnings) result.warnings.push_back(name + ": " + std::move(w));
    if (part.details.is_object() && !part.details.empty()) {
      result.details[name] = std::move(part.details);
    }
  }
  for (const auto& name : failed) {
    report.analyzers.erase(std::remove(report.analyzers.begin(), report.analyzers.end(), name),
                           report.analyzers.end());
  }
  foldReads();
  // An analyzer may read a file twice (the dead-code passes read sources and, for names,
  // every text file): never more files than the tree has.
  counters.filesRead = std::min<uint64_t>(mostFiles, analyzed->files().size());
  counters.bytesRead = mostBytes;
  counters.binary = mostBinary;
  counters.tooLarge = mostTooLarge;
  analyzers::sortResult(result);
  decideChanges(report, config, *tree, request.serverPolicies);

  const auto& c = tree->counters();
  report.stats.files = c.filesRead;
  report.stats.bytes = c.bytesRead;
  report.stats.skipped = c.skipped() + ignored;
  report.stats.skippedByReason = {{"submodule", c.submodules},
                                  {"symlink", c.symlinks},
                                  {"binary", c.binary},
                                  {"tooLarge", c.tooLarge},
                                  {"ignored", ignored}};
  report.stats.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  report.tree = std::move(analyzed);
  return report;
}

}  // namespace ddd::bot
