/*
 * xen/multiboot2.h: the Multiboot2 boot protocol (constants and the
 * information structure GRUB2 hands over). Usable from assembly.
 */
#ifndef XEN_MULTIBOOT2_H
#define XEN_MULTIBOOT2_H

/* Header, in the first 32 KiB of the image, 8-byte aligned. */
#define MB2_HEADER_MAGIC          0xe85250d6
#define MB2_ARCH_I386             0
#define MB2_HDR_TAG_END           0
#define MB2_HDR_TAG_INFO_REQUEST  1
#define MB2_HDR_TAG_ADDRESS       2
#define MB2_HDR_TAG_ENTRY_ADDRESS 3
#define MB2_HDR_TAG_CONSOLE_FLAGS 4
#define MB2_HDR_TAG_FRAMEBUFFER   5
#define MB2_HDR_TAG_MODULE_ALIGN  6
#define MB2_HDR_TAG_RELOCATABLE   10
#define MB2_HDR_TAG_OPTIONAL      1   /* flags bit 0 */

/* Value in %eax at entry. */
#define MB2_BOOTLOADER_MAGIC      0x36d76289

/* Information structure tags. */
#define MB2_TAG_END               0
#define MB2_TAG_CMDLINE           1
#define MB2_TAG_BOOTLOADER_NAME   2
#define MB2_TAG_MODULE            3
#define MB2_TAG_BASIC_MEMINFO     4
#define MB2_TAG_BOOTDEV           5
#define MB2_TAG_MMAP              6
#define MB2_TAG_VBE               7
#define MB2_TAG_FRAMEBUFFER       8
#define MB2_TAG_ELF_SECTIONS      9
#define MB2_TAG_APM               10
#define MB2_TAG_EFI32             11
#define MB2_TAG_EFI64             12
#define MB2_TAG_SMBIOS            13
#define MB2_TAG_ACPI_OLD          14
#define MB2_TAG_ACPI_NEW          15
#define MB2_TAG_NETWORK           16
#define MB2_TAG_EFI_MMAP          17
#define MB2_TAG_EFI_BS            18
#define MB2_TAG_EFI32_IH          19
#define MB2_TAG_EFI64_IH          20
#define MB2_TAG_LOAD_BASE_ADDR    21

#define MB2_TAG_ALIGN             8

/* Memory map entry types (the same numbering as the BIOS e820 map). */
#define MB2_MEMORY_AVAILABLE        1
#define MB2_MEMORY_RESERVED         2
#define MB2_MEMORY_ACPI_RECLAIMABLE 3
#define MB2_MEMORY_NVS              4
#define MB2_MEMORY_BADRAM           5

#ifndef __ASSEMBLY__
#include <xen/types.h>

struct mb2_info_header {
    uint32_t total_size;
    uint32_t reserved;
};

struct mb2_tag {
    uint32_t type;
    uint32_t size;            /* including this header, excluding padding */
};

struct mb2_tag_string {       /* CMDLINE, BOOTLOADER_NAME */
    uint32_t type, size;
    char string[];
};

struct mb2_tag_module {
    uint32_t type, size;
    uint32_t mod_start;
    uint32_t mod_end;         /* first byte after the module */
    char cmdline[];
};

struct mb2_tag_basic_meminfo {
    uint32_t type, size;
    uint32_t mem_lower;       /* KiB below 1 MiB */
    uint32_t mem_upper;       /* KiB above 1 MiB, up to the first hole */
};

struct mb2_mmap_entry {
    uint64_t addr;
    uint64_t len;
    uint32_t type;
    uint32_t zero;
};

struct mb2_tag_mmap {
    uint32_t type, size;
    uint32_t entry_size;      /* a multiple of 8, at least 24 */
    uint32_t entry_version;   /* 0 */
    /* followed by entries of entry_size bytes */
};

struct mb2_tag_acpi {         /* ACPI_OLD (RSDP v1), ACPI_NEW (RSDP v2+) */
    uint32_t type, size;
    uint8_t rsdp[];
};

struct mb2_tag_load_base {
    uint32_t type, size;
    uint32_t load_base_addr;
};

#endif /* __ASSEMBLY__ */
#endif /* XEN_MULTIBOOT2_H */
