/*
 * head.S: the start of every test guest.
 *
 * - The Xen ELF notes that make the image a 64-bit PV kernel the dom0
 *   builder accepts (no HYPERCALL_PAGE note: hypercalls are a bare
 *   `syscall`, as in Linux 6.1).
 * - _start: records the register state the builder handed over (the
 *   start_info test checks it), switches to our own stack and calls
 *   guest_start(start_info) in setup.c.
 * - One entry stub per exception vector 0-31 and for the event, failsafe,
 *   syscall and int 0x80 callbacks.  Each pushes a "kind" word and jumps to
 *   entry_common, which saves the GPRs and calls trap_dispatch() (traps.c)
 *   with a pointer to them.  trap_dispatch() decodes the frame Xen built
 *   (pv-abi.md 1.7), writes a HYPERVISOR_iret frame just below the saved
 *   rip and returns its address; entry_common restores the GPRs and makes
 *   the iret hypercall from there.
 *
 * Stack at the call of trap_dispatch (low to high): r15 .. rax (15 GPRs,
 * struct saved_gprs), pad, kind, then Xen's frame (rcx, r11, ...).  The pad
 * slot keeps the iret frame (4 slots below rip) off the saved GPRs for the
 * frames with only rcx and r11 below rip.
 */

#include <public/elfnote.h>

#define VIRT_BASE 0xffffffff80000000

/* One "Xen" note.  desc is assembled between local labels 1 and 2. */
#define ELFNOTE(type, directive, value)           \
    .pushsection .note.Xen, "a", @note;           \
    .balign 4;                                    \
    .long 4;                                      \
    .long 2f - 1f;                                \
    .long type;                                   \
    .asciz "Xen";                                 \
    .balign 4;                                    \
1:  directive value;                              \
2:  .balign 4;                                    \
    .popsection

/* XENFEAT_* bits of XEN_ELFNOTE_SUPPORTED_FEATURES (public/features.h). */
#define SUPPORTED_FEATURES ((1 << 0) | (1 << 11))

ELFNOTE(XEN_ELFNOTE_ENTRY,              .quad,  _start)
ELFNOTE(XEN_ELFNOTE_VIRT_BASE,          .quad,  VIRT_BASE)
ELFNOTE(XEN_ELFNOTE_PADDR_OFFSET,       .quad,  0)
ELFNOTE(XEN_ELFNOTE_XEN_VERSION,        .asciz, "xen-3.0")
ELFNOTE(XEN_ELFNOTE_GUEST_OS,           .asciz, "pv-test-guest")
ELFNOTE(XEN_ELFNOTE_GUEST_VERSION,      .asciz, "1")
ELFNOTE(XEN_ELFNOTE_LOADER,             .asciz, "generic")
ELFNOTE(XEN_ELFNOTE_FEATURES,           .asciz, "!writable_page_tables")
ELFNOTE(XEN_ELFNOTE_SUPPORTED_FEATURES, .long,  SUPPORTED_FEATURES)

#define __HYPERVISOR_iret 23

/* Offsets in struct entry_state (setup.h). */
#define ES_GPR(n)   ((n) * 8)           /* rax rbx rcx rdx rsi rdi rbp rsp r8..r15 */
#define ES_RFLAGS   (16 * 8)
#define ES_SEG      (17 * 8)            /* cs ss ds es fs gs, 2 bytes each */

    .section .text.head, "ax", @progbits
    .code64
    .globl _start
