/*
 * entry.S: exception and interrupt entry for the hypervisor itself.
 *
 * Theory of operation. Every IDT vector v points at entry_stubs + 16 * v.
 * A stub makes all frames look alike: it pushes a zero error code where the
 * CPU pushes none, stores v in the upper half of the error-code slot, and
 * jumps to handle_exception. That saves the general registers below the
 * frame so the stack holds a struct cpu_user_regs (asm/regs.h), calls
 * do_trap(regs) and, if it returns, restores everything and irets.
 *
 * A frame that came from guest mode (ring 3) is the guest's: it sits at
 * the top of the stack (cpu_info->guest_cpu_user_regs, where the TSS rsp0
 * put it) and leaves through pv/entry.S's return_to_guest, which delivers
 * what the guest is owed (events, bounced exceptions) on the way out.
 */
#include <asm/asm_defns.h>
#include <asm/regs.h>

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                        (v) == 21 || (v) == 29 || (v) == 30)

        .text
        .balign 16
GLOBAL(entry_stubs)
        vec = 0
        .rept 256
        .balign 16
        .if !HAS_ERRCODE(vec)
        pushq   $0
        .endif
        movl    $vec, 4(%rsp)
        jmp     handle_exception
        vec = vec + 1
        .endr
END(entry_stubs)

ENTRY(handle_exception)
        SAVE_GPRS
        cld
        mov     %rsp, %rdi
        /* The frame is 8 bytes off 16-byte alignment here. */
        sub     $8, %rsp
        call    do_trap
        add     $8, %rsp
        testb   $3, REGS_cs(%rsp)
        jnz     return_to_guest
        RESTORE_GPRS
        add     $8, %rsp                /* error code and vector */
        iretq
END(handle_exception)
