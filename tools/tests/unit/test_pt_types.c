/*
 * test_pt_types.c: PV page-table types and validation
 * (xen/common/domain_page.c + xen/arch/x86/pv/pt_validate.c) on a
 * simulated machine.
 *
 * The machine is test_domain_page's: 64 MiB of "machine memory" behind
 * host_test_directmap, a frame table of its own and the real heap, so a
 * case can end by checking that every page went back. idle_pg_table is a
 * fake with recognisable hypervisor slots. hypercall_preempt_check() is
 * the test's: never, every n-th call, or at random, to drive the
 * preemptible paths. The hypercall layer (pv/mm.c) is not linked (it
 * loads CR3); the small t_*() helpers below do what its requests do with
 * the same calls (pin, unpin, entry update, base pointers, deferral).
 *
 * The cases: every rule accepted and refused with its exact errno; a tree
 * validated and devalidated (pinned and unpinned, preempted or not,
 * failing half-way) leaves every count as it was; a domain with a pinned
 * tree, base pointers, writable mappings, a GDT and work left half-done
 * is torn down to the last page; and a randomised run of thousands of
 * pins, unpins, entry updates, plain writes and base pointer changes on
 * several vCPUs, with random preemption and interleaving, checked after
 * every request against counts recomputed from the tables themselves.
 */
#include <asm/m2p.h>
#include <asm/mm.h>
#include <asm/pgtable.h>
#include <asm/dom0_build.h>
#include <asm/pv/mm.h>
#include <xen/domain_page.h>
#include <xen/errno.h>
#include <xen/page_list.h>
#include <xen/sched.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <asm/iomem.h>
#include "harness.h"

/* pt_validate.c keeps the AP trampoline page from guests: none here. */
paddr_t trampoline_phys = ~(paddr_t)0;

void stub_spin_release_all(void);

#define SIM_BYTES  (64ul << 20)
#define SIM_FRAMES (SIM_BYTES >> PAGE_SHIFT)
#define RAM_START  (1ul << 20)

#define P   _PAGE_PRESENT
#define RW  _PAGE_RW
#define US  _PAGE_USER
#define A   _PAGE_ACCESSED
#define D   _PAGE_DIRTY
#define GK  _PAGE_GUEST_KERNEL

/* ---- The simulated machine and the hypervisor's side ---- */

static unsigned long m2p[SIM_FRAMES];

void set_gpfn_from_mfn(mfn_t mfn, unsigned long pfn)
{
    if ( mfn_x(mfn) < SIM_FRAMES )
        m2p[mfn_x(mfn)] = pfn;
}

unsigned long get_gpfn_from_mfn(mfn_t mfn)
{
    return mfn_x(mfn) < SIM_FRAMES ? m2p[mfn_x(mfn)] : INVALID_M2P_ENTRY;
}

bool mfn_valid(mfn_t mfn)
{
    return mfn_x(mfn) >= (RAM_START >> PAGE_SHIFT) && mfn_x(mfn) < max_page;
}

intpte_t idle_pg_table[PAGETABLE_ENTRIES];

/* Preemption: 0 never, n every n-th check, RANDOM one in three. */
#define PREEMPT_RANDOM (~0u)
static unsigned int preempt_every;
static unsigned long preempt_checks;

bool hypercall_preempt_check(void)
{
    preempt_checks++;
    if ( preempt_every == PREEMPT_RANDOM )
        return !(rand() % 3);
    return preempt_every && !(preempt_checks % preempt_every);
}

static unsigned int nr_flushes, nr_l4_flushes;

void pv_type_change_flush(struct page_info *pg, unsigned long old_type)
{
    (void)pg;
    nr_flushes++;
    if ( old_type == PGT_l4_page_table )
        nr_l4_flushes++;
}

static unsigned long free_at_start;

static void machine_up(void)
{
    static bool up;
    unsigned int i;

    stub_spin_release_all();
    preempt_every = 0;
    if ( !up )
    {
        host_test_directmap = mmap(NULL, SIM_BYTES, PROT_READ | PROT_WRITE,
                                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                                   -1, 0);
        frame_table = calloc(SIM_FRAMES, sizeof(struct page_info));
        if ( host_test_directmap == MAP_FAILED || !frame_table )
        {
            perror("test_pt_types: machine");
            exit(2);
        }
        init_boot_pages(RAM_START, SIM_BYTES);
        end_boot_allocator();
        for ( i = PV_L4_XEN_FIRST; i <= PV_L4_XEN_LAST; i++ )
            idle_pg_table[i] = 0x7000000000000001ul | ((intpte_t)i << 12);
        up = true;
    }
    free_at_start = total_free_pages();
}

static struct domain *new_domain(domid_t id)
{
    unsigned int order = get_order_from_bytes(sizeof(struct domain));
    struct domain *d = alloc_xenheap_pages(order, 0);

    memset(d, 0, sizeof(*d));
    d->domain_id = id;
    d->max_pages = 4096;
    domain_memory_init(d);
    return d;
}

static struct vcpu *new_vcpu(struct domain *d, unsigned int id)
{
    struct vcpu *v = calloc(1, sizeof(*v));

    v->domain = d;
    v->vcpu_id = id;
    return v;
}

/* d dies (its vCPUs' holds already dropped): every page goes back. */
static void kill(struct domain *d)
{
    d->is_dying = DOMDYING_dying;
    CHECK_EQ(domain_relinquish_memory(d), 0);
    CHECK_EQ(d->tot_pages, 0);
    CHECK(page_list_empty(&d->page_list));
    free_xenheap_pages(d, get_order_from_bytes(sizeof(struct domain)));
}

static void finish(struct domain *d)
{
    kill(d);
    CHECK_EQ(total_free_pages(), free_at_start);
}

static struct page_info *new_page(struct domain *d)
{
    struct page_info *pg = alloc_domain_pages(d, 0, 0);

    memset(page_to_virt(pg), 0, PAGE_SIZE);
    return pg;
}

static intpte_t *tab(struct page_info *pg)
{
    return page_to_virt(pg);
}

static intpte_t ent(const struct page_info *target, intpte_t flags)
{
    return page_to_maddr(target) | flags;
}

static unsigned long gc(const struct page_info *pg)
{
    return pg->count_info & PGC_count_mask;
}

static unsigned long tc(const struct page_info *pg)
{
    return pg->u.inuse.type_info & PGT_count_mask;
}

static unsigned long ttype(const struct page_info *pg)
{
    return pg->u.inuse.type_info & PGT_type_mask;
}

static bool validated(const struct page_info *pg)
{
    return pg->u.inuse.type_info & PGT_validated;
}

static bool is_partial(const struct page_info *pg)
{
    return pg->u.inuse.type_info & PGT_partial;
}

/* ---- What pv/mm.c's requests do ---- */

/* A full type reference (general + type), not preemptible. */
static int take(struct page_info *pg, struct domain *d, unsigned int level)
{
    int rc;

    if ( !get_page(pg, d) )
        return -EINVAL;
    rc = get_page_type(pg, PGT_table_of_level(level));
    if ( rc )
        put_page(pg);
    return rc;
}

static void drop(struct page_info *pg)
{
    put_page_and_type(pg);
}


/* One request of v's: first what v left to finish (-ERESTART: not yet). */
static int prologue(struct vcpu *v)
{
    return page_type_finish_deferred(v);
}

static int epilogue(struct vcpu *v, struct page_info *pending, int rc)
{
    if ( pending )
        page_type_defer(v, pending);
    return rc;
}

static int t_pin(struct vcpu *v, struct page_info *pg, unsigned int level)
{
    struct page_info *pending = NULL;
    int rc = prologue(v);

    if ( rc )
        return rc;
    if ( !get_page(pg, v->domain) )
        return -EINVAL;
    rc = pv_get_type_or_drop(pg, PGT_table_of_level(level), &pending);
    if ( !rc && !page_type_set_pinned(pg) )
    {
        pv_put_ref_or_defer(pg, &pending);
        rc = -EINVAL;
    }
    return epilogue(v, pending, rc);
}

static int t_unpin(struct vcpu *v, struct page_info *pg)
{
    struct page_info *pending = NULL;
    int rc = prologue(v);

    if ( rc )
        return rc;
    if ( !get_page(pg, v->domain) )
        return -EINVAL;
    if ( !page_type_clear_pinned(pg) )
    {
        put_page(pg);
        return -EINVAL;
    }
    pv_put_ref_or_defer(pg, &pending);
    put_page(pg);
    return epilogue(v, pending, 0);
}

/* mmu_update of entry idx of table page tpg (NORMAL or PRESERVE_AD). */
static int t_mod(struct vcpu *v, struct page_info *tpg, unsigned int idx,
                 intpte_t val, bool preserve_ad)
{
    struct page_info *pending = NULL;
    unsigned long type;
    int rc = prologue(v);

    if ( rc )
        return rc;
    if ( !get_page(tpg, v->domain) )
        return -EINVAL;
    if ( !page_type_get_validated(tpg, &type) )
    {
        put_page(tpg);
        return -EINVAL;             /* (pv/mm.c writes plain pages) */
    }
    rc = pgt_level(type) ? pv_mod_entry(tpg, pgt_level(type), idx, val,
                                        v->domain, preserve_ad, &pending)
                         : -EINVAL;
    pv_put_ref_or_defer(tpg, &pending);
    return epilogue(v, pending, rc);
}

/* A base pointer slot of v's (0 kernel, 1 user), as NEW_BASEPTR does. */
static struct page_info *bases[8][2];

