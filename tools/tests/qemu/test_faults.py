"""Fatal hypervisor faults (debug build option debug_fault=<kind>): the
trap report, register dump and call trace; panic and ASSERT()."""

import re

import pytest

from machine import DEFAULT_OPTIONS

FAULTS = {
    # kind: (vector, name)
    "ud": (6, "invalid opcode"),
    "pf": (14, "page fault"),
    "gp": (13, "general protection fault"),
    "de": (0, "divide error"),
    "int3": (3, "breakpoint"),
    "df": (8, "double fault"),
}
GPRS = ["rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"]
PF_ADDRESS = "00007fffdead0000"
END_OF_PANIC = r"Manual reset required \('noreboot' specified\)"
TRACE_LINE = re.compile(r"\[<([0-9a-f]{16})>\] ([RFS]) (\S+)\+0x[0-9a-f]+/0x[0-9a-f]+")


def options(kind):
    return DEFAULT_OPTIONS + " noreboot debug_fault=" + kind


@pytest.mark.parametrize("kind", list(FAULTS))
def test_fatal_trap(machine, kind):
    vector, name = FAULTS[kind]
    m = machine(options(kind))
    m.wait_for(r"FATAL TRAP: vector = %d \(%s\)" % (vector, re.escape(name)))
    m.wait_for(END_OF_PANIC)
    out = m.output
    assert not re.search(r"^\(XEN\) Boot complete", out, re.M), "Boot complete printed despite the fault"

    for reg in GPRS:
        # r8/r9 may be padded ("r8:  ...") to line up with the other columns
        assert re.search(r"\b%s: +[0-9a-f]{16}\b" % reg, out), "register dump lacks %s" % reg
    cr0 = re.search(r"\bcr0: ([0-9a-f]{16})\b", out)
    assert cr0, "register dump lacks cr0"
    assert int(cr0.group(1), 16) & 0x80000001 == 0x80000001, "cr0 %s: PG/PE clear in long mode?" % cr0.group(1)
    for reg in ("cr4", "cr3"):
        assert re.search(r"\b%s:" % reg, out), "register dump lacks %s" % reg
    cr2 = re.search(r"\bcr2: ([0-9a-f]{16})\b", out)
    assert cr2, "register dump lacks cr2"
    if kind == "pf":
        assert cr2.group(1) == PF_ADDRESS, "cr2 is %s, expected %s" % (cr2.group(1), PF_ADDRESS)
        assert re.search(r"\[error_code=([0-9a-f]{4})\]", out), "no [error_code=XXXX] line"

    rip = re.search(r"RIP:    e008:\[<([0-9a-f]{16})>\] (\S+)", out)
    assert rip, "no 'RIP:    e008:[<...>] symbol' line"
    assert rip.group(2).startswith("debug_fault_"), \
        "RIP symbol is %s, expected debug_fault_*" % rip.group(2)
    rip_addr = int(rip.group(1), 16)
    assert rip_addr >= 0xffff800000000000, "RIP %s is not a hypervisor address" % rip.group(1)

    if kind == "df":
        return
    head = out.find("Xen call trace:")
    assert head >= 0, "no 'Xen call trace:' line"
    trace = []
    for line in out[head:].split("\n")[1:]:
        if not re.match(r"\(XEN\) +\[<", line):
            break
        t = TRACE_LINE.search(line)
        assert t, "call trace line %r does not match /%s/" % (line, TRACE_LINE.pattern)
        trace.append((int(t.group(1), 16), t.group(2), t.group(3)))
    assert trace, "no call trace entries after 'Xen call trace:'"
    syms = [s for _, _, s in trace]
    assert "__start_xen" in syms, "call trace does not reach __start_xen: %s" % syms
    for addr, kind_, sym in trace:
        if kind_ == "R":
            assert addr == rip_addr, "trace 'R' entry %x != RIP %x" % (addr, rip_addr)
            assert sym == rip.group(2).split("+")[0], "trace 'R' symbol %s != RIP symbol" % sym


def test_debug_panic(machine):
    m = machine(options("panic"))
    m.wait_for(r"Panic on CPU 0:\n.*debug_fault=panic requested")
    m.wait_for(END_OF_PANIC)


def test_debug_assert(machine):
    m = machine(options("assert"))
    m.wait_for(r"Assertion '.*' failed at .*debug_fault\.c:\d+")
