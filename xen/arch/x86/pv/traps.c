/*
 * pv/traps.c: exceptions, system calls and events of 64-bit PV guests.
 *
 * Theory of operation. A PV guest runs in ring 3 and never sees the real
 * IDT. What a native kernel would receive from the CPU, the hypervisor
 * delivers by "bouncing": it records in v->arch.pv.trap_bounce where the
 * guest wants to go (the handler from its virtual IDT, set_trap_table, or
 * a registered callback), and on the way out (pv_exit_to_guest, called
 * with interrupts off by return_to_guest in pv/entry.S) builds on the
 * guest's kernel stack the frame its handler expects (pv-abi.md §1.7):
 *
 *     rcx, r11, [error code], rip, cs | saved_upcall_mask << 32,
 *     rflags, rsp, ss                      (failsafe: ds, es, fs, gs too)
 *
 * then points the guest at the handler. A guest in user mode is switched
 * to kernel mode first (its kernel page tables and GS base), and the frame
 * goes on the stack it named with stack_switch; a guest already in kernel
 * mode gets the frame on its current stack, with the RPL of the saved cs
 * cleared so its handler can tell the two apart. Interrupt-like bounces
 * (events, interrupt-gate traps, callbacks registered to mask events) set
 * the vCPU's upcall mask, which is the PV guest's "interrupts off".
 *
 * Events are delivered last on the way out: if the vCPU has an upcall
 * pending and not masked, an event-callback frame goes on top of whatever
 * else was bounced.
 *
 * What the guest cannot be bounced to (no handler registered, its kernel
 * stack unwritable) crashes the domain with a report; the hypervisor and
 * every other domain carry on.
 *
 * Locking: none. Everything here works on current, on its own pCPU.
 */
#include <asm/current.h>
#include <asm/page.h>
#include <asm/desc.h>
#include <asm/i387.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/pv/ldt.h>
#include <asm/pv/mm.h>
#include <asm/pv/traps.h>
#include <asm/traps.h>
#include <xen/event.h>
#include <xen/vcpu_timer.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/softirq.h>

extern const char lstar_enter[], cstar_enter[], sysenter_enter[];

/* rflags bits the guest never gets: it runs with IOPL 0 and IF on. */
#define GUEST_RFLAGS_CLEAR (X86_EFLAGS_IOPL | X86_EFLAGS_NT | X86_EFLAGS_RF | \
                            X86_EFLAGS_VM | X86_EFLAGS_TF | X86_EFLAGS_AC)

/* ---- Per-pCPU setup ---- */

void pv_percpu_init(void)
{
    struct cpu_info *ci = get_cpu_info();

    ci->self = (unsigned long)ci;
    /* syscall: CS = 0xe008, SS = 0xe010; sysret: CS = 0xe033, SS = 0xe02b. */
    wrmsr(MSR_STAR, ((uint64_t)(FLAT_RING3_CS32 & ~3) << 48) |
                    ((uint64_t)__HYPERVISOR_CS << 32));
    wrmsr(MSR_LSTAR, (unsigned long)lstar_enter);
    wrmsr(MSR_CSTAR, (unsigned long)cstar_enter);
    wrmsr(MSR_FMASK, X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF |
                     X86_EFLAGS_NT | X86_EFLAGS_AC | X86_EFLAGS_IOPL);
    wrmsr(MSR_SHADOW_GS_BASE, (unsigned long)ci);
    /* sysenter lands on this pCPU's guest frame (CPUINFO_rsp0 = its top). */
    wrmsr(MSR_IA32_SYSENTER_CS, __HYPERVISOR_CS);
    wrmsr(MSR_IA32_SYSENTER_ESP, (unsigned long)&ci->guest_cpu_user_regs.es);
    wrmsr(MSR_IA32_SYSENTER_EIP, (unsigned long)sysenter_enter);
}

/* ---- Guest kernel / user mode ---- */

/*
 * Switch v (current) between its kernel and user halves: the other L4,
 * the other GS base. The active GS base is read back from the MSR, since
 * a guest may have changed it by loading %gs.
 */
