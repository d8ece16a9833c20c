/*
 * asm/page.h: page-table entry bits and address conversions.
 */
#ifndef ASM_X86_PAGE_H
#define ASM_X86_PAGE_H

#include <asm/config.h>

#define _PAGE_PRESENT   _AC(0x001, UL)
#define _PAGE_RW        _AC(0x002, UL)
#define _PAGE_USER      _AC(0x004, UL)
#define _PAGE_PWT       _AC(0x008, UL)
#define _PAGE_PCD       _AC(0x010, UL)
#define _PAGE_ACCESSED  _AC(0x020, UL)
#define _PAGE_DIRTY     _AC(0x040, UL)
#define _PAGE_PSE       _AC(0x080, UL)
#define _PAGE_GLOBAL    _AC(0x100, UL)
#define _PAGE_NX        (_AC(1, UL) << 63)

#define PADDR_BITS      52
#define PADDR_MASK      ((_AC(1, UL) << PADDR_BITS) - 1)
#define PTE_ADDR_MASK   (PADDR_MASK & PAGE_MASK)

/*
 * Hypervisor mappings: accessed/dirty preset (no walker writes), global
 * (they are the same in every address space), never executable except
 * the image's text.
 */
#define _PAGE_AD                (_PAGE_ACCESSED | _PAGE_DIRTY)
#define PAGE_HYPERVISOR_RO      (_PAGE_PRESENT | _PAGE_AD | _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_HYPERVISOR_RW      (PAGE_HYPERVISOR_RO | _PAGE_RW)
#define PAGE_HYPERVISOR_RX      (_PAGE_PRESENT | _PAGE_AD | _PAGE_GLOBAL)
#define PAGE_HYPERVISOR_UC      (PAGE_HYPERVISOR_RW | _PAGE_PCD | _PAGE_PWT)
#define PAGE_HYPERVISOR         PAGE_HYPERVISOR_RW

/* Boot mappings: present, writable, accessed/dirty preset. */
#define __PAGE_HYPERVISOR_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define __PAGE_HYPERVISOR_2M    (__PAGE_HYPERVISOR_TABLE | _PAGE_PSE)

#define l1_table_offset(va) (((va) >> L1_PAGETABLE_SHIFT) & (PAGETABLE_ENTRIES - 1))
#define l2_table_offset(va) (((va) >> L2_PAGETABLE_SHIFT) & (PAGETABLE_ENTRIES - 1))
#define l3_table_offset(va) (((va) >> L3_PAGETABLE_SHIFT) & (PAGETABLE_ENTRIES - 1))
#define l4_table_offset(va) (((va) >> L4_PAGETABLE_SHIFT) & (PAGETABLE_ENTRIES - 1))

#ifndef __ASSEMBLY__
#include <xen/types.h>

typedef uint64_t intpte_t;

/* A 48-bit canonical address: bits 63-47 all equal. */
static inline bool is_canonical_address(unsigned long va)
{
    return ((long)va >> 47) == 0 || ((long)va >> 47) == -1;
}

/*
 * Address conversions. __va() works for any address inside the direct map;
 * __pa() for direct-map and image addresses. Host unit tests map "machine
 * memory" wherever they like and say where in host_test_directmap.
 */
#ifdef __XEN_HOST_TEST__
extern unsigned char *host_test_directmap;

static inline void *__va(paddr_t pa)
{
    return host_test_directmap + pa;
}

static inline paddr_t __pa(const void *va)
{
    return (const unsigned char *)va - host_test_directmap;
}
#else
static inline void *__va(paddr_t pa)
{
    return (void *)(pa + DIRECTMAP_VIRT_START);
}

static inline paddr_t __pa(const void *va)
{
    unsigned long v = (unsigned long)va;

    if ( v >= XEN_VIRT_START && v < XEN_VIRT_END )
        return v - XEN_VIRT_START;
    return v - DIRECTMAP_VIRT_START;
}
#endif

/* Physical address of an image symbol, usable before paging is set up. */
#define sym_phys(sym) ((paddr_t)(unsigned long)(sym) - XEN_VIRT_START)

#else
#define sym_phys(sym) ((sym) - XEN_VIRT_START)
#endif

#endif /* ASM_X86_PAGE_H */
