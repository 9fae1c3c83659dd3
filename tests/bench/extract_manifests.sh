#!/usr/bin/env bash
# Manifest extraction over repositories of 1,000 manifests each (20 dependencies per
# manifest, in nested directories): package.json, Cargo.toml (workspace-style tables,
# inline tables, comments) and pyproject.toml (half PEP 621 arrays, half Poetry tables).
# `ddd scan --analyzers dependencies` offline (extraction and inventory, no look-ups) vs
# `git grep -c` on the same commit as a baseline that only reads the blobs, all in one
# run. Target: each well under a second. Usage: extract_manifests.sh [npm cargo pyproject]
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ddd="${DDD_BUILD_DIR:-$repo_root/build}/ddd"
bench="${DDD_BENCH_DIR:-$repo_root/build/bench}"
kinds=("$@")
((${#kinds[@]})) || kinds=(npm cargo pyproject)

make_corpus() {  # kind dir
  rm -rf "$2" && mkdir -p "$2"
  python3 - "$1" "$2" <<'PY'
import json, os, sys
kind, root = sys.argv[1], sys.argv[2]
for i in range(1000):
    d = os.path.join(root, f"packages/group{i % 25}/pkg{i}")
    os.makedirs(d, exist_ok=True)
    if kind == "npm":
        deps = {f"dep-{(i * 7 + k) % 400}": f"^{k % 5}.{k % 7}.{k % 3}" for k in range(14)}
        dev = {f"@scope/tool-{(i + k) % 90}": f"~{k % 3}.{k}.0" for k in range(6)}
        json.dump({"name": f"pkg{i}", "version": "1.0.0", "dependencies": deps,
                   "devDependencies": dev}, open(os.path.join(d, "package.json"), "w"), indent=2)
    elif kind == "cargo":
        lines = [f'# crate {i}', '[package]', f'name = "pkg{i}"', 'version = "0.1.0"',
                 'edition = "2021"', '', '[dependencies]']
        for k in range(10):
            lines.append(f'dep-{(i * 7 + k) % 400} = "{k % 5}.{k % 7}"  # note {k}')
        for k in range(4):
            lines.append(f'feat-{(i + k) % 90} = {{ version = "~{k % 3}.{k}.0", features = ["a", "b"] }}')
        lines += ['', '[dev-dependencies]']
        for k in range(4):
            lines.append(f'tool-{(i + k) % 60} = "={k}.1.{k}"')
        lines += ['', '[target.\'cfg(unix)\'.dependencies]', f'nix = "0.{20 + i % 8}"',
                  '', '[build-dependencies.cc]', 'version = "1.0.83"', '']
        open(os.path.join(d, "Cargo.toml"), "w").write("\n".join(lines))
    elif i % 2 == 0:  # PEP 621
        reqs = [f'    "dep-{(i * 7 + k) % 400}>={k % 5}.{k % 7},<{k % 5 + 1}",  # note {k}'
                for k in range(14)]
        opt = ", ".join(f'"tool-{(i + k) % 90}~={k % 3}.{k}"' for k in range(6))
        text = ("[build-system]\nrequires = [\"hatchling\"]\n\n[project]\n"
                f"name = \"pkg{i}\"\nversion = \"1.0.0\"\ndependencies = [\n"
                + "\n".join(reqs) + f"\n]\n\n[project.optional-dependencies]\ntest = [{opt}]\n")
        open(os.path.join(d, "pyproject.toml"), "w").write(text)
    else:  # Poetry
        lines = ['[tool.poetry]', f'name = "pkg{i}"', 'version = "1.0.0"', '',
                 '[tool.poetry.dependencies]', 'python = "^3.10"']
        for k in range(13):
            lines.append(f'dep-{(i * 7 + k) % 400} = "^{k % 5}.{k % 7}"  # note {k}')
        lines += ['', '[tool.poetry.group.test.dependencies]']
        for k in range(6):
            lines.append(f'tool-{(i + k) % 90} = {{ version = "~{k % 3}.{k}", optional = true }}')
        open(os.path.join(d, "pyproject.toml"), "w").write("\n".join(lines) + "\n")
PY
  git -C "$2" init -q && git -C "$2" add -A &&
    git -C "$2" -c user.name=bench -c user.email=bench@example.invalid commit -qm manifests
}

for kind in "${kinds[@]}"; do
  # The npm corpus keeps its first name, so a cached one is reused.
  work="$bench/manifests"
  [[ "$kind" == npm ]] || work="$bench/manifests-$kind"
  [[ -d "$work/.git" ]] || make_corpus "$kind" "$work"
  case "$kind" in
    npm) pattern='"dependencies"' ;;
    cargo) pattern='dependencies' ;;
    *) pattern='dependencies' ;;
  esac
  echo "== $kind: $(git -C "$work" ls-files | wc -l) manifests"
  hyperfine -N --warmup 1 --runs "${DDD_BENCH_RUNS:-5}" --export-json "$bench/extract-$kind.json" \
    "git -C $work grep -c $pattern HEAD" \
    "env DDD_OFFLINE=1 $ddd scan $work --analyzers dependencies --format json --output /dev/null"
  DDD_OFFLINE=1 /usr/bin/time -f "ddd peak RSS: %M KB" "$ddd" scan "$work" --analyzers dependencies \
    --format json --output "$bench/extract-$kind-report.json"
  python3 - "$bench/extract-$kind.json" "$bench/extract-$kind-report.json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["results"]
grep, ddd = runs[0]["mean"], runs[1]["mean"]
report = json.load(open(sys.argv[2]))
summary = report["details"]["dependencies"]["summary"]
invalid = sum(1 for f in report["findings"] if f["rule"] == "dependencies.invalid-manifest")
print(f"dependencies listed: {summary['total']} (skipped {summary['skipped']}), invalid manifests: {invalid}")
print(f"ddd {ddd * 1000:.0f} ms, git grep {grep * 1000:.0f} ms: ratio ddd/git-grep {ddd / grep:.2f};"
      f" target < 1 s: {'met' if ddd < 1 else 'MISSED'}")
PY
done
# The TOML managers against the npm one, measured in this run.
if [[ " ${kinds[*]} " == *" npm "* ]]; then
  python3 - "$bench" "${kinds[@]}" <<'PY'
import json, sys
bench, kinds = sys.argv[1], sys.argv[2:]
mean = {k: json.load(open(f"{bench}/extract-{k}.json"))["results"][1]["mean"] for k in kinds}
for k in kinds:
    if k != "npm":
        print(f"ratio ddd {k} / ddd npm (1,000 manifests each): {mean[k] / mean['npm']:.2f}")
PY
fi
