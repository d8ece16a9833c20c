/*
 * stream.c: the .xz container, one-shot (xz.h).
 *
 * Theory of operation. A .xz file is one or more streams, each followed
 * by stream padding (zero bytes, a multiple of four). A stream is
 *
 *   header   12 bytes: magic FD '7' 'z' 'X' 'Z' 00, two flag bytes (the
 *            first 0, the second the check type in its low nibble), the
 *            CRC32 of the flags;
 *   blocks   each: a block header ((first byte + 1) * 4 bytes: flags,
 *            optional compressed and uncompressed sizes, 1-4 filters as
 *            id, properties size and properties, zero padding, CRC32),
 *            the compressed data, zero padding to a multiple of four, and
 *            the check of the uncompressed data (0, 4, 8, ... 64 bytes by
 *            check type);
 *   index    a 00 byte, the number of records, per block its "unpadded
 *            size" (header + compressed data + check) and uncompressed
 *            size, zero padding to a multiple of four, CRC32;
 *   footer   12 bytes: CRC32 of the next six, the index size / 4 - 1
 *            ("backward size"), the flags again, 'Y' 'Z'.
 *
 * All integers are little-endian; counts and sizes in headers and the
 * index are "VLIs": 7 bits a byte, low bits first, the top bit set on all
 * but the last byte, at most nine bytes, no superfluous zero byte.
 *
 * Two walks over the same input. xz_decoded_size() goes backwards, as
 * `xz --list` does: footer, index (which gives the total size of the
 * blocks, hence where the stream header must be), header, then the
 * padding and the stream before. It tells the caller how much to
 * allocate. xz_decode() goes forwards and decodes every block into the
 * output: LZMA2 (lzma2.c), then the x86 filter (bcj_x86.c) in place, then
 * the check over the result. It sums the blocks' sizes, and a CRC64 of
 * their (unpadded, uncompressed) size pairs, as the index records them;
 * when the index comes it must give the same sums, and the footer must
 * agree with the index and the header.
 *
 * Safety. All reads go through a cursor bounded by the input (or by a
 * block header's end); every size from the input is checked against what
 * is left before it is used, sums against the VLI limit. Loops consume
 * input or produce output on every turn.
 */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/string.h>
#include <xen/xmalloc.h>

#include "private.h"
#include "xz.h"

#define HEADER_SIZE         12
#define FOOTER_SIZE         12
#define FOOTER_MAGIC        "YZ"
#define VLI_BYTES_MAX       9
#define VLI_MAX             (UINT64_MAX >> 1)
#define UNPADDED_SIZE_MIN   5
#define INDEX_INDICATOR     0x00

#define BLOCK_FLAG_FILTERS  0x03    /* number of filters - 1 */
#define BLOCK_FLAG_RESERVED 0x3c
#define BLOCK_FLAG_CSIZE    0x40
#define BLOCK_FLAG_USIZE    0x80

#define FILTER_X86          0x04
#define FILTER_LZMA2        0x21

#define CHECK_NONE          0x0
#define CHECK_CRC32         0x1
#define CHECK_CRC64         0x4
#define CHECK_SHA256        0xa

/* The check field's size for each of the 16 check types. */
static const uint8_t check_size[16] = {
    0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64,
};

/* A bounded window into the input; offsets are from base. */
struct cursor {
    const uint8_t *base;
    size_t pos, end;
};

/* What the index says about a stream's blocks, or what they turned out. */
struct block_sums {
    uint64_t records;
    uint64_t blocks;                /* bytes, block padding included */
    uint64_t uncompressed;
    uint64_t hash;                  /* CRC64 of the size pairs */
};

/* One forward decoding. */
struct xz_dec {
    uint8_t *out;
    size_t out_size, out_pos;
    struct lzma_dec *lzma;
};

/* What a block header says. */
struct block {
    size_t header_size;
    bool has_csize, has_usize, bcj;
    uint64_t csize, usize;
    uint32_t bcj_start, dict_size;
};

