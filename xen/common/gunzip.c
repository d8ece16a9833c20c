/*
 * gunzip.c: a gzip member (RFC 1952) holding DEFLATE data (RFC 1951).
 *
 * Theory of operation. A gzip member is a 10-byte header (1f 8b, method 8
 * for DEFLATE, flags, time, extra flags, OS), optional fields by flag
 * (extra data with a 16-bit length, a NUL-terminated name and comment, a
 * 16-bit CRC of the header), the DEFLATE data, and a trailer: the CRC32
 * of the decompressed data and its size modulo 2^32, both little-endian.
 *
 * DEFLATE data is a sequence of blocks, each opened by three bits: "last
 * block" and the type. Bits are read from each byte least significant
 * first. A stored block skips to a byte boundary and copies LEN bytes (LEN
 * and its complement follow as 16-bit numbers). The others are Huffman
 * coded: a literal/length alphabet (0-255 bytes, 256 end of block, 257-285
 * lengths 3-258 with extra bits) and a distance alphabet (0-29, distances
 * 1-32768 with extra bits); a length and a distance copy earlier output.
 * The fixed block type has codes given by the RFC; a dynamic block sends
 * its code lengths, themselves Huffman coded with a 19-symbol alphabet
 * whose own 3-bit lengths come first, in a fixed order.
 *
 * Codes are canonical: only the lengths are sent, and codes of one length
 * are consecutive numbers in symbol order, each length's run following
 * the previous length's run doubled. So a code is decoded a bit at a time
 * (Huffman codes are sent most significant bit first): after each bit,
 * if the code read so far falls inside the run of codes of its length, it
 * names a symbol of the sorted table; otherwise go on to the next length.
 * A set of lengths that claims more codes than exist ("over-subscribed")
 * is refused, and so is one that leaves codes unused, unless it codes a
 * single symbol (or none), as encoders do; reading an unused code refuses
 * the data.
 *
 * The base and extra bits of lengths and distances follow a pattern that
 * is computed here rather than tabulated: past the first few values, each
 * group of four length codes (two distance codes) adds one extra bit.
 *
 * Safety. Reads past the input give zero bits and set a flag that ends
 * every loop and refuses the data; every length, distance and stored size
 * is checked against the output and the input before use. Each loop turn
 * produces output or consumes input.
 */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/string.h>
#include <xen/xmalloc.h>

#include "gunzip.h"
#include "xz/xz.h"

#define GZ_HEADER_SIZE      10
#define GZ_TRAILER_SIZE     8
#define GZ_METHOD_DEFLATE   8
#define GZ_FTEXT            0x01
#define GZ_FHCRC            0x02
#define GZ_FEXTRA           0x04
#define GZ_FNAME            0x08
#define GZ_FCOMMENT         0x10
#define GZ_FRESERVED        0xe0

#define MAX_CODE_BITS       15
#define LITLEN_CODES        288     /* 286 used; the fixed code has 288 */
#define DIST_CODES          30      /* the fixed code has 32 */
#define FIXED_DIST_CODES    32
#define CLEN_CODES          19
#define END_OF_BLOCK        256
#define FIRST_LENGTH        257
#define LENGTH_CODES        29
#define MAX_DISTANCE        32768

/* A canonical code: how many codes of each length, symbols in code order. */
struct huffman {
    uint16_t count[MAX_CODE_BITS + 1];
    uint16_t symbol[LITLEN_CODES];
};

struct inflate {
    const uint8_t *in;
    size_t in_len, in_pos;
    uint32_t bitbuf;                /* bitcnt bits not yet used, low first */
    unsigned int bitcnt;
    bool overrun;
    uint8_t *out;
    size_t out_len, out_pos;
    struct huffman lit, dist;
};

/* --- Bits. --- */

/* n (0-16) bits, the first read in bit 0. */
static uint32_t get_bits(struct inflate *s, unsigned int n)
{
    uint32_t v;

    while ( s->bitcnt < n )
    {
        if ( s->in_pos < s->in_len )
            s->bitbuf |= (uint32_t)s->in[s->in_pos++] << s->bitcnt;
        else
            s->overrun = true;
        s->bitcnt += 8;
    }
    v = s->bitbuf & ((1u << n) - 1);
    s->bitbuf >>= n;
    s->bitcnt -= n;
    return v;
}

