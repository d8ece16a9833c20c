"""Core services: CPUs, memory, time, interrupts, debug keys, power-off.

Each test boots the hypervisor in QEMU and asserts on what it prints."""

import re
import time

import pytest

from machine import DEFAULT_OPTIONS, parse_size

BOOT_COMPLETE = r"^\(XEN\) Boot complete"
CPUS_UP = r"^\(XEN\) Brought up (\d+) CPUs in (\d+) ms$"
MEM_LINE = (r"^\(XEN\) Memory: (\d+)MiB usable RAM, (\d+)MiB free; "
            r"image (\d+)KiB, frame table (\d+)KiB$")
HV_USE = r"^\(XEN\) Hypervisor memory use: (\d+)KiB"
MIB = 1 << 20


def search(regex, text):
    return re.search(regex, text, re.MULTILINE)


def key_output(m, key, until, timeout=20):
    """Press a debug key on the serial line; return what it printed."""
    start = len(m.output)
    m.send(key.encode())
    # Only whole lines ("$" would also match the end of a half-read line),
    # and only in what came after the key press.
    pat = re.compile(until.rstrip("$") + r"\n", re.MULTILINE)
    deadline = time.monotonic() + timeout
    while not pat.search(m.output, start):
        assert time.monotonic() < deadline and m.is_running(), \
            "no /%s/ after pressing %r:\n%s" % (until, key, m.tail())
        time.sleep(0.05)
    return m.output[start:]


# --------------------------------------------------------------------- SMP
@pytest.mark.parametrize("smp", [1, 2, 4])
def test_all_cpus_online(machine, smp):
    """Every CPU QEMU gives us comes online, runs code (the 'c' key lists
    it online) and answers IPIs; the boot time to all-online is logged."""
    m = machine(options=DEFAULT_OPTIONS + " selftest=ipi", smp=smp)
    found = m.wait_for(CPUS_UP.rstrip("$") + r"\n", timeout=60)
    assert int(found.group(1)) == smp, m.tail()
    print("smp=%d: all CPUs online %.2f s after QEMU start (%s ms in bring-up)"
          % (smp, m.elapsed(), found.group(2)))
    m.wait_for(r"^\(XEN\) selftest ipi: (PASS|FAIL).*\n")
    assert "selftest ipi: PASS (%d CPUs" % smp in m.output, m.tail()
    m.wait_for(BOOT_COMPLETE)
    out = key_output(m, "c", r"^\(XEN\) CPU%d: APIC ID \d+, .*$" % (smp - 1))
    for cpu in range(smp):
        assert search(r"^\(XEN\) CPU%d: APIC ID \d+, socket \d+, core \d+, "
                      r"thread \d+, online$" % cpu, out), out


def test_topology_order(machine):
    """Logical CPUs are numbered threads first, then cores, then sockets."""
    m = machine(smp="4,sockets=2,cores=1,threads=2")
    m.wait_for(BOOT_COMPLETE, timeout=60)
    out = key_output(m, "c", r"^\(XEN\) CPU3: .*line$")
    topo = [tuple(map(int, search(r"^\(XEN\) CPU%d: APIC ID (\d+), socket (\d+), "
                                  r"core (\d+), thread (\d+)" % c, out).groups()))
            for c in range(4)]
    assert [(s, c, t) for _, s, c, t in topo] == \
        [(0, 0, 0), (0, 0, 1), (1, 0, 0), (1, 0, 1)], out


@pytest.mark.parametrize("opt,expect", [("maxcpus=2", 2), ("nosmp", 1)])
def test_limit_cpus(machine, opt, expect):
    m = machine(options=DEFAULT_OPTIONS + " " + opt, smp=4)
    found = m.wait_for(CPUS_UP.rstrip("$") + r"\n", timeout=60)
    assert int(found.group(1)) == expect, m.tail()
    assert search(r"^\(XEN\) SMP: 4 CPUs described, using %d" % expect, m.output)


