/*
 * asm/regs.h: the register frame built on the stack by every exception and
 * interrupt entry (entry.S). The hardware pushes ss..rip (and for some
 * vectors an error code); the entry stub supplies the error code when the
 * hardware does not, records the vector, and pushes the general registers.
 * Field order is therefore fixed by entry.S: the offsets are checked there
 * with the REGS_* constants below.
 */
#ifndef ASM_X86_REGS_H
#define ASM_X86_REGS_H

#define REGS_r15          0
#define REGS_rbp         32
#define REGS_rax         80
#define REGS_rdi        112
#define REGS_error_code 120
#define REGS_entry_vector 124
#define REGS_rip        128
#define REGS_cs         136
#define REGS_rflags     144
#define REGS_rsp        152
#define REGS_ss         160
#define REGS_SIZE       168

#ifndef __ASSEMBLY__
#include <xen/compiler.h>
#include <xen/types.h>

struct cpu_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint32_t error_code;
    uint32_t entry_vector;
    /* Hardware frame. */
    uint64_t rip;
    uint64_t cs;
    uint64_t rflags;
    uint64_t rsp;
    uint64_t ss;
};

static inline bool regs_in_hypervisor(const struct cpu_user_regs *regs)
{
    return (regs->cs & 3) == 0;
}

#endif /* __ASSEMBLY__ */
#endif /* ASM_X86_REGS_H */
