#pragma once
// SourceTree: the files of one commit as analyzers see them. A listing up front and
// contents read lazily, one file at a time, from any thread. Two implementations: a
// git commit (GitSourceTree) and an in-memory map (MemorySourceTree, for tests).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "git/oid.h"
#include "git/tree_walk.h"

namespace ddd::analyzers {

struct SourceFile {
  std::string path;
  std::string blobId;  // hex, empty for in-memory files
  uint32_t mode = 0100644;
};

struct ScanLimits {
  uint64_t maxFileBytes = 1 << 20;  // larger files are skipped and counted
  unsigned threads = 0;             // 0 = hardware concurrency
};

class SourceTree {
 public:
  virtual ~SourceTree() = default;
  // Every regular file, sorted by path (submodules and symlinks already left out).
  virtual const std::vector<SourceFile>& files() const = 0;
  // The content of `f`, or nullopt when it is skipped (binary or over the size limit;
  // counted in counters()). Thread-safe.
  virtual std::optional<std::string> read(const SourceFile& f) const = 0;
  virtual git::ScanCounters& counters() const = 0;
  virtual const ScanLimits& limits() const = 0;

  // Calls fn(file, content) for every file accepted by `want` whose content could be
  // read, spread over limits().threads threads. fn must be thread-safe. Exceptions
  // thrown by fn are collected and the first is rethrown after all threads stop.
  void forEachFile(const std::function<bool(const SourceFile&)>& want,
                   const std::function<void(const SourceFile&, const std::string&)>& fn) const;
};

class GitSourceTree : public SourceTree {
 public:
  // Lists `commit`'s tree in the repository at `repoPath`. Throws git::GitError.
  GitSourceTree(const std::filesystem::path& repoPath, const git::Oid& commit, ScanLimits limits);
  ~GitSourceTree() override;
  const std::vector<SourceFile>& files() const override { return files_; }
  std::optional<std::string> read(const SourceFile& f) const override;
  git::ScanCounters& counters() const override { return counters_; }
  const ScanLimits& limits() const override { return limits_; }

 private:
  struct ReaderPool;
  std::filesystem::path repoPath_;
  std::vector<SourceFile> files_;
  ScanLimits limits_;
  mutable git::ScanCounters counters_;
  std::unique_ptr<ReaderPool> readers_;
};

class MemorySourceTree : public SourceTree {
 public:
  explicit MemorySourceTree(std::map<std::string, std::string> files, ScanLimits limits = {});
  const std::vector<SourceFile>& files() const override { return list_; }
  std::optional<std::string> read(const SourceFile& f) const override;
  git::ScanCounters& counters() const override { return counters_; }
  const ScanLimits& limits() const override { return limits_; }

 private:
  std::map<std::string, std::string> content_;
  std::vector<SourceFile> list_;
  ScanLimits limits_;
  mutable git::ScanCounters counters_;
};

}  // namespace ddd::analyzers
