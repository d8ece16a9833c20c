/*
 * memory.c: memory_op (hypercall 12), the common sub-ops: a domain's
 * reservation (increase, decrease, populate_physmap, exchange), the size
 * queries, and the physmap ops a PV guest is refused. The x86-only ops
 * (the M2P's place and frames, the memory maps) are arch_memory_op() in
 * arch/x86/mm/memory_x86.c.
 *
 * Theory of operation.
 *
 * The command word. cmd[5:0] is the sub-op, cmd[63:6] the extent to start
 * from ("start_extent"). A guest passes 0 there; a preempted reservation op
 * re-issues itself with its progress in it, so a continuation is the same
 * hypercall with a larger start_extent. Ops that cannot continue refuse a
 * non-zero start_extent (-EINVAL), as Xen does.
 *
 * Reservation ops (increase, decrease, populate) report progress, not
 * errors: the return value is the number of extents done (counting from 0,
 * so a continuation's count includes the extents done before it). Every
 * failure, bad argument or permission problem included, just stops the op
 * and returns the count so far; that is Xen's ABI. An extent is 2^order
 * contiguous frames. The extent array is checked the way Xen checks it: its
 * first element (from start_extent on) must be guest address space and
 * its byte size must not overflow; each element is then copied on its own,
 * and a copy that faults stops the op. Since the elements are reached one
 * after another from a checked start, no element can be in the
 * hypervisor's part of the address space without a fault before it.
 *
 * For a PV guest a guest frame is a machine frame (no p2m in the
 * hypervisor): increase and populate report the machine frames they
 * allocated in the array; populate also records the guest's pfns in the
 * M2P; decrease takes machine frames.
 *
 * Giving a page back (decrease) drops the domain's allocation reference
 * (PGC_allocated) and nothing else: a page that something else still
 * references (a mapping, a page-table use, the hypervisor) stays the
 * domain's, counted in tot_pages, until its last reference goes; only then
 * is it freed (domain_page.c's put_page()). Freed pages go back to the
 * heap marked dirty, and the heap zeroes a dirty page before handing it
 * out again (page_alloc.c), and nothing here asks it not to
 * (MEMF_no_scrub), so no guest ever sees another's data. Xen heap pages a
 * guest was given (shared_info) never go back to the heap this way: giving
 * one back reports success and changes nothing.
 *
 * Exchange swaps "in" extents for "out" extents of another order or
 * address width, a chunk at a time (a chunk is the larger of the two
 * extent sizes). Per chunk it is all or nothing: first every in page is
 * taken from the domain ("stolen": only if the allocation reference and
 * ours are its only references, so nothing maps it), then every out extent
 * is allocated; if either fails, the stolen pages go back to the domain as
 * they were and the chunk is not done. Then nothing can fail any more: the
 * in pages are freed, the out pages become the domain's (M2P and array
 * written). tot_pages does not move: a stolen page stays counted, and the
 * out pages take over its count. nr_exchanged counts the in extents of
 * the chunks done; it is written back on every return, and a preempted
 * exchange continues from it. Every argument is checked before anything is
 * touched: shapes (equal sizes, no overflow, same domain), orders, and
 * both arrays from the first element still to do (the XSA-212 shape, an
 * nr_exchanged that points the out index into the hypervisor, is -EFAULT
 * with nothing done).
 *
 * Who may do what (Xen's default XSM policy): a domain may act on itself;
 * a privileged (control) domain on any domain. Extent orders are bounded
 * by the caller: 9 (2 MiB) for a domU, 18 for a privileged domain (Xen
 * 4.17's limits, measured on the reference).
 *
 * Locking: d->page_alloc_lock is taken to move a page off or back onto
 * d->page_list (steal, give back, assign after an exchange); nothing else
 * is taken here, and no guest memory is touched while it is held. Page
 * counts change by cmpxchg (domain_page.c's rules).
 */
#include <asm/current.h>
#include <asm/m2p.h>
#include <asm/mm.h>
#include <asm/pv/hypercall.h>
#include <xen/domain_page.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/page_list.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <public/memory.h>

/* cmd[5:0]: the sub-op; cmd[63:6]: where a reservation op starts. */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK     ((1u << MEMOP_EXTENT_SHIFT) - 1)

/* Most extents a reservation op takes (a continuation must encode them). */
#define MEMOP_MAX_EXTENTS  (~0u >> MEMOP_EXTENT_SHIFT)

