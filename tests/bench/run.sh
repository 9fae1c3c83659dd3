#!/usr/bin/env bash
# Runs ddd's benchmarks and prints the ratios, all measured in this one run.
#
#   tests/bench/run.sh [scan] [branch]     (default: both)
#
#   scan    ddd scan of a large real tree (the Python files of Debian's ansible packages,
#           committed into a git repository) vs rg on the checkout vs git grep -E on the
#           commit, with the Python rule pack's patterns; peak RSS of the scan.
#   branch  one fix branch touching 10 files of a 50,000-file repository: ddd in memory
#           (bench_branch_create) vs git worktree add + edit + git commit.
#
# Needs build/ddd and build/tests/bench_branch_create (deploy/setup.sh builds both) and
# installs hyperfine, ripgrep and time from Debian when missing. The corpora are made once
# and cached in $DDD_BENCH_DIR (default build/bench).
# Environment: DDD_BUILD_DIR (default build), DDD_BENCH_DIR, DDD_BENCH_RUNS (hyperfine
# runs per command, default 5), DDD_BENCH_STRICT=1 (exit 1 when a target is missed),
# DDD_BENCH_TMPFS=0 (skip the branch benchmark's second pass on /dev/shm).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$repo_root/tests/bench"
build_dir="${DDD_BUILD_DIR:-$repo_root/build}"
[[ "$build_dir" = /* ]] || build_dir="$repo_root/$build_dir"
bench_dir="${DDD_BENCH_DIR:-$repo_root/build/bench}"
runs="${DDD_BENCH_RUNS:-5}"
strict="${DDD_BENCH_STRICT:-0}"
ddd="$build_dir/ddd"
cores="$(nproc)"

log() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

parts=("$@")
((${#parts[@]})) || parts=(scan branch)
for part in "${parts[@]}"; do
  [[ "$part" == scan || "$part" == branch ]] || die "unknown part '$part' (scan, branch)"
done
want() { [[ " ${parts[*]} " == *" $1 "* ]]; }

# --- tools --------------------------------------------------------------------------------
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v rg >/dev/null || need+=(ripgrep)
[[ -x /usr/bin/time ]] || need+=(time)
command -v python3 >/dev/null || need+=(python3)
if ((${#need[@]})); then
  as_root=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "missing ${need[*]} and not root: install them as root"
    as_root=(sudo)
  fi
  log "installing ${need[*]} from Debian"
  "${as_root[@]}" apt-get update -q >&2
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >&2
fi

mkdir -p "$bench_dir"
results="$bench_dir/results.txt"
: > "$results"
missed=0
report() { echo "$*" | tee -a "$results"; }
# target NAME VALUE OP LIMIT: prints met/MISSED and remembers misses
target() {
  if python3 -c "import sys; v, l = float('$2'), float('$4'); sys.exit(0 if (v $3 l) else 1)"; then
    report "  target $1: $2 $3 $4: met"
  else
    report "  target $1: $2 $3 $4: MISSED"
    missed=$((missed + 1))
  fi
}
json_get() {  # json_get FILE PYTHON-EXPRESSION-ON-d
  python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print($2)" "$1"
}
fmt() { python3 -c "print('%.${2:-2}f' % float('$1'))"; }

report "ddd benchmarks, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo '?'), $cores cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
log "timings are only meaningful on an otherwise idle machine (see the load average above)"

# --- scan ---------------------------------------------------------------------------------
if want scan; then
  [[ -x "$ddd" ]] || die "$ddd not found: run deploy/setup.sh first (or set DDD_BUILD_DIR)"
  corpus="$(DDD_BENCH_DIR="$bench_dir" "$here/make_ansible_corpus.sh" | tail -1)"
  patterns="$bench_dir/patterns"
  python3 "$here/grep_patterns.py" --check "$patterns"
  npat=$(wc -l < "$patterns/patterns.ere")
  files=$(git -C "$corpus" ls-files '*.py' | wc -l)
  scan_cmd="$ddd scan $corpus --analyzers deprecations --format json --output /dev/null"
  # ddd skips files over 1 MiB by default; the line tools read them. This one reads them too.
  scan_all_cmd="$scan_cmd --max-file-size 1GiB"
  rg_cmd="rg -c -f $patterns/patterns.rg -g '*.py' $corpus"
  rga_cmd="rg --no-unicode -c -f $patterns/patterns.rg -g '*.py' $corpus"
  gge_cmd="git -C $corpus grep -c -E -f $patterns/patterns.ere HEAD -- '*.py'"
  ggp_cmd="git -C $corpus grep -c -P -f $patterns/patterns.rg HEAD -- '*.py'"

  # One run of each tool under /usr/bin/time: its count of findings / matching lines, its
  # CPU use (over 100% = more than one busy thread) and its wall time.
  counted() {  # counted NAME COMMAND -> $bench_dir/NAME.out, NAME.time ("wall cpu% maxrss_kb")
    log "counted run: $1"
    /usr/bin/time -o "$bench_dir/$1.time" -f '%e %P %M' bash -c "$2" > "$bench_dir/$1.out" || true
  }
  sum_counts() { awk -F: '{ s += $NF } END { print s + 0 }' "$bench_dir/$1.out"; }
  field() { cut -d' ' -f"$2" "$bench_dir/$1.time"; }
  counted ddd "$ddd scan $corpus --analyzers deprecations --format json --output $bench_dir/scan.json"
  counted rg "$rg_cmd"
  counted rg-no-unicode "$rga_cmd"
  counted git-grep-P "$ggp_cmd"
  counted git-grep-E "$gge_cmd"
  ddd_findings=$(json_get "$bench_dir/scan.json" "len(d['findings'])")
  ddd_files=$(json_get "$bench_dir/scan.json" "d['stats']['files']")
  ddd_skipped=$(json_get "$bench_dir/scan.json" "d['stats']['skipped']")
  rg_matches=$(rg --no-unicode --count-matches -f "$patterns/patterns.rg" -g '*.py' "$corpus" | awk -F: '{ s += $NF } END { print s + 0 }')

  log "timing with hyperfine ($runs runs each, 1 warm-up); git grep -E is timed by its one counted run above (it takes minutes)"
  hyperfine --warmup 1 --runs "$runs" --ignore-failure --export-json "$bench_dir/scan-hyperfine.json" \
    -n ddd "$scan_cmd" -n ddd-no-size-limit "$scan_all_cmd" -n rg "$rg_cmd" -n rg-no-unicode "$rga_cmd" -n git-grep-P "$ggp_cmd" >&2
  mean() { json_get "$bench_dir/scan-hyperfine.json" "[r['mean'] for r in d['results'] if r['command'] == '$1'][0]"; }
  t_ddd=$(mean ddd); t_ddd_all=$(mean ddd-no-size-limit); t_rg=$(mean rg); t_rga=$(mean rg-no-unicode); t_ggp=$(mean git-grep-P)
  t_gge=$(field git-grep-E 1)
  ratio() { python3 -c "print('%.3g' % ($1 / $2))"; }

  log "peak RSS of the scan (/usr/bin/time -v)"
  rss_kb=$(/usr/bin/time -v "$ddd" scan "$corpus" --analyzers deprecations --format json --output /dev/null 2>&1 \
    | sed -n 's/.*Maximum resident set size (kbytes): *//p')
  rss_mb=$(python3 -c "print('%.0f' % ($rss_kb / 1024))")

  report ""
  report "scan: $(cat "$corpus/.git/ddd-bench-corpus")"
  report "  $npat patterns of analyzers/deprecations/packs/python.json (translations: $patterns/patterns.tsv)"
  report "  threads: every tool at its default, $cores here (ddd --threads = cores, rg = cores,"
  report "  git grep's grep.threads = cores); CPU is what /usr/bin/time saw in the counted run."
  row() { printf '  %-18s %10s  %6s  %s\n' "$@" | tee -a "$results"; }
  row "tool" "mean wall" "CPU" "count"
  row "ddd scan" "$(fmt "$t_ddd" 3) s" "$(field ddd 2)" "$ddd_findings findings in $ddd_files files ($ddd_skipped over 1 MiB skipped)"
  row "ddd, no size limit" "$(fmt "$t_ddd_all" 3) s" "" "(--max-file-size 1GiB: every file read, as the line tools do)"
  row "rg" "$(fmt "$t_rg" 3) s" "$(field rg 2)" "$(sum_counts rg) matching lines"
  row "rg --no-unicode" "$(fmt "$t_rga" 3) s" "$(field rg-no-unicode 2)" "$(sum_counts rg-no-unicode) matching lines ($rg_matches matches)"
  row "git grep -E" "$(fmt "$t_gge" 1) s" "$(field git-grep-E 2)" "$(sum_counts git-grep-E) matching lines (1 run)"
  row "git grep -P" "$(fmt "$t_ggp" 3) s" "$(field git-grep-P 2)" "$(sum_counts git-grep-P) matching lines"
  r_rg=$(ratio "$t_ddd" "$t_rg"); r_rga=$(ratio "$t_ddd" "$t_rga"); r_gge=$(ratio "$t_ddd" "$t_gge"); r_ggp=$(ratio "$t_ddd" "$t_ggp")
  r_all=$(ratio "$t_ddd_all" "$t_rga")
  report "  ddd/rg = $r_rg   ddd/rg-no-unicode = $r_rga   ddd/git-grep-E = $r_gge   ddd/git-grep-P = $r_ggp"
  report "  ddd with no size limit / rg-no-unicode = $r_all"
  report "  peak RSS of the scan: $rss_mb MB"
  target "ddd/rg-no-unicode (same ASCII semantics)" "$r_rga" "<=" 1.5
  target "ddd/rg" "$r_rg" "<=" 1.5
  target "ddd/git-grep-E" "$r_gge" "<=" 1.0
  target "peak-RSS-MB" "$rss_mb" "<" 200
fi

# --- branch -------------------------------------------------------------------------------
if want branch; then
  bench_bin="$(find "$build_dir" -type f -name bench_branch_create -perm -u+x -print -quit 2>/dev/null || true)"
  [[ -n "$bench_bin" ]] || die "bench_branch_create not found under $build_dir: run deploy/setup.sh (needs libbenchmark-dev)"
  big="$(python3 "$here/make_big_repo.py" "$bench_dir/big-repo" | tail -1)"
  edit_list="$big/ddd-bench-edit-list"

  # branch_side LABEL REPO WORKTREE: both sides on one repository; sets the t_* variables.
  # The ddd side runs first: the git side deletes 50,000 files after each run, and ext4
  # makes new files slowly for a minute or more after mass deletions (it skips recently
  # freed inodes), which would be charged to whatever runs next.
  branch_side() {
    local label="$1" repo="$2" worktree="$3" out="$bench_dir/branch-$1"
    log "$label, ddd side: $bench_bin (5 repetitions, median)"
    "$bench_bin" "$repo" "$edit_list" --benchmark_repetitions=5 --benchmark_out="$out-benchmark.json" \
      --benchmark_out_format=json 2>&1 | tee "$out-benchmark.txt" >&2
    bm() { json_get "$out-benchmark.json" "[b['real_time'] for b in d['benchmarks'] if b['name'] == '$1_median'][0]"; }
    t_create=$(bm BM_CreateFixBranch); t_update=$(bm BM_UpdateFixBranch); t_open=$(bm BM_OpenAndCreateFixBranch)
    t_cold=$(sed -n 's/.*first branch in this process (cold): \([0-9.]*\) ms/\1/p' "$out-benchmark.txt")

    log "$label, git CLI side: worktree add + edit + commit ($runs runs, worktree removed before each)"
    local clean_cmd="$here/git_cli_branch.sh clean $repo $worktree"
    hyperfine --runs "$runs" --prepare "$clean_cmd" --export-json "$out-hyperfine.json" \
      -n git-cli "$here/git_cli_branch.sh run $repo $worktree $edit_list" >&2
    $clean_cmd
    t_cli=$(json_get "$out-hyperfine.json" "d['results'][0]['mean'] * 1000")
    t_cli_min=$(json_get "$out-hyperfine.json" "d['results'][0]['min'] * 1000")
  }
  branch_report() {
    local ratio ratio_cold
    ratio=$(python3 -c "print('%.0f' % ($t_cli / $t_create))")
    ratio_cold=$(python3 -c "print('%.0f' % ($t_cli / $t_cold))")
    report "  ddd, new branch (median of 5)       $(fmt "$t_create" 2) ms"
    report "  ddd, branch moved (a rerun)         $(fmt "$t_update" 2) ms"
    report "  ddd, open repository + new branch   $(fmt "$t_open" 2) ms"
    report "  ddd, first branch of a process      $(fmt "$t_cold" 2) ms"
    report "  git worktree add + edit + commit    $(fmt "$t_cli" 0) ms (mean of $runs; fastest $(fmt "$t_cli_min" 0) ms)"
    report "  git-cli/ddd = ${ratio}x (${ratio_cold}x against ddd's first branch of a process)"
    if [[ "$1" == disk ]]; then
      target "ddd-branch-ms" "$(fmt "$t_create" 2)" "<=" 50
      target "git-cli/ddd" "$ratio" ">=" 20
    fi
  }

  git -C "$big" prune --expire=now  # objects left by an interrupted run
  report ""
  report "branch: $(cat "$big/ddd-bench-big-repo"), 10 files edited"
  report "on disk ($(df -T "$big" | awk 'NR == 2 { print $2 }'), $big):"
  branch_side disk "$big" "$bench_dir/cli-worktree"
  git -C "$big" prune --expire=now
  branch_report disk

  # The same on tmpfs: what is left is the programs' own cost, without the disk.
  if [[ "${DDD_BENCH_TMPFS:-1}" == 1 && -d /dev/shm && -w /dev/shm ]]; then
    shm="$(mktemp -d /dev/shm/ddd-bench.XXXXXX)"
    cp -a "$big" "$shm/repo"
    report "on tmpfs (/dev/shm, a copy):"
    branch_side tmpfs "$shm/repo" "$shm/worktree"
    rm -rf "$shm"
    branch_report tmpfs
  fi
fi

report ""
report "results written to $results"
if ((missed > 0 && strict == 1)); then
  exit 1
fi
