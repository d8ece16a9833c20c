/*
 * test_dom0_layout.c: the PV boot-area layout and the initial page tables
 * (xen/arch/x86/pv/dom0_layout.c).
 *
 * Layouts are checked against values worked out by hand from Xen's rules
 * (pv-abi.md 1.2) and against invariants recomputed here independently:
 * the page-table frame count is what the area needs, the padding is the
 * least that reaches a 4 MiB boundary with 512 KiB to spare.
 *
 * The page tables are written into a simulated machine: machine frames
 * are pages of one MAP_NORESERVE mapping, and pfn -> mfn is a reversal
 * plus an offset, so that a pfn used as an mfn (or the reverse) shows.
 * A walker written here checks every boot-area page, the flags at every
 * level, the L4's hypervisor slots, the INIT_P2M mapping, and the order
 * in which frames became tables.
 */
#include <asm/dom0_build.h>
#include <xen/errno.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "harness.h"

#define KiB (1ul << 10)
#define MiB (1ul << 20)
#define GiB (1ul << 30)
#define LINUX_BASE 0xffffffff80000000ul
#define LINUX_P2M  0x8000000000ul
#define SI_BYTES   (1168 + 40)

static struct pv_layout_in base_in(unsigned long kern_bytes,
                                   unsigned long nr_pages)
{
    return (struct pv_layout_in){
        .virt_base = LINUX_BASE, .kern_start = LINUX_BASE,
        .kern_end = LINUX_BASE + kern_bytes, .p2m_base = PV_NO_ADDR,
        .nr_pages = nr_pages,
    };
}

static int layout(const struct pv_layout_in *in, struct pv_layout *l)
{
    const char *why;
    int rc = pv_layout_compute(in, l, &why);

    CHECK(rc ? why != NULL : why == NULL);
    return rc;
}

/* Tables an area needs, counted page by page (not with Xen's formula). */
static unsigned long count_tables(unsigned long s, unsigned long e)
{
    unsigned long va, n = 1, last[4] = { ~0ul, ~0ul, ~0ul, ~0ul };
    unsigned int lvl;

    for ( va = s; va < e; va += 4096 )
        for ( lvl = 1; lvl <= 3; lvl++ )
        {
            unsigned long idx = va >> (12 + 9 * lvl);

            if ( idx != last[lvl] )
            {
                last[lvl] = idx;
                n++;
            }
        }
    return n;
}

/* What every layout must satisfy. */
static void check_invariants(const struct pv_layout *l)
{
    CHECK_EQ(l->v_end % (4 * MiB), 0);
    CHECK(l->v_end - l->stack_end >= 512 * KiB);
    CHECK(l->v_end - 4 * MiB < l->stack_end + 512 * KiB);   /* no more */
    CHECK_EQ(l->stack_start, l->pt_end);
    CHECK_EQ(l->stack_end, l->stack_start + 4096);
    CHECK_EQ(l->pt_end, l->pt_start + l->nr_pt_frames * 4096);
    CHECK_EQ(l->nr_pt_frames, count_tables(l->v_start, l->v_end));
    CHECK_EQ(l->si_end, l->si_start + SI_BYTES);
    CHECK_EQ(l->pt_start, (l->si_end + 4095) & ~4095ul);
    CHECK_EQ(l->boot_pages, (l->v_end - l->v_start) >> 12);
    CHECK(l->boot_alloc_pages >= l->boot_pages);
    {
        unsigned long block = l->boot_alloc_pages -
                              (l->initrd_start ? l->initrd_pages : 0);

        CHECK_EQ(block & (block - 1), 0);       /* a power of two */
        CHECK(block < 2 * l->boot_pages);
    }
    CHECK_EQ(l->min_pages, l->first_p2m_pfn + l->nr_p2m_frames);
    CHECK(l->nr_pages >= l->min_pages);
}

