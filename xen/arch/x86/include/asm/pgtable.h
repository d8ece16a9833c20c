/*
 * asm/pgtable.h: the hypervisor's own mappings.
 *
 * idle_pg_table is the L4 every hypervisor address space starts from: the
 * idle vCPUs run on it, and guest L4s will get its hypervisor slots copied
 * in. map_pages_to_xen() and destroy_xen_mappings() edit it; the
 * hypervisor slots' L3 tables are never freed, so a copy of the L4 slots
 * stays valid for good.
 */
#ifndef ASM_X86_PGTABLE_H
#define ASM_X86_PGTABLE_H

#include <asm/page.h>
#include <xen/mm.h>

extern intpte_t idle_pg_table[PAGETABLE_ENTRIES];

/* Physical address width and large-page support, from CPUID. */
extern unsigned int paddr_bits;
extern bool cpu_has_page1gb;

/*
 * Map nr frames from mfn at virt with the given PTE flags (PAGE_HYPERVISOR_*).
 * Uses 2 MiB and 1 GiB pages where alignment, size and the CPU allow,
 * unless MAP_SMALL_PAGES is or'd into flags; splits existing large pages
 * where a smaller mapping has to go inside one. Returns 0 or -ENOMEM
 * (when a page-table page could not be allocated; what was already
 * mapped stays mapped).
 */
#define MAP_SMALL_PAGES (1ul << 62)   /* an ignored bit of the PTE format */
int map_pages_to_xen(unsigned long virt, mfn_t mfn, unsigned long nr,
                     unsigned long flags);

/* Unmap [s, e) (page aligned), splitting large pages at the edges. */
int destroy_xen_mappings(unsigned long s, unsigned long e);

/* The machine frame mapped at va in idle_pg_table, or INVALID_MFN. */
mfn_t xen_va_to_mfn(unsigned long va);

/*
 * Switch page-table allocation from the boot allocator to the heap:
 * called once the buddy allocator is up.
 */
void xen_pagetable_use_heap(void);

/* TLB maintenance on this CPU, global entries included. */
static inline void flush_tlb_one_local(unsigned long va)
{
    __asm__ __volatile__ ( "invlpg (%0)" :: "r" (va) : "memory" );
}

void flush_tlb_all_local(void);

/* The same on every online CPU (IPIs once other CPUs are up). */
void flush_tlb_all(void);

#endif /* ASM_X86_PGTABLE_H */
