/*
 * page_alloc.c: the boot allocator and the buddy heap.
 *
 * Theory of operation.
 *
 * RAM. Every range of frames given to the boot allocator or to the heap is
 * recorded, merged with its neighbours, in ram_ranges, and max_page is one
 * past the highest of them. The heap only ever reads the frame-table
 * entries of these frames (is_ram()), so the frame table may leave holes
 * unmapped; it relies on the entries of RAM frames that it never owned
 * (the image, the boot modules, boot allocations) reading as zero, i.e.
 * "in use", which is what a zeroed frame table gives. Frames from
 * HEAP_MFN_LIMIT up (past the end of the direct map) are refused; below it
 * a frame number fits in a 32-bit page-list link.
 *
 * Boot allocator. Until the frame table exists, free memory is a sorted
 * array of disjoint, non-touching frame ranges (boot_ranges). Setup adds
 * the RAM of the memory map (rounded inwards to whole pages) and takes out
 * what is in use with reserve_boot_pages() (rounded outwards).
 * alloc_boot_pages() cuts its allocation from the top of the highest range
 * that can hold it, aligned, so that low memory stays free for whoever
 * needs it. end_boot_allocator() gives every remaining range to the heap;
 * after that the boot allocator must not be used.
 *
 * Zones. The heap is split by address: zone z >= 1 holds the frames
 * [2^z, 2^(z+1)), zone 0 the frames 0 and 1. A limit of the form "below
 * 2^bits bytes" (MEMF_bits) is thus a set of whole zones, 0 to
 * bits - PAGE_SHIFT - 1. Allocation searches from the highest zone allowed
 * down, so low memory is used last.
 *
 * Buddy blocks. Free memory is a set of blocks of 2^order frames, order 0
 * to MAX_ORDER, each aligned to its size, each inside one zone (only a
 * block starting at frame 0 could cross a zone boundary, so blocks at 0
 * are at most of order 1). The head page of a block is on the list
 * heap[zone][order]. Freeing a block merges it with its buddy (the other
 * half of the aligned block twice its size) for as long as the buddy is a
 * whole free block of the same order in the same zone, so free memory is
 * always the coarsest such decomposition of the free frames. Allocation
 * takes the smallest free block that is large enough, from the highest
 * zone that has one, and returns the halves it does not need to the lists.
 *
 * Page state. Every page of a free block has count_info = PGC_state_free,
 * v.free.zone set, and u.free.need_scrub saying whether its contents are
 * still those of its last user; the head also has u.free.is_head and
 * u.free.order. Allocated pages are PGC_state_inuse with a zero count.
 * Domain heap pages may carry an owner; Xen heap pages carry PGC_xen_heap.
 *
 * Scrubbing. Pages entering the heap (freed ones, and all memory at boot,
 * which may hold a previous user's data) need scrubbing; dirty_pages
 * counts them. Scrubbing fills a page with SCRUB_BYTE: zero in release
 * builds, the poison 0xc2 in debug builds. scrub_free_pages(), from the
 * idle loop, scrubs a bounded batch per call, walking the RAM frames with
 * a cursor. Allocation returns zeroed pages unless the caller passes
 * MEMF_no_scrub: a page still dirty is zeroed then; a scrubbed page is
 * already zero in release builds, while debug builds first check that its
 * poison is intact (a write into a free page is a use-after-free: BUG)
 * and then zero it. The zeroing and checking of an allocation happen
 * outside the lock: the pages belong to the caller by then.
 *
 * Locking: heap_lock protects the free lists, the counters, the scrub
 * cursor, ram_ranges after boot, and the frame-table entries of free
 * pages, including every change of a page's state between free and in
 * use. It is a leaf lock (map_lock, taken with interrupts disabled, takes
 * it to allocate page-table pages), so it is always taken with interrupts
 * disabled too: one IRQ discipline per lock, as debug builds check. The
 * heap is not meant to be used from interrupt handlers. Hold times are
 * bounded by one block: updating the entries of at most 2^MAX_ORDER pages
 * in an allocation, a free or init_heap_pages(), or one scrub batch.
 * The boot allocator takes no lock: it runs on the boot CPU alone.
 */