static int refuse(int rc, const char *why, size_t at)
{
    printk(XENLOG_ERR "XZ: %s (input offset %zu)\n", why, at);
    return rc;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | ((uint64_t)le32(p + 4) << 32);
}

static bool is_zero32(const uint8_t *p)
{
    return !(p[0] | p[1] | p[2] | p[3]);
}

/* The next n bytes, or NULL (and nothing consumed) if fewer are left. */
static const uint8_t *take(struct cursor *c, size_t n)
{
    const uint8_t *p;

    if ( n > c->end - c->pos )
        return NULL;
    p = c->base + c->pos;
    c->pos += n;
    return p;
}

static bool read_vli(struct cursor *c, uint64_t *val)
{
    uint64_t v = 0;
    const uint8_t *b;
    unsigned int i;

    for ( i = 0; i < VLI_BYTES_MAX; i++ )
    {
        if ( !(b = take(c, 1)) )
            return false;
        v |= (uint64_t)(*b & 0x7f) << (7 * i);
        if ( !(*b & 0x80) )
        {
            *val = v;
            return i == 0 || *b != 0;   /* a trailing zero byte is invalid */
        }
    }
    return false;
}

/* Zero bytes up to the next multiple of four from from. */
static bool skip_padding(struct cursor *c, size_t from)
{
    const uint8_t *b;

    while ( (c->pos - from) & 3 )
        if ( !(b = take(c, 1)) || *b )
            return false;
    return true;
}

static bool sums_add(struct block_sums *s, uint64_t unpadded,
                     uint64_t uncompressed)
{
    uint8_t rec[16];
    uint64_t padded;
    unsigned int i;

    if ( unpadded < UNPADDED_SIZE_MIN || unpadded > (VLI_MAX & ~3ull) ||
         uncompressed > VLI_MAX )
        return false;
    padded = (unpadded + 3) & ~3ull;
    if ( padded > VLI_MAX - s->blocks ||
         uncompressed > VLI_MAX - s->uncompressed )
        return false;
    s->records++;
    s->blocks += padded;
    s->uncompressed += uncompressed;
    for ( i = 0; i < 8; i++ )
    {
        rec[i] = unpadded >> (8 * i);
        rec[8 + i] = uncompressed >> (8 * i);
    }
    s->hash = xz_crc64(rec, sizeof(rec), s->hash);
    return true;
}

/* --- Stream header, footer, index. --- */

static int check_flags(const uint8_t *flags, size_t at)
{
    unsigned int type = flags[1] & 0x0f;

    if ( flags[0] || (flags[1] & 0xf0) )
        return refuse(-EOPNOTSUPP, "stream flags use reserved bits", at);
    if ( type == CHECK_NONE || type == CHECK_CRC32 || type == CHECK_CRC64 )
        return 0;
    printk(XENLOG_ERR "XZ: check type %u%s is not supported (only none, "
           "CRC32 and CRC64)\n", type,
           type == CHECK_SHA256 ? " (SHA-256)" : "");
    return -EOPNOTSUPP;
}

static int parse_header(struct cursor *c, unsigned int *check,
                        const uint8_t **flags)
{
    size_t at = c->pos;
    const uint8_t *h = take(c, HEADER_SIZE);

    if ( !h )
        return refuse(-EINVAL, "truncated stream header", at);
    if ( memcmp(h, XZ_MAGIC, XZ_MAGIC_LEN) )
        return refuse(-EINVAL, "no .xz stream header magic", at);
    if ( xz_crc32(h + 6, 2, 0) != le32(h + 8) )
        return refuse(-EBADMSG, "stream header CRC32 mismatch", at);
    *check = h[7] & 0x0f;
    *flags = h + 6;
    return check_flags(h + 6, at + 6);
}

/* The 12 bytes at f; *index_size from the backward size. */
static int parse_footer(const uint8_t *f, size_t at, uint64_t *index_size)
{
    if ( memcmp(f + 10, FOOTER_MAGIC, 2) )
        return refuse(-EINVAL, "no stream footer magic", at + 10);
    if ( xz_crc32(f + 4, 6, 0) != le32(f) )
        return refuse(-EBADMSG, "stream footer CRC32 mismatch", at);
    *index_size = ((uint64_t)le32(f + 4) + 1) * 4;
    return check_flags(f + 8, at + 8);
}

