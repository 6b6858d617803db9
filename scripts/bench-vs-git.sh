#!/usr/bin/env bash
# Runs census and git on the same repository, several rounds, and prints the
# medians and the ratios that issue 4 sets targets for:
#   first scan            vs git log with the same fields (target <= 1.0)
#   first scan --lines    vs git log --no-merges --numstat (target <= 1.5)
#   re-scan, nothing new  (target <= 50 ms, whole process)
# and census's peak memory on the first scan (target <= 150 MB).
#
# Usage: scripts/bench-vs-git.sh REPO [ROUNDS]   (a release build is made if missing)
#        BENCH_LINES=0 scripts/bench-vs-git.sh REPO   skips the slow --lines rounds
set -euo pipefail
repo=${1:?usage: bench-vs-git.sh REPO [ROUNDS]}
rounds=${2:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
census=$here/.build/release/census
[ -x "$census" ] || (cd "$here" && swift build -c release >/dev/null)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# seconds for one run of "$@", wall clock
elapsed() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc -l; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

declare -A samples
for round in $(seq "$rounds"); do
  samples[gitlog]+="$(elapsed git -C "$repo" log --format='%H%x00%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%B%x00' HEAD) "
  rm -f "$work"/db*
  samples[scan]+="$(elapsed "$census" scan --db "$work/db.sqlite" "$repo") "
  samples[rescan]+="$(elapsed "$census" scan --db "$work/db.sqlite" "$repo") "
  samples[report]+="$(elapsed "$census" report --db "$work/db.sqlite" --format json) "
  if [ "${BENCH_LINES:-1}" != 0 ]; then
    samples[numstat]+="$(elapsed git -C "$repo" log --no-merges --numstat --format=%H HEAD) "
    rm -f "$work"/db*
    samples[lines]+="$(elapsed "$census" scan --lines --db "$work/db.sqlite" "$repo") "
  fi
done
rm -f "$work"/db*
/usr/bin/time -f '%M' -o "$work/memory" "$census" scan --db "$work/db.sqlite" "$repo" >/dev/null 2>&1
memory=$(tail -1 "$work/memory")
commits=$(git -C "$repo" rev-list --count HEAD)

m() { echo "${samples[$1]}" | tr ' ' '\n' | grep -v '^$' | median; }
printf 'repository: %s (%s commits), %s rounds, medians\n' "$repo" "$commits" "$rounds"
printf '%-34s %10s\n' "measure" "seconds"
printf '%-34s %10.3f\n' "git log (same fields)" "$(m gitlog)"
printf '%-34s %10.3f\n' "census scan, first" "$(m scan)"
printf '%-34s %10.3f\n' "census scan, nothing new" "$(m rescan)"
printf '%-34s %10.3f\n' "census report --format json" "$(m report)"
printf 'ratio scan / git log:               %.2f  (target <= 1.0)\n' "$(echo "$(m scan) / $(m gitlog)" | bc -l)"
if [ "${BENCH_LINES:-1}" != 0 ]; then
  printf '%-34s %10.3f\n' "git log --no-merges --numstat" "$(m numstat)"
  printf '%-34s %10.3f\n' "census scan --lines, first" "$(m lines)"
  printf 'ratio scan --lines / git numstat:   %.2f  (target <= 1.5)\n' "$(echo "$(m lines) / $(m numstat)" | bc -l)"
fi
printf 'peak memory, first scan:            %d MB  (target <= 150)\n' "$((memory / 1024))"
