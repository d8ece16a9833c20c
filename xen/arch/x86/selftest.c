/*
 * selftest.c: boot-time checks of the SMP machinery (debug builds only).
 *
 * selftest=<list> runs, at the end of boot on CPU 0 with interrupts
 * enabled, each named check and prints one result line per check
 * ("selftest <name>: PASS ..." or "selftest <name>: FAIL ..."). The QEMU
 * tests drive them:
 *
 *   ipi       every online CPU runs a function sent by call-function IPI,
 *             exactly once, on the right CPU;
 *   tlb       every CPU caches a mapping, CPU 0 changes it and calls
 *             flush_tlb_mask(): every CPU must then see the new frame;
 *   timer     a software timer on each CPU fires on that CPU, after its
 *             deadline and not absurdly late;
 *   fpu       lazy FPU switching (i387.c), on each CPU: two test vCPUs
 *             switched A -> B -> A -> B; each one's first FPU use after a
 *             switch traps #NM exactly once, B first finds the clean
 *             initial state, and each finds its own x87 st0/st1, FCW,
 *             MXCSR, xmm0-15 (and ymm upper halves with AVX) again;
 *   domain    the domain life cycle with test vCPUs (sched_selftest.c);
 *   sched     two spinning test domains, weights 256 and 512, on one
 *             pCPU: a line three seconds later says how the time split;
 *   schedfpu  two test vCPUs sharing a pCPU keep their own xmm values
 *             across real context switches (lazy FPU save/restore);
 *   poweroff  ACPI S5 power-off (the machine must go away).
 */
#include <asm/mm.h>
#include <asm/pgtable.h>
#include <asm/i387.h>
#include <asm/processor.h>
#include <asm/xstate.h>
#include <xen/cpumask.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/percpu.h>
#include <xen/sched.h>
#include <xen/selftest.h>
#include <xen/shutdown.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/string.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/vmap.h>
#include <xen/xmalloc.h>

static char opt_selftest[64];
string_param("selftest", opt_selftest);

static bool wanted(const char *name)
{
    size_t n = strlen(name);
    const char *s = opt_selftest;

    while ( *s )
    {
        if ( !strncmp(s, name, n) && (s[n] == ',' || !s[n]) )
            return true;
        s = strchr(s, ',');
        if ( !s )
            break;
        s++;
    }
    return false;
}

/* ---- ipi ---- */
static unsigned int ipi_runs[NR_CPUS];

static void ipi_fn(void *info)
{
    __atomic_add_fetch(&ipi_runs[smp_processor_id()], 1, __ATOMIC_SEQ_CST);
}

static void selftest_ipi(void)
{
    unsigned int cpu, bad = 0, round;

    memset(ipi_runs, 0, sizeof(ipi_runs));
    for ( round = 0; round < 100; round++ )
        on_selected_cpus(&cpu_online_map, ipi_fn, NULL, true);
    for_each_online_cpu ( cpu )
        if ( ipi_runs[cpu] != 100 )
        {
            printk("selftest ipi: CPU%u ran the function %u times, not 100\n",
                   cpu, ipi_runs[cpu]);
            bad++;
        }
    printk("selftest ipi: %s (%u CPUs x 100 call-function IPIs)\n",
           bad ? "FAIL" : "PASS", num_online_cpus());
}

/* ---- tlb ---- */
static volatile uint64_t *tlb_va;
static uint64_t tlb_seen[NR_CPUS];

static void tlb_read_fn(void *info)
{
    tlb_seen[smp_processor_id()] = *tlb_va;
}

