/*
 * test_page_alloc.c: the boot allocator and the buddy heap
 * (xen/common/page_alloc.c) on a simulated machine.
 *
 * The machine's physical address space (4 GiB + 64 MiB) is one
 * MAP_NORESERVE mapping behind host_test_directmap, the frame table
 * another: only the pages the allocator hands out or scrubs are ever
 * touched. Its memory map has holes, frame 0, RAM above 4 GiB and ranges
 * that end mid-page. page_alloc.c is #included so that each case can start
 * from an empty allocator and check the heap's internal invariants.
 */
#include "../../../xen/common/page_alloc.c"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "harness.h"

void stub_spin_release_all(void);

#define GB (1ul << 30)
#define MB (1ul << 20)

#define SIM_TOP     (4 * GB + 64 * MB)
#define SIM_FRAMES  (SIM_TOP >> PAGE_SHIFT)
#define FT_BYTES    (SIM_FRAMES * sizeof(struct page_info))

/* The memory map: RAM ranges (byte addresses) and what setup reserves. */
static const struct { paddr_t s, e; } e820_ram[] = {
    { 0, 0x9fc00 },                             /* frames 0-0x9e */
    { 1 * MB, 40 * MB },
    { 4 * GB, 4 * GB + 24 * MB },
    { 4 * GB + 32 * MB + 0x800, 4 * GB + 48 * MB + 0x100 },
};
static const struct { paddr_t s, e; } reserved[] = {
    { 2 * MB, 4 * MB },                         /* the image */
    { 8 * MB + 0x123, 9 * MB + 0x10 },          /* a module, unaligned */
};

/* Frames of the test's own bookkeeping, indexed by frame number. */
static unsigned char in_heap[SIM_FRAMES];   /* handed to the heap */
static unsigned char in_use[SIM_FRAMES];    /* allocated by this test */

/* ---- Simulated machine and allocator reset. ---- */

static void map_machine(void)
{
    void *dm, *ft;

    if ( host_test_directmap )
        return;
    dm = mmap(NULL, SIM_TOP, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    ft = mmap(NULL, FT_BYTES, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if ( dm == MAP_FAILED || ft == MAP_FAILED )
    {
        perror("test_page_alloc: mmap");
        exit(2);
    }
    host_test_directmap = dm;
    frame_table = ft;
}

/* An empty allocator on zeroed memory and a zeroed frame table. */
static void reset(void)
{
    unsigned int z, o;

    map_machine();
    madvise(host_test_directmap, SIM_TOP, MADV_DONTNEED);
    madvise(frame_table, FT_BYTES, MADV_DONTNEED);
    stub_spin_release_all();
    spin_lock_init(&heap_lock);

    ram_ranges.nr = 0;
    boot_ranges.nr = 0;
    boot_allocator_done = false;
    max_page = 0;
    for ( z = 0; z < NR_ZONES; z++ )
        for ( o = 0; o <= MAX_ORDER; o++ )
            INIT_PAGE_LIST_HEAD(&heap[z][o]);
    memset(heap_blocks, 0, sizeof(heap_blocks));
    memset(zone_pages, 0, sizeof(zone_pages));
    memset(zone_free, 0, sizeof(zone_free));
    total_pages = total_free = dirty_pages = scrub_cursor = 0;

    memset(in_heap, 0, sizeof(in_heap));
    memset(in_use, 0, sizeof(in_use));
    harness_log_clear();
}

static void feed_e820(void)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(e820_ram); i++ )
        init_boot_pages(e820_ram[i].s, e820_ram[i].e);
    for ( i = 0; i < ARRAY_SIZE(reserved); i++ )
        reserve_boot_pages(reserved[i].s, reserved[i].e);
}

/* The frames setup leaves to the allocator, computed independently. */
static void expect_heap_frames(void)
{
    unsigned long m;
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(e820_ram); i++ )
        for ( m = PFN_UP(e820_ram[i].s); m < PFN_DOWN(e820_ram[i].e); m++ )
            in_heap[m] = 1;
    for ( i = 0; i < ARRAY_SIZE(reserved); i++ )
        for ( m = PFN_DOWN(reserved[i].s); m < PFN_UP(reserved[i].e); m++ )
            in_heap[m] = 0;
}

static unsigned long count_heap_frames(void)
{
    unsigned long m, n = 0;

    for ( m = 0; m < SIM_FRAMES; m++ )
        n += in_heap[m];
    return n;
}

/* The usual boot: memory map, reservations, then the heap. */
static void boot(void)
{
    reset();
    feed_e820();
    expect_heap_frames();
    end_boot_allocator();
}

/* ---- Heap invariants. ---- */

struct blk {
    unsigned long mfn;
    unsigned int order;
};

static int blk_cmp(const void *a, const void *b)
{
    const struct blk *x = a, *y = b;

    return x->mfn < y->mfn ? -1 : x->mfn > y->mfn;
}

#define MAX_BLKS 4096

/* The free blocks, sorted by frame. */
static unsigned int snapshot(struct blk *b)
{
    unsigned int z, o, n = 0;
    struct page_info *pg;

    for ( z = 0; z < NR_ZONES; z++ )
        for ( o = 0; o <= MAX_ORDER; o++ )
            page_list_for_each(pg, &heap[z][o])
            {
                if ( n == MAX_BLKS )
                    return n;
                b[n].mfn = mfn_x(page_to_mfn(pg));
                b[n++].order = o;
            }
    qsort(b, n, sizeof(*b), blk_cmp);
    return n;
}

