/*
 * asm/div64.h: a * b / c with a 128-bit intermediate product.
 *
 * One mulq and one divq, without the compiler's 128-bit division helper
 * (there is no libgcc in the hypervisor). The quotient must fit in 64
 * bits, or divq raises #DE: callers pass values for which it does.
 */
#ifndef ASM_X86_DIV64_H
#define ASM_X86_DIV64_H

#include <xen/types.h>

static inline uint64_t muldiv64(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t q, r;

    __asm__ ( "mulq %[b]; divq %[c]"
              : "=a" (q), "=&d" (r)
              : "0" (a), [b] "rm" (b), [c] "rm" (c) : "cc" );
    return q;
}

#endif /* ASM_X86_DIV64_H */
