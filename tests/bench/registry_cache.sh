#!/usr/bin/env bash
# Registry answers kept in the state store: `ddd run --local` on a project with N npm
# dependencies against a fake registry on loopback whose packuments are the size of real
# ones (V versions each, ETag + 304 on If-None-Match), first run (cold: every packument
# sent) vs second run (warm: conditional GETs, 304s) on the same state file, in one run.
# The fake registry can add a per-response latency (LATENCY_MS) and a bandwidth
# (MBIT, 0 = unlimited) to model a registry across a network.
#
#   tests/bench/registry_cache.sh [deps=60] [versions=300]
#   LATENCY_MS=30 MBIT=100 tests/bench/registry_cache.sh
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ddd="${DDD_BUILD_DIR:-$repo_root/build}/ddd"
deps="${1:-60}"
versions="${2:-300}"
runs="${DDD_BENCH_RUNS:-3}"
[[ -x "$ddd" ]] || { echo "build ddd first" >&2; exit 1; }
work="$(mktemp -d)"
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

cat >"$work/registry.py" <<'EOF'
import hashlib, json, sys, time, threading
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
deps, versions = int(sys.argv[1]), int(sys.argv[2])
latency, mbit = float(sys.argv[3]) / 1000, float(sys.argv[4])
docs = {}
for i in range(deps):
    name = f"pkg{i}"
    vs = {f"1.{m}.{p}": {"name": name, "version": f"1.{m}.{p}",
                         "description": "a package " * 20,
                         "dependencies": {f"dep{k}": "^1.0.0" for k in range(8)},
                         "dist": {"integrity": "sha512-" + hashlib.sha512(f"{name}{m}{p}".encode()).hexdigest(),
                                  "tarball": f"/t/{name}-1.{m}.{p}.tgz"}}
          for m in range(versions // 10) for p in range(10)}
    last = list(vs)[-1]
    body = json.dumps({"name": name, "dist-tags": {"latest": last}, "versions": vs,
                       "time": {v: "2020-01-01T00:00:00.000Z" for v in vs}}).encode()
    docs["/" + name] = (body, '"' + hashlib.sha1(body).hexdigest() + '"')
stats = {"200": 0, "304": 0, "bytes": 0}
lock = threading.Lock()
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        if self.path == "/__stats":
            b = json.dumps(stats).encode()
            with lock:
                stats.update({"200": 0, "304": 0, "bytes": 0})
            self.send_response(200); self.send_header("Content-Length", str(len(b))); self.end_headers(); self.wfile.write(b); return
        doc = docs.get(self.path)
        if doc is None:
            self.send_response(404); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"{}"); return
        body, etag = doc
        time.sleep(latency)
        if self.headers.get("If-None-Match") == etag:
            with lock: stats["304"] += 1
            self.send_response(304); self.send_header("ETag", etag); self.send_header("Content-Length", "0"); self.end_headers(); return
        if mbit > 0: time.sleep(len(body) * 8 / (mbit * 1e6))
        with lock: stats["200"] += 1; stats["bytes"] += len(body)
        self.send_response(200); self.send_header("Content-Type", "application/json")
        self.send_header("ETag", etag); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
s = ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
EOF
python3 "$work/registry.py" "$deps" "$versions" "${LATENCY_MS:-0}" "${MBIT:-0}" >"$work/port" &
server_pid=$!
for _ in $(seq 100); do [[ -s "$work/port" ]] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$work/port")"

mkdir "$work/repo"
python3 - "$deps" >"$work/repo/package.json" <<'EOF'
import json, sys
print(json.dumps({"name": "bench", "dependencies": {f"pkg{i}": "^1.0.0" for i in range(int(sys.argv[1]))}}, indent=2))
EOF
echo '{"dependencies": {"minimumReleaseAgeDays": 0}}' >"$work/repo/.ddd.json"
git -C "$work/repo" init -q -b main
git -C "$work/repo" -c user.name=b -c user.email=b@b add -A
git -C "$work/repo" -c user.name=b -c user.email=b@b commit -qm init

stats() { curl -s "$url/__stats"; }
run() {  # run <state file> -> seconds
  local t0 t1
  t0=$(date +%s.%N)
  npm_config_registry="$url" "$ddd" run --local "$work/repo" --analyzers dependencies \
    --state "$1" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
best_cold=999; best_warm=999
for r in $(seq "$runs"); do
  rm -f "$work/state.sqlite"*
  git -C "$work/repo" for-each-ref --format='%(refname)' refs/heads/ddd | xargs -r -n1 git -C "$work/repo" update-ref -d
  stats >/dev/null
  cold=$(run "$work/state.sqlite"); cold_stats=$(stats)
  warm=$(run "$work/state.sqlite"); warm_stats=$(stats)
  best_cold=$(echo "if ($cold < $best_cold) $cold else $best_cold" | bc)
  best_warm=$(echo "if ($warm < $best_warm) $warm else $best_warm" | bc)
done
state_bytes=$(du -b "$work/state.sqlite" | cut -f1)
echo "deps=$deps versions=$versions latency=${LATENCY_MS:-0}ms bandwidth=${MBIT:-0}Mbit (0=unlimited) runs=$runs"
echo "first run (cold):  ${best_cold}s  registry: $cold_stats"
echo "second run (warm): ${best_warm}s  registry: $warm_stats"
echo "ratio warm/cold: $(echo "scale=3; $best_warm / $best_cold" | bc)   state file: $state_bytes bytes"
