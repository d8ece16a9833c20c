/*
 * test_xmalloc.c: the hypervisor heap (xen/common/xmalloc.c).
 *
 * The module is #included, so that heap_consistent() can walk its pages,
 * free lists and table of large blocks and check every invariant the
 * allocator relies on (blocks tile each page, neighbours agree on sizes,
 * no two free blocks touch, free memory still holds its poison, guards are
 * intact, the statistics add up); the random stress case runs it often.
 *
 * The heap is linked against stand-ins for what it uses:
 *   - alloc_xenheap_pages()/free_xenheap_pages() hand out page-aligned
 *     host memory and keep a table of what is out, so a case can check
 *     that every page came back, with the order it went out with, and
 *     that the heap never calls them with its lock held. They can be told
 *     to fail, to test running out of memory;
 *   - _spin_lock_irqsave()/_spin_unlock_irqrestore() check that the lock
 *     is taken and released in pairs, with interrupts off while held.
 * Every case ends with settled(): no page out, no lock held, no misuse
 * seen, interrupts as they were. The detection cases corrupt memory on
 * purpose, catch the BUG() with harness_panics(), then repair what they
 * broke so the heap can be emptied.
 */
#include "../../../xen/common/xmalloc.c"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asm/system.h>

#include "harness.h"

/* What the heap's layout makes of a request (checked by dump_output). */
#define HDR     16
#define GUARD   8

/* ---- Page allocator stand-in. ---- */

#define MAX_PAGE_BLOCKS 16384

static struct { void *va; unsigned int order; } blocks[MAX_PAGE_BLOCKS];
static unsigned int nr_blocks;
static unsigned long pages_out, page_allocs;
static unsigned int fail_page_allocs;   /* fail this many next calls */
static unsigned int misuse;             /* protocol violations seen */
static bool lock_held;
static const spinlock_t *held_lock;

void *alloc_xenheap_pages(unsigned int order, unsigned int memflags)
{
    void *va;

    if ( lock_held || memflags || order > MAX_ORDER )
        misuse++;
    page_allocs++;
    if ( fail_page_allocs )
    {
        fail_page_allocs--;
        return NULL;
    }
    if ( nr_blocks == MAX_PAGE_BLOCKS )
        return NULL;
    va = aligned_alloc(PAGE_SIZE, PAGE_SIZE << order);
    if ( !va )
        return NULL;
    memset(va, 0xee, PAGE_SIZE << order);   /* whatever was there */
    blocks[nr_blocks].va = va;
    blocks[nr_blocks].order = order;
    nr_blocks++;
    pages_out += 1ul << order;
    return va;
}

static int page_block(const void *va)
{
    unsigned int i;

    for ( i = 0; i < nr_blocks; i++ )
        if ( blocks[i].va == va )
            return i;
    return -1;
}

void free_xenheap_pages(void *va, unsigned int order)
{
    int i = page_block(va);

    if ( lock_held || i < 0 || blocks[i].order != order )
    {
        misuse++;
        return;
    }
    memset(va, 0xdd, PAGE_SIZE << order);
    free(va);
    blocks[i] = blocks[--nr_blocks];
    pages_out -= 1ul << order;
}

/* ---- Lock stand-in. ---- */

unsigned long _spin_lock_irqsave(spinlock_t *lock)
{
    unsigned long flags;

    local_irq_save(flags);
    if ( lock_held )
        misuse++;
    lock_held = true;
    held_lock = lock;
    return flags;
}

void _spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
    if ( !lock_held || lock != held_lock || local_irq_is_enabled() )
        misuse++;
    lock_held = false;
    local_irq_restore(flags);
}

static bool heap_consistent(void);

/* Every case ends here: everything given back, nothing left locked. */
static void settled(void)
{
    CHECK(heap_consistent());
    CHECK_EQ(pages_out, 0);
    CHECK_EQ(nr_blocks, 0);
    CHECK_EQ(misuse, 0);
    CHECK(!lock_held);
    CHECK(local_irq_is_enabled());
    fail_page_allocs = 0;
    misuse = 0;
}

/* ---- Helpers. ---- */

