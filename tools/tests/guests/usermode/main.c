/*
 * usermode: a PV kernel's user mode (pv-abi.md 1.6, 1.7).
 *
 * Kernel side: stack_switch to a kernel stack, a syscall callback (type 2,
 * mask_events), NEW_USER_BASEPTR = the kernel's own L4 (Xen accepts the
 * same table for both), user and kernel GS bases, then HYPERVISOR_iret to
 * FLAT_USER_CS (RPL 3 => user mode).  User code then:
 *   1. syscall            -> syscall callback on the kernel stack
 *   2. int $0x80          -> trap 0x80 (DPL 3 gate, no event mask)
 *   3. read of 0x1000     -> #PF with the U bit in the error code
 *   4. wrmsr              -> #GP(0) (no emulation in user mode)
 *   5. %gs:0 read         -> the user GS base is live (swapgs on the switch)
 *   6. int3               -> #BP from user mode
 *   7. syscall 99         -> the handler resumes the kernel (iret, RPL 0)
 * Every frame: built on the stack_switch stack (16-byte aligned), cs 0xe033
 * (RPL 3) with saved mask 0, ss 0xe02b, rsp the user rsp; rcx/r11 of the
 * syscall frames are what the syscall instruction left (return rip, rflags).
 * After the return the kernel GS base is live again and the mask is 1.
 */
#include "guest.h"

const char test_title[] = "usermode: iret to user, syscall/int 0x80/faults back to kernel";

#define MAX_RECS 8

struct rec {
    struct trap_frame f;
    uint64_t rax, rbx;
    uint8_t mask_in_handler;
};

static struct rec recs[MAX_RECS];
static unsigned int nr_recs;
uint64_t saved_kernel_rsp;     /* used by enter_user (asm) */
static uint64_t user_gs_word = 0x0123456789abcdefUL, kernel_gs_word = 0xfedcba9876543210UL;
static uint8_t kernel_stack[4 * 4096] __attribute__((aligned(4096)));
static uint8_t user_stack[4 * 4096] __attribute__((aligned(4096)));

extern char user_code[], user_after_sys1[], user_after_int80[], user_pf[], user_gp[],
    user_after_sys3[], user_after_int3[], user_after_exit[], kernel_resume[];
void enter_user(uint64_t rip, uint64_t rsp);

asm ( ".pushsection .text\n"
      /* enter_user(rip, rsp): iret to user mode; returns when the user
       * code's exit syscall makes the handler resume kernel_resume. */
      "enter_user:\n\t"
      "push %rbp\n\t push %rbx\n\t push %r12\n\t push %r13\n\t push %r14\n\t push %r15\n\t"
      "mov %rsp, saved_kernel_rsp(%rip)\n\t"
      "pushq $0xe02b\n\t"           /* ss */
      "pushq %rsi\n\t"              /* rsp */
      "pushq $0x202\n\t"            /* rflags: IF => events unmasked in user mode */
      "pushq $0xe033\n\t"           /* cs: RPL 3 => user mode */
      "pushq %rdi\n\t"              /* rip */
      "pushq $0\n\t"                /* flags */
      "pushq $0\n\t"                /* rcx */
      "pushq $0\n\t"                /* r11 */
      "pushq $0\n\t"                /* rax */
      "mov $23, %eax\n\t"
      "syscall\n\t"
      "ud2\n"
      "kernel_resume:\n\t"
      "pop %r15\n\t pop %r14\n\t pop %r13\n\t pop %r12\n\t pop %rbx\n\t pop %rbp\n\t"
      "ret\n"

      "user_code:\n\t"
      "mov $1, %eax\n\t"
      "syscall\n"
      "user_after_sys1:\n\t"
      "mov $2, %eax\n\t"
      "int $0x80\n"
      "user_after_int80:\n"
      "user_pf:\n\t"
      "movq 0x1000, %rax\n"
      "1:\n\t"
      ASM_EXTABLE(user_pf, 1b)
      "user_gp:\n\t"
      "wrmsr\n"
      "2:\n\t"
      ASM_EXTABLE(user_gp, 2b)
      "mov %gs:0, %rbx\n\t"
      "mov $3, %eax\n\t"
      "syscall\n"
      "user_after_sys3:\n\t"
      "int3\n"
      "user_after_int3:\n\t"
      "mov $99, %eax\n\t"
      "syscall\n"
      "user_after_exit:\n\t"
      "ud2\n"
      ".popsection\n" );

static bool record(struct trap_frame *f)
{
    struct rec *r;

    if ( nr_recs < MAX_RECS )
    {
        r = &recs[nr_recs++];
        r->f = *f;
        r->f.gprs = NULL;
        r->rax = f->gprs->rax;
        r->rbx = f->gprs->rbx;
        r->mask_in_handler = vcpu0()->evtchn_upcall_mask;
    }
    if ( f->vector == KIND_SYSCALL && f->gprs->rax == 99 )
    {
        /* Back to the kernel, events masked as before. */
        f->rip = (uint64_t)kernel_resume;
        f->cs = FLAT_KERNEL_CS & ~3UL;
        f->ss = FLAT_KERNEL_SS;
        f->rsp = saved_kernel_rsp;
        f->rflags = 0x2;
        return true;
    }
    /* #PF/#GP: the exception table skips the instruction */
    return f->vector == KIND_SYSCALL || f->vector == 0x80 || f->vector == X86_EXC_BP;
}

