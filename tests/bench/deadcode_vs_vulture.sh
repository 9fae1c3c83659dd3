#!/usr/bin/env bash
# The Python dead-code pass against vulture, on one real project, in one run:
# wall time (hyperfine), peak RSS (/usr/bin/time), findings per category, and the share
# of real findings from the hand triage in deadcode_triage.tsv.
#
#   tests/bench/deadcode_vs_vulture.sh
#
# The project: httpie/cli at commit 5b604c37 (133 Python files), cloned once into
# $DDD_BENCH_DIR/deadcode/httpie from DDD_BENCH_HTTPIE_SOURCE (a clone URL or a local
# repository holding that commit; default: the project's GitHub repository).
# Needs build/tests/bench_deadcode_passes (ninja -C build bench_deadcode_passes); installs
# vulture, hyperfine and time from Debian when they are missing.
# Environment: DDD_BUILD_DIR (default build), DDD_BENCH_DIR (default build/bench),
# DDD_BENCH_RUNS (hyperfine runs per command, default 10).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$repo_root/tests/bench"
build_dir="${DDD_BUILD_DIR:-$repo_root/build}"
[[ "$build_dir" = /* ]] || build_dir="$repo_root/$build_dir"
bench_dir="${DDD_BENCH_DIR:-$repo_root/build/bench}"
runs="${DDD_BENCH_RUNS:-10}"
source_repo="${DDD_BENCH_HTTPIE_SOURCE:-https://github.com/httpie/cli.git}"
commit=5b604c37c6c67e18e7c3e9aee6c88a8c22b98345
ddd="$build_dir/tests/bench_deadcode_passes"
triage="$here/deadcode_triage.tsv"

log() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

[[ -x "$ddd" ]] || die "$ddd not built: ninja -C $build_dir bench_deadcode_passes"

need=()
command -v vulture >/dev/null || need+=(vulture)
command -v hyperfine >/dev/null || need+=(hyperfine)
[[ -x /usr/bin/time ]] || need+=(time)
if ((${#need[@]})); then
  as_root=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "missing ${need[*]} and not root: install them as root"
    as_root=(sudo)
  fi
  log "installing ${need[*]}"
  "${as_root[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
fi

project="$bench_dir/deadcode/httpie"
if [[ ! -d "$project/.git" ]] || [[ "$(git -C "$project" rev-parse HEAD 2>/dev/null)" != "$commit" ]]; then
  log "cloning httpie/cli at ${commit:0:8} from $source_repo"
  rm -rf "$project"
  mkdir -p "$(dirname "$project")"
  git clone --quiet --no-checkout "$source_repo" "$project"
  git -C "$project" -c advice.detachedHead=false checkout --quiet "$commit"
fi
out="$bench_dir/deadcode"
files=$(git -C "$project" ls-files '*.py' | wc -l)
log "project: httpie/cli ${commit:0:8}, $files Python files; vulture $(vulture --version | awk '{print $2}')"

# Findings (both tools read the whole checkout, tests included, with their defaults).
"$ddd" python "$project" >"$out/ddd.txt" 2>"$out/ddd.stats"
(cd "$project" && vulture . >"$out/vulture.txt") || true  # exit 1/3 when it finds something

# Time and memory.
hyperfine --style basic --warmup 2 --runs "$runs" -i --export-json "$out/hyperfine.json" \
  -n ddd "$ddd python $project" -n vulture "cd $project && vulture ." >"$out/hyperfine.txt"
rss() { { /usr/bin/time -f %M "$@" 2>&1 >/dev/null || true; } | tail -1; }
ddd_rss=$(rss "$ddd" python "$project")
vulture_rss=$(cd "$project" && rss vulture .)

python3 - "$out" "$triage" "$ddd_rss" "$vulture_rss" <<'EOF'
import json, re, sys
out, triage_path, ddd_rss, vulture_rss = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
means = {r["command"]: r["mean"] for r in json.load(open(f"{out}/hyperfine.json"))["results"]}
findings = {"ddd": [], "vulture": []}
for line in open(f"{out}/ddd.txt"):
    m = re.match(r"^(\S+:\d+): (\S+) (.+) (\S+) \(([\d.]+)\)", line)
    if m:
        findings["ddd"].append((m[1], m[4], m[2] + " " + m[3], float(m[5])))
for line in open(f"{out}/vulture.txt"):
    m = re.match(r"^(\S+:\d+): (unused \w+|unreachable code|redundant [\w ]+) '?([^']*)'? \((\d+)% confidence", line)
    if m:
        findings["vulture"].append((m[1], m[3], m[2], int(m[4]) / 100))
triage = {}
for line in open(triage_path):
    if line.startswith("#") or not line.strip():
        continue
    tool, where, name, verdict, _ = line.rstrip("\n").split("\t")
    triage[(tool, where, name)] = verdict
print(f"{'tool':8} {'mean wall':>10} {'peak RSS':>9} {'findings':>8} {'real':>5} {'debatable':>9} {'false pos.':>10} {'untriaged':>9} {'real share':>10}")
share = {}
for tool in ("ddd", "vulture"):
    counts = {"real": 0, "debatable": 0, "false-positive": 0, "untriaged": 0}
    for where, name, _, _ in findings[tool]:
        counts[triage.get((tool, where, name), "untriaged")] += 1
    n = len(findings[tool])
    share[tool] = counts["real"] / n if n else 0
    kb = ddd_rss if tool == "ddd" else vulture_rss
    print(f"{tool:8} {means[tool]:>9.3f}s {kb / 1024:>7.1f}MB {n:>8} {counts['real']:>5} {counts['debatable']:>9} "
          f"{counts['false-positive']:>10} {counts['untriaged']:>9} {share[tool]:>9.0%}")
for tool in ("ddd", "vulture"):
    cats = {}
    for _, _, cat, _ in findings[tool]:
        cats[cat] = cats.get(cat, 0) + 1
    print(f"{tool} by category: " + ", ".join(f"{k} {v}" for k, v in sorted(cats.items())))
ratio = means["ddd"] / means["vulture"]
print(f"time ddd/vulture: {ratio:.2f} (target <= 1: {'met' if ratio <= 1 else 'MISSED'}); "
      f"RSS ddd/vulture: {ddd_rss / vulture_rss:.2f}; "
      f"real share ddd {share['ddd']:.0%} vs vulture {share['vulture']:.0%} "
      f"(target higher: {'met' if share['ddd'] > share['vulture'] else 'MISSED'})")
EOF
log "ddd stats: $(cat "$out/ddd.stats" | head -1)"
log "outputs in $out/ (ddd.txt, vulture.txt, hyperfine.txt)"
