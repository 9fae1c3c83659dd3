#include "analyzers/source_tree.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "git/error.h"
#include "tests/support/test_repo.h"

namespace ddd::analyzers {
namespace {

using ::testing::ElementsAre;
using testing::TestRepo;

std::map<std::string, std::optional<std::string>> manyFiles(int n) {
  std::map<std::string, std::optional<std::string>> files;
  for (int i = 0; i < n; ++i) {
    std::string number = std::to_string(i);
    std::string path = "dir";
    path.append(std::to_string(i % 7)).append("/file").append(number).append(".txt");
    files[path] = "file number " + number + "\n";
  }
  return files;
}

std::vector<std::string> pathsOf(const SourceTree& tree) {
  std::vector<std::string> paths;
  for (const auto& f : tree.files()) paths.push_back(f.path);
  return paths;
}

TEST(GitSourceTree, ListsTheCommitNotTheWorkTree) {
  TestRepo work;
  work.addSymlink("link", "a.txt");
  git::Oid commit = work.commit({{"a.txt", "a\n"}, {".github/workflows/ci.yml", "on: push\n"}});
  testing::writeFile(work.path() / "a.txt", "uncommitted\n");
  testing::writeFile(work.path() / "untracked.txt", "x\n");

  GitSourceTree tree(work.path(), commit, ScanLimits{});
  EXPECT_THAT(pathsOf(tree), ElementsAre(".github/workflows/ci.yml", "a.txt"));
  EXPECT_EQ(tree.counters().symlinks, 1u);
  EXPECT_EQ(tree.read(tree.files()[1]), "a\n");
  EXPECT_EQ(tree.files()[1].blobId.size(), 40u);
  SourceFile copy = tree.files()[0];  // not an element of files(): found by its blob id
  EXPECT_EQ(tree.read(copy), "on: push\n");
}

TEST(GitSourceTree, RejectsUnknownCommit) {
  TestRepo work;
  work.commit({{"a.txt", "a\n"}});
  EXPECT_THROW(GitSourceTree(work.path(), git::Oid::fromHex(std::string(40, '1')), ScanLimits{}),
               git::GitError);
}

TEST(GitSourceTree, ForEachFileVisitsEveryReadableFileOnce) {
  TestRepo work;
  auto files = manyFiles(300);
  files["image.bin"] = std::string("\x89PNG\0\0", 6);
  files["huge.txt"] = std::string(4096, 'h');
  git::Oid commit = work.commit(files);

  ScanLimits limits;
  limits.threads = 4;
  limits.maxFileBytes = 1024;
  GitSourceTree tree(work.path(), commit, limits);
  std::mutex mutex;
  std::multiset<std::string> seen;
  std::set<std::thread::id> threads;
  tree.forEachFile(
      [](const SourceFile& f) { return f.path != "dir0/file0.txt"; },
      [&](const SourceFile& f, const std::string& content) {
        std::lock_guard lock(mutex);
        seen.insert(f.path);
        threads.insert(std::this_thread::get_id());
        EXPECT_EQ(content, *files.at(f.path));
      });
  EXPECT_EQ(seen.size(), 299u);  // 300 text files minus the one not wanted
  for (const auto& path : seen) EXPECT_EQ(seen.count(path), 1u) << path;
  EXPECT_EQ(seen.count("dir0/file0.txt"), 0u);
  EXPECT_EQ(seen.count("image.bin"), 0u);
  EXPECT_EQ(seen.count("huge.txt"), 0u);
  EXPECT_GE(threads.size(), 1u);
  EXPECT_EQ(tree.counters().binary, 1u);
  EXPECT_EQ(tree.counters().tooLarge, 1u);
}

TEST(GitSourceTree, ReaderCountsMatch) {
  TestRepo work;
  auto files = manyFiles(200);
  uint64_t bytes = 0;
  for (const auto& [path, content] : files) bytes += content->size();
  git::Oid commit = work.commit(files);

  ScanLimits limits;
  limits.threads = 3;
  GitSourceTree tree(work.path(), commit, limits);
  std::atomic<uint64_t> calls{0};
  std::atomic<uint64_t> seenBytes{0};
  tree.forEachFile([](const SourceFile&) { return true; },
                   [&](const SourceFile&, const std::string& content) {
                     calls.fetch_add(1);
                     seenBytes.fetch_add(content.size());
                   });
  EXPECT_EQ(calls, 200u);
  EXPECT_EQ(tree.counters().filesRead, 200u);
  EXPECT_EQ(tree.counters().bytesRead, bytes);
  EXPECT_EQ(seenBytes, bytes);
  EXPECT_EQ(tree.counters().skipped(), 0u);
}

TEST(SourceTree, ForEachFileRethrowsTheFirstErrorAfterAllThreadsStop) {
  std::map<std::string, std::string> files;
  for (int i = 0; i < 100; ++i) {
    std::string name(1, 'f');
    name += std::to_string(i);
    files.emplace(std::move(name), std::string(1, 'x'));
  }
  ScanLimits limits;
  limits.threads = 4;
  MemorySourceTree tree(files, limits);
  std::atomic<int> running{0};
  try {
    tree.forEachFile([](const SourceFile&) { return true; },
                     [&](const SourceFile& f, const std::string&) {
                       running.fetch_add(1);
                       if (f.path == "f42") {
                         running.fetch_sub(1);
                         throw std::runtime_error("broken file f42");
                       }
                       running.fetch_sub(1);
                     });
    FAIL() << "expected the error to be rethrown";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "broken file f42");
  }
  EXPECT_EQ(running.load(), 0);  // every worker had returned before the rethrow
}

TEST(SourceTree, ForEachFileWithOneThreadRunsOnTheCallingThread) {
  ScanLimits limits;
  limits.threads = 1;
  MemorySourceTree tree({{"a", "1"}, {"b", "2"}}, limits);
  std::vector<std::string> order;
  const auto caller = std::this_thread::get_id();
  tree.forEachFile([](const SourceFile&) { return true; },
                   [&](const SourceFile& f, const std::string& content) {
                     EXPECT_EQ(std::this_thread::get_id(), caller);
                     order.push_back(f.path + "=" + content);
                   });
  EXPECT_THAT(order, ElementsAre("a=1", "b=2"));
}

TEST(MemorySourceTree, SkipsBinaryAndOversizedLikeGit) {
  ScanLimits limits;
  limits.maxFileBytes = 10;
  MemorySourceTree tree({{"b.bin", std::string("a\0b", 3)},
                         {"big.txt", std::string(11, 'x')},
                         {"ok.txt", "0123456789"}},
                        limits);
  EXPECT_THAT(pathsOf(tree), ElementsAre("b.bin", "big.txt", "ok.txt"));
  EXPECT_EQ(tree.read(tree.files()[0]), std::nullopt);
  EXPECT_EQ(tree.read(tree.files()[1]), std::nullopt);
  EXPECT_EQ(tree.read(tree.files()[2]), "0123456789");
  EXPECT_EQ(tree.counters().binary, 1u);
  EXPECT_EQ(tree.counters().tooLarge, 1u);
  EXPECT_EQ(tree.counters().filesRead, 1u);
  EXPECT_EQ(tree.counters().bytesRead, 10u);
  EXPECT_THROW(tree.read(SourceFile{"missing.txt", {}, 0100644}), std::invalid_argument);
}

}  // namespace
}  // namespace ddd::analyzers
