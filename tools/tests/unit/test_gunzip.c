/*
 * test_gunzip.c: the gzip/DEFLATE decoder (xen/common/gunzip.c) and
 * bzImages with a gzip payload (xen/common/bzimage.c).
 *
 * Vectors: one member embedded below (made once with gzip 1.12), members
 * that the host's gzip(1) makes at test time from generated data (every
 * level; text, incompressible data for stored blocks, short inputs for the
 * fixed code, 1 MiB for full 32 KiB distances), headers with every optional
 * field built here around gzip's DEFLATE data, and DEFLATE blocks written
 * bit by bit here with the fixed code to reach each refusal. Every single
 * bit flip of a member outside the fields nobody checks (time, extra
 * flags, OS, the text flag) must be refused, and so must every truncation.
 * The Debian vmlinux, if present, is gzipped, wrapped as a bzImage and
 * unpacked (skipped otherwise).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "unpack_util.h"

#include <xen/bzimage.h>
#include <xen/compiler.h>
#include <xen/errno.h>

#include "gunzip.h"

/* "Hello, hypervisor! Hello, hypervisor! Hello!\n", gzip -n -9. */
static const char hello[] = "Hello, hypervisor! Hello, hypervisor! Hello!\n";
static const uint8_t hello_gz[] = {
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xf3, 0x48,
    0xcd, 0xc9, 0xc9, 0xd7, 0x51, 0xc8, 0xa8, 0x2c, 0x48, 0x2d, 0x2a, 0xcb,
    0x2c, 0xce, 0x2f, 0x52, 0x54, 0xf0, 0xc0, 0x21, 0xa4, 0xc8, 0x05, 0x00,
    0x76, 0x1d, 0xb4, 0xd4, 0x2d, 0x00, 0x00, 0x00,
};

/* --- Helpers. --- */

/* Size from the trailer, decode, compare; rc of the first failing step. */
static int gz_decode(const uint8_t *gz, size_t len, const void *want,
                     size_t want_len)
{
    uint32_t size;
    uint8_t *out;
    int rc = gzip_decoded_size(gz, len, &size);

    if ( rc )
        return rc;
    out = malloc(size ? size : 1);
    rc = gunzip(gz, len, out, size);
    if ( !rc && want && (size != want_len || memcmp(out, want, want_len)) )
        rc = 1;                     /* decoded, but to something else */
    free(out);
    CHECK_EQ(live_xmallocs, 0);
    return rc;
}

static bool gzip_available(void)
{
    return tool_available("gzip");
}

static uint8_t *run_gzip(const void *data, size_t len, const char *opts,
                         size_t *out_len)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "gzip -n %s", opts);
    return run_tool(cmd, data, len, out_len);
}

static bool roundtrip(enum kind kind, size_t len, const char *opts)
{
    uint8_t *data = make_data(kind, len, (uint32_t)len * 3 + kind), *gz;
    size_t gz_len;
    int rc = -1;

    if ( (gz = run_gzip(data, len, opts, &gz_len)) )
        rc = gz_decode(gz, gz_len, data, len);
    if ( rc )
        printf("  gzip %s of %zu bytes (kind %d): rc %d\n", opts, len, kind,
               rc);
    free(gz);
    free(data);
    return rc == 0;
}

/* A growing byte buffer; DEFLATE bits are added least significant first. */
struct bits {
    uint8_t p[4096];
    size_t len;
    unsigned int nbits;             /* bits used in p[len - 1] (0: none) */
};

static void put_bits(struct bits *b, uint32_t v, unsigned int n)
{
    for ( unsigned int i = 0; i < n; i++ )
    {
        if ( !b->nbits )
            b->p[b->len++] = 0;
        b->p[b->len - 1] |= ((v >> i) & 1) << b->nbits;
        b->nbits = (b->nbits + 1) & 7;
    }
}

/* A Huffman code: its bits go most significant first. */
static void put_code(struct bits *b, uint32_t code, unsigned int n)
{
    while ( n-- )
        put_bits(b, (code >> n) & 1, 1);
}

