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
 * (get_guest_page_rw), a partial state (below). get_page() takes one only
 * if the page is allocated (count > 0) and owned by the expected domain;
 * it checks the owner after taking the reference, since an owner can
 * only change at count zero.
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
 * page table cannot be mapped writable. Before a page that had another
 * type takes a new one, every CPU's TLB is flushed (pv_type_change_flush),
 * so that no stale translation of its former use survives the change.
 *
 * Validation. Page-table and descriptor types carry PGT_validated. A page
 * table is validated by page_type_get() itself when its type count leaves
 * zero: pv/pt_validate.c checks every entry and takes the references it
 * stands for (recursively: an L3 entry takes an L2 type reference, which
 * validates that L2, ...). When the last type reference goes the table is
 * devalidated: its entries' references are dropped (recursively again).
 * Descriptor pages keep the older protocol: the first taker gets the type
 * without PGT_validated, checks the page (descriptor.c) and sets it; a
 * concurrent taker meanwhile gets -EAGAIN.
 *
 * The states of a page-table page, by its type count c and flags:
 *   c = 0                    untyped in effect: any type may be taken;
 *   c >= 1, validated        in use: gets and puts just count;
 *   c = 1, neither flag      busy: one CPU is validating or devalidating
 *                            it, with exclusive access; others wait;
 *   c = 1, PGT_partial       half done: entries [0, nr_validated_ptes)
 *                            hold their references (and, with
 *                            partial_ref, the next entry holds a partial
 *                            claim on its target); the state holds one
 *                            general reference of its own.
 * Validation and devalidation of an L2-L4 table (the work is unbounded:
 * a tree of tables below) can stop midway when the caller is preemptible
 * (PTF_preemptible): the page is left partial and -ERESTART tells the
 * hypercall to continue itself. Whoever comes next carries on: a get
 * continues the validation upwards, a put of a partial claim continues
 * the devalidation downwards; both end in "validated" or "c = 0". The
 * partial state belongs to nobody in particular: a parent table whose
 * entry's target was left partial keeps just a general reference (its
 * partial claim) and, when it resumes, either finds the target completed
 * by somebody else (then it takes an ordinary type reference, or, going
 * down, nothing) or continues it itself. A validation that fails half-way
 * is undone by the same devalidation: at once when not preemptible,
 * otherwise the page is left partial and the caller defers the claim to
 * its vCPU (page_type_defer), which finishes it before the hypercall
 * returns. The pin, the base pointers and the entries of validated tables
 * each hold a full reference; a pin sets PGT_pinned (a pinned page's
 * count is never zero).
 *
 * Domain death (domain_relinquish_memory): the pins are dropped (which
 * devalidates the trees they held), partial states nobody will continue
 * are finished, then every page loses its owner and its allocation: it is
 * freed then, or when another domain's last mapping of it goes.
 *
 * Xen heap pages shared with a guest (shared_info) are owned by the guest
 * but neither on its page list nor in tot_pages; their writable type
 * reference is held for good, so they can never become page tables.
 *
 * Locking: d->page_alloc_lock guards d->page_list, d->tot_pages and
 * d->max_pages. It is a leaf lock except for the heap lock, which is taken
 * after it only by the allocator, never while it is held here (pages are
 * freed after it is released). deferred_lock guards the deferred claims;
 * it is a leaf (claims are finished outside it). count_info and type_info
 * are changed without locks, by cmpxchg loops; a busy page table's
 * progress fields are only touched by the CPU that made it busy.
 */
#include <xen/domain_page.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/page_list.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <asm/m2p.h>
#include <asm/mm.h>
#include <asm/processor.h>
#include <asm/pv/mm.h>

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
        pg[i].nr_validated_ptes = 0;
        pg[i].partial_ref = 0;
        pg[i].linear_pt_count = 0;
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
    /*
     * A live guest may still have the page in a TLB (it removed the last
     * mapping without flushing): no other domain may get it before every
     * TLB is flushed. A dying domain's vCPUs left every CPU's TLB when
     * its page tables were released (domain.c), so its pages need none.
     */
    if ( d && d->is_dying == DOMDYING_alive )
        pv_type_change_flush(pg, PGT_writable_page);
    set_gpfn_from_mfn(page_to_mfn(pg), INVALID_M2P_ENTRY);
    free_domheap_page(pg);
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
bool page_test_and_clear_allocated(struct page_info *pg)
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

    left = (pg->count_info & PGC_count_mask) - 1;
    if ( left && (pg->count_info & PGC_allocated) )
        printk(XENLOG_WARNING "d%u: shared_info still has %lu references: "
               "freed when they go\n", d->domain_id, left);
    unshare_xen_page_with_guest(pg);
}