static int t_base(struct vcpu *v, unsigned int which, struct page_info *pg)
{
    struct page_info *pending = NULL, *old = bases[v->vcpu_id][which];
    int rc = prologue(v);

    if ( rc )
        return rc;
    if ( pg )
    {
        if ( !get_page(pg, v->domain) )
            return -EINVAL;
        rc = pv_get_type_or_drop(pg, PGT_l4_page_table, &pending);
        if ( rc )
            return epilogue(v, pending, rc);
    }
    bases[v->vcpu_id][which] = pg;
    if ( old )
        pv_put_ref_or_defer(old, &pending);
    return epilogue(v, pending, 0);
}

/* Repeat a request until it is not preempted, as continuations do. */
#define RETRY(call) ({                                                     \
    int _rc;                                                               \
    unsigned int _n = 0;                                                   \
    while ( (_rc = (call)) == -ERESTART )                                  \
        BUG_ON(++_n > 1000000);                                            \
    _rc; })

static void finish_all_deferred(struct vcpu *v)
{
    while ( page_type_finish_deferred(v) )
        ;
}

/* ---- Snapshots: every count of every page of a domain ---- */

struct snap {
    unsigned long n;
    struct { unsigned long count, type; int16_t linear; } e[4400];
};

static void snapshot(struct domain *d, struct snap *s)
{
    struct page_info *pg;

    s->n = 0;
    page_list_for_each ( pg, &d->page_list )
    {
        BUG_ON(s->n >= 4400);
        s->e[s->n].count = pg->count_info & (PGC_count_mask | PGC_allocated);
        s->e[s->n].type = pg->u.inuse.type_info &
                          (PGT_count_mask | PGT_validated | PGT_pinned |
                           PGT_partial);
        if ( !(s->e[s->n].type & PGT_count_mask) )
            s->e[s->n].type = 0;    /* the flags of an unused type: moot */
        s->e[s->n].linear = pg->linear_pt_count;
        s->n++;
    }
}

static bool same_snapshot(const struct snap *a, const struct snap *b)
{
    unsigned long i;

    if ( a->n != b->n )
        return false;
    for ( i = 0; i < a->n; i++ )
        if ( a->e[i].count != b->e[i].count || a->e[i].type != b->e[i].type ||
             a->e[i].linear != b->e[i].linear )
        {
            printf("  page %lu: count %lx/%lx type %lx/%lx linear %d/%d\n", i,
                   a->e[i].count, b->e[i].count, a->e[i].type, b->e[i].type,
                   a->e[i].linear, b->e[i].linear);
            return false;
        }
    return true;
}

static struct snap snap_before, snap_after;

/* ---- L1 rules ---- */

TEST(l1_empty_table_validates_and_devalidates)
{
    struct domain *d = (machine_up(), new_domain(1));
    struct page_info *l1 = new_page(d);

    CHECK_EQ(take(l1, d, 1), 0);
    CHECK_EQ(ttype(l1), PGT_l1_page_table);
    CHECK(validated(l1));
    CHECK_EQ(tc(l1), 1);
    CHECK_EQ(gc(l1), 2);
    drop(l1);
    CHECK_EQ(tc(l1), 0);
    CHECK(!validated(l1));
    CHECK_EQ(gc(l1), 1);
    finish(d);
}

TEST(l1_entries_take_references_and_get_the_hypervisor_bits)
{
    struct domain *d = (machine_up(), new_domain(1));
    struct page_info *l1 = new_page(d), *k = new_page(d), *u = new_page(d);
    intpte_t *t = tab(l1);

    t[0] = ent(k, P | RW | A | D);                  /* kernel, writable */
    t[1] = ent(u, P | US | A);                      /* user, read-only */
    t[2] = ent(k, P | US | GK);                     /* user bits, kernel mark */
    t[3] = ent(u, P | (0x3fful << 52) | _PAGE_NX | (7ul << 9));
    t[4] = 0xdead000;                               /* not present: anything */
    snapshot(d, &snap_before);
    CHECK_EQ(take(l1, d, 1), 0);
    CHECK_EQ(t[0], ent(k, P | RW | A | D | US | GK));
    CHECK_EQ(t[1], ent(u, P | US | A | _PAGE_GLOBAL));
    CHECK_EQ(t[2], ent(k, P | US | GK));
    CHECK_EQ(t[3], ent(u, P | US | (0x3fful << 52) | _PAGE_NX | (7ul << 9)));
    CHECK_EQ(t[4], 0xdead000);
    CHECK_EQ(gc(k), 3);                             /* alloc + 2 entries */
    CHECK_EQ(tc(k), 1);                             /* one writable entry */
    CHECK_EQ(ttype(k), PGT_writable_page);
    CHECK_EQ(gc(u), 3);
    CHECK_EQ(tc(u), 0);
    drop(l1);
    snapshot(d, &snap_after);
    CHECK(same_snapshot(&snap_before, &snap_after));
    finish(d);
}

/* Validate an L1 whose entry 1 is e (entry 0 is a good writable one). */
static int l1_with(struct domain *d, struct page_info *l1, intpte_t e)
{
    struct page_info *data = page_list_first(&d->page_list);
    int rc;

    memset(tab(l1), 0, PAGE_SIZE);
    tab(l1)[0] = ent(data, P | RW);
    tab(l1)[1] = e;
    snapshot(d, &snap_before);
    rc = take(l1, d, 1);
    if ( rc )
    {
        /* Refused: nothing held, nothing written, untyped. */
        snapshot(d, &snap_after);
        CHECK(same_snapshot(&snap_before, &snap_after));
        CHECK_EQ(tab(l1)[0], ent(data, P | RW));
        CHECK_EQ(tab(l1)[1], e);
        CHECK_EQ(tc(l1), 0);
    }
    else
        drop(l1);
    return rc;
}

TEST(l1_entry_rules_and_errnos)
{
    struct domain *d = (machine_up(), new_domain(1)), *e = new_domain(2);
    struct page_info *data = new_page(d), *l1 = new_page(d);
    struct page_info *other = new_page(d), *theirs = new_page(e);
    struct page_info *pt = new_page(d), *desc = new_page(d);
    struct page_info *freed = alloc_domheap_pages(NULL, 0, 0);

    (void)data;
    CHECK_EQ(l1_with(d, l1, ent(other, P | RW | US | A | D | _PAGE_GLOBAL)), 0);
    /* Bits: cache attributes need I/O rights; bit 62 never. */
    CHECK_EQ(l1_with(d, l1, ent(other, P | _PAGE_PWT)), -EINVAL);
    CHECK_EQ(l1_with(d, l1, ent(other, P | _PAGE_PCD)), -EINVAL);
    CHECK_EQ(l1_with(d, l1, ent(other, P | _PAGE_PSE)), -EINVAL);  /* PAT */
    CHECK_EQ(l1_with(d, l1, ent(other, P | _PAGE_GNTTAB)), -EINVAL);
    d->arch.iomem_all = true;
    CHECK_EQ(l1_with(d, l1, ent(other, P | _PAGE_PCD | _PAGE_PWT)), 0);
    CHECK_EQ(l1_with(d, l1, ent(other, P | _PAGE_GNTTAB)), -EINVAL);
    d->arch.iomem_all = false;
    /* Frames: not RAM (I/O memory needs the rights), not ours, free. */
    CHECK_EQ(l1_with(d, l1, 0x1000 | P), -EPERM);
    CHECK_EQ(l1_with(d, l1, (SIM_BYTES + 0x5000) | P), -EPERM);
    /* With I/O-memory rights: device memory, but never the hypervisor's. */
    d->arch.iomem_all = true;
    iomem_reserve_hypervisor(SIM_BYTES + 0x7000, 0x1000);
    CHECK_EQ(l1_with(d, l1, (SIM_BYTES + 0x5000) | P | RW), 0);
    CHECK_EQ(l1_with(d, l1, (SIM_BYTES + 0x7000) | P), -EPERM);
    CHECK_EQ(l1_with(d, l1, (SIM_BYTES + 0x8000) | P), 0);
    d->arch.iomem_all = false;
    CHECK_EQ(l1_with(d, l1, ent(theirs, P)), -EBUSY);
    CHECK_EQ(l1_with(d, l1, ent(freed, P)), -EBUSY);
    /* A page table or descriptor page: read-only only. */
    CHECK_EQ(take(pt, d, 1), 0);
    CHECK_EQ(l1_with(d, l1, ent(pt, P | RW)), -EBUSY);
    CHECK_EQ(l1_with(d, l1, ent(pt, P)), 0);
    CHECK(get_page_and_type(desc, d, PGT_seg_desc_page));
    page_type_set_validated(desc);
    CHECK_EQ(l1_with(d, l1, ent(desc, P | RW)), -EBUSY);
    CHECK_EQ(l1_with(d, l1, ent(desc, P)), 0);
    /* Itself: read-only yes, writable no. */
    CHECK_EQ(l1_with(d, l1, ent(l1, P)), 0);
    CHECK_EQ(l1_with(d, l1, ent(l1, P | RW)), -EBUSY);
    /* A page with a writable mapping cannot become a table. */
    tab(pt)[0] = 0;
    CHECK_EQ(take(other, d, 1), 0);
    drop(other);
    CHECK(get_page_and_type(other, d, PGT_writable_page));
    CHECK_EQ(take(other, d, 1), -EINVAL);
    put_page_and_type(other);

    /* Foreign frames for a privileged caller's update (pg_owner e). */
    CHECK_EQ(pv_get_l1e(ent(theirs, P | RW), d, e), 0);
    CHECK_EQ(tc(theirs), 1);
    pv_put_l1e(ent(theirs, P | RW));
    CHECK_EQ(pv_get_l1e(ent(data, P), d, e), -EBUSY);
    /* The pseudo-owners own no RAM, not even the caller's. */
    CHECK_EQ(pv_get_l1e(ent(theirs, P), d, &pv_dom_xen), -EBUSY);
    CHECK_EQ(pv_get_l1e(ent(data, P), d, &pv_dom_xen), -EBUSY);
    CHECK_EQ(pv_get_l1e(ent(data, P), d, &pv_dom_io), -EBUSY);
    CHECK_EQ(gc(data), 1);

    drop(pt);
    put_page_and_type(desc);
    free_domheap_pages(freed, 0);
    kill(e);
    finish(d);
}

