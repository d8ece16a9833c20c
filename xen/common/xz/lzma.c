/*
 * lzma.c: the LZMA decoder of one LZMA2 chunk.
 *
 * Theory of operation. LZMA codes a byte string as a sequence of symbols,
 * each a literal byte or a match (copy len bytes from distance back), with
 * a binary range coder whose every bit has its own adaptive probability.
 *
 * The range decoder holds a 32-bit range and the code value read so far
 * (code < range for valid data). To decode a bit with probability p (of a
 * 0, in 1/2048ths), the range is split at bound = (range >> 11) * p: below
 * is a 0, which moves p up by 1/32 of the distance to 2048, above is a 1,
 * which moves it down by p/32. Whenever the range falls below 2^24 both are
 * shifted left a byte and the next input byte enters the code ("normalise"),
 * after every bit, so that when the chunk's last symbol is decoded exactly
 * the chunk's bytes have been read and code is 0: the encoder's flush. Bits
 * of large distances are sent "direct", with probability 1/2 and no model.
 *
 * The model. A state 0-11 remembers the kinds of the last few symbols
 * (literal, match, repeated match, short repeat); states 0-6 follow a
 * literal. Each symbol starts with is_match[state][pos & pb]:
 *   0          a literal: 8 bits through a bit tree chosen by the low lp
 *              bits of the position and the top lc bits of the previous
 *              byte. After a match (state >= 7) the byte at distance rep0
 *              steers the tree until the first bit that differs from it;
 *   1, is_rep 0   a match: a length, then a distance (below);
 *   1, is_rep 1   a match at one of the last four distances: is_rep0,
 *              is_rep1, is_rep2 pick which (it moves to the front), and
 *              for rep0 a 0 in is_rep0_long means a single byte ("short
 *              rep") with no length.
 * Lengths (2-273) are a choice bit, a second choice bit and a 3-, 3- or
 * 8-bit tree; the first two trees depend on pos & pb. A distance starts
 * with a 6-bit slot from a tree chosen by the length (2, 3, 4, 5+): slots
 * 0-3 are the distance; for a larger slot the distance has a top bit pair
 * (2 or 3) and (slot / 2 - 1) low bits, coded with a reverse bit tree of
 * their own for slots below 14, otherwise as direct bits plus a 4-bit
 * reverse tree for the lowest four. Distances are stored minus one.
 *
 * Safety. The input pointer never passes the chunk's end: past it, zeros
 * are fed and the overrun refuses the chunk at its end. Output is bounded
 * by the window: each loop turn writes at least one byte and every match
 * is checked against both the window's limit (the chunk's size) and the
 * dictionary's fill before it is copied. LZMA2 has no end-of-data marker,
 * so the marker's distance (0xffffffff) is just an invalid distance.
 */
#include <xen/lib.h>
#include <xen/string.h>

#include "private.h"

#define RC_TOP_VALUE    (1u << 24)
#define RC_PROB_BITS    11
#define RC_PROB_ONE     (1u << RC_PROB_BITS)
#define RC_MOVE_BITS    5
#define RC_INIT_BYTES   5

/* --- The range decoder. --- */

struct rc {
    const uint8_t *in, *end;
    uint32_t range, code;
    bool overrun;                   /* wanted bytes past the chunk's end */
};

static __always_inline void rc_normalize(struct rc *rc)
{
    if ( rc->range < RC_TOP_VALUE )
    {
        rc->range <<= 8;
        rc->code <<= 8;
        if ( likely(rc->in < rc->end) )
            rc->code |= *rc->in++;
        else
            rc->overrun = true;
    }
}

static __always_inline unsigned int rc_bit(struct rc *rc, uint16_t *prob)
{
    uint32_t bound = (rc->range >> RC_PROB_BITS) * *prob;
    unsigned int bit;

    if ( rc->code < bound )
    {
        rc->range = bound;
        *prob += (RC_PROB_ONE - *prob) >> RC_MOVE_BITS;
        bit = 0;
    }
    else
    {
        rc->range -= bound;
        rc->code -= bound;
        *prob -= *prob >> RC_MOVE_BITS;
        bit = 1;
    }
    rc_normalize(rc);
    return bit;
}

/* nbits bits, most significant first, through probs[1 .. 2^nbits - 1]. */
static __always_inline unsigned int rc_tree(struct rc *rc,
                                            uint16_t *probs,
                                            unsigned int nbits)
{
    unsigned int node = 1, i;

    for ( i = 0; i < nbits; i++ )
        node = (node << 1) | rc_bit(rc, &probs[node]);
    return node - (1u << nbits);
}

/* The same tree walked from the least significant bit up. */
static __always_inline unsigned int rc_tree_reverse(struct rc *rc,
                                                    uint16_t *probs,
                                                    unsigned int nbits)
{
    unsigned int node = 1, value = 0, i, bit;

    for ( i = 0; i < nbits; i++ )
    {
        bit = rc_bit(rc, &probs[node]);
        node = (node << 1) | bit;
        value |= bit << i;
    }
    return value;
}

