"""The PV test guests (tools/tests/guests): one test per guest directory.

Each guest boots as dom0 and prints one "Test result:" line; SUCCESS
passes, SKIP skips, anything else fails with the guest's reason and the
serial log's path.  By default the guests run on our hypervisor
(xen/xen.gz, built by the xen_built fixture); with XEN_REF=1 they run on
Debian's Xen 4.17 (scripts/ref-xen.sh), the reference every guest must pass.
Guests named in tools/tests/guests/xfail-ours are expected to fail on ours
for now (xfail); remove a name once its guest passes.

    /usr/bin/python3 -m pytest tools/tests/qemu/test_guests.py
    XEN_REF=1 /usr/bin/python3 -m pytest tools/tests/qemu/test_guests.py -k traps
"""

import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
GUESTS_DIR = os.path.abspath(os.path.join(HERE, "..", "guests"))
sys.path.insert(0, GUESTS_DIR)

import run_guest  # noqa: E402

REF = os.environ.get("XEN_REF", "") not in ("", "0")


def _expected_failures():
    """Guests listed in tools/tests/guests/xfail-ours: not yet passing on ours."""
    path = os.path.join(GUESTS_DIR, "xfail-ours")
    try:
        with open(path) as f:
            return {l.strip() for l in f if l.strip() and not l.startswith("#")}
    except OSError:
        return set()


XFAIL_OURS = _expected_failures()


@pytest.fixture(scope="session")
def guests_built():
    res = subprocess.run(["make", "-s", "-C", GUESTS_DIR], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, timeout=600)
    if res.returncode != 0:
        pytest.fail("`make -C %s` failed:\n%s" % (GUESTS_DIR, res.stdout.decode(errors="replace")),
                    pytrace=False)


@pytest.fixture(scope="session")
def hypervisor(request):
    """The image to boot: the reference with XEN_REF=1, else ours."""
    if REF:
        try:
            return run_guest.ref_xen()
        except run_guest.SetupError as e:
            pytest.fail(str(e), pytrace=False)
    return request.getfixturevalue("xen_built")


@pytest.mark.parametrize("name", run_guest.guest_names())
def test_guest(name, guests_built, hypervisor):
    res = run_guest.run(name, ref=REF, build=False, xen=hypervisor)
    where = "%s on %s, %.1fs, log %s" % (name, "Xen 4.17" if REF else "ours",
                                         res.seconds, res.log_path)
    if res.status == "SKIP":
        pytest.skip("%s (%s)" % (res.line, where))
    if res.status != "SUCCESS" and not REF and name in XFAIL_OURS:
        pytest.xfail("%s (%s; listed in tools/tests/guests/xfail-ours)" % (res.line, where))
    if res.status != "SUCCESS":
        tail = "\n".join("    | " + l for l in res.output.rstrip("\n").split("\n")[-25:])
        pytest.fail("%s\n%s\nlast lines:\n%s" % (res.line, where, tail), pytrace=False)
