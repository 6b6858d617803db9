#!/usr/bin/env bash
# Issue 4's "100 small repositories in one `census scan ~/src`" target: makes
# N repositories of C commits each (scripts/make-big-repo.sh, deterministic),
# then times, several rounds, medians:
#   the sum of `git log` (same fields as bench-vs-git.sh) over every repository
#   census scan FOLDER, first scan          (target <= 2x the git log sum)
#   census scan FOLDER, nothing new          (issue: <= 50 ms per repository)
#
# Usage: scripts/bench-many-repos.sh [N] [C] [ROUNDS]   (defaults 100 300 5)
set -euo pipefail
count=${1:-100}
commits=${2:-300}
rounds=${3:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
census=$here/.build/release/census
[ -x "$census" ] || (cd "$here" && swift build -c release --product census >/dev/null)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq -w "$count"); do "$here/scripts/make-big-repo.sh" "$work/src/repo-$i" "$commits" >/dev/null; done

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
gitlog=() scan=() rescan=()
for round in $(seq "$rounds"); do
  start=$(now)
  for repo in "$work"/src/*/; do
    git -C "$repo" log --format='%H%x00%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%B%x00' HEAD >/dev/null
  done
  gitlog+=("$(echo "$(now) - $start" | bc -l)")
  rm -f "$work"/db*
  start=$(now); "$census" scan --quiet --db "$work/db.sqlite" "$work/src" >/dev/null 2>&1; scan+=("$(echo "$(now) - $start" | bc -l)")
  start=$(now); "$census" scan --quiet --db "$work/db.sqlite" "$work/src" >/dev/null 2>&1; rescan+=("$(echo "$(now) - $start" | bc -l)")
done
m() { printf '%s\n' "$@" | median; }
g=$(m "${gitlog[@]}"); s=$(m "${scan[@]}"); r=$(m "${rescan[@]}")
stored=$(sqlite3 "$work/db.sqlite" "SELECT COUNT(*) FROM commit_record" 2>/dev/null || echo "?")
printf '%s repositories x %s commits (%s stored), %s rounds, medians\n' "$count" "$commits" "$stored" "$rounds"
printf '%-40s %8.3f s\n' "git log over every repository (sum)" "$g"
printf '%-40s %8.3f s\n' "census scan FOLDER, first" "$s"
printf '%-40s %8.3f s  (%.1f ms per repository)\n' "census scan FOLDER, nothing new" "$r" "$(echo "$r * 1000 / $count" | bc -l)"
printf 'ratio first scan / git log sum:           %.2f  (target <= 2.0)\n' "$(echo "$s / $g" | bc -l)"
