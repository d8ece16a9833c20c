/*
 * pv/misc-hypercalls.c: small hypercalls that change one piece of a PV
 * vCPU's hardware state: the FPU's task-switched bit and the segment
 * bases.
 *
 * fpu_taskswitch(set) is the guest's clts/stts: it sets or clears the
 * virtual CR0.TS. While the guest's TS is set, its first FPU instruction
 * raises #NM, which is bounced to it (pv/traps.c) after the hypervisor's
 * own lazy restore; the real CR0.TS belongs to the hypervisor's lazy
 * switching, so the virtual bit only decides whether to bounce.
 *
 * set_segment_base(which, base): FS base (shared by both modes), the
 * kernel and user GS bases, and loading the user %gs selector. In kernel
 * mode the MSR holds the kernel GS base, so a user GS base is only
 * recorded; it is loaded when the vCPU switches to user mode.
 *
 * Locking: none; current only.
 */
#include <asm/current.h>
#include <asm/page.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/pv/hypercall.h>
#include <asm/uaccess.h>
#include <xen/lib.h>
#include <xen/sched.h>

long do_fpu_taskswitch(int set)
{
    struct pv_vcpu *pv = &current->arch.pv;

    if ( set )
        pv->ctrlreg[0] |= X86_CR0_TS;
    else
        pv->ctrlreg[0] &= ~X86_CR0_TS;
    /* Make the next FPU use trap, so a newly set TS is seen. */
    if ( set )
        write_cr0(read_cr0() | X86_CR0_TS);
    return 0;
}

/*
 * Load sel into %gs as the user's selector without disturbing the kernel
 * GS base in the MSR; a bad selector loads the null selector instead.
 * Returns the base the load produced.
 */
static unsigned long load_user_gs_selector(unsigned int sel)
{
    unsigned long kernel_base = rdmsr(MSR_GS_BASE), user_base;

    __asm__ __volatile__ (
        "1: mov %k0, %%gs\n"
        "2:\n"
        ".pushsection .text.fixup, \"ax\"\n"
        "3: xor %k0, %k0\n"
        "   mov %k0, %%gs\n"
        "   jmp 2b\n"
        ".popsection\n"
        _ASM_EXTABLE(1b, 3b)
        : "+r" (sel) );
    user_base = rdmsr(MSR_GS_BASE);
    wrmsr(MSR_GS_BASE, kernel_base);
    return user_base;
}

long do_set_segment_base(unsigned int which, unsigned long base)
{
    struct vcpu *v = current;
    struct pv_vcpu *pv = &v->arch.pv;

    if ( which != SEGBASE_GS_USER_SEL && !is_canonical_address(base) )
        return -EINVAL;

    switch ( which )
    {
    case SEGBASE_FS:
        pv->fs_base = base;
        wrmsr(MSR_FS_BASE, base);
        return 0;

    case SEGBASE_GS_USER:
        pv->gs_base_user = base;
        if ( !pv->kernel_mode )
            wrmsr(MSR_GS_BASE, base);
        return 0;

    case SEGBASE_GS_KERNEL:
        pv->gs_base_kernel = base;
        if ( pv->kernel_mode )
            wrmsr(MSR_GS_BASE, base);
        return 0;

    case SEGBASE_GS_USER_SEL:
        pv->gs_base_user = load_user_gs_selector(base & 0xffff);
        return 0;

    default:
        return -EINVAL;
    }
}
