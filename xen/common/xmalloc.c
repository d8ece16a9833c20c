/*
 * xmalloc.c: the hypervisor's heap for objects of any size.
 *
 * Theory of operation
 * -------------------
 * Two allocators sit behind _xmalloc(), chosen by the request:
 *
 *   - Large requests (a page or more, page-aligned ones, and those too
 *     big for a pool page once alignment is paid for) get whole pages from alloc_xenheap_pages(),
 *     the size rounded up to a power-of-two number of pages. The pointer
 *     returned is the first page itself, so it is page-aligned. What xfree()
 *     needs to know (the order) lives in a record kept in a hash table keyed
 *     by the address; the records are themselves small pool objects.
 *
 *   - Small requests are served from a pool of single pages carved into
 *     blocks. Every block starts with a 16-byte header (magic, size of the
 *     block, size of the block below it in the page, bytes requested); the
 *     caller's memory follows the header at once. Blocks tile their page
 *     exactly, so the neighbours of a block are found from its own header.
 *     A free block keeps its free-list links in the 16 bytes after the
 *     header, so no block is smaller than 32 bytes; sizes are multiples of
 *     16, hence every small pointer is 16-byte aligned.
 *
 * Telling the two apart in xfree(): a small pointer always has its header
 * in front of it in the same page, so it is never page-aligned; a large one
 * always is. A page-aligned pointer is therefore looked up in the table of
 * large blocks (not found: not ours, or freed already), any other pointer
 * must have a valid header in front of it.
 *
 * Free blocks are kept on one list per size (every multiple of 16 from 32
 * to PAGE_SIZE), with a bitmap of the non-empty lists. A request takes a
 * block from the smallest non-empty list that certainly fits it: best
 * fit, in constant time. Alignments above 16 are paid by
 * searching for a block that fits the worst-case padding; the padding in
 * front of the aligned pointer is split off as a free block of its own
 * (at least 32 bytes, which is why the worst case is align + 16), so the
 * header still sits right before the pointer. The end of a block that is
 * not needed is split off as well. Freeing merges a block with free
 * neighbours at once; a pool page that becomes entirely free goes back to
 * the page allocator, so the pool never holds a free page.
 *
 * Debug builds (CONFIG_DEBUG) catch the usual misuses:
 *   - fresh memory is filled with POISON_UNINIT, not zero, so a read of
 *     uninitialised memory gives a recognisable value;
 *   - the bytes after the requested size, up to the end of the block (at
 *     least GUARD_MIN of them), are filled with POISON_GUARD and checked by
 *     xfree() and _xrealloc(): a write past the end is reported with the
 *     block's address and size, then BUG(). Large blocks have guard bytes
 *     in the unused end of their last page, when there is one;
 *   - free pool memory (everything after the links) holds POISON_FREE and
 *     is checked when it is handed out again and when its page is given
 *     back: a write after free is reported with the address written, then
 *     BUG().
 * All builds check the header magic in xfree() and _xrealloc(): a double
 * free (the block is still free) or a pointer xmalloc did not hand out is
 * reported and is a BUG(). A double free is not caught once the block has
 * been handed out again: it is then a valid block of someone else.
 *
 * Locking:
 * xmalloc_lock protects the free lists and their bitmap, the headers of
 * all pool blocks, the table of large blocks and the statistics. It is
 * taken with interrupts disabled (memory may be freed from interrupt
 * context) and is a leaf lock: nothing else is locked while it is held
 * (but the console's, to report a corruption), and in particular the page
 * allocator is only called with it released. A corruption found under the
 * lock is reported, then the lock is released before BUG(), so that the
 * crash path can still dump the heap.
 */

#include <xen/bitops.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/xmalloc.h>

/* ---- Layout and constants. ---- */

struct xmalloc_block {
    uint32_t magic;             /* MAGIC_USED or MAGIC_FREE */
    uint16_t size;              /* whole block, header included */
    uint16_t prev_size;         /* block below in the page; 0 if first */
    uint32_t req;               /* used: bytes requested */
    uint32_t pad;
};

/* In a free block, right after the header. */
struct free_links {
    struct xmalloc_block *next, *prev;
};

/* A large block: whole pages at va. */
struct large_block {
    struct large_block *next;   /* in its hash bucket */
    void *va;
    unsigned long size;         /* bytes requested */
    unsigned int order;
};