/* Symbols of the fixed literal/length code (RFC 1951 3.2.6). */
static void put_fixed(struct bits *b, unsigned int sym)
{
    if ( sym < 144 )
        put_code(b, 0x30 + sym, 8);
    else if ( sym < 256 )
        put_code(b, 0x190 + sym - 144, 9);
    else if ( sym < 280 )
        put_code(b, sym - 256, 7);
    else
        put_code(b, 0xc0 + sym - 280, 8);
}

/* A member around DEFLATE data d, with the trailer of plain[0, n). */
static uint8_t *wrap(const struct bits *d, const void *plain, size_t n,
                     size_t *len)
{
    uint8_t *gz = calloc(1, 10 + d->len + 8);

    memcpy(gz, "\x1f\x8b\x08\x00\0\0\0\0\x00\x03", 10);
    memcpy(gz + 10, d->p, d->len);
    put_le_at(gz + 10 + d->len, ref_crc32(plain, n), 4);
    put_le_at(gz + 10 + d->len + 4, n, 4);
    *len = 10 + d->len + 8;
    return gz;
}

/* gunzip() of a member around d must fail naming what. */
static bool deflate_refused(const struct bits *d, const char *what)
{
    size_t len;
    uint8_t *gz = wrap(d, "", 0, &len), out[64];
    int rc;

    harness_log_clear();
    rc = gunzip(gz, len, out, 8);
    free(gz);
    if ( rc >= 0 || !harness_log_contains(what) )
        printf("  rc %d, want \"%s\", log: %s", rc, what, harness_log());
    return rc < 0 && harness_log_contains(what);
}

/* --- Tests. --- */

TEST(embedded_member)
{
    uint32_t size;
    uint8_t out[64];

    CHECK(gzip_has_magic(hello_gz, sizeof(hello_gz)));
    CHECK(!gzip_has_magic(hello_gz, 1));
    CHECK_EQ(gzip_decoded_size(hello_gz, sizeof(hello_gz), &size), 0);
    CHECK_EQ(size, sizeof(hello) - 1);
    CHECK_EQ(gz_decode(hello_gz, sizeof(hello_gz), hello, sizeof(hello) - 1),
             0);
    /* The output must be exactly the trailer's size. */
    CHECK_EQ(gunzip(hello_gz, sizeof(hello_gz), out, size - 1), -EINVAL);
    CHECK_EQ(gunzip(hello_gz, sizeof(hello_gz), out, size + 1), -EINVAL);
    CHECK_EQ(gzip_decoded_size(hello_gz, 17, &size), -EINVAL);
    CHECK_EQ(live_xmallocs, 0);
}

TEST(gzip_levels_and_kinds)
{
    static const char *const levels[] = { "-1", "-6", "-9" };
    static const size_t sizes[] = { 0, 1, 10, 300, 5000, 100000 };

    if ( !gzip_available() )
        return;
    for ( unsigned int l = 0; l < ARRAY_SIZE(levels); l++ )
        for ( unsigned int i = 0; i < ARRAY_SIZE(sizes); i++ )
        {
            CHECK(roundtrip(TEXT, sizes[i], levels[l]));
            CHECK(roundtrip(RANDOM, sizes[i], levels[l]));
            CHECK(roundtrip(X86ISH, sizes[i], levels[l]));
        }
    /* Long inputs: every distance up to 32 KiB, blocks of every type. */
    CHECK(roundtrip(MIXED, 1u << 20, "-6"));
    CHECK(roundtrip(TEXT, 1u << 20, "-1"));
}

