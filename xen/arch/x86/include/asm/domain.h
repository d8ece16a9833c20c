/*
 * asm/domain.h: the x86 parts of struct domain and struct vcpu, and the
 * arch hooks that common domain and scheduler code calls.
 *
 * A vCPU that is not running keeps here what the pCPU would otherwise
 * hold: its FPU/SSE/AVX state (saved lazily, see i387.c) and where it
 * continues when it is switched to (tail).
 */
#ifndef ASM_X86_DOMAIN_H
#define ASM_X86_DOMAIN_H

#include <xen/types.h>
#include <xen/typesafe.h>
#include <asm/regs.h>
#include <public/xen.h>

struct domain;
struct vcpu;
struct domain_create_args;
struct xsave_struct;

/*
 * An exception or callback to deliver to the guest on the way out
 * (pv/traps.c builds the frame on the guest stack just before the return).
 */
struct trap_bounce {
    uint32_t error_code;
    uint8_t flags;                  /* TBF_* */
    uint16_t cs;
    unsigned long eip;
};
#define TBF_EXCEPTION         1     /* an exception: deliver it */
#define TBF_EXCEPTION_ERRCODE 2     /* ... with error_code */
#define TBF_INTERRUPT         8     /* mask events (upcall_mask = 1) */
#define TBF_FAILSAFE         16     /* the failsafe frame (segments too) */

/* Callbacks a PV guest registers (callback_op), with their flags. */
enum pv_callback {
    PV_CB_event,
    PV_CB_failsafe,
    PV_CB_syscall,
    PV_CB_syscall32,
    PV_CB_sysenter,
    PV_CB_nmi,
    NR_PV_CB
};

/*
 * The state of a 64-bit PV vCPU that the hardware does not hold while the
 * vCPU is switched out, and the virtual state the hypervisor emulates.
 */
struct pv_vcpu {
    /* General registers while switched out (copied to and from the
     * pCPU's guest frame, cpu_info->guest_cpu_user_regs). */
    struct cpu_user_regs user_regs;

    /* Virtual IDT (set_trap_table). */
    struct trap_info *trap_ctxt;    /* [256], xzalloc'd */
    struct trap_bounce trap_bounce;

    /* Callbacks: entry points and whether each masks events. */
    unsigned long callback[NR_PV_CB];
    unsigned long callback_masks;   /* bit n: PV_CB_n has CALLBACKF_mask_events */

    /* Virtual TSS: the guest kernel stack for entries from user mode. */
    unsigned long kernel_ss, kernel_sp;

    /* Segment bases. The active GS base is in the MSR while running; the
     * inactive one (user GS while in kernel mode and vice versa) is here. */
    unsigned long fs_base;
    unsigned long gs_base_kernel;
    unsigned long gs_base_user;

    /* Descriptor tables (set_gdt, MMUEXT_SET_LDT). */
    unsigned long gdt_frames[16];   /* machine frames */
    unsigned int gdt_ents;
    unsigned long ldt_base;         /* guest linear address, 0 if no LDT */
    unsigned int ldt_ents;
    /*
     * The LDT pages mapped so far (pv/ldt.c): bit n of ldt_mapped says
     * page n (bytes n * 4096 on) is ldt_frames[n], on which a reference
     * and a descriptor-page type reference are held.
     */
    unsigned long ldt_frames[16];   /* machine frames */
    uint16_t ldt_mapped;

    /* Virtual control and debug registers. */
    unsigned long ctrlreg[8];       /* cr0 (TS), cr4 shadows; cr2 unused */
    unsigned long debugreg[8];

    /* Port I/O: virtual IOPL (0-3) and the guest's I/O bitmap. */
    unsigned int iopl;
    unsigned long iobmp;            /* guest VA, 0 if none */
    unsigned int iobmp_nr;          /* ports it covers */

    /*
     * Page tables: the kernel and user L4s (machine frames; user 0 = none).
     * kernel_mode says which one the vCPU is on.
     */
    unsigned long guest_table;
    unsigned long guest_table_user;
    bool kernel_mode;

    /* Guest VA of its runstate copy (VCPUOP_register_runstate_memory_area). */
    unsigned long runstate_guest;
    /* Guest VA of its second vcpu_time_info copy
     * (VCPUOP_register_vcpu_time_memory_area), 0 if none. */
    unsigned long time_info_guest;
    /* The page of a registered vcpu_info (reference held), or NULL. */
    struct page_info *vcpu_info_page;

    /* Has the vCPU been given its state (builder or VCPUOP_initialise)? */
    bool initialised;

    /*
     * Virtual NMIs: one may be pending; while the guest's NMI callback
     * runs (until its next iret hypercall) further ones wait.
     */
    bool nmi_pending;
    bool nmi_masked;
};

struct arch_vcpu {
    /*
     * Where the vCPU continues each time it is switched to, on a fresh
     * stack: idle_loop for idle vCPUs, the return-to-guest path for
     * guests, a test body for the debug build's internal test vCPUs.
     */
    void (*tail)(void);

    /* FPU state, when the pCPU does not hold it (XSAVE or FXSAVE image). */
    struct xsave_struct *xsave_area;
    bool fpu_initialised;           /* xsave_area holds a real state */
    bool fpu_dirtied;               /* used since last switched in: save it */
    uint64_t xcr0;                  /* the XCR0 the vCPU runs with */

    /* CR3 to run the vCPU on (the kernel or user L4's address). */
    unsigned long cr3;

    struct pv_vcpu pv;              /* guests are 64-bit PV (for now) */
};

struct arch_domain {
    bool is_pv;                     /* a PV guest (not the idle domain) */

    /* Frames of the domain's memory, in pfn order (the p2m, PV: the
     * guest keeps its own copy; this one is the builder's record). */
    unsigned long nr_pages;

    /* Port I/O the domain may do directly (dom0: all but ours). */
    bool ioport_all;
    /* MMIO the domain may map (dom0: all non-RAM). */
    bool iomem_all;
};

/* Drop the vCPUs' holds on the domain's pages (domain_kill, before the
 * memory is released). */
void arch_domain_relinquish_resources(struct domain *d);

/* The arch part of a vCPU's line in the 'q' dump. */
void arch_dump_vcpu(const struct vcpu *v);

/* Set up / tear down the arch parts (before the vCPUs / after them). */
int arch_domain_create(struct domain *d, const struct domain_create_args *args);
void arch_domain_destroy(struct domain *d);
int arch_vcpu_create(struct vcpu *v);
void arch_vcpu_destroy(struct vcpu *v);

/*
 * Switch this pCPU from prev to next (both set up, next->is_running set,
 * the schedule lock released, IRQs enabled). Saves prev's state, loads
 * next's, makes next current, calls sched_context_switched(prev, next)
 * once prev's state is no longer needed on this pCPU, and continues in
 * next->arch.tail on a fresh stack: on the hardware it does not return.
 */
void context_switch(struct vcpu *prev, struct vcpu *next);

/* The scheduler chose to keep v running: reload nothing, carry on. */
void continue_running(struct vcpu *v);

#endif /* ASM_X86_DOMAIN_H */
