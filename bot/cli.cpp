#include "bot/cli.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "analyzers/analyzer.h"
#include "bot/atomic_file.h"
#include "bot/data_dir.h"
#include "bot/errors.h"
#include "bot/progress.h"
#include "bot/registry_client.h"
#include "bot/report.h"
#include "bot/report_local.h"
#include "bot/run_local.h"
#include "bot/scan.h"
#include "bot/serve.h"
#include "bot/setup_github.h"
#include "bot/state_store.h"
#include "bot/version.h"
#include "git/repository.h"

namespace ddd::bot {
namespace {

namespace fs = std::filesystem;

struct ScanFlags {
  std::string path;
  std::string ref = "HEAD";
  std::vector<std::string> analyzers;
  std::string format = "text";
  std::string output;
  std::string failOn;
  uint64_t maxFileSize = 0;
  unsigned threads = 0;
  bool explain = false;
};

struct RunFlags {
  std::string local;
  bool dryRun = false;
  std::string state;
  std::string ref = "HEAD";
  std::vector<std::string> analyzers;
  uint64_t maxFileSize = 0;
  unsigned threads = 0;
  int maxOpenPrs = -1;  // -1: not given (the repository config's pullRequests, else 10)
  int maxNewPrsPerHour = -1;  // -1: not given (the config, else no cap locally)
};

struct ReportFlags {
  std::string path;
  std::string state;
  std::string output;
  std::string ref = "HEAD";
  std::vector<std::string> analyzers;
  uint64_t maxFileSize = 0;
  unsigned threads = 0;
};

std::string analyzerList() {
  std::string out;
  try {
    analyzers::registerBuiltinAnalyzers();
    for (const auto& r : analyzers::registry()) out += "  " + r.name + "  " + r.description + "\n";
  } catch (const std::exception& e) {
    out += "  (the analyzers could not be listed: " + std::string(e.what()) + ")\n";
  }
  return out.empty() ? "  (none built in)\n" : out;
}

const char* kExitCodes =
    "Exit codes: 0 the command ran (findings or not), 1 --fail-on threshold reached,\n"
    "2 usage error (bad flag, path, ref or analyzer; empty repository), 3 runtime error.";

void addScanLimits(CLI::App* cmd, std::vector<std::string>& analyzerNames, uint64_t& maxFileSize,
                   unsigned& threads) {
  cmd->add_option("--analyzers", analyzerNames,
                  "Comma-separated analyzers to run (default: those the repository config "
                  "enables, else all)")
      ->delimiter(',')
      ->type_name("LIST");
  cmd->add_option("--max-file-size,--max-file-bytes", maxFileSize,
                  "Skip files larger than this many bytes (default: the repository config's "
                  "limit, else 1 MiB); accepts suffixes such as 512k or 4MiB")
      ->transform(CLI::AsSizeValue(false))
      ->type_name("BYTES");
  cmd->add_option("--threads", threads, "Threads reading and analyzing files (default: all cores)")
      ->type_name("N");
}

ScanRequest makeScanRequest(const std::string& path, const std::string& ref,
                            const std::vector<std::string>& analyzerNames, uint64_t maxFileSize,
                            unsigned threads) {
  ScanRequest request;
  request.repoPath = path;
  request.ref = ref;
  request.analyzers = analyzerNames;
  if (maxFileSize) request.maxFileBytes = maxFileSize;
  request.threads = threads;
  request.dataDir = findDataDir();
  return request;
}

// The state file's registry cache, opened at its first use (a run that asks no registry
// creates no state file).
class LazyStateCache : public RegistryCacheStore {
 public:
  explicit LazyStateCache(fs::path file) : file_(std::move(file)) {}
  std::optional<RegistryCacheRow> loadRegistryResponse(const std::string& key) override {
    return store().loadRegistryResponse(key);
  }
  void saveRegistryResponse(const RegistryCacheRow& row) override {
    store().saveRegistryResponse(row);
  }
  void touchRegistryResponse(const std::string& key, int64_t now) override {
    store().touchRegistryResponse(key, now);
  }
  void dropRegistryResponse(const std::string& key) override { store().dropRegistryResponse(key); }
  void pruneRegistryResponses(int64_t maxRows, int64_t maxBytes, int64_t unusedBefore) override {
    store().pruneRegistryResponses(maxRows, maxBytes, unusedBefore);
  }
  int64_t registryResponseCount() override { return store().registryResponseCount(); }