/* --- Huffman codes. --- */

/*
 * Make h from the lengths of n symbols (0: unused). False for lengths that
 * claim more codes than exist, or leave codes unused while coding more than
 * one symbol (a single symbol, or none, is legitimately sent that way).
 */
static bool build_code(struct huffman *h, const uint8_t *len, unsigned int n)
{
    uint16_t next[MAX_CODE_BITS + 1];
    unsigned int i, bits;
    int left = 1;

    memset(h->count, 0, sizeof(h->count));
    for ( i = 0; i < n; i++ )
        h->count[len[i]]++;
    for ( bits = 1; bits <= MAX_CODE_BITS; bits++ )
    {
        left = 2 * left - h->count[bits];
        if ( left < 0 )
            return false;
    }
    if ( left > 0 && n - h->count[0] > 1 )
        return false;
    next[1] = 0;
    for ( bits = 1; bits < MAX_CODE_BITS; bits++ )
        next[bits + 1] = next[bits] + h->count[bits];
    for ( i = 0; i < n; i++ )
        if ( len[i] )
            h->symbol[next[len[i]]++] = i;
    h->count[0] = 0;
    return true;
}

/* The next symbol of code h, or -1 for a code that has no symbol. */
static int decode_symbol(struct inflate *s, const struct huffman *h)
{
    unsigned int bits;
    int code = 0, first = 0, index = 0, count;

    for ( bits = 1; bits <= MAX_CODE_BITS; bits++ )
    {
        code |= get_bits(s, 1);
        count = h->count[bits];
        if ( code - first < count )
            return h->symbol[index + code - first];
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    return -1;
}

/* --- Blocks. --- */

static const char *stored_block(struct inflate *s)
{
    unsigned int len;

    s->bitbuf = 0;                  /* to the byte boundary */
    s->bitcnt = 0;
    if ( s->in_len - s->in_pos < 4 )
        return "truncated stored block";
    len = s->in[s->in_pos] | (s->in[s->in_pos + 1] << 8);
    if ( (len ^ 0xffff) !=
         (unsigned int)(s->in[s->in_pos + 2] | (s->in[s->in_pos + 3] << 8)) )
        return "stored block length and its complement differ";
    s->in_pos += 4;
    if ( len > s->in_len - s->in_pos )
        return "truncated stored block";
    if ( len > s->out_len - s->out_pos )
        return "more data than the trailer's size";
    memcpy(s->out + s->out_pos, s->in + s->in_pos, len);
    s->in_pos += len;
    s->out_pos += len;
    return NULL;
}

/* Length code sym (257-285) plus its extra bits: 3-258. */
static unsigned int length_value(struct inflate *s, unsigned int sym)
{
    unsigned int c = sym - FIRST_LENGTH, extra;

    if ( c < 8 )
        return c + 3;
    if ( c == LENGTH_CODES - 1 )
        return 258;
    extra = (c >> 2) - 1;
    return ((4u | (c & 3)) << extra) + 3 + get_bits(s, extra);
}

/* Distance code c (0-29) plus its extra bits: 1-32768. */
static unsigned int distance_value(struct inflate *s, unsigned int c)
{
    unsigned int extra;

    if ( c < 4 )
        return c + 1;
    extra = (c >> 1) - 1;
    return ((2u | (c & 1)) << extra) + 1 + get_bits(s, extra);
}

/* The symbols of a Huffman block up to its end code. */
static const char *huffman_block(struct inflate *s)
{
    int sym;
    unsigned int len, dist;

    for ( ;; )
    {
        sym = decode_symbol(s, &s->lit);
        if ( s->overrun )
            return "truncated DEFLATE data";
        if ( sym < 0 )
            return "invalid literal/length code";
        if ( sym < END_OF_BLOCK )
        {
            if ( s->out_pos == s->out_len )
                return "more data than the trailer's size";
            s->out[s->out_pos++] = sym;
            continue;
        }
        if ( sym == END_OF_BLOCK )
            return NULL;
        if ( sym >= FIRST_LENGTH + LENGTH_CODES )
            return "invalid length symbol";
        len = length_value(s, sym);
        sym = decode_symbol(s, &s->dist);
        if ( sym < 0 || sym >= DIST_CODES )
            return "invalid distance code";
        dist = distance_value(s, sym);
        if ( s->overrun )
            return "truncated DEFLATE data";
        if ( dist > s->out_pos )
            return "distance reaches before the start of the data";
        if ( len > s->out_len - s->out_pos )
            return "more data than the trailer's size";
        for ( ; len; len--, s->out_pos++ )  /* may overlap: byte by byte */
            s->out[s->out_pos] = s->out[s->out_pos - dist];
    }
}

static const char *fixed_block(struct inflate *s)
{
    uint8_t len[LITLEN_CODES];
    unsigned int i;

    for ( i = 0; i < LITLEN_CODES; i++ )
        len[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
    build_code(&s->lit, len, LITLEN_CODES);
    for ( i = 0; i < FIXED_DIST_CODES; i++ )
        len[i] = 5;
    build_code(&s->dist, len, FIXED_DIST_CODES);
    return huffman_block(s);
}

/* A dynamic block's code lengths, then its symbols. */
static const char *dynamic_block(struct inflate *s)
{
    static const uint8_t clen_order[CLEN_CODES] = {
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    };
    uint8_t len[LITLEN_CODES + DIST_CODES];
    unsigned int nlit, ndist, nclen, i, n, rep;
    uint8_t fill;
    int sym;

    nlit = get_bits(s, 5) + FIRST_LENGTH;
    ndist = get_bits(s, 5) + 1;
    nclen = get_bits(s, 4) + 4;
    if ( nlit > FIRST_LENGTH + LENGTH_CODES || ndist > DIST_CODES )
        return "too many codes in a dynamic block";

    memset(len, 0, CLEN_CODES);
    for ( i = 0; i < nclen; i++ )
        len[clen_order[i]] = get_bits(s, 3);
    if ( !build_code(&s->lit, len, CLEN_CODES) )
        return "invalid code length code";

    for ( n = 0; n < nlit + ndist; )
    {
        sym = decode_symbol(s, &s->lit);
        if ( s->overrun )
            return "truncated DEFLATE data";
        if ( sym < 0 )
            return "invalid code length code";
        if ( sym < 16 )
        {
            len[n++] = sym;
            continue;
        }
        if ( sym == 16 )
        {
            if ( !n )
                return "repeated code length with none before";
            fill = len[n - 1];
            rep = 3 + get_bits(s, 2);
        }
        else
        {
            fill = 0;
            rep = sym == 17 ? 3 + get_bits(s, 3) : 11 + get_bits(s, 7);
        }
        if ( rep > nlit + ndist - n )
            return "code lengths run past their count";
        while ( rep-- )
            len[n++] = fill;
    }

    if ( !len[END_OF_BLOCK] )
        return "no code for the end of the block";
    if ( !build_code(&s->lit, len, nlit) ||
         !build_code(&s->dist, len + nlit, ndist) )
        return "invalid literal/length or distance code";
    return huffman_block(s);
}

static const char *inflate_all(struct inflate *s)
{
    const char *why;
    unsigned int last, type;

    do {
        last = get_bits(s, 1);
        type = get_bits(s, 2);
        if ( s->overrun )
            return "truncated DEFLATE data";
        switch ( type )
        {
        case 0:
            why = stored_block(s);
            break;
        case 1:
            why = fixed_block(s);
            break;
        case 2:
            why = dynamic_block(s);
            break;
        default:
            why = "invalid DEFLATE block type";
            break;
        }
        if ( why )
            return why;
    } while ( !last );
    return s->overrun ? "truncated DEFLATE data" : NULL;
}

/* --- The gzip member. --- */

static int refuse(int rc, const char *why, size_t at)
{
    printk(XENLOG_ERR "gzip: %s (input offset %zu)\n", why, at);
    return rc;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

bool gzip_has_magic(const void *in, size_t in_size)
{
    return in_size >= 2 && !memcmp(in, "\x1f\x8b", 2);
}

int gzip_decoded_size(const void *in, size_t in_size, uint32_t *size)
{
    if ( !gzip_has_magic(in, in_size) ||
         in_size < GZ_HEADER_SIZE + GZ_TRAILER_SIZE )
        return refuse(-EINVAL, "not a gzip member", 0);
    *size = le32((const uint8_t *)in + in_size - 4);
    return 0;
}

/* A NUL-terminated field from *pos; false if it runs past end. */
static bool skip_string(const uint8_t *in, size_t end, size_t *pos)
{
    const uint8_t *nul = memchr(in + *pos, 0, end - *pos);

    if ( !nul )
        return false;
    *pos = nul + 1 - in;
    return true;
}

/* The header's length, every optional field checked. */
static int parse_header(const uint8_t *in, size_t end, size_t *hdr_len)
{
    uint8_t flags = in[3];
    size_t pos = GZ_HEADER_SIZE, xlen;

    if ( in[2] != GZ_METHOD_DEFLATE )
        return refuse(-EOPNOTSUPP, "compression method is not DEFLATE",
                      2);
    if ( flags & GZ_FRESERVED )
        return refuse(-EOPNOTSUPP, "reserved header flags set", 3);
    if ( flags & GZ_FEXTRA )
    {
        if ( end - pos < 2 )
            return refuse(-EINVAL, "truncated extra field", pos);
        xlen = in[pos] | (in[pos + 1] << 8);
        pos += 2;
        if ( xlen > end - pos )
            return refuse(-EINVAL, "truncated extra field", pos);
        pos += xlen;
    }
    if ( (flags & GZ_FNAME) && !skip_string(in, end, &pos) )
        return refuse(-EINVAL, "unterminated file name", pos);
    if ( (flags & GZ_FCOMMENT) && !skip_string(in, end, &pos) )
        return refuse(-EINVAL, "unterminated comment", pos);
    if ( flags & GZ_FHCRC )
    {
        if ( end - pos < 2 )
            return refuse(-EINVAL, "truncated header CRC", pos);
        if ( (xz_crc32(in, pos, 0) & 0xffff) !=
             (unsigned int)(in[pos] | (in[pos + 1] << 8)) )
            return refuse(-EBADMSG, "header CRC mismatch", pos);
        pos += 2;
    }
    *hdr_len = pos;
    return 0;
}

int gunzip(const void *in_, size_t in_size, void *out, size_t out_size)
{
    const uint8_t *in = in_;
    struct inflate *s;
    size_t hdr, end;
    const char *why;
    int rc;

    if ( !gzip_has_magic(in, in_size) ||
         in_size < GZ_HEADER_SIZE + GZ_TRAILER_SIZE )
        return refuse(-EINVAL, "not a gzip member", 0);
    end = in_size - GZ_TRAILER_SIZE;
    if ( (rc = parse_header(in, end, &hdr)) )
        return rc;

    if ( !(s = xzalloc(struct inflate)) )
        return -ENOMEM;
    s->in = in + hdr;
    s->in_len = end - hdr;
    s->out = out;
    s->out_len = out_size;
    why = inflate_all(s);
    if ( why )
        rc = refuse(-EINVAL, why, hdr + s->in_pos);
    else if ( s->in_pos != s->in_len )
        rc = refuse(-EINVAL, "data after the DEFLATE stream",
                    hdr + s->in_pos);
    else if ( s->out_pos != out_size ||
              le32(in + end + 4) != (uint32_t)out_size )
        rc = refuse(-EINVAL, "decompressed size differs from the trailer's",
                    end + 4);
    else if ( xz_crc32(out, out_size, 0) != le32(in + end) )
        rc = refuse(-EBADMSG, "CRC32 mismatch (corrupt data)", end);
    xfree(s);
    return rc;
}