#define MAGIC_USED      0x3c6d7a91u
#define MAGIC_FREE      0xe5f0a2c4u

#define GRAIN           16u
#define HDR_SIZE        sizeof(struct xmalloc_block)
#define MIN_BLOCK       (HDR_SIZE + sizeof(struct free_links))
#define NR_CLASSES      (PAGE_SIZE / GRAIN + 1)
#define GUARD_MIN       (IS_ENABLED(CONFIG_DEBUG) ? 8u : 0u)
#define XMALLOC_MAX     (PAGE_SIZE << MAX_ORDER)
#define LARGE_BUCKETS   128

#define POISON_UNINIT   0xa7    /* allocated, not yet written */
#define POISON_GUARD    0x5d    /* past the requested size */
#define POISON_FREE     0xf1    /* free pool memory */

static DEFINE_SPINLOCK(xmalloc_lock);

static struct xmalloc_block *free_head[NR_CLASSES];
static unsigned long free_map[BITS_TO_LONGS(NR_CLASSES)];
static struct large_block *large_hash[LARGE_BUCKETS];

static struct {
    unsigned long pool_pages;   /* pages in the pool */
    unsigned long used_blocks;  /* used pool blocks */
    unsigned long used_bytes;   /* their sizes, headers included */
    unsigned long req_bytes;    /* bytes requested for them */
    unsigned long large_blocks;
    unsigned long large_pages;
    unsigned long large_bytes;  /* bytes requested for them */
} stats;

/* Release the lock before dying, so the crash path can use the heap. */
#define bug_unlocked(flags) do {                                        \
    spin_unlock_irqrestore(&xmalloc_lock, flags);                       \
    BUG();                                                              \
} while ( 0 )

/* ---- Requests. ---- */

static bool valid_request(unsigned long size, unsigned long align)
{
    return size && size <= XMALLOC_MAX &&
           !(align & (align - 1)) && align <= PAGE_SIZE;
}

/* Pool block size for size bytes: header, data, guard, rounded. */
static unsigned int block_need(unsigned long size)
{
    unsigned long n = ROUNDUP(HDR_SIZE + size + GUARD_MIN, GRAIN);

    return max_t(unsigned long, n, MIN_BLOCK);
}

/* A free block at least this big fits n bytes aligned to align. */
static unsigned long search_size(unsigned int n, unsigned long align)
{
    return align > GRAIN ? n + align + GRAIN : n;
}

static bool is_small(unsigned long size, unsigned long align)
{
    return size < PAGE_SIZE && align < PAGE_SIZE &&
           search_size(block_need(size), align) <= PAGE_SIZE;
}

/* ---- Debug patterns. ---- */

static const uint8_t *pattern_mismatch(const void *s, unsigned long n,
                                       uint8_t pat)
{
    const uint8_t *c = s, *end = c + n;

    for ( ; c < end; c++ )
        if ( *c != pat )
            return c;
    return NULL;
}

static void fill(void *s, unsigned long n, uint8_t pat)
{
    if ( IS_ENABLED(CONFIG_DEBUG) )
        memset(s, pat, n);
}

/* Data [p, p + req) fresh, guard [p + req, p + cap). */
static void fill_new(void *p, unsigned long req, unsigned long cap)
{
    fill(p, req, POISON_UNINIT);
    fill((uint8_t *)p + req, cap - req, POISON_GUARD);
}

static bool guard_intact(const void *p, unsigned long req, unsigned long cap)
{
    const uint8_t *bad;

    if ( !IS_ENABLED(CONFIG_DEBUG) )
        return true;
    bad = pattern_mismatch((const uint8_t *)p + req, cap - req, POISON_GUARD);
    if ( !bad )
        return true;
    printk("xmalloc: buffer overrun: byte %lu past the end written, in block at %p (size %lu)\n",
           (unsigned long)(bad - (const uint8_t *)p) - req, p, req);
    return false;
}

/* ---- Pool blocks. ---- */

static unsigned long page_off(const void *p)
{
    return (unsigned long)p & (PAGE_SIZE - 1);
}

static struct xmalloc_block *block_at(void *b, unsigned long off)
{
    return (struct xmalloc_block *)((uint8_t *)b + off);
}

static struct xmalloc_block *hdr_of(const void *p)
{
    return (struct xmalloc_block *)p - 1;
}

