/*
 * test_unxz.c: the XZ decoder (xen/common/xz/) and the bzImage unpacker
 * (xen/common/bzimage.c).
 *
 * Vectors: three tiny streams embedded below (made once with xz 5.4), and,
 * when the host has xz(1), streams it makes at test time, in a private
 * temporary directory, from data generated here: every supported check
 * type, presets and lc/lp/pb/dictionary options, the x86 filter (on
 * E8/E9-rich data and on this very binary), several blocks, sizes in the
 * block headers, several streams with padding, incompressible data. Raw
 * LZMA2 from xz is spliced and wrapped in a container built here (its CRCs
 * computed bit by bit, independently of crc.c) to reach what xz does not
 * emit on its own: a dictionary reset, a state reset and a properties
 * change in the middle of a block. Every decoding is compared with the
 * data. Corrupt streams (every bit flipped, truncations, random damage,
 * bad chunk headers, unsupported options) must be refused, with the right
 * error, and leak nothing. The allocators, data generator and compressor
 * runner are in unpack_util.c, shared with test_gunzip.c.
 *
 * The Debian bzImage is unpacked and compared with its vmlinux when both
 * exist ($UNXZ_BZIMAGE, $UNXZ_VMLINUX, default /tmp/s5/kpkg/...); if only
 * the bzImage exists, with `xz -dc` of its payload; otherwise skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "unpack_util.h"

#include <xen/bzimage.h>
#include <xen/compiler.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/vmap.h>
#include <xen/xmalloc.h>

#include "xz/private.h"
#include "xz/xz.h"

/* --- Embedded vectors. --- */

/* "Hello, hypervisor! Hello, hypervisor! Hello!\n" */
static const char hello[] = "Hello, hypervisor! Hello, hypervisor! Hello!\n";

static const uint8_t hello_crc32_xz[] = {
    0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x01, 0x69, 0x22, 0xde, 0x36,
    0x02, 0x00, 0x21, 0x01, 0x16, 0x00, 0x00, 0x00, 0x74, 0x2f, 0xe5, 0xa3,
    0xe0, 0x00, 0x2c, 0x00, 0x1c, 0x5d, 0x00, 0x24, 0x19, 0x49, 0x98, 0x6f,
    0x16, 0x02, 0x8b, 0x19, 0x79, 0x6c, 0xad, 0x1b, 0xa4, 0x49, 0x25, 0x91,
    0x9f, 0x77, 0xd4, 0xd0, 0x9a, 0xe2, 0x46, 0xb4, 0xd2, 0xb0, 0x00, 0x00,
    0x76, 0x1d, 0xb4, 0xd4, 0x00, 0x01, 0x34, 0x2d, 0xa9, 0x1a, 0x73, 0xde,
    0x90, 0x42, 0x99, 0x0d, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x59, 0x5a,
};

/* The same with --check=crc64 --x86 --lzma2. */
static const uint8_t hello_crc64_x86_xz[] = {
    0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04, 0xe6, 0xd6, 0xb4, 0x46,
    0x02, 0x01, 0x04, 0x00, 0x21, 0x01, 0x16, 0x00, 0x0d, 0x86, 0x35, 0x1f,
    0xe0, 0x00, 0x2c, 0x00, 0x1c, 0x5d, 0x00, 0x24, 0x19, 0x49, 0x98, 0x6f,
    0x16, 0x02, 0x8b, 0x19, 0x79, 0x6c, 0xad, 0x1b, 0xa4, 0x49, 0x25, 0x91,
    0x9f, 0x77, 0xd4, 0xd0, 0x9a, 0xe2, 0x46, 0xb4, 0xd2, 0xb0, 0x00, 0x00,
    0x28, 0x58, 0x28, 0x01, 0x9c, 0x3a, 0x56, 0xe2, 0x00, 0x01, 0x38, 0x2d,
    0xa5, 0x55, 0xc6, 0x72, 0x1f, 0xb6, 0xf3, 0x7d, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x04, 0x59, 0x5a,
};

/* Empty input, --check=none: a stream with no block. */
static const uint8_t empty_xz[] = {
    0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x00, 0xff, 0x12, 0xd9, 0x41,
    0x00, 0x00, 0x00, 0x00, 0x1c, 0xdf, 0x44, 0x21, 0x06, 0x72, 0x9e, 0x7a,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x59, 0x5a,
};

/* --- Decoding helpers. --- */

/* Size, allocate, decode. NULL on failure with *rc set. */
static uint8_t *decode(const uint8_t *xz, size_t len, size_t *out_len, int *rc)
{
    uint64_t size;
    uint8_t *out;

    *rc = xz_decoded_size(xz, len, &size);
    if ( *rc )
        return NULL;
    out = malloc(size ? size : 1);
    *rc = xz_decode(xz, len, out, size);
    if ( *rc )
    {
        free(out);
        return NULL;
    }
    *out_len = size;
    return out;
}

/* Does xz decode to exactly data[0, len)? */
static bool decodes_to(const uint8_t *xz, size_t xz_len, const void *data,
                       size_t len)
{
    size_t out_len;
    int rc;
    uint8_t *out = decode(xz, xz_len, &out_len, &rc);
    bool ok = out && out_len == len && !memcmp(out, data, len);

    if ( !ok )
        printf("  decode: rc %d, %zu bytes (want %zu)\n", rc,
               out ? out_len : 0, len);
    free(out);
    return ok;
}

/* Is xz refused by either step? *rc says how. */
static bool refused(const uint8_t *xz, size_t len, int *rc)
{
    size_t out_len;
    uint8_t *out = decode(xz, len, &out_len, rc);

    free(out);
    return out == NULL && *rc < 0;
}

