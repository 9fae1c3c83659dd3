#!/usr/bin/env bash
# Sets up a Debian 12 machine for ddd and builds it.
#
#   deploy/setup.sh              install what is missing, configure (first time), build Release into build/
#   deploy/setup.sh --no-build   only install the Debian packages
#
# Idempotent: packages already installed are not touched (apt-get update runs only when
# something must be installed), the build directory is configured only once, and the
# build itself is incremental (Ninja + ccache), so a second run with nothing changed
# takes a few seconds. Environment: DDD_BUILD_DIR (default: build), DDD_JOBS (default: nproc).
set -euo pipefail

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
}

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "setup.sh: unknown option '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
build_dir="${DDD_BUILD_DIR:-build}"
jobs="${DDD_JOBS:-$(nproc)}"
started=$(date +%s)

log() { echo "setup.sh: $*"; }
die() { echo "setup.sh: error: $*" >&2; exit 1; }

# --- Debian packages -------------------------------------------------------------------
packages=(
  build-essential cmake ninja-build pkg-config ccache git
  libgit2-dev nlohmann-json3-dev libboost-dev libre2-dev libssl-dev libsqlite3-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev libyaml-cpp-dev libcli11-dev libtomlplusplus-dev
  json-schema-test-suite node-semver python3-packaging python3-croniter python3-icalendar
  libhowardhinnant-date-dev libgoogle-perftools-dev systemd
  clang libclang-rt-14-dev
  libpq-dev postgresql
)

command -v dpkg-query >/dev/null || die "dpkg-query not found: this script expects Debian 12 (bookworm)."

missing=()
for pkg in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null; then
    as_root=(sudo)
  else
    die "missing packages (${missing[*]}) and not root and no sudo: install them as root."
  fi
  log "installing ${#missing[@]} missing Debian package(s): ${missing[*]}"
  "${as_root[@]}" apt-get update -q || die "apt-get update failed (is the Debian mirror reachable?)"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || die "apt-get install failed for: ${missing[*]}"
else
  log "all ${#packages[@]} Debian packages already installed"
fi

if ((build == 0)); then
  log "--no-build: done in $(( $(date +%s) - started )) s"
  exit 0
fi

# --- configure (first time only) and build --------------------------------------------------
if [[ ! -f "$build_dir/build.ninja" ]]; then
  if [[ -f "$build_dir/CMakeCache.txt" ]]; then
    die "$build_dir/ was configured with another generator than Ninja: remove $build_dir/ and run again."
  fi
  log "configuring $build_dir/ (Release, Ninja, ccache)"
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release
else
  log "$build_dir/ already configured (remove it to start over)"
fi

log "building with $jobs job(s)"
cmake --build "$build_dir" -j"$jobs"

[[ -x "$build_dir/ddd" ]] || die "the build finished but $build_dir/ddd is missing."
log "done in $(( $(date +%s) - started )) s; the binary is $repo_root/$build_dir/ddd"
