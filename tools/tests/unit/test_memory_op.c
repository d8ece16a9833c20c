/*
 * test_memory_op.c: memory_op (xen/common/memory.c, with the x86 sub-ops of
 * xen/arch/x86/mm/memory_x86.c) on a simulated machine.
 *
 * The machine is test_domain_page's: 64 MiB of RAM behind
 * host_test_directmap, a frame table of its own, the real heap
 * (page_alloc.c) and the real domain memory code (domain_page.c), so pages
 * really come and go, and every case ends by checking that the heap has
 * all its pages back and every domain reference taken was put.
 *
 * What this file supplies in place of the rest of the hypervisor:
 *   - current (a vCPU of whichever domain makes the call: as(d)) and the
 *     domain lookups (a small table, with counted references);
 *   - guest memory: host memory, with the PV address-space rules of
 *     usercopy.c (nothing in the non-canonical gap or the hypervisor's
 *     hole) and one unmapped page (unmapped_page) where copies fault;
 *     copies refused for being outside guest space are counted
 *     (bad_copies), so a case can show nothing even tried to reach there;
 *   - continuations under test control (preempt_after);
 *   - the M2P (an array), mfn_valid(), the boot memory map, paddr_bits,
 *     the M2P's chunk frames (xen_va_to_mfn()).
 *
 * Guest frame numbers are machine frames (PV). Arrays the "guest" passes
 * are static host arrays.
 */
#include <asm/bootinfo.h>
#include <asm/config.h>
#include <asm/m2p.h>
#include <asm/mm.h>
#include <asm/pgtable.h>
#include <asm/pv/hypercall.h>
#include <asm/pv/mm.h>
#include <xen/domain_page.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/page_list.h>
#include <xen/sched.h>
#include <public/memory.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "harness.h"

void stub_spin_release_all(void);

#define SIM_BYTES  (64ul << 20)
#define SIM_FRAMES (SIM_BYTES >> PAGE_SHIFT)
#define RAM_START  (1ul << 20)

#define MEMOP_SHIFT 6                   /* cmd[63:6]: start_extent */
#define INC XENMEM_increase_reservation
#define DEC XENMEM_decrease_reservation
#define POP XENMEM_populate_physmap

/* ---- The machine ---- */

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

struct boot_info boot_info;
unsigned int paddr_bits = 40;
bool cpu_has_page1gb;
struct domain *hardware_domain;

/* The M2P's 2 MiB chunks (RDWR_MPT_VIRT_START + i * 2 MiB): their frames. */
static unsigned long m2p_chunk_mfn[4];

mfn_t xen_va_to_mfn(unsigned long va)
{
    unsigned long i = (va - RDWR_MPT_VIRT_START) >> L2_PAGETABLE_SHIFT;

    if ( va < RDWR_MPT_VIRT_START || i >= ARRAY_SIZE(m2p_chunk_mfn) ||
         !m2p_chunk_mfn[i] )
        return INVALID_MFN;
    return _mfn(m2p_chunk_mfn[i] + ((va >> PAGE_SHIFT) & 511));
}

/* No page tables here: domain_page.c's hooks into pv/ must not run. */
int pv_validate_table(struct page_info *pg, unsigned int level,
                      unsigned int flags)
{
    BUG();
}

int pv_devalidate_table(struct page_info *pg, unsigned int level,
                        unsigned int flags)
{
    BUG();
}

void pv_type_change_flush(struct page_info *pg, unsigned long old_type)
{
}

/* ---- Guest memory ---- */

#define CANONICAL_LOW_END 0x0000800000000000ul

static unsigned char *unmapped_page;    /* copies touching it fault */
static unsigned int bad_copies;         /* refused: not guest space */

bool guest_range_ok(unsigned long va, unsigned long len)
{
    unsigned long end = va + len;

    if ( end < va )
        return false;
    if ( va < CANONICAL_LOW_END )
        return end <= CANONICAL_LOW_END;
    return va >= HYPERVISOR_VIRT_END;
}

static bool copy_faults(const void *p, unsigned long len)
{
    unsigned long a = (unsigned long)p, u = (unsigned long)unmapped_page;

    if ( !guest_range_ok(a, len) )
    {
        bad_copies++;
        return true;
    }
    return a < PAGE_SIZE || (a < u + PAGE_SIZE && a + len > u);
}

unsigned long raw_copy_from_guest(void *to, const void *from, unsigned long len)
{
    if ( copy_faults(from, len) )
        return len;
    memcpy(to, from, len);
    return 0;
}

unsigned long raw_copy_to_guest(void *to, const void *from, unsigned long len)
{
    if ( copy_faults(to, len) )
        return len;
    memcpy(to, from, len);
    return 0;
}

unsigned long raw_clear_guest(void *to, unsigned long len)
{
    if ( copy_faults(to, len) )
        return len;
    memset(to, 0, len);
    return 0;
}

/* ---- Continuations ---- */

static int preempt_after = -1;          /* true on this many-th check */
static unsigned int nr_continuations;
static unsigned long cont_cmd;
static void *cont_arg;
#define CONTINUATION_RC 0x7e57

bool hypercall_preempt_check(void)
{
    if ( preempt_after < 0 )
        return false;
    return preempt_after-- == 0;
}

long hypercall_create_continuation(unsigned int op, const char *fmt, ...)
{
    va_list ap;

    CHECK_EQ(op, __HYPERVISOR_memory_op);
    CHECK_STREQ(fmt, "lh");
    va_start(ap, fmt);
    cont_cmd = va_arg(ap, unsigned long);
    cont_arg = va_arg(ap, void *);
    va_end(ap);
    nr_continuations++;
    return CONTINUATION_RC;
}

/* ---- Domains and current ---- */

#define MAX_DOMS 4
static struct domain *doms[MAX_DOMS];
static int refs[MAX_DOMS];
static struct vcpu cur_vcpu;

static int dom_slot(const struct domain *d)
{
    int i;

    for ( i = 0; i < MAX_DOMS; i++ )
        if ( doms[i] == d )
            return i;
    BUG();
}

bool get_domain(struct domain *d)
{
    refs[dom_slot(d)]++;
    return true;
}

void put_domain(struct domain *d)
{
    int i = dom_slot(d);

    BUG_ON(refs[i] <= 0);
    refs[i]--;
}

struct domain *get_domain_by_id(domid_t id)
{
    int i;

    for ( i = 0; i < MAX_DOMS; i++ )
        if ( doms[i] && doms[i]->domain_id == id )
        {
            refs[i]++;
            return doms[i];
        }
    return NULL;
}

struct vcpu *get_current(void)
{
    return &cur_vcpu;
}