static bool check_block(unsigned long mfn, unsigned int z, unsigned int o)
{
    const struct page_info *pg = mfn_to_page(_mfn(mfn));
    unsigned long i, nr = 1ul << o;
    bool ok = true;

    ok &= CHECK(IS_ALIGNED(mfn, nr));
    ok &= CHECK(mfn_zone(mfn) == z && mfn_zone(mfn + nr - 1) == z);
    ok &= CHECK(pg->u.free.is_head && pg->u.free.order == o);
    for ( i = 0; i < nr && ok; i++ )
    {
        ok &= CHECK(in_heap[mfn + i] && !in_use[mfn + i]);
        ok &= CHECK(page_state_is(&pg[i], free) && pg[i].v.free.zone == z);
        ok &= CHECK(!i || !pg[i].u.free.is_head);
    }
    return ok;
}

/*
 * Every list holds heads of free blocks of its zone and order, the counts
 * add up, the blocks and the test's allocations partition the heap's
 * frames, and no two free buddies are left unmerged.
 */
static bool heap_consistent(void)
{
    unsigned long z_free, free = 0, dirty = 0, m;
    unsigned int z, o, n;
    struct page_info *pg;
    bool ok = true;

    for ( z = 0; z < NR_ZONES && ok; z++ )
    {
        z_free = 0;
        for ( o = 0; o <= MAX_ORDER && ok; o++ )
        {
            n = 0;
            page_list_for_each(pg, &heap[z][o])
            {
                unsigned long mfn = mfn_x(page_to_mfn(pg));
                const struct page_info *b;

                if ( !CHECK(n < SIM_FRAMES) )   /* a cycle */
                    return false;

                ok &= check_block(mfn, z, o);
                b = mfn_to_page(_mfn(mfn ^ (1ul << o)));
                if ( o < MAX_ORDER && (mfn ^ (1ul << o)) < SIM_FRAMES &&
                     in_heap[mfn ^ (1ul << o)] &&
                     mfn_zone(mfn ^ (1ul << o)) == z )
                    ok &= CHECK(!(page_state_is(b, free) &&
                                  b->u.free.is_head && b->u.free.order == o));
                n++;
                z_free += 1ul << o;
            }
            ok &= CHECK_EQ(n, heap_blocks[z][o]);
        }
        ok &= CHECK_EQ(z_free, zone_free[z]);
        free += z_free;
    }
    ok &= CHECK_EQ(free, total_free);

    for ( m = 0; m < SIM_FRAMES && ok; m++ )
    {
        if ( !in_heap[m] )
            continue;
        pg = mfn_to_page(_mfn(m));
        ok &= CHECK(in_use[m] ? !page_state_is(pg, free)
                              : page_state_is(pg, free));
        if ( page_state_is(pg, free) && pg->u.free.need_scrub )
            dirty++;
    }
    ok &= CHECK_EQ(dirty, dirty_pages);
    return ok;
}

static bool page_filled(unsigned long mfn, unsigned char c)
{
    const unsigned char *p = mfn_to_virt(_mfn(mfn));
    unsigned int i;

    for ( i = 0; i < PAGE_SIZE; i++ )
        if ( p[i] != c )
            return false;
    return true;
}

/* Scrub until nothing is left: one pass over RAM must be enough. */
static bool scrub_all(void)
{
    unsigned long calls = 0;
    unsigned long max_calls = total_pages / SCRUB_BATCH +
                              SIM_FRAMES / SCRUB_SCAN;

    while ( scrub_free_pages() )
        if ( !CHECK(++calls <= max_calls) )
            return false;
    return CHECK_EQ(dirty_pages, 0);
}

/* ---- Page lists. ---- */

TEST(page_list_operations)
{
    struct page_list_head list = PAGE_LIST_HEAD_INIT;
    struct page_info *pg, *tmp, *p;
    unsigned int n = 0;

    reset();
    p = mfn_to_page(_mfn(0x100));
    CHECK(page_list_empty(&list));
    CHECK(page_list_remove_head(&list) == NULL);
    page_list_add(&p[1], &list);
    page_list_add(&p[0], &list);
    page_list_add_tail(&p[2], &list);
    CHECK(page_list_first(&list) == &p[0]);
    CHECK(page_list_last(&list) == &p[2]);
    page_list_for_each(pg, &list)
        CHECK(pg == &p[n++]);
    CHECK_EQ(n, 3);

    page_list_del(&p[1], &list);            /* middle */
    CHECK(page_list_next(&p[0]) == &p[2]);
    CHECK(page_list_prev(&p[2]) == &p[0]);
    page_list_del(&p[2], &list);            /* tail */
    CHECK(page_list_last(&list) == &p[0]);
    CHECK(page_list_remove_head(&list) == &p[0]);
    CHECK(page_list_empty(&list));
    CHECK_EQ(list.tail, PAGE_LIST_NULL);

    for ( n = 0; n < 5; n++ )
        page_list_add_tail(&p[n], &list);
    page_list_for_each_safe(pg, tmp, &list)
        if ( (pg - p) % 2 )
            page_list_del(pg, &list);
    n = 0;
    page_list_for_each(pg, &list)
        CHECK(pg == &p[2 * n++]);
    CHECK_EQ(n, 3);
}

