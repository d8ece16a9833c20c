"""Containment and the PV debug keys: a guest that faults where it cannot
be bounced, or asks to crash, is crashed with a report (domain, vCPU,
registers, guest stack) while the hypervisor and the other domains keep
running; dom0's death follows Xen's rules (noreboot keeps the machine up);
'q' shows domains and vCPUs with their PV state, 'e' the event channels.

The guests are helpers from tools/tests/guests (directories starting with
'_'): _idle sleeps, _bind_idle binds a few ports and sleeps, _crash faults
(or, with "ask" on its command line, asks to be crashed)."""

import os
import re
import shutil
import subprocess

import pytest

from machine import DEFAULT_OPTIONS, ROOT

from test_core import key_output, search

GUESTS = os.path.join(ROOT, "build", "guests")
BOOT_COMPLETE = r"^\(XEN\) Boot complete"


@pytest.fixture(scope="module")
def helper_guests():
    res = subprocess.run(["make", "-s", "-C", os.path.join(ROOT, "tools", "tests", "guests"),
                          "_idle", "_crash", "_bind_idle"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    assert res.returncode == 0, res.stdout.decode(errors="replace")
    return lambda name: os.path.join(GUESTS, name)


def test_domu_fault_is_contained(machine, helper_guests):
    """A domU's unhandled #PF crashes that domU only, with a full report."""
    m = machine(options=DEFAULT_OPTIONS + " domu_modules=1 domu_mem=16M",
                modules=[(helper_guests("_idle"), ""), (helper_guests("_crash"), "")])
    m.wait_for(BOOT_COMPLETE)
    report = m.wait_for(r"^\(XEN\) d1v0: unhandled #PF \(vector 14, error code (\d+)\): "
                        r"crashing the domain\n")
    # Error code: a write (bit 1) to a non-present page, from kernel mode.
    assert int(report.group(1)) & 0x7 == 0x2, m.tail()
    m.wait_for(r"^\(XEN\) Domain 1 shut down: crash\n")
    out = m.output[report.start():]
    for what in (r"RIP: e033:[0-9a-f]{16}  RFLAGS: [0-9a-f]{16}  mode: kernel",
                 r"rax: [0-9a-f]{16} rbx:", r"r12: [0-9a-f]{16}",
                 r"cr2: 0000000000000010", r"Guest stack at [0-9a-f]{16}:\n"):
        assert search(what, out), "crash report lacks /%s/:\n%s" % (what, out)
    # The crash guest's own console line came before, prefixed as a domU.
    assert search(r"^\(d1\) crash guest: clearing the trap table and faulting$", m.output)
    # The hypervisor and dom0 go on: 'q' answers, dom0 is not shut down.
    q = key_output(m, "q", r"^\(XEN\) Domain 1: .*$")
    assert search(r"^\(XEN\) Domain 0: .*privileged", q), q
    d0 = q[q.index("Domain 0:"):q.index("Domain 1:")]
    assert "shut down" not in d0, d0
    assert search(r"shut down \(crash\)", q[q.index("Domain 1:"):]), q


def test_domu_asks_to_crash(machine, helper_guests):
    """SCHEDOP_shutdown(crash) from a domU: reported, only it stops."""
    m = machine(options=DEFAULT_OPTIONS + " domu_modules=1 domu_mem=16M",
                modules=[(helper_guests("_idle"), ""), (helper_guests("_crash"), "ask")])
    m.wait_for(r"^\(XEN\) Domain 1 asked to be crashed\n")
    m.wait_for(r"^\(XEN\) Domain 1 shut down: crash\n")
    q = key_output(m, "q", r"^\(XEN\) Domain 1: .*$")
    assert "shut down" not in q[q.index("Domain 0:"):q.index("Domain 1:")], q


def test_dom0_crash_with_noreboot_keeps_machine_up(machine, helper_guests):
    """dom0 crashing under noreboot: the hypervisor stays up and answers keys."""
    m = machine(options=DEFAULT_OPTIONS + " noreboot",
                modules=[(helper_guests("_crash"), "")])
    m.wait_for(r"^\(XEN\) d0v0: unhandled #PF .*\n")
    m.wait_for(r"^\(XEN\) Hardware domain crashed: 'noreboot' set - not rebooting\.\n")
    q = key_output(m, "q", r"^\(XEN\) Domain 0: .*$")
    assert m.is_running(), m.tail()
    assert "rebooting machine" not in m.output, m.tail()
    assert search(r"^\(XEN\) Domain 0: ", q), q


def test_dom0_crash_reboots_by_default(machine, helper_guests):
    """Without noreboot a crashed dom0 takes the machine down after 5 s."""
    m = machine(modules=[(helper_guests("_crash"), "ask")])
    m.wait_for(r"^\(XEN\) Hardware domain crashed: rebooting machine in 5 seconds\.\n")


def test_q_and_e_keys_show_pv_state(machine, helper_guests):
    """'q' shows the PV vCPU state; 'e' lists dom0's bound ports."""
    m = machine(modules=[(helper_guests("_bind_idle"), "")])
    ports = m.wait_for(r"^bind_idle: virq port (\d+), ipi port (\d+), unbound port (\d+)\n")
    virq, ipi, unbound = (int(x) for x in ports.groups())
    q = key_output(m, "q", r"^\(XEN\) +upcall pending \d mask \d, L4 .*$")
    assert search(r"^\(XEN\) +(kernel|user) mode, rip e033:[0-9a-f]{16} rsp [0-9a-f]{16}", q), q
    e = key_output(m, "e", r"^\(XEN\) +%d .*unbound, for d0$" % unbound)
    assert search(r"^\(XEN\) d0: 2-level ABI, 3 port\(s\) bound", e), e
    assert search(r"^\(XEN\) +%d .* v0 +virq 0$" % virq, e), e
    assert search(r"^\(XEN\) +%d .* v0 +ipi$" % ipi, e), e


def test_interdomain_channel_between_two_domains(machine, helper_guests):
    """dom0 offers a port to d1, d1 binds it and signals, dom0 answers:
    events cross between two real domains; 'e' shows both ends."""
    subprocess.run(["make", "-s", "-C", os.path.join(ROOT, "tools", "tests", "guests"), "_pair"],
                   check=True, timeout=300)
    pair = os.path.join(GUESTS, "_pair")
    # The ISO wants distinct module names: the domU gets a copy.
    copy = os.path.join(GUESTS, "_pair-domu")
    shutil.copyfile(pair, copy)
    m = machine(options=DEFAULT_OPTIONS + " domu_modules=1 domu_mem=16M", smp=2,
                modules=[(pair, ""), (copy, "")])
    offer = m.wait_for(r"^pair: dom0 offers port (\d+) to d1\n")
    bound = m.wait_for(r"^\(d1\) pair: d1 bound port (\d+) to d0 port (\d+)\n")
    assert bound.group(2) == offer.group(1), m.tail()
    m.wait_for(r"^pair: dom0 got d1's event on port %s\n" % offer.group(1))
    m.wait_for(r"^\(d1\) pair: d1 got d0's answer\n")
    m.wait_for(r"^\(d1\) Test result: SUCCESS")
    e = key_output(m, "e", r"^\(XEN\) +%s .*interdomain, d0 port %s$" % (bound.group(1),
                                                                       offer.group(1)))
    assert search(r"^\(XEN\) +%s .*interdomain, d1 port %s$" % (offer.group(1), bound.group(1)),
                  e), e


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_hypercalls_never_hurt_the_hypervisor(machine, helper_guests, seed):
    """A domU making 100000 hypercalls with random numbers and arguments:
    the hypervisor and dom0 live through it, whatever happens to the domU."""
    subprocess.run(["make", "-s", "-C", os.path.join(ROOT, "tools", "tests", "guests"),
                    "_hcall_fuzz"], check=True, timeout=300)
    m = machine(options=DEFAULT_OPTIONS + " domu_modules=1 domu_mem=16M", smp=2,
                modules=[(helper_guests("_idle"), ""),
                         (os.path.join(GUESTS, "_hcall_fuzz"), "seed=%d" % seed)])
    m.wait_for(r"^\(d1\) hcall_fuzz: state 0x[0-9a-f]+, 100000 calls\n")
    end = m.wait_for(r"^(\(d1\) hcall_fuzz: done, \d+ calls made|\(XEN\) Domain 1 shut down: \w+)\n",
                     timeout=120)
    print(end.group(1))
    # It ends by shutting down (or crashing): let that finish before 'q'.
    m.wait_for(r"Domain 1 shut down: \w+\n", timeout=60)
    q = key_output(m, "q", r"^\(XEN\) Domain 1: .*$")
    assert "shut down" not in q[q.index("Domain 0:"):q.index("Domain 1:")], q
    for bad in ("Xen BUG", "FATAL TRAP", "Panic on CPU", "Assertion"):
        assert bad not in m.output, m.tail()
