/*
 * pv/hypercall.c: the hypercall table, its dispatcher, multicall and
 * continuations.
 *
 * Theory of operation. A 64-bit PV guest kernel makes a hypercall with
 * syscall: rax = number, arguments in rdi, rsi, rdx, r10, r8, r9, result
 * in rax (pv/entry.S builds the frame, pv_syscall_entry sends kernel-mode
 * syscalls here). One table, indexed by number, holds for each hypercall
 * a small adapter that turns the six raw registers into the handler's
 * typed arguments, and says whether the call is allowed inside a
 * multicall. Numbers outside the table or without a handler get -ENOSYS.
 *
 * Continuations. A handler that must stop early (hypercall_preempt_check)
 * calls hypercall_create_continuation(), which arranges for the same call
 * to be issued again with updated arguments: for a direct hypercall by
 * rewinding the guest's rip onto its syscall instruction and rewriting the
 * argument registers (rax becomes the hypercall number again through the
 * handler's return value); inside a multicall by updating the entry, which
 * the multicall writes back before continuing itself the same way.
 *
 * Locking: none here; the per-pCPU multicall state belongs to current.
 */
#include <asm/current.h>
#include <asm/pv/hypercall.h>
#include <asm/pv/mm.h>
#include <asm/pv/traps.h>
#include <xen/domctl.h>
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/percpu.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <stdarg.h>

typedef long hypercall_fn_t(unsigned long a1, unsigned long a2,
                            unsigned long a3, unsigned long a4,
                            unsigned long a5, unsigned long a6);

struct hypercall_entry {
    hypercall_fn_t *fn;
    bool in_multicall;              /* may be an entry of a multicall */
};

#define HC_ARGS unsigned long a1, unsigned long a2, unsigned long a3, \
                unsigned long a4, unsigned long a5, unsigned long a6
#define HC_UNUSED (void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6
#define HND(a) ((XEN_GUEST_HANDLE_PARAM(void)) { (void *)(a) })

/* An adapter: hc_<name>(raw registers) -> expression using a1..a6. */
#define HC(name, expr) \
    static long hc_##name(HC_ARGS) { HC_UNUSED; return (expr); }

HC(set_trap_table, do_set_trap_table(HND(a1)))
HC(stack_switch, do_stack_switch(a1, a2))
HC(set_gdt, do_set_gdt(HND(a1), (unsigned int)a2))
HC(update_descriptor, do_update_descriptor(a1, a2))
HC(fpu_taskswitch, do_fpu_taskswitch((int)a1))
HC(set_debugreg, do_set_debugreg((int)a1, a2))
HC(get_debugreg, do_get_debugreg((int)a1))
HC(multicall, do_multicall(HND(a1), (unsigned int)a2))
HC(set_timer_op, do_set_timer_op((s_time_t)a1))
HC(xen_version, do_xen_version((int)a1, HND(a2)))
HC(console_io, do_console_io((unsigned int)a1, (unsigned int)a2, HND(a3)))
HC(vm_assist, do_vm_assist((unsigned int)a1, (unsigned int)a2))
HC(iret, do_iret())
HC(vcpu_op, do_vcpu_op((int)a1, (unsigned int)a2, HND(a3)))
HC(set_segment_base, do_set_segment_base((unsigned int)a1, a2))
HC(sched_op, do_sched_op((int)a1, HND(a2)))
HC(callback_op, do_callback_op((int)a1, HND(a2)))
HC(event_channel_op, do_event_channel_op((int)a1, HND(a2)))
HC(grant_table_op, do_grant_table_op((unsigned int)a1, HND(a2), (unsigned int)a3))
HC(physdev_op, do_physdev_op((int)a1, HND(a2)))
HC(domctl, do_domctl(HND(a1)))
HC(memory_op, do_memory_op(a1, HND(a2)))
HC(update_va_mapping, do_update_va_mapping(a1, a2, a3))
HC(update_va_mapping_otherdomain,
   do_update_va_mapping_otherdomain(a1, a2, a3, (domid_t)a4))
HC(mmuext_op, do_mmuext_op(HND(a1), (unsigned int)a2, HND(a3), (unsigned int)a4))
HC(mmu_update, do_mmu_update(HND(a1), (unsigned int)a2, HND(a3), (unsigned int)a4))

#define ENTRY(name, mc) [__HYPERVISOR_##name] = { hc_##name, mc }