static struct free_links *links(struct xmalloc_block *b)
{
    return (struct free_links *)(b + 1);
}

static struct xmalloc_block *next_block(struct xmalloc_block *b)
{
    return page_off(b) + b->size < PAGE_SIZE ? block_at(b, b->size) : NULL;
}

static struct xmalloc_block *prev_block(struct xmalloc_block *b)
{
    if ( !page_off(b) )
        return NULL;
    return (struct xmalloc_block *)((uint8_t *)b - b->prev_size);
}

/* Tell the block above b how big b is now. */
static void fix_next_prev(struct xmalloc_block *b)
{
    struct xmalloc_block *n = next_block(b);

    if ( n )
        n->prev_size = b->size;
}

/* Free blocks at least 32 bytes into the block hold POISON_FREE. */
static bool free_block_intact(struct xmalloc_block *b, unsigned long len)
{
    const uint8_t *bad;

    if ( !IS_ENABLED(CONFIG_DEBUG) || len <= MIN_BLOCK )
        return true;
    bad = pattern_mismatch(block_at(b, MIN_BLOCK), len - MIN_BLOCK,
                           POISON_FREE);
    if ( !bad )
        return true;
    printk("xmalloc: write after free at %p (free block %p, %u bytes): %#x instead of %#x\n",
           bad, b + 1, b->size, *bad, POISON_FREE);
    return false;
}

/* ---- Free lists. ---- */

static void list_insert(struct xmalloc_block *b)
{
    unsigned int c = b->size / GRAIN;
    struct xmalloc_block *head = free_head[c];

    b->magic = MAGIC_FREE;
    b->req = 0;
    links(b)->prev = NULL;
    links(b)->next = head;
    if ( head )
        links(head)->prev = b;
    free_head[c] = b;
    __set_bit(c, free_map);
}

static void list_remove(struct xmalloc_block *b)
{
    unsigned int c = b->size / GRAIN;
    struct free_links *l = links(b);

    ASSERT(b->magic == MAGIC_FREE);
    if ( l->prev )
        links(l->prev)->next = l->next;
    else
        free_head[c] = l->next;
    if ( l->next )
        links(l->next)->prev = l->prev;
    if ( !free_head[c] )
        __clear_bit(c, free_map);
}

/* The best-fitting free block of at least len bytes, or NULL. */
static struct xmalloc_block *pool_find(unsigned long len)
{
    unsigned int c = find_next_bit(free_map, NR_CLASSES, len / GRAIN);

    return c < NR_CLASSES ? free_head[c] : NULL;
}

/* The header and links of b become free data of the block below. */
static void absorb(struct xmalloc_block *b)
{
    b->magic = 0;
    fill(b, MIN_BLOCK, POISON_FREE);
}

/*
 * b is free (poisoned, not on a list): merge it with its free neighbours.
 * Returns the merged block, not on a list either.
 */
static struct xmalloc_block *merge_free(struct xmalloc_block *b)
{
    struct xmalloc_block *n = next_block(b), *p = prev_block(b);

    b->magic = MAGIC_FREE;
    if ( n && n->magic == MAGIC_FREE )
    {
        list_remove(n);
        b->size += n->size;
        absorb(n);
    }
    if ( p && p->magic == MAGIC_FREE )
    {
        list_remove(p);
        p->size += b->size;
        absorb(b);
        b = p;
    }
    fix_next_prev(b);
    return b;
}

/* Cut b down to n bytes; the rest, if big enough, becomes a block. */
static struct xmalloc_block *split_tail(struct xmalloc_block *b,
                                        unsigned int n)
{
    unsigned int rest = b->size - n;
    struct xmalloc_block *t;

    if ( rest < MIN_BLOCK )
        return NULL;
    t = block_at(b, n);
    t->size = rest;
    t->prev_size = n;
    t->magic = MAGIC_FREE;
    t->req = 0;
    b->size = n;
    fix_next_prev(t);
    return t;
}

/* Padding in front of a block at f so that its data is aligned. */
static unsigned int align_gap(struct xmalloc_block *f, unsigned long align)
{
    unsigned long d;

    if ( align <= GRAIN )
        return 0;
    d = -((unsigned long)f + HDR_SIZE) & (align - 1);
    /* A gap must be able to hold a free block. */
    return d == 0 || d >= MIN_BLOCK ? d : d + align;
}

