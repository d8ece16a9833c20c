"""Domains, vCPUs and scheduling on the real machine.

Before there are guests, debug builds make hypervisor-internal test vCPUs
(selftest=sched, selftest=domain): domains whose vCPUs spin in the
hypervisor and look to the scheduler like CPU-bound guests."""

import re

import pytest

from machine import DEFAULT_OPTIONS
from test_core import BOOT_COMPLETE, key_output, search

SCHEDULERS = {"credit": "SMP Credit Scheduler", "credit2": "SMP Credit Scheduler rev2"}
VCPU_LINE = (r"^\(XEN\)   d(\d+)v0 (running|runnable)\s+cpu (\d+)\s+run (\d+)ms "
             r"wait (\d+)ms")


@pytest.mark.parametrize("sched", ["credit", "credit2"])
def test_weights_split_one_pcpu(machine, sched):
    """Two spinning domains pinned to one pCPU, weights 256 and 512: the
    second gets twice the CPU time of the first, in the scheduler's own
    report and in the 'r' dump."""
    m = machine(options=DEFAULT_OPTIONS + " selftest=sched sched=" + sched, smp=2)
    m.wait_for(r"^\(XEN\) Scheduler: %s \(%s\)$" % (re.escape(SCHEDULERS[sched]), sched),
               timeout=60)
    start = m.wait_for(r"^\(XEN\) selftest sched: d(\d+) \(weight 256\) and "
                       r"d(\d+) \(weight 512\) spin on CPU1\n", timeout=60)
    light, heavy = int(start.group(1)), int(start.group(2))
    found = m.wait_for(r"^\(XEN\) selftest sched: .* ratio (\d+)\.(\d+): "
                       r"(PASS|FAIL)\n", timeout=60)
    print(found.group(0).strip())
    assert found.group(3) == "PASS", m.tail()

    out = key_output(m, "r", r"^\(XEN\)   d%dv0 .*$" % heavy)
    # dom0 (the idle test guest) and the two test domains.
    assert search(r"^\(XEN\) Pool 0: %s, pCPUs 0-1, 3 domain\(s\)$"
                  % re.escape(SCHEDULERS[sched]), out), out
    run = {}
    for g in re.finditer(VCPU_LINE, out, re.MULTILINE):
        run[int(g.group(1))] = int(g.group(4))
        assert g.group(3) == "1", out        # hard affinity: CPU1 only
    assert run[light] > 500, out
    ratio = run[heavy] / run[light]
    print("%s: 'r' dump d%d %d ms, d%d %d ms, ratio %.3f"
          % (sched, light, run[light], heavy, run[heavy], ratio))
    assert 1.85 <= ratio <= 2.15, out


def test_q_dump_shows_domains_and_vcpus(machine):
    m = machine(options=DEFAULT_OPTIONS + " selftest=sched", smp=2)
    m.wait_for(r"^\(XEN\) selftest sched: .* spin on CPU1\n", timeout=60)
    out = key_output(m, "q", r"^\(XEN\)            running \d+ms .*$", timeout=20)
    assert search(r"^\(XEN\) Domain 1: refcnt \d+, 1/1 vCPUs, pool 0$", out), out
    assert search(r"^\(XEN\)     paused: internal 0 controller 0 shutdown 0$", out), out
    assert search(r"^\(XEN\)     VCPU0: CPU1 (running|runnable) pause_flags=0 "
                  r"pause_count=0 hard=\{1\} soft=\{0-\d+\}$", out), out


def test_domain_lifecycle(machine):
    """Create, pause by counted reasons, shut down with a reason, resume,
    kill: the domain becomes unreachable and is freed once its last
    reference goes."""
    m = machine(options=DEFAULT_OPTIONS + " loglvl=all selftest=domain", smp=2)
    found = m.wait_for(r"^\(XEN\) selftest domain: (PASS|FAIL).*\n", timeout=60)
    assert found.group(1) == "PASS", m.tail()
    assert search(r"^\(XEN\) Domain (\d+) shut down: suspend$", m.output), m.tail()
    assert search(r"^\(XEN\) Domain (\d+) freed$", m.output), m.tail()


def test_unknown_scheduler_falls_back_to_credit(machine):
    m = machine(options=DEFAULT_OPTIONS + " sched=bogus sched_ratelimit_us=7", smp=1)
    m.wait_for(BOOT_COMPLETE, timeout=60)
    assert search(r"^\(XEN\) sched=bogus: unknown scheduler; using credit "
                  r"\(known: credit credit2\)$", m.output), m.tail()
    assert search(r"^\(XEN\) sched_ratelimit_us=7: out of range", m.output), m.tail()
    assert search(r"^\(XEN\) Scheduler: SMP Credit Scheduler \(credit\)$", m.output)


@pytest.mark.parametrize("cpu", ["qemu64", "qemu64,+xsave,+xsaveopt,+avx"])
def test_fpu_state_survives_real_context_switches(machine, cpu):
    """Two test vCPUs share a pCPU, each keeping its own values in xmm0 and
    xmm7: after every switch-in the first read traps #NM and must find them
    restored (FXSAVE and XSAVE paths)."""
    m = machine(options=DEFAULT_OPTIONS + " selftest=schedfpu", smp=2, cpu=cpu)
    found = m.wait_for(r"^\(XEN\) selftest schedfpu: d\d+ switched in (\d+) times.*"
                       r": (PASS|FAIL)\n", timeout=60)
    print(found.group(0).strip())
    assert found.group(2) == "PASS", m.tail()
