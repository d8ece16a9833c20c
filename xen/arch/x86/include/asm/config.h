/*
 * asm/config.h: the x86-64 virtual memory map and basic sizes.
 *
 * The hypervisor lives in the part of the upper half that the Xen PV ABI
 * reserves for it (L4 slots 256-271, 0xffff800000000000-0xffff87ffffffffff):
 * a 64-bit PV guest may use every other slot, and every guest L4 gets these
 * slots filled in by the hypervisor. docs/architecture.md carries the same
 * map; keep them in step.
 *
 *  0xffff800000000000 - 0xffff803fffffffff  [256GB, slot 256]
 *      Read-only machine-to-phys table, guest visible (ABI:
 *      HYPERVISOR_VIRT_START / MACH2PHYS_VIRT_START).
 *  0xffff804000000000 - 0xffff807fffffffff  [256GB, slot 256]
 *      Reserved (guest visible).
 *  0xffff808000000000 - 0xffff80ffffffffff  [512GB, slot 257]
 *      ioremap of PCI MMCONFIG space.
 *  0xffff810000000000 - 0xffff817fffffffff  [512GB, slot 258]
 *      Linear page table of the current guest.
 *  0xffff818000000000 - 0xffff81ffffffffff  [512GB, slot 259]
 *      Reserved.
 *  0xffff820000000000 - 0xffff827fffffffff  [512GB, slot 260]
 *      Per-CPU descriptor-table windows, 128 KiB per CPU at
 *      +cpu * 128 KiB: the GDT window (16 pages: the running PV vCPU's GDT
 *      frames, then the CPU's own GDT page) and the LDT window (16 pages,
 *      8192 descriptors: the running vCPU's LDT pages, mapped on demand).
 *  0xffff828000000000 - 0xffff82bfffffffff  [256GB, slot 261]
 *      Machine-to-phys table, writable by the hypervisor.
 *  0xffff82c000000000 - 0xffff82cfffffffff  [64GB,  slot 261]
 *      vmap(), ioremap() and fixmap area.
 *  0xffff82d040000000 - 0xffff82d07fffffff  [1GB,   slot 261]
 *      Hypervisor image: text, read-only data, data, bss. Loaded at
 *      physical 2 MiB, linked at XEN_VIRT_START + 2 MiB.
 *  0xffff82e000000000 - 0xffff82ffffffffff  [128GB, slot 261]
 *      Frame table: one struct page_info per machine frame.
 *  0xffff830000000000 - 0xffff87ffffffffff  [5TB,   slots 262-271]
 *      Direct map of all machine memory.
 *
 * Until the direct map is built properly, the boot page tables map the
 * first 4 GiB at DIRECTMAP_VIRT_START with 2 MiB pages (boot/head.S).
 */
#ifndef ASM_X86_CONFIG_H
#define ASM_X86_CONFIG_H

#ifdef __ASSEMBLY__
#define _AC(x, s) x
#else
#define _AC(x, s) x##s
#endif

#define PAGE_SHIFT  12
#define PAGE_SIZE   (_AC(1, UL) << PAGE_SHIFT)
#define PAGE_MASK   (~(PAGE_SIZE - 1))

#define L1_PAGETABLE_SHIFT 12
#define L2_PAGETABLE_SHIFT 21
#define L3_PAGETABLE_SHIFT 30
#define L4_PAGETABLE_SHIFT 39
#define PAGETABLE_ENTRIES  512

#define PML4_ENTRY_BYTES   (_AC(1, UL) << L4_PAGETABLE_SHIFT)
#define PML4_ADDR(slot)    (_AC(0xffff000000000000, UL) + (slot) * PML4_ENTRY_BYTES)

#define HYPERVISOR_VIRT_START   PML4_ADDR(256)
#define HYPERVISOR_VIRT_END     PML4_ADDR(272)
#define RO_MPT_VIRT_START       PML4_ADDR(256)
#define RO_MPT_VIRT_END         (RO_MPT_VIRT_START + (_AC(1, UL) << 38))
#define PCI_MCFG_VIRT_START     PML4_ADDR(257)
#define LINEAR_PT_VIRT_START    PML4_ADDR(258)
#define PERDOMAIN_VIRT_START    PML4_ADDR(260)
#define DESC_WINDOWS_SHIFT      17      /* 128 KiB of windows per CPU */
#define GDT_WINDOW_VIRT(cpu)    (PERDOMAIN_VIRT_START + \
                                 ((unsigned long)(cpu) << DESC_WINDOWS_SHIFT))
#define LDT_WINDOW_VIRT(cpu)    (GDT_WINDOW_VIRT(cpu) + (_AC(16, UL) << PAGE_SHIFT))
#define LDT_WINDOW_PAGES        16
#define RDWR_MPT_VIRT_START     PML4_ADDR(261)
#define RDWR_MPT_VIRT_END       (RDWR_MPT_VIRT_START + (_AC(1, UL) << 38))
#define VMAP_VIRT_START         _AC(0xffff82c000000000, UL)
#define VMAP_VIRT_END           _AC(0xffff82d000000000, UL)
#define XEN_VIRT_START          _AC(0xffff82d040000000, UL)
#define XEN_VIRT_END            _AC(0xffff82d080000000, UL)
#define FRAMETABLE_VIRT_START   _AC(0xffff82e000000000, UL)
#define FRAMETABLE_VIRT_END     _AC(0xffff830000000000, UL)
#define DIRECTMAP_VIRT_START    PML4_ADDR(262)
#define DIRECTMAP_VIRT_END      PML4_ADDR(272)

/* The image is loaded at this physical address and offset in its window. */
#define XEN_IMG_OFFSET          _AC(0x200000, UL)

/* How much the boot page tables map at DIRECTMAP_VIRT_START. */
#define BOOT_DIRECTMAP_BYTES    (_AC(4, UL) << 30)

/*
 * Per-CPU stacks: STACK_SIZE bytes, STACK_SIZE aligned, so that the CPU's
 * struct cpu_info is found from any stack address. Page layout, low to high:
 *   0: #MC IST stack   1: #DF IST stack   2: NMI IST stack   3: #DB IST stack
 *   4: guard (unmapped once the image is mapped with 4 KiB pages)
 *   5-7: primary stack, struct cpu_info at the very top.
 */
#define STACK_ORDER   3
#define STACK_SIZE    (PAGE_SIZE << STACK_ORDER)
#define IST_MCE       1
#define IST_DF        2
#define IST_NMI       3
#define IST_DB        4
#define IST_MAX       4
#define PRIMARY_STACK_PAGES 3

#endif /* ASM_X86_CONFIG_H */
