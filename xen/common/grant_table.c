/*
 * grant_table.c: grant tables: the table itself (setup_table, query_size,
 * set_version, get_version, get_status_frames), the active entries that
 * every use of a grant goes through, and the hypercall's dispatch
 * (grant_copy.c does GNTTABOP_copy, grant_map.c the mappings).
 *
 * Theory of operation. A domain's grant table is a few pages it shares
 * with the hypervisor (frames it maps itself; setup_table tells it their
 * frame numbers). Entry `ref` says "domain D may access my frame F,
 * read-only or not". Version 1 entries are 8 bytes, 512 per page, flags
 * and all; version 2 entries are 16 bytes, 256 per page, with the
 * GTF_reading/GTF_writing status in separate status frames.
 *
 * Using a grant (a copy, a mapping) is check-then-commit on memory the
 * granting guest may change at any moment: the entry's flags are read,
 * checked and marked in use (GTF_reading, plus GTF_writing for a writable
 * use) with one compare-and-exchange, and the frame is read only after
 * that, so the grant cannot be revoked halfway (the granting guest must
 * see the in-use flags clear before it reuses the page). The hypervisor's
 * own record of a grant in use, the active entry, counts the uses and
 * remembers the frame the first one got: later uses get the same frame
 * whatever the entry says meanwhile, and the in-use flags are cleared
 * only by the last use. Each use references the frame (get_page; a
 * writable use also takes a writable type reference, so no grant ever
 * writes a page table or descriptor page), so a granted page cannot be
 * freed while it is used. The version cannot change while a grant is in
 * use, nor go back to 1 while a status frame is mapped.
 *
 * Lifetime: a table lives as long as its domain's structure. A dying
 * domain releases its own mappings of others' grants (domain_kill); its
 * table stays until the domain is freed, which the references other
 * domains' uses hold on it delay until they are gone.
 *
 * Locking: gt->lock (per domain) guards the table's size, version and
 * active entries; a copy between two domains takes them one after the
 * other, never both at once, and never with a maptrack lock held. Entry
 * flags in guest memory change only atomically.
 */
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pv/hypercall.h>
#include <xen/domain_page.h>
#include <xen/grant_table.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/xmalloc.h>
#include <public/grant_table.h>
#include "grant_internal.h"

/* Frames a table may grow to (gnttab_max_frames=, Xen's default 64). */
static unsigned int opt_max_frames = 64;
integer_param("gnttab_max_frames", opt_max_frames);

#define V1_PER_PAGE (PAGE_SIZE / sizeof(struct grant_entry_v1))
#define V2_PER_PAGE (PAGE_SIZE / sizeof(union grant_entry_v2))
#define STATUS_PER_PAGE (PAGE_SIZE / sizeof(grant_status_t))

static unsigned int per_page(const struct grant_table *gt)
{
    return gt->version == 2 ? V2_PER_PAGE : V1_PER_PAGE;
}

static unsigned int nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * per_page(gt);
}

/* ---- Setting up and tearing down ---- */

static int grow_table(struct domain *d, struct grant_table *gt, unsigned int nr);

int grant_table_init(struct domain *d)
{
    struct grant_table *gt = xzalloc(struct grant_table);
    unsigned int max = opt_max_frames ? opt_max_frames : 1;
    int rc;

    if ( !gt )
        return -ENOMEM;
    spin_lock_init(&gt->lock);
    spin_lock_init(&gt->maptrack_lock);
    gt->version = 1;
    gt->max_frames = max;
    gt->shared = xzalloc_array(void *, max);
    gt->status = xzalloc_array(void *, max);
    gt->active = xzalloc_array(struct active_grant *, max);
    if ( !gt->shared || !gt->status || !gt->active || maptrack_init(gt) )
    {
        xfree(gt->maptrack);
        xfree(gt->shared);
        xfree(gt->status);
        xfree(gt->active);
        xfree(gt);
        return -ENOMEM;
    }
    d->grant_table = gt;
    /* A table starts with one frame, as on Xen. */
    spin_lock(&gt->lock);
    rc = grow_table(d, gt, 1);
    spin_unlock(&gt->lock);
    if ( rc )
        grant_table_destroy(d);
    return rc;
}

/* A page shared with d: the guest may map it writable. */
static void *alloc_shared_page(struct domain *d)
{
    void *p = alloc_xenheap_page();

    if ( !p )
        return NULL;
    memset(p, 0, PAGE_SIZE);
    share_xen_page_with_guest(virt_to_page(p), d);
    return p;
}

