/*
 * pv/mm.c: a PV guest's page-table hypercalls, first part:
 * update_va_mapping and mmu_update for L1 entries, the machine-to-phys
 * update, and the mmuext_op commands that need no new validation (base
 * pointers to tables that are already validated L4s, TLB flushes).
 *
 * Theory of operation. A PV guest's page tables are its own pages, which
 * the hypervisor lets it read but never write directly; every change
 * comes through here and is checked first, so the guest can map nothing
 * it does not own and never gets a writable mapping of a page table.
 * An L1 entry is checked by get_l1e_refs(): the target must be RAM the
 * domain owns (the pages it was given, its shared_info), the flags must
 * be ones a guest may use (no grant marker bit 62, no cache-attribute
 * bits without I/O-memory rights), and a writable entry takes a writable
 * type reference on the target, which fails if the target is a page
 * table or descriptor page. The hypervisor adds US (the guest runs in
 * ring 3) and the "guest kernel" bit 52. The new entry's references are
 * taken before it is written and the old one's dropped after, with a
 * compare-and-exchange so two vCPUs racing on one entry cannot lose a
 * reference. Nothing is half applied: a refused entry leaves the table as
 * it was.
 *
 * What comes with the full PV MM work (issue 6): updates of L2-L4 entries,
 * pinning and the validation of new tables, foreign and I/O mappings,
 * writable page-table emulation. Those requests fail cleanly here
 * (-EOPNOTSUPP for table levels not handled, -EINVAL for targets refused).
 *
 * Locking: none; entries change by cmpxchg, references are atomic.
 */
#include <asm/current.h>
#include <asm/m2p.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/pv/hypercall.h>
#include <xen/domain_page.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <public/xen.h>

#define _PAGE_GUEST_KERNEL (1ul << 52)
#define _PAGE_GNTTAB       (1ul << 62)
/* Bits a guest may set in an L1 entry (cache attributes need iomem). */
#define L1_GUEST_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | \
                        _PAGE_DIRTY | _PAGE_GLOBAL | (7ul << 9) |             \
                        (0x3ful << 52) | _PAGE_NX)

static mfn_t pte_mfn(intpte_t e)
{
    return _mfn((e & PTE_ADDR_MASK) >> PAGE_SHIFT);
}

/* Check e as an L1 entry of d and take its references. */
static int get_l1e_refs(intpte_t e, struct domain *d)
{
    struct page_info *pg;
    mfn_t mfn;

    if ( !(e & _PAGE_PRESENT) )
        return 0;
    if ( e & ~(L1_GUEST_FLAGS | PTE_ADDR_MASK) )
        return -EINVAL;
    if ( e & _PAGE_GNTTAB )
        return -EINVAL;
    mfn = pte_mfn(e);
    if ( !mfn_valid(mfn) )
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if ( !get_page(pg, d) )
        return -EINVAL;
    if ( (e & _PAGE_RW) && get_page_type(pg, PGT_writable_page) )
    {
        /* A page table or descriptor page: busy with another type. */
        put_page(pg);
        return -EBUSY;
    }
    return 0;
}

static void put_l1e_refs(intpte_t e)
{
    struct page_info *pg;

    if ( !(e & _PAGE_PRESENT) )
        return;
    pg = mfn_to_page(pte_mfn(e));
    if ( e & _PAGE_RW )
        put_page_and_type(pg);
    else
        put_page(pg);
}

/* What the hypervisor adds to a present guest L1 entry. */
static intpte_t adjust_l1e(intpte_t e)
{
    if ( (e & _PAGE_PRESENT) && !(e & (_PAGE_GUEST_KERNEL | _PAGE_GLOBAL)) )
        e |= _PAGE_GUEST_KERNEL;
    if ( e & _PAGE_PRESENT )
        e |= _PAGE_USER;
    return e;
}

/* Is pg a validated L1 table of d? */
static bool is_l1_table_of(const struct page_info *pg, const struct domain *d)
{
    unsigned long t = pg->u.inuse.type_info;

    return page_get_owner(pg) == d &&
           (t & PGT_type_mask) == PGT_l1_page_table && (t & PGT_validated);
}

/*
 * Write new into the L1 entry *pl1e of d, replacing old only if it is
 * still there. preserve_ad keeps the A and D bits the CPU may set meanwhile.
 */
