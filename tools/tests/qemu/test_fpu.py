"""Lazy FPU switching (xen/arch/x86/i387.c, xstate.c).

Each test boots with selftest=fpu on two CPUs under one CPU model and
asserts on the boot-time choice of save mechanism ("xstate: ..." line) and
on the self-test's result line. The self-test switches two test vCPUs
A -> B -> A -> B on every CPU (twice on CPU 0: once directly, once by
IPI), so a passing run has taken 4 #NM traps per run: 4 * (CPUs + 1).

QEMU 7.2's TCG treats CR4.OSXSAVE as reserved unless CPUID.(0xd,1).EAX is
non-zero, so the XSAVE models also enable xsaveopt (which the hypervisor
does not use): with plain "+xsave" the guest hangs on the CR4 write.
"""

import re

import pytest

from machine import DEFAULT_OPTIONS

SMP = 2
NM_TRAPS = 4 * (SMP + 1)
RESULT = r"^\(XEN\) selftest fpu: (PASS|FAIL) .*\n"
XSTATE = r"^\(XEN\) xstate: (.*)$"

# (id, QEMU -cpu (None: the tests' default), the "xstate:" line, PASS details)
MODELS = [
    ("fxsave", None, "FXSAVE",
     "FXSAVE, %d #NM" % NM_TRAPS),
    ("xsave", "qemu64,+xsave,+xsaveopt", "XSAVE, XCR0 0x3, area 576 bytes",
     "XSAVE XCR0 0x3, %d #NM" % NM_TRAPS),
    ("xsave-avx", "qemu64,+xsave,+xsaveopt,+avx", "XSAVE, XCR0 0x7, area 832 bytes",
     "XSAVE XCR0 0x7, AVX checked, %d #NM" % NM_TRAPS),
]


def boot_fpu(machine, cpu, options=""):
    kw = {"smp": SMP}
    if cpu:
        kw["cpu"] = cpu
    return machine(options=DEFAULT_OPTIONS + " selftest=fpu" + options, **kw)


@pytest.mark.parametrize("cpu,xstate,details", [m[1:] for m in MODELS],
                         ids=[m[0] for m in MODELS])
def test_fpu_switch(machine, cpu, xstate, details):
    """Every CPU keeps two vCPUs' x87/SSE (and AVX) state apart across
    switches, with one #NM per first use, under each save mechanism."""
    m = boot_fpu(machine, cpu)
    res = m.wait_for(RESULT, timeout=60)
    out = m.output
    lines = re.findall(XSTATE, out, re.MULTILINE)
    assert lines == [xstate], \
        "want one 'xstate: %s' line, got %r\n%s" % (xstate, lines, m.tail())
    failures = re.findall(r"^\(XEN\) selftest fpu: CPU\d+.*$", out, re.MULTILINE)
    assert res.group(1) == "PASS" and not failures, m.tail()
    assert "selftest fpu: PASS (%d CPUs, %s)" % (SMP, details) in out, m.tail()
    m.wait_for(r"^\(XEN\) Boot complete")
    assert "FATAL TRAP" not in m.output, m.tail()


def test_fpu_xsave_disabled(machine):
    """xsave=0 falls back to FXSAVE on a CPU that has XSAVE and AVX."""
    m = boot_fpu(machine, MODELS[2][1], " xsave=0")
    m.wait_for(RESULT, timeout=60)
    out = m.output
    assert re.search(r"^\(XEN\) xstate: FXSAVE \(xsave=0\)$", out, re.MULTILINE), m.tail()
    assert "selftest fpu: PASS (%d CPUs, FXSAVE, %d #NM)" % (SMP, NM_TRAPS) in out, m.tail()


def test_fpu_max_cpu(machine):
    """QEMU's "max" model offers more state (MPX, PKRU, ... as the QEMU
    version has them): every component enabled must be one the hypervisor
    handles, x87|SSE|AVX at least, and the switch test still passes."""
    m = boot_fpu(machine, "max")
    m.wait_for(RESULT, timeout=60)
    out = m.output
    found = re.search(r"^\(XEN\) xstate: XSAVE, XCR0 (0x[0-9a-f]+), area (\d+) bytes$",
                      out, re.MULTILINE)
    assert found, m.tail()
    xcr0, size = int(found.group(1), 16), int(found.group(2))
    handled = 0x3 | 0x4 | 0x18 | 0xe0 | 0x200     # x87 SSE AVX MPX AVX-512 PKRU
    assert xcr0 & 0x7 == 0x7 and xcr0 & ~handled == 0, hex(xcr0)
    assert size >= 832, size
    assert re.search(r"^\(XEN\) selftest fpu: PASS \(%d CPUs, XSAVE XCR0 %s, AVX checked, %d #NM\)$"
                     % (SMP, found.group(1), NM_TRAPS), out, re.MULTILINE), m.tail()