#include <asm/mm.h>
#include <xen/bitops.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/page_list.h>
#include <xen/spinlock.h>
#include <xen/string.h>

/* Frames from here on are not used: past the end of the direct map. */
#define HEAP_MFN_LIMIT \
    ((DIRECTMAP_VIRT_END - DIRECTMAP_VIRT_START) >> PAGE_SHIFT)

#define PFN_DOWN(a) ((a) >> PAGE_SHIFT)
#define PFN_UP(a)   (((a) + PAGE_SIZE - 1) >> PAGE_SHIFT)

/* ---- Sets of frame ranges. ---- */

struct frame_range {
    unsigned long s, e;         /* frames [s, e) */
};

/* Sorted, disjoint, and no range ends where the next one starts. */
struct range_set {
    struct frame_range *r;
    unsigned int nr, max;
};

#define NR_RAM_RANGES  128
#define NR_BOOT_RANGES 128

static struct frame_range ram_range_array[NR_RAM_RANGES];
static struct range_set ram_ranges = { ram_range_array, 0, NR_RAM_RANGES };
static struct frame_range boot_range_array[NR_BOOT_RANGES];
static struct range_set boot_ranges = { boot_range_array, 0, NR_BOOT_RANGES };

unsigned long max_page;

/*
 * Add [s, e) to set, merging it with the ranges it overlaps or touches.
 * Returns false, with the set unchanged, if it needs a new slot and the set
 * is full.
 */
static bool range_add(struct range_set *set, unsigned long s, unsigned long e)
{
    struct frame_range *r = set->r;
    unsigned int i = 0, j;

    while ( i < set->nr && r[i].e < s )
        i++;
    for ( j = i; j < set->nr && r[j].s <= e; j++ )
    {
        s = min(s, r[j].s);
        e = max(e, r[j].e);
    }

    if ( i == j )
    {
        if ( set->nr == set->max )
            return false;
        memmove(&r[i + 1], &r[i], (set->nr - i) * sizeof(*r));
        set->nr++;
    }
    else if ( j > i + 1 )
    {
        memmove(&r[i + 1], &r[j], (set->nr - j) * sizeof(*r));
        set->nr -= j - i - 1;
    }
    r[i].s = s;
    r[i].e = e;
    return true;
}

/*
 * Take [s, e) out of set, splitting a range that holds it strictly inside.
 * If the split needs a slot and the set is full, the smaller of the two
 * remainders is dropped too: returns how many frames were so lost.
 */
static unsigned long range_remove(struct range_set *set, unsigned long s,
                                  unsigned long e)
{
    struct frame_range *r = set->r;
    unsigned int i = 0;

    if ( s >= e )
        return 0;
    while ( i < set->nr && r[i].s < e )
    {
        if ( r[i].e <= s )
            i++;
        else if ( r[i].s < s && r[i].e > e )
        {
            unsigned long lo = s - r[i].s, hi = r[i].e - e;

            if ( set->nr == set->max )
            {
                if ( lo < hi )
                    r[i].s = e;
                else
                    r[i].e = s;
                return min(lo, hi);
            }
            memmove(&r[i + 1], &r[i], (set->nr - i) * sizeof(*r));
            set->nr++;
            r[i].e = s;
            r[i + 1].s = e;
            return 0;
        }
        else if ( r[i].s < s )
            r[i++].e = s;
        else if ( r[i].e > e )
            r[i++].s = e;
        else
        {
            memmove(&r[i], &r[i + 1], (set->nr - i - 1) * sizeof(*r));
            set->nr--;
        }
    }
    return 0;
}

/* Index of the range holding frame mfn, or -1. */
static int range_find(const struct range_set *set, unsigned long mfn)
{
    unsigned int lo = 0, hi = set->nr;

    while ( lo < hi )
    {
        unsigned int mid = (lo + hi) / 2;

        if ( mfn < set->r[mid].s )
            hi = mid;
        else if ( mfn >= set->r[mid].e )
            lo = mid + 1;
        else
            return mid;
    }
    return -1;
}

