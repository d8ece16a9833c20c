/*
 * xen.lds.S: the hypervisor image layout.
 *
 * Linked at XEN_VIRT_START + XEN_IMG_OFFSET, loaded (ELF physical
 * addresses) at XEN_IMG_OFFSET. Two PT_LOAD segments: everything with
 * contents, then the BSS; permissions become per-section once the image is
 * mapped with 4 KiB pages. The Multiboot2 header is first in .text, well inside the first
 * 32 KiB of the file.
 */
#include <asm/config.h>

#undef ENTRY

OUTPUT_FORMAT("elf64-x86-64", "elf64-x86-64", "elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
/* GRUB translates e_entry through the segment holding it. */
ENTRY(start)

/*
 * .bss has its own segment: its 32 KiB-aligned stacks would otherwise
 * force the first segment's file offset to 32 KiB, pushing the Multiboot2
 * header out of the first 32 KiB of the file.
 */
PHDRS
{
    image PT_LOAD FLAGS(7);
    bss PT_LOAD FLAGS(6);
}

SECTIONS
{
    . = XEN_VIRT_START + XEN_IMG_OFFSET;
    _start = .;

    .text : AT(ADDR(.text) - XEN_VIRT_START)
    {
        _stext = .;
        *(.text.header)
        *(.text .text.*)
        _etext = .;
    } :image

    .rodata : AT(ADDR(.rodata) - XEN_VIRT_START)
    {
        . = ALIGN(PAGE_SIZE);
        _srodata = .;
        *(.rodata .rodata.*)
        /* The AP trampoline: copied below 1 MiB, never run from here. */
        . = ALIGN(16);
        trampoline_start = .;
        KEEP(*(.trampoline))
        trampoline_end = .;
        /* Exception fixups (asm/uaccess.h), sorted at boot. */
        . = ALIGN(8);
        __start___ex_table = .;
        KEEP(*(.ex_table))
        __stop___ex_table = .;
        . = ALIGN(8);
        __param_start = .;
        KEEP(*(.data.param))
        __param_end = .;
        _erodata = .;
    } :image

    .data : AT(ADDR(.data) - XEN_VIRT_START)
    {
        . = ALIGN(PAGE_SIZE);
        _sdata = .;
        *(.data.page_aligned)
        /* Template of the per-CPU data: every CPU runs on a copy. */
        . = ALIGN(64);
        __per_cpu_start = .;
        *(.data.percpu)
        . = ALIGN(64);
        __per_cpu_data_end = .;
        *(.data .data.*)
        _edata = .;
    } :image

    .bss : AT(ADDR(.bss) - XEN_VIRT_START)
    {
        . = ALIGN(PAGE_SIZE);
        __bss_start = .;
        *(.bss.stack_aligned)
        *(.bss.page_aligned)
        *(.bss .bss.*)
        *(COMMON)
        /* A pristine copy of the per-CPU template, taken at boot. */
        . = ALIGN(64);
        __per_cpu_pristine = .;
        . += __per_cpu_data_end - __per_cpu_start;
        . = ALIGN(PAGE_SIZE);
        __bss_end = .;
    } :bss

    _end = .;

    /DISCARD/ :
    {
        *(.comment)
        *(.note .note.*)
        *(.eh_frame)
    }
}

start_phys = start - XEN_VIRT_START;

ASSERT(trampoline_end - trampoline_start <= PAGE_SIZE, "AP trampoline larger than a page")
ASSERT(_end <= XEN_VIRT_END, "image larger than its 1 GiB window")
ASSERT(start_phys < 0x8000 + XEN_IMG_OFFSET, "Multiboot2 header not in the first 32 KiB")
