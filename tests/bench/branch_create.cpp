// Benchmark: writing one ddd fix branch that edits 10 files of a large repository, in
// memory with libgit2 (read the 10 blobs at HEAD, change them, git::buildTree,
// git::commitToBranch). No work tree, index or checkout is involved.
//
//   bench_branch_create [benchmark flags] REPO [EDIT_LIST]
//
// REPO (or $DDD_BENCH_REPO) is the repository (tests/bench/make_big_repo.py makes one of
// 50,000 files); EDIT_LIST (or $DDD_BENCH_EDIT_LIST, default REPO/ddd-bench-edit-list)
// names the files to edit, one per line; without one, 10 files spread over the tree are
// picked. Every iteration writes new content (new blobs and trees, as a real fix does), so
// the branch is never already up to date and no object is found already written.
// The branches it makes are deleted again (outside the timed part); the objects stay
// loose and unreachable until `git prune`.

#include <benchmark/benchmark.h>
#include <git2.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "git/branch.h"
#include "git/handles.h"
#include "git/error.h"
#include "git/repository.h"
#include "git/tree_edit.h"
#include "git/tree_walk.h"

namespace {

namespace fs = std::filesystem;
using namespace ddd;

struct BenchInput {
  fs::path repo;
  std::vector<std::string> files;
  std::string nonce;  // differs per process, so no run finds its objects already written
};

BenchInput& benchInput() {
  static BenchInput input;
  return input;
}

std::vector<std::string> readEditList(const fs::path& list) {
  std::ifstream in(list);
  if (!in) throw std::runtime_error("cannot read the edit list " + list.string());
  std::vector<std::string> files;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) files.push_back(line);
  }
  return files;
}

// Ten files spread evenly over HEAD's tree, for when no edit list is given.
std::vector<std::string> pickFiles(const fs::path& path) {
  auto repo = git::Repository::open(path);
  git::ScanCounters counters;
  auto all = git::listFiles(repo, repo.treeOf(repo.resolveCommit("HEAD")), counters);
  if (all.size() < 10) throw std::runtime_error(path.string() + " has fewer than 10 files");
  std::vector<std::string> files;
  for (size_t i = 0; i < 10; ++i) files.push_back(all[i * all.size() / 10].path);
  return files;
}

std::string blobAtPath(const git::Repository& repo, const git::Oid& tree, const std::string& path) {
  git_tree* rawTree = nullptr;
  git::check(git_tree_lookup(&rawTree, repo.raw(), tree.raw()), "look up tree " + tree.hex());
  git::detail::TreeHandle treeHandle(rawTree);
  git_tree_entry* rawEntry = nullptr;
  git::check(git_tree_entry_bypath(&rawEntry, rawTree, path.c_str()), "find " + path + " at HEAD");
  git::detail::TreeEntryHandle entry(rawEntry);
  git_blob* rawBlob = nullptr;
  git::check(git_blob_lookup(&rawBlob, repo.raw(), git_tree_entry_id(rawEntry)), "read blob of " + path);
  git::detail::BlobHandle blob(rawBlob);
  return std::string(static_cast<const char*>(git_blob_rawcontent(rawBlob)),
                     static_cast<size_t>(git_blob_rawsize(rawBlob)));
}

void deleteBranch(const git::Repository& repo, const std::string& name) {
  git_reference* raw = nullptr;
  if (git_branch_lookup(&raw, repo.raw(), name.c_str(), GIT_BRANCH_LOCAL) != 0) return;
  git::detail::ReferenceHandle ref(raw);
  git::check(git_branch_delete(raw), "delete branch " + name);
}

// The whole job of one fix branch: resolve HEAD, read and change the files, build the
// tree, commit and point the branch at it.
git::BranchResult writeFixBranch(const git::Repository& repo, const std::string& branch,
                                 uint64_t serial) {
  static uint64_t writes = 0;  // over all benchmarks and their repeated runs
  const std::string stamp = "# edited by the ddd branch benchmark: " + branch + ", run " +
                            std::to_string(serial) + ", write " + std::to_string(++writes) + ", " +
                            benchInput().nonce + "\n";
  const git::Oid head = repo.resolveCommit("HEAD");
  const git::Oid baseTree = repo.treeOf(head);
  std::vector<git::TreeEdit> edits;
  edits.reserve(benchInput().files.size());
  for (const auto& path : benchInput().files) {
    std::string content = blobAtPath(repo, baseTree, path);
    content += stamp;
    edits.push_back(git::TreeEdit{path, std::move(content)});
  }
  git::CommitRequest request;
  request.branch = branch;
  request.base = head;
  request.tree = git::buildTree(repo, baseTree, edits);
  request.message = "bench: edit " + std::to_string(edits.size()) + " files";
  request.changeId = "bench/edit-files";
  return git::commitToBranch(repo, request);
}

