/*
 * pv/emul-hw.h: the hardware the PV instruction emulator touches, behind
 * small functions.
 *
 * The emulator (emul-priv-op.c), the CPUID policy (cpuid.c), the debug
 * register shadow (debugreg.c) and the port filter (ioport.c) reach the
 * real CPU only through these. In the hypervisor they are the one-line
 * wrappers of emul-hw.c; the host unit tests (tools/tests/unit/
 * test_emul_priv.c) define the same functions over fake MSRs, ports and
 * CPUID leaves, so every decision the emulator makes can be checked
 * without a CPU in ring 0.
 */
#ifndef PV_EMUL_HW_H
#define PV_EMUL_HW_H

#include <asm/processor.h>
#include <xen/types.h>

/* rdmsr that survives a missing MSR: 0, or -EFAULT if it raised #GP. */
int emul_hw_rdmsr(uint32_t msr, uint64_t *val);
/* wrmsr of an MSR known to exist (the segment bases). */
void emul_hw_wrmsr(uint32_t msr, uint64_t val);

uint64_t emul_hw_rdtsc(void);
unsigned long emul_hw_read_cr0(void);
unsigned long emul_hw_read_cr4(void);

/* The real CPUID, leaf and subleaf. */
void emul_hw_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_leaf *res);

/* Port I/O of 1, 2 or 4 bytes. */
uint32_t emul_hw_in(unsigned int port, unsigned int bytes);
void emul_hw_out(unsigned int port, unsigned int bytes, uint32_t val);

void emul_hw_wbinvd(void);

/* Load debug register reg (0-3, 6 or 7). */
void emul_hw_write_dr(unsigned int reg, unsigned long val);
unsigned long emul_hw_read_dr6(void);

#endif /* PV_EMUL_HW_H */