TEST(small_guest_is_one_4mib_area)
{
    struct pv_layout_in in = base_in(0x5000, 32768);    /* 128 MiB */
    struct pv_layout l;

    CHECK_EQ(layout(&in, &l), 0);
    CHECK_EQ(l.p2m_start, LINUX_BASE + 0x5000);
    CHECK_EQ(l.p2m_end, LINUX_BASE + 0x45000);          /* 32768 * 8 */
    CHECK_EQ(l.si_start, LINUX_BASE + 0x45000);
    CHECK_EQ(l.pt_start, LINUX_BASE + 0x46000);
    /* L4, L3, L2 and two L1s for 4 MiB. */
    CHECK_EQ(l.nr_pt_frames, 5);
    CHECK_EQ(l.stack_end, LINUX_BASE + 0x4c000);
    CHECK_EQ(l.v_end, LINUX_BASE + 4 * MiB);
    CHECK_EQ(l.boot_pages, 1024);
    /* No INIT_P2M: first_p2m_pfn still says where the boot area ends. */
    CHECK_EQ(l.first_p2m_pfn, 1024);
    CHECK_EQ(l.nr_p2m_frames, 0);
    CHECK_EQ(l.initrd_pages, 0);
    CHECK(!l.init_p2m && !l.beyond_one_l2);
    check_invariants(&l);
}

TEST(padding_below_512k_adds_4mib_and_more_tables)
{
    /* Stack would end 0x3f000 short of 4 MiB: the area becomes 8 MiB, which
     * needs 4 L1s, so 7 table frames (worked out by hand). */
    struct pv_layout_in in = base_in(0x3b0000, 4096);
    struct pv_layout l;

    CHECK_EQ(layout(&in, &l), 0);
    CHECK_EQ(l.si_start, LINUX_BASE + 0x3b8000);
    CHECK_EQ(l.nr_pt_frames, 7);
    CHECK_EQ(l.stack_end, LINUX_BASE + 0x3c1000);
    CHECK_EQ(l.v_end, LINUX_BASE + 8 * MiB);
    check_invariants(&l);
}

TEST(mapped_initrd_follows_the_kernel)
{
    struct pv_layout_in in = base_in(0x123456, 65536);
    struct pv_layout l;

    in.initrd_len = 3 * MiB + 1;
    CHECK_EQ(layout(&in, &l), 0);
    CHECK_EQ(l.initrd_start, LINUX_BASE + 0x124000);
    CHECK_EQ(l.initrd_end, l.initrd_start + 3 * MiB + 1);
    CHECK_EQ(l.initrd_pfn, 0x124);
    CHECK_EQ(l.initrd_pages, 769);
    CHECK_EQ(l.p2m_start, l.initrd_start + 3 * MiB + 4096);
    /* Xen's boot block: 2^order of the area less the initrd, + the initrd. */
    CHECK_EQ(l.boot_pages, 2048);
    CHECK_EQ(l.boot_alloc_pages, 2048 + 769);
    CHECK_EQ(l.first_p2m_pfn, 2048 + 769);
    check_invariants(&l);
}

TEST(linux_layout_init_p2m_and_mod_start_pfn)
{
    struct pv_layout_in in = {
        .virt_base = LINUX_BASE, .kern_start = LINUX_BASE + 16 * MiB,
        .kern_end = LINUX_BASE + 44 * MiB, .initrd_len = 10 * MiB + 123,
        .initrd_unmapped = true, .p2m_base = LINUX_P2M, .nr_pages = 262144,
    };
    struct pv_layout l;

    CHECK_EQ(layout(&in, &l), 0);
    CHECK_EQ(l.initrd_start, 0);                 /* not mapped */
    CHECK_EQ(l.si_start, LINUX_BASE + 44 * MiB); /* no p2m in the area */
    CHECK_EQ(l.nr_pt_frames, 27);                /* L4, L3, L2, 24 L1s */
    CHECK_EQ(l.v_end, LINUX_BASE + 48 * MiB);
    CHECK_EQ(l.boot_pages, 12288);
    CHECK_EQ(l.boot_alloc_pages, 16384);         /* Xen's order-14 block */
    CHECK_EQ(l.initrd_pfn, 16384);               /* right after it */
    CHECK_EQ(l.initrd_pages, 2561);
    CHECK_EQ(l.first_p2m_pfn, 16384 + 2561);
    CHECK_EQ(l.p2m_start, LINUX_P2M);
    CHECK_EQ(l.p2m_end, LINUX_P2M + 2 * MiB);
    CHECK_EQ(l.nr_p2m_frames, 512 + 3);          /* data, L3, L2, L1 */
    CHECK(l.init_p2m);
    check_invariants(&l);
}