static void selftest_tlb(void)
{
    struct page_info *a = alloc_domheap_page(NULL, 0);
    struct page_info *b = alloc_domheap_page(NULL, 0);
    unsigned int cpu, stale = 0;

    if ( !a || !b )
    {
        printk("selftest tlb: FAIL (no memory)\n");
        return;
    }
    *(uint64_t *)page_to_virt(a) = 0xaaaa;
    *(uint64_t *)page_to_virt(b) = 0xbbbb;
    tlb_va = vmap_contig(page_to_mfn(a), 1, PAGE_HYPERVISOR_RW);
    on_selected_cpus(&cpu_online_map, tlb_read_fn, NULL, true);

    /* Repoint the page; map_pages_to_xen() only flushes this CPU. */
    map_pages_to_xen((unsigned long)tlb_va, page_to_mfn(b), 1,
                     PAGE_HYPERVISOR_RW | MAP_SMALL_PAGES);
    flush_tlb_mask(&cpu_online_map);
    on_selected_cpus(&cpu_online_map, tlb_read_fn, NULL, true);
    for_each_online_cpu ( cpu )
        if ( tlb_seen[cpu] != 0xbbbb )
        {
            printk("selftest tlb: CPU%u still sees %#lx\n", cpu,
                   (unsigned long)tlb_seen[cpu]);
            stale++;
        }
    printk("selftest tlb: %s (%u CPUs see the new mapping after flush_tlb_mask)\n",
           stale ? "FAIL" : "PASS", num_online_cpus() - stale);
    vunmap((void *)tlb_va);
    free_domheap_page(a);
    free_domheap_page(b);
}

/* ---- timer ---- */
static struct timer test_timers[NR_CPUS];
static s_time_t fired_at[NR_CPUS];
static unsigned int fired_on[NR_CPUS];

static void timer_fn(void *data)
{
    unsigned int cpu = (unsigned long)data;

    fired_on[cpu] = smp_processor_id();
    fired_at[cpu] = NOW();
}

static void selftest_timer(void)
{
    s_time_t deadline = NOW() + MILLISECS(100), limit = deadline + SECONDS(2);
    unsigned int cpu, bad = 0, pending;

    for_each_online_cpu ( cpu )
    {
        fired_at[cpu] = 0;
        init_timer(&test_timers[cpu], timer_fn, (void *)(unsigned long)cpu, cpu);
        set_timer(&test_timers[cpu], deadline);
    }
    do {
        process_pending_softirqs();
        pending = 0;
        for_each_online_cpu ( cpu )
            pending += !fired_at[cpu];
    } while ( pending && NOW() < limit );

    for_each_online_cpu ( cpu )
    {
        if ( !fired_at[cpu] || fired_on[cpu] != cpu || fired_at[cpu] < deadline )
        {
            printk("selftest timer: CPU%u timer %s\n", cpu,
                   !fired_at[cpu] ? "never fired" :
                   fired_on[cpu] != cpu ? "fired on the wrong CPU" : "fired early");
            bad++;
        }
        kill_timer(&test_timers[cpu]);
    }
    printk("selftest timer: %s (%u CPUs)\n", bad ? "FAIL" : "PASS",
           num_online_cpus());
}

/* ---- fpu ---- */

/*
 * What the test can see of a vCPU's FPU state, read with the ordinary
 * instructions (not with XSAVE/FXSAVE, which are what is under test).
 */
struct x87_reg {
    uint64_t mant;
    uint16_t sign_exp;
    uint16_t pad[3];
};

struct fpu_view {
    struct x87_reg st[2];           /* st0, st1 (read only when valid) */
    uint16_t fcw, fsw, ftw;         /* ftw: the full 2-bit-per-register tags */
    uint32_t mxcsr;
    uint64_t xmm[16][2];
    uint64_t ymmh[16][2];           /* bits 255:128 of ymm0-15 (AVX only) */
};

struct fpu_result {
    unsigned int runs;
    unsigned int nm;                /* #NM traps seen over all runs */
    bool failed;
    char what[112];                 /* the first failure */
};

static struct fpu_result fpu_results[NR_CPUS];
static bool fpu_test_avx;

#define XMM_ALL(op)                                                       \
    op(0) op(1) op(2) op(3) op(4) op(5) op(6) op(7)                       \
    op(8) op(9) op(10) op(11) op(12) op(13) op(14) op(15)

