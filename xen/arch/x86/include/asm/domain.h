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

struct domain;
struct vcpu;
struct domain_create_args;
struct xsave_struct;

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
};

struct arch_domain {
    unsigned int unused;
};

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
