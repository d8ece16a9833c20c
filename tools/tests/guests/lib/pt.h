/*
 * pt.h: page-table helpers for the PV memory-management test guests.
 *
 * A PV guest builds its own page tables in ordinary pages of its own, then
 * asks the hypervisor to treat them as tables: every mapping of a table
 * page must be read-only first, then MMUEXT_PIN_Ln validates the page (and,
 * recursively, the tables it points at) and keeps it typed until
 * MMUEXT_UNPIN_TABLE.  Entries of a validated table change only through
 * mmu_update, update_va_mapping or trapped-and-emulated writes (ptwr).
 *
 * Everything here works on pages of the boot area (alloc_page()), whose VA
 * is fixed: pt_ro()/pt_rw() remap such a page read-only or writable,
 * pt_table() hands out a zeroed page already remapped read-only, ready to
 * be filled with mmu_update or pinned empty.
 */
#ifndef GUEST_PT_H
#define GUEST_PT_H

#include "guest.h"

/* Bits of an L1 entry that the hypervisor adds on its own (pv-abi.md 3). */
#define _PAGE_GUEST_KERNEL (1UL << 52)

/* The VA covered by one entry at each level. */
#define L1_SPAN (1UL << 12)
#define L2_SPAN (1UL << 21)
#define L3_SPAN (1UL << 30)
#define L4_SPAN (1UL << 39)

static inline unsigned int pt_index(unsigned long va, unsigned int level)
{
    return (va >> (12 + 9 * (level - 1))) & 511;
}

/* The pte mapping boot-area page va with the given flags (A, and D if RW,
 * are added, as a loaded entry would have them). */
uint64_t pte_for(const void *va, uint64_t flags);
/* Remap a boot-area page read-only / writable: update_va_mapping's rc. */
long pt_ro(void *va);
long pt_rw(void *va);
/* A zeroed boot-area page, remapped read-only (panics on failure). */
void *pt_table(void);

/* The machine address of the level-`level` entry for va in the boot tree
 * (start_info->pt_base), 0 if a table on the way is missing. */
uint64_t pt_entry_maddr(unsigned long va, unsigned int level);
/* The machine address of entry idx of the boot-area page table. */
static inline uint64_t entry_maddr(const void *table, unsigned int idx)
{
    return (virt_to_mfn(table) << PAGE_SHIFT) + idx * 8UL;
}

/* The boot L4 (the one loaded at entry) and its MFN. */
static inline uint64_t *boot_l4(void) { return (uint64_t *)start_info->pt_base; }
static inline xen_pfn_t boot_l4_mfn(void) { return virt_to_mfn(boot_l4()); }

/* One mmu_update request; *done is left out.  Returns the hypercall rc. */
long mmu_update1(uint64_t ptr, uint64_t val);
/* Table entry idx of boot-area table page `table` := val (MMU_NORMAL). */
static inline long pt_set(const void *table, unsigned int idx, uint64_t val)
{
    return mmu_update1(entry_maddr(table, idx) | MMU_NORMAL_PT_UPDATE, val);
}

/* One mmuext_op with arg1.mfn (or linear_addr) = arg. */
long mmuext1(unsigned int cmd, unsigned long arg);
/* Pin the boot-area page `table` as an L`level` table. */
static inline long pt_pin(unsigned int level, const void *table)
{
    return mmuext1(MMUEXT_PIN_L1_TABLE + level - 1, virt_to_mfn(table));
}
static inline long pt_unpin(const void *table)
{
    return mmuext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(table));
}
static inline long pt_new_baseptr(xen_pfn_t l4_mfn)
{
    return mmuext1(MMUEXT_NEW_BASEPTR, l4_mfn);
}

/* An entry of a table level >= 2 pointing at the boot-area table `next`. */
static inline uint64_t pt_link(const void *next)
{
    return (virt_to_mfn(next) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
           _PAGE_ACCESSED;
}

/* A frame that is RAM but not ours (hypervisor heap, free or Xen's own):
 * the first MFN from `from` up whose M2P entry does not lead back to it
 * through our p2m.  0 if none below `limit`. */
xen_pfn_t foreign_mfn(xen_pfn_t from, xen_pfn_t limit);

#endif /* GUEST_PT_H */