void unshare_xen_page_with_guest(struct page_info *pg)
{
    /* The type reference share_xen_page_with_guest() held for good. */
    put_page_type(pg);
    if ( page_test_and_clear_allocated(pg) )
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

static bool type_is_table(unsigned long type)
{
    return pgt_level(type) != 0;
}

/* One more general reference on a page known to have one (no owner check). */
static void get_page_light(struct page_info *pg)
{
    unsigned long x, nx, y = ACCESS_ONCE(pg->count_info);

    do {
        x = y;
        nx = x + 1;
        BUG_ON(!(x & PGC_count_mask) || !(nx & PGC_count_mask));
        y = cmpxchg(&pg->count_info, x, nx);
    } while ( y != x );
}

/*
 * The caller owns pg exclusively (type count 1, neither validated nor
 * partial): set or clear flags without racing anybody who only reads.
 */
static void type_info_or(struct page_info *pg, unsigned long bits)
{
    __atomic_or_fetch(&pg->u.inuse.type_info, bits, __ATOMIC_SEQ_CST);
}

static void type_info_set_count_zero(struct page_info *pg)
{
    __atomic_and_fetch(&pg->u.inuse.type_info, ~PGT_count_mask,
                       __ATOMIC_SEQ_CST);
}

/*
 * The end of a validation that ran with pg exclusively ours. claimed: we
 * took over a partial page (and the general reference its partial state
 * held). See page_type_get() for the outcomes.
 */
static int end_validation(struct page_info *pg, int rc, bool claimed,
                          unsigned int flags, bool *partial)
{
    bool progress = pg->nr_validated_ptes || pg->partial_ref;

    if ( !rc )
    {
        smp_wmb();                  /* the entries before the flag */
        type_info_or(pg, PGT_validated);
        __atomic_or_fetch(&pg->count_info, PGC_page_table, __ATOMIC_SEQ_CST);
        if ( claimed )
            put_page(pg);
        return 0;
    }
    if ( !progress )
    {
        /* Nothing is held: the page is simply untyped again. */
        ASSERT(!claimed);
        type_info_set_count_zero(pg);
        return rc;
    }
    if ( rc == -ERESTART || (flags & PTF_preemptible) )
    {
        /* Left partial: it keeps one general reference of its own. */
        ASSERT(rc != -EINTR);
        if ( !claimed )
            get_page_light(pg);
        type_info_or(pg, PGT_partial);
        if ( rc != -ERESTART && partial )
            *partial = true;
        return rc;
    }
    /* A failure with nobody to continue later: undo it all now. */
    if ( pv_devalidate_table(pg, pgt_level(pg->u.inuse.type_info), 0) )
        ASSERT_UNREACHABLE();               /* cannot stop: not preemptible */
    ASSERT(!pg->linear_pt_count);
    type_info_set_count_zero(pg);
    if ( claimed )
        put_page(pg);
    return rc;
}

int page_type_get(struct page_info *pg, unsigned long type,
                  unsigned int flags, bool *partial)
{
    unsigned long x, nx, y = ACCESS_ONCE(pg->u.inuse.type_info);
    bool claimed;
    int rc;

    ASSERT(!(type & ~PGT_type_mask));
    ASSERT(pg->count_info & PGC_count_mask);
    if ( partial )
        *partial = false;

    for ( ; ; )
    {
        x = y;
        if ( !(x & PGT_count_mask) )
        {
            /* Unused: it may take the new type (unvalidated if it has
             * contents to check). */
            nx = type | 1;
            if ( !page_type_needs_validation(type) )
                nx |= PGT_validated;
        }
        else if ( (x & PGT_type_mask) != type )
            return -EINVAL;
        else if ( x & PGT_validated )
        {
            nx = x + 1;
            if ( !(nx & PGT_count_mask) )
                return -EOVERFLOW;
        }
        else if ( x & PGT_partial )
        {
            ASSERT((x & PGT_count_mask) == 1);
            nx = x & ~PGT_partial;          /* claim it: we continue */
        }
        else if ( !type_is_table(type) )
            return -EAGAIN;                 /* its first taker checks it */
        else
        {
            /* Another CPU is (de)validating it: wait for it. */
            if ( (flags & PTF_preemptible) && hypercall_preempt_check() )
                return -EINTR;
            cpu_relax();
            y = ACCESS_ONCE(pg->u.inuse.type_info);
            continue;
        }
        y = cmpxchg(&pg->u.inuse.type_info, x, nx);
        if ( y == x )
            break;
    }

    if ( !(x & PGT_count_mask) && (x & PGT_type_mask) != type &&
         (x & PGT_type_mask) != PGT_none )
        pv_type_change_flush(pg, x & PGT_type_mask);
    if ( (nx & PGT_validated) || !type_is_table(type) )
        return 0;

    /* The page is ours alone until we set validated or partial. */
    claimed = x & PGT_partial;
    if ( !claimed )
    {
        pg->nr_validated_ptes = 0;
        pg->partial_ref = 0;
        pg->linear_pt_count = 0;
    }
    rc = pv_validate_table(pg, pgt_level(type), flags);
    return end_validation(pg, rc, claimed, flags, partial);
}

/*
 * The last type reference of a page table (or a partial claim) has gone:
 * take its entries' references down from its saved progress.
 */
static int end_devalidation(struct page_info *pg, unsigned int flags,
                            bool claimed)
{
    int rc = pv_devalidate_table(pg, pgt_level(pg->u.inuse.type_info),
                                 flags & PTF_preemptible);

    if ( rc )
    {
        ASSERT(rc == -ERESTART);
        if ( !claimed )
            get_page_light(pg);
        type_info_or(pg, PGT_partial);
        return rc;
    }
    ASSERT(!pg->linear_pt_count);
    type_info_set_count_zero(pg);
    if ( claimed )
        put_page(pg);
    return 0;
}

int page_type_put(struct page_info *pg, unsigned int flags)
{
    unsigned long x, nx, y = ACCESS_ONCE(pg->u.inuse.type_info);

    for ( ; ; )
    {
        x = y;
        if ( flags & PTF_partial )
        {
            if ( !(x & PGT_partial) )
                return 0;                   /* somebody completed it */
            ASSERT((x & PGT_count_mask) == 1);
            nx = x & ~PGT_partial;
            y = cmpxchg(&pg->u.inuse.type_info, x, nx);
            if ( y == x )
                return end_devalidation(pg, flags, true);
            continue;
        }

        BUG_ON(!(x & PGT_count_mask));
        BUG_ON(x & PGT_partial);
        nx = x - 1;
        if ( !(nx & PGT_count_mask) && type_is_table(x & PGT_type_mask) )
        {
            ASSERT(x & PGT_validated);
            ASSERT(!(x & PGT_pinned));
            nx = x & ~PGT_validated;        /* ours until devalidated */
            y = cmpxchg(&pg->u.inuse.type_info, x, nx);
            if ( y != x )
                continue;
            pg->nr_validated_ptes = PAGETABLE_ENTRIES;
            pg->partial_ref = 0;
            return end_devalidation(pg, flags, false);
        }
        if ( !(nx & PGT_count_mask) )
        {
            ASSERT(!(x & PGT_pinned));
            if ( page_type_needs_validation(x & PGT_type_mask) )
                nx &= ~PGT_validated;
        }
        y = cmpxchg(&pg->u.inuse.type_info, x, nx);
        if ( y == x )
            return 0;
    }
}

int get_page_type(struct page_info *pg, unsigned long type)
{
    return page_type_get(pg, type, 0, NULL);
}

void put_page_type(struct page_info *pg)
{
    int rc = page_type_put(pg, 0);

    ASSERT(!rc);
    (void)rc;
}

void page_type_set_validated(struct page_info *pg)
{
    ASSERT(pg->u.inuse.type_info & PGT_count_mask);
    ASSERT(!type_is_table(pg->u.inuse.type_info & PGT_type_mask));
    type_info_or(pg, PGT_validated);
}

bool page_type_get_validated(struct page_info *pg, unsigned long *type)
{
    unsigned long x, nx, y = ACCESS_ONCE(pg->u.inuse.type_info);

    do {
        x = y;
        nx = x + 1;
        if ( !(x & PGT_count_mask) || !(x & PGT_validated) ||
             !(nx & PGT_count_mask) )
            return false;
        y = cmpxchg(&pg->u.inuse.type_info, x, nx);
    } while ( y != x );
    *type = x & PGT_type_mask;
    return true;
}

bool page_type_set_pinned(struct page_info *pg)
{
    unsigned long x, y = ACCESS_ONCE(pg->u.inuse.type_info);

    do {
        x = y;
        ASSERT((x & PGT_count_mask) && (x & PGT_validated));
        if ( x & PGT_pinned )
            return false;
        y = cmpxchg(&pg->u.inuse.type_info, x, x | PGT_pinned);
    } while ( y != x );
    return true;
}

bool page_type_clear_pinned(struct page_info *pg)
{
    unsigned long x, y = ACCESS_ONCE(pg->u.inuse.type_info);

    do {
        x = y;
        if ( !(x & PGT_pinned) )
            return false;
        y = cmpxchg(&pg->u.inuse.type_info, x, x & ~PGT_pinned);
    } while ( y != x );
    return true;
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

/* --- Deferred teardown (asm/pv/mm.h). --- */

/*
 * Partial claims a vCPU must finish before its hypercall completes. Xen
 * keeps the one a vCPU may have in the vCPU (old_guest_table); here a
 * small table keyed by vCPU holds them. If it is full the claim is
 * finished at once, without preemption.
 */
#define NR_DEFERRED 64
static struct {
    const struct vcpu *v;
    struct page_info *pg;
} deferred[NR_DEFERRED];
static DEFINE_SPINLOCK(deferred_lock);

/* Finish a partial claim on pg and drop it; 0 or -ERESTART (still held). */
static int finish_claim(struct page_info *pg, unsigned int flags)
{
    int rc = page_type_put(pg, PTF_partial | flags);

    if ( !rc )
        put_page(pg);
    return rc;
}

void page_type_defer(struct vcpu *v, struct page_info *pg)
{
    unsigned int i, free = NR_DEFERRED;

    spin_lock(&deferred_lock);
    for ( i = 0; i < NR_DEFERRED; i++ )
    {
        BUG_ON(deferred[i].v == v);         /* one at a time */
        if ( !deferred[i].v && free == NR_DEFERRED )
            free = i;
    }
    if ( free < NR_DEFERRED )
    {
        deferred[free].v = v;
        deferred[free].pg = pg;
    }
    spin_unlock(&deferred_lock);
    if ( free == NR_DEFERRED )
        finish_claim(pg, 0);
}

/* Take v's deferred claim out of the table (NULL if none). */
static struct page_info *take_deferred(const struct vcpu *v)
{
    struct page_info *pg = NULL;
    unsigned int i;

    spin_lock(&deferred_lock);
    for ( i = 0; i < NR_DEFERRED; i++ )
        if ( deferred[i].v == v )
        {
            pg = deferred[i].pg;
            deferred[i].v = NULL;
            deferred[i].pg = NULL;
            break;
        }
    spin_unlock(&deferred_lock);
    return pg;
}

bool page_type_has_deferred(const struct vcpu *v)
{
    unsigned int i;

    for ( i = 0; i < NR_DEFERRED; i++ )
        if ( ACCESS_ONCE(deferred[i].v) == v )
            return true;
    return false;
}

int page_type_finish_deferred(struct vcpu *v)
{
    struct page_info *pg = take_deferred(v);

    if ( !pg )
        return 0;
    if ( finish_claim(pg, PTF_preemptible) )
    {
        page_type_defer(v, pg);
        return -ERESTART;
    }
    return 0;
}

/* Domain death: finish the claims d's vCPUs left (without preemption). */
static void finish_deferred_of(const struct domain *d)
{
    struct page_info *pg;
    unsigned int i;

    for ( i = 0; i < NR_DEFERRED; i++ )
    {
        const struct vcpu *v = ACCESS_ONCE(deferred[i].v);

        if ( v && v->domain == d && (pg = take_deferred(v)) != NULL )
            finish_claim(pg, 0);
    }
}

/*
 * Domain death, step 1: hold a reference of our own on every page of d's
 * (moving it to list) so that none is freed under the walks below. A page
 * whose count is already zero is being freed by whoever dropped it last:
 * it is left on d's list, which it leaves by itself.
 */
static void grab_all_pages(struct domain *d, struct page_list_head *list)
{
    struct page_list_head busy;
    struct page_info *pg;

    INIT_PAGE_LIST_HEAD(&busy);
    spin_lock(&d->page_alloc_lock);
    while ( (pg = page_list_remove_head(&d->page_list)) != NULL )
    {
        struct domain *owner;

        if ( get_any_reference(pg, &owner) )
            page_list_add_tail(pg, list);
        else
            page_list_add_tail(pg, &busy);
    }
    while ( (pg = page_list_remove_head(&busy)) != NULL )
        page_list_add_tail(pg, &d->page_list);
    spin_unlock(&d->page_alloc_lock);
}

/* Is pg a page table still holding references (validated or partial)? */
static bool holds_entry_refs(const struct page_info *pg)
{
    unsigned long t = pg->u.inuse.type_info;

    return type_is_table(t & PGT_type_mask) && (t & PGT_count_mask) &&
           (t & (PGT_validated | PGT_partial));
}

/*
 * Step 2: undo the guest's own uses. Pins go (the last type reference of
 * a table devalidates it, which drops what its entries hold, down the
 * tree); then the partial states nobody will continue are finished.
 * What remains typed is a leak (it would be a bug): reported.
 */
static unsigned long release_types(struct domain *d,
                                   struct page_list_head *list)
{
    struct page_info *pg;
    unsigned long leaked = 0;

    finish_deferred_of(d);
    page_list_for_each ( pg, list )
        if ( page_type_clear_pinned(pg) )
        {
            put_page_type(pg);
            put_page(pg);
        }
    page_list_for_each ( pg, list )
        if ( type_is_table(pg->u.inuse.type_info & PGT_type_mask) &&
             (pg->u.inuse.type_info & PGT_partial) )
        {
            if ( page_type_put(pg, PTF_partial) )
                ASSERT_UNREACHABLE();
        }
    page_list_for_each ( pg, list )
        if ( holds_entry_refs(pg) )
        {
            printk(XENLOG_WARNING "d%u: mfn %lx still typed: type_info %lx\n",
                   d->domain_id, mfn_x(page_to_mfn(pg)),
                   pg->u.inuse.type_info);
            leaked++;
        }
    return leaked;
}

/*
 * Step 3: each page leaves d: off its list, no owner, its allocation and
 * our reference dropped. A page that another domain still maps stays
 * allocated, ownerless, until that last reference goes.
 */
static unsigned long free_all_pages(struct domain *d,
                                    struct page_list_head *list)
{
    struct page_info *pg;
    unsigned long nr = 0;

    while ( (pg = page_list_remove_head(list)) != NULL )
    {
        spin_lock(&d->page_alloc_lock);
        d->tot_pages--;
        spin_unlock(&d->page_alloc_lock);
        page_set_owner(pg, NULL);
        set_gpfn_from_mfn(page_to_mfn(pg), INVALID_M2P_ENTRY);
        if ( page_test_and_clear_allocated(pg) )
            put_page(pg);
        if ( (pg->count_info & PGC_count_mask) > 1 )
            printk(XENLOG_WARNING "d%u: mfn %lx still has %lu references: "
                   "freed when they go\n", d->domain_id,
                   mfn_x(page_to_mfn(pg)),
                   (pg->count_info & PGC_count_mask) - 1);
        put_page(pg);
        nr++;
    }
    return nr;
}

int domain_relinquish_memory(struct domain *d)
{
    struct page_list_head list;
    unsigned long nr, nr_typed = 0, leaked;
    struct page_info *pg;

    ASSERT(d->is_dying != DOMDYING_alive);

    INIT_PAGE_LIST_HEAD(&list);
    grab_all_pages(d, &list);
    page_list_for_each ( pg, &list )
        if ( page_type_needs_validation(pg->u.inuse.type_info &
                                        PGT_type_mask) &&
             (pg->u.inuse.type_info & PGT_count_mask) )
            nr_typed++;
    leaked = release_types(d, &list);
    nr = free_all_pages(d, &list);

    printk(XENLOG_DEBUG "d%u: %lu pages relinquished (%lu page or descriptor "
           "tables among them%s)\n", d->domain_id, nr, nr_typed,
           leaked ? ", some still typed" : "");
    return 0;
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
