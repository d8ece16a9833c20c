/*
 * xen/bitops.h: bit operations on arrays of unsigned long.
 *
 * set_bit()/clear_bit()/test_and_*_bit() are atomic (locked); the __
 * variants are not and need the caller to own the word. Bit n lives in
 * word n / BITS_PER_LONG, as x86's bt* instructions and the guest ABI's
 * event-channel bitmaps expect.
 */
#ifndef XEN_BITOPS_H
#define XEN_BITOPS_H

#include <xen/compiler.h>
#include <xen/types.h>

#ifdef __XEN_HOST_TEST__
/* The host C library declares ffsl() too: declare it first, then hide it. */
#include <string.h>
#define ffsl xen_ffsl
#define flsl xen_flsl
#endif

#define BITS_PER_LONG 64
#define BITS_TO_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define BIT_WORD(n) ((n) / BITS_PER_LONG)
#define BIT_MASK(n) (1ul << ((n) % BITS_PER_LONG))

static inline void set_bit(unsigned int nr, volatile unsigned long *addr)
{
    __atomic_or_fetch(&addr[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline void clear_bit(unsigned int nr, volatile unsigned long *addr)
{
    __atomic_and_fetch(&addr[BIT_WORD(nr)], ~BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline bool test_and_set_bit(unsigned int nr, volatile unsigned long *addr)
{
    return __atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr),
                             __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

static inline bool test_and_clear_bit(unsigned int nr, volatile unsigned long *addr)
{
    return __atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr),
                              __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

static inline void __set_bit(unsigned int nr, unsigned long *addr)
{
    addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(unsigned int nr, unsigned long *addr)
{
    addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

static inline bool test_bit(unsigned int nr, const volatile unsigned long *addr)
{
    return (addr[BIT_WORD(nr)] & BIT_MASK(nr)) != 0;
}

/* Index of the lowest/highest set bit, 1-based; 0 if x == 0. */
static inline unsigned int ffsl(unsigned long x)
{
    return x ? __builtin_ctzl(x) + 1 : 0;
}

static inline unsigned int flsl(unsigned long x)
{
    return x ? BITS_PER_LONG - __builtin_clzl(x) : 0;
}

/* Population count without the POPCNT instruction (not baseline x86-64). */
static inline unsigned int hweight_long(unsigned long x)
{
    x = x - ((x >> 1) & 0x5555555555555555ul);
    x = (x & 0x3333333333333333ul) + ((x >> 2) & 0x3333333333333333ul);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0ful;
    return (x * 0x0101010101010101ul) >> 56;
}

/* First set bit at or after offset, or size if none. */
static inline unsigned int find_next_bit(const unsigned long *addr,
                                         unsigned int size,
                                         unsigned int offset)
{
    while ( offset < size )
    {
        unsigned long w = addr[BIT_WORD(offset)] >> (offset % BITS_PER_LONG);

        if ( w )
        {
            offset += __builtin_ctzl(w);
            return offset < size ? offset : size;
        }
        offset = (offset | (BITS_PER_LONG - 1)) + 1;
    }
    return size;
}

static inline unsigned int find_next_zero_bit(const unsigned long *addr,
                                              unsigned int size,
                                              unsigned int offset)
{
    while ( offset < size )
    {
        unsigned long w = ~addr[BIT_WORD(offset)] >> (offset % BITS_PER_LONG);

        if ( w )
        {
            offset += __builtin_ctzl(w);
            return offset < size ? offset : size;
        }
        offset = (offset | (BITS_PER_LONG - 1)) + 1;
    }
    return size;
}

#define find_first_bit(a, s)      find_next_bit(a, s, 0)
#define find_first_zero_bit(a, s) find_next_zero_bit(a, s, 0)

#endif /* XEN_BITOPS_H */
