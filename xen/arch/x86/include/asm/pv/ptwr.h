/*
 * asm/pv/ptwr.h: the writable page-table emulator (pv/ptwr.c).
 *
 * A PV guest kernel writes an entry of one of its validated, read-only L1
 * tables directly; the write faults, and the #PF handler hands the
 * instruction to ptwr_emulate() together with three callbacks that reach
 * the guest and the entry. The emulator knows nothing of page tables: the
 * callbacks find the entry, validate a new value as mmu_update would and
 * store it.
 */
#ifndef ASM_X86_PV_PTWR_H
#define ASM_X86_PV_PTWR_H

#include <asm/regs.h>
#include <xen/types.h>

/*
 * How often ptwr_emulate() tries a read-modify-write when the entry keeps
 * changing under it (cmpxchg_pte() returning -EAGAIN) before it gives up
 * and lets the guest restart the instruction.
 */
#define PTWR_MAX_TRIES  8

/* The longest x86 instruction; fetch() is asked for this many bytes. */
#define PTWR_MAX_INSN_LEN 15

struct ptwr_ops {
    /*
     * Copy up to len instruction bytes from guest virtual address va into
     * buf; return how many bytes could NOT be read (0: all of them). The
     * bytes read must be the first len - return value.
     */
    unsigned long (*fetch)(void *ctx, unsigned long va, void *buf,
                           unsigned int len);
    /* Read the current value of the 8-byte entry, atomically. */
    uint64_t (*read_pte)(void *ctx);
    /*
     * Validate new as an mmu_update of the entry would and, if the entry
     * still holds old, replace it atomically: return 0. If the entry no
     * longer holds old, write nothing, set *cur to what it holds and return
     * -EAGAIN. If new is not allowed return another -errno (-EINVAL, ...)
     * and leave the entry alone. The stored value may be an adjusted new
     * (the hypervisor's own bits added).
     */
    int (*cmpxchg_pte)(void *ctx, uint64_t old, uint64_t new, uint64_t *cur);
};

/*
 * Emulate the instruction at regs->rip, which faulted writing the linear
 * address addr (CR2); the entry is the 8-byte aligned block holding addr.
 * Returns (asm/pv/traps.h):
 *  X86EMUL_OKAY          done: rip advanced, RF cleared, registers and
 *                        flags as the instruction defines. Also returned
 *                        with regs untouched after PTWR_MAX_TRIES lost
 *                        races: the guest re-executes the instruction.
 *  X86EMUL_UNHANDLEABLE  not an instruction (or operand) we emulate, or
 *                        it could not be fetched; regs untouched.
 *  X86EMUL_EXCEPTION     cmpxchg_pte() refused the new entry; regs and the
 *                        entry untouched.
 * The caller raises the guest's #DB if it single-steps (rflags.TF).
 */
int ptwr_emulate(struct cpu_user_regs *regs, unsigned long addr,
                 const struct ptwr_ops *ops, void *ctx);

#endif /* ASM_X86_PV_PTWR_H */