static bool all_bytes(const void *p, unsigned long n, uint8_t v)
{
    const uint8_t *c = p;
    unsigned long i;

    for ( i = 0; i < n; i++ )
        if ( c[i] != v )
            return false;
    return true;
}

static bool aligned(const void *p, unsigned long a)
{
    return a <= 1 || !((uintptr_t)p & (a - 1));
}

static bool overlap(const void *a, unsigned long na, const void *b,
                    unsigned long nb)
{
    const uint8_t *x = a, *y = b;

    return x < y + nb && y < x + na;
}

/* ---- The heap's invariants. ---- */

#define INVARIANT(c) do {                                                   \
    if ( !(c) )                                                             \
    {                                                                       \
        printf("  heap invariant broken at %s:%d: %s\n", __FILE__,         \
               __LINE__, #c);                                               \
        return false;                                                       \
    }                                                                       \
} while ( 0 )

static struct {
    unsigned long pool_pages, used_blocks, used_bytes, req_bytes;
    unsigned long free_blocks;
    unsigned long large_blocks, large_pages, large_bytes;
} walk;

static bool on_free_list(struct xmalloc_block *b)
{
    struct xmalloc_block *x;

    for ( x = free_head[b->size / GRAIN]; x; x = links(x)->next )
        if ( x == b )
            return true;
    return false;
}

static bool block_consistent(struct xmalloc_block *b, unsigned int prev_size,
                             bool prev_free)
{
    INVARIANT(b->magic == MAGIC_USED || b->magic == MAGIC_FREE);
    INVARIANT(b->size % GRAIN == 0 && b->size >= MIN_BLOCK);
    INVARIANT(page_off(b) + b->size <= PAGE_SIZE);
    INVARIANT(b->prev_size == prev_size);
    if ( b->magic == MAGIC_FREE )
    {
        INVARIANT(!prev_free);              /* merged with its neighbours */
        INVARIANT(b->size < PAGE_SIZE);     /* free pages go back */
        INVARIANT(on_free_list(b));
        INVARIANT(!IS_ENABLED(CONFIG_DEBUG) ||
                  !pattern_mismatch(block_at(b, MIN_BLOCK),
                                    b->size - MIN_BLOCK, POISON_FREE));
        walk.free_blocks++;
        return true;
    }
    INVARIANT(HDR_SIZE + b->req + GUARD_MIN <= b->size);
    INVARIANT(!IS_ENABLED(CONFIG_DEBUG) ||
              !pattern_mismatch((uint8_t *)(b + 1) + b->req,
                                b->size - HDR_SIZE - b->req, POISON_GUARD));
    walk.used_blocks++;
    walk.used_bytes += b->size;
    walk.req_bytes += b->req;
    return true;
}

static bool page_consistent(void *page)
{
    unsigned int off = 0, prev_size = 0;
    bool prev_free = false;
    struct xmalloc_block *b;

    while ( off < PAGE_SIZE )
    {
        b = block_at(page, off);
        if ( !block_consistent(b, prev_size, prev_free) )
            return false;
        prev_free = b->magic == MAGIC_FREE;
        prev_size = b->size;
        off += b->size;
    }
    INVARIANT(off == PAGE_SIZE);
    return true;
}

static bool lists_consistent(void)
{
    unsigned long listed = 0;
    struct xmalloc_block *b;
    unsigned int c;

    for ( c = 0; c < NR_CLASSES; c++ )
    {
        INVARIANT(!free_head[c] == !test_bit(c, free_map));
        INVARIANT(!free_head[c] || !links(free_head[c])->prev);
        for ( b = free_head[c]; b; b = links(b)->next )
        {
            INVARIANT(b->magic == MAGIC_FREE && b->size == c * GRAIN);
            INVARIANT(!links(b)->next || links(links(b)->next)->prev == b);
            listed++;
        }
    }
    INVARIANT(listed == walk.free_blocks);
    return true;
}