/* Take n bytes at offset gap out of free block f for req bytes of data. */
static struct xmalloc_block *carve(struct xmalloc_block *f, unsigned int gap,
                                   unsigned int n, unsigned long req)
{
    struct xmalloc_block *u = f, *t;

    ASSERT(gap + n <= f->size);
    list_remove(f);
    if ( gap )
    {
        u = block_at(f, gap);
        u->size = f->size - gap;
        u->prev_size = gap;
        f->size = gap;
        list_insert(f);
    }
    u->magic = MAGIC_USED;
    u->req = req;
    t = split_tail(u, n);
    if ( t )
        list_insert(merge_free(t));
    fix_next_prev(u);

    stats.used_blocks++;
    stats.used_bytes += u->size;
    stats.req_bytes += req;
    return u;
}

/*
 * Free used block u. Returns the page to give back to the page allocator
 * once the lock is released, if u's page is now entirely free.
 */
static void *pool_free_locked(struct xmalloc_block *u, unsigned long flags)
{
    struct xmalloc_block *b;

    ASSERT(u->magic == MAGIC_USED);
    stats.used_blocks--;
    stats.used_bytes -= u->size;
    stats.req_bytes -= u->req;

    fill(block_at(u, MIN_BLOCK), u->size - MIN_BLOCK, POISON_FREE);
    b = merge_free(u);
    list_insert(b);
    if ( b->size < PAGE_SIZE )
        return NULL;

    /* Last chance to catch a write after free in this page. */
    if ( !free_block_intact(b, PAGE_SIZE) )
        bug_unlocked(flags);
    list_remove(b);
    stats.pool_pages--;
    return b;
}

/* Check a pointer handed to xfree(), with no side effects. */
static bool used_block_ok(const void *p)
{
    const struct xmalloc_block *b = hdr_of(p);
    unsigned int off = page_off(b);

    /* Its header would be in another page: not one of ours. */
    if ( page_off(p) < HDR_SIZE )
    {
        printk("xfree: %p was not allocated by xmalloc (no header)\n", p);
        return false;
    }
    if ( b->magic == MAGIC_FREE )
    {
        printk("xfree: double free of %p\n", p);
        return false;
    }
    if ( b->magic != MAGIC_USED )
    {
        printk("xfree: %p was not allocated by xmalloc (bad magic %#x)\n",
               p, b->magic);
        return false;
    }
    if ( b->size % GRAIN || b->size < MIN_BLOCK ||
         off + b->size > PAGE_SIZE || !off != !b->prev_size ||
         HDR_SIZE + b->req + GUARD_MIN > b->size )
    {
        printk("xfree: corrupt header in front of %p (size %u, prev %u, req %u)\n",
               p, b->size, b->prev_size, b->req);
        return false;
    }
    return guard_intact(p, b->req, b->size - HDR_SIZE);
}

/* ---- Pool allocation. ---- */

/* Make a fresh page one free block; done before taking the lock. */
static struct xmalloc_block *pool_prepare_page(void *pg)
{
    struct xmalloc_block *b = pg;

    BUILD_BUG_ON(sizeof(struct xmalloc_block) != GRAIN);
    BUILD_BUG_ON(MIN_BLOCK % GRAIN);
    BUILD_BUG_ON(PAGE_SIZE > UINT16_MAX);

    ASSERT(!page_off(pg));
    b->size = PAGE_SIZE;
    b->prev_size = 0;
    fill(block_at(b, MIN_BLOCK), PAGE_SIZE - MIN_BLOCK, POISON_FREE);
    return b;
}

static void *pool_alloc(unsigned long size, unsigned long align)
{
    unsigned int n = block_need(size);
    unsigned long len = search_size(n, align), flags;
    struct xmalloc_block *f, *u;
    unsigned int gap;
    void *pg;

    spin_lock_irqsave(&xmalloc_lock, flags);
    f = pool_find(len);
    if ( !f )
    {
        spin_unlock_irqrestore(&xmalloc_lock, flags);
        pg = alloc_xenheap_pages(0, 0);
        if ( !pg )
            return NULL;
        f = pool_prepare_page(pg);
        spin_lock_irqsave(&xmalloc_lock, flags);
        list_insert(f);
        stats.pool_pages++;
        /* Our page fits, unless another CPU freed something better. */
        f = pool_find(len);
        ASSERT(f);
    }

    gap = align_gap(f, align);
    if ( !free_block_intact(f, gap + n) )
        bug_unlocked(flags);
    u = carve(f, gap, n, size);
    spin_unlock_irqrestore(&xmalloc_lock, flags);

    fill_new(u + 1, size, u->size - HDR_SIZE);
    return u + 1;
}