static int update_l1e(intpte_t *pl1e, intpte_t new, struct domain *d,
                      bool preserve_ad)
{
    intpte_t old, val;
    int rc;

    new = adjust_l1e(new);
    rc = get_l1e_refs(new, d);
    if ( rc )
        return rc;
    do {
        old = __atomic_load_n(pl1e, __ATOMIC_RELAXED);
        val = preserve_ad ? (new | (old & _PAGE_AD)) : new;
    } while ( !__atomic_compare_exchange_n(pl1e, &old, val, false,
                                           __ATOMIC_SEQ_CST, __ATOMIC_RELAXED) );
    put_l1e_refs(old);
    return 0;
}

/* The L1 entry mapping va in v's kernel page tables, or NULL. */
static intpte_t *guest_l1e(struct vcpu *v, unsigned long va)
{
    intpte_t *t = mfn_to_virt(_mfn(v->arch.pv.guest_table));
    unsigned int level;

    for ( level = 4; level > 1; level-- )
    {
        intpte_t e = t[(va >> (12 + 9 * (level - 1))) & 511];

        if ( !(e & _PAGE_PRESENT) || (e & _PAGE_PSE) || !mfn_valid(pte_mfn(e)) )
            return NULL;
        t = mfn_to_virt(pte_mfn(e));
    }
    if ( !is_l1_table_of(virt_to_page(t), v->domain) )
        return NULL;
    return &t[(va >> 12) & 511];
}

static void flush_after_update(unsigned long va, unsigned long flags)
{
    unsigned long type = flags & UVMF_FLUSHTYPE_MASK;

    if ( type == UVMF_NONE )
        return;
    /* Other vCPUs of the domain (UVMF_ALL / a mask): flush everywhere. */
    if ( (flags & UVMF_ALL) || (flags & ~7ul) )
        flush_tlb_all();
    else if ( type == UVMF_INVLPG )
        flush_tlb_one_local(va);
    else
        flush_tlb_all_local();
}

long do_update_va_mapping(unsigned long va, uint64_t val, unsigned long flags)
{
    struct vcpu *v = current;
    intpte_t *pl1e;
    int rc;

    if ( !guest_range_ok(va, 1) )
        return -EINVAL;
    pl1e = guest_l1e(v, va);
    if ( !pl1e )
        return -EINVAL;
    rc = update_l1e(pl1e, val, v->domain, false);
    if ( rc )
        return rc;
    flush_after_update(va, flags);
    return 0;
}

/* ---- Batches ---- */

/*
 * A batch continued after preemption carries this flag in its count, and
 * the number already done is in *pdone, so the final count is the total.
 */
#define PREEMPTED (~(~0u >> 1))

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

/*
 * mmu_update and mmuext_op: count items of item_size at list, each done
 * by one() in order, stopping at the first failure. *pdone gets how many
 * succeeded in all (across continuations); a preempted batch continues
 * itself with the rest.
 */
static long run_batch(unsigned int op, XEN_GUEST_HANDLE_PARAM(void) list,
                      size_t item_size, unsigned int count,
                      XEN_GUEST_HANDLE_PARAM(void) pdone, unsigned int foreigndom,
                      int (*one)(const void *item, struct domain *d))
{
    struct domain *d = current->domain;
    union {
        struct mmu_update u;
        struct mmuext_op e;
    } item;
    const char *items = list.p;
    unsigned int i, done_before;
    int rc;

    ASSERT(item_size <= sizeof(item));
    if ( foreigndom != DOMID_SELF && foreigndom != d->domain_id )
        return -EOPNOTSUPP;         /* foreign updates: the PV MM work */
    rc = preempted_count(&count, pdone, &done_before);
    if ( rc )
        return rc;

    for ( i = 0; i < count; i++ )
    {
        if ( i && hypercall_preempt_check() )
            break;
        if ( raw_copy_from_guest(&item, items + (size_t)i * item_size, item_size) )
        {
            rc = -EFAULT;
            break;
        }
        rc = one(&item, d);
        if ( rc )
            break;
    }
    if ( !guest_handle_is_null(pdone) )
    {
        unsigned int done = done_before + i;

        if ( raw_copy_to_guest(pdone.p, &done, sizeof(done)) )
            return -EFAULT;
    }
    if ( !rc && i < count )
        return hypercall_create_continuation(op, "hihi", items + (size_t)i * item_size,
                                             (count - i) | PREEMPTED, pdone.p,
                                             foreigndom);
    return rc;
}

/* ---- mmu_update ---- */