/* Walk every page the heap holds: the pool's, and the large blocks. */
static bool heap_consistent(void)
{
    struct large_block *r;
    unsigned int i;

    memset(&walk, 0, sizeof(walk));
    for ( i = 0; i < nr_blocks; i++ )
    {
        r = *large_link(blocks[i].va);
        if ( !r )
        {
            INVARIANT(blocks[i].order == 0);
            walk.pool_pages++;
            if ( !page_consistent(blocks[i].va) )
                return false;
            continue;
        }
        INVARIANT(r->order == blocks[i].order);
        INVARIANT(!IS_ENABLED(CONFIG_DEBUG) ||
                  !pattern_mismatch((uint8_t *)r->va + r->size,
                                    (PAGE_SIZE << r->order) - r->size,
                                    POISON_GUARD));
        walk.large_blocks++;
        walk.large_pages += 1ul << r->order;
        walk.large_bytes += r->size;
    }
    if ( !lists_consistent() )
        return false;
    INVARIANT(walk.pool_pages == stats.pool_pages);
    INVARIANT(walk.used_blocks == stats.used_blocks);
    INVARIANT(walk.used_bytes == stats.used_bytes);
    INVARIANT(walk.req_bytes == stats.req_bytes);
    INVARIANT(walk.large_blocks == stats.large_blocks);
    INVARIANT(walk.large_pages == stats.large_pages);
    INVARIANT(walk.large_bytes == stats.large_bytes);
    return true;
}

/* ---- Requests and alignment. ---- */

static const unsigned long sizes[] = {
    1, 2, 3, 7, 8, 13, 16, 17, 31, 33, 63, 100, 255, 257, 1000, 2047,
    2049, 3001, 4000, 4050, 4095, 4096, 4097, 5000, 12345, 65537,
};

TEST(alignment_every_power_of_two)
{
    static void *p[13][ARRAY_SIZE(sizes)];
    unsigned int a, s, a2, s2;
    bool ok = true;

    for ( a = 0; a <= 12; a++ )
        for ( s = 0; s < ARRAY_SIZE(sizes); s++ )
        {
            p[a][s] = _xmalloc(sizes[s], 1ul << a);
            CHECK(p[a][s]);
            CHECK(aligned(p[a][s], 1ul << a));
            if ( p[a][s] )
                memset(p[a][s], a * 32 + s, sizes[s]);
        }

    /* All live together: no two overlap, nothing was overwritten. */
    for ( a = 0; a <= 12; a++ )
        for ( s = 0; s < ARRAY_SIZE(sizes); s++ )
        {
            ok &= all_bytes(p[a][s], sizes[s], a * 32 + s);
            for ( a2 = 0; a2 <= 12; a2++ )
                for ( s2 = 0; s2 < ARRAY_SIZE(sizes); s2++ )
                    if ( (a2 != a || s2 != s) &&
                         overlap(p[a][s], sizes[s], p[a2][s2], sizes[s2]) )
                        ok = false;
        }
    CHECK(ok);
    CHECK(heap_consistent());

    for ( a = 0; a <= 12; a++ )
        for ( s = 0; s < ARRAY_SIZE(sizes); s++ )
            xfree(p[a][s]);
    settled();
}

TEST(align_zero_means_any)
{
    void *p = _xmalloc(24, 0);

    CHECK(p);
    xfree(p);
    settled();
}

TEST(typed_allocations_use_the_type_alignment)
{
    struct big { char c[300]; } __attribute__((aligned(256)));
    struct big *b = xmalloc(struct big);
    uint64_t *q = xmalloc(uint64_t);
    uint16_t *arr = xmalloc_array(uint16_t, 10);
    char *bytes = xmalloc_bytes(5);

    CHECK(b && aligned(b, 256));
    CHECK(q && aligned(q, 8));
    CHECK(arr && aligned(arr, 2));
    CHECK(bytes && aligned(bytes, XMALLOC_DEFAULT_ALIGN));
    xfree(b);
    xfree(q);
    xfree(arr);
    xfree(bytes);
    settled();
}