/* Record [s, e) as RAM. */
static bool ram_add(unsigned long s, unsigned long e)
{
    if ( !range_add(&ram_ranges, s, e) )
    {
        printk(XENLOG_ERR "page_alloc: no room to record RAM [%#lx, %#lx) "
               "(%u ranges already): ignored\n",
               s << PAGE_SHIFT, e << PAGE_SHIFT, ram_ranges.nr);
        return false;
    }
    max_page = ram_ranges.r[ram_ranges.nr - 1].e;
    return true;
}

/* Was frame mfn given to the allocator as RAM? (Its entry is then valid.) */
static bool is_ram(unsigned long mfn)
{
    return range_find(&ram_ranges, mfn) >= 0;
}

/* ---- Boot allocator. ---- */

static bool boot_allocator_done;

/* Clip [*s, *e) below HEAP_MFN_LIMIT; false if nothing is left. */
static bool clip_to_limit(unsigned long *s, unsigned long *e)
{
    if ( *e > HEAP_MFN_LIMIT )
    {
        printk(XENLOG_WARNING "page_alloc: ignoring RAM [%#lx, %#lx): above "
               "the direct map\n", max(*s, HEAP_MFN_LIMIT) << PAGE_SHIFT,
               *e << PAGE_SHIFT);
        *e = HEAP_MFN_LIMIT;
    }
    return *s < *e;
}

void init_boot_pages(paddr_t ps, paddr_t pe)
{
    unsigned long s, e;

    ASSERT(!boot_allocator_done);
    if ( pe <= ps )
        return;
    /* Stay clear of overflow in PFN_UP(). */
    s = ps >= (HEAP_MFN_LIMIT << PAGE_SHIFT) ? HEAP_MFN_LIMIT : PFN_UP(ps);
    e = PFN_DOWN(pe);
    if ( s >= e || !clip_to_limit(&s, &e) )
        return;

    if ( !ram_add(s, e) )
        return;
    if ( !range_add(&boot_ranges, s, e) )
        printk(XENLOG_ERR "Boot allocator: no room for free RAM [%#lx, %#lx) "
               "(%u ranges already): not used\n",
               s << PAGE_SHIFT, e << PAGE_SHIFT, boot_ranges.nr);
}

void reserve_boot_pages(paddr_t ps, paddr_t pe)
{
    unsigned long s = PFN_DOWN(ps), e, lost;

    ASSERT(!boot_allocator_done);
    if ( pe <= ps )
        return;
    e = pe > (HEAP_MFN_LIMIT << PAGE_SHIFT) ? HEAP_MFN_LIMIT : PFN_UP(pe);

    lost = range_remove(&boot_ranges, s, e);
    if ( lost )
        printk(XENLOG_ERR "Boot allocator: no room to split a range around "
               "reserved [%#lx, %#lx): %lu free pages lost\n", ps, pe, lost);
}

mfn_t alloc_boot_pages(unsigned long nr_pfns, unsigned long pfn_align)
{
    unsigned int i;

    if ( boot_allocator_done )
    {
        printk(XENLOG_ERR "alloc_boot_pages(%lu, %lu) after "
               "end_boot_allocator()\n", nr_pfns, pfn_align);
        BUG();
    }
    BUG_ON(!nr_pfns || !pfn_align || (pfn_align & (pfn_align - 1)));

    for ( i = boot_ranges.nr; i-- > 0; )
    {
        const struct frame_range *r = &boot_ranges.r[i];
        unsigned long s, lost;

        if ( r->e - r->s < nr_pfns )
            continue;
        s = ROUNDDOWN(r->e - nr_pfns, pfn_align);
        if ( s < r->s )
            continue;

        lost = range_remove(&boot_ranges, s, s + nr_pfns);
        if ( lost )
            printk(XENLOG_ERR "Boot allocator: no room to split a range: "
                   "%lu free pages lost\n", lost);
        return _mfn(s);
    }

    panic("Boot allocator: out of memory: no free range holds %lu pages "
          "aligned to %lu pages\n", nr_pfns, pfn_align);
}

