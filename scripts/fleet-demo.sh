#!/usr/bin/env bash
# The fleet, on one machine (issue 17): the throwaway PostgreSQL cluster of
# `make pg`, two collectors (censusd, named collector-a and collector-b) over
# generated repositories — two of them seen by both: infra at one path, as a
# shared disk would show it, and search as two clones of one origin, as two
# machines would have it — and the dashboard every collector serves for all of it.
# Ctrl-C stops both collectors; `scripts/pg-cluster.sh stop` the cluster.
#
# Usage: scripts/fleet-demo.sh [BUILD]   (BUILD: debug, the default, or release)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$here/.build/${1:-debug}
demo=$here/.build/fleet-demo
cluster=$("$here/scripts/pg-cluster.sh" start)
# A database of the demo's own on the cluster, new each time: both collectors start on an empty store.
url=${cluster/\/census\?//fleet_demo?}
psql "${cluster/\/census\?//postgres?}" -qc "DROP DATABASE IF EXISTS fleet_demo" -c "CREATE DATABASE fleet_demo"

mkdir -p "$demo"
sizes=(payments:3400 search:2100 mobile:2800 infra:1500)
for entry in "${sizes[@]}"; do
  name=${entry%%:*}
  [ -d "$demo/repos/$name" ] || "$here/scripts/make-big-repo.sh" "$demo/repos/$name" "${entry##*:}" >/dev/null
done
# search's second clone, as another machine has it: one origin, so one repository.
[ -d "$demo/repos/search-clone-b" ] || git clone -q --no-local "$demo/repos/search" "$demo/repos/search-clone-b"
for clone in search search-clone-b; do
  git -C "$demo/repos/$clone" remote remove origin 2>/dev/null || true
  git -C "$demo/repos/$clone" remote add origin https://git.example.com/demo/search.git
done
# One collector sees payments, search and infra; the other mobile, its clone of search, and infra.
write_config() {
  local name=$1 port=$2; shift 2
  cat > "$demo/$name.yml" <<YAML
database: $url
repositories: [$(printf '%s, ' "$@" | sed 's/, $//')]
scan: {interval: 1m}
http: {listen: "127.0.0.1:$port"}
teams:
  core: ["*@example.com"]
  partners: ["*@example.org", "*@example.net"]
YAML
}
write_config collector-a 8791 "$demo/repos/payments" "$demo/repos/search" "$demo/repos/infra"
write_config collector-b 8792 "$demo/repos/mobile" "$demo/repos/search-clone-b" "$demo/repos/infra"

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; echo; echo "fleet-demo: collectors stopped (the cluster runs on: scripts/pg-cluster.sh stop)"' EXIT INT TERM
for name in collector-a collector-b; do
  CENSUS_COLLECTOR=$name "$bin/censusd" --config "$demo/$name.yml" 2> "$demo/$name.log" &
  pids+=($!)
done
for port in 8791 8792; do
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
done
echo "fleet-demo: two collectors write to $url"
echo "  dashboard (either collector serves everything): http://127.0.0.1:8791/  http://127.0.0.1:8792/"
echo "  census repos --db '$url'"
"$bin/census" repos --db "$url"
echo "Ctrl-C stops the collectors."
wait
