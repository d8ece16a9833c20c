/*
 * trampoline.S: where application processors start.
 *
 * An AP leaves reset (INIT, then a Startup IPI with vector T >> 12) in
 * real mode at physical address T = trampoline_phys, a page below 1 MiB
 * holding a copy of this code. The code is position independent: it finds
 * T from %cs, and the few absolute values it needs (its GDT's base, two far
 * jump targets, the page table) are patched into the copy by smpboot.c
 * before the first AP is started. It then goes straight to long mode:
 *
 *   real mode -> 32-bit protected mode (flat, paging off) -> PAE paging on
 *   the trampoline page tables (identity map of this page plus the
 *   hypervisor's L4 slots) with EFER.LME -> 64-bit code here -> jump to
 *   ap_start64 in the image, which takes the stack the boot CPU chose.
 *
 * Offsets from the start of the code are written TOFF(x); the linker
 * script puts this section at trampoline_start.
 */
#include <asm/asm_defns.h>
#include <asm/desc.h>
#include <asm/msr-index.h>
#include <asm/page.h>
#include <asm/processor-flags.h>

#define TOFF(x) ((x) - trampoline_code)

        .section .trampoline, "a", @progbits
        .code16
GLOBAL(trampoline_code)
        cli
        cld
        mov     %cs, %ax
        mov     %ax, %ds
        xor     %ebx, %ebx
        mov     %ax, %bx
        shl     $4, %ebx                        /* %ebx = T */
        lgdtl   TOFF(tramp_gdtr)
        mov     $X86_CR0_PE, %eax
        mov     %eax, %cr0
        ljmpl   *TOFF(tramp_jmp32)

        .code32
tramp_prot32:
        mov     $0x10, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        ENABLE_LONG_MODE TOFF(tramp_cr3)(%ebx)
        ljmpl   *TOFF(tramp_jmp64)(%ebx)

        .code64
tramp_long64:
        movabs  $ap_start64, %rax
        jmp     *%rax

        .balign 8
tramp_gdt:
        .quad   0
        .quad   0x00cf9b000000ffff      /* 0x08: 32-bit code, flat */
        .quad   0x00cf93000000ffff      /* 0x10: data, flat */
        .quad   0x00af9b000000ffff      /* 0x18: 64-bit code */
tramp_gdt_end:
        .word   0
GLOBAL(tramp_gdtr)
        .word   tramp_gdt_end - tramp_gdt - 1
        .long   TOFF(tramp_gdt)         /* + T, patched */
GLOBAL(tramp_jmp32)
        .long   TOFF(tramp_prot32)      /* + T, patched */
        .word   0x08
GLOBAL(tramp_jmp64)
        .long   TOFF(tramp_long64)      /* + T, patched */
        .word   0x18
        .balign 4
GLOBAL(tramp_cr3)
        .long   0                       /* patched */

/* Back in the image, on the trampoline page tables: take the real ones. */
        .text
        .code64
ENTRY(ap_start64)
        mov     ap_cr3(%rip), %rax
        mov     %rax, %cr3
        mov     ap_stack_top(%rip), %rsp
        LOAD_BOOT_GDT
        xor     %ebp, %ebp
        call    start_secondary
        ud2
END(ap_start64)
