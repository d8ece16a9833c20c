/*
 * domain.c: the x86 side of domains and vCPUs, and the context switch.
 *
 * Theory of operation. The hypervisor has one stack per pCPU, not one
 * per vCPU. A vCPU that is switched out keeps nothing on the stack: its
 * state lives in struct vcpu (guest registers, later; FPU state in
 * v->arch.xsave_area), and v->arch.tail says where it continues. So
 * context_switch() saves what the outgoing vCPU left in the pCPU (its
 * FPU state, lazily: only if it used the FPU since it was switched in),
 * makes the next vCPU current, tells the scheduler the outgoing one may
 * now run elsewhere, and then resets the stack to its top and calls the
 * next vCPU's tail: the idle loop for an idle vCPU, the return-to-guest
 * path for a guest. Whatever the stack held (the softirq handler that
 * called schedule()) is abandoned, which softirq.c is told about.
 *
 * The FPU is switched lazily: after a switch CR0.TS is set, and the
 * incoming vCPU's first FPU/SSE instruction traps (#NM, see i387.c),
 * which loads its state. A vCPU that never touches the FPU costs nothing.
 */
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <asm/current.h>
#include <asm/i387.h>
#include <asm/smpboot.h>
#include <asm/system.h>

int arch_domain_create(struct domain *d, const struct domain_create_args *args)
{
    (void)d;
    (void)args;
    return 0;
}

void arch_domain_destroy(struct domain *d)
{
    (void)d;
}

int arch_vcpu_create(struct vcpu *v)
{
    if ( is_idle_vcpu(v) )
    {
        v->arch.tail = idle_loop;
        return 0;
    }
    return vcpu_init_fpu(v);
}

void arch_vcpu_destroy(struct vcpu *v)
{
    if ( !is_idle_vcpu(v) )
        vcpu_destroy_fpu(v);
}

/* Drop everything on this stack and continue in fn, at the stack top. */
static void __noreturn reset_stack_and_call(void (*fn)(void))
{
    __asm__ __volatile__ (
        "mov %0, %%rsp\n\t"
        "call *%1\n\t"
        "ud2"
        :: "r" (get_cpu_info()), "r" (fn)
        : "memory" );
    __builtin_unreachable();
}

void context_switch(struct vcpu *prev, struct vcpu *next)
{
    ASSERT(prev != next);
    ASSERT(next->arch.tail);

    local_irq_disable();
    if ( !is_idle_vcpu(prev) )
        vcpu_save_fpu(prev);
    if ( !is_idle_vcpu(next) )
        vcpu_switch_in_fpu(next);
    set_current(next);
    local_irq_enable();

    sched_context_switched(prev, next);
    softirq_abandon_frame();
    reset_stack_and_call(next->arch.tail);
}

void continue_running(struct vcpu *v)
{
    (void)v;
}