/* nbits (1-26) bits of probability 1/2, most significant first. */
static __always_inline uint32_t rc_direct(struct rc *rc, unsigned int nbits)
{
    uint32_t value = 0;

    while ( nbits-- )
    {
        rc->range >>= 1;
        value <<= 1;
        if ( rc->code >= rc->range )
        {
            rc->code -= rc->range;
            value |= 1;
        }
        rc_normalize(rc);
    }
    return value;
}

/* --- The model. --- */

bool lzma_set_props(struct lzma_dec *s, uint8_t props)
{
    unsigned int lc, lp, pb;

    if ( props >= 9 * 5 * 5 )
        return false;
    lc = props % 9;
    lp = (props / 9) % 5;
    pb = props / 45;
    if ( lc + lp > 4 )              /* LZMA2's limit */
        return false;
    s->lc = lc;
    s->lp = lp;
    s->pb = pb;
    return true;
}

void lzma_reset(struct lzma_dec *s)
{
    uint16_t *p = (uint16_t *)&s->probs;
    size_t n = offsetof(struct lzma_probs, literal) / sizeof(uint16_t) +
               ((size_t)LZMA_LIT_PROBS << (s->lc + s->lp));

    BUILD_BUG_ON(offsetof(struct lzma_probs, literal) % sizeof(uint16_t));
    ASSERT(s->lc + s->lp <= 4);
    while ( n-- )
        *p++ = RC_PROB_ONE / 2;
    s->r = (struct lzma_regs){ 0 };
}

static inline unsigned int state_after_literal(unsigned int state)
{
    return state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
}

/* A length minus LZMA_MATCH_LEN_MIN: 0-271. */
static __always_inline unsigned int decode_len(struct rc *rc,
                                               struct lzma_len_probs *l,
                                               unsigned int pos_state)
{
    if ( !rc_bit(rc, &l->choice) )
        return rc_tree(rc, l->low[pos_state], LZMA_LEN_LOW_BITS);
    if ( !rc_bit(rc, &l->choice2) )
        return (1u << LZMA_LEN_LOW_BITS) +
               rc_tree(rc, l->mid[pos_state], LZMA_LEN_MID_BITS);
    return (1u << LZMA_LEN_LOW_BITS) + (1u << LZMA_LEN_MID_BITS) +
           rc_tree(rc, l->high, LZMA_LEN_HIGH_BITS);
}

/* A match's distance minus one, given its length minus the minimum. */
static __always_inline uint32_t decode_dist(struct rc *rc,
                                            struct lzma_probs *p,
                                            unsigned int len)
{
    unsigned int dstate = len < LZMA_DIST_STATES - 1 ? len
                                                     : LZMA_DIST_STATES - 1;
    unsigned int slot = rc_tree(rc, p->dist_slot[dstate],
                                LZMA_DIST_SLOT_BITS);
    unsigned int nbits;
    uint32_t dist;

    if ( slot < LZMA_DIST_MODEL_START )
        return slot;
    nbits = (slot >> 1) - 1;
    dist = (2u | (slot & 1)) << nbits;
    if ( slot < LZMA_DIST_MODEL_END )
        /* probs[1 ..] of this slot's tree sit at dist - slot + 1. */
        return dist + rc_tree_reverse(rc, p->dist_special + dist - slot,
                                      nbits);
    dist += rc_direct(rc, nbits - LZMA_ALIGN_BITS) << LZMA_ALIGN_BITS;
    return dist + rc_tree_reverse(rc, p->dist_align, LZMA_ALIGN_BITS);
}

/* A literal; match_byte steers the first bits when matched is set. */
static __always_inline uint8_t decode_literal(struct rc *rc,
                                              uint16_t *probs,
                                              unsigned int match_byte,
                                              bool matched)
{
    unsigned int sym = 1, mbit, bit;

    if ( matched )
        do {
            mbit = (match_byte >> 7) & 1;
            match_byte <<= 1;
            bit = rc_bit(rc, &probs[0x100 + (mbit << 8) + sym]);
            sym = (sym << 1) | bit;
            if ( bit != mbit )
                break;
        } while ( sym < 0x100 );
    while ( sym < 0x100 )
        sym = (sym << 1) | rc_bit(rc, &probs[sym]);
    return sym & 0xff;
}

static void copy_match(uint8_t *buf, size_t pos, uint32_t dist,
                       unsigned int len)
{
    uint8_t *dst = buf + pos;
    const uint8_t *src = dst - dist - 1;

    if ( dist + 1 >= len )
        memcpy(dst, src, len);
    else
        while ( len-- )             /* overlapping: a run repeats */
            *dst++ = *src++;
}

/*
 * A match of any kind after its first is_match bit: sets *len (minus the
 * minimum, or ~0u for a short rep), updates the state and distances.
 */
