#include "forges/gitlab/gitlab_forge.h"

#include <algorithm>
#include <ctime>

#include "forges/http/mutation_pacer.h"

namespace ddd::forges {
namespace {

std::string str(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

std::string encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string commaJoined(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out;
}

int64_t parseIsoTime(const std::string& s) {
  std::tm tm{};
  if (s.size() < 19 || !strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace

PullRequest pullRequestFromGitlab(const nlohmann::json& j) {
  PullRequest pr;
  pr.id = j.contains("id") ? j["id"].dump() : "";
  pr.number = j.value("iid", 0);
  pr.url = str(j, "web_url");
  pr.branch = str(j, "source_branch");
  pr.base = str(j, "target_branch");
  pr.title = str(j, "title");
  pr.body = str(j, "description");
  const std::string state = str(j, "state");
  pr.state = state == "opened" ? "open" : state == "merged" ? "merged" : "closed";
  pr.headCommit = str(j, "sha");
  if (j.contains("labels") && j["labels"].is_array()) {
    for (const auto& l : j["labels"]) {
      if (l.is_string()) pr.labels.push_back(l.get<std::string>());
      if (l.is_object()) pr.labels.push_back(str(l, "name"));
    }
  }
  if (j.contains("reviewers") && j["reviewers"].is_array()) {
    for (const auto& r : j["reviewers"]) pr.reviewers.push_back(str(r, "username"));
  }
  pr.draft = j.value("draft", false) || j.value("work_in_progress", false);
  pr.createdAt = parseIsoTime(str(j, "created_at"));
  return pr;
}

GitlabForge::GitlabForge(HttpClient& http, GitlabForgeOptions options)
    : http_(http), o_(std::move(options)) {
  while (!o_.apiUrl.empty() && o_.apiUrl.back() == '/') o_.apiUrl.pop_back();
}

std::string GitlabForge::projectSegment() const { return encode(o_.project); }

ClientResponse GitlabForge::send(const std::string& method, const std::string& url,
                                 const std::string& body) {
  if (isMutatingMethod(method)) {
    paceMutation({o_.apiUrl + "|" + o_.project, o_.mutationSpacing, o_.now, o_.sleep});
  }
  ClientRequest r;
  r.method = method;
  r.url = url;
  r.body = body;
  r.headers.set("PRIVATE-TOKEN", o_.token);
  if (!body.empty()) r.headers.set("Content-Type", "application/json");
  if (!o_.eventUuid.empty()) r.headers.set("X-Gitlab-Event-UUID", o_.eventUuid);
  return http_.send(r);
}

nlohmann::json GitlabForge::call(const std::string& method, const std::string& path,
                                 const nlohmann::json& body) {
  const bool global = path == "/user" || path.rfind("/users", 0) == 0;
  const std::string url = path.rfind("http", 0) == 0 ? path
                          : global ? o_.apiUrl + path
                              : o_.apiUrl + "/projects/" + projectSegment() + path;
  const ClientResponse res = send(method, url, body.is_null() ? std::string() : body.dump());
  if (res.status < 200 || res.status >= 300) {
    std::string message;
    auto j = nlohmann::json::parse(res.body, nullptr, false);
    if (j.is_object()) message = j.contains("message") ? j["message"].dump() : str(j, "error");
    std::string hint;
    if (res.status == 401) hint = "; check the access token (DDD_GITLAB_TOKEN_FILE)";
    if (res.status == 403)
      hint = "; the token's role is too low (Developer at least, scopes api and write_repository)";
    if (res.status == 404)
      hint = "; the project or merge request does not exist or is not visible to the token";
    throw ForgeError("GitLab " + method + " " + redactForLog(url) + " answered " +
                     std::to_string(res.status) + (message.empty() ? "" : " (" + message + ")") +
                     hint);
  }
  if (res.body.empty()) return nullptr;
  auto j = nlohmann::json::parse(res.body, nullptr, false);
  if (j.is_discarded())
    throw ForgeError("GitLab " + method + " " + redactForLog(url) + " did not answer JSON");
  return j;
}

nlohmann::json GitlabForge::getAll(const std::string& path) {
  nlohmann::json all = nlohmann::json::array();
  std::string url = o_.apiUrl + "/projects/" + projectSegment() + path;
  for (int page = 0; page < 100 && !url.empty(); ++page) {
    const ClientResponse res = send("GET", url, "");
    if (res.status != 200) call("GET", url);
    auto j = nlohmann::json::parse(res.body, nullptr, false);
    if (!j.is_array())
      throw ForgeError("GitLab GET " + redactForLog(url) + " did not answer a JSON array");
    for (auto& item : j) all.push_back(std::move(item));
    url = res.nextPageUrl();
  }
  return all;
}

std::optional<PullRequest> GitlabForge::findOpenByBranch(const std::string& branch) {
  for (const auto& j :
       getAll("/merge_requests?state=opened&per_page=100&source_branch=" + encode(branch))) {
    PullRequest pr = pullRequestFromGitlab(j);
    if (pr.branch == branch && pr.state == "open") return pr;
  }
  return std::nullopt;
}

std::vector<int64_t> GitlabForge::userIds(const std::vector<std::string>& usernames) {
  std::vector<int64_t> ids;
  for (const auto& name : usernames) {
    if (name.find('/') != std::string::npos) continue;  // groups can't be reviewers on GitLab
    const auto users =
        call("GET", "/users?username=" + encode(name[0] == '@' ? name.substr(1) : name));
    if (users.is_array() && !users.empty() && users[0].contains("id"))
      ids.push_back(users[0]["id"].get<int64_t>());
  }
  return ids;
}

PullRequest GitlabForge::create(const PullRequestSpec& spec, const std::string&) {
  nlohmann::json body = {{"source_branch", spec.branch},
                         {"target_branch", spec.base},
                         {"title", spec.draft ? "Draft: " + spec.title : spec.title},
                         {"description", spec.body},
                         {"labels", commaJoined(spec.labels)},
                         {"remove_source_branch", true}};
  if (!spec.reviewers.empty()) body["reviewer_ids"] = userIds(spec.reviewers);
  return pullRequestFromGitlab(call("POST", "/merge_requests", body));
}

PullRequest GitlabForge::update(int number, const PullRequestSpec& spec, const std::string&) {
  nlohmann::json body = {{"title", spec.draft ? "Draft: " + spec.title : spec.title},
                         {"description", spec.body},
                         {"labels", commaJoined(spec.labels)},
                         {"target_branch", spec.base}};
  if (!spec.reviewers.empty()) body["reviewer_ids"] = userIds(spec.reviewers);
  return pullRequestFromGitlab(call("PUT", "/merge_requests/" + std::to_string(number), body));
}

std::vector<PullRequest> GitlabForge::list() {
  std::vector<PullRequest> out;
  for (const auto& j : getAll("/merge_requests?state=all&per_page=100"))
    out.push_back(pullRequestFromGitlab(j));
  std::sort(out.begin(), out.end(),
            [](const PullRequest& a, const PullRequest& b) { return a.number < b.number; });
  return out;
}

void GitlabForge::comment(int number, const std::string& body) {
  call("POST", "/merge_requests/" + std::to_string(number) + "/notes", {{"body", body}});
}

std::vector<Comment> GitlabForge::comments(int number) { return notesOf("merge_requests", number); }

std::vector<Comment> GitlabForge::issueComments(int iid) { return notesOf("issues", iid); }

void GitlabForge::commentOnIssue(int iid, const std::string& body) {
  call("POST", "/issues/" + std::to_string(iid) + "/notes", {{"body", body}});
}

std::vector<Comment> GitlabForge::notesOf(const std::string& noteable, int iid) {
  std::vector<Comment> out;
  for (const auto& j :
       getAll("/" + noteable + "/" + std::to_string(iid) + "/notes?sort=asc&per_page=100")) {
    if (j.value("system", false)) continue;  // GitLab's own notes
    Comment c;
    c.id = j.contains("id") ? j["id"].dump() : "";
    c.author = j.contains("author") && j["author"].is_object() ? str(j["author"], "username") : "";
    c.body = str(j, "body");
    out.push_back(std::move(c));
  }
  return out;
}

void GitlabForge::close(int number, const std::string& text) {
  if (!text.empty()) comment(number, text);
  call("PUT", "/merge_requests/" + std::to_string(number), {{"state_event", "close"}});
}

CheckSummary GitlabForge::checks(const std::string& sha) {
  CheckSummary out;
  for (const auto& s : getAll("/repository/commits/" + sha + "/statuses?per_page=100")) {
    const std::string name = str(s, "name"), status = str(s, "status");
    ++out.total;
    if (status == "success" || status == "skipped") {
      out.passed.push_back(name);
    } else if (status == "pending" || status == "running" || status == "created" ||
               status == "manual" || status == "preparing" || status == "waiting_for_resource" ||
               status == "scheduled") {
      ++out.pending;
    } else {
      ++out.failed;
      out.failedNames.push_back(name);
    }
  }
  return out;
}

void GitlabForge::setStatus(const std::string& sha, const std::string& context,
                            const std::string& state, const std::string& description) {
  const std::string s = state == "failure" || state == "error" ? "failed" : state;
  call("POST", "/statuses/" + sha,
       {{"state", s}, {"name", context}, {"description", description.substr(0, 255)}});
}

bool GitlabForge::approved(int number) {
  const auto a = call("GET", "/merge_requests/" + std::to_string(number) + "/approvals");
  if (a.contains("approved") && a["approved"].is_boolean()) return a["approved"].get<bool>();
  return a.contains("approved_by") && a["approved_by"].is_array() && !a["approved_by"].empty();
}

MergeResult GitlabForge::merge(int number, const std::string& sha, const std::string& method) {
  nlohmann::json body = {{"sha", sha}};
  if (method == "squash") body["squash"] = true;
  const std::string url = o_.apiUrl + "/projects/" + projectSegment() + "/merge_requests/" +
                          std::to_string(number) + "/merge";
  const ClientResponse res = send("PUT", url, body.dump());
  auto j = nlohmann::json::parse(res.body, nullptr, false);
  if (res.status == 200) return {true, j.is_object() ? str(j, "merge_commit_sha") : ""};
  if (res.status == 405 || res.status == 406 || res.status == 409 || res.status == 422) {
    return {false, "GitLab refused the merge (" + std::to_string(res.status) +
                       (j.is_object() && j.contains("message") ? ": " + j["message"].dump() : "") +
                       ")"};
  }
  call("PUT", url, body);
  return {false, ""};
}

bool GitlabForge::enableAutoMerge(const PullRequest& pr, const std::string& sha,
                                  const std::string& method) {
  // GitLab can only merge "when the pipeline succeeds" once the MR has a pipeline.
  const auto mr = call("GET", "/merge_requests/" + std::to_string(pr.number));
  if (!mr.contains("head_pipeline") || mr["head_pipeline"].is_null()) return false;
  const std::string url = o_.apiUrl + "/projects/" + projectSegment() + "/merge_requests/" +
                          std::to_string(pr.number) + "/merge";
  nlohmann::json body = {{"sha", sha}, {"auto_merge", true}};
  if (method == "squash") body["squash"] = true;
  ClientResponse res = send("PUT", url, body.dump());
  if (res.status == 400 || res.status == 422) {
    // Servers before auto_merge know merge_when_pipeline_succeeds.
    body.erase("auto_merge");
    body["merge_when_pipeline_succeeds"] = true;
    res = send("PUT", url, body.dump());
  }
  return res.status == 200;
}

void GitlabForge::addLabels(int number, const std::vector<std::string>& labels) {
  if (!labels.empty())
    call("PUT", "/merge_requests/" + std::to_string(number), {{"add_labels", commaJoined(labels)}});
}

void GitlabForge::requestReviewers(int number, const std::vector<std::string>& reviewers) {
  const auto ids = userIds(reviewers);
  if (!ids.empty())
    call("PUT", "/merge_requests/" + std::to_string(number), {{"reviewer_ids", ids}});
}

int GitlabForge::memberAccessLevel(int64_t userId) {
  const std::string url = o_.apiUrl + "/projects/" + projectSegment() + "/members/all/" +
                          std::to_string(userId);
  const ClientResponse res = send("GET", url, "");
  if (res.status == 404) return 0;  // not a member (or no such user)
  if (res.status != 200) call("GET", url);  // throws, naming the status
  const auto member = nlohmann::json::parse(res.body, nullptr, false);
  return member.is_object() && member.contains("access_level") &&
                 member["access_level"].is_number_integer()
             ? member["access_level"].get<int>()
             : 0;
}

void GitlabForge::awardNoteEmoji(bool onMergeRequest, int iid, int64_t noteId,
                                 const std::string& name) {
  const std::string url = o_.apiUrl + "/projects/" + projectSegment() +
                          (onMergeRequest ? "/merge_requests/" : "/issues/") +
                          std::to_string(iid) + "/notes/" + std::to_string(noteId) + "/award_emoji";
  const nlohmann::json body = {{"name", name}};
  const ClientResponse res = send("POST", url, body.dump());
  if (res.status >= 200 && res.status < 300) return;
  // GitLab answers a repeated award with 404 "Award Emoji Name has already been taken".
  if (res.status == 404 && res.body.find("already been taken") != std::string::npos) return;
  call("POST", url, body);
}

GitlabProject GitlabForge::project() {
  const auto j = call("GET", "");
  auto p = gitlabProjectFromJson(j);
  if (!p) {
    throw ForgeError("GitLab's project " + o_.project +
                     " has no id, path_with_namespace or http_url_to_repo in its answer");
  }
  return *p;
}

std::optional<GitlabProject> GitlabForge::projectIfVisible() {
  const ClientResponse res =
      send("GET", o_.apiUrl + "/projects/" + projectSegment(), std::string());
  if (res.status == 404 || res.status == 403) return std::nullopt;
  if (res.status >= 200 && res.status < 300) {
    if (auto p = gitlabProjectFromJson(nlohmann::json::parse(res.body, nullptr, false))) return p;
  }
  return project();  // asked again only to throw, naming the status or what is missing
}

std::string GitlabForge::currentUsername() {
  if (username_.empty()) username_ = str(call("GET", "/user"), "username");
  return username_;
}

std::vector<Issue> GitlabForge::issuesWithLabel(const std::string& label) {
  std::vector<Issue> out;
  for (const auto& j : getAll("/issues?state=opened&per_page=100&labels=" + encode(label))) {
    out.push_back(
        {j.value("iid", 0), str(j, "title"), str(j, "description"), str(j, "web_url"), "open"});
  }
  return out;
}

Issue GitlabForge::createIssue(const std::string& title, const std::string& body,
                               const std::vector<std::string>& labels) {
  const auto j = call("POST", "/issues",
                      {{"title", title}, {"description", body}, {"labels", commaJoined(labels)}});
  return {j.value("iid", 0), str(j, "title"), str(j, "description"), str(j, "web_url"), "open"};
}

void GitlabForge::editIssue(int number, const std::string& title, const std::string& body) {
  call("PUT", "/issues/" + std::to_string(number), {{"title", title}, {"description", body}});
}

void GitlabForge::closeIssue(int number, const std::string& comment) {
  if (!comment.empty()) commentOnIssue(number, comment);
  call("PUT", "/issues/" + std::to_string(number), {{"state_event", "close"}});
}

bool GitlabForge::behindRequiredBase(int number) {
  const auto mr = call("GET", "/merge_requests/" + std::to_string(number));
  return mr.value("detailed_merge_status", "") == "need_rebase";
}

}  // namespace ddd::forges
