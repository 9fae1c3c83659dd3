#pragma once
// `ddd setup github`: registers the GitHub App through GitHub's manifest flow, as
// Probot's setup does. A one-page form on 127.0.0.1 posts the App manifest
// (deploy/github-app.yml with this host's webhook URL) to GitHub; GitHub sends the
// browser back to /callback?code=...; ddd exchanges the code
// (POST /app-manifests/{code}/conversions) and stores the App id, private key and
// webhook secret in files of mode 0600, then prints the environment to use them.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "forges/http/client.h"

namespace ddd::bot {

struct SetupGithubOptions {
  std::string githubUrl;   // where apps are created: "https://<github host>" (GHES too)
  std::string apiUrl;      // the REST API base
  std::string webhookUrl;  // https://<your host>/webhooks/github
  std::string appName = "ddd";
  std::filesystem::path manifestFile;  // deploy/github-app.yml
  std::filesystem::path outDir;        // where the secrets go
  int port = 3000;
};

// The manifest JSON GitHub expects, from the YAML file with this host's URLs filled in.
nlohmann::json appManifest(const SetupGithubOptions& o, const std::string& redirectUrl);
// The HTML page that posts the manifest to GitHub (everything escaped).
std::string manifestFormPage(const nlohmann::json& manifest, const std::string& githubUrl,
                             const std::string& state);

struct StoredApp {
  std::string appId;
  std::string slug;
  std::filesystem::path keyFile, secretFile, idFile;
};
// Exchanges `code`, stores the results under outDir (0600) and returns where. Throws
// ForgeError for GitHub's errors and std::runtime_error for files it can't write.
StoredApp exchangeManifestCode(forges::HttpClient& http, const std::string& apiUrl,
                               const std::string& code, const std::filesystem::path& outDir);

// Serves the form until GitHub's callback arrives (or `timeoutSeconds` pass), then
// exchanges the code. Prints progress to stdout. Returns the process exit code.
int runSetupGithub(const SetupGithubOptions& o, int timeoutSeconds = 900);

}  // namespace ddd::bot
