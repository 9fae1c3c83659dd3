#pragma once
// GithubForge: the Forge interface over GitHub's REST API (github.com or a GitHub
// Enterprise Server base URL), for one repository. Authenticates with a token from a
// provider (an installation token from InstallationTokenCache, or a plain token) and
// asks the provider for a fresh one once when GitHub answers 401. Follows `Link`
// pagination, never builds page URLs. Mutating calls of one installation are spaced at
// least a second apart (GitHub's advice against secondary rate limits), through an
// injectable clock and sleeper. Errors are ForgeErrors naming the call, the HTTP
// status and GitHub's message. Not thread-safe (one per repository run).

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "forges/forge.h"
#include "forges/http/client.h"

namespace ddd::forges {

struct GithubForgeOptions {
  std::string apiUrl;  // "https://api.github.com"-style base, or "https://HOST/api/v3"
  std::string owner;
  std::string repo;
  // The current token; `refresh` is called with the rejected one after a 401 and must
  // return a new one (may be empty for plain tokens: the 401 is then reported).
  std::function<std::string()> token;
  std::function<std::string(const std::string& rejected)> refresh;
  std::string installationKey;  // mutating calls with the same key are spaced
  std::chrono::milliseconds mutationSpacing{1000};
  std::function<std::chrono::steady_clock::time_point()> now;  // default steady_clock
  std::function<void(std::chrono::milliseconds)> sleep;        // default sleep_for
};

class GithubForge : public Forge {
 public:
  GithubForge(HttpClient& http, GithubForgeOptions options);

  std::string name() const override { return "github"; }
  std::optional<PullRequest> findOpenByBranch(const std::string& branch) override;
  PullRequest create(const PullRequestSpec& spec, const std::string& headCommit) override;
  PullRequest update(int number, const PullRequestSpec& spec,
                     const std::string& headCommit) override;
  std::vector<PullRequest> list() override;
  void comment(int number, const std::string& body) override;
  std::vector<Comment> comments(int number) override;
  void close(int number, const std::string& comment) override;
  CheckSummary checks(const std::string& sha) override;
  void setStatus(const std::string& sha, const std::string& context, const std::string& state,
                 const std::string& description) override;
  bool behindRequiredBase(int number) override;
  bool approved(int number) override;
  MergeResult merge(int number, const std::string& sha, const std::string& method) override;
  // GraphQL enablePullRequestAutoMerge with expectedHeadOid; false when GitHub refuses
  // (auto-merge not allowed in the repository, no protected branch, ...).
  bool enableAutoMerge(const PullRequest& pr, const std::string& sha,
                       const std::string& method) override;
  void addLabels(int number, const std::vector<std::string>& labels) override;
  void requestReviewers(int number, const std::vector<std::string>& reviewers) override;

  std::vector<Issue> issuesWithLabel(const std::string& label) override;
  Issue createIssue(const std::string& title, const std::string& body,
                    const std::vector<std::string>& labels) override;
  void editIssue(int number, const std::string& title, const std::string& body) override;
  void closeIssue(int number, const std::string& comment) override;

  // One API call: `path` relative to the repository ("/pulls") or absolute ("/user");
  // returns the parsed body (null for 204). Throws ForgeError for non-2xx answers.
  nlohmann::json call(const std::string& method, const std::string& path,
                      const nlohmann::json& body = nullptr);
  // GET of every page of a list, following Link rel="next".
  nlohmann::json getAll(const std::string& path);

 private:
  ClientResponse send(const std::string& method, const std::string& url, const std::string& body);
  void setLabelsAndReviewers(int number, const PullRequestSpec& spec, bool replaceLabels);

  HttpClient& http_;
  GithubForgeOptions o_;
};

// A GitHub pull request JSON object as a PullRequest.
PullRequest pullRequestFromGithub(const nlohmann::json& j);

}  // namespace ddd::forges
