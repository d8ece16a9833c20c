/*
 * crc.c: the two CRCs of the .xz format.
 *
 * Theory of operation. Both are the usual reflected CRCs with all-ones
 * initial value and final inversion: CRC32 with the polynomial of
 * IEEE 802.3 (0x04c11db7, reflected 0xedb88320), CRC64 with that of
 * ECMA-182 (0x42f0e1eba9ea3693, reflected 0xc96c5795d7870f42). CRC64 is
 * computed a byte at a time from a 256-entry table of the remainders of
 * the single bytes. CRC32, which Linux's compressed kernels carry, eight
 * bytes at a time ("slicing by 8"): table k holds the remainder of a byte
 * followed by k zero bytes, so the eight bytes' contributions are looked
 * up independently and XORed together. The tables are built on first use;
 * two CPUs racing to build them write the same values, so no lock is
 * needed, and the flag that says they are ready is set only after they
 * are complete.
 *
 * A CRC is continued across calls: pass the previous result (0 to start).
 */
#include <xen/lib.h>

#include "private.h"

#define CRC32_POLY_REFLECTED    0xedb88320u
#define CRC64_POLY_REFLECTED    0xc96c5795d7870f42ull

#define CRC32_SLICES            8

static uint32_t crc32_table[CRC32_SLICES][256];
static uint64_t crc64_table[256];
static bool tables_ready;

static void build_tables(void)
{
    unsigned int i, bit, k;
    uint32_t c32;
    uint64_t c64;

    for ( i = 0; i < 256; i++ )
    {
        c32 = i;
        c64 = i;
        for ( bit = 0; bit < 8; bit++ )
        {
            c32 = (c32 >> 1) ^ (c32 & 1 ? CRC32_POLY_REFLECTED : 0);
            c64 = (c64 >> 1) ^ (c64 & 1 ? CRC64_POLY_REFLECTED : 0);
        }
        crc32_table[0][i] = c32;
        crc64_table[i] = c64;
    }
    for ( k = 1; k < CRC32_SLICES; k++ )
        for ( i = 0; i < 256; i++ )
        {
            c32 = crc32_table[k - 1][i];
            crc32_table[k][i] = (c32 >> 8) ^ crc32_table[0][c32 & 0xff];
        }
    __atomic_store_n(&tables_ready, true, __ATOMIC_RELEASE);
}

static void need_tables(void)
{
    if ( !__atomic_load_n(&tables_ready, __ATOMIC_ACQUIRE) )
        build_tables();
}

static inline uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

uint32_t xz_crc32(const void *buf, size_t len, uint32_t crc)
{
    const uint8_t *p = buf;
    uint32_t hi;

    need_tables();
    crc = ~crc;
    for ( ; len >= CRC32_SLICES; len -= CRC32_SLICES, p += CRC32_SLICES )
    {
        crc ^= le32(p);
        hi = le32(p + 4);
        crc = crc32_table[7][crc & 0xff] ^ crc32_table[6][(crc >> 8) & 0xff] ^
              crc32_table[5][(crc >> 16) & 0xff] ^ crc32_table[4][crc >> 24] ^
              crc32_table[3][hi & 0xff] ^ crc32_table[2][(hi >> 8) & 0xff] ^
              crc32_table[1][(hi >> 16) & 0xff] ^ crc32_table[0][hi >> 24];
    }
    while ( len-- )
        crc = crc32_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

uint64_t xz_crc64(const void *buf, size_t len, uint64_t crc)
{
    const uint8_t *p = buf;

    need_tables();
    crc = ~crc;
    while ( len-- )
        crc = crc64_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}
