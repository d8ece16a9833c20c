/*
 * test_domain_page.c: a domain's pages and their counts
 * (xen/common/domain_page.c) on a simulated machine.
 *
 * The machine has 64 MiB of RAM behind host_test_directmap and a frame
 * table of its own; the real heap (page_alloc.c) runs on it, so freed
 * pages really go back and every case can end by checking that the heap
 * holds as many free pages as before (nothing leaked, nothing freed
 * twice). Domains are page-aligned heap pages, as in the hypervisor (a
 * frame's owner field stores the domain's frame number). The M2P is a
 * plain array here.
 */
#include <asm/m2p.h>
#include <asm/mm.h>
#include <asm/pgtable.h>
#include <asm/pv/mm.h>
#include <xen/domain_page.h>
#include <xen/errno.h>
#include <xen/page_list.h>
#include <xen/sched.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "harness.h"

/* pt_validate.c keeps the AP trampoline page from guests: none here. */
paddr_t trampoline_phys = ~(paddr_t)0;

void stub_spin_release_all(void);

#define SIM_BYTES  (64ul << 20)
#define SIM_FRAMES (SIM_BYTES >> PAGE_SHIFT)
#define RAM_START  (1ul << 20)

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

static unsigned long free_at_start;

/* What pt_validate.c and the type machinery reach outside these files. */
intpte_t idle_pg_table[PAGETABLE_ENTRIES];
static unsigned int nr_type_flushes;

bool hypercall_preempt_check(void)
{
    return false;
}

void pv_type_change_flush(struct page_info *pg, unsigned long old_type)
{
    (void)pg;
    (void)old_type;
    nr_type_flushes++;
}

static void machine_up(void)
{
    static bool up;

    stub_spin_release_all();
    if ( !up )
    {
        host_test_directmap = mmap(NULL, SIM_BYTES, PROT_READ | PROT_WRITE,
                                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                                   -1, 0);
        frame_table = calloc(SIM_FRAMES, sizeof(struct page_info));
        if ( host_test_directmap == MAP_FAILED || !frame_table )
        {
            perror("test_domain_page: machine");
            exit(2);
        }
        init_boot_pages(RAM_START, SIM_BYTES);
        end_boot_allocator();
        up = true;
    }
    free_at_start = total_free_pages();
}

static struct domain *new_domain(domid_t id, unsigned long max_pages)
{
    unsigned int order = get_order_from_bytes(sizeof(struct domain));
    struct domain *d = alloc_xenheap_pages(order, 0);

    memset(d, 0, sizeof(*d));
    d->domain_id = id;
    d->max_pages = max_pages;
    domain_memory_init(d);
    return d;
}

static void free_domain_struct(struct domain *d)
{
    free_xenheap_pages(d, get_order_from_bytes(sizeof(struct domain)));
}

/* d dies: every page goes back. */
static void release(struct domain *d)
{
    d->is_dying = DOMDYING_dying;
    CHECK_EQ(domain_relinquish_memory(d), 0);
    CHECK_EQ(d->tot_pages, 0);
    CHECK(page_list_empty(&d->page_list));
    free_domain_struct(d);
}

/* The case's last domain dies: the heap is as it was. */
static void finish(struct domain *d)
{
    release(d);
    CHECK_EQ(total_free_pages(), free_at_start);
}

/* For harness_panics(): the page a case wants to see misused. */
static struct page_info *victim;

static void put_victim(void)
{
    put_page(victim);
}

static void put_victim_type(void)
{
    put_page_type(victim);
}

static unsigned long list_length(const struct domain *d)
{
    const struct page_info *pg;
    unsigned long n = 0;

    page_list_for_each ( pg, &d->page_list )
        n++;
    return n;
}

static unsigned long count(const struct page_info *pg)
{
    return pg->count_info & PGC_count_mask;
}

static unsigned long tcount(const struct page_info *pg)
{
    return pg->u.inuse.type_info & PGT_count_mask;
}

static unsigned long type(const struct page_info *pg)
{
    return pg->u.inuse.type_info & PGT_type_mask;
}

TEST(assign_sets_owner_count_and_list)
{
    struct domain *d;
    struct page_info *pg;
    unsigned int i;

    machine_up();
    d = new_domain(1, 8);
    pg = alloc_domain_pages(d, 2, 0);
    CHECK(pg != NULL);
    for ( i = 0; i < 4; i++ )
    {
        CHECK_EQ(pg[i].count_info, PGC_allocated | 1);
        CHECK(page_get_owner(&pg[i]) == d);
        CHECK_EQ(pg[i].u.inuse.type_info, 0);
    }
    CHECK_EQ(d->tot_pages, 4);
    CHECK_EQ(list_length(d), 4);
    CHECK(page_list_first(&d->page_list) == &pg[0]);   /* in order */
    CHECK(page_list_last(&d->page_list) == &pg[3]);
    CHECK_EQ(total_free_pages(), free_at_start - 4 -
             (1ul << get_order_from_bytes(sizeof(struct domain))));
    finish(d);
}