/* Largest extent order a caller may use (Xen 4.17: domU 9, control 18). */
#define DOMU_MAX_ORDER     9
#define CTLDOM_MAX_ORDER   18

/* XENMEMF_get_node() of a request that names no node. */
#define XENMEMF_NO_NODE    0xffu
/* Xen's MAX_NUMNODES: a privileged caller may name nodes below it. */
#define MEMOP_MAX_NODES    64

/* One reservation op in progress. */
struct memop_args {
    struct domain *d;               /* the target (a reference is held) */
    XEN_GUEST_HANDLE(xen_pfn_t) list;
    unsigned long nr_extents;
    unsigned int order;
    unsigned int memflags;          /* MEMF_bits() for the allocator */
    bool no_memory;                 /* an absent node: allocations fail */
    bool pod;                       /* XENMEMF_populate_on_demand */
    unsigned long nr_done;          /* IN: start_extent; OUT: progress */
    bool preempted;
};

static unsigned int max_extent_order(const struct domain *caller)
{
    BUILD_BUG_ON(CTLDOM_MAX_ORDER > MAX_ORDER);
    return caller->is_privileged ? CTLDOM_MAX_ORDER : DOMU_MAX_ORDER;
}

/*
 * A reference to domain id as a memory op names it (DOMID_SELF: the
 * caller), or NULL. Whether the caller may act on it is may_target's.
 */
static struct domain *memop_get_domain(domid_t id)
{
    struct domain *cd = current->domain;

    if ( id == DOMID_SELF || id == cd->domain_id )
        return get_domain(cd) ? cd : NULL;
    if ( id >= DOMID_FIRST_RESERVED )
        return NULL;
    return get_domain_by_id(id);
}

/* Xen's XSM_TARGET with the default policy: itself, or a privileged caller. */
static bool may_target(const struct domain *d)
{
    const struct domain *cd = current->domain;

    return d == cd || cd->is_privileged;
}

/*
 * Xen's guest_handle_subrange_okay(): may elements [first, last] of the
 * array at base (elements of size bytes) be used? The byte size must not
 * overflow and the first element must start in guest address space; the
 * rest is left to the per-element copies (see the theory above).
 */
static bool array_range_ok(const void *base, unsigned long first,
                           unsigned long last, unsigned long size)
{
    unsigned long count = last - first + 1;

    if ( count >= ~0ul / size )
        return false;
    return guest_range_ok((unsigned long)base + first * size, 1);
}

/*
 * The node part of mem_flags (Xen's propagate_node()): false for a node
 * beyond MAX_NUMNODES (privileged callers) or any exact node request
 * (other callers, whose node is only a hint). The only node is 0: an exact
 * request for another one can never be met (*no_memory).
 */
static bool node_ok(uint32_t mem_flags, bool *no_memory)
{
    unsigned int node = XENMEMF_get_node(mem_flags);
    bool exact = mem_flags & XENMEMF_exact_node_request;

    *no_memory = false;
    if ( node == XENMEMF_NO_NODE )
        return true;
    if ( !current->domain->is_privileged )
        return !exact;
    if ( node >= MEMOP_MAX_NODES )
        return false;
    *no_memory = exact && node != 0;
    return true;
}

/*
 * A reservation's mem_flags -> allocation flags. false for what Xen
 * refuses: an address width of 12 bits or less, or a bad node. A width
 * that covers all memory is no limit; with XENMEMF_vnode the node is a
 * vNUMA node, ignored as for a domain without a vNUMA layout.
 */
static bool reservation_flags(uint32_t mem_flags, struct memop_args *a)
{
    unsigned int bits = XENMEMF_get_address_bits(mem_flags);

    a->memflags = 0;
    a->no_memory = false;
    if ( bits && bits < get_order_from_pages(max_page) + PAGE_SHIFT )
    {
        if ( bits <= PAGE_SHIFT )
            return false;
        a->memflags = MEMF_bits(bits);
    }
    return (mem_flags & XENMEMF_vnode) || node_ok(mem_flags, &a->no_memory);
}

