/*
 * pv/grant_pte.c: a PV guest's host mappings of grants, as L1 entries of
 * its own page tables.
 *
 * Theory of operation. common/grant_map.c holds the references of a
 * mapped grant (in the grantee's maptrack); this file only writes and
 * clears the entry that makes the frame visible. The entry is the
 * guest's L1 entry for a virtual address in its current kernel tables,
 * or (GNTMAP_contains_pte) the entry at a machine address, which must lie
 * in one of the guest's validated L1 tables. The entry written carries
 * bit 62 (_PAGE_GNTTAB), which a guest can never set itself; it is
 * present, accessed, dirty and never executable, writable unless the
 * grant is mapped read-only, user-accessible for GNTMAP_application_map.
 * pv/pt_validate.c knows that such an entry holds no references of its
 * own, so whatever the guest does to it, the frame stays referenced by
 * its grant handle until unmap.
 *
 * Unmapping clears the entry only if it still is the grant mapping of
 * that frame (the guest may have overwritten it: then nothing changes
 * and the unmap fails). unmap_and_replace moves the guest's own entry at
 * new_addr, references and all, into the grant's slot, leaving new_addr
 * unmapped.
 *
 * Locking: none; entries change by compare-and-exchange (pt_validate.c),
 * and the L1 tables are held by references while they are written.
 */
#include <asm/grant_table.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pv/mm.h>
#include <xen/domain_page.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <public/grant_table.h>

/* The entry that maps frame as a grant mapped with flags (GNTMAP_*). */
static intpte_t grant_l1e(unsigned long frame, uint32_t flags)
{
    intpte_t e = ((intpte_t)frame << PAGE_SHIFT) | _PAGE_PRESENT |
                 _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX | _PAGE_GNTTAB;

    if ( !(flags & GNTMAP_readonly) )
        e |= _PAGE_RW;
    if ( flags & GNTMAP_application_map )
        e |= _PAGE_USER;
    return pv_adjust_l1e(e);
}

/*
 * The L1 holding the entry addr names (a guest virtual address, or with
 * is_pte the entry's machine address), referenced, and the entry's index
 * in it; NULL if addr names no entry of the current guest's.
 */
static struct page_info *locate_l1e(uint64_t addr, bool is_pte,
                                    unsigned int *idx)
{
    struct vcpu *v = current;

    if ( is_pte )
    {
        if ( addr & (sizeof(intpte_t) - 1) )
            return NULL;
        *idx = (addr & ~PAGE_MASK) / sizeof(intpte_t);
        return pv_get_l1_table(v->domain, addr >> PAGE_SHIFT);
    }
    if ( !guest_range_ok(addr, 1) )
        return NULL;
    *idx = l1_table_offset(addr);
    return pv_get_guest_l1(v, addr);
}

int gnttab_host_map(uint64_t addr, unsigned long frame, uint32_t flags)
{
    struct page_info *l1pg;
    unsigned int idx;

    l1pg = locate_l1e(addr, flags & GNTMAP_contains_pte, &idx);
    if ( !l1pg )
        return GNTST_general_error;
    pv_install_grant_l1e(l1pg, idx, grant_l1e(frame, flags));
    put_page_and_type(l1pg);
    return GNTST_okay;
}

/* Is entry idx of l1pg the grant mapping of frame? */
static bool maps_grant(struct page_info *l1pg, unsigned int idx,
                       unsigned long frame)
{
    intpte_t e = pv_read_l1e(l1pg, idx);

    return (e & (_PAGE_PRESENT | _PAGE_GNTTAB)) == (_PAGE_PRESENT | _PAGE_GNTTAB) &&
           ((e & PTE_ADDR_MASK) >> PAGE_SHIFT) == frame;
}

/* unmap_and_replace: the grant entry becomes new_addr's (stolen) one. */
static int replace_with(struct page_info *l1pg, unsigned int idx,
                        unsigned long frame, uint64_t new_addr)
{
    struct page_info *npg;
    unsigned int nidx;
    intpte_t taken;
    int rc = GNTST_general_error;

    npg = locate_l1e(new_addr, false, &nidx);
    if ( !npg )
        return rc;
    /* Check both first: a refused op must leave new_addr mapped. */
    if ( maps_grant(l1pg, idx, frame) && !pv_steal_l1e(npg, nidx, &taken) )
    {
        rc = GNTST_okay;
        if ( pv_remove_grant_l1e(l1pg, idx, frame, taken) )
        {
            /* The guest rewrote the grant's entry meanwhile, racing with
             * itself: the stolen mapping is dropped, references and all. */
            pv_put_l1e(taken);
            rc = GNTST_general_error;
        }
    }
    put_page_and_type(npg);
    return rc;
}

int gnttab_host_unmap(uint64_t addr, unsigned long frame, uint32_t flags,
                      uint64_t new_addr)
{
    struct page_info *l1pg;
    unsigned int idx;
    int rc;

    l1pg = locate_l1e(addr, flags & GNTMAP_contains_pte, &idx);
    if ( !l1pg )
        return GNTST_general_error;
    if ( new_addr )
        rc = replace_with(l1pg, idx, frame, new_addr);
    else
        rc = pv_remove_grant_l1e(l1pg, idx, frame, 0) ? GNTST_general_error
                                                        : GNTST_okay;
    put_page_and_type(l1pg);
    return rc;
}
