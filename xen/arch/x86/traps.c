/*
 * traps.c: exceptions and interrupts taken while the hypervisor runs.
 *
 * Theory of operation. entry.S hands every vector to do_trap() with the
 * interrupted state in a struct cpu_user_regs. Today nothing but the
 * hypervisor runs, so an exception is a hypervisor bug: the report names
 * the vector, the error code, every register, the control registers and a
 * symbolized call trace, then panics. Two vectors are not fatal: an NMI is
 * reported and dismissed, and a stray external interrupt is counted and
 * reported (no interrupt sources are programmed yet). #NM is the lazy FPU
 * switch (i387.c) when a vCPU with FPU state is current, fatal otherwise.
 *
 * The call trace follows the frame-pointer chain (the hypervisor is built
 * with -fno-omit-frame-pointer). Every frame address is checked to lie
 * inside the stack it started on before it is dereferenced, so a corrupt
 * %rbp ends the trace instead of causing a second fault. A leaf function
 * that needs no stack gets no frame from GCC, whatever the flags; when the
 * fault is in one, the word at %rsp is its return address, so a text
 * address found there and not at the top of the frame chain is printed
 * too, marked S (found by scanning) rather than F (found by frame).
 *
 * Faults inside the report itself (a recursive fault) print a one-line
 * notice and halt the CPU rather than recursing.
 */
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/i387.h>
#include <asm/processor.h>
#include <asm/irq.h>
#include <asm/pv/traps.h>
#include <asm/traps.h>
#include <asm/uaccess.h>
#include <xen/lib.h>
#include <xen/string.h>
#include <xen/sched.h>
#include <xen/symbols.h>
#include <xen/version.h>

static const char *const trap_names[] = {
    [TRAP_divide_error]     = "divide error",
    [TRAP_debug]            = "debug",
    [TRAP_nmi]              = "nmi",
    [TRAP_int3]             = "breakpoint",
    [TRAP_overflow]         = "overflow",
    [TRAP_bounds]           = "bounds",
    [TRAP_invalid_op]       = "invalid opcode",
    [TRAP_no_device]        = "device not available",
    [TRAP_double_fault]     = "double fault",
    [TRAP_copro_seg]        = "coprocessor segment overrun",
    [TRAP_invalid_tss]      = "invalid TSS",
    [TRAP_no_segment]       = "segment not present",
    [TRAP_stack_error]      = "stack segment fault",
    [TRAP_gp_fault]         = "general protection fault",
    [TRAP_page_fault]       = "page fault",
    [TRAP_spurious_int]     = "reserved (15)",
    [TRAP_copro_error]      = "x87 floating point error",
    [TRAP_alignment_check]  = "alignment check",
    [TRAP_machine_check]    = "machine check",
    [TRAP_simd_error]       = "SIMD floating point error",
    [TRAP_virtualisation]   = "virtualisation exception",
    [TRAP_control_prot]     = "control protection fault",
};

static const char *trap_name(unsigned int vector)
{
    if ( vector < ARRAY_SIZE(trap_names) && trap_names[vector] )
        return trap_names[vector];
    return vector < FIRST_IRQ_VECTOR ? "reserved" : "external interrupt";
}

/* Vectors whose error code means something (the stubs push 0 elsewhere). */
static bool trap_has_error_code(unsigned int vector)
{
    return vector == TRAP_double_fault ||
           (vector >= TRAP_invalid_tss && vector <= TRAP_page_fault) ||
           vector == TRAP_alignment_check || vector == TRAP_control_prot;
}

/* ---- Stacks ---- */

/*
 * The bounds of the hypervisor stack holding addr, or false if addr is on
 * no known stack. Only the running CPU's stack block is known: its IST
 * stacks (one page each, pages 0-3), the guard page (4, unmapped: never a
 * stack), and the primary stack (5-7) whose usable top excludes the
 * struct cpu_info.
 */
static bool stack_bounds(unsigned long addr, unsigned long *lo,
                         unsigned long *hi)
{
    unsigned long base = get_stack_bottom();
    unsigned long page;

    if ( addr < base || addr >= base + STACK_SIZE )
        return false;
    page = (addr - base) >> PAGE_SHIFT;
    if ( page < IST_MAX )
    {
        *lo = addr & PAGE_MASK;
        *hi = *lo + PAGE_SIZE;
        return true;
    }
    if ( page < STACK_SIZE / PAGE_SIZE - PRIMARY_STACK_PAGES )
        return false;
    *lo = base + STACK_SIZE - PRIMARY_STACK_PAGES * PAGE_SIZE;
    *hi = base + STACK_SIZE - CPUINFO_SIZE;
    return true;
}