TEST(l1_cache_attributes_on_a_xen_heap_page_are_refused)
{
    struct domain *d = (machine_up(), new_domain(3));
    struct page_info *si;

    CHECK_EQ(pv_domain_alloc_shared_info(d), 0);
    si = virt_to_page(d->shared_info);
    d->arch.iomem_all = true;
    CHECK_EQ(pv_get_l1e(ent(si, P | RW | _PAGE_PCD), d, d), -EACCES);
    CHECK_EQ(tc(si), 1);                    /* only its own, for good */
    CHECK_EQ(pv_get_l1e(ent(si, P | RW), d, d), 0);
    pv_put_l1e(ent(si, P | RW));
    pv_domain_free_shared_info(d);
    finish(d);
}

/* ---- Device memory: rights, no references, stored uncached ---- */

#define PWT _PAGE_PWT
#define PCD _PAGE_PCD
#define PAT _PAGE_PSE                       /* bit 7 of an L1 entry */
/* Device memory: not RAM, and clear of the hypervisor's (see above). */
#define DEV(n) (SIM_BYTES + (1ul << 20) + ((intpte_t)(n) << PAGE_SHIFT))

TEST(l1_device_memory_is_stored_uncached_unless_uc_or_wc)
{
    struct domain *d = (machine_up(), new_domain(1));
    struct page_info *l1 = new_page(d), *x = new_page(d);
    /* The PV PAT: WB WT UC- UC WC WP UC UC, by PAT:PCD:PWT. */
    static const intpte_t asked[8] = {
        0, PWT, PCD, PCD | PWT, PAT, PAT | PWT, PAT | PCD, PAT | PCD | PWT,
    };
    static const intpte_t stored[8] = {
        PCD | PWT, PCD | PWT, PCD, PCD | PWT, PAT, PCD | PWT, PAT | PCD,
        PAT | PCD | PWT,
    };
    unsigned int i;

    d->arch.iomem_all = true;
    for ( i = 0; i < 8; i++ )
        tab(l1)[i] = DEV(i) | P | RW | asked[i];
    tab(l1)[8] = ent(x, P | RW);            /* RAM keeps write-back */
    tab(l1)[9] = DEV(9) | P | US;           /* a user mapping: G as usual */
    snapshot(d, &snap_before);
    CHECK_EQ(take(l1, d, 1), 0);
    for ( i = 0; i < 8; i++ )
        CHECK_EQ(tab(l1)[i], DEV(i) | P | RW | US | GK | stored[i]);
    CHECK_EQ(tab(l1)[8], ent(x, P | RW | US | GK));
    CHECK_EQ(tab(l1)[9], DEV(9) | P | US | _PAGE_GLOBAL | PCD | PWT);
    CHECK_EQ(tc(x), 1);
    drop(l1);
    snapshot(d, &snap_after);
    CHECK(same_snapshot(&snap_before, &snap_after));  /* nothing counted */
    finish(d);
}

TEST(l1_device_memory_updates_need_the_rights_and_hold_nothing)
{
    struct domain *d = (machine_up(), new_domain(1)), *e = new_domain(2);
    struct page_info *l1 = new_page(d), *x = new_page(d), *pending = NULL;
    struct vcpu *v = new_vcpu(d, 0);
    intpte_t cur;

    CHECK_EQ(t_pin(v, l1, 1), 0);
    /* No I/O-memory rights: -EPERM, even with the port rights that make
     * the cache bits legal (the forced bits must not turn it -EINVAL). */
    CHECK_EQ(t_mod(v, l1, 3, DEV(1) | P | RW, false), -EPERM);
    d->arch.ioport_all = true;
    CHECK_EQ(t_mod(v, l1, 3, DEV(1) | P | RW, false), -EPERM);
    CHECK_EQ(t_mod(v, l1, 3, DEV(1) | P | PCD, false), -EPERM);
    CHECK_EQ(pv_cmpxchg_l1e(l1, 3, 0, DEV(1) | P | RW, &cur), -EPERM);
    /* The guest's "no frame" (all ones) is -EINVAL instead, as on Xen. */
    CHECK_EQ(t_mod(v, l1, 3, PTE_ADDR_MASK | P, false), -EINVAL);
    d->arch.ioport_all = false;
    CHECK_EQ(tab(l1)[3], 0);

    d->arch.iomem_all = true;
    snapshot(d, &snap_before);
    /* mmu_update: forced UC; the same entry again takes the fast path. */
    CHECK_EQ(t_mod(v, l1, 3, DEV(1) | P | RW, false), 0);
    CHECK_EQ(tab(l1)[3], DEV(1) | P | RW | US | GK | PCD | PWT);
    CHECK_EQ(t_mod(v, l1, 3, DEV(1) | P | RW | A, false), 0);
    CHECK_EQ(tab(l1)[3], DEV(1) | P | RW | US | GK | PCD | PWT | A);
    CHECK_EQ(t_mod(v, l1, 3, DEV(1) | P | PAT, false), 0);     /* WC */
    CHECK_EQ(tab(l1)[3], DEV(1) | P | US | GK | PAT);
    /* DOMID_IO: the table owner's rights; DOMID_XEN and e have none. */
    CHECK_EQ(pv_mod_entry(l1, 1, 4, DEV(2) | P | RW, &pv_dom_io, false,
                          &pending), 0);
    CHECK_EQ(tab(l1)[4], DEV(2) | P | RW | US | GK | PCD | PWT);
    CHECK_EQ(pv_mod_entry(l1, 1, 4, DEV(2) | P, &pv_dom_xen, false,
                          &pending), -EPERM);
    CHECK_EQ(pv_mod_entry(l1, 1, 4, DEV(3) | P, e, false, &pending), -EPERM);
    e->arch.iomem_all = true;
    CHECK_EQ(pv_mod_entry(l1, 1, 4, DEV(3) | P, e, false, &pending), 0);
    CHECK_EQ(tab(l1)[4], DEV(3) | P | US | GK | PCD | PWT);
    CHECK(pending == NULL);
    /* ptwr: forced too; what it compares against is what was stored. */
    CHECK_EQ(pv_cmpxchg_l1e(l1, 5, 0, DEV(4) | P | RW | PWT, &cur), 0);
    CHECK_EQ(tab(l1)[5], DEV(4) | P | RW | US | GK | PCD | PWT);
    CHECK_EQ(pv_cmpxchg_l1e(l1, 5, DEV(4) | P | RW | US | GK | PWT, 0, &cur),
             -EAGAIN);
    CHECK_EQ(cur, DEV(4) | P | RW | US | GK | PCD | PWT);
    CHECK_EQ(pv_cmpxchg_l1e(l1, 5, cur, 0, &cur), 0);
    /* RAM where device memory was, and back: only RAM is counted. */
    CHECK_EQ(t_mod(v, l1, 3, ent(x, P | RW), false), 0);
    CHECK_EQ(tab(l1)[3], ent(x, P | RW | US | GK));
    CHECK_EQ(tc(x), 1);
    CHECK_EQ(t_mod(v, l1, 3, DEV(1) | P | RW, false), 0);
    CHECK_EQ(tc(x), 0);
    CHECK_EQ(t_mod(v, l1, 3, 0, false), 0);
    CHECK_EQ(t_mod(v, l1, 4, 0, false), 0);
    snapshot(d, &snap_after);
    CHECK(same_snapshot(&snap_before, &snap_after));
    CHECK_EQ(t_unpin(v, l1), 0);
    free(v);
    kill(e);
    finish(d);
}

/* ---- DOMID_XEN: the M2P's frames, read-only ---- */

/*
 * A fake M2P in the hypervisor's RDWR_MPT_VIRT_START slot of
 * idle_pg_table, as mm/m2p.c lays it out: a 2 MiB piece mapped by a
 * superpage, and a piece cut short (3 of a 4-page block mapped by an L1
 * table). Xen heap pages that nobody owns, like the real one.
 */
static struct {
    void *big, *cut, *l3, *l2, *l1;
    intpte_t saved_l4e;
} m2p_fake;

static intpte_t xen_ent(const void *p, intpte_t flags)
{
    return __pa(p) | flags;
}