/* The index at c->pos (its indicator byte included); *size its length. */
static int parse_index(struct cursor *c, struct block_sums *sums,
                       size_t *size)
{
    size_t start = c->pos;
    uint64_t count, unpadded, uncompressed;
    const uint8_t *b = take(c, 1), *crc;

    memset(sums, 0, sizeof(*sums));
    if ( !b || *b != INDEX_INDICATOR )
        return refuse(-EINVAL, "no index where one must be", start);
    if ( !read_vli(c, &count) )
        return refuse(-EINVAL, "malformed index record count", start);
    /* Each record takes at least two bytes: this ends with the input. */
    while ( count-- )
    {
        if ( !read_vli(c, &unpadded) || !read_vli(c, &uncompressed) )
            return refuse(-EINVAL, "malformed or truncated index record",
                          c->pos);
        if ( !sums_add(sums, unpadded, uncompressed) )
            return refuse(-EINVAL, "index record sizes out of range",
                          c->pos);
    }
    if ( !skip_padding(c, start) )
        return refuse(-EINVAL, "bad index padding", c->pos);
    if ( !(crc = take(c, 4)) )
        return refuse(-EINVAL, "truncated index", c->pos);
    if ( xz_crc32(c->base + start, crc - (c->base + start), 0) != le32(crc) )
        return refuse(-EBADMSG, "index CRC32 mismatch", start);
    *size = c->pos - start;
    return 0;
}

/* --- Sizing: the streams from the back. --- */

/* The stream that ends at in[end]: where it starts, its decoded size. */
static int size_stream(const uint8_t *in, size_t end, size_t *start,
                       uint64_t *usize)
{
    struct cursor c;
    struct block_sums sums;
    const uint8_t *hflags;
    uint64_t index_size;
    size_t index_at, index_len;
    unsigned int check;
    int rc;

    if ( end < HEADER_SIZE + FOOTER_SIZE )
        return refuse(-EINVAL, "truncated stream", 0);
    rc = parse_footer(in + end - FOOTER_SIZE, end - FOOTER_SIZE, &index_size);
    if ( rc )
        return rc;
    if ( index_size > end - FOOTER_SIZE - HEADER_SIZE )
        return refuse(-EINVAL, "backward size points before the stream",
                      end - FOOTER_SIZE + 4);
    index_at = end - FOOTER_SIZE - index_size;
    c = (struct cursor){ in, index_at, end - FOOTER_SIZE };
    rc = parse_index(&c, &sums, &index_len);
    if ( rc )
        return rc;
    if ( c.pos != c.end )
        return refuse(-EINVAL, "index is shorter than the backward size",
                      c.pos);
    if ( sums.blocks > index_at - HEADER_SIZE )
        return refuse(-EINVAL, "index lists more blocks than fit", index_at);
    *start = index_at - sums.blocks - HEADER_SIZE;
    c = (struct cursor){ in, *start, index_at };
    rc = parse_header(&c, &check, &hflags);
    if ( rc )
        return rc;
    if ( memcmp(hflags, in + end - 4, 2) )
        return refuse(-EINVAL, "stream header and footer flags differ",
                      end - 4);
    *usize = sums.uncompressed;
    return 0;
}

int xz_decoded_size(const void *in_, size_t in_size, uint64_t *size)
{
    const uint8_t *in = in_;
    size_t end = in_size, start;
    uint64_t total = 0, usize;
    bool first = true;
    int rc;

    if ( in_size & 3 )
        return refuse(-EINVAL, "input size is not a multiple of four",
                      in_size);
    do {
        while ( end >= 4 && is_zero32(in + end - 4) )
            end -= 4;
        if ( !end )
            return refuse(-EINVAL, first ? "no stream, only zero bytes"
                          : "stream padding before the first stream", 0);
        rc = size_stream(in, end, &start, &usize);
        if ( rc )
            return rc;
        if ( usize > VLI_MAX - total )
            return refuse(-EINVAL, "decompressed size out of range", start);
        total += usize;
        end = start;
        first = false;
    } while ( end );

    *size = total;
    return 0;
}

