"""Grants between two real domains, and a domain's teardown.

The helper guest _gntpair (tools/tests/guests/_gntpair) is booted as dom0
and as d1 (domu_modules=1): dom0 grants, d1 maps, copies and unmaps; dom0
gives a mapped frame back and revokes a grant; d1 is then destroyed by
dom0 (domctl destroydomain) while it still maps one of dom0's grants.
The one-domain semantics are the guest tests grant_v1, grant_v2 and
grant_map, which also pass on Xen 4.17."""

import os
import re
import shutil
import subprocess

from machine import DEFAULT_OPTIONS, ROOT

GUESTS = os.path.join(ROOT, "build", "guests")


def boot_pair(machine):
    subprocess.run(["make", "-s", "-C", os.path.join(ROOT, "tools", "tests", "guests"),
                    "_gntpair"], check=True, timeout=300)
    pair = os.path.join(GUESTS, "_gntpair")
    copy = os.path.join(GUESTS, "_gntpair-domu")   # the ISO wants distinct names
    shutil.copyfile(pair, copy)
    return machine(options=DEFAULT_OPTIONS + " loglvl=all domu_modules=1 domu_mem=16M", smp=2,
                   modules=[(pair, ""), (copy, "")])


def test_grants_between_two_domains_and_teardown(machine):
    """Every step of _gntpair passes on both sides, and destroying d1 gives
    back every page: the free-page count after d1 is freed is exactly the
    one before it was created, plus the boot modules freed meanwhile and
    the frame dom0 gave back while d1 mapped it."""
    m = boot_pair(machine)
    m.wait_for(r"^gntpair: dom0 grants refs 10 and 11 to d1 on port 1\n")
    m.wait_for(r"^\(d1\) gntpair: d1 maps d0's grants\n")
    m.wait_for(r"^gntpair: dom0 gave back the frame d1 maps\n")
    m.wait_for(r"^\(d1\) gntpair: d1 holds ref 11 and waits")
    m.wait_for(r"^gntpair: dom0 destroyed d1\n")
    m.wait_for(r"^gntpair: dom0 checks done\n")
    freed = m.wait_for(r"^\(XEN\) Domain 1: freed, (\d+) pages free\n")
    out = m.output
    assert "FAIL:" not in out, m.tail()        # a CHECK failed on either side
    created = re.search(r"^\(XEN\) Domain 1: being created, (\d+) pages free\n", out,
                        re.MULTILINE)
    assert created, out
    modules = [int(n) for n in re.findall(r"^\(XEN\) Boot module freed: (\d+) pages\n",
                                          out[created.end():freed.start()], re.MULTILINE)]
    # dom0's kernel and d1's image, both freed after d1 was built.
    assert len(modules) == 2, out
    # dom0 gave one page back (the frame d1 mapped): freed at d1's unmap.
    before = int(created.group(1)) + sum(modules) + 1
    assert int(freed.group(1)) == before, \
        "free pages: %d after d1 was freed, %d before it was created " \
        "(+ modules %s, + 1 given back)" % (int(freed.group(1)), int(created.group(1)),
                                            modules)
    # Its page tables, among others, were taken apart without a leak.
    assert re.search(r"^\(XEN\) d1: \d+ pages relinquished \(\d+ page or descriptor "
                     r"tables among them\)\n", out, re.MULTILINE), out
