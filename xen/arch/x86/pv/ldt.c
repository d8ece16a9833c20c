/*
 * pv/ldt.c: a 64-bit PV vCPU's local descriptor table (MMUEXT_SET_LDT).
 *
 * Theory of operation. A guest names its LDT by linear address and entry
 * count. The LDT is made of the guest's own pages, which, like GDT frames,
 * must have no writable mapping while they are in use. Nothing is looked
 * at when the LDT is set: LDTR points at this CPU's LDT window (desc.c),
 * whose pages start not present. The first time the CPU reads a
 * descriptor in one of them (a segment load with a TI=1 selector, lar,
 * lsl, a far transfer) it takes a #PF there, in guest mode, with no user
 * bit in the error code (the CPU's own access). The handler finds the
 * guest page at ldt_base + offset in the vCPU's kernel page tables, takes
 * a reference and a descriptor-page type reference on it (all its
 * descriptors are checked the first time, pv/descriptor.c), maps it into
 * the window, and the instruction runs again. A guest thus pays only for
 * the LDT pages it uses, and a bad page shows when it is used: as on Xen
 * 4.17 the guest then gets the fault, a #PF at its own LDT address, or
 * #GP with the selector as error code where that address is not
 * canonical (an LDT may run off the end of the lower half; SET_LDT checks
 * only its base).
 *
 * The vCPU keeps the pages it has mapped (ldt_frames, ldt_mapped) with
 * their references until its LDT changes or it is torn down. The window
 * holds the running vCPU's pages and no others: a context switch puts the
 * incoming vCPU's pages there (or none) and loads its LDTR. The
 * hypervisor itself reloads a vCPU's data selectors when switching it in;
 * their LDT pages are taken beforehand (pv_ldt_prepare_switch, with
 * interrupts on, since a frame changing type flushes every CPU's TLB), so
 * those loads find their pages mapped, and one that still faults gets the
 * failsafe callback. As on Xen built without CONFIG_PV_LDT_PAGING (the
 * reference is), a page stays mapped when the guest removes its own
 * mappings of it: the references keep it a descriptor page, which cannot
 * be mapped writable until the LDT is changed.
 *
 * Locking: none. Only the vCPU itself changes its LDT state (a hypercall,
 * a fault, its own context switch in), except at teardown, when it runs
 * nowhere; frame references are atomic.
 */
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pv/ldt.h>
#include <asm/pv/mm.h>
#include <asm/pv/traps.h>
#include <asm/traps.h>
#include <xen/domain_page.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/sched.h>

/* Xen's __addr_ok(): below the non-canonical gap, or above the hole. */
static bool ldt_base_ok(unsigned long base)
{
    return base < (1ul << 47) || base >= HYPERVISOR_VIRT_END;
}

int pv_check_ldt(unsigned long base, unsigned int ents)
{
    if ( !ents )
        return 0;
    return ents > LDT_MAX_ENTS || (base & ~PAGE_MASK) || !ldt_base_ok(base)
           ? -EINVAL : 0;
}

int pv_set_ldt(struct vcpu *v, unsigned long base, unsigned int ents)
{
    struct pv_vcpu *pv = &v->arch.pv;

    ASSERT(v == current || !v->is_running);
    if ( pv_check_ldt(base, ents) )
        return -EINVAL;
    if ( !ents )
        base = 0;
    if ( base == pv->ldt_base && ents == pv->ldt_ents )
        return 0;                   /* the same LDT: keep its pages */

    pv_destroy_ldt(v);
    pv->ldt_base = base;
    pv->ldt_ents = ents;
    if ( v == current )
        ldt_window_load(ents);      /* else at its next context switch */
    return 0;
}

void pv_destroy_ldt(struct vcpu *v)
{
    struct pv_vcpu *pv = &v->arch.pv;
    unsigned int i;

    ASSERT(v == current || !v->is_running);
    if ( !pv->ldt_mapped )
        return;
    /* No translation may outlive the references: unmap (and flush) first. */
    if ( v == current )
        for ( i = 0; i < LDT_WINDOW_PAGES; i++ )
            ldt_window_set_page(i, INVALID_MFN_RAW);
    for ( i = 0; i < LDT_WINDOW_PAGES; i++ )
        if ( pv->ldt_mapped & (1u << i) )
            put_page_and_type(mfn_to_page(_mfn(pv->ldt_frames[i])));
    pv->ldt_mapped = 0;
}

