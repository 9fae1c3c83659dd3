#include "tests/support/fake_github.h"

#include <algorithm>

#include "git/error.h"
#include "git/repository.h"
#include "tests/support/openapi_spec.h"

namespace ddd::testing {

namespace {

using Resp = FakeHttpServer::Response;

Resp json(int status, const nlohmann::json& body,
          std::vector<std::pair<std::string, std::string>> extra = {}) {
  extra.emplace_back("Content-Type", "application/json; charset=utf-8");
  return Resp{status, std::move(extra), body.dump()};
}

Resp error(int status, const std::string& message) {
  return json(status,
              {{"message", message}, {"documentation_url", "https://docs.github.com/rest"}});
}

std::string nowIso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

FakeGithub::FakeGithub(std::string owner, std::string repo)
    : owner_(std::move(owner)), repo_(std::move(repo)) {
  server_ = std::make_unique<FakeHttpServer>(
      [this](const FakeHttpServer::Request& r) { return handle(r); });
}

std::vector<std::string> FakeGithub::violations() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return violations_;
}

std::vector<std::string> FakeGithub::calls() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return calls_;
}

void FakeGithub::setValidTokens(std::set<std::string> tokens) {
  std::lock_guard<std::mutex> lock(mutex_);
  validTokens_ = std::move(tokens);
}

void FakeGithub::failNext(const std::string& operationId, int status, int times) {
  std::lock_guard<std::mutex> lock(mutex_);
  faults_[operationId] = {status, times};
}

std::map<int, FakeGithub::Pull> FakeGithub::pulls() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return pulls_;
}

void FakeGithub::addHumanPull(const std::string& branch, const std::string& title) {
  std::lock_guard<std::mutex> lock(mutex_);
  nlohmann::json pr = OpenApiSpec::github().exampleResponse("pulls/get", 200);
  const int n = nextNumber_++;
  pr["number"] = n;
  pr["node_id"] = "PR_" + std::to_string(n);
  pr["title"] = title;
  pr["head"]["ref"] = branch;
  pr["state"] = "open";
  pr["merged_at"] = nullptr;
  pr["labels"] = nlohmann::json::array();
  pr["created_at"] = nowIso();
  pulls_[n] = Pull{pr, {}};
}

void FakeGithub::setCheckRun(const std::string& sha, const std::string& name,
                             const std::string& status, const std::string& conclusion) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& runs = checkRuns_[sha];
  runs.erase(std::remove_if(runs.begin(), runs.end(),
                            [&](const nlohmann::json& x) { return x["name"] == name; }),
             runs.end());
  runs.push_back(
      {{"id", nextId_++},
       {"name", name},
       {"status", status},
       {"conclusion", conclusion.empty() ? nlohmann::json() : nlohmann::json(conclusion)}});
}

void FakeGithub::addReview(int number, const std::string& user, const std::string& state) {
  std::lock_guard<std::mutex> lock(mutex_);
  reviews_[number].push_back({{"id", nextId_++}, {"user", {{"login", user}}}, {"state", state}});
}

void FakeGithub::followRepository(const std::string& bareRepo) {
  std::lock_guard<std::mutex> lock(mutex_);
  followed_ = bareRepo;
}

void FakeGithub::setHeadSha(int number, const std::string& sha) {
  std::lock_guard<std::mutex> lock(mutex_);
  pulls_.at(number).data["head"]["sha"] = sha;
}

void FakeGithub::setMergeableState(int number, const std::string& state) {
  std::lock_guard<std::mutex> lock(mutex_);
  pulls_.at(number).data["mergeable_state"] = state;
}

std::map<std::string, std::string> FakeGithub::statuses(const std::string& sha) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = statuses_.find(sha);
  return it == statuses_.end() ? std::map<std::string, std::string>{} : it->second;
}

std::map<int, nlohmann::json> FakeGithub::issues() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return issues_;
}

void FakeGithub::setPermission(const std::string& user, const std::string& permission) {
  std::lock_guard<std::mutex> lock(mutex_);
  permissions_[user] = permission;
}

std::vector<nlohmann::json> FakeGithub::reactions() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return reactions_;
}

std::vector<nlohmann::json> FakeGithub::issueComments(int number) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = issueComments_.find(number);
  return it == issueComments_.end() ? std::vector<nlohmann::json>{} : it->second;
}

bool FakeGithub::autoMergeEnabled(int number) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return autoMerge_.count(number) > 0;
}