void set_current(struct vcpu *v)
{
    cur_vcpu = *v;
}

/* The next memory_op is d's. */
static void as(struct domain *d)
{
    cur_vcpu.domain = d;
}

static unsigned long free_at_start;

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
        unmapped_page = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
        if ( host_test_directmap == MAP_FAILED || !frame_table ||
             !unmapped_page )
        {
            perror("test_memory_op: machine");
            exit(2);
        }
        init_boot_pages(RAM_START, SIM_BYTES);
        end_boot_allocator();
        memset(m2p, 0xff, sizeof(m2p));
        up = true;
    }
    preempt_after = -1;
    nr_continuations = 0;
    bad_copies = 0;
    hardware_domain = NULL;
    free_at_start = total_free_pages();
}

/* A PV domain with shared_info; a privileged one is the hardware domain. */
static struct domain *new_domain(domid_t id, unsigned long max_pages,
                                 bool privileged)
{
    unsigned int order = get_order_from_bytes(sizeof(struct domain));
    struct domain *d = alloc_xenheap_pages(order, 0);
    int i;

    BUG_ON(!d);
    memset(d, 0, sizeof(*d));
    d->domain_id = id;
    d->max_pages = max_pages;
    d->is_privileged = privileged;
    domain_memory_init(d);
    BUG_ON(pv_domain_alloc_shared_info(d));
    if ( privileged )
        hardware_domain = d;
    for ( i = 0; i < MAX_DOMS && doms[i]; i++ )
        continue;
    BUG_ON(i == MAX_DOMS);
    doms[i] = d;
    refs[i] = 0;
    return d;
}

/* d dies: every page goes back; every reference taken was put. */
static void release(struct domain *d)
{
    int i = dom_slot(d);

    CHECK_EQ(refs[i], 0);
    doms[i] = NULL;
    d->is_dying = DOMDYING_dying;
    pv_domain_free_shared_info(d);
    CHECK_EQ(domain_relinquish_memory(d), 0);
    CHECK_EQ(d->tot_pages, 0);
    free_xenheap_pages(d, get_order_from_bytes(sizeof(struct domain)));
}

/* The case's domains are gone: the heap is as it was. */
static void finish(void)
{
    CHECK_EQ(total_free_pages(), free_at_start);
    CHECK_EQ(bad_copies, 0);
}

/* ---- Calls ---- */

static long memop(unsigned long cmd, void *arg)
{
    return do_memory_op(cmd, (XEN_GUEST_HANDLE_PARAM(void)){ arg });
}

static struct xen_memory_reservation resv_arg;

static long resv(unsigned long cmd, xen_pfn_t *list, unsigned long nr,
                 unsigned int order, uint32_t flags, domid_t dom)
{
    memset(&resv_arg, 0, sizeof(resv_arg));
    set_xen_guest_handle(resv_arg.extent_start, list);
    resv_arg.nr_extents = nr;
    resv_arg.extent_order = order;
    resv_arg.mem_flags = flags;
    resv_arg.domid = dom;
    return memop(cmd, &resv_arg);
}

static long query(unsigned int op, domid_t dom)
{
    static domid_t id;

    id = dom;
    return memop(op, &id);
}

static struct page_info *pg_of(xen_pfn_t mfn)
{
    return mfn_to_page(_mfn(mfn));
}

static unsigned long count(xen_pfn_t mfn)
{
    return pg_of(mfn)->count_info & PGC_count_mask;
}

static bool allocated_to(xen_pfn_t mfn, const struct domain *d)
{
    const struct page_info *pg = pg_of(mfn);

    return page_state_is(pg, inuse) && page_get_owner(pg) == d &&
           (pg->count_info & PGC_allocated) && count(mfn) >= 1;
}

/* Freed to the heap, and marked to be scrubbed before any reuse. */
static bool freed_dirty(xen_pfn_t mfn)
{
    const struct page_info *pg = pg_of(mfn);

    return page_state_is(pg, free) && pg->u.free.need_scrub;
}

static bool on_list(const struct domain *d, xen_pfn_t mfn)
{
    const struct page_info *pg;

    page_list_for_each ( pg, &d->page_list )
        if ( mfn_x(page_to_mfn(pg)) == mfn )
            return true;
    return false;
}

/* n single pages for d (increase_reservation), frames into l. */
static void give(struct domain *d, xen_pfn_t *l, unsigned int n)
{
    as(d);
    CHECK_EQ(resv(INC, l, n, 0, 0, DOMID_SELF), n);
}

/* ---- Sizes ---- */

TEST(size_queries)
{
    struct domain *d0, *d1, *d2;

    machine_up();
    d0 = new_domain(0, 64, true);
    d1 = new_domain(1, 32, false);
    d2 = new_domain(2, 16, false);

    as(d1);
    CHECK_EQ(memop(XENMEM_maximum_ram_page, NULL), max_page);
    CHECK_EQ(memop(XENMEM_maximum_ram_page | (1 << MEMOP_SHIFT), NULL),
             -EINVAL);
    CHECK_EQ(query(XENMEM_current_reservation, DOMID_SELF), 0);
    CHECK_EQ(query(XENMEM_maximum_reservation, DOMID_SELF), 32);
    CHECK_EQ(query(XENMEM_maximum_reservation, 1), 32);
    CHECK_EQ(query(XENMEM_maximum_gpfn, DOMID_SELF), 0);
    d1->shared_info->arch.max_pfn = 0x1234;         /* the guest's p2m size */
    CHECK_EQ(query(XENMEM_maximum_gpfn, DOMID_SELF), 0x1233);
    CHECK_EQ(query(XENMEM_maximum_reservation, 2), -EPERM);   /* not its own */
    CHECK_EQ(query(XENMEM_current_reservation, 7), -ESRCH);
    CHECK_EQ(query(XENMEM_current_reservation, DOMID_IO), -ESRCH);
    CHECK_EQ(memop(XENMEM_current_reservation, (void *)8), -EFAULT);
    CHECK_EQ(memop(XENMEM_current_reservation | (3 << MEMOP_SHIFT), NULL),
             -EINVAL);

    as(d0);                                         /* privileged */
    CHECK_EQ(query(XENMEM_maximum_reservation, 2), 16);
    CHECK_EQ(query(XENMEM_maximum_gpfn, 1), 0x1233);
    give(d2, (xen_pfn_t[3]){ 0 }, 3);
    as(d0);
    CHECK_EQ(query(XENMEM_current_reservation, 2), 3);

    release(d2);
    release(d1);
    release(d0);
    finish();
}

/* ---- increase / populate ---- */