static void m2p_fake_up(void)
{
    unsigned int slot = l4_table_offset(RDWR_MPT_VIRT_START);
    intpte_t *l3, *l2, *l1;
    unsigned int i;

    m2p_fake.big = alloc_xenheap_pages(9, 0);
    m2p_fake.cut = alloc_xenheap_pages(2, 0);
    l3 = m2p_fake.l3 = alloc_xenheap_pages(0, 0);
    l2 = m2p_fake.l2 = alloc_xenheap_pages(0, 0);
    l1 = m2p_fake.l1 = alloc_xenheap_pages(0, 0);
    BUG_ON(!m2p_fake.big || !m2p_fake.cut || !l3 || !l2 || !l1);
    memset(l3, 0, PAGE_SIZE);
    memset(l2, 0, PAGE_SIZE);
    memset(l1, 0, PAGE_SIZE);
    for ( i = 0; i < 3; i++ )
        l1[i] = xen_ent((char *)m2p_fake.cut + i * PAGE_SIZE, P | A | D);
    l2[0] = xen_ent(m2p_fake.big, P | RW | A | D | _PAGE_PSE);
    l2[1] = xen_ent(l1, P | RW | A);
    l3[l3_table_offset(RDWR_MPT_VIRT_START)] = xen_ent(l2, P | RW | A);
    m2p_fake.saved_l4e = idle_pg_table[slot];
    idle_pg_table[slot] = xen_ent(l3, P | RW | A);
}

static void m2p_fake_down(void)
{
    idle_pg_table[l4_table_offset(RDWR_MPT_VIRT_START)] = m2p_fake.saved_l4e;
    free_xenheap_pages(m2p_fake.big, 9);
    free_xenheap_pages(m2p_fake.cut, 2);
    free_xenheap_pages(m2p_fake.l3, 0);
    free_xenheap_pages(m2p_fake.l2, 0);
    free_xenheap_pages(m2p_fake.l1, 0);
}

static struct page_info *m2p_page(void *piece, unsigned int i)
{
    return virt_to_page((char *)piece + i * PAGE_SIZE);
}

TEST(l1_domid_xen_maps_m2p_frames_read_only)
{
    struct domain *d = (machine_up(), new_domain(0)), *e = new_domain(2);
    struct page_info *big0, *big511, *cut2, *cut3, *mine, *freed;

    m2p_fake_up();
    big0 = m2p_page(m2p_fake.big, 0);
    big511 = m2p_page(m2p_fake.big, 511);
    cut2 = m2p_page(m2p_fake.cut, 2);
    cut3 = m2p_page(m2p_fake.cut, 3);       /* in the block, not mapped */
    mine = new_page(d);
    freed = alloc_domheap_pages(NULL, 0, 0);

    /* Read-only M2P frames: yes, and nothing counted (count stays 0). */
    CHECK_EQ(pv_get_l1e(ent(big0, P), d, &pv_dom_xen), 0);
    CHECK_EQ(pv_get_l1e(ent(big511, P | US | A), d, &pv_dom_xen), 0);
    CHECK_EQ(pv_get_l1e(ent(cut2, P), d, &pv_dom_xen), 0);
    CHECK_EQ(gc(big0) + gc(big511) + gc(cut2), 0);
    pv_put_l1e(ent(big0, P));
    pv_put_l1e(ent(cut2, P | US | GK));
    CHECK_EQ(gc(big0) + gc(cut2), 0);
    /* Writable never; cache attributes never (with the rights to ask). */
    CHECK_EQ(pv_get_l1e(ent(big0, P | RW), d, &pv_dom_xen), -EBUSY);
    CHECK_EQ(pv_get_l1e(ent(cut2, P | RW | A | D), d, &pv_dom_xen), -EBUSY);
    CHECK_EQ(pv_get_l1e(ent(big0, P | PCD), d, &pv_dom_xen), -EINVAL);
    d->arch.iomem_all = true;
    CHECK_EQ(pv_get_l1e(ent(big0, P | PCD), d, &pv_dom_xen), -EACCES);
    CHECK_EQ(pv_get_l1e(ent(big0, P | RW | PCD), d, &pv_dom_xen), -EBUSY);
    d->arch.iomem_all = false;
    /* Not the M2P: the cut piece's unmapped page, the hypervisor's own
     * tables that map the M2P, a free frame, a domain's page. */
    CHECK_EQ(pv_get_l1e(ent(cut3, P), d, &pv_dom_xen), -EBUSY);
    CHECK_EQ(pv_get_l1e(ent(virt_to_page(m2p_fake.l2), P), d, &pv_dom_xen),
             -EBUSY);
    CHECK_EQ(pv_get_l1e(ent(virt_to_page(m2p_fake.l1), P), d, &pv_dom_xen),
             -EBUSY);
    CHECK_EQ(pv_get_l1e(ent(freed, P), d, &pv_dom_xen), -EBUSY);
    CHECK_EQ(pv_get_l1e(ent(mine, P), d, &pv_dom_xen), -EBUSY);
    /* Only with DOMID_XEN: not as the caller's, another's or DOMID_IO's. */
    CHECK_EQ(pv_get_l1e(ent(big0, P), d, d), -EBUSY);
    CHECK_EQ(pv_get_l1e(ent(big0, P), d, e), -EBUSY);
    CHECK_EQ(pv_get_l1e(ent(big0, P), d, &pv_dom_io), -EBUSY);
    CHECK_EQ(gc(big0) + gc(cut3), 0);

    free_domheap_pages(freed, 0);
    m2p_fake_down();
    kill(e);
    finish(d);
}

TEST(l1_m2p_entries_come_and_go_without_references)
{
    struct domain *d = (machine_up(), new_domain(0));
    struct page_info *l1 = new_page(d), *x = new_page(d), *pending = NULL;
    struct page_info *m2p0;
    struct vcpu *v = new_vcpu(d, 0);
    intpte_t cur;

    m2p_fake_up();
    m2p0 = m2p_page(m2p_fake.big, 5);
    CHECK_EQ(t_pin(v, l1, 1), 0);
    snapshot(d, &snap_before);
    CHECK_EQ(pv_mod_entry(l1, 1, 7, ent(m2p0, P), &pv_dom_xen, false,
                          &pending), 0);
    CHECK_EQ(tab(l1)[7], ent(m2p0, P | US | GK));
    /* Made writable (not the fast path): refused, the entry stays. */
    CHECK_EQ(pv_mod_entry(l1, 1, 7, ent(m2p0, P | RW), &pv_dom_xen, false,
                          &pending), -EBUSY);
    CHECK_EQ(t_mod(v, l1, 7, ent(m2p0, P | RW), false), -EBUSY);
    CHECK_EQ(pv_cmpxchg_l1e(l1, 7, tab(l1)[7], ent(m2p0, P | RW), &cur),
             -EBUSY);
    CHECK_EQ(tab(l1)[7], ent(m2p0, P | US | GK));
    /* Accessed bit only: the fast path, as with any entry. */
    CHECK_EQ(t_mod(v, l1, 7, ent(m2p0, P | A), false), 0);
    CHECK_EQ(tab(l1)[7], ent(m2p0, P | US | GK | A));
    /* Replaced by RAM: nothing dropped from the M2P frame. */
    CHECK_EQ(t_mod(v, l1, 7, ent(x, P | RW), false), 0);
    CHECK_EQ(gc(m2p0), 0);
    CHECK_EQ(tc(x), 1);
    /* A table holding an M2P entry devalidates without dropping one. */
    CHECK_EQ(pv_mod_entry(l1, 1, 8, ent(m2p0, P), &pv_dom_xen, false,
                          &pending), 0);
    CHECK_EQ(t_mod(v, l1, 7, 0, false), 0);
    snapshot(d, &snap_after);
    CHECK(same_snapshot(&snap_before, &snap_after));
    CHECK_EQ(t_unpin(v, l1), 0);
    CHECK_EQ(tc(l1), 0);
    CHECK_EQ(gc(m2p0), 0);
    /* ... and it cannot be validated again: the M2P is not d's. */
    CHECK_EQ(t_pin(v, l1, 1), -EBUSY);
    CHECK_EQ(tab(l1)[8], ent(m2p0, P | US | GK));
    CHECK(pending == NULL);
    free(v);
    m2p_fake_down();
    finish(d);
}

/* ---- L2-L4 rules ---- */

TEST(upper_entries_make_the_next_level_and_get_us)
{
    struct domain *d = (machine_up(), new_domain(1));
    struct page_info *l4 = new_page(d), *l3 = new_page(d), *l2 = new_page(d);
    struct page_info *l1 = new_page(d), *data = new_page(d);

    tab(l4)[0] = ent(l3, P | RW);
    tab(l4)[511] = ent(l3, P);                      /* the same L3 twice */
    tab(l3)[1] = ent(l2, P | RW | A);
    tab(l2)[2] = ent(l1, P | RW | _PAGE_NX | (1ul << 62));
    tab(l1)[3] = ent(data, P | RW);
    snapshot(d, &snap_before);
    CHECK_EQ(take(l4, d, 4), 0);
    CHECK_EQ(ttype(l3), PGT_l3_page_table);
    CHECK_EQ(ttype(l2), PGT_l2_page_table);
    CHECK_EQ(ttype(l1), PGT_l1_page_table);
    CHECK_EQ(tc(l3), 2);
    CHECK_EQ(tc(l2), 1);
    CHECK_EQ(tc(l1), 1);
    CHECK_EQ(tc(data), 1);
    CHECK_EQ(tab(l4)[0], ent(l3, P | RW | US));
    CHECK_EQ(tab(l4)[511], ent(l3, P | US));
    CHECK_EQ(tab(l3)[1], ent(l2, P | RW | A | US));
    CHECK_EQ(tab(l2)[2], ent(l1, P | RW | _PAGE_NX | (1ul << 62) | US));
    CHECK_EQ(tab(l1)[3], ent(data, P | RW | US | GK));
    drop(l4);
    snapshot(d, &snap_after);
    CHECK(same_snapshot(&snap_before, &snap_after));
    CHECK_EQ(tc(l3) + tc(l2) + tc(l1) + tc(data), 0);
    finish(d);
}

