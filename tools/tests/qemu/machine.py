"""Boot the hypervisor in QEMU (TCG) and talk to it: a small test library.

    m = Machine("smoke", options="console=com1 com1=115200,8n1",
                modules=[("build/dom0.bin", "")])
    with m.boot():
        m.wait_for(r"^\\(XEN\\) Boot complete", timeout=30)
        print(m.read_vga_text()[0])

Everything QEMU prints on COM1 is kept in memory (``.output``, with carriage
returns and terminal escape sequences removed) and copied as it arrives to
build/test-logs/<name>.log, together with the QEMU command line and QEMU's
own stderr.  The ISO for a configuration is built by scripts/mkiso.sh once and
cached in build/iso-cache, keyed by the content of xen.gz, the options and
the modules' content and arguments.
"""

import atexit
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import weakref

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BUILD_DIR = os.path.join(ROOT, "build")
ISO_CACHE_DIR = os.path.join(BUILD_DIR, "iso-cache")
LOG_DIR = os.path.join(BUILD_DIR, "test-logs")
MKISO = os.path.join(ROOT, "scripts", "mkiso.sh")
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")


def xen_image():
    """The hypervisor image to boot: $XEN_GZ or xen/xen.gz."""
    return os.environ.get("XEN_GZ") or os.path.join(ROOT, "xen", "xen.gz")


# What the tests boot with unless they say otherwise.
# conswitch=ax: serial input stays with the hypervisor after boot (as Xen's
# option does), so tests can type debug keys while dom0 runs.
DEFAULT_OPTIONS = "console=com1 com1=115200,8n1 conswitch=ax"

DEFAULT_TIMEOUT = 30.0      # seconds; TCG boots take a few seconds
# Printed when the hypervisor stops for good ('noreboot' panic): wait_for()
# gives up HALT_GRACE seconds after it instead of running into its timeout.
HALTED = re.compile(r"Manual reset required \('noreboot' specified\)")
HALT_GRACE = 1.5
ISO_CACHE_KEEP = 64         # newest ISOs kept in the cache

# CSI sequences (ESC [ ... final), two-character escapes (ESC ( B, ESC =, ...)
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78cDEHM]")


def clean_output(raw):
    """Serial bytes -> text: escapes and carriage returns dropped."""
    raw = _ESCAPES.sub(b"", raw).replace(b"\r", b"")
    return raw.decode("utf-8", errors="replace")


def _sha256_file(path, h):
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)


def _safe_name(name):
    return re.sub(r"[^A-Za-z0-9_.,=+\[\]-]", "_", name)[:150] or "machine"


def build_iso(options, modules, xen=None):
    """Return the path of a cached ISO for this configuration, building it
    with scripts/mkiso.sh if needed."""
    xen = xen or xen_image()
    if not os.path.isfile(xen):
        raise AssertionError("hypervisor image %s does not exist (build it: make -C xen)" % xen)
    h = hashlib.sha256()
    h.update(b"xen\0")
    _sha256_file(xen, h)
    h.update(b"mkiso\0")
    _sha256_file(MKISO, h)
    h.update(b"options\0" + options.encode() + b"\0")
    for path, args in modules:
        h.update(b"module\0" + os.path.basename(path).encode() + b"\0" + args.encode() + b"\0")
        _sha256_file(path, h)
    os.makedirs(ISO_CACHE_DIR, exist_ok=True)
    iso = os.path.join(ISO_CACHE_DIR, h.hexdigest()[:32] + ".iso")
    if os.path.exists(iso):
        os.utime(iso)
        return iso
    cmd = [MKISO, "-o", iso, "-x", xen, "-c", options]
    for path, args in modules:
        cmd += ["-m", path, args]
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    if res.returncode != 0:
        raise AssertionError("mkiso.sh failed (exit %d):\n  %s\n%s" % (
            res.returncode, " ".join(cmd), res.stdout.decode(errors="replace")))
    _prune_iso_cache()
    return iso


def _prune_iso_cache():
    try:
        isos = [os.path.join(ISO_CACHE_DIR, f) for f in os.listdir(ISO_CACHE_DIR) if f.endswith(".iso")]
        isos.sort(key=lambda p: os.stat(p).st_mtime, reverse=True)
        for old in isos[ISO_CACHE_KEEP:]:
            os.unlink(old)
    except OSError:
        pass


_live = weakref.WeakSet()     # machines whose QEMU may still run


@atexit.register
def _kill_all():
    """No QEMU outlives the Python process, even without kill()/with."""
    for m in list(_live):
        m.kill()


