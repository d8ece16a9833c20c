/*
 * grant_map.c: mapping grants (GNTTABOP_map_grant_ref, unmap_grant_ref,
 * unmap_and_replace) and the grantee's record of its mappings, the
 * maptrack.
 *
 * Theory of operation. A mapping is a use of the grant (grant_table.c:
 * the granter's entry marked in use, its frame referenced, and typed
 * writable unless mapped read-only) that outlives the hypercall: it is
 * kept in a maptrack entry of the grantee's, whose index is the handle
 * the guest gets back. A map has up to two parts, a host mapping (an
 * entry of the guest's page tables, asm/grant_table.h) and a device
 * mapping (no IOMMU here: the frame's bus address, which is returned in
 * any case, as Xen 4.17 does, and the pin); unmap takes away the parts it
 * names (the host part with host_addr, the device part with
 * dev_bus_addr), and the use ends, and the handle is freed, when no part
 * is left. While a handle lives, the frame cannot be freed or retyped,
 * whatever the granter does (ballooning it out, dying) and whatever the
 * grantee does to its page tables: the references are the handle's, not
 * the page-table entry's.
 *
 * Each op is checked, then committed: a refused map takes nothing
 * (handle, use and entry are undone in reverse), a refused unmap changes
 * nothing. A handle being unmapped is marked busy, so two vCPUs can never
 * unmap it twice. Before any use ends, every CPU's TLB is flushed once
 * for the batch, so that the grantee cannot reach the frame through a
 * stale translation after the granter sees the grant idle. Every op gets
 * its own status; the hypercall fails only when the op array cannot be
 * read or written, and continues itself when preemption is due.
 *
 * Handles: the maptrack grows a page of entries at a time, up to
 * gnttab_max_maptrack_frames= pages (default 1024); past that a map
 * fails with no_device_space. Free handles form a list.
 *
 * Locking: gt->maptrack_lock (the grantee's) guards the free list and
 * each entry's state; it is never held while a granter's gt->lock is
 * taken (gnttab_acquire/gnttab_release are called without it), nor while
 * page tables are written.
 */
#include <asm/grant_table.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <xen/errno.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/xmalloc.h>
#include "grant_internal.h"

static unsigned int opt_max_maptrack_frames = 1024;
integer_param("gnttab_max_maptrack_frames", opt_max_maptrack_frames);

#define MAPTRACK_NONE   (~(uint32_t)0)

enum maptrack_state { MT_FREE, MT_BUSY, MT_LIVE };

struct maptrack_entry {
    struct grant_use use;           /* MT_LIVE (and MT_BUSY once mapped) */
    uint32_t flags;                 /* GNTMAP_*: the parts still mapped */
    uint32_t next_free;             /* MT_FREE: the list */
    uint8_t state;
};

#define MT_PER_PAGE     (PAGE_SIZE / sizeof(struct maptrack_entry))
#define MT_PARTS        (GNTMAP_host_map | GNTMAP_device_map)
/* What a mapping remembers of its map op's flags. */
#define MT_KEPT_FLAGS   (MT_PARTS | GNTMAP_readonly | GNTMAP_contains_pte | \
                         GNTMAP_application_map)
/* Unmaps done before one TLB flush and the releases it allows. */
#define UNMAP_BATCH     32

/* ---- The maptrack ---- */

int maptrack_init(struct grant_table *gt)
{
    gt->maptrack_max = opt_max_maptrack_frames ? opt_max_maptrack_frames : 1;
    gt->maptrack = xzalloc_array(struct maptrack_entry *, gt->maptrack_max);
    gt->maptrack_free = MAPTRACK_NONE;
    return gt->maptrack ? 0 : -ENOMEM;
}

void maptrack_free_all(struct grant_table *gt)
{
    unsigned int i;

    ASSERT(!gt->maptrack_live);
    for ( i = 0; i < gt->maptrack_pages; i++ )
        xfree(gt->maptrack[i]);
    xfree(gt->maptrack);
    gt->maptrack = NULL;
}

