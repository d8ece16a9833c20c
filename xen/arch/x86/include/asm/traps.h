/*
 * asm/traps.h: exception vectors and the trap handler's interface.
 */
#ifndef ASM_X86_TRAPS_H
#define ASM_X86_TRAPS_H

#define TRAP_divide_error      0
#define TRAP_debug             1
#define TRAP_nmi               2
#define TRAP_int3              3
#define TRAP_overflow          4
#define TRAP_bounds            5
#define TRAP_invalid_op        6
#define TRAP_no_device         7
#define TRAP_double_fault      8
#define TRAP_copro_seg         9
#define TRAP_invalid_tss      10
#define TRAP_no_segment       11
#define TRAP_stack_error      12
#define TRAP_gp_fault         13
#define TRAP_page_fault       14
#define TRAP_spurious_int     15
#define TRAP_copro_error      16
#define TRAP_alignment_check  17
#define TRAP_machine_check    18
#define TRAP_simd_error       19
#define TRAP_virtualisation   20
#define TRAP_control_prot     21
#define FIRST_IRQ_VECTOR      32
/*
 * Open to ring 3 in the IDT, never given to a device: PV guests' user
 * mode makes system calls with int $0x80, bounced straight to the guest
 * kernel's virtual IDT entry.
 */
#define INT80_VECTOR          0x80
/* entry_vector of a frame built by the syscall entry (not an IDT vector). */
#define TRAP_syscall          256
/* entry_vector of a frame built by the sysenter entry. */
#define TRAP_sysenter         257

#ifndef __ASSEMBLY__
#include <asm/regs.h>
#include <xen/compiler.h>

void do_trap(struct cpu_user_regs *regs);

/* Print the register state and the stack of a frame (fault reports). */
void show_execution_state(const struct cpu_user_regs *regs);

/* Print the call trace starting at the caller of this function. */
void show_call_trace_here(void);
#endif

#endif /* ASM_X86_TRAPS_H */
