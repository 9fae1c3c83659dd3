#include "git/tree_walk.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include <git2.h>

#include "git/error.h"
#include "git/handles.h"
#include "git/tree_edit.h"
#include "tests/support/test_repo.h"

namespace ddd::git {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::TestRepo;

std::vector<std::string> pathsOf(const std::vector<TreeFile>& files) {
  std::vector<std::string> paths;
  for (const auto& f : files) paths.push_back(f.path);
  return paths;
}

TEST(TreeWalk, ListsHiddenDirectoriesAndSkipsSymlinksAndSubmodules) {
  TestRepo work;
  Oid sub = work.commit({{"placeholder", "x\n"}});
  work.addSymlink("docs/link.md", "../README.md");
  work.addSubmodule("vendor/lib", sub.hex());
  work.commit({{".github/workflows/ci.yml", "on: push\n"},
               {"README.md", "# hi\n"},
               {"src/a.c", "int a;\n"},
               {"src/a/b.c", "int b;\n"},
               {"src/a.b/c.c", "int c;\n"},
               {"placeholder", std::nullopt}});
  fs::permissions(work.path() / "README.md", fs::perms::owner_exec, fs::perm_options::add);
  Oid head = work.commit({{"README.md", "# hi\n"}});

  ScanCounters counters;
  auto files = listFiles(work.repo(), work.repo().treeOf(head), counters);
  // Byte order of full paths: "src/a.b/c.c" < "src/a.c" < "src/a/b.c".
  EXPECT_THAT(pathsOf(files), ElementsAre(".github/workflows/ci.yml", "README.md", "src/a.b/c.c",
                                          "src/a.c", "src/a/b.c"));
  EXPECT_EQ(files[1].mode, 0100755u);
  EXPECT_EQ(files[0].mode, 0100644u);
  EXPECT_EQ(counters.symlinks, 1u);
  EXPECT_EQ(counters.submodules, 1u);
  EXPECT_EQ(counters.skipped(), 2u);
  EXPECT_EQ(counters.filesRead, 0u);  // listing reads no blobs

  BlobReader reader(work.path());
  EXPECT_EQ(reader.read(files[0].blob, 1 << 20, counters), "on: push\n");
  EXPECT_EQ(counters.filesRead, 1u);
  EXPECT_EQ(counters.bytesRead, 9u);
}

TEST(TreeWalk, ListsAnEmptyTree) {
  TestRepo work;
  work.commit({{"a.txt", "a\n"}});
  Oid head = work.commit({{"a.txt", std::nullopt}});
  ScanCounters counters;
  EXPECT_TRUE(listFiles(work.repo(), work.repo().treeOf(head), counters).empty());
}

TEST(TreeWalk, SkipsBinaryAndOversizedBlobsWithoutInflating) {
  TestRepo work;
  std::string big(5 << 20, 'x');
  std::string binary = "PNG" + std::string(1, '\0') + "rest";
  std::string lateNul = std::string(9000, 'a') + '\0';  // git only looks at 8000 bytes
  Oid head = work.commit({{"big.txt", big}, {"image.png", binary}, {"late.txt", lateNul}});
  ScanCounters counters;
  auto files = listFiles(work.repo(), work.repo().treeOf(head), counters);
  ASSERT_THAT(pathsOf(files), ElementsAre("big.txt", "image.png", "late.txt"));

  // Cut the big blob's loose object down to its first bytes: the size is still in the
  // header, but inflating the content would now fail. read() must not try.
  const std::string hex = files[0].blob.hex();
  fs::path object = work.path() / ".git/objects" / hex.substr(0, 2) / hex.substr(2);
  fs::permissions(object, fs::perms::owner_write, fs::perm_options::add);
  fs::resize_file(object, 64);

  BlobReader reader(work.path());
  SkipReason why = SkipReason::Submodule;
  EXPECT_EQ(reader.read(files[0].blob, 1 << 20, counters, &why), std::nullopt);
  EXPECT_EQ(why, SkipReason::TooLarge);
  EXPECT_EQ(reader.read(files[1].blob, 1 << 20, counters, &why), std::nullopt);
  EXPECT_EQ(why, SkipReason::Binary);
  EXPECT_EQ(reader.read(files[2].blob, 1 << 20, counters), lateNul);
  EXPECT_EQ(counters.tooLarge, 1u);
  EXPECT_EQ(counters.binary, 1u);
  EXPECT_EQ(counters.filesRead, 1u);
  EXPECT_EQ(counters.bytesRead, lateNul.size());
  EXPECT_EQ(reader.readAll(files[1].blob), binary);  // readAll has no limits
}

TEST(TreeWalk, ReadsAFileOfExactlyTheLimit) {
  TestRepo work;
  Oid head = work.commit({{"exact.txt", std::string(1024, 'y')}});
  ScanCounters counters;
  auto files = listFiles(work.repo(), work.repo().treeOf(head), counters);
  BlobReader reader(work.path());
  EXPECT_TRUE(reader.read(files.at(0).blob, 1024, counters).has_value());
  EXPECT_FALSE(reader.read(files.at(0).blob, 1023, counters).has_value());
}

TEST(TreeWalk, ReportsMissingBlobsByName) {
  TestRepo work;
  work.commit({{"a.txt", "a\n"}});
  BlobReader reader(work.path());
  ScanCounters counters;
  Oid missing = Oid::fromHex("1111111111111111111111111111111111111111");
  try {
    reader.read(missing, 1 << 20, counters);
    FAIL() << "expected a GitError";
  } catch (const GitError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot read blob " + missing.hex()));
  }
}

// A tree of `dirs` directories pkgN/sub/ of `filesPerDir` files each, plus README.md. Every
// directory tree is distinct (file names carry the directory number), so listing it looks
// up every tree object as in a real repository; blobs are shared (listing reads none).
Oid bigTree(const Repository& repo, int dirs, int filesPerDir) {
  auto insert = [&](git_treebuilder* builder, const std::string& name, const git_oid& id,
                    git_filemode_t mode) {
    check(git_treebuilder_insert(nullptr, builder, name.c_str(), &id, mode), "inserting " + name);
  };
  auto newBuilder = [&] {
    git_treebuilder* raw = nullptr;
    check(git_treebuilder_new(&raw, repo.raw(), nullptr), "new tree builder");
    return detail::TreeBuilderHandle(raw);
  };
  auto write = [&](git_treebuilder* builder) {
    git_oid id;
    check(git_treebuilder_write(&id, builder), "writing a test tree");
    return id;
  };
  std::vector<git_oid> blobs(filesPerDir);
  for (int i = 0; i < filesPerDir; ++i) {
    std::string content = "content " + std::to_string(i) + "\n";
    check(git_blob_create_from_buffer(&blobs[i], repo.raw(), content.data(), content.size()),
          "writing a test blob");
  }
  auto root = newBuilder();
  for (int d = 0; d < dirs; ++d) {
    auto sub = newBuilder();
    for (int f = 0; f < filesPerDir; ++f) {
      insert(sub.get(), "file" + std::to_string(d) + "_" + std::to_string(f) + ".txt", blobs[f],
             GIT_FILEMODE_BLOB);
    }
    auto pkg = newBuilder();
    insert(pkg.get(), "sub", write(sub.get()), GIT_FILEMODE_TREE);
    insert(root.get(), "pkg" + std::to_string(d), write(pkg.get()), GIT_FILEMODE_TREE);
  }
  insert(root.get(), "README.md", blobs[0], GIT_FILEMODE_BLOB);
  return Oid(write(root.get()));
}

// Its speed is a benchmark's business (the scan figures in tests/bench/README.md); the time
// is recorded here, not asserted: a timed assertion fails on a shared, busy machine.
TEST(TreeWalk, ListsFiftyThousandFiles) {
  TestRepo work;
  Oid tree = bigTree(work.repo(), 500, 100);

  Repository fresh = Repository::open(work.path());  // cold object cache
  ScanCounters counters;
  auto start = std::chrono::steady_clock::now();
  auto files = listFiles(fresh, tree, counters);
  auto elapsed = std::chrono::steady_clock::now() - start;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  RecordProperty("list_50000_ms", std::to_string(ms));
  std::printf("listed %zu files in %lld ms\n", files.size(), static_cast<long long>(ms));
  ASSERT_EQ(files.size(), 50001u);
  EXPECT_FALSE(files.back().path.empty());
}

}  // namespace
}  // namespace ddd::git