void end_boot_allocator(void)
{
    unsigned int i;

    ASSERT(!boot_allocator_done);
    boot_allocator_done = true;

    for ( i = 0; i < boot_ranges.nr; i++ )
    {
        const struct frame_range *r = &boot_ranges.r[i];

        init_heap_pages(mfn_to_page(_mfn(r->s)), r->e - r->s);
    }
    boot_ranges.nr = 0;
}

/* ---- Buddy heap. ---- */

static DEFINE_SPINLOCK(heap_lock);

static struct page_list_head heap[NR_ZONES][MAX_ORDER + 1] = {
    [0 ... NR_ZONES - 1] = { [0 ... MAX_ORDER] = PAGE_LIST_HEAD_INIT }
};
static unsigned int heap_blocks[NR_ZONES][MAX_ORDER + 1]; /* list lengths */
static unsigned long zone_pages[NR_ZONES];  /* ever given to the heap */
static unsigned long zone_free[NR_ZONES];
static unsigned long total_pages, total_free, dirty_pages;
static unsigned long scrub_cursor;          /* next frame to look at */

/* Scrubbing fills pages with this; allocation leaves them zero. */
#define SCRUB_BYTE (IS_ENABLED(CONFIG_DEBUG) ? 0xc2 : 0)
#define SCRUB_WORD (0x0101010101010101ul * SCRUB_BYTE)

/* Per call of scrub_free_pages(): pages scrubbed, entries looked at. */
#define SCRUB_BATCH 8
#define SCRUB_SCAN  4096

static unsigned int mfn_zone(unsigned long mfn)
{
    return mfn ? flsl(mfn) - 1 : 0;
}

/* Highest zone that lies wholly below 2^bits bytes; -1 if none does. */
static int zone_below(unsigned int bits)
{
    if ( bits >= PAGE_SHIFT + NR_ZONES )
        return NR_ZONES - 1;
    return (int)bits - PAGE_SHIFT - 1;
}

/* Largest order of a block at mfn that fits in nr frames and one zone. */
static unsigned int block_order(unsigned long mfn, unsigned long nr)
{
    unsigned int order = mfn ? ffsl(mfn) - 1 : 1;

    order = min(order, (unsigned int)MAX_ORDER);
    return min(order, flsl(nr) - 1);
}

static void list_block(struct page_info *pg, unsigned int order)
{
    unsigned int zone = pg->v.free.zone;

    pg->u.free.is_head = true;
    pg->u.free.order = order;
    page_list_add(pg, &heap[zone][order]);
    heap_blocks[zone][order]++;
}

static void unlist_block(struct page_info *pg)
{
    unsigned int zone = pg->v.free.zone, order = pg->u.free.order;

    page_list_del(pg, &heap[zone][order]);
    heap_blocks[zone][order]--;
    pg->u.free.is_head = false;
}

/* Make nr pages from pg free and dirty, in their zone's count. */
static void mark_free(struct page_info *pg, unsigned long nr)
{
    unsigned int zone = mfn_zone(mfn_x(page_to_mfn(pg)));
    unsigned long i;

    ASSERT(spin_is_locked(&heap_lock));
    for ( i = 0; i < nr; i++ )
    {
        pg[i].count_info = PGC_state_free;
        pg[i].u.inuse.type_info = 0;
        pg[i].u.free.need_scrub = true;
        pg[i].v.free.zone = zone;
    }
    zone_free[zone] += nr;
    total_free += nr;
    dirty_pages += nr;
}

/* Make nr free pages from pg in use; u.free.need_scrub stays readable. */
static void mark_inuse(struct page_info *pg, unsigned long nr)
{
    unsigned int zone = pg->v.free.zone;
    unsigned long i;

    ASSERT(spin_is_locked(&heap_lock));
    for ( i = 0; i < nr; i++ )
    {
        ASSERT(page_state_is(&pg[i], free));
        if ( pg[i].u.free.need_scrub )
            dirty_pages--;
        pg[i].count_info = PGC_state_inuse;
    }
    zone_free[zone] -= nr;
    total_free -= nr;
}