 private:
  StateStore& store() {
    if (!store_) store_.emplace(file_);
    return *store_;
  }
  fs::path file_;
  std::optional<StateStore> store_;
};

// Registry access for one command (the dependency analyzer's look-ups), kept alive
// while the command runs; none when DDD_OFFLINE is set (anything but "0").
struct OnlineRegistry {
  forges::HttpClient http{registryHttpOptions()};
  RegistryClient client{http, 5000};
  // `run --local`: registry answers kept in the state file between runs.
  std::optional<LazyStateCache> cacheStore;
  std::optional<RegistryResponseCache> cache;
  ~OnlineRegistry() {
    client.setCache(nullptr);
    cache.reset();  // prunes before the store closes
  }
};

// The state file's registry cache for a local run: read and written, or on a dry run
// only read (and only when the file exists: a dry run creates nothing). A state file
// that cannot be opened is a warning; the run goes on without the cache.
void attachRegistryCache(OnlineRegistry& online, const RunLocalRequest& request) {
  fs::path file;
  if (request.stateFile) {
    file = *request.stateFile;
  } else {
    try {
      file = StateStore::defaultPath(git::Repository::open(request.scan.repoPath).gitDir());
    } catch (const std::exception&) {
      return;  // not a repository: the run says so itself
    }
  }
  std::error_code ec;
  if (request.dryRun && !fs::exists(file, ec)) return;
  online.cacheStore.emplace(file);
  RegistryCacheOptions options;
  options.readOnly = request.dryRun;
  options.warn = [](const std::string& w) { std::fprintf(stderr, "ddd: warning: %s\n", w.c_str()); };
  online.cache.emplace(*online.cacheStore, options);
  online.client.setCache(&*online.cache);
}

std::unique_ptr<OnlineRegistry> attachRegistry(ScanRequest& request) {
  const char* offline = std::getenv("DDD_OFFLINE");
  if (offline && *offline && std::string(offline) != "0") return nullptr;
  auto online = std::make_unique<OnlineRegistry>();
  request.registry = &online->client;
  return online;
}

void printWarnings(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) std::fprintf(stderr, "ddd: warning: %s\n", w.c_str());
}

int runScanCommand(const ScanFlags& flags) {
  if (!flags.output.empty()) {
    fs::path out(flags.output);
    fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      throw UsageError("the directory of --output " + flags.output +
                       " does not exist: create it first");
    }
    if (fs::is_directory(out, ec)) {
      throw UsageError("--output " + flags.output + " is a directory: give a file name");
    }
  }
  ScanRequest request =
      makeScanRequest(flags.path, flags.ref, flags.analyzers, flags.maxFileSize, flags.threads);
  ProgressLine progress = ProgressLine::forStderr();
  if (progress.enabled()) {
    request.progress = [&progress](uint64_t done, uint64_t total, uint64_t bytes) {
      progress.update(done, total, bytes);
    };
  }
  auto online = attachRegistry(request);
  ScanReport report = runScan(request);
  progress.finish();
  printWarnings(report.result.warnings);

  std::string rendered = flags.format == "json"    ? renderJson(report)
                         : flags.format == "sarif" ? renderSarif(report)
                                                   : renderText(report, flags.explain);
  if (flags.output.empty()) {
    std::fwrite(rendered.data(), 1, rendered.size(), stdout);
    std::fflush(stdout);
  } else {
    writeFileAtomically(flags.output, rendered);
  }

  if (!flags.failOn.empty()) {
    auto threshold = analyzers::severityFromString(flags.failOn);
    for (const auto& f : report.result.findings) {
      if (f.severity >= threshold) return kExitFailOn;
    }
  }
  return kExitOk;
}

