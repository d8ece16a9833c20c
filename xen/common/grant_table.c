/*
 * grant_table.c: grant tables, the first part: the table itself
 * (setup_table, query_size, set_version, get_version, get_status_frames)
 * and GNTTABOP_copy.
 *
 * Theory of operation. A domain's grant table is a few pages it shares
 * with the hypervisor (frames it maps itself; setup_table tells it their
 * frame numbers). Entry `ref` says "domain D may access my frame F,
 * read-only or not". Version 1 entries are 8 bytes, 512 per page, flags
 * and all; version 2 entries are 16 bytes, 256 per page, with the
 * GTF_reading/GTF_writing status in separate status frames.
 *
 * Using a grant (here: a copy) is check-then-commit on memory the granting
 * guest may change at any moment: the entry's flags are read, checked and
 * marked in use (GTF_reading, GTF_writing) with one compare-and-exchange,
 * and the frame is read only after that, so the grant cannot be revoked
 * halfway (the granting guest must see the in-use flag before it reuses
 * the page). The hypervisor's own record of a grant in use, the active
 * entry, counts the uses, so the in-use flags are cleared only by the last
 * one. The frame itself is referenced (get_page) for the duration: a
 * granted page cannot be freed while it is being copied.
 *
 * Mapping grants (map_grant_ref, unmap_grant_ref, unmap_and_replace)
 * needs the PV page-table machinery to install a foreign frame and comes
 * with it; until then those ops return -ENOSYS, as do transfer and
 * swap_grant_ref.
 *
 * Locking: gt->lock (per domain) guards the table's size, version and
 * active entries; a copy between two domains takes them one after the
 * other, never both at once. Entry flags in guest memory change only by
 * cmpxchg.
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

/* Frames a table may grow to (gnttab_max_frames=, Xen's default 64). */
static unsigned int opt_max_frames = 64;
integer_param("gnttab_max_frames", opt_max_frames);

#define V1_PER_PAGE (PAGE_SIZE / sizeof(struct grant_entry_v1))
#define V2_PER_PAGE (PAGE_SIZE / sizeof(union grant_entry_v2))
#define STATUS_PER_PAGE (PAGE_SIZE / sizeof(grant_status_t))

struct active_grant {
    unsigned int readers, writers;  /* uses in progress */
};