/*
 * Put the block of free pages [mfn, mfn + 2^order) on the free lists,
 * merged with its buddy for as long as the buddy is a whole free block of
 * the same order in the same zone.
 */
static void coalesce_and_list(unsigned long mfn, unsigned int order)
{
    unsigned int zone = mfn_zone(mfn);

    ASSERT(spin_is_locked(&heap_lock));
    for ( ; order < MAX_ORDER; order++ )
    {
        unsigned long buddy = mfn ^ (1ul << order);
        struct page_info *bpg = mfn_to_page(_mfn(buddy));

        if ( !is_ram(buddy) || !page_state_is(bpg, free) ||
             !bpg->u.free.is_head || bpg->u.free.order != order ||
             bpg->v.free.zone != zone )
            break;
        unlist_block(bpg);
        mfn &= ~(1ul << order);
    }
    list_block(mfn_to_page(_mfn(mfn)), order);
}

/* Take a free block of 2^order pages in zones zone_hi..0; NULL if none. */
static struct page_info *take_block(int zone_hi, unsigned int order)
{
    struct page_info *pg;
    unsigned int j;
    int zone;

    ASSERT(spin_is_locked(&heap_lock));
    for ( zone = zone_hi; zone >= 0; zone-- )
    {
        if ( zone_free[zone] < (1ul << order) )
            continue;
        for ( j = order; j <= MAX_ORDER; j++ )
            if ( !page_list_empty(&heap[zone][j]) )
                goto found;
    }
    return NULL;

 found:
    pg = page_list_first(&heap[zone][j]);
    unlist_block(pg);
    while ( j > order )
    {
        j--;
        list_block(pg + (1ul << j), j);
    }
    mark_inuse(pg, 1ul << order);
    return pg;
}

static void scrub_page(struct page_info *pg)
{
    memset(page_to_virt(pg), SCRUB_BYTE, PAGE_SIZE);
}

/* Debug builds: a scrubbed free page must still hold the poison. */
static void check_poison(const struct page_info *pg)
{
    const unsigned long *p = page_to_virt(pg);
    unsigned int i;

    if ( !IS_ENABLED(CONFIG_DEBUG) )
        return;
    for ( i = 0; i < PAGE_SIZE / sizeof(*p); i++ )
    {
        if ( p[i] == SCRUB_WORD )
            continue;
        printk(XENLOG_ERR "page_alloc: free page mfn %" PRI_mfn " was written "
               "after it was freed: offset %#lx holds %#lx, not the poison "
               "%#lx\n", mfn_x(page_to_mfn(pg)), i * sizeof(*p), p[i],
               SCRUB_WORD);
        BUG();
    }
}

/*
 * Make freshly allocated pages ready for their user: zeroed unless
 * MEMF_no_scrub, poison checked in debug builds, the free-page fields
 * cleared. The pages are the caller's: no lock needed.
 */
static void prepare_pages(struct page_info *pg, unsigned int order,
                          unsigned int memflags)
{
    unsigned long i;

    for ( i = 0; i < (1ul << order); i++ )
    {
        bool dirty = pg[i].u.free.need_scrub;

        if ( !dirty )
            check_poison(&pg[i]);
        if ( !(memflags & MEMF_no_scrub) && (dirty || SCRUB_BYTE != 0) )
            memset(page_to_virt(&pg[i]), 0, PAGE_SIZE);
        pg[i].u.inuse.type_info = 0;
        pg[i].v.inuse.owner = 0;
    }
}

static struct page_info *alloc_heap_pages(unsigned int order,
                                          unsigned int memflags)
{
    unsigned int bits = memf_bits(memflags);
    int zone_hi = bits ? zone_below(bits) : NR_ZONES - 1;
    struct page_info *pg;
    unsigned long flags;

    if ( order > MAX_ORDER || zone_hi < 0 )
        return NULL;

    spin_lock_irqsave(&heap_lock, flags);
    pg = take_block(zone_hi, order);
    spin_unlock_irqrestore(&heap_lock, flags);

    if ( pg )
        prepare_pages(pg, order, memflags);
    return pg;
}