TEST(init_p2m_shares_the_boot_areas_tables)
{
    /* p2m in the same L3/L2 as the boot area: only its L1s are new. */
    struct pv_layout_in in = base_in(0x5000, 300000);
    struct pv_layout l;

    in.p2m_base = LINUX_BASE + 512 * MiB;
    CHECK_EQ(layout(&in, &l), 0);
    CHECK_EQ(l.nr_p2m_frames, 586 + 2);          /* 2.4 MB: 2 L1s */
}

TEST(memory_too_small)
{
    struct pv_layout_in in = base_in(0x3b0000, 512);
    struct pv_layout l;
    const char *why;

    CHECK_EQ(pv_layout_compute(&in, &l, &why), -ENOMEM);
    CHECK(why && strstr(why, "smaller"));
    CHECK_EQ(l.min_pages, 2048);
    in.nr_pages = 2048;
    CHECK_EQ(layout(&in, &l), 0);
}

TEST(memory_too_small_for_unmapped_initrd_and_p2m)
{
    struct pv_layout_in in = base_in(0x5000, 1024);
    struct pv_layout l;

    in.initrd_len = 4096;
    in.initrd_unmapped = true;
    in.p2m_base = LINUX_P2M;
    CHECK_EQ(layout(&in, &l), -ENOMEM);
    CHECK_EQ(l.min_pages, 1024 + 1 + 2 + 3);    /* area, initrd, p2m, tables */
    in.nr_pages = 1100;
    CHECK_EQ(layout(&in, &l), 0);
}

TEST(impossible_layouts_refused)
{
    struct pv_layout_in in;
    struct pv_layout l;

    in = base_in(0x5000, 32768);
    in.virt_base += 0x800;
    in.kern_start = in.virt_base;
    CHECK_EQ(layout(&in, &l), -EINVAL);          /* unaligned VIRT_BASE */

    in = base_in(0x5000, 32768);
    in.kern_start = LINUX_BASE - 4096;
    CHECK_EQ(layout(&in, &l), -EINVAL);          /* kernel below it */

    in = base_in(0x5000, 32768);
    in.virt_base = in.kern_start = 0xffff800000000000ul;
    in.kern_end = in.kern_start + 0x5000;
    CHECK_EQ(layout(&in, &l), -EINVAL);          /* hypervisor slot 256 */

    in.virt_base = in.kern_start = 0xffff87fffff00000ul;
    in.kern_end = in.kern_start + 0x5000;
    CHECK_EQ(layout(&in, &l), -EINVAL);          /* ends in slot 271 */

    in.virt_base = in.kern_start = 0x00007ffffffff000ul;
    in.kern_end = in.kern_start + 0x5000;
    CHECK_EQ(layout(&in, &l), -EINVAL);          /* crosses 2^47 */
    in.virt_base = in.kern_start = 0x00007ffffff00000ul;
    in.kern_end = in.kern_start + 0x5000;
    CHECK_EQ(layout(&in, &l), 0);                /* ends right at 2^47 */
    CHECK_EQ(l.v_end, 1ul << 47);

    in.virt_base = in.kern_start = 0xfffffffffff00000ul;
    in.kern_end = in.kern_start + 0x5000;
    CHECK_EQ(layout(&in, &l), -EINVAL);          /* wraps */

    in = base_in(0x5000, 32768);
    in.p2m_base = LINUX_BASE + 4096;
    CHECK_EQ(layout(&in, &l), -EINVAL);          /* p2m in the area */
    in.p2m_base = LINUX_P2M + 8;
    CHECK_EQ(layout(&in, &l), -EINVAL);          /* unaligned */
    in.p2m_base = 0xffff800000001000ul;
    CHECK_EQ(layout(&in, &l), -EINVAL);          /* hypervisor slot */
    in.p2m_base = 0x00007fffffffe000ul;
    CHECK_EQ(layout(&in, &l), -EINVAL);          /* crosses 2^47 */
    in.p2m_base = LINUX_BASE + 4 * MiB;          /* right after: fine */
    CHECK_EQ(layout(&in, &l), 0);
}

