/*
 * asm/i387.h: a vCPU's FPU/SSE/AVX state, switched lazily (see i387.c).
 */
#ifndef ASM_X86_I387_H
#define ASM_X86_I387_H

#include <xen/types.h>

struct vcpu;

/*
 * Allocate v's save area (64-byte aligned, xstate_area_size() bytes) and
 * give v the boot XCR0. The vCPU starts with no FPU state of its own: its
 * first FPU instruction gets the clean initial state. 0 or -ENOMEM.
 */
int vcpu_init_fpu(struct vcpu *v);

/* Free v's save area. v must not be running. Idempotent. */
void vcpu_destroy_fpu(struct vcpu *v);

/*
 * Switch-out (this pCPU, v the vCPU being switched away from, interrupts
 * off or at least no FPU use in between): if v used the FPU since it was
 * switched in, save its registers into its area; then set CR0.TS so the
 * next vCPU's first FPU instruction raises #NM.
 */
void vcpu_save_fpu(struct vcpu *v);

/*
 * Switch-in (optional today, all vCPUs share the boot XCR0): load v's
 * XCR0 if the pCPU holds a different one. CR0.TS stays set.
 */
void vcpu_switch_in_fpu(const struct vcpu *v);

/*
 * The #NM path: clear CR0.TS and load v's state into the registers (its
 * saved state, or the clean initial one the first time); from here v's
 * FPU state lives in the registers until vcpu_save_fpu(v).
 */
void vcpu_restore_fpu_lazy(struct vcpu *v);

/* How many lazy restores (#NM traps serviced) this pCPU has done. */
unsigned long fpu_lazy_restores(void);

#endif /* ASM_X86_I387_H */
