#!/usr/bin/env bash
# Runs the whole ddd test suite, in three phases:
#   1. Release build with tests (build/), then ctest;
#   2. AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/, Debug -g1), then ctest;
#   3. libFuzzer targets (clang, build-fuzz/), each run for a short while on a copy of
#      its seed corpus tests/fuzz/corpus/<name>/ (the source tree is never written).
# Exits non-zero when any phase fails; the last line is "N passed, N failed"
# (ctest tests of phases 1 and 2, plus one per fuzz target).
#
# Needs the Debian packages that deploy/setup.sh installs (run that first).
# Environment: DDD_JOBS (build jobs, default nproc), DDD_CTEST_JOBS (default 2),
# DDD_FUZZ_SECONDS (per fuzz target, default 15), DDD_FUZZ_JOBS (fuzz targets run at once,
# default 2), DDD_SKIP (space-separated phases to
# skip: release asan fuzz), DDD_BUILD_DIR / DDD_ASAN_DIR / DDD_FUZZ_DIR (build dirs).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

jobs="${DDD_JOBS:-$(nproc)}"
ctest_jobs="${DDD_CTEST_JOBS:-2}"
fuzz_seconds="${DDD_FUZZ_SECONDS:-15}"
skip=" ${DDD_SKIP:-} "
release_dir="${DDD_BUILD_DIR:-build}"
asan_dir="${DDD_ASAN_DIR:-build-asan}"
fuzz_dir="${DDD_FUZZ_DIR:-build-fuzz}"

passed=0
failed=0
failures=()
timings=()
work="$(mktemp -d "${TMPDIR:-/tmp}/ddd-tests.XXXXXX")"
trap 'rm -rf "$work"' EXIT

log() { echo "run.sh: $*"; }
banner() { echo; echo "=== run.sh: $* ==="; }

for tool in cmake ninja ctest; do
  command -v "$tool" >/dev/null || { echo "run.sh: error: '$tool' not found; run deploy/setup.sh first." >&2; exit 1; }
done

# Configures DIR with the given cmake arguments unless it is already configured with
# exactly those arguments (kept in DIR/.ddd-configure-args), so reruns skip cmake.
configure() {
  local dir="$1"; shift
  local wanted="$*"
  if [[ -f "$dir/build.ninja" && -f "$dir/.ddd-configure-args" && "$(cat "$dir/.ddd-configure-args")" == "$wanted" ]]; then
    log "$dir/ already configured"
    return 0
  fi
  if [[ -f "$dir/CMakeCache.txt" && ! -f "$dir/build.ninja" ]]; then
    echo "run.sh: error: $dir/ was configured with another generator than Ninja: remove it and run again." >&2
    return 1
  fi
  log "configuring $dir/: $wanted"
  cmake -S . -B "$dir" -G Ninja "$@" && printf '%s' "$wanted" > "$dir/.ddd-configure-args"
}

# Runs ctest in DIR and adds its counts to the totals. A build failure counts as one failure.
run_ctest() {
  local dir="$1" name="$2" out="$work/ctest-$2.log" rc=0
  ctest --test-dir "$dir" --output-on-failure -j"$ctest_jobs" --timeout 600 2>&1 | tee "$out" || rc=$?
  local total failed_here
  # ctest's summary: "97% tests passed, 1 tests failed out of 35"
  total=$(sed -n 's/.*tests failed out of \([0-9][0-9]*\).*/\1/p' "$out" | tail -1)
  failed_here=$(sed -n 's/.* \([0-9][0-9]*\) tests failed out of .*/\1/p' "$out" | tail -1)
  if [[ -z "$total" ]]; then
    if grep -q 'No tests were found' "$out"; then
      log "$name: ctest found no tests"
      total=0; failed_here=0
    else
      log "$name: could not read ctest's summary (exit code $rc)"
      total=0; failed_here=1
    fi
  fi
  if ((rc != 0 && failed_here == 0)); then failed_here=1; fi
  passed=$((passed + total - failed_here))
  failed=$((failed + failed_here))
  ((failed_here == 0)) || failures+=("$name: $failed_here test(s) failed")
  log "$name: $((total - failed_here)) passed, $failed_here failed"
}

# Times a phase: phase NAME FUNCTION
phase() {
  local name="$1" fn="$2" start end rc=0
  if [[ "$skip" == *" $name "* ]]; then
    log "skipping phase '$name' (DDD_SKIP)"
    return 0
  fi
  banner "phase $name"
  start=$(date +%s)
  "$fn" || rc=$?
  end=$(date +%s)
  timings+=("$name $((end - start))s")
  log "phase $name took $((end - start)) s (exit $rc)"
  if ((rc != 0)); then
    failures+=("$name: phase exited with $rc")
  fi
}

phase_release() {
  configure "$release_dir" -DCMAKE_BUILD_TYPE=Release -DDDD_BUILD_TESTS=ON || { failed=$((failed + 1)); return 1; }
  if ! cmake --build "$release_dir" -j"$jobs"; then
    log "release: build failed"; failed=$((failed + 1)); return 1
  fi
  run_ctest "$release_dir" release
}

