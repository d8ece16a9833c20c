/*
 * bcj_x86.c: the x86 branch/call/jump (BCJ) filter, decoding direction.
 *
 * Theory of operation. x86 code compresses better when the 32-bit
 * relative targets of CALL (E8) and JMP (E9) rel32 are absolute: calls to
 * one function from many places then carry the same four bytes. The
 * encoder scans the data for E8/E9, and where the operand looks like a
 * near target (its high byte 0x00 or 0xff) replaces it with target =
 * operand + (position after the instruction), keeping only bit 24 of the
 * result as the high byte (0x00 or 0xff again). The decoder repeats the
 * same scan and subtracts. Position 0 is the filter's start offset; data
 * is converted in place and the last four bytes are never an operand.
 *
 * To avoid converting the middle of something that is not an instruction,
 * both sides keep a history of opcode bytes (E8/E9) that were seen but not
 * converted in the three bytes before the current one:
 *
 *   bits 1-3   an unconverted opcode 1, 2 or 3 bytes back;
 *   bits 5-7   the same opcode's operand high byte was 0x00/0xff.
 *
 * (It is kept shifted: at an opcode the history moves up by the distance
 * from the previous opcode, dropping what falls off, then the opcode's own
 * entry goes to bit 0 and bit 4.) An opcode is converted only if its
 * operand high byte is 0x00/0xff, none of the recent opcodes had such an
 * operand, and there was at most one recent opcode. If there is one, d
 * bytes back, its operand overlaps ours, and our operand byte 3 - d (its
 * high byte) was not 0x00/0xff; if after the subtraction that byte is
 * 0x00/0xff, the encoder had flipped the bits below and including it, so
 * the decoder does so too and subtracts again. That byte then ends up as
 * the complement of the original one, never 0x00/0xff again, so there is
 * at most one such second step (the reference loops "until it is not").
 *
 * After a conversion the scan continues behind the operand, with an empty
 * history. Positions are modulo 2^32, as in the format.
 */
#include <xen/lib.h>

#include "private.h"

#define OPCODE_LEN      5           /* E8/E9 and a 32-bit operand */

static inline bool is_high_byte(uint8_t b)
{
    return b == 0x00 || b == 0xff;
}

/* Recent-opcode patterns (history bits 1-3) that still allow a conversion. */
static bool history_allows(uint32_t hist)
{
    unsigned int recent = (hist >> 1) & 7;

    return !(hist & 0xe0) && (recent == 0 || recent == 1 || recent == 2 ||
                              recent == 4);
}

/* The distance (1-3) of the one recent opcode, 0 if none. */
static unsigned int history_distance(uint32_t hist)
{
    switch ( (hist >> 1) & 7 )
    {
    case 1: return 1;
    case 2: return 2;
    case 4: return 3;
    default: return 0;
    }
}

static uint32_t unconvert(uint32_t operand, uint32_t next_ip, uint32_t hist)
{
    uint32_t target = operand - next_ip;
    unsigned int d = history_distance(hist), shift;

    if ( d )
    {
        shift = 24 - 8 * d;
        if ( is_high_byte(target >> shift) )
            target = (target ^ ((1u << (shift + 8)) - 1)) - next_ip;
    }
    return target;
}

void bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start)
{
    uint32_t hist = 0, operand, target, next_ip;
    size_t i = 0, prev = 0, d;
    bool seen = false;              /* an opcode at prev */

    if ( len < OPCODE_LEN )
        return;
    while ( i <= len - OPCODE_LEN )
    {
        if ( (buf[i] & 0xfe) != 0xe8 )
        {
            i++;
            continue;
        }

        d = seen ? i - prev : OPCODE_LEN + 1;
        if ( d > 3 )
            hist = 0;
        else
            while ( d-- )
                hist = (hist & 0x77) << 1;
        prev = i;
        seen = true;

        if ( !is_high_byte(buf[i + 4]) || !history_allows(hist) )
        {
            hist |= 1;
            if ( is_high_byte(buf[i + 4]) )
                hist |= 0x10;
            i++;
            continue;
        }

        operand = (uint32_t)buf[i + 1] | ((uint32_t)buf[i + 2] << 8) |
                  ((uint32_t)buf[i + 3] << 16) | ((uint32_t)buf[i + 4] << 24);
        next_ip = start + (uint32_t)i + OPCODE_LEN;
        target = unconvert(operand, next_ip, hist);
        buf[i + 1] = target;
        buf[i + 2] = target >> 8;
        buf[i + 3] = target >> 16;
        buf[i + 4] = (target & (1u << 24)) ? 0xff : 0x00;
        i += OPCODE_LEN;
        hist = 0;
    }
}