/* v's kernel L1 entry for the guest address va, or 0. */
static intpte_t guest_kernel_l1e(struct vcpu *v, unsigned long va)
{
    struct page_info *l1pg;
    intpte_t e;

    if ( !guest_range_ok(va, 1) )
        return 0;
    l1pg = pv_get_guest_l1(v, va);
    if ( !l1pg )
        return 0;
    e = __atomic_load_n((const intpte_t *)page_to_virt(l1pg) + l1_table_offset(va),
                        __ATOMIC_RELAXED);
    put_page_and_type(l1pg);
    return e;
}

/*
 * Take LDT page idx of v's (references held from then on, recorded in
 * ldt_frames): 0, -EFAULT if the guest does not map it, -EINVAL if it is
 * not a page of the guest's that can be a descriptor page.
 */
static int ldt_get_page(struct vcpu *v, unsigned int idx)
{
    struct pv_vcpu *pv = &v->arch.pv;
    unsigned long mfn;
    intpte_t e;
    int rc;

    ASSERT(idx < LDT_WINDOW_PAGES);
    if ( pv->ldt_mapped & (1u << idx) )
        return 0;
    e = guest_kernel_l1e(v, pv->ldt_base + ((unsigned long)idx << PAGE_SHIFT));
    if ( !(e & _PAGE_PRESENT) )
        return -EFAULT;
    mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    rc = pv_get_desc_page(mfn, v->domain);
    if ( rc )
        return rc;
    pv->ldt_frames[idx] = mfn;
    pv->ldt_mapped |= 1u << idx;
    return 0;
}

/* The LDT page a data selector of v's needs, if it names one. */
static void prepare_selector(struct vcpu *v, unsigned int sel)
{
    if ( (sel & 4) && (sel >> 3) < v->arch.pv.ldt_ents )
        (void)ldt_get_page(v, (sel & ~7u) >> PAGE_SHIFT);  /* else: failsafe */
}

void pv_ldt_prepare_switch(struct vcpu *next)
{
    const struct cpu_user_regs *regs = &next->arch.pv.user_regs;

    ASSERT(local_irq_is_enabled() && next != current);
    if ( !next->arch.pv.ldt_ents )
        return;
    prepare_selector(next, regs->ds);
    prepare_selector(next, regs->es);
    prepare_selector(next, regs->fs);
    prepare_selector(next, regs->gs);
}

void pv_ldt_switch_to(const struct vcpu *next)
{
    const struct pv_vcpu *pv = next ? &next->arch.pv : NULL;
    unsigned int i;

    for ( i = 0; i < LDT_WINDOW_PAGES; i++ )
        ldt_window_set_page(i, pv && (pv->ldt_mapped & (1u << i))
                               ? pv->ldt_frames[i] : INVALID_MFN_RAW);
    ldt_window_load(pv ? pv->ldt_ents : 0);
}

bool pv_ldt_guest_fault(struct cpu_user_regs *regs, unsigned long *addr)
{
    struct vcpu *v = current;
    struct pv_vcpu *pv = &v->arch.pv;
    unsigned long linear;
    unsigned int off, idx;

    ASSERT(guest_mode(regs) && local_irq_is_enabled());
    /* A guest access to the window (user bit set) is an ordinary fault. */
    if ( (regs->error_code & (PFEC_user_mode | PFEC_reserved_bit)) ||
         !ldt_window_offset(*addr, &off) || (off >> 3) >= pv->ldt_ents )
        return false;

    idx = off >> PAGE_SHIFT;
    if ( !ldt_get_page(v, idx) )
    {
        ldt_window_set_page(idx, pv->ldt_frames[idx]);
        return true;                /* the CPU reads it again */
    }

    linear = pv->ldt_base + off;
    if ( !is_canonical_address(linear) )
    {
        /* #GP[selector]: the descriptor's index, with TI set. */
        pv_inject_or_crash(regs, TRAP_gp_fault, (off & ~7u) | 4);
        return true;
    }
    *addr = linear;
    return false;
}