phase_asan() {
  # -g1 (line tables only) keeps objects and links small; stack traces still have lines.
  configure "$asan_dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DDDD_SANITIZE=ON \
    -DDDD_BUILD_TESTS=ON -DDDD_BUILD_BENCHMARKS=OFF || { failed=$((failed + 1)); return 1; }
  if ! cmake --build "$asan_dir" -j"$jobs"; then
    log "asan: build failed"; failed=$((failed + 1)); return 1
  fi
  # Known leaks in Debian 12's libraries, not in ddd: libgit2 1.5's git_regexp_match returns
  # without freeing its PCRE2 match data when nothing matches (fixed upstream in libgit2
  # 1.6, pull request 6382); the stack has only libpcre2 frames.
  printf '%s\n' 'leak:libpcre2-8.so' > "$work/lsan.supp"
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}" \
  LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$work/lsan.supp:print_suppressions=0}" \
  UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
    run_ctest "$asan_dir" asan
}

phase_fuzz() {
  command -v clang++ >/dev/null || { log "fuzz: clang++ not found; run deploy/setup.sh"; failed=$((failed + 1)); return 1; }
  # Debug with -O1 -g1: assertions on, quick to compile, fast enough to fuzz.
  configure "$fuzz_dir" -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" \
    -DCMAKE_CXX_COMPILER=clang++ -DDDD_FUZZ=ON -DDDD_BUILD_TESTS=OFF -DDDD_BUILD_BENCHMARKS=OFF \
    || { failed=$((failed + 1)); return 1; }
  # Build only the fuzz targets (and what they link), not the ddd binary.
  local targets
  mapfile -t targets < <(ninja -C "$fuzz_dir" -t targets all | sed -n 's/^\(fuzz_[A-Za-z0-9_]*\): .*/\1/p' | sort -u)
  if ((${#targets[@]} == 0)); then
    log "fuzz: no fuzz targets (tests/fuzz/*.cpp): nothing to run"
    return 0
  fi
  if ! cmake --build "$fuzz_dir" -j"$jobs" --target "${targets[@]}"; then
    log "fuzz: build failed"; failed=$((failed + 1)); return 1
  fi
  # Targets run DDD_FUZZ_JOBS at a time (default 2): a libFuzzer run uses one core, so on two
  # cores each target still gets a core for its DDD_FUZZ_SECONDS, and the phase takes half
  # as long. Results are reported in target order once all have finished.
  local fuzz_jobs="${DDD_FUZZ_JOBS:-2}"
  local target name corpus artifacts rc binary seconds
  local -a started=()
  for target in "${targets[@]}"; do
    name="${target#fuzz_}"
    binary="$(find "$fuzz_dir" -type f -name "$target" -perm -u+x -print -quit)"
    if [[ -z "$binary" ]]; then
      failed=$((failed + 1)); failures+=("fuzz: $target was built but its binary is not under $fuzz_dir/")
      continue
    fi
    corpus="$work/corpus-$name"
    artifacts="$work/artifacts-$name"
    mkdir -p "$corpus" "$artifacts"
    if [[ -d "tests/fuzz/corpus/$name" ]]; then
      cp -R "tests/fuzz/corpus/$name/." "$corpus/"
    fi
    while (($(jobs -rp | wc -l) >= fuzz_jobs)); do wait -n || true; done
    log "fuzz: starting $target for ${fuzz_seconds}s ($(find "$corpus" -type f | wc -l) seed file(s))"
    (
      start=$(date +%s) rc=0
      "$binary" -max_total_time="$fuzz_seconds" -timeout=30 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" >"$work/fuzz-$name.log" 2>&1 || rc=$?
      echo "$rc $(($(date +%s) - start))" >"$work/fuzz-$name.rc"
    ) &
    started+=("$target")
  done
  wait
  for target in "${started[@]}"; do
    name="${target#fuzz_}"
    artifacts="$work/artifacts-$name"
    read -r rc seconds <"$work/fuzz-$name.rc" || { rc=1; seconds=0; }
    log "fuzz: $target ran ${seconds}s"
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE)' "$work/fuzz-$name.log" || true
    if ((rc == 0)); then
      passed=$((passed + 1))
      log "fuzz: $target passed"
    else
      failed=$((failed + 1))
      failures+=("fuzz: $target exited with $rc")
      log "fuzz: $target FAILED (exit $rc); last lines of its log:"
      tail -n 60 "$work/fuzz-$name.log"
      local crash
      for crash in "$artifacts"/*; do
        [[ -f "$crash" ]] || continue
        log "fuzz: crashing input $(basename "$crash") (base64):"
        head -c 4096 "$crash" | base64
      done
    fi
  done
  return 0  # failing targets are counted above
}

suite_start=$(date +%s)
phase release phase_release
phase asan phase_asan
phase fuzz phase_fuzz

banner "summary"
log "times: ${timings[*]:-none}; total $(( $(date +%s) - suite_start )) s"
if ((${#failures[@]})); then
  for f in "${failures[@]}"; do log "FAILED $f"; done
fi
echo "$passed passed, $failed failed"
if ((failed > 0 || ${#failures[@]} > 0)); then
  exit 1
fi