/* --- Decoding: the streams from the front. --- */

static int parse_filter(struct cursor *h, unsigned int i, unsigned int nr,
                        struct block *b)
{
    size_t at = h->pos;
    uint64_t id, psize;
    const uint8_t *props;
    bool last = i + 1 == nr;

    if ( !read_vli(h, &id) || !read_vli(h, &psize) ||
         psize > h->end - h->pos )
        return refuse(-EINVAL, "malformed filter flags", at);
    props = take(h, psize);

    if ( id == FILTER_LZMA2 && last )
    {
        if ( psize != 1 || !(b->dict_size = lzma2_dict_size(props[0])) )
            return refuse(-EINVAL, "invalid LZMA2 properties", at);
        return 0;
    }
    if ( id == FILTER_X86 && i == 0 && nr == 2 )
    {
        if ( psize != 0 && psize != 4 )
            return refuse(-EINVAL, "invalid x86 BCJ properties", at);
        b->bcj = true;
        b->bcj_start = psize ? le32(props) : 0;
        return 0;
    }
    printk(XENLOG_ERR "XZ: filter %#lx as filter %u of %u is not supported "
           "(only LZMA2, optionally after x86 BCJ) (input offset %zu)\n",
           (unsigned long)id, i + 1, nr, at);
    return -EOPNOTSUPP;
}

static int parse_block_header(struct cursor *c, struct block *b)
{
    size_t at = c->pos, size = ((size_t)c->base[at] + 1) * 4;
    const uint8_t *h = take(c, size);
    struct cursor hc;
    unsigned int nr, i;
    int rc;

    memset(b, 0, sizeof(*b));
    if ( !h )
        return refuse(-EINVAL, "truncated block header", at);
    if ( xz_crc32(h, size - 4, 0) != le32(h + size - 4) )
        return refuse(-EBADMSG, "block header CRC32 mismatch", at);
    if ( h[1] & BLOCK_FLAG_RESERVED )
        return refuse(-EOPNOTSUPP, "block flags use reserved bits", at + 1);
    b->header_size = size;
    nr = (h[1] & BLOCK_FLAG_FILTERS) + 1;
    hc = (struct cursor){ c->base, at + 2, at + size - 4 };

    b->has_csize = h[1] & BLOCK_FLAG_CSIZE;
    b->has_usize = h[1] & BLOCK_FLAG_USIZE;
    if ( b->has_csize && (!read_vli(&hc, &b->csize) || !b->csize) )
        return refuse(-EINVAL, "invalid compressed size in block header",
                      at + 2);
    if ( b->has_usize && !read_vli(&hc, &b->usize) )
        return refuse(-EINVAL, "invalid uncompressed size in block header",
                      at + 2);
    for ( i = 0; i < nr; i++ )
        if ( (rc = parse_filter(&hc, i, nr, b)) )
            return rc;
    while ( (h = take(&hc, 1)) )
        if ( *h )
            return refuse(-EINVAL, "block header padding is not zero",
                          hc.pos - 1);
    return 0;
}

static bool check_matches(unsigned int type, const uint8_t *data,
                          size_t len, const uint8_t *field)
{
    switch ( type )
    {
    case CHECK_NONE:
        return true;
    case CHECK_CRC32:
        return xz_crc32(data, len, 0) == le32(field);
    case CHECK_CRC64:
        return xz_crc64(data, len, 0) == le64(field);
    }
    ASSERT_UNREACHABLE();           /* check_flags() refused the others */
    return false;
}

