#!/bin/sh
# scripts/qemu.sh: boot an ISO made by mkiso.sh in QEMU (TCG, never KVM),
# with COM1 and the QEMU monitor multiplexed on this terminal (Ctrl-a c
# switches between them, Ctrl-a x quits).
#
#   qemu.sh ISO [extra qemu args...]
#
# Environment: QEMU_CPU (qemu64,+svm,+npt), QEMU_MEM (512M), QEMU_SMP (2),
# QEMU (qemu-system-x86_64).
#
# isa-debug-exit at 0xf4 lets the hypervisor end QEMU: writing V to the port
# makes QEMU exit with status (V << 1) | 1.

set -eu

prog=${0##*/}
if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
    echo "usage: $prog ISO [extra qemu args...]" >&2
    exit 2
fi
iso=$1
shift
[ -f "$iso" ] || { echo "$prog: error: ISO '$iso' not found" >&2; exit 1; }
qemu=${QEMU:-qemu-system-x86_64}
command -v "$qemu" >/dev/null || { echo "$prog: error: $qemu not found (run scripts/deps.sh)" >&2; exit 1; }

exec "$qemu" -accel tcg -cpu "${QEMU_CPU:-qemu64,+svm,+npt}" \
    -m "${QEMU_MEM:-512M}" -smp "${QEMU_SMP:-2}" \
    -cdrom "$iso" -boot d -display none -serial mon:stdio -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@"
