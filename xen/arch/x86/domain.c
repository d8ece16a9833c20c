/*
 * domain.c: the x86 side of domains and vCPUs, and the context switch.
 *
 * Theory of operation. The hypervisor has one stack per pCPU, not one
 * per vCPU. A vCPU that is switched out keeps nothing on the stack: its
 * state lives in struct vcpu (guest registers, later; FPU state in
 * v->arch.xsave_area), and v->arch.tail says where it continues. So
 * context_switch() saves what the outgoing vCPU left in the pCPU (its
 * FPU state, lazily: only if it used the FPU since it was switched in),
 * makes the next vCPU current, tells the scheduler the outgoing one may
 * now run elsewhere, and then resets the stack to its top and calls the
 * next vCPU's tail: the idle loop for an idle vCPU, the return-to-guest
 * path for a guest. Whatever the stack held (the softirq handler that
 * called schedule()) is abandoned, which softirq.c is told about.
 *
 * The FPU is switched lazily: after a switch CR0.TS is set, and the
 * incoming vCPU's first FPU/SSE instruction traps (#NM, see i387.c),
 * which loads its state. A vCPU that never touches the FPU costs nothing.
 *
 * A PV vCPU's general registers are in the pCPU's guest frame
 * (cpu_info->guest_cpu_user_regs) while it runs; switching out copies
 * them to v->arch.pv.user_regs with its segment selectors and bases,
 * switching in copies them back, loads its page tables (the idle vCPU
 * runs on idle_pg_table, so no pCPU keeps a dead domain's tables loaded)
 * and refreshes its time record and runstate area, whose guest copies
 * need the vCPU's own page tables. Its LDT (pv/ldt.c) goes into the
 * pCPU's LDT window before its data selectors are reloaded; the LDT
 * pages those selectors need are taken before interrupts go off.
 */
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/i387.h>
#include <asm/msr-index.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/pv/emulate.h>
#include <asm/pv/hypercall.h>
#include <asm/pv/ldt.h>
#include <asm/pv/traps.h>
#include <asm/uaccess.h>
#include <asm/xstate.h>
#include <xen/domain_page.h>
#include <xen/event.h>
#include <xen/percpu.h>
#include <xen/smp.h>
#include <xen/vcpu_timer.h>
#include <xen/xmalloc.h>
#include <asm/smpboot.h>
#include <asm/system.h>

extern void return_to_guest(void);

int arch_domain_create(struct domain *d, const struct domain_create_args *args)
{
    int rc;

    if ( is_idle_domain(d) || !args->pv_guest )
        return 0;
    d->arch.is_pv = true;
    if ( (rc = pv_domain_alloc_shared_info(d)) )
        return rc;
    update_domain_wallclock_time(d);
    return 0;
}

void arch_domain_destroy(struct domain *d)
{
    if ( d->arch.is_pv )
        pv_domain_free_shared_info(d);
}

static int pv_vcpu_create(struct vcpu *v)
{
    struct domain *d = v->domain;
    int rc;

    v->arch.pv.trap_ctxt = xzalloc_array(struct trap_info, 256);
    if ( !v->arch.pv.trap_ctxt )
        return -ENOMEM;
    /* vCPUs beyond the legacy 32 have a private vcpu_info until they
     * register one (VCPUOP_register_vcpu_info). */
    if ( v->vcpu_id < XEN_LEGACY_MAX_VCPUS )
        v->vcpu_info = &d->shared_info->vcpu_info[v->vcpu_id];
    else if ( !(v->vcpu_info = xzalloc(struct vcpu_info)) )
        goto nomem;
    v->vcpu_info->evtchn_upcall_mask = 1;
    v->arch.pv.kernel_mode = true;
    v->arch.pv.ctrlreg[0] = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
                            X86_CR0_WP | X86_CR0_AM | X86_CR0_PG;
    spin_lock_init(&v->virq_lock);
    pv_debugreg_init(v);
    v->arch.tail = return_to_guest;
    rc = vcpu_timers_init(v);
    if ( rc )
        goto fail;
    rc = vcpu_init_fpu(v);
    if ( rc )
    {
        vcpu_timers_destroy(v);
        goto fail;
    }
    /* A guest starts with x87/SSE only; it enables more with xsetbv. */
    if ( v->arch.xcr0 )
        v->arch.xcr0 = XSTATE_FP_SSE;
    return 0;

 nomem:
    rc = -ENOMEM;
 fail:
    if ( v->vcpu_id >= XEN_LEGACY_MAX_VCPUS )
        xfree(v->vcpu_info);
    v->vcpu_info = NULL;
    xfree(v->arch.pv.trap_ctxt);
    v->arch.pv.trap_ctxt = NULL;
    return rc;
}

int arch_vcpu_create(struct vcpu *v)
{
    if ( is_idle_vcpu(v) )
    {
        v->arch.tail = idle_loop;
        return 0;
    }
    if ( !v->domain->arch.is_pv )
        return vcpu_init_fpu(v);        /* an internal test vCPU */
    return pv_vcpu_create(v);
}

