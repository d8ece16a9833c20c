/*
 * mm.c: the test guests' view of their memory.
 *
 * The dom0 builder maps the boot area linearly: VA VIRT_BASE + (pfn << 12)
 * maps pfn, for pfn 0 up to a 4 MiB boundary past the boot stack, with the
 * page tables themselves mapped read-only.  So the VA of any frame of the
 * boot area is pfn_to_va(m2p[mfn]), and the page tables can be walked
 * from start_info->pt_base.  The allocator hands out the pages after the
 * boot stack, up to the end of that mapping; map_mfn() repoints one of
 * them at another frame with update_va_mapping.
 */
#include "guest.h"

unsigned long boot_area_end;
unsigned long free_area_start;
static unsigned long free_next;

unsigned long mfn_to_va(xen_pfn_t mfn)
{
    unsigned long pfn, va;

    if ( mfn >= (1UL << 36) )
        return 0;
    pfn = m2p[mfn];
    if ( pfn >= start_info->nr_pages )
        return 0;
    va = pfn_to_va(pfn);
    if ( boot_area_end && va >= boot_area_end )
        return 0;
    if ( p2m[pfn] != mfn )
        return 0;
    return va;
}

uint64_t lookup_pte(unsigned long va, unsigned int *level)
{
    const uint64_t *table = (const uint64_t *)start_info->pt_base;
    unsigned int lvl;
    uint64_t e = 0;

    for ( lvl = 4; lvl >= 1; lvl-- )
    {
        unsigned int idx = (va >> (12 + 9 * (lvl - 1))) & 511;
        unsigned long next;

        e = table[idx];
        if ( level )
            *level = lvl;
        if ( !(e & _PAGE_PRESENT) )
            return 0;
        if ( lvl == 1 || (e & _PAGE_PSE) )
            break;
        next = mfn_to_va((e & PTE_MFN_MASK) >> PAGE_SHIFT);
        if ( !next )
            return 0;
        table = (const uint64_t *)next;
    }
    return e;
}

void mm_init(void);
void mm_init(void)
{
    unsigned long va, top;

    top = start_info->pt_base + start_info->nr_pt_frames * PAGE_SIZE;
    if ( ROUNDUP(entry_state.gpr[R_RSP], PAGE_SIZE) > top )
        top = ROUNDUP(entry_state.gpr[R_RSP], PAGE_SIZE);
    free_area_start = free_next = top;

    for ( va = top; ; va += PAGE_SIZE )
        if ( !(lookup_pte(va, NULL) & _PAGE_PRESENT) )
            break;
    boot_area_end = va;
}

void *alloc_page(void)
{
    void *p;

    if ( free_next >= boot_area_end )
        panic("out of pages (boot area ends at %#lx)", boot_area_end);
    p = (void *)free_next;
    free_next += PAGE_SIZE;
    memset(p, 0, PAGE_SIZE);
    return p;
}

void *map_mfn(xen_pfn_t mfn, uint64_t pte_flags)
{
    void *va = alloc_page();
    long rc = hypervisor_update_va_mapping((unsigned long)va,
                                           (mfn << PAGE_SHIFT) | pte_flags | _PAGE_ACCESSED |
                                           ((pte_flags & _PAGE_RW) ? _PAGE_DIRTY : 0),
                                           UVMF_INVLPG);

    if ( rc )
        panic("update_va_mapping(%p -> mfn %#lx): %ld", va, mfn, rc);
    return va;
}