TEST(large_area_is_flagged)
{
    struct pv_layout_in in = base_in(GiB - 8 * MiB, 1ul << 20);
    struct pv_layout l;

    CHECK_EQ(layout(&in, &l), 0);                /* 8 MiB p2m pushes it */
    CHECK(l.beyond_one_l2);
    check_invariants(&l);
    in = base_in(GiB - 16 * MiB, 300000);
    CHECK_EQ(layout(&in, &l), 0);
    CHECK(!l.beyond_one_l2);
}

/* ---- The page tables, on a simulated machine. ---- */

#define MFN_BASE 0x100000ul             /* machine frames start here */

static unsigned char *machine;          /* frame MFN_BASE + i at page i */
static unsigned long sim_pages;
static unsigned long table_level[1 << 20];     /* by pfn: 0 or level */
static unsigned long table_order[1 << 16];     /* pfns in creation order */
static unsigned int nr_tables_made;

static unsigned long sim_pfn_to_mfn(void *ctx, unsigned long pfn)
{
    (void)ctx;
    return MFN_BASE + (sim_pages - 1 - pfn);
}

static void *sim_map_mfn(void *ctx, unsigned long mfn)
{
    (void)ctx;
    if ( mfn < MFN_BASE || mfn >= MFN_BASE + sim_pages )
    {
        harness_check(false, "mfn in the simulated machine", __FILE__, __LINE__);
        abort();
    }
    return machine + (mfn - MFN_BASE) * 4096;
}

static void sim_new_table(void *ctx, unsigned long pfn, unsigned int level)
{
    (void)ctx;
    CHECK_EQ(table_level[pfn], 0);
    table_level[pfn] = level;
    table_order[nr_tables_made++] = pfn;
}

static const struct pv_pt_ops sim_ops = {
    .pfn_to_mfn = sim_pfn_to_mfn, .map_mfn = sim_map_mfn,
    .new_table = sim_new_table,
};

static intpte_t xen_slots[PV_XEN_NR_SLOTS];

