/*
 * guest.lds.S: link a test guest at VIRT_BASE with physical address 0, so
 * that the dom0 builder (VIRT_BASE + p_paddr - PADDR_OFFSET) puts its
 * first byte at pfn 0.  The Xen notes get their own PT_NOTE header.
 */
OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(_start)

PHDRS
{
    image PT_LOAD FLAGS(7);
    note PT_NOTE FLAGS(4);
}

SECTIONS
{
    . = 0xffffffff80000000;
    _start_image = .;
    .text : AT(0)
    {
        *(.text.head)
        *(.text .text.*)
    } :image
    .rodata : { *(.rodata .rodata.*) } :image
    .note.Xen : { *(.note.Xen) } :image :note
    .data : { *(.data .data.*) } :image
    .ex_table : ALIGN(8)
    {
        __start_ex_table = .;
        *(.ex_table)
        __stop_ex_table = .;
    } :image
    .bss : ALIGN(4096)
    {
        *(.bss .bss.*)
        *(COMMON)
    } :image
    . = ALIGN(4096);
    _end = .;

    /DISCARD/ :
    {
        *(.comment)
        *(.eh_frame)
        *(.note.gnu.*)
        *(.note.GNU-stack)
    }
}