/* ---- Boot allocator. ---- */

TEST(boot_ranges_rounded_and_merged)
{
    reset();
    init_boot_pages(0x1001, 0x3fff);        /* inwards: frame 2 only */
    init_boot_pages(0x5000, 0x5fff);        /* no whole page: ignored */
    init_boot_pages(0x9000, 0x8000);        /* empty: ignored */
    CHECK_EQ(boot_ranges.nr, 1);
    CHECK_EQ(boot_ranges.r[0].s, 2);
    CHECK_EQ(boot_ranges.r[0].e, 3);
    CHECK_EQ(max_page, 3);

    init_boot_pages(1 * MB, 2 * MB);
    init_boot_pages(3 * MB, 4 * MB);
    init_boot_pages(1 * MB + 0x800000 / 16, 3 * MB);   /* bridges both */
    init_boot_pages(0x3000, 0x4000);        /* touches frame 2's range */
    CHECK_EQ(boot_ranges.nr, 2);
    CHECK_EQ(boot_ranges.r[0].s, 2);
    CHECK_EQ(boot_ranges.r[0].e, 4);
    CHECK_EQ(boot_ranges.r[1].s, 0x100);
    CHECK_EQ(boot_ranges.r[1].e, 0x400);
    CHECK_EQ(max_page, 0x400);
    CHECK(is_ram(0x3ff));
    CHECK(!is_ram(0x400));
    CHECK(!is_ram(0x50));
    CHECK(!is_ram(1));
    CHECK_STREQ(harness_log(), "");
}

TEST(boot_reserve_splits_and_trims)
{
    reset();
    init_boot_pages(0, 16 * MB);
    init_boot_pages(32 * MB, 48 * MB);
    reserve_boot_pages(2 * MB + 1, 3 * MB - 1);     /* outwards: 2-3 MiB */
    reserve_boot_pages(15 * MB, 33 * MB);           /* two ends */
    reserve_boot_pages(40 * MB, 40 * MB);           /* empty */
    reserve_boot_pages(60 * MB, 70 * MB);           /* not RAM */
    CHECK_EQ(boot_ranges.nr, 3);
    CHECK_EQ(boot_ranges.r[0].e, PFN_DOWN(2 * MB));
    CHECK_EQ(boot_ranges.r[1].s, PFN_DOWN(3 * MB));
    CHECK_EQ(boot_ranges.r[1].e, PFN_DOWN(15 * MB));
    CHECK_EQ(boot_ranges.r[2].s, PFN_DOWN(33 * MB));
    CHECK_EQ(boot_ranges.r[2].e, PFN_DOWN(48 * MB));
    reserve_boot_pages(0, 16 * MB);                 /* whole ranges */
    CHECK_EQ(boot_ranges.nr, 1);
    /* Reserved memory is still RAM, with a frame table entry. */
    CHECK(is_ram(PFN_DOWN(2 * MB)));
    CHECK_EQ(max_page, PFN_DOWN(48 * MB));
}

TEST(boot_alloc_top_down_and_aligned)
{
    mfn_t m;

    reset();
    feed_e820();
    m = alloc_boot_pages(1, 1);
    CHECK_EQ(mfn_x(m), PFN_DOWN(4 * GB + 48 * MB) - 1);
    m = alloc_boot_pages(3, 8);
    CHECK_EQ(mfn_x(m), PFN_DOWN(4 * GB + 48 * MB) - 8);
    m = alloc_boot_pages(1, 512);
    CHECK_EQ(mfn_x(m), PFN_DOWN(4 * GB + 48 * MB) - 512);
    /* Too large for the top range: from the next one down. */
    m = alloc_boot_pages(PFN_DOWN(20 * MB), PFN_DOWN(2 * MB));
    CHECK_EQ(mfn_x(m), PFN_DOWN(4 * GB + 4 * MB));
    CHECK_STREQ(harness_log(), "");
}

static unsigned long ba_nr, ba_align;
static mfn_t ba_result;

static void do_boot_alloc(void)
{
    ba_result = alloc_boot_pages(ba_nr, ba_align);
}

static bool boot_alloc_panics(unsigned long nr, unsigned long align)
{
    ba_nr = nr;
    ba_align = align;
    return harness_panics(do_boot_alloc);
}

static uint64_t rng;

static unsigned long rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

TEST(boot_alloc_never_returns_reserved_memory)
{
    unsigned long total, got = 0, m, i;
    unsigned int n;

    reset();
    feed_e820();
    expect_heap_frames();
    total = count_heap_frames();
    rng = 0x1234567;

    /* Random sizes and alignments, then single pages to the last one. */
    for ( n = 0; ; n++ )
    {
        unsigned long nr = n < 60 ? 1 + rnd() % 300 : 1;
        unsigned long align = n < 60 ? 1ul << (rnd() % 10) : 1;

        if ( boot_alloc_panics(nr, align) )
        {
            if ( nr == 1 )
                break;
            continue;
        }
        m = mfn_x(ba_result);
        if ( !CHECK(IS_ALIGNED(m, align)) )
            break;
        for ( i = m; i < m + nr; i++ )
        {
            if ( !CHECK(i < SIM_FRAMES && in_heap[i] && !in_use[i]) )
                return;
            in_use[i] = 1;
        }
        got += nr;
    }
    CHECK_EQ(got, total);
    CHECK(strstr(harness_last_panic(), "Boot allocator: out of memory: no "
                 "free range holds 1 pages aligned to 1 pages"));
    CHECK(!harness_log_contains("lost"));
}