/* Validate an L2 whose entry 1 is e (entry 0 points at a good L1). */
static int l2_with(struct domain *d, struct page_info *l2, struct page_info *l1,
                   intpte_t e)
{
    int rc;

    memset(tab(l2), 0, PAGE_SIZE);
    tab(l2)[0] = ent(l1, P | RW);
    tab(l2)[1] = e;
    snapshot(d, &snap_before);
    rc = take(l2, d, 2);
    if ( rc )
    {
        snapshot(d, &snap_after);
        CHECK(same_snapshot(&snap_before, &snap_after));
        CHECK_EQ(tab(l2)[0], ent(l1, P | RW));      /* no US added */
        CHECK_EQ(tc(l2), 0);
    }
    else
        drop(l2);
    return rc;
}

TEST(upper_entry_rules_and_errnos)
{
    struct domain *d = (machine_up(), new_domain(1)), *e = new_domain(2);
    struct page_info *l2 = new_page(d), *l1 = new_page(d), *x = new_page(d);
    struct page_info *bad_l1 = new_page(d), *pt = new_page(d);
    struct page_info *theirs = new_page(e);

    CHECK_EQ(l2_with(d, l2, l1, ent(x, P | RW | US | A | D | (7ul << 9))), 0);
    CHECK_EQ(l2_with(d, l2, l1, ent(x, P | _PAGE_PSE)), -EINVAL);
    CHECK_EQ(l2_with(d, l2, l1, ent(x, P | _PAGE_PCD)), -EINVAL);
    CHECK_EQ(l2_with(d, l2, l1, ent(x, P | _PAGE_PWT)), -EINVAL);
    CHECK_EQ(l2_with(d, l2, l1, ent(x, P | _PAGE_GLOBAL)), -EINVAL);
    CHECK_EQ(l2_with(d, l2, l1, 0x3000 | P), -EINVAL);          /* not RAM */
    CHECK_EQ(l2_with(d, l2, l1, ent(theirs, P)), -EINVAL);
    /* The target has a writable mapping, is another table type. */
    CHECK(get_page_and_type(x, d, PGT_writable_page));
    CHECK_EQ(l2_with(d, l2, l1, ent(x, P)), -EINVAL);
    put_page_and_type(x);
    CHECK_EQ(take(pt, d, 3), 0);
    CHECK_EQ(l2_with(d, l2, l1, ent(pt, P)), -EINVAL);
    drop(pt);
    /* The target's own validation fails: its error, all undone. */
    tab(bad_l1)[7] = ent(pt, P | RW);
    CHECK_EQ(take(pt, d, 1), 0);
    CHECK_EQ(l2_with(d, l2, l1, ent(bad_l1, P)), -EBUSY);
    CHECK_EQ(tc(bad_l1), 0);
    drop(pt);
    kill(e);
    finish(d);
}

TEST(linear_entries_read_only_validated_one_link)
{
    struct domain *d = (machine_up(), new_domain(1));
    struct page_info *a = new_page(d), *b = new_page(d), *c = new_page(d);
    struct page_info *f = new_page(d), *g = new_page(d);
    struct vcpu *v = new_vcpu(d, 0);

    CHECK_EQ(take(a, d, 4), 0);
    /* A linear entry: read-only, to a validated L4. */
    tab(b)[3] = ent(a, P | RW);
    CHECK_EQ(take(b, d, 4), -EINVAL);
    tab(b)[3] = ent(a, P);
    CHECK_EQ(take(b, d, 4), 0);
    CHECK_EQ(tc(a), 2);
    CHECK_EQ(a->linear_pt_count, -1);
    CHECK_EQ(b->linear_pt_count, 1);
    /* b has linear entries: it cannot be a target (no chains). */
    tab(c)[3] = ent(b, P);
    CHECK_EQ(take(c, d, 4), -EINVAL);
    CHECK_EQ(tc(b), 1);
    /* a can be the target of several... */
    tab(c)[3] = ent(a, P);
    CHECK_EQ(take(c, d, 4), 0);
    CHECK_EQ(a->linear_pt_count, -2);
    /* ... but then gains no linear entry of its own. */
    CHECK_EQ(take(f, d, 4), 0);
    CHECK_EQ(t_mod(v, a, 5, ent(f, P), false), -EINVAL);
    /* Made writable later: refused, the entry stays. */
    CHECK_EQ(t_mod(v, c, 3, ent(a, P | RW), false), -EINVAL);
    CHECK_EQ(tab(c)[3], ent(a, P | US));
    /* Removed: counts go back. */
    CHECK_EQ(t_mod(v, c, 3, 0, false), 0);
    CHECK_EQ(a->linear_pt_count, -1);
    CHECK_EQ(c->linear_pt_count, 0);
    CHECK_EQ(tc(a), 2);
    /* Self-maps: read-only, no reference at all. */
    tab(g)[7] = ent(g, P);
    CHECK_EQ(take(g, d, 4), 0);
    CHECK_EQ(tc(g), 1);
    CHECK_EQ(gc(g), 2);
    CHECK_EQ(t_mod(v, g, 8, ent(g, P | RW), false), -EINVAL);
    CHECK_EQ(t_mod(v, g, 7, 0, false), 0);
    CHECK_EQ(gc(g), 2);
    /* An L2 pointing at itself (its L3 slot 1 at a linear L2). */
    drop(g);
    drop(b);
    CHECK_EQ(a->linear_pt_count, 0);
    CHECK_EQ(tc(a), 1);
    drop(c);
    drop(a);
    drop(f);
    free(v);
    finish(d);
}

TEST(l4_hypervisor_slots_are_the_hypervisors)
{
    struct domain *d = (machine_up(), new_domain(1));
    struct page_info *l4 = new_page(d), *l3 = new_page(d), *x = new_page(d);
    struct vcpu *v = new_vcpu(d, 0);
    unsigned int i;

    for ( i = PV_L4_XEN_FIRST; i <= PV_L4_XEN_LAST; i++ )
        tab(l4)[i] = ent(x, P | RW);                /* ignored */
    tab(l4)[255] = ent(l3, P);
    CHECK_EQ(take(l4, d, 4), 0);
    CHECK_EQ(tc(x), 0);
    CHECK_EQ(tab(l4)[PV_L4_RO_MPT], 0);
    CHECK_EQ(tab(l4)[PV_L4_LINEAR], ent(l4, PV_LINEAR_PROT));
    for ( i = PV_L4_XEN_FIRST; i <= PV_L4_XEN_LAST; i++ )
        if ( i != PV_L4_RO_MPT && i != PV_L4_LINEAR )
            CHECK_EQ(tab(l4)[i], idle_pg_table[i]);
    pv_fill_ro_mpt(l4);
    CHECK_EQ(tab(l4)[PV_L4_RO_MPT], idle_pg_table[PV_L4_RO_MPT]);
    for ( i = PV_L4_XEN_FIRST; i <= PV_L4_XEN_LAST; i++ )
        CHECK_EQ(t_mod(v, l4, i, 0, false), -EINVAL);
    CHECK_EQ(t_mod(v, l4, 272, ent(l3, P), false), 0);
    CHECK_EQ(tc(l3), 2);
    drop(l4);
    CHECK_EQ(tc(l3), 0);
    free(v);
    finish(d);
}

/* ---- Entry updates ---- */