static void free_shared_pages(void **pages, unsigned int nr)
{
    unsigned int i;

    for ( i = 0; i < nr; i++ )
    {
        if ( pages[i] )
            unshare_xen_page_with_guest(virt_to_page(pages[i]));
        pages[i] = NULL;
    }
}

void grant_table_release_mappings(struct domain *d)
{
    if ( d->grant_table )
        maptrack_release_all(d);
}

void grant_table_destroy(struct domain *d)
{
    struct grant_table *gt = d->grant_table;
    unsigned int i;

    if ( !gt )
        return;
    maptrack_free_all(gt);
    free_shared_pages(gt->shared, gt->max_frames);
    free_shared_pages(gt->status, gt->max_frames);
    for ( i = 0; i < gt->max_frames; i++ )
        xfree(gt->active[i]);
    xfree(gt->shared);
    xfree(gt->status);
    xfree(gt->active);
    xfree(gt);
    d->grant_table = NULL;
}

/* Status frames a v2 table of nr_frames needs. */
static unsigned int status_frames_for(unsigned int nr_frames)
{
    return DIV_ROUND_UP(nr_frames * V2_PER_PAGE, STATUS_PER_PAGE);
}

/* Grow gt to nr frames (and its status frames for v2). Lock held. */
static int grow_table(struct domain *d, struct grant_table *gt, unsigned int nr)
{
    unsigned int i, nst;

    ASSERT(spin_is_locked(&gt->lock));
    if ( nr > gt->max_frames )
        return -EINVAL;
    for ( i = gt->nr_frames; i < nr; i++ )
    {
        struct active_grant *a = xzalloc_array(struct active_grant, V1_PER_PAGE);
        void *p = alloc_shared_page(d);

        if ( !a || !p )
        {
            xfree(a);
            if ( p )
                unshare_xen_page_with_guest(virt_to_page(p));
            return -ENOMEM;
        }
        gt->active[i] = a;
        gt->shared[i] = p;
        gt->nr_frames = i + 1;
    }
    if ( gt->version != 2 )
        return 0;
    nst = status_frames_for(gt->nr_frames);
    for ( i = gt->nr_status_frames; i < nst; i++ )
    {
        void *p = alloc_shared_page(d);

        if ( !p )
            return -ENOMEM;
        gt->status[i] = p;
        gt->nr_status_frames = i + 1;
    }
    return 0;
}

/* ---- The table ops ---- */

/* The domain an op names: DOMID_SELF, or any domain for a privileged caller. */
static struct domain *op_domain(domid_t dom, int16_t *status)
{
    struct domain *cd = current->domain, *d;

    if ( dom == DOMID_SELF || dom == cd->domain_id )
        return get_domain(cd) ? cd : NULL;
    if ( !cd->is_privileged )
    {
        *status = GNTST_permission_denied;
        return NULL;
    }
    d = get_domain_by_id(dom);
    if ( !d )
        *status = GNTST_bad_domain;
    return d;
}

static long gnttab_setup_table(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct gnttab_setup_table op;
    struct grant_table *gt;
    struct domain *d;
    unsigned int i;
    int rc;

    if ( raw_copy_from_guest(&op, arg.p, sizeof(op)) )
        return -EFAULT;
    op.status = GNTST_okay;
    d = op_domain(op.dom, &op.status);
    if ( !d )
        goto out;
    gt = d->grant_table;
    spin_lock(&gt->lock);
    rc = op.nr_frames > gt->max_frames ? -EINVAL : grow_table(d, gt, op.nr_frames);
    if ( rc )
        op.status = GNTST_general_error;
    else
        for ( i = 0; i < op.nr_frames; i++ )
        {
            xen_pfn_t mfn = mfn_x(virt_to_mfn(gt->shared[i]));

            if ( copy_to_guest_offset(op.frame_list, i, &mfn, 1) )
            {
                rc = -EFAULT;
                break;
            }
        }
    spin_unlock(&gt->lock);
    put_domain(d);
    if ( rc == -EFAULT )
        return rc;
 out:
    return raw_copy_to_guest(arg.p, &op, sizeof(op)) ? -EFAULT : 0;
}

static long gnttab_query_size(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct gnttab_query_size op;
    struct domain *d;

    if ( raw_copy_from_guest(&op, arg.p, sizeof(op)) )
        return -EFAULT;
    op.status = GNTST_okay;
    d = op_domain(op.dom, &op.status);
    if ( d )
    {
        op.nr_frames = d->grant_table->nr_frames;
        op.max_nr_frames = d->grant_table->max_frames;
        put_domain(d);
    }
    return raw_copy_to_guest(arg.p, &op, sizeof(op)) ? -EFAULT : 0;
}