TEST(boot_alloc_panics_when_nothing_fits)
{
    reset();
    init_boot_pages(1 * MB, 2 * MB);
    init_boot_pages(3 * MB, 4 * MB);
    CHECK(boot_alloc_panics(257, 1));
    CHECK(strstr(harness_last_panic(), "no free range holds 257 pages "
                 "aligned to 1 pages"));
    CHECK(boot_alloc_panics(256, 512));     /* fits, but not aligned */
    CHECK(!boot_alloc_panics(256, 256));
    CHECK_EQ(mfn_x(ba_result), PFN_DOWN(3 * MB));
    CHECK(boot_alloc_panics(0, 1));
    CHECK(boot_alloc_panics(1, 3));
}

TEST(boot_too_many_ranges_reported)
{
    unsigned int i;

    reset();
    for ( i = 0; i < NR_BOOT_RANGES + 2; i++ )
        init_boot_pages((paddr_t)i * 2 * MB, (paddr_t)i * 2 * MB + MB);
    CHECK_EQ(ram_ranges.nr, NR_RAM_RANGES);
    CHECK_EQ(boot_ranges.nr, NR_BOOT_RANGES);
    CHECK_LOG("page_alloc: no room to record RAM [0x10000000, 0x10100000) "
              "(128 ranges already): ignored\n");
    CHECK_LOG("[0x10200000, 0x10300000)");
    CHECK_EQ(max_page, PFN_DOWN(255 * MB));

    /* A split that finds the table full drops the smaller remainder. */
    harness_log_clear();
    reserve_boot_pages(4 * MB + 0x1000, 4 * MB + 0x3000);
    CHECK_LOG("Boot allocator: no room to split a range around reserved "
              "[0x401000, 0x403000): 1 free pages lost\n");
    CHECK_EQ(boot_ranges.r[2].s, PFN_DOWN(4 * MB + 0x3000));
    CHECK_EQ(boot_ranges.r[2].e, PFN_DOWN(5 * MB));
}

TEST(boot_alloc_after_end_bugs)
{
    reset();
    feed_e820();
    end_boot_allocator();
    CHECK(boot_alloc_panics(1, 1));
    CHECK_LOG("alloc_boot_pages(1, 1) after end_boot_allocator()");
}

TEST(end_boot_allocator_hands_over_the_rest)
{
    mfn_t a, b;

    reset();
    feed_e820();
    expect_heap_frames();
    a = alloc_boot_pages(16, 16);
    b = alloc_boot_pages(1, 1);
    end_boot_allocator();
    CHECK_EQ(boot_ranges.nr, 0);
    CHECK_EQ(total_free_pages(), count_heap_frames() - 17);
    CHECK(is_ram(mfn_x(a)) && is_ram(mfn_x(b)));
    CHECK(!page_state_is(mfn_to_page(a), free));
    CHECK(!page_state_is(mfn_to_page(b), free));
    memset(in_heap + mfn_x(a), 0, 16);
    in_heap[mfn_x(b)] = 0;
    CHECK(heap_consistent());
    CHECK_EQ(max_page, PFN_DOWN(4 * GB + 48 * MB));
}

/* ---- Heap. ---- */

TEST(heap_initial_state)
{
    struct blk b[MAX_BLKS];
    unsigned int n, i;

    boot();
    CHECK_EQ(total_free_pages(), count_heap_frames());
    CHECK_EQ(dirty_pages, count_heap_frames());
    CHECK(heap_consistent());
    /* Frame 0 and 1 are zone 0, frames 2 and 3 zone 1. */
    n = snapshot(b);
    CHECK(n > 0);
    CHECK_EQ(b[0].mfn, 0);
    CHECK_EQ(b[0].order, 1);
    CHECK_EQ(b[1].mfn, 2);
    CHECK_EQ(b[1].order, 1);
    for ( i = 0; i < n; i++ )
        CHECK(b[i].order <= MAX_ORDER);
    /* Below 16 MiB: 0-0x9e, 1-2 MiB, 4-8 MiB, 9 MiB + 4 KiB-16 MiB. */
    CHECK_EQ(avail_heap_pages_below(24), 0x9f + 256 + 1024 + 1791);
    /* Below 4 GiB: the same and up to 40 MiB. */
    CHECK_EQ(avail_heap_pages_below(32),
             0x9f + PFN_DOWN(39 * MB) - 512 - 257);
    CHECK_EQ(avail_heap_pages_below(12), 0);
    CHECK_EQ(avail_heap_pages_below(13), 2);
    CHECK_EQ(avail_heap_pages_below(64), total_free_pages());
}