/* Allocate extent i of a reservation op and make it a->d's. */
static struct page_info *alloc_extent(const struct memop_args *a,
                                      unsigned long i)
{
    struct page_info *pg;
    unsigned long j;

    if ( a->no_memory )
        return NULL;
    pg = alloc_domain_pages(a->d, a->order, a->memflags);
    if ( !pg )
    {
        printk(XENLOG_DEBUG "d%u: could not allocate an order-%u extent for "
               "d%u (memflags %#x, extent %lu of %lu)\n",
               current->domain->domain_id, a->order, a->d->domain_id,
               a->memflags, i, a->nr_extents);
        return NULL;
    }
    for ( j = 0; j < (1ul << a->order); j++ )
        set_gpfn_from_mfn(mfn_add(page_to_mfn(pg), j), INVALID_M2P_ENTRY);
    return pg;
}

/* Should a reservation op stop before extent i? */
static bool memop_preempt(struct memop_args *a, unsigned long i)
{
    if ( i == a->nr_done || !hypercall_preempt_check() )
        return false;
    a->preempted = true;
    return true;
}

/* ---- increase_reservation, populate_physmap ---- */

static void increase_reservation(struct memop_args *a)
{
    bool report = !guest_handle_is_null(a->list);
    unsigned long i;

    if ( report && !array_range_ok(a->list.p, a->nr_done, a->nr_extents - 1,
                                   sizeof(xen_pfn_t)) )
        return;
    if ( a->order > max_extent_order(current->domain) )
        return;

    for ( i = a->nr_done; i < a->nr_extents; i++ )
    {
        struct page_info *pg;
        xen_pfn_t mfn;

        if ( memop_preempt(a, i) )
            break;
        pg = alloc_extent(a, i);
        if ( !pg )
            break;
        mfn = mfn_x(page_to_mfn(pg));
        /* As Xen: an extent whose frame cannot be reported stays d's. */
        if ( report && copy_to_guest_offset(a->list, i, &mfn, 1) )
            break;
    }
    a->nr_done = i;
}

static void populate_physmap(struct memop_args *a)
{
    unsigned long i, j;

    if ( !array_range_ok(a->list.p, a->nr_done, a->nr_extents - 1,
                         sizeof(xen_pfn_t)) )
        return;
    if ( a->order > (a->pod ? MAX_ORDER : max_extent_order(current->domain)) )
        return;

    for ( i = a->nr_done; i < a->nr_extents; i++ )
    {
        struct page_info *pg;
        xen_pfn_t gpfn, mfn;

        if ( memop_preempt(a, i) )
            break;
        if ( copy_from_guest_offset(&gpfn, a->list, i, 1) )
            break;
        if ( a->pod )
        {
            /* Never on oneself; for a PV target there is nothing to mark. */
            if ( a->d == current->domain )
                break;
            continue;
        }
        pg = alloc_extent(a, i);
        if ( !pg )
            break;
        mfn = mfn_x(page_to_mfn(pg));
        for ( j = 0; j < (1ul << a->order); j++ )
            set_gpfn_from_mfn(_mfn(mfn + j), gpfn + j);
        if ( copy_to_guest_offset(a->list, i, &mfn, 1) )
            break;
    }
    a->nr_done = i;
}

/* ---- decrease_reservation ---- */

/*
 * d gives frame mfn back: its allocation reference goes (Xen's
 * guest_remove_page() for a PV guest). -EINVAL if mfn is not RAM, -ENXIO
 * if it is not an allocated page of d's. A page given back before but
 * still referenced counts as given back again.
 */
static int give_back_page(struct domain *d, unsigned long mfn)
{
    struct page_info *pg;

    if ( !mfn_valid(_mfn(mfn)) )
    {
        printk(XENLOG_DEBUG "d%u: frame %#lx given back is not RAM\n",
               d->domain_id, mfn);
        return -EINVAL;
    }
    pg = mfn_to_page(_mfn(mfn));
    if ( !get_page(pg, d) )
    {
        printk(XENLOG_DEBUG "d%u: frame %#lx given back is not its page "
               "(count %#lx, type %#lx)\n", d->domain_id, mfn,
               pg->count_info, pg->u.inuse.type_info);
        return -ENXIO;
    }
    /* A Xen heap page shared with d (shared_info) is never freed this way. */
    if ( !(pg->count_info & PGC_xen_heap) &&
         page_test_and_clear_allocated(pg) )
        put_page(pg);
    put_page(pg);               /* the last one frees it */
    return 0;
}