FakeHttpServer::Response FakeGithub::handle(const FakeHttpServer::Request& r) {
  if (r.method == "POST" && r.target == "/graphql") {
    // GraphQL is not in the REST description: check the one mutation ddd sends.
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.push_back("graphql");
    const auto body = nlohmann::json::parse(r.body, nullptr, false);
    if (!body.is_object() || !body.contains("query") ||
        body["query"].get<std::string>().find(
            "enablePullRequestAutoMerge(input: {pullRequestId: $id, "
            "expectedHeadOid: $oid, mergeMethod: $method})") == std::string::npos) {
      violations_.push_back("POST /graphql: not the enablePullRequestAutoMerge mutation");
      return json(200, {{"errors", {{{"message", "unknown query"}}}}});
    }
    const auto& vars = body["variables"];
    for (auto& [n, p] : pulls_) {
      if (p.data["node_id"] != vars["id"]) continue;
      if (!autoMergeAllowed) {
        return json(
            200, {{"data", {{"enablePullRequestAutoMerge", nullptr}}},
                  {"errors",
                   {{{"message", "Pull request Auto merge is not allowed for this repository"}}}}});
      }
      if (p.data["head"]["sha"] != vars["oid"]) {
        return json(200, {{"data", {{"enablePullRequestAutoMerge", nullptr}}},
                          {"errors", {{{"message", "Head sha didn't match expected head sha"}}}}});
      }
      autoMerge_.insert(n);
      return json(200,
                  {{"data", {{"enablePullRequestAutoMerge", {{"pullRequest", {{"number", n}}}}}}}});
    }
    return json(200, {{"errors", {{{"message", "Could not resolve to a node"}}}}});
  }
  const auto& spec = OpenApiSpec::github();
  const auto m = spec.match(r.method, r.target, r.body);
  std::lock_guard<std::mutex> lock(mutex_);
  if (!m.ok()) {
    violations_.push_back(r.method + " " + r.target + ": " + m.describe());
    return error(m.operationId.empty() ? 404 : 422, "the fake GitHub could not match this request");
  }
  calls_.push_back(m.operationId);
  const std::string auth = r.header("Authorization");
  if (!validTokens_.empty() &&
      (auth.rfind("Bearer ", 0) != 0 || !validTokens_.count(auth.substr(7)))) {
    return error(401, "Bad credentials");
  }
  if (auto f = faults_.find(m.operationId); f != faults_.end() && f->second.second > 0) {
    --f->second.second;
    return error(f->second.first, "injected failure");
  }
  if (m.pathParams.count("owner") &&
      (m.pathParams.at("owner") != owner_ || m.pathParams.at("repo") != repo_)) {
    return error(404, "Not Found");
  }
  const nlohmann::json body = r.body.empty() ? nlohmann::json() : nlohmann::json::parse(r.body);
  if (!followed_.empty()) {
    const auto repo = git::Repository::open(followed_);
    for (auto& [n, p] : pulls_) {
      if (p.data["state"] != "open") continue;
      try {
        p.data["head"]["sha"] =
            repo.resolveCommit("refs/heads/" + p.data["head"]["ref"].get<std::string>()).hex();
      } catch (const git::GitError&) {
        // the branch is gone: GitHub keeps the last head
      }
    }
  }
  auto pullOf = [&](const std::string& key) -> Pull* {
    auto it = pulls_.find(std::stoi(m.pathParams.at(key)));
    return it == pulls_.end() ? nullptr : &it->second;
  };
  auto paged = [&](const std::vector<nlohmann::json>& items) {
    size_t per = pageSize;
    if (m.queryParams.count("per_page"))
      per = std::min<size_t>(per, std::stoul(m.queryParams.at("per_page")));
    const size_t page = m.queryParams.count("page") ? std::stoul(m.queryParams.at("page")) : 1;
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = (page - 1) * per; i < items.size() && i < page * per; ++i)
      out.push_back(items[i]);
    std::vector<std::pair<std::string, std::string>> headers;
    if (page * per < items.size()) {
      std::string target = r.target;
      const size_t p = target.find("page=");
      const bool hasPage = p != std::string::npos && (target[p - 1] == '?' || target[p - 1] == '&');
      if (hasPage) {
        target = target.substr(0, p) + "page=" + std::to_string(page + 1) +
                 target.substr(target.find('&', p) == std::string::npos ? target.size()
                                                                        : target.find('&', p));
      } else {
        target += (target.find('?') == std::string::npos ? "?" : "&") + std::string("page=") +
                  std::to_string(page + 1);
      }
      headers.emplace_back("Link", "<" + server_->url() + target + ">; rel=\"next\"");
    }
    return json(200, out, headers);
  };

  const std::string& op = m.operationId;
  if (op == "repos/get") {
    return json(200, {{"id", 1296269},
                      {"name", repo_},
                      {"full_name", owner_ + "/" + repo_},
                      {"clone_url", cloneUrl},
                      {"default_branch", defaultBranch}});
  }
  if (op == "pulls/list") {
    std::vector<nlohmann::json> items;
    const std::string state = m.queryParams.count("state") ? m.queryParams.at("state") : "open";
    const std::string head = m.queryParams.count("head") ? m.queryParams.at("head") : "";
    for (const auto& [n, p] : pulls_) {
      const std::string s = p.data["state"];
      if (state != "all" && s != state) continue;
      if (!head.empty() && owner_ + ":" + p.data["head"]["ref"].get<std::string>() != head)
        continue;
      items.push_back(p.data);
    }
    return paged(items);
  }
  if (op == "pulls/create") {
    for (const auto& [n, p] : pulls_) {
      if (p.data["state"] == "open" && p.data["head"]["ref"] == body["head"]) {
        return error(422, "A pull request already exists for " + owner_ + ":" +
                              body["head"].get<std::string>() + ".");
      }
    }
    nlohmann::json pr = spec.exampleResponse("pulls/create", 201);
    const int n = nextNumber_++;
    pr["number"] = n;
    pr["id"] = nextId_++;
    pr["mergeable_state"] = "clean";
    pr["node_id"] = "PR_" + std::to_string(n);
    pr["html_url"] =
        "https://github.example/" + owner_ + "/" + repo_ + "/pull/" + std::to_string(n);
    pr["title"] = body["title"];
    pr["body"] = body.value("body", "");
    pr["head"]["ref"] = body["head"];
    pr["base"]["ref"] = body["base"];
    pr["draft"] = body.value("draft", false);
    pr["state"] = "open";
    pr["merged_at"] = nullptr;
    pr["labels"] = nlohmann::json::array();
    pr["requested_reviewers"] = nlohmann::json::array();
    pr["created_at"] = nowIso();
    pulls_[n] = Pull{pr, {}};
    return json(201, pr);
  }
  if (op == "pulls/get" || op == "pulls/update") {
    Pull* p = pullOf("pull_number");
    if (!p) return error(404, "Not Found");
    if (op == "pulls/update") {
      for (const char* k : {"title", "body", "state"}) {
        if (body.contains(k)) p->data[k] = body[k];
      }
      if (body.contains("base")) p->data["base"]["ref"] = body["base"];
    }
    return json(200, p->data);
  }
  if (op == "issues/add-labels" || op == "issues/set-labels") {
    Pull* p = pullOf("issue_number");
    if (!p) return error(404, "Not Found");
    if (op == "issues/set-labels") p->data["labels"] = nlohmann::json::array();
    for (const auto& l : body["labels"])
      p->data["labels"].push_back({{"name", l}, {"id", nextId_++}});
    return json(200, p->data["labels"]);
  }
  if (op == "issues/list-for-repo") {
    std::vector<nlohmann::json> items;
    const std::string label = m.queryParams.count("labels") ? m.queryParams.at("labels") : "";
    for (const auto& [n, issue] : issues_) {
      if (issue["state"] != "open") continue;
      bool has = label.empty();
      for (const auto& l : issue["labels"]) has = has || l["name"] == label;
      if (has) items.push_back(issue);
    }
    return paged(items);
  }
  if (op == "issues/create") {
    nlohmann::json issue = spec.exampleResponse("issues/create", 201);
    const int n = nextNumber_++;
    issue["number"] = n;
    issue["html_url"] =
        "https://github.example/" + owner_ + "/" + repo_ + "/issues/" + std::to_string(n);
    issue["title"] = body["title"];
    issue["body"] = body.value("body", "");
    issue["state"] = "open";
    issue.erase("pull_request");
    issue["labels"] = nlohmann::json::array();
    for (const auto& l : body.value("labels", nlohmann::json::array()))
      issue["labels"].push_back({{"name", l}});
    issues_[n] = issue;
    return json(201, issue);
  }
  if (op == "issues/update") {
    auto it = issues_.find(std::stoi(m.pathParams.at("issue_number")));
    if (it == issues_.end()) return error(404, "Not Found");
    for (const char* k : {"title", "body", "state"}) {
      if (body.contains(k)) it->second[k] = body[k];
    }
    return json(200, it->second);
  }
  if (op == "apps/create-from-manifest") {
    nlohmann::json app = spec.exampleResponse("apps/create-from-manifest", 201);
    app["id"] = 424242;
    app["slug"] = "ddd-test";
    app["pem"] = "-----BEGIN RSA PRIVATE KEY-----\nFAKE\n-----END RSA PRIVATE KEY-----\n";
    app["webhook_secret"] = "whsec-from-github";
    return json(201, app);
  }
  if (op == "repos/create-commit-status") {
    statuses_[m.pathParams.at("sha")][body["context"]] = body["state"];
    return json(201, {{"id", nextId_++}, {"state", body["state"]}, {"context", body["context"]}});
  }
  if (op == "repos/get-combined-status-for-ref") {
    nlohmann::json list = nlohmann::json::array();
    std::string overall = "success";
    for (const auto& [context, state] : statuses_[m.pathParams.at("ref")]) {
      list.push_back({{"context", context}, {"state", state}});
      if (state != "success")
        overall = state == "pending" && overall == "success" ? "pending" : "failure";
    }
    return json(200, {{"state", overall},
                      {"statuses", list},
                      {"sha", m.pathParams.at("ref")},
                      {"total_count", list.size()}});
  }
  if (op == "checks/list-for-ref") {
    const auto& runs = checkRuns_[m.pathParams.at("ref")];
    return json(200, {{"total_count", runs.size()}, {"check_runs", runs}});
  }
  if (op == "pulls/list-reviews") {
    return paged(reviews_[std::stoi(m.pathParams.at("pull_number"))]);
  }
  if (op == "pulls/merge") {
    Pull* p = pullOf("pull_number");
    if (!p) return error(404, "Not Found");
    if (p->data["state"] != "open") return error(405, "Pull Request is not mergeable");
    if (body.contains("sha") && body["sha"] != p->data["head"]["sha"]) {
      return error(409, "Head branch was modified. Review and try the merge again.");
    }
    p->data["state"] = "closed";
    p->data["merged_at"] = nowIso();
    return json(200, {{"sha", "0000000000000000000000000000000000000abc"},
                      {"merged", true},
                      {"message", "Pull Request successfully merged"}});
  }
  if (op == "issues/remove-all-labels") {
    Pull* p = pullOf("issue_number");
    if (!p) return error(404, "Not Found");
    p->data["labels"] = nlohmann::json::array();
    return Resp{204, {}, ""};
  }
  if (op == "pulls/request-reviewers") {
    Pull* p = pullOf("pull_number");
    if (!p) return error(404, "Not Found");
    p->data["requested_reviewers"] = nlohmann::json::array();
    for (const auto& u : body.value("reviewers", nlohmann::json::array())) {
      p->data["requested_reviewers"].push_back({{"login", u}});
    }
    return json(201, p->data);
  }
  if (op == "repos/get-collaborator-permission-level") {
    auto it = permissions_.find(m.pathParams.at("username"));
    const std::string perm = it == permissions_.end() ? "none" : it->second;
    return json(200, {{"permission", perm},
                      {"role_name", perm},
                      {"user", {{"login", m.pathParams.at("username")}}}});
  }
  if (op == "reactions/create-for-issue-comment") {
    // GitHub answers 200 with the existing reaction when the same user reacts again.
    for (const auto& r : reactions_) {
      if (r["comment_id"] == m.pathParams.at("comment_id") && r["content"] == body["content"]) {
        return json(200, {{"id", 1}, {"content", body["content"]}});
      }
    }
    reactions_.push_back(
        {{"comment_id", m.pathParams.at("comment_id")}, {"content", body["content"]}});
    return json(201, {{"id", nextId_++}, {"content", body["content"]}});
  }
  if (op == "issues/create-comment" && !pulls_.count(std::stoi(m.pathParams.at("issue_number")))) {
    const int n = std::stoi(m.pathParams.at("issue_number"));
    const int64_t id = nextId_++;
    nlohmann::json c = {{"id", id},
                        {"body", body["body"]},
                        {"user", {{"login", "ddd[bot]"}}},
                        {"html_url", "https://github.example/" + owner_ + "/" + repo_ + "/issues/" +
                                         std::to_string(n) + "#issuecomment-" +
                                         std::to_string(id)}};
    issueComments_[n].push_back(c);
    return json(201, c);
  }
  if (op == "issues/update-comment" || op == "issues/delete-comment") {
    const std::string id = m.pathParams.at("comment_id");
    for (auto& entry : issueComments_) {
      auto& list = entry.second;
      for (auto it = list.begin(); it != list.end(); ++it) {
        if (std::to_string((*it)["id"].get<int64_t>()) != id) continue;
        if (op == "issues/delete-comment") {
          list.erase(it);
          return FakeHttpServer::Response{204, {}, ""};
        }
        (*it)["body"] = body["body"];
        return json(200, *it);
      }
    }
    return error(404, "Not Found");
  }
  if (op == "issues/create-comment") {
    Pull* p = pullOf("issue_number");
    if (!p) return error(404, "Not Found");
    nlohmann::json c = spec.exampleResponse("issues/create-comment", 201);
    c["id"] = nextId_++;
    c["body"] = body["body"];
    c["user"]["login"] = "ddd[bot]";
    p->comments.push_back(c);
    return json(201, c);
  }
  if (op == "issues/list-comments") {
    Pull* p = pullOf("issue_number");
    if (!p) {
      const int n = std::stoi(m.pathParams.at("issue_number"));
      auto it = issueComments_.find(n);
      return paged(it == issueComments_.end() ? std::vector<nlohmann::json>{} : it->second);
    }
    return paged(p->comments);
  }
  return error(501, "the fake GitHub does not model " + op);
}

}  // namespace ddd::testing
