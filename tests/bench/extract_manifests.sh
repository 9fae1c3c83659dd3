#!/usr/bin/env bash
# Manifest extraction over a repository of 1,000 package.json files (20 dependencies
# each, in nested directories): `ddd scan --analyzers dependencies` offline (extraction
# and inventory, no look-ups) vs `git grep -c '"dependencies"'` on the same commit as a
# baseline that only reads the blobs. Target: well under a second.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ddd="${DDD_BUILD_DIR:-$repo_root/build}/ddd"
work="${DDD_BENCH_DIR:-$repo_root/build/bench}/manifests"
if [[ ! -d "$work/.git" ]]; then
  rm -rf "$work" && mkdir -p "$work"
  python3 - "$work" <<'PY'
import json, os, sys
root = sys.argv[1]
for i in range(1000):
    d = os.path.join(root, f"packages/group{i % 25}/pkg{i}")
    os.makedirs(d, exist_ok=True)
    deps = {f"dep-{(i * 7 + k) % 400}": f"^{k % 5}.{k % 7}.{k % 3}" for k in range(14)}
    dev = {f"@scope/tool-{(i + k) % 90}": f"~{k % 3}.{k}.0" for k in range(6)}
    json.dump({"name": f"pkg{i}", "version": "1.0.0", "dependencies": deps, "devDependencies": dev},
              open(os.path.join(d, "package.json"), "w"), indent=2)
PY
  git -C "$work" init -q && git -C "$work" add -A &&
    git -C "$work" -c user.name=bench -c user.email=bench@example.invalid commit -qm manifests
fi
printf '{"analyzers": ["dependencies"]}\n' > /dev/null
DDD_OFFLINE=1 hyperfine -N --warmup 1 --runs "${DDD_BENCH_RUNS:-5}" \
  "git -C $work grep -c \"dependencies\" HEAD" \
  "env DDD_OFFLINE=1 $ddd scan $work --analyzers dependencies --format json --output /dev/null"
DDD_OFFLINE=1 /usr/bin/time -f "ddd peak RSS: %M KB" "$ddd" scan "$work" --analyzers dependencies --format json --output /tmp/manifests.json
python3 -c "import json; d=json.load(open('/tmp/manifests.json')); print('dependencies listed:', d['details']['dependencies']['summary']['total'])"
