/*
 * asm/setup.h: boot-time initialisation steps called from __start_xen().
 */
#ifndef ASM_X86_SETUP_H
#define ASM_X86_SETUP_H

#include <asm/bootinfo.h>

/*
 * Memory: feed the boot allocator, build the final page tables (direct
 * map, image with per-section permissions), the frame table, and start
 * the heap. Panics if the machine has too little memory to go on.
 */
void init_memory(const struct boot_info *bi);

/* Where the AP trampoline lives (below 1 MiB), chosen by init_memory(). */
extern paddr_t trampoline_phys;

/* Print the memory the hypervisor itself uses (boot and key 'm'). */
void print_memory_usage(void);

/*
 * Usable RAM not free in the heap, minus the given bytes of boot modules:
 * what the hypervisor holds for itself (image, frame table, page tables,
 * heap allocations, and the first MiB it never uses).
 */
uint64_t hypervisor_used_bytes(uint64_t modules);

#endif /* ASM_X86_SETUP_H */
