#include "tests/support/test_repo.h"

#include <git2.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "git/error.h"
#include "git/handles.h"

namespace ddd::testing {

namespace fs = std::filesystem;
using git::check;

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "ddd-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) {
    throw std::runtime_error("cannot create a temporary directory from " + pattern);
  }
  // Canonical, so paths compare equal to what libgit2 reports (e.g. /tmp symlinks).
  path_ = fs::canonical(pattern);
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

TestRepo::TestRepo() : repo_(git::Repository::init(dir_.path())) {}

namespace {

git::Oid writeBlob(git_repository* repo, const std::string& content, const std::string& what) {
  git_oid id;
  check(git_blob_create_from_buffer(&id, repo, content.data(), content.size()), what);
  return git::Oid(id);
}

void addIndexEntry(git_index* index, const std::string& path, const git::Oid& id, uint32_t mode) {
  git_index_entry entry{};
  entry.path = path.c_str();
  entry.mode = mode;
  entry.id = *id.raw();
  check(git_index_add(index, &entry), "adding " + path + " to the test index");
}

}  // namespace

git::Oid TestRepo::commit(const std::map<std::string, std::optional<std::string>>& files,
                          const std::string& message, const std::string& authorName,
                          const std::string& authorEmail) {
  git_repository* repo = repo_.raw();
  git_index* rawIndex = nullptr;
  check(git_repository_index(&rawIndex, repo), "opening the test index");
  git::detail::IndexHandle index(rawIndex);

  for (const auto& [file, content] : files) {
    fs::path full = path() / file;
    if (content) {
      fs::create_directories(full.parent_path());
      writeFile(full, *content);
      check(git_index_add_bypath(index.get(), file.c_str()), "staging " + file);
    } else {
      std::error_code ignored;
      fs::remove(full, ignored);
      check(git_index_remove_bypath(index.get(), file.c_str()), "unstaging " + file);
    }
  }
  for (const auto& [link, target] : symlinks_) {
    fs::path full = path() / link;
    fs::create_directories(full.parent_path());
    std::error_code ignored;
    fs::remove(full, ignored);
    fs::create_symlink(target, full);
    addIndexEntry(index.get(), link, writeBlob(repo, target, "writing symlink " + link),
                  GIT_FILEMODE_LINK);
  }
  for (const auto& [gitlink, commitHex] : gitlinks_) {
    fs::create_directories(path() / gitlink);
    addIndexEntry(index.get(), gitlink, git::Oid::fromHex(commitHex), GIT_FILEMODE_COMMIT);
  }
  symlinks_.clear();
  gitlinks_.clear();

  git_oid treeId;
  check(git_index_write_tree(&treeId, index.get()), "writing the test tree");
  check(git_index_write(index.get()), "writing the test index");
  git_tree* rawTree = nullptr;
  check(git_tree_lookup(&rawTree, repo, &treeId), "reading the test tree");
  git::detail::TreeHandle tree(rawTree);

  git_signature* rawSig = nullptr;
  check(git_signature_now(&rawSig, authorName.c_str(), authorEmail.c_str()), "making a signature");
  git::detail::SignatureHandle sig(rawSig);

  git::detail::CommitHandle parent;
  if (!repo_.headUnborn()) {
    git::Oid head = repo_.resolveCommit("HEAD");
    git_commit* rawParent = nullptr;
    check(git_commit_lookup(&rawParent, repo, head.raw()), "reading HEAD");
    parent.reset(rawParent);
  }
  const git_commit* parents[] = {parent.get()};
  git_oid commitId;
  check(git_commit_create(&commitId, repo, "HEAD", sig.get(), sig.get(), nullptr, message.c_str(),
                          tree.get(), parent ? 1 : 0, parents),
        "committing in the test repository");
  return git::Oid(commitId);
}

void TestRepo::addSymlink(const std::string& path, const std::string& target) {
  symlinks_[path] = target;
}

void TestRepo::addSubmodule(const std::string& path, const std::string& commitHex) {
  gitlinks_[path] = commitHex;
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void writeFile(const fs::path& p, const std::string& content) {
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

CommandResult runCommand(const std::string& command) {
  std::string full = command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run: " + command);
  std::string output;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  int status = pclose(pipe);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return {code, output};
}

fs::path dddBinary() { return DDD_BINARY; }
fs::path sourceDir() { return DDD_SOURCE_DIR; }
fs::path dataDir() { return DDD_DATA_DIR; }
fs::path sharedFixtures() { return sourceDir() / "tests" / "fixtures" / "shared"; }

}  // namespace ddd::testing
