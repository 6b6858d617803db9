#!/usr/bin/env bash
# Builds .build/commitcensus_<version>_<arch>.deb with dpkg-deb alone: the
# self-contained binaries, man pages, completions, the systemd unit, the
# configuration as a conffile, and maintainer scripts that make the `census`
# system user and /var/lib/census and start nothing.
#
# Usage: scripts/make-deb.sh VERSION BINARIES MANUALS COMPLETIONS
set -euo pipefail
version=$1 binaries=$2 manuals=$3 completions=$4
here=$(cd "$(dirname "$0")/.." && pwd)
arch=$(dpkg --print-architecture)
root="$here/.build/deb-root"
deb="$here/.build/commitcensus_${version}_${arch}.deb"
rm -rf "$root"
ZSH_COMPLETIONS=/usr/share/zsh/vendor-completions UNIT_DIR=/usr/share/doc/commitcensus/examples \
  "$here/scripts/install.sh" "$binaries" "$manuals" "$completions" /usr "$root" >/dev/null
# A package's files are dpkg's to track: no list of its own, man pages
# compressed, binaries without their symbol tables (as dh_strip leaves them).
rm "$root/usr/share/doc/commitcensus/installed-files"
strip --strip-unneeded "$root/usr/bin/census" "$root/usr/bin/censusd"
gzip -9n "$root"/usr/share/man/man1/*.1
install -D -m 644 "$here/packaging/censusd.service" "$root/lib/systemd/system/censusd.service"
install -D -m 644 "$here/packaging/census.yml" "$root/etc/census/census.yml"
install -D -m 644 /dev/stdin "$root/usr/share/doc/commitcensus/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: commitcensus
Files: *
Copyright: The CommitCensus developers
License: see the project's repository
COPYRIGHT

# Depends: the Debian package of every shared library the binaries name.
depends=$(for binary in "$root/usr/bin/census" "$root/usr/bin/censusd"; do
    resolved=$(ldd "$binary")
    objdump -p "$binary" | awk '/NEEDED/ {print $2}' | while read -r soname; do
      # The dynamic loader comes with libc6, which libc.so.6 names anyway.
      case "$soname" in ld-linux*) continue ;; esac
      path=$(echo "$resolved" | awk -v so="$soname" '$1 == so {print $3}')
      [ -n "$path" ] || { echo "make-deb: $binary needs $soname, which is not installed" >&2; exit 1; }
      dpkg -S "$path" 2>/dev/null || dpkg -S "$(readlink -f "$path")"
    done
  done | cut -d: -f1 | sort -u | paste -sd, | sed 's/,/, /g')
[ -n "$depends" ] || { echo "make-deb: no shared library dependencies found" >&2; exit 1; }
size=$(du -sk "$root" | cut -f1)

mkdir -p "$root/DEBIAN"
cat > "$root/DEBIAN/control" <<CONTROL
Package: commitcensus
Version: $version
Architecture: $arch
Maintainer: The CommitCensus developers <commitcensus@invalid>
Installed-Size: $size
Depends: $depends, git
Section: devel
Priority: optional
Description: measure how much of your git history AI coding tools wrote
 census scans git repositories with libgit2, classifies every commit as
 AI-written, human-written or automation with the evidence, stores the
 results in SQLite and reports the AI share of commits and lines, adoption
 and trends. censusd keeps them current and serves a dashboard, an HTTP API
 and Prometheus metrics. Nothing is started on install.
CONTROL
echo /etc/census/census.yml > "$root/DEBIAN/conffiles"
cat > "$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
    if ! getent passwd census >/dev/null; then
        useradd --system --user-group --home-dir /var/lib/census --no-create-home \
            --shell /usr/sbin/nologin --comment "CommitCensus collector" census
    fi
    install -d -o census -g census -m 0750 /var/lib/census
    # The unit is made known, never enabled or started: that is the administrator's choice.
    if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null 2>&1 || true; fi
fi
exit 0
POSTINST
cat > "$root/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
    systemctl stop censusd.service >/dev/null 2>&1 || true
fi
exit 0
PRERM
cat > "$root/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null 2>&1 || true; fi
# Purging removes the collector's store; the census user stays, as Debian keeps system users.
if [ "$1" = purge ]; then rm -rf /var/lib/census; fi
exit 0
POSTRM
chmod 755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
dpkg-deb --root-owner-group --build "$root" "$deb" >/dev/null
echo "$deb"
