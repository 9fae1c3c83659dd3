#include "git/tree_edit.h"

#include <git2.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>
#include <string_view>

#include "git/error.h"
#include "git/handles.h"

namespace ddd::git {

namespace {

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Why `path` may not be written into a tree, or empty when it is fine.
std::string pathProblem(std::string_view path) {
  if (path.empty()) return "the path is empty";
  if (path.find('\0') != std::string_view::npos) return "the path contains a NUL byte";
  if (path.front() == '/') return "the path is absolute";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part.empty()) return "the path has an empty component";
    if (part == "." || part == "..") return "the path contains a '" + std::string(part) + "' component";
    // Case-insensitive, as on the file systems a checkout may land on.
    if (equalsIgnoringCase(part, ".git")) return "the path enters a .git directory";
    start = end + 1;
  }
  return {};
}

bool isBlobMode(uint32_t mode) {
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE ||
         mode == GIT_FILEMODE_LINK;
}

std::string octal(uint32_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%o", mode);
  return buf;
}

// `path` for a message: control bytes shown as \xNN so the message stays one readable line.
std::string printable(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

Oid buildTree(const Repository& repo, const Oid& baseTree, const std::vector<TreeEdit>& edits) {
  const std::string where = repo.path().string();
  detail::TreeHandle base;
  if (!baseTree.isZero()) {
    git_tree* raw = nullptr;
    check(git_tree_lookup(&raw, repo.raw(), baseTree.raw()),
          "cannot read base tree " + baseTree.hex() + " in " + where);
    base.reset(raw);
  }

  // Validate everything first: nothing is written unless every edit is acceptable.
  std::set<std::string_view> seen;
  std::vector<uint32_t> modes(edits.size(), 0);
  for (size_t i = 0; i < edits.size(); ++i) {
    const TreeEdit& edit = edits[i];
    if (std::string problem = pathProblem(edit.path); !problem.empty()) {
      throw GitError("cannot edit '" + printable(edit.path) + "' in " + where + ": " + problem +
                     " (give a relative path inside the repository)");
    }
    if (!seen.insert(edit.path).second) {
      throw GitError("cannot edit '" + edit.path + "' in " + where +
                     ": it is edited twice in one change (merge the edits)");
    }
    // What is at this path, or at a parent of it, in the base tree.
    detail::TreeEntryHandle existing;
    if (base) {
      for (size_t slash = edit.path.find('/'); slash != std::string::npos;
           slash = edit.path.find('/', slash + 1)) {
        git_tree_entry* raw = nullptr;
        std::string parent = edit.path.substr(0, slash);
        if (git_tree_entry_bypath(&raw, base.get(), parent.c_str()) == 0) {
          detail::TreeEntryHandle parentEntry(raw);
          if (git_tree_entry_type(raw) != GIT_OBJECT_TREE) {
            throw GitError("cannot edit '" + edit.path + "' in " + where + ": '" + parent +
                           "' is a file in the base tree, not a directory");
          }
        }
      }
      git_tree_entry* raw = nullptr;
      if (git_tree_entry_bypath(&raw, base.get(), edit.path.c_str()) == 0) existing.reset(raw);
    }
    if (existing && git_tree_entry_type(existing.get()) == GIT_OBJECT_TREE) {
      throw GitError("cannot edit '" + edit.path + "' in " + where +
                     ": it is a directory in the base tree (edit the files inside it)");
    }
    if (existing && git_tree_entry_filemode(existing.get()) == GIT_FILEMODE_COMMIT) {
      throw GitError("cannot edit '" + edit.path + "' in " + where + ": it is a submodule");
    }
    if (!edit.content) {
      if (!existing) {
        throw GitError("cannot remove '" + edit.path + "' in " + where +
                       ": it is not in the base tree " + baseTree.hex());
      }
      continue;
    }
    uint32_t mode = edit.mode;
    if (mode == 0) mode = existing ? git_tree_entry_filemode(existing.get()) : GIT_FILEMODE_BLOB;
    if (!isBlobMode(mode)) {
      throw GitError("cannot write '" + edit.path + "' in " + where + ": mode " + octal(mode) +
                     " is not a file mode (use 100644, 100755 or 120000)");
    }
    modes[i] = mode;
  }

  std::vector<git_tree_update> updates(edits.size());
  for (size_t i = 0; i < edits.size(); ++i) {
    const TreeEdit& edit = edits[i];
    git_tree_update& update = updates[i];
    update.path = edit.path.c_str();
    if (edit.content) {
      update.action = GIT_TREE_UPDATE_UPSERT;
      update.filemode = static_cast<git_filemode_t>(modes[i]);
      check(git_blob_create_from_buffer(&update.id, repo.raw(), edit.content->data(),
                                        edit.content->size()),
            "cannot write the new content of '" + edit.path + "' in " + where);
    } else {
      update.action = GIT_TREE_UPDATE_REMOVE;
    }
  }
  git_oid out;
  check(git_tree_create_updated(&out, repo.raw(), base.get(), updates.size(), updates.data()),
        "cannot build a tree from " + (baseTree.isZero() ? std::string("an empty tree")
                                                         : "base tree " + baseTree.hex()) +
            " with " + std::to_string(edits.size()) + " edit(s) in " + where +
            (edits.empty() ? std::string() : " (first: '" + edits.front().path + "')"));
  return Oid(out);
}

}  // namespace ddd::git
