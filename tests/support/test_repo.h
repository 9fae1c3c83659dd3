#pragma once
// Test support: real git repositories in temporary directories, made with libgit2.

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "git/oid.h"
#include "git/repository.h"

namespace ddd::testing {

// A fresh directory under the system temp dir, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A non-bare repository with a work tree, in its own TempDir.
class TestRepo {
 public:
  TestRepo();  // `git init` with HEAD -> refs/heads/main, no commits
  const std::filesystem::path& path() const { return dir_.path(); }
  git::Repository& repo() { return repo_; }

  // Writes the files into the work tree, stages exactly them (plus earlier content), and
  // commits on HEAD's branch. Content std::nullopt deletes a file. Returns the commit.
  git::Oid commit(const std::map<std::string, std::optional<std::string>>& files,
                  const std::string& message = "test commit",
                  const std::string& authorName = "Test Human",
                  const std::string& authorEmail = "human@example.com");
  // Adds a symlink / a gitlink (submodule entry) in the next commit().
  void addSymlink(const std::string& path, const std::string& target);
  void addSubmodule(const std::string& path, const std::string& commitHex);

 private:
  TempDir dir_;
  git::Repository repo_;
  std::map<std::string, std::string> symlinks_;
  std::map<std::string, std::string> gitlinks_;
};

// Reads a file; throws std::runtime_error naming it if it can't.
std::string readFile(const std::filesystem::path& p);
// Writes (replaces) a file, creating missing parent directories.
void writeFile(const std::filesystem::path& p, const std::string& content);

// Runs a shell command, returns {exit code, stdout+stderr}.
struct CommandResult {
  int exitCode;
  std::string output;
};
CommandResult runCommand(const std::string& command);

// Path of the built `ddd` binary, of the source tree, and of the shared fixtures as
// vendored into tests/fixtures/shared (see its PROVENANCE.md; nothing outside the
// repository is read).
std::filesystem::path dddBinary();
std::filesystem::path sourceDir();
std::filesystem::path sharedFixtures();
// The data directory the build compiled in (rule packs, schemas): the source tree.
std::filesystem::path dataDir();

}  // namespace ddd::testing