TEST(assign_refuses_beyond_max_pages)
{
    struct domain *d;
    struct page_info *pg;
    unsigned long before;

    machine_up();
    d = new_domain(1, 5);
    CHECK(alloc_domain_pages(d, 2, 0) != NULL);
    before = total_free_pages();
    pg = alloc_domheap_pages(d, 1, 0);
    CHECK_EQ(assign_pages(d, pg, 1), -E2BIG);
    CHECK_EQ(d->tot_pages, 4);
    CHECK_EQ(pg->count_info, 0);                /* untouched */
    CHECK_LOG("Over-allocation for d1: 6 > 5");
    free_domheap_pages(pg, 1);
    /* The convenience form gives the pages back itself. */
    CHECK(alloc_domain_pages(d, 1, 0) == NULL);
    CHECK_EQ(total_free_pages(), before);
    CHECK(alloc_domain_pages(d, 0, 0) != NULL);  /* exactly max_pages */
    CHECK_EQ(d->tot_pages, 5);

    d->max_pages = 3;                            /* lowered below tot */
    pg = alloc_domheap_pages(d, 0, 0);
    CHECK_EQ(assign_pages(d, pg, 0), -EPERM);
    free_domheap_pages(pg, 0);
    finish(d);
}

TEST(assign_refuses_a_dying_domain)
{
    struct domain *d;
    struct page_info *pg;

    machine_up();
    d = new_domain(2, 8);
    d->is_dying = DOMDYING_dying;
    pg = alloc_domheap_pages(d, 0, 0);
    CHECK_EQ(assign_pages(d, pg, 0), -EINVAL);
    CHECK_EQ(d->tot_pages, 0);
    free_domheap_pages(pg, 0);
    finish(d);
}

TEST(get_page_checks_owner_and_allocation)
{
    struct domain *d = (machine_up(), new_domain(1, 8)), *e = new_domain(2, 8);
    struct page_info *pg = alloc_domain_pages(d, 0, 0);
    struct page_info *unassigned = alloc_domheap_pages(d, 0, 0);

    CHECK(get_page(pg, d));
    CHECK_EQ(count(pg), 2);
    CHECK(!get_page(pg, e));                     /* not e's */
    CHECK(!get_page(pg, NULL));
    CHECK_EQ(count(pg), 2);                      /* the try was undone */
    CHECK(!get_page(unassigned, d));             /* count 0: not allocated */
    CHECK_EQ(unassigned->count_info, 0);
    put_page(pg);
    CHECK_EQ(pg->count_info, PGC_allocated | 1);

    pg->count_info = PGC_allocated | PGC_count_mask;     /* full */
    CHECK(!get_page(pg, d));
    pg->count_info = PGC_allocated | 1;

    free_domheap_pages(unassigned, 0);
    release(e);
    finish(d);
}

TEST(last_put_frees_and_unaccounts)
{
    struct domain *d;
    struct page_info *pg;
    unsigned long before;

    machine_up();
    d = new_domain(1, 8);
    pg = alloc_domain_pages(d, 0, 0);
    alloc_domain_pages(d, 0, 0);
    set_gpfn_from_mfn(page_to_mfn(pg), 7);
    before = total_free_pages();

    CHECK(get_page(pg, d));                      /* a mapping, say */
    pg->count_info &= ~PGC_allocated;            /* the guest gave it back */
    put_page(pg);                                /* drop the allocation's */
    CHECK_EQ(count(pg), 1);
    CHECK_EQ(d->tot_pages, 2);                   /* still d's while used */
    put_page(pg);                                /* the mapping goes */
    CHECK_EQ(d->tot_pages, 1);
    CHECK_EQ(list_length(d), 1);
    CHECK_EQ(get_gpfn_from_mfn(page_to_mfn(pg)), INVALID_M2P_ENTRY);
    CHECK_EQ(total_free_pages(), before + 1);
    CHECK(page_state_is(pg, free));

    victim = pg;
    CHECK(harness_panics(put_victim));           /* a free page */
    finish(d);
}

