/*
 * emul_priv_fake.h: the machine around the PV privileged-instruction
 * emulator (xen/arch/x86/pv/emul-priv-op.c and its helpers), for the host
 * tests test_emul_priv (decoding, MSRs, control and debug registers,
 * CPUID, XSETBV) and test_emul_priv_io (port I/O, physdev_op).
 *
 * What emul_priv_fake.c supplies in place of the hypervisor:
 *   - guest memory: a code page at a kernel address and two data pages,
 *     plus a read-only page, through raw_copy_{from,to}_guest; anything
 *     else faults, so instructions can be cut short at a page end;
 *   - the hardware of pv/emul-hw.h: a table of MSRs (others #GP), CR0/CR4,
 *     a TSC, ports that log every access and answer a fixed pattern,
 *     CPUID leaves that report every feature bit set (so the policy is
 *     seen to remove exactly what it must), debug registers;
 *   - current (one vCPU of one domain), do_fpu_taskswitch() as the lead's
 *     (records the virtual TS), the XSAVE hooks, the FADT, cpu_khz,
 *     max_page.
 * reset() puts all of it back to a known state: an Intel host, guest
 * kernel mode, IOPL 0, XSAVE with x87|SSE|YMM|MPX|AVX-512|PKRU.
 *
 * Each case builds an instruction's bytes, runs the emulator with RUN(),
 * and checks the outcome, rip, registers, and the hardware it touched.
 */
#ifndef TOOLS_TESTS_UNIT_EMUL_PRIV_FAKE_H
#define TOOLS_TESTS_UNIT_EMUL_PRIV_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <asm/pv/traps.h>
#include <asm/processor.h>
#include <asm/xstate.h>
#include <xen/acpi.h>
#include <xen/sched.h>

/* ---- Guest memory ---- */

#define CODE_VA     0xffffffff81000000ul
#define DATA_VA     0x0000000000400000ul    /* two pages, RW */
#define RO_VA       0x0000000000500000ul    /* one page, read-only */
#define INSN_OFF    0x100
#define START       (CODE_VA + INSN_OFF)

extern uint8_t code_page[4096];
extern uint8_t data_pages[8192];
extern uint8_t ro_page[4096];

/* ---- Hardware ---- */

#define VENDOR_INTEL 0x756e6547u
#define VENDOR_AMD   0x68747541u

#define MSR_TSC         0x10
#define MSR_UCODE       0x8b
#define MSR_MISC        0x1a0
#define MSR_PAT         0x277
#define MSR_AUX         0xc0000103
#define MSR_HWCR        0xc0010015
#define MSR_NB_CFG      0xc001001f

struct fake_msr {
    uint32_t idx;
    uint64_t val;
};

struct io_access {
    unsigned int port, bytes;
    uint32_t val;
    bool out;
};

struct fake_hw {
    struct fake_msr msr[16];
    unsigned int nr_msr;
    uint64_t tsc;
    unsigned long cr0, cr4;
    uint32_t vendor;
    bool all_features;                  /* CPUID reports every bit set */
    struct io_access io[64];            /* a ring: the last 64 accesses */
    unsigned int nr_io;                 /* how many in all */
    unsigned int wbinvd;
    unsigned long dr[8];
    unsigned int dr_writes;
};
extern struct fake_hw hw;

void set_msr(uint32_t idx, uint64_t val);
bool get_msr(uint32_t idx, uint64_t *val);

#define HW_CR0 (X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | \
                X86_CR0_WP | X86_CR0_AM | X86_CR0_PG | X86_CR0_TS)
#define HW_CR4 (X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE | X86_CR4_OSFXSR | \
                X86_CR4_OSXMMEXCPT | X86_CR4_OSXSAVE | (1ul << 20) /* SMEP */)

/* ---- The rest of the hypervisor ---- */

extern struct domain dom;
extern struct vcpu vcpu;
extern struct vcpu_info vinfo;
extern struct cpu_user_regs regs;
extern struct pv_emul_exception ex;

extern unsigned int fpu_ts_calls;       /* do_fpu_taskswitch() calls */
extern bool xsave_on;                   /* xstate_uses_xsave() */
extern uint64_t boot_xcr0, loaded_xcr0; /* xstate_boot_xcr0(), the last set */
extern unsigned int fpu_saves;          /* vcpu_save_fpu() calls */
extern struct acpi_fadt_info fadt;

/* ---- Running instructions ---- */

void reset(void);
/* Put an instruction at offset off of the code page and point rip at it. */
void place(const uint8_t *bytes, size_t n, unsigned int off);
/* place() it and emulate it (ex is poisoned first). */
int run_at(const uint8_t *bytes, size_t n, unsigned int off);

#define BYTES(...) ((const uint8_t[]){ __VA_ARGS__ })
#define NBYTES(...) sizeof((const uint8_t[]){ __VA_ARGS__ })
#define RUN(...) run_at(BYTES(__VA_ARGS__), NBYTES(__VA_ARGS__), INSN_OFF)

/* The instruction completed and rip moved by len. */
#define CHECK_DONE(rc, len) do {                                    \
        CHECK_EQ(rc, X86EMUL_OKAY);                                 \
        CHECK_EQ(regs.rip, START + (len));                          \
    } while ( 0 )
/* The emulator raised vec (error code ec) and rip did not move. */
#define CHECK_FAULT(rc, vec, ec) do {                               \
        CHECK_EQ(rc, X86EMUL_EXCEPTION);                            \
        CHECK_EQ(ex.vector, vec);                                   \
        CHECK_EQ(ex.error_code, ec);                                \
        CHECK_EQ(regs.rip, START);                                  \
    } while ( 0 )
/* The emulator declined: the caller bounces the original #GP. */
#define CHECK_DECLINED(rc) do {                                     \
        CHECK_EQ(rc, X86EMUL_UNHANDLEABLE);                         \
        CHECK_EQ(regs.rip, START);                                  \
    } while ( 0 )

#endif /* TOOLS_TESTS_UNIT_EMUL_PRIV_FAKE_H */
