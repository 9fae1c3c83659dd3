#pragma once
// Listing the files of a commit's tree and reading their blobs. Everything is read
// from the object database: uncommitted changes and the index are never seen.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "git/oid.h"
#include "git/repository.h"

struct git_odb;

namespace ddd::git {

struct TreeFile {
  std::string path;  // repository-relative, '/'-separated
  Oid blob;
  uint32_t mode = 0100644;  // 0100644 or 0100755
};

enum class SkipReason { Submodule, Symlink, Binary, TooLarge };
const char* toString(SkipReason r);

// Counters shared by all readers of one scan; thread-safe.
struct ScanCounters {
  std::atomic<uint64_t> filesRead{0};
  std::atomic<uint64_t> bytesRead{0};
  std::atomic<uint64_t> submodules{0};
  std::atomic<uint64_t> symlinks{0};
  std::atomic<uint64_t> binary{0};
  std::atomic<uint64_t> tooLarge{0};
  uint64_t skipped() const { return submodules + symlinks + binary + tooLarge; }
  void count(SkipReason r);
};

// Every regular file of `tree` (recursively, hidden directories included), sorted
// by path. Submodules (gitlinks) and symlinks are left out and counted in `counters`.
std::vector<TreeFile> listFiles(const Repository& repo, const Oid& tree, ScanCounters& counters);

// Reads blobs lazily, one at a time. One BlobReader per thread.
class BlobReader {
 public:
  // Opens its own handle on the repository at `path`.
  explicit BlobReader(const std::filesystem::path& path);
  // The blob's content, or nullopt (and the reason counted) when it is larger than
  // `maxBytes` (checked from the object header, before inflating) or binary
  // (a NUL byte in the first 8000 bytes, as git decides).
  std::optional<std::string> read(const Oid& blob, uint64_t maxBytes, ScanCounters& counters,
                                  SkipReason* why = nullptr);
  // The raw content, with no limits (for building edits).
  std::string readAll(const Oid& blob);

 private:
  struct OdbDeleter {
    void operator()(git_odb* odb) const;
  };
  Repository repo_;
  std::unique_ptr<git_odb, OdbDeleter> odb_;
};

}  // namespace ddd::git
