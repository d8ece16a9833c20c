/*
 * domain_page.c: a domain's memory: which pages it owns, and the counts
 * that say how each page is used.
 *
 * Theory of operation (asm/mm.h has the frame-table fields).
 *
 * Ownership. A page is d's from assign_pages() on: owner d, on
 * d->page_list, counted in d->tot_pages (never beyond d->max_pages), and
 * PGC_allocated set, which stands for one general reference: the
 * allocation itself. The page stays d's until its general count drops to
 * zero, which can only happen once PGC_allocated has been cleared (the
 * guest gave the page back, or the domain died) and every other user has
 * let go; put_page() then takes it off the list and frees it. So a page
 * is never freed under a user's feet, and never changes owner while in use.
 *
 * General references (count_info, bottom PGC_count_width bits): one per
 * use of any kind: the allocation, each mapping of the page in a page
 * table (read-only or not), each reference from a higher-level page table
 * to a lower one, a pin, a vCPU's base pointer, a hypervisor access
 * (get_guest_page_rw). get_page() takes one only if the page is allocated
 * (count > 0) and owned by the expected domain; it checks the owner after
 * taking the reference, since an owner can only change at count zero.
 *
 * Type references (type_info): a page has one type at a time (none,
 * writable, L1-L4 page table, segment descriptors, shared) and a count of
 * the uses that depend on that type:
 *   - each present writable L1 mapping holds a writable type reference;
 *   - each reference from a validated higher-level table, each pin, and
 *     each base pointer (guest_table) holds an Ln type reference;
 *   - each GDT/LDT frame in use holds a seg_desc reference;
 *   - a hypervisor write access holds a writable reference.
 * A use takes its general reference first, then its type reference, and
 * gives them back in the opposite order. The type can change only while
 * the type count is zero; that is the whole guarantee: a page with a
 * writable mapping cannot become a page table or descriptor page, and a
 * page table cannot be mapped writable. Page-table and descriptor types
 * also carry PGT_validated: the first type reference leaves it clear, the
 * taker checks the contents (and takes references on what they point to)
 * and then sets it; a concurrent taker of the same type meanwhile gets
 * -EAGAIN. When the type count of such a type drops to zero it loses
 * PGT_validated, so the next user validates again. PGT_pinned is one of
 * the type references (a pinned page's count is never zero).
 *
 * What this file does not do yet (it comes with the PV MM issue): walking
 * a page table's entries when it is validated or loses its last type
 * reference, and the TLB flush needed when a page that was writable
 * becomes a page table. Until then, page tables get their types only from
 * the dom0 builder, which builds them valid by construction, and
 * domain_relinquish_memory() frees every page forcibly, without walking
 * tables to drop the references their entries hold.
 *
 * Xen heap pages shared with a guest (shared_info) are owned by the guest
 * but neither on its page list nor in tot_pages; their writable type
 * reference is held for good, so they can never become page tables.
 *
 * Locking: d->page_alloc_lock guards d->page_list, d->tot_pages and
 * d->max_pages. It is a leaf lock except for the heap lock, which is taken
 * after it only by the allocator, never while it is held here (pages are
 * freed after it is released). count_info and type_info are changed
 * without locks, by cmpxchg loops.
 */
#include <xen/domain_page.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/page_list.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <asm/m2p.h>
#include <asm/mm.h>

void domain_memory_init(struct domain *d)
{
    spin_lock_init(&d->page_alloc_lock);
    INIT_PAGE_LIST_HEAD(&d->page_list);
    d->tot_pages = 0;
}

/* --- Ownership. --- */

/* What assign_pages() expects of a page it is handed. */
static bool page_is_unassigned(const struct page_info *pg,
                               const struct domain *d)
{
    const struct domain *owner = page_get_owner(pg);

    return pg->count_info == PGC_state_inuse && (!owner || owner == d);
}

int assign_pages(struct domain *d, struct page_info *pg, unsigned int order)
{
    unsigned long i, nr = 1ul << order;
    int rc = 0;

    spin_lock(&d->page_alloc_lock);

    if ( d->is_dying != DOMDYING_alive )
    {
        printk(XENLOG_INFO "Cannot assign pages to d%u: it is dying\n",
               d->domain_id);
        rc = -EINVAL;
        goto out;
    }
    if ( d->tot_pages > d->max_pages )
    {
        printk(XENLOG_INFO "Inconsistent allocation for d%u: %lu > %lu\n",
               d->domain_id, d->tot_pages, d->max_pages);
        rc = -EPERM;
        goto out;
    }
    if ( nr > d->max_pages - d->tot_pages )
    {
        printk(XENLOG_INFO "Over-allocation for d%u: %lu > %lu\n",
               d->domain_id, d->tot_pages + nr, d->max_pages);
        rc = -E2BIG;
        goto out;
    }

    for ( i = 0; i < nr; i++ )
    {
        ASSERT(page_is_unassigned(&pg[i], d));
        pg[i].u.inuse.type_info = 0;
        page_set_owner(&pg[i], d);
        smp_wmb();              /* the owner is valid before the reference */
        pg[i].count_info = PGC_allocated | 1;
        page_list_add_tail(&pg[i], &d->page_list);
    }
    d->tot_pages += nr;

 out:
    spin_unlock(&d->page_alloc_lock);
    return rc;
}