TEST(invalid_requests_return_null)
{
    unsigned long before = page_allocs;

    CHECK(!_xmalloc(0, 8));
    CHECK(!_xzalloc(0, 8));
    CHECK(!xmalloc_bytes(0));
    CHECK(!_xmalloc(16, 3));
    CHECK(!_xmalloc(16, 24));
    CHECK(!_xmalloc(16, 2 * PAGE_SIZE));
    CHECK(!_xmalloc(~0ul, 8));
    CHECK(!_xmalloc((PAGE_SIZE << MAX_ORDER) + 1, 8));
    CHECK_EQ(page_allocs, before);
    xfree(NULL);
    settled();
}

TEST(array_size_overflow_returns_null)
{
    unsigned long before = page_allocs;
    uint32_t *a;

    CHECK(!xmalloc_array(uint64_t, ~0ul / 4));
    CHECK(!xmalloc_array(uint64_t, ~0ul / 8 + 1));
    CHECK(!xzalloc_array(uint64_t, ~0ul / 8 + 1));
    CHECK(!xmalloc_array(uint32_t, 1ul << 62));
    CHECK(!xmalloc_array(char, 0));
    CHECK_EQ(page_allocs, before);

    a = xzalloc_array(uint32_t, 1000);
    CHECK(a && all_bytes(a, 4000, 0));
    xfree(a);
    settled();
}

TEST(xfree_clears_pointer_with_XFREE)
{
    char *p = xmalloc_bytes(10);

    XFREE(p);
    CHECK(!p);
    XFREE(p);
    settled();
}

/* ---- Contents. ---- */

TEST(fresh_memory_holds_a_nonzero_pattern)
{
    uint8_t *keep = xmalloc_bytes(64), *p = xmalloc_bytes(64);
    uint8_t *big = _xmalloc(3 * PAGE_SIZE, 0);

    CHECK(p[0] != 0 && all_bytes(p, 64, p[0]));
    CHECK(big[0] != 0 && all_bytes(big, 3 * PAGE_SIZE, big[0]));
    CHECK_EQ(big[0], p[0]);

    /* Old contents do not show through a new allocation. */
    memset(p, 0x11, 64);
    xfree(p);
    p = xmalloc_bytes(64);
    CHECK(all_bytes(p, 64, big[0]));

    xfree(p);
    xfree(keep);
    xfree(big);
    settled();
}

TEST(xzalloc_zeroes_reused_memory)
{
    static const unsigned long zs[] = { 1, 40, 200, 3000, 4096, 9000 };
    unsigned int i;
    uint8_t *p;
    struct s { uint64_t a[5]; } *s;

    for ( i = 0; i < ARRAY_SIZE(zs); i++ )
    {
        p = xmalloc_bytes(zs[i]);
        memset(p, 0xff, zs[i]);
        xfree(p);
        p = xzalloc_bytes(zs[i]);
        CHECK(p && all_bytes(p, zs[i], 0));
        xfree(p);
    }
    s = xzalloc(struct s);
    CHECK(s && all_bytes(s, sizeof(*s), 0));
    xfree(s);
    p = _xzalloc(100, 64);
    CHECK(p && aligned(p, 64) && all_bytes(p, 100, 0));
    xfree(p);
    settled();
}

/* ---- Large requests. ---- */

TEST(large_requests_get_whole_pages)
{
    uint8_t *a = _xmalloc(PAGE_SIZE, 8);
    uint8_t *b = _xmalloc(3 * PAGE_SIZE + 1, 64);
    uint8_t *c = _xmalloc(4081, 8);     /* too big for a pool page */
    uint8_t *d = _xmalloc(100, PAGE_SIZE);
    int i;

    i = page_block(a);
    CHECK(i >= 0 && blocks[i].order == 0);
    i = page_block(b);
    CHECK(i >= 0 && blocks[i].order == 2);
    i = page_block(c);
    CHECK(i >= 0 && blocks[i].order == 0);
    i = page_block(d);
    CHECK(i >= 0 && blocks[i].order == 0);
    /* Four blocks of 1 + 4 + 1 + 1 pages, and one pool page of records. */
    CHECK_EQ(pages_out, 8);

    memset(b, 0x42, 3 * PAGE_SIZE + 1);
    xfree(a);
    xfree(b);
    xfree(c);
    xfree(d);
    settled();
}

