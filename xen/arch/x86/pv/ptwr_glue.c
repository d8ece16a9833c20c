/*
 * pv/ptwr_glue.c: from a guest's write fault to the writable page-table
 * emulator (pv/ptwr.c) and back.
 *
 * Theory of operation. A PV guest kernel may write an entry of one of its
 * validated L1 tables directly (pv-abi.md 0.5): the table is mapped
 * read-only, so the write raises #PF. pv_ptwr_fault() decides whether the
 * fault is such a write: the guest was in kernel mode; the fault is a
 * write to a present, read-only page (not a reserved-bit or instruction
 * fetch fault); the address is the guest's; and the page it maps, found
 * through the page tables the vCPU runs on, is a validated L1 table of
 * the faulting domain. It then holds a type reference on that L1 (so the
 * table stays validated while the instruction is emulated) and hands the
 * instruction to ptwr_emulate() with three callbacks: fetch reads the
 * guest's instruction bytes, read_pte the entry, and cmpxchg_pte validates
 * and stores a new entry exactly as mmu_update would
 * (pv_cmpxchg_l1e(): the same rules, references taken before the store and
 * dropped after). A write that is refused, or that is no ptwr write at
 * all, is the guest's #PF: the caller delivers it.
 *
 * Locking: none; see pt_validate.c (entries by compare-and-exchange).
 */
#include <asm/current.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pv/mm.h>
#include <asm/pv/ptwr.h>
#include <asm/pv/traps.h>
#include <xen/domain_page.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>

struct ptwr_ctx {
    struct page_info *l1pg;         /* the table written (type ref held) */
    unsigned int idx;               /* the entry written */
};

static unsigned long ptwr_fetch(void *ctx, unsigned long va, void *buf,
                                unsigned int len)
{
    (void)ctx;
    return raw_copy_from_guest(buf, (const void *)va, len);
}

static uint64_t ptwr_read_pte(void *ctx)
{
    const struct ptwr_ctx *c = ctx;

    return __atomic_load_n((intpte_t *)page_to_virt(c->l1pg) + c->idx,
                           __ATOMIC_SEQ_CST);
}

static int ptwr_cmpxchg_pte(void *ctx, uint64_t old, uint64_t new,
                            uint64_t *cur)
{
    const struct ptwr_ctx *c = ctx;

    return pv_cmpxchg_l1e(c->l1pg, c->idx, old, new, cur);
}

static const struct ptwr_ops ptwr_ops = {
    .fetch = ptwr_fetch,
    .read_pte = ptwr_read_pte,
    .cmpxchg_pte = ptwr_cmpxchg_pte,
};

/* The L1 entry through which v's current page tables map va, or 0. */
static intpte_t effective_l1e(const struct vcpu *v, unsigned long va)
{
    unsigned long mfn = v->arch.cr3 >> PAGE_SHIFT;
    unsigned int level;
    intpte_t e = 0;

    for ( level = 4; level >= 1; level-- )
    {
        const intpte_t *t;

        if ( !mfn_valid(_mfn(mfn)) )
            return 0;
        t = mfn_to_virt(_mfn(mfn));
        e = __atomic_load_n(&t[(va >> (PAGE_SHIFT + 9 * (level - 1))) & 511],
                            __ATOMIC_RELAXED);
        if ( !(e & _PAGE_PRESENT) || (level > 1 && (e & _PAGE_PSE)) )
            return 0;
        mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    }
    return e;
}

/* A type reference on the validated L1 of d's that e maps, or NULL. */
static struct page_info *get_l1_table(intpte_t e, struct domain *d)
{
    unsigned long mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT, type;
    struct page_info *pg;

    if ( !mfn_valid(_mfn(mfn)) )
        return NULL;
    pg = mfn_to_page(_mfn(mfn));
    if ( !get_page(pg, d) )
        return NULL;
    if ( page_type_get_validated(pg, &type) )
    {
        if ( type == PGT_l1_page_table )
            return pg;
        put_page_type(pg);
    }
    put_page(pg);
    return NULL;
}

bool pv_ptwr_fault(struct cpu_user_regs *regs, unsigned long addr)
{
    struct vcpu *v = current;
    struct ptwr_ctx ctx;
    intpte_t e;
    int rc;

    if ( !v->arch.pv.kernel_mode ||
         (regs->error_code & (PFEC_page_present | PFEC_write_access |
                              PFEC_reserved_bit | PFEC_insn_fetch)) !=
         (PFEC_page_present | PFEC_write_access) ||
         !guest_range_ok(addr, 1) )
        return false;
    e = effective_l1e(v, addr);
    if ( !(e & _PAGE_PRESENT) || (e & _PAGE_RW) )
        return false;
    ctx.l1pg = get_l1_table(e, v->domain);
    if ( !ctx.l1pg )
        return false;
    ctx.idx = (addr & ~PAGE_MASK) >> 3;
    rc = ptwr_emulate(regs, addr, &ptwr_ops, &ctx);
    put_page_and_type(ctx.l1pg);
    return rc == X86EMUL_OKAY;
}
