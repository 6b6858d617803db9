#!/usr/bin/env bash
# Issue 7's load test: censusd holding REPOS x COMMITS commits (default
# 200 x 5,000 = 1,000,000), hit with wrk on loopback while a scan is writing,
# then a soak that watches censusd's memory.
#
#   1. generates the repositories (scripts/make-big-repo.sh, deterministic;
#      kept in $LOAD_DIR between runs) and scans all but ten with census;
#   2. starts censusd on every repository (scan.interval 1s): its first round
#      scans the last ten while wrk runs, and a loop keeps adding commits;
#   3. wrk on /api/v1/summary, /metrics and / (the dashboard): throughput,
#      p50/p99 latency, errors (non-2xx and socket errors);
#   4. soak: SOAK seconds of wrk rounds over changing queries (so the
#      cache does not answer everything), censusd's RSS sampled every 5 s.
#
# It stops by itself, prints a Markdown summary, and exits 1 when a request
# failed or memory grew by more than 25% between the first and last third of
# the soak.
#
# Usage: scripts/load-test.sh [REPOS] [COMMITS] [WRK_SECONDS] [SOAK_SECONDS]
#        (defaults 200 5000 30 600)
#        BUILD=debug uses the debug binaries (CI, after make test).
set -euo pipefail
repos=${1:-200}
commits=${2:-5000}
seconds=${3:-30}
soak=${4:-600}
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-release}
bin=$here/.build/$build
if [ ! -x "$bin/censusd" ] || [ ! -x "$bin/census" ]; then
  (cd "$here" && swift build -c "$build" --product census >/dev/null && swift build -c "$build" --product censusd >/dev/null)
fi
command -v wrk >/dev/null || { echo "load-test.sh: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
load=${LOAD_DIR:-/tmp/census-load-$repos-$commits}
mkdir -p "$load/src"
for i in $(seq -w "$repos"); do
  [ -d "$load/src/repo-$i/.git" ] || "$here/scripts/make-big-repo.sh" "$load/src/repo-$i" "$commits" >/dev/null
done
work=$(mktemp -d)
daemon=
cleanup() { [ -n "$daemon" ] && kill "$daemon" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# All but the last ten repositories go into the store first.
all=("$load"/src/repo-*)
first=("${all[@]:0:$((${#all[@]} > 10 ? ${#all[@]} - 10 : 0))}")
start=$(date +%s.%N)
[ ${#first[@]} -gt 0 ] && "$bin/census" scan --quiet --db "$work/census.sqlite" "${first[@]}"
prescan=$(echo "$(date +%s.%N) - $start" | bc -l)
stored=$(sqlite3 "$work/census.sqlite" "SELECT COUNT(*) FROM commit_record" 2>/dev/null || echo 0)

port=$((20000 + RANDOM % 20000))
cat > "$work/census.yml" <<YML
database: $work/census.sqlite
roots: [{path: $load/src, depth: 1}]
scan: {interval: 1s}
http: {listen: "127.0.0.1:$port", rate_limit: 0}
teams: {core: ["*@example.com"]}
YML
"$bin/censusd" --config "$work/census.yml" --log-level warning 2>"$work/censusd.log" &
daemon=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

# Keeps a scan writing: a commit every 2 s in a scratch clone of the first repository.
scratch="$load/src/repo-$(printf '%0*d' ${#repos} 1)"
writer() {
  local n=0
  while kill -0 "$daemon" 2>/dev/null; do
    n=$((n + 1))
    # Plumbing: the generated repositories have no checked-out index to commit from.
    commit=$(GIT_AUTHOR_NAME=Load GIT_AUTHOR_EMAIL=load@example.com GIT_COMMITTER_NAME=Load GIT_COMMITTER_EMAIL=load@example.com \
      git -C "$scratch" commit-tree "HEAD^{tree}" -p HEAD -m "load $n" -m "Co-Authored-By: Claude <noreply@anthropic.com>" 2>/dev/null) \
      && git -C "$scratch" update-ref HEAD "$commit" 2>/dev/null || true
    sleep 2
  done
}
writer &

rss() { awk '/VmRSS/ {print $2}' "/proc/$daemon/status" 2>/dev/null || echo 0; }
# wrk's summary of one run: requests/s, p50, p99, errors.
run_wrk() {
  local url=$1 duration=$2 out
  out=$(wrk -t2 -c8 -d"${duration}s" --latency --timeout 30s "$url" 2>&1 || true)
  local rps p50 p99 non2xx socket
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  socket=$(echo "$out" | awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}')
  echo "${rps:-0} ${p50:-?} ${p99:-?} $(( ${non2xx:-0} + ${socket:-0} ))"
}

echo "## censusd under load"
echo
echo "$repos repositories x $commits commits; $stored commits stored before censusd started (census scan: $(printf "%.1f" "$prescan") s);"
echo "censusd scans the last ten and a new commit every 2 s while wrk runs (wrk -t2 -c8, ${seconds} s each, loopback, $build build)."
echo
echo "| endpoint | requests/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|"
failed=0
for path in "/api/v1/summary" "/metrics" "/"; do
  read -r rps p50 p99 errors < <(run_wrk "http://127.0.0.1:$port$path" "$seconds")
  echo "| \`$path\` | $rps | $p50 | $p99 | $errors |"
  [ "$errors" -eq 0 ] || failed=1
done
total=$(sqlite3 "$work/census.sqlite" "SELECT COUNT(*) FROM commit_record" 2>/dev/null || echo "?")
echo
echo "Commits in the store after the runs: $total."

if [ "$soak" -gt 0 ]; then
  samples=()
  soak_errors=0
  end=$(( $(date +%s) + soak ))
  round=0
  while [ "$(date +%s)" -lt "$end" ]; do
    round=$((round + 1))
    # A different query each round: new cache entries, new report computations.
    case $((round % 3)) in
      0) path="/api/v1/summary?since=$((round % 30 + 1))d" ;;
      1) path="/api/v1/trend?interval=week&timezone=%2B0$((round % 9)):00" ;;
      2) path="/?since=$((round % 90 + 1))d" ;;
    esac
    read -r _ _ _ errors < <(run_wrk "http://127.0.0.1:$port$path" 5)
    soak_errors=$((soak_errors + errors))
    samples+=("$(rss)")
  done
  n=${#samples[@]}
  third=$(( n / 3 > 0 ? n / 3 : 1 ))
  early=$(printf '%s\n' "${samples[@]:0:$third}" | sort -n | tail -1)
  late=$(printf '%s\n' "${samples[@]:$((n - third))}" | sort -n | tail -1)
  peak=$(printf '%s\n' "${samples[@]}" | sort -n | tail -1)
  echo
  echo "Soak: $soak s, $n rounds of 5 s over changing queries; errors $soak_errors;"
  echo "censusd RSS: highest in the first third $((early / 1024)) MB, in the last third $((late / 1024)) MB, peak $((peak / 1024)) MB."
  [ "$soak_errors" -eq 0 ] || failed=1
  if [ "$late" -gt $(( early * 125 / 100 )) ]; then echo "memory grew by more than 25%"; failed=1; fi
fi
if ! kill -0 "$daemon" 2>/dev/null; then echo "censusd died: $(tail -3 "$work/censusd.log")"; failed=1; fi
exit $failed