TEST(increase_reports_frames_and_keeps_max_pages)
{
    static xen_pfn_t l[8];
    struct domain *d;
    unsigned int i;

    machine_up();
    d = new_domain(1, 6, false);
    as(d);
    memset(l, 0, sizeof(l));
    CHECK_EQ(resv(INC, l, 4, 0, 0, DOMID_SELF), 4);
    for ( i = 0; i < 4; i++ )
    {
        CHECK(allocated_to(l[i], d));
        CHECK_EQ(pg_of(l[i])->count_info, PGC_allocated | 1);
        CHECK_EQ(m2p[l[i]], INVALID_M2P_ENTRY);
        CHECK(on_list(d, l[i]));
    }
    CHECK_EQ(d->tot_pages, 4);

    /* max_pages: partial progress is the return value. */
    CHECK_EQ(resv(INC, l + 4, 4, 0, 0, DOMID_SELF), 2);
    CHECK_EQ(d->tot_pages, 6);
    CHECK(allocated_to(l[5], d));
    CHECK_EQ(resv(INC, NULL, 1, 0, 0, DOMID_SELF), 0);

    /* Nothing to do, or nowhere to start. */
    CHECK_EQ(resv(INC, l, 0, 0, 0, DOMID_SELF), 0);
    CHECK_EQ(resv(INC | (3 << MEMOP_SHIFT), l, 2, 0, 0, DOMID_SELF), 3);
    CHECK_EQ(d->tot_pages, 6);
    release(d);
    finish();
}

TEST(increase_limits_and_errors)
{
    static xen_pfn_t l[4];
    struct domain *d0, *d1, *d2;

    machine_up();
    d0 = new_domain(0, 1u << 19, true);
    d1 = new_domain(1, 1u << 12, false);
    d2 = new_domain(2, 16, false);

    as(d1);
    CHECK_EQ(resv(INC, l, 1, 9, 0, DOMID_SELF), 1);
    CHECK_EQ(d1->tot_pages, 512);
    CHECK_EQ(l[0] & 511, 0);                    /* naturally aligned */
    CHECK_EQ(resv(INC, l, 1, 10, 0, DOMID_SELF), 0);
    CHECK_EQ(d1->tot_pages, 512);
    /* Another domain: only for a privileged caller. */
    CHECK_EQ(resv(INC, l, 1, 0, 0, 2), 0);
    CHECK_EQ(d2->tot_pages, 0);
    /* Unknown domain, unreadable argument, unusable array. */
    CHECK_EQ(resv(INC, l, 1, 0, 0, 9), 0);
    CHECK_EQ(memop(XENMEM_increase_reservation, (void *)8), 0);
    CHECK_EQ(memop(INC | (5 << MEMOP_SHIFT), (void *)8), 5);
    CHECK_EQ(resv(INC, (xen_pfn_t *)HYPERVISOR_VIRT_START,
                  1, 0, 0, DOMID_SELF), 0);
    CHECK_EQ(bad_copies, 0);        /* refused by the check, never tried */
    /* More extents than a continuation can encode. */
    CHECK_EQ(resv(INC, NULL, 1ul << 26, 0, 0, DOMID_SELF), 0);
    CHECK_EQ(d1->tot_pages, 512);
    /* A frame that cannot be reported: the extent is the domain's anyway. */
    CHECK_EQ(resv(INC, (xen_pfn_t *)unmapped_page, 1, 0, 0, DOMID_SELF), 0);
    CHECK_EQ(d1->tot_pages, 513);

    as(d0);
    CHECK_EQ(resv(INC, l, 1, 0, 0, 2), 1);
    CHECK(allocated_to(l[0], d2));
    /* Order 18 is allowed (this machine has no 1 GiB block: it is tried
     * and fails); order 19 is not even tried. */
    harness_log_clear();
    CHECK_EQ(resv(INC, l, 1, 18, 0, DOMID_SELF), 0);
    CHECK_LOG("could not allocate an order-18 extent");
    harness_log_clear();
    CHECK_EQ(resv(INC, l, 1, 19, 0, DOMID_SELF), 0);
    CHECK(!harness_log_contains("could not allocate"));
    CHECK_EQ(d0->tot_pages, 0);

    release(d2);
    release(d1);
    release(d0);
    finish();
}

TEST(increase_mem_flags)
{
    static xen_pfn_t l[2];
    struct domain *d0, *d1;

    machine_up();
    d0 = new_domain(0, 64, true);
    d1 = new_domain(1, 64, false);

    as(d1);
    CHECK_EQ(resv(INC, l, 1, 0, XENMEMF_address_bits(12), DOMID_SELF), 0);
    CHECK_EQ(resv(INC, l, 1, 0, XENMEMF_address_bits(22), DOMID_SELF), 1);
    CHECK(l[0] < (1ul << (22 - PAGE_SHIFT)));          /* below 4 MiB */
    CHECK_EQ(resv(INC, l, 1, 0, XENMEMF_address_bits(26),
                  DOMID_SELF), 1);                     /* covers it all */
    CHECK(l[0] >= (1ul << (22 - PAGE_SHIFT)));
    /* A guest's node is a hint; an exact one is refused. */
    CHECK_EQ(resv(INC, l, 1, 0, XENMEMF_node(3), DOMID_SELF), 1);
    CHECK_EQ(resv(INC, l, 1, 0, XENMEMF_exact_node(0), DOMID_SELF), 0);
    CHECK_EQ(resv(INC, l, 1, 0,
                  XENMEMF_vnode | XENMEMF_exact_node(3), DOMID_SELF), 1);
    CHECK_EQ(d1->tot_pages, 4);

    as(d0);
    CHECK_EQ(resv(INC, l, 1, 0, XENMEMF_exact_node(0), DOMID_SELF), 1);
    CHECK_EQ(resv(INC, l, 1, 0, XENMEMF_exact_node(3),
                  DOMID_SELF), 0);             /* there is no node 3 */
    CHECK_EQ(resv(INC, l, 1, 0, XENMEMF_node(63), DOMID_SELF), 1);
    CHECK_EQ(resv(INC, l, 1, 0, XENMEMF_node(64), DOMID_SELF), 0);
    CHECK_EQ(d0->tot_pages, 2);

    release(d1);
    release(d0);
    finish();
}