_start:
    mov %rax, entry_state + ES_GPR(0)(%rip)
    mov %rbx, entry_state + ES_GPR(1)(%rip)
    mov %rcx, entry_state + ES_GPR(2)(%rip)
    mov %rdx, entry_state + ES_GPR(3)(%rip)
    mov %rsi, entry_state + ES_GPR(4)(%rip)
    mov %rdi, entry_state + ES_GPR(5)(%rip)
    mov %rbp, entry_state + ES_GPR(6)(%rip)
    mov %rsp, entry_state + ES_GPR(7)(%rip)
    mov %r8,  entry_state + ES_GPR(8)(%rip)
    mov %r9,  entry_state + ES_GPR(9)(%rip)
    mov %r10, entry_state + ES_GPR(10)(%rip)
    mov %r11, entry_state + ES_GPR(11)(%rip)
    mov %r12, entry_state + ES_GPR(12)(%rip)
    mov %r13, entry_state + ES_GPR(13)(%rip)
    mov %r14, entry_state + ES_GPR(14)(%rip)
    mov %r15, entry_state + ES_GPR(15)(%rip)
    mov %cs, entry_state + ES_SEG + 0(%rip)
    mov %ss, entry_state + ES_SEG + 2(%rip)
    mov %ds, entry_state + ES_SEG + 4(%rip)
    mov %es, entry_state + ES_SEG + 6(%rip)
    mov %fs, entry_state + ES_SEG + 8(%rip)
    mov %gs, entry_state + ES_SEG + 10(%rip)
    /* pushf uses the builder's stack once; everything else uses ours. */
    pushfq
    popq entry_state + ES_RFLAGS(%rip)

    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp
    mov %rsi, %rdi
    call guest_start
    ud2

/* ---- entry stubs ---- */

/* Kinds (traps.h): the vector for 0-31 and 0x80, | KIND_ERRCODE when Xen
 * pushed an error code; the callbacks have their own numbers. */
#define KIND_ERRCODE  0x1000
#define KIND_EVENT    0x100
#define KIND_FAILSAFE 0x101
#define KIND_SYSCALL  0x102

    .text
    .balign 16
#define STUB(name, kind)          \
    .globl name;                  \
name:                             \
    pushq $(kind);                \
    jmp entry_common;

/* Vectors with an error code: 8, 10-14, 17, 21, 29, 30. */
#define E(v) STUB(trap_entry_##v, (v) | KIND_ERRCODE)
#define N(v) STUB(trap_entry_##v, (v))
N(0)  N(1)  N(2)  N(3)  N(4)  N(5)  N(6)  N(7)
E(8)  N(9)  E(10) E(11) E(12) E(13) E(14) N(15)
N(16) E(17) N(18) N(19) N(20) E(21) N(22) N(23)
N(24) N(25) N(26) N(27) N(28) E(29) E(30) N(31)
N(128)
STUB(event_entry, KIND_EVENT)
STUB(failsafe_entry, KIND_FAILSAFE)
STUB(syscall_entry, KIND_SYSCALL)

    .section .rodata
    .balign 8
    .globl trap_entry_table
trap_entry_table:
#define T(v) .quad trap_entry_##v;
    T(0)  T(1)  T(2)  T(3)  T(4)  T(5)  T(6)  T(7)
    T(8)  T(9)  T(10) T(11) T(12) T(13) T(14) T(15)
    T(16) T(17) T(18) T(19) T(20) T(21) T(22) T(23)
    T(24) T(25) T(26) T(27) T(28) T(29) T(30) T(31)

    .text
entry_common:
    pushq $0                        /* pad */
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    mov %rsp, %rbx
    and $~15, %rsp
    cld
    call trap_dispatch              /* returns the iret frame in rax */
    mov %rbx, %rsp
    /* Restore every GPR but rax (the iret frame holds it) and rsp. */
    mov 0x00(%rsp), %r15
    mov 0x08(%rsp), %r14
    mov 0x10(%rsp), %r13
    mov 0x18(%rsp), %r12
    mov 0x20(%rsp), %r11
    mov 0x28(%rsp), %r10
    mov 0x30(%rsp), %r9
    mov 0x38(%rsp), %r8
    mov 0x40(%rsp), %rbp
    mov 0x48(%rsp), %rdi
    mov 0x50(%rsp), %rsi
    mov 0x58(%rsp), %rdx
    mov 0x60(%rsp), %rcx
    mov 0x68(%rsp), %rbx
    mov %rax, %rsp
    mov $__HYPERVISOR_iret, %eax
    syscall
    ud2                             /* iret does not return */

/* ---- our stack ---- */
    .bss
    .balign 4096
boot_stack:
    .skip 16 * 4096
    .globl boot_stack_top
boot_stack_top:
