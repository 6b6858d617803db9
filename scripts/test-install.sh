#!/usr/bin/env bash
# Issue 20's checks, as a new user would try them, on this machine for real
# (CI's machine is a throwaway one; run it as root):
#   make install into a fresh prefix and make uninstall, which removes exactly that;
#   the Debian package: its files, Depends, conffile, user, and that it starts nothing;
#   census and censusd from /usr/bin, and a scratch copy of them, run as nobody with
#   the checkout (every build folder in it), root's home and the Swift toolchain
#   hidden under empty tmpfs mounts in a mount namespace of their own;
#   dpkg --purge.
# Usage: scripts/test-install.sh BINARIES DEB
set -uo pipefail
binaries=$(cd "$1" && pwd) deb=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
here=$(cd "$(dirname "$0")/.." && pwd)
toolchain=$(dirname "$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")")
[ "$(id -u)" = 0 ] || { echo "test-install.sh: run as root (it installs a package and mounts)" >&2; exit 2; }
work=$(mktemp -d /tmp/census-install-XXXXXX)
chmod 755 "$work"
log="$work/log"
passed=0 failed=0

check() {  # check NAME COMMAND...: one line per check, the output of a failing one
  local name=$1; shift
  if "$@" >"$log" 2>&1; then passed=$((passed + 1)); echo "ok      $name"
  else failed=$((failed + 1)); echo "FAILED  $name"; tail -20 "$log" | sed 's/^/        /'; fi
}

# expect NAME PATTERN COMMAND...: the command succeeds and prints PATTERN (grep -E).
expect() {
  local name=$1 pattern=$2; shift 2
  if "$@" >"$log" 2>&1 && grep -Eq "$pattern" "$log"; then passed=$((passed + 1)); echo "ok      $name"
  else failed=$((failed + 1)); echo "FAILED  $name (expected /$pattern/)"; tail -20 "$log" | sed 's/^/        /'; fi
}

# Runs a command as nobody with the checkout, root's home and the toolchain out of sight.
hidden() {
  unshare -m sh -c '
    for folder in "$HERE" /root "$TOOLCHAIN"; do mount -t tmpfs -o mode=0755 none "$folder" || exit 99; done
    exec setpriv --reuid=65534 --regid=65534 --clear-groups env -i HOME=/nonexistent PATH=/usr/bin:/bin "$@"' \
    hidden "$@"
}
export HERE="$here" TOOLCHAIN="$toolchain"

# A repository with one AI commit, readable by nobody.
repo="$work/repo"
git init -q -b main "$repo"
git -C "$repo" -c user.name=Dev -c user.email=dev@example.com commit -q --allow-empty -m "by hand"
git -C "$repo" -c user.name=Dev -c user.email=dev@example.com commit -q --allow-empty \
  -m $'with an agent\n\nCo-Authored-By: Claude <noreply@anthropic.com>'
mkdir -p "$work/db" "$work/scratch"
cp "$binaries/census" "$binaries/censusd" "$work/scratch/"
chown -R 65534:65534 "$work/db"
chmod -R a+rX "$work"

echo "== make install / make uninstall"
prefix="$work/prefix"
check "make install PREFIX=$prefix" make -s -C "$here" install PREFIX="$prefix"
check "binaries, man pages, completions, unit and sample configuration are there" sh -c "
  cd '$prefix' && for file in bin/census bin/censusd share/man/man1/census.1 share/man/man1/census-scan.1 \
    share/man/man1/census-report.1 share/man/man1/censusd.1 share/bash-completion/completions/census \
    share/zsh/site-functions/_census share/fish/vendor_completions.d/census.fish \
    share/doc/commitcensus/censusd.service share/doc/commitcensus/census.yml; do test -s \$file || { echo missing \$file; exit 1; }; done"
check "man -l opens census.1 and census-scan.1" sh -c "
  man -l '$prefix/share/man/man1/census.1' | grep -q census-scan && man -l '$prefix/share/man/man1/census-scan.1' | grep -q 'census scan'"
check "the bash completion completes subcommands" sh -c "grep -q 'report' '$prefix/share/bash-completion/completions/census'"
touch "$prefix/share/man/man1/someone-else.1"
check "make uninstall removes exactly what was installed" sh -c "
  make -s -C '$here' uninstall PREFIX='$prefix' && test -e '$prefix/share/man/man1/someone-else.1' \
  && test \"\$(find '$prefix' -type f | wc -l)\" = 1"

echo "== the Debian package"
check "dpkg-deb -c lists the files" sh -c "
  listing=\$(dpkg-deb -c '$deb') && for file in ./usr/bin/census ./usr/bin/censusd ./usr/share/man/man1/census.1.gz \
    ./usr/share/man/man1/census-scan.1.gz ./usr/share/man/man1/censusd.1.gz ./usr/share/bash-completion/completions/census \
    ./usr/share/zsh/vendor-completions/_census ./usr/share/fish/vendor_completions.d/census.fish \
    ./lib/systemd/system/censusd.service ./etc/census/census.yml; do echo \"\$listing\" | grep -q \" \$file\$\" || { echo missing \$file; exit 1; }; done"
check "Depends names the shared libraries' packages" sh -c "dpkg-deb -f '$deb' Depends | tee /dev/stderr | grep -q libgit2 && dpkg-deb -f '$deb' Depends | grep -q libsqlite3 && dpkg-deb -f '$deb' Depends | grep -q libdeflate"
check "the binaries do not name the Swift runtime's shared libraries" sh -c "! objdump -p '$binaries/census' | grep -q 'NEEDED.*swift'"
check "dpkg -i installs it" dpkg -i "$deb"
check "a census system user owns /var/lib/census" sh -c "getent passwd census && test \"\$(stat -c %U /var/lib/census)\" = census"
check "/etc/census/census.yml is a conffile" sh -c "dpkg-query -W -f='\${Conffiles}' commitcensus | grep -q /etc/census/census.yml"
check "nothing was started" sh -c "! pgrep -x censusd"
check "the unit names the installed binary and docs" sh -c "grep -q '^ExecStart=/usr/bin/censusd' /lib/systemd/system/censusd.service && grep -q 'man:censusd(1)' /lib/systemd/system/censusd.service"

echo "== as nobody, with $here, /root and $toolchain hidden"
check "the hiding works: no checkout, no toolchain" hidden /bin/sh -c "test ! -e '$here/Package.swift' && test ! -e '$toolchain/usr/bin/swift'"
for census in /usr/bin/census "$work/scratch/census"; do
  daemon=$(dirname "$census")/censusd
  store="$work/db/$(basename "$(dirname "$census")").sqlite"
  expect "$census --version" '^[0-9]+\.[0-9]+\.[0-9]+ \(catalogue [0-9.]+\)$' hidden "$census" --version
  expect "$census rules" 'claude-code' hidden "$census" rules
  check "$census scan" hidden "$census" scan --db "$store" "$repo"
  expect "$census report counts the AI commit" '"ai" *: *1,' hidden "$census" report --db "$store" --format json
  expect "$daemon --help" 'USAGE: censusd' hidden "$daemon" --help
done

echo "== dpkg --purge"
check "dpkg --purge removes it" dpkg --purge commitcensus
check "binaries, conffile and store are gone" sh -c "test ! -e /usr/bin/census && test ! -e /etc/census/census.yml && test ! -e /var/lib/census"

rm -rf "$work"
echo "test-install: $passed passed, $failed failed"
[ "$failed" = 0 ]