TEST(populate_records_the_m2p)
{
    static xen_pfn_t l[4];
    struct domain *d0, *d1;

    machine_up();
    d0 = new_domain(0, 64, true);
    d1 = new_domain(1, 64, false);

    as(d1);
    l[0] = 0x123456;
    l[1] = 0x777;
    CHECK_EQ(resv(POP, l, 2, 0, 0, DOMID_SELF), 2);
    CHECK(allocated_to(l[0], d1) && allocated_to(l[1], d1));
    CHECK_EQ(m2p[l[0]], 0x123456);
    CHECK_EQ(m2p[l[1]], 0x777);
    l[0] = 0x3000;
    CHECK_EQ(resv(POP, l, 1, 1, 0, DOMID_SELF), 1);
    CHECK_EQ(m2p[l[0]], 0x3000);
    CHECK_EQ(m2p[l[0] + 1], 0x3001);
    CHECK(allocated_to(l[0] + 1, d1));
    CHECK_EQ(d1->tot_pages, 4);

    /* No list, an unreadable one, populate-on-demand on oneself. */
    CHECK_EQ(resv(POP, NULL, 1, 0, 0, DOMID_SELF), 0);
    CHECK_EQ(resv(POP, (xen_pfn_t *)unmapped_page, 1, 0, 0, DOMID_SELF), 0);
    CHECK_EQ(resv(POP, l, 1, 0, XENMEMF_populate_on_demand, DOMID_SELF), 0);
    CHECK_EQ(resv(POP, l, 1, 10, 0, DOMID_SELF), 0);
    CHECK_EQ(d1->tot_pages, 4);

    /* The privileged domain fills another; PoD there is a no-op for PV. */
    as(d0);
    l[0] = 0x42;
    CHECK_EQ(resv(POP, l, 1, 0, 0, 1), 1);
    CHECK(allocated_to(l[0], d1));
    CHECK_EQ(m2p[l[0]], 0x42);
    CHECK_EQ(resv(POP, l, 2, 0, XENMEMF_populate_on_demand, 1), 2);
    CHECK_EQ(d1->tot_pages, 5);

    release(d1);
    release(d0);
    finish();
}

/* ---- decrease ---- */

TEST(decrease_frees_and_every_freed_page_is_scrubbed)
{
    static xen_pfn_t l[16], again[64];
    struct domain *d;
    unsigned int i, j, reused = 0;

    machine_up();
    d = new_domain(1, 128, false);
    as(d);
    for ( i = 0; i < 16; i++ )
        l[i] = 0x100 + i;
    CHECK_EQ(resv(POP, l, 16, 0, 0, DOMID_SELF), 16);
    for ( i = 0; i < 16; i++ )
        memset(mfn_to_virt(_mfn(l[i])), 0xa5, PAGE_SIZE);  /* guest data */

    CHECK_EQ(resv(DEC, l, 16, 0, 0, DOMID_SELF), 16);
    CHECK_EQ(d->tot_pages, 0);
    for ( i = 0; i < 16; i++ )
    {
        CHECK(freed_dirty(l[i]));
        CHECK_EQ(m2p[l[i]], INVALID_M2P_ENTRY);
        CHECK(!on_list(d, l[i]));
    }

    /* Whoever gets memory next gets it zeroed, those frames included. */
    CHECK_EQ(resv(INC, again, 64, 0, 0, DOMID_SELF), 64);
    for ( i = 0; i < 64; i++ )
    {
        const unsigned char *p = mfn_to_virt(_mfn(again[i]));

        for ( j = 0; j < PAGE_SIZE && !p[j]; j++ )
            continue;
        CHECK_EQ(j, PAGE_SIZE);
        for ( j = 0; j < 16; j++ )
            reused += again[i] == l[j];
    }
    CHECK(reused > 0);              /* the test did look at reused frames */

    /* And the idle scrubber overwrites what was given back. */
    for ( i = 0; i < 16; i++ )
        memset(mfn_to_virt(_mfn(again[i])), 0x5a, PAGE_SIZE);
    CHECK_EQ(resv(DEC, again, 16, 0, 0, DOMID_SELF), 16);
    while ( scrub_free_pages() )
        continue;
    for ( i = 0; i < 16; i++ )
    {
        const unsigned char *p = mfn_to_virt(_mfn(again[i]));

        CHECK(!pg_of(again[i])->u.free.need_scrub);
        CHECK(p[0] != 0x5a && p[PAGE_SIZE - 1] != 0x5a);
    }
    release(d);
    finish();
}

TEST(decrease_keeps_a_referenced_page_until_its_last_user)
{
    static xen_pfn_t l[2];
    struct domain *d;

    machine_up();
    d = new_domain(1, 8, false);
    give(d, l, 2);
    CHECK(get_page(pg_of(l[0]), d));            /* say, a mapping */

    CHECK_EQ(resv(DEC, l, 1, 0, 0, DOMID_SELF), 1);
    CHECK_EQ(pg_of(l[0])->count_info & (PGC_allocated | PGC_count_mask), 1);
    CHECK(page_get_owner(pg_of(l[0])) == d);
    CHECK_EQ(d->tot_pages, 2);                  /* still d's */
    /* Given back again while still referenced: done, nothing changes. */
    CHECK_EQ(resv(DEC, l, 1, 0, 0, DOMID_SELF), 1);
    CHECK_EQ(count(l[0]), 1);

    put_page(pg_of(l[0]));                      /* the last user lets go */
    CHECK(freed_dirty(l[0]));
    CHECK_EQ(d->tot_pages, 1);
    CHECK_EQ(resv(DEC, l, 1, 0, 0, DOMID_SELF), 0);
    release(d);
    finish();
}

TEST(decrease_errors_and_partial_extents)
{
    static xen_pfn_t l[4], theirs[1];
    struct domain *d1, *d2;
    xen_pfn_t pair;

    machine_up();
    d1 = new_domain(1, 8, false);
    d2 = new_domain(2, 8, false);
    give(d2, theirs, 1);
    as(d1);
    CHECK_EQ(resv(INC, &pair, 1, 1, 0, DOMID_SELF), 1);

    l[0] = 0xfffffffff;                          /* not RAM */
    CHECK_EQ(resv(DEC, l, 1, 0, 0, DOMID_SELF), 0);
    l[0] = theirs[0];                            /* not d1's */
    CHECK_EQ(resv(DEC, l, 1, 0, 0, DOMID_SELF), 0);
    CHECK(allocated_to(theirs[0], d2));
    CHECK_EQ(resv(DEC, l, 1, 0, 0, 2), 0);      /* not allowed */
    CHECK(allocated_to(theirs[0], d2));
    CHECK_EQ(resv(DEC, NULL, 1, 0, 0, DOMID_SELF), 0);
    CHECK_EQ(resv(DEC, l, 1, 10, 0, DOMID_SELF), 0);

    /* An order-1 extent whose second frame is not d1's any more: the
     * first frame goes, the extent does not count. */
    l[0] = pair + 1;
    CHECK_EQ(resv(DEC, l, 1, 0, 0, DOMID_SELF), 1);
    CHECK(freed_dirty(pair + 1));
    l[0] = pair;
    CHECK_EQ(resv(DEC, l, 1, 1, 0, DOMID_SELF), 0);
    CHECK(freed_dirty(pair));
    CHECK_EQ(d1->tot_pages, 0);

    release(d2);
    release(d1);
    finish();
}