void arch_vcpu_destroy(struct vcpu *v)
{
    if ( is_idle_vcpu(v) )
        return;
    if ( !v->domain->arch.is_pv )
    {
        vcpu_destroy_fpu(v);
        return;
    }
    vcpu_timers_destroy(v);
    vcpu_destroy_fpu(v);
    if ( v->vcpu_id >= XEN_LEGACY_MAX_VCPUS )
        xfree(v->vcpu_info);
    v->vcpu_info = NULL;
    xfree(v->arch.pv.trap_ctxt);
    v->arch.pv.trap_ctxt = NULL;
}

/*
 * Drop what d's vCPUs hold on its pages (GDT frames, LDT pages, page-table
 * bases, a registered vcpu_info), so that its memory can be released. The
 * domain is paused for good (domain_kill).
 */
static void sync_lazy_page_tables(struct domain *d);

void arch_domain_relinquish_resources(struct domain *d)
{
    struct vcpu *v;

    if ( !d->arch.is_pv )
        return;
    sync_lazy_page_tables(d);
    for_each_vcpu ( d, v )
    {
        pv_destroy_gdt(v);
        pv_destroy_ldt(v);
        pv_put_l4_base(v->arch.pv.guest_table_user);
        pv_put_l4_base(v->arch.pv.guest_table);
        v->arch.pv.guest_table_user = v->arch.pv.guest_table = 0;
        unmap_vcpu_info(v);
    }
}

void arch_dump_vcpu(const struct vcpu *v)
{
    const struct pv_vcpu *pv = &v->arch.pv;
    const struct cpu_user_regs *r = &pv->user_regs;

    if ( !v->domain->arch.is_pv )
        return;
    if ( v->is_running && v == current )
        r = &get_cpu_info()->guest_cpu_user_regs;
    printk("           %s mode, rip %04x:%016lx rsp %016lx rflags %08lx\n",
           pv->kernel_mode ? "kernel" : "user", r->cs, r->rip, r->rsp, r->rflags);
    printk("           upcall pending %u mask %u, L4 %lx user L4 %lx, "
           "gdt %u entries%s\n",
           v->vcpu_info->evtchn_upcall_pending, v->vcpu_info->evtchn_upcall_mask,
           pv->guest_table, pv->guest_table_user, pv->gdt_ents,
           (v->is_running && v != current) ? " (running: registers as of its last switch)" : "");
}

/*
 * The idle vCPU runs on whatever page tables the pCPU had: every guest L4
 * carries the hypervisor's slots, and the common case, a vCPU blocking and
 * being woken on the same pCPU, then costs no page-table switch (each one
 * flushes the TLB). lazy_pt_domain says whose tables an idle pCPU still
 * has loaded; before a domain's page tables are released every pCPU that
 * still runs on them moves to idle_pg_table.
 */
static DEFINE_PER_CPU(struct domain *, lazy_pt_domain);

/*
 * Another address space: guest user mappings are global (as on Xen, so
 * that kernel/user toggles keep them), so a CR3 write alone would leave
 * them behind; flush everything.
 */
static void load_cr3(unsigned long cr3)
{
    if ( read_cr3() == cr3 )
        return;
    write_cr3(cr3);
    flush_tlb_all_local();
}

static void drop_lazy_pt(void *arg)
{
    struct domain *d = arg;

    if ( this_cpu(lazy_pt_domain) != d )
        return;
    this_cpu(lazy_pt_domain) = NULL;
    if ( is_idle_vcpu(current) )
    {
        write_cr3(__pa(idle_pg_table));
        flush_tlb_all_local();          /* its global user mappings too */
    }
}

static void sync_lazy_page_tables(struct domain *d)
{
    cpumask_t mask;
    unsigned int cpu;

    cpumask_clear(&mask);
    for_each_online_cpu ( cpu )
        if ( per_cpu(lazy_pt_domain, cpu) == d )
            cpumask_set_cpu(cpu, &mask);
    if ( cpumask_test_cpu(smp_processor_id(), &mask) )
    {
        drop_lazy_pt(d);
        cpumask_clear_cpu(smp_processor_id(), &mask);
    }
    if ( !cpumask_empty(&mask) )
        on_selected_cpus(&mask, drop_lazy_pt, d, true);
}

/* ---- Switching PV register state ---- */

static unsigned int read_sel(unsigned int which)
{
    unsigned int sel = 0;

    switch ( which )
    {
    case 0: __asm__ __volatile__ ( "mov %%ds, %0" : "=r" (sel) ); break;
    case 1: __asm__ __volatile__ ( "mov %%es, %0" : "=r" (sel) ); break;
    case 2: __asm__ __volatile__ ( "mov %%fs, %0" : "=r" (sel) ); break;
    default: __asm__ __volatile__ ( "mov %%gs, %0" : "=r" (sel) ); break;
    }
    return sel;
}

