#!/usr/bin/env bash
# Runs census and git on the same repository, several rounds, and prints the
# medians and the ratios that issue 4 sets targets for:
#   first scan            vs git log with the same fields (target <= 1.0)
#   first scan --lines    vs git log --no-merges --numstat (target <= 1.5)
#   re-scan, nothing new  (target <= 50 ms, whole process)
#   the scan after a rules change (every stored verdict derived again; no target)
# and census's peak memory on the first scan (target <= 150 MB); beside each
# wall time, the CPU seconds (user + system) it cost, and the first scan and
# git log again on one core (taskset -c 0) — issue 19's figures.
#
# The binary measured is the one make install and make deb ship (release, the
# Swift runtime linked statically: it starts ~8 ms sooner than a plain release
# build); CENSUS=path measures another.
#
# Usage: scripts/bench-vs-git.sh REPO [ROUNDS]   (the build is made if missing)
#        BENCH_LINES=0 scripts/bench-vs-git.sh REPO   skips the slow --lines rounds
set -euo pipefail
repo=${1:?usage: bench-vs-git.sh REPO [ROUNDS]}
rounds=${2:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
census=${CENSUS:-$here/.build-install/release/census}
[ -x "$census" ] || (cd "$here" && make -s dist >/dev/null)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One run of "$@": its wall seconds go to samples[NAME], its CPU seconds
# (user + system, children included) to cpu[NAME].
declare -A samples cpu
run() {
  local name=$1 start end; shift
  start=$(date +%s.%N)
  /usr/bin/time -f '%U %S' -o "$work/cpu" "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  samples[$name]+="$(echo "$end - $start" | bc -l) "
  cpu[$name]+="$(awk '{print $1 + $2}' "$work/cpu") "
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
logfields='--format=%H%x00%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%B%x00'

for round in $(seq "$rounds"); do
  run gitlog git -C "$repo" log "$logfields" HEAD
  rm -f "$work"/db*
  run scan "$census" scan --db "$work/db.sqlite" "$repo"
  run rescan "$census" scan --db "$work/db.sqlite" "$repo"
  run report "$census" report --db "$work/db.sqlite" --format json
  # A rules change (a new catalogue, an edited attribution: section): every stored verdict derived again.
  printf 'attribution:\n  identities:\n    - id: bench.rules-%s\n      tool: bench-agent\n      class: ai\n      emails: ["bench-%s@example.invalid"]\n' \
    "$round" "$round" > "$work/rules.yml"
  run rules "$census" scan --config "$work/rules.yml" --db "$work/db.sqlite" "$repo"
  run gitlog1 taskset -c 0 git -C "$repo" log "$logfields" HEAD
  rm -f "$work"/db*
  run scan1 taskset -c 0 "$census" scan --db "$work/db.sqlite" "$repo"
  if [ "${BENCH_LINES:-1}" != 0 ]; then
    run numstat git -C "$repo" log --no-merges --numstat --format=%H HEAD
    rm -f "$work"/db*
    run lines "$census" scan --lines --db "$work/db.sqlite" "$repo"
  fi
done
rm -f "$work"/db*
/usr/bin/time -f '%M' -o "$work/memory" "$census" scan --db "$work/db.sqlite" "$repo" >/dev/null 2>&1
memory=$(tail -1 "$work/memory")
commits=$(git -C "$repo" rev-list --count HEAD)

m() { echo "${samples[$1]}" | tr ' ' '\n' | grep -v '^$' | median; }
c() { echo "${cpu[$1]}" | tr ' ' '\n' | grep -v '^$' | median; }
ratio() { echo "$1 / $2" | bc -l; }
printf 'repository: %s (%s commits), %s rounds, medians, %s cores\n' "$repo" "$commits" "$rounds" "$(nproc)"
printf '%-34s %10s %10s\n' "measure" "wall s" "CPU s"
line() { printf '%-34s %10.3f %10.3f\n' "$1" "$(m "$2")" "$(c "$2")"; }
line "git log (same fields)" gitlog
line "census scan, first" scan
line "census scan, nothing new" rescan
line "census report --format json" report
line "census scan, rules changed" rules
line "git log, one core" gitlog1
line "census scan, first, one core" scan1
printf 'ratio scan / git log, wall:         %.2f  (target <= 1.0)\n' "$(ratio "$(m scan)" "$(m gitlog)")"
printf 'ratio scan / git log, CPU:          %.2f  (target <= 1.5, then 1.0)\n' "$(ratio "$(c scan)" "$(c gitlog)")"
printf 'ratio scan / git log, one core:     %.2f  (target <= 1.5)\n' "$(ratio "$(m scan1)" "$(m gitlog1)")"
if [ "${BENCH_LINES:-1}" != 0 ]; then
  line "git log --no-merges --numstat" numstat
  line "census scan --lines, first" lines
  printf 'ratio scan --lines / git numstat:   %.2f  (target <= 1.5)\n' "$(ratio "$(m lines)" "$(m numstat)")"
fi
printf 'peak memory, first scan:            %d MB  (target <= 150)\n' "$((memory / 1024))"