TEST(decrease_start_extent_and_the_shared_info_page)
{
    static xen_pfn_t l[4];
    struct domain *d;
    xen_pfn_t si;

    machine_up();
    d = new_domain(1, 8, false);
    give(d, l, 4);
    /* Extents 2 and 3 only (a continuation's view). */
    CHECK_EQ(resv(DEC | (2 << MEMOP_SHIFT), l, 4, 0, 0, DOMID_SELF), 4);
    CHECK(allocated_to(l[0], d) && allocated_to(l[1], d));
    CHECK(freed_dirty(l[2]) && freed_dirty(l[3]));
    CHECK_EQ(resv(DEC | (9 << MEMOP_SHIFT), l, 4, 0, 0, DOMID_SELF), 9);

    /* shared_info is a Xen heap page: "given back", but never freed. */
    si = mfn_x(virt_to_mfn(d->shared_info));
    l[0] = si;
    CHECK_EQ(resv(DEC, l, 1, 0, 0, DOMID_SELF), 1);
    CHECK(pg_of(si)->count_info & PGC_allocated);
    CHECK_EQ(count(si), 1);
    CHECK(page_state_is(pg_of(si), inuse));
    release(d);
    finish();
}

/* ---- exchange ---- */

static struct xen_memory_exchange xch;
static xen_pfn_t xin[8], xout[8];

static void xsetup(unsigned long nin, unsigned int oin, unsigned long nout,
                   unsigned int oout)
{
    memset(&xch, 0, sizeof(xch));
    xch.in.nr_extents = nin;
    xch.in.extent_order = oin;
    xch.out.nr_extents = nout;
    xch.out.extent_order = oout;
    xch.in.domid = xch.out.domid = DOMID_SELF;
    set_xen_guest_handle(xch.in.extent_start, xin);
    set_xen_guest_handle(xch.out.extent_start, xout);
}

static long exchange(void)
{
    return memop(XENMEM_exchange, &xch);
}

TEST(exchange_swaps_pages)
{
    struct domain *d;
    xen_pfn_t in0, in1;

    machine_up();
    d = new_domain(1, 8, false);
    give(d, xin, 2);
    in0 = xin[0];
    in1 = xin[1];
    xout[0] = 0x4000;
    xsetup(2, 0, 1, 1);
    CHECK_EQ(exchange(), 0);
    CHECK_EQ(xch.nr_exchanged, 2);
    CHECK(freed_dirty(in0) && freed_dirty(in1));
    CHECK(xout[0] != 0x4000 && !(xout[0] & 1));
    CHECK(allocated_to(xout[0], d) && allocated_to(xout[0] + 1, d));
    CHECK_EQ(pg_of(xout[0] + 1)->count_info, PGC_allocated | 1);
    CHECK(on_list(d, xout[0]) && on_list(d, xout[0] + 1));
    CHECK_EQ(m2p[xout[0]], 0x4000);
    CHECK_EQ(m2p[xout[0] + 1], 0x4001);
    CHECK_EQ(d->tot_pages, 2);

    /* Back again: one order-1 extent for two single pages. */
    xin[0] = xout[0];
    xout[0] = 0x10;
    xout[1] = 0x20;
    xsetup(1, 1, 2, 0);
    CHECK_EQ(exchange(), 0);
    CHECK_EQ(xch.nr_exchanged, 1);
    CHECK(allocated_to(xout[0], d) && allocated_to(xout[1], d));
    CHECK_EQ(m2p[xout[1]], 0x20);
    CHECK_EQ(d->tot_pages, 2);

    /* An out width below 4 MiB is honoured. */
    xin[0] = xout[0];
    xsetup(1, 0, 1, 0);
    xch.out.mem_flags = XENMEMF_address_bits(22);
    CHECK_EQ(exchange(), 0);
    CHECK(xout[0] < (1ul << (22 - PAGE_SHIFT)));
    release(d);
    finish();
}

TEST(exchange_refuses_bad_shapes_before_touching_anything)
{
    struct domain *d0, *d1;

    machine_up();
    d0 = new_domain(0, 8, true);
    d1 = new_domain(1, 8, false);
    give(d1, xin, 2);

#define REFUSED(rc_) do {                                               \
        xch.nr_exchanged = 1;                                           \
        CHECK_EQ(exchange(), rc_);                                      \
        CHECK_EQ(xch.nr_exchanged, 1);      /* written back as it was */ \
        CHECK(allocated_to(xin[0], d1) && allocated_to(xin[1], d1));    \
        CHECK_EQ(d1->tot_pages, 2);                                     \
    } while ( 0 )

    xsetup(2, 0, 2, 1);                              /* 2 pages for 4 */
    REFUSED(-EINVAL);
    xsetup(2, 0, 1, 1);
    xch.out.domid = 0;                               /* not the same domain */
    REFUSED(-EINVAL);
    xsetup(1ul << 62, 3, 1ul << 62, 3);              /* sizes overflow */
    REFUSED(-EINVAL);
    xsetup(1, 10, 1, 10);                            /* order beyond 9 */
    REFUSED(-EPERM);
    xsetup(2, 0, 1, 1);
    set_xen_guest_handle(xch.in.extent_start,
                         (xen_pfn_t *)HYPERVISOR_VIRT_START);
    REFUSED(-EFAULT);
    xsetup(2, 0, 1, 1);
    set_xen_guest_handle(xch.out.extent_start,
                         (xen_pfn_t *)(HYPERVISOR_VIRT_END - 8));
    REFUSED(-EFAULT);
    xsetup(2, 0, 1, 1);
    xch.in.domid = xch.out.domid = 0;                /* not d1's to name */
    REFUSED(-EPERM);
    xsetup(2, 0, 1, 1);
    xch.in.domid = xch.out.domid = 7;
    REFUSED(-ESRCH);
    xsetup(2, 0, 1, 1);
    xch.out.mem_flags = XENMEMF_exact_node(0);       /* a domU may not */
    REFUSED(-EINVAL);

    xsetup(2, 0, 1, 1);
    xch.nr_exchanged = 3;                            /* beyond the end */
    CHECK_EQ(exchange(), -EINVAL);
    CHECK_EQ(xch.nr_exchanged, 3);
    xch.nr_exchanged = 2;                            /* all done already */
    CHECK_EQ(exchange(), 0);
    CHECK_EQ(memop(XENMEM_exchange | (1 << MEMOP_SHIFT), &xch), -EINVAL);
    CHECK_EQ(memop(XENMEM_exchange, (void *)8), -EFAULT);
    CHECK_EQ(d1->tot_pages, 2);

    /* The privileged domain may use order 18 and name d1; not order 19. */
    as(d0);
    xsetup(1, 19, 1, 19);
    CHECK_EQ(exchange(), -EPERM);
    xsetup(1, 18, 1, 18);
    xch.in.domid = xch.out.domid = 1;
    xin[0] = 0xfffffffff;
    CHECK_EQ(exchange(), -EINVAL);              /* it got to the frame */
    xsetup(1, 0, 1, 0);
    xch.out.mem_flags = XENMEMF_node(64);
    CHECK_EQ(exchange(), -EINVAL);
    CHECK_EQ(bad_copies, 0);
    release(d1);
    release(d0);
    finish();
}

