/*
 * boot/head.S: from the boot loader to C.
 *
 * Theory of operation. GRUB2 loads the image (an ELF64 whose segments are
 * placed at their physical addresses, starting at XEN_IMG_OFFSET = 2 MiB)
 * because it finds the Multiboot2 header below, and jumps to `start` in
 * 32-bit protected mode with paging off, %eax = the Multiboot2 magic and
 * %ebx = the physical address of the boot information. No stack, no IDT.
 *
 * The 32-bit code runs at physical addresses, so every symbol is used
 * through sym_phys(). It:
 *   1. clears the BSS (the boot page tables and the boot stack live there);
 *   2. programs COM1 (115200 8n1) so that it can explain any refusal;
 *   3. checks the magic and the CPU: CPUID, long mode, NX, PAE, PSE, TSC,
 *      MSRs, FXSR. A missing feature is named on the serial line and on the
 *      VGA text screen, then the CPU halts: there is nothing else to do;
 *   4. builds the boot page tables: the first 4 GiB with 2 MiB pages, mapped
 *      three times: at 0 (identity, needed only while turning paging on), at
 *      DIRECTMAP_VIRT_START, and the first 1 GiB again at XEN_VIRT_START,
 *      where the image is linked;
 *   5. enables PAE, long mode (EFER.LME, with NXE and SCE) and paging, and
 *      far-jumps through the boot GDT into 64-bit code.
 * The 64-bit code jumps to the linked (high) address, reloads the GDT and
 * segment registers, takes the boot CPU's stack and calls
 * __start_xen(mbi physical address), which never returns.
 */
#include <asm/asm_defns.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/msr-index.h>
#include <asm/page.h>
#include <asm/processor-flags.h>
#include <xen/multiboot2.h>

#define COM1_BASE   0x3f8
#define VGA_TEXT    0xb8000

        .section .text.header, "ax", @progbits
        .code32

/* ---- Multiboot2 header: must lie in the first 32 KiB, 8-byte aligned. ---- */
        .balign 8
multiboot2_header:
        .long   MB2_HEADER_MAGIC
        .long   MB2_ARCH_I386
        .long   .Lmb2_end - multiboot2_header
        .long   0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + \
                               (.Lmb2_end - multiboot2_header))

        /* Ask for what we use; all optional (the parser copes with gaps). */
        .balign 8
.Lmb2_info_req:
        .short  MB2_HDR_TAG_INFO_REQUEST, MB2_HDR_TAG_OPTIONAL
        .long   .Lmb2_info_req_end - .Lmb2_info_req
        .long   MB2_TAG_CMDLINE, MB2_TAG_BOOTLOADER_NAME, MB2_TAG_MODULE
        .long   MB2_TAG_BASIC_MEMINFO, MB2_TAG_MMAP
        .long   MB2_TAG_ACPI_OLD, MB2_TAG_ACPI_NEW
.Lmb2_info_req_end:

        /* Enter at the physical address of `start`, whatever e_entry says. */
        .balign 8
        .short  MB2_HDR_TAG_ENTRY_ADDRESS, 0
        .long   12
        .long   sym_phys(start)

        /* Page-align modules: the dom0 builder maps them page by page. */
        .balign 8
        .short  MB2_HDR_TAG_MODULE_ALIGN, 0
        .long   8

        .balign 8
        .short  MB2_HDR_TAG_END, 0
        .long   8
.Lmb2_end:

/* ---- Messages for CPUs and loaders we cannot run on. ---- */
.Lmsg_prefix:   .asciz "(XEN) Error: "
.Lmsg_magic:    .asciz "not started by a Multiboot2 boot loader (bad magic in %eax); boot with GRUB2's 'multiboot2' command"
.Lmsg_cpuid:    .asciz "this CPU does not support the CPUID instruction"
.Lmsg_lm:       .asciz "this CPU does not support long mode (x86-64); a 64-bit CPU is required"
.Lmsg_nx:       .asciz "this CPU does not support NX (no-execute pages), which the hypervisor requires"
.Lmsg_pae:      .asciz "this CPU does not support PAE, which the hypervisor requires"
.Lmsg_pse:      .asciz "this CPU does not support PSE (large pages), which the hypervisor requires"
.Lmsg_tsc:      .asciz "this CPU does not support the TSC, which the hypervisor requires"
.Lmsg_msr:      .asciz "this CPU does not support RDMSR/WRMSR, which the hypervisor requires"
.Lmsg_fxsr:     .asciz "this CPU does not support FXSAVE/FXRSTOR, which the hypervisor requires"
.Lmsg_halt:     .asciz "\r\n(XEN) The system is halted.\r\n"

/* Check a CPUID feature bit in %edx; jump to the message if it is clear. */
.macro REQUIRE_EDX bit, msg
        bt      $\bit, %edx
        jc      1f
        mov     $sym_phys(\msg), %esi
        jmp     early_fatal
1:
.endm

