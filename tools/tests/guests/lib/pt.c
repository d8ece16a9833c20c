/*
 * pt.c: page-table helpers for the PV memory-management test guests (see
 * pt.h for the model).  Nothing here runs unless a test calls it.
 */
#include "pt.h"

uint64_t pte_for(const void *va, uint64_t flags)
{
    uint64_t pte = (virt_to_mfn(va) << PAGE_SHIFT) | flags;

    if ( flags & _PAGE_PRESENT )
        pte |= _PAGE_ACCESSED | ((flags & _PAGE_RW) ? _PAGE_DIRTY : 0);
    return pte;
}

long pt_ro(void *va)
{
    return hypervisor_update_va_mapping((unsigned long)va, pte_for(va, _PAGE_PRESENT),
                                        UVMF_INVLPG);
}

long pt_rw(void *va)
{
    return hypervisor_update_va_mapping((unsigned long)va,
                                        pte_for(va, _PAGE_PRESENT | _PAGE_RW), UVMF_INVLPG);
}

void *pt_table(void)
{
    void *t = alloc_page();
    long rc = pt_ro(t);

    if ( rc )
        panic("remapping table page %p read-only: %ld", t, rc);
    return t;
}

uint64_t pt_entry_maddr(unsigned long va, unsigned int level)
{
    const uint64_t *table = boot_l4();
    unsigned int lvl;

    for ( lvl = 4; lvl > level; lvl-- )
    {
        uint64_t e = table[pt_index(va, lvl)];

        if ( !(e & _PAGE_PRESENT) || (e & _PAGE_PSE) )
            return 0;
        table = (const uint64_t *)mfn_to_va((e & PTE_MFN_MASK) >> PAGE_SHIFT);
        if ( !table )
            return 0;
    }
    return entry_maddr(table, pt_index(va, level));
}

long mmu_update1(uint64_t ptr, uint64_t val)
{
    mmu_update_t req = { .ptr = ptr, .val = val };

    return hypervisor_mmu_update(&req, 1, NULL, DOMID_SELF);
}

long mmuext1(unsigned int cmd, unsigned long arg)
{
    mmuext_op_t op;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.arg1.mfn = arg;
    return hypervisor_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

xen_pfn_t foreign_mfn(xen_pfn_t from, xen_pfn_t limit)
{
    xen_pfn_t mfn;

    for ( mfn = from; mfn < limit; mfn++ )
    {
        uint64_t pfn;

        if ( probe_read(&m2p[mfn], &pfn) != -1 )
            continue;
        if ( pfn >= start_info->nr_pages || p2m[pfn] != mfn )
            return mfn;
    }
    return 0;
}
