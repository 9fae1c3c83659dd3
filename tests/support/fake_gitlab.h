#pragma once
// A fake GitLab (REST v4) for tests of ddd's GitLab client: a FakeHttpServer under
// /api/v4 with a small model of one project (merge requests by iid, notes, commit
// statuses, approvals, users, the head pipeline) seeded from GitLab's real response
// shapes (tests/fixtures/shared/gitlab/api). It records requests that don't follow
// GitLab's rules — a project path not encoded with %2F, no PRIVATE-TOKEN, unknown
// routes — as violations. Thread-safe.

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/support/fake_http_server.h"

namespace ddd::testing {

class FakeGitlab {
 public:
  FakeGitlab(std::string projectPath, std::string token);
  std::string apiUrl() const { return server_->url() + "/api/v4"; }
  std::vector<std::string> violations() const;
  std::vector<FakeHttpServer::Request> requests() const { return server_->requests(); }

  nlohmann::json mergeRequest(int iid) const;
  std::vector<nlohmann::json> notes(int iid) const;
  std::map<std::string, std::string> statuses(const std::string& sha) const;
  void setJob(const std::string& sha, const std::string& name, const std::string& status);
  void approve(int iid);
  void setHeadSha(int iid, const std::string& sha);
  void startPipeline(int iid);
  bool supportsAutoMergeFlag = true;  // false: a server before auto_merge (400 on it)

 private:
  FakeHttpServer::Response handle(const FakeHttpServer::Request& r);
  std::string project_, token_;
  mutable std::mutex mutex_;
  std::map<int, nlohmann::json> mrs_;
  std::map<int, std::vector<nlohmann::json>> notes_;
  std::map<std::string, std::map<std::string, std::string>> statuses_;
  std::set<int> approved_;
  int nextIid_ = 1, nextId_ = 500;
  std::vector<std::string> violations_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace ddd::testing
