#!/usr/bin/python3
"""gen_corpus.py DIR: write the seed corpus of fuzz_unxz (`make corpus`).

Small .xz streams made by xz(1) from deterministic data, one for each
feature the decoder has (check types, x86 filter, several blocks, several
streams with padding, uncompressed chunks, lc/lp/pb settings), gzip members
(stored, fixed and dynamic blocks), and tiny bzImages around an XZ, a gzip
and an unsupported payload. A few hundred bytes each.
"""
import os
import random
import struct
import subprocess
import sys


def run(tool, data, *opts):
    return subprocess.run([tool, "-c", *opts], input=data, check=True,
                          stdout=subprocess.PIPE).stdout


def xz(data, *opts):
    return run("xz", data, *opts)


def gzip(data, *opts):
    return run("gzip", data, "-n", *opts)


def text(n, seed):
    rng = random.Random(seed)
    words = [b"hypervisor", b"domain", b"page", b"grant", b"event", b"the"]
    out = b""
    while len(out) < n:
        out += rng.choice(words) + b" "
    return out[:n]


def x86ish(n, seed):
    rng = random.Random(seed)
    common = [0xe8, 0xe9, 0x00, 0xff, 0x48, 0x89]
    return bytes(rng.choice(common) if rng.random() < 0.7
                 else rng.randrange(256) for _ in range(n))


def bzimage(payload, appended):
    setup_sects = 1
    pm = (setup_sects + 1) * 512
    body = payload + (struct.pack("<I", appended) if appended else b"")
    img = bytearray(pm + 16 + len(body))
    img[0x1f1] = setup_sects
    img[0x1fe:0x200] = b"\x55\xaa"
    img[0x202:0x206] = b"HdrS"
    struct.pack_into("<HII", img, 0x206, 0x020f, 0, 0)
    struct.pack_into("<II", img, 0x248, 16, len(body))
    img[pm + 16:] = body
    return bytes(img)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    t = text(300, 1)
    seeds = {
        "crc32": xz(t, "--check=crc32"),
        "crc64": xz(t, "--check=crc64"),
        "none": xz(t, "--check=none"),
        "empty": xz(b""),
        "x86": xz(x86ish(400, 2), "--x86", "--lzma2", "--check=crc32"),
        "x86-start": xz(x86ish(200, 3), "--x86=start=4096", "--lzma2"),
        "blocks": xz(text(600, 4), "--block-size=200"),
        "sizes": xz(text(600, 5), "-T2", "--block-size=300"),
        "incompressible": xz(random.Random(6).randbytes(200)),
        "lclppb": xz(t, "--lzma2=lc=0,lp=4,pb=4"),
        "small-dict": xz(text(900, 7), "--lzma2=dict=4KiB,mode=fast"),
        "streams": xz(t[:100]) + bytes(8) + xz(t[100:], "--check=crc64"),
    }
    seeds["gzip-dynamic"] = gzip(text(800, 8), "-9")
    seeds["gzip-fixed"] = gzip(t[:40], "-9")
    seeds["gzip-stored"] = gzip(random.Random(9).randbytes(300), "-1")
    payload = xz(t[:64], "--check=crc32", "--x86", "--lzma2")
    seeds["bzimage-xz"] = bzimage(payload, 64)
    seeds["bzimage-gzip"] = bzimage(gzip(t[:64], "-9"), 0)
    seeds["bzimage-zstd"] = bzimage(b"\x28\xb5\x2f\xfd" + bytes(12), 0)
    for name, data in seeds.items():
        with open(os.path.join(out, "seed-" + name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
