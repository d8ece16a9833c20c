#!/bin/sh
# scripts/ref-xen.sh: make sure the reference hypervisor (Debian's Xen 4.17)
# is at build/ref/xen-4.17.gz and print its path.
#
#   ref-xen.sh          fetch and extract it if missing, print the path
#
# The guest tests (tools/tests/guests) are checked against this image: a
# test that fails on it is a wrong test.  The .deb comes from Debian's
# archive through apt-get (or from $REF_XEN_DEB, e.g. a copy already on
# disk); only boot/xen-4.17-amd64.gz is kept.
#
# Environment: REF_XEN_DEB (a .deb to use instead of downloading),
# REF_XEN_PKG (default xen-hypervisor-4.17-amd64).

set -eu

prog=${0##*/}
die() { echo "$prog: error: $*" >&2; exit 1; }

root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/build/ref
out=$dir/xen-4.17.gz
pkg=${REF_XEN_PKG:-xen-hypervisor-4.17-amd64}

if [ -s "$out" ]; then
    echo "$out"
    exit 0
fi
mkdir -p "$dir"

deb=${REF_XEN_DEB:-}
if [ -z "$deb" ]; then
    deb=$(ls "$dir"/"$pkg"_*.deb 2>/dev/null | head -n 1 || true)
fi
if [ -z "$deb" ]; then
    command -v apt-get >/dev/null || die "apt-get not found: cannot fetch $pkg"
    # apt-get download writes into the current directory.
    if ! (cd "$dir" && apt-get download "$pkg" >&2); then
        echo "$prog: apt-get download failed; running apt-get update and retrying" >&2
        apt-get update >&2 || die "apt-get update failed"
        (cd "$dir" && apt-get download "$pkg" >&2) || die "cannot download $pkg"
    fi
    deb=$(ls "$dir"/"$pkg"_*.deb 2>/dev/null | head -n 1 || true)
    [ -n "$deb" ] || die "apt-get download left no $pkg .deb in $dir"
fi
[ -f "$deb" ] || die "'$deb' not found"

tmp=$(mktemp -d "$dir/.extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp" || die "dpkg-deb -x $deb failed"
img=$(ls "$tmp"/boot/xen-4.17*-amd64.gz 2>/dev/null | head -n 1 || true)
[ -n "$img" ] || die "no boot/xen-4.17*-amd64.gz in $deb"
cp -f "$img" "$out.tmp"
mv -f "$out.tmp" "$out"
echo "$out"