/* Load a view's values: st1 then st0 pushed on a fresh x87 stack. */
static void fpu_view_load(const struct fpu_view *f)
{
    __asm__ __volatile__ ( "fninit" ::: "memory" );
    __asm__ __volatile__ ( "fldcw %0" :: "m" (f->fcw) );
    __asm__ __volatile__ ( "fldt %0" :: "m" (f->st[1]) );
    __asm__ __volatile__ ( "fldt %0" :: "m" (f->st[0]) );
    __asm__ __volatile__ ( "ldmxcsr %0" :: "m" (f->mxcsr) );
#define LOAD_XMM(n) \
    __asm__ __volatile__ ( "movdqu %0, %%xmm" #n :: "m" (f->xmm[n]) );
    XMM_ALL(LOAD_XMM)
#undef LOAD_XMM
    if ( !fpu_test_avx )
        return;
#define LOAD_YMMH(n) \
    __asm__ __volatile__ ( "vinsertf128 $1, %0, %%ymm" #n ", %%ymm" #n \
                           :: "m" (f->ymmh[n]) );
    XMM_ALL(LOAD_YMMH)
#undef LOAD_YMMH
}

/* Read the registers without changing them (st0/st1 only if read_st). */
static void fpu_view_read(struct fpu_view *f, bool read_st)
{
    uint32_t env[7];

    memset(f, 0, sizeof(*f));
    __asm__ __volatile__ ( "fnstenv %0; fldcw %0" : "=m" (env) :: "memory" );
    f->fcw = env[0];
    f->fsw = env[1];
    f->ftw = env[2];
    if ( read_st )
        __asm__ __volatile__ ( "fld %%st(0); fstpt %0; fld %%st(1); fstpt %1"
                               : "=m" (f->st[0]), "=m" (f->st[1]) );
    __asm__ __volatile__ ( "stmxcsr %0" : "=m" (f->mxcsr) );
#define READ_XMM(n) \
    __asm__ __volatile__ ( "movdqu %%xmm" #n ", %0" : "=m" (f->xmm[n]) );
    XMM_ALL(READ_XMM)
#undef READ_XMM
    if ( !fpu_test_avx )
        return;
#define READ_YMMH(n) \
    __asm__ __volatile__ ( "vextractf128 $1, %%ymm" #n ", %0" \
                           : "=m" (f->ymmh[n]) );
    XMM_ALL(READ_YMMH)
#undef READ_YMMH
}

/* Distinctive values for vCPU `tag` on CPU cpu. */
static void fpu_view_pattern(struct fpu_view *f, uint8_t tag, unsigned int cpu)
{
    unsigned int i;

    memset(f, 0, sizeof(*f));
    f->fcw = tag == 0xa ? 0x027f : 0x0f7f;          /* precision, rounding */
    f->fsw = 6 << 11;                               /* TOP: two pushed */
    f->ftw = 0x0fff;                                /* registers 6, 7 valid */
    f->mxcsr = tag == 0xa ? 0xbf80 : 0x5f80;        /* FZ, rounding */
    for ( i = 0; i < 2; i++ )
    {
        f->st[i].mant = (1ull << 63) | ((uint64_t)tag << 48) |
                        ((uint64_t)cpu << 16) | (i + 1);
        f->st[i].sign_exp = (tag == 0xa ? 0x4003 : 0xc001) + i;
    }
    for ( i = 0; i < 16; i++ )
    {
        f->xmm[i][0] = ((uint64_t)tag << 60) | ((uint64_t)cpu << 32) |
                       (0x1010u * (i + 1));
        f->xmm[i][1] = ~f->xmm[i][0];
        if ( fpu_test_avx )
        {
            f->ymmh[i][0] = f->xmm[i][0] ^ 0x00ff00ff00ff00ffull;
            f->ymmh[i][1] = f->xmm[i][1] ^ 0x0f0f0f0f0f0f0f0full;
        }
    }
}

/* The clean state a vCPU's first FPU use must find. */
static void fpu_view_initial(struct fpu_view *f)
{
    memset(f, 0, sizeof(*f));
    f->fcw = FCW_DEFAULT;
    f->ftw = 0xffff;                                /* all registers empty */
    f->mxcsr = MXCSR_DEFAULT;
}

static void fpu_fail(const char *fmt, ...) __printf(1, 2);
static void fpu_fail(const char *fmt, ...)
{
    struct fpu_result *r = &fpu_results[smp_processor_id()];
    va_list args;

    if ( r->failed )
        return;
    r->failed = true;
    va_start(args, fmt);
    vscnprintf(r->what, sizeof(r->what), fmt, args);
    va_end(args);
}

#define FPU_FAIL_RETURN(...) do { fpu_fail(__VA_ARGS__); return; } while ( 0 )

/* Compare what vCPU `who` sees with what it should; report the first difference. */
static void fpu_view_check(const char *who, const struct fpu_view *got,
                           const struct fpu_view *want)
{
    unsigned int i;

    if ( fpu_results[smp_processor_id()].failed )
        return;                                     /* keep the first */

    if ( got->fcw != want->fcw || got->fsw != want->fsw ||
         got->ftw != want->ftw )
        FPU_FAIL_RETURN("%s: FCW/FSW/FTW %04x/%04x/%04x, expected %04x/%04x/%04x",
                        who, got->fcw, got->fsw, got->ftw,
                        want->fcw, want->fsw, want->ftw);
    if ( got->mxcsr != want->mxcsr )
        FPU_FAIL_RETURN("%s: MXCSR %#x, expected %#x", who, got->mxcsr,
                        want->mxcsr);
    for ( i = 0; i < 2; i++ )
        if ( got->st[i].mant != want->st[i].mant ||
             got->st[i].sign_exp != want->st[i].sign_exp )
            FPU_FAIL_RETURN("%s: st%u %04x:%016lx, expected %04x:%016lx", who,
                            i, got->st[i].sign_exp,
                            (unsigned long)got->st[i].mant,
                            want->st[i].sign_exp,
                            (unsigned long)want->st[i].mant);
    for ( i = 0; i < 16; i++ )
        if ( got->xmm[i][0] != want->xmm[i][0] ||
             got->xmm[i][1] != want->xmm[i][1] )
            FPU_FAIL_RETURN("%s: xmm%u %016lx%016lx, expected %016lx%016lx",
                            who, i, (unsigned long)got->xmm[i][1],
                            (unsigned long)got->xmm[i][0],
                            (unsigned long)want->xmm[i][1],
                            (unsigned long)want->xmm[i][0]);
    for ( i = 0; i < 16; i++ )
        if ( got->ymmh[i][0] != want->ymmh[i][0] ||
             got->ymmh[i][1] != want->ymmh[i][1] )
            FPU_FAIL_RETURN("%s: ymm%u upper %016lx%016lx, expected %016lx%016lx",
                            who, i, (unsigned long)got->ymmh[i][1],
                            (unsigned long)got->ymmh[i][0],
                            (unsigned long)want->ymmh[i][1],
                            (unsigned long)want->ymmh[i][0]);
}

/* One step's #NM traps since *mark: its first FPU instruction traps once. */
static void fpu_expect_traps(const char *step, unsigned long want,
                             unsigned long *mark)
{
    unsigned long n = fpu_lazy_restores() - *mark;

    fpu_results[smp_processor_id()].nm += n;
    if ( n != want )
        fpu_fail("%s: %lu #NM traps, expected %lu", step, n, want);
    *mark = fpu_lazy_restores();
}

/* Switch this pCPU from the test vCPU `from` to `to`, as context_switch(). */
static void fpu_switch(struct vcpu *from, struct vcpu *to)
{
    vcpu_save_fpu(from);
    if ( !(read_cr0() & X86_CR0_TS) )
        fpu_fail("CR0.TS clear after vcpu_save_fpu()");
    set_current(to);
    vcpu_switch_in_fpu(to);
}

/*
 * On this pCPU: two test vCPUs (only their arch part is used) and the
 * switches A -> B -> A -> B, each by vcpu_save_fpu() and set_current()
 * as context_switch() does. Runs on each CPU by IPI; the boot CPU also
 * runs it directly first.
 */
static void fpu_test_cpu(void *unused)
{
    struct fpu_result *r = &fpu_results[smp_processor_id()];
    struct vcpu *saved = current, *a = xzalloc(struct vcpu),
                *b = xzalloc(struct vcpu);
    struct fpu_view want_a, want_b, init, got;
    unsigned long mark;

    r->runs++;
    if ( !a || !b || vcpu_init_fpu(a) || vcpu_init_fpu(b) )
    {
        fpu_fail("no memory for the test vCPUs");
        goto out;
    }
    fpu_view_pattern(&want_a, 0xa, smp_processor_id());
    fpu_view_pattern(&want_b, 0xb, smp_processor_id());
    fpu_view_initial(&init);

    /* Whatever vCPU was current loses nothing: its state is saved first. */
    if ( saved )
        vcpu_save_fpu(saved);
    if ( !(read_cr0() & X86_CR0_TS) )
        fpu_fail("CR0.TS clear before the test");

    mark = fpu_lazy_restores();
    set_current(a);
    fpu_view_load(&want_a);
    fpu_expect_traps("A's first use", 1, &mark);
    fpu_view_read(&got, true);
    fpu_view_check("A as loaded", &got, &want_a);

    fpu_switch(a, b);
    fpu_view_read(&got, false);
    fpu_expect_traps("B's first use", 1, &mark);
    fpu_view_check("B's initial state", &got, &init);
    fpu_view_load(&want_b);
    fpu_view_read(&got, true);
    fpu_view_check("B as loaded", &got, &want_b);
    fpu_expect_traps("B's loads", 0, &mark);

    fpu_switch(b, a);
    fpu_view_read(&got, true);
    fpu_expect_traps("A switched back in", 1, &mark);
    fpu_view_check("A switched back in", &got, &want_a);

    fpu_switch(a, b);
    fpu_view_read(&got, true);
    fpu_expect_traps("B switched back in", 1, &mark);
    fpu_view_check("B switched back in", &got, &want_b);

    vcpu_save_fpu(b);
    if ( xstate_uses_xsave() && xstate_get_xcr0() != xstate_boot_xcr0() )
        fpu_fail("XCR0 %#lx after the test, boot value %#lx",
                 (unsigned long)xstate_get_xcr0(),
                 (unsigned long)xstate_boot_xcr0());

 out:
    set_current(saved);
    if ( a )
        vcpu_destroy_fpu(a);
    if ( b )
        vcpu_destroy_fpu(b);
    xfree(a);
    xfree(b);
}

static void selftest_fpu(void)
{
    unsigned int cpu, bad = 0, nm = 0;

    memset(fpu_results, 0, sizeof(fpu_results));
    fpu_test_avx = xstate_boot_xcr0() & XSTATE_YMM;
    local_irq_disable();        /* no handler may see the test vCPUs */
    fpu_test_cpu(NULL);
    local_irq_enable();
    on_selected_cpus(&cpu_online_map, fpu_test_cpu, NULL, true);

    for_each_online_cpu ( cpu )
    {
        const struct fpu_result *r = &fpu_results[cpu];
        unsigned int want_runs = cpu == smp_processor_id() ? 2 : 1;

        nm += r->nm;
        if ( r->runs != want_runs )
            printk("selftest fpu: CPU%u ran the test %u times, not %u\n", cpu,
                   r->runs, want_runs);
        else if ( r->failed )
            printk("selftest fpu: CPU%u: %s\n", cpu, r->what);
        else
            continue;
        bad++;
    }
    if ( xstate_uses_xsave() )
        printk("selftest fpu: %s (%u CPUs, XSAVE XCR0 %#lx%s, %u #NM)\n",
               bad ? "FAIL" : "PASS", num_online_cpus(),
               (unsigned long)xstate_boot_xcr0(),
               fpu_test_avx ? ", AVX checked" : "", nm);
    else
        printk("selftest fpu: %s (%u CPUs, FXSAVE, %u #NM)\n",
               bad ? "FAIL" : "PASS", num_online_cpus(), nm);
}

void selftest_run(void)
{
    if ( !opt_selftest[0] )
        return;
    if ( wanted("ipi") )
        selftest_ipi();
    if ( wanted("tlb") )
        selftest_tlb();
    if ( wanted("timer") )
        selftest_timer();
    if ( wanted("fpu") )
        selftest_fpu();
    if ( wanted("domain") )
        sched_selftest_lifecycle();
    if ( wanted("sched") )
        sched_selftest_weights();
    if ( wanted("schedfpu") )
        sched_selftest_fpu();
    if ( wanted("poweroff") )
        machine_power_off();
}
