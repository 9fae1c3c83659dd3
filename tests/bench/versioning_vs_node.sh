#!/usr/bin/env bash
# Range matching: ddd's versioning (bench_versioning) vs Debian's node-semver (npm ranges)
# and python3-packaging (PEP 440 specifier sets) on the same generated lists (10,000
# versions x 1,000 ranges each), measured in this one run. Prints the throughputs and the
# ratios ddd/reference (above 1: ddd is faster).
#
#   tests/bench/versioning_vs_node.sh
#
# Needs build/tests/bench_versioning (cmake --build build --target bench_versioning),
# node and node-semver (deploy/setup.sh). Environment: DDD_BUILD_DIR (default build).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir="${DDD_BUILD_DIR:-$repo_root/build}"
[[ "$build_dir" = /* ]] || build_dir="$repo_root/$build_dir"
bench="$build_dir/tests/bench_versioning"
die() { echo "versioning_vs_node: error: $*" >&2; exit 1; }
[[ -x "$bench" ]] || die "$bench not built: cmake --build $build_dir --target bench_versioning"
command -v node >/dev/null || die "node not found: run deploy/setup.sh"
[[ -f /usr/share/nodejs/semver/package.json ]] || die "Debian's node-semver is missing: run deploy/setup.sh"
/usr/bin/python3 -c 'import packaging.specifiers' 2>/dev/null || die "python3-packaging is missing: run deploy/setup.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bench" --dump-cases "$work/cases.json"

cat > "$work/node_bench.js" <<'JS'
const semver = require('semver');
const fs = require('fs');
const c = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
function measure(fn) {
  for (let warm = 0; warm < 2; ++warm) fn(20000);  // let the JIT settle
  let n = 20000, elapsed = 0, done = 0;
  const start = process.hrtime.bigint();
  while (elapsed < 2e9) {
    fn(n); done += n;
    elapsed = Number(process.hrtime.bigint() - start);
  }
  return done / (elapsed / 1e9);
}
let i = 0, matched = 0;
const satisfies = measure(k => {
  for (let j = 0; j < k; ++j, ++i) {
    const r = c.ranges[i % c.ranges.length];
    const v = c.versions[(i * 7919) % c.versions.length];
    if (semver.satisfies(v, r)) ++matched;
  }
});
let r = 0;
const maxSat = measure(k => {
  for (let j = 0; j < k / 10000; ++j) semver.maxSatisfying(c.versions, c.ranges[r++ % c.ranges.length]);
}) ;
console.log(JSON.stringify({satisfies, maxSatisfyingVersions: maxSat, matched}));
JS
node_out="$(NODE_PATH=/usr/share/nodejs node "$work/node_bench.js" "$work/cases.json")"
py_out="$(/usr/bin/python3 - "$work/cases.json" <<'PY'
import json, sys, time
from packaging.specifiers import SpecifierSet
c = json.load(open(sys.argv[1]))
vs, specs = c["pep440_versions"], c["pep440_specs"]
def loop(k, state=[0]):
    i = state[0]
    for _ in range(k):
        SpecifierSet(specs[i % len(specs)]).contains(vs[(i * 7919) % len(vs)])
        i += 1
    state[0] = i
loop(20000)
done, start = 0, time.perf_counter()
while time.perf_counter() - start < 2:
    loop(20000); done += 20000
print(json.dumps({"contains": done / (time.perf_counter() - start)}))
PY
)"
"$bench" --benchmark_filter='BM_NpmMatchesStrings|BM_NpmMaxSatisfying|BM_Pep440MatchesStrings' --benchmark_format=json \
  --benchmark_min_time=1 > "$work/ddd.json" 2>/dev/null

python3 - "$work/ddd.json" "$node_out" "$py_out" <<'PY'
import json, sys
ddd = {b["name"]: b["items_per_second"] for b in json.load(open(sys.argv[1]))["benchmarks"]}
node, py = json.loads(sys.argv[2]), json.loads(sys.argv[3])
rows = [("npm satisfies(version, range) from text", ddd["BM_NpmMatchesStrings"], "node-semver", node["satisfies"]),
        ("npm maxSatisfying, versions scanned", ddd["BM_NpmMaxSatisfying"], "node-semver", node["maxSatisfyingVersions"]),
        ("PEP 440 SpecifierSet(s).contains(v)", ddd["BM_Pep440MatchesStrings"], "packaging", py["contains"])]
for name, ours, ref, theirs in rows:
    print(f"{name:42s} ddd {ours/1e6:8.2f} M/s   {ref:11s} {theirs/1e6:8.3f} M/s   ratio {ours/theirs:6.1f}x")
PY