static void setup(void)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_syscall,
        .flags = CALLBACKF_mask_events,
        .address = (uint64_t)syscall_entry,
    };
    mmuext_op_t op = {
        .cmd = MMUEXT_NEW_USER_BASEPTR,
        .arg1.mfn = virt_to_mfn((void *)start_info->pt_base),
    };

    CHECK_EQ(hypervisor_stack_switch(FLAT_KERNEL_SS, (uint64_t)kernel_stack + sizeof(kernel_stack)), 0);
    CHECK_EQ(hypervisor_callback_op(CALLBACKOP_register, &cb), 0);
    CHECK_EQ(hypervisor_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
    CHECK_EQ(hypervisor_set_segment_base(SEGBASE_GS_USER, (uint64_t)&user_gs_word), 0);
    CHECK_EQ(hypervisor_set_segment_base(SEGBASE_GS_KERNEL, (uint64_t)&kernel_gs_word), 0);
    set_trap_handler(KIND_SYSCALL, record);
    set_trap_handler(0x80, record);
    set_trap_handler(X86_EXC_PF, record);
    set_trap_handler(X86_EXC_GP, record);
    set_trap_handler(X86_EXC_BP, record);
}

/* The frame of a trap from user mode at user rsp `usp`. */
static void check_user_frame(const char *name, const struct rec *r, unsigned int vector,
                             uint64_t rip, uint64_t usp)
{
    const struct trap_frame *f = &r->f;
    uint64_t kstack_top = (uint64_t)kernel_stack + sizeof(kernel_stack);

    if ( f->vector != vector )
    {
        fail("%s: vector %#x, expected %#x", name, f->vector, vector);
        return;
    }
    CHECK_EQ(f->rip, rip);
    if ( f->cs != FLAT_USER_CS )
        fail("%s: cs %#lx, expected %#x (RPL 3, saved mask 0)", name, f->cs, FLAT_USER_CS);
    if ( f->ss != FLAT_USER_SS )
        fail("%s: ss %#lx, expected %#x", name, f->ss, FLAT_USER_SS);
    if ( f->rsp != usp )
        fail("%s: rsp %#lx, expected %#lx", name, f->rsp, usp);
    if ( !(f->rflags & 0x200) )
        fail("%s: rflags %#lx without IF", name, f->rflags);
    if ( f->frame_va != (kstack_top & ~15UL) - f->nr_raw * 8 )
        fail("%s: frame at %#lx, kernel stack top %#lx", name, f->frame_va, kstack_top);
}

int main(void)
{
    uint64_t usp = (uint64_t)user_stack + sizeof(user_stack);
    uint64_t gs;
    const struct rec *r = recs;

    setup();
    enter_user((uint64_t)user_code, usp);

    asm volatile ( "mov %%gs:0, %0" : "=r" (gs) );
    CHECK_EQ(gs, kernel_gs_word);
    CHECK_EQ(vcpu0()->evtchn_upcall_mask, 1);
    printk("%u entries from user mode\n", nr_recs);
    if ( nr_recs != 7 )
        test_result(FAILURE, "%u entries from user mode, expected 7 (last vector %#x rip %#lx)",
                    nr_recs, nr_recs ? recs[nr_recs - 1].f.vector : 0,
                    nr_recs ? recs[nr_recs - 1].f.rip : 0);

    check_user_frame("syscall", r, KIND_SYSCALL, (uint64_t)user_after_sys1, usp);
    CHECK_EQ(r->rax, 1);
    CHECK_EQ(r->f.rcx, (uint64_t)user_after_sys1);
    CHECK_EQ(r->f.r11, r->f.rflags);
    CHECK_EQ(r->mask_in_handler, 1);
    r++;
    check_user_frame("int $0x80", r, 0x80, (uint64_t)user_after_int80, usp);
    CHECK_EQ(r->rax, 2);
    CHECK_EQ(r->mask_in_handler, 0);
    r++;
    check_user_frame("#PF", r, X86_EXC_PF, (uint64_t)user_pf, usp);
    CHECK_EQ(r->f.error_code, 4);       /* user | read | not present */
    CHECK_EQ(r->f.cr2, 0x1000);
    r++;
    check_user_frame("#GP", r, X86_EXC_GP, (uint64_t)user_gp, usp);
    CHECK_EQ(r->f.error_code, 0);
    r++;
    check_user_frame("syscall 3", r, KIND_SYSCALL, (uint64_t)user_after_sys3, usp);
    CHECK_EQ(r->rbx, user_gs_word);
    r++;
    check_user_frame("int3", r, X86_EXC_BP, (uint64_t)user_after_int3, usp);
    r++;
    check_user_frame("exit syscall", r, KIND_SYSCALL, (uint64_t)user_after_exit, usp);
    test_done();
}