void pv_toggle_guest_mode(struct vcpu *v)
{
    struct pv_vcpu *pv = &v->arch.pv;

    ASSERT(v == current);
    if ( pv->kernel_mode )
    {
        pv->gs_base_kernel = rdmsr(MSR_GS_BASE);
        wrmsr(MSR_GS_BASE, pv->gs_base_user);
    }
    else
    {
        pv->gs_base_user = rdmsr(MSR_GS_BASE);
        wrmsr(MSR_GS_BASE, pv->gs_base_kernel);
    }
    pv->kernel_mode = !pv->kernel_mode;
    v->arch.cr3 = (pv->kernel_mode ? pv->guest_table : pv->guest_table_user)
                  << PAGE_SHIFT;
    write_cr3(v->arch.cr3);
}

/* ---- Crashing a guest ---- */

static void show_guest_stack(unsigned long sp)
{
    unsigned long words[16];
    unsigned int i, n = ARRAY_SIZE(words);

    sp &= ~7ul;
    while ( n && raw_copy_from_guest(words, (const void *)sp, n * 8) )
        n /= 2;
    printk("Guest stack at %016lx:", sp);
    if ( !n )
        printk(" (not readable)");
    for ( i = 0; i < n; i++ )
        printk("%s%016lx", (i % 4) ? " " : "\n  ", words[i]);
    printk("\n");
}

void pv_crash(struct vcpu *v, const struct cpu_user_regs *regs,
              const char *why)
{
    struct domain *d = v->domain;

    printk(XENLOG_ERR "d%uv%u: %s: crashing the domain\n",
           d->domain_id, v->vcpu_id, why);
    printk("RIP: %04x:%016lx  RFLAGS: %016lx  mode: %s\n", regs->cs,
           regs->rip, regs->rflags, v->arch.pv.kernel_mode ? "kernel" : "user");
    printk("rax: %016lx rbx: %016lx rcx: %016lx rdx: %016lx\n",
           regs->rax, regs->rbx, regs->rcx, regs->rdx);
    printk("rsi: %016lx rdi: %016lx rbp: %016lx rsp: %016lx\n",
           regs->rsi, regs->rdi, regs->rbp, regs->rsp);
    printk("r8:  %016lx r9:  %016lx r10: %016lx r11: %016lx\n",
           regs->r8, regs->r9, regs->r10, regs->r11);
    printk("r12: %016lx r13: %016lx r14: %016lx r15: %016lx\n",
           regs->r12, regs->r13, regs->r14, regs->r15);
    printk("cr3: %016lx (kernel L4 mfn %lx, user L4 mfn %lx)  cr2: %016lx\n",
           read_cr3(), v->arch.pv.guest_table, v->arch.pv.guest_table_user,
           (unsigned long)v->vcpu_info->arch.cr2);
    show_guest_stack(regs->rsp);
    domain_crash(d);
}

/* ---- Bounce frames ---- */

/*
 * Build tb's frame on the guest stack and point regs at the handler.
 * False (and nothing changed in regs) if the stack cannot take it.
 */
static bool build_bounce_frame(struct vcpu *v, struct cpu_user_regs *regs,
                               const struct trap_bounce *tb)
{
    struct pv_vcpu *pv = &v->arch.pv;
    struct vcpu_info *vi = v->vcpu_info;
    bool from_user = !pv->kernel_mode;
    unsigned long frame[11], sp, cs;
    unsigned int n = 0;
    uint8_t mask = vi->evtchn_upcall_mask;

    if ( from_user )
    {
        pv_toggle_guest_mode(v);
        sp = pv->kernel_sp;
    }
    else
        sp = regs->rsp;
    sp &= ~0xful;

    cs = regs->cs;
    if ( !from_user )
        cs &= ~3ul;                         /* "was in kernel mode" */
    cs |= (unsigned long)mask << 32;

    frame[n++] = regs->rcx;
    frame[n++] = regs->r11;
    if ( tb->flags & TBF_FAILSAFE )
    {
        frame[n++] = regs->ds;
        frame[n++] = regs->es;
        frame[n++] = regs->fs;
        frame[n++] = regs->gs;
    }
    if ( tb->flags & TBF_EXCEPTION_ERRCODE )
        frame[n++] = tb->error_code;
    frame[n++] = regs->rip;
    frame[n++] = cs;
    frame[n++] = (regs->rflags & ~(X86_EFLAGS_IF | X86_EFLAGS_IOPL)) |
                 (mask ? 0 : X86_EFLAGS_IF);
    frame[n++] = regs->rsp;
    frame[n++] = regs->ss;

    sp -= n * sizeof(frame[0]);
    if ( !is_canonical_address(sp) || raw_copy_to_guest((void *)sp, frame, n * 8) )
    {
        if ( from_user )
            pv_toggle_guest_mode(v);        /* report the user-mode state */
        return false;
    }

    if ( tb->flags & TBF_INTERRUPT )
        vi->evtchn_upcall_mask = 1;
    regs->rsp = sp;
    regs->ss = FLAT_KERNEL_SS;
    regs->cs = FLAT_KERNEL_CS;
    regs->rip = tb->eip;
    regs->rflags &= ~GUEST_RFLAGS_CLEAR;
    regs->rflags |= X86_EFLAGS_IF | X86_EFLAGS_MBS;
    return true;
}