/*
 * Refused when sized first, and also when decoded straight into a buffer
 * of want bytes (reaching the forward walk's own checks)?
 */
static bool refused_both(const uint8_t *xz, size_t len, size_t want)
{
    uint8_t *out = malloc(want ? want : 1);
    int rc, rc2 = xz_decode(xz, len, out, want);

    free(out);
    return refused(xz, len, &rc) && rc2 < 0;
}

static bool xz_available(void)
{
    return tool_available("xz");
}

static uint8_t *run_xz(const void *data, size_t len, const char *opts,
                       size_t *out_len)
{
    char cmd[256];

    snprintf(cmd, sizeof(cmd), "xz %s", opts);
    return run_tool(cmd, data, len, out_len);
}

/* Compress data with opts, decode, compare. */
static bool roundtrip(const void *data, size_t len, const char *opts)
{
    size_t xz_len;
    uint8_t *xz = run_xz(data, len, opts, &xz_len);
    bool ok = xz && decodes_to(xz, xz_len, data, len);

    if ( xz && !ok )
        printf("  round trip failed: xz %s, %zu bytes\n", opts, len);
    free(xz);
    return ok;
}

static bool roundtrip_kind(enum kind kind, size_t len, const char *opts)
{
    uint8_t *data = make_data(kind, len, (uint32_t)len + kind);
    bool ok = roundtrip(data, len, opts);

    free(data);
    return ok;
}

/* --- A container built here around raw LZMA2 data. --- */

static uint64_t ref_crc64(const uint8_t *p, size_t n)
{
    uint64_t c = ~0ull;

    while ( n-- )
    {
        c ^= *p++;
        for ( int k = 0; k < 8; k++ )
            c = (c >> 1) ^ (0xc96c5795d7870f42ull & -(c & 1));
    }
    return ~c;
}

struct spec {
    const uint8_t *lzma2;           /* the block's data */
    size_t lzma2_len;
    const uint8_t *plain;           /* what it decodes to (for the check) */
    size_t plain_len;
    unsigned int check;             /* 0, 1 (CRC32) or 4 (CRC64) */
    uint8_t flags_extra;            /* ORed into the stream flags' 2nd byte */
    uint8_t dict;                   /* LZMA2 dictionary byte */
    const uint8_t *filters;         /* raw filter flags; NULL: LZMA2 */
    size_t filters_len;
    unsigned int nr_filters;
    uint64_t index_usize;           /* 0: plain_len */
    bool long_count;                /* index count as a two-byte VLI */
};

struct buf {
    uint8_t *p;
    size_t len;
};

