/*
 * pv/mm.c: a PV guest's page-table hypercalls: update_va_mapping (and its
 * _otherdomain form), mmu_update and mmuext_op.
 *
 * Theory of operation. A PV guest's page tables are its own pages, which
 * the hypervisor lets it read but never write directly; every change
 * comes through here and is checked first (pv/pt_validate.c has the
 * rules, common/domain_page.c the type counts), so the guest can map
 * nothing it does not own and never gets a writable mapping of a page
 * table. The hypercalls only parse and dispatch:
 *
 *   mmu_update: NORMAL and PRESERVE_AD requests change one entry of a
 *     validated table of any level (a plain writable page is simply
 *     written, as on Xen); MACHPHYS sets an M2P entry. foreigndom names
 *     the owner of the frames L1 entries may map (another domain, for a
 *     privileged caller only) and, in its top 16 bits, a foreign owner
 *     of the tables themselves. A privileged caller may also name
 *     DOMID_IO (device memory, its own I/O-memory rights apply) or
 *     DOMID_XEN (the M2P table's frames, read-only): pseudo-owners that
 *     own no page here (pv_dom_io, pv_dom_xen; pt_validate.c has the
 *     rules), so requests that need a page of theirs fail as for a frame
 *     not owned.
 *   mmuext_op: pinning (a pin is one full type reference plus PGT_pinned;
 *     pinning a pinned page, or unpinning one that is not, is -EINVAL as
 *     on Xen), kernel and user base pointers (a new L4 is validated if
 *     needed), TLB flushes (a vCPU mask is read but every CPU is flushed:
 *     a superset), cache flushes (I/O rights needed), SET_LDT (pv/ldt.c;
 *     a new kernel base pointer drops the LDT pages mapped so far, as on
 *     Xen), CLEAR_PAGE and COPY_PAGE.
 *
 * Batches stop at the first failing request; *done counts the requests
 * done, across continuations, exactly as Xen counts them. Preemption: a
 * batch checks for pending work between requests and continues itself
 * (the count carries MMU_UPDATE_PREEMPTED); a request whose validation
 * was preempted is not done and is issued again, continuing where the
 * table got to. A request that leaves a table to tear down (the last
 * reference of a big tree went, or a validation failed half-way) is done
 * (or failed), and the teardown is deferred to the vCPU
 * (page_type_defer): the batch continues itself until it is finished, and
 * a failed batch returns its error only then, carried in the last
 * continuation's foreigndom argument as Xen does.
 *
 * The hypervisor adds US (the guest runs in ring 3) and bit 52 or G to
 * the guest's L1 entries; guest user mappings are global, as on Xen, so
 * every guest-requested TLB flush here includes global entries.
 *
 * Locking: none here; entries change by compare-and-exchange, references
 * atomically (pt_validate.c, domain_page.c).
 */
#include <asm/current.h>
#include <asm/m2p.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/pv/hypercall.h>
#include <asm/pv/ldt.h>
#include <asm/pv/mm.h>
#include <xen/cpumask.h>
#include <xen/domain_page.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/string.h>
#include <public/xen.h>

/* ---- TLB flushes when a frame changes use (domain_page.c) ---- */

/* An L4 loses its type: no idle CPU may go on running on it. */
static void leave_l4(void *arg)
{
    unsigned long maddr = (unsigned long)arg;

    if ( is_idle_vcpu(current) && read_cr3() == maddr )
        write_cr3(__pa(idle_pg_table));
    flush_tlb_all_local();
}

void pv_type_change_flush(struct page_info *pg, unsigned long old_type)
{
    if ( old_type == PGT_l4_page_table )
        on_selected_cpus(&cpu_online_map, leave_l4,
                         (void *)(unsigned long)page_to_maddr(pg), true);
    else
        flush_tlb_all();
}

/* ---- Owners ---- */

/*
 * The domain named as the owner of mapped frames (foreigndom): 0 and
 * *pg_owner (referenced when it is a real domain other than the
 * caller's; pv_dom_io / pv_dom_xen for DOMID_IO / DOMID_XEN), or -ESRCH
 * (no such domain, or the caller's own id, as on Xen).
 */
