#!/usr/bin/env bash
# Dependency look-up benchmark: ddd vs npm-check-updates (and Renovate where it runs) on a
# real npm project with no lockfile, all in one run against the same registry.
#
#   tests/bench/deps_vs_ncu.sh [package@version]     (default eslint@8.57.0: 35 deps + 40 dev deps)
#
# The project is the package.json of the published package (`npm pack`), committed into
# a new git repository. The registry is npm's own configured one (`npm config get
# registry`), handed to ddd through npm_config_registry: no host name is written here.
# Measures wall time (best of $DDD_BENCH_RUNS, default 3) and peak RSS (/usr/bin/time),
# then compares the target versions: ncu --target latest --cooldown 0 --jsonUpgraded vs
# ddd's proposed values (rangeStrategy bump, minimumReleaseAgeDays 0).
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ddd="${DDD_BUILD_DIR:-$repo_root/build}/ddd"
work="${DDD_BENCH_DIR:-$repo_root/build/bench}/deps"
spec="${1:-eslint@8.57.0}"
runs="${DDD_BENCH_RUNS:-3}"
log() { echo "bench: $*" >&2; }

[[ -x "$ddd" ]] || { echo "build ddd first (deploy/setup.sh)" >&2; exit 1; }
mkdir -p "$work"
registry="$(npm config get registry 2>/dev/null | tail -1)"
export npm_config_registry="$registry"

# The tools, installed once into the work directory (bench only; never needed by tests).
if [[ ! -x "$work/tools/node_modules/.bin/ncu" ]]; then
  log "installing npm-check-updates into $work/tools"
  npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$work/tools" npm-check-updates >/dev/null
fi
ncu="$work/tools/node_modules/.bin/ncu"

# The project.
project="$work/project"
if [[ ! -d "$project/.git" ]]; then
  rm -rf "$project" && mkdir -p "$project"
  (cd "$work" && npm pack --silent "$spec" >/dev/null && tar -xzf ./*.tgz -C "$project" --strip-components=1 package/package.json && rm -f ./*.tgz)
  printf '{"analyzers": ["dependencies"], "dependencies": {"minimumReleaseAgeDays": 0, "rangeStrategy": "bump"}}\n' > "$project/.ddd.json"
  git -C "$project" init -q && git -C "$project" add -A &&
    git -C "$project" -c user.name=bench -c user.email=bench@example.invalid commit -qm project
fi
deps=$(python3 -c "import json,sys; p=json.load(open('$project/package.json')); print(sum(len(p.get(k,{})) for k in ('dependencies','devDependencies','peerDependencies','optionalDependencies')))")
log "project: $spec, $deps dependencies, registry from npm's configuration"

measure() {  # name, command...: best wall seconds and peak RSS (MB) over $runs runs
  local name="$1"; shift
  local best=999999 rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/$name.out" 2>"$work/$name.err" || true
    read -r secs kb < "$work/time.txt"
    best=$(python3 -c "print(min($best, $secs))")
    rss=$(( kb / 1024 > rss ? kb / 1024 : rss ))
  done
  echo "$name $best $rss"
}

ddd_line=$(measure ddd "$ddd" scan "$project" --analyzers dependencies --format json --output "$work/ddd.json")
ncu_line=$(measure ncu "$ncu" --target latest --cooldown 0 --jsonUpgraded --packageFile "$project/package.json")
cp "$work/ncu.out" "$work/ncu.json"

python3 - "$work" "$ddd_line" "$ncu_line" <<'PY'
import json, sys
work, ddd_line, ncu_line = sys.argv[1:4]
d = ddd_line.split(); n = ncu_line.split()
report = json.load(open(f"{work}/ddd.json"))
ours = {}
for dep in report["details"]["dependencies"]["dependencies"]:
    if dep.get("newValue"):
        ours[dep["name"]] = dep["newValue"]
theirs = json.load(open(f"{work}/ncu.json"))
same = sorted(k for k in ours if theirs.get(k) == ours[k])
only_ours = sorted(k for k in ours if k not in theirs)
only_theirs = sorted(k for k in theirs if k not in ours)
differ = sorted(k for k in ours if k in theirs and theirs[k] != ours[k])
print(f"ddd: {float(d[1]):.2f} s, {d[2]} MB peak RSS")
print(f"npm-check-updates: {float(n[1]):.2f} s, {n[2]} MB peak RSS")
print(f"ratio ncu/ddd wall: {float(n[1]) / max(float(d[1]), 1e-3):.1f}x; RSS ddd/ncu: {int(d[2]) / max(int(n[2]), 1):.2f}")
print(f"updates: ddd {len(ours)}, ncu {len(theirs)}, same target {len(same)}")
for k in differ: print(f"  differ: {k}: ddd {ours[k]} vs ncu {theirs[k]}")
for k in only_ours: print(f"  only ddd: {k} -> {ours[k]}")
for k in only_theirs: print(f"  only ncu: {k} -> {theirs[k]}")
PY
if node -e 'process.exit(+process.versions.node.split(".")[0] >= 24 ? 0 : 1)'; then
  log "Renovate: run renovate --platform=local --dry-run=lookup in $project to compare"
else
  log "Renovate not measured: it needs Node >= 24 and this machine has $(node --version)"
fi