static void decrease_reservation(struct memop_args *a)
{
    unsigned long i, j;

    if ( !array_range_ok(a->list.p, a->nr_done, a->nr_extents - 1,
                         sizeof(xen_pfn_t)) ||
         a->order > max_extent_order(current->domain) )
        return;

    for ( i = a->nr_done; i < a->nr_extents; i++ )
    {
        xen_pfn_t gmfn;

        if ( memop_preempt(a, i) )
            break;
        if ( copy_from_guest_offset(&gmfn, a->list, i, 1) )
            break;
        /* The pages before a bad one stay given back (as Xen). */
        for ( j = 0; j < (1ul << a->order); j++ )
            if ( give_back_page(a->d, gmfn + j) )
                goto out;
    }
 out:
    a->nr_done = i;
}

/* The three reservation ops: the number of extents done, or a continuation. */
static long reservation_op(unsigned int op, unsigned long start,
                           XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_memory_reservation r;
    struct memop_args a = { .nr_done = start };

    if ( copy_from_guest(&r, arg, 1) )
        return start;
    if ( r.nr_extents > MEMOP_MAX_EXTENTS || start >= r.nr_extents )
        return start;
    a.d = memop_get_domain(r.domid);
    if ( !a.d )
        return start;
    if ( !reservation_flags(r.mem_flags, &a) || !may_target(a.d) )
    {
        put_domain(a.d);
        return start;
    }
    a.list = r.extent_start;
    a.nr_extents = r.nr_extents;
    a.order = r.extent_order;
    a.pod = op == XENMEM_populate_physmap &&
            (r.mem_flags & XENMEMF_populate_on_demand);

    if ( op == XENMEM_increase_reservation )
        increase_reservation(&a);
    else if ( op == XENMEM_decrease_reservation )
        decrease_reservation(&a);
    else
        populate_physmap(&a);
    put_domain(a.d);

    if ( a.preempted )
        return hypercall_create_continuation(
            __HYPERVISOR_memory_op, "lh",
            op | (a.nr_done << MEMOP_EXTENT_SHIFT), arg.p);
    return a.nr_done;
}

/* ---- exchange ---- */

/*
 * Take pg from d for an exchange: only an allocated page of d's whose
 * references are the allocation's and the one taken here (so nothing maps
 * or uses it). It leaves d's list with no owner and a zero count, but
 * stays counted in d's tot_pages. -EINVAL otherwise (Xen's steal_page()).
 */
static int steal_page(struct domain *d, struct page_info *pg)
{
    const unsigned long mask = PGC_count_mask | PGC_allocated;
    unsigned long x, y;
    int rc = -EINVAL;

    if ( !get_page(pg, d) )
        return -EINVAL;

    spin_lock(&d->page_alloc_lock);
    y = ACCESS_ONCE(pg->count_info);
    do {
        x = y;
        if ( d->is_dying != DOMDYING_alive || (x & PGC_xen_heap) ||
             (x & mask) != (PGC_allocated | 2) )
            goto out;
        y = cmpxchg(&pg->count_info, x, x & ~mask);
    } while ( y != x );

    /* No reference: no type reference either. */
    BUG_ON(pg->u.inuse.type_info & (PGT_count_mask | PGT_pinned));
    pg->u.inuse.type_info = 0;
    page_set_owner(pg, NULL);
    page_list_del(pg, &d->page_list);
    rc = 0;
 out:
    spin_unlock(&d->page_alloc_lock);
    if ( rc )
    {
        printk(XENLOG_DEBUG "d%u: cannot exchange frame %#lx (count %#lx, "
               "type %#lx)\n", d->domain_id, mfn_x(page_to_mfn(pg)),
               pg->count_info, pg->u.inuse.type_info);
        put_page(pg);
    }
    return rc;
}

/*
 * Make pages (stolen from d, or fresh and unowned) d's again without
 * counting them: their count is already in tot_pages. false if d is dying
 * (the pages are left alone).
 */
static bool reassign_uncounted(struct domain *d, struct page_info *pg,
                               unsigned int order)
{
    unsigned long i;
    bool ok;

    spin_lock(&d->page_alloc_lock);
    ok = d->is_dying == DOMDYING_alive;
    for ( i = 0; ok && i < (1ul << order); i++ )
    {
        ASSERT(!(pg[i].count_info & PGC_count_mask) && !page_get_owner(&pg[i]));
        pg[i].u.inuse.type_info = 0;
        page_set_owner(&pg[i], d);
        smp_wmb();              /* the owner is valid before the reference */
        pg[i].count_info = (pg[i].count_info & ~PGC_count_mask) |
                           PGC_allocated | 1;
        page_list_add_tail(&pg[i], &d->page_list);
    }
    spin_unlock(&d->page_alloc_lock);
    return ok;
}