struct page_info *alloc_domain_pages(struct domain *d, unsigned int order,
                                     unsigned int memflags)
{
    struct page_info *pg = alloc_domheap_pages(d, order, memflags);

    if ( !pg )
        return NULL;
    if ( assign_pages(d, pg, order) )
    {
        free_domheap_pages(pg, order);
        return NULL;
    }
    return pg;
}

void share_xen_page_with_guest(struct page_info *pg, struct domain *d)
{
    ASSERT(pg->count_info == (PGC_xen_heap | PGC_state_inuse));

    set_gpfn_from_mfn(page_to_mfn(pg), INVALID_M2P_ENTRY);
    pg->u.inuse.type_info = PGT_writable_page | PGT_validated | 1;
    page_set_owner(pg, d);
    smp_wmb();
    pg->count_info |= PGC_allocated | 1;
}

/* A page whose last reference has gone: off its owner, back to the heap. */
static void free_unused_page(struct page_info *pg)
{
    struct domain *d = page_get_owner(pg);

    ASSERT(!(pg->count_info & (PGC_allocated | PGC_count_mask)));
    pg->u.inuse.type_info = 0;
    page_set_owner(pg, NULL);

    if ( pg->count_info & PGC_xen_heap )
    {
        free_xenheap_page(page_to_virt(pg));
        return;
    }
    if ( d )
    {
        spin_lock(&d->page_alloc_lock);
        page_list_del(pg, &d->page_list);
        d->tot_pages--;
        spin_unlock(&d->page_alloc_lock);
    }
    set_gpfn_from_mfn(page_to_mfn(pg), INVALID_M2P_ENTRY);
    free_domheap_page(pg);
}

int domain_relinquish_memory(struct domain *d)
{
    unsigned long nr = 0, nr_pt = 0, t;
    struct page_info *pg;

    ASSERT(d->is_dying != DOMDYING_alive);

    for ( ; ; )
    {
        spin_lock(&d->page_alloc_lock);
        pg = page_list_remove_head(&d->page_list);
        if ( pg )
            d->tot_pages--;
        spin_unlock(&d->page_alloc_lock);
        if ( !pg )
            break;

        t = pg->u.inuse.type_info;
        if ( page_type_needs_validation(t & PGT_type_mask) &&
             (t & PGT_count_mask) )
            nr_pt++;
        /* Forcibly: whatever references the domain's own tables held. */
        pg->count_info &= PGC_state;
        pg->u.inuse.type_info = 0;
        page_set_owner(pg, NULL);
        set_gpfn_from_mfn(page_to_mfn(pg), INVALID_M2P_ENTRY);
        free_domheap_page(pg);
        nr++;
    }
    ASSERT(!d->tot_pages);

    printk(XENLOG_DEBUG "d%u: %lu pages relinquished (%lu page or descriptor "
           "tables among them)\n", d->domain_id, nr, nr_pt);
    return 0;
}

int pv_domain_alloc_shared_info(struct domain *d)
{
    void *p;

    BUILD_BUG_ON(sizeof(struct shared_info) > PAGE_SIZE);

    p = alloc_xenheap_page();           /* zeroed */
    if ( !p )
        return -ENOMEM;
    share_xen_page_with_guest(virt_to_page(p), d);
    d->shared_info = p;
    return 0;
}

/* Clear PGC_allocated; true if this call cleared it. */
static bool test_and_clear_allocated(struct page_info *pg)
{
    unsigned long x, y = ACCESS_ONCE(pg->count_info);

    do {
        x = y;
        if ( !(x & PGC_allocated) )
            return false;
        y = cmpxchg(&pg->count_info, x, x & ~PGC_allocated);
    } while ( y != x );
    return true;
}