TEST(out_of_memory_returns_null_and_leaks_nothing)
{
    uint8_t *keep, *p;

    fail_page_allocs = 1;
    CHECK(!xmalloc_bytes(10));          /* the pool could not grow */
    CHECK(!fail_page_allocs);
    fail_page_allocs = 1;
    CHECK(!_xmalloc(8192, 0));          /* no page for the record */
    CHECK(!fail_page_allocs);

    keep = xmalloc_bytes(10);
    fail_page_allocs = 1;
    CHECK(!_xmalloc(8192, 0));          /* record fine, pages not */
    CHECK_EQ(pages_out, 1);
    fail_page_allocs = 10;
    CHECK(!_xmalloc(8192, 0));          /* neither */
    fail_page_allocs = 0;
    p = _xmalloc(8192, 0);
    CHECK(p);
    xfree(p);
    xfree(keep);
    settled();
}

/* ---- Pages go back. ---- */

TEST(pool_pages_are_returned_when_empty)
{
    static void *p[400];
    unsigned int i, j;

    for ( i = 0; i < ARRAY_SIZE(p); i++ )
        p[i] = xmalloc_bytes(100);      /* 128-byte blocks, 32 per page */
    CHECK_EQ(pages_out, ARRAY_SIZE(p) / 32 + 1);

    /* Free in a scattered order: pages go back as they empty. */
    for ( j = 0; j < 7; j++ )
        for ( i = j; i < ARRAY_SIZE(p); i += 7 )
            xfree(p[i]);
    settled();
}

/* ---- Reallocation. ---- */

TEST(realloc_keeps_contents)
{
    uint8_t *p, *q;
    unsigned long i;
    bool ok = true;

    p = _xrealloc(NULL, 50, 0);
    CHECK(p);
    for ( i = 0; i < 50; i++ )
        p[i] = i;

    p = _xrealloc(p, 200, 0);           /* grow */
    for ( i = 0; i < 50; i++ )
        ok &= p[i] == i;
    for ( i = 0; i < 200; i++ )
        p[i] = i;

    p = _xrealloc(p, 10000, 0);         /* small to large */
    CHECK(aligned(p, PAGE_SIZE));
    for ( i = 0; i < 200; i++ )
        ok &= p[i] == i;
    for ( i = 0; i < 10000; i++ )
        p[i] = i * 7;

    q = _xrealloc(p, 12000, 0);         /* same order: stays */
    CHECK(q == p);
    for ( i = 0; i < 10000; i++ )
        ok &= q[i] == (uint8_t)(i * 7);

    p = _xrealloc(q, 100, 0);           /* large to small */
    CHECK(!aligned(p, PAGE_SIZE));
    for ( i = 0; i < 100; i++ )
        ok &= p[i] == (uint8_t)(i * 7);

    q = _xrealloc(p, 60, 0);            /* shrink: stays */
    CHECK(q == p);
    for ( i = 0; i < 60; i++ )
        ok &= q[i] == (uint8_t)(i * 7);

    p = _xrealloc(q, 60, 512);          /* new alignment: moves */
    CHECK(aligned(p, 512));
    for ( i = 0; i < 60; i++ )
        ok &= p[i] == (uint8_t)(i * 7);
    CHECK(ok);

    CHECK(!_xrealloc(p, 0, 0));         /* frees */
    settled();
}

TEST(realloc_failure_leaves_block_alone)
{
    uint8_t *p = xmalloc_bytes(100);

    memset(p, 0x3c, 100);
    fail_page_allocs = 100;
    CHECK(!_xrealloc(p, 100000, 0));
    CHECK(!_xrealloc(p, 3960, 8));      /* would need a new pool page */
    fail_page_allocs = 0;
    CHECK(!_xrealloc(p, 200, 3));       /* bad alignment */
    CHECK(!_xrealloc(p, ~0ul, 8));
    CHECK(all_bytes(p, 100, 0x3c));
    xfree(p);
    settled();
}

/* ---- Stress. ---- */

#define SLOTS 512