static void pool_free(void *p)
{
    unsigned long flags;
    void *pg;

    spin_lock_irqsave(&xmalloc_lock, flags);
    if ( !used_block_ok(p) )
        bug_unlocked(flags);
    pg = pool_free_locked(hdr_of(p), flags);
    spin_unlock_irqrestore(&xmalloc_lock, flags);

    if ( pg )
        free_xenheap_pages(pg, 0);
}

/* ---- Large blocks. ---- */

static struct large_block **large_link(const void *va)
{
    struct large_block **l;

    l = &large_hash[((unsigned long)va >> PAGE_SHIFT) % LARGE_BUCKETS];
    while ( *l && (*l)->va != va )
        l = &(*l)->next;
    return l;
}

static bool large_guard_intact(const struct large_block *r)
{
    return guard_intact(r->va, r->size, PAGE_SIZE << r->order);
}

static void *large_alloc(unsigned long size)
{
    unsigned int order = get_order_from_bytes(size);
    struct large_block *r, **l;
    unsigned long flags;
    void *va;

    r = pool_alloc(sizeof(*r), __alignof__(*r));
    if ( !r )
        return NULL;
    va = alloc_xenheap_pages(order, 0);
    if ( !va )
    {
        pool_free(r);
        return NULL;
    }
    ASSERT(!page_off(va));
    fill_new(va, size, PAGE_SIZE << order);
    r->va = va;
    r->size = size;
    r->order = order;

    spin_lock_irqsave(&xmalloc_lock, flags);
    l = large_link(va);
    if ( *l )               /* the page allocator gave it out twice */
        bug_unlocked(flags);
    r->next = NULL;
    *l = r;
    stats.large_blocks++;
    stats.large_pages += 1ul << order;
    stats.large_bytes += size;
    spin_unlock_irqrestore(&xmalloc_lock, flags);

    return va;
}

/* r's record is found and checked: unlink it. Returns the record's page. */
static void *large_unlink_locked(struct large_block **l, unsigned long flags)
{
    struct large_block *r = *l;

    *l = r->next;
    stats.large_blocks--;
    stats.large_pages -= 1ul << r->order;
    stats.large_bytes -= r->size;
    return pool_free_locked(hdr_of(r), flags);
}

/* Look p up as a large block; BUG() if it is not a valid one. */
static struct large_block **large_checked_locked(const void *p,
                                                 unsigned long flags)
{
    struct large_block **l = large_link(p);

    if ( !*l )
    {
        printk("xfree: %p was not allocated by xmalloc or was already freed\n",
               p);
        bug_unlocked(flags);
    }
    if ( !large_guard_intact(*l) )
        bug_unlocked(flags);
    return l;
}

static void large_free(void *p)
{
    struct large_block **l;
    unsigned long flags;
    unsigned int order;
    void *pg;

    spin_lock_irqsave(&xmalloc_lock, flags);
    l = large_checked_locked(p, flags);
    order = (*l)->order;
    pg = large_unlink_locked(l, flags);
    spin_unlock_irqrestore(&xmalloc_lock, flags);

    free_xenheap_pages(p, order);
    if ( pg )
        free_xenheap_pages(pg, 0);
}

/* ---- Resizing in place. ---- */

static bool small_resize_locked(void *p, unsigned long size,
                                unsigned long align)
{
    struct xmalloc_block *u = hdr_of(p), *t;
    unsigned int n = block_need(size);
    unsigned long old = u->req;

    if ( !is_small(size, align) || !IS_ALIGNED((unsigned long)p, align) ||
         n > u->size )
        return false;

    u->req = size;
    stats.req_bytes += size - old;
    t = split_tail(u, n);
    if ( t )
    {
        stats.used_bytes -= t->size;
        fill(block_at(t, MIN_BLOCK), t->size - MIN_BLOCK, POISON_FREE);
        list_insert(merge_free(t));
    }
    if ( size > old )
        fill((uint8_t *)p + old, size - old, POISON_UNINIT);
    fill((uint8_t *)p + size, u->size - HDR_SIZE - size, POISON_GUARD);
    return true;
}

