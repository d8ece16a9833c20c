#!/bin/bash
# scripts/mkiso.sh: build a BIOS-bootable GRUB2 ISO that boots the hypervisor.
#
#   mkiso.sh -o OUT.iso -x XEN.gz [-c "hypervisor options"] [-m FILE "module args"]...
#
# The ISO holds /boot/xen.gz, one /boot/<basename> per -m (in order) and a
# grub.cfg that boots straight away (timeout 0) with GRUB's terminal on COM1
# at 115200 and on the console:
#
#     multiboot2 /boot/xen.gz <options>
#     module2 /boot/<basename> <args>      (one line per -m)
#     boot
#
# For speed only the GRUB modules needed for that are put on the image (no
# locales, fonts or themes) and nothing is compressed.  OUT.iso is written
# atomically (built under a temporary name, then renamed).

set -eu
set -o pipefail

prog=${0##*/}
die() { echo "$prog: error: $*" >&2; exit 1; }
usage() {
    echo "usage: $prog -o OUT.iso -x XEN.gz [-c \"hypervisor options\"] [-m FILE \"module args\"]..." >&2
    exit 2
}

# GRUB modules the ISO needs at run time (grub-mkrescue adds their
# dependencies).  biosdisk/iso9660 find the CD; normal runs grub.cfg; serial
# and terminal set up the consoles; multiboot2 + gzio load a gzipped image.
GRUB_MODULES="biosdisk iso9660 part_msdos normal configfile echo test serial terminal multiboot2 gzio boot"
GRUB_PLATFORM_DIR=${GRUB_PLATFORM_DIR:-/usr/lib/grub/i386-pc}

out="" xen="" opts=""
mod_files=() mod_args=()
while [ $# -gt 0 ]; do
    case "$1" in
    -o) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    -x) [ $# -ge 2 ] || usage; xen=$2; shift 2 ;;
    -c) [ $# -ge 2 ] || usage; opts=$2; shift 2 ;;
    -m) [ $# -ge 3 ] || { echo "$prog: -m needs FILE and ARGS (use \"\" for none)" >&2; usage; }
        mod_files+=("$2"); mod_args+=("$3"); shift 3 ;;
    -h|--help) usage ;;
    *) echo "$prog: unknown argument '$1'" >&2; usage ;;
    esac
done
[ -n "$out" ] || { echo "$prog: -o OUT.iso is required" >&2; usage; }
[ -n "$xen" ] || { echo "$prog: -x XEN.gz is required" >&2; usage; }
{ [ -f "$xen" ] && [ -r "$xen" ]; } || die "hypervisor image '$xen' not found or not readable"
command -v grub-mkrescue >/dev/null || die "grub-mkrescue not found (run scripts/deps.sh)"
command -v xorriso >/dev/null || die "xorriso not found (run scripts/deps.sh)"
[ -f "$GRUB_PLATFORM_DIR/cdboot.img" ] || die "GRUB BIOS files not found in $GRUB_PLATFORM_DIR (install grub-pc-bin)"

# Quote one word for grub.cfg if it holds characters GRUB's parser treats
# specially (GRUB quoting follows sh: '...' is literal, ' itself is '\'').
grub_quote() {
    case "$1" in
    *[!A-Za-z0-9_.,:=/+@%^-]*) printf "'%s'" "${1//\'/\'\\\'\'}" ;;
    *) printf '%s' "$1" ;;
    esac
}
# Quote an argument string word by word, so that GRUB hands the kernel the
# same space-separated string.
grub_words() {
    local w first=1
    local -a words
    read -r -a words <<<"$1" || true
    for w in "${words[@]}"; do
        [ $first = 1 ] || printf ' '
        first=0
        grub_quote "$w"
    done
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkiso.XXXXXX") || die "cannot create a temporary directory"
tmpiso=""
cleanup() {
    rm -rf "$tmp"
    [ -z "$tmpiso" ] || rm -f "$tmpiso"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Hard links cost nothing; copy when they are impossible (other filesystem).
place() { ln -f "$1" "$2" 2>/dev/null || cp -f "$1" "$2" || die "cannot copy '$1'"; }

mkdir -p "$tmp/iso/boot/grub"
place "$xen" "$tmp/iso/boot/xen.gz"

cfg="$tmp/iso/boot/grub/grub.cfg"
{
    echo "set timeout=0"
    echo "set default=0"
    echo "serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1"
    echo "terminal_input serial console"
    echo "terminal_output serial console"
    echo "menuentry \"Xen\" {"
    printf '    multiboot2 /boot/xen.gz'
    [ -z "$opts" ] || printf ' %s' "$(grub_words "$opts")"
    printf '\n'
} >"$cfg"

declare -A seen=()
for i in "${!mod_files[@]}"; do
    f=${mod_files[$i]}
    { [ -f "$f" ] && [ -r "$f" ]; } || die "module '$f' not found or not readable"
    base=${f##*/}
    case "$base" in
    xen.gz|grub) die "module name '$base' clashes with a file GRUB needs; rename it" ;;
    *[!A-Za-z0-9_.,+-]*) die "module name '$base' has characters GRUB paths cannot take; rename it" ;;
    esac
    [ -z "${seen[$base]:-}" ] || die "two modules named '$base' (basenames must be unique)"
    seen[$base]=1
    place "$f" "$tmp/iso/boot/$base"
    {
        printf '    module2 /boot/%s' "$base"
        [ -z "${mod_args[$i]}" ] || printf ' %s' "$(grub_words "${mod_args[$i]}")"
        printf '\n'
    } >>"$cfg"
done
{
    echo "    boot"
    echo "}"
} >>"$cfg"

outdir=$(dirname -- "$out")
[ -d "$outdir" ] || mkdir -p -- "$outdir" || die "cannot create directory '$outdir'"
tmpiso=$(mktemp "$outdir/.${out##*/}.XXXXXX") || die "cannot create a file in '$outdir'"

if ! grub-mkrescue -d "$GRUB_PLATFORM_DIR" \
        --install-modules="$GRUB_MODULES" \
        --locales= --fonts= --themes= --compress=no \
        -o "$tmpiso" "$tmp/iso" >"$tmp/mkrescue.log" 2>&1; then
    cat "$tmp/mkrescue.log" >&2
    die "grub-mkrescue failed (see messages above)"
fi
[ -s "$tmpiso" ] || { cat "$tmp/mkrescue.log" >&2; die "grub-mkrescue produced an empty image"; }
chmod 0644 "$tmpiso"
mv -f -- "$tmpiso" "$out" || die "cannot write '$out'"
tmpiso=""
