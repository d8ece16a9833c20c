/*
 * i387.c: lazy switching of the vCPUs' FPU/SSE/AVX state.
 *
 * Theory of operation. The hypervisor itself never uses the FPU or the
 * SIMD registers (it is built with -mno-sse and friends), so those
 * registers only ever hold some vCPU's state, and CR0.TS says whether it
 * is the running vCPU's:
 *
 *   - CR0.TS set: the registers hold nothing the running vCPU may see (a
 *     previous vCPU's state, already saved, or nothing at all). Its first
 *     FPU/SSE/AVX instruction raises #NM. Every pCPU starts this way
 *     (xstate.c) and the idle vCPU never clears it.
 *   - CR0.TS clear: the registers are the running vCPU's state, and
 *     v->arch.fpu_dirtied is set: the copy in v->arch.xsave_area is stale.
 *
 * Switch-out (context_switch() -> vcpu_save_fpu(prev)): if prev dirtied
 * the registers, XSAVE/FXSAVE them into prev's area and clear
 * fpu_dirtied; then set CR0.TS. A vCPU that did not touch the FPU since it
 * was switched in costs one CR0 write and no save.
 *
 * First touch (#NM -> vcpu_restore_fpu_lazy(current)): clear CR0.TS, load
 * the vCPU's XCR0 if the pCPU holds another one, and restore its area;
 * if it never had any FPU state (fpu_initialised clear), its area is
 * first filled with the clean initial state (FCW 0x37f, MXCSR 0x1f80,
 * everything else zero / empty / in its XSAVE initial configuration), so
 * nothing of another vCPU leaks into it. Then fpu_initialised and
 * fpu_dirtied are set.
 *
 * Nothing is "owned" across switches: the state is always saved at
 * switch-out, so a vCPU may next run on any pCPU, and a pCPU's
 * registers never need to be fetched back from elsewhere.
 *
 * Guest CR0.TS (fpu_taskswitch, a later issue): a PV guest will keep a
 * virtual CR0.TS. When it is set, the hypervisor keeps the real TS set
 * even while the vCPU's state is loaded, and the #NM path, after loading
 * the state if needed, must deliver #NM to the guest instead of simply
 * returning (see the hook in vcpu_restore_fpu_lazy()). vcpu_save_fpu()
 * already copes with TS being set while the state is dirty.
 *
 * Concurrency: everything here acts on the running pCPU and on a vCPU
 * that is current on it (or being switched away from it); no locks.
 */
#include <asm/current.h>
#include <asm/i387.h>
#include <asm/xstate.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/percpu.h>
#include <xen/sched.h>
#include <xen/xmalloc.h>

static DEFINE_PER_CPU(unsigned long, lazy_restores);

int vcpu_init_fpu(struct vcpu *v)
{
    struct xsave_struct *area;

    BUILD_BUG_ON(sizeof(struct fxsave_area) != FXSAVE_AREA_SIZE);
    BUILD_BUG_ON(sizeof(struct xsave_struct) !=
                 XSAVE_HDR_OFFSET + sizeof(struct xsave_hdr));
    BUILD_BUG_ON(sizeof(struct xsave_struct) != XSAVE_YMM_OFFSET);
    ASSERT(!v->arch.xsave_area);

    area = _xzalloc(xstate_area_size(), XSAVE_AREA_ALIGN);
    if ( !area )
        return -ENOMEM;

    v->arch.xsave_area = area;
    v->arch.xcr0 = xstate_boot_xcr0();
    v->arch.fpu_initialised = false;
    v->arch.fpu_dirtied = false;
    return 0;
}

void vcpu_destroy_fpu(struct vcpu *v)
{
    /* A vCPU is destroyed switched out: its registers are saved or gone. */
    if ( v == current && v->arch.fpu_dirtied )
        stts();
    v->arch.fpu_dirtied = false;
    v->arch.fpu_initialised = false;
    XFREE(v->arch.xsave_area);
}

void vcpu_save_fpu(struct vcpu *v)
{
    if ( v->arch.fpu_dirtied )
    {
        ASSERT(v->arch.xsave_area);
        /* Guest-virtual TS (later) may have set TS over loaded state. */
        if ( read_cr0() & X86_CR0_TS )
            clts();
        xstate_save(v->arch.xsave_area);
        v->arch.fpu_dirtied = false;
    }
    stts();
}

void vcpu_switch_in_fpu(const struct vcpu *v)
{
    if ( xstate_uses_xsave() && v->arch.xsave_area )
        xstate_set_xcr0(v->arch.xcr0);
}

void vcpu_restore_fpu_lazy(struct vcpu *v)
{
    struct xsave_struct *area = v->arch.xsave_area;

    BUG_ON(!area);
    clts();
    this_cpu(lazy_restores)++;

    if ( !v->arch.fpu_dirtied )
    {
        if ( xstate_uses_xsave() )
            xstate_set_xcr0(v->arch.xcr0);
        if ( !v->arch.fpu_initialised )
            xstate_make_initial(area);
        xstate_restore(area);
        v->arch.fpu_initialised = true;
        v->arch.fpu_dirtied = true;
    }

    /*
     * Hook for the guest's virtual CR0.TS (fpu_taskswitch, later issue):
     * if v's guest has set it, set the real TS again and deliver #NM to
     * the guest here; its trap handler will clear its TS and retry.
     */
}

unsigned long fpu_lazy_restores(void)
{
    return this_cpu(lazy_restores);
}