/* A fresh machine for l; the frames that become tables hold garbage. */
static void sim_reset(const struct pv_layout *l)
{
    unsigned long pt = (l->pt_start - l->v_start) >> 12, pfn;
    unsigned int i;

    if ( machine )
        munmap(machine, sim_pages * 4096);
    sim_pages = l->nr_pages;
    machine = mmap(NULL, sim_pages * 4096, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if ( machine == MAP_FAILED )
    {
        perror("mmap");
        exit(2);
    }
    for ( pfn = pt; pfn < pt + l->nr_pt_frames; pfn++ )
        memset(sim_map_mfn(NULL, sim_pfn_to_mfn(NULL, pfn)), 0x5a, 4096);
    for ( pfn = l->first_p2m_pfn; pfn < l->first_p2m_pfn + l->nr_p2m_frames;
          pfn++ )
        memset(sim_map_mfn(NULL, sim_pfn_to_mfn(NULL, pfn)), 0x5a, 4096);
    memset(table_level, 0, sizeof(table_level));
    nr_tables_made = 0;
    for ( i = 0; i < PV_XEN_NR_SLOTS; i++ )
        xen_slots[i] = 0xabc000ul + (i << 12) + 0x63;
}

/* Walk as the MMU does; the leaf entry, and the flags of every level. */
static intpte_t walk(unsigned long l4_mfn, unsigned long va, intpte_t upper[5])
{
    const intpte_t *t = sim_map_mfn(NULL, l4_mfn);
    unsigned int lvl;

    for ( lvl = 4; lvl > 1; lvl-- )
    {
        intpte_t e = t[(va >> (12 + 9 * (lvl - 1))) & 511];

        upper[lvl] = e;
        if ( !(e & _PAGE_PRESENT) )
            return 0;
        t = sim_map_mfn(NULL, (e & PTE_ADDR_MASK) >> 12);
    }
    return t[(va >> 12) & 511];
}

static void check_boot_mappings(const struct pv_layout *l, unsigned long l4_mfn)
{
    unsigned long pfn, bad = 0, pt_first = (l->pt_start - l->v_start) >> 12;

    for ( pfn = 0; pfn < l->boot_pages; pfn++ )
    {
        intpte_t upper[5], e = walk(l4_mfn, l->v_start + (pfn << 12), upper);
        bool is_pt = pfn >= pt_first && pfn < pt_first + l->nr_pt_frames;
        intpte_t want = (sim_pfn_to_mfn(NULL, pfn) << 12) | PV_L1_PROT;
        unsigned int lvl;

        if ( is_pt )
            want &= ~_PAGE_RW;
        if ( e != want )
            bad++;
        for ( lvl = 2; lvl <= 4; lvl++ )
            if ( (upper[lvl] & ~PTE_ADDR_MASK) != PV_TABLE_PROT )
                bad++;
        if ( is_pt && table_level[pfn] == 0 )
            bad++;                      /* every table frame became one */
    }
    CHECK_EQ(bad, 0);
}

static void check_l4(unsigned long l4_mfn)
{
    const intpte_t *l4 = sim_map_mfn(NULL, l4_mfn);
    unsigned int i;

    for ( i = 0; i < PV_XEN_NR_SLOTS; i++ )
    {
        if ( 256 + i == 258 )
            CHECK_EQ(l4[258], (l4_mfn << 12) | PV_LINEAR_PROT);
        else
            CHECK_EQ(l4[256 + i], xen_slots[i]);
    }
    CHECK_EQ(PV_LINEAR_PROT & _PAGE_USER, 0);
    for ( i = 0; i < 256; i++ )
        if ( l4[i] )
            CHECK_EQ(i, 1);             /* only the INIT_P2M slot */
}

static int build(const struct pv_layout *l, unsigned long *l4_mfn)
{
    return pv_build_page_tables(l, xen_slots, &sim_ops, l4_mfn);
}

TEST(page_tables_small_guest)
{
    struct pv_layout_in in = base_in(0x5000, 32768);
    struct pv_layout l;
    unsigned long l4_mfn, pt = 0x46;
    static const unsigned int xen_order[] = { 4, 1, 2, 3, 1 };
    unsigned int i;

    CHECK_EQ(layout(&in, &l), 0);
    sim_reset(&l);
    CHECK_EQ(build(&l, &l4_mfn), 0);
    CHECK_EQ(l4_mfn, sim_pfn_to_mfn(NULL, pt));
    check_boot_mappings(&l, l4_mfn);
    check_l4(l4_mfn);
    /* Xen's order of the table frames: L4, L1, L2, L3, L1. */
    CHECK_EQ(nr_tables_made, 5);
    for ( i = 0; i < 5; i++ )
        CHECK_EQ(table_level[pt + i], xen_order[i]);
    CHECK_EQ(table_order[0], pt);
}

TEST(page_tables_linux_init_p2m)
{
    struct pv_layout_in in = {
        .virt_base = LINUX_BASE, .kern_start = LINUX_BASE + 16 * MiB,
        .kern_end = LINUX_BASE + 44 * MiB, .initrd_len = 5 * MiB,
        .initrd_unmapped = true, .p2m_base = LINUX_P2M, .nr_pages = 300000,
    };
    struct pv_layout l;
    unsigned long l4_mfn, va, f, bad = 0, pt;

    CHECK_EQ(layout(&in, &l), 0);
    CHECK_EQ(l.nr_p2m_frames, 586 + 4);          /* L3, L2, 2 L1s */
    sim_reset(&l);
    CHECK_EQ(build(&l, &l4_mfn), 0);
    check_boot_mappings(&l, l4_mfn);
    check_l4(l4_mfn);

    /* Boot tables: L4, L1, L2, L3, then 23 more L1s. */
    pt = (l.pt_start - l.v_start) >> 12;
    CHECK_EQ(table_level[pt], 4);
    CHECK_EQ(table_level[pt + 1], 1);
    CHECK_EQ(table_level[pt + 2], 2);
    CHECK_EQ(table_level[pt + 3], 3);
    CHECK_EQ(table_level[pt + 26], 1);

    /* p2m frames, top down: L3, L2, L1, 512 pages, L1, 74 pages. */
    f = l.first_p2m_pfn;
    CHECK_EQ(table_level[f], 3);
    CHECK_EQ(table_level[f + 1], 2);
    CHECK_EQ(table_level[f + 2], 1);
    CHECK_EQ(table_level[f + 3], 0);
    CHECK_EQ(table_level[f + 3 + 512], 1);
    CHECK_EQ(table_level[f + 4 + 512], 0);
    for ( va = l.p2m_start; va < l.p2m_end; va += 4096 )
    {
        intpte_t upper[5], e = walk(l4_mfn, va, upper);
        unsigned long i = (va - l.p2m_start) >> 12;
        unsigned long pfn = f + 3 + i + (i >= 512 ? 1 : 0);

        if ( e != ((sim_pfn_to_mfn(NULL, pfn) << 12) | PV_L1_PROT | _PAGE_DIRTY) )
            bad++;
        if ( pv_lookup_mfn(&sim_ops, l4_mfn, va) != sim_pfn_to_mfn(NULL, pfn) )
            bad++;
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(nr_tables_made, 27 + 4);
    /* Nothing mapped past the p2m; the initrd's pfns are not mapped. */
    CHECK_EQ(pv_lookup_mfn(&sim_ops, l4_mfn, (l.p2m_end + 4095) & ~4095ul), ~0ul);
    CHECK_EQ(pv_lookup_mfn(&sim_ops, l4_mfn, l.v_end), ~0ul);
}

TEST(page_tables_init_p2m_sharing_tables)
{
    struct pv_layout_in in = base_in(0x5000, 300000);
    struct pv_layout l;
    unsigned long l4_mfn;

    in.p2m_base = LINUX_BASE + 512 * MiB;
    CHECK_EQ(layout(&in, &l), 0);
    sim_reset(&l);
    CHECK_EQ(build(&l, &l4_mfn), 0);
    CHECK_EQ(table_level[l.first_p2m_pfn], 1);   /* only L1s are new */
    CHECK_EQ(pv_lookup_mfn(&sim_ops, l4_mfn, l.p2m_start),
             sim_pfn_to_mfn(NULL, l.first_p2m_pfn + 1));
    check_boot_mappings(&l, l4_mfn);
}

TEST(page_tables_wrong_counts_detected)
{
    struct pv_layout_in in = base_in(0x5000, 32768);
    struct pv_layout l;
    unsigned long l4_mfn;

    CHECK_EQ(layout(&in, &l), 0);
    sim_reset(&l);
    l.nr_pt_frames--;
    CHECK_EQ(build(&l, &l4_mfn), -ERANGE);
    l.nr_pt_frames += 2;
    sim_reset(&l);
    CHECK_EQ(build(&l, &l4_mfn), -ERANGE);       /* one left over */

    in.p2m_base = LINUX_P2M;
    CHECK_EQ(layout(&in, &l), 0);
    sim_reset(&l);
    l.nr_p2m_frames--;
    CHECK_EQ(build(&l, &l4_mfn), -ERANGE);
}
