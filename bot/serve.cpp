#include "bot/serve.h"

#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "analyzers/dependencies/datasources/registry_settings.h"
#include "bot/data_dir.h"
#include "bot/gitlab_projects.h"
#include "bot/jobs/intake_log.h"
#include "bot/jobs/job_store.h"
#include "bot/registry_client.h"
#include "bot/scheduler.h"
#include "bot/server/server_config.h"
#include "bot/server/webhook_server.h"
#include "bot/worker.h"
#include "forges/github/app_auth.h"

namespace ddd::bot {
namespace {

EnvLookup processEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

// Installation tokens from the App's key, or a plain token (DDD_GITHUB_TOKEN).
std::function<std::string(int64_t)> githubTokens(const ServerConfig& config,
                                                 forges::HttpClient& http) {
  if (const char* plain = std::getenv("DDD_GITHUB_TOKEN"); plain && *plain) {
    std::string token = plain;
    return [token](int64_t) { return token; };
  }
  if (config.githubAppId.empty() || config.githubPrivateKeyFile.empty()) {
    return [](int64_t) -> std::string {
      throw std::runtime_error(
          "no GitHub credentials: set DDD_GITHUB_APP_ID and DDD_GITHUB_PRIVATE_KEY_FILE (or "
          "DDD_GITHUB_TOKEN)");
    };
  }
  auto key =
      std::make_shared<forges::AppKey>(forges::AppKey::fromFile(config.githubPrivateKeyFile));
  const std::string api = config.githubApiUrl, appId = config.githubAppId;
  auto cache = std::make_shared<forges::InstallationTokenCache>(
      [key, api, appId, &http](int64_t installation) {
        forges::ClientRequest r;
        r.method = "POST";
        r.url = api + "/app/installations/" + std::to_string(installation) + "/access_tokens";
        r.headers.set("Accept", "application/vnd.github+json");
        r.headers.set("Authorization",
                      "Bearer " + key->makeJwt(appId, std::chrono::system_clock::now()));
        const auto res = http.send(r);
        auto j = nlohmann::json::parse(res.body, nullptr, false);
        if (res.status != 201 || !j.is_object() || !j.contains("token")) {
          throw forges::AuthError("GitHub did not issue a token for installation " +
                                  std::to_string(installation) + " (HTTP " +
                                  std::to_string(res.status) + "); is the App installed there?");
        }
        std::tm tm{};
        const std::string exp = j.value("expires_at", "");
        strptime(exp.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
        return forges::InstallationToken{j["token"].get<std::string>(),
                                         std::chrono::system_clock::from_time_t(timegm(&tm))};
      },
      [] { return std::chrono::system_clock::now(); });
  return [cache](int64_t installation) { return cache->token(installation); };
}

}  // namespace

int runServe(const ServeOptions& options) {
  const ServerConfig config = loadServerConfigFile(options.configFile, processEnv());
  const int workers = options.workers > 0 ? options.workers : config.workers;
  // One role or several, comma-separated ("worker,scheduler", as the Helm chart runs).
  std::set<std::string> roles;
  for (size_t start = 0; start <= options.role.size();) {
    size_t comma = options.role.find(',', start);
    if (comma == std::string::npos) comma = options.role.size();
    const std::string role = options.role.substr(start, comma - start);
    if (role != "all" && role != "receiver" && role != "worker" && role != "scheduler") {
      throw std::invalid_argument(
          "--role must be all, receiver, worker or scheduler (or several, comma-separated), not "
          "\"" +
          options.role + "\"");
    }
    roles.insert(role);
    start = comma + 1;
  }
  const bool receiver = roles.count("all") || roles.count("receiver");
  const bool working = roles.count("all") || roles.count("worker");
  const bool scheduling = roles.count("all") || roles.count("scheduler");
  // Signals are taken by sigwait below, not by a handler.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  std::cout << "ddd serve: " << config.describe() << std::endl;
  // GitHub's and GitLab's APIs, counted on /metrics (ddd_forge_calls_total, ...).
  forges::HttpClientOptions forgeOptions;
  forgeOptions.metricsName = "forge";
  forges::HttpClient http(forgeOptions);
  // Registry look-ups of the dependency analyzer (none when DDD_OFFLINE is set).
  // Repository files (.npmrc, Chart.yaml, FROM lines) may name registries: those must
  // not make the bot reach into its own network; the operator's registries may.
  forges::HttpClientOptions registryOptions = registryHttpOptions();
  auto operatorRegistries =
      analyzers::deps::RegistrySettings::fromEnvironment(analyzers::deps::processEnvironment());
  operatorRegistries.addCargoRegistriesOfProcessEnvironment();  // CARGO_REGISTRIES_*_INDEX
  registryOptions.allowAddress = forges::privateNetworkGuard(operatorRegistries.hosts());
  forges::HttpClient registryHttp(registryOptions);
  const char* offline = std::getenv("DDD_OFFLINE");
  const bool online = !(offline && *offline && std::string(offline) != "0");
  // The receiver's deliveries go through an intake log on SQLite (bot/jobs/intake_log.h).
  std::shared_ptr<JobStore> store(
      receiver ? openReceiverJobStore(config.state,
                                      [](const std::string& line) {
                                        std::cout << "ddd serve: " << line << std::endl;
                                      })
               : openJobStore(config.state));
  auto metrics = std::make_shared<Metrics>();
  std::unique_ptr<WebhookServer> server;
  if (receiver) {
    server = std::make_unique<WebhookServer>(config, store, metrics);
    server->start(2);
    std::cout << "ddd serve: receiving webhooks on " << config.listenHost << ":" << server->port()
              << std::endl;
  } else {
    // Workers and schedulers answer health probes and show their own forge calls and
    // rate-limit waits on /metrics. A second process on a host where the receiver already
    // listens there goes on without: its work does not depend on it.
    try {
      auto health = std::make_unique<WebhookServer>(config, store, metrics, false);
      health->start(1);
      std::cout << "ddd serve: health and metrics on " << config.listenHost << ":"
                << health->port() << std::endl;
      server = std::move(health);
    } catch (const std::exception& e) {
      std::cout << "ddd serve: health and metrics not served (" << e.what()
                << "); give this process its own DDD_LISTEN to have them" << std::endl;
    }
  }
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  if (working) {
    auto ctx = std::make_shared<WorkerContext>();
    ctx->config = config;
    ctx->http = &http;
    if (online) ctx->registryHttp = &registryHttp;
    ctx->cacheDir = config.repoCacheDir();
    ctx->dataDir = findDataDir();
    ctx->githubToken = githubTokens(config, http);
    ctx->leaseSeconds = config.leaseSeconds;
    ctx->openStore = [state = config.state] { return openJobStore(state); };
    ctx->log = [](const std::string& line) { std::cout << "ddd serve: " << line << std::endl; };
    for (int i = 0; i < workers; ++i) {
      threads.emplace_back([ctx, &config, &stop, i] {
        Worker w(ctx, openJobStore(config.state),
                 "worker-" + std::to_string(::getpid()) + "-" + std::to_string(i));
        w.runUntil(stop);
      });
    }
    std::cout << "ddd serve: " << workers << " worker(s) running" << std::endl;
  }
  std::mutex stopMutex;
  std::condition_variable stopSignal;
  if (scheduling) {
    // Every minute: each repository's latest slot of each schedule, enqueued once (any
    // number of scheduler replicas may run; the dedupe key makes each slot one job).
    // GitLab projects are known up front (listed, or discovered through the token) at
    // start and every gitlabProjectsRefreshSeconds: GitLab has no installation events.
    threads.emplace_back([&config, &http, &stop, &stopMutex, &stopSignal] {
      auto jobs = openJobStore(config.state);
      std::set<std::string> warned;
      int64_t projectsSyncedAt = 0, prunedAt = 0;
      while (!stop) {
        const auto now = static_cast<int64_t>(std::time(nullptr));
        // With a token, always: a list emptied since the last start still removes the
        // projects it brought.
        if ((!config.gitlabProjects.empty() || !config.gitlabToken.empty()) &&
            now - projectsSyncedAt >= config.gitlabProjectsRefreshSeconds) {
          projectsSyncedAt = now;
          try {
            const auto synced = syncGitlabProjects(*jobs, http, config, now);
            std::cout << "ddd serve: GitLab projects: " << synced.known << " known, "
                      << synced.joined << " joined, " << synced.left << " left" << std::endl;
            for (const auto& w : synced.warnings) {
              if (warned.insert(w).second) std::cout << "ddd serve: " << w << std::endl;
            }
          } catch (const std::exception& e) {
            std::cout << "ddd serve: GitLab projects not refreshed: " << e.what() << std::endl;
          }
        }
        // Hourly: webhook jobs done longer ago than the retention are deleted (the job
        // table would otherwise grow with every delivery).
        if (config.jobRetentionDays > 0 && now - prunedAt >= 3600) {
          prunedAt = now;
          try {
            const int64_t pruned = jobs->pruneDone(now - config.jobRetentionDays * 86400);
            if (pruned > 0) {
              std::cout << "ddd serve: deleted " << pruned << " done webhook job(s) older than "
                        << config.jobRetentionDays << " days" << std::endl;
            }
          } catch (const std::exception& e) {
            std::cout << "ddd serve: done jobs not pruned: " << e.what() << std::endl;
          }
        }
        try {
          const auto tick = schedulerTick(*jobs, config.schedules, std::time(nullptr));
          if (tick.enqueued > 0) {
            std::cout << "ddd serve: scheduler enqueued " << tick.enqueued << " job(s)" << std::endl;
          }
          for (const auto& w : tick.warnings) {
            if (warned.insert(w).second) std::cout << "ddd serve: scheduler: " << w << std::endl;
          }
        } catch (const std::exception& e) {
          std::cout << "ddd serve: scheduler tick failed: " << e.what() << std::endl;
        }
        std::unique_lock<std::mutex> lock(stopMutex);
        stopSignal.wait_for(lock, std::chrono::seconds(60), [&stop] { return stop.load(); });
      }
    });
    std::cout << "ddd serve: scheduler running (dependencies \"" << config.schedules.dependencies
              << "\", analysis \"" << config.schedules.analysis << "\", report \""
              << config.schedules.report << "\", " << config.schedules.timeZone << ")" << std::endl;
  }
  int sig = 0;
  sigwait(&set, &sig);
  std::cout << "ddd serve: " << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << ", stopping"
            << std::endl;
  if (server) server->stop(5000);
  {
    std::lock_guard<std::mutex> lock(stopMutex);
    stop = true;
  }
  stopSignal.notify_all();
  for (auto& t : threads) t.join();
  std::cout << "ddd serve: stopped" << std::endl;
  return 0;
}

int runJobsList(const std::string& configFile, bool failedOnly) {
  const ServerConfig config = loadServerConfigFile(configFile, processEnv());
  auto store = openJobStore(config.state);
  // Answered deliveries the receiver has not moved to the job table yet (it does within
  // milliseconds; after a crash, on its next start): no id until then.
  if (!failedOnly) {
    for (const auto& j : loggedJobsNotInTable(config.state)) {
      std::cout << "-  logged  " << j.kind << "  " << (j.repo.empty() ? "-" : j.repo)
                << "  in the receiver's intake log, not yet in the job table\n";
    }
  }
  for (const auto& j : store->list(failedOnly, 200)) {
    std::cout << j.id << "  " << j.state << "  " << j.kind << "  "
              << (j.repo.empty() ? "-" : j.repo) << "  attempts " << j.attempts
              << (j.lastError.empty() ? "" : "  last error: " + j.lastError) << "\n";
  }
  return 0;
}

int runJobsRetry(const std::string& configFile, int64_t id) {
  const ServerConfig config = loadServerConfigFile(configFile, processEnv());
  auto store = openJobStore(config.state);
  if (!store->retry(id, static_cast<int64_t>(std::time(nullptr)))) {
    std::cerr << "ddd: error: no dead or queued job " << id << " (see ddd jobs list --failed)\n";
    return 2;
  }
  std::cout << "job " << id << " queued again\n";
  return 0;
}

}  // namespace ddd::bot
