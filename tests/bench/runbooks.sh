#!/usr/bin/env bash
# Benchmark of the runbooks analyzer: extraction + generation + scoring
# (`ddd scan --analyzers runbooks`) over the whole of Debian's `ansible` package (every
# file: Python modules, YAML, Markdown, shell), committed into a git repository, against
# a baseline measured in the same run on the same tree: `git grep -c` of the words the
# extractors look for (one pass over every blob of the commit).
#
#   tests/bench/runbooks.sh            # corpus in $DDD_BENCH_DIR/runbooks-corpus
#
# The package is fetched with `apt-get download` (no installation) and unpacked with
# `dpkg-deb -x`; nothing else touches the network. Knobs: DDD_BUILD_DIR (where `ddd` is,
# default build/), DDD_BENCH_DIR (default build/bench), DDD_BENCH_RUNS (default 5).
# Prints files, mean times, ms per 1,000 files and the ratio ddd / git grep.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir="${DDD_BUILD_DIR:-$repo_root/build}"
bench_dir="${DDD_BENCH_DIR:-$repo_root/build/bench}"
runs="${DDD_BENCH_RUNS:-5}"
corpus="$bench_dir/runbooks-corpus"
ddd="$build_dir/ddd"

log() { echo "runbooks.sh: $*" >&2; }
die() { echo "runbooks.sh: error: $*" >&2; exit 1; }

[[ -x "$ddd" ]] || die "$ddd not found: build it first (ninja -C build ddd)"
for tool in apt-get dpkg-deb git hyperfine; do
  command -v "$tool" >/dev/null || die "'$tool' not found"
done

if [[ ! -f "$corpus/.git/ddd-bench-corpus" ]]; then
  [[ ! -e "$corpus" ]] || die "$corpus exists but is not a finished corpus: remove it"
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/ddd-runbooks.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  chmod 755 "$tmp"
  mkdir "$tmp/debs" "$tmp/root"
  chmod 777 "$tmp/debs"
  log "apt-get download ansible into $tmp/debs"
  (cd "$tmp/debs" && apt-get download -q ansible >&2) || die "apt-get download ansible failed"
  deb=$(ls "$tmp"/debs/*.deb)
  dpkg-deb -x "$deb" "$tmp/root"
  mkdir -p "$corpus"
  (cd "$tmp/root" && find . -type f -print0 | tar --null -T - -cf -) | tar -xf - -C "$corpus"
  export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost GIT_COMMITTER_NAME=bench \
    GIT_COMMITTER_EMAIL=bench@localhost GIT_AUTHOR_DATE="2024-01-01T00:00:00Z" \
    GIT_COMMITTER_DATE="2024-01-01T00:00:00Z"
  git -C "$corpus" init -q -b main
  git -C "$corpus" config gc.auto 0
  git -C "$corpus" add -A
  git -C "$corpus" commit -q -m "$(dpkg-deb -f "$deb" Package)=$(dpkg-deb -f "$deb" Version)"
  git -C "$corpus" gc -q
  echo "$(dpkg-deb -f "$deb" Package)=$(dpkg-deb -f "$deb" Version)" > "$corpus/.git/ddd-bench-corpus"
fi

files=$(git -C "$corpus" ls-files | wc -l)
bytes=$(git -C "$corpus" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
        awk '$1 == "blob" { s += $2 } END { print s }')
log "corpus: $(cat "$corpus/.git/ddd-bench-corpus"), $files files, $bytes bytes"

out="$bench_dir/runbooks-results.json"
hyperfine --runs "$runs" --warmup 1 --export-json "$out" \
  -n "ddd scan --analyzers runbooks" \
  "$ddd scan '$corpus' --analyzers runbooks --format json --output /dev/null" \
  -n "git grep -c (baseline)" \
  "git -C '$corpus' grep -c -I -E 'health|ready|timeout|retr|fail_json|raise |panic|exit|backup|migrat|state: latest' HEAD >/dev/null || true" \
  >&2

read -r ddd_mean grep_mean < <(python3 - "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(r[0]["mean"], r[1]["mean"])
PY
)
"$ddd" scan "$corpus" --analyzers runbooks --format json --output "$bench_dir/runbooks-scan.json" 2>/dev/null || true
summary=$(python3 - "$bench_dir/runbooks-scan.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["details"]["runbooks"]
c = r.get("checklist", {})
print(f'{len(r["readiness"]["components"])} components, readiness {r["readiness"]["score"]}, '
      f'{sum(v for k, v in r["facts"].items())} facts, {len(r["operations"])} operations, '
      f'{sum(1 for f in d["findings"] if f["analyzer"] == "runbooks")} findings, '
      f'checklist {c.get("cited")} cited / {c.get("todo")} TODO')
PY
)
awk -v f="$files" -v d="$ddd_mean" -v g="$grep_mean" -v s="$summary" 'BEGIN {
  printf "files: %d\n", f
  printf "ddd scan --analyzers runbooks: %.3f s mean = %.1f ms per 1,000 files (%s)\n", d, 1000 * d / (f / 1000), s
  printf "git grep -c baseline:          %.3f s mean = %.1f ms per 1,000 files\n", g, 1000 * g / (f / 1000)
  printf "ratio ddd / git grep: %.2f\n", d / g
}'