/* Pages stolen from d (counted in its tot_pages) that d will not get back. */
static void free_stolen(struct domain *d, struct page_info *pg)
{
    set_gpfn_from_mfn(page_to_mfn(pg), INVALID_M2P_ENTRY);
    free_domheap_page(pg);
    spin_lock(&d->page_alloc_lock);
    d->tot_pages--;
    spin_unlock(&d->page_alloc_lock);
}

/* One exchange in progress. */
struct exchange {
    struct xen_memory_exchange x;
    struct domain *d;
    unsigned int in_chunk_order;    /* in extents per chunk: 2^this */
    unsigned int out_chunk_order;   /* out extents per chunk */
    unsigned int memflags;          /* for the out extents */
    bool no_memory;
    struct page_list_head in_pages; /* stolen, each page on its own */
    struct page_list_head out_pages;/* allocated, the head of each extent */
};

/* Every check that needs no domain: -EPERM, -EINVAL, -EFAULT. */
static int exchange_check(struct exchange *e)
{
    const struct xen_memory_exchange *x = &e->x;
    unsigned long out_first;

    if ( max(x->in.extent_order, x->out.extent_order) >
         max_extent_order(current->domain) )
        return -EPERM;
    if ( x->nr_exchanged > x->in.nr_extents ||
         x->in.domid != x->out.domid ||
         (~0ul >> x->in.extent_order) < x->in.nr_extents ||
         (~0ul >> x->out.extent_order) < x->out.nr_extents ||
         (x->in.nr_extents << x->in.extent_order) !=
         (x->out.nr_extents << x->out.extent_order) )
        return -EINVAL;
    if ( x->nr_exchanged == x->in.nr_extents )
        return 0;

    if ( !array_range_ok(x->in.extent_start.p, x->nr_exchanged,
                         x->in.nr_extents - 1, sizeof(xen_pfn_t)) )
        return -EFAULT;
    if ( x->in.extent_order <= x->out.extent_order )
    {
        e->in_chunk_order = x->out.extent_order - x->in.extent_order;
        e->out_chunk_order = 0;
        out_first = x->nr_exchanged >> e->in_chunk_order;
    }
    else
    {
        e->in_chunk_order = 0;
        e->out_chunk_order = x->in.extent_order - x->out.extent_order;
        out_first = x->nr_exchanged << e->out_chunk_order;
    }
    if ( !array_range_ok(x->out.extent_start.p, out_first,
                         x->out.nr_extents - 1, sizeof(xen_pfn_t)) )
        return -EFAULT;

    if ( !node_ok(x->out.mem_flags, &e->no_memory) )
        return -EINVAL;
    /* The width as it is (12 bits or less: no memory); 0: any. */
    e->memflags = XENMEMF_get_address_bits(x->out.mem_flags);
    if ( e->memflags )
        e->memflags = MEMF_bits(e->memflags);
    return 0;
}

/* Undo a chunk that failed: stolen pages back to d, new ones freed. */
static void exchange_unwind(struct exchange *e)
{
    struct page_info *pg;

    while ( (pg = page_list_remove_head(&e->in_pages)) )
        if ( !reassign_uncounted(e->d, pg, 0) )
            free_stolen(e->d, pg);      /* d died meanwhile */
    while ( (pg = page_list_remove_head(&e->out_pages)) )
        free_domheap_pages(pg, e->x.out.extent_order);
}

/* Steal the in pages of chunk i and allocate its out extents. */
static int exchange_prepare(struct exchange *e, unsigned long i)
{
    const struct xen_memory_exchange *x = &e->x;
    unsigned long j, k;
    struct page_info *pg;
    xen_pfn_t gmfn;
    int rc;

    for ( j = 0; j < (1ul << e->in_chunk_order); j++ )
    {
        if ( copy_from_guest_offset(&gmfn, x->in.extent_start,
                                    (i << e->in_chunk_order) + j, 1) )
            return -EFAULT;
        for ( k = 0; k < (1ul << x->in.extent_order); k++ )
        {
            if ( !mfn_valid(_mfn(gmfn + k)) )
                return -EINVAL;
            pg = mfn_to_page(_mfn(gmfn + k));
            rc = steal_page(e->d, pg);
            if ( rc )
                return rc;
            page_list_add_tail(pg, &e->in_pages);
        }
    }
    for ( j = 0; j < (1ul << e->out_chunk_order); j++ )
    {
        pg = e->no_memory ? NULL :
             alloc_domheap_pages(NULL, x->out.extent_order,
                                 MEMF_no_owner | e->memflags);
        if ( !pg )
            return -ENOMEM;
        page_list_add_tail(pg, &e->out_pages);
    }
    return 0;
}