static int decode_block(struct xz_dec *x, struct cursor *c,
                        unsigned int check, struct block_sums *sums)
{
    struct block b;
    size_t data, in_avail, out_avail, in_used, out_used;
    uint8_t *out = x->out + x->out_pos;
    const uint8_t *field;
    const char *why;
    int rc = parse_block_header(c, &b);

    if ( rc )
        return rc;
    data = c->pos;
    in_avail = c->end - data;
    if ( b.has_csize && b.csize > in_avail )
        return refuse(-EINVAL, "block's compressed size exceeds the input",
                      data);
    in_avail = b.has_csize ? b.csize : in_avail;
    out_avail = x->out_size - x->out_pos;
    if ( b.has_usize && b.usize > out_avail )
        return refuse(-EINVAL, "block's uncompressed size exceeds the output",
                      data);
    out_avail = b.has_usize ? b.usize : out_avail;

    why = lzma2_decode(x->lzma, b.dict_size, c->base + data, in_avail,
                       &in_used, out, out_avail, &out_used);
    if ( why )
        return refuse(-EINVAL, why, data + in_used);
    if ( (b.has_csize && in_used != b.csize) ||
         (b.has_usize && out_used != b.usize) )
        return refuse(-EINVAL, "block's data does not match the sizes in "
                      "its header", data);
    if ( b.bcj )
        bcj_x86_decode(out, out_used, b.bcj_start);

    c->pos = data + in_used;
    if ( !skip_padding(c, data) )
        return refuse(-EINVAL, "bad block padding", c->pos);
    if ( !(field = take(c, check_size[check])) )
        return refuse(-EINVAL, "truncated block check", c->pos);
    if ( !check_matches(check, out, out_used, field) )
        return refuse(-EBADMSG, "block check mismatch (corrupt data)",
                      field - c->base);
    if ( !sums_add(sums, b.header_size + in_used + check_size[check],
                   out_used) )
        return refuse(-EINVAL, "block sizes out of range", data);
    x->out_pos += out_used;
    return 0;
}

static int decode_stream(struct xz_dec *x, struct cursor *c)
{
    struct block_sums blocks = { 0 }, index;
    const uint8_t *hflags, *f;
    unsigned int check;
    uint64_t index_size;
    size_t index_at, index_len;
    int rc = parse_header(c, &check, &hflags);

    /* Each block takes at least eight bytes: this ends with the input. */
    while ( !rc )
    {
        if ( c->pos == c->end )
            return refuse(-EINVAL, "stream ends before its index", c->pos);
        if ( c->base[c->pos] == INDEX_INDICATOR )
            break;
        rc = decode_block(x, c, check, &blocks);
    }
    if ( rc )
        return rc;

    index_at = c->pos;
    if ( (rc = parse_index(c, &index, &index_len)) )
        return rc;
    if ( memcmp(&index, &blocks, sizeof(index)) )
        return refuse(-EINVAL, "index does not match the blocks", index_at);

    if ( !(f = take(c, FOOTER_SIZE)) )
        return refuse(-EINVAL, "truncated stream footer", c->pos);
    if ( (rc = parse_footer(f, f - c->base, &index_size)) )
        return rc;
    if ( index_size != index_len )
        return refuse(-EINVAL, "backward size does not match the index",
                      f - c->base + 4);
    if ( memcmp(hflags, f + 8, 2) )
        return refuse(-EINVAL, "stream header and footer flags differ",
                      f - c->base + 8);
    return 0;
}

bool xz_has_magic(const void *in, size_t in_size)
{
    return in_size >= XZ_MAGIC_LEN && !memcmp(in, XZ_MAGIC, XZ_MAGIC_LEN);
}

int xz_decode(const void *in, size_t in_size, void *out, size_t out_size)
{
    struct cursor c = { in, 0, in_size };
    struct xz_dec x = { .out = out, .out_size = out_size };
    int rc;

    x.lzma = xmalloc(struct lzma_dec);
    if ( !x.lzma )
        return -ENOMEM;
    do {
        rc = decode_stream(&x, &c);
        while ( !rc && c.end - c.pos >= 4 && is_zero32(c.base + c.pos) )
            c.pos += 4;             /* stream padding */
    } while ( !rc && c.pos < c.end );
    if ( !rc && x.out_pos != out_size )
        rc = refuse(-EINVAL, "decompressed data is shorter than expected",
                    in_size);
    xfree(x.lzma);
    return rc;
}