static int get_pg_owner(domid_t domid, struct domain **pg_owner)
{
    struct domain *curr = current->domain;

    switch ( domid )
    {
    case DOMID_SELF:
        *pg_owner = curr;
        return 0;
    case DOMID_IO:
        *pg_owner = &pv_dom_io;
        return 0;
    case DOMID_XEN:
        *pg_owner = &pv_dom_xen;
        return 0;
    default:
        break;
    }
    if ( domid == curr->domain_id )
        return -ESRCH;
    *pg_owner = get_domain_by_id(domid);
    return *pg_owner ? 0 : -ESRCH;
}

static void put_pg_owner(struct domain *pg_owner)
{
    if ( pg_owner && pg_owner != current->domain &&
         !pv_is_pseudo_owner(pg_owner) )
        put_domain(pg_owner);
}

/* May the caller act on pg_owner's frames (Xen's XSM_TARGET)? */
static bool may_use(const struct domain *pg_owner)
{
    const struct domain *curr = current->domain;

    return pg_owner == curr || curr->is_privileged;
}

/* A general reference on frame mfn of d's, or NULL. */
static struct page_info *get_frame(unsigned long mfn, struct domain *d)
{
    struct page_info *pg;

    if ( !d || !mfn_valid(_mfn(mfn)) )
        return NULL;
    pg = mfn_to_page(_mfn(mfn));
    return get_page(pg, d) ? pg : NULL;
}


/* ---- Base pointers ---- */

int pv_get_l4_base(struct domain *d, unsigned long mfn)
{
    struct page_info *pg = get_frame(mfn, d);
    unsigned long type;

    if ( !pg )
        return -EINVAL;
    if ( !page_type_get_validated(pg, &type) )
    {
        put_page(pg);
        return -EINVAL;
    }
    if ( type != PGT_l4_page_table )
    {
        put_page_and_type(pg);
        return -EINVAL;
    }
    return 0;
}

void pv_put_l4_base(unsigned long mfn)
{
    if ( mfn )
        put_page_and_type(mfn_to_page(_mfn(mfn)));
}

/* Take an L4 reference for a new base pointer (validating it if needed). */
static int get_base(struct domain *d, unsigned long mfn,
                    struct page_info **pending)
{
    struct page_info *pg = get_frame(mfn, d);

    if ( !pg )
        return -EINVAL;
    return pv_get_type_or_drop(pg, PGT_l4_page_table, pending);
}

static void put_base(unsigned long mfn, struct page_info **pending)
{
    if ( mfn )
        pv_put_ref_or_defer(mfn_to_page(_mfn(mfn)), pending);
}

static int set_kernel_base(struct vcpu *v, unsigned long mfn,
                           struct page_info **pending)
{
    unsigned long old = v->arch.pv.guest_table;
    int rc = get_base(v->domain, mfn, pending);

    if ( rc )
        return rc;
    /* The LDT pages were found through the old tables: look again. */
    if ( mfn != old )
        pv_destroy_ldt(v);
    pv_fill_ro_mpt(mfn_to_page(_mfn(mfn)));
    v->arch.pv.guest_table = mfn;
    v->arch.cr3 = mfn << PAGE_SHIFT;
    write_cr3(v->arch.cr3);
    flush_tlb_all_local();          /* the user mappings are global */
    put_base(old, pending);
    return 0;
}

static int set_user_base(struct vcpu *v, unsigned long mfn,
                         struct page_info **pending)
{
    unsigned long old = v->arch.pv.guest_table_user;
    int rc;

    if ( mfn == old )
        return 0;
    if ( mfn && (rc = get_base(v->domain, mfn, pending)) != 0 )
        return rc;
    v->arch.pv.guest_table_user = mfn;
    put_base(old, pending);
    return 0;
}

/* ---- Flushes ---- */

/* Read a guest vCPU mask (as Xen does, to report a bad one): 0 or -EFAULT. */
static int read_vcpumask(const struct domain *d, unsigned long ptr)
{
    unsigned long word;
    unsigned int i;

    for ( i = 0; i < d->max_vcpus; i += BITS_PER_LONG )
        if ( raw_copy_from_guest(&word, (const void *)(ptr + i / 8),
                                 sizeof(word)) )
            return -EFAULT;
    return 0;
}