static struct maptrack_entry *mt_entry(struct grant_table *gt, uint32_t h)
{
    return &gt->maptrack[h / MT_PER_PAGE][h % MT_PER_PAGE];
}

/* Add page (allocated unlocked) to the maptrack, its entries free. */
static void maptrack_add_page(struct grant_table *gt, struct maptrack_entry *page)
{
    uint32_t base = gt->maptrack_pages * MT_PER_PAGE;
    unsigned int i;

    ASSERT(spin_is_locked(&gt->maptrack_lock));
    gt->maptrack[gt->maptrack_pages++] = page;
    for ( i = MT_PER_PAGE; i-- > 0; )
    {
        page[i].state = MT_FREE;
        page[i].next_free = gt->maptrack_free;
        gt->maptrack_free = base + i;
    }
}

/* A free handle, now busy; MAPTRACK_NONE if the maptrack is full. */
static uint32_t maptrack_get(struct grant_table *gt)
{
    struct maptrack_entry *page = NULL;
    uint32_t h;

    spin_lock(&gt->maptrack_lock);
    if ( gt->maptrack_free == MAPTRACK_NONE &&
         gt->maptrack_pages < gt->maptrack_max )
    {
        spin_unlock(&gt->maptrack_lock);
        page = xzalloc_array(struct maptrack_entry, MT_PER_PAGE);
        spin_lock(&gt->maptrack_lock);
        /* Another vCPU may have grown it meanwhile: then ours goes. */
        if ( page && gt->maptrack_free == MAPTRACK_NONE &&
             gt->maptrack_pages < gt->maptrack_max )
        {
            maptrack_add_page(gt, page);
            page = NULL;
        }
    }
    h = gt->maptrack_free;
    if ( h != MAPTRACK_NONE )
    {
        struct maptrack_entry *e = mt_entry(gt, h);

        gt->maptrack_free = e->next_free;
        e->state = MT_BUSY;
        gt->maptrack_live++;
    }
    spin_unlock(&gt->maptrack_lock);
    xfree(page);
    return h;
}

static void maptrack_put(struct grant_table *gt, uint32_t h)
{
    struct maptrack_entry *e = mt_entry(gt, h);

    spin_lock(&gt->maptrack_lock);
    ASSERT(e->state == MT_BUSY);
    e->state = MT_FREE;
    e->next_free = gt->maptrack_free;
    gt->maptrack_free = h;
    gt->maptrack_live--;
    spin_unlock(&gt->maptrack_lock);
}

/* Move handle h from state `from` to `to`; false if it was not in `from`. */
static bool maptrack_move(struct grant_table *gt, uint32_t h,
                          enum maptrack_state from, enum maptrack_state to)
{
    bool ok = false;

    spin_lock(&gt->maptrack_lock);
    if ( h / MT_PER_PAGE < gt->maptrack_pages && mt_entry(gt, h)->state == from )
    {
        mt_entry(gt, h)->state = to;
        ok = true;
    }
    spin_unlock(&gt->maptrack_lock);
    return ok;
}

/* ---- GNTTABOP_map_grant_ref ---- */

static int16_t do_one_map(struct gnttab_map_grant_ref *op)
{
    struct grant_table *lgt = current->domain->grant_table;
    bool write = !(op->flags & GNTMAP_readonly);
    struct maptrack_entry *e;
    struct grant_use use;
    struct domain *rd;
    uint32_t h;
    int rc;

    if ( !(op->flags & MT_PARTS) )
        return GNTST_bad_gntref;    /* neither part: Xen's status */
    rd = gnttab_granter(op->dom, false);
    if ( !rd )
        return GNTST_bad_domain;
    h = maptrack_get(lgt);
    if ( h == MAPTRACK_NONE )
    {
        put_domain(rd);
        return GNTST_no_device_space;
    }
    rc = gnttab_acquire(rd, op->ref, write, true, &use);
    if ( !rc && (op->flags & GNTMAP_host_map) )
    {
        rc = gnttab_host_map(op->host_addr, use.frame, op->flags);
        if ( rc )
            gnttab_release(&use);
    }
    if ( rc )
    {
        maptrack_put(lgt, h);
        return rc;
    }

    e = mt_entry(lgt, h);
    e->use = use;
    e->flags = op->flags & MT_KEPT_FLAGS;
    if ( !maptrack_move(lgt, h, MT_BUSY, MT_LIVE) )
        ASSERT_UNREACHABLE();
    op->handle = h;
    op->dev_bus_addr = (uint64_t)use.frame << PAGE_SHIFT;
    return GNTST_okay;
}

