#include "tests/support/fake_gitlab.h"

#include <algorithm>
#include <fstream>

#include "git/error.h"
#include "git/repository.h"

#include "tests/support/openapi_spec.h"
#include "tests/support/test_repo.h"

namespace ddd::testing {
namespace {

using Resp = FakeHttpServer::Response;

Resp json(int status, const nlohmann::json& body) {
  return Resp{status, {{"Content-Type", "application/json"}}, body.dump()};
}

std::vector<std::string> splitPath(const std::string& p) {
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= p.size()) {
    size_t end = p.find('/', start);
    if (end == std::string::npos) end = p.size();
    out.push_back(p.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::vector<std::string> labelsOf(const std::string& csv) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < csv.size()) {
    size_t comma = csv.find(',', start);
    if (comma == std::string::npos) comma = csv.size();
    if (comma > start) out.push_back(csv.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

nlohmann::json exampleMergeRequest() {
  std::ifstream in(sharedFixtures() / "gitlab" / "api" / "get_merge_request.json");
  return nlohmann::json::parse(in);
}

}  // namespace

FakeGitlab::FakeGitlab(std::string projectPath, std::string token, int64_t projectId)
    : project_(std::move(projectPath)), token_(std::move(token)), projectId_(projectId) {
  server_ = std::make_unique<FakeHttpServer>(
      [this](const FakeHttpServer::Request& r) { return handle(r); });
}

std::vector<std::string> FakeGitlab::violations() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return violations_;
}
nlohmann::json FakeGitlab::mergeRequest(int iid) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return mrs_.at(iid);
}
std::vector<nlohmann::json> FakeGitlab::notes(int iid) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = notes_.find(iid);
  return it == notes_.end() ? std::vector<nlohmann::json>{} : it->second;
}
std::map<std::string, std::string> FakeGitlab::statuses(const std::string& sha) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = statuses_.find(sha);
  return it == statuses_.end() ? std::map<std::string, std::string>{} : it->second;
}
void FakeGitlab::setJob(const std::string& sha, const std::string& name,
                        const std::string& status) {
  std::lock_guard<std::mutex> lock(mutex_);
  statuses_[sha][name] = status;
}
void FakeGitlab::approve(int iid) {
  std::lock_guard<std::mutex> lock(mutex_);
  approved_.insert(iid);
}
void FakeGitlab::setHeadSha(int iid, const std::string& sha) {
  std::lock_guard<std::mutex> lock(mutex_);
  mrs_.at(iid)["sha"] = sha;
}
void FakeGitlab::setDetailedMergeStatus(int iid, const std::string& status) {
  std::lock_guard<std::mutex> lock(mutex_);
  mrs_.at(iid)["detailed_merge_status"] = status;
}
void FakeGitlab::startPipeline(int iid) {
  std::lock_guard<std::mutex> lock(mutex_);
  mrs_.at(iid)["head_pipeline"] = {{"id", nextId_++}, {"status", "running"}};
}

nlohmann::json FakeGitlab::projectJson() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return ownProject();
}
nlohmann::json FakeGitlab::ownProject() const {
  const size_t slash = project_.rfind('/');
  return {{"id", projectId_},
          {"name", project_.substr(slash + 1)},
          {"path", project_.substr(slash + 1)},
          {"path_with_namespace", project_},
          {"default_branch", "main"},
          {"http_url_to_repo", followed_},
          {"web_url", "http://gitlab.test/" + project_},
          {"archived", false}};
}
void FakeGitlab::addProject(int64_t id, const std::string& path, const std::string& cloneUrl,
                            int accessLevel, bool archived, const std::string& defaultBranch) {
  std::lock_guard<std::mutex> lock(mutex_);
  const size_t slash = path.rfind('/');
  projects_[id] = {{"id", id},
                   {"name", path.substr(slash + 1)},
                   {"path", path.substr(slash + 1)},
                   {"path_with_namespace", path},
                   {"default_branch", defaultBranch.empty() ? nlohmann::json() : nlohmann::json(defaultBranch)},
                   {"http_url_to_repo", cloneUrl},
                   {"web_url", "http://gitlab.test/" + path},
                   {"archived", archived},
                   {"access_level", accessLevel}};
}
void FakeGitlab::removeProject(int64_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  projects_.erase(id);
}