/*
 * XSA-212: nr_exchanged chosen so that the out index lands in the
 * hypervisor while the in index is fine. Refused up front; no copy so much
 * as tries the hole; the in page is untouched.
 */
TEST(exchange_xsa212_shape)
{
    struct domain *d;
    unsigned long n;
    xen_pfn_t mine;

    machine_up();
    d = new_domain(1, 8, false);
    give(d, &mine, 1);
    n = (HYPERVISOR_VIRT_START + 0x30000000000ul - (unsigned long)xout) / 8;
    xsetup(0x1fffffffffffffff, 0, 0x1fffffffffffffff, 0);
    xch.nr_exchanged = n;
    /* in[n] is xin[0] */
    set_xen_guest_handle(xch.in.extent_start,
                         (xen_pfn_t *)((unsigned long)xin - n * 8));
    xin[0] = mine;
    CHECK_EQ(exchange(), -EFAULT);
    CHECK_EQ(xch.nr_exchanged, n);
    CHECK(allocated_to(mine, d));
    CHECK_EQ(count(mine), 1);
    CHECK_EQ(d->tot_pages, 1);
    CHECK_EQ(bad_copies, 0);

    /* The same on the in side. */
    xsetup(0x1fffffffffffffff, 0, 0x1fffffffffffffff, 0);
    xch.nr_exchanged = n;
    set_xen_guest_handle(xch.in.extent_start, xout);
    set_xen_guest_handle(xch.out.extent_start,
                         (xen_pfn_t *)((unsigned long)xin - n * 8));
    CHECK_EQ(exchange(), -EFAULT);
    CHECK(allocated_to(mine, d));
    CHECK_EQ(bad_copies, 0);
    release(d);
    finish();
}

TEST(exchange_is_all_or_nothing_per_chunk)
{
    struct domain *d;
    xen_pfn_t in[4];

    machine_up();
    d = new_domain(1, 16, false);
    give(d, in, 4);
    CHECK(get_page(pg_of(in[3]), d));           /* in use: cannot go */
    memcpy(xin, in, sizeof(in));
    xout[0] = 0x5000;
    xout[1] = 0x5002;
    xsetup(4, 0, 2, 1);
    CHECK_EQ(exchange(), -EINVAL);
    CHECK_EQ(xch.nr_exchanged, 2);              /* the first chunk only */
    CHECK(freed_dirty(in[0]) && freed_dirty(in[1]));
    CHECK(allocated_to(xout[0], d));
    CHECK_EQ(xout[1], 0x5002);                  /* not written */
    /* The second chunk's pages are d's exactly as before (in[2] was
     * taken, then given back when in[3] could not be). */
    CHECK_EQ(pg_of(in[2])->count_info, PGC_allocated | 1);
    CHECK_EQ(pg_of(in[3])->count_info, PGC_allocated | 2);
    CHECK(page_get_owner(pg_of(in[2])) == d);
    CHECK(on_list(d, in[3]) && on_list(d, in[2]));
    CHECK_EQ(d->tot_pages, 4);

    /* Once free, the exchange goes on from nr_exchanged. */
    put_page(pg_of(in[3]));
    CHECK_EQ(exchange(), 0);
    CHECK_EQ(xch.nr_exchanged, 4);
    CHECK(freed_dirty(in[2]) && freed_dirty(in[3]));
    CHECK(allocated_to(xout[1], d));
    CHECK_EQ(m2p[xout[1] + 1], 0x5003);
    CHECK_EQ(d->tot_pages, 4);

    /* The same frame twice in a chunk: the first steal is undone. */
    xin[0] = xin[1] = xout[1];
    xsetup(2, 0, 1, 1);
    m2p[xin[0]] = 0x77;
    CHECK_EQ(exchange(), -EINVAL);
    CHECK_EQ(xch.nr_exchanged, 0);
    CHECK_EQ(pg_of(xin[0])->count_info, PGC_allocated | 1);
    CHECK_EQ(pg_of(xin[0])->u.inuse.type_info, 0);
    CHECK(on_list(d, xin[0]));
    CHECK_EQ(m2p[xin[0]], 0x77);
    CHECK_EQ(d->tot_pages, 4);
    release(d);
    finish();
}

TEST(exchange_out_of_memory_gives_the_pages_back)
{
    struct domain *d;
    xen_pfn_t in[2];

    machine_up();
    d = new_domain(1, 8, false);
    give(d, in, 2);
    m2p[in[0]] = 0x99;
    memcpy(xin, in, sizeof(in));
    xsetup(2, 0, 2, 0);
    xch.out.mem_flags = XENMEMF_address_bits(12);    /* nothing is that low */
    CHECK_EQ(exchange(), -ENOMEM);
    CHECK_EQ(xch.nr_exchanged, 0);
    CHECK(allocated_to(in[0], d) && allocated_to(in[1], d));
    CHECK_EQ(pg_of(in[0])->count_info, PGC_allocated | 1);
    CHECK(on_list(d, in[0]) && on_list(d, in[1]));
    CHECK_EQ(m2p[in[0]], 0x99);
    CHECK_EQ(d->tot_pages, 2);
    /* And they can still be given back normally. */
    as(d);
    CHECK_EQ(resv(DEC, in, 2, 0, 0, DOMID_SELF), 2);
    release(d);
    finish();
}

TEST(exchange_with_an_unwritable_out_array)
{
    struct domain *d;
    xen_pfn_t in[2];

    machine_up();
    d = new_domain(1, 8, false);
    give(d, in, 2);
    memcpy(xin, in, sizeof(in));
    xsetup(2, 0, 1, 1);
    set_xen_guest_handle(xch.out.extent_start, (xen_pfn_t *)unmapped_page);
    /* As Xen: the chunk is done (the in pages are gone, the out extent is
     * d's) but the guest cannot be told: -EFAULT, nothing counted. */
    CHECK_EQ(exchange(), -EFAULT);
    CHECK_EQ(xch.nr_exchanged, 0);
    CHECK(freed_dirty(in[0]) && freed_dirty(in[1]));
    CHECK_EQ(d->tot_pages, 2);
    release(d);
    finish();
}

