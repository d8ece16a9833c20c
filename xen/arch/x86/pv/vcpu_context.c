/*
 * pv/vcpu_context.c: VCPUOP_initialise for a 64-bit PV vCPU: a complete
 * starting state (struct vcpu_guest_context, public/arch-x86) for a vCPU
 * that is down, which VCPUOP_up then starts.
 *
 * Check, then commit: everything in the context that can be wrong (entry
 * points, selectors, the page-table bases and GDT frames, which must be
 * the domain's own validated tables) is checked and every reference taken
 * before any of the vCPU's state changes; a refused context leaves the
 * vCPU exactly as it was. Selectors get RPL 3 (the guest runs in ring 3),
 * rflags gets IF on and IOPL off, and the upcall mask starts set, as at
 * boot. An LDT (ldt_base, ldt_ents) is checked as MMUEXT_SET_LDT checks
 * it, and mapped as the vCPU uses it (pv/ldt.c).
 *
 * Locking: the caller (vcpu_op.c) only lets a domain initialise its own
 * vCPUs while they are down, so nothing runs on v meanwhile.
 */
#include <asm/current.h>
#include <asm/page.h>
#include <asm/desc.h>
#include <asm/mm.h>
#include <asm/processor.h>
#include <asm/pv/hypercall.h>
#include <asm/pv/ldt.h>
#include <asm/pv/mm.h>
#include <xen/domain_page.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/string.h>
#include <xen/vcpu_timer.h>
#include <xen/xmalloc.h>
#include <public/callback.h>

static int check_context(const struct vcpu_guest_context *c)
{
    unsigned int i;

    if ( pv_check_ldt(c->ldt_base, c->ldt_ents) ||
         c->gdt_ents > FIRST_RESERVED_GDT_ENTRY )
        return -EINVAL;
    if ( !is_canonical_address(c->user_regs.rip) || !is_canonical_address(c->user_regs.rsp) ||
         !is_canonical_address(c->event_callback_eip) || !is_canonical_address(c->failsafe_callback_eip) ||
         !is_canonical_address(c->syscall_callback_eip) || !is_canonical_address(c->fs_base) ||
         !is_canonical_address(c->gs_base_kernel) || !is_canonical_address(c->gs_base_user) ||
         !is_canonical_address(c->kernel_sp) )
        return -EINVAL;
    for ( i = 0; i < 256; i++ )
        if ( !is_canonical_address(c->trap_ctxt[i].address) )
            return -EINVAL;
    return 0;
}

static void load_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
    struct pv_vcpu *pv = &v->arch.pv;
    struct cpu_user_regs *r = &pv->user_regs;
    unsigned int i;

    BUILD_BUG_ON(sizeof(*r) != sizeof(c->user_regs));
    memcpy(r, &c->user_regs, sizeof(*r));
    r->cs |= 3;
    r->ss |= 3;
    r->ds = r->ds ? (r->ds | 3) : 0;
    r->es = r->es ? (r->es | 3) : 0;
    r->fs = r->fs ? (r->fs | 3) : 0;
    r->gs = r->gs ? (r->gs | 3) : 0;
    r->rflags = (r->rflags & ~X86_EFLAGS_IOPL) | X86_EFLAGS_IF | X86_EFLAGS_MBS;
    r->saved_upcall_mask = 0;
    r->error_code = r->entry_vector = 0;

    memcpy(pv->trap_ctxt, c->trap_ctxt, sizeof(c->trap_ctxt));
    for ( i = 0; i < 256; i++ )
        pv->trap_ctxt[i].cs |= 3;
    pv->kernel_ss = c->kernel_ss | 3;
    pv->kernel_sp = c->kernel_sp;
    pv->callback[PV_CB_event] = c->event_callback_eip;
    pv->callback[PV_CB_failsafe] = c->failsafe_callback_eip;
    pv->callback[PV_CB_syscall] = c->syscall_callback_eip;
    pv->callback_masks = 1ul << PV_CB_event;
    if ( c->flags & VGCF_failsafe_disables_events )
        pv->callback_masks |= 1ul << PV_CB_failsafe;
    if ( c->flags & VGCF_syscall_disables_events )
        pv->callback_masks |= 1ul << PV_CB_syscall;
    pv->fs_base = c->fs_base;
    pv->gs_base_kernel = c->gs_base_kernel;
    pv->gs_base_user = c->gs_base_user;
    for ( i = 0; i < 8; i++ )
        if ( i != 4 && i != 5 )
            pv->debugreg[i] = c->debugreg[i];
    pv->kernel_mode = !!(c->flags & VGCF_in_kernel) || !c->ctrlreg[1];
    pv->ctrlreg[0] = (pv->ctrlreg[0] & ~X86_CR0_TS) | (c->ctrlreg[0] & X86_CR0_TS);
    v->vcpu_info->evtchn_upcall_mask = 1;
}

int arch_initialise_vcpu(struct vcpu *v, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d = v->domain;
    struct vcpu_guest_context *c;
    unsigned long kernel_l4, user_l4;
    int rc;

    if ( v->arch.pv.initialised )
        return -EEXIST;
    c = xmalloc(struct vcpu_guest_context);
    if ( !c )
        return -ENOMEM;
    rc = -EFAULT;
    if ( raw_copy_from_guest(c, arg.p, sizeof(*c)) )
        goto out;
    rc = check_context(c);
    if ( rc )
        goto out;

    /* Take every reference the new state needs. */
    kernel_l4 = xen_cr3_to_pfn(c->ctrlreg[3]);
    user_l4 = xen_cr3_to_pfn(c->ctrlreg[1]);
    rc = pv_get_l4_base(d, kernel_l4);
    if ( rc )
        goto out;
    rc = user_l4 ? pv_get_l4_base(d, user_l4) : 0;
    if ( rc )
    {
        pv_put_l4_base(kernel_l4);
        goto out;
    }
    rc = pv_set_gdt(v, c->gdt_frames, c->gdt_ents);
    if ( rc )
    {
        pv_put_l4_base(user_l4);
        pv_put_l4_base(kernel_l4);
        goto out;
    }

    /* Commit: nothing below fails. */
    pv_fill_ro_mpt(mfn_to_page(_mfn(kernel_l4)));   /* a kernel base: slot 256 */
    pv_put_l4_base(v->arch.pv.guest_table_user);
    pv_put_l4_base(v->arch.pv.guest_table);
    v->arch.pv.guest_table = kernel_l4;
    v->arch.pv.guest_table_user = user_l4;
    load_context(v, c);
    if ( pv_set_ldt(v, c->ldt_base, c->ldt_ents) )
        ASSERT_UNREACHABLE();       /* checked by check_context() */
    v->arch.cr3 = (v->arch.pv.kernel_mode ? kernel_l4 : user_l4) << PAGE_SHIFT;
    v->arch.pv.initialised = true;
    rc = 0;
 out:
    xfree(c);
    return rc;
}