void FakeGitlab::setTokenUser(const std::string& username) {
  std::lock_guard<std::mutex> lock(mutex_);
  tokenUser_ = username;
}
void FakeGitlab::followRepository(const std::string& bareRepo) {
  std::lock_guard<std::mutex> lock(mutex_);
  followed_ = bareRepo;
}
void FakeGitlab::setMember(int64_t userId, const std::string& username, int accessLevel) {
  std::lock_guard<std::mutex> lock(mutex_);
  members_[userId] = {{"id", userId},
                      {"username", username},
                      {"name", username},
                      {"state", "active"},
                      {"access_level", accessLevel}};
}
void FakeGitlab::addMergeRequest(int iid, const std::string& sourceBranch,
                                 const std::string& title) {
  std::lock_guard<std::mutex> lock(mutex_);
  nlohmann::json mr = exampleMergeRequest();
  mr["iid"] = iid;
  mr["id"] = nextId_++;
  mr["state"] = "opened";
  mr["title"] = title;
  mr["source_branch"] = sourceBranch;
  mr["target_branch"] = "main";
  mr["labels"] = nlohmann::json::array();
  mr["head_pipeline"] = nullptr;
  mrs_[iid] = mr;
  nextIid_ = std::max(nextIid_, iid + 1);
}
void FakeGitlab::addIssue(int iid, const std::string& title, const std::string& description) {
  std::lock_guard<std::mutex> lock(mutex_);
  issues_[iid] = {{"id", nextId_++},   {"iid", iid},
                  {"title", title},    {"description", description},
                  {"state", "opened"}, {"labels", nlohmann::json::array()},
                  {"web_url", "http://gitlab.test/" + project_ + "/-/issues/" + std::to_string(iid)}};
}
void FakeGitlab::addNote(bool onMergeRequest, int iid, int64_t noteId, const std::string& username,
                         const std::string& body) {
  std::lock_guard<std::mutex> lock(mutex_);
  nlohmann::json note = {
      {"id", noteId}, {"body", body}, {"system", false}, {"author", {{"username", username}}}};
  (onMergeRequest ? notes_ : issueNotes_)[iid].push_back(note);
}
nlohmann::json FakeGitlab::issue(int iid) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return issues_.at(iid);
}
std::map<int, nlohmann::json> FakeGitlab::issues() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return issues_;
}
std::vector<nlohmann::json> FakeGitlab::issueNotes(int iid) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = issueNotes_.find(iid);
  return it == issueNotes_.end() ? std::vector<nlohmann::json>{} : it->second;
}
std::vector<nlohmann::json> FakeGitlab::awards() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return awards_;
}
std::vector<nlohmann::json> FakeGitlab::merges() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return merges_;
}

void FakeGitlab::refreshHeads() {
  if (followed_.empty()) return;
  const auto repo = git::Repository::open(followed_);
  for (auto& [iid, mr] : mrs_) {
    if (mr["state"] != "opened") continue;
    try {
      mr["sha"] = repo.resolveCommit("refs/heads/" + mr["source_branch"].get<std::string>()).hex();
    } catch (const git::GitError&) {
      // the branch is gone: GitLab keeps the last head
    }
  }
}

