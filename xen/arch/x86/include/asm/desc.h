/*
 * asm/desc.h: segment selectors and descriptor tables.
 *
 * The GDT follows the Xen PV ABI: entries 0..FIRST_RESERVED_GDT_ENTRY-1
 * (the first 14 pages) belong to the running PV guest, and the hypervisor's
 * own descriptors start at selector 0xe000. The 64-bit selectors guests use
 * (FLAT_RING3_CS64 = 0xe033 and so on) are fixed by the ABI, and the
 * syscall/sysret MSR layout depends on their order:
 *
 *   0xe000  null                    0xe030  ring 3 code, 64-bit
 *   0xe008  ring 0 code, 64-bit     0xe038  ring 1 code, compat (reserved)
 *   0xe010  ring 0 data             0xe040  TSS (16 bytes)
 *   0xe018  reserved                0xe050  LDT (16 bytes)
 *   0xe020  ring 3 code, compat     0xe060  per-CPU entry (limit = CPU id)
 *   0xe028  ring 3 data
 */
#ifndef ASM_X86_DESC_H
#define ASM_X86_DESC_H

#define FIRST_RESERVED_GDT_PAGE  14
#define FIRST_RESERVED_GDT_BYTE  (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)

#define __HYPERVISOR_CS     0xe008
#define __HYPERVISOR_DS     0xe010
#define __HYPERVISOR_CS32   0xe018
#define FLAT_RING3_CS32     0xe023
#define FLAT_RING3_DS32     0xe02b
#define FLAT_RING3_CS64     0xe033
#define TSS_SELECTOR        0xe040
#define LDT_SELECTOR        0xe050
#define PER_CPU_SELECTOR    0xe060

/* Number of hypervisor descriptors (8 bytes each) from 0xe000. */
#define NR_RESERVED_GDT_ENTRIES 13
#define LAST_RESERVED_GDT_BYTE  (FIRST_RESERVED_GDT_BYTE + NR_RESERVED_GDT_ENTRIES * 8 - 1)

#ifndef __ASSEMBLY__
#include <xen/types.h>

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((__packed__));

struct seg_desc {
    uint32_t a, b;
};

struct idt_entry {
    uint64_t lo, hi;
};

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp0, rsp1, rsp2;
    uint64_t reserved1;
    uint64_t ist[7];             /* ist[0] is IST1 */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((__packed__, __aligned__(16)));

void init_boot_cpu_descriptors(void);

/*
 * An AP's descriptor tables: a GDT page holding a copy of the reserved
 * entries (its own TSS and per-CPU descriptors), and its TSS pointing at
 * the stacks in [stack_bottom, stack_bottom + STACK_SIZE). Prepared by the
 * boot CPU, loaded by the AP itself.
 */
int cpu_desc_init(unsigned int cpu, unsigned long stack_bottom);
void load_cpu_descriptors(unsigned int cpu);

/* After memory management is up: GDTs move into their per-CPU windows. */
void desc_late_init(void);
/* The running PV vCPU's GDT frames (machine frames, nr <= 14), or none. */
void gdt_window_set_frames(const unsigned long *frames, unsigned int nr);

/*
 * This CPU's LDT window (LDT_WINDOW_VIRT(cpu), LDT_WINDOW_PAGES pages):
 * LDTR points at it while a PV vCPU with an LDT runs, and pv/ldt.c maps
 * that vCPU's LDT pages into it.
 *   ldt_window_set_page: page idx maps machine frame mfn, writable (the
 *     CPU sets descriptors' accessed bits), or nothing (INVALID_MFN_RAW);
 *     the local TLB entry is flushed if it changed.
 *   ldt_window_load: LDTR := the window's first ents descriptors, or the
 *     null selector for 0.
 *   ldt_window_offset: the byte offset of va in this CPU's window; false
 *     if va is not in it.
 */
#define LDT_MAX_ENTS 8192
void ldt_window_set_page(unsigned int idx, unsigned long mfn);
void ldt_window_load(unsigned int ents);
bool ldt_window_offset(unsigned long va, unsigned int *off);

#endif /* __ASSEMBLY__ */
#endif /* ASM_X86_DESC_H */