/*
 * Chunk i is prepared: free the in pages, give d the out extents (M2P,
 * mfn written back). Cannot fail, except in telling the guest: -EFAULT if
 * an out gpfn could not be read or its mfn written (the extent is d's all
 * the same, as in Xen). -ESRCH if d died meanwhile (everything freed).
 */
static int exchange_commit(struct exchange *e, unsigned long i)
{
    const struct xen_memory_exchange *x = &e->x;
    unsigned long j, k, nr = 1ul << x->out.extent_order;
    struct page_info *pg;
    xen_pfn_t gpfn, mfn;
    int rc = 0;

    while ( (pg = page_list_remove_head(&e->in_pages)) )
    {
        set_gpfn_from_mfn(page_to_mfn(pg), INVALID_M2P_ENTRY);
        free_domheap_page(pg);
    }

    for ( j = 0; (pg = page_list_remove_head(&e->out_pages)); j++ )
    {
        if ( !reassign_uncounted(e->d, pg, x->out.extent_order) )
        {
            /* d is dying: drop what the stolen pages left in tot_pages. */
            free_domheap_pages(pg, x->out.extent_order);
            while ( (pg = page_list_remove_head(&e->out_pages)) )
                free_domheap_pages(pg, x->out.extent_order);
            spin_lock(&e->d->page_alloc_lock);
            e->d->tot_pages -= ((1ul << e->in_chunk_order) <<
                                x->in.extent_order) - j * nr;
            spin_unlock(&e->d->page_alloc_lock);
            return -ESRCH;
        }
        if ( copy_from_guest_offset(&gpfn, x->out.extent_start,
                                    (i << e->out_chunk_order) + j, 1) )
        {
            rc = -EFAULT;
            continue;
        }
        mfn = mfn_x(page_to_mfn(pg));
        for ( k = 0; k < nr; k++ )
            set_gpfn_from_mfn(_mfn(mfn + k), gpfn + k);
        if ( copy_to_guest_offset(x->out.extent_start,
                                  (i << e->out_chunk_order) + j, &mfn, 1) )
            rc = -EFAULT;
    }
    return rc;
}

/* Write nr_exchanged back; rc unless that fails. */
static long exchange_report(XEN_GUEST_HANDLE_PARAM(xen_memory_exchange_t) arg,
                            const struct exchange *e, long rc)
{
    if ( copy_field_to_guest(arg, &e->x, nr_exchanged) )
        return -EFAULT;
    return rc;
}

static long memory_exchange(XEN_GUEST_HANDLE_PARAM(xen_memory_exchange_t) arg)
{
    struct exchange e = { .in_pages = PAGE_LIST_HEAD_INIT,
                          .out_pages = PAGE_LIST_HEAD_INIT };
    unsigned long i, first, end;
    long rc;

    if ( copy_from_guest(&e.x, arg, 1) )
        return -EFAULT;
    rc = exchange_check(&e);
    if ( rc )
        return exchange_report(arg, &e, rc);
    if ( e.x.nr_exchanged == e.x.in.nr_extents )
        return 0;                       /* nothing to do, nothing written */

    e.d = memop_get_domain(e.x.in.domid);
    if ( !e.d )
        return exchange_report(arg, &e, -ESRCH);
    if ( !may_target(e.d) )
    {
        put_domain(e.d);
        return exchange_report(arg, &e, -EPERM);
    }

    first = e.x.nr_exchanged >> e.in_chunk_order;
    end = e.x.in.nr_extents >> e.in_chunk_order;
    for ( i = first; i < end; i++ )
    {
        if ( i != first && hypercall_preempt_check() )
        {
            e.x.nr_exchanged = i << e.in_chunk_order;
            put_domain(e.d);
            if ( copy_field_to_guest(arg, &e.x, nr_exchanged) )
                return -EFAULT;
            return hypercall_create_continuation(__HYPERVISOR_memory_op, "lh",
                                                 XENMEM_exchange, arg.p);
        }
        rc = exchange_prepare(&e, i);
        if ( rc )
        {
            exchange_unwind(&e);
            break;
        }
        rc = exchange_commit(&e, i);
        if ( rc == -ESRCH )
        {
            /* As Xen: a dying domain's exchange reports no progress. */
            put_domain(e.d);
            return exchange_report(arg, &e, 0);
        }
        if ( rc )
            break;
    }
    put_domain(e.d);
    e.x.nr_exchanged = rc ? i << e.in_chunk_order : e.x.in.nr_extents;
    return exchange_report(arg, &e, rc);
}