TEST(type_changes_only_at_count_zero)
{
    struct domain *d = (machine_up(), new_domain(1, 8));
    struct page_info *pg = alloc_domain_pages(d, 0, 0);
    unsigned int flushes;

    CHECK(get_page(pg, d));
    CHECK(get_page(pg, d));
    CHECK(get_page(pg, d));

    flushes = nr_type_flushes;
    CHECK_EQ(get_page_type(pg, PGT_writable_page), 0);
    CHECK_EQ(pg->u.inuse.type_info, PGT_writable_page | PGT_validated | 1);
    CHECK_EQ(nr_type_flushes, flushes);         /* it had no type before */
    CHECK_EQ(get_page_type(pg, PGT_writable_page), 0);
    CHECK_EQ(tcount(pg), 2);
    CHECK_EQ(get_page_type(pg, PGT_l1_page_table), -EINVAL);
    CHECK_EQ(get_page_type(pg, PGT_seg_desc_page), -EINVAL);
    put_page_type(pg);
    put_page_type(pg);
    CHECK_EQ(pg->u.inuse.type_info, PGT_writable_page | PGT_validated);

    /* Now unused: it may become a page table, validated at once (an empty
     * table is valid), after a TLB flush for its writable past. */
    CHECK_EQ(get_page_type(pg, PGT_l1_page_table), 0);
    CHECK_EQ(pg->u.inuse.type_info, PGT_l1_page_table | PGT_validated | 1);
    CHECK_EQ(nr_type_flushes, flushes + 1);
    CHECK(pg->count_info & PGC_page_table);
    CHECK_EQ(get_page_type(pg, PGT_l1_page_table), 0);
    CHECK_EQ(pg->u.inuse.type_info, PGT_l1_page_table | PGT_validated | 2);
    CHECK_EQ(get_page_type(pg, PGT_writable_page), -EINVAL);
    put_page_type(pg);
    put_page_type(pg);
    /* A table loses its validation with its last use. */
    CHECK_EQ(pg->u.inuse.type_info, PGT_l1_page_table);
    CHECK_EQ(get_page_type(pg, PGT_writable_page), 0);
    CHECK_EQ(type(pg), PGT_writable_page);
    CHECK_EQ(nr_type_flushes, flushes + 2);
    put_page_type(pg);

    /* A descriptor page comes back unvalidated: its taker checks it. */
    CHECK_EQ(get_page_type(pg, PGT_seg_desc_page), 0);
    CHECK_EQ(pg->u.inuse.type_info, PGT_seg_desc_page | 1);
    CHECK_EQ(get_page_type(pg, PGT_seg_desc_page), -EAGAIN);
    page_type_set_validated(pg);
    CHECK_EQ(get_page_type(pg, PGT_seg_desc_page), 0);
    put_page_type(pg);
    put_page_type(pg);
    CHECK_EQ(pg->u.inuse.type_info, PGT_seg_desc_page);

    pg->u.inuse.type_info = PGT_writable_page | PGT_validated | PGT_count_mask;
    CHECK_EQ(get_page_type(pg, PGT_writable_page), -EOVERFLOW);
    pg->u.inuse.type_info = 0;
    victim = pg;
    CHECK(harness_panics(put_victim_type));      /* no type reference */

    put_page(pg);
    put_page(pg);
    put_page(pg);
    CHECK_EQ(pg->count_info & ~PGC_page_table, PGC_allocated | 1);
    finish(d);
}

TEST(get_and_type_undoes_the_general_reference)
{
    struct domain *d = (machine_up(), new_domain(1, 8));
    struct page_info *pg = alloc_domain_pages(d, 0, 0);

    CHECK(get_page_and_type(pg, d, PGT_l2_page_table));
    CHECK(pg->u.inuse.type_info & PGT_validated);
    CHECK(!get_page_and_type(pg, d, PGT_writable_page));
    CHECK_EQ(count(pg), 2);
    put_page_and_type(pg);
    CHECK_EQ(count(pg), 1);
    CHECK_EQ(tcount(pg), 0);
    finish(d);
}

TEST(guest_page_rw_rules)
{
    struct domain *d = (machine_up(), new_domain(1, 8)), *e = new_domain(2, 8);
    struct page_info *pg = alloc_domain_pages(d, 0, 0);
    struct page_info *pt = alloc_domain_pages(d, 0, 0);
    struct page_info *got;
    unsigned long mfn = mfn_x(page_to_mfn(pg));

    got = get_guest_page_rw(d, mfn);
    CHECK(got == pg);
    CHECK_EQ(count(pg), 2);
    CHECK_EQ(pg->u.inuse.type_info, PGT_writable_page | PGT_validated | 1);
    CHECK(get_guest_page_rw(e, mfn) == NULL);    /* not e's */
    CHECK_EQ(count(pg), 2);
    put_guest_page_rw(got);
    CHECK_EQ(count(pg), 1);
    CHECK_EQ(tcount(pg), 0);

    /* A page table in use, a descriptor page in use: refused, no change. */
    CHECK(get_page_and_type(pt, d, PGT_l1_page_table));
    CHECK(get_guest_page_rw(d, mfn_x(page_to_mfn(pt))) == NULL);
    CHECK_EQ(count(pt), 2);
    CHECK_EQ(tcount(pt), 1);
    put_page_and_type(pt);
    CHECK(get_page_and_type(pt, d, PGT_seg_desc_page));
    page_type_set_validated(pt);
    CHECK(get_guest_page_rw(d, mfn_x(page_to_mfn(pt))) == NULL);
    put_page_and_type(pt);

    /* Not RAM, beyond the machine, free. */
    CHECK(get_guest_page_rw(d, 0x10) == NULL);
    CHECK(get_guest_page_rw(d, SIM_FRAMES + 5) == NULL);
    CHECK(get_guest_page_rw(d, ~0ul) == NULL);
    release(e);
    finish(d);
}