TEST(l1_updates_swap_references)
{
    struct domain *d = (machine_up(), new_domain(1)), *e = new_domain(2);
    struct page_info *l1 = new_page(d), *x = new_page(d), *y = new_page(d);
    struct vcpu *v = new_vcpu(d, 0);
    intpte_t cur;

    CHECK_EQ(t_pin(v, l1, 1), 0);
    CHECK_EQ(t_mod(v, l1, 9, ent(x, P | RW), false), 0);
    CHECK_EQ(tab(l1)[9], ent(x, P | RW | US | GK));
    CHECK_EQ(gc(x), 2);
    CHECK_EQ(tc(x), 1);
    /* Only bits of the fast path: nothing taken or dropped. */
    CHECK_EQ(t_mod(v, l1, 9, ent(x, P | RW | US | A | _PAGE_NX), false), 0);
    CHECK_EQ(tab(l1)[9], ent(x, P | RW | US | A | _PAGE_NX | _PAGE_GLOBAL));
    CHECK_EQ(gc(x), 2);
    CHECK_EQ(tc(x), 1);
    /* Read-only now: the writable reference goes. */
    CHECK_EQ(t_mod(v, l1, 9, ent(x, P), false), 0);
    CHECK_EQ(tc(x), 0);
    CHECK_EQ(gc(x), 2);
    /* PRESERVE_AD keeps what the CPU set, even into a non-present value. */
    tab(l1)[9] |= A | D;
    CHECK_EQ(t_mod(v, l1, 9, ent(y, P | RW), true), 0);
    CHECK_EQ(tab(l1)[9], ent(y, P | RW | US | GK | A | D));
    CHECK_EQ(gc(x), 1);
    CHECK_EQ(tc(y), 1);
    CHECK_EQ(t_mod(v, l1, 9, 0, true), 0);
    CHECK_EQ(tab(l1)[9], A | D);
    CHECK_EQ(tc(y), 0);
    CHECK_EQ(gc(y), 1);
    /* Refused: the entry and every count stay. */
    snapshot(d, &snap_before);
    CHECK_EQ(t_mod(v, l1, 9, ent(l1, P | RW), false), -EBUSY);
    CHECK_EQ(t_mod(v, l1, 9, ent(x, P | _PAGE_GNTTAB), false), -EINVAL);
    CHECK_EQ(t_mod(v, l1, 9, 0x1000 | P, false), -EPERM);
    snapshot(d, &snap_after);
    CHECK(same_snapshot(&snap_before, &snap_after));
    CHECK_EQ(tab(l1)[9], A | D);
    /* pg_owner: a foreign domain's frames for a privileged caller. */
    {
        struct page_info *theirs = new_page(e), *pending = NULL;

        CHECK_EQ(pv_mod_entry(l1, 1, 10, ent(theirs, P | RW), e, false,
                              &pending), 0);
        CHECK_EQ(tc(theirs), 1);
        CHECK_EQ(pv_mod_entry(l1, 1, 10, ent(x, P), e, false, &pending),
                 -EBUSY);
        CHECK_EQ(pv_mod_entry(l1, 1, 10, 0, e, false, &pending), 0);
        CHECK_EQ(tc(theirs), 0);
        CHECK(pending == NULL);
    }
    /* The ptwr form: compare, validate, exchange. */
    CHECK_EQ(pv_cmpxchg_l1e(l1, 11, 0, ent(x, P | RW), &cur), 0);
    CHECK_EQ(tc(x), 1);
    CHECK_EQ(pv_cmpxchg_l1e(l1, 11, 0, ent(y, P | RW), &cur), -EAGAIN);
    CHECK_EQ(cur, ent(x, P | RW | US | GK));
    CHECK_EQ(tc(y), 0);
    CHECK_EQ(pv_cmpxchg_l1e(l1, 11, cur, ent(l1, P | RW), &cur), -EBUSY);
    CHECK_EQ(pv_cmpxchg_l1e(l1, 11, ent(x, P | RW | US | GK), 0, &cur), 0);
    CHECK_EQ(tc(x), 0);
    CHECK_EQ(t_unpin(v, l1), 0);
    CHECK_EQ(gc(x) + gc(y), 2);
    free(v);
    kill(e);
    finish(d);
}

TEST(upper_updates_validate_and_devalidate_subtrees)
{
    struct domain *d = (machine_up(), new_domain(1)), *e = new_domain(2);
    struct page_info *l2 = new_page(d), *l1a = new_page(d), *l1b = new_page(d);
    struct page_info *data = new_page(d), *l3 = new_page(d);
    struct vcpu *v = new_vcpu(d, 0);
    struct page_info *pending = NULL;

    tab(l1a)[0] = ent(data, P | RW);
    CHECK_EQ(t_pin(v, l2, 2), 0);
    CHECK_EQ(t_mod(v, l2, 4, ent(l1a, P | RW), false), 0);
    CHECK(validated(l1a));
    CHECK_EQ(tc(data), 1);
    /* Another L1: the old one is devalidated, its references go. */
    CHECK_EQ(t_mod(v, l2, 4, ent(l1b, P | RW), false), 0);
    CHECK(!validated(l1a));
    CHECK_EQ(tc(l1a), 0);
    CHECK_EQ(tc(data), 0);
    CHECK_EQ(gc(data), 1);
    /* RW changes need new references (linear rules), US is the fast path. */
    CHECK_EQ(t_mod(v, l2, 4, ent(l1b, P | US), false), 0);
    CHECK_EQ(tc(l1b), 1);
    /* A foreign pg_owner is for L1 entries only. */
    CHECK_EQ(pv_mod_entry(l2, 2, 5, ent(l1a, P), e, false, &pending), -EINVAL);
    /* A failing subtree leaves everything as it was. */
    tab(l3)[0] = ent(l2, P | RW);                   /* maps a table writable */
    snapshot(d, &snap_before);
    CHECK_EQ(t_mod(v, l2, 6, ent(l3, P | RW), false), -EBUSY);
    snapshot(d, &snap_after);
    CHECK(same_snapshot(&snap_before, &snap_after));
    CHECK_EQ(t_unpin(v, l2), 0);
    CHECK_EQ(tc(l1b), 0);
    CHECK_EQ(t_unpin(v, l2), -EINVAL);              /* not pinned */
    CHECK_EQ(t_unpin(v, data), -EINVAL);            /* a plain page */
    free(v);
    kill(e);
    finish(d);
}

TEST(pin_rules)
{
    struct domain *d = (machine_up(), new_domain(1)), *e = new_domain(2);
    struct page_info *l1 = new_page(d), *w = new_page(d), *theirs = new_page(e);
    struct page_info *freed = alloc_domheap_pages(NULL, 0, 0);
    struct vcpu *v = new_vcpu(d, 0);

    CHECK_EQ(t_pin(v, l1, 1), 0);
    CHECK_EQ(tc(l1), 1);
    CHECK(l1->u.inuse.type_info & PGT_pinned);
    CHECK_EQ(t_pin(v, l1, 1), -EINVAL);             /* twice: as Xen */
    CHECK_EQ(tc(l1), 1);
    CHECK_EQ(gc(l1), 2);
    CHECK_EQ(t_pin(v, l1, 2), -EINVAL);             /* another level */
    CHECK(get_page_and_type(w, d, PGT_writable_page));
    CHECK_EQ(t_pin(v, w, 1), -EINVAL);              /* mapped writable */
    put_page_and_type(w);
    CHECK_EQ(t_pin(v, theirs, 1), -EINVAL);
    CHECK_EQ(t_pin(v, freed, 1), -EINVAL);
    CHECK_EQ(t_unpin(v, l1), 0);
    CHECK_EQ(tc(l1), 0);
    CHECK_EQ(gc(l1), 1);
    free_domheap_pages(freed, 0);
    free(v);
    kill(e);
    finish(d);
}

/* ---- Trees, preemption, failures half-way ---- */

/*
 * A tree under a new L4: n3 L3s, each with n2 L2s, each with n1 L1s, each
 * mapping 8 data pages (writable and not); one L1 shared by two L2s.
 */
static struct page_info *build_tree(struct domain *d, unsigned int n3,
                                    unsigned int n2, unsigned int n1)
{
    struct page_info *l4 = new_page(d), *shared = NULL;
    unsigned int i, j, k, m;

    for ( i = 0; i < n3; i++ )
    {
        struct page_info *l3 = new_page(d);

        tab(l4)[i * 3] = ent(l3, P | RW);
        for ( j = 0; j < n2; j++ )
        {
            struct page_info *l2 = new_page(d);

            tab(l3)[j * 5 + 1] = ent(l2, P | RW);
            for ( k = 0; k < n1; k++ )
            {
                struct page_info *l1 = new_page(d);

                tab(l2)[k * 7] = ent(l1, P | RW);
                for ( m = 0; m < 8; m++ )
                    tab(l1)[m * 9] = ent(new_page(d), P | ((m & 1) ? RW : 0));
                if ( !shared )
                    shared = l1;
            }
            tab(l2)[500] = ent(shared, P);
        }
    }
    return l4;
}

TEST(tree_pin_and_unpin_leave_every_count_as_before)
{
    struct domain *d = (machine_up(), new_domain(1));
    struct vcpu *v = new_vcpu(d, 0);
    struct page_info *l4 = build_tree(d, 2, 3, 4);

    snapshot(d, &snap_before);
    CHECK_EQ(t_pin(v, l4, 4), 0);
    CHECK(validated(l4));
    CHECK_EQ(t_unpin(v, l4), 0);
    snapshot(d, &snap_after);
    CHECK(same_snapshot(&snap_before, &snap_after));
    free(v);
    finish(d);
}

TEST(preempted_validation_and_devalidation_continue_to_the_same_end)
{
    struct domain *d = (machine_up(), new_domain(1));
    struct vcpu *v = new_vcpu(d, 0);
    struct page_info *l4 = build_tree(d, 3, 3, 3);
    struct snap pinned;
    unsigned int restarts = 0, every;
    int rc;

    snapshot(d, &snap_before);
    CHECK_EQ(t_pin(v, l4, 4), 0);
    snapshot(d, &pinned);
    CHECK_EQ(t_unpin(v, l4), 0);

    for ( every = 1; every <= 7; every += 3 )
    {
        preempt_every = every;
        while ( (rc = t_pin(v, l4, 4)) == -ERESTART )
        {
            restarts++;
            CHECK(is_partial(l4) || !tc(l4) || page_type_has_deferred(v));
        }
        CHECK_EQ(rc, 0);
        finish_all_deferred(v);
        preempt_every = 0;
        snapshot(d, &snap_after);
        CHECK(same_snapshot(&pinned, &snap_after));

        preempt_every = every;
        CHECK_EQ(t_unpin(v, l4), 0);
        if ( every == 1 )
            CHECK(page_type_has_deferred(v));       /* a teardown is left */
        while ( page_type_finish_deferred(v) )
            restarts++;
        preempt_every = 0;
        snapshot(d, &snap_after);
        CHECK(same_snapshot(&snap_before, &snap_after));
    }
    CHECK(restarts > 20);
    free(v);
    finish(d);
}