static const char *const vector_names[32] = {
    [TRAP_divide_error] = "#DE", [TRAP_debug] = "#DB", [TRAP_nmi] = "NMI",
    [TRAP_int3] = "#BP", [TRAP_overflow] = "#OF", [TRAP_bounds] = "#BR",
    [TRAP_invalid_op] = "#UD", [TRAP_no_device] = "#NM",
    [TRAP_double_fault] = "#DF", [TRAP_invalid_tss] = "#TS",
    [TRAP_no_segment] = "#NP", [TRAP_stack_error] = "#SS",
    [TRAP_gp_fault] = "#GP", [TRAP_page_fault] = "#PF",
    [TRAP_copro_error] = "#MF", [TRAP_alignment_check] = "#AC",
    [TRAP_machine_check] = "#MC", [TRAP_simd_error] = "#XM",
};

/*
 * Queue vector (with error_code if >= 0) for delivery through the guest's
 * virtual IDT. False if the guest has no handler for it: the caller
 * crashes the domain.
 */
bool pv_inject_trap(struct vcpu *v, unsigned int vector, int error_code)
{
    const struct trap_info *ti = &v->arch.pv.trap_ctxt[vector & 0xff];
    struct trap_bounce *tb = &v->arch.pv.trap_bounce;

    if ( !ti->address )
        return false;
    tb->flags = TBF_EXCEPTION;
    if ( error_code >= 0 )
    {
        tb->flags |= TBF_EXCEPTION_ERRCODE;
        tb->error_code = error_code;
    }
    if ( TI_GET_IF(ti) )
        tb->flags |= TBF_INTERRUPT;
    tb->cs = ti->cs;
    tb->eip = ti->address;
    return true;
}

/* Inject, or crash the domain when the guest has no handler. */
void pv_inject_or_crash(struct cpu_user_regs *regs, unsigned int vector,
                        int error_code)
{
    struct vcpu *v = current;
    char why[64];

    if ( pv_inject_trap(v, vector, error_code) )
        return;
    snprintf(why, sizeof(why), "unhandled %s (vector %u, error code %d)",
             vector < 32 && vector_names[vector] ? vector_names[vector] : "trap",
             vector, error_code);
    pv_crash(v, regs, why);
}

/* Queue a callback (event, failsafe, syscall...) instead of a trap. */
static bool pv_bounce_callback(struct vcpu *v, enum pv_callback cb,
                               unsigned int extra_flags)
{
    struct trap_bounce *tb = &v->arch.pv.trap_bounce;

    if ( !v->arch.pv.callback[cb] )
        return false;
    tb->flags = TBF_EXCEPTION | extra_flags;
    if ( test_bit(cb, &v->arch.pv.callback_masks) )
        tb->flags |= TBF_INTERRUPT;
    tb->cs = FLAT_KERNEL_CS;
    tb->eip = v->arch.pv.callback[cb];
    return true;
}

/* ---- Entry from a guest: exceptions ---- */

