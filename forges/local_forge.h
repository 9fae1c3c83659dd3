#pragma once
// LocalForge: the forge of the local platform. Pull requests of one repository are
// records in a SQLite file (table local_pull_requests, WAL, one transaction per write),
// numbered 1, 2, ... per repository; the branches themselves live in the git
// repository. The file may be shared with the bot's state store: the local forge keeps
// its schema version in its own table (local_forge_schema), not in PRAGMA user_version.

#include <filesystem>
#include <string>

#include "forges/forge.h"
#include "forges/sqlite_db.h"

namespace ddd::forges {

class LocalForge : public Forge {
 public:
  // Opens (creating when missing) the database `file` for the repository named `repo`
  // (the key of its records; normally the repository's canonical path). Throws
  // SqliteError / ForgeError naming the file.
  LocalForge(const std::filesystem::path& file, std::string repo);

  std::string name() const override { return "local"; }
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
  bool enableAutoMerge(const PullRequest&, const std::string&, const std::string&) override {
    return false;  // the local platform has no auto-merge: ddd merges itself
  }
  void addLabels(int number, const std::vector<std::string>& labels) override;
  void requestReviewers(int number, const std::vector<std::string>& reviewers) override;

  std::vector<Issue> issuesWithLabel(const std::string& label) override;
  Issue createIssue(const std::string& title, const std::string& body,
                    const std::vector<std::string>& labels) override;
  void editIssue(int number, const std::string& title, const std::string& body) override;
  void closeIssue(int number, const std::string& comment) override;

  // The local platform's stand-in for a maintainer's review.
  void setApproved(int number, bool approved);

  // Marks pull request `number` closed or merged (the local platform has no UI for it).
  void setState(int number, const std::string& state);

 private:
  std::optional<PullRequest> byNumber(int number);
  SqliteDb db_;
  std::string repo_;
};

}  // namespace ddd::forges