/* update_va_mapping's flush; like Xen, a mask's result becomes the rc. */
static int flush_after_update(unsigned long va, unsigned long flags, int rc)
{
    unsigned long target = flags & ~UVMF_FLUSHTYPE_MASK;
    bool all = target == UVMF_ALL;

    switch ( flags & UVMF_FLUSHTYPE_MASK )
    {
    case UVMF_TLB_FLUSH:
    case UVMF_INVLPG:
        if ( target != UVMF_LOCAL && !all )
        {
            rc = read_vcpumask(current->domain, target);
            all = true;
        }
        if ( all )
            flush_tlb_all();
        else if ( (flags & UVMF_FLUSHTYPE_MASK) == UVMF_INVLPG )
            flush_tlb_one_local(va);
        else
            flush_tlb_all_local();
        break;
    }
    return rc;
}

/* ---- update_va_mapping ---- */

struct page_info *pv_get_l1_table(struct domain *d, unsigned long mfn)
{
    struct page_info *pg = get_frame(mfn, d);
    unsigned long type;

    if ( !pg )
        return NULL;
    if ( !page_type_get_validated(pg, &type) )
    {
        put_page(pg);
        return NULL;
    }
    if ( type != PGT_l1_page_table )
    {
        put_page_and_type(pg);
        return NULL;
    }
    return pg;
}

/* The L1 that maps va in v's kernel tables, references held, or NULL. */
struct page_info *pv_get_guest_l1(struct vcpu *v, unsigned long va)
{
    unsigned long mfn = v->arch.pv.guest_table;
    unsigned int level;

    for ( level = 4; level > 1; level-- )
    {
        const intpte_t *t;
        intpte_t e;

        if ( !mfn_valid(_mfn(mfn)) )
            return NULL;
        t = mfn_to_virt(_mfn(mfn));
        e = __atomic_load_n(&t[(va >> (PAGE_SHIFT + 9 * (level - 1))) & 511],
                            __ATOMIC_RELAXED);
        if ( !(e & _PAGE_PRESENT) || (e & _PAGE_PSE) )
            return NULL;
        mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    }
    return pv_get_l1_table(v->domain, mfn);
}

static long update_va_mapping(unsigned long va, uint64_t val,
                              unsigned long flags, struct domain *pg_owner)
{
    struct vcpu *v = current;
    struct page_info *l1pg, *pending;
    long rc = -EINVAL;

    if ( !may_use(pg_owner) )
        return -EPERM;
    if ( guest_range_ok(va, 1) && (l1pg = pv_get_guest_l1(v, va)) != NULL )
    {
        rc = pv_mod_entry(l1pg, 1, l1_table_offset(va), val, pg_owner,
                          false, &pending);
        ASSERT(!pending);           /* L1 entries: no tables below */
        put_page_and_type(l1pg);
    }
    return flush_after_update(va, flags, rc);
}

long do_update_va_mapping(unsigned long va, uint64_t val, unsigned long flags)
{
    return update_va_mapping(va, val, flags, current->domain);
}

long do_update_va_mapping_otherdomain(unsigned long va, uint64_t val,
                                      unsigned long flags, domid_t domid)
{
    struct domain *pg_owner;
    long rc = get_pg_owner(domid, &pg_owner);

    if ( rc )
        return rc;
    rc = update_va_mapping(va, val, flags, pg_owner);
    put_pg_owner(pg_owner);
    return rc;
}

/* ---- Batches ---- */

/*
 * A batch continued after preemption carries this flag in its count, and
 * the number already done is in *pdone, so the final count is the total.
 * A count of exactly this flag with no list is the end of a batch that
 * failed with a teardown left: foreigndom then carries the error.
 */
#define PREEMPTED (~(~0u >> 1))

struct batch {
    struct domain *pt_owner;        /* whose tables mmu_update changes */
    struct domain *pg_owner;        /* whose frames may be mapped */
};

static int preempted_count(unsigned int *count, XEN_GUEST_HANDLE_PARAM(void) pdone,
                           unsigned int *done_before)
{
    *done_before = 0;
    if ( !(*count & PREEMPTED) )
        return 0;
    *count &= ~PREEMPTED;
    if ( !guest_handle_is_null(pdone) &&
         raw_copy_from_guest(done_before, pdone.p, sizeof(*done_before)) )
        return -EFAULT;
    return 0;
}

typedef int batch_fn_t(const void *item, const struct batch *b,
                       struct page_info **pending);

