#include "analyzers/source_tree.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "git/repository.h"

namespace ddd::analyzers {

namespace {

// Git's binary heuristic: a NUL byte among the first 8000 bytes.
constexpr size_t kBinaryProbeBytes = 8000;

unsigned threadCount(const ScanLimits& limits, size_t work) {
  unsigned n = limits.threads != 0 ? limits.threads : std::thread::hardware_concurrency();
  if (n == 0) n = 1;
  return static_cast<unsigned>(std::min<size_t>(n, work));
}

}  // namespace

void SourceTree::forEachFile(
    const std::function<bool(const SourceFile&)>& want,
    const std::function<void(const SourceFile&, const std::string&)>& fn) const {
  const std::vector<SourceFile>& all = files();
  // `want` runs here, on the calling thread, so it need not be thread-safe.
  std::vector<const SourceFile*> selected;
  selected.reserve(all.size());
  for (const SourceFile& f : all) {
    if (!want || want(f)) selected.push_back(&f);
  }
  if (selected.empty()) return;

  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr firstError;
  std::mutex errorMutex;

  auto work = [&] {
    while (!failed.load(std::memory_order_relaxed)) {
      const size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= selected.size()) return;
      try {
        const SourceFile& file = *selected[i];
        if (std::optional<std::string> content = read(file)) fn(file, *content);
      } catch (...) {
        std::lock_guard lock(errorMutex);
        if (!firstError) firstError = std::current_exception();
        failed.store(true, std::memory_order_relaxed);
        return;
      }
    }
  };

  const unsigned threads = threadCount(limits(), selected.size());
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    try {
      for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    } catch (...) {
      // Could not start every thread: the ones started and this one still finish the job.
    }
    work();
    for (std::thread& t : pool) t.join();
  }
  if (firstError) std::rethrow_exception(firstError);
}

// ---- GitSourceTree -------------------------------------------------------------------

// Blob readers handed out one per concurrent read (a BlobReader is single-threaded), kept
// for reuse, plus the parsed blob id of every listed file (by position in files_).
struct GitSourceTree::ReaderPool {
  std::filesystem::path repoPath;
  std::vector<git::Oid> blobs;
  std::mutex mutex;
  std::vector<std::unique_ptr<git::BlobReader>> idle;

  std::unique_ptr<git::BlobReader> acquire() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        auto reader = std::move(idle.back());
        idle.pop_back();
        return reader;
      }
    }
    return std::make_unique<git::BlobReader>(repoPath);  // opened outside the lock
  }
  void release(std::unique_ptr<git::BlobReader> reader) {
    std::lock_guard lock(mutex);
    idle.push_back(std::move(reader));
  }
};

GitSourceTree::GitSourceTree(const std::filesystem::path& repoPath, const git::Oid& commit,
                             ScanLimits limits)
    : repoPath_(repoPath), limits_(limits), readers_(std::make_unique<ReaderPool>()) {
  git::Repository repo = git::Repository::open(repoPath);
  std::vector<git::TreeFile> listed = git::listFiles(repo, repo.treeOf(commit), counters_);
  files_.reserve(listed.size());
  readers_->repoPath = repoPath;
  readers_->blobs.reserve(listed.size());
  for (git::TreeFile& f : listed) {
    files_.push_back(SourceFile{std::move(f.path), f.blob.hex(), f.mode});
    readers_->blobs.push_back(f.blob);
  }
  // One reader up front: a repository that cannot be read fails here, not mid-scan.
  readers_->idle.push_back(std::make_unique<git::BlobReader>(repoPath));
}

GitSourceTree::~GitSourceTree() = default;

std::optional<std::string> GitSourceTree::read(const SourceFile& f) const {
  git::Oid blob;
  if (!files_.empty() && &f >= files_.data() && &f < files_.data() + files_.size()) {
    blob = readers_->blobs[static_cast<size_t>(&f - files_.data())];
  } else if (!f.blobId.empty()) {
    blob = git::Oid::fromHex(f.blobId);  // a copy of a listed file
  } else {
    throw std::invalid_argument("file '" + f.path + "' has no blob id in the tree of " +
                                repoPath_.string());
  }
  std::unique_ptr<git::BlobReader> reader = readers_->acquire();
  std::optional<std::string> content;
  try {
    content = reader->read(blob, limits_.maxFileBytes, counters_);
  } catch (...) {
    readers_->release(std::move(reader));
    throw;
  }
  readers_->release(std::move(reader));
  return content;
}

// ---- MemorySourceTree ----------------------------------------------------------------

MemorySourceTree::MemorySourceTree(std::map<std::string, std::string> files, ScanLimits limits)
    : content_(std::move(files)), limits_(limits) {
  list_.reserve(content_.size());
  for (const auto& [path, content] : content_) list_.push_back(SourceFile{path, {}, 0100644});
}

std::optional<std::string> MemorySourceTree::read(const SourceFile& f) const {
  auto it = content_.find(f.path);
  if (it == content_.end()) {
    throw std::invalid_argument("file '" + f.path + "' is not in this in-memory tree");
  }
  const std::string& content = it->second;
  if (content.size() > limits_.maxFileBytes) {
    counters_.count(git::SkipReason::TooLarge);
    return std::nullopt;
  }
  if (std::memchr(content.data(), '\0', std::min(content.size(), kBinaryProbeBytes)) != nullptr) {
    counters_.count(git::SkipReason::Binary);
    return std::nullopt;
  }
  counters_.filesRead.fetch_add(1, std::memory_order_relaxed);
  counters_.bytesRead.fetch_add(content.size(), std::memory_order_relaxed);
  return content;
}

}  // namespace ddd::analyzers
