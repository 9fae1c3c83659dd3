#include "forges/github/github_forge.h"

#include <thread>

#include "forges/http/mutation_pacer.h"

namespace ddd::forges {
namespace {


std::string encodePathSegment(const std::string& s) {
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

int64_t parseIsoTime(const std::string& s) {
  std::tm tm{};
  if (s.size() < 19 || !strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

std::string str(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

}  // namespace

PullRequest pullRequestFromGithub(const nlohmann::json& j) {
  PullRequest pr;
  pr.id = str(j, "node_id");
  pr.number = j.value("number", 0);
  pr.url = str(j, "html_url");
  if (j.contains("head") && j["head"].is_object()) {
    pr.branch = str(j["head"], "ref");
    pr.headCommit = str(j["head"], "sha");
  }
  if (j.contains("base") && j["base"].is_object()) pr.base = str(j["base"], "ref");
  pr.title = str(j, "title");
  pr.body = str(j, "body");
  pr.state = str(j, "state");
  if (j.contains("merged_at") && j["merged_at"].is_string()) pr.state = "merged";
  if (j.contains("labels") && j["labels"].is_array()) {
    for (const auto& l : j["labels"]) {
      if (l.is_object()) pr.labels.push_back(str(l, "name"));
    }
  }
  if (j.contains("requested_reviewers") && j["requested_reviewers"].is_array()) {
    for (const auto& r : j["requested_reviewers"]) {
      if (r.is_object()) pr.reviewers.push_back(str(r, "login"));
    }
  }
  pr.draft = j.value("draft", false);
  pr.createdAt = parseIsoTime(str(j, "created_at"));
  return pr;
}

GithubForge::GithubForge(HttpClient& http, GithubForgeOptions options)
    : http_(http), o_(std::move(options)) {
  while (!o_.apiUrl.empty() && o_.apiUrl.back() == '/') o_.apiUrl.pop_back();
  if (!o_.now) o_.now = [] { return std::chrono::steady_clock::now(); };
  if (!o_.sleep) o_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  if (o_.installationKey.empty()) o_.installationKey = o_.apiUrl + "/" + o_.owner;
}

ClientResponse GithubForge::send(const std::string& method, const std::string& url,
                                 const std::string& body) {
  if (isMutatingMethod(method)) {
    paceMutation({o_.installationKey, o_.mutationSpacing, o_.now, o_.sleep});
  }
  auto build = [&](const std::string& token) {
    ClientRequest r;
    r.method = method;
    r.url = url;
    r.body = body;
    r.headers.set("Accept", "application/vnd.github+json");
    r.headers.set("X-GitHub-Api-Version", "2022-11-28");
    if (!token.empty()) r.headers.set("Authorization", "Bearer " + token);
    if (!body.empty()) r.headers.set("Content-Type", "application/json");
    return r;
  };
  std::string token = o_.token ? o_.token() : std::string();
  ClientResponse res = http_.send(build(token));
  if (res.status == 401 && o_.refresh) {
    const std::string fresh = o_.refresh(token);
    if (!fresh.empty() && fresh != token) res = http_.send(build(fresh));
  }
  return res;
}

nlohmann::json GithubForge::call(const std::string& method, const std::string& path,
                                 const nlohmann::json& body) {
  const std::string url =
      path.rfind("http", 0) == 0 ? path
      : path.rfind("/repos/", 0) == 0 || path.rfind("/app", 0) == 0 || path.rfind("/user", 0) == 0
          ? o_.apiUrl + path
          : o_.apiUrl + "/repos/" + o_.owner + "/" + o_.repo + path;
  const ClientResponse res = send(method, url, body.is_null() ? std::string() : body.dump());
  if (res.status < 200 || res.status >= 300) {
    std::string message;
    auto j = nlohmann::json::parse(res.body, nullptr, false);
    if (j.is_object() && j.contains("message") && j["message"].is_string())
      message = j["message"].get<std::string>();
    std::string hint;
    if (res.status == 401) hint = "; check the App's key and installation, or the token";
    if (res.status == 403)
      hint = "; the App lacks a permission for this call (see deploy/github-app.yml)";
    if (res.status == 404)
      hint = "; the repository, pull request or installation does not exist or is not visible";
    if (res.status == 422) hint = "; GitHub rejected the request's content";
    throw ForgeError("GitHub " + method + " " + redactForLog(url) + " answered " +
                     std::to_string(res.status) +
                     (message.empty() ? "" : " (\"" + message + "\")") + hint);
  }
  if (res.body.empty()) return nullptr;
  auto j = nlohmann::json::parse(res.body, nullptr, false);
  if (j.is_discarded()) {
    throw ForgeError("GitHub " + method + " " + redactForLog(url) + " answered " +
                     std::to_string(res.status) + " with a body that is not JSON");
  }
  return j;
}

nlohmann::json GithubForge::getAll(const std::string& path) {
  nlohmann::json all = nlohmann::json::array();
  std::string url = o_.apiUrl + "/repos/" + o_.owner + "/" + o_.repo + path;
  for (int page = 0; page < 100 && !url.empty(); ++page) {
    const ClientResponse res = send("GET", url, "");
    if (res.status != 200) {
      call("GET", url);  // reports the error the same way
    }
    auto j = nlohmann::json::parse(res.body, nullptr, false);
    if (!j.is_array())
      throw ForgeError("GitHub GET " + redactForLog(url) + " did not answer a JSON array");
    for (auto& item : j) all.push_back(std::move(item));
    url = res.nextPageUrl();
  }
  return all;
}

std::optional<PullRequest> GithubForge::findOpenByBranch(const std::string& branch) {
  const auto list =
      getAll("/pulls?state=open&per_page=100&head=" + encodePathSegment(o_.owner + ":" + branch));
  for (const auto& j : list) {
    PullRequest pr = pullRequestFromGithub(j);
    if (pr.branch == branch && pr.state == "open") return pr;
  }
  return std::nullopt;
}

void GithubForge::setLabelsAndReviewers(int number, const PullRequestSpec& spec,
                                        bool replaceLabels) {
  const std::string issue = "/issues/" + std::to_string(number);
  if (replaceLabels && spec.labels.empty()) {
    call("DELETE", issue + "/labels");
  } else if (replaceLabels) {
    call("PUT", issue + "/labels", {{"labels", spec.labels}});
  } else if (!spec.labels.empty()) {
    // GitHub creates labels that don't exist yet when they are added to an issue.
    call("POST", issue + "/labels", {{"labels", spec.labels}});
  }
  if (!spec.reviewers.empty()) {
    std::vector<std::string> users, teams;
    for (const auto& r : spec.reviewers) {
      const size_t slash = r.find('/');
      if (slash == std::string::npos) {
        users.push_back(r[0] == '@' ? r.substr(1) : r);
      } else {
        teams.push_back(r.substr(slash + 1));
      }
    }
    call("POST", "/pulls/" + std::to_string(number) + "/requested_reviewers",
         {{"reviewers", users}, {"team_reviewers", teams}});
  }
}

PullRequest GithubForge::create(const PullRequestSpec& spec, const std::string&) {
  nlohmann::json body = {{"title", spec.title},
                         {"head", spec.branch},
                         {"base", spec.base},
                         {"body", spec.body},
                         {"draft", spec.draft}};
  PullRequest pr = pullRequestFromGithub(call("POST", "/pulls", body));
  setLabelsAndReviewers(pr.number, spec, false);
  pr.labels = spec.labels;
  pr.reviewers = spec.reviewers;
  return pr;
}

PullRequest GithubForge::update(int number, const PullRequestSpec& spec, const std::string&) {
  PullRequest pr = pullRequestFromGithub(
      call("PATCH", "/pulls/" + std::to_string(number),
           {{"title", spec.title}, {"body", spec.body}, {"base", spec.base}}));
  setLabelsAndReviewers(number, spec, true);
  pr.labels = spec.labels;
  pr.reviewers = spec.reviewers;
  return pr;
}

std::vector<PullRequest> GithubForge::list() {
  std::vector<PullRequest> out;
  for (const auto& j : getAll("/pulls?state=all&per_page=100"))
    out.push_back(pullRequestFromGithub(j));
  std::sort(out.begin(), out.end(),
            [](const PullRequest& a, const PullRequest& b) { return a.number < b.number; });
  return out;
}

void GithubForge::comment(int number, const std::string& body) {
  call("POST", "/issues/" + std::to_string(number) + "/comments", {{"body", body}});
}

std::vector<Comment> GithubForge::comments(int number) {
  std::vector<Comment> out;
  for (const auto& j : getAll("/issues/" + std::to_string(number) + "/comments?per_page=100")) {
    Comment c;
    c.id = j.contains("id") ? j["id"].dump() : "";
    c.author = j.contains("user") && j["user"].is_object() ? str(j["user"], "login") : "";
    c.body = str(j, "body");
    out.push_back(std::move(c));
  }
  return out;
}

void GithubForge::close(int number, const std::string& text) {
  if (!text.empty()) comment(number, text);
  call("PATCH", "/pulls/" + std::to_string(number), {{"state", "closed"}});
}

CheckSummary GithubForge::checks(const std::string& sha) {
  CheckSummary out;
  const auto combined = call("GET", "/commits/" + sha + "/status?per_page=100");
  if (combined.contains("statuses") && combined["statuses"].is_array()) {
    for (const auto& st : combined["statuses"]) {
      const std::string context = str(st, "context"), state = str(st, "state");
      ++out.total;
      if (state == "success") {
        out.passed.push_back(context);
      } else if (state == "pending") {
        ++out.pending;
      } else {
        ++out.failed;
        out.failedNames.push_back(context);
      }
    }
  }
  const auto runs = call("GET", "/commits/" + sha + "/check-runs?per_page=100");
  if (runs.contains("check_runs") && runs["check_runs"].is_array()) {
    for (const auto& run : runs["check_runs"]) {
      const std::string name = str(run, "name"), status = str(run, "status"),
                        conclusion = str(run, "conclusion");
      ++out.total;
      if (status != "completed") {
        ++out.pending;
      } else if (conclusion == "success" || conclusion == "neutral" || conclusion == "skipped") {
        out.passed.push_back(name);
      } else {
        ++out.failed;
        out.failedNames.push_back(name);
      }
    }
  }
  return out;
}

void GithubForge::setStatus(const std::string& sha, const std::string& context,
                            const std::string& state, const std::string& description) {
  call("POST", "/statuses/" + sha,
       {{"state", state}, {"context", context}, {"description", description.substr(0, 140)}});
}

bool GithubForge::approved(int number) {
  std::map<std::string, std::string> latest;  // reviewer -> last deciding state
  for (const auto& r : getAll("/pulls/" + std::to_string(number) + "/reviews?per_page=100")) {
    const std::string state = str(r, "state");
    if (state != "APPROVED" && state != "CHANGES_REQUESTED" && state != "DISMISSED") continue;
    latest[r.contains("user") && r["user"].is_object() ? str(r["user"], "login") : ""] = state;
  }
  bool any = false;
  for (const auto& [who, state] : latest) {
    if (state == "CHANGES_REQUESTED") return false;
    any = any || state == "APPROVED";
  }
  return any;
}

MergeResult GithubForge::merge(int number, const std::string& sha, const std::string& method) {
  nlohmann::json body = {{"sha", sha}};
  if (!method.empty()) body["merge_method"] = method;
  const std::string url = o_.apiUrl + "/repos/" + o_.owner + "/" + o_.repo + "/pulls/" +
                          std::to_string(number) + "/merge";
  const ClientResponse res = send("PUT", url, body.dump());
  auto j = nlohmann::json::parse(res.body, nullptr, false);
  const std::string message = j.is_object() ? str(j, "message") : "";
  if (res.status == 200 && j.is_object() && j.value("merged", false)) return {true, str(j, "sha")};
  if (res.status == 405 || res.status == 409 || res.status == 422) {
    return {false, "GitHub refused the merge (" + std::to_string(res.status) +
                       (message.empty() ? "" : ": " + message) + ")"};
  }
  call("PUT", url, body);  // reports any other answer as an error
  return {false, message};
}

bool GithubForge::enableAutoMerge(const PullRequest& pr, const std::string& sha,
                                  const std::string& method) {
  std::string graphql = o_.apiUrl;
  if (graphql.size() > 7 && graphql.compare(graphql.size() - 7, 7, "/api/v3") == 0) {
    graphql = graphql.substr(0, graphql.size() - 7) + "/api/graphql";  // GitHub Enterprise Server
  } else {
    graphql += "/graphql";
  }
  std::string m = method.empty() ? "MERGE" : method;
  for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const nlohmann::json body = {
      {"query",
       "mutation($id: ID!, $oid: GitObjectID!, $method: PullRequestMergeMethod!) { "
       "enablePullRequestAutoMerge(input: {pullRequestId: $id, expectedHeadOid: $oid, mergeMethod: "
       "$method}) "
       "{ pullRequest { number autoMergeRequest { enabledAt } } } }"},
      {"variables", {{"id", pr.id}, {"oid", sha}, {"method", m}}}};
  const ClientResponse res = send("POST", graphql, body.dump());
  auto j = nlohmann::json::parse(res.body, nullptr, false);
  if (res.status != 200 || !j.is_object()) return false;
  if (j.contains("errors") && j["errors"].is_array() && !j["errors"].empty()) return false;
  return j.contains("data") && j["data"].is_object() &&
         j["data"].contains("enablePullRequestAutoMerge") &&
         !j["data"]["enablePullRequestAutoMerge"].is_null();
}

void GithubForge::addLabels(int number, const std::vector<std::string>& labels) {
  if (!labels.empty())
    call("POST", "/issues/" + std::to_string(number) + "/labels", {{"labels", labels}});
}

void GithubForge::requestReviewers(int number, const std::vector<std::string>& reviewers) {
  PullRequestSpec s;
  s.reviewers = reviewers;
  if (!reviewers.empty()) setLabelsAndReviewers(number, s, false);
}

std::vector<Issue> GithubForge::issuesWithLabel(const std::string& label) {
  std::vector<Issue> out;
  for (const auto& j :
       getAll("/issues?state=open&per_page=100&labels=" + encodePathSegment(label))) {
    if (j.contains("pull_request")) continue;  // GitHub lists pull requests as issues too
    out.push_back({j.value("number", 0), str(j, "title"), str(j, "body"), str(j, "html_url"),
                   str(j, "state")});
  }
  return out;
}

Issue GithubForge::createIssue(const std::string& title, const std::string& body,
                               const std::vector<std::string>& labels) {
  const auto j = call("POST", "/issues", {{"title", title}, {"body", body}, {"labels", labels}});
  return {j.value("number", 0), str(j, "title"), str(j, "body"), str(j, "html_url"),
          str(j, "state")};
}

void GithubForge::editIssue(int number, const std::string& title, const std::string& body) {
  call("PATCH", "/issues/" + std::to_string(number), {{"title", title}, {"body", body}});
}

void GithubForge::closeIssue(int number, const std::string& comment) {
  if (!comment.empty()) this->comment(number, comment);
  call("PATCH", "/issues/" + std::to_string(number),
       {{"state", "closed"}, {"state_reason", "completed"}});
}

bool GithubForge::behindRequiredBase(int number) {
  // Only the single pull request carries mergeable_state ("behind": protection requires
  // an up-to-date branch and this one is not).
  return call("GET", "/pulls/" + std::to_string(number)).value("mergeable_state", "") == "behind";
}

}  // namespace ddd::forges