static bool large_resize_locked(struct large_block *r, unsigned long size,
                                unsigned long align)
{
    unsigned long cap = PAGE_SIZE << r->order;

    /* Keep the pages only if the new size needs all of them. */
    if ( is_small(size, align) || get_order_from_bytes(size) != r->order )
        return false;

    stats.large_bytes += size - r->size;
    if ( size > r->size )
        fill((uint8_t *)r->va + r->size, size - r->size, POISON_UNINIT);
    fill((uint8_t *)r->va + size, cap - size, POISON_GUARD);
    r->size = size;
    return true;
}

/*
 * Check p as xfree() would, tell how many bytes it holds (*old), and
 * resize it in place if the new request fits where it is.
 */
static bool resize_in_place(void *p, unsigned long size, unsigned long align,
                            unsigned long *old)
{
    bool valid = valid_request(size, align), done = false;
    struct large_block *r;
    unsigned long flags;

    spin_lock_irqsave(&xmalloc_lock, flags);
    if ( page_off(p) )
    {
        if ( !used_block_ok(p) )
            bug_unlocked(flags);
        *old = hdr_of(p)->req;
        done = valid && small_resize_locked(p, size, align);
    }
    else
    {
        r = *large_checked_locked(p, flags);
        *old = r->size;
        done = valid && large_resize_locked(r, size, align);
    }
    spin_unlock_irqrestore(&xmalloc_lock, flags);
    return done;
}

/* ---- Interface. ---- */

void *_xmalloc(unsigned long size, unsigned long align)
{
    if ( !align )
        align = 1;
    if ( !valid_request(size, align) )
        return NULL;
    if ( is_small(size, align) )
        return pool_alloc(size, align);
    return large_alloc(size);
}

void *_xzalloc(unsigned long size, unsigned long align)
{
    void *p = _xmalloc(size, align);

    if ( p )
        memset(p, 0, size);
    return p;
}

void *_xrealloc(void *p, unsigned long size, unsigned long align)
{
    unsigned long old;
    void *q;

    if ( !p )
        return _xmalloc(size, align);
    if ( !size )
    {
        xfree(p);
        return NULL;
    }
    if ( !align )
        align = 1;
    if ( resize_in_place(p, size, align, &old) )
        return p;

    q = _xmalloc(size, align);
    if ( !q )
        return NULL;
    memcpy(q, p, min(old, size));
    xfree(p);
    return q;
}

void xfree(void *p)
{
    if ( !p )
        return;
    if ( page_off(p) )
        pool_free(p);
    else
        large_free(p);
}

/* ---- Statistics. ---- */

static void count_free_locked(unsigned long *nr, unsigned long *bytes,
                              unsigned long *largest)
{
    unsigned int c;
    struct xmalloc_block *b;

    *nr = *bytes = *largest = 0;
    for ( c = find_first_bit(free_map, NR_CLASSES); c < NR_CLASSES;
          c = find_next_bit(free_map, NR_CLASSES, c + 1) )
        for ( b = free_head[c]; b; b = links(b)->next )
        {
            (*nr)++;
            *bytes += b->size;
            *largest = b->size;
        }
}

void dump_xmalloc(void)
{
    unsigned long flags, nr_free, free_bytes, largest;
    __typeof__(stats) s;

    spin_lock_irqsave(&xmalloc_lock, flags);
    s = stats;
    count_free_locked(&nr_free, &free_bytes, &largest);
    spin_unlock_irqrestore(&xmalloc_lock, flags);

    ASSERT(free_bytes + s.used_bytes == s.pool_pages * PAGE_SIZE);
    printk("xmalloc: pool: %lu pages, %lu bytes in use in %lu blocks (%lu requested), %lu bytes free in %lu blocks (largest %lu)\n",
           s.pool_pages, s.used_bytes, s.used_blocks, s.req_bytes,
           free_bytes, nr_free, largest);
    printk("xmalloc: large: %lu pages in %lu blocks (%lu bytes requested)\n",
           s.large_pages, s.large_blocks, s.large_bytes);
    printk("xmalloc: %lu pages held in total\n",
           s.pool_pages + s.large_pages);
}
