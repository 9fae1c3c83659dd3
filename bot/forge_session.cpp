#include "bot/forge_session.h"

#include <stdexcept>

#include "bot/commands.h"
#include "forges/gitlab/gitlab_forge.h"

namespace ddd::bot {
namespace {

std::pair<std::string, std::string> ownerAndName(const std::string& fullName) {
  const size_t slash = fullName.find('/');
  if (slash == std::string::npos)
    throw std::runtime_error("not an owner/name repository: " + fullName);
  return {fullName.substr(0, slash), fullName.substr(slash + 1)};
}

class GithubSession : public ForgeSession {
 public:
  GithubSession(WorkerContext& ctx, const RepositoryRef& repo)
      : ForgeSession(repo), ctx_(ctx), gh_(openGithubForge(ctx, repo.repo, repo.installation)) {}

  forges::Forge& forge() override { return *gh_; }

  bool mayCommand(const forges::ForgeEvent& e) override {
    const auto perm = gh_->call(
        "GET", "/repos/" + repository().repo + "/collaborators/" + e.sender + "/permission");
    return githubMayCommand(perm.value("permission", "none"));
  }
  std::string whoMayCommand() const override { return "write access to this repository"; }

  void acknowledge(const forges::ForgeEvent& e) override {
    // GitHub answers a repeated reaction with the existing one.
    gh_->call("POST",
              "/repos/" + repository().repo + "/issues/comments/" + std::to_string(e.commentId) +
                  "/reactions",
              {{"content", "+1"}});
  }

  // Issues and pull requests share one comment thread API on GitHub.
  std::vector<forges::Comment> comments(const Thread& t) override {
    return gh_->comments(t.number);
  }
  void comment(const Thread& t, const std::string& body) override { gh_->comment(t.number, body); }

  bool isSelf(const std::string& login) override { return login == ctx_.botLogin; }

  git::RemoteAuth gitAuth() override {
    return {"x-access-token",
            ctx_.githubToken ? ctx_.githubToken(repository().installation) : std::string()};
  }

 private:
  WorkerContext& ctx_;
  std::unique_ptr<forges::GithubForge> gh_;
};

class GitlabSession : public ForgeSession {
 public:
  GitlabSession(WorkerContext& ctx, const RepositoryRef& repo) : ForgeSession(repo), ctx_(ctx) {
    if (ctx.config.gitlabToken.empty()) {
      throw std::runtime_error("no GitLab access token to handle " + repo.repo +
                               ": set DDD_GITLAB_TOKEN_FILE (or gitlabTokenFile in the server "
                               "config) to a project or group access token");
    }
    if (repo.projectId <= 0 && repo.repo.empty())
      throw std::runtime_error("the GitLab hook names no project (neither project.id nor a path)");
    forges::GitlabForgeOptions o;
    o.apiUrl = ctx.config.gitlabApiUrl;
    o.project = repo.projectId > 0 ? std::to_string(repo.projectId) : repo.repo;
    o.token = ctx.config.gitlabToken;
    o.eventUuid = repo.eventUuid;
    o.mutationSpacing = std::chrono::milliseconds(ctx.config.gitlabMutationSpacingMs);
    if (ctx.sleep) o.sleep = ctx.sleep;
    gl_ = std::make_unique<forges::GitlabForge>(*ctx.http, o);
    RepositoryRef& r = completedRepository();
    if (r.repo.empty() || r.cloneUrl.empty() || r.defaultBranch.empty()) {
      // The hook named the project by id only (or partly): GitLab says the rest, once.
      const forges::GitlabProject p = gl_->project();
      r.projectId = p.id;
      if (r.repo.empty()) r.repo = p.path;
      if (r.cloneUrl.empty()) r.cloneUrl = p.cloneUrl;
      if (r.defaultBranch.empty()) r.defaultBranch = p.defaultBranch.empty() ? "main" : p.defaultBranch;
    }
  }

  forges::Forge& forge() override { return *gl_; }

  bool mayCommand(const forges::ForgeEvent& e) override {
    return e.senderId > 0 && gitlabMayCommand(gl_->memberAccessLevel(e.senderId));
  }
  std::string whoMayCommand() const override {
    return "the Developer role or higher in this project";
  }

