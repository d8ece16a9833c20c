"""Boot tests: banner, memory map, modules, boot options, panics, reboot
methods, CPU feature checks.  Each test is one QEMU boot."""

import os
import re
import time

import pytest

from machine import DEFAULT_OPTIONS, parse_e820, parse_size

BOOT_COMPLETE = r"^\(XEN\) Boot complete"
BANNER = r"^\(XEN\) .*version 0\.\d+"
E820_HEADER = r"^\(XEN\) Xen-e820 RAM map:$"
SYSTEM_RAM = r"^\(XEN\) System RAM: (\d+)MB \((\d+)kB\)$"
MODULE0 = r"^\(XEN\) Module 0: \[([0-9a-f]+), ([0-9a-f]+)\) .*$"
MIB = 1 << 20


def search(regex, text):
    return re.search(regex, text, re.MULTILINE)


def check_memory_map(out, mem):
    """e820 lines are "[first, last]" (both inclusive), like Xen's.

    The e820 map parses, is sorted and non-overlapping, its usable total
    equals "System RAM" and is within 2 MiB below the QEMU -m size."""
    e820 = parse_e820(out)
    assert e820, "no e820 entries after the 'Xen-e820 RAM map:' header"
    for start, last, kind in e820:
        assert start <= last, "inverted e820 range [%x, %x] (%s)" % (start, last, kind)
    for (s1, e1, _), (s2, e2, _) in zip(e820, e820[1:]):
        assert s1 < s2, "e820 not sorted: %x then %x" % (s1, s2)
        assert e1 < s2, "e820 ranges overlap: [%x, %x] and [%x, %x]" % (s1, e1, s2, e2)
    usable = sum(e - s + 1 for s, e, k in e820 if k == "usable")

    m = search(SYSTEM_RAM, out)
    assert m, "no 'System RAM: <N>MB (<K>kB)' line"
    mb, kb = int(m.group(1)), int(m.group(2))
    assert usable == kb * 1024, \
        "usable e820 total %d kB != System RAM %d kB" % (usable // 1024, kb)
    assert mb in (kb // 1024, round(kb / 1024)), "System RAM %dMB inconsistent with %dkB" % (mb, kb)
    size = parse_size(mem)
    assert size - 2 * MIB <= usable <= size, \
        "usable RAM %d kB not within 2 MiB below -m %s (%d kB)" % (usable // 1024, mem, size // 1024)
    return e820


# --------------------------------------------------------------------- boot
def test_boot_sequence(machine, dom0_dummy):
    """Banner, e820 map, System RAM, Module 0, Boot complete, in that order."""
    m = machine()
    m.wait_for(BOOT_COMPLETE)
    out = m.output
    positions = []
    for what in (BANNER, E820_HEADER, SYSTEM_RAM, MODULE0, BOOT_COMPLETE):
        found = search(what, out)
        assert found, "no line matching /%s/ before Boot complete (log: %s)" % (what, m.log_path)
        positions.append((found.start(), what))
    assert positions == sorted(positions), \
        "lines out of order, expected banner, e820, System RAM, Module 0, Boot complete; got %s" % (
            [w for _, w in sorted(positions)])
    e820 = check_memory_map(out, "512M")
    mod = search(MODULE0, out)
    start, end = int(mod.group(1), 16), int(mod.group(2), 16)
    size = os.path.getsize(dom0_dummy)
    assert end - start == size, \
        "Module 0 is [%x, %x), %d bytes; the dom0 file has %d" % (start, end, end - start, size)
    assert any(s <= start and end - 1 <= e for s, e, k in e820 if k == "usable"), \
        "Module 0 [%x, %x) is not inside a usable e820 range" % (start, end)
    assert not search(r"^\(XEN\) Module 1:", out), "a second module was reported; only one was given"


@pytest.mark.parametrize("smp,mem", [
    (1, "512M"), (2, "512M"), (1, "128M"), (1, "2G"), (1, "8G"),
], ids=["smp1-512M", "smp2-512M", "smp1-128M", "smp1-2G", "smp1-8G"])
def test_boot_matrix(machine, smp, mem):
    m = machine(smp=smp, mem=mem)
    m.wait_for(BOOT_COMPLETE)
    e820 = check_memory_map(m.output, mem)
    if parse_size(mem) > 4 << 30:
        assert any(k == "usable" and s >= 4 << 30 for s, e, k in e820), \
            "-m %s but no usable e820 range at or above 4 GiB" % mem


# ------------------------------------------------------------------ options
BOOTLOADER = r"^\(XEN\) Bootloader: "


def test_loglvl_default_shows_info(machine):
    m = machine()
    m.wait_for(BOOT_COMPLETE)
    assert search(BOOTLOADER, m.output), "default loglvl: INFO line '(XEN) Bootloader: ' missing"


def test_loglvl_warning_hides_info(machine):
    m = machine(DEFAULT_OPTIONS + " loglvl=warning")
    m.wait_for(BOOT_COMPLETE)
    assert not search(BOOTLOADER, m.output), "loglvl=warning still prints the INFO line 'Bootloader: '"


def test_loglvl_all_shows_debug(machine):
    m = machine(DEFAULT_OPTIONS + " loglvl=all")
    m.wait_for(BOOT_COMPLETE)
    assert search(r"\(XEN\) Multiboot2 information at ", m.output), \
        "loglvl=all: DEBUG line 'Multiboot2 information at ' missing"


def test_com1_9600(machine):
    m = machine("console=com1 com1=9600,8n1")
    m.wait_for(BOOT_COMPLETE)
    assert search(BANNER, m.output), "banner not readable at 9600 baud"
    assert search(r"\(XEN\) com1: .*9600.*8n1", m.output), "no '(XEN) com1: ...9600...8n1' line"


def test_unknown_option_ignored(machine):
    m = machine(DEFAULT_OPTIONS + " frobnicate=7")
    m.wait_for(r"Unknown boot option 'frobnicate=7' ignored")
    m.wait_for(BOOT_COMPLETE)


def test_invalid_option_value(machine):
    m = machine(DEFAULT_OPTIONS + " loglvl=loud")
    m.wait_for(r"Invalid value 'loud' for boot option 'loglvl'")
    m.wait_for(BOOT_COMPLETE)


# --------------------------------------------------------- panic: no dom0
NO_DOM0 = r"Panic on CPU 0:\n.*No dom0 kernel"


def test_no_dom0_noreboot(machine):
    m = machine(DEFAULT_OPTIONS + " noreboot", modules=[])
    m.wait_for(NO_DOM0)
    m.wait_for(r"Manual reset required \('noreboot' specified\)")
    time.sleep(2)
    assert m.is_running(), "QEMU exited although 'noreboot' was given (status %s)" % m.proc.poll()
    assert not search(r"^\(XEN\) Boot complete", m.output), "Boot complete printed without dom0"


def test_no_dom0_reboots(machine):
    m = machine(modules=[])
    m.wait_for(NO_DOM0)
    m.wait_for(r"Reboot in five seconds\.\.\.")
    rc = m.wait_exit(15)
    assert rc == 0, "QEMU exit status %d: expected 0 (guest reset with -no-reboot)" % rc


# ----------------------------------------------------------- reboot methods
REBOOT_METHODS = {
    "kbd": "keyboard controller",
    "acpi": "ACPI reset register",
    "triple": "triple fault",
    "pci": "PCI reset port",
}


@pytest.mark.parametrize("method", list(REBOOT_METHODS))
def test_reboot_method(machine, method):
    # QEMU's default i440fx machine has a revision 1 FADT, which has no
    # reset register; q35's FADT has one (0xcf9).
    extra = ["-machine", "q35"] if method == "acpi" else []
    m = machine(DEFAULT_OPTIONS + " reboot=" + method, modules=[], extra_args=extra)
    m.wait_for(r"Panic on CPU 0:")
    rc = m.wait_exit(15)        # 5 s reboot delay + the reset itself
    used = re.findall(r"Rebooting via (keyboard controller|ACPI reset register|triple fault|PCI reset port)",
                      m.output)
    assert used, "no 'Rebooting via <method>' line naming a known method"
    assert used[-1] == REBOOT_METHODS[method], \
        "reboot=%s: last method tried was %r (all: %s)" % (method, used[-1], used)
    assert rc == 0, "QEMU exit status %d: expected 0 (guest reset with -no-reboot)" % rc


# --------------------------------------------------------------- CPU checks
@pytest.mark.parametrize("cpu,message", [
    ("qemu32", "does not support long mode"),
    ("qemu64,-nx", "does not support NX"),
], ids=["no-long-mode", "no-nx"])
def test_cpu_unsupported(machine, cpu, message):
    m = machine(cpu=cpu)
    m.wait_for(re.escape(message))
    assert not search(BOOT_COMPLETE, m.output)
    m.kill()
