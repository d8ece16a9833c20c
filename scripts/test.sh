#!/bin/bash
# scripts/test.sh: run every test layer, or those matching a filter.
#
#   test.sh          host unit tests, then QEMU boot tests
#   test.sh NAME     only unit-test binaries and cases / QEMU tests whose
#                    name contains NAME (pytest -k); fails if nothing matched
#
# Prints a one-line summary per layer and exits non-zero if anything failed.

set -u
cd "$(dirname "$0")/.."
filter=${1:-}
python=${PYTHON:-/usr/bin/python3}
rc=0 ran=0

unit_bins=$(ls tools/tests/unit/test_*.c | sed 's|.*/\(test_.*\)\.c|\1|')
if [ -n "$filter" ]; then
    unit_bins=$(printf '%s\n' $unit_bins | grep -F -- "$filter" || true)
fi
if [ -n "$unit_bins" ]; then
    ran=1
    echo "=== host unit tests"
    make -s -C tools/tests/unit run T="$filter" || rc=1
fi
# The ELF loader's fuzz corpus, replayed under ASan/UBSan (no libFuzzer).
if [ -z "$filter" ] || [[ "elf" == *"$filter"* ]] || [[ "$filter" == *elf* ]]; then
    ran=1
    echo "=== ELF loader fuzz corpus replay"
    make -s -C tools/tests/fuzz/elf replay SAN=1 || rc=1
fi
if [ -z "$filter" ] || [[ "$filter" == *ptwr* ]]; then
    ran=1
    echo "=== ptwr emulator fuzz corpus replay"
    make -s -C tools/tests/fuzz/ptwr replay SAN=1 || rc=1
fi
if [ -z "$filter" ] || [[ "$filter" == *xz* ]] || [[ "$filter" == *bzimage* ]]; then
    ran=1
    echo "=== XZ decoder fuzz corpus replay"
    make -s -C tools/tests/fuzz/unxz replay SAN=1 || rc=1
fi

echo "=== QEMU tests"
args=(-q tools/tests/qemu)
[ -n "$filter" ] && args+=(-k "$filter")
"$python" -m pytest "${args[@]}"
status=$?
case $status in
0) ran=1 ;;
5) [ -n "$filter" ] && echo "(no QEMU test matches '$filter')" || rc=1 ;;
*) ran=1; rc=1 ;;
esac

if [ $ran -eq 0 ]; then
    echo "test.sh: no test matches '$filter'" >&2
    exit 1
fi
[ $rc -eq 0 ] && echo "=== all tests passed" || echo "=== SOME TESTS FAILED"
exit $rc