static bool any_grant_in_use(const struct grant_table *gt)
{
    unsigned int f, i;

    for ( f = 0; f < gt->nr_frames; f++ )
        for ( i = 0; i < V1_PER_PAGE; i++ )
            if ( gt->active[f][i].readers )
                return true;
    return false;
}

/* Does anybody map a v2 status frame (more than its sharing reference)? */
static bool status_frames_mapped(const struct grant_table *gt)
{
    unsigned int i;

    for ( i = 0; i < gt->nr_status_frames; i++ )
        if ( (virt_to_page(gt->status[i])->count_info & PGC_count_mask) > 1 )
            return true;
    return false;
}

/*
 * The entries' layout changes: the reserved entries (the toolstack's
 * console and store grants) are carried over in the new form, as on
 * Xen, and the rest of the table is cleared.
 */
static void convert_table(struct grant_table *gt, unsigned int to)
{
    struct grant_entry_v1 v1[GNTTAB_NR_RESERVED_ENTRIES];
    union grant_entry_v2 *e2 = gt->shared[0];
    struct grant_entry_v1 *e1 = gt->shared[0];
    unsigned int i, f;

    for ( i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++ )
        if ( to == 2 )
            v1[i] = e1[i];
        else
            v1[i] = (struct grant_entry_v1){ .flags = e2[i].hdr.flags,
                                             .domid = e2[i].hdr.domid,
                                             .frame = (uint32_t)e2[i].full_page.frame };
    for ( f = 0; f < gt->nr_frames; f++ )
        memset(gt->shared[f], 0, PAGE_SIZE);
    for ( i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++ )
        if ( to == 2 )
        {
            e2[i].hdr.flags = v1[i].flags;
            e2[i].hdr.domid = v1[i].domid;
            e2[i].full_page.frame = v1[i].frame;
        }
        else
            e1[i] = v1[i];
}

static long gnttab_set_version(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d = current->domain;
    struct grant_table *gt = d->grant_table;
    struct gnttab_set_version op;
    long rc = 0;

    if ( raw_copy_from_guest(&op, arg.p, sizeof(op)) )
        return -EFAULT;
    if ( op.version != 1 && op.version != 2 )
    {
        /* Refused, but the caller learns the version in use (as Xen). */
        op.version = gt->version;
        return raw_copy_to_guest(arg.p, &op, sizeof(op)) ? -EFAULT : -EINVAL;
    }
    spin_lock(&gt->lock);
    if ( op.version != gt->version )
    {
        /* Not while a grant is in use, nor (to v1) a status frame mapped. */
        if ( any_grant_in_use(gt) || status_frames_mapped(gt) )
            rc = -EBUSY;
        else
        {
            convert_table(gt, op.version);
            gt->version = op.version;
            if ( op.version == 2 )
                rc = grow_table(d, gt, gt->nr_frames);
            else
            {
                free_shared_pages(gt->status, gt->nr_status_frames);
                gt->nr_status_frames = 0;
            }
        }
    }
    op.version = gt->version;
    spin_unlock(&gt->lock);
    if ( raw_copy_to_guest(arg.p, &op, sizeof(op)) )
        return -EFAULT;
    return rc;
}

static long gnttab_get_version(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct gnttab_get_version op;
    struct domain *d;
    int16_t status = 0;

    if ( raw_copy_from_guest(&op, arg.p, sizeof(op)) )
        return -EFAULT;
    d = op_domain(op.dom, &status);
    if ( !d )
        return status == GNTST_bad_domain ? -ESRCH : -EPERM;
    op.version = d->grant_table->version;
    put_domain(d);
    return raw_copy_to_guest(arg.p, &op, sizeof(op)) ? -EFAULT : 0;
}

static long gnttab_get_status_frames(XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct gnttab_get_status_frames op;
    struct grant_table *gt;
    struct domain *d;
    unsigned int i;
    long rc = 0;

    if ( raw_copy_from_guest(&op, arg.p, sizeof(op)) )
        return -EFAULT;
    op.status = GNTST_okay;
    d = op_domain(op.dom, &op.status);
    if ( !d )
        goto out;
    gt = d->grant_table;
    spin_lock(&gt->lock);
    if ( gt->version != 2 || op.nr_frames > gt->nr_status_frames )
        op.status = GNTST_general_error;
    else
        for ( i = 0; i < op.nr_frames; i++ )
        {
            uint64_t mfn = mfn_x(virt_to_mfn(gt->status[i]));

            if ( copy_to_guest_offset(op.frame_list, i, &mfn, 1) )
            {
                rc = -EFAULT;
                break;
            }
        }
    spin_unlock(&gt->lock);
    put_domain(d);
    if ( rc )
        return rc;
 out:
    return raw_copy_to_guest(arg.p, &op, sizeof(op)) ? -EFAULT : 0;
}