long gnttab_map(XEN_GUEST_HANDLE_PARAM(void) arg, unsigned int count)
{
    XEN_GUEST_HANDLE_PARAM(gnttab_map_grant_ref_t) ops =
        guest_handle_cast(arg, gnttab_map_grant_ref_t);
    struct gnttab_map_grant_ref op;
    unsigned int i;

    for ( i = 0; i < count; i++ )
    {
        if ( i && hypercall_preempt_check() )
            return hypercall_create_continuation(__HYPERVISOR_grant_table_op,
                                                 "ihi", GNTTABOP_map_grant_ref,
                                                 ops.p + i, count - i);
        if ( copy_from_guest_offset(&op, ops, i, 1) )
            return -EFAULT;
        op.status = do_one_map(&op);
        /* A mapping whose result cannot be told is undone at death only. */
        if ( copy_to_guest_offset(ops, i, &op, 1) )
            return -EFAULT;
    }
    return 0;
}

/* ---- GNTTABOP_unmap_grant_ref and GNTTABOP_unmap_and_replace ---- */

struct unmap_req {
    uint64_t host_addr, dev_bus_addr, new_addr;
    uint32_t handle;
};

/* What one batch of unmaps leaves to do after the TLB flush. */
struct unmap_batch {
    uint32_t done[UNMAP_BATCH];     /* handles whose last part went */
    unsigned int nr;
    bool flush;                     /* a host mapping went */
};

static int16_t do_one_unmap(const struct unmap_req *r, struct unmap_batch *b)
{
    struct grant_table *lgt = current->domain->grant_table;
    struct maptrack_entry *e;
    uint32_t parts = 0;
    int rc = GNTST_okay;

    if ( !maptrack_move(lgt, r->handle, MT_LIVE, MT_BUSY) )
        return GNTST_bad_handle;
    e = mt_entry(lgt, r->handle);
    if ( r->dev_bus_addr &&
         r->dev_bus_addr != ((uint64_t)e->use.frame << PAGE_SHIFT) )
        rc = GNTST_bad_dev_addr;
    else if ( r->host_addr && (e->flags & GNTMAP_host_map) )
    {
        rc = gnttab_host_unmap(r->host_addr, e->use.frame, e->flags,
                               r->new_addr);
        if ( !rc )
            parts |= GNTMAP_host_map;
    }
    if ( !rc && r->dev_bus_addr )
        parts |= e->flags & GNTMAP_device_map;

    e->flags &= ~parts;
    if ( parts & GNTMAP_host_map )
        b->flush = true;
    if ( e->flags & MT_PARTS )
    {
        if ( !maptrack_move(lgt, r->handle, MT_BUSY, MT_LIVE) )
            ASSERT_UNREACHABLE();
    }
    else
        b->done[b->nr++] = r->handle;
    return rc;
}

/* The batch's uses end, after the flush that makes that safe. */
static void finish_batch(struct unmap_batch *b)
{
    struct grant_table *lgt = current->domain->grant_table;
    unsigned int i;

    if ( b->flush )
        flush_tlb_all();
    for ( i = 0; i < b->nr; i++ )
    {
        gnttab_release(&mt_entry(lgt, b->done[i])->use);
        maptrack_put(lgt, b->done[i]);
    }
    b->nr = 0;
    b->flush = false;
}

