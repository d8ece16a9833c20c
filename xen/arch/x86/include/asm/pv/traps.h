/*
 * asm/pv/traps.h: the PV guest entry points, bounce frames and the
 * privileged-instruction emulator's interface (pv/traps.c,
 * pv/emul-priv-op.c, pv/hypercall.c).
 */
#ifndef ASM_X86_PV_TRAPS_H
#define ASM_X86_PV_TRAPS_H

#include <asm/regs.h>
#include <xen/types.h>

struct vcpu;

/* Page-fault error code bits. */
#define PFEC_page_present  (1u << 0)
#define PFEC_write_access  (1u << 1)
#define PFEC_user_mode     (1u << 2)
#define PFEC_reserved_bit  (1u << 3)
#define PFEC_insn_fetch    (1u << 4)

/* syscall MSRs and the GS-based frame pointer, on each pCPU. */
void pv_percpu_init(void);

/* Entries (pv/entry.S calls these). */
void pv_syscall_entry(struct cpu_user_regs *regs);
void pv_sysenter_entry(struct cpu_user_regs *regs);
int pv_exit_to_guest(void);
void pv_iret_fault(void);
/* An exception from guest mode (do_trap hands it over). */
void pv_do_trap(struct cpu_user_regs *regs);
void pv_do_general_protection(struct cpu_user_regs *regs);

/* A #DB in hypervisor context from the guest's own data breakpoint? */
bool pv_debug_in_hypervisor(void);

/* Switch current between guest kernel and user mode. */
void pv_toggle_guest_mode(struct vcpu *v);

/*
 * Deliver vector through the guest's virtual IDT on the way out
 * (error_code < 0: none). pv_inject_trap is false when the guest has no
 * handler; pv_inject_or_crash crashes the domain then.
 */
bool pv_inject_trap(struct vcpu *v, unsigned int vector, int error_code);
void pv_inject_or_crash(struct cpu_user_regs *regs, unsigned int vector,
                        int error_code);
/* The failsafe callback (a guest segment could not be loaded). */
void pv_failsafe(struct vcpu *v, struct cpu_user_regs *regs);

/* Crash v's domain with a report of regs and the guest stack. */
void pv_crash(struct vcpu *v, const struct cpu_user_regs *regs,
              const char *why);

/* The hypercall dispatcher (regs->rax = number, result back in rax). */
void pv_hypercall(struct cpu_user_regs *regs);

/* ---- The privileged-instruction emulator (pv/emul-priv-op.c) ---- */

#define X86EMUL_OKAY          0  /* emulated; regs (rip too) updated */
#define X86EMUL_UNHANDLEABLE  1  /* not ours: deliver the original fault */
#define X86EMUL_EXCEPTION     2  /* deliver the exception in *ex instead */

struct pv_emul_exception {
    unsigned int vector;
    int error_code;                 /* -1: none */
};

/* #GP with error code 0 from guest mode. */
int pv_emulate_privileged_op(struct cpu_user_regs *regs,
                             struct pv_emul_exception *ex);
/* #UD from guest mode: the forced-emulation prefix "ud2; 'xen'; cpuid". */
int pv_emulate_forced_cpuid(struct cpu_user_regs *regs);

#endif /* ASM_X86_PV_TRAPS_H */