TEST(failure_half_way_is_undone_preempted_or_not)
{
    struct domain *d = (machine_up(), new_domain(1));
    struct vcpu *v = new_vcpu(d, 0);
    struct page_info *l4 = build_tree(d, 3, 2, 2), *bad = new_page(d);
    struct page_info *bad_l2 = new_page(d);
    unsigned int every;
    int rc;

    /* A fourth L3 whose L2 maps a superpage. */
    tab(l4)[100] = ent(bad, P | RW);
    tab(bad)[0] = ent(bad_l2, P | RW);
    tab(bad_l2)[0] = ent(new_page(d), P | _PAGE_PSE);
    snapshot(d, &snap_before);
    CHECK_EQ(take(l4, d, 4), -EINVAL);
    snapshot(d, &snap_after);
    CHECK(same_snapshot(&snap_before, &snap_after));

    for ( every = 1; every <= 5; every += 2 )
    {
        preempt_every = every;
        rc = RETRY(t_pin(v, l4, 4));
        CHECK_EQ(rc, -EINVAL);
        CHECK(page_type_has_deferred(v) || !tc(l4));
        finish_all_deferred(v);
        preempt_every = 0;
        snapshot(d, &snap_after);
        CHECK(same_snapshot(&snap_before, &snap_after));
    }
    free(v);
    finish(d);
}

/* ---- Domain death ---- */

TEST(teardown_releases_every_page_and_reference)
{
    struct domain *d = (machine_up(), new_domain(5));
    struct vcpu *v0 = new_vcpu(d, 0), *v1 = new_vcpu(d, 1);
    struct page_info *l4 = build_tree(d, 2, 2, 3), *l4b = build_tree(d, 1, 1, 2);
    struct page_info *half = build_tree(d, 2, 2, 2), *big = build_tree(d, 2, 2, 2);
    struct page_info *l1 = new_page(d), *data = new_page(d), *gdt = new_page(d);
    struct page_info *l4c = new_page(d);

    CHECK(free_at_start - total_free_pages() > 150);
    CHECK_EQ(t_pin(v0, l4, 4), 0);
    CHECK_EQ(t_pin(v0, big, 4), 0);
    CHECK_EQ(t_base(v0, 0, l4), 0);
    CHECK_EQ(t_base(v0, 1, l4b), 0);                /* validated on the way */
    CHECK_EQ(t_base(v1, 0, l4b), 0);
    tab(l4c)[7] = ent(l4, P);                       /* a linear entry */
    CHECK_EQ(t_base(v1, 1, l4c), 0);
    /* A pinned L1 with a writable mapping of data; a GDT frame. */
    CHECK_EQ(t_pin(v1, l1, 1), 0);
    CHECK_EQ(t_mod(v1, l1, 3, ent(data, P | RW), false), 0);
    CHECK(get_page_and_type(gdt, d, PGT_seg_desc_page));
    page_type_set_validated(gdt);
    /* Work left half-done: a pin preempted and never continued, and an
     * unpin whose teardown is still deferred on v1. */
    preempt_every = 2;
    CHECK_EQ(t_pin(v0, half, 4), -ERESTART);
    CHECK(is_partial(half));
    preempt_every = 1;
    CHECK_EQ(t_unpin(v1, big), 0);
    CHECK(page_type_has_deferred(v1));
    preempt_every = 0;

    /* arch_domain_relinquish_resources(): the vCPUs' holds go. */
    put_page_and_type(gdt);
    put_page_and_type(l4);
    put_page_and_type(l4b);
    put_page_and_type(l4b);
    put_page_and_type(l4c);
    memset(bases, 0, sizeof(bases));
    finish(d);
    CHECK(!page_type_has_deferred(v1));
    free(v0);
    free(v1);
}

/* ---- A randomised run against counts recomputed from the tables ---- */

#define NPG 40
#define NV  3

static struct {
    struct domain *d;
    struct vcpu *v[NV];
    struct page_info *pg[NPG];
    unsigned long ok[8], refused, restarts, interleaved;
    unsigned long upper_updates, max_tables;
} R;

static int index_of(const struct page_info *pg)
{
    unsigned int i;

    for ( i = 0; i < NPG; i++ )
        if ( R.pg[i] == pg )
            return i;
    return -1;
}

static unsigned int random_slot(void)
{
    static const unsigned int slots[] = { 0, 1, 2, 3, 4, 255, 256, 258, 272, 511 };

    return slots[rand() % (sizeof(slots) / sizeof(slots[0]))];
}

/* A random page, preferably one of the given level (0: untyped). */
static struct page_info *random_page_of(unsigned int level)
{
    unsigned int i, start = rand() % NPG;

    if ( rand() % 4 )
        for ( i = 0; i < NPG; i++ )
        {
            struct page_info *pg = R.pg[(start + i) % NPG];

            if ( level ? (tc(pg) && pgt_level(ttype(pg)) == level)
                       : !tc(pg) )
                return pg;
        }
    return R.pg[start];
}

/* An entry for a level-`level` table (0: any level). */
static intpte_t random_entry(unsigned int level)
{
    static const intpte_t odd[] = { _PAGE_PSE, _PAGE_PCD, _PAGE_GNTTAB,
                                    _PAGE_GLOBAL, US, A | D, _PAGE_NX };
    struct page_info *target;
    intpte_t e;

    if ( rand() % 5 == 0 )
        return 0;
    if ( !level )
        level = 1 + rand() % 4;
    if ( level == 1 || rand() % 8 == 0 )
        target = R.pg[rand() % NPG];            /* data, or linear */
    else
        target = random_page_of(rand() % 3 ? 0 : level - 1);
    e = ent(target, P | ((rand() % 3) ? (level == 1 ? 0 : RW)
                                      : (level == 1 ? RW : 0)));
    if ( rand() % 10 == 0 )
        e |= odd[rand() % (sizeof(odd) / sizeof(odd[0]))];
    return e;
}

struct op {
    unsigned int kind, level, slot, which, vcpu;
    struct page_info *pg, *target;
    intpte_t val;
};

static struct op random_op(unsigned int vcpu)
{
    struct op op = {
        .kind = rand() % 6, .level = 1 + rand() % 4, .slot = random_slot(),
        .which = rand() % 2, .vcpu = vcpu,
    };

    switch ( op.kind )
    {
    case 3:                                     /* update a live table */
        op.level = 1 + rand() % 4;
        op.pg = random_page_of(op.level);
        op.val = random_entry(pgt_level(ttype(op.pg)));
        break;
    case 4:                                     /* fill a plain page */
        op.pg = random_page_of(0);
        op.val = random_entry(0);
        break;
    default:
        op.pg = rand() % 2 ? random_page_of(0) : R.pg[rand() % NPG];
        break;
    }
    op.target = rand() % 4 ? random_page_of(rand() % 2 ? 4 : 0) : NULL;
    return op;
}

static int run_op(struct op *op, bool nested);

static int do_op(struct op *op)
{
    struct vcpu *v = R.v[op->vcpu];

    switch ( op->kind )
    {
    case 0:
    case 1:
        return t_pin(v, op->pg, op->level);
    case 2:
        return t_unpin(v, op->pg);
    case 3:
        return t_mod(v, op->pg, op->slot, op->val, rand() % 2);
    case 4:
        /* The guest writes a page it may write (no table, no GDT). */
        if ( tc(op->pg) && ttype(op->pg) != PGT_writable_page )
            return -EINVAL;
        tab(op->pg)[op->slot] = op->val;
        return 0;
    default:
        return t_base(v, op->which, op->target);
    }
}

/* Maybe let another vCPU run a whole request of its own meanwhile. */
static void maybe_interleave(const struct op *op, bool nested)
{
    struct op other;

    if ( nested || rand() % 2 )
        return;
    other = random_op((op->vcpu + 1 + rand() % (NV - 1)) % NV);
    R.interleaved++;
    run_op(&other, true);
}

/*
 * Run a request to its end as its continuations would: issued again while
 * preempted, then the teardown it left finished before the vCPU goes back
 * to its guest.
 */
static int run_op(struct op *op, bool nested)
{
    struct vcpu *v = R.v[op->vcpu];
    unsigned long loops = 0;
    int rc;

    while ( (rc = do_op(op)) == -ERESTART )
    {
        R.restarts++;
        BUG_ON(++loops > 1000000);
        maybe_interleave(op, nested);
    }
    while ( page_type_finish_deferred(v) )
    {
        R.restarts++;
        BUG_ON(++loops > 1000000);
        maybe_interleave(op, nested);
    }
    if ( rc )
        R.refused++;
    else
        R.ok[op->kind]++;
    if ( !rc && op->kind == 3 && pgt_level(ttype(op->pg)) > 1 )
        R.upper_updates++;
    return rc;
}

