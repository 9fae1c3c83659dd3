#!/usr/bin/env bash
# The git CLI side of the branch benchmark: what making a fix branch costs without ddd.
#
#   git_cli_branch.sh run REPO WORKTREE EDIT_LIST   git worktree add (a new branch at HEAD),
#                                                   append a line to each listed file, git commit
#   git_cli_branch.sh clean REPO WORKTREE           remove that worktree and its branch
#
# The branch is ddd-bench-cli; run.sh times `run` with hyperfine and calls `clean` (which
# also syncs the file system) before every run.
set -euo pipefail

action="${1:-}"
repo="${2:-}"
worktree="${3:-}"
branch=ddd-bench-cli
[[ -n "$repo" && -n "$worktree" ]] || { echo "usage: $0 run|clean REPO WORKTREE [EDIT_LIST]" >&2; exit 2; }

case "$action" in
  clean)
    if [[ -e "$worktree" ]]; then git -C "$repo" worktree remove --force "$worktree" 2>/dev/null || rm -rf "$worktree"; fi
    git -C "$repo" worktree prune
    if git -C "$repo" show-ref --verify --quiet "refs/heads/$branch"; then git -C "$repo" branch -q -D "$branch"; fi
    # Write back what removing the last worktree left dirty, so that the next timed run
    # is not charged for it.
    sync
    ;;
  run)
    list="${4:?an edit list is needed for run}"
    git -C "$repo" worktree add -q -b "$branch" "$worktree" HEAD
    while IFS= read -r path; do
      [[ -n "$path" ]] || continue
      echo "# edited by the git CLI side of the branch benchmark" >> "$worktree/$path"
    done < "$list"
    git -C "$worktree" -c user.name=bench -c user.email=bench@localhost commit -q -a -m "bench: edit files"
    ;;
  *) echo "usage: $0 run|clean REPO WORKTREE [EDIT_LIST]" >&2; exit 2 ;;
esac
