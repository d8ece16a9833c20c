/*
 * asm/m2p.h: the machine-to-phys table (mm/m2p.c): for every machine frame
 * the guest frame (pfn) its owner knows it as, or INVALID_M2P_ENTRY.
 *
 * The hypervisor writes it at RDWR_MPT_VIRT_START; PV guests read the same
 * frames at RO_MPT_VIRT_START (L4 slot 256, the ABI's MACH2PHYS_VIRT_START).
 */
#ifndef ASM_X86_M2P_H
#define ASM_X86_M2P_H

#include <xen/mm.h>

#define INVALID_M2P_ENTRY (~0ul)

/*
 * Allocate and map the table for frames [0, max_page), every entry
 * INVALID_M2P_ENTRY (after init_memory(), before any domain is built).
 * Ranges of 2^18 frames without RAM get no table (reads there fault; PV
 * guests read the M2P under exception fixups).
 */
void m2p_init(void);

/* Record / look up mfn's pfn. Frames the table does not cover are ignored
 * / read as INVALID_M2P_ENTRY (so are all frames before m2p_init()). */
void set_gpfn_from_mfn(mfn_t mfn, unsigned long pfn);
unsigned long get_gpfn_from_mfn(mfn_t mfn);

#endif /* ASM_X86_M2P_H */