int runRunCommand(const RunFlags& flags) {
  RunLocalRequest request;
  request.scan =
      makeScanRequest(flags.local, flags.ref, flags.analyzers, flags.maxFileSize, flags.threads);
  auto online = attachRegistry(request.scan);
  request.dryRun = flags.dryRun;
  if (flags.maxOpenPrs >= 0) request.maxOpenOverride = flags.maxOpenPrs;
  if (flags.maxNewPrsPerHour >= 0) request.maxNewPerHourOverride = flags.maxNewPrsPerHour;
  if (!flags.state.empty()) request.stateFile = fs::path(flags.state);
  if (online) attachRegistryCache(*online, request);
  ProgressLine progress = ProgressLine::forStderr();
  if (progress.enabled()) {
    request.scan.progress = [&progress](uint64_t done, uint64_t total, uint64_t bytes) {
      progress.update(done, total, bytes);
    };
  }
  RunLocalResult result = runLocal(request);
  progress.finish();
  std::string text = renderRunLocal(result);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  return result.anyFailed() ? kExitInternal : kExitOk;
}

int runReportCommand(const ReportFlags& flags) {
  ReportLocalRequest request;
  request.scan =
      makeScanRequest(flags.path, flags.ref, flags.analyzers, flags.maxFileSize, flags.threads);
  if (!flags.state.empty()) request.stateFile = fs::path(flags.state);
  auto online = attachRegistry(request.scan);
  ReportLocalResult result = reportLocal(request);
  if (!flags.output.empty()) {
    writeFileAtomically(flags.output, result.body);
  } else {
    std::fwrite(result.body.data(), 1, result.body.size(), stdout);
    std::fflush(stdout);
  }
  return kExitOk;
}

// "ddd: error: ..." plus where to read more; returns 2.
int usageFailure(const std::string& message, const std::string& command) {
  std::fprintf(stderr, "ddd: error: %s\n", message.c_str());
  std::fprintf(stderr, "Run 'ddd help%s' for usage.\n",
               command.empty() ? "" : (" " + command).c_str());
  return kExitUsage;
}

}  // namespace