static __always_inline void decode_match(struct rc *rc, struct lzma_regs *r,
                                         struct lzma_probs *p,
                                         unsigned int pos_state,
                                         unsigned int *len)
{
    unsigned int st = r->state;
    uint32_t dist;

    if ( !rc_bit(rc, &p->is_rep[st]) )
    {
        *len = decode_len(rc, &p->match_len, pos_state);
        r->rep[3] = r->rep[2];
        r->rep[2] = r->rep[1];
        r->rep[1] = r->rep[0];
        r->rep[0] = decode_dist(rc, p, *len);
        r->state = st < LZMA_LIT_STATES ? 7 : 10;
        return;
    }
    if ( !rc_bit(rc, &p->is_rep0[st]) )
    {
        if ( !rc_bit(rc, &p->is_rep0_long[st][pos_state]) )
        {
            *len = ~0u;
            r->state = st < LZMA_LIT_STATES ? 9 : 11;
            return;
        }
    }
    else
    {
        if ( !rc_bit(rc, &p->is_rep1[st]) )
            dist = r->rep[1];
        else
        {
            if ( !rc_bit(rc, &p->is_rep2[st]) )
                dist = r->rep[2];
            else
            {
                dist = r->rep[3];
                r->rep[3] = r->rep[2];
            }
            r->rep[2] = r->rep[1];
        }
        r->rep[1] = r->rep[0];
        r->rep[0] = dist;
    }
    *len = decode_len(rc, &p->rep_len, pos_state);
    r->state = st < LZMA_LIT_STATES ? 8 : 11;
}

static const char *rc_init(struct rc *rc, const uint8_t *in, size_t in_len)
{
    rc->overrun = false;
    if ( in_len < RC_INIT_BYTES )
        return "LZMA chunk too short for the range decoder";
    if ( in[0] != 0 )
        return "LZMA chunk's first byte is not 0";
    rc->code = ((uint32_t)in[1] << 24) | ((uint32_t)in[2] << 16) |
               ((uint32_t)in[3] << 8) | in[4];
    rc->range = ~0u;
    rc->in = in + RC_INIT_BYTES;
    rc->end = in + in_len;
    if ( rc->code == rc->range )
        return "LZMA chunk's range decoder starts out of range";
    return NULL;
}

const char *lzma_decode_chunk(struct lzma_dec *s, struct lzma_window *w,
                              const uint8_t *in, size_t in_len)
{
    /* Locals that nothing else can alias: the loop keeps them in registers. */
    struct rc rc;
    struct lzma_regs r = s->r;
    struct lzma_probs *p = &s->probs;
    uint8_t *buf = w->buf;
    size_t pos = w->pos, fill;
    const size_t start = w->start, limit = w->limit, dict_size = w->dict_size;
    const unsigned int pb_mask = (1u << s->pb) - 1;
    const unsigned int lp_mask = (1u << s->lp) - 1, lc = s->lc;
    const char *why = rc_init(&rc, in, in_len);
    unsigned int ps, len, prev;
    uint16_t *lit;

    ASSERT(start <= pos && pos <= limit);
    while ( !why && !rc.overrun && pos < limit )
    {
        fill = pos - start < dict_size ? pos - start : dict_size;
        ps = (pos - start) & pb_mask;

        if ( !rc_bit(&rc, &p->is_match[r.state][ps]) )
        {
            prev = pos > start ? buf[pos - 1] : 0;
            lit = p->literal[(((pos - start) & lp_mask) << lc) +
                             (prev >> (8 - lc))];
            if ( r.state < LZMA_LIT_STATES )
                buf[pos] = decode_literal(&rc, lit, 0, false);
            else if ( r.rep[0] < fill )
                buf[pos] = decode_literal(&rc, lit, buf[pos - r.rep[0] - 1],
                                          true);
            else
            {
                why = "literal refers to a distance outside the dictionary";
                break;
            }
            pos++;
            r.state = state_after_literal(r.state);
            continue;
        }

        if ( !fill )
        {
            why = "match before any data";
            break;
        }
        decode_match(&rc, &r, p, ps, &len);
        len = len == ~0u ? 1 : len + LZMA_MATCH_LEN_MIN;
        if ( r.rep[0] >= fill )
            why = "match distance outside the dictionary";
        else if ( len > limit - pos )
            why = "match runs past the end of the chunk";
        else
        {
            copy_match(buf, pos, r.rep[0], len);
            pos += len;
        }
    }

    s->r = r;
    w->pos = pos;
    if ( rc.overrun )               /* the likeliest cause of anything else */
        return "LZMA chunk's compressed size does not fit its data";
    if ( why )
        return why;
    if ( rc.in != rc.end || pos != limit )
        return "LZMA chunk's compressed size does not fit its data";
    if ( rc.code != 0 )
        return "LZMA chunk's range decoder did not finish cleanly";
    return NULL;
}