ENTRY(start)
        cli
        cld
        mov     %eax, %ebp                      /* Multiboot2 magic */
        mov     %ebx, %esi                      /* MBI physical address */

        /* 1. Clear the BSS. */
        mov     $sym_phys(__bss_start), %edi
        mov     $sym_phys(__bss_end), %ecx
        sub     %edi, %ecx
        shr     $2, %ecx
        xor     %eax, %eax
        rep stosl

        mov     $sym_phys(cpu0_stack) + STACK_SIZE - CPUINFO_SIZE, %esp
        mov     %esi, sym_phys(boot_mbi_phys)

        /* 2. COM1 at 115200 8n1, until the command line says otherwise. */
        call    early_serial_init

        /* 3. Who started us, and can this CPU run us? */
        cmp     $MB2_BOOTLOADER_MAGIC, %ebp
        je      1f
        mov     $sym_phys(.Lmsg_magic), %esi
        jmp     early_fatal
1:
        pushfl                                  /* CPUID exists if EFLAGS.ID toggles */
        pop     %eax
        mov     %eax, %ecx
        xor     $X86_EFLAGS_ID, %eax
        push    %eax
        popfl
        pushfl
        pop     %eax
        push    %ecx
        popfl
        xor     %ecx, %eax
        test    $X86_EFLAGS_ID, %eax
        jnz     1f
        mov     $sym_phys(.Lmsg_cpuid), %esi
        jmp     early_fatal
1:
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jae     1f
        mov     $sym_phys(.Lmsg_lm), %esi
        jmp     early_fatal
1:
        mov     $0x80000001, %eax
        cpuid
        REQUIRE_EDX X86_FEATURE_LM_BIT, .Lmsg_lm
        REQUIRE_EDX X86_FEATURE_NX_BIT, .Lmsg_nx
        mov     $1, %eax
        cpuid
        REQUIRE_EDX X86_FEATURE_PAE_BIT, .Lmsg_pae
        REQUIRE_EDX X86_FEATURE_PSE_BIT, .Lmsg_pse
        REQUIRE_EDX X86_FEATURE_TSC_BIT, .Lmsg_tsc
        REQUIRE_EDX X86_FEATURE_MSR_BIT, .Lmsg_msr
        REQUIRE_EDX X86_FEATURE_FXSR_BIT, .Lmsg_fxsr

        /* 4. Boot page tables. l2_ident: 2048 x 2 MiB = 4 GiB. */
        mov     $sym_phys(l2_ident), %edi
        mov     $__PAGE_HYPERVISOR_2M, %eax
        mov     $4 * PAGETABLE_ENTRIES, %ecx
1:      mov     %eax, (%edi)
        movl    $0, 4(%edi)
        add     $1 << L2_PAGETABLE_SHIFT, %eax
        add     $8, %edi
        loop    1b

        /* l3_ident[0..3] -> the four L2 pages. */
        mov     $sym_phys(l3_ident), %edi
        mov     $sym_phys(l2_ident) + __PAGE_HYPERVISOR_TABLE, %eax
        mov     $4, %ecx
1:      mov     %eax, (%edi)
        add     $PAGE_SIZE, %eax
        add     $8, %edi
        loop    1b

        /* l3_xen: the image's 1 GiB window -> the first L2 page. */
        mov     $sym_phys(l2_ident) + __PAGE_HYPERVISOR_TABLE, %eax
        mov     %eax, sym_phys(l3_xen) + 8 * l3_table_offset(XEN_VIRT_START)

        mov     $sym_phys(l3_ident) + __PAGE_HYPERVISOR_TABLE, %eax
        mov     %eax, sym_phys(l4_boot)                 /* identity */
        mov     %eax, sym_phys(l4_boot) + 8 * l4_table_offset(DIRECTMAP_VIRT_START)
        mov     $sym_phys(l3_xen) + __PAGE_HYPERVISOR_TABLE, %eax
        mov     %eax, sym_phys(l4_boot) + 8 * l4_table_offset(XEN_VIRT_START)

        /* 5. Long mode. */
        lgdt    sym_phys(boot_gdtr32)
        ENABLE_LONG_MODE $sym_phys(l4_boot)
        ljmp    $__HYPERVISOR_CS, $sym_phys(start64)

/* Program COM1 for 115200 8n1, FIFOs on, interrupts off. Clobbers %eax, %edx. */
early_serial_init:
        mov     $COM1_BASE + 1, %dx     /* IER: no interrupts */
        xor     %al, %al
        out     %al, %dx
        mov     $COM1_BASE + 3, %dx     /* LCR: DLAB */
        mov     $0x80, %al
        out     %al, %dx
        mov     $COM1_BASE + 0, %dx     /* divisor 1 = 115200 */
        mov     $1, %al
        out     %al, %dx
        mov     $COM1_BASE + 1, %dx
        xor     %al, %al
        out     %al, %dx
        mov     $COM1_BASE + 3, %dx     /* LCR: 8n1 */
        mov     $0x03, %al
        out     %al, %dx
        mov     $COM1_BASE + 2, %dx     /* FCR: enable and clear FIFOs */
        mov     $0xc7, %al
        out     %al, %dx
        mov     $COM1_BASE + 4, %dx     /* MCR: DTR, RTS, OUT2 */
        mov     $0x0b, %al
        out     %al, %dx
        ret