/* One op of either kind: read it, do it, write its status back. */
static long unmap_op(XEN_GUEST_HANDLE_PARAM(void) arg, unsigned int i,
                     bool replace, struct unmap_batch *b)
{
    struct unmap_req r = { 0 };

    if ( replace )
    {
        XEN_GUEST_HANDLE_PARAM(gnttab_unmap_and_replace_t) ops =
            guest_handle_cast(arg, gnttab_unmap_and_replace_t);
        struct gnttab_unmap_and_replace op;

        if ( copy_from_guest_offset(&op, ops, i, 1) )
            return -EFAULT;
        r.host_addr = op.host_addr;
        r.new_addr = op.new_addr;
        r.handle = op.handle;
        op.status = do_one_unmap(&r, b);
        return copy_field_to_guest(((XEN_GUEST_HANDLE_PARAM(gnttab_unmap_and_replace_t))
                                    { ops.p + i }), &op, status) ? -EFAULT : 0;
    }
    else
    {
        XEN_GUEST_HANDLE_PARAM(gnttab_unmap_grant_ref_t) ops =
            guest_handle_cast(arg, gnttab_unmap_grant_ref_t);
        struct gnttab_unmap_grant_ref op;

        if ( copy_from_guest_offset(&op, ops, i, 1) )
            return -EFAULT;
        r.host_addr = op.host_addr;
        r.dev_bus_addr = op.dev_bus_addr;
        r.handle = op.handle;
        op.status = do_one_unmap(&r, b);
        return copy_field_to_guest(((XEN_GUEST_HANDLE_PARAM(gnttab_unmap_grant_ref_t))
                                    { ops.p + i }), &op, status) ? -EFAULT : 0;
    }
}

static long unmap_ops(XEN_GUEST_HANDLE_PARAM(void) arg, unsigned int count,
                      bool replace)
{
    unsigned int cmd = replace ? GNTTABOP_unmap_and_replace
                               : GNTTABOP_unmap_grant_ref;
    size_t size = replace ? sizeof(struct gnttab_unmap_and_replace)
                          : sizeof(struct gnttab_unmap_grant_ref);
    struct unmap_batch b = { .nr = 0 };
    unsigned int i;
    long rc = 0;

    for ( i = 0; i < count && !rc; i++ )
    {
        if ( b.nr == UNMAP_BATCH )
        {
            finish_batch(&b);
            if ( hypercall_preempt_check() )
                return hypercall_create_continuation(
                    __HYPERVISOR_grant_table_op, "ihi", cmd,
                    (char *)arg.p + i * size, count - i);
        }
        rc = unmap_op(arg, i, replace, &b);
    }
    finish_batch(&b);
    return rc;
}

long gnttab_unmap(XEN_GUEST_HANDLE_PARAM(void) arg, unsigned int count)
{
    return unmap_ops(arg, count, false);
}

long gnttab_unmap_and_replace(XEN_GUEST_HANDLE_PARAM(void) arg,
                              unsigned int count)
{
    return unmap_ops(arg, count, true);
}

/* ---- Death ---- */

void maptrack_release_all(struct domain *d)
{
    struct grant_table *gt = d->grant_table;
    uint32_t h, n = gt->maptrack_pages * MT_PER_PAGE;

    ASSERT(d->is_dying);
    if ( !gt->maptrack_live )
        return;
    /* Its page tables are gone; no CPU may keep a translation from them. */
    flush_tlb_all();
    for ( h = 0; h < n; h++ )
    {
        struct maptrack_entry *e = mt_entry(gt, h);

        ASSERT(e->state != MT_BUSY);
        if ( e->state != MT_LIVE )
            continue;
        gnttab_release(&e->use);
        e->state = MT_BUSY;
        maptrack_put(gt, h);
    }
    ASSERT(!gt->maptrack_live);
}
