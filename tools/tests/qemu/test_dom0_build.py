"""The dom0 builder at boot (xen/arch/x86/pv/dom0_build.c): what it says
about a kernel or a configuration it cannot use, the layout it prints, and
unprivileged domains built from further modules (domu_modules=).

What the guest finds (layout, mappings, start_info, p2m/M2P) is checked
from inside by the start_info test guest (test_guests.py); the layout
arithmetic and page tables by tools/tests/unit/test_dom0_layout.c.
"""

import re
import shutil

from machine import DEFAULT_OPTIONS

OPTS = DEFAULT_OPTIONS + " noreboot"
PANIC_END = r"Manual reset required \('noreboot' specified\)"
CANNOT = r"\(XEN\) Could not construct domain 0: "


def boot_panics(machine, options, modules, reason):
    m = machine(options, modules=modules)
    m.wait_for(CANNOT + reason)
    m.wait_for(PANIC_END)
    assert not re.search(r"^\(XEN\) Dom0 built", m.output, re.M)
    return m


def test_not_an_elf_image(machine, tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 16)
    m = boot_panics(machine, OPTS, [(str(junk), "")],
                    r"the kernel module is not a usable ELF64 x86-64 image")
    assert "ELF: no ELF magic" in m.output


def test_bad_bzimage_is_refused_with_the_reason(machine, tmp_path):
    """A bzImage is unpacked (common/bzimage.c); one that cannot be says why."""
    bz = bytearray(8192)
    bz[0x202:0x206] = b"HdrS"           # the Linux boot protocol's magic
    image = tmp_path / "vmlinuz"
    image.write_bytes(bytes(bz))
    m = boot_panics(machine, OPTS, [(str(image), "")],
                    r"the bzImage kernel could not be unpacked")
    assert re.search(r"bzImage: boot protocol 0\.00 is older than", m.output), m.tail()


def test_dom0_mem_too_small(machine, dom0_dummy):
    # The idle guest's boot area is 4 MiB: 1024 pages, 256 given.
    boot_panics(machine, OPTS + " dom0_mem=1M,max:1M", [(dom0_dummy, "")],
                r"the domain's memory is smaller than its boot area, initrd and "
                r"p2m: 256 pages \(1 MiB\) given, 1024 needed; raise dom0_mem=")


def test_layout_printed(machine, dom0_dummy):
    m = machine(OPTS + " dom0_mem=64M,max:64M", modules=[(dom0_dummy, "")])
    m.wait_for(r"Dom0 built: \d+ vCPUs, 64 MiB")
    out = m.output
    assert re.search(r"Dom0 memory: 16384 pages \(64 MiB\) in \d+ runs", out)
    assert re.search(r"Dom0 layout: kernel ffffffff80000000-", out)
    # 64 MiB: a 128 KiB p2m in the boot area; L4, L3, L2, two L1s.
    p2m = re.search(r"p2m (ffffffff8[0-9a-f]{7})-(ffffffff8[0-9a-f]{7})\n", out)
    assert p2m and int(p2m.group(2), 16) - int(p2m.group(1), 16) == 16384 * 8
    assert re.search(r"page tables ffffffff8[0-9a-f]{7}-ffffffff8[0-9a-f]{7} \(5 frames\)", out)
    assert re.search(r"total ffffffff80000000-ffffffff80400000, entry ffffffff8", out)
    assert re.search(r"M2P: \d+ frames, \d+ KiB; guest view at 0xffff800000000000", out)


def test_domu_modules(machine, dom0_dummy, tmp_path):
    # GRUB's ISO needs distinct module names.
    domus = []
    for n in (1, 2):
        path = tmp_path / ("domu%d" % n)
        shutil.copyfile(dom0_dummy, path)
        domus.append((str(path), "domu %d" % n))
    m = machine(OPTS + " dom0_mem=64M,max:64M domu_modules=2 domu_mem=16M",
                modules=[(dom0_dummy, "")] + domus)
    m.wait_for(r"^\(XEN\) d2 built: 16 MiB")
    out = m.output
    assert re.search(r"Building dom0 from a \d+-byte kernel\n", out), "dom0 took a domU as initrd"
    for d in (1, 2):
        assert re.search(r"Building d%d from a \d+-byte kernel" % d, out)
        assert re.search(r"d%d memory: 4096 pages \(16 MiB\)" % d, out)
        assert re.search(r"d%d layout: kernel ffffffff80000000-" % d, out)
    assert out.index("Dom0 built") < out.index("d1 built") < out.index("d2 built")
