#!/usr/bin/env bash
# Dead-code benchmark: ddd's deadcode analyzer vs knip on one real TypeScript project,
# side by side in one run.
#
#   tests/bench/deadcode_vs_knip.sh PROJECT
#
# PROJECT is a git repository holding a real TypeScript project's sources committed
# (for the README figures: umami at c0ea3aefb, a Next.js app with 838 JS/TS files).
# knip needs the project's node_modules: the script runs `npm install --ignore-scripts`
# in PROJECT once (node_modules stays untracked; ddd reads the committed tree only).
# knip is installed once into the work directory from npm's configured registry.
# Measures wall time (best of $DDD_BENCH_RUNS, default 3) and peak RSS (/usr/bin/time)
# of `ddd scan --analyzers deadcode` and `knip --reporter json`, counts findings per
# category and writes both reports plus a side-by-side list of unused files to the work
# directory for triage (README.md "Dead code vs knip").
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ddd="${DDD_BUILD_DIR:-$repo_root/build}/ddd"
work="${DDD_BENCH_DIR:-$repo_root/build/bench}/deadcode"
project="${1:?usage: deadcode_vs_knip.sh PROJECT (a git repository of a TypeScript project)}"
project="$(cd "$project" && pwd)"
runs="${DDD_BENCH_RUNS:-3}"
log() { echo "bench: $*" >&2; }

[[ -x "$ddd" ]] || { echo "build ddd first (deploy/setup.sh)" >&2; exit 1; }
git -C "$project" rev-parse HEAD >/dev/null 2>&1 || { echo "$project is not a git repository with a commit" >&2; exit 2; }
mkdir -p "$work"
export npm_config_registry="$(npm config get registry 2>/dev/null | tail -1)"

if [[ ! -x "$work/tools/node_modules/.bin/knip" ]]; then
  log "installing knip into $work/tools"
  npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$work/tools" knip typescript >/dev/null
fi
knip="$work/tools/node_modules/.bin/knip"
if [[ ! -d "$project/node_modules" ]]; then
  log "npm install --ignore-scripts in $project (for knip)"
  (cd "$project" && npm install --ignore-scripts --legacy-peer-deps --no-audit --no-fund --silent >/dev/null)
fi
files=$(git -C "$project" ls-files | grep -cE '\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$' || true)
log "project: $project at $(git -C "$project" rev-parse --short HEAD), $files JS/TS files; knip $("$knip" --version)"

measure() {  # name, command...: best wall and CPU (user+sys) seconds, peak RSS (MB) over $runs runs
  local name="$1"; shift
  local best=999999 cpu=999999 rss=0
  for _ in $(seq "$runs"); do
    (cd "$project" && /usr/bin/time -f "%e %M %U %S" -o "$work/time.txt" "$@" >"$work/$name.out" 2>"$work/$name.err") || true
    read -r secs kb user sys < <(tail -1 "$work/time.txt")
    best=$(python3 -c "print(min($best, $secs))")
    cpu=$(python3 -c "print(min($cpu, $user + $sys))")
    rss=$(( kb / 1024 > rss ? kb / 1024 : rss ))
  done
  echo "$name $best $rss $cpu"
}

ddd_line=$(measure ddd "$ddd" scan "$project" --analyzers deadcode --format json --output "$work/ddd.json")
knip_line=$(measure knip "$knip" --reporter json --no-exit-code --no-progress)
cp "$work/knip.out" "$work/knip.json"

python3 - "$work" "$ddd_line" "$knip_line" <<'EOF'
import json, sys, collections
work, ddd_line, knip_line = sys.argv[1:4]
_, d_secs, d_rss, d_cpu = ddd_line.split(); _, k_secs, k_rss, k_cpu = knip_line.split()
d_secs, d_rss, k_secs, k_rss = float(d_secs), int(d_rss), float(k_secs), int(k_rss)
d_cpu, k_cpu = float(d_cpu), float(k_cpu)

ddd = json.load(open(f"{work}/ddd.json"))
dc = collections.Counter()
unused_ddd, high = [], collections.Counter()
for f in ddd["findings"]:
    if f["analyzer"] != "deadcode":
        continue
    kind = f["properties"]["kind"]
    dc[kind] += 1
    if f["properties"]["confidence"] >= 0.85:
        high[kind] += 1
    if kind == "unused-file":
        unused_ddd.append(f["path"])

knip = json.load(open(f"{work}/knip.json"))
kc = collections.Counter()
unused_knip = list(knip.get("files", []))
kc["unused-file"] = len(unused_knip)
for issue in knip.get("issues", []):
    for key, items in issue.items():
        if key in ("file", "owners") or not isinstance(items, (list, dict)):
            continue
        n = len(items)
        if key == "files":
            if n and issue["file"] not in unused_knip:
                unused_knip.append(issue["file"])
                kc["unused-file"] += 1
            continue
        kc[{"dependencies": "unused-dependency", "devDependencies": "unused-dependency",
            "optionalPeerDependencies": "unused-dependency", "unlisted": "unlisted-dependency",
            "exports": "unused-export", "types": "unused-export", "nsExports": "unused-export",
            "nsTypes": "unused-export", "duplicates": "duplicate-export", "enumMembers": "unused-member",
            "classMembers": "unused-member", "binaries": "unlisted-binary", "unresolved": "unresolved-import"}
           .get(key, key)] += n

print(f"| tool | wall (s) | CPU user+sys (s) | peak RSS (MB) |")
print(f"|---|---|---|---|")
print(f"| ddd deadcode | {d_secs:.2f} | {d_cpu:.2f} | {d_rss} |")
print(f"| knip | {k_secs:.2f} | {k_cpu:.2f} | {k_rss} |")
print(f"| ratio | knip/ddd {k_secs / max(d_secs, 0.001):.1f}x | knip/ddd {k_cpu / max(d_cpu, 0.001):.1f}x | ddd/knip {d_rss / max(k_rss, 1):.3f} |")
print()
print("| category | ddd (all) | ddd (conf >= 0.85) | knip |")
print("|---|---|---|---|")
for cat in sorted(set(dc) | set(kc)):
    print(f"| {cat} | {dc.get(cat, 0)} | {high.get(cat, 0)} | {kc.get(cat, 0)} |")
with open(f"{work}/unused-files.tsv", "w") as out:
    for p in sorted(set(unused_ddd) | set(unused_knip)):
        out.write(f"{p}\t{'ddd' if p in unused_ddd else ''}\t{'knip' if p in unused_knip else ''}\n")
print(f"\nreports: {work}/ddd.json, {work}/knip.json, {work}/unused-files.tsv (for triage)")
EOF