TEST(header_fields)
{
    /* FEXTRA, FNAME, FCOMMENT, FHCRC around hello's DEFLATE data. */
    static const uint8_t extra[] = { 'A', 'p', 3, 0, 1, 2, 3 };
    const size_t dlen = sizeof(hello_gz) - 18;
    uint8_t gz[256];
    size_t n = 0, hcrc_at;

    memcpy(gz, hello_gz, 10);
    gz[3] = 0x02 | 0x04 | 0x08 | 0x10;
    n = 10;
    put_le_at(gz + n, sizeof(extra), 2);
    memcpy(gz + n + 2, extra, sizeof(extra));
    n += 2 + sizeof(extra);
    memcpy(gz + n, "vmlinux", 8);
    n += 8;
    memcpy(gz + n, "a comment", 10);
    n += 10;
    hcrc_at = n;
    put_le_at(gz + n, ref_crc32(gz, n) & 0xffff, 2);
    n += 2;
    memcpy(gz + n, hello_gz + 10, dlen + 8);
    n += dlen + 8;
    CHECK_EQ(gz_decode(gz, n, hello, sizeof(hello) - 1), 0);

    gz[hcrc_at] ^= 1;
    CHECK_EQ(gz_decode(gz, n, hello, sizeof(hello) - 1), -EBADMSG);
    CHECK_LOG("header CRC mismatch");
    gz[hcrc_at] ^= 1;
    gz[3] |= 0x20;                  /* reserved */
    CHECK_EQ(gz_decode(gz, n, NULL, 0), -EOPNOTSUPP);
    gz[3] &= ~0x20;
    gz[2] = 7;                      /* not DEFLATE */
    CHECK_EQ(gz_decode(gz, n, NULL, 0), -EOPNOTSUPP);
    CHECK_LOG("compression method is not DEFLATE");
    gz[2] = 8;
    CHECK_EQ(gz_decode(gz, hcrc_at + 1 + 8, NULL, 0), -EINVAL);
    CHECK_LOG("truncated header CRC");
    /* A name that never ends; an extra field longer than the member. */
    memcpy(gz, hello_gz, 10);
    gz[3] = 0x08;
    memset(gz + 10, 'x', 30);
    CHECK_EQ(gunzip(gz, 40, gz + 100, 10), -EINVAL);
    CHECK_LOG("unterminated file name");
    gz[3] = 0x04;
    put_le_at(gz + 10, 1000, 2);
    CHECK_EQ(gunzip(gz, 40, gz + 100, 10), -EINVAL);
    CHECK_LOG("truncated extra field");
    CHECK_EQ(live_xmallocs, 0);
}

TEST(trailer_and_extent)
{
    uint8_t gz[sizeof(hello_gz) + 4];
    const size_t n = sizeof(hello_gz), hl = sizeof(hello) - 1;
    uint8_t out[64];

    memcpy(gz, hello_gz, n);
    gz[n - 8] ^= 0x80;              /* CRC32 */
    CHECK_EQ(gz_decode(gz, n, NULL, 0), -EBADMSG);
    CHECK_LOG("CRC32 mismatch");
    gz[n - 8] ^= 0x80;
    /* Bytes after the member: not ours to skip. */
    memcpy(gz + n, "\0\0\0\0", 4);
    put_le_at(gz + n, hl, 4);       /* keep the "trailer" plausible */
    memcpy(gz + n - 4, gz + n - 8, 4);
    CHECK(gunzip(gz, n + 4, out, hl) < 0);
    CHECK_EQ(live_xmallocs, 0);
}

