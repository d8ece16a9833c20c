/*
 * asm/xstate.h: the CPU's extended (FPU/SSE/AVX...) state: which save
 * mechanism the hypervisor uses, the layout of the save area, and the
 * low-level save/restore primitives. The policy (when to save, when to
 * load) is in i387.c.
 */
#ifndef ASM_X86_XSTATE_H
#define ASM_X86_XSTATE_H

#include <asm/processor.h>
#include <xen/compiler.h>
#include <xen/types.h>

/* CPUID bits. */
#define X86_FEATURE_XSAVE_BIT   26  /* 1 ECX */

#define X86_CR4_OSXSAVE_BIT     18
#define X86_CR4_OSXSAVE         (1ul << X86_CR4_OSXSAVE_BIT)

#define XSTATE_CPUID            0x0000000du

/* XCR0 / XSTATE_BV state components. */
#define XSTATE_FP               (1ull << 0)   /* x87 */
#define XSTATE_SSE              (1ull << 1)   /* XMM0-15, MXCSR */
#define XSTATE_YMM              (1ull << 2)   /* AVX upper halves */
#define XSTATE_BNDREGS          (1ull << 3)   /* MPX */
#define XSTATE_BNDCSR           (1ull << 4)
#define XSTATE_OPMASK           (1ull << 5)   /* AVX-512 k0-7 */
#define XSTATE_ZMM_HI256        (1ull << 6)   /* upper zmm0-15 */
#define XSTATE_HI16_ZMM         (1ull << 7)   /* zmm16-31 */
#define XSTATE_PKRU             (1ull << 9)
#define XSTATE_FP_SSE           (XSTATE_FP | XSTATE_SSE)
#define XSTATE_MPX              (XSTATE_BNDREGS | XSTATE_BNDCSR)
#define XSTATE_AVX512           (XSTATE_OPMASK | XSTATE_ZMM_HI256 | \
                                 XSTATE_HI16_ZMM)
/*
 * User-state components this hypervisor will enable (all of them may be
 * saved with plain XSAVE in the standard format). Supervisor components
 * live in IA32_XSS, never in XCR0. AMX tile state (17, 18) is left out:
 * it needs XFD handling and 8KiB per vCPU.
 */
#define XSTATE_HANDLED          (XSTATE_FP_SSE | XSTATE_YMM | XSTATE_MPX | \
                                 XSTATE_AVX512 | XSTATE_PKRU)

/* Initial x87/SSE control values (what FNINIT / reset give). */
#define FCW_DEFAULT             0x037f
#define MXCSR_DEFAULT           0x1f80

/* The 512-byte FXSAVE image (also the legacy region of an XSAVE area). */
struct fxsave_area {
    uint16_t fcw;
    uint16_t fsw;
    uint8_t  ftw;              /* abridged: one bit per register, 1 = valid */
    uint8_t  rsvd1;
    uint16_t fop;
    uint64_t fip;
    uint64_t fdp;
    uint32_t mxcsr;
    uint32_t mxcsr_mask;
    uint8_t  st[8][16];        /* st0-7 / mm0-7, 10 bytes used of each */
    uint8_t  xmm[16][16];
    uint8_t  rsvd2[96];
};

struct xsave_hdr {
    uint64_t xstate_bv;        /* components the image holds (others: init) */
    uint64_t xcomp_bv;         /* 0: standard format */
    uint64_t rsvd[6];          /* must be zero for XRSTOR */
};

/*
 * A vCPU's save area: FXSAVE uses the first 512 bytes, XSAVE the whole
 * xstate_area_size() bytes (standard format: component i at the offset
 * CPUID.(0xd, i).EBX from the start).
 */
struct xsave_struct {
    struct fxsave_area fpu_sse;
    struct xsave_hdr hdr;
    uint8_t ext[];
} __aligned(64);

#define XSAVE_AREA_ALIGN        64
#define XSAVE_HDR_OFFSET        512
#define XSAVE_YMM_OFFSET        576    /* architectural for component 2 */
#define FXSAVE_AREA_SIZE        512

/*
 * Boot-time set-up of the extended state on this CPU: CR4.OSFXSR and
 * OSXMMEXCPT, CR4.OSXSAVE and XCR0 when XSAVE is used, CR0.TS set.
 * The boot CPU chooses (and reports) the mechanism; an AP that cannot
 * use the same XCR0 panics.
 */
void xstate_init_boot_cpu(void);
void xstate_init_secondary_cpu(void);

/* Did the boot CPU choose XSAVE? (FXSAVE/FXRSTOR otherwise.) */
bool xstate_uses_xsave(void);

/* XCR0 chosen at boot (0 with FXSAVE). */
uint64_t xstate_boot_xcr0(void);

/* Bytes a vCPU's save area needs (512 with FXSAVE). */
unsigned int xstate_area_size(void);

/* Load XCR0 on this CPU unless it already holds val (XSAVE only). */
void xstate_set_xcr0(uint64_t val);
uint64_t xstate_get_xcr0(void);

/*
 * Save the registers into / load them from an area (CR0.TS must be
 * clear). With XSAVE, every component of the loaded XCR0 is saved;
 * on restore, components not in the image's XSTATE_BV get their initial
 * values. Restoring a malformed image faults (#GP): the callers only
 * restore images that xstate_save() or xstate_make_initial() wrote.
 */
void xstate_save(struct xsave_struct *area);
void xstate_restore(const struct xsave_struct *area);

/*
 * Fill a whole area (xstate_area_size() bytes) with the clean start
 * state: FCW 0x37f, MXCSR 0x1f80, all registers zero, x87 registers
 * empty; with XSAVE, XSTATE_BV holds x87|SSE only (the rest is in its
 * initial state).
 */
void xstate_make_initial(struct xsave_struct *area);

static inline void clts(void)
{
    __asm__ __volatile__ ( "clts" ::: "memory" );
}

static inline void stts(void)
{
    write_cr0(read_cr0() | X86_CR0_TS);
}

#endif /* ASM_X86_XSTATE_H */
