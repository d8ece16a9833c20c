/*
 * private.h: the layers of the .xz decoder and what they share.
 *
 *   stream.c   the container: streams, blocks, index, checks
 *   lzma2.c    LZMA2 chunks inside a block
 *   lzma.c     the LZMA decoder (range decoder and model) of one chunk
 *   bcj_x86.c  the x86 branch converter, applied to a decoded block
 *   crc.c      CRC32 and CRC64
 *
 * Decoding is one-shot into the final output buffer, which therefore also
 * serves as the LZMA dictionary: a match copies from bytes already written.
 * The lower layers report a refusal as a string that says what is wrong
 * (NULL when all is well); stream.c turns it into an error code and a
 * message with the input offset.
 */
#ifndef XEN_COMMON_XZ_PRIVATE_H
#define XEN_COMMON_XZ_PRIVATE_H

#include <xen/types.h>

#include "xz.h"

/* --- crc.c: xz_crc32() is in xz.h --- */

uint64_t xz_crc64(const void *buf, size_t len, uint64_t crc);

/* --- lzma.c --- */

#define LZMA_STATES             12
#define LZMA_LIT_STATES         7   /* states 0-6 follow a literal */
#define LZMA_POS_BITS_MAX       4
#define LZMA_POS_STATES_MAX     (1u << LZMA_POS_BITS_MAX)
#define LZMA_LIT_CODERS_MAX     16  /* 1 << (lc + lp), lc + lp <= 4 */
#define LZMA_LIT_PROBS          0x300
#define LZMA_LEN_LOW_BITS       3
#define LZMA_LEN_MID_BITS       3
#define LZMA_LEN_HIGH_BITS      8
#define LZMA_MATCH_LEN_MIN      2
#define LZMA_DIST_STATES        4   /* match lengths 2, 3, 4, 5+ */
#define LZMA_DIST_SLOT_BITS     6
#define LZMA_DIST_MODEL_START   4   /* slots below are the distance itself */
#define LZMA_DIST_MODEL_END     14  /* slots from here use direct bits */
#define LZMA_FULL_DISTANCES     (1u << (LZMA_DIST_MODEL_END / 2))
#define LZMA_ALIGN_BITS         4

struct lzma_len_probs {
    uint16_t choice;
    uint16_t choice2;
    uint16_t low[LZMA_POS_STATES_MAX][1u << LZMA_LEN_LOW_BITS];
    uint16_t mid[LZMA_POS_STATES_MAX][1u << LZMA_LEN_MID_BITS];
    uint16_t high[1u << LZMA_LEN_HIGH_BITS];
};

/* Every adaptive probability of the model; nothing but uint16_t inside. */
struct lzma_probs {
    uint16_t is_match[LZMA_STATES][LZMA_POS_STATES_MAX];
    uint16_t is_rep[LZMA_STATES];
    uint16_t is_rep0[LZMA_STATES];
    uint16_t is_rep1[LZMA_STATES];
    uint16_t is_rep2[LZMA_STATES];
    uint16_t is_rep0_long[LZMA_STATES][LZMA_POS_STATES_MAX];
    uint16_t dist_slot[LZMA_DIST_STATES][1u << LZMA_DIST_SLOT_BITS];
    uint16_t dist_special[LZMA_FULL_DISTANCES - LZMA_DIST_MODEL_END + 1];
    uint16_t dist_align[1u << LZMA_ALIGN_BITS];
    struct lzma_len_probs match_len;
    struct lzma_len_probs rep_len;
    /* Last: only 0x300 << (lc + lp) of these are in use. */
    uint16_t literal[LZMA_LIT_CODERS_MAX][LZMA_LIT_PROBS];
};

/* What the model remembers besides its probabilities. */
struct lzma_regs {
    unsigned int state;             /* 0-11: what the last symbols were */
    uint32_t rep[4];                /* the last four distances, minus 1 */
};

/* The decoder's state, carried from chunk to chunk of one LZMA2 block. */
struct lzma_dec {
    unsigned int lc, lp, pb;        /* literal context/position, pos bits */
    struct lzma_regs r;
    struct lzma_probs probs;
};

/*
 * Where a chunk decodes to: buf[start, pos) is the dictionary (the data
 * since the last dictionary reset, of which only the last dict_size bytes
 * may be referred to), the chunk's output goes to buf[pos, limit).
 */
struct lzma_window {
    uint8_t *buf;
    size_t start, pos, limit;
    uint32_t dict_size;
};

/* Take an lc/lp/pb properties byte; false if LZMA2 does not allow it. */
bool lzma_set_props(struct lzma_dec *s, uint8_t props);
/* The state reset: every probability to 1/2, state 0, distances 0. */
void lzma_reset(struct lzma_dec *s);
/*
 * Decode one LZMA chunk, exactly in[0, in_len), into w->buf[w->pos,
 * w->limit); advances w->pos. NULL, or why the chunk is refused.
 */
const char *lzma_decode_chunk(struct lzma_dec *s, struct lzma_window *w,
                              const uint8_t *in, size_t in_len);

/* --- lzma2.c --- */

/* The dictionary size of an LZMA2 properties byte; 0 if it is invalid. */
uint32_t lzma2_dict_size(uint8_t props);
/*
 * Decode the LZMA2 data at the start of in[0, in_len) up to and including
 * its end marker, into out[0, out_len). On success *in_used and *out_used
 * say how much was consumed and produced; on refusal *in_used is the
 * offset of the offending chunk.
 */
const char *lzma2_decode(struct lzma_dec *s, uint32_t dict_size,
                         const uint8_t *in, size_t in_len, size_t *in_used,
                         uint8_t *out, size_t out_len, size_t *out_used);

/* --- bcj_x86.c --- */

/*
 * Undo the x86 branch conversion over one block's decoded data in place;
 * start is the filter's start offset (the position of buf[0]).
 */
void bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start);

#endif /* XEN_COMMON_XZ_PRIVATE_H */