static void print_trace_entry(unsigned long addr, char kind)
{
    printk("   [<%016lx>] %c %pS\n", addr, kind, (void *)addr);
}

/* Can `bytes` bytes at addr be read as words of a hypervisor stack? */
static bool on_stack(unsigned long addr, unsigned long bytes)
{
    unsigned long lo, hi;

    return IS_ALIGNED(addr, 8) && stack_bounds(addr, &lo, &hi) &&
           addr + bytes <= hi;
}

/* Walk the %rbp chain from frame, upwards, while it stays on a stack. */
static void show_frame_chain(unsigned long frame)
{
    unsigned int depth = 0;

    while ( on_stack(frame, 16) && depth++ < 64 )
    {
        const unsigned long *f = (const unsigned long *)frame;

        if ( !f[1] )
            break;
        print_trace_entry(f[1], 'F');
        if ( f[0] <= frame )
            break;
        frame = f[0];
    }
}

static bool is_kernel_text(unsigned long addr)
{
    extern const char _stext[], _etext[];

    return addr >= (unsigned long)_stext && addr < (unsigned long)_etext;
}

/* The return address of a frameless leaf function, or 0. */
static unsigned long leaf_return_address(const struct cpu_user_regs *regs)
{
    unsigned long word, first_ret = 0;

    if ( !on_stack(regs->rsp, 8) )
        return 0;
    word = *(const unsigned long *)regs->rsp;
    if ( on_stack(regs->rbp, 16) )
        first_ret = ((const unsigned long *)regs->rbp)[1];
    return is_kernel_text(word) && word != first_ret ? word : 0;
}

static void show_call_trace(const struct cpu_user_regs *regs)
{
    unsigned long leaf_ret = leaf_return_address(regs);

    printk("Xen call trace:\n");
    print_trace_entry(regs->rip, 'R');
    if ( leaf_ret )
        print_trace_entry(leaf_ret, 'S');
    show_frame_chain(regs->rbp);
    printk("\n");
}

static void show_stack_words(const struct cpu_user_regs *regs)
{
    unsigned long lo, hi, sp = regs->rsp;
    unsigned int i;

    if ( !stack_bounds(sp, &lo, &hi) || !IS_ALIGNED(sp, 8) )
    {
        printk("Xen stack: rsp=%016lx is not on a hypervisor stack; no dump\n",
               sp);
        return;
    }

    printk("Xen stack trace from rsp=%016lx:\n", sp);
    for ( i = 0; i < 32 && sp + 8 <= hi; i++, sp += 8 )
        printk("%s%016lx%s", (i % 4) ? " " : "   ",
               *(const unsigned long *)sp, (i % 4 == 3) ? "\n" : "");
    if ( i % 4 )
        printk("\n");
}

/* ---- Register dump ---- */

static void show_registers(const struct cpu_user_regs *regs)
{
    uint16_t ds, es, fs, gs;

    __asm__ ( "mov %%ds, %0; mov %%es, %1; mov %%fs, %2; mov %%gs, %3"
              : "=r" (ds), "=r" (es), "=r" (fs), "=r" (gs) );

    printk("----[ %s  x86_64  debug=%c ]----\n", xen_banner_version(),
           CONFIG_DEBUG ? 'y' : 'n');
    printk("CPU:    %u\n", smp_processor_id());
    printk("RIP:    %04x:[<%016lx>] %pS\n", regs->cs, regs->rip,
           (void *)regs->rip);
    printk("RFLAGS: %016lx   CONTEXT: %s\n", regs->rflags,
           regs_in_hypervisor(regs) ? "hypervisor" : "guest");
    printk("rax: %016lx   rbx: %016lx   rcx: %016lx\n",
           regs->rax, regs->rbx, regs->rcx);
    printk("rdx: %016lx   rsi: %016lx   rdi: %016lx\n",
           regs->rdx, regs->rsi, regs->rdi);
    printk("rbp: %016lx   rsp: %016lx   r8:  %016lx\n",
           regs->rbp, regs->rsp, regs->r8);
    printk("r9:  %016lx   r10: %016lx   r11: %016lx\n",
           regs->r9, regs->r10, regs->r11);
    printk("r12: %016lx   r13: %016lx   r14: %016lx\n",
           regs->r12, regs->r13, regs->r14);
    printk("r15: %016lx   cr0: %016lx   cr4: %016lx\n",
           regs->r15, read_cr0(), read_cr4());
    printk("cr3: %016lx   cr2: %016lx\n", read_cr3(), read_cr2());
    printk("ds: %04x   es: %04x   fs: %04x   gs: %04x   ss: %04x   cs: %04x\n",
           ds, es, fs, gs, regs->ss, regs->cs);
}

