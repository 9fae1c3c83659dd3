#include "git/repository.h"

#include <git2.h>

#include <mutex>

#include "git/error.h"
#include "git/handles.h"

namespace ddd::git {

namespace {

const char* objectKind(git_object_t type) {
  switch (type) {
    case GIT_OBJECT_TREE:
      return "a tree";
    case GIT_OBJECT_BLOB:
      return "a blob";
    case GIT_OBJECT_TAG:
      return "a tag";
    case GIT_OBJECT_COMMIT:
      return "a commit";
    default:
      return "not a commit";
  }
}

}  // namespace

void ensureLibgit2() {
  static std::once_flag once;
  // Never shut down: handles may outlive any particular owner until process exit.
  std::call_once(once, [] {
    git_libgit2_init();
    // Like git itself, trust the object database on read instead of re-hashing every
    // object (libgit2's default): hashing doubled the cost of reading blobs. Packs are
    // still checked by their index, and a corrupt object still fails to inflate.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
  });
}

void Repository::Deleter::operator()(git_repository* r) const { git_repository_free(r); }

Repository::Repository(git_repository* r, std::filesystem::path path)
    : repo_(r), path_(std::move(path)) {}
Repository::Repository(Repository&&) noexcept = default;
Repository& Repository::operator=(Repository&&) noexcept = default;
Repository::~Repository() = default;

Repository Repository::open(const std::filesystem::path& path) {
  ensureLibgit2();
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (rc == GIT_ENOTFOUND) {
    throw GitError("not a git repository: " + path.string() +
                   " (give the top of a work tree, its .git directory, or a bare repository; "
                   "parent directories are not searched)");
  }
  check(rc, "cannot open repository " + path.string());
  return Repository(raw, path);
}

Repository Repository::init(const std::filesystem::path& path, bool bare) {
  ensureLibgit2();
  git_repository_init_options options;
  check(git_repository_init_options_init(&options, GIT_REPOSITORY_INIT_OPTIONS_VERSION),
        "cannot prepare repository options");
  options.flags = GIT_REPOSITORY_INIT_MKPATH;
  if (bare) options.flags |= GIT_REPOSITORY_INIT_BARE;
  options.initial_head = "main";
  git_repository* raw = nullptr;
  check(git_repository_init_ext(&raw, path.c_str(), &options),
        "cannot create repository " + path.string());
  return Repository(raw, path);
}

std::filesystem::path Repository::gitDir() const { return git_repository_path(raw()); }

bool Repository::isBare() const { return git_repository_is_bare(raw()) == 1; }

bool Repository::headUnborn() const {
  return check(git_repository_head_unborn(raw()),
               "cannot read HEAD of repository " + path_.string()) == 1;
}

Oid Repository::resolveCommit(const std::string& spec) const {
  const std::string where = path_.string();
  if (spec.empty()) throw GitError("empty ref given for repository " + where);
  git_object* found = nullptr;
  int rc = git_revparse_single(&found, raw(), spec.c_str());
  detail::ObjectHandle object(found);
  if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH || rc == GIT_EINVALIDSPEC) {
    if (headUnborn()) {
      git_reference* head = nullptr;
      bool namesHead = spec == "HEAD" || spec == "@";
      if (!namesHead && git_reference_lookup(&head, raw(), "HEAD") == 0) {
        detail::ReferenceHandle owned(head);
        const char* target = git_reference_symbolic_target(head);
        namesHead = target && (spec == target || "refs/heads/" + spec == target);
      }
      if (namesHead) {
        throw GitError("unborn HEAD: repository " + where +
                       " has no commits yet (commit something first)");
      }
    }
    if (rc == GIT_EINVALIDSPEC) {
      throw GitError("invalid ref '" + spec + "' for repository " + where +
                     " (give a branch, tag or commit id)");
    }
    throw GitError("unknown ref '" + spec + "' in " + where +
                   " (no branch, tag or commit of that name; check `git rev-parse " + spec + "`)");
  }
  if (rc == GIT_EAMBIGUOUS) {
    throw GitError("ambiguous ref '" + spec + "' in " + where +
                   " (several objects match; give more digits of the id)");
  }
  check(rc, "cannot resolve ref '" + spec + "' in " + where);

  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) < 0) {
    throw GitError("'" + spec + "' is not a commit in " + where + " (it names " +
                   objectKind(git_object_type(object.get())) + "; give a branch, tag or commit)");
  }
  detail::ObjectHandle commit(peeled);
  return Oid(*git_object_id(commit.get()));
}

Oid Repository::treeOf(const Oid& commit) const {
  git_commit* raw = nullptr;
  check(git_commit_lookup(&raw, this->raw(), commit.raw()),
        "cannot read commit " + commit.hex() + " in " + path_.string());
  detail::CommitHandle owned(raw);
  return Oid(*git_commit_tree_id(raw));
}

std::optional<Oid> Repository::branchTip(const std::string& shortName) const {
  const std::string refName = "refs/heads/" + shortName;
  int valid = 0;
  check(git_reference_name_is_valid(&valid, refName.c_str()), "checking branch name " + shortName);
  if (!valid) {
    throw GitError("invalid branch name '" + shortName + "' (see git check-ref-format)");
  }
  git_reference* raw = nullptr;
  int rc = git_reference_lookup(&raw, this->raw(), refName.c_str());
  if (rc == GIT_ENOTFOUND) return std::nullopt;
  check(rc, "cannot read branch " + shortName + " in " + path_.string());
  detail::ReferenceHandle ref(raw);
  git_reference* resolvedRaw = nullptr;
  check(git_reference_resolve(&resolvedRaw, ref.get()),
        "cannot resolve branch " + shortName + " in " + path_.string());
  detail::ReferenceHandle resolved(resolvedRaw);
  return Oid(*git_reference_target(resolved.get()));
}

}  // namespace ddd::git