def test_ipi_tlb_flush_timers(machine):
    """Cross-CPU TLB flushes complete and take effect everywhere; a timer
    set on each CPU fires there, after its deadline."""
    m = machine(options=DEFAULT_OPTIONS + " selftest=ipi,tlb,timer", smp=4)
    for t in ("ipi", "tlb", "timer"):
        found = m.wait_for(r"^\(XEN\) selftest %s: (PASS|FAIL).*\n" % t, timeout=60)
        assert found.group(1) == "PASS", m.tail()
    assert "4 CPUs see the new mapping" in m.output


# ------------------------------------------------------------------ memory
@pytest.mark.parametrize("mem", ["128M", "2G", "8G"])
def test_free_memory_consistent(machine, mem):
    """The usable RAM and free figures agree with -m and with each other:
    usable is within 2 MiB + the first MiB of -m, free is usable minus what
    the hypervisor and the boot modules hold, and that hold is modest."""
    m = machine(mem=mem)
    m.wait_for(BOOT_COMPLETE, timeout=60)
    usable, free, image, ft = map(int, search(MEM_LINE, m.output).groups())
    used = int(search(HV_USE, m.output).group(1))
    size = parse_size(mem) // MIB
    assert size - 3 <= usable <= size, m.tail()
    assert 0 < free < usable
    # Free + hypervisor + module (4 KiB) == usable, to the MiB rounding.
    assert abs((usable - free) * 1024 - used - 4) <= 2048, (usable, free, used)
    # Frame table: 32 bytes per 4 KiB frame of RAM (+ one chunk's rounding).
    assert ft <= (size * MIB // 4096 * 32) // 1024 + 2048
    # Besides the frame table: the machine-to-phys table, 8 bytes per frame
    # (in 2 MiB pieces), and under 8 MiB of everything else.
    m2p = (size * MIB // 4096 * 8) // 1024 + 2048
    assert used < 8 * 1024 + ft + m2p, "hypervisor uses %d KiB" % used
    print("-m %s: hypervisor uses %d KiB (image %d KiB, frame table %d KiB)"
          % (mem, used, image, ft))


def test_memory_key(machine):
    m = machine()
    m.wait_for(BOOT_COMPLETE)
    out = key_output(m, "m", r"^\(XEN\) vmap area: \d+ pages in use$")
    assert search(MEM_LINE, out), out
    assert "Dirty (unscrubbed) pages" in out or "dirty" in out.lower(), out


# -------------------------------------------------------------------- time
def test_now_matches_independent_clock(machine):
    """NOW() advances at the rate of the platform timer (HPET / PM timer,
    an independent hardware clock) within 1% over about a second, and at
    the host's rate within 10% (serial latency included)."""
    m = machine()
    m.wait_for(BOOT_COMPLETE)
    line = (r"^\(XEN\) NOW\(\)=(\d+) ns, TSC=\d+, platform timer \((.+)\)=(\d+) ns,"
            r" TSC \d+ kHz$")
    a = search(line, key_output(m, "t", line))
    t0 = time.monotonic()
    time.sleep(1.0)
    b = search(line, key_output(m, "t", line))
    host = time.monotonic() - t0
    now_d = int(b.group(1)) - int(a.group(1))
    plt_d = int(b.group(3)) - int(a.group(3))
    assert a.group(2) in ("HPET", "ACPI PM timer"), a.group(0)
    assert abs(now_d - plt_d) <= plt_d * 0.01, (now_d, plt_d)
    assert abs(now_d / 1e9 - host) <= host * 0.10, (now_d, host)


@pytest.mark.parametrize("source", ["acpi", "hpet"])
def test_clocksource(machine, source):
    name = {"acpi": "ACPI PM timer", "hpet": "HPET"}[source]
    m = machine(options=DEFAULT_OPTIONS + " clocksource=" + source,
                extra_args=["-machine", "q35"] if source == "hpet" else [])
    m.wait_for(BOOT_COMPLETE)
    assert "Platform timer: %s" % name in m.output, m.tail()
    assert search(r"^\(XEN\) TSC: [\d.]+ MHz \(calibrated against the %s\)$" % name,
                  m.output)


def test_wallclock_from_rtc(machine):
    m = machine()
    m.wait_for(BOOT_COMPLETE)
    found = search(r"^\(XEN\) Time: (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) UTC",
                   m.output)
    assert found, m.tail()
    # QEMU's RTC starts at the host's UTC time.
    guest = time.mktime(tuple(map(int, found.groups())) + (0, 0, 0)) - time.timezone
    assert abs(guest - time.time()) < 120, (found.group(0), time.time())


# -------------------------------------------------------- interrupts, keys
def test_serial_input_is_interrupt_driven(machine):
    m = machine()
    m.wait_for(BOOT_COMPLETE)
    assert search(r"^\(XEN\) IRQ: GSI 4 \(com1\) -> vector 0x[0-9a-f]+, edge",
                  m.output), m.tail()
    out = key_output(m, "h", r"key 't' \(ascii '74'\) => display time$")
    for k in "acimRt":
        assert search(r"^\(XEN\)\s+key '%s' \(ascii '%02x'\) =>" % (k, ord(k)), out), out
    out = key_output(m, "i", r"IO-APIC \d+ \(GSI base .*$")
    assert search(r"vector 0x[0-9a-f]+: GSI   4 com1\s+count [1-9]", out), out


def test_timer_key(machine):
    m = machine(smp=2)
    m.wait_for(BOOT_COMPLETE)
    out = key_output(m, "a", r"^\(XEN\) CPU01:$", timeout=20)
    assert "CPU00:" in out


def test_switch_input_to_dom0_and_back(machine):
    m = machine()
    m.wait_for(BOOT_COMPLETE)
    m.send(b"\x01\x01\x01")
    m.wait_for(r"\*\*\* Serial input to DOM0 \(type 'CTRL-a' three times to switch input\)")
    start = len(m.output)
    m.send(b"h")
    time.sleep(1)
    assert "showing installed handlers" not in m.output[start:], "key went to Xen"
    m.send(b"\x01\x01\x01")
    m.wait_for(r"\*\*\* Serial input to Xen \(type 'CTRL-a' three times to switch input\)")
    key_output(m, "h", r"showing installed handlers")


def test_reboot_key(machine):
    m = machine()
    m.wait_for(BOOT_COMPLETE)
    m.send(b"R")
    m.wait_for(r"Rebooting via")
    assert m.wait_exit(timeout=30) == 0


# ------------------------------------------------------------------- power
@pytest.mark.parametrize("machine_type", ["pc", "q35"])
def test_poweroff_exits_qemu(machine, machine_type):
    """ACPI S5 power-off ends QEMU with status 0 (no isa-debug-exit)."""
    m = machine(options=DEFAULT_OPTIONS + " selftest=poweroff", smp=2,
                extra_args=["-machine", machine_type])
    m.wait_for(r"Powering off via ACPI S5")
    assert m.wait_exit(timeout=30) == 0, m.tail()
    assert "Power-off failed" not in m.output


def test_direct_map_with_1g_pages(machine):
    """With 1 GiB pages the direct map uses them; everything still works
    (the memory figures and a cross-CPU TLB flush through vmap)."""
    m = machine(options=DEFAULT_OPTIONS + " selftest=tlb", mem="4G", smp=2,
                cpu="qemu64,+svm,+npt,+pdpe1gb")
    m.wait_for(r"^\(XEN\) selftest tlb: (PASS|FAIL).*\n", timeout=60)
    assert "Paging: 40 physical address bits, 1 GiB pages yes" in m.output
    assert "selftest tlb: PASS" in m.output, m.tail()
    assert search(MEM_LINE, m.output)
