/*
 * pv/entry.S: entering the hypervisor from a 64-bit PV guest, and
 * returning to it.
 *
 * Theory of operation. A PV guest (kernel and user alike) runs in ring 3.
 * It enters the hypervisor three ways, and each leaves the guest's
 * registers in the same place: this pCPU's cpu_info->guest_cpu_user_regs,
 * the frame at the top of the stack.
 *
 *   - syscall (hypercalls from the guest kernel, system calls from guest
 *     user mode): lstar_enter / cstar_enter. The CPU does not switch
 *     stacks, so the entry finds the frame through the GS base: the
 *     hypervisor never uses GS itself, and keeps MSR_SHADOW_GS_BASE
 *     pointing at this pCPU's cpu_info, so swapgs makes it reachable for
 *     two instructions while the guest's GS base waits in the shadow MSR.
 *     No exception can occur between the two swapgs; an NMI can, and the
 *     NMI path does not use GS.
 *   - sysenter (Intel only): sysenter_enter, on the frame MSR_SYSENTER_ESP
 *     points at.
 *   - exceptions and interrupts: the IDT stubs of ../entry.S. The CPU
 *     switches to the TSS rsp0, which is the frame's es field, so the
 *     hardware part lands in the frame and handle_exception saves the rest
 *     around it. It returns here when the frame came from guest mode.
 *
 * return_to_guest is also where a PV vCPU continues after a context
 * switch (its arch.tail). It loops with interrupts off over
 * pv_exit_to_guest() (pv/traps.c) until no softirq is pending and any
 * bounce frame (exception, event upcall) has been built, then restores
 * the frame and irets. An iret that faults (the frame is checked, so
 * this is a defence) goes to pv_iret_fault() with the frame intact.
 */
#include <asm/asm_defns.h>
#include <asm/current.h>
#include <asm/regs.h>
#include <asm/traps.h>
#include <asm/uaccess.h>

/*
 * Build the frame of a syscall entry: the guest's rsp is saved straight
 * into the frame, then rsp moves onto the frame. cs/ss: what the guest
 * ran with (kernel and user mode use the same flat selectors).
 */
.macro SYSCALL_FRAME cs, ss
        swapgs
        mov     %rsp, %gs:(CPUINFO_guest_regs + REGS_rsp)
        mov     %gs:CPUINFO_self, %rsp
        swapgs
        lea     (CPUINFO_guest_regs + REGS_rsp)(%rsp), %rsp
        movq    $\ss, 8(%rsp)                   /* regs.ss */
        push    %r11                            /* regs.rflags */
        pushq   $\cs                            /* regs.cs */
        push    %rcx                            /* regs.rip */
        pushq   $0
        movl    $TRAP_syscall, 4(%rsp)          /* regs.entry_vector */
        SAVE_GPRS
        cld
.endm

        .text

/* syscall from 64-bit guest code (kernel: hypercall; user: system call). */
ENTRY(lstar_enter)
        SYSCALL_FRAME FLAT_RING3_CS64, FLAT_RING3_DS32
        mov     %rsp, %rdi
        sti
        call    pv_syscall_entry
        jmp     return_to_guest
END(lstar_enter)

/* syscall from 32-bit (compatibility mode) guest user code. */
ENTRY(cstar_enter)
        SYSCALL_FRAME FLAT_RING3_CS32, FLAT_RING3_DS32
        mov     %rsp, %rdi
        sti
        call    pv_syscall_entry
        jmp     return_to_guest
END(cstar_enter)

/*
 * sysenter from guest user code (Intel CPUs; AMD's long mode has none).
 * The CPU switched to MSR_SYSENTER_ESP, this pCPU's guest frame, and
 * saved nothing: the guest kernel's sysenter callback knows where its own
 * user code entered (Linux's vDSO convention), so rip and rsp are 0, as on
 * Xen.
 */
ENTRY(sysenter_enter)
        pushq   $FLAT_RING3_DS32                /* regs.ss */
        pushq   $0                              /* regs.rsp */
        pushq   $(X86_EFLAGS_IF | X86_EFLAGS_MBS) /* regs.rflags */
        pushq   $FLAT_RING3_CS32                /* regs.cs */
        pushq   $0                              /* regs.rip */
        pushq   $0
        movl    $TRAP_sysenter, 4(%rsp)         /* regs.entry_vector */
        SAVE_GPRS
        cld
        mov     %rsp, %rdi
        sti
        call    pv_sysenter_entry
        jmp     return_to_guest
END(sysenter_enter)

ENTRY(return_to_guest)
        /* %rbx = this pCPU's cpu_info; the stack restarts just below it. */
        mov     %rsp, %rbx
        or      $(STACK_SIZE - 1), %rbx
        sub     $(CPUINFO_SIZE - 1), %rbx
        mov     %rbx, %rsp
1:      cli
        call    pv_exit_to_guest
        test    %eax, %eax
        jnz     1b
        lea     CPUINFO_guest_regs(%rbx), %rsp
        RESTORE_GPRS
        add     $8, %rsp                        /* error code, vector */
.Lguest_iret:
        iretq
        _ASM_EXTABLE(.Lguest_iret, .Liret_fault)
.Liret_fault:
        /* The frame is intact above: start over from the stack top. */
        mov     %rsp, %rbx
        or      $(STACK_SIZE - 1), %rbx
        sub     $(CPUINFO_SIZE - 1), %rbx
        mov     %rbx, %rsp
        call    pv_iret_fault
        jmp     return_to_guest
END(return_to_guest)