static const struct hypercall_entry hypercall_table[] = {
    ENTRY(set_trap_table, true),
    ENTRY(mmu_update, true),
    ENTRY(set_gdt, true),
    ENTRY(stack_switch, true),
    ENTRY(fpu_taskswitch, true),
    ENTRY(set_debugreg, true),
    ENTRY(get_debugreg, true),
    ENTRY(update_descriptor, true),
    ENTRY(memory_op, true),
    ENTRY(multicall, false),
    ENTRY(update_va_mapping, true),
    ENTRY(update_va_mapping_otherdomain, true),
    ENTRY(set_timer_op, true),
    ENTRY(xen_version, true),
    ENTRY(console_io, true),
    ENTRY(vm_assist, true),
    ENTRY(iret, false),
    ENTRY(vcpu_op, true),
    ENTRY(set_segment_base, true),
    ENTRY(mmuext_op, true),
    ENTRY(sched_op, true),
    ENTRY(callback_op, true),
    ENTRY(grant_table_op, true),
    ENTRY(event_channel_op, true),
    ENTRY(physdev_op, true),
    ENTRY(domctl, true),
};

/* ---- Multicall state, per pCPU ---- */

struct mc_state {
    bool active;                    /* inside do_multicall */
    bool preempted;                 /* the current entry continued itself */
    struct multicall_entry call;    /* the current entry */
};
static DEFINE_PER_CPU(struct mc_state, mc_state);

static long dispatch(unsigned long op, const unsigned long a[6], bool in_mc)
{
    const struct hypercall_entry *e;

    if ( op >= ARRAY_SIZE(hypercall_table) || !hypercall_table[op].fn )
        return -ENOSYS;
    e = &hypercall_table[op];
    if ( in_mc && !e->in_multicall )
        return -EINVAL;
    return e->fn(a[0], a[1], a[2], a[3], a[4], a[5]);
}

void pv_hypercall(struct cpu_user_regs *regs)
{
    unsigned long a[6] = {
        regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8, regs->r9,
    };

    regs->rax = dispatch(regs->rax, a, false);
}

/* ---- multicall ---- */

long do_multicall(XEN_GUEST_HANDLE_PARAM(void) arg, unsigned int nr)
{
    struct mc_state *mcs = &this_cpu(mc_state);
    XEN_GUEST_HANDLE_PARAM(multicall_entry_t) list =
        guest_handle_cast(arg, multicall_entry_t);
    unsigned int i;

    if ( mcs->active )
        return -EINVAL;                     /* no nesting */
    if ( !guest_handle_okay(list, nr) )
        return -EFAULT;

    mcs->active = true;
    for ( i = 0; i < nr; i++ )
    {
        if ( i && hypercall_preempt_check() )
            break;
        if ( copy_from_guest_offset(&mcs->call, list, i, 1) )
        {
            mcs->active = false;
            return -EFAULT;
        }
        mcs->preempted = false;
        mcs->call.result = dispatch(mcs->call.op, mcs->call.args, true);
        if ( mcs->preempted )
        {
            /* Write the entry back as it must be re-issued, and stop. */
            if ( copy_to_guest_offset(list, i, &mcs->call, 1) )
            {
                mcs->active = false;
                return -EFAULT;
            }
            break;
        }
        if ( copy_field_to_guest(((XEN_GUEST_HANDLE_PARAM(multicall_entry_t))
                                  { list.p + i }), &mcs->call, result) )
        {
            mcs->active = false;
            return -EFAULT;
        }
    }
    mcs->active = false;

    if ( i < nr )
        return hypercall_create_continuation(__HYPERVISOR_multicall, "hi",
                                             list.p + i, nr - i);
    return 0;
}

/* ---- Continuations ---- */

bool hypercall_preempt_check(void)
{
    struct vcpu *v = current;

    return softirq_pending(smp_processor_id()) ||
           (!is_idle_vcpu(v) && v->vcpu_info &&
            local_events_need_delivery_v(v));
}

static unsigned long next_arg(const char **fmt, va_list *ap)
{
    switch ( *(*fmt)++ )
    {
    case 'i':
        return va_arg(*ap, unsigned int);
    case 'l':
        return va_arg(*ap, unsigned long);
    case 'h':
        return (unsigned long)va_arg(*ap, void *);
    default:
        BUG();
    }
}

long hypercall_create_continuation(unsigned int op, const char *fmt, ...)
{
    struct mc_state *mcs = &this_cpu(mc_state);
    struct cpu_user_regs *regs = &get_cpu_info()->guest_cpu_user_regs;
    unsigned long *reg[6] = {
        &regs->rdi, &regs->rsi, &regs->rdx, &regs->r10, &regs->r8, &regs->r9,
    };
    unsigned int i;
    va_list ap;

    va_start(ap, fmt);
    if ( mcs->active && op != __HYPERVISOR_multicall )
    {
        mcs->preempted = true;
        for ( i = 0; *fmt && i < 6; i++ )
            mcs->call.args[i] = next_arg(&fmt, &ap);
    }
    else
    {
        regs->rip -= 2;                     /* back onto the syscall */
        for ( i = 0; *fmt && i < 6; i++ )
            *reg[i] = next_arg(&fmt, &ap);
    }
    ASSERT(!*fmt);
    va_end(ap);
    return op;
}