int runCli(int argc, char** argv) {
  CLI::App app{
      "ddd: a maintenance bot for Git-hosted code. It finds deprecated APIs and other "
      "routine maintenance in a repository and drafts the fixes as branches and pull "
      "requests.",
      "ddd"};
  app.set_version_flag("--version", std::string("ddd ") + kVersion);
  app.require_subcommand(1);
  app.footer(kExitCodes);

  ScanFlags scanFlags;
  auto* scan = app.add_subcommand(
      "scan", "Analyze the committed tree of a git repository (uncommitted changes are not seen)");
  scan->add_option("path", scanFlags.path, "The git repository (work tree or .git directory)")
      ->required()
      ->type_name("PATH");
  scan->add_option("--ref", scanFlags.ref, "Branch, tag or commit to scan (default HEAD)")
      ->type_name("REF");
  scan->add_option("--format", scanFlags.format, "Output format: text, json or sarif (SARIF 2.1.0)")
      ->check(CLI::IsMember({"text", "json", "sarif"}))
      ->type_name("FORMAT");
  scan->add_flag("--explain", scanFlags.explain,
                 "Text format: under each proposed change, the policy decision with the facts "
                 "used and every rule considered (JSON always includes it)");
  scan->add_option("--output", scanFlags.output,
                   "Write the report to FILE (atomically) instead of standard output")
      ->type_name("FILE");
  scan->add_option("--fail-on", scanFlags.failOn,
                   "Exit with 1 when a finding has this severity or worse: info, note, warning, "
                   "error")
      ->check(CLI::IsMember({"info", "note", "warning", "error"}, CLI::ignore_case))
      ->type_name("SEVERITY");
  addScanLimits(scan, scanFlags.analyzers, scanFlags.maxFileSize, scanFlags.threads);
  scan->footer(std::string("Analyzes the committed tree of REF (default HEAD) of the git "
                           "repository at PATH. The files are read from git's object database:\n"
                           "nothing is checked out, and uncommitted changes (work tree, index) "
                           "are not seen; commit them\n(or pass --ref) to scan them.\n\n"
                           "Analyzers:\n") +
               analyzerList() + "\n" + kExitCodes);

  RunFlags runFlags;
  auto* run = app.add_subcommand(
      "run", "Run the bot on a local repository: fix branches ddd/<change-id> and PR drafts");
  run->add_option("--local", runFlags.local, "The local git repository to run on")
      ->required()
      ->type_name("PATH");
  run->add_flag("--dry-run", runFlags.dryRun,
                "Compute and print everything, write nothing (no branch, no state file)");
  run->add_option("--state", runFlags.state,
                  "The SQLite state file (default: <gitdir>/ddd/state.sqlite)")
      ->type_name("FILE");
  run->add_option("--ref", runFlags.ref, "Branch, tag or commit to scan (default HEAD)")
      ->type_name("REF");
  run->add_option("--max-open-prs", runFlags.maxOpenPrs,
                  "Hold back new pull requests while this many ddd PRs are open (default: the "
                  "config's pullRequests.maxOpen, else 10; 0 = no cap)")
      ->check(CLI::NonNegativeNumber)
      ->type_name("N");
  run->add_option("--max-new-prs-per-hour", runFlags.maxNewPrsPerHour,
                  "Open at most N pull requests an hour (default: the config's "
                  "pullRequests.maxNewPerHour, else no cap locally; servers use 2)")
      ->check(CLI::NonNegativeNumber)
      ->type_name("N");
  addScanLimits(run, runFlags.analyzers, runFlags.maxFileSize, runFlags.threads);
  run->footer(
      std::string("Scans REF (default HEAD), decides what to do with each proposed change (safe "
                  "defaults: only\nsafe deprecation fixes outside CI files are merged "
                  "automatically), commits each fix to the branch\nddd/<change-id>, built in "
                  "memory on top of the scanned commit (the work tree, the index and the\n"
                  "checked-out branch are never touched), and records the pull request drafts "
                  "in a SQLite state\nfile. Re-running with nothing changed writes nothing. A "
                  "branch that carries a human's commit\nis reported and never overwritten.\n\n") +
      kExitCodes);

  ReportFlags reportFlags;
  auto* report = app.add_subcommand(
      "report",
      "Print the weekly tech-debt report of a local repository (history in the state file)");
  report->add_option("path", reportFlags.path, "The git repository")->required()->type_name("PATH");
  report
      ->add_option("--state", reportFlags.state,
                   "The SQLite state file holding the weekly history (default: "
                   "<gitdir>/ddd/state.sqlite)")
      ->type_name("FILE");
  report->add_option("--output", reportFlags.output, "Write the report to FILE (atomically)")
      ->type_name("FILE");
  report->add_option("--ref", reportFlags.ref, "Branch, tag or commit to scan (default HEAD)")
      ->type_name("REF");
  addScanLimits(report, reportFlags.analyzers, reportFlags.maxFileSize, reportFlags.threads);
  report->footer(std::string("Scans REF, scores the repository's health (formula in "
                             "bot/tech_debt_report.h), records this week's point\nin the state "
                             "file (one per ISO week) and prints the same Markdown body as the "
                             "weekly\nreport issue: score, trends of the last 12 weeks, "
                             "forecasts, open ddd PRs.\n\n") +
                 kExitCodes);

  ServeOptions serveFlags;
  auto* serve =
      app.add_subcommand("serve", "Run the webhook receiver and the workers (GitHub App / GitLab)");
  serve
      ->add_option("--config", serveFlags.configFile,
                   "The server config (JSON); every field can come from DDD_* variables instead")
      ->type_name("FILE");
  serve->add_option("--workers", serveFlags.workers, "Worker threads (default: the config's, 2)")
      ->type_name("N");
  serve
      ->add_option("--role", serveFlags.role,
                   "all (default), receiver, worker or scheduler, or several comma-separated "
                   "(worker,scheduler): roles per process to scale out")
      ->type_name("ROLE");
  std::string jobsConfig;
  bool jobsFailed = false;
  int64_t jobId = 0;
  auto* jobs = app.add_subcommand("jobs", "Inspect and retry the job queue");
  auto* jobsList = jobs->add_subcommand("list", "List recent jobs");
  jobsList->add_flag("--failed", jobsFailed, "Only jobs that failed or are in the dead letter");
  jobsList->add_option("--config", jobsConfig, "The server config (for the state store)")
      ->type_name("FILE");
  auto* jobsRetry = jobs->add_subcommand("retry", "Run a dead job again");
  jobsRetry->add_option("id", jobId, "The job id (from ddd jobs list)")
      ->required()
      ->type_name("ID");
  jobsRetry->add_option("--config", jobsConfig, "The server config (for the state store)")
      ->type_name("FILE");

  SetupGithubOptions setupFlags;
  setupFlags.githubUrl = "https://github.com";
  setupFlags.apiUrl = "https://api.github.com";
  setupFlags.outDir = "ddd-secrets";
  auto* setup = app.add_subcommand("setup", "Set ddd up on a forge");
  auto* setupGithub = setup->add_subcommand(
      "github", "Register the GitHub App through GitHub's manifest flow (a form on localhost)");
  setupGithub
      ->add_option("--webhook-url", setupFlags.webhookUrl,
                   "Where GitHub sends webhooks: https://<your host>/webhooks/github")
      ->required()
      ->type_name("URL");
  setupGithub
      ->add_option("--github-url", setupFlags.githubUrl,
                   "GitHub's web address (GitHub Enterprise Server: https://<host>)")
      ->type_name("URL");
  setupGithub
      ->add_option("--api-url", setupFlags.apiUrl,
                   "GitHub's REST API (GitHub Enterprise Server: https://<host>/api/v3)")
      ->type_name("URL");
  setupGithub
      ->add_option("--out", setupFlags.outDir,
                   "Directory for the App id, key and webhook secret (files of mode 0600; "
                   "default ./ddd-secrets)")
      ->type_name("DIR");
  setupGithub->add_option("--port", setupFlags.port, "Local port of the setup page (default 3000)")
      ->type_name("N");
  setupGithub
      ->add_option("--app-name", setupFlags.appName, "The App's name on GitHub (default ddd)")
      ->type_name("NAME");

  std::string helpTopic;
  auto* help = app.add_subcommand("help", "Show help for ddd or one of its commands");
  help->add_option("command", helpTopic, "scan, run, report or help")->type_name("COMMAND");

  std::string command;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::CallForVersion&) {
    std::cout << "ddd " << kVersion << "\n";
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::string sub;
    for (const auto* s : app.get_subcommands()) sub = s->get_name();
    if (argc <= 1) {
      std::cerr << app.help();
      return usageFailure("no command given: use scan, run, report or help", "");
    }
    if (sub.empty() && argv[1][0] == '-') {
      return usageFailure(
          std::string("unknown option ") + argv[1] +
              " (ddd takes --help, --version or a command: scan, run, report, help)",
          "");
    }
    if (sub.empty()) {
      return usageFailure(
          std::string("unknown command '") + argv[1] + "': use scan, run, report or help", "");
    }
    return usageFailure(e.what(), sub);
  }

  try {
    if (*help) {
      if (helpTopic.empty()) {
        std::cout << app.help();
      } else if (auto* target = helpTopic == "help"     ? help
                                : helpTopic == "scan"   ? scan
                                : helpTopic == "run"    ? run
                                : helpTopic == "report" ? report
                                : helpTopic == "setup"  ? setup
                                                        : nullptr) {
        std::cout << target->help();
      } else {
        return usageFailure("unknown command '" + helpTopic + "': use scan, run, report or help",
                            "");
      }
      return kExitOk;
    }
    if (*scan) return runScanCommand(scanFlags);
    if (*run) return runRunCommand(runFlags);
    if (*report) return runReportCommand(reportFlags);
    if (*serve) return runServe(serveFlags);
    if (*jobsList) return runJobsList(jobsConfig, jobsFailed);
    if (*jobsRetry) return runJobsRetry(jobsConfig, jobId);
    if (*setupGithub) {
      setupFlags.manifestFile = findDataDir() / "deploy" / "github-app.yml";
      return runSetupGithub(setupFlags);
    }
  } catch (const UsageError& e) {
    return usageFailure(e.what(), *scan ? "scan" : *run ? "run" : *report ? "report" : "");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ddd: error: %s\n", e.what());
    return kExitInternal;
  }
  return kExitOk;
}

}  // namespace ddd::bot