static void __noreturn bad_free(unsigned long mfn, unsigned int order,
                                const char *why)
{
    printk(XENLOG_ERR "page_alloc: freeing mfn %" PRI_mfn " (block of order "
           "%u): it %s\n", mfn, order, why);
    BUG();
}

/* BUG unless [mfn, mfn + 2^order) is an allocated block of the right kind. */
static void check_free_block(unsigned long mfn, unsigned int order,
                             bool xen_heap)
{
    unsigned long i, nr;
    int r = range_find(&ram_ranges, mfn);

    ASSERT(spin_is_locked(&heap_lock));
    if ( order > MAX_ORDER )
        bad_free(mfn, order, "is too large a block");
    nr = 1ul << order;
    if ( !IS_ALIGNED(mfn, nr) || (!mfn && order > 1) )
        bad_free(mfn, order, "is not the start of a block of that order");
    if ( r < 0 || mfn + nr > ram_ranges.r[r].e )
        bad_free(mfn, order, "is not RAM");

    for ( i = 0; i < nr; i++ )
    {
        const struct page_info *pg = mfn_to_page(_mfn(mfn + i));

        if ( page_state_is(pg, free) )
            bad_free(mfn + i, order, "is free already (double free?)");
        if ( xen_heap && !(pg->count_info & PGC_xen_heap) )
            bad_free(mfn + i, order, "is not a Xen heap page");
        if ( !xen_heap && (pg->count_info & PGC_xen_heap) )
            bad_free(mfn + i, order, "is a Xen heap page");
    }
}

static void free_heap_pages(struct page_info *pg, unsigned int order,
                            bool xen_heap)
{
    unsigned long mfn = mfn_x(page_to_mfn(pg)), flags;

    spin_lock_irqsave(&heap_lock, flags);
    check_free_block(mfn, order, xen_heap);
    mark_free(pg, 1ul << order);
    coalesce_and_list(mfn, order);
    spin_unlock_irqrestore(&heap_lock, flags);
}

void init_heap_pages(struct page_info *pg, unsigned long nr_pages)
{
    unsigned long mfn = mfn_x(page_to_mfn(pg)), end, flags;
    bool recorded;

    BUILD_BUG_ON(HEAP_MFN_LIMIT > PAGE_LIST_NULL);
    BUILD_BUG_ON(HEAP_MFN_LIMIT > (1ul << NR_ZONES));
    BUILD_BUG_ON(MAX_ORDER > 255);

    if ( !nr_pages || mfn >= HEAP_MFN_LIMIT )
        return;
    end = mfn + min(nr_pages, HEAP_MFN_LIMIT - mfn);
    if ( end - mfn < nr_pages )
        printk(XENLOG_WARNING "page_alloc: ignoring RAM [%#lx, %#lx): above "
               "the direct map\n", HEAP_MFN_LIMIT << PAGE_SHIFT,
               (mfn + nr_pages) << PAGE_SHIFT);

    spin_lock_irqsave(&heap_lock, flags);
    recorded = ram_add(mfn, end);
    spin_unlock_irqrestore(&heap_lock, flags);
    if ( !recorded )
        return;

    while ( mfn < end )
    {
        unsigned int order = block_order(mfn, end - mfn);
        unsigned long i, nr = 1ul << order;

        spin_lock_irqsave(&heap_lock, flags);
        for ( i = 0; i < nr; i++ )
            if ( page_state_is(&pg[i], free) )
            {
                printk(XENLOG_ERR "init_heap_pages: mfn %" PRI_mfn " is in the "
                       "heap already\n", mfn + i);
                BUG();
            }
        mark_free(pg, nr);
        zone_pages[mfn_zone(mfn)] += nr;
        total_pages += nr;
        coalesce_and_list(mfn, order);
        spin_unlock_irqrestore(&heap_lock, flags);

        mfn += nr;
        pg += nr;
    }
}

struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order,
                                      unsigned int memflags)
{
    struct page_info *pg = alloc_heap_pages(order, memflags);
    unsigned long i;

    if ( !pg || !d || (memflags & MEMF_no_owner) )
        return pg;
    for ( i = 0; i < (1ul << order); i++ )
        page_set_owner(&pg[i], d);
    return pg;
}

