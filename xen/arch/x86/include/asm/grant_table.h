/*
 * asm/grant_table.h: how a grant mapping appears in a guest's address
 * space (pv/grant_pte.c), for common/grant_map.c.
 */
#ifndef ASM_X86_GRANT_TABLE_H
#define ASM_X86_GRANT_TABLE_H

#include <xen/types.h>

/*
 * Map frame (referenced by the caller's grant handle) for the current
 * guest at addr: a virtual address, or with GNTMAP_contains_pte in flags
 * the machine address of the L1 entry to use. What the entry held before
 * is dropped. GNTST_okay, or GNTST_general_error if addr names no entry.
 */
int gnttab_host_map(uint64_t addr, unsigned long frame, uint32_t flags);

/*
 * Undo it: the entry at addr must still be the grant mapping of frame
 * (GNTST_general_error, and nothing changed, otherwise). It becomes empty,
 * or with new_addr the current guest's entry for that virtual address,
 * which is cleared (unmap_and_replace).
 */
int gnttab_host_unmap(uint64_t addr, unsigned long frame, uint32_t flags,
                      uint64_t new_addr);

#endif /* ASM_X86_GRANT_TABLE_H */