TEST(dump_heap_output)
{
    struct page_info *pg;

    reset();
    init_boot_pages(1 * MB, 2 * MB);
    end_boot_allocator();
    dump_heap();
    CHECK_STREQ(harness_log(),
                "Heap: 256 of 256 pages free\n"
                " Zone  8 [0000000000100000, 00000000001fffff]: 256 of 256 "
                "pages free; order:blocks 8:1\n"
                "Dirty (unscrubbed) pages: 256\n");

    pg = alloc_domheap_pages(NULL, 2, 0);
    CHECK(pg != NULL);
    scrub_all();
    harness_log_clear();
    dump_heap();
    CHECK_STREQ(harness_log(),
                "Heap: 252 of 256 pages free\n"
                " Zone  8 [0000000000100000, 00000000001fffff]: 252 of 256 "
                "pages free; order:blocks 2:1 3:1 4:1 5:1 6:1 7:1\n"
                "Dirty (unscrubbed) pages: 0\n");

    reset();
    feed_e820();
    end_boot_allocator();
    dump_heap();
    CHECK_LOG(" Zone  0 [0000000000000000, 0000000000001fff]: 2 of 2 pages "
              "free; order:blocks 1:1\n");
    CHECK_LOG(" Zone 20 [0000000100000000, 00000001ffffffff]: 10239 of 10239 "
              "pages free; order:blocks 0:1 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 "
              "9:1 10:1 11:2 12:1\n");
    CHECK(!harness_log_contains("Zone 21"));
}

TEST(alloc_prefers_high_memory)
{
    struct page_info *pg;

    boot();
    pg = alloc_domheap_pages(NULL, 0, 0);
    CHECK(pg && page_to_maddr(pg) >= 4 * GB);
    pg = alloc_domheap_pages(NULL, 12, 0);
    CHECK(pg && page_to_maddr(pg) >= 4 * GB);
    pg = alloc_domheap_pages(NULL, 0, MEMF_bits(32));
    /* The highest zone below 4 GiB with memory: 32-64 MiB. */
    CHECK(pg && page_to_maddr(pg) >= 32 * MB && page_to_maddr(pg) < 40 * MB);
    pg = alloc_domheap_pages(NULL, 0, MEMF_bits(13));
    CHECK(pg && mfn_x(page_to_mfn(pg)) < 2);
    CHECK(alloc_domheap_pages(NULL, 0, MEMF_bits(12)) == NULL);
    CHECK(alloc_domheap_pages(NULL, MAX_ORDER + 1, 0) == NULL);
    CHECK(alloc_domheap_pages(NULL, MAX_ORDER, 0) == NULL);
    CHECK(alloc_domheap_pages(NULL, 13, 0) == NULL);    /* 32 MiB: none */
}

TEST(memf_bits_32_exhausts_low_memory_only)
{
    unsigned long low, high, n = 0;
    struct page_info *pg;
    bool below = true;

    boot();
    low = avail_heap_pages_below(32);
    high = total_free_pages() - low;
    CHECK(high > 0);
    while ( (pg = alloc_domheap_pages(NULL, 0,
                                      MEMF_bits(32) | MEMF_no_scrub)) )
    {
        below &= page_to_maddr(pg) + PAGE_SIZE <= 4 * GB;
        in_use[mfn_x(page_to_mfn(pg))] = 1;
        n++;
    }
    CHECK(below);
    CHECK_EQ(n, low);
    CHECK_EQ(avail_heap_pages_below(32), 0);
    CHECK_EQ(total_free_pages(), high);
    CHECK(alloc_domheap_pages(NULL, 0, MEMF_bits(32)) == NULL);
    CHECK(alloc_domheap_pages(NULL, 0, MEMF_bits(24)) == NULL);
    pg = alloc_domheap_pages(NULL, 0, 0);
    CHECK(pg && page_to_maddr(pg) >= 4 * GB);
    in_use[mfn_x(page_to_mfn(pg))] = 1;
    CHECK(heap_consistent());
}

/* ---- Random allocation and freeing. ---- */

struct allocation {
    unsigned long mfn;
    unsigned int order;
    bool xen;
};

#define MAX_LIVE 512

static struct allocation live[MAX_LIVE];
static unsigned int nr_live;

/* Is there a free aligned block of 2^order frames below frame lim? */
static bool free_block_exists(unsigned int order, unsigned long lim)
{
    unsigned long nr = 1ul << order, m, i;
    unsigned int r;

    for ( r = 0; r < ARRAY_SIZE(e820_ram); r++ )
        for ( m = ROUNDUP(PFN_UP(e820_ram[r].s), nr);
              m + nr <= min(PFN_DOWN(e820_ram[r].e), lim); m += nr )
        {
            if ( !m && order > 1 )
                continue;
            for ( i = 0; i < nr && in_heap[m + i] && !in_use[m + i]; i++ )
                ;
            if ( i == nr )
                return true;
        }
    return false;
}

