/*
 * asm/bootinfo.h: what the hypervisor learnt from its boot loader,
 * independent of the protocol that carried it (today: Multiboot2).
 *
 * Filled once by mbi2_parse() early in __start_xen(); read-only afterwards.
 * Strings point into the loader's information structure, which stays
 * mapped and is never handed out by the allocators.
 */
#ifndef ASM_X86_BOOTINFO_H
#define ASM_X86_BOOTINFO_H

#include <xen/types.h>

#define BOOT_MAX_MEMMAP  128
#define BOOT_MAX_MODULES 32

/* e820 types, as in the BIOS memory map and Multiboot2's mmap tag. */
#define E820_RAM      1
#define E820_RESERVED 2
#define E820_ACPI     3
#define E820_NVS      4
#define E820_UNUSABLE 5

struct boot_memmap_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
};

struct boot_module {
    paddr_t start;
    paddr_t size;
    const char *cmdline;        /* never NULL; "" when the loader gave none */
};

struct boot_info {
    const char *cmdline;        /* never NULL after a successful parse */
    const char *loader;         /* NULL if the loader did not name itself */

    unsigned int nr_memmap;
    bool memmap_truncated;      /* more entries than BOOT_MAX_MEMMAP */
    bool memmap_from_meminfo;   /* no mmap tag: synthesised from basic meminfo */
    struct boot_memmap_entry memmap[BOOT_MAX_MEMMAP];

    unsigned int nr_modules;
    bool modules_truncated;
    struct boot_module modules[BOOT_MAX_MODULES];

    const void *rsdp;           /* NULL if no ACPI tag */
    unsigned int rsdp_len;
    unsigned int rsdp_tag;      /* MB2_TAG_ACPI_OLD or MB2_TAG_ACPI_NEW */

    paddr_t mbi_start;          /* where the information structure lives */
    uint32_t mbi_size;
};

/*
 * Parse the Multiboot2 information structure at mbi (total_size is its
 * first word; at most max_size bytes are ever read). mbi_phys is its
 * physical address, recorded in bi->mbi_start.
 *
 * Every tag is bounds-checked against total_size; a structure that is
 * truncated, has a tag running past its end, lacks the end tag, or gives no
 * memory information at all makes the parse fail with -EINVAL after a
 * printk() saying exactly what is wrong. Recoverable oddities (unknown tags,
 * unterminated strings, a module ending before it starts, overlapping
 * memory ranges) are warned about and the rest of the information kept.
 */
int mbi2_parse(const void *mbi, uint32_t max_size, paddr_t mbi_phys,
               struct boot_info *bi);

/* Print the memory map the way Xen users know it ("Xen-e820 RAM map:"). */
void e820_print(const struct boot_info *bi);

/* Name of an e820 type, as printed in the map ("usable", "reserved", ...). */
const char *e820_type_name(uint32_t type);

/* Sum of the sizes of all E820_RAM ranges. */
uint64_t e820_total_ram(const struct boot_info *bi);

/* A range of usable RAM, [start, end), page aligned. */
struct ram_range {
    uint64_t start, end;
};

/*
 * The usable RAM of the map: sorted, disjoint, page aligned, with anything
 * that a non-RAM entry also claims removed. Returns the number of ranges
 * written to r (at most max).
 */
unsigned int e820_ram_ranges(const struct boot_info *bi, struct ram_range *r,
                             unsigned int max);

extern struct boot_info boot_info;

#endif /* ASM_X86_BOOTINFO_H */