TEST(crafted_deflate_blocks)
{
    struct bits b;
    size_t len;
    uint8_t *gz, out[16];

    /* Valid: fixed block "ab", then length 3 distance 2 -> "ababa". */
    memset(&b, 0, sizeof(b));
    put_bits(&b, 1, 1);
    put_bits(&b, 1, 2);
    put_fixed(&b, 'a');
    put_fixed(&b, 'b');
    put_fixed(&b, 257);             /* length 3 */
    put_code(&b, 1, 5);             /* distance 2 */
    put_fixed(&b, 256);
    gz = wrap(&b, "ababa", 5, &len);
    CHECK_EQ(gunzip(gz, len, out, 5), 0);
    CHECK(!memcmp(out, "ababa", 5));
    free(gz);

    /* The same reaching one byte too far back. */
    memset(&b, 0, sizeof(b));
    put_bits(&b, 1, 1);
    put_bits(&b, 1, 2);
    put_fixed(&b, 'a');
    put_fixed(&b, 257);
    put_code(&b, 1, 5);
    put_fixed(&b, 256);
    CHECK(deflate_refused(&b, "distance reaches before the start"));

    /* Length symbol 286, distance symbol 30: not in the alphabets. */
    memset(&b, 0, sizeof(b));
    put_bits(&b, 3, 3);
    put_fixed(&b, 'a');
    put_fixed(&b, 286);
    CHECK(deflate_refused(&b, "invalid length symbol"));
    memset(&b, 0, sizeof(b));
    put_bits(&b, 3, 3);
    put_fixed(&b, 'a');
    put_fixed(&b, 257);
    put_code(&b, 30, 5);
    CHECK(deflate_refused(&b, "invalid distance code"));

    /* Block type 3; a stored block whose length is not complemented. */
    memset(&b, 0, sizeof(b));
    put_bits(&b, 7, 3);
    CHECK(deflate_refused(&b, "invalid DEFLATE block type"));
    memset(&b, 0, sizeof(b));
    put_bits(&b, 1, 3);
    put_bits(&b, 0x0003, 16 + 5);   /* LEN 3 after the 5 padding bits */
    put_bits(&b, 0xfffb, 16);
    CHECK(deflate_refused(&b, "length and its complement differ"));
    /* A non-final block and nothing after it. */
    memset(&b, 0, sizeof(b));
    put_bits(&b, 2, 3);
    put_fixed(&b, 256);
    CHECK(deflate_refused(&b, "truncated"));
    /* More output than the trailer says. */
    memset(&b, 0, sizeof(b));
    put_bits(&b, 3, 3);
    for ( unsigned int i = 0; i < 9; i++ )
        put_fixed(&b, 'x');
    put_fixed(&b, 256);
    CHECK(deflate_refused(&b, "more data than the trailer's size"));
}

/*
 * A final dynamic block header for lengths[0, nlit + ndist) (each 0-2),
 * sent with a code length code of 2, 17, 18 (2 bits) and 0, 1 (3 bits).
 */
static void put_dynamic(struct bits *b, const uint8_t *lengths,
                        unsigned int nlit, unsigned int ndist)
{
    /* Code length code lengths in the RFC's order 16 17 18 0 8 ... 2 14 1. */
    static const uint8_t clen[18] = { 0, 2, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                      0, 0, 2, 0, 3 };
    unsigned int i, run;

    put_bits(b, 5, 3);              /* final, dynamic */
    put_bits(b, nlit - 257, 5);
    put_bits(b, ndist - 1, 5);
    put_bits(b, sizeof(clen) - 4, 4);
    for ( i = 0; i < sizeof(clen); i++ )
        put_bits(b, clen[i], 3);
    for ( i = 0; i < nlit + ndist; i += run )
    {
        for ( run = 0; i + run < nlit + ndist && !lengths[i + run] &&
                       run < 138; run++ )
            ;
        if ( run >= 11 )
        {
            put_code(b, 2, 2);      /* 18 */
            put_bits(b, run - 11, 7);
        }
        else if ( run >= 3 )
        {
            put_code(b, 1, 2);      /* 17 */
            put_bits(b, run - 3, 3);
        }
        else
        {
            run = 1;
            if ( lengths[i] == 2 )
                put_code(b, 0, 2);  /* 2 */
            else
                put_code(b, lengths[i] ? 7 : 6, 3);  /* 1 or 0 */
        }
    }
}