struct grant_table {
    spinlock_t lock;
    unsigned int version;           /* 1 or 2 */
    unsigned int nr_frames, max_frames;
    void **shared;                  /* [max_frames] shared pages */
    unsigned int nr_status_frames;
    void **status;                  /* [max_frames] v2 status pages */
    struct active_grant **active;   /* [max_frames] one array per frame */
};

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
    gt->version = 1;
    gt->max_frames = max;
    gt->shared = xzalloc_array(void *, max);
    gt->status = xzalloc_array(void *, max);
    gt->active = xzalloc_array(struct active_grant *, max);
    if ( !gt->shared || !gt->status || !gt->active )
    {
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

void grant_table_destroy(struct domain *d)
{
    struct grant_table *gt = d->grant_table;
    unsigned int i;

    if ( !gt )
        return;
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
            if ( gt->active[f][i].readers || gt->active[f][i].writers )
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
        if ( any_grant_in_use(gt) )
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

/*
 * Start using rd's grant ref for the current domain: check the entry and
 * mark it in use. *frame gets the granted frame, referenced, and
 * [*win_off, *win_off + *win_len) the part of it granted (a v2 sub-page
 * grant; the whole page otherwise). A GNTST_*.
 */
static int acquire_grant(struct domain *rd, grant_ref_t ref, bool write,
                         unsigned long *frame, unsigned int *win_off,
                         unsigned int *win_len)
{
    struct grant_table *gt = rd->grant_table;
    domid_t me = current->domain->domain_id;
    struct active_grant *act;
    uint16_t *flags, *status, f, bit = write ? GTF_writing : GTF_reading;
    unsigned long mfn;
    int rc = GNTST_okay;

    *win_off = 0;
    *win_len = PAGE_SIZE;
    spin_lock(&gt->lock);
    if ( ref >= nr_entries(gt) )
    {
        rc = GNTST_bad_gntref;
        goto out;
    }
    flags = entry_flags(gt, ref);
    status = entry_status(gt, ref);
    f = __atomic_load_n(flags, __ATOMIC_ACQUIRE);
    /* Not granted, not to us, read-only: Xen says general_error. */
    if ( (f & GTF_type_mask) != GTF_permit_access || (write && (f & GTF_readonly)) )
    {
        rc = GNTST_general_error;
        goto out;
    }
    if ( gt->version == 2 )
    {
        union grant_entry_v2 *e = (void *)flags;

        if ( e->hdr.domid != me )
        {
            rc = GNTST_general_error;
            goto out;
        }
        if ( f & GTF_sub_page )
        {
            *win_off = e->sub_page.page_off;
            *win_len = e->sub_page.length;
        }
        mfn = e->full_page.frame;
        __atomic_fetch_or(status, bit, __ATOMIC_SEQ_CST);
        /* Re-check: the guest may have revoked it meanwhile. */
        if ( (__atomic_load_n(flags, __ATOMIC_ACQUIRE) & GTF_type_mask) != GTF_permit_access )
        {
            act = active_entry(gt, ref);
            if ( !(write ? act->writers : act->readers) )
                __atomic_fetch_and(status, (uint16_t)~bit, __ATOMIC_SEQ_CST);
            rc = GNTST_general_error;
            goto out;
        }
    }
    else
    {
        struct grant_entry_v1 *e = (void *)flags;

        /* Set the in-use bit only if the entry is still what we checked. */
        for ( ; ; )
        {
            uint16_t seen = f;

            if ( e->domid != me )
            {
                rc = GNTST_general_error;
                goto out;
            }
            if ( __atomic_compare_exchange_n(flags, &seen, (uint16_t)(f | bit), false,
                                             __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) )
                break;
            f = seen;
            if ( (f & GTF_type_mask) != GTF_permit_access ||
                 (write && (f & GTF_readonly)) )
            {
                rc = GNTST_general_error;
                goto out;
            }
        }
        mfn = e->frame;
    }
    act = active_entry(gt, ref);
    if ( !mfn_valid(_mfn(mfn)) || !get_page(mfn_to_page(_mfn(mfn)), rd) )
    {
        if ( !(write ? act->writers : act->readers) )
            __atomic_fetch_and(status, (uint16_t)~bit, __ATOMIC_SEQ_CST);
        rc = GNTST_bad_page;
        goto out;
    }
    if ( write )
        act->writers++;
    else
        act->readers++;
    *frame = mfn;
 out:
    spin_unlock(&gt->lock);
    return rc;
}

static void release_grant(struct domain *rd, grant_ref_t ref, bool write,
                          unsigned long frame)
{
    struct grant_table *gt = rd->grant_table;
    struct active_grant *act;
    unsigned int *uses;

    put_page(mfn_to_page(_mfn(frame)));
    spin_lock(&gt->lock);
    act = active_entry(gt, ref);
    uses = write ? &act->writers : &act->readers;
    ASSERT(*uses);
    if ( !--*uses )
        __atomic_fetch_and(entry_status(gt, ref),
                           (uint16_t)~(write ? GTF_writing : GTF_reading),
                           __ATOMIC_SEQ_CST);
    spin_unlock(&gt->lock);
}

/* ---- GNTTABOP_copy ---- */

struct copy_side {
    struct domain *d;               /* referenced; NULL: not acquired */
    bool gref;
    grant_ref_t ref;
    unsigned long frame;            /* referenced */
    unsigned int win_off, win_len;  /* the part of the frame granted */
};

static int copy_side_get(const struct gnttab_copy_ptr *p, bool is_gref, bool write,
                         struct copy_side *s)
{
    struct domain *cd = current->domain;
    int16_t status = GNTST_okay;
    int rc;

    s->gref = is_gref;
    if ( is_gref )
    {
        s->d = p->domid == DOMID_SELF ? (get_domain(cd) ? cd : NULL)
                                      : get_domain_by_id(p->domid);
        if ( !s->d )
            return GNTST_bad_domain;
        s->ref = p->u.ref;
        rc = acquire_grant(s->d, s->ref, write, &s->frame, &s->win_off, &s->win_len);
        if ( rc )
        {
            put_domain(s->d);
            s->d = NULL;
        }
        return rc;
    }
    /* A frame of the caller's own (PV: a machine frame number). */
    if ( p->domid != DOMID_SELF && p->domid != cd->domain_id )
        return GNTST_permission_denied;
    if ( !mfn_valid(_mfn(p->u.gmfn)) || !get_page(mfn_to_page(_mfn(p->u.gmfn)), cd) )
        return GNTST_bad_page;
    if ( write && get_page_type(mfn_to_page(_mfn(p->u.gmfn)), PGT_writable_page) )
    {
        put_page(mfn_to_page(_mfn(p->u.gmfn)));
        return GNTST_bad_page;
    }
    s->d = cd;
    get_domain(cd);
    s->frame = p->u.gmfn;
    s->win_off = 0;
    s->win_len = PAGE_SIZE;
    (void)status;
    return GNTST_okay;
}

static void copy_side_put(struct copy_side *s, bool write)
{
    if ( !s->d )
        return;
    if ( s->gref )
        release_grant(s->d, s->ref, write, s->frame);
    else if ( write )
        put_page_and_type(mfn_to_page(_mfn(s->frame)));
    else
        put_page(mfn_to_page(_mfn(s->frame)));
    put_domain(s->d);
    s->d = NULL;
}

static int16_t do_one_copy(const struct gnttab_copy *op)
{
    struct copy_side src = { 0 }, dst = { 0 };
    int rc;

    if ( op->source.offset + op->len > PAGE_SIZE ||
         op->dest.offset + op->len > PAGE_SIZE )
        return GNTST_bad_copy_arg;
    rc = copy_side_get(&op->source, op->flags & GNTCOPY_source_gref, false, &src);
    if ( rc )
        return rc;
    rc = copy_side_get(&op->dest, op->flags & GNTCOPY_dest_gref, true, &dst);
    /* A sub-page grant allows only its window. */
    if ( !rc && (op->source.offset < src.win_off ||
                 op->source.offset + op->len > src.win_off + src.win_len ||
                 op->dest.offset < dst.win_off ||
                 op->dest.offset + op->len > dst.win_off + dst.win_len) )
        rc = GNTST_general_error;
    if ( !rc )
        memmove((char *)mfn_to_virt(_mfn(dst.frame)) + op->dest.offset,
                (const char *)mfn_to_virt(_mfn(src.frame)) + op->source.offset,
                op->len);
    copy_side_put(&dst, true);
    copy_side_put(&src, false);
    return rc;
}

static long gnttab_copy(XEN_GUEST_HANDLE_PARAM(void) arg, unsigned int count)
{
    XEN_GUEST_HANDLE_PARAM(gnttab_copy_t) ops = guest_handle_cast(arg, gnttab_copy_t);
    struct gnttab_copy op;
    unsigned int i;

    for ( i = 0; i < count; i++ )
    {
        if ( i && hypercall_preempt_check() )
            return hypercall_create_continuation(__HYPERVISOR_grant_table_op, "ihi",
                                                 GNTTABOP_copy, ops.p + i, count - i);
        if ( copy_from_guest_offset(&op, ops, i, 1) )
            return -EFAULT;
        op.status = do_one_copy(&op);
        if ( copy_field_to_guest(((XEN_GUEST_HANDLE_PARAM(gnttab_copy_t)){ ops.p + i }),
                                 &op, status) )
            return -EFAULT;
    }
    return 0;
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
    default:
        /* map/unmap/unmap_and_replace come with the PV MMU; transfer,
         * swap_grant_ref, dump_table and cache_flush are not offered. */
        return -ENOSYS;
    }
}
