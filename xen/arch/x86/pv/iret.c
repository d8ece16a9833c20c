/*
 * pv/iret.c: HYPERVISOR_iret, the PV guest's return from an exception,
 * event or system call (pv-abi.md §1.7).
 *
 * Theory of operation. A 64-bit PV guest cannot use iretq itself for
 * everything: going back to its user mode means switching page tables and
 * GS bases, which only the hypervisor can do. So it pushes
 *     rax, r11, rcx, flags, rip, cs, rflags, rsp, ss
 * and makes hypercall 23 with rsp pointing at rax. The hypervisor loads
 * that state into the vCPU's frame: rip, rsp and rax always; r11 and rcx
 * unless flags has VGCF_in_syscall (then the guest is returning as sysret
 * would); rflags with IOPL and VM cleared and IF forced on (the guest's
 * "interrupts enabled" is the upcall mask, set to !IF here); cs and ss
 * with RPL 3. An RPL-3 cs (as opposed to the kernel's 0xe030 RPL 0 view)
 * means "return to user mode": switch to the user L4, which must exist.
 *
 * A bad frame never reaches the final iretq: a non-canonical rip or rsp,
 * or an unreadable stack, crashes the domain with a report.
 *
 * Locking: none; current only.
 */
#include <asm/current.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv/hypercall.h>
#include <asm/pv/traps.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>

long do_iret(void)
{
    struct vcpu *v = current;
    struct cpu_user_regs *regs = &get_cpu_info()->guest_cpu_user_regs;
    struct iret_context ctx;

    if ( raw_copy_from_guest(&ctx, (const void *)regs->rsp, sizeof(ctx)) )
    {
        pv_crash(v, regs, "iret: the frame on the guest stack is unreadable");
        return -EFAULT;
    }
    if ( !is_canonical_address(ctx.rip) || !is_canonical_address(ctx.rsp) )
    {
        pv_crash(v, regs, "iret: non-canonical rip or rsp in the frame");
        return -EINVAL;
    }

    if ( (ctx.cs & 3) == 3 )
    {
        /* To user mode: only from kernel mode, only with a user L4. */
        if ( !v->arch.pv.guest_table_user )
        {
            pv_crash(v, regs, "iret: return to user mode with no user page table");
            return -EFAULT;
        }
        if ( v->arch.pv.kernel_mode )
            pv_toggle_guest_mode(v);
    }

    regs->rip = ctx.rip;
    regs->cs = ctx.cs | 3;
    regs->rflags = (ctx.rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM)) |
                   X86_EFLAGS_IF | X86_EFLAGS_MBS;
    regs->rsp = ctx.rsp;
    regs->ss = ctx.ss | 3;
    if ( !(ctx.flags & VGCF_in_syscall) )
    {
        regs->r11 = ctx.r11;
        regs->rcx = ctx.rcx;
    }
    /* The guest's virtual IF; an NMI handler's iret lets NMIs in again. */
    v->vcpu_info->evtchn_upcall_mask = !(ctx.rflags & X86_EFLAGS_IF);
    v->arch.pv.nmi_masked = false;

    /* The dispatcher stores our result in rax: give back the saved one. */
    return ctx.rax;
}