static struct slot {
    uint8_t *p;
    unsigned long size, align;
    uint8_t tag;
} slots[SLOTS];

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static unsigned long rnd_size(void)
{
    unsigned int r = rnd() % 100;

    if ( r < 70 )
        return 1 + rnd() % 256;
    if ( r < 90 )
        return 257 + rnd() % 2800;
    if ( r < 98 )
        return 3000 + rnd() % 6000;
    return 9000 + rnd() % 30000;
}

static unsigned long rnd_align(void)
{
    unsigned int r = rnd() % 100;

    if ( r < 40 )
        return 0;
    if ( r < 85 )
        return 1ul << (rnd() % 5);
    return 1ul << (rnd() % 13);
}

static bool overlaps_any(unsigned int self, const uint8_t *p,
                         unsigned long n)
{
    unsigned int i;

    for ( i = 0; i < SLOTS; i++ )
        if ( i != self && slots[i].p &&
             overlap(p, n, slots[i].p, slots[i].size) )
            return true;
    return false;
}

static bool stress_alloc(unsigned int i, uint8_t tag)
{
    struct slot *s = &slots[i];
    bool zero = rnd() % 8 == 0;
    bool ok;

    s->size = rnd_size();
    s->align = rnd_align();
    s->p = zero ? _xzalloc(s->size, s->align) : _xmalloc(s->size, s->align);
    if ( !s->p )
        return false;
    ok = aligned(s->p, s->align) && !overlaps_any(i, s->p, s->size) &&
         (!zero || all_bytes(s->p, s->size, 0));
    s->tag = tag;
    memset(s->p, tag, s->size);
    return ok;
}

static bool stress_free(unsigned int i)
{
    struct slot *s = &slots[i];
    bool ok = all_bytes(s->p, s->size, s->tag);

    xfree(s->p);
    s->p = NULL;
    return ok;
}

static bool stress_realloc(unsigned int i, uint8_t tag)
{
    struct slot *s = &slots[i];
    unsigned long size = rnd_size(), align = rnd_align();
    uint8_t *q = _xrealloc(s->p, size, align);
    bool ok;

    if ( !q )
        return false;
    ok = aligned(q, align) &&
         all_bytes(q, size < s->size ? size : s->size, s->tag);
    s->p = q;
    s->size = size;
    s->align = align;
    ok &= !overlaps_any(i, q, size);
    s->tag = tag;
    memset(q, tag, size);
    return ok;
}

TEST(random_alloc_free_realloc)
{
    unsigned int op, i, bad = 0;
    uint8_t tag = 0;

    rng_state = 0x9e3779b97f4a7c15ull;
    memset(slots, 0, sizeof(slots));
    for ( op = 0; op < 30000; op++ )
    {
        i = rnd() % SLOTS;
        tag = tag % 250 + 1;
        if ( !slots[i].p )
            bad += !stress_alloc(i, tag);
        else if ( rnd() % 3 )
            bad += !stress_free(i);
        else
            bad += !stress_realloc(i, tag);
        if ( op % 250 == 0 && !heap_consistent() )
            bad++;
        if ( op % 1000 == 0 )
        {
            dump_xmalloc();     /* asserts the accounting adds up */
            harness_log_clear();
        }
    }
    CHECK_EQ(bad, 0);
    CHECK(pages_out > 0);

    for ( i = 0; i < SLOTS; i++ )
        if ( slots[i].p )
            bad += !stress_free(i);
    CHECK_EQ(bad, 0);
    dump_xmalloc();
    CHECK_LOG("xmalloc: 0 pages held in total");
    settled();
}

/* ---- Misuse detection. ---- */

static uint8_t *victim, *keep1, *keep2, *got;
static unsigned long victim_size;

static void do_xfree_victim(void)
{
    xfree(victim);
}

static void do_alloc_victim_size(void)
{
    got = xmalloc_bytes(victim_size);
}

static void do_xfree_keep1(void)
{
    xfree(keep1);
}

static void do_realloc_victim(void)
{
    victim = _xrealloc(victim, victim_size * 2, 0);
}

static char expect[256];

