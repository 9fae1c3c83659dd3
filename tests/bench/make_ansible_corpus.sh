#!/usr/bin/env bash
# Makes the scan benchmark's corpus: the Python files of Debian's `ansible` and
# `ansible-core` packages and the Azure SDK (`python3-azure`), committed into a fresh
# git repository (about 34,000 files). The packages are fetched with `apt-get download` (no installation) and
# unpacked with `dpkg-deb -x`; nothing else touches the network.
#
#   tests/bench/make_ansible_corpus.sh [DIR]
#
# DIR defaults to $DDD_BENCH_DIR/python-corpus (DDD_BENCH_DIR defaults to build/bench).
# DDD_BENCH_PACKAGES replaces the package list (default: "ansible ansible-core python3-azure": about 34,000 Python files).
# The repository is made once: a rerun finds it and only prints its size.
# Prints the corpus path as its last line.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bench_dir="${DDD_BENCH_DIR:-$repo_root/build/bench}"
corpus="${1:-$bench_dir/python-corpus}"
read -r -a packages <<< "${DDD_BENCH_PACKAGES:-ansible ansible-core python3-azure}"

log() { echo "make_ansible_corpus.sh: $*" >&2; }
die() { echo "make_ansible_corpus.sh: error: $*" >&2; exit 1; }

if [[ -f "$corpus/.git/ddd-bench-corpus" ]]; then
  log "corpus already made: $(cat "$corpus/.git/ddd-bench-corpus") in $corpus"
  echo "$corpus"
  exit 0
fi
[[ ! -e "$corpus" ]] || die "$corpus exists but is not a finished corpus: remove it and run again."

for tool in apt-get dpkg-deb git tar; do
  command -v "$tool" >/dev/null || die "'$tool' not found (this script expects Debian 12)."
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/ddd-corpus.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"   # apt-get download drops to the _apt user when it can
mkdir "$tmp/debs" "$tmp/root"
chmod 777 "$tmp/debs"

as_root=()
if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null; then as_root=(sudo); fi

log "downloading ${packages[*]} with apt-get download into $tmp/debs"
if ! (cd "$tmp/debs" && apt-get download -q "${packages[@]}" >&2); then
  log "apt-get download failed; refreshing the package lists (apt-get update) and retrying"
  "${as_root[@]}" apt-get update -q >&2 || die "apt-get update failed"
  (cd "$tmp/debs" && apt-get download -q "${packages[@]}" >&2) \
    || die "apt-get download ${packages[*]} failed: is Debian's package mirror reachable?"
fi

versions=()
for deb in "$tmp"/debs/*.deb; do
  log "unpacking $(basename "$deb")"
  dpkg-deb -x "$deb" "$tmp/root"
  versions+=("$(dpkg-deb -f "$deb" Package)=$(dpkg-deb -f "$deb" Version)")
done

log "copying the Python files into a new git repository at $corpus"
mkdir -p "$corpus"
(cd "$tmp/root" && find . -type f -name '*.py' -print0 | tar --null -T - -cf -) | tar -xf - -C "$corpus"
files=$(find "$corpus" -type f -name '*.py' | wc -l)
((files > 1000)) || die "only $files Python files found in ${packages[*]}: unexpected package content."

export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost GIT_COMMITTER_NAME=bench \
  GIT_COMMITTER_EMAIL=bench@localhost GIT_AUTHOR_DATE="2024-01-01T00:00:00Z" \
  GIT_COMMITTER_DATE="2024-01-01T00:00:00Z"
git -C "$corpus" init -q -b main
git -C "$corpus" config gc.auto 0   # no background auto-gc racing the explicit one below
git -C "$corpus" add -A
git -C "$corpus" commit -q -m "Python files of ${versions[*]}"
git -C "$corpus" gc -q
bytes=$(git -C "$corpus" ls-files -z | (cd "$corpus" && xargs -0 cat) | wc -c)
echo "$files Python files, $bytes bytes, from ${versions[*]}" > "$corpus/.git/ddd-bench-corpus"
log "made: $(cat "$corpus/.git/ddd-bench-corpus")"
echo "$corpus"