/* Do the requests [0, count) of list; *i: how many are done. */
static int run_items(const char *items, size_t item_size, unsigned int count,
                     const struct batch *b, batch_fn_t *one, unsigned int *i)
{
    struct vcpu *curr = current;
    union {
        struct mmu_update u;
        struct mmuext_op e;
    } item;
    int rc = 0;

    ASSERT(item_size <= sizeof(item));
    for ( *i = 0; *i < count; (*i)++ )
    {
        struct page_info *pending = NULL;

        if ( page_type_has_deferred(curr) || (*i && hypercall_preempt_check()) )
            return -ERESTART;
        if ( raw_copy_from_guest(&item, items + (size_t)*i * item_size,
                                 item_size) )
            return -EFAULT;
        rc = one(&item, b, &pending);
        if ( pending )
            page_type_defer(curr, pending);
        if ( rc )
            return rc;
    }
    return 0;
}

/*
 * mmu_update and mmuext_op: count items of item_size at list, each done by
 * one() in order, stopping at the first failure. *pdone gets how many
 * succeeded in all (across continuations).
 */
static long run_batch(unsigned int op, XEN_GUEST_HANDLE_PARAM(void) list,
                      size_t item_size, unsigned int count,
                      XEN_GUEST_HANDLE_PARAM(void) pdone, unsigned int foreigndom,
                      const struct batch *b, batch_fn_t *one)
{
    const char *items = list.p;
    unsigned int i, done_before;
    int rc = preempted_count(&count, pdone, &done_before);

    if ( rc )
        return rc;
    rc = run_items(items, item_size, count, b, one, &i);
    if ( !guest_handle_is_null(pdone) )
    {
        unsigned int done = done_before + i;

        if ( raw_copy_to_guest(pdone.p, &done, sizeof(done)) )
            return -EFAULT;
    }
    if ( rc == -ERESTART )
        return hypercall_create_continuation(op, "hihi", items + (size_t)i * item_size,
                                             (count - i) | PREEMPTED, pdone.p,
                                             foreigndom);
    if ( page_type_has_deferred(current) )
        return hypercall_create_continuation(op, "hihi", NULL, PREEMPTED, NULL,
                                             (unsigned int)rc);
    return rc;
}

/*
 * What every batch does first: finish a teardown left by an earlier
 * request (continuing itself while that takes), and return a failed
 * batch's error once it is done. false if the call is over (*rc).
 */
static bool batch_prologue(unsigned int op, XEN_GUEST_HANDLE_PARAM(void) list,
                           unsigned int count, XEN_GUEST_HANDLE_PARAM(void) pdone,
                           unsigned int foreigndom, long *rc)
{
    if ( page_type_finish_deferred(current) )
    {
        *rc = hypercall_create_continuation(op, "hihi", list.p, count, pdone.p,
                                            foreigndom);
        return false;
    }
    if ( count == PREEMPTED && guest_handle_is_null(list) )
    {
        *rc = (int)foreigndom;
        return false;
    }
    return true;
}

/* ---- mmu_update ---- */

/* Write one entry of a page that is a plain writable page (as Xen does). */
static int write_plain(struct page_info *pg, unsigned int offset, uint64_t val)
{
    if ( get_page_type(pg, PGT_writable_page) )
        return -EINVAL;
    __atomic_store_n((uint64_t *)((char *)page_to_virt(pg) + offset), val,
                     __ATOMIC_RELAXED);
    put_page_type(pg);
    return 0;
}

static int mmu_normal_update(const struct mmu_update *req, bool preserve_ad,
                             const struct batch *b, struct page_info **pending)
{
    struct page_info *pg = get_frame(req->ptr >> PAGE_SHIFT, b->pt_owner);
    unsigned int offset = req->ptr & ~PAGE_MASK & ~7u;
    unsigned long type;
    int rc;

    if ( !pg )
        return -EINVAL;
    if ( !page_type_get_validated(pg, &type) )
    {
        rc = write_plain(pg, offset, req->val);
        put_page(pg);
        return rc;
    }
    if ( pgt_level(type) )
        rc = pv_mod_entry(pg, pgt_level(type), offset >> 3, req->val,
                          b->pg_owner, preserve_ad, pending);
    else if ( type == PGT_writable_page )
    {
        __atomic_store_n((uint64_t *)((char *)page_to_virt(pg) + offset),
                         req->val, __ATOMIC_RELAXED);
        rc = 0;
    }
    else
        rc = -EINVAL;
    /* Ours may have become the table's last reference meanwhile. */
    pv_put_ref_or_defer(pg, pending);
    return rc;
}

