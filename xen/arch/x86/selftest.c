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
 *   poweroff  ACPI S5 power-off (the machine must go away).
 */
#include <asm/mm.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <xen/cpumask.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/percpu.h>
#include <xen/selftest.h>
#include <xen/shutdown.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/string.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/vmap.h>

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
    if ( wanted("poweroff") )
        machine_power_off();
}