static void put(struct buf *b, const void *p, size_t n)
{
    b->p = realloc(b->p, b->len + n + 1);
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void put_le(struct buf *b, uint64_t v, unsigned int n)
{
    for ( unsigned int i = 0; i < n; i++ )
        put(b, &(uint8_t){ v >> (8 * i) }, 1);
}

static void put_vli(struct buf *b, uint64_t v)
{
    do {
        put(b, &(uint8_t){ (v & 0x7f) | (v > 0x7f ? 0x80 : 0) }, 1);
        v >>= 7;
    } while ( v );
}

static void put_crc32_of(struct buf *b, size_t from)
{
    put_le(b, ref_crc32(b->p + from, b->len - from), 4);
}

static void pad4(struct buf *b, size_t from)
{
    while ( (b->len - from) & 3 )
        put(b, "", 1);
}

static uint8_t *build_xz(const struct spec *s, size_t *len)
{
    static const uint8_t lzma2_only[] = { 0x21, 0x01, 0x00 };
    struct buf b = { 0 };
    uint8_t flags[2] = { 0, s->check | s->flags_extra };
    size_t hdr, data, index;
    unsigned int check_len = s->check == 4 ? 8 : s->check == 1 ? 4 : 0;
    uint8_t filt[64];

    /* Stream header. */
    put(&b, XZ_MAGIC, XZ_MAGIC_LEN);
    put(&b, flags, 2);
    put_crc32_of(&b, 6);

    /* Block header, data, padding, check. */
    hdr = b.len;
    memcpy(filt, s->filters ?: lzma2_only,
           s->filters ? s->filters_len : sizeof(lzma2_only));
    if ( !s->filters )
        filt[2] = s->dict;
    put(&b, "", 1);                 /* size, below */
    put(&b, &(uint8_t){ (s->filters ? s->nr_filters : 1) - 1 }, 1);
    put(&b, filt, s->filters ? s->filters_len : sizeof(lzma2_only));
    while ( (b.len - hdr + 4) & 3 )
        put(&b, "", 1);
    b.p[hdr] = (b.len - hdr + 4) / 4 - 1;
    put_crc32_of(&b, hdr);
    data = b.len;
    put(&b, s->lzma2, s->lzma2_len);
    pad4(&b, data);
    if ( s->check == 1 )
        put_le(&b, ref_crc32(s->plain, s->plain_len), 4);
    else if ( s->check == 4 )
        put_le(&b, ref_crc64(s->plain, s->plain_len), 8);

    /* Index, footer. */
    index = b.len;
    put(&b, "", 1);
    if ( s->long_count )
        put(&b, "\x81\x00", 2);     /* 1, not in its shortest form */
    else
        put_vli(&b, 1);
    put_vli(&b, (data - hdr) + s->lzma2_len + check_len);
    put_vli(&b, s->index_usize ?: s->plain_len);
    pad4(&b, index);
    put_crc32_of(&b, index);
    data = b.len;
    put(&b, "\0\0\0\0", 4);         /* CRC32, below */
    put_le(&b, (b.len - 4 - index) / 4 - 1, 4);
    put(&b, flags, 2);
    put_le(&b, ref_crc32(b.p + data + 4, 6), 4);
    memmove(b.p + data, b.p + b.len - 4, 4);
    b.len -= 4;
    put(&b, "YZ", 2);
    *len = b.len;
    return b.p;
}

/* --- CRCs and the embedded vectors. --- */

TEST(crc_known_values)
{
    static const char nine[] = "123456789";

    CHECK_EQ(xz_crc32(nine, 9, 0), 0xcbf43926u);
    CHECK_EQ(xz_crc64(nine, 9, 0), (long long)0x995dc9bbdf1939faull);
    CHECK_EQ(xz_crc32(nine + 4, 5, xz_crc32(nine, 4, 0)), 0xcbf43926u);
    CHECK_EQ(xz_crc64(nine + 4, 5, xz_crc64(nine, 4, 0)),
             (long long)0x995dc9bbdf1939faull);
    CHECK_EQ(xz_crc32("", 0, 0), 0);
}

TEST(crc_against_bitwise)
{
    uint8_t *d = make_data(RANDOM, 300, 5);
    unsigned int bad = 0;

    /* Every length and alignment around the 8-byte slices, split anywhere. */
    for ( size_t off = 0; off < 9; off++ )
        for ( size_t n = 0; n + off <= 300; n += 1 + n / 16 )
        {
            size_t cut = n ? rng() % n : 0;

            bad += xz_crc32(d + off, n, 0) != ref_crc32(d + off, n);
            bad += xz_crc64(d + off, n, 0) != ref_crc64(d + off, n);
            bad += xz_crc32(d + off + cut, n - cut,
                            xz_crc32(d + off, cut, 0)) !=
                   ref_crc32(d + off, n);
            bad += xz_crc64(d + off + cut, n - cut,
                            xz_crc64(d + off, cut, 0)) !=
                   ref_crc64(d + off, n);
        }
    CHECK_EQ(bad, 0);
    free(d);
}

TEST(embedded_vectors)
{
    uint8_t out[64];
    uint64_t size;

    CHECK(xz_has_magic(hello_crc32_xz, sizeof(hello_crc32_xz)));
    CHECK(!xz_has_magic(hello_crc32_xz, 5));
    CHECK(!xz_has_magic(hello, sizeof(hello)));
    CHECK(decodes_to(hello_crc32_xz, sizeof(hello_crc32_xz), hello,
                     sizeof(hello) - 1));
    CHECK(decodes_to(hello_crc64_x86_xz, sizeof(hello_crc64_x86_xz), hello,
                     sizeof(hello) - 1));
    CHECK_EQ(xz_decoded_size(empty_xz, sizeof(empty_xz), &size), 0);
    CHECK_EQ(size, 0);
    CHECK_EQ(xz_decode(empty_xz, sizeof(empty_xz), out, 0), 0);
    /* The output must be exactly the right size. */
    CHECK_EQ(xz_decode(hello_crc32_xz, sizeof(hello_crc32_xz), out,
                       sizeof(hello) - 2), -EINVAL);
    CHECK_EQ(xz_decode(hello_crc32_xz, sizeof(hello_crc32_xz), out,
                       sizeof(hello)), -EINVAL);
    CHECK_LOG("shorter than expected");
    CHECK_EQ(live_xmallocs, 0);
}

/* --- Streams made by xz(1). --- */

TEST(xz_check_types_and_sizes)
{
    static const char *const opts[] = {
        "--check=none", "--check=crc32", "--check=crc64",
    };
    static const size_t sizes[] = { 0, 1, 5, 100, 4096, 70000, 300000 };

    if ( !xz_available() )
        return;
    for ( unsigned int o = 0; o < 3; o++ )
        for ( unsigned int s = 0; s < ARRAY_SIZE(sizes); s++ )
        {
            CHECK(roundtrip_kind(TEXT, sizes[s], opts[o]));
            CHECK(roundtrip_kind(RANDOM, sizes[s], opts[o]));
        }
}

TEST(xz_lzma2_options)
{
    static const char *const opts[] = {
        "-0", "-6", "-6e", "-9",
        "--lzma2=lc=0,lp=0,pb=0", "--lzma2=lc=4,lp=0,pb=4",
        "--lzma2=lc=0,lp=4,pb=4", "--lzma2=lc=1,lp=3,pb=1",
        "--lzma2=lc=2,lp=2,pb=3", "--lzma2=dict=4KiB",
        "--lzma2=dict=64KiB,mode=fast,mf=hc3",
        "--lzma2=mode=normal,mf=bt2,nice=273",
    };
    uint8_t *data = make_data(MIXED, 600000, 7);

    if ( !xz_available() )
        goto out;
    for ( unsigned int o = 0; o < ARRAY_SIZE(opts); o++ )
        CHECK(roundtrip(data, 600000, opts[o]));
 out:
    free(data);
}

TEST(xz_large_multi_chunk)
{
    /* > 2 MiB: several LZMA chunks, the state carried across them. */
    if ( !xz_available() )
        return;
    CHECK(roundtrip_kind(TEXT, 5u << 19, "-1"));
    CHECK(roundtrip_kind(MIXED, 3u << 19, "-2"));
    CHECK(roundtrip_kind(RANDOM, (2u << 20) + 12345, "-0 --check=crc64"));
}

TEST(xz_multiple_blocks)
{
    if ( !xz_available() )
        return;
    CHECK(roundtrip_kind(MIXED, 400000, "--block-size=10000"));
    CHECK(roundtrip_kind(TEXT, 400000, "--block-size=65536 --check=crc64"));
    CHECK(roundtrip_kind(MIXED, 400000, "-T2 --block-size=50000"));
    CHECK(roundtrip_kind(X86ISH, 300000,
                         "--block-list=1,1000,70000,0 --x86 --lzma2"));
}

TEST(xz_concatenated_streams)
{
    uint8_t *a = NULL, *b = NULL, *cat, *data = make_data(TEXT, 30000, 3);
    size_t alen, blen, n;
    int rc;

    if ( !xz_available() )
        goto out;
    a = run_xz(data, 10000, "--check=crc32", &alen);
    b = run_xz(data + 10000, 20000, "--check=crc64 --x86 --lzma2", &blen);
    if ( !a || !b )
        goto out;
    cat = calloc(1, alen + blen + 16);
    /* A, 8 bytes of padding, B, 4 bytes of padding. */
    memcpy(cat, a, alen);
    memcpy(cat + alen + 8, b, blen);
    n = alen + 8 + blen + 4;
    CHECK(decodes_to(cat, n, data, 30000));
    CHECK(decodes_to(cat, alen, data, 10000));
    /* Padding that is not a multiple of four, or before the first stream. */
    CHECK(refused(cat, n - 2, &rc));
    CHECK(refused(cat, n + 2, &rc));
    memmove(cat + 4, cat, n);
    memset(cat, 0, 4);
    CHECK(refused(cat, n + 4, &rc));
    CHECK_LOG("padding before the first stream");
    free(cat);
 out:
    free(a);
    free(b);
    free(data);
}

TEST(xz_x86_filter)
{
    size_t len;
    uint8_t *self;

    if ( !xz_available() )
        return;
    CHECK(roundtrip_kind(X86ISH, 500000, "--x86 --lzma2"));
    CHECK(roundtrip_kind(X86ISH, 500000, "--x86=start=123457 --lzma2=lc=0"));
    CHECK(roundtrip_kind(X86ISH, 4, "--x86 --lzma2"));
    CHECK(roundtrip_kind(X86ISH, 5, "--x86 --lzma2"));
    CHECK(roundtrip_kind(X86ISH, 9, "--x86 --lzma2 --check=crc64"));
    CHECK(roundtrip_kind(TEXT, 200000, "--x86 --lzma2 --check=none"));
    /* Real x86-64 code: this test binary. */
    self = read_file("/proc/self/exe", &len);
    CHECK(self != NULL);
    if ( self )
        CHECK(roundtrip(self, len, "--x86 --lzma2"));
    free(self);
}

TEST(xz_unsupported_options)
{
    uint8_t *data = make_data(TEXT, 5000, 1), *xz;
    static const char *const opts[] = {
        "--check=sha256", "--delta --lzma2", "--arm --lzma2",
        "--x86 --delta --lzma2", "--format=lzma",
    };
    static const int want[] = {
        -EOPNOTSUPP, -EOPNOTSUPP, -EOPNOTSUPP, -EOPNOTSUPP, -EINVAL,
    };
    size_t len;
    int rc;

    if ( !xz_available() )
        goto out;
    for ( unsigned int i = 0; i < ARRAY_SIZE(opts); i++ )
    {
        if ( !(xz = run_xz(data, 5000, opts[i], &len)) )
            continue;
        CHECK(refused(xz, len, &rc));
        CHECK_EQ(rc, want[i]);
        free(xz);
    }
    CHECK_LOG("SHA-256");
    CHECK_LOG("filter 0x3 as filter 1 of 2 is not supported");
 out:
    free(data);
}

/* --- LZMA2 chunk sequences built by splicing raw LZMA2. --- */

/* Raw LZMA2 (ending in its 00) of data[0, len). */
static uint8_t *raw_lzma2(const uint8_t *data, size_t len, const char *opts,
                          size_t *out_len)
{
    char all[128];

    snprintf(all, sizeof(all), "--format=raw --lzma2=%s", opts);
    return run_xz(data, len, all, out_len);
}

/* The container around lzma2[0, n) must decode to plain[0, plen). */
static bool wrapped_decodes_to(const uint8_t *lzma2, size_t n,
                               const uint8_t *plain, size_t plen,
                               unsigned int check)
{
    struct spec s = { .lzma2 = lzma2, .lzma2_len = n, .plain = plain,
                      .plain_len = plen, .check = check, .dict = 16 };
    size_t len;
    uint8_t *xz = build_xz(&s, &len);
    bool ok = decodes_to(xz, len, plain, plen);

    free(xz);
    return ok;
}

static bool wrapped_refused(const uint8_t *lzma2, size_t n,
                            const uint8_t *plain, size_t plen, int *rc)
{
    struct spec s = { .lzma2 = lzma2, .lzma2_len = n, .plain = plain,
                      .plain_len = plen, .check = 1, .dict = 16 };
    size_t len;
    uint8_t *xz = build_xz(&s, &len);
    bool ok = refused(xz, len, rc);

    free(xz);
    return ok;
}

TEST(lzma2_mid_block_resets)
{
    /*
     * lc=lp=pb=0: no literal or position context, so data encoded alone
     * decodes the same after other data once the state is reset.
     */
    uint8_t *a = make_data(TEXT, 5000, 11), *b = make_data(TEXT, 3000, 12);
    uint8_t *r = make_data(RANDOM, 3000, 13), *ab = malloc(8000);
    uint8_t *ra = NULL, *rb = NULL, *rr = NULL, *sp = malloc(40000);
    size_t na, nb, nr, n;

    memcpy(ab, a, 5000);
    if ( !xz_available() )
        goto out;
    ra = raw_lzma2(a, 5000, "lc=0,lp=0,pb=0", &na);
    rb = raw_lzma2(b, 3000, "lc=0,lp=0,pb=0", &nb);
    rr = raw_lzma2(r, 3000, "lc=0,lp=0,pb=0", &nr);
    if ( !ra || !rb || !rr )
        goto out;
    CHECK(ra[0] >= 0xe0 && rb[0] >= 0xe0 && rr[0] == 0x01);
    CHECK(wrapped_decodes_to(ra, na, a, 5000, 1));

    /* A, then B after a dictionary reset (0xe0: B as xz made it). */
    memcpy(ab + 5000, b, 3000);
    memcpy(sp, ra, na - 1);
    memcpy(sp + na - 1, rb, nb);
    CHECK(wrapped_decodes_to(sp, na - 1 + nb, ab, 8000, 4));

    /* A, then B after a state reset with properties (0xc0). */
    sp[na - 1] = (rb[0] & 0x1f) | 0xc0;
    CHECK(wrapped_decodes_to(sp, na - 1 + nb, ab, 8000, 1));

    /* A, then B after a state reset keeping the properties (0xa0). */
    sp[na - 1] = (rb[0] & 0x1f) | 0xa0;
    memcpy(sp + na, rb + 1, 4);
    memcpy(sp + na + 4, rb + 6, nb - 6);
    n = na - 1 + nb - 1;
    CHECK(wrapped_decodes_to(sp, n, ab, 8000, 1));

    /* A, then incompressible R as an uncompressed chunk without reset. */
    memcpy(ab + 5000, r, 3000);
    memcpy(sp + na - 1, rr, nr);
    sp[na - 1] = 0x02;
    CHECK(wrapped_decodes_to(sp, na - 1 + nr, ab, 8000, 1));
    /* ... and after a dictionary reset. */
    sp[na - 1] = 0x01;
    CHECK(wrapped_decodes_to(sp, na - 1 + nr, ab, 8000, 1));
 out:
    free(a);
    free(b);
    free(r);
    free(ab);
    free(ra);
    free(rb);
    free(rr);
    free(sp);
}

/* ra[0, na) with a big-endian value of n bytes written at offset at. */
static bool chunk_refused(const uint8_t *ra, size_t na, const uint8_t *plain,
                          size_t plen, size_t at, unsigned int n,
                          unsigned int value, const char *what)
{
    uint8_t *m = malloc(na);
    bool ok;
    int rc;

    memcpy(m, ra, na);
    for ( unsigned int i = 0; i < n; i++ )
        m[at + i] = value >> (8 * (n - 1 - i));
    harness_log_clear();
    ok = wrapped_refused(m, na, plain, plen, &rc) && rc == -EINVAL &&
         harness_log_contains(what);
    if ( !ok )
        printf("  chunk byte %zu = %#x: rc %d, want \"%s\", log: %s\n", at,
               value, rc, what, harness_log());
    free(m);
    return ok;
}

static bool lzma2_refuses(const uint8_t *in, size_t len, size_t out_len,
                          const char *what)
{
    struct lzma_dec *s = malloc(sizeof(*s));
    uint8_t *out = malloc(out_len);
    size_t in_used, out_used;
    const char *why = lzma2_decode(s, 1u << 20, in, len, &in_used, out,
                                   out_len, &out_used);

    if ( !why || !strstr(why, what) )
        printf("  lzma2_decode(%zu bytes into %zu): %s, want \"%s\"\n", len,
               out_len, why ?: "accepted", what);
    free(s);
    free(out);
    return why && strstr(why, what);
}

TEST(lzma2_bad_chunks)
{
    uint8_t *a = make_data(TEXT, 5000, 21), *ra = NULL;
    static const uint8_t copy_then_lzma[] = {
        0x01, 0x00, 0x00, 'x', 0x80, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 0, 0,
        0x00,
    };
    unsigned int usize, csize;
    size_t na;
    int rc;

    if ( !xz_available() )
        goto out;
    ra = raw_lzma2(a, 5000, "preset=6", &na);
    if ( !ra )
        goto out;
    /* One LZMA chunk with a dictionary reset and properties, then 00. */
    usize = ((ra[0] & 0x1f) << 16 | ra[1] << 8 | ra[2]) + 1;
    csize = (ra[3] << 8 | ra[4]) + 1;
    CHECK(ra[0] >= 0xe0 && usize == 5000 && csize == na - 7);
    CHECK(wrapped_decodes_to(ra, na, a, 5000, 1));

    CHECK(chunk_refused(ra, na, a, 5000, 0, 1, 0x80 | (ra[0] & 0x1f),
                        "does not start with a dictionary reset"));
    CHECK(chunk_refused(ra, na, a, 5000, 0, 1, 0x02,
                        "does not start with a dictionary reset"));
    CHECK(chunk_refused(ra, na, a, 5000, 0, 1, 0x03,
                        "invalid LZMA2 control byte"));
    CHECK(chunk_refused(ra, na, a, 5000, 5, 1, 225,
                        "invalid LZMA properties"));
    CHECK(chunk_refused(ra, na, a, 5000, 5, 1, 2 * 9 + 3, /* lc+lp = 5 */
                        "invalid LZMA properties"));
    CHECK(chunk_refused(ra, na, a, 5000, 6, 1, 0x01, "first byte is not 0"));
    /* Compressed size one short, one long; uncompressed size one short. */
    CHECK(chunk_refused(ra, na, a, 5000, 3, 2, csize - 2,
                        "compressed size does not fit"));
    CHECK(chunk_refused(ra, na, a, 5000, 3, 2, csize,
                        "compressed size does not fit"));
    CHECK(chunk_refused(ra, na, a, 5000, 1, 2, usize - 2, "LZMA"));
    CHECK(chunk_refused(ra, na, a, 5000, 1, 2, usize, "LZMA"));
    /* Straight to the LZMA2 layer: no end marker, or output too small. */
    CHECK(lzma2_refuses(ra, na - 1, 5000, "without its end marker"));
    CHECK(lzma2_refuses(ra, na, 4999, "larger than the block's"));
    CHECK(lzma2_refuses(ra, 6, 5000, "truncated LZMA2 chunk"));
    CHECK(lzma2_refuses(ra, 3, 5000, "truncated LZMA2 chunk header"));
    /* A dictionary reset by a copy chunk needs properties next. */
    CHECK(wrapped_refused(copy_then_lzma, sizeof(copy_then_lzma),
                          (const uint8_t *)"x", 1, &rc));
    CHECK_LOG("lacks the properties");
    CHECK_EQ(live_xmallocs, 0);
 out:
    free(a);
    free(ra);
}

TEST(container_built_here)
{
    uint8_t *a = make_data(TEXT, 2000, 31), *ra = NULL, *xz;
    static const uint8_t bcj_lzma2[] = { 0x04, 0x00, 0x21, 0x01, 0x10 };
    static const uint8_t lzma2_bcj[] = { 0x21, 0x01, 0x10, 0x04, 0x00 };
    static const uint8_t bcj_bad_props[] = { 0x04, 0x02, 0, 0, 0x21, 0x01,
                                             0x10 };
    struct spec s = { .plain = a, .plain_len = 2000, .check = 1, .dict = 16 };
    uint64_t size;
    size_t len;
    int rc;

    if ( !xz_available() )
        goto out;
    ra = raw_lzma2(a, 2000, "preset=6", &len);
    if ( !ra )
        goto out;
    s.lzma2 = ra;
    s.lzma2_len = len;
    xz = build_xz(&s, &len);
    CHECK(decodes_to(xz, len, a, 2000));
    free(xz);

    s.flags_extra = 0x20;           /* reserved stream flag */
    xz = build_xz(&s, &len);
    CHECK(refused(xz, len, &rc) && rc == -EOPNOTSUPP);
    free(xz);
    s.flags_extra = 0;

    s.dict = 41;                    /* beyond 4 GiB */
    xz = build_xz(&s, &len);
    CHECK(refused(xz, len, &rc) && rc == -EINVAL);
    CHECK_LOG("invalid LZMA2 properties");
    free(xz);
    s.dict = 16;

    s.filters = lzma2_bcj;          /* wrong order */
    s.filters_len = sizeof(lzma2_bcj);
    s.nr_filters = 2;
    xz = build_xz(&s, &len);
    CHECK(refused(xz, len, &rc) && rc == -EOPNOTSUPP);
    free(xz);
    s.filters = bcj_bad_props;
    s.filters_len = sizeof(bcj_bad_props);
    xz = build_xz(&s, &len);
    CHECK(refused(xz, len, &rc) && rc == -EINVAL);
    free(xz);
    /* Text has no E8/E9 to convert: x86 then LZMA2 gives the same bytes. */
    s.filters = bcj_lzma2;
    s.filters_len = sizeof(bcj_lzma2);
    xz = build_xz(&s, &len);
    if ( !memchr(a, 0xe8, 2000) && !memchr(a, 0xe9, 2000) )
        CHECK(decodes_to(xz, len, a, 2000));
    free(xz);
    s.filters = NULL;

    /* A VLI with a superfluous zero byte. */
    s.long_count = true;
    xz = build_xz(&s, &len);
    CHECK(refused(xz, len, &rc) && rc == -EINVAL);
    CHECK_LOG("malformed index record count");
    free(xz);
    s.long_count = false;

    /* An index that disagrees with the block. */
    s.index_usize = 2001;
    xz = build_xz(&s, &len);
    CHECK(refused(xz, len, &rc) && rc == -EINVAL);
    CHECK_LOG("index does not match the blocks");
    free(xz);
    /* An index claiming a huge size: sized, never allocated. */
    s.index_usize = 1ull << 40;
    xz = build_xz(&s, &len);
    CHECK_EQ(xz_decoded_size(xz, len, &size), 0);
    CHECK_EQ(size, 1ull << 40);
    free(xz);
 out:
    free(a);
    free(ra);
}

/* --- Corruption. --- */

/* Every single-bit flip of a stream with a CRC check must be refused. */
static void flip_every_bit(const uint8_t *xz, size_t len, size_t want)
{
    uint8_t *m = malloc(len);
    unsigned int accepted = 0, first = ~0u;

    for ( size_t bit = 0; bit < len * 8; bit++ )
    {
        memcpy(m, xz, len);
        m[bit / 8] ^= 1u << (bit % 8);
        if ( !refused_both(m, len, want) )
        {
            if ( !accepted++ )
                first = bit;
        }
        harness_log_clear();
    }
    if ( accepted )
        printf("  %u flipped bits accepted, first %u\n", accepted, first);
    CHECK_EQ(accepted, 0);
    free(m);
}

TEST(corrupt_bit_flips)
{
    uint8_t *data = make_data(X86ISH, 1200, 41), *xz;
    size_t len;

    flip_every_bit(hello_crc32_xz, sizeof(hello_crc32_xz), sizeof(hello) - 1);
    flip_every_bit(hello_crc64_x86_xz, sizeof(hello_crc64_x86_xz),
                   sizeof(hello) - 1);
    if ( xz_available() &&
         (xz = run_xz(data, 1200, "--x86 --lzma2 --block-size=400",
                      &len)) )
    {
        flip_every_bit(xz, len, 1200);
        free(xz);
    }
    CHECK_EQ(live_xmallocs, 0);
    free(data);
}

TEST(corrupt_truncations)
{
    uint8_t *data = make_data(MIXED, 100000, 51), *xz;
    unsigned int accepted = 0;
    size_t len;

    if ( !xz_available() ||
         !(xz = run_xz(data, 100000, "--block-size=30000", &len)) )
        goto out;
    /* Every length near either end, every 61st in between. */
    for ( size_t n = 0; n < len; n += n < 64 || len - n < 64 ? 1 : 61 )
    {
        accepted += !refused_both(xz, n, 100000);
        harness_log_clear();
    }
    CHECK_EQ(accepted, 0);
    free(xz);
 out:
    free(data);
}

TEST(corrupt_random_damage)
{
    uint8_t *data = make_data(X86ISH, 20000, 61), *xz, *m;
    unsigned int accepted = 0;
    size_t len;

    if ( !xz_available() ||
         !(xz = run_xz(data, 20000, "--x86 --lzma2 --check=crc64", &len)) )
        goto out;
    m = malloc(len);
    rng_state = 12345;
    for ( unsigned int i = 0; i < 3000; i++ )
    {
        memcpy(m, xz, len);
        for ( unsigned int k = 1 + rng() % 8; k; k-- )
            m[rng() % len] = rng();
        accepted += !refused_both(m, len, 20000) && memcmp(m, xz, len);
        harness_log_clear();
    }
    CHECK_EQ(accepted, 0);
    CHECK_EQ(live_xmallocs, 0);
    free(m);
    free(xz);
 out:
    free(data);
}

/* --- bzImage. --- */

#define BZ_PM_START     ((BZ_SETUP_SECTS + 1) * 512)

static int unpack(const uint8_t *img, size_t size, const void *want,
                  size_t want_len)
{
    void *out = NULL;
    size_t out_len = 0;
    int rc = bzimage_unpack(img, size, &out, &out_len);

    if ( !rc )
    {
        CHECK_EQ(out_len, want_len);
        CHECK(out_len == want_len && !memcmp(out, want, want_len));
        CHECK_EQ(live_xenheap, 1);
        bzimage_free(out, out_len);
    }
    CHECK(nothing_live());
    return rc;
}

TEST(bzimage_synthetic)
{
    const size_t hlen = sizeof(hello) - 1;
    size_t size;
    uint8_t *img;

    img = make_bzimage(hello_crc32_xz, sizeof(hello_crc32_xz), hlen, &size);
    CHECK(bzimage_is(img, size));
    CHECK(!bzimage_is(img, 0x205));
    CHECK_EQ(unpack(img, size, hello, hlen), 0);
    CHECK_LOG("boot protocol 2.15");

    img[0x206] = 0x07;              /* protocol 2.07 */
    CHECK_EQ(unpack(img, size, hello, hlen), -EOPNOTSUPP);
    img[0x206] = 0x0f;
    put_le_at(img + 0x248, size, 4);
    CHECK_EQ(unpack(img, size, hello, hlen), -EINVAL);
    put_le_at(img + 0x248, BZ_PAYLOAD_OFF, 4);
    put_le_at(img + 0x24c, 0xffffffff, 4);
    CHECK_EQ(unpack(img, size, hello, hlen), -EINVAL);
    CHECK_LOG("lies outside");
    put_le_at(img + 0x24c, sizeof(hello_crc32_xz) + 4, 4);
    CHECK_EQ(unpack(img, 0x24f, hello, hlen), -EINVAL);
    img[0x1f1] = 0xff;              /* setup beyond the image */
    CHECK_EQ(unpack(img, size, hello, hlen), -EINVAL);
    img[0x1f1] = BZ_SETUP_SECTS;
    /* The appended size must agree with the index. */
    put_le_at(img + BZ_PM_START + BZ_PAYLOAD_OFF + sizeof(hello_crc32_xz),
              hlen + 1, 4);
    CHECK_EQ(unpack(img, size, hello, hlen), -EINVAL);
    CHECK_LOG("appended size");
    free(img);

    /* Without an appended size; with setup_sects 0 meaning 4. */
    img = make_bzimage(hello_crc64_x86_xz, sizeof(hello_crc64_x86_xz), 0,
                       &size);
    CHECK_EQ(unpack(img, size, hello, hlen), 0);
    free(img);
    bz_sects = 0;
    img = make_bzimage(hello_crc64_x86_xz, sizeof(hello_crc64_x86_xz), 0,
                       &size);
    bz_sects = BZ_SETUP_SECTS;
    CHECK_EQ(unpack(img, size, hello, hlen), 0);
    img[0x1f1] = 4 - 1;             /* one sector short: no payload there */
    CHECK(unpack(img, size, hello, hlen) < 0);
    free(img);

    /* A corrupt payload: refused, nothing leaked. */
    img = make_bzimage(hello_crc32_xz, sizeof(hello_crc32_xz), hlen, &size);
    img[BZ_PM_START + BZ_PAYLOAD_OFF + 40] ^= 0x10;
    CHECK(unpack(img, size, hello, hlen) < 0);
    free(img);
}

TEST(bzimage_other_payloads)
{
    static const uint8_t gzip[20] = { 0x1f, 0x8b, 0x07, [16] = 1 };
    static const uint8_t zstd[] = { 0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0 };
    static const uint8_t elf[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };
    static const uint8_t junk[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    static const uint8_t no_footer[] = { 0xfd, '7', 'z', 'X', 'Z', 0, 0, 0 };
    size_t size;
    uint8_t *img;

    img = make_bzimage(gzip, sizeof(gzip), 0, &size);
    CHECK_EQ(unpack(img, size, NULL, 0), -EOPNOTSUPP);
    CHECK_LOG("compression method is not DEFLATE");
    free(img);
    img = make_bzimage(zstd, sizeof(zstd), 0, &size);
    CHECK_EQ(unpack(img, size, NULL, 0), -EOPNOTSUPP);
    CHECK_LOG("compressed with zstd");
    free(img);
    img = make_bzimage(junk, sizeof(junk), 0, &size);
    CHECK_EQ(unpack(img, size, NULL, 0), -EOPNOTSUPP);
    CHECK_LOG("compressed with unknown");
    free(img);
    img = make_bzimage(no_footer, sizeof(no_footer), 0, &size);
    CHECK_EQ(unpack(img, size, NULL, 0), -EINVAL);
    free(img);
    img = make_bzimage(elf, sizeof(elf), 0, &size);
    CHECK_EQ(unpack(img, size, elf, sizeof(elf)), 0);
    free(img);
}

TEST(bzimage_size_limit)
{
    /* A payload whose index claims 600 MiB: refused before allocating. */
    static const uint8_t lzma2[] = { 0x01, 0x00, 0x00, 'x', 0x00 };
    struct spec s = { .lzma2 = lzma2, .lzma2_len = sizeof(lzma2),
                      .plain = (const uint8_t *)"x", .plain_len = 1,
                      .check = 1, .dict = 16, .index_usize = 600u << 20 };
    size_t len, size;
    uint8_t *xz = build_xz(&s, &len), *img;

    img = make_bzimage(xz, len, 0, &size);
    CHECK_EQ(unpack(img, size, NULL, 0), -E2BIG);
    CHECK_LOG("at most 536870912 allowed");
    free(img);
    s.index_usize = 0;
    free(xz);
    xz = build_xz(&s, &len);
    img = make_bzimage(xz, len, 1, &size);
    CHECK_EQ(unpack(img, size, "x", 1), 0);
    free(img);
    free(xz);
}

TEST(bzimage_output_allocation)
{
    const size_t hlen = sizeof(hello) - 1;
    size_t size, out_len;
    void *out;
    uint8_t *img = make_bzimage(hello_crc32_xz, sizeof(hello_crc32_xz), hlen,
                                &size);

    /* A heap with no block large enough: vmalloc() instead. */
    xenheap_fails = true;
    CHECK_EQ(bzimage_unpack(img, size, &out, &out_len), 0);
    xenheap_fails = false;
    CHECK_EQ(live_vmallocs, 1);
    CHECK_EQ(live_xenheap, 0);
    CHECK(out_len == hlen && !memcmp(out, hello, hlen));
    vfree(out);                     /* host addresses are not vmap ones */
    CHECK(nothing_live());

    /* bzimage_free() tells the two kinds apart by address. */
    bzimage_free((void *)(VMAP_VIRT_START + 0x5000), 12345);
    CHECK(last_fake_vfree == (void *)(VMAP_VIRT_START + 0x5000));
    CHECK_EQ(bzimage_unpack(img, size, &out, &out_len), 0);
    CHECK_EQ(live_xenheap, 1);
    bzimage_free(out, out_len);
    CHECK(nothing_live());
    bzimage_free(NULL, 0);
    free(img);
}

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);

    return v && *v ? v : dflt;
}