/* Load a guest data selector; false (and the null selector) if it faults. */
#define LOAD_SEL(seg, val) ({                                   \
    unsigned int _v = (val), _ok = 1;                           \
    __asm__ __volatile__ (                                      \
        "1: mov %k1, %%" #seg "\n"                             \
        "2:\n"                                                 \
        ".pushsection .text.fixup, \"ax\"\n"                  \
        "3: xor %k1, %k1\n"                                    \
        "   mov %k1, %%" #seg "\n"                             \
        "   xor %k0, %k0\n"                                    \
        "   jmp 2b\n"                                          \
        ".popsection\n"                                        \
        _ASM_EXTABLE(1b, 3b)                                    \
        : "+r" (_ok), "+r" (_v) );                              \
    _ok;                                                        \
})

static void pv_ctxt_switch_from(struct vcpu *p)
{
    struct cpu_user_regs *regs = &p->arch.pv.user_regs;
    struct pv_vcpu *pv = &p->arch.pv;

    *regs = get_cpu_info()->guest_cpu_user_regs;
    regs->ds = read_sel(0);
    regs->es = read_sel(1);
    regs->fs = read_sel(2);
    regs->gs = read_sel(3);
    pv->fs_base = rdmsr(MSR_FS_BASE);
    if ( pv->kernel_mode )
        pv->gs_base_kernel = rdmsr(MSR_GS_BASE);
    else
        pv->gs_base_user = rdmsr(MSR_GS_BASE);
    pv_debugreg_switch_from(p);
}

static void pv_ctxt_switch_to(struct vcpu *n)
{
    struct cpu_user_regs *regs = &get_cpu_info()->guest_cpu_user_regs;
    struct pv_vcpu *pv = &n->arch.pv;
    bool ok = true;

    *regs = pv->user_regs;
    load_cr3(n->arch.cr3);
    this_cpu(lazy_pt_domain) = NULL;
    gdt_window_set_frames(pv->gdt_frames, DIV_ROUND_UP(pv->gdt_ents, 512));
    pv_ldt_switch_to(n);
    ok &= LOAD_SEL(ds, regs->ds);
    ok &= LOAD_SEL(es, regs->es);
    ok &= LOAD_SEL(fs, regs->fs);
    ok &= LOAD_SEL(gs, regs->gs);
    wrmsr(MSR_FS_BASE, pv->fs_base);
    wrmsr(MSR_GS_BASE, pv->kernel_mode ? pv->gs_base_kernel : pv->gs_base_user);
    pv_debugreg_switch_to(n);
    if ( !ok )
        pv_failsafe(n, regs);
}

/* Drop everything on this stack and continue in fn, at the stack top. */
static void __noreturn reset_stack_and_call(void (*fn)(void))
{
    __asm__ __volatile__ (
        "mov %0, %%rsp\n\t"
        "call *%1\n\t"
        "ud2"
        :: "r" (get_cpu_info()), "r" (fn)
        : "memory" );
    __builtin_unreachable();
}

/*
 * Write v's guest-visible records (runstate area, time record) while v's
 * page tables are loaded. The guest registered them at kernel addresses,
 * which its user page tables need not map: a vCPU in user mode gets its
 * kernel L4 for the duration.
 */
static void pv_update_guest_areas(struct vcpu *v, bool time)
{
    bool user = !v->arch.pv.kernel_mode && v->arch.pv.guest_table;

    if ( user )
        write_cr3(v->arch.pv.guest_table << PAGE_SHIFT);
    if ( time )
        update_vcpu_system_time(v);
    update_runstate_area(v);
    if ( user )
        write_cr3(v->arch.cr3);
}

void context_switch(struct vcpu *prev, struct vcpu *next)
{
    ASSERT(prev != next);
    ASSERT(next->arch.tail);

    /* prev's runstate changed as it was descheduled: its tables are live. */
    if ( prev->domain->arch.is_pv )
        pv_update_guest_areas(prev, false);
    /* The LDT pages next's selectors need: interrupts on (type changes). */
    if ( next->domain->arch.is_pv )
        pv_ldt_prepare_switch(next);

    local_irq_disable();
    if ( !is_idle_vcpu(prev) )
    {
        vcpu_save_fpu(prev);
        if ( prev->domain->arch.is_pv )
            pv_ctxt_switch_from(prev);
    }
    if ( !is_idle_vcpu(next) )
        vcpu_switch_in_fpu(next);
    if ( next->domain->arch.is_pv )
        pv_ctxt_switch_to(next);
    else
    {
        /* Keep prev's page tables (see lazy_pt_domain). */
        if ( prev->domain->arch.is_pv )
            this_cpu(lazy_pt_domain) = prev->domain;
        else if ( !this_cpu(lazy_pt_domain) )
            load_cr3(__pa(idle_pg_table));
        gdt_window_set_frames(NULL, 0);
        pv_ldt_switch_to(NULL);
    }
    set_current(next);
    local_irq_enable();

    if ( next->domain->arch.is_pv )
        pv_update_guest_areas(next, true);
    sched_context_switched(prev, next);
    softirq_abandon_frame();
    reset_stack_and_call(next->arch.tail);
}

void continue_running(struct vcpu *v)
{
    (void)v;
}
