#!/bin/sh
# scripts/deps.sh: make sure the Debian packages needed to build, run and test
# the hypervisor are installed.
#
#   - all present:            exit 0 silently
#   - missing, running as root: apt-get install them (apt-get update on failure)
#   - missing, not root:      list them and exit 1
#
# Add packages to PACKAGES below.

PACKAGES="
    gcc
    make
    binutils
    gzip
    qemu-system-x86
    grub-pc-bin
    grub-common
    xorriso
    mtools
    python3-pytest
    libxen-dev
"

set -u

missing=""
for pkg in $PACKAGES; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    if [ "$status" != "installed" ]; then
        missing="$missing $pkg"
    fi
done
missing=${missing# }

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "Missing packages: $missing" >&2
    echo "Run as root: apt-get install -y --no-install-recommends $missing" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "deps.sh: installing: $missing" >&2
# shellcheck disable=SC2086
if ! apt-get install -y --no-install-recommends $missing; then
    echo "deps.sh: install failed; running apt-get update and retrying" >&2
    apt-get update || { echo "deps.sh: apt-get update failed" >&2; exit 1; }
    # shellcheck disable=SC2086
    apt-get install -y --no-install-recommends $missing || {
        echo "deps.sh: could not install: $missing" >&2
        exit 1
    }
fi
exit 0