static int mmu_update_one(const struct mmu_update *req, struct domain *d)
{
    unsigned long cmd = req->ptr & 3;
    mfn_t mfn = _mfn(req->ptr >> PAGE_SHIFT);
    struct page_info *pg;

    if ( !mfn_valid(mfn) )
        return -EINVAL;
    pg = mfn_to_page(mfn);

    switch ( cmd )
    {
    case MMU_MACHPHYS_UPDATE:
        if ( page_get_owner(pg) != d )
            return -EPERM;
        set_gpfn_from_mfn(mfn, req->val);
        return 0;

    case MMU_NORMAL_PT_UPDATE:
    case MMU_PT_UPDATE_PRESERVE_AD:
    {
        unsigned long t = pg->u.inuse.type_info & PGT_type_mask;

        if ( page_get_owner(pg) != d )
            return -EPERM;
        if ( t == PGT_l1_page_table && (pg->u.inuse.type_info & PGT_validated) )
            return update_l1e((intpte_t *)mfn_to_virt(mfn) +
                              ((req->ptr & ~PAGE_MASK) >> 3),
                              req->val, d, cmd == MMU_PT_UPDATE_PRESERVE_AD);
        if ( t >= PGT_l2_page_table && t <= PGT_l4_page_table )
            return -EOPNOTSUPP;     /* higher levels: the PV MM work */
        return -EINVAL;             /* not a page table */
    }

    default:
        return -ENOSYS;
    }
}

static int mmu_update_item(const void *item, struct domain *d)
{
    return mmu_update_one(item, d);
}

long do_mmu_update(XEN_GUEST_HANDLE_PARAM(void) ureqs, unsigned int count,
                   XEN_GUEST_HANDLE_PARAM(void) pdone, unsigned int foreigndom)
{
    return run_batch(__HYPERVISOR_mmu_update, ureqs, sizeof(struct mmu_update),
                     count, pdone, foreigndom, mmu_update_item);
}

/* ---- mmuext_op ---- */

int pv_get_l4_base(struct domain *d, unsigned long mfn)
{
    struct page_info *pg;
    unsigned long t;

    if ( !mfn_valid(_mfn(mfn)) )
        return -EINVAL;
    pg = mfn_to_page(_mfn(mfn));
    t = pg->u.inuse.type_info;
    if ( page_get_owner(pg) != d || (t & PGT_type_mask) != PGT_l4_page_table ||
         !(t & PGT_validated) )
        return -EINVAL;
    return get_page_and_type(pg, d, PGT_l4_page_table) ? 0 : -EINVAL;
}

void pv_put_l4_base(unsigned long mfn)
{
    if ( mfn )
        put_page_and_type(mfn_to_page(_mfn(mfn)));
}

/* A new kernel or user base pointer (user: 0 for none). */
static int set_baseptr(struct vcpu *v, unsigned long mfn, bool user)
{
    unsigned long old = user ? v->arch.pv.guest_table_user
                             : v->arch.pv.guest_table;

    if ( mfn || !user )
    {
        int rc = pv_get_l4_base(v->domain, mfn);

        if ( rc )
            return rc;
    }
    if ( user )
        v->arch.pv.guest_table_user = mfn;
    else
    {
        v->arch.pv.guest_table = mfn;
        v->arch.cr3 = mfn << PAGE_SHIFT;
        write_cr3(v->arch.cr3);
    }
    pv_put_l4_base(old);
    return 0;
}

static int mmuext_one(const struct mmuext_op *op)
{
    struct vcpu *v = current;

    switch ( op->cmd )
    {
    case MMUEXT_NEW_BASEPTR:
        if ( !v->arch.pv.kernel_mode )
            return -EINVAL;
        return set_baseptr(v, op->arg1.mfn, false);
    case MMUEXT_NEW_USER_BASEPTR:
        return set_baseptr(v, op->arg1.mfn, true);
    case MMUEXT_TLB_FLUSH_LOCAL:
        flush_tlb_all_local();
        return 0;
    case MMUEXT_INVLPG_LOCAL:
        flush_tlb_one_local(op->arg1.linear_addr);
        return 0;
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
    case MMUEXT_INVLPG_ALL:
        flush_tlb_all();
        return 0;
    case MMUEXT_FLUSH_CACHE:
        __asm__ __volatile__ ( "wbinvd" ::: "memory" );
        return 0;
    default:
        /* Pinning, LDT, page copy/clear: the PV MM work. */
        return -ENOSYS;
    }
}

static int mmuext_item(const void *item, struct domain *d)
{
    (void)d;
    return mmuext_one(item);
}

long do_mmuext_op(XEN_GUEST_HANDLE_PARAM(void) uops, unsigned int count,
                  XEN_GUEST_HANDLE_PARAM(void) pdone, unsigned int foreigndom)
{
    return run_batch(__HYPERVISOR_mmuext_op, uops, sizeof(struct mmuext_op),
                     count, pdone, foreigndom, mmuext_item);
}