void show_execution_state(const struct cpu_user_regs *regs)
{
    show_registers(regs);
    show_stack_words(regs);
    show_call_trace(regs);
}

void show_call_trace_here(void)
{
    printk("Xen call trace:\n");
    show_frame_chain((unsigned long)__builtin_frame_address(0));
    printk("\n");
}

/* ---- Dispatch ---- */

static bool in_fatal_trap;

static void __noreturn fatal_trap(const struct cpu_user_regs *regs)
{
    unsigned int vec = regs->entry_vector;

    if ( in_fatal_trap )
    {
        printk(XENLOG_ERR "Recursive fault (vector %u at %pS) while reporting a fault: halting\n",
               vec, (void *)regs->rip);
        cpu_halt_forever();
    }
    in_fatal_trap = true;

    show_execution_state(regs);

    if ( vec == TRAP_page_fault )
        panic("FATAL TRAP: vector = %u (%s)\n"
              "[error_code=%04x], faulting address %016lx\n",
              vec, trap_name(vec), regs->error_code, read_cr2());
    if ( trap_has_error_code(vec) )
        panic("FATAL TRAP: vector = %u (%s)\n[error_code=%04x]\n",
              vec, trap_name(vec), regs->error_code);
    panic("FATAL TRAP: vector = %u (%s)\n", vec, trap_name(vec));
}

static void do_nmi(const struct cpu_user_regs *regs)
{
    printk(XENLOG_WARNING "NMI received on CPU %u at %pS; no handler: ignored\n",
           smp_processor_id(), (void *)regs->rip);
}

/*
 * #NM: the running vCPU's first FPU/SSE/AVX instruction since it was
 * switched in (CR0.TS set, see i387.c). Only a vCPU with FPU state may
 * get here; the hypervisor itself and the idle vCPU never use the FPU.
 */
static void do_device_not_available(struct cpu_user_regs *regs)
{
    struct vcpu *v = current;
    const char *why = NULL;

    if ( !v )
        why = "no current vCPU";
    else if ( v->domain && is_idle_vcpu(v) )
        why = "the idle vCPU current";
    else if ( !v->arch.xsave_area )
        why = "a current vCPU that has no FPU state";
    if ( why )
    {
        printk(XENLOG_ERR "#NM on CPU%u with %s: the FPU was used outside a vCPU (hypervisor bug)\n",
               smp_processor_id(), why);
        fatal_trap(regs);
    }
    vcpu_restore_fpu_lazy(v);
}

/*
 * An exception from guest mode that came on an IST stack (#DB, NMI) has its
 * frame there: move it to the pCPU's guest frame, where return_to_guest
 * and everything else expect it.
 */
static struct cpu_user_regs *pv_guest_frame(struct cpu_user_regs *regs)
{
    struct cpu_user_regs *gr = &get_cpu_info()->guest_cpu_user_regs;

    if ( regs != gr )
        memcpy(gr, regs, REGS_es);
    return gr;
}

void do_trap(struct cpu_user_regs *regs)
{
    unsigned int vec = regs->entry_vector;

    if ( guest_mode(regs) )
        regs = pv_guest_frame(regs);
    if ( vec == TRAP_nmi )
        do_nmi(regs);
    else if ( vec == INT80_VECTOR && guest_mode(regs) )
        pv_do_trap(regs);
    else if ( vec >= FIRST_IRQ_VECTOR )
        do_IRQ(regs);
    else if ( vec == TRAP_machine_check )
        fatal_trap(regs);
    else if ( guest_mode(regs) )
        pv_do_trap(regs);
    else if ( vec == TRAP_no_device )
        do_device_not_available(regs);
    else if ( vec == TRAP_debug && pv_debug_in_hypervisor() )
        return;
    else if ( !fixup_exception(regs) )
        fatal_trap(regs);
}

void cpu_halt_forever(void)
{
    for ( ; ; )
    {
        local_irq_disable();
        halt();
    }
}
