#!/usr/bin/python3
"""Boot one PV test guest as dom0 and report its result line.

    run_guest.py [--ref|--ours] [--timeout S] [-v] NAME

NAME is a directory of tools/tests/guests (the guest is built first with
`make -C tools/tests/guests NAME`) or the path of a guest image.  The
bench_* directories are benchmarks, not tests: they run here too, but the
test lists leave them out and bench.py runs them on both hypervisors.

--ref   boot Debian's Xen 4.17 (scripts/ref-xen.sh fetches it into build/ref/)
--ours  boot xen/xen.gz (the default; build it first with `make xen`)

The hypervisor gets `multiboot2 <xen> console=com1 com1=115200,8n1
dom0_mem=128M,max:128M noreboot loglvl=all guest_loglvl=all` and the guest
as its only module, in QEMU/TCG (qemu64,+svm,+npt, 512 MiB, 2 CPUs), through
tools/tests/qemu/machine.py and scripts/mkiso.sh.

A guest directory may hold an `options` file of KEY=VALUE lines:
    xen_opts=...     appended to the hypervisor options (both modes)
    ref_xen_opts=... appended in --ref mode only
    ours_xen_opts=.. appended in --ours mode only
    guest_args=...   the module's command line (start_info.cmd_line)
    smp=N            QEMU CPUs (default 2)
    timeout=S        default timeout for this guest (default 30)

Prints the result line ("Test result: ...") and the boot-to-result time.
Exit status: 0 SUCCESS, 1 FAILURE, 2 ERROR, 3 SKIP, 4 no result line (the
guest or the hypervisor died, or the timeout expired), 64 usage or setup
problem.  The serial log is build/test-logs/guest-<NAME>-<ref|ours>.log.
"""

import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "tests", "qemu"))

import machine  # noqa: E402

BASE_OPTIONS = ("console=com1 com1=115200,8n1 dom0_mem=128M,max:128M noreboot "
                "loglvl=all guest_loglvl=all")
GUEST_OUT = os.path.join(ROOT, "build", "guests")

EXIT_CODES = {"SUCCESS": 0, "FAILURE": 1, "ERROR": 2, "SKIP": 3}
EXIT_NO_RESULT = 4
EXIT_SETUP = 64

RESULT = re.compile(r"Test result: (SUCCESS|SKIP|ERROR|FAILURE)(?:: (.*))?$", re.MULTILINE)
# The hypervisor stopped for good: no result line will come any more.
# (The last alternative is what our hypervisor prints until it builds dom0.)
DEAD = re.compile(r"Manual reset required|Hardware Dom0 (?:crashed|halted|shutdown)|"
                  r"'noreboot' set|Panic on CPU|Could not construct domain 0|"
                  r"Building dom0 is not implemented", re.MULTILINE)
DEAD_GRACE = 1.0


class SetupError(Exception):
    pass


def _guest_dirs():
    return sorted(d for d in os.listdir(HERE) if os.path.isfile(os.path.join(HERE, d, "main.c")))


def guest_names():
    """Every test guest directory (one holding a main.c), sorted; names
    starting with '_' are helpers, not tests (_idle is the QEMU tests' dom0),
    and names starting with 'bench_' are benchmarks (bench_names())."""
    return [d for d in _guest_dirs() if not d.startswith(("_", "bench_"))]


def bench_names():
    """Every benchmark guest directory (bench_*), sorted: bench.py runs them."""
    return [d for d in _guest_dirs() if d.startswith("bench_")]


def read_options(name):
    """The guest's options file as a dict (empty if none)."""
    opts = {}
    path = os.path.join(HERE, name, "options")
    if not os.path.isfile(path):
        return opts
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if "=" not in line:
                raise SetupError("%s:%d: expected KEY=VALUE" % (path, n))
            k, v = line.split("=", 1)
            opts[k.strip()] = v.strip()
    return opts