class Machine:
    """One QEMU instance booting the hypervisor from a GRUB ISO."""

    def __init__(self, name, options="", modules=(), mem="512M", smp=1,
                 cpu="qemu64,+svm,+npt", extra_args=(), no_reboot=True, xen=None,
                 log_dir=LOG_DIR):
        self.name = _safe_name(name)
        self.options = options
        self.modules = [(os.path.abspath(p), a) for p, a in modules]
        self.mem = mem
        self.smp = smp
        self.cpu = cpu
        self.extra_args = list(extra_args)
        self.no_reboot = no_reboot
        self.xen = xen
        os.makedirs(log_dir, exist_ok=True)
        self.log_path = os.path.join(log_dir, self.name + ".log")
        self.iso = None
        self.proc = None
        self.started_at = None
        self._raw = bytearray()
        self._stderr = bytearray()
        self._clean_cache = (0, "")
        self._cond = threading.Condition()
        self._log = None
        self._log_lock = threading.Lock()
        self._threads = []
        self._eof = False
        self._halted_at = None
        self._tmpdir = None
        self._mon = None
        self._mon_buf = b""

    # ------------------------------------------------------------------ setup
    def qemu_command(self):
        cmd = [QEMU, "-accel", "tcg", "-cpu", self.cpu, "-m", str(self.mem),
               "-smp", str(self.smp), "-cdrom", self.iso, "-boot", "d",
               "-display", "none", "-serial", "stdio",
               "-monitor", "unix:%s,server=on,wait=off" % self.monitor_path,
               "-nic", "none",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        if self.no_reboot:
            cmd.append("-no-reboot")
        return cmd + self.extra_args

    def boot(self):
        """Build (or reuse) the ISO and start QEMU.  Returns self."""
        if self.proc is not None:
            raise RuntimeError("machine %s already booted" % self.name)
        self.iso = build_iso(self.options, self.modules, self.xen)
        self._tmpdir = tempfile.mkdtemp(prefix="xenqemu-")
        self.monitor_path = os.path.join(self._tmpdir, "mon.sock")
        cmd = self.qemu_command()
        self._log = open(self.log_path, "wb")
        self._log.write(("# machine %s\n# options: %s\n# modules: %r\n# %s\n" % (
            self.name, self.options, self.modules,
            " ".join(_shell_quote(c) for c in cmd))).encode())
        self._log.flush()
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, start_new_session=True)
        _live.add(self)
        for stream, is_err in ((self.proc.stdout, False), (self.proc.stderr, True)):
            t = threading.Thread(target=self._reader, args=(stream, is_err),
                                 name="qemu-%s-%s" % (self.name, "err" if is_err else "out"),
                                 daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def _reader(self, stream, is_err):
        fd = stream.fileno()
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            with self._log_lock:
                if self._log and not self._log.closed:
                    if is_err and data:
                        self._log.write(b"".join(b"[qemu stderr] " + l + b"\n"
                                                 for l in data.rstrip(b"\n").split(b"\n")))
                    else:
                        self._log.write(data)
                    self._log.flush()
            with self._cond:
                if is_err:
                    self._stderr += data
                else:
                    self._raw += data
                    if not data:
                        self._eof = True
                self._cond.notify_all()
            if not data:
                return

    # ----------------------------------------------------------------- output
    @property
    def output(self):
        """Everything printed on COM1 so far, as text without \\r or escapes."""
        with self._cond:
            n, text = self._clean_cache
            if n != len(self._raw):
                text = clean_output(bytes(self._raw))
                self._clean_cache = (len(self._raw), text)
            return text

    @property
    def raw_output(self):
        with self._cond:
            return bytes(self._raw)

    @property
    def stderr(self):
        with self._cond:
            return self._stderr.decode(errors="replace")

    @property
    def lines(self):
        return self.output.split("\n")

    def elapsed(self):
        return time.monotonic() - self.started_at if self.started_at else 0.0

    def tail(self, n=40):
        lines = self.output.rstrip("\n").split("\n")
        return "\n".join("    | " + l for l in lines[-n:])

    def _describe(self, what):
        msg = ["%s (machine %s, %.1fs after start)" % (what, self.name, self.elapsed()),
               "last 40 lines of serial output:", self.tail(40)]
        err = self.stderr.strip()
        if err:
            msg += ["QEMU stderr:", "\n".join("    | " + l for l in err.split("\n")[-10:])]
        msg.append("full log: %s" % self.log_path)
        return "\n".join(msg)

    def _exited(self):
        return self.proc is None or self.proc.poll() is not None

    def wait_for(self, regex, timeout=DEFAULT_TIMEOUT, flags=re.MULTILINE):
        """Wait until `regex` matches somewhere in the output; return the
        re.Match.  AssertionError on timeout or if QEMU exits first."""
        if self.proc is None:
            raise RuntimeError("machine %s not booted" % self.name)
        __tracebackhide__ = True
        pat = regex if isinstance(regex, re.Pattern) else re.compile(regex, flags)
        deadline = time.monotonic() + timeout
        while True:
            out = self.output
            m = pat.search(out)
            if m:
                return m
            halted = HALTED.search(out)
            if halted:
                # nothing more will come once the hypervisor has halted for
                # good; allow a moment for trailing output, then give up
                if self._halted_at is None:
                    self._halted_at = time.monotonic()
                elif time.monotonic() - self._halted_at > HALT_GRACE:
                    raise AssertionError(self._describe(
                        "hypervisor halted (%r) before /%s/ appeared" % (halted.group(0), pat.pattern)))
            with self._cond:
                done = self._eof and self._exited()
                if not done:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._cond.wait(min(left, 0.5))
                    continue
            # QEMU is gone: one last look at the complete output
            m = pat.search(self.output)
            if m:
                return m
            raise AssertionError(self._describe(
                "QEMU exited (status %s) before /%s/ appeared" % (self.proc.poll(), pat.pattern)))
        raise AssertionError(self._describe("timed out after %ss waiting for /%s/" % (timeout, pat.pattern)))

    def wait_exit(self, timeout=DEFAULT_TIMEOUT):
        """Wait for QEMU to exit by itself; return its exit status."""
        __tracebackhide__ = True
        if self.proc is None:
            raise RuntimeError("machine %s not booted" % self.name)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(self._describe("QEMU still running %ss later" % timeout)) from None
        self._join_readers(5)
        return rc

    def is_running(self):
        return self.proc is not None and self.proc.poll() is None

    def send(self, data):
        """Write bytes (or str) to the serial line."""
        if isinstance(data, str):
            data = data.encode()
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    # ---------------------------------------------------------------- monitor
    def _mon_read_prompt(self, timeout):
        deadline = time.monotonic() + timeout
        while not self._mon_buf.endswith(b"(qemu) "):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(self._describe("no QEMU monitor prompt (got %r)" % self._mon_buf[-200:]))
            self._mon.settimeout(left)
            try:
                data = self._mon.recv(65536)
            except socket.timeout:
                continue
            if not data:
                raise AssertionError(self._describe("QEMU monitor connection closed"))
            self._mon_buf += data
        out, self._mon_buf = self._mon_buf[:-len(b"(qemu) ")], b""
        return out

    def monitor(self, cmd, timeout=10.0):
        """Run an HMP monitor command; return its output (text)."""
        if self._mon is None:
            deadline = time.monotonic() + timeout
            while True:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(self.monitor_path)
                    break
                except OSError:
                    s.close()
                    if time.monotonic() > deadline or self._exited():
                        raise AssertionError(self._describe("cannot connect to the QEMU monitor"))
                    time.sleep(0.05)
            self._mon = s
            self._mon_read_prompt(timeout)          # banner + first prompt
        self._mon.sendall(cmd.encode() + b"\n")
        out = clean_output(self._mon_read_prompt(timeout))
        # the first line is the echo of the command
        return out.split("\n", 1)[1] if "\n" in out else ""

    def read_vga_text(self):
        """The VGA text screen (0xb8000) as 25 strings of 80 characters."""
        path = os.path.join(self._tmpdir, "vga.bin")
        if os.path.exists(path):
            os.unlink(path)
        out = self.monitor('pmemsave 0xb8000 4000 "%s"' % path)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            data = b""
        if len(data) != 4000:
            raise AssertionError(self._describe("pmemsave failed: %r" % out))
        chars = data[0::2].decode("cp437").replace("\x00", " ")
        return [chars[i * 80:(i + 1) * 80] for i in range(25)]

    # --------------------------------------------------------------- teardown
    def _join_readers(self, timeout):
        for t in self._threads:
            t.join(timeout)

    def kill(self):
        """Stop QEMU (if running) and release everything.  Idempotent."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                self.proc.kill()
        if self.proc is not None:
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
            self._join_readers(5)
            for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                try:
                    f.close()
                except (OSError, ValueError):
                    pass
        if self._mon is not None:
            self._mon.close()
            self._mon = None
        with self._log_lock:
            if self._log and not self._log.closed:
                rc = self.proc.returncode if self.proc else None
                self._log.write(("\n# QEMU exit status %s after %.1fs\n" % (rc, self.elapsed())).encode())
                self._log.close()
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None
        _live.discard(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        return False

    def __del__(self):
        try:
            self.kill()
        except Exception:
            pass


def _shell_quote(s):
    return s if re.fullmatch(r"[A-Za-z0-9_.,=:/+@%-]+", s) else "'" + s.replace("'", "'\\''") + "'"


# ------------------------------------------------------------------ parsing
E820_LINE = re.compile(
    r"^\(XEN\)  \[([0-9a-f]{16}), ([0-9a-f]{16})\] "
    r"\((usable|reserved|ACPI data|ACPI NVS|unusable|type \d+)\)$")


def parse_e820(output):
    """The e820 map printed after "(XEN) Xen-e820 RAM map:" as a list of
    (first, last, type), both addresses inclusive.  AssertionError if the header is missing."""
    lines = output.split("\n")
    try:
        i = lines.index("(XEN) Xen-e820 RAM map:")
    except ValueError:
        raise AssertionError("no '(XEN) Xen-e820 RAM map:' line in the output") from None
    entries = []
    for line in lines[i + 1:]:
        m = E820_LINE.match(line)
        if not m:
            break
        entries.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3)))
    return entries


def parse_size(s):
    """QEMU -m size ("512M", "8G", "1024") -> bytes."""
    m = re.fullmatch(r"(\d+)([KMGT]?)B?", str(s).upper())
    if not m:
        raise ValueError("bad size %r" % s)
    return int(m.group(1)) << {"": 20, "K": 10, "M": 20, "G": 30, "T": 40}[m.group(2)]
