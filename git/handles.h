#pragma once
// Owning handles for libgit2 objects: std::unique_ptr with the matching free function.
// Used by the git layer's .cpp files and by tests that call libgit2 directly; a handle
// frees its object on every path, including exceptions.

#include <git2.h>

#include <memory>

namespace ddd::git::detail {

template <typename T, void (*Free)(T*)>
struct FreeWith {
  void operator()(T* p) const {
    if (p) Free(p);
  }
};

template <typename T, void (*Free)(T*)>
using Handle = std::unique_ptr<T, FreeWith<T, Free>>;

using ObjectHandle = Handle<git_object, git_object_free>;
using CommitHandle = Handle<git_commit, git_commit_free>;
using TreeHandle = Handle<git_tree, git_tree_free>;
using TreeEntryHandle = Handle<git_tree_entry, git_tree_entry_free>;
using BlobHandle = Handle<git_blob, git_blob_free>;
using OdbHandle = Handle<git_odb, git_odb_free>;
using OdbObjectHandle = Handle<git_odb_object, git_odb_object_free>;
using ReferenceHandle = Handle<git_reference, git_reference_free>;
using RevwalkHandle = Handle<git_revwalk, git_revwalk_free>;
using SignatureHandle = Handle<git_signature, git_signature_free>;
using IndexHandle = Handle<git_index, git_index_free>;
using ConfigHandle = Handle<git_config, git_config_free>;
using TreeBuilderHandle = Handle<git_treebuilder, git_treebuilder_free>;

}  // namespace ddd::git::detail