TEST(crafted_dynamic_codes)
{
    uint8_t lengths[257 + 1] = { 0 }, out[8];
    struct bits b;
    size_t len;
    uint8_t *gz;

    /* a: 1 bit (0), b: 2 bits (10), end: 2 bits (11); one distance code. */
    lengths['a'] = 1;
    lengths['b'] = 2;
    lengths[256] = 2;
    lengths[257] = 1;
    memset(&b, 0, sizeof(b));
    put_dynamic(&b, lengths, 257, 1);
    put_code(&b, 0, 1);
    put_code(&b, 2, 2);
    put_code(&b, 0, 1);
    put_code(&b, 3, 2);
    gz = wrap(&b, "aba", 3, &len);
    CHECK_EQ(gunzip(gz, len, out, 3), 0);
    CHECK(!memcmp(out, "aba", 3));
    free(gz);

    /* Incomplete with two symbols; over-subscribed; no end-of-block code. */
    lengths['b'] = 0;
    memset(&b, 0, sizeof(b));
    put_dynamic(&b, lengths, 257, 1);
    CHECK(deflate_refused(&b, "invalid literal/length or distance code"));
    lengths['b'] = 1;
    lengths[256] = 1;
    memset(&b, 0, sizeof(b));
    put_dynamic(&b, lengths, 257, 1);
    CHECK(deflate_refused(&b, "invalid literal/length or distance code"));
    lengths[256] = 0;
    memset(&b, 0, sizeof(b));
    put_dynamic(&b, lengths, 257, 1);
    CHECK(deflate_refused(&b, "no code for the end of the block"));
}

TEST(crafted_dynamic_headers)
{
    struct bits b;

    /* Code length code: only one length of 1 -> incomplete, refused. */
    memset(&b, 0, sizeof(b));
    put_bits(&b, 5, 3);             /* final, dynamic */
    put_bits(&b, 0, 5);             /* 257 literal/length codes */
    put_bits(&b, 0, 5);             /* 1 distance code */
    put_bits(&b, 0, 4);             /* 4 code length codes */
    put_bits(&b, 1, 3);             /* 16: 1 bit */
    put_bits(&b, 1, 3);             /* 17: 1 bit */
    put_bits(&b, 1, 3);             /* 18: 1 bit: over-subscribed */
    put_bits(&b, 0, 3);
    CHECK(deflate_refused(&b, "invalid code length code"));

    /* A repeat (16) before any length. */
    memset(&b, 0, sizeof(b));
    put_bits(&b, 5, 3);
    put_bits(&b, 0, 5);
    put_bits(&b, 0, 5);
    put_bits(&b, 0, 4);
    put_bits(&b, 1, 3);             /* 16: code 0 */
    put_bits(&b, 1, 3);             /* 17: code 1 */
    put_bits(&b, 0, 3);
    put_bits(&b, 0, 3);
    put_code(&b, 0, 1);             /* 16 */
    put_bits(&b, 0, 2);
    CHECK(deflate_refused(&b, "repeated code length with none before"));

    /* 17s running past the count of lengths. */
    memset(&b, 0, sizeof(b));
    put_bits(&b, 5, 3);
    put_bits(&b, 0, 5);
    put_bits(&b, 0, 5);
    put_bits(&b, 0, 4);
    put_bits(&b, 0, 3);             /* 16: unused */
    put_bits(&b, 1, 3);             /* 17: code 0 */
    put_bits(&b, 1, 3);             /* 18: code 1 */
    put_bits(&b, 0, 3);
    for ( unsigned int i = 0; i < 2; i++ )
    {
        put_code(&b, 1, 1);         /* 18: 11 + 127 zeros */
        put_bits(&b, 127, 7);
    }
    CHECK(deflate_refused(&b, "code lengths run past their count"));
}

/*
 * Flip every bit that matters, one at a time: *wrong counts flips that
 * decoded to other data than plain (CRC32 should make that impossible),
 * *same those that decoded to plain anyway outside the last DEFLATE byte
 * (whose bits after the final block are padding). Any such flip of a
 * member whose every code matters (hello_gz) would be a missed check.
 */
static void flip_bits(const uint8_t *gz, size_t len, const void *plain,
                      size_t plen, unsigned int *wrong, unsigned int *same)
{
    uint8_t *m = malloc(len);
    int rc;

    *wrong = *same = 0;
    for ( size_t bit = 0; bit < len * 8; bit++ )
    {
        size_t byte = bit / 8;

        if ( (byte >= 4 && byte < 10) || bit == 3 * 8 )
            continue;               /* MTIME, XFL, OS, FTEXT: unchecked */
        memcpy(m, gz, len);
        m[byte] ^= 1u << (bit % 8);
        rc = gz_decode(m, len, plain, plen);
        if ( rc == 1 )
            printf("  flip of bit %zu (byte %zu of %zu) accepted with other "
                   "data\n", bit, byte, len);
        *wrong += rc == 1;
        *same += rc == 0 && byte != len - 9;
        harness_log_clear();
    }
    free(m);
}

