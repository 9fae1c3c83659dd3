#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for the test suite (ctest fixture "postgres").
#
#   postgres_cluster.sh start DIR   initdb into DIR, start the server on a free port of
#                                   127.0.0.1 (socket in DIR), write its URL to DIR/url
#   postgres_cluster.sh stop DIR    stop it and remove DIR
#
# Uses Debian's server binaries (/usr/lib/postgresql/<version>/bin, package
# "postgresql", installed by deploy/setup.sh). As root the server runs as the
# "postgres" user, as PostgreSQL refuses to run as root. fsync is off: test data only.
set -euo pipefail

cmd="${1:-}"; dir="${2:-}"
[[ -n "$cmd" && -n "$dir" ]] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [[ -z "$bindir" || ! -x "$bindir/initdb" ]]; then
  echo "postgres_cluster.sh: PostgreSQL server binaries not found under /usr/lib/postgresql: run deploy/setup.sh (it installs the 'postgresql' package)" >&2
  exit 1
fi
as_owner=()
if [[ $(id -u) -eq 0 ]]; then as_owner=(runuser -u postgres --); fi

case "$cmd" in
  start)
    if [[ -f "$dir/data/postmaster.pid" ]]; then "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [[ ${#as_owner[@]} -eq 0 ]] || chown postgres "$dir"
    "${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -A trust -U ddd -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    for try in 1 2 3 4 5 6 7 8; do
      port=$((20000 + (RANDOM % 30000)))
      if "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
           -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null; then
        echo "postgresql://ddd@127.0.0.1:$port/postgres" > "$dir/url"
        echo "postgres_cluster.sh: PostgreSQL on 127.0.0.1:$port (data in $dir)"
        exit 0
      fi
      echo "postgres_cluster.sh: port $port failed (try $try), trying another" >&2
    done
    cat "$dir/server.log" >&2 || true
    exit 1
    ;;
  stop)
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
