#!/usr/bin/env bash
# Removes exactly what scripts/install.sh installed under DESTDIR/PREFIX, as
# listed in share/doc/commitcensus/installed-files, and the folders it leaves empty.
# Usage: scripts/uninstall.sh PREFIX [DESTDIR]
set -euo pipefail
prefix=$1 destdir=${2:-}
list="$destdir$prefix/share/doc/commitcensus/installed-files"
[ -f "$list" ] || { echo "uninstall: $list: not installed here (no list of installed files)" >&2; exit 2; }
count=0
while IFS= read -r file; do
  case "$file" in "$prefix"/*) ;; *) echo "uninstall: $list names $file, outside $prefix; stopped" >&2; exit 2 ;; esac
  if [ -e "$destdir$file" ] || [ -L "$destdir$file" ]; then rm -f "$destdir$file"; count=$((count + 1)); fi
  # Folders the installation made and left empty go too; rmdir keeps any that hold something else.
  dir=$(dirname "$destdir$file")
  while [ "$dir" != "$destdir$prefix" ] && [ "$dir" != "/" ] && rmdir "$dir" 2>/dev/null; do dir=$(dirname "$dir"); done
done < <(tac "$list")
echo "removed $count files from $destdir$prefix"