/* An exception raised by guest code (regs from guest mode). */
void pv_do_trap(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    unsigned int vec = regs->entry_vector;
    unsigned long cr2 = vec == TRAP_page_fault ? read_cr2() : 0;

    /*
     * The guest's state is safe in the frame at the stack top: handle the
     * exception with interrupts on, as the hypervisor's locks expect.
     */
    local_irq_enable();

    switch ( vec )
    {
    case TRAP_page_fault:
        /* The CPU reading the guest's LDT: map the page (pv/ldt.c). */
        if ( pv_ldt_guest_fault(regs, &cr2) )
            return;
        /* The guest kernel writing its own page table: emulate (ptwr). */
        if ( pv_ptwr_fault(regs, cr2) )
        {
            if ( regs->rflags & X86_EFLAGS_TF )
                pv_inject_or_crash(regs, TRAP_debug, -1);
            return;
        }
        v->vcpu_info->arch.cr2 = cr2;
        /* The U bit says what the guest was in: user or kernel mode. */
        regs->error_code &= ~PFEC_user_mode;
        if ( !v->arch.pv.kernel_mode )
            regs->error_code |= PFEC_user_mode;
        pv_inject_or_crash(regs, vec, regs->error_code);
        return;

    case TRAP_gp_fault:
        pv_do_general_protection(regs);
        return;

    case INT80_VECTOR:
    {
        /* int $0x80: to the guest's handler if its DPL allows, as a
         * native IDT would; otherwise #GP, as for a closed gate. */
        const struct trap_info *ti = &v->arch.pv.trap_ctxt[INT80_VECTOR];
        unsigned int cpl = v->arch.pv.kernel_mode ? 1 : 3;

        if ( ti->address && TI_GET_DPL(ti) >= cpl )
            pv_inject_or_crash(regs, INT80_VECTOR, -1);
        else
        {
            regs->rip -= 2;                 /* #GP points at the int */
            pv_inject_or_crash(regs, TRAP_gp_fault, (INT80_VECTOR << 3) | 2);
        }
        return;
    }

    case TRAP_invalid_op:
        if ( pv_emulate_forced_cpuid(regs) == X86EMUL_OKAY )
            return;
        pv_inject_or_crash(regs, vec, -1);
        return;

    case TRAP_no_device:
        /* The hypervisor's lazy switch first; then the guest's own TS. */
        vcpu_restore_fpu_lazy(v);
        if ( v->arch.pv.ctrlreg[0] & X86_CR0_TS )
        {
            v->arch.pv.ctrlreg[0] &= ~X86_CR0_TS;   /* as the CPU would */
            pv_inject_or_crash(regs, vec, -1);
        }
        return;

    case TRAP_double_fault:
    case TRAP_invalid_tss:
    case TRAP_no_segment:
    case TRAP_stack_error:
    case TRAP_alignment_check:
    case TRAP_control_prot:
        pv_inject_or_crash(regs, vec, regs->error_code);
        return;

    default:
        pv_inject_or_crash(regs, vec, -1);
        return;
    }
}

/*
 * #GP from the guest. Error code 0: a privileged instruction, which we may
 * emulate. An IDT error code: "int n" through a gate the real IDT does not
 * open to ring 3, which the guest's virtual IDT may (int 0x80).
 */
void pv_do_general_protection(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    uint32_t ec = regs->error_code;

    if ( (ec & 3) == 2 )
    {
        /*
         * "int $n" through a gate closed to ring 3. The vector is read
         * from the instruction: the error code's IDT index is not reliable
         * (QEMU's TCG reports the byte offset of a 16-byte gate).
         */
        uint8_t insn[2];
        unsigned int cpl = v->arch.pv.kernel_mode ? 1 : 3;

        if ( !raw_copy_from_guest(insn, (const void *)regs->rip, 2) &&
             insn[0] == 0xcd )
        {
            const struct trap_info *ti = &v->arch.pv.trap_ctxt[insn[1]];

            if ( ti->address && TI_GET_DPL(ti) >= cpl )
            {
                regs->rip += 2;
                pv_inject_or_crash(regs, insn[1], -1);
                return;
            }
        }
    }
    else if ( ec == 0 )
    {
        struct pv_emul_exception ex;

        switch ( pv_emulate_privileged_op(regs, &ex) )
        {
        case X86EMUL_OKAY:
            return;
        case X86EMUL_EXCEPTION:
            pv_inject_or_crash(regs, ex.vector, ex.error_code);
            return;
        default:
            break;
        }
    }
    pv_inject_or_crash(regs, TRAP_gp_fault, ec);
}

/*
 * A #DB in hypervisor context: a data breakpoint the running PV vCPU set
 * on its own memory, hit while the hypervisor copied to or from it. As on
 * Xen, the hit is recorded in the guest's virtual DR6 (where it can see
 * it) and nothing is injected; the hypervisor carries on. False if it is
 * not such a #DB.
 */
bool pv_debug_in_hypervisor(void)
{
    struct vcpu *v = current;
    unsigned long dr6;

    if ( is_idle_vcpu(v) || !v->domain->arch.is_pv ||
         !(v->arch.pv.debugreg[7] & 0xff) )
        return false;
    __asm__ __volatile__ ( "mov %%db6, %0" : "=r" (dr6) );
    if ( !(dr6 & 0xf) )
        return false;                       /* not a breakpoint hit */
    __asm__ __volatile__ ( "mov %0, %%db6" :: "r" (0xffff0ff0ul) );
    v->arch.pv.debugreg[6] |= dr6 & 0xf;
    return true;
}