static bool random_alloc(void)
{
    static const unsigned int bits[] = { 0, 0, 0, 52, 32, 30, 26, 24, 21, 13 };
    unsigned int b = bits[rnd() % ARRAY_SIZE(bits)];
    unsigned int order = rnd() % 4 ? rnd() % 4 : rnd() % 12;
    unsigned long lim = b ? 1ul << (b - PAGE_SHIFT) : SIM_FRAMES, m, i, nr;
    bool xen = rnd() % 2, ok = true;
    struct page_info *pg;

    if ( xen )
    {
        void *v = alloc_xenheap_pages(order, MEMF_bits(b));

        pg = v ? virt_to_page(v) : NULL;
    }
    else
        pg = alloc_domheap_pages(NULL, order, MEMF_bits(b));
    if ( !pg )
        return CHECK(!free_block_exists(order, lim));

    m = mfn_x(page_to_mfn(pg));
    nr = 1ul << order;
    ok &= CHECK(IS_ALIGNED(m, nr));
    ok &= CHECK(m + nr <= lim);
    for ( i = 0; i < nr && ok; i++ )
    {
        unsigned long *p = mfn_to_virt(_mfn(m + i));

        ok &= CHECK(in_heap[m + i] && !in_use[m + i]);
        ok &= CHECK(!page_state_is(&pg[i], free));
        ok &= CHECK(!(pg[i].count_info & PGC_xen_heap) == !xen);
        ok &= CHECK(p[0] == 0 && p[PAGE_SIZE / sizeof(*p) - 1] == 0);
        in_use[m + i] = 1;
        p[0] = p[PAGE_SIZE / sizeof(*p) - 1] = m + i;   /* the user's data */
    }
    live[nr_live++] = (struct allocation){ m, order, xen };
    return ok;
}

static bool random_free(void)
{
    unsigned int k = rnd() % nr_live;
    struct allocation a = live[k];
    unsigned long i;
    bool ok = true;

    live[k] = live[--nr_live];
    for ( i = 0; i < (1ul << a.order); i++ )
    {
        const unsigned long *p = mfn_to_virt(_mfn(a.mfn + i));

        /* Nobody else wrote into it while it was ours. */
        ok &= CHECK(p[0] == a.mfn + i &&
                    p[PAGE_SIZE / sizeof(*p) - 1] == a.mfn + i);
        in_use[a.mfn + i] = 0;
    }
    if ( a.xen )
        free_xenheap_pages(mfn_to_virt(_mfn(a.mfn)), a.order);
    else
        free_domheap_pages(mfn_to_page(_mfn(a.mfn)), a.order);
    return ok;
}

static void random_run(uint64_t seed, unsigned int steps)
{
    static struct blk before[MAX_BLKS], after[MAX_BLKS];
    unsigned long total, used = 0;
    unsigned int n0, n1, step;

    boot();
    total = total_free_pages();
    n0 = snapshot(before);
    rng = seed;
    nr_live = 0;

    for ( step = 0; step < steps; step++ )
    {
        bool ok;

        if ( nr_live < MAX_LIVE && (!nr_live || rnd() % 100 < 55) )
            ok = random_alloc();
        else
            ok = random_free();
        if ( step % 97 == 0 )
            scrub_free_pages();
        if ( step % 500 == 0 )
        {
            unsigned long m;

            for ( used = 0, m = 0; m < SIM_FRAMES; m++ )
                used += in_use[m];
            ok &= CHECK_EQ(total_free_pages(), total - used);
            ok &= heap_consistent();
        }
        if ( !ok )
        {
            printf("  (seed %#lx, step %u)\n", (unsigned long)seed, step);
            return;
        }
    }

    while ( nr_live )
        random_free();
    CHECK_EQ(total_free_pages(), total);
    CHECK(heap_consistent());
    n1 = snapshot(after);
    CHECK_EQ(n1, n0);
    CHECK(n0 == n1 && !memcmp(before, after, n0 * sizeof(*before)));
}

TEST(random_alloc_free_seed1)
{
    random_run(0x9e3779b97f4a7c15ul, 6000);
}

TEST(random_alloc_free_seed2)
{
    random_run(0xdeadbeefcafef00dul, 6000);
}

TEST(random_alloc_free_seed3)
{
    random_run(42, 6000);
}

/* ---- Misuse. ---- */

static struct page_info *bad_pg;
static unsigned int bad_order;

static void do_free_domheap(void)
{
    free_domheap_pages(bad_pg, bad_order);
}

static void do_free_xenheap(void)
{
    free_xenheap_pages(page_to_virt(bad_pg), bad_order);
}

static bool free_bugs(void (*fn)(void), struct page_info *pg,
                      unsigned int order, const char *why)
{
    bool bugged;

    bad_pg = pg;
    bad_order = order;
    harness_log_clear();
    bugged = harness_panics(fn);
    stub_spin_release_all();
    return CHECK(bugged) && CHECK(strstr(harness_last_panic(), "BUG")) &&
           CHECK(harness_log_contains(why));
}

TEST(double_free_bugs)
{
    struct page_info *pg;
    unsigned long free;
    char msg[128];

    boot();
    pg = alloc_domheap_pages(NULL, 1, 0);
    free_domheap_pages(pg, 1);
    free = total_free_pages();
    snprintf(msg, sizeof(msg), "page_alloc: freeing mfn %05lx (block of "
             "order 1): it is free already (double free?)",
             mfn_x(page_to_mfn(pg)));
    CHECK(free_bugs(do_free_domheap, pg, 1, msg));
    CHECK_EQ(total_free_pages(), free);
    CHECK(heap_consistent());
}