TEST(bzimage_debian_kernel)
{
    const char *kpath = env_or("UNXZ_BZIMAGE",
                               "/tmp/s5/kpkg/boot/vmlinuz-6.1.0-56-amd64");
    const char *vpath = env_or("UNXZ_VMLINUX", "/tmp/s5/kpkg/vmlinux");
    uint8_t *img, *ref = NULL;
    size_t size, ref_len = 0, out_len, plen, off;
    struct timespec t0, t1;
    void *out;
    int rc;

    if ( !(img = read_file(kpath, &size)) )
    {
        printf("  SKIP bzimage_debian_kernel: no %s\n", kpath);
        return;
    }
    ref = read_file(vpath, &ref_len);
    if ( !ref && xz_available() && size > 0x250 )
    {
        /* No vmlinux: xz(1)'s decoding of the payload is the reference. */
        plen = img[0x24c] | img[0x24d] << 8 | img[0x24e] << 16 |
               (size_t)img[0x24f] << 24;
        off = ((img[0x1f1] ?: 4) + 1) * 512 +
                     (img[0x248] | img[0x249] << 8 | img[0x24a] << 16 |
                      (size_t)img[0x24b] << 24);
        if ( off <= size && plen >= 4 && plen - 4 <= size - off )
            ref = run_xz(img + off, plen - 4, "-d", &ref_len);
    }
    if ( !ref )
    {
        printf("  SKIP bzimage_debian_kernel: no reference for %s\n", kpath);
        free(img);
        return;
    }

    CHECK(bzimage_is(img, size));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = bzimage_unpack(img, size, &out, &out_len);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK_EQ(rc, 0);
    if ( !rc )
    {
        CHECK_EQ(out_len, ref_len);
        CHECK(out_len == ref_len && !memcmp(out, ref, ref_len));
        CHECK(!memcmp(out, "\x7f" "ELF", 4));
        printf("  %s: %zu -> %zu bytes in %.2f s\n", kpath, size, out_len,
               (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
        bzimage_free(out, out_len);
    }
    CHECK(nothing_live());
    free(img);
    free(ref);
}
