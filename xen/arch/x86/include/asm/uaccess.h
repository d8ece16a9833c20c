/*
 * asm/uaccess.h: hypervisor instructions that may fault on purpose, and
 * where execution resumes when they do.
 *
 * An access to guest memory (or a load of a guest-supplied segment, an
 * iret to a guest-supplied frame) can fault. Each such instruction is
 * listed in the exception table (.ex_table: pairs of 32-bit offsets from
 * the entry itself to the instruction and to its fixup). When a fault
 * from hypervisor context hits a listed instruction, do_trap() resumes at
 * the fixup instead of reporting a hypervisor crash (see extable.c).
 */
#ifndef ASM_X86_UACCESS_H
#define ASM_X86_UACCESS_H

#ifdef __ASSEMBLY__

/* In assembly: _ASM_EXTABLE(faulting_insn_label, fixup_label) */
#define _ASM_EXTABLE(from, to)                  \
        .pushsection .ex_table, "a";            \
        .balign 4;                              \
        .long (from) - .;                       \
        .long (to) - .;                         \
        .popsection

#else

#include <xen/types.h>

#define _ASM_EXTABLE(from, to)                  \
        ".pushsection .ex_table, \"a\"\n\t"     \
        ".balign 4\n\t"                         \
        ".long " #from " - .\n\t"               \
        ".long " #to " - .\n\t"                 \
        ".popsection\n\t"

struct exception_table_entry {
    int32_t insn;
    int32_t fixup;
};

struct cpu_user_regs;

/* Sort the table (once, at boot). */
void sort_exception_table(void);
/* The fixup address for a fault at addr, or 0 if none. */
unsigned long search_exception_table(unsigned long addr);
/* If regs faulted at a listed instruction, move it to the fixup. */
bool fixup_exception(struct cpu_user_regs *regs);

#endif /* __ASSEMBLY__ */
#endif /* ASM_X86_UACCESS_H */