void pv_domain_free_shared_info(struct domain *d)
{
    struct page_info *pg;
    unsigned long left;

    if ( !d->shared_info )
        return;
    pg = virt_to_page(d->shared_info);
    d->shared_info = NULL;

    /* The type reference share_xen_page_with_guest() held for good. */
    put_page_type(pg);
    if ( !test_and_clear_allocated(pg) )
        return;
    left = (pg->count_info & PGC_count_mask) - 1;
    if ( left )
        printk(XENLOG_WARNING "d%u: shared_info still has %lu references: "
               "freed when they go\n", d->domain_id, left);
    put_page(pg);
}

/* --- General references. --- */

/* Take a reference if pg is allocated; the owner it has then, via *owner. */
static bool get_any_reference(struct page_info *pg, struct domain **owner)
{
    unsigned long x, y = ACCESS_ONCE(pg->count_info);

    do {
        x = y;
        if ( (x & PGC_state) != PGC_state_inuse ||
             !(x & PGC_count_mask) ||               /* not allocated */
             !((x + 1) & PGC_count_mask) )          /* would overflow */
            return false;
        y = cmpxchg(&pg->count_info, x, x + 1);
    } while ( y != x );

    *owner = page_get_owner(pg);
    return true;
}

bool get_page(struct page_info *pg, const struct domain *d)
{
    struct domain *owner;

    if ( !get_any_reference(pg, &owner) )
        return false;
    if ( owner == d && d )
        return true;
    put_page(pg);
    return false;
}

void put_page(struct page_info *pg)
{
    unsigned long x, nx, y = ACCESS_ONCE(pg->count_info);

    do {
        x = y;
        BUG_ON(!(x & PGC_count_mask));
        nx = x - 1;
        y = cmpxchg(&pg->count_info, x, nx);
    } while ( y != x );

    if ( !(nx & PGC_count_mask) )
        free_unused_page(pg);
}

/* --- Type references. --- */

int get_page_type(struct page_info *pg, unsigned long type)
{
    unsigned long x, nx, y = ACCESS_ONCE(pg->u.inuse.type_info);

    ASSERT(!(type & ~PGT_type_mask));
    ASSERT(pg->count_info & PGC_count_mask);

    do {
        x = y;
        nx = x + 1;
        if ( !(nx & PGT_count_mask) )
            return -EOVERFLOW;
        if ( !(x & PGT_count_mask) )
        {
            /*
             * Unused: it may take the new type. A type with contents to
             * check starts unvalidated; the others need no check.
             */
            if ( (x & PGT_type_mask) != type ||
                 page_type_needs_validation(type) )
                nx = type | 1;
            if ( !page_type_needs_validation(type) )
                nx |= PGT_validated;
        }
        else if ( (x & PGT_type_mask) != type )
            return -EINVAL;
        else if ( !(x & PGT_validated) )
            return -EAGAIN;
        y = cmpxchg(&pg->u.inuse.type_info, x, nx);
    } while ( y != x );
    return 0;
}

void put_page_type(struct page_info *pg)
{
    unsigned long x, nx, y = ACCESS_ONCE(pg->u.inuse.type_info);

    do {
        x = y;
        BUG_ON(!(x & PGT_count_mask));
        nx = x - 1;
        if ( !(nx & PGT_count_mask) )
        {
            ASSERT(!(x & PGT_pinned));
            if ( page_type_needs_validation(x & PGT_type_mask) )
                nx &= ~(PGT_validated | PGT_partial);
        }
        y = cmpxchg(&pg->u.inuse.type_info, x, nx);
    } while ( y != x );
}

void page_type_set_validated(struct page_info *pg)
{
    unsigned long x, y = ACCESS_ONCE(pg->u.inuse.type_info);

    do {
        x = y;
        ASSERT(x & PGT_count_mask);
        y = cmpxchg(&pg->u.inuse.type_info, x, x | PGT_validated);
    } while ( y != x );
}

bool get_page_and_type(struct page_info *pg, const struct domain *d,
                       unsigned long type)
{
    if ( !get_page(pg, d) )
        return false;
    if ( get_page_type(pg, type) )
    {
        put_page(pg);
        return false;
    }
    return true;
}

void put_page_and_type(struct page_info *pg)
{
    put_page_type(pg);
    put_page(pg);
}

/* --- Hypervisor access to a guest's page (asm/mm.h). --- */

struct page_info *get_guest_page_rw(struct domain *d, unsigned long gfn)
{
    mfn_t mfn = _mfn(gfn);          /* PV: guest frames are machine frames */
    struct page_info *pg;

    if ( !mfn_valid(mfn) )
        return NULL;
    pg = mfn_to_page(mfn);
    if ( !get_page_and_type(pg, d, PGT_writable_page) )
        return NULL;
    return pg;
}

void put_guest_page_rw(struct page_info *pg)
{
    put_page_and_type(pg);
}
