/*
 * lzma2.c: LZMA2, the chunked container of LZMA data inside an .xz block.
 *
 * Theory of operation. LZMA2 data is a sequence of chunks, each opened by
 * a control byte:
 *
 *   0x00         the end of the data;
 *   0x01         an uncompressed chunk, after a dictionary reset;
 *   0x02         an uncompressed chunk;
 *   0x03-0x7f    invalid;
 *   0x80-0xff    an LZMA chunk. Bits 0-4 are bits 16-20 of its
 *                uncompressed size minus one; bits 5-6 say what is reset
 *                first: 0 nothing, 1 the LZMA state, 2 the state and a
 *                new properties byte, 3 all that and the dictionary.
 *
 * An uncompressed chunk has a 16-bit big-endian size minus one, then the
 * bytes, which enter the dictionary as they are. An LZMA chunk has the low
 * 16 bits of its uncompressed size minus one and its compressed size minus
 * one (both big-endian), the properties byte (lc/lp/pb) if bit 6 is set,
 * then exactly that many bytes of range-coded data (lzma.c), which must
 * produce exactly that many bytes. A match never crosses a chunk's end.
 *
 * Rules of order, as the reference decoder applies them: the first chunk
 * resets the dictionary; a dictionary reset also requires the next LZMA
 * chunk to bring properties (which resets the state); an LZMA chunk
 * without a state reset continues the previous chunk's state.
 *
 * Output goes straight into the caller's buffer, which is the dictionary
 * too: it starts at the last dictionary reset (lzma_window.start).
 * Every header byte and every size is checked against what is left of the
 * input and of the output before use; each chunk consumes at least one
 * byte, so the loop ends.
 */
#include <xen/lib.h>
#include <xen/string.h>

#include "private.h"

#define CTRL_END                0x00
#define CTRL_COPY_RESET_DICT    0x01
#define CTRL_COPY               0x02
#define CTRL_LZMA               0x80
#define CTRL_RESET_STATE        0xa0    /* control >= this: state reset */
#define CTRL_NEW_PROPS          0xc0    /* ... and a properties byte */
#define CTRL_RESET_DICT         0xe0    /* ... and a dictionary reset */

#define DICT_SIZE_BITS_MAX      40

uint32_t lzma2_dict_size(uint8_t props)
{
    unsigned int bits = props & 0x3f;

    if ( props & 0xc0 || bits > DICT_SIZE_BITS_MAX )
        return 0;
    if ( bits == DICT_SIZE_BITS_MAX )
        return ~0u;
    return (2u | (bits & 1)) << (bits / 2 + 11);
}

struct lzma2 {
    struct lzma_dec *lzma;
    const uint8_t *in;
    size_t in_len, ipos;
    struct lzma_window w;           /* w.pos: output so far */
    bool need_dict_reset, need_props;
};

static unsigned int be16(const uint8_t *p)
{
    return ((unsigned int)p[0] << 8) | p[1];
}

static const char *copy_chunk(struct lzma2 *z)
{
    size_t size;

    if ( z->in_len - z->ipos < 2 )
        return "truncated LZMA2 chunk header";
    size = be16(z->in + z->ipos) + 1;
    z->ipos += 2;
    if ( size > z->in_len - z->ipos )
        return "truncated uncompressed LZMA2 chunk";
    if ( size > z->w.limit - z->w.pos )
        return "LZMA2 chunk larger than the block's decompressed size";
    memcpy(z->w.buf + z->w.pos, z->in + z->ipos, size);
    z->ipos += size;
    z->w.pos += size;
    return NULL;
}

static const char *lzma_chunk(struct lzma2 *z, uint8_t ctrl)
{
    size_t hdr = ctrl >= CTRL_NEW_PROPS ? 5 : 4, usize, csize, out_end;
    struct lzma_window w = z->w;
    const uint8_t *p = z->in + z->ipos;
    const char *why;

    if ( z->in_len - z->ipos < hdr )
        return "truncated LZMA2 chunk header";
    usize = ((size_t)(ctrl & 0x1f) << 16) + be16(p) + 1;
    csize = be16(p + 2) + 1;
    if ( ctrl >= CTRL_NEW_PROPS )
    {
        if ( !lzma_set_props(z->lzma, p[4]) )
            return "invalid LZMA properties in an LZMA2 chunk";
        z->need_props = false;
    }
    else if ( z->need_props )
        return "LZMA2 chunk lacks the properties a dictionary reset needs";
    z->ipos += hdr;
    if ( csize > z->in_len - z->ipos )
        return "truncated LZMA2 chunk";
    if ( usize > z->w.limit - z->w.pos )
        return "LZMA2 chunk larger than the block's decompressed size";

    if ( ctrl >= CTRL_RESET_STATE )
        lzma_reset(z->lzma);
    out_end = z->w.pos + usize;
    w.limit = out_end;
    why = lzma_decode_chunk(z->lzma, &w, z->in + z->ipos, csize);
    if ( why )
        return why;
    ASSERT(w.pos == out_end);
    z->ipos += csize;
    z->w.pos = out_end;
    return NULL;
}

const char *lzma2_decode(struct lzma_dec *s, uint32_t dict_size,
                         const uint8_t *in, size_t in_len, size_t *in_used,
                         uint8_t *out, size_t out_len, size_t *out_used)
{
    struct lzma2 z = {
        .lzma = s, .in = in, .in_len = in_len,
        .w = { .buf = out, .limit = out_len, .dict_size = dict_size },
        .need_dict_reset = true, .need_props = true,
    };
    const char *why = NULL;
    size_t chunk;
    uint8_t ctrl;

    for ( ;; )
    {
        chunk = z.ipos;
        if ( z.ipos == z.in_len )
        {
            why = "LZMA2 data ends without its end marker";
            break;
        }
        ctrl = in[z.ipos++];
        if ( ctrl == CTRL_END )
            break;
        if ( ctrl > CTRL_COPY && ctrl < CTRL_LZMA )
        {
            why = "invalid LZMA2 control byte";
            break;
        }
        if ( ctrl >= CTRL_RESET_DICT || ctrl == CTRL_COPY_RESET_DICT )
        {
            z.w.start = z.w.pos;
            z.need_dict_reset = false;
            z.need_props = true;
        }
        else if ( z.need_dict_reset )
        {
            why = "LZMA2 data does not start with a dictionary reset";
            break;
        }

        why = ctrl >= CTRL_LZMA ? lzma_chunk(&z, ctrl) : copy_chunk(&z);
        if ( why )
            break;
    }

    *in_used = why ? chunk : z.ipos;
    *out_used = z.w.pos;
    return why;
}
