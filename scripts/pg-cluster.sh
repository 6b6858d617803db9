#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and demos: Debian's PostgreSQL
# server binaries, a data folder under .build/pg, loopback only, run as the
# `postgres` user when started as root (PostgreSQL refuses to run as root).
#
#   scripts/pg-cluster.sh start   initialise (once) and start; prints the census URL
#   scripts/pg-cluster.sh stop    stop it (the data folder stays until `make clean`)
#   scripts/pg-cluster.sh url     the URL of the running cluster
#
# PGPORT chooses the port (default 55432), PG_CLUSTER_DIR the folder (tests
# start a second cluster of their own with both), PG_SERVER_OPTIONS adds server
# settings when it starts (the fleet benchmark: "-c shared_buffers=4GB"). The cluster trusts loopback
# connections: it is for tests on this machine, never for a fleet.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
base=${PG_CLUSTER_DIR:-$here/.build/pg}
# Run as root, the server runs as `postgres`, which must reach the folder: a
# checkout under a private home falls back to a folder of its own in /tmp.
if [ -z "${PG_CLUSTER_DIR:-}" ] && [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$here/.build" 2>/dev/null; then
  base=${TMPDIR:-/tmp}/census-pg-$(printf '%s' "$here" | md5sum | cut -c1-12)
fi
data=$base/data
port=${PGPORT:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
url="postgresql://postgres@127.0.0.1:$port/census?sslmode=disable"

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    [ -n "$bin" ] || { echo "pg-cluster: PostgreSQL's server is not installed (apt-get install postgresql)" >&2; exit 2; }
    mkdir -p "$base"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$base"; fi
    if [ ! -f "$data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    # The server must hold none of this script's output open: a caller reading
    # it to the end (url=$(pg-cluster.sh start)) would wait for ever.
    if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$data" -l "$base/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $base -c fsync=off -c max_connections=200 ${PG_SERVER_OPTIONS:-}" start </dev/null >/dev/null 2>&1 \
        || { echo "pg-cluster: the server did not start; see $base/server.log" >&2; tail -5 "$base/server.log" >&2; exit 2; }
    fi
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'census'" postgres | grep -q 1 \
      || "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres census
    echo "$url"
    ;;
  stop)
    [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  url)
    echo "$url"
    ;;
  *)
    echo "usage: pg-cluster.sh start|stop|url" >&2; exit 2
    ;;
esac