  void acknowledge(const forges::ForgeEvent& e) override {
    gl_->awardNoteEmoji(e.onPullRequest, e.number, e.commentId, "thumbsup");
  }

  std::vector<forges::Comment> comments(const Thread& t) override {
    return t.onPullRequest ? gl_->comments(t.number) : gl_->issueComments(t.number);
  }
  void comment(const Thread& t, const std::string& body) override {
    if (t.onPullRequest) {
      gl_->comment(t.number, body);
    } else {
      gl_->commentOnIssue(t.number, body);
    }
  }

  bool isSelf(const std::string& login) override {
    return !login.empty() && login == gl_->currentUsername();
  }

  // GitLab takes any user name with an access token; "oauth2" is its documented one.
  git::RemoteAuth gitAuth() override { return {"oauth2", ctx_.config.gitlabToken}; }

 private:
  WorkerContext& ctx_;
  std::unique_ptr<forges::GitlabForge> gl_;
};

}  // namespace

nlohmann::json RepositoryRef::toJson() const {
  nlohmann::json j = {{"repo", repo},
                      {"installation", installation},
                      {"cloneUrl", cloneUrl},
                      {"defaultBranch", defaultBranch}};
  if (forge == "gitlab") {
    j["projectId"] = projectId;
    if (!eventUuid.empty()) j["eventUuid"] = eventUuid;
  }
  return j;
}

RepositoryRef RepositoryRef::fromJson(const std::string& forge, const nlohmann::json& j) {
  RepositoryRef r;
  r.forge = forge;
  r.repo = j.at("repo").get<std::string>();
  r.installation = j.value("installation", int64_t{0});
  r.projectId = j.value("projectId", int64_t{0});
  r.cloneUrl = j.value("cloneUrl", "");
  r.defaultBranch = j.value("defaultBranch", "main");
  r.eventUuid = j.value("eventUuid", "");
  return r;
}

RepositoryRef RepositoryRef::of(const forges::ForgeEvent& e, const std::string& eventUuid) {
  RepositoryRef r;
  r.forge = e.forge;
  r.repo = e.repo;
  r.installation = e.installationId;
  if (e.forge == "gitlab") r.projectId = e.repoId;
  r.cloneUrl = e.cloneUrl;
  // GitLab: an unknown default branch is looked up (GitlabSession); GitHub's hooks carry it.
  r.defaultBranch = e.defaultBranch.empty() && e.forge != "gitlab" ? "main" : e.defaultBranch;
  r.eventUuid = eventUuid;
  return r;
}

std::string RepositoryRef::queueKey() const {
  return forge == "gitlab" && projectId > 0 ? forges::gitlabProjectKey(projectId) : repo;
}

std::unique_ptr<ForgeSession> openForgeSession(WorkerContext& ctx, const RepositoryRef& repo) {
  if (repo.forge == "github") return std::make_unique<GithubSession>(ctx, repo);
  if (repo.forge == "gitlab") return std::make_unique<GitlabSession>(ctx, repo);
  throw std::runtime_error("no forge \"" + repo.forge + "\" for " + repo.repo);
}

std::unique_ptr<forges::GithubForge> openGithubForge(WorkerContext& ctx,
                                                     const std::string& fullName,
                                                     int64_t installation) {
  auto [owner, name] = ownerAndName(fullName);
  forges::GithubForgeOptions o;
  o.apiUrl = ctx.config.githubApiUrl;
  o.owner = owner;
  o.repo = name;
  o.installationKey = std::to_string(installation);
  if (ctx.sleep) o.sleep = ctx.sleep;
  o.mutationSpacing = std::chrono::milliseconds(ctx.config.githubMutationSpacingMs);
  o.token = [&ctx, installation] {
    return ctx.githubToken ? ctx.githubToken(installation) : std::string();
  };
  return std::make_unique<forges::GithubForge>(*ctx.http, o);
}

void replyOnce(ForgeSession& session, const Thread& thread, const std::string& key,
               const std::string& text) {
  const std::string marker = "<!-- ddd:reply " + key + " -->";
  for (const auto& c : session.comments(thread)) {
    if (c.body.find(marker) != std::string::npos) return;
  }
  session.comment(thread, text + "\n\n" + marker);
}

}  // namespace ddd::bot