TEST(free_of_unallocated_page_bugs)
{
    struct page_info *pg;

    boot();
    /* Free heap memory never allocated. */
    CHECK(free_bugs(do_free_domheap, mfn_to_page(_mfn(PFN_DOWN(1 * MB))), 0,
                    "it is free already (double free?)"));
    /* A block of order 1 starts at an even frame. */
    pg = alloc_domheap_pages(NULL, 1, 0);
    in_use[mfn_x(page_to_mfn(pg))] = in_use[mfn_x(page_to_mfn(pg)) + 1] = 1;
    CHECK(free_bugs(do_free_domheap, pg + 1, 1,
                    "is not the start of a block of that order"));
    /* Not RAM: the holes below 1 MiB and above 40 MiB. */
    CHECK(free_bugs(do_free_domheap, mfn_to_page(_mfn(0xa0)), 0,
                    "it is not RAM"));
    CHECK(free_bugs(do_free_domheap, mfn_to_page(_mfn(PFN_DOWN(40 * MB))), 2,
                    "it is not RAM"));
    CHECK(free_bugs(do_free_domheap, mfn_to_page(_mfn(0x9c)), 2,
                    "it is not RAM"));          /* 0x9f is not */
    CHECK(free_bugs(do_free_domheap, mfn_to_page(_mfn(1)), 1,
                    "is not the start of a block of that order"));
    CHECK(free_bugs(do_free_domheap, mfn_to_page(_mfn(0)), 2,
                    "is not the start of a block of that order"));
    CHECK(free_bugs(do_free_domheap, pg, MAX_ORDER + 1, "too large"));
    CHECK(heap_consistent());
}

TEST(heap_kind_mismatch_bugs)
{
    struct page_info *pg;
    void *v;

    boot();
    pg = alloc_domheap_pages(NULL, 0, 0);
    CHECK(free_bugs(do_free_xenheap, pg, 0, "it is not a Xen heap page"));
    v = alloc_xenheap_pages(0, 0);
    CHECK(v && (virt_to_page(v)->count_info & PGC_xen_heap));
    CHECK(free_bugs(do_free_domheap, virt_to_page(v), 0,
                    "it is a Xen heap page"));
    free_xenheap_pages(v, 0);
    free_domheap_pages(pg, 0);
    free_xenheap_pages(NULL, 0);
    CHECK(heap_consistent());
    CHECK_EQ(total_free_pages(), count_heap_frames());
}

/* ---- Owners. ---- */

TEST(domheap_owner_set_and_dropped)
{
    struct domain *d;
    struct page_info *pg;
    unsigned int i;

    boot();
    d = alloc_xenheap_pages(0, 0);          /* a struct domain's page */
    pg = alloc_domheap_pages(d, 2, 0);
    CHECK(pg != NULL);
    for ( i = 0; i < 4; i++ )
    {
        CHECK(page_get_owner(&pg[i]) == d);
        CHECK_EQ(pg[i].count_info, PGC_state_inuse);
        CHECK_EQ(pg[i].u.inuse.type_info, 0);
    }
    free_domheap_pages(pg, 2);
    pg = alloc_domheap_pages(NULL, 2, 0);
    for ( i = 0; i < 4; i++ )
        CHECK(page_get_owner(&pg[i]) == NULL);
    free_domheap_pages(pg, 2);
    pg = alloc_domheap_pages(d, 0, MEMF_no_owner);
    CHECK(page_get_owner(pg) == NULL);
    CHECK(page_get_owner(virt_to_page(d)) == NULL);
}

/* ---- Scrubbing. ---- */

TEST(allocation_is_zeroed_after_a_dirty_user)
{
    struct page_info *pg;
    unsigned long m, n;
    unsigned int tries;
    bool found = false;

    boot();
    pg = alloc_domheap_pages(NULL, 0, 0);
    m = mfn_x(page_to_mfn(pg));
    memset(page_to_virt(pg), 0xab, PAGE_SIZE);
    free_domheap_pages(pg, 0);
    CHECK(page_filled(m, 0xab));            /* not scrubbed yet */
    for ( tries = 0; tries < 100 && !found; tries++ )
    {
        pg = alloc_domheap_pages(NULL, 0, 0);
        found = mfn_x(page_to_mfn(pg)) == m;
    }
    CHECK(found);
    CHECK(page_filled(m, 0));

    /* Memory that held data before boot is zeroed too. */
    reset();
    feed_e820();
    for ( m = PFN_DOWN(1 * MB); m < PFN_DOWN(2 * MB); m++ )
        memset(mfn_to_virt(_mfn(m)), 0x5a, PAGE_SIZE);
    end_boot_allocator();
    for ( n = 0; (pg = alloc_domheap_pages(NULL, 4, MEMF_bits(21))); n++ )
        for ( m = 0; m < 16; m++ )
            CHECK(page_filled(mfn_x(page_to_mfn(pg)) + m, 0));
    /* 1-2 MiB, and 16-31, 32-63, 64-127, 128-143 below 640 KiB. */
    CHECK_EQ(n, 16 + 1 + 2 + 4 + 1);
}