/* Every count as the pins, base pointers and validated tables imply. */
static bool check_counts(void)
{
    long egc[NPG], etc_[NPG], lin[NPG];
    unsigned int i, j, w, idx;
    bool ok = true;

    for ( i = 0; i < NPG; i++ )
    {
        struct page_info *pg = R.pg[i];

        egc[i] = 1;
        etc_[i] = lin[i] = 0;
        if ( pg->u.inuse.type_info & PGT_pinned )
            egc[i]++, etc_[i]++;
        if ( tc(pg) && pgt_level(ttype(pg)) && !validated(pg) )
        {
            printf("  page %u: type_info %lx is neither used nor free\n", i,
                   pg->u.inuse.type_info);
            ok = false;
        }
    }
    for ( i = 0; i < NV; i++ )
        for ( w = 0; w < 2; w++ )
            if ( bases[i][w] )
            {
                egc[index_of(bases[i][w])]++;
                etc_[index_of(bases[i][w])]++;
            }
    for ( i = 0, j = 0; i < NPG; i++ )
        j += tc(R.pg[i]) && pgt_level(ttype(R.pg[i]));
    if ( j > R.max_tables )
        R.max_tables = j;
    for ( i = 0; i < NPG; i++ )
    {
        unsigned int level = pgt_level(ttype(R.pg[i]));

        if ( !level || !tc(R.pg[i]) )
            continue;
        for ( idx = 0; idx < PAGETABLE_ENTRIES; idx++ )
        {
            intpte_t e = tab(R.pg[i])[idx];
            int t;

            if ( !(e & P) || (level == 4 && !pv_is_guest_l4_slot(idx)) )
                continue;
            t = index_of(mfn_to_page(_mfn((e & PTE_ADDR_MASK) >> PAGE_SHIFT)));
            if ( t < 0 )
            {
                printf("  page %u entry %u: %lx maps no page of ours\n", i,
                       idx, (unsigned long)e);
                ok = false;
                continue;
            }
            if ( level == 1 )
            {
                egc[t]++;
                if ( e & RW )
                    etc_[t]++;
                continue;
            }
            if ( t == (int)i )
                continue;
            egc[t]++;
            etc_[t]++;
            if ( pgt_level(ttype(R.pg[t])) == level )
            {
                lin[i]++;
                lin[t]--;
                ok &= !(e & RW);
            }
        }
    }
    for ( j = 0; j < NPG; j++ )
        if ( (long)gc(R.pg[j]) != egc[j] || (long)tc(R.pg[j]) != etc_[j] ||
             R.pg[j]->linear_pt_count != lin[j] )
        {
            printf("  page %u: count %lu (model %ld), type %lx (model count "
                   "%ld), linear %d (model %ld)\n", j, gc(R.pg[j]), egc[j],
                   R.pg[j]->u.inuse.type_info, etc_[j],
                   R.pg[j]->linear_pt_count, lin[j]);
            ok = false;
        }
    CHECK(ok);
    return ok;
}

static void random_run(unsigned int steps, unsigned int preempt, unsigned int seed)
{
    unsigned int i, s, w;

    machine_up();
    srand(seed);
    memset(&R, 0, sizeof(R));
    memset(bases, 0, sizeof(bases));
    R.d = new_domain(7);
    for ( i = 0; i < NV; i++ )
        R.v[i] = new_vcpu(R.d, i);
    for ( i = 0; i < NPG; i++ )
        R.pg[i] = new_page(R.d);
    preempt_every = preempt;

    for ( s = 0; s < steps; s++ )
    {
        struct op op = random_op(rand() % NV);

        run_op(&op, false);
        if ( !check_counts() )
        {
            printf("  (step %u, seed %u)\n", s, seed);
            break;
        }
    }

    printf("  random run (seed %u, preempt %d): %u requests: pins %lu, "
           "unpins %lu, updates %lu, writes %lu, bases %lu done, %lu refused; "
           "%lu restarts, %lu interleaved; %lu L2-L4 updates, up to %lu "
           "tables at once\n", seed, (int)preempt, s,
           R.ok[0] + R.ok[1], R.ok[2], R.ok[3], R.ok[4], R.ok[5], R.refused,
           R.restarts, R.interleaved, R.upper_updates, R.max_tables);
    /* Everything let go: only the allocations remain. */
    for ( i = 0; i < NV; i++ )
        for ( w = 0; w < 2; w++ )
            CHECK_EQ(RETRY(t_base(R.v[i], w, NULL)), 0);
    for ( i = 0; i < NPG; i++ )
        if ( R.pg[i]->u.inuse.type_info & PGT_pinned )
            CHECK_EQ(RETRY(t_unpin(R.v[0], R.pg[i])), 0);
    for ( i = 0; i < NV; i++ )
        finish_all_deferred(R.v[i]);
    for ( i = 0; i < NPG; i++ )
    {
        CHECK_EQ(tc(R.pg[i]), 0);
        CHECK_EQ(gc(R.pg[i]), 1);
        CHECK_EQ(R.pg[i]->linear_pt_count, 0);
    }
    preempt_every = 0;
    for ( i = 0; i < NV; i++ )
        free(R.v[i]);
    finish(R.d);
}

TEST(random_requests_keep_every_count_exact)
{
    random_run(4000, 0, 1);
    CHECK(R.ok[0] + R.ok[1] > 100);                 /* pins */
    CHECK(R.ok[3] > 200);                           /* entry updates */
    CHECK(R.ok[5] > 100);                           /* base pointers */
    CHECK(R.upper_updates > 50);
    CHECK(R.max_tables > 10);
}

TEST(random_requests_preempted_and_interleaved)
{
    random_run(4000, PREEMPT_RANDOM, 2);
    CHECK(R.restarts > 100);
    CHECK(R.interleaved > 50);
}

/* ---- The dom0 builder's tables follow the same rules ---- */

struct build {
    struct domain *d;
    unsigned long mfn[4096];
};

static unsigned long b_pfn_to_mfn(void *ctx, unsigned long pfn)
{
    return ((struct build *)ctx)->mfn[pfn];
}

static void *b_map_mfn(void *ctx, unsigned long mfn)
{
    (void)ctx;
    return mfn_to_virt(_mfn(mfn));
}

/* What pv/dom0_build.c does: each new table is linked by one entry. */
static void b_new_table(void *ctx, unsigned long pfn, unsigned int level)
{
    struct page_info *pg = mfn_to_page(_mfn(b_pfn_to_mfn(ctx, pfn)));

    pg->count_info += 1;
    pg->count_info |= PGC_page_table;
    pg->u.inuse.type_info = PGT_table_of_level(level) | PGT_validated | 1;
}

TEST(dom0_builder_tables_devalidate_to_the_last_count)
{
    struct pv_layout_in in = {
        .virt_base = 0xffffffff80000000ul, .kern_start = 0xffffffff80000000ul,
        .kern_end = 0xffffffff80000000ul + (3ul << 20), .p2m_base = 0x8000000000ul,
        .initrd_unmapped = true, .nr_pages = 2048,
    };
    static struct build b;
    struct pv_layout l;
    struct pv_pt_ops ops = { .ctx = &b, .pfn_to_mfn = b_pfn_to_mfn,
                             .map_mfn = b_map_mfn, .new_table = b_new_table };
    const char *why;
    unsigned long pfn, l4_mfn, pt_first;
    struct page_info *l4;
    struct vcpu *v;

    machine_up();
    b.d = new_domain(0);
    v = new_vcpu(b.d, 0);
    CHECK_EQ(pv_layout_compute(&in, &l, &why), 0);
    for ( pfn = 0; pfn < in.nr_pages; pfn++ )
        b.mfn[pfn] = mfn_x(page_to_mfn(new_page(b.d)));
    CHECK_EQ(pv_build_page_tables(&l, &idle_pg_table[PV_L4_XEN_FIRST], &ops,
                                  &l4_mfn), 0);
    /* The builder's counts (dom0_build.c account_mappings). */
    pt_first = pv_layout_va_to_pfn(&l, l.pt_start);
    for ( pfn = 0; pfn < l.boot_pages; pfn++ )
    {
        struct page_info *pg = mfn_to_page(_mfn(b.mfn[pfn]));

        if ( pfn >= pt_first && pfn < pt_first + l.nr_pt_frames )
            pg->count_info += 1;
        else
            CHECK(get_page_and_type(pg, b.d, PGT_writable_page));
    }
    for ( pfn = l.first_p2m_pfn; pfn < l.first_p2m_pfn + l.nr_p2m_frames; pfn++ )
    {
        struct page_info *pg = mfn_to_page(_mfn(b.mfn[pfn]));

        if ( !(pg->u.inuse.type_info & PGT_type_mask) )
            CHECK(get_page_and_type(pg, b.d, PGT_writable_page));
    }
    l4 = mfn_to_page(_mfn(l4_mfn));
    l4->count_info += 1;
    l4->u.inuse.type_info += 1 | PGT_pinned;
    bases[0][0] = l4;                               /* vCPU 0's CR3 */
    CHECK_EQ(gc(l4), 4);
    CHECK_EQ(tc(l4), 2);

    /* Linux unpins it and moves to its own L4: the tree goes untyped, its
     * mappings' references with it, leaving exactly the boot mappings. */
    snapshot(b.d, &snap_before);
    CHECK_EQ(t_unpin(v, l4), 0);
    CHECK_EQ(t_base(v, 0, NULL), 0);
    for ( pfn = 0; pfn < in.nr_pages; pfn++ )
        CHECK_EQ(tc(mfn_to_page(_mfn(b.mfn[pfn]))), 0);
    for ( pfn = 0; pfn < in.nr_pages; pfn++ )
        if ( gc(mfn_to_page(_mfn(b.mfn[pfn]))) != 1 )
        {
            CHECK_EQ(pfn, ~0ul);
            break;
        }
    /* It validates again by the rules, to the builder's very counts. */
    CHECK_EQ(t_base(v, 0, l4), 0);
    CHECK_EQ(t_pin(v, l4, 4), 0);
    snapshot(b.d, &snap_after);
    CHECK(same_snapshot(&snap_before, &snap_after));
    CHECK_EQ(t_unpin(v, l4), 0);
    put_page_and_type(l4);                          /* vCPU 0's CR3 */
    bases[0][0] = NULL;
    free(v);
    finish(b.d);
}