TEST(shared_info_is_a_pinned_writable_xen_page)
{
    struct domain *d = (machine_up(), new_domain(3, 8));
    struct page_info *pg;

    CHECK_EQ(pv_domain_alloc_shared_info(d), 0);
    pg = virt_to_page(d->shared_info);
    CHECK_EQ(pg->count_info, PGC_xen_heap | PGC_allocated | 1);
    CHECK_EQ(pg->u.inuse.type_info, PGT_writable_page | PGT_validated | 1);
    CHECK(page_get_owner(pg) == d);
    CHECK_EQ(d->tot_pages, 0);                   /* not accounted */
    CHECK(page_list_empty(&d->page_list));
    CHECK_EQ(d->shared_info->vcpu_info[5].evtchn_upcall_mask, 0);  /* zeroed */

    /* The guest maps it writable; it can never become a page table. */
    CHECK(get_page_and_type(pg, d, PGT_writable_page));
    CHECK(!get_page_and_type(pg, d, PGT_l1_page_table));
    put_page_and_type(pg);
    CHECK_EQ(get_guest_page_rw(d, mfn_x(page_to_mfn(pg))), pg);
    put_guest_page_rw(pg);

    pv_domain_free_shared_info(d);
    CHECK(d->shared_info == NULL);
    CHECK(page_state_is(pg, free));
    pv_domain_free_shared_info(d);               /* nothing left: no-op */
    finish(d);
}

TEST(shared_info_still_mapped_stays_until_unmapped)
{
    struct domain *d = (machine_up(), new_domain(3, 8));
    struct page_info *pg;

    CHECK_EQ(pv_domain_alloc_shared_info(d), 0);
    pg = virt_to_page(d->shared_info);
    CHECK(get_page(pg, d));
    pv_domain_free_shared_info(d);
    CHECK_LOG("shared_info still has 1 references");
    CHECK(!page_state_is(pg, free));
    put_page(pg);
    CHECK(page_state_is(pg, free));
    finish(d);
}

TEST(relinquish_drops_every_use_and_frees_everything)
{
    struct domain *d = (machine_up(), new_domain(4, 64));
    struct page_info *pg = alloc_domain_pages(d, 4, 0);   /* 16 pages */
    intpte_t *l1 = page_to_virt(&pg[1]);
    unsigned int i;

    for ( i = 0; i < 16; i++ )
        set_gpfn_from_mfn(page_to_mfn(&pg[i]), i);
    /* A writable mapping; an L1 mapping pages 4 (writable) and 5, pinned;
     * a page given back but still mapped by that L1. */
    CHECK(get_page_and_type(&pg[0], d, PGT_writable_page));
    l1[0] = page_to_maddr(&pg[4]) | _PAGE_PRESENT | _PAGE_RW;
    l1[1] = page_to_maddr(&pg[5]) | _PAGE_PRESENT;
    CHECK(get_page_and_type(&pg[1], d, PGT_l1_page_table));
    CHECK(page_type_set_pinned(&pg[1]));
    CHECK_EQ(count(&pg[4]), 2);
    CHECK_EQ(tcount(&pg[4]), 1);
    pg[5].count_info &= ~PGC_allocated;          /* given back */
    put_page(&pg[5]);
    CHECK_EQ(count(&pg[5]), 1);

    d->is_dying = DOMDYING_dying;
    CHECK_EQ(domain_relinquish_memory(d), 0);
    /* Page 0's mapping (another domain's, say) outlives d: ownerless, it
     * goes when that last reference does. */
    CHECK_LOG("still has 1 references: freed when they go");
    CHECK(!page_state_is(&pg[0], free));
    CHECK(page_get_owner(&pg[0]) == NULL);
    put_page_and_type(&pg[0]);
    for ( i = 0; i < 16; i++ )
    {
        CHECK(page_state_is(&pg[i], free));
        CHECK_EQ(get_gpfn_from_mfn(page_to_mfn(&pg[i])), INVALID_M2P_ENTRY);
    }
    CHECK_LOG("d4: 16 pages relinquished (1 page or descriptor tables among them)");
    finish(d);
}