/* ---- Using a grant: acquire, release ---- */

/* The flags word of entry ref, and (v2) its separate status word. */
static uint16_t *entry_flags(struct grant_table *gt, grant_ref_t ref)
{
    unsigned int pp = per_page(gt);
    void *page = gt->shared[ref / pp];

    if ( gt->version == 2 )
        return &((union grant_entry_v2 *)page)[ref % pp].hdr.flags;
    return &((struct grant_entry_v1 *)page)[ref % pp].flags;
}

static uint16_t *entry_status(struct grant_table *gt, grant_ref_t ref)
{
    if ( gt->version != 2 )
        return entry_flags(gt, ref);
    return &((grant_status_t *)gt->status[ref / STATUS_PER_PAGE])[ref % STATUS_PER_PAGE];
}

static struct active_grant *active_entry(struct grant_table *gt, grant_ref_t ref)
{
    unsigned int pp = per_page(gt);

    return &gt->active[ref / pp][ref % pp];
}

struct domain *gnttab_granter(domid_t dom, bool self_ok)
{
    struct domain *cd = current->domain;

    if ( dom == DOMID_SELF )
        return self_ok && get_domain(cd) ? cd : NULL;
    return get_domain_by_id(dom);
}

/* Do entry flags f allow this use (whole_page: of all the page)? */
static bool entry_permits(uint16_t f, bool write, bool whole_page)
{
    if ( (f & GTF_type_mask) != GTF_permit_access )
        return false;               /* not granted, or a transfer/transitive */
    if ( write && (f & GTF_readonly) )
        return false;
    return !(whole_page && (f & GTF_sub_page));
}

/* Clear the in-use bits of ref that no use holds any more. Lock held. */
static void clear_unused_bits(struct grant_table *gt, grant_ref_t ref,
                              const struct active_grant *act)
{
    uint16_t clear = (act->readers ? 0 : GTF_reading) |
                     (act->writers ? 0 : GTF_writing);

    if ( clear )
        __atomic_fetch_and(entry_status(gt, ref), (uint16_t)~clear,
                           __ATOMIC_SEQ_CST);
}

/*
 * Mark v1 entry e in use (bits) if it still grants what we checked, with
 * one compare-and-exchange, so that a revocation cannot slip in between.
 */
static bool mark_v1(struct grant_entry_v1 *e, domid_t me, uint16_t bits,
                    bool write, bool whole_page)
{
    uint16_t f = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);

    do {
        if ( !entry_permits(f, write, whole_page) ||
             __atomic_load_n(&e->domid, __ATOMIC_ACQUIRE) != me )
            return false;
    } while ( !__atomic_compare_exchange_n(&e->flags, &f, (uint16_t)(f | bits),
                                           false, __ATOMIC_SEQ_CST,
                                           __ATOMIC_ACQUIRE) );
    return true;
}

/*
 * v2: the bits go to the status word; the entry is checked again after
 * they are set, since the granter revokes by clearing the flags and then
 * reading the status.
 */
static bool mark_v2(union grant_entry_v2 *e, uint16_t *status, domid_t me,
                    uint16_t bits, bool write, bool whole_page)
{
    uint16_t f = __atomic_load_n(&e->hdr.flags, __ATOMIC_ACQUIRE);

    if ( !entry_permits(f, write, whole_page) ||
         __atomic_load_n(&e->hdr.domid, __ATOMIC_ACQUIRE) != me )
        return false;
    __atomic_fetch_or(status, bits, __ATOMIC_SEQ_CST);
    f = __atomic_load_n(&e->hdr.flags, __ATOMIC_ACQUIRE);
    return entry_permits(f, write, whole_page);
}

/* The frame a newly marked entry grants, and its window. Lock held. */
static unsigned long entry_frame(struct grant_table *gt, grant_ref_t ref,
                                 struct grant_use *u)
{
    u->win_off = 0;
    u->win_len = PAGE_SIZE;
    if ( gt->version == 2 )
    {
        union grant_entry_v2 *e = (void *)entry_flags(gt, ref);

        if ( e->hdr.flags & GTF_sub_page )
        {
            u->win_off = e->sub_page.page_off;
            u->win_len = e->sub_page.length;
        }
        return e->full_page.frame;
    }
    return ((struct grant_entry_v1 *)entry_flags(gt, ref))->frame;
}