TEST(no_scrub_leaves_contents)
{
    struct page_info *pg;
    unsigned long m;

    boot();
    pg = alloc_domheap_pages(NULL, 0, MEMF_bits(32));
    m = mfn_x(page_to_mfn(pg));
    memset(page_to_virt(pg), 0x77, PAGE_SIZE);
    free_domheap_pages(pg, 0);
    pg = alloc_domheap_pages(NULL, 0, MEMF_bits(32) | MEMF_no_scrub);
    CHECK_EQ(mfn_x(page_to_mfn(pg)), m);
    CHECK(page_filled(m, 0x77));
    CHECK_EQ(pg->u.inuse.type_info, 0);
}

TEST(scrub_free_pages_progresses_and_ends)
{
    unsigned long before, calls = 0, m, total;
    struct page_info *pg;
    bool ok = true;

    boot();
    total = total_free_pages();
    pg = alloc_domheap_pages(NULL, 3, 0);
    CHECK_EQ(dirty_pages, total - 8);
    free_domheap_pages(pg, 3);
    CHECK_EQ(dirty_pages, total);
    while ( (before = dirty_pages) )
    {
        bool more = scrub_free_pages();

        ok &= CHECK(dirty_pages < before);
        ok &= CHECK(before - dirty_pages <= SCRUB_BATCH);
        ok &= CHECK(more == (dirty_pages != 0));
        if ( !ok || ++calls > total )
            break;
    }
    CHECK_EQ(dirty_pages, 0);
    CHECK(!scrub_free_pages());
    CHECK(calls >= total / SCRUB_BATCH);
    CHECK(calls < 2 * total / SCRUB_BATCH + SIM_FRAMES / SCRUB_SCAN);
    for ( m = 0; m < SIM_FRAMES && ok; m++ )
        if ( in_heap[m] )
            ok &= CHECK(!mfn_to_page(_mfn(m))->u.free.need_scrub &&
                        page_filled(m, 0xc2));
    CHECK(heap_consistent());
    dump_heap();
    CHECK_LOG("Dirty (unscrubbed) pages: 0\n");

    /* Scrubbed pages are handed out zeroed, poison checked. */
    pg = alloc_domheap_pages(NULL, 2, 0);
    for ( m = 0; m < 4; m++ )
        CHECK(page_filled(mfn_x(page_to_mfn(pg)) + m, 0));
    /* Only freed pages are dirty again. */
    free_domheap_pages(pg, 2);
    CHECK_EQ(dirty_pages, 4);
    CHECK(scrub_free_pages());
    scrub_all();
    CHECK_EQ(dirty_pages, 0);
}

static unsigned long victim;

static void alloc_until_victim(void)
{
    unsigned int tries;

    for ( tries = 0; tries < 100000; tries++ )
        if ( mfn_x(page_to_mfn(alloc_domheap_pages(NULL, 0, 0))) == victim )
            return;
}

TEST(poison_catches_write_after_free)
{
    struct page_info *pg;
    unsigned char *p;
    char msg[160];

    boot();
    scrub_all();
    pg = alloc_domheap_pages(NULL, 0, 0);
    victim = mfn_x(page_to_mfn(pg));
    free_domheap_pages(pg, 0);
    scrub_all();
    CHECK(page_filled(victim, 0xc2));

    p = mfn_to_virt(_mfn(victim));
    p[0x123] = 0x00;                        /* a stale pointer's write */
    CHECK(harness_panics(alloc_until_victim));
    snprintf(msg, sizeof(msg), "page_alloc: free page mfn %05lx was written "
             "after it was freed: offset 0x120 holds 0xc2c2c2c200c2c2c2, not "
             "the poison 0xc2c2c2c2c2c2c2c2\n", victim);
    CHECK(harness_log_contains(msg));
    stub_spin_release_all();
}

/* ---- Memory given to the heap later. ---- */

static void do_init_twice(void)
{
    init_heap_pages(mfn_to_page(_mfn(0x900)), 4);
}

TEST(init_heap_pages_later_merges)
{
    struct blk b[MAX_BLKS];
    unsigned long s = PFN_DOWN(8 * MB), e = PFN_UP(9 * MB + 0x10);
    unsigned long free, m;
    unsigned int n, i;
    bool found = false;

    boot();
    free = total_free_pages();
    /* The module is no longer needed. */
    init_heap_pages(mfn_to_page(_mfn(s)), e - s);
    for ( m = s; m < e; m++ )
        in_heap[m] = 1;
    CHECK_EQ(total_free_pages(), free + e - s);
    CHECK(heap_consistent());
    /* 8-16 MiB is one order-11 block now. */
    n = snapshot(b);
    for ( i = 0; i < n; i++ )
        found |= b[i].mfn == PFN_DOWN(8 * MB) && b[i].order == 11;
    CHECK(found);

    /* Giving the heap what it holds already is a BUG. */
    CHECK(harness_panics(do_init_twice));
    stub_spin_release_all();
    CHECK_LOG("init_heap_pages: mfn 00900 is in the heap already\n");
    CHECK(heap_consistent());

    /* Memory no one knew about becomes RAM. */
    init_heap_pages(mfn_to_page(_mfn(PFN_DOWN(4 * GB + 60 * MB))), 16);
    CHECK(is_ram(PFN_DOWN(4 * GB + 60 * MB) + 15));
    CHECK_EQ(max_page, PFN_DOWN(4 * GB + 60 * MB) + 16);
    CHECK_EQ(total_free_pages(), free + e - s + 16);
}