def build_guest(name):
    res = subprocess.run(["make", "-s", "-C", HERE, name], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    if res.returncode != 0:
        raise SetupError("building guest %s failed:\n%s" % (name, res.stdout.decode(errors="replace")))
    return os.path.join(GUEST_OUT, name)


def ref_xen():
    res = subprocess.run(["sh", os.path.join(ROOT, "scripts", "ref-xen.sh")],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if res.returncode != 0:
        raise SetupError("scripts/ref-xen.sh failed:\n%s" % res.stderr.decode(errors="replace"))
    return res.stdout.decode().strip().split("\n")[-1]


def our_xen():
    path = machine.xen_image()
    if not os.path.isfile(path):
        raise SetupError("%s does not exist (build it: make xen)" % path)
    return path


class Result:
    def __init__(self, status, reason, seconds, log_path, output):
        self.status = status            # SUCCESS/FAILURE/ERROR/SKIP, or None
        self.reason = reason
        self.seconds = seconds
        self.log_path = log_path
        self.output = output

    @property
    def line(self):
        if self.status is None:
            return "no result line (%s)" % self.reason
        return "Test result: %s%s" % (self.status, ": " + self.reason if self.reason else "")

    @property
    def exit_code(self):
        return EXIT_CODES.get(self.status, EXIT_NO_RESULT)


def run(name, ref=False, timeout=None, build=True, xen=None):
    """Boot guest `name` (a guest directory or an image path); return a Result."""
    if os.path.sep in name or os.path.isfile(name):
        image = os.path.abspath(name)
        opts = {}
        name = os.path.basename(name)
    else:
        if name not in guest_names() + bench_names():
            raise SetupError("no guest '%s' (have: %s)" % (name, " ".join(guest_names() + bench_names())))
        opts = read_options(name)
        image = build_guest(name) if build else os.path.join(GUEST_OUT, name)
    if not os.path.isfile(image):
        raise SetupError("guest image %s does not exist" % image)
    mode = "ref" if ref else "ours"
    xen = xen or (ref_xen() if ref else our_xen())
    options = " ".join(o for o in (BASE_OPTIONS, opts.get("xen_opts", ""),
                                   opts.get(mode + "_xen_opts", "")) if o)
    if timeout is None:
        timeout = float(opts.get("timeout", 30))

    m = machine.Machine("guest-%s-%s" % (name, mode), options=options,
                        modules=[(image, opts.get("guest_args", ""))],
                        mem="512M", smp=int(opts.get("smp", 2)), xen=xen)
    try:
        m.boot()
        deadline = time.monotonic() + timeout
        status = reason = None
        dead_at = None
        while True:
            out = m.output
            r = RESULT.search(out)
            if r:
                status, reason = r.group(1), (r.group(2) or "").strip()
                break
            now = time.monotonic()
            if dead_at is None and (DEAD.search(out) or not m.is_running()):
                dead_at = now
            if dead_at is not None and now - dead_at > DEAD_GRACE:
                d = DEAD.search(out)
                reason = "hypervisor stopped: %r" % d.group(0) if d else \
                    "QEMU exited with status %s" % m.proc.poll()
                break
            if now > deadline:
                reason = "timed out after %gs" % timeout
                break
            time.sleep(0.05)
        seconds = m.elapsed()
        return Result(status, reason, seconds, m.log_path, m.output)
    finally:
        m.kill()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.split("\n")[2:]))
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--ref", action="store_true", help="boot Debian's Xen 4.17")
    g.add_argument("--ours", action="store_true", help="boot xen/xen.gz (default)")
    ap.add_argument("--timeout", type=float, default=None, help="seconds (default 30)")
    ap.add_argument("--no-build", action="store_true", help="do not run make for the guest")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the whole serial log")
    ap.add_argument("name", help="guest directory name or image path")
    args = ap.parse_args(argv)
    try:
        res = run(args.name, ref=args.ref, timeout=args.timeout, build=not args.no_build)
    except (SetupError, AssertionError) as e:
        print("run_guest.py: %s" % e, file=sys.stderr)
        return EXIT_SETUP
    if args.verbose:
        sys.stdout.write(res.output)
    elif res.status != "SUCCESS":
        tail = res.output.rstrip("\n").split("\n")[-30:]
        sys.stdout.write("".join("    | %s\n" % l for l in tail))
    print("%s: %s  [%s, %.1fs, log %s]" % (os.path.basename(args.name), res.line,
                                            "ref" if args.ref else "ours", res.seconds,
                                            os.path.relpath(res.log_path, os.getcwd())))
    return res.exit_code


if __name__ == "__main__":
    sys.exit(main())
