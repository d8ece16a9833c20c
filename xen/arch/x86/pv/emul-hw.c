/*
 * pv/emul-hw.c: the real-hardware side of pv/emul-hw.h.
 *
 * Each function is one instruction (or a dispatch on the access size).
 * The only one that may fault is rdmsr of an MSR the CPU lacks: its #GP
 * is caught through the exception table, which resumes after the
 * instruction with the "failed" result still in place.
 *
 * Locking: none.
 */
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/uaccess.h>
#include <xen/errno.h>
#include <xen/lib.h>

#include "emul-hw.h"

int emul_hw_rdmsr(uint32_t msr, uint64_t *val)
{
    uint32_t lo = 0, hi = 0;
    int rc = -EFAULT;

    /* rc is cleared only if rdmsr did not fault (a fault resumes at 2). */
    __asm__ __volatile__ (
        "1: rdmsr\n"
        "   xor %k[rc], %k[rc]\n"
        "2:\n"
        _ASM_EXTABLE(1b, 2b)
        : [rc] "+r" (rc), "+a" (lo), "+d" (hi)
        : "c" (msr) );
    *val = rc ? 0 : ((uint64_t)hi << 32) | lo;
    return rc;
}

void emul_hw_wrmsr(uint32_t msr, uint64_t val)
{
    wrmsr(msr, val);
}

uint64_t emul_hw_rdtsc(void)
{
    return rdtsc();
}

unsigned long emul_hw_read_cr0(void)
{
    return read_cr0();
}

unsigned long emul_hw_read_cr4(void)
{
    return read_cr4();
}

void emul_hw_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_leaf *res)
{
    cpuid_count(leaf, subleaf, res);
}

uint32_t emul_hw_in(unsigned int port, unsigned int bytes)
{
    switch ( bytes )
    {
    case 1:
        return inb(port);
    case 2:
        return inw(port);
    case 4:
        return inl(port);
    }
    ASSERT_UNREACHABLE();
    return ~0u;
}

void emul_hw_out(unsigned int port, unsigned int bytes, uint32_t val)
{
    switch ( bytes )
    {
    case 1:
        outb(val, port);
        return;
    case 2:
        outw(val, port);
        return;
    case 4:
        outl(val, port);
        return;
    }
    ASSERT_UNREACHABLE();
}

void emul_hw_wbinvd(void)
{
    __asm__ __volatile__ ( "wbinvd" ::: "memory" );
}

unsigned long emul_hw_read_dr6(void)
{
    unsigned long v;

    __asm__ __volatile__ ( "mov %%db6, %0" : "=r" (v) );
    return v;
}

void emul_hw_write_dr(unsigned int reg, unsigned long val)
{
    switch ( reg )
    {
    case 0:
        __asm__ __volatile__ ( "mov %0, %%db0" :: "r" (val) );
        return;
    case 1:
        __asm__ __volatile__ ( "mov %0, %%db1" :: "r" (val) );
        return;
    case 2:
        __asm__ __volatile__ ( "mov %0, %%db2" :: "r" (val) );
        return;
    case 3:
        __asm__ __volatile__ ( "mov %0, %%db3" :: "r" (val) );
        return;
    case 6:
        __asm__ __volatile__ ( "mov %0, %%db6" :: "r" (val) );
        return;
    case 7:
        __asm__ __volatile__ ( "mov %0, %%db7" :: "r" (val) );
        return;
    }
    ASSERT_UNREACHABLE();
}