TEST(write_after_free_detected_on_reuse)
{
    uint8_t saved;

    keep1 = xmalloc_bytes(64);
    victim = xmalloc_bytes(64);
    keep2 = xmalloc_bytes(64);
    xfree(victim);              /* a lone 96-byte free block */
    saved = victim[40];
    victim[40] ^= 0xff;

    victim_size = 64;           /* the best fit: that very block */
    CHECK(harness_panics(do_alloc_victim_size));
    CHECK_LOG("xmalloc: write after free at ");
    snprintf(expect, sizeof(expect), "write after free at %p (free block %p",
             victim + 40, victim);
    CHECK(harness_log_contains(expect));

    victim[40] = saved;         /* repaired: the allocation succeeds */
    harness_log_clear();
    CHECK(!harness_panics(do_alloc_victim_size));
    CHECK(got == victim);
    xfree(got);
    xfree(keep2);
    xfree(keep1);
    settled();
}

TEST(write_after_free_detected_when_page_returns)
{
    uint8_t saved;
    void *p;

    keep1 = xmalloc_bytes(64);
    victim = xmalloc_bytes(64);
    xfree(victim);
    saved = victim[300];        /* inside the page's free tail */
    victim[300] = 0;

    CHECK(harness_panics(do_xfree_keep1));
    snprintf(expect, sizeof(expect), "xmalloc: write after free at %p",
             victim + 300);
    CHECK(harness_log_contains(expect));
    CHECK_EQ(pages_out, 1);     /* the page is kept, all free */

    victim[300] = saved;
    p = xmalloc_bytes(8);
    xfree(p);                   /* now it goes back */
    settled();
}

TEST(overrun_by_one_byte_detected)
{
    uint8_t saved;

    victim = xmalloc_bytes(37);
    saved = victim[37];
    victim[37] = 0;
    CHECK(harness_panics(do_xfree_victim));
    snprintf(expect, sizeof(expect),
             "xmalloc: buffer overrun: byte 0 past the end written, in block at %p (size 37)",
             victim);
    CHECK(harness_log_contains(expect));

    /* Anywhere in the slack up to the end of the block, too. */
    harness_log_clear();
    victim[37] = saved;
    saved = victim[47];
    victim[47] = 0;
    CHECK(harness_panics(do_xfree_victim));
    CHECK_LOG("byte 10 past the end written");

    victim[47] = saved;
    CHECK(!harness_panics(do_xfree_victim));
    settled();
}

TEST(overrun_of_large_block_detected)
{
    uint8_t saved;

    victim = _xmalloc(5000, 0);
    saved = victim[5000];
    victim[5000] = 0;
    CHECK(harness_panics(do_xfree_victim));
    snprintf(expect, sizeof(expect), "in block at %p (size 5000)", victim);
    CHECK_LOG("xmalloc: buffer overrun");
    CHECK(harness_log_contains(expect));
    victim[5000] = saved;
    xfree(victim);
    settled();
}

TEST(overrun_detected_by_realloc)
{
    uint8_t saved;

    victim = xmalloc_bytes(20);
    victim_size = 20;
    saved = victim[21];
    victim[21] = 1;
    CHECK(harness_panics(do_realloc_victim));
    CHECK_LOG("xmalloc: buffer overrun: byte 1 past the end");
    victim[21] = saved;
    CHECK(!harness_panics(do_realloc_victim));
    xfree(victim);
    settled();
}

TEST(double_free_detected)
{
    keep1 = xmalloc_bytes(64);
    victim = xmalloc_bytes(64);
    xfree(victim);
    CHECK(harness_panics(do_xfree_victim));
    snprintf(expect, sizeof(expect), "xfree: double free of %p", victim);
    CHECK(harness_log_contains(expect));
    xfree(keep1);
    settled();
}

TEST(double_free_of_merged_block_detected)
{
    uint8_t *a;

    a = xmalloc_bytes(64);
    victim = xmalloc_bytes(64);
    keep1 = xmalloc_bytes(64);
    xfree(a);
    xfree(victim);              /* merged into a's block: no header left */
    CHECK(harness_panics(do_xfree_victim));
    CHECK_LOG("was not allocated by xmalloc (bad magic");
    xfree(keep1);
    settled();
}

