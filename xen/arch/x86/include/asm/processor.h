/*
 * asm/processor.h: CPU control: CPUID, control registers, MSRs, halting.
 */
#ifndef ASM_X86_PROCESSOR_H
#define ASM_X86_PROCESSOR_H

#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/system.h>
#include <xen/compiler.h>
#include <xen/types.h>

struct cpuid_leaf {
    uint32_t a, b, c, d;
};

static inline void cpuid_count(uint32_t leaf, uint32_t subleaf,
                               struct cpuid_leaf *r)
{
    __asm__ __volatile__ ( "cpuid"
                           : "=a" (r->a), "=b" (r->b), "=c" (r->c), "=d" (r->d)
                           : "0" (leaf), "2" (subleaf) );
}

static inline void cpuid(uint32_t leaf, struct cpuid_leaf *r)
{
    cpuid_count(leaf, 0, r);
}

#define DEFINE_CR_ACCESSORS(n)                                          \
static inline unsigned long read_cr##n(void)                            \
{                                                                       \
    unsigned long v;                                                    \
    __asm__ __volatile__ ( "mov %%cr" #n ", %0" : "=r" (v) );           \
    return v;                                                           \
}                                                                       \
static inline void write_cr##n(unsigned long v)                         \
{                                                                       \
    __asm__ __volatile__ ( "mov %0, %%cr" #n :: "r" (v) : "memory" );   \
}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ __volatile__ ( "rdmsr" : "=a" (lo), "=d" (hi) : "c" (msr) );
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ __volatile__ ( "wrmsr" :: "c" (msr), "a" ((uint32_t)v),
                           "d" ((uint32_t)(v >> 32)) );
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ __volatile__ ( "rdtsc" : "=a" (lo), "=d" (hi) );
    return ((uint64_t)hi << 32) | lo;
}

static inline unsigned long read_rflags(void)
{
    unsigned long f;

    __asm__ __volatile__ ( "pushf; pop %0" : "=r" (f) );
    return f;
}

static inline void cpu_relax(void)
{
    __asm__ __volatile__ ( "pause" ::: "memory" );
}

static inline void halt(void)
{
    __asm__ __volatile__ ( "hlt" ::: "memory" );
}

static inline void flush_tlb_local(void)
{
    write_cr3(read_cr3());
}

/* Stop this CPU for good: interrupts off, halt forever (NMIs return here). */
void __noreturn cpu_halt_forever(void);

#endif /* ASM_X86_PROCESSOR_H */
