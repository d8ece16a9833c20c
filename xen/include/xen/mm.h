/*
 * xen/mm.h: frame numbers and the physical page allocators.
 *
 * Memory is handed out in three stages (see common/page_alloc.c):
 *
 *   1. the boot allocator, fed with the RAM ranges of the memory map minus
 *      everything that is in use (the image, the boot modules, the
 *      Multiboot2 information, firmware ranges), serves the few allocations
 *      needed before the frame table exists;
 *   2. end_boot_allocator() gives what is left to the buddy allocator;
 *   3. the buddy allocator serves power-of-two blocks of pages from
 *      per-zone free lists. Zone z holds the frames whose address is below
 *      2^(z + PAGE_SHIFT + 1) and at or above 2^(z + PAGE_SHIFT), so
 *      "memory below 4 GiB" is a zone limit (MEMF_bits(32)).
 *
 * Xen heap pages (alloc_xenheap_pages) are always mapped through the
 * direct map and returned as a virtual address; domain heap pages
 * (alloc_domheap_pages) are returned as a struct page_info and may be
 * assigned to a domain. On x86-64 both come from the same buddy heap.
 *
 * Freed pages are scrubbed (filled with zero, or with a poison pattern in
 * debug builds, and checked on reuse) before they are handed out again.
 */
#ifndef XEN_MM_H
#define XEN_MM_H

#include <asm/page.h>
#include <xen/typesafe.h>
#include <xen/types.h>

TYPE_SAFE(unsigned long, mfn);   /* machine frame number */
TYPE_SAFE(unsigned long, gfn);   /* guest frame number (guest physical) */

#define PRI_mfn "05lx"
#define PRI_gfn "05lx"

#define INVALID_MFN_RAW (~0ul)
#define INVALID_GFN_RAW (~0ul)
#define INVALID_MFN _mfn(INVALID_MFN_RAW)
#define INVALID_GFN _gfn(INVALID_GFN_RAW)

static inline mfn_t mfn_add(mfn_t m, unsigned long i)
{
    return _mfn(mfn_x(m) + i);
}

static inline bool mfn_eq(mfn_t a, mfn_t b)
{
    return mfn_x(a) == mfn_x(b);
}

static inline gfn_t gfn_add(gfn_t g, unsigned long i)
{
    return _gfn(gfn_x(g) + i);
}

static inline bool gfn_eq(gfn_t a, gfn_t b)
{
    return gfn_x(a) == gfn_x(b);
}

#define mfn_to_maddr(m) ((paddr_t)mfn_x(m) << PAGE_SHIFT)
#define maddr_to_mfn(a) _mfn((a) >> PAGE_SHIFT)

/* Largest order the buddy allocator handles: 2^MAX_ORDER pages (4 GiB). */
#define MAX_ORDER 20

/* Number of zones: zone z covers frames [2^z, 2^(z+1)), zone 0 frame 0-1. */
#define NR_ZONES  (PADDR_BITS - PAGE_SHIFT)

/* Allocation flags. */
#define _MEMF_bits      24
#define MEMF_bits(n)    ((n) << _MEMF_bits)   /* address must fit in n bits */
#define MEMF_no_scrub   (1u << 0)             /* caller overwrites it all */
#define MEMF_no_owner   (1u << 1)
#define memf_bits(f)    ((f) >> _MEMF_bits)

struct page_info;
struct domain;

/* ---- Boot allocator (before the frame table exists). ---- */

/*
 * Give [ps, pe) (byte addresses, page-rounded inwards) to the boot
 * allocator. max_page is raised to cover it.
 */
void init_boot_pages(paddr_t ps, paddr_t pe);
/*
 * Take [ps, pe) (byte addresses, page-rounded outwards) out of the boot
 * allocator's free memory: for what is in use (image, modules, firmware
 * data) inside ranges given to init_boot_pages().
 */
void reserve_boot_pages(paddr_t ps, paddr_t pe);
/*
 * Allocate nr_pfns contiguous frames aligned to pfn_align frames, from the
 * top of memory down. Panics when nothing fits: boot cannot go on.
 */
mfn_t alloc_boot_pages(unsigned long nr_pfns, unsigned long pfn_align);
/* Hand every frame still held by the boot allocator to the buddy heap. */
void end_boot_allocator(void);

/* ---- Buddy heap. ---- */

/*
 * Make the nr_pages frames from pg free heap pages (they need scrubbing).
 * Used by end_boot_allocator() and for memory freed later (boot modules).
 * The frame table must cover them, zeroed where not yet used.
 */
void init_heap_pages(struct page_info *pg, unsigned long nr_pages);

/*
 * Allocation returns 2^order contiguous pages, naturally aligned, zeroed
 * unless MEMF_no_scrub, or NULL. MEMF_bits(n), 13 <= n, keeps every page
 * below 2^n bytes (MEMF_bits(32): below 4 GiB); without it any memory will
 * do, high memory first.
 *
 * Domain heap pages are in use with a zero reference count. With d (and
 * without MEMF_no_owner) each page's owner is d; taking the allocation
 * reference and accounting the page to d are the domain code's job.
 * Freeing drops the owner. Xen heap pages have PGC_xen_heap and no owner.
 * Pass the order the block was allocated with. Freeing a free page (double
 * free), a frame that is not RAM, a block not aligned to its order, or a
 * Xen heap page through the domain heap (or the reverse) is a BUG.
 */
struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order,
                                      unsigned int memflags);
void free_domheap_pages(struct page_info *pg, unsigned int order);
#define alloc_domheap_page(d, f) alloc_domheap_pages(d, 0, f)
#define free_domheap_page(p)     free_domheap_pages(p, 0)

void *alloc_xenheap_pages(unsigned int order, unsigned int memflags);
void free_xenheap_pages(void *v, unsigned int order);
#define alloc_xenheap_page()  alloc_xenheap_pages(0, 0)
#define free_xenheap_page(v)  free_xenheap_pages(v, 0)

/* Free pages in the whole heap, and below 2^bits bytes. */
unsigned long total_free_pages(void);
unsigned long avail_heap_pages_below(unsigned int bits);

/*
 * Scrub a bounded batch of pages freed but not yet scrubbed; called from
 * the idle loop. Returns true while some remain.
 */
bool scrub_free_pages(void);

/* Smallest order whose block holds size bytes. */
static inline unsigned int get_order_from_bytes(unsigned long size)
{
    unsigned int order = 0;

    size = (size - 1) >> 12;
    while ( size )
    {
        order++;
        size >>= 1;
    }
    return order;
}

static inline unsigned int get_order_from_pages(unsigned long nr)
{
    unsigned int order = 0;

    nr--;
    while ( nr )
    {
        order++;
        nr >>= 1;
    }
    return order;
}

/* Print the heap's state (debug key 'm'). */
void dump_heap(void);

#endif /* XEN_MM_H */
