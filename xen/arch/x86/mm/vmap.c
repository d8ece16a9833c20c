/*
 * vmap.c: the vmap area (xen/vmap.h).
 *
 * Theory of operation. The area is a range of hypervisor virtual address
 * space managed with two bitmaps of one bit per page: `used` marks the
 * pages of every allocation and of the unmapped guard page after it;
 * `head` marks the first page of each allocation. An allocation's length
 * is therefore recoverable from its address alone: it runs from its head
 * bit up to (not including) the next head bit or the first unused page,
 * minus the guard. Allocation is first fit from a moving hint, which keeps
 * the search short while the area is mostly used front to back.
 *
 * Only the first VMAP_BYTES of the architectural area are used today: the
 * bitmaps cost one bit per page of it.
 *
 * Locking: vm_lock protects the bitmaps. Page-table edits happen outside
 * it (map_pages_to_xen has its own lock); an address range is owned by
 * its allocation from the moment its bits are set, so nobody else touches
 * it meanwhile. Heap pages for vmalloc() are allocated outside it too.
 */
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <xen/bitops.h>
#include <xen/lib.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/vmap.h>
#include <xen/xmalloc.h>

#define VMAP_BYTES  (4ul << 30)
#define VMAP_PAGES  (VMAP_BYTES >> PAGE_SHIFT)
#define BITMAP_BYTES (VMAP_PAGES / 8)

static DEFINE_SPINLOCK(vm_lock);
static unsigned long *used, *head;
static unsigned int hint, nr_used;

void vm_init(void)
{
    unsigned int order = get_order_from_bytes(BITMAP_BYTES);

    BUILD_BUG_ON(VMAP_VIRT_START + VMAP_BYTES > VMAP_VIRT_END);
    used = alloc_xenheap_pages(order, 0);
    head = alloc_xenheap_pages(order, 0);
    if ( !used || !head )
        panic("Out of memory for the vmap area's bitmaps\n");
    memset(used, 0, BITMAP_BYTES);
    memset(head, 0, BITMAP_BYTES);
}

/* Reserve nr + 1 pages (with the guard); the index of the first, or ~0. */
static unsigned int area_alloc(unsigned int nr)
{
    unsigned int start, next, i, pass;
    unsigned long flags;

    if ( !nr || nr >= VMAP_PAGES )
        return ~0u;
    spin_lock_irqsave(&vm_lock, flags);
    for ( pass = 0; pass < 2; pass++ )
    {
        start = pass ? 0 : hint;
        for ( ; ; )
        {
            start = find_next_zero_bit(used, VMAP_PAGES, start);
            if ( start + nr + 1 > VMAP_PAGES )
                break;
            next = find_next_bit(used, start + nr + 1, start);
            if ( next == start + nr + 1 )
                goto found;
            start = next;
        }
    }
    spin_unlock_irqrestore(&vm_lock, flags);
    return ~0u;

 found:
    for ( i = 0; i <= nr; i++ )
        __set_bit(start + i, used);
    __set_bit(start, head);
    hint = start + nr + 1;
    nr_used += nr + 1;
    spin_unlock_irqrestore(&vm_lock, flags);
    return start;
}

/* Length of the allocation at index start, without its guard page. */
static unsigned int area_len_locked(unsigned int start)
{
    unsigned int end;

    BUG_ON(start >= VMAP_PAGES || !test_bit(start, head));
    for ( end = start + 1;
          end < VMAP_PAGES && test_bit(end, used) && !test_bit(end, head);
          end++ )
        continue;
    return end - start - 1;
}

static unsigned int area_len(unsigned int start)
{
    unsigned long flags;
    unsigned int nr;

    spin_lock_irqsave(&vm_lock, flags);
    nr = area_len_locked(start);
    spin_unlock_irqrestore(&vm_lock, flags);
    return nr;
}

/* Release the allocation at index start (already unmapped). */
static void area_free(unsigned int start)
{
    unsigned int nr, i;
    unsigned long flags;

    spin_lock_irqsave(&vm_lock, flags);
    nr = area_len_locked(start);
    for ( i = start; i <= start + nr; i++ )
        __clear_bit(i, used);
    __clear_bit(start, head);
    if ( start < hint )
        hint = start;
    nr_used -= nr + 1;
    spin_unlock_irqrestore(&vm_lock, flags);
}