/* ---- Entry from a guest: syscall ---- */

void pv_syscall_entry(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    enum pv_callback cb;

    if ( v->arch.pv.kernel_mode )
    {
        pv_hypercall(regs);
        return;
    }

    /* A system call from guest user mode: bounce to the guest kernel. */
    cb = regs->cs == FLAT_RING3_CS32 ? PV_CB_syscall32 : PV_CB_syscall;
    regs->rflags &= ~X86_EFLAGS_DF;
    if ( !pv_bounce_callback(v, cb, 0) )
        pv_inject_or_crash(regs, TRAP_invalid_op, -1);
}

/* sysenter: to the guest's sysenter callback, or #GP(0) without one. */
void pv_sysenter_entry(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;

    if ( !pv_bounce_callback(v, PV_CB_sysenter, 0) )
        pv_inject_or_crash(regs, TRAP_gp_fault, 0);
}

/* ---- Virtual NMIs ---- */

void arch_vcpu_send_nmi(struct vcpu *v)
{
    if ( !__atomic_exchange_n(&v->arch.pv.nmi_pending, true, __ATOMIC_SEQ_CST) )
        vcpu_kick(v);
}

/*
 * On the way out: a pending NMI goes to the guest's NMI handler, which is
 * its virtual IDT's vector 2 (CALLBACKTYPE_nmi writes that entry, as on
 * Xen), masking further NMIs until the guest's next iret. Without a
 * handler it is dropped, as on Xen.
 */
static void deliver_nmi(struct vcpu *v)
{
    struct pv_vcpu *pv = &v->arch.pv;

    if ( !pv->nmi_pending || pv->nmi_masked || pv->trap_bounce.flags )
        return;
    pv->nmi_pending = false;
    if ( pv_inject_trap(v, TRAP_nmi, -1) )
        pv->nmi_masked = true;
}

/* ---- The way out ---- */

/*
 * Called by return_to_guest with interrupts off, in a loop: non-zero
 * means "I did something with interrupts on, look again".
 */
int pv_exit_to_guest(void)
{
    struct vcpu *v = current;
    struct cpu_user_regs *regs = &get_cpu_info()->guest_cpu_user_regs;
    struct trap_bounce *tb = &v->arch.pv.trap_bounce;

    if ( softirq_pending(smp_processor_id()) )
    {
        local_irq_enable();
        do_softirq();
        return 1;
    }

    deliver_nmi(v);
    if ( tb->flags )
    {
        struct trap_bounce t = *tb;

        tb->flags = 0;
        if ( !build_bounce_frame(v, regs, &t) )
        {
            local_irq_enable();
            pv_crash(v, regs, "cannot write the exception frame on the guest stack");
            return 1;
        }
    }

    if ( local_events_need_delivery_v(v) )
    {
        struct trap_bounce t = {
            .flags = TBF_EXCEPTION | TBF_INTERRUPT,
            .cs = FLAT_KERNEL_CS,
            .eip = v->arch.pv.callback[PV_CB_event],
        };

        if ( !t.eip )
        {
            /* No event callback yet: the guest takes its events later. */
            return 0;
        }
        if ( !build_bounce_frame(v, regs, &t) )
        {
            local_irq_enable();
            pv_crash(v, regs, "cannot write the event frame on the guest stack");
            return 1;
        }
    }
    return 0;
}

/* The final iret faulted: the frame was bad. The failsafe callback, if any. */
void pv_iret_fault(void)
{
    struct vcpu *v = current;
    struct cpu_user_regs *regs = &get_cpu_info()->guest_cpu_user_regs;

    local_irq_enable();
    if ( pv_bounce_callback(v, PV_CB_failsafe, TBF_FAILSAFE) )
        return;
    pv_crash(v, regs, "the return to the guest faulted and no failsafe callback is registered");
}

/* Segment loads on the way in faulted: deliver the failsafe callback. */
void pv_failsafe(struct vcpu *v, struct cpu_user_regs *regs)
{
    if ( !pv_bounce_callback(v, PV_CB_failsafe, TBF_FAILSAFE) )
        pv_crash(v, regs, "a segment load faulted and no failsafe callback is registered");
}
