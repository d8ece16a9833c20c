#!/usr/bin/python3
"""PV micro-benchmarks on our hypervisor and on Xen 4.17, quoted as ratios.

    bench.py [--rounds N] [-k SUBSTRING] [--no-build]

Boots every benchmark guest (tools/tests/guests/bench_*/, see lib/bench.h)
as dom0 on xen/xen.gz ("ours"; build it first with `make xen`) and on
Debian's Xen 4.17 (the reference, fetched by scripts/ref-xen.sh), with the
same QEMU machine and hypervisor options (run_guest.run).  Each guest prints
`Bench: <metric> <value> <unit>` lines and `Test result: SUCCESS`.

A round runs every guest once on each hypervisor, back to back; the order
alternates between rounds (ours first in round 1, the reference first in
round 2, ...) so that a drift in the host's load favours neither.  The table
gives, per metric, the median over the rounds on each hypervisor and the
ratio ours/ref.  Every metric is a time: lower is better, and a ratio below
1 means ours is faster.  The spread column is (max - min) / median over the
rounds, ours then ref: QEMU TCG on a shared host is noisy, so only ratios
from one run are worth quoting, never the absolute figures.

Exit status: 0 if every run produced its numbers (whatever they are), 1 if a
guest did not report SUCCESS or a metric is missing from a run, 64 for a
setup problem (no xen.gz, a guest that does not build, no reference).
Each run's serial log is kept as build/test-logs/bench/<guest>-<ours|ref>-<round>.log.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

import run_guest

BENCH_LINE = re.compile(r"^Bench: (\S+) (-?[0-9]+(?:\.[0-9]+)?) (\S+)[ \t]*$", re.MULTILINE)
LOG_DIR = os.path.join(run_guest.ROOT, "build", "test-logs", "bench")
MODES = ("ours", "ref")
# Table order; metrics not listed follow in the order the guests print them.
ORDER = ("control_guest_loop", "null_hypercall", "multicall_entry", "exception_bounce",
         "event_upcall", "sched_yield", "timer_late_median", "timer_late_p90",
         "console_write_64", "pin_l4_tree", "unpin_l4_tree", "mmu_update_b64",
         "mmu_update_b512", "update_va_mapping", "ptwr_write", "gntcopy_4k", "gntcopy_64")


class Run:
    """One boot of one guest on one hypervisor."""

    def __init__(self, guest, mode, rnd, result, metrics):
        self.guest = guest
        self.mode = mode
        self.round = rnd
        self.result = result
        self.metrics = metrics          # {metric: (value, unit)}, in print order

    @property
    def ok(self):
        return self.result.status == "SUCCESS" and bool(self.metrics)


def parse_metrics(output):
    metrics = {}
    for m in BENCH_LINE.finditer(output):
        metrics[m.group(1)] = (float(m.group(2)), m.group(3))
    return metrics


def build(guests):
    res = subprocess.run(["make", "-s", "-C", run_guest.HERE] + guests,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if res.returncode != 0:
        raise run_guest.SetupError("building %s failed:\n%s" % (
            " ".join(guests), res.stdout.decode(errors="replace")))


def run_one(guest, mode, rnd, xen):
    res = run_guest.run(guest, ref=(mode == "ref"), build=False, xen=xen)
    kept = os.path.join(LOG_DIR, "%s-%s-%d.log" % (guest, mode, rnd))
    try:
        shutil.copyfile(res.log_path, kept)
    except OSError:
        kept = res.log_path
    run = Run(guest, mode, rnd, res, parse_metrics(res.output))
    note = "%d metrics" % len(run.metrics) if run.ok else "%s (log %s)" % (
        res.line, os.path.relpath(kept, os.getcwd()))
    print("  round %d  %-14s %-4s %5.1fs  %s" % (rnd, guest, mode, res.seconds, note),
          flush=True)
    return run


def problems(runs):
    """Why the runs did not all produce their numbers (a list of lines)."""
    out = []
    expected = {}
    for r in runs:
        expected.setdefault(r.guest, [])
        for name in r.metrics:
            if name not in expected[r.guest]:
                expected[r.guest].append(name)
    for r in runs:
        if not r.ok:
            out.append("%s on %s, round %d: %s" % (r.guest, r.mode, r.round, r.result.line))
            continue
        missing = [m for m in expected[r.guest] if m not in r.metrics]
        if missing:
            out.append("%s on %s, round %d: no figure for %s" % (
                r.guest, r.mode, r.round, ", ".join(missing)))
    return out


def fmt(v):
    if v is None:
        return "-"
    return "%.1f" % v if v < 100000 else "%.0f" % v


def table(runs, rounds):
    """The result table as a list of lines."""
    rows = []
    seen = set()
    for r in runs:
        for name, (_, unit) in r.metrics.items():
            if (r.guest, name) not in seen:
                seen.add((r.guest, name))
                rows.append((r.guest, name, unit))
    rows.sort(key=lambda row: ORDER.index(row[1]) if row[1] in ORDER else len(ORDER))
    lines = [
        "PV micro-benchmarks under QEMU TCG: median of %d round(s) per hypervisor." % rounds,
        "All metrics are times: lower is better; ours/ref < 1 means ours is faster.",
        "%-20s %-9s %12s %12s %9s  %s" % ("metric", "unit", "ours", "Xen 4.17", "ours/ref",
                                          "spread ours/ref"),
    ]
    for guest, name, unit in rows:
        med, spread = {}, {}
        for mode in MODES:
            vals = [r.metrics[name][0] for r in runs
                    if r.guest == guest and r.mode == mode and r.ok and name in r.metrics]
            med[mode] = statistics.median(vals) if vals else None
            spread[mode] = ("%.0f%%" % (100 * (max(vals) - min(vals)) / med[mode])
                            if vals and med[mode] else "-")
        ratio = ("%#.3g" % (med["ours"] / med["ref"])
                 if med["ours"] is not None and med["ref"] else "-")
        lines.append("%-20s %-9s %12s %12s %9s  %s/%s" % (
            name, unit, fmt(med["ours"]), fmt(med["ref"]), ratio, spread["ours"], spread["ref"]))
    return lines


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.split("\n")[2:]))
    ap.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    ap.add_argument("-k", dest="select", default="", help="only guests whose name contains this")
    ap.add_argument("--no-build", action="store_true", help="do not run make for the guests")
    args = ap.parse_args(argv)
    start = time.monotonic()

    guests = [g for g in run_guest.bench_names() if args.select in g]
    if not guests or args.rounds < 1:
        print("bench.py: no benchmark guest matches %r" % args.select if not guests
              else "bench.py: --rounds must be at least 1", file=sys.stderr)
        return run_guest.EXIT_SETUP
    try:
        if not args.no_build:
            build(guests)
        xen = {"ours": run_guest.our_xen(), "ref": run_guest.ref_xen()}
    except run_guest.SetupError as e:
        print("bench.py: %s" % e, file=sys.stderr)
        return run_guest.EXIT_SETUP
    os.makedirs(LOG_DIR, exist_ok=True)

    print("Benchmark guests %s, %d round(s), ours = %s, ref = %s" % (
        " ".join(guests), args.rounds, os.path.relpath(xen["ours"], os.getcwd()),
        os.path.relpath(xen["ref"], os.getcwd())), flush=True)
    runs = []
    try:
        for rnd in range(1, args.rounds + 1):
            order = MODES if rnd % 2 else MODES[::-1]
            for guest in guests:
                for mode in order:
                    runs.append(run_one(guest, mode, rnd, xen[mode]))
    except (run_guest.SetupError, AssertionError) as e:
        print("bench.py: %s" % e, file=sys.stderr)
        return run_guest.EXIT_SETUP

    print()
    print("\n".join(table(runs, args.rounds)))
    bad = problems(runs)
    print("\nWall time %.0fs for %d boots." % (time.monotonic() - start, len(runs)))
    if bad:
        print("\nMissing figures:\n" + "\n".join("  " + b for b in bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