/* ---- continuations ---- */

TEST(long_arrays_continue)
{
    static xen_pfn_t l[64];
    struct domain *d;
    unsigned long cmd = XENMEM_populate_physmap;
    unsigned int i, rounds = 0;
    long rc;

    machine_up();
    d = new_domain(1, 128, false);
    as(d);
    for ( i = 0; i < 64; i++ )
        l[i] = 0x1000 + i;
    memset(&resv_arg, 0, sizeof(resv_arg));
    set_xen_guest_handle(resv_arg.extent_start, l);
    resv_arg.nr_extents = 64;
    resv_arg.domid = DOMID_SELF;
    for ( ; ; )
    {
        preempt_after = 9;                          /* 10 extents a call */
        rc = memop(cmd, &resv_arg);
        if ( rc != CONTINUATION_RC )
            break;
        CHECK((void *)cont_arg == &resv_arg);
        CHECK_EQ(cont_cmd & 63, XENMEM_populate_physmap);
        CHECK_EQ(cont_cmd >> MEMOP_SHIFT, (rounds + 1) * 10);
        cmd = cont_cmd;
        rounds++;
    }
    CHECK_EQ(rc, 64);
    CHECK_EQ(rounds, 6);
    CHECK_EQ(nr_continuations, 6);
    CHECK_EQ(d->tot_pages, 64);
    for ( i = 0; i < 64; i++ )
        CHECK_EQ(m2p[l[i]], 0x1000 + i);

    /* Decrease the same way: every extent exactly once. */
    cmd = XENMEM_decrease_reservation;
    resv_arg.nr_extents = 64;
    for ( rounds = 0; ; rounds++ )
    {
        preempt_after = 20;
        rc = memop(cmd, &resv_arg);
        if ( rc != CONTINUATION_RC )
            break;
        CHECK_EQ(cont_cmd >> MEMOP_SHIFT, (rounds + 1) * 21);
        cmd = cont_cmd;
    }
    CHECK_EQ(rc, 64);
    CHECK_EQ(rounds, 3);
    CHECK_EQ(d->tot_pages, 0);
    for ( i = 0; i < 64; i++ )
        CHECK(freed_dirty(l[i]));

    /* An exchange continues through nr_exchanged. */
    resv(INC, xin, 8, 0, 0, DOMID_SELF);
    CHECK_EQ(d->tot_pages, 8);
    xsetup(8, 0, 8, 0);
    preempt_after = 2;
    CHECK_EQ(exchange(), CONTINUATION_RC);
    CHECK_EQ(cont_cmd, XENMEM_exchange);
    CHECK((void *)cont_arg == &xch);
    CHECK_EQ(xch.nr_exchanged, 3);
    preempt_after = -1;
    CHECK_EQ(exchange(), 0);
    CHECK_EQ(xch.nr_exchanged, 8);
    CHECK_EQ(d->tot_pages, 8);
    for ( i = 0; i < 8; i++ )
        CHECK(allocated_to(xout[i], d));
    release(d);
    finish();
}

/* ---- The x86 ops ---- */

struct e820e {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));

static void set_boot_map(const struct boot_memmap_entry *m, unsigned int n)
{
    memcpy(boot_info.memmap, m, n * sizeof(*m));
    boot_info.nr_memmap = n;
}

/* QEMU's map with 512 MiB, as the reference hypervisor saw it. */
static const struct boot_memmap_entry qemu_map[] = {
    { 0x0, 0x9fc00, E820_RAM },
    { 0x9fc00, 0x400, E820_RESERVED },
    { 0xf0000, 0x10000, E820_RESERVED },
    { 0x100000, 0x1fee0000, E820_RAM },
    { 0x1ffe0000, 0x20000, E820_RESERVED },
    { 0xfffc0000, 0x40000, E820_RESERVED },
    { 0xfd00000000, 0x300000000, E820_RESERVED },
};

TEST(machine_memory_map_as_xen_reports_it)
{
    static struct e820e e[16];
    static struct xen_memory_map map;
    /* What Xen 4.17 returned to dom0 under QEMU (2 inserted entries). */
    static const struct e820e want[] = {
        { 0x0, 0x9fc00, 1 }, { 0x9fc00, 0x400, 2 }, { 0xf0000, 0x10000, 2 },
        { 0x100000, 0x1fee0000, 1 }, { 0x1ffe0000, 0x20000, 2 },
        { 0xfec00000, 0x1000, 2 }, { 0xfee00000, 0x100000, 2 },
        { 0xfffc0000, 0x40000, 2 }, { 0xfd00000000, 0x300000000, 2 },
    };
    /* The same, out of order, its big RAM range in two pieces. */
    static const struct boot_memmap_entry shuffled[] = {
        { 0x1100000, 0x1eee0000, E820_RAM },
        { 0xfd00000000, 0x300000000, E820_RESERVED },
        { 0xfffc0000, 0x40000, E820_RESERVED },
        { 0x1ffe0000, 0x20000, E820_RESERVED },
        { 0x100000, 0x1000000, E820_RAM },
        { 0xf0000, 0x10000, E820_RESERVED },
        { 0x9fc00, 0x400, E820_RESERVED },
        { 0x0, 0x9fc00, E820_RAM },
    };
    struct domain *d0, *d1;
    unsigned int i;

    machine_up();
    d0 = new_domain(0, 8, true);
    d1 = new_domain(1, 8, false);
    set_boot_map(qemu_map, ARRAY_SIZE(qemu_map));

    as(d0);
    map.nr_entries = 16;
    set_xen_guest_handle(map.buffer, e);
    CHECK_EQ(memop(XENMEM_machine_memory_map, &map), 0);
    CHECK_EQ(map.nr_entries, ARRAY_SIZE(want));
    CHECK(!memcmp(e, want, sizeof(want)));

    /* Room: one more than it gets (Xen's quirk). */
    for ( i = 1; i <= ARRAY_SIZE(want); i++ )
    {
        map.nr_entries = i;
        CHECK_EQ(memop(XENMEM_machine_memory_map, &map), -EINVAL);
    }
    map.nr_entries = ARRAY_SIZE(want) + 1;
    CHECK_EQ(memop(XENMEM_machine_memory_map, &map), 0);
    /* Counting only. */
    map.nr_entries = 0;
    set_xen_guest_handle(map.buffer, NULL);
    CHECK_EQ(memop(XENMEM_machine_memory_map, &map), 0);
    CHECK_EQ(map.nr_entries, ARRAY_SIZE(want));
    /* A buffer that faults where an inserted entry goes. */
    map.nr_entries = 16;
    set_xen_guest_handle(map.buffer, unmapped_page);
    CHECK_EQ(memop(XENMEM_machine_memory_map, &map), -EFAULT);
    CHECK_EQ(memop(XENMEM_machine_memory_map, (void *)8), -EFAULT);

    /* Out of order and in pieces: sorted and merged. */
    set_boot_map(shuffled, ARRAY_SIZE(shuffled));
    memset(e, 0, sizeof(e));
    map.nr_entries = 16;
    set_xen_guest_handle(map.buffer, e);
    CHECK_EQ(memop(XENMEM_machine_memory_map, &map), 0);
    CHECK_EQ(map.nr_entries, ARRAY_SIZE(want));
    CHECK(!memcmp(e, want, sizeof(want)));

    as(d1);
    CHECK_EQ(memop(XENMEM_machine_memory_map, &map), -EPERM);
    release(d1);
    release(d0);
    finish();
}

