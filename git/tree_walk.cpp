#include "git/tree_walk.h"

#include <git2.h>

#include <algorithm>
#include <cstring>

#include "git/error.h"
#include "git/handles.h"

namespace ddd::git {

namespace {

// Deeper trees than this are hostile or broken; refuse instead of exhausting the stack.
constexpr int kMaxTreeDepth = 512;
// Git's own binary heuristic looks at this many leading bytes for a NUL.
constexpr size_t kBinaryProbeBytes = 8000;

class TreeLister {
 public:
  TreeLister(const Repository& repo, ScanCounters& counters, std::vector<TreeFile>& out)
      : repo_(repo), counters_(counters), out_(out) {}

  void list(const git_oid& treeId, std::string& prefix, int depth) {
    if (depth > kMaxTreeDepth) {
      throw GitError("tree nested deeper than " + std::to_string(kMaxTreeDepth) +
                     " directories at '" + prefix + "' in " + repo_.path().string());
    }
    git_tree* raw = nullptr;
    check(git_tree_lookup(&raw, repo_.raw(), &treeId),
          "cannot read tree " + Oid(treeId).hex() + " ('" + prefix + "') in " +
              repo_.path().string());
    TreeHandle tree(raw);
    const size_t count = git_tree_entrycount(raw);
    const size_t prefixLength = prefix.size();
    for (size_t i = 0; i < count; ++i) {
      const git_tree_entry* entry = git_tree_entry_byindex(raw, i);
      const char* name = git_tree_entry_name(entry);
      switch (git_tree_entry_filemode(entry)) {
        case GIT_FILEMODE_TREE:
          prefix.append(name).push_back('/');
          list(*git_tree_entry_id(entry), prefix, depth + 1);
          prefix.resize(prefixLength);
          break;
        case GIT_FILEMODE_BLOB:
        case GIT_FILEMODE_BLOB_EXECUTABLE: {
          TreeFile& file = out_.emplace_back();
          file.path.reserve(prefixLength + std::strlen(name));
          file.path.append(prefix).append(name);
          file.blob = Oid(*git_tree_entry_id(entry));
          file.mode = git_tree_entry_filemode(entry);
          break;
        }
        case GIT_FILEMODE_LINK:
          counters_.count(SkipReason::Symlink);
          break;
        case GIT_FILEMODE_COMMIT:
          counters_.count(SkipReason::Submodule);
          break;
        default:
          break;  // unknown modes (never written by git) are ignored
      }
    }
  }

 private:
  using TreeHandle = detail::TreeHandle;
  const Repository& repo_;
  ScanCounters& counters_;
  std::vector<TreeFile>& out_;
};

}  // namespace

const char* toString(SkipReason r) {
  switch (r) {
    case SkipReason::Submodule:
      return "submodule";
    case SkipReason::Symlink:
      return "symlink";
    case SkipReason::Binary:
      return "binary";
    case SkipReason::TooLarge:
      return "too large";
  }
  return "unknown";
}

void ScanCounters::count(SkipReason r) {
  switch (r) {
    case SkipReason::Submodule:
      submodules.fetch_add(1, std::memory_order_relaxed);
      break;
    case SkipReason::Symlink:
      symlinks.fetch_add(1, std::memory_order_relaxed);
      break;
    case SkipReason::Binary:
      binary.fetch_add(1, std::memory_order_relaxed);
      break;
    case SkipReason::TooLarge:
      tooLarge.fetch_add(1, std::memory_order_relaxed);
      break;
  }
}

std::vector<TreeFile> listFiles(const Repository& repo, const Oid& tree, ScanCounters& counters) {
  std::vector<TreeFile> files;
  std::string prefix;
  prefix.reserve(256);
  TreeLister(repo, counters, files).list(*tree.raw(), prefix, 0);
  // Git orders a tree's entries with directories compared as "name/", so a pre-order
  // walk already yields byte-sorted paths; sort only if a malformed tree broke that.
  auto byPath = [](const TreeFile& a, const TreeFile& b) { return a.path < b.path; };
  if (!std::is_sorted(files.begin(), files.end(), byPath)) {
    std::sort(files.begin(), files.end(), byPath);
  }
  return files;
}

void BlobReader::OdbDeleter::operator()(git_odb* odb) const { git_odb_free(odb); }

BlobReader::BlobReader(const std::filesystem::path& path) : repo_(Repository::open(path)) {
  git_odb* raw = nullptr;
  check(git_repository_odb(&raw, repo_.raw()),
        "cannot open the object database of " + path.string());
  odb_.reset(raw);
}

std::optional<std::string> BlobReader::read(const Oid& blob, uint64_t maxBytes,
                                            ScanCounters& counters, SkipReason* why) {
  // The header gives the size without inflating the object.
  size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  check(git_odb_read_header(&size, &type, odb_.get(), blob.raw()),
        "cannot read blob " + blob.hex() + " in " + repo_.path().string());
  if (type != GIT_OBJECT_BLOB) {
    throw GitError("object " + blob.hex() + " in " + repo_.path().string() + " is not a blob");
  }
  if (size > maxBytes) {
    counters.count(SkipReason::TooLarge);
    if (why) *why = SkipReason::TooLarge;
    return std::nullopt;
  }
  git_blob* raw = nullptr;
  check(git_blob_lookup(&raw, repo_.raw(), blob.raw()),
        "cannot read blob " + blob.hex() + " in " + repo_.path().string());
  detail::BlobHandle owned(raw);
  const char* data = static_cast<const char*>(git_blob_rawcontent(raw));
  const size_t length = static_cast<size_t>(git_blob_rawsize(raw));
  if (std::memchr(data, '\0', std::min(length, kBinaryProbeBytes)) != nullptr) {
    counters.count(SkipReason::Binary);
    if (why) *why = SkipReason::Binary;
    return std::nullopt;
  }
  counters.filesRead.fetch_add(1, std::memory_order_relaxed);
  counters.bytesRead.fetch_add(length, std::memory_order_relaxed);
  return std::string(data, length);
}

std::string BlobReader::readAll(const Oid& blob) {
  git_blob* raw = nullptr;
  check(git_blob_lookup(&raw, repo_.raw(), blob.raw()),
        "cannot read blob " + blob.hex() + " in " + repo_.path().string());
  detail::BlobHandle owned(raw);
  return std::string(static_cast<const char*>(git_blob_rawcontent(raw)),
                     static_cast<size_t>(git_blob_rawsize(raw)));
}

}  // namespace ddd::git