FakeHttpServer::Response FakeGitlab::handle(const FakeHttpServer::Request& r) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (r.header("PRIVATE-TOKEN") != token_) return json(401, {{"message", "401 Unauthorized"}});
  const std::string target = r.target;
  const std::string path = target.substr(0, target.find('?'));
  std::map<std::string, std::string> query;
  if (target.find('?') != std::string::npos) {
    for (const auto& kv : labelsOf([&] {
           std::string q = target.substr(target.find('?') + 1);
           for (auto& c : q) c = c == '&' ? ',' : c;
           return q;
         }())) {
      const size_t eq = kv.find('=');
      query[kv.substr(0, eq)] = percentDecode(eq == std::string::npos ? "" : kv.substr(eq + 1));
    }
  }
  const nlohmann::json body =
      r.body.empty() ? nlohmann::json::object() : nlohmann::json::parse(r.body);
  auto seg = splitPath(path);
  if (seg.size() == 3 && seg[0] == "api" && seg[1] == "v4" && seg[2] == "user" &&
      r.method == "GET") {
    return json(200, {{"id", 7000}, {"username", tokenUser_}, {"bot", tokenUser_ == kBotUsername}});
  }
  if (seg.size() >= 3 && seg[0] == "api" && seg[1] == "v4" && seg[2] == "users" &&
      r.method == "GET") {
    const std::string name = query["username"];
    return json(200, nlohmann::json::array(
                         {{{"id", 9000 + static_cast<int>(name.size())}, {"username", name}}}));
  }
  if (seg.size() == 3 && seg[0] == "api" && seg[1] == "v4" && seg[2] == "projects" &&
      r.method == "GET") {
    // Only the token's own projects: listing every public project of a GitLab is never
    // what ddd should ask for.
    if (query["membership"] != "true")
      violations_.push_back(r.method + " " + target + ": a project list without membership=true");
    const int minLevel = query["min_access_level"].empty() ? 0 : std::stoi(query["min_access_level"]);
    std::vector<nlohmann::json> listed;
    for (const auto& [id, p] : projects_) {
      if (p["access_level"].get<int>() < minLevel) continue;
      if (query["archived"] == "false" && p["archived"].get<bool>()) continue;
      nlohmann::json shown = p;
      shown.erase("access_level");
      if (query["simple"] == "true") shown.erase("archived");  // simple=true leaves it out
      listed.push_back(shown);
    }
    const int pageNo = query["page"].empty() ? 1 : std::stoi(query["page"]);
    const size_t size = static_cast<size_t>(
        std::min(projectsPageSize, query["per_page"].empty() ? 20 : std::stoi(query["per_page"])));
    nlohmann::json page = nlohmann::json::array();
    for (size_t i = (pageNo - 1) * size; i < listed.size() && i < pageNo * size; ++i)
      page.push_back(listed[i]);
    Resp res = json(200, page);
    res.headers.push_back({"X-Total", std::to_string(listed.size())});
    if (pageNo * size < listed.size()) {
      // GitLab's next link repeats the query with the next page number.
      std::string next = server_->url() + path + "?";
      for (const auto& [k, v] : query) {
        if (k != "page") next += k + "=" + v + "&";
      }
      next += "page=" + std::to_string(pageNo + 1);
      res.headers.push_back({"Link", "<" + next + ">; rel=\"next\""});
    }
    return res;
  }
  if (seg.size() == 4 && seg[0] == "api" && seg[1] == "v4" && seg[2] == "projects" &&
      r.method == "GET" && seg[3].find('/') == std::string::npos) {
    for (const auto& [id, p] : projects_) {
      if (seg[3] == std::to_string(id) || percentDecode(seg[3]) == p["path_with_namespace"]) {
        nlohmann::json shown = p;
        shown.erase("access_level");
        return json(200, shown);
      }
    }
    const bool own = (projectId_ > 0 && seg[3] == std::to_string(projectId_)) ||
                     percentDecode(seg[3]) == project_;
    if (!own) return json(404, {{"message", "404 Project Not Found"}});  // none of its projects
  }
  if (seg.size() < 4 || seg[0] != "api" || seg[1] != "v4" || seg[2] != "projects") {
    violations_.push_back(r.method + " " + target + ": not a project route");
    return json(404, {{"message", "404 Not Found"}});
  }
  const bool byId = projectId_ > 0 && seg[3] == std::to_string(projectId_);
  if (!byId && (percentDecode(seg[3]) != project_ || seg[3].find('/') != std::string::npos)) {
    violations_.push_back(r.method + " " + target +
                          ": the project must be its id or its path with %2F");
    return json(404, {{"message", "404 Project Not Found"}});
  }
  const std::vector<std::string> rest(seg.begin() + 4, seg.end());
  refreshHeads();
  if (rest.empty() && r.method == "GET") return json(200, ownProject());
  if (rest.size() == 3 && rest[0] == "members" && rest[1] == "all" && r.method == "GET") {
    auto it = members_.find(std::stoll(rest[2]));
    if (it == members_.end()) return json(404, {{"message", "404 Not found"}});
    return json(200, it->second);
  }
  if (rest.size() == 5 && (rest[0] == "merge_requests" || rest[0] == "issues") &&
      rest[2] == "notes" && rest[4] == "award_emoji" && r.method == "POST") {
    const int iid = std::stoi(rest[1]);
    const int64_t note = std::stoll(rest[3]);
    bool found = false;
    for (const auto& n : (rest[0] == "issues" ? issueNotes_ : notes_)[iid])
      found |= n["id"] == note;
    if (!found) return json(404, {{"message", "404 Note Not Found"}});
    if (!body.contains("name")) return json(400, {{"error", "name is missing"}});
    const nlohmann::json award = {{"on", rest[0]}, {"iid", iid}, {"note", note}, {"name", body["name"]}};
    if (std::find(awards_.begin(), awards_.end(), award) != awards_.end())
      return json(404, {{"message", "404 Award Emoji Name has already been taken Not Found"}});
    awards_.push_back(award);
    return json(201, {{"id", nextId_++},
                      {"name", body["name"]},
                      {"user", {{"username", kBotUsername}}},
                      {"awardable_id", note},
                      {"awardable_type", "Note"}});
  }
  if (rest.size() == 1 && rest[0] == "issues" && r.method == "GET") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [iid, issue] : issues_) {
      if (query["state"] == "opened" && issue["state"] != "opened") continue;
      if (!query["labels"].empty()) {
        const auto& ls = issue["labels"];
        if (std::find(ls.begin(), ls.end(), query["labels"]) == ls.end()) continue;
      }
      out.push_back(issue);
    }
    return json(200, out);
  }
  if (rest.size() == 1 && rest[0] == "issues" && r.method == "POST") {
    if (!body.contains("title")) return json(400, {{"message", "title is missing"}});
    const int iid = issues_.empty() ? 1 : issues_.rbegin()->first + 1;
    issues_[iid] = {{"id", nextId_++},
                    {"iid", iid},
                    {"title", body["title"]},
                    {"description", body.value("description", "")},
                    {"state", "opened"},
                    {"labels", labelsOf(body.value("labels", ""))},
                    {"web_url", "http://gitlab.test/" + project_ + "/-/issues/" + std::to_string(iid)}};
    return json(201, issues_[iid]);
  }
  if (rest.size() == 2 && rest[0] == "issues") {
    auto it = issues_.find(std::stoi(rest[1]));
    if (it == issues_.end()) return json(404, {{"message", "404 Issue Not Found"}});
    if (r.method == "GET") return json(200, it->second);
    if (r.method == "PUT") {
      if (body.contains("title")) it->second["title"] = body["title"];
      if (body.contains("description")) it->second["description"] = body["description"];
      if (body.value("state_event", "") == "close") it->second["state"] = "closed";
      return json(200, it->second);
    }
  }
  if (rest.size() == 3 && rest[0] == "issues" && rest[2] == "notes") {
    const int iid = std::stoi(rest[1]);
    if (!issues_.count(iid)) return json(404, {{"message", "404 Issue Not Found"}});
    if (r.method == "POST") {
      nlohmann::json note = {{"id", nextId_++},
                             {"body", body["body"]},
                             {"system", false},
                             {"author", {{"username", kBotUsername}}}};
      issueNotes_[iid].push_back(note);
      return json(201, note);
    }
    nlohmann::json out = nlohmann::json::array();
    out.push_back({{"id", 2},
                   {"body", "mentioned in merge request !1"},
                   {"system", true},
                   {"author", {{"username", "x"}}}});
    for (const auto& n : issueNotes_[iid]) out.push_back(n);
    return json(200, out);
  }
  auto mrOf = [&](const std::string& iid) -> nlohmann::json* {
    auto it = mrs_.find(std::stoi(iid));
    return it == mrs_.end() ? nullptr : &it->second;
  };
  if (rest.size() == 1 && rest[0] == "merge_requests" && r.method == "GET") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [iid, mr] : mrs_) {
      if (query["state"] == "opened" && mr["state"] != "opened") continue;
      if (!query["source_branch"].empty() && mr["source_branch"] != query["source_branch"])
        continue;
      out.push_back(mr);
    }
    return json(200, out);
  }
  if (rest.size() == 1 && rest[0] == "merge_requests" && r.method == "POST") {
    if (!body.contains("source_branch") || !body.contains("target_branch") ||
        !body.contains("title")) {
      return json(400, {{"message", "source_branch, target_branch and title are required"}});
    }
    nlohmann::json mr = exampleMergeRequest();
    const int iid = nextIid_++;
    mr["iid"] = iid;
    mr["id"] = nextId_++;
    mr["state"] = "opened";
    mr["merged_at"] = nullptr;
    mr["title"] = body["title"];
    mr["description"] = body.value("description", "");
    mr["source_branch"] = body["source_branch"];
    mr["target_branch"] = body["target_branch"];
    mr["labels"] = labelsOf(body.value("labels", ""));
    mr["reviewers"] = nlohmann::json::array();
    for (const auto& id : body.value("reviewer_ids", nlohmann::json::array()))
      mr["reviewers"].push_back({{"id", id}, {"username", "u" + id.dump()}});
    mr["head_pipeline"] = nullptr;
    mr["sha"] = "";
    mrs_[iid] = mr;
    refreshHeads();
    return json(201, mrs_[iid]);
  }
  if (rest.size() == 2 && rest[0] == "merge_requests") {
    nlohmann::json* mr = mrOf(rest[1]);
    if (!mr) return json(404, {{"message", "404 Not found"}});
    if (r.method == "GET") return json(200, *mr);
    if (r.method == "PUT") {
      if (body.contains("title")) (*mr)["title"] = body["title"];
      if (body.contains("description")) (*mr)["description"] = body["description"];
      if (body.contains("labels")) (*mr)["labels"] = labelsOf(body["labels"]);
      if (body.contains("add_labels")) {
        for (const auto& l : labelsOf(body["add_labels"])) (*mr)["labels"].push_back(l);
      }
      if (body.contains("reviewer_ids")) {
        (*mr)["reviewers"] = nlohmann::json::array();
        for (const auto& id : body["reviewer_ids"])
          (*mr)["reviewers"].push_back({{"id", id}, {"username", "u" + id.dump()}});
      }
      if (body.value("state_event", "") == "close") (*mr)["state"] = "closed";
      return json(200, *mr);
    }
  }
  if (rest.size() == 3 && rest[0] == "merge_requests" && rest[2] == "notes") {
    const int iid = std::stoi(rest[1]);
    if (!mrOf(rest[1])) return json(404, {{"message", "404 Not found"}});
    if (r.method == "POST") {
      nlohmann::json note = {{"id", nextId_++},
                             {"body", body["body"]},
                             {"system", false},
                             {"author", {{"username", kBotUsername}}}};
      notes_[iid].push_back(note);
      return json(201, note);
    }
    nlohmann::json out = nlohmann::json::array();
    out.push_back({{"id", 1},
                   {"body", "changed the description"},
                   {"system", true},
                   {"author", {{"username", "x"}}}});
    for (const auto& n : notes_[iid]) out.push_back(n);
    return json(200, out);
  }
  if (rest.size() == 3 && rest[0] == "merge_requests" && rest[2] == "approvals") {
    const bool ok = approved_.count(std::stoi(rest[1])) > 0;
    return json(200,
                {{"approved", ok},
                 {"approved_by", ok ? nlohmann::json::array({{{"user", {{"username", "lead"}}}}})
                                    : nlohmann::json::array()}});
  }
  if (rest.size() == 3 && rest[0] == "merge_requests" && rest[2] == "merge" && r.method == "PUT") {
    nlohmann::json* mr = mrOf(rest[1]);
    if (!mr) return json(404, {{"message", "404 Not found"}});
    if (body.contains("auto_merge") && !supportsAutoMergeFlag)
      return json(400, {{"message", "auto_merge is invalid"}});
    if ((*mr)["state"] != "opened") return json(405, {{"message", "405 Method Not Allowed"}});
    if (body.contains("sha") && body["sha"] != (*mr)["sha"])
      return json(409, {{"message", "SHA does not match HEAD of source branch"}});
    if (body.value("auto_merge", false) || body.value("merge_when_pipeline_succeeds", false)) {
      (*mr)["merge_when_pipeline_succeeds"] = true;
      return json(200, *mr);
    }
    (*mr)["state"] = "merged";
    (*mr)["merge_commit_sha"] = "feedbeef";
    merges_.push_back(body);
    return json(200, *mr);
  }
  if (rest.size() == 2 && rest[0] == "statuses" && r.method == "POST") {
    statuses_[rest[1]][body.value("name", "default")] = body["state"];
    return json(
        201,
        {{"id", nextId_++}, {"status", body["state"]}, {"name", body.value("name", "default")}});
  }
  if (rest.size() == 4 && rest[0] == "repository" && rest[1] == "commits" &&
      rest[3] == "statuses") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [name, status] : statuses_[rest[2]])
      out.push_back({{"name", name}, {"status", status}});
    return json(200, out);
  }
  violations_.push_back(r.method + " " + target + ": no such route in the fake GitLab");
  return json(404, {{"message", "404 Not Found"}});
}

}  // namespace ddd::testing
