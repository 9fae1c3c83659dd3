#!/usr/bin/env bash
# The schedule layer, measured in this one run:
#   - cron next-time computation: ddd's parser (bench_schedules) vs Debian's python3-croniter
#     on the same 1,000 generated expressions, next 5 runs each, with and without parsing;
#   - extractSchedules over a generated git repository of about 4,000 files (crontabs,
#     cron.d, timers + services, CronJobs, Helm templates, workflows, Ansible tasks,
#     logrotate, and files without schedules), against reading every file of the same tree.
# Prints the throughputs and the ratios (above 1: ddd is faster).
#
#   tests/bench/schedules_vs_croniter.sh
#
# Needs build/tests/bench_schedules (cmake --build build --target bench_schedules) and
# python3-croniter (deploy/setup.sh). The corpus is made once and cached in
# $DDD_BENCH_DIR/schedules-corpus (default build/bench). Environment: DDD_BUILD_DIR.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build_dir="${DDD_BUILD_DIR:-$repo_root/build}"
[[ "$build_dir" = /* ]] || build_dir="$repo_root/$build_dir"
bench_dir="${DDD_BENCH_DIR:-$repo_root/build/bench}"
bench="$build_dir/tests/bench_schedules"
die() { echo "schedules_vs_croniter: error: $*" >&2; exit 1; }
[[ -x "$bench" ]] || die "$bench not built: cmake --build $build_dir --target bench_schedules"
/usr/bin/python3 -c 'import croniter' 2>/dev/null || die "python3-croniter is missing: run deploy/setup.sh"

corpus="$bench_dir/schedules-corpus"
if [[ ! -d "$corpus/.git" ]]; then
  rm -rf "$corpus"
  mkdir -p "$corpus"
  /usr/bin/python3 - "$corpus" <<'PY'
import os, random, sys
root = sys.argv[1]
r = random.Random(7)
def write(path, text):
    p = os.path.join(root, path)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, 'w') as f:
        f.write(text)
crons = ['*/5 * * * *', '0 3 * * *', '30 2 * * 1-5', '@daily', '15 4 1 * *', '0 */6 * * *',
         '0 0 * * 0', '45 23 * * fri', '0 1 1 1,4,7,10 *', '@weekly']
for i in range(600):
    lines = ['# jobs of service %d' % i, 'MAILTO=ops@example.com']
    for k in range(5):
        lines.append('%s /opt/svc%d/bin/job%d --flag' % (r.choice(crons), i, k))
    write('svc%d/crontab' % i, '\n'.join(lines) + '\n')
for i in range(200):
    write('etc%d/cron.d/job%d' % (i % 20, i), 'SHELL=/bin/sh\n%s root /usr/bin/task%d\n' % (r.choice(crons), i))
cals = ['daily', 'weekly', 'Mon..Fri *-*-* 03:00:00', '*:0/15', '*-*-01 04:00', 'Sat *-*-1..7 05:00']
for i in range(300):
    write('units/u%d/task%d.timer' % (i % 30, i), '[Unit]\nDescription=t\n\n[Timer]\nOnCalendar=%s\nPersistent=true\n' % r.choice(cals))
    write('units/u%d/task%d.service' % (i % 30, i), '[Service]\nType=oneshot\nExecStart=/usr/bin/task%d\n' % i)
for i in range(300):
    write('k8s/app%d/jobs.yaml' % i, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web%d\n---\n'
          'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: job%d\nspec:\n  schedule: "%s"\n'
          '  concurrencyPolicy: Forbid\n  jobTemplate:\n    spec:\n      template:\n        spec:\n'
          '          containers:\n          - name: c\n            image: busybox\n'
          '            command: ["run", "%d"]\n' % (i, i, r.choice(crons[:9]), i))
for i in range(100):
    write('charts/c%d/templates/cronjob.yaml' % i, 'kind: CronJob\nspec:\n  schedule: {{ .Values.s }}\n')
for i in range(200):
    write('repo%d/.github/workflows/nightly.yml' % i, 'name: Nightly %d\non:\n  schedule:\n    - cron: "%s"\n'
          'jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n' % (i, r.choice(crons[:9])))
for i in range(300):
    write('roles/r%d/tasks/main.yml' % i, '- name: Dump\n  ansible.builtin.cron:\n    name: dump%d\n'
          '    minute: "0"\n    hour: "%d"\n    job: /usr/bin/dump\n- name: Install\n  apt:\n    name: x\n' % (i, i % 24))
for i in range(200):
    write('logrotate%d/logrotate.d/app' % (i % 10) + str(i), '/var/log/app%d/*.log {\n  daily\n  rotate 7\n  maxsize 100M\n  compress\n}\n' % i)
for i in range(1500):
    kind = i % 3
    if kind == 0:
        write('src/pkg%d/mod%d.py' % (i % 50, i), 'import os\n\ndef f%d(x):\n    return x * %d\n' % (i, i) * 20)
    elif kind == 1:
        write('docs/d%d.md' % i, '# Doc %d\n\nSome text about maintenance.\n' % i * 10)
    else:
        write('deploy/m%d.yaml' % i, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: m%d\nspec:\n  replicas: 2\n' % i)
PY
  git -C "$corpus" init -q
  git -C "$corpus" add -A
  git -C "$corpus" -c user.name=bench -c user.email=bench@example.com commit -qm corpus
fi
files="$(git -C "$corpus" ls-files | wc -l)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bench" --dump-cases "$work/cases.txt"

py_out="$(/usr/bin/python3 - "$work/cases.txt" <<'PY'
import datetime, json, sys, time
from croniter import croniter
exprs = [l.strip() for l in open(sys.argv[1]) if l.strip()]
start = datetime.datetime(2026, 2, 28, tzinfo=datetime.timezone.utc)
def measure(fn):
    fn(200)
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 2:
        done += fn(200)
    return done / (time.perf_counter() - t0)
state = [0]
def parse_next5(k):
    n = 0
    for _ in range(k):
        it = croniter(exprs[state[0] % len(exprs)], start)
        state[0] += 1
        for _ in range(5):
            it.get_next(float)
            n += 1
    return n
parsed = [croniter(e, start) for e in exprs]
def next5(k):
    n = 0
    for _ in range(k):
        it = parsed[state[0] % len(parsed)]
        state[0] += 1
        it.set_current(start)
        for _ in range(5):
            it.get_next(float)
            n += 1
    return n
print(json.dumps({"parse_next5": measure(parse_next5), "next5": measure(next5)}))
PY
)"

DDD_SCHEDULES_CORPUS="$corpus" "$bench" --benchmark_format=json --benchmark_min_time=1 \
  > "$work/ddd.json" 2>/dev/null

/usr/bin/python3 - "$work/ddd.json" "$py_out" "$files" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
ddd = {b["name"].split("/")[0]: b for b in runs}
py = json.loads(sys.argv[2])
files = int(sys.argv[3])
def rate(name):
    return ddd[name]["items_per_second"]
print("cron next times (1,000 generated expressions, next 5 each)")
print("| what | ddd | croniter | ratio |")
print("|---|---|---|---|")
for label, ours, theirs in [("parse + next 5", "BM_CronParseNext5", "parse_next5"),
                            ("next 5 of a parsed expression", "BM_CronNext5", "next5")]:
    print("| %s | %.2f M/s | %.3f M/s | %.0fx |" % (label, rate(ours) / 1e6, py[theirs] / 1e6,
                                                  rate(ours) / py[theirs]))
print("| OnCalendar next 5 | %.2f M/s | | |" % (rate("BM_OnCalendarNext5") / 1e6))
ext, read = ddd["BM_ExtractSchedules"], ddd["BM_ReadAllFiles"]
print()
print("extractSchedules over %d files (%d schedules found)" % (files, ext.get("schedules", 0)))
print("| what | files/s | ms per run | ratio to reading every file |")
print("|---|---|---|---|")
for label, b in [("extractSchedules", ext), ("read every file (baseline)", read)]:
    print("| %s | %.0f | %.1f | %.2f |" % (label, b["items_per_second"], b["real_time"],
                                         read["real_time"] / b["real_time"]))
PY
