#!/usr/bin/env bash
# Man pages generated from the commands themselves by swift-argument-parser's
# generate-manual plugin, one page per subcommand, named as man expects
# (census-scan.1, not census.scan.1); the `help` pages are left out.
# Usage: scripts/make-manuals.sh OUTPUT_DIR
set -euo pipefail
dest=$1
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
# The date of the last commit, so that the same source gives the same pages.
date=$(git log -1 --format=%cs 2>/dev/null || date +%F)
swift package --allow-writing-to-package-directory generate-manual --multi-page --configuration debug \
  --date "$date" --authors "The CommitCensus developers" >/dev/null
out=.build/plugins/GenerateManual/outputs
rm -rf "$dest"; mkdir -p "$dest"
# The subcommands, from the pages' names: only these are renamed (census.yml stays).
subcommands=$(ls "$out"/census/ "$out"/censusd/ | sed -nE 's/^censusd?\.([a-z-]+)\.1$/\1/p' | sort -u | paste -sd'|')
for page in "$out"/census/*.1 "$out"/censusd/*.1; do
  name=$(basename "$page" .1)
  case "$name" in *.help) continue ;; esac
  # census.scan -> census-scan in the file name, the title and every cross-reference;
  # references to the help pages go, and a SEE ALSO left empty with them.
  sed -E -e '/^\.Xr census(d)?\.help 1/d' -e "s/(census|CENSUS)(D?)\\.($subcommands|${subcommands^^})([^A-Za-z]|\$)/\\1\\2-\\3\\4/g" "$page" \
    | awk '/^\.Sh "SEE ALSO"/ { held = $0; next }
           held != "" { if ($0 ~ /^\.Xr/) print held; held = "" }
           { print }' > "$dest/${name//./-}.1"
done
ls "$dest"
