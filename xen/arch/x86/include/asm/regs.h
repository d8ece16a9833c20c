/*
 * asm/regs.h: the register frame built on the stack by every exception and
 * interrupt entry (entry.S). The hardware pushes ss..rip (and for some
 * vectors an error code); the entry stub supplies the error code when the
 * hardware does not, records the vector, and pushes the general registers.
 * Field order is therefore fixed by entry.S: the offsets are checked there
 * with the REGS_* constants below.
 *
 * The layout is also the ABI's struct xen_cpu_user_regs (public/arch-x86/
 * xen-x86_64.h), so a PV guest's registers move between the two with a
 * plain copy: cs has the saved upcall mask in its upper bytes (only in
 * frames built for the guest; the CPU writes zeroes there), and the data
 * segment selectors follow ss. For an entry from guest mode the CPU builds
 * the hardware part at the top of cpu_info->guest_cpu_user_regs (the TSS
 * rsp0 points at its es field).
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
#define REGS_es         168
#define REGS_SIZE       200

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
    uint16_t cs, _pad0[1];
    uint8_t saved_upcall_mask;      /* PV bounce frames only */
    uint8_t _pad1[3];
    uint64_t rflags;
    uint64_t rsp;
    uint16_t ss, _pad2[3];
    /* Not part of a hardware frame: a PV guest's data segment selectors. */
    uint16_t es, _pad3[3];
    uint16_t ds, _pad4[3];
    uint16_t fs, _pad5[3];
    uint16_t gs, _pad6[3];
};

/* Did this frame interrupt a guest (ring 3) rather than the hypervisor? */
static inline bool guest_mode(const struct cpu_user_regs *regs)
{
    return (regs->cs & 3) != 0;
}

static inline bool regs_in_hypervisor(const struct cpu_user_regs *regs)
{
    return (regs->cs & 3) == 0;
}

#endif /* __ASSEMBLY__ */
#endif /* ASM_X86_REGS_H */
