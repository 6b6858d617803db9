#!/usr/bin/env bash
# Installs census and censusd with their man pages, shell completions, the
# systemd unit and a sample configuration under DESTDIR/PREFIX, and writes the
# list of what it installed to share/doc/commitcensus/installed-files, which
# scripts/uninstall.sh reads to remove exactly that.
#
# Usage: scripts/install.sh BINARIES MANUALS COMPLETIONS PREFIX [DESTDIR]
#   BINARIES     folder holding census and censusd (a self-contained build)
#   MANUALS      folder of the generated man pages (census.1, census-scan.1, …)
#   COMPLETIONS  folder holding census.bash, _census and census.fish
# ZSH_COMPLETIONS (default share/zsh/site-functions) and UNIT_DIR (default
# share/doc/commitcensus) place those two elsewhere below the root (a package
# puts them where Debian looks).
set -euo pipefail
binaries=$1 manuals=$2 completions=$3 prefix=$4 destdir=${5:-}
here=$(cd "$(dirname "$0")/.." && pwd)
root="$destdir$prefix"
zsh_dir=${ZSH_COMPLETIONS:-$prefix/share/zsh/site-functions}
doc_dir=$prefix/share/doc/commitcensus
unit_dir=${UNIT_DIR:-$doc_dir}
installed=()

put() {  # put MODE SOURCE TARGET (TARGET absolute, below DESTDIR)
  install -D -m "$1" "$2" "$destdir$3"
  installed+=("$3")
}

put 755 "$binaries/census" "$prefix/bin/census"
put 755 "$binaries/censusd" "$prefix/bin/censusd"
for page in "$manuals"/*.1; do
  put 644 "$page" "$prefix/share/man/man1/$(basename "$page")"
done
put 644 "$completions/census.bash" "$prefix/share/bash-completion/completions/census"
put 644 "$completions/_census" "$zsh_dir/_census"
put 644 "$completions/census.fish" "$prefix/share/fish/vendor_completions.d/census.fish"
put 644 "$here/samples/censusd.service" "$unit_dir/censusd.service"
put 644 "$here/samples/census.yml" "$doc_dir/census.yml"
put 644 "$here/README.md" "$doc_dir/README.md"
installed+=("$doc_dir/installed-files")
printf '%s\n' "${installed[@]}" > "$destdir$doc_dir/installed-files"
echo "installed ${#installed[@]} files under $root"
