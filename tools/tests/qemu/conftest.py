"""Fixtures for the QEMU boot tests.

    xen_built   (session) make -C xen once; fail clearly if the build fails.
                Set XEN_GZ=/path/to/image to boot that image instead (no build).
    dom0_dummy  (session) build/guests/_idle, a PV guest that sleeps for good
                (tools/tests/guests/_idle): the dom0 of tests about the
                hypervisor itself.
    machine     factory: machine(options=DEFAULT_OPTIONS, modules=<dummy dom0>,
                mem=, smp=, cpu=, extra_args=, boot=True) -> booted Machine,
                logged to build/test-logs/<test name>.log, killed at teardown.
"""

import os
import shutil
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from machine import BUILD_DIR, DEFAULT_OPTIONS, QEMU, ROOT, Machine  # noqa: E402

_DEFAULT = object()


@pytest.fixture(scope="session")
def xen_built():
    """Path of the hypervisor image, built once per session."""
    missing = [t for t in (QEMU, "grub-mkrescue", "xorriso") if shutil.which(t) is None]
    if missing:
        pytest.fail("missing tools: %s (run scripts/deps.sh as root)" % " ".join(missing),
                    pytrace=False)
    image = os.environ.get("XEN_GZ")
    if image:
        if not os.path.isfile(image):
            pytest.fail("XEN_GZ=%s does not exist" % image, pytrace=False)
        return image
    xen_dir = os.path.join(ROOT, "xen")
    res = subprocess.run(["make", "-C", xen_dir], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, timeout=600)
    if res.returncode != 0:
        out = res.stdout.decode(errors="replace").rstrip().split("\n")
        pytest.fail("`make -C %s` failed (exit %d); last lines:\n%s"
                    % (xen_dir, res.returncode, "\n".join(out[-40:])), pytrace=False)
    image = os.path.join(xen_dir, "xen.gz")
    if not os.path.isfile(image):
        pytest.fail("`make -C %s` succeeded but %s does not exist" % (xen_dir, image),
                    pytrace=False)
    return image


@pytest.fixture(scope="session")
def dom0_dummy():
    """The idle PV guest (tools/tests/guests/_idle), built once."""
    res = subprocess.run(["make", "-s", "-C", os.path.join(ROOT, "tools", "tests", "guests"),
                          "_idle"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    if res.returncode != 0:
        pytest.fail("building the idle dom0 failed:\n" + res.stdout.decode(errors="replace"),
                    pytrace=False)
    return os.path.join(BUILD_DIR, "guests", "_idle")


@pytest.fixture
def machine(request, xen_built, dom0_dummy):
    """Factory: boot a machine named after the test; all are killed at teardown.

    modules defaults to [(dummy dom0, "")]; pass modules=[] for none.
    """
    machines = []
    request.node._xen_machines = machines

    def make(options=DEFAULT_OPTIONS, modules=_DEFAULT, boot=True, name=None, **kw):
        if modules is _DEFAULT:
            modules = [(dom0_dummy, "")]
        if name is None:
            name = request.node.name
            if machines:
                name += "-%d" % len(machines)
        m = Machine(name, options=options, modules=modules, xen=xen_built, **kw)
        machines.append(m)
        if boot:
            m.boot()
        return m

    yield make
    for m in machines:
        m.kill()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    machines = getattr(item, "_xen_machines", None)
    if rep.failed and machines:
        logs = "\n".join("serial log kept: %s" % m.log_path for m in machines)
        rep.sections.append(("XEN serial logs", logs))
        # also on the terminal right away, even with -q / no -rA
        tr = item.config.pluginmanager.get_plugin("terminalreporter")
        if tr is not None:
            tr.write_line("")
            tr.write_line(logs)