static int mmu_update_one(const void *item, const struct batch *b,
                          struct page_info **pending)
{
    const struct mmu_update *req = item;
    struct page_info *pg;

    switch ( req->ptr & 7 )
    {
    case MMU_NORMAL_PT_UPDATE:
    case MMU_PT_UPDATE_PRESERVE_AD:
        if ( !may_use(b->pg_owner) || !may_use(b->pt_owner) )
            return -EPERM;
        return mmu_normal_update(req, (req->ptr & 7) == MMU_PT_UPDATE_PRESERVE_AD,
                                 b, pending);

    case MMU_MACHPHYS_UPDATE:
        if ( b->pt_owner != current->domain )
            return -EPERM;
        if ( !may_use(b->pg_owner) )
            return -EPERM;
        pg = get_frame(req->ptr >> PAGE_SHIFT, b->pg_owner);
        if ( !pg )
            return -EINVAL;
        set_gpfn_from_mfn(page_to_mfn(pg), req->val);
        put_page(pg);
        return 0;

    default:
        return -ENOSYS;
    }
}

long do_mmu_update(XEN_GUEST_HANDLE_PARAM(void) ureqs, unsigned int count,
                   XEN_GUEST_HANDLE_PARAM(void) pdone, unsigned int foreigndom)
{
    struct batch b = { .pt_owner = current->domain };
    unsigned int pt_dom = foreigndom >> 16;
    long rc;

    if ( !batch_prologue(__HYPERVISOR_mmu_update, ureqs, count, pdone,
                         foreigndom, &rc) )
        return rc;
    if ( pt_dom && pt_dom - 1 != current->domain->domain_id )
    {
        b.pt_owner = get_domain_by_id(pt_dom - 1);
        if ( !b.pt_owner )
            return -ESRCH;
    }
    rc = get_pg_owner((domid_t)foreigndom, &b.pg_owner);
    if ( !rc )
    {
        rc = run_batch(__HYPERVISOR_mmu_update, ureqs, sizeof(struct mmu_update),
                       count, pdone, foreigndom, &b, mmu_update_one);
        put_pg_owner(b.pg_owner);
    }
    put_pg_owner(b.pt_owner);
    return rc;
}

/* ---- mmuext_op ---- */

static int pin_table(unsigned int level, unsigned long mfn,
                     struct domain *pg_owner, struct page_info **pending)
{
    struct page_info *pg = get_frame(mfn, pg_owner);
    int rc;

    if ( !pg )
        return -EINVAL;
    rc = pv_get_type_or_drop(pg, PGT_table_of_level(level), pending);
    if ( rc )
        return rc;
    if ( !page_type_set_pinned(pg) )
    {
        pv_put_ref_or_defer(pg, pending);      /* not the last: it is pinned */
        return -EINVAL;
    }
    return 0;                               /* the pin keeps both */
}

static int unpin_table(unsigned long mfn, struct domain *pg_owner,
                       struct page_info **pending)
{
    struct page_info *pg = get_frame(mfn, pg_owner);

    if ( !pg )
        return -EINVAL;
    if ( !page_type_clear_pinned(pg) )
    {
        put_page(pg);
        return -EINVAL;
    }
    pv_put_ref_or_defer(pg, pending);          /* the pin's */
    put_page(pg);
    return 0;
}

static int clear_page(unsigned long mfn, struct domain *pg_owner)
{
    struct page_info *pg = get_frame(mfn, pg_owner);

    if ( !pg || get_page_type(pg, PGT_writable_page) )
    {
        if ( pg )
            put_page(pg);
        return -EINVAL;
    }
    memset(page_to_virt(pg), 0, PAGE_SIZE);
    put_page_and_type(pg);
    return 0;
}

static int copy_page(unsigned long dst_mfn, unsigned long src_mfn,
                     struct domain *pg_owner)
{
    struct page_info *src = get_frame(src_mfn, pg_owner), *dst;

    if ( !src )
        return -EINVAL;
    dst = get_frame(dst_mfn, pg_owner);
    if ( !dst || get_page_type(dst, PGT_writable_page) )
    {
        if ( dst )
            put_page(dst);
        put_page(src);
        return -EINVAL;
    }
    memcpy(page_to_virt(dst), page_to_virt(src), PAGE_SIZE);
    put_page_and_type(dst);
    put_page(src);
    return 0;
}