TEST(corruption)
{
    uint8_t *data = make_data(TEXT, 3000, 71), *gz;
    unsigned int accepted = 0, wrong, same;
    size_t len;

    flip_bits(hello_gz, sizeof(hello_gz), hello, sizeof(hello) - 1, &wrong,
              &same);
    CHECK_EQ(wrong + same, 0);
    for ( size_t n = 0; n < sizeof(hello_gz); n++ )
        accepted += gz_decode(hello_gz, n, NULL, 0) == 0;
    CHECK_EQ(accepted, 0);
    if ( !gzip_available() || !(gz = run_gzip(data, 3000, "-9", &len)) )
        goto out;
    flip_bits(gz, len, data, 3000, &wrong, &same);
    CHECK_EQ(wrong, 0);
    for ( size_t n = 0; n < len; n++ )
    {
        accepted += gz_decode(gz, n, NULL, 0) == 0;
        harness_log_clear();
    }
    CHECK_EQ(accepted, 0);
    free(gz);
 out:
    free(data);
}

/* --- bzImages with a gzip payload. --- */

static int unpack(const uint8_t *img, size_t size, const void *want,
                  size_t want_len)
{
    void *out = NULL;
    size_t out_len = 0;
    int rc = bzimage_unpack(img, size, &out, &out_len);

    if ( !rc )
    {
        CHECK(out_len == want_len && !memcmp(out, want, want_len));
        bzimage_free(out, out_len);
    }
    CHECK(nothing_live());
    return rc;
}

TEST(bzimage_gzip_payload)
{
    uint8_t gz[sizeof(hello_gz)], *img;
    size_t size;

    img = make_bzimage(hello_gz, sizeof(hello_gz), 0, &size);
    CHECK_EQ(unpack(img, size, hello, sizeof(hello) - 1), 0);
    CHECK_LOG("gzip payload unpacked");
    free(img);

    memcpy(gz, hello_gz, sizeof(gz));
    put_le_at(gz + sizeof(gz) - 4, 600u << 20, 4);
    img = make_bzimage(gz, sizeof(gz), 0, &size);
    CHECK_EQ(unpack(img, size, NULL, 0), -E2BIG);
    free(img);
    put_le_at(gz + sizeof(gz) - 4, 0, 4);
    img = make_bzimage(gz, sizeof(gz), 0, &size);
    CHECK_EQ(unpack(img, size, NULL, 0), -EINVAL);
    free(img);
    gz[20] ^= 0x40;                 /* corrupt, with the right size */
    put_le_at(gz + sizeof(gz) - 4, sizeof(hello) - 1, 4);
    img = make_bzimage(gz, sizeof(gz), 0, &size);
    CHECK(unpack(img, size, NULL, 0) < 0);
    free(img);
}

TEST(bzimage_gzip_vmlinux)
{
    const char *path = getenv("UNXZ_VMLINUX") ?: "/tmp/s5/kpkg/vmlinux";
    uint8_t *elf, *gz = NULL, *img;
    size_t len, gz_len, size, out_len;
    struct timespec t0, t1;
    void *out;

    if ( !(elf = read_file(path, &len)) )
    {
        printf("  SKIP bzimage_gzip_vmlinux: no %s\n", path);
        return;
    }
    if ( !gzip_available() || !(gz = run_gzip(elf, len, "-1", &gz_len)) )
        goto out;
    img = make_bzimage(gz, gz_len, 0, &size);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(bzimage_unpack(img, size, &out, &out_len), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK(out_len == len && !memcmp(out, elf, len));
    printf("  gzip -1 of %s: %zu -> %zu bytes in %.2f s\n", path, gz_len,
           out_len, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    bzimage_free(out, out_len);
    CHECK(nothing_live());
    free(img);
 out:
    free(gz);
    free(elf);
}
