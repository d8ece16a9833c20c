/*
 * asm/asm_defns.h: helpers for assembly files.
 */
#ifndef ASM_X86_ASM_DEFNS_H
#define ASM_X86_ASM_DEFNS_H

#ifdef __ASSEMBLY__
#include <asm/desc.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#define ENTRY(name)   \
    .globl name;      \
    .type name, @function; \
name:

#define GLOBAL(name)  \
    .globl name;      \
name:

#define END(name) .size name, . - name

/*
 * Push / pop the general registers of a struct cpu_user_regs (asm/regs.h)
 * below its error-code slot, in the field order that struct fixes.
 */
.macro SAVE_GPRS
        push    %rdi
        push    %rsi
        push    %rdx
        push    %rcx
        push    %rax
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %rbx
        push    %rbp
        push    %r12
        push    %r13
        push    %r14
        push    %r15
.endm

.macro RESTORE_GPRS
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbp
        pop     %rbx
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rax
        pop     %rcx
        pop     %rdx
        pop     %rsi
        pop     %rdi
.endm

/*
 * 32-bit code, paging off: turn on PAE paging with the L4 at `cr3` (an
 * operand for mov) and long mode (EFER.LME, with NX and SYSCALL), as the
 * boot CPU and every AP must alike. A far jump to a 64-bit code segment
 * must follow. Clobbers %eax, %ecx, %edx.
 */
.macro ENABLE_LONG_MODE cr3
        mov     $X86_CR4_PAE | X86_CR4_PSE, %eax
        mov     %eax, %cr4
        mov     \cr3, %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_LME | EFER_NXE | EFER_SCE, %eax
        wrmsr
        mov     $X86_CR0_PG | X86_CR0_WP | X86_CR0_NE | X86_CR0_ET | X86_CR0_MP | X86_CR0_PE, %eax
        mov     %eax, %cr0
.endm

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