static void wbinvd_local(void *unused)
{
    (void)unused;
    __asm__ __volatile__ ( "wbinvd" ::: "memory" );
}

static bool cache_flush_permitted(const struct domain *d)
{
    return d->arch.iomem_all || d->arch.ioport_all;
}

static int set_ldt(struct vcpu *v, const struct mmuext_op *op)
{
    return pv_set_ldt(v, op->arg1.linear_addr, op->arg2.nr_ents);
}

/* Commands that act on the caller's own vCPU and TLB. */
static int mmuext_local(const struct mmuext_op *op, struct page_info **pending)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;

    switch ( op->cmd )
    {
    case MMUEXT_NEW_BASEPTR:
        if ( !v->arch.pv.kernel_mode )
            return -EINVAL;
        return set_kernel_base(v, op->arg1.mfn, pending);
    case MMUEXT_NEW_USER_BASEPTR:
        return set_user_base(v, op->arg1.mfn, pending);
    case MMUEXT_TLB_FLUSH_LOCAL:
        flush_tlb_all_local();
        return 0;
    case MMUEXT_INVLPG_LOCAL:
        if ( is_canonical_address(op->arg1.linear_addr) )
            flush_tlb_one_local(op->arg1.linear_addr);
        return 0;
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_INVLPG_MULTI:
        if ( read_vcpumask(d, (unsigned long)op->arg2.vcpumask.p) )
            return -EINVAL;
        flush_tlb_all();
        return 0;
    case MMUEXT_TLB_FLUSH_ALL:
    case MMUEXT_INVLPG_ALL:
        flush_tlb_all();
        return 0;
    case MMUEXT_FLUSH_CACHE:
        if ( !cache_flush_permitted(d) )
            return -EACCES;
        wbinvd_local(NULL);
        return 0;
    case MMUEXT_FLUSH_CACHE_GLOBAL:
        if ( !cache_flush_permitted(d) )
            return -EINVAL;
        on_selected_cpus(&cpu_online_map, wbinvd_local, NULL, true);
        return 0;
    case MMUEXT_SET_LDT:
        return set_ldt(v, op);
    default:
        return -ENOSYS;
    }
}

static int mmuext_one(const void *item, const struct batch *b,
                      struct page_info **pending)
{
    const struct mmuext_op *op = item;

    switch ( op->cmd )
    {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        return pin_table(op->cmd - MMUEXT_PIN_L1_TABLE + 1, op->arg1.mfn,
                         b->pg_owner, pending);
    case MMUEXT_UNPIN_TABLE:
        return unpin_table(op->arg1.mfn, b->pg_owner, pending);
    case MMUEXT_CLEAR_PAGE:
        return clear_page(op->arg1.mfn, b->pg_owner);
    case MMUEXT_COPY_PAGE:
        return copy_page(op->arg1.mfn, op->arg2.src_mfn, b->pg_owner);
    case MMUEXT_MARK_SUPER:
    case MMUEXT_UNMARK_SUPER:
        return -EOPNOTSUPP;
    default:
        if ( op->cmd > MMUEXT_UNMARK_SUPER || op->cmd == 14 )
            return -ENOSYS;
        if ( b->pg_owner != current->domain )
            return -EPERM;
        return mmuext_local(op, pending);
    }
}

long do_mmuext_op(XEN_GUEST_HANDLE_PARAM(void) uops, unsigned int count,
                  XEN_GUEST_HANDLE_PARAM(void) pdone, unsigned int foreigndom)
{
    struct batch b = { .pt_owner = current->domain };
    long rc;

    if ( !batch_prologue(__HYPERVISOR_mmuext_op, uops, count, pdone,
                         foreigndom, &rc) )
        return rc;
    rc = get_pg_owner((domid_t)foreigndom, &b.pg_owner);
    if ( rc )
        return rc;
    if ( may_use(b.pg_owner) )
        rc = run_batch(__HYPERVISOR_mmuext_op, uops, sizeof(struct mmuext_op),
                       count, pdone, foreigndom, &b, mmuext_one);
    else
        rc = -EPERM;
    put_pg_owner(b.pg_owner);
    return rc;
}
