/*
 * xen/vmap.h: virtually contiguous mappings of arbitrary frames, and MMIO.
 *
 * Mappings are made in the vmap area (VMAP_VIRT_START, asm/config.h), each
 * followed by an unmapped guard page so that running off the end of one
 * faults instead of corrupting the next.
 */
#ifndef XEN_VMAP_H
#define XEN_VMAP_H

#include <xen/mm.h>
#include <xen/types.h>

/* Set up the area's allocator; needs the heap. */
void vm_init(void);

/* Map nr frames (in order) with PTE flags; NULL when out of space/memory. */
void *vmap_frames(const mfn_t *mfns, unsigned int nr, unsigned long flags);
/* Map nr contiguous frames. */
void *vmap_contig(mfn_t mfn, unsigned int nr, unsigned long flags);
/* Undo vmap_*(): va must be what they returned. */
void vunmap(const void *va);

/* Virtually contiguous memory from individual heap pages. */
void *vmalloc(size_t size);
void *vzalloc(size_t size);
void vfree(void *va);

/*
 * Map MMIO registers [pa, pa + len) uncached. The result points at pa
 * itself (not at the start of its page). NULL on failure.
 */
void *ioremap(paddr_t pa, size_t len);
void iounmap(const volatile void *va);

/* Pages of the area in use, for key 'm'. */
unsigned long vmap_pages_used(void);

#endif /* XEN_VMAP_H */