int gnttab_frame_get(struct domain *d, unsigned long frame, bool write)
{
    struct page_info *pg;

    if ( !mfn_valid(_mfn(frame)) )
        return -EINVAL;
    pg = mfn_to_page(_mfn(frame));
    if ( !get_page(pg, d) )
        return -EINVAL;
    /* Never a writable use of a page table or descriptor page. */
    if ( write && get_page_type(pg, PGT_writable_page) )
    {
        put_page(pg);
        return -EBUSY;
    }
    return 0;
}

void gnttab_frame_put(unsigned long frame, bool write)
{
    struct page_info *pg = mfn_to_page(_mfn(frame));

    if ( write )
        put_page_and_type(pg);
    else
        put_page(pg);
}

int gnttab_acquire(struct domain *rd, grant_ref_t ref, bool write,
                   bool for_map, struct grant_use *u)
{
    struct grant_table *gt = rd->grant_table;
    domid_t me = current->domain->domain_id;
    uint16_t bits = GTF_reading | (write ? GTF_writing : 0);
    struct active_grant *act;
    unsigned long frame;
    bool marked;
    int rc;

    if ( !gt || rd->is_dying )
    {
        put_domain(rd);
        return GNTST_bad_domain;
    }
    spin_lock(&gt->lock);
    if ( ref >= nr_entries(gt) )
    {
        rc = GNTST_bad_gntref;
        goto fail;
    }
    act = active_entry(gt, ref);
    if ( gt->version == 2 )
        marked = mark_v2((void *)entry_flags(gt, ref), entry_status(gt, ref),
                         me, bits, write, for_map);
    else
        marked = mark_v1((void *)entry_flags(gt, ref), me, bits, write,
                         for_map);
    if ( !marked )
    {
        /* Not granted to us, or not like that. */
        rc = GNTST_general_error;
        if ( gt->version == 2 )
            goto fail_clear;        /* mark_v2() may have set status bits */
        goto fail;
    }
    /* While the grant is in use, every use gets the frame the first got. */
    frame = entry_frame(gt, ref, u);
    if ( act->readers )
        frame = act->frame;
    switch ( gnttab_frame_get(rd, frame, write) )
    {
    case 0:
        break;
    case -EBUSY:
        rc = GNTST_general_error;   /* a page table or descriptor page */
        goto fail_clear;
    default:
        rc = GNTST_bad_page;
        goto fail_clear;
    }
    act->frame = frame;
    act->readers++;
    if ( write )
        act->writers++;
    spin_unlock(&gt->lock);

    u->rd = rd;
    u->ref = ref;
    u->write = write;
    u->frame = frame;
    return GNTST_okay;

 fail_clear:
    clear_unused_bits(gt, ref, act);
 fail:
    spin_unlock(&gt->lock);
    put_domain(rd);
    return rc;
}

void gnttab_release(struct grant_use *u)
{
    struct grant_table *gt = u->rd->grant_table;
    struct active_grant *act;

    gnttab_frame_put(u->frame, u->write);
    spin_lock(&gt->lock);
    act = active_entry(gt, u->ref);
    ASSERT(act->readers && (!u->write || act->writers));
    act->readers--;
    if ( u->write )
        act->writers--;
    clear_unused_bits(gt, u->ref, act);
    spin_unlock(&gt->lock);
    put_domain(u->rd);
    u->rd = NULL;
}

/* ---- The hypercall ---- */

long do_grant_table_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) uop,
                       unsigned int count)
{
    if ( !current->domain->grant_table )
        return -ENOSYS;

    switch ( cmd )
    {
    case GNTTABOP_setup_table:
        return count == 1 ? gnttab_setup_table(uop) : -EINVAL;
    case GNTTABOP_query_size:
        return count == 1 ? gnttab_query_size(uop) : -EINVAL;
    case GNTTABOP_set_version:
        return count == 1 ? gnttab_set_version(uop) : -EINVAL;
    case GNTTABOP_get_version:
        return count == 1 ? gnttab_get_version(uop) : -EINVAL;
    case GNTTABOP_get_status_frames:
        return count == 1 ? gnttab_get_status_frames(uop) : -EINVAL;
    case GNTTABOP_copy:
        return gnttab_copy(uop, count);
    case GNTTABOP_map_grant_ref:
        return gnttab_map(uop, count);
    case GNTTABOP_unmap_grant_ref:
        return gnttab_unmap(uop, count);
    case GNTTABOP_unmap_and_replace:
        return gnttab_unmap_and_replace(uop, count);
    default:
        /* transfer, swap_grant_ref, dump_table, cache_flush: not offered. */
        return -ENOSYS;
    }
}