TEST(memory_map_and_the_m2p)
{
    static struct e820e e[2];
    static struct xen_memory_map map;
    static struct xen_machphys_mapping mm;
    static struct xen_machphys_mfn_list ml;
    static xen_pfn_t chunks[4];
    struct domain *d0, *d1;

    machine_up();
    d0 = new_domain(0, 8, true);
    d1 = new_domain(1, 0x8000, false);

    /* A domU's pseudo-physical map: RAM up to its maximum. */
    as(d1);
    map.nr_entries = 2;
    set_xen_guest_handle(map.buffer, e);
    CHECK_EQ(memop(XENMEM_memory_map, &map), 0);
    CHECK_EQ(map.nr_entries, 1);
    CHECK_EQ(e[0].addr, 0);
    CHECK_EQ(e[0].size, 0x8000ul << PAGE_SHIFT);
    CHECK_EQ(e[0].type, E820_RAM);
    map.nr_entries = 0;
    CHECK_EQ(memop(XENMEM_memory_map, &map), 0);
    CHECK_EQ(map.nr_entries, 0);
    /* dom0 has none (it reads the host's). */
    as(d0);
    map.nr_entries = 2;
    CHECK_EQ(memop(XENMEM_memory_map, &map), -ENOSYS);
    CHECK_EQ(memop(XENMEM_memory_map, (void *)8), -EFAULT);

    /* Where the M2P is; dom0 is told the last frame, others the size. */
    CHECK_EQ(memop(XENMEM_machphys_mapping, &mm), 0);
    CHECK_EQ(mm.v_start, 0xffff800000000000ul);
    CHECK_EQ(mm.v_end, 0xffff804000000000ul);
    CHECK_EQ(mm.max_mfn, max_page - 1);
    as(d1);
    CHECK_EQ(memop(XENMEM_machphys_mapping, &mm), 0);
    CHECK_EQ(mm.max_mfn, (1ul << 35) - 1);
    CHECK_EQ(memop(XENMEM_machphys_mapping, (void *)8), -EFAULT);
    CHECK_EQ(memop(XENMEM_machphys_mapping | (1 << MEMOP_SHIFT), &mm), -ENOSYS);

    /* Its 2 MiB chunks: one covers 2^18 frames, more than this machine. */
    m2p_chunk_mfn[0] = 0x3e00;
    ml.max_extents = 4;
    set_xen_guest_handle(ml.extent_start, chunks);
    CHECK_EQ(memop(XENMEM_machphys_mfn_list, &ml), 0);
    CHECK_EQ(ml.nr_extents, 1);
    CHECK_EQ(chunks[0], 0x3e00);
    ml.max_extents = 0;
    CHECK_EQ(memop(XENMEM_machphys_mfn_list, &ml), 0);
    CHECK_EQ(ml.nr_extents, 0);
    ml.max_extents = 4;
    set_xen_guest_handle(ml.extent_start, (xen_pfn_t *)unmapped_page);
    CHECK_EQ(memop(XENMEM_machphys_mfn_list, &ml), -EFAULT);
    CHECK_EQ(memop(XENMEM_machphys_compat_mfn_list, &ml), -EOPNOTSUPP);
    m2p_chunk_mfn[0] = 0;
    release(d1);
    release(d0);
    finish();
}

TEST(physmap_ops_and_unknown_ops)
{
    static struct xen_add_to_physmap xatp;
    static struct xen_remove_from_physmap xrfp;
    static uint16_t batch[16];
    static char zero[64];
    struct domain *d1;

    machine_up();
    d1 = new_domain(1, 8, false);
    as(d1);
    xatp.domid = DOMID_SELF;
    xatp.space = XENMAPSPACE_shared_info;
    CHECK_EQ(memop(XENMEM_add_to_physmap, &xatp), -EACCES);   /* PV */
    xatp.space = XENMAPSPACE_gmfn_foreign;
    CHECK_EQ(memop(XENMEM_add_to_physmap, &xatp), -ENOSYS);
    xatp.space = XENMAPSPACE_grant_table;
    xatp.domid = 9;
    CHECK_EQ(memop(XENMEM_add_to_physmap, &xatp), -ESRCH);
    CHECK_EQ(memop(XENMEM_add_to_physmap | (1ul << (16 + MEMOP_SHIFT)), &xatp),
             -EDOM);
    CHECK_EQ(memop(XENMEM_add_to_physmap, (void *)8), -EFAULT);
    xrfp.domid = DOMID_SELF;
    CHECK_EQ(memop(XENMEM_remove_from_physmap, &xrfp), -EACCES);
    CHECK_EQ(memop(XENMEM_remove_from_physmap | (1 << MEMOP_SHIFT), &xrfp),
             -EINVAL);
    batch[0] = DOMID_SELF;
    batch[1] = XENMAPSPACE_gmfn_range;
    CHECK_EQ(memop(XENMEM_add_to_physmap_batch, batch), -EOPNOTSUPP);
    batch[1] = XENMAPSPACE_gmfn;
    CHECK_EQ(memop(XENMEM_add_to_physmap_batch, batch), -EACCES);

    CHECK_EQ(memop(8, zero), -ENOSYS);
    CHECK_EQ(memop(30, zero), -ENOSYS);
    CHECK_EQ(memop(63, zero), -ENOSYS);
    CHECK_EQ(memop(99, zero), -ENOSYS);        /* op 35, start_extent 1 */
    release(d1);
    finish();
}