/* Write %al to COM1 (bounded wait for the transmitter) and to the VGA screen. */
early_putc:
        push    %ecx
        push    %edx
        mov     %al, %ah
        mov     $0x10000, %ecx
        mov     $COM1_BASE + 5, %dx     /* LSR */
1:      in      %dx, %al
        test    $0x20, %al              /* THR empty */
        jnz     2f
        loop    1b
2:      mov     %ah, %al
        mov     $COM1_BASE, %dx
        out     %al, %dx
        cmp     $13, %al
        je      3f
        cmp     $10, %al
        je      3f
        mov     sym_phys(early_vga_pos), %edx
        cmp     $80 * 25 * 2, %edx
        jae     3f
        mov     $0x4f, %ah                      /* white on red */
        mov     %ax, VGA_TEXT(%edx)
        add     $2, %edx
        mov     %edx, sym_phys(early_vga_pos)
3:      pop     %edx
        pop     %ecx
        ret

/* Write the NUL-terminated string at physical %esi. */
early_puts:
        lodsb
        test    %al, %al
        jz      1f
        call    early_putc
        jmp     early_puts
1:      ret

/* Print "(XEN) Error: <message at %esi>", then halt for good. */
early_fatal:
        push    %esi
        mov     $sym_phys(.Lmsg_prefix), %esi
        call    early_puts
        pop     %esi
        call    early_puts
        mov     $sym_phys(.Lmsg_halt), %esi
        call    early_puts
1:      cli
        hlt
        jmp     1b

        .code64
start64:
        /* Still on the identity map: continue at the linked address. */
        movabs  $start64_high, %rax
        jmp     *%rax

        .text
start64_high:
        LOAD_BOOT_GDT
        movabs  $cpu0_stack + STACK_SIZE - CPUINFO_SIZE, %rsp
        xor     %ebp, %ebp                      /* end of the frame chain */
        mov     boot_mbi_phys(%rip), %edi
        call    __start_xen
        ud2

/* ---- Boot GDT: the hypervisor's reserved entries from selector 0xe000. ---- */
        .data
        .balign 16
GLOBAL(boot_gdt)
        .quad   0x0000000000000000      /* 0xe000: null */
        .quad   0x00af9b000000ffff      /* 0xe008: ring 0 code, 64-bit */
        .quad   0x00cf93000000ffff      /* 0xe010: ring 0 data */
        .quad   0x00cf9b000000ffff      /* 0xe018: ring 0 code, compat */
        .quad   0x00cffb000000ffff      /* 0xe020: ring 3 code, compat */
        .quad   0x00cff3000000ffff      /* 0xe028: ring 3 data */
        .quad   0x00affb000000ffff      /* 0xe030: ring 3 code, 64-bit */
        .quad   0x00cfbb000000ffff      /* 0xe038: ring 1 code, compat */
        .quad   0, 0                    /* 0xe040: TSS, filled in by desc.c */
        .quad   0, 0                    /* 0xe050: LDT */
        .quad   0                       /* 0xe060: per-CPU, limit = CPU id */
        .size   boot_gdt, . - boot_gdt
        .if     (. - boot_gdt) != NR_RESERVED_GDT_ENTRIES * 8
        .error  "boot_gdt size does not match NR_RESERVED_GDT_ENTRIES"
        .endif

        .balign 8
        .word   0
boot_gdtr32:                            /* used in 32-bit mode: physical base */
        .word   LAST_RESERVED_GDT_BYTE
        .long   sym_phys(boot_gdt) - FIRST_RESERVED_GDT_BYTE
        .balign 8
        .word   0, 0, 0
GLOBAL(boot_gdtr)                       /* 64-bit: linked base */
        .word   LAST_RESERVED_GDT_BYTE
        .quad   boot_gdt - FIRST_RESERVED_GDT_BYTE

early_vga_pos:
        .long   0

        .bss
        .balign 8
GLOBAL(boot_mbi_phys)
        .long   0

/* ---- Boot page tables and the boot CPU's stack (cleared above). ---- */
        .section .bss.page_aligned, "aw", @nobits
        .balign PAGE_SIZE
GLOBAL(l4_boot)
        .fill   PAGETABLE_ENTRIES, 8, 0
GLOBAL(l3_ident)
        .fill   PAGETABLE_ENTRIES, 8, 0
GLOBAL(l3_xen)
        .fill   PAGETABLE_ENTRIES, 8, 0
GLOBAL(l2_ident)
        .fill   4 * PAGETABLE_ENTRIES, 8, 0

        .section .bss.stack_aligned, "aw", @nobits
        .balign STACK_SIZE
GLOBAL(cpu0_stack)
        .fill   STACK_SIZE, 1, 0
        .size   cpu0_stack, STACK_SIZE