static unsigned long index_to_va(unsigned int i)
{
    return VMAP_VIRT_START + ((unsigned long)i << PAGE_SHIFT);
}

static unsigned int va_to_index(const void *va)
{
    unsigned long v = (unsigned long)va;

    BUG_ON(v < VMAP_VIRT_START || v >= VMAP_VIRT_START + VMAP_BYTES);
    return (v - VMAP_VIRT_START) >> PAGE_SHIFT;
}

void *vmap_frames(const mfn_t *mfns, unsigned int nr, unsigned long flags)
{
    unsigned int start = area_alloc(nr), i;

    if ( start == ~0u )
        return NULL;
    for ( i = 0; i < nr; i++ )
        if ( map_pages_to_xen(index_to_va(start + i), mfns[i], 1,
                              flags | MAP_SMALL_PAGES) )
        {
            if ( i )
                destroy_xen_mappings(index_to_va(start), index_to_va(start + i));
            area_free(start);
            return NULL;
        }
    return (void *)index_to_va(start);
}

void *vmap_contig(mfn_t mfn, unsigned int nr, unsigned long flags)
{
    unsigned int start = area_alloc(nr);

    if ( start == ~0u )
        return NULL;
    if ( map_pages_to_xen(index_to_va(start), mfn, nr, flags | MAP_SMALL_PAGES) )
    {
        destroy_xen_mappings(index_to_va(start), index_to_va(start + nr));
        area_free(start);
        return NULL;
    }
    return (void *)index_to_va(start);
}

void vunmap(const void *va)
{
    unsigned int start = va_to_index(va);

    BUG_ON((unsigned long)va & ~PAGE_MASK);
    destroy_xen_mappings(index_to_va(start),
                         index_to_va(start + area_len(start)));
    area_free(start);
}

void *vmalloc(size_t size)
{
    unsigned int nr = DIV_ROUND_UP(size, PAGE_SIZE), i;
    mfn_t *mfns;
    void *va = NULL;

    if ( !size || size > VMAP_BYTES / 2 )
        return NULL;
    mfns = xmalloc_array(mfn_t, nr);
    if ( !mfns )
        return NULL;
    for ( i = 0; i < nr; i++ )
    {
        struct page_info *pg = alloc_domheap_page(NULL, 0);

        if ( !pg )
            goto out;
        mfns[i] = page_to_mfn(pg);
    }
    va = vmap_frames(mfns, nr, PAGE_HYPERVISOR_RW);
 out:
    if ( !va )
        while ( i-- > 0 )
            free_domheap_page(mfn_to_page(mfns[i]));
    xfree(mfns);
    return va;
}

void *vzalloc(size_t size)
{
    void *va = vmalloc(size);

    if ( va )
        memset(va, 0, ROUNDUP(size, PAGE_SIZE));
    return va;
}

void vfree(void *va)
{
    unsigned int start, nr, i;

    if ( !va )
        return;
    start = va_to_index(va);
    nr = area_len(start);
    for ( i = 0; i < nr; i++ )
    {
        mfn_t mfn = xen_va_to_mfn(index_to_va(start + i));

        BUG_ON(mfn_eq(mfn, INVALID_MFN));
        /* Unmap first: the page must not be reachable once it is free. */
        destroy_xen_mappings(index_to_va(start + i), index_to_va(start + i + 1));
        free_domheap_page(mfn_to_page(mfn));
    }
    area_free(start);
}

void *ioremap(paddr_t pa, size_t len)
{
    paddr_t base = ROUNDDOWN(pa, PAGE_SIZE);
    unsigned long nr;
    char *va;

    if ( !len || pa + len < pa || pa + len > (1ul << paddr_bits) )
        return NULL;
    nr = (ROUNDUP(pa + len, PAGE_SIZE) - base) >> PAGE_SHIFT;
    va = vmap_contig(maddr_to_mfn(base), nr, PAGE_HYPERVISOR_UC);
    return va ? va + (pa - base) : NULL;
}

void iounmap(const volatile void *va)
{
    if ( va )
        vunmap((const void *)ROUNDDOWN((unsigned long)va, PAGE_SIZE));
}

unsigned long vmap_pages_used(void)
{
    return nr_used;
}