void free_domheap_pages(struct page_info *pg, unsigned int order)
{
    free_heap_pages(pg, order, false);
}

void *alloc_xenheap_pages(unsigned int order, unsigned int memflags)
{
    struct page_info *pg = alloc_heap_pages(order, memflags);
    unsigned long i;

    if ( !pg )
        return NULL;
    for ( i = 0; i < (1ul << order); i++ )
        pg[i].count_info |= PGC_xen_heap;
    return page_to_virt(pg);
}

void free_xenheap_pages(void *v, unsigned int order)
{
    if ( v )
        free_heap_pages(virt_to_page(v), order, true);
}

/* ---- Scrubbing and statistics. ---- */

/*
 * Scrub the dirty free pages among up to SCRUB_SCAN RAM frames from the
 * cursor on, at most SCRUB_BATCH of them, wrapping around at the top.
 */
bool scrub_free_pages(void)
{
    unsigned int scanned = 0, scrubbed = 0, i = 0;
    unsigned long mfn, flags;
    bool more;

    if ( !ACCESS_ONCE(dirty_pages) )
        return false;

    spin_lock_irqsave(&heap_lock, flags);
    mfn = scrub_cursor;
    while ( i < ram_ranges.nr && ram_ranges.r[i].e <= mfn )
        i++;
    while ( dirty_pages && scanned < SCRUB_SCAN && scrubbed < SCRUB_BATCH )
    {
        struct page_info *pg;

        if ( i == ram_ranges.nr )
            i = 0;
        if ( mfn < ram_ranges.r[i].s || mfn >= ram_ranges.r[i].e )
            mfn = ram_ranges.r[i].s;
        pg = mfn_to_page(_mfn(mfn));
        if ( page_state_is(pg, free) && pg->u.free.need_scrub )
        {
            scrub_page(pg);
            pg->u.free.need_scrub = false;
            dirty_pages--;
            scrubbed++;
        }
        scanned++;
        if ( ++mfn == ram_ranges.r[i].e )
            i++;
    }
    scrub_cursor = mfn;
    more = dirty_pages != 0;
    spin_unlock_irqrestore(&heap_lock, flags);

    return more;
}

unsigned long total_free_pages(void)
{
    return ACCESS_ONCE(total_free);
}

unsigned long avail_heap_pages_below(unsigned int bits)
{
    unsigned long nr = 0, flags;
    int zone;

    spin_lock_irqsave(&heap_lock, flags);
    for ( zone = zone_below(bits); zone >= 0; zone-- )
        nr += zone_free[zone];
    spin_unlock_irqrestore(&heap_lock, flags);
    return nr;
}

static void dump_zone(unsigned int zone)
{
    unsigned int blocks[MAX_ORDER + 1], order;
    unsigned long pages, free, flags;
    paddr_t start = zone ? 1ul << (zone + PAGE_SHIFT) : 0;
    paddr_t end = (1ul << (zone + PAGE_SHIFT + 1)) - 1;

    spin_lock_irqsave(&heap_lock, flags);
    pages = zone_pages[zone];
    free = zone_free[zone];
    memcpy(blocks, heap_blocks[zone], sizeof(blocks));
    spin_unlock_irqrestore(&heap_lock, flags);

    if ( !pages )
        return;
    printk(" Zone %2u [%" PRIpaddr ", %" PRIpaddr "]: %lu of %lu pages free; "
           "order:blocks", zone, start, end, free, pages);
    for ( order = 0; order <= MAX_ORDER; order++ )
        if ( blocks[order] )
            printk(" %u:%u", order, blocks[order]);
    printk("\n");
}

void dump_heap(void)
{
    unsigned int zone;

    printk("Heap: %lu of %lu pages free\n", ACCESS_ONCE(total_free),
           ACCESS_ONCE(total_pages));
    for ( zone = 0; zone < NR_ZONES; zone++ )
        dump_zone(zone);
    printk("Dirty (unscrubbed) pages: %lu\n", ACCESS_ONCE(dirty_pages));
}