// A new branch per iteration (outcome Created), deleted outside the timed part.
void BM_CreateFixBranch(benchmark::State& state) {
  auto repo = git::Repository::open(benchInput().repo);
  uint64_t serial = 0;
  for (auto _ : state) {
    const std::string branch = "ddd/bench/create-" + std::to_string(serial);
    auto result = writeFixBranch(repo, branch, serial);
    if (result.outcome != git::BranchOutcome::Created) {
      state.SkipWithError(("expected a new branch, got " + std::string(toString(result.outcome))).c_str());
      break;
    }
    state.PauseTiming();
    deleteBranch(repo, branch);
    state.ResumeTiming();
    ++serial;
  }
  state.counters["files"] = static_cast<double>(benchInput().files.size());
}

// The same branch moved to new content every iteration (outcome Updated): a rerun.
void BM_UpdateFixBranch(benchmark::State& state) {
  auto repo = git::Repository::open(benchInput().repo);
  const std::string branch = "ddd/bench/update";
  writeFixBranch(repo, branch, 0);
  uint64_t serial = 1;
  for (auto _ : state) {
    auto result = writeFixBranch(repo, branch, serial++);
    if (result.outcome != git::BranchOutcome::Updated) {
      state.SkipWithError(("expected a moved branch, got " + std::string(toString(result.outcome))).c_str());
      break;
    }
  }
  deleteBranch(repo, branch);
}

// Including opening the repository, as a fresh `ddd` process would.
void BM_OpenAndCreateFixBranch(benchmark::State& state) {
  uint64_t serial = 0;
  for (auto _ : state) {
    auto repo = git::Repository::open(benchInput().repo);
    const std::string branch = "ddd/bench/open-create-" + std::to_string(serial);
    auto result = writeFixBranch(repo, branch, serial);
    benchmark::DoNotOptimize(result);
    state.PauseTiming();
    deleteBranch(repo, branch);
    state.ResumeTiming();
    ++serial;
  }
}

BENCHMARK(BM_CreateFixBranch)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_UpdateFixBranch)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OpenAndCreateFixBranch)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const char* repoEnv = std::getenv("DDD_BENCH_REPO");
  const char* listEnv = std::getenv("DDD_BENCH_EDIT_LIST");
  fs::path repo = argc > 1 ? fs::path(argv[1]) : repoEnv ? fs::path(repoEnv) : fs::path();
  fs::path list = argc > 2 ? fs::path(argv[2]) : listEnv ? fs::path(listEnv) : repo / "ddd-bench-edit-list";
  if (repo.empty()) {
    std::cerr << "usage: bench_branch_create [benchmark flags] REPO [EDIT_LIST]\n"
                 "  (or DDD_BENCH_REPO / DDD_BENCH_EDIT_LIST); tests/bench/make_big_repo.py makes REPO\n";
    return 2;
  }
  try {
    git::ensureLibgit2();
    benchInput().repo = repo;
    benchInput().nonce = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
    benchInput().files = fs::exists(list) ? readEditList(list) : pickFiles(repo);
    std::cerr << "bench_branch_create: " << repo.string() << ", editing " << benchInput().files.size()
              << " files\n";
    // The first branch of a fresh process (nothing cached yet), measured once.
    const auto start = std::chrono::steady_clock::now();
    {
      auto cold = git::Repository::open(repo);
      writeFixBranch(cold, "ddd/bench/cold", 0);
    }
    const std::chrono::duration<double, std::milli> coldTime = std::chrono::steady_clock::now() - start;
    deleteBranch(git::Repository::open(repo), "ddd/bench/cold");
    std::cerr << "bench_branch_create: first branch in this process (cold): " << coldTime.count()
              << " ms\n";
  } catch (const std::exception& e) {
    std::cerr << "bench_branch_create: " << e.what() << "\n";
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