/* ---- Sizes ---- */

/* current_reservation, maximum_reservation, maximum_gpfn. */
static long domain_size_op(unsigned int op, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d;
    domid_t id;
    long rc;

    if ( copy_from_guest(&id, arg, 1) )
        return -EFAULT;
    d = memop_get_domain(id);
    if ( !d )
        return -ESRCH;
    if ( !may_target(d) )
        rc = -EPERM;
    else if ( op == XENMEM_current_reservation )
        rc = ACCESS_ONCE(d->tot_pages);
    else if ( op == XENMEM_maximum_reservation )
        rc = ACCESS_ONCE(d->max_pages);
    else
    {
        /* PV: the guest's own p2m size (nr_pfns, so one past the last). */
        unsigned long max_pfn =
            d->shared_info ? ACCESS_ONCE(d->shared_info->arch.max_pfn) : 0;

        rc = (max_pfn ?: 1) - 1;
    }
    put_domain(d);
    return rc;
}

/* ---- The physmap ops: none of them applies to a PV guest ---- */

/* Xen's xen_add_to_physmap_batch: the fields read before it refuses. */
struct memop_physmap_batch {
    domid_t domid;
    uint16_t space;
    uint16_t size;
    uint16_t extra;                 /* foreign_domid */
    uint64_t idxs, gpfns, errs;     /* guest handles */
};

/* Xen's xatp_permission_check(): a PV (untranslated) domain has no physmap. */
static long physmap_op_on(domid_t id)
{
    struct domain *d = memop_get_domain(id);

    if ( !d )
        return -ESRCH;
    put_domain(d);
    return -EACCES;
}

static long physmap_op(unsigned int op, unsigned long start,
                       XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct xen_add_to_physmap xatp;
    struct xen_remove_from_physmap xrfp;
    struct memop_physmap_batch b;

    BUILD_BUG_ON(sizeof(b) != 32);

    switch ( op )
    {
    case XENMEM_add_to_physmap:
        if ( start > 0xffff )
            return -EDOM;
        if ( copy_from_guest(&xatp, arg, 1) )
            return -EFAULT;
        if ( xatp.space == XENMAPSPACE_gmfn_foreign )
            return -ENOSYS;             /* only through the batch op */
        return physmap_op_on(xatp.domid);

    case XENMEM_add_to_physmap_batch:
        if ( start > 0xffff )
            return -EDOM;
        if ( copy_from_guest(&b, arg, 1) )
            return -EFAULT;
        if ( b.space == XENMAPSPACE_gmfn_range )
            return -EOPNOTSUPP;
        return physmap_op_on(b.domid);

    default:
        ASSERT(op == XENMEM_remove_from_physmap);
        if ( start )
            return -EINVAL;
        if ( copy_from_guest(&xrfp, arg, 1) )
            return -EFAULT;
        return physmap_op_on(xrfp.domid);
    }
}

/* ---- The hypercall ---- */

long do_memory_op(unsigned long cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    unsigned long start = cmd >> MEMOP_EXTENT_SHIFT;
    unsigned int op = cmd & MEMOP_CMD_MASK;

    switch ( op )
    {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation_op(op, start, arg);

    case XENMEM_exchange:
        if ( start )
            return -EINVAL;
        return memory_exchange(guest_handle_cast(arg, xen_memory_exchange_t));

    case XENMEM_maximum_ram_page:
        if ( start )
            return -EINVAL;
        return max_page;

    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        if ( start )
            return -EINVAL;
        return domain_size_op(op, arg);

    case XENMEM_add_to_physmap:
    case XENMEM_add_to_physmap_batch:
    case XENMEM_remove_from_physmap:
        return physmap_op(op, start, arg);

    default:
        return arch_memory_op(cmd, arg);
    }
}
