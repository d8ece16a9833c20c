/*
 * pv/callback.c: where a PV guest wants to be entered: its virtual IDT
 * (set_trap_table), its callbacks (callback_op) and its kernel stack
 * (stack_switch).
 *
 * Theory of operation. These only record addresses in v->arch.pv; they
 * are used when pv/traps.c bounces the guest. The NMI callback is not a
 * separate entry point: as on Xen it is the virtual IDT's vector 2. Entry points must be
 * canonical addresses outside the hypervisor's hole, or the bounce would
 * make the final iret fault; they are checked here, when the guest sets
 * them, so that a bad one fails the hypercall instead of crashing the
 * guest later. set_trap_table takes a list ending with an entry whose
 * address is 0 (or an empty list, which clears the table); it is
 * preemptible, as a list may be long.
 *
 * Locking: none; each call changes only current's own state.
 */
#include <asm/current.h>
#include <asm/pv/hypercall.h>
#include <asm/traps.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <public/callback.h>

/* A code address a guest may be sent to (0 unregisters). */
static bool entry_point_ok(unsigned long addr)
{
    return !addr || guest_range_ok(addr, 1);
}

long do_set_trap_table(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    XEN_GUEST_HANDLE_PARAM(trap_info_t) traps = guest_handle_cast(arg, trap_info_t);
    struct trap_info *ctxt = current->arch.pv.trap_ctxt;
    struct trap_info cur;
    unsigned int i;

    /* A null list clears every entry. */
    if ( guest_handle_is_null(traps) )
    {
        memset(ctxt, 0, 256 * sizeof(*ctxt));
        return 0;
    }

    for ( i = 0; ; i++ )
    {
        if ( i && hypercall_preempt_check() )
            return hypercall_create_continuation(__HYPERVISOR_set_trap_table,
                                                 "h", traps.p + i);
        if ( copy_from_guest_offset(&cur, traps, i, 1) )
            return -EFAULT;
        if ( cur.address == 0 )
            return 0;
        if ( !entry_point_ok(cur.address) )
            return -EINVAL;
        ctxt[cur.vector] = cur;
        /* The guest runs at CPL 3: its selector is always RPL 3. */
        ctxt[cur.vector].cs |= 3;
    }
}

static int callback_index(unsigned int type)
{
    switch ( type )
    {
    case CALLBACKTYPE_event:     return PV_CB_event;
    case CALLBACKTYPE_failsafe:  return PV_CB_failsafe;
    case CALLBACKTYPE_syscall:   return PV_CB_syscall;
    case CALLBACKTYPE_syscall32: return PV_CB_syscall32;
    case CALLBACKTYPE_sysenter:  return PV_CB_sysenter;
    case CALLBACKTYPE_nmi:       return PV_CB_nmi;
    default:                     return -1;
    }
}

static long register_callback(const struct callback_register *reg)
{
    struct pv_vcpu *pv = &current->arch.pv;
    int cb = callback_index(reg->type);

    if ( cb < 0 )
        return -ENOSYS;
    if ( !entry_point_ok(reg->address) )
        return -EINVAL;
    if ( cb == PV_CB_nmi )
    {
        /* The NMI handler is the virtual IDT's vector 2, events masked. */
        pv->trap_ctxt[TRAP_nmi] = (struct trap_info){
            .vector = TRAP_nmi, .flags = 4, .cs = FLAT_KERNEL_CS,
            .address = reg->address,
        };
        return 0;
    }
    pv->callback[cb] = reg->address;
    if ( reg->flags & CALLBACKF_mask_events )
        set_bit(cb, &pv->callback_masks);
    else
        clear_bit(cb, &pv->callback_masks);
    return 0;
}

static long unregister_callback(const struct callback_unregister *unreg)
{
    struct pv_vcpu *pv = &current->arch.pv;
    int cb = callback_index(unreg->type);

    if ( cb < 0 )
        return -ENOSYS;
    /* The event and failsafe callbacks cannot be taken away. */
    if ( cb == PV_CB_event || cb == PV_CB_failsafe )
        return -EINVAL;
    if ( cb == PV_CB_nmi )
        memset(&pv->trap_ctxt[TRAP_nmi], 0, sizeof(pv->trap_ctxt[TRAP_nmi]));
    pv->callback[cb] = 0;
    clear_bit(cb, &pv->callback_masks);
    return 0;
}

long do_callback_op(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    switch ( cmd )
    {
    case CALLBACKOP_register:
    {
        struct callback_register reg;

        if ( copy_from_guest(&reg, guest_handle_cast(arg, callback_register_t), 1) )
            return -EFAULT;
        return register_callback(&reg);
    }
    case CALLBACKOP_unregister:
    {
        struct callback_unregister unreg;

        if ( copy_from_guest(&unreg, guest_handle_cast(arg, callback_unregister_t), 1) )
            return -EFAULT;
        return unregister_callback(&unreg);
    }
    default:
        return -ENOSYS;
    }
}

long do_stack_switch(unsigned long ss, unsigned long esp)
{
    struct pv_vcpu *pv = &current->arch.pv;

    /* Any RPL 3 stack selector will do; the guest kernel runs on it. */
    pv->kernel_ss = ss | 3;
    pv->kernel_sp = esp;
    return 0;
}
