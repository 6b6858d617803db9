#!/usr/bin/env bash
# The fleet's read figures (issue 17) on a store scripts/make-fleet.sh filled:
# the org-wide `census report`, one team's, and `census repos`, each ROUNDS
# times (default 5), wall and CPU seconds of census (the server's CPU is not
# in it), medians.
#
#   scripts/bench-fleet.sh URL [ROUNDS]      (TEAM: the team to report on;
#     WRK_SECONDS: also the dashboard under wrk, WRK_PATH: another route than
#     /api/v1/summary, e.g. /metrics)
#
# Run it in the folder make-fleet.sh wrote fleet-teams.yml to.
set -euo pipefail
url=${1:?usage: bench-fleet.sh URL [ROUNDS]}
rounds=${2:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/scripts/find-census.sh"
[ -f fleet-teams.yml ] || { echo "bench-fleet: fleet-teams.yml is not here (make-fleet.sh writes it)" >&2; exit 2; }

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

measure() {
  local label=$1; shift
  local walls=() cpus=() rss=()
  for ((i = 0; i < rounds; i++)); do
    local out
    if ! out=$( { /usr/bin/time -f '%e %U %S %M' "$census" "$@" --db "$url" > /dev/null; } 2>&1); then
      echo "bench-fleet: census $* failed: $(printf '%s\n' "$out" | head -1)" >&2
      exit 1
    fi
    out=$(printf '%s\n' "$out" | tail -1)
    read -r wall user sys kb <<< "$out"
    walls+=("$wall"); cpus+=("$(echo "$user + $sys" | bc)"); rss+=("$kb")
  done
  printf '%-28s wall %6.2f s   CPU %6.2f s   max RSS %5d MB\n' "$label" \
    "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)" \
    "$(( $(printf '%s\n' "${rss[@]}" | median | cut -d. -f1) / 1024 ))"
}

commits=$(psql -X -tAc "SELECT count(*) FROM commit_record" "$url")
echo "bench-fleet: $commits commits, $rounds rounds, medians"
measure "report (org-wide)" report --config fleet-teams.yml --format json
# One team: TEAM, else the configuration's first.
team=${TEAM:-$(sed -n 's/^  \([^:]*\):.*/\1/p' fleet-teams.yml | head -1)}
measure "report --team $team" report --config fleet-teams.yml --team "$team" --format json
measure "repos" repos

# The dashboard's summary under wrk while four collectors write (WRK_SECONDS, e.g. 30):
# censusd serves the store on loopback without scanning (no rate limit: wrk is
# one client); four `census scan` loops each add a commit to a repository of
# their own and scan it into the same store, so the store keeps changing under
# the requests (and the response cache keeps being invalidated, as in a fleet
# at work).
if [ -n "${WRK_SECONDS:-}" ]; then
  command -v wrk >/dev/null || { echo "bench-fleet: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
  work=$(mktemp -d)
  port=${PORT:-8795}
  printf 'database: %s\nrepositories: []\nhttp: {listen: "127.0.0.1:%s", rate_limit: 0}\n' "$url" "$port" > "$work/censusd.yml"
  cat fleet-teams.yml >> "$work/censusd.yml"
  pids=()
  trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
  "$(dirname "$census")/censusd" --config "$work/censusd.yml" 2> "$work/censusd.log" &
  pids+=($!)
  for ((i = 0; i < 100; i++)); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
  for c in 1 2 3 4; do
    repo=$work/collector-$c
    git init -q "$repo" && git -C "$repo" config user.email "writer$c@fleet.example" && git -C "$repo" config user.name "Writer $c"
    ( while true; do
        git -C "$repo" commit -q --allow-empty -m "change $RANDOM" && CENSUS_COLLECTOR=writer-$c "$census" scan --quiet --db "$url" "$repo" || true
      done ) > /dev/null 2>&1 &
    pids+=($!)
  done
  # A dashboard in use has its answer computed once already: the first one is not what is measured.
  target=${WRK_PATH:-/api/v1/summary}
  curl -sf -o /dev/null "http://127.0.0.1:$port$target"
  echo "dashboard: GET $target, wrk 2 threads, 8 connections, ${WRK_SECONDS}s, four collectors writing (after one request)"
  wrk -t2 -c8 -d"${WRK_SECONDS}s" --timeout 120s --latency "http://127.0.0.1:$port$target" | grep -E "Latency|50%|99%|Requests/sec|requests in|Non-2xx|Socket"
fi