TEST(double_free_of_large_block_detected)
{
    victim = _xmalloc(2 * PAGE_SIZE, 0);
    xfree(victim);
    CHECK(harness_panics(do_xfree_victim));
    snprintf(expect, sizeof(expect),
             "xfree: %p was not allocated by xmalloc or was already freed",
             victim);
    CHECK(harness_log_contains(expect));
    settled();
}

TEST(bad_pointers_detected)
{
    static uint8_t junk[512] __attribute__((aligned(64)));
    uint8_t *p = xmalloc_bytes(100);
    void *page = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

    memset(junk, 'z', sizeof(junk));
    victim = junk + 64;
    CHECK(harness_panics(do_xfree_victim));
    snprintf(expect, sizeof(expect),
             "xfree: %p was not allocated by xmalloc (bad magic 0x7a7a7a7a)",
             victim);
    CHECK(harness_log_contains(expect));

    memset(p, 'q', 100);
    victim = p + 32;            /* inside a block */
    CHECK(harness_panics(do_xfree_victim));
    CHECK_LOG("(bad magic 0x71717171)");

    victim = page;              /* page-aligned, not from xmalloc */
    CHECK(harness_panics(do_xfree_victim));
    CHECK_LOG("was not allocated by xmalloc or was already freed");

    victim = (uint8_t *)page + 8;   /* no room for a header in front */
    CHECK(harness_panics(do_xfree_victim));
    snprintf(expect, sizeof(expect),
             "xfree: %p was not allocated by xmalloc (no header)", victim);
    CHECK(harness_log_contains(expect));

    free(page);
    xfree(p);
    settled();
}

TEST(corrupt_header_detected)
{
    uint8_t saved[HDR];

    keep1 = xmalloc_bytes(64);
    victim = xmalloc_bytes(64);
    memcpy(saved, victim - HDR, HDR);
    victim[-HDR + 4] = 0x30;            /* an underrun hits the size */
    CHECK(harness_panics(do_xfree_victim));
    snprintf(expect, sizeof(expect),
             "xfree: corrupt header in front of %p (size 48, prev 96, req 64)",
             victim);
    CHECK(harness_log_contains(expect));

    memcpy(victim - HDR, saved, HDR);
    xfree(victim);
    xfree(keep1);
    settled();
}

/* ---- Locking. ---- */

TEST(interrupt_state_is_restored)
{
    void *p, *q;

    local_irq_disable();
    p = xmalloc_bytes(10);
    q = _xmalloc(3 * PAGE_SIZE, 0);
    CHECK(!local_irq_is_enabled());
    xfree(p);
    xfree(q);
    CHECK(!local_irq_is_enabled());
    local_irq_enable();
    settled();
}

/* ---- Statistics. ---- */

TEST(dump_output)
{
    void *p, *q;

    BUILD_BUG_ON((HDR + 100 + GUARD + 15) / 16 * 16 != 128);
    BUILD_BUG_ON((HDR + 32 + GUARD + 15) / 16 * 16 != 64);

    dump_xmalloc();
    CHECK_LOG("xmalloc: pool: 0 pages, 0 bytes in use in 0 blocks (0 requested), 0 bytes free in 0 blocks (largest 0)\n");
    CHECK_LOG("xmalloc: large: 0 pages in 0 blocks (0 bytes requested)\n");
    CHECK_LOG("xmalloc: 0 pages held in total\n");

    /*
     * 100 bytes: a 128-byte block. 5000 bytes: two pages, and a 32-byte
     * record in a 64-byte block.
     */
    p = xmalloc_bytes(100);
    q = _xmalloc(5000, 0);
    harness_log_clear();
    dump_xmalloc();
    CHECK_LOG("xmalloc: pool: 1 pages, 192 bytes in use in 2 blocks (132 requested), 3904 bytes free in 1 blocks (largest 3904)\n");
    CHECK_LOG("xmalloc: large: 2 pages in 1 blocks (5000 bytes requested)\n");
    CHECK_LOG("xmalloc: 3 pages held in total\n");

    xfree(p);
    xfree(q);
    settled();
}
