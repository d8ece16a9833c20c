/*
 * asm/asm_defns.h: helpers for assembly files.
 */
#ifndef ASM_X86_ASM_DEFNS_H
#define ASM_X86_ASM_DEFNS_H

#ifdef __ASSEMBLY__
#include <asm/desc.h>

#define ENTRY(name)   \
    .globl name;      \
    .type name, @function; \
name:

#define GLOBAL(name)  \
    .globl name;      \
name:

#define END(name) .size name, . - name

/*
 * 64-bit code: load boot_gdt (the hypervisor's reserved selectors), the
 * flat data segments, null %fs/%gs, and reload %cs from the new GDT.
 * Clobbers %rax; needs a stack.
 */
.macro LOAD_BOOT_GDT
        lgdt    boot_gdtr(%rip)
        mov     $__HYPERVISOR_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        lea     .Lload_boot_gdt_cs\@(%rip), %rax
        pushq   $__HYPERVISOR_CS
        push    %rax
        lretq
.Lload_boot_gdt_cs\@:
.endm
#endif

#endif /* ASM_X86_ASM_DEFNS_H */
