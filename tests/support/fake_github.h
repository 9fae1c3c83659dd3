#pragma once
// A fake GitHub for tests of ddd's GitHub client: a FakeHttpServer whose every request
// is checked against GitHub's OpenAPI description (tests/support/openapi_spec.h) — a
// request it cannot match is a violation the test fails on — and answered from a small
// stateful model of one repository (pull requests, labels, reviewers, comments) built on
// the description's own example responses. Faults: 401 for tokens not in `validTokens`,
// and any status for the next N calls of an operation. Thread-safe.

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/support/fake_http_server.h"

namespace ddd::testing {

class FakeGithub {
 public:
  FakeGithub(std::string owner, std::string repo);

  std::string apiUrl() const { return server_->url(); }
  // Requests that did not match GitHub's description ("POST /x: no operation ..."); a
  // correct client leaves this empty.
  std::vector<std::string> violations() const;
  // Operation ids called, in order ("pulls/create", "issues/add-labels", ...).
  std::vector<std::string> calls() const;
  int connections() const { return server_->connections(); }

  // Tokens accepted in `Authorization: Bearer`; empty = any.
  void setValidTokens(std::set<std::string> tokens);
  // The next `times` calls of `operationId` answer `status` with a GitHub error body.
  void failNext(const std::string& operationId, int status, int times = 1);
  size_t pageSize = 100;  // items per page for list operations (per_page caps it too)

  // The model.
  struct Pull {
    nlohmann::json data;  // a pulls/get shaped object
    std::vector<nlohmann::json> comments;
  };
  std::map<int, Pull> pulls() const;
  void addHumanPull(const std::string& branch, const std::string& title);  // not ddd's
  // CI and people, as the tests play them.
  void setCheckRun(const std::string& sha, const std::string& name, const std::string& status,
                   const std::string& conclusion);
  void addReview(int number, const std::string& user, const std::string& state);
  void setHeadSha(int number, const std::string& sha);
  // GitHub's mergeable_state of a pull request ("clean" when made; "behind" when branch
  // protection requires an up-to-date branch and it is not).
  void setMergeableState(int number, const std::string& state);
  // Heads follow a real repository: each open pull request's head.sha is read from
  // refs/heads/<branch> of `bareRepo` whenever GitHub would answer with it (as GitHub
  // derives it from git), so a push is seen as it would be.
  void followRepository(const std::string& bareRepo);
  std::map<std::string, std::string> statuses(const std::string& sha) const;  // context -> state
  bool autoMergeEnabled(int number) const;
  bool autoMergeAllowed = true;  // the repository setting
  std::string cloneUrl;              // repos/get answers these
  std::string defaultBranch = "main";
  void setPermission(const std::string& user, const std::string& permission);
  std::vector<nlohmann::json> reactions() const;
  std::vector<nlohmann::json> issueComments(int number) const;
  std::map<int, nlohmann::json> issues() const;

 private:
  FakeHttpServer::Response handle(const FakeHttpServer::Request& r);
  std::string owner_, repo_;
  std::string followed_;  // bare repository heads come from, "" = none
  mutable std::mutex mutex_;
  std::set<std::string> validTokens_;
  std::map<std::string, std::pair<int, int>> faults_;  // op -> (status, times)
  std::map<int, Pull> pulls_;
  std::map<std::string, std::map<std::string, std::string>> statuses_;  // sha -> context -> state
  std::map<std::string, std::vector<nlohmann::json>> checkRuns_;        // sha -> runs
  std::map<int, std::vector<nlohmann::json>> reviews_;
  std::set<int> autoMerge_;
  std::map<int, nlohmann::json> issues_;
  std::map<std::string, std::string> permissions_;
  std::vector<nlohmann::json> reactions_;
  std::map<int, std::vector<nlohmann::json>>
      issueComments_;  // comments on numbers that are not pulls
  int nextNumber_ = 1;
  int nextId_ = 1000;
  std::vector<std::string> violations_, calls_;
  std::unique_ptr<FakeHttpServer> server_;  // last: stops first
};

}  // namespace ddd::testing
