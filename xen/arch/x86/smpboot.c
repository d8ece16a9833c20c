/*
 * smpboot.c: bringing up the other CPUs.
 *
 * Theory of operation. The MADT lists the CPUs' local APICs. The boot CPU
 * is CPU 0; the others get logical numbers in topology order (all threads
 * of a core, then the cores of a socket, then the sockets: see
 * topology.c), up to maxcpus= (nosmp: only the boot CPU).
 *
 * Each AP is started in turn. The boot CPU prepares everything the AP
 * will need before it can touch memory allocation: a 32 KiB stack with a
 * struct cpu_info at the top (CPU number, per-CPU offset), the per-CPU
 * data area, a GDT and TSS. It publishes the stack in ap_stack_top, sends
 * INIT and two Startup IPIs pointing at the trampoline, and waits for the
 * AP to call in. The AP (trampoline.S -> ap_start64 -> start_secondary())
 * loads its descriptors, enables its local APIC and timer, marks itself
 * online and enters the idle loop. An AP that does not call in within
 * AP_CALLIN_TIMEOUT_MS is reported and left out.
 *
 * The trampoline runs on its own page tables (tramp_l4): the identity
 * mapping of the trampoline page that the switch to long mode needs, and
 * the hypervisor's L4 slots shared with idle_pg_table. idle_pg_table
 * itself never maps low memory, so NULL pointers fault on every CPU.
 */
#include <asm/apic.h>
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <asm/smpboot.h>
#include <asm/time.h>
#include <asm/topology.h>
#include <asm/pv/traps.h>
#include <asm/xstate.h>
#include <xen/acpi.h>
#include <xen/cpumask.h>
#include <xen/errno.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/percpu.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/string.h>
#include <xen/time.h>
#include <xen/timer.h>

#define AP_CALLIN_TIMEOUT_MS 5000

cpumask_t cpu_possible_map, cpu_present_map, cpu_online_map;
unsigned int nr_cpu_ids = 1;

static unsigned int opt_maxcpus = NR_CPUS;
integer_param("maxcpus", opt_maxcpus);
static bool opt_nosmp;
boolean_param("nosmp", opt_nosmp);

/* Read by ap_start64 (trampoline.S). */
unsigned long ap_stack_top, ap_cr3;
static volatile bool ap_called_in;

static struct cpu_topology_shifts topo_shifts;
static struct cpu_topo cpu_topo[NR_CPUS];

unsigned int cpu_to_socket(unsigned int cpu)
{
    ASSERT(cpu < NR_CPUS);
    return cpu_topo[cpu].socket;
}

unsigned int cpu_to_core(unsigned int cpu)
{
    ASSERT(cpu < NR_CPUS);
    return cpu_topo[cpu].core;
}
static void *cpu_stack[NR_CPUS];

extern char tramp_gdtr[], tramp_jmp32[], tramp_jmp64[], tramp_cr3[];

static intpte_t tramp_l4[PAGETABLE_ENTRIES] __aligned(PAGE_SIZE)
    __section(".bss.page_aligned");
static intpte_t tramp_l3[PAGETABLE_ENTRIES] __aligned(PAGE_SIZE)
    __section(".bss.page_aligned");
static intpte_t tramp_l2[PAGETABLE_ENTRIES] __aligned(PAGE_SIZE)
    __section(".bss.page_aligned");
static intpte_t tramp_l1[PAGETABLE_ENTRIES] __aligned(PAGE_SIZE)
    __section(".bss.page_aligned");

#define TRAMP_PT_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_AD)

static void patch32(char *copy, const char *sym, uint32_t v)
{
    memcpy(copy + (sym - trampoline_start), &v, sizeof(v));
}

static void setup_trampoline(void)
{
    char *copy = __va(trampoline_phys);
    unsigned int i;

    BUILD_BUG_ON(sizeof(intpte_t) * PAGETABLE_ENTRIES != PAGE_SIZE);
    memcpy(copy, trampoline_start, trampoline_end - trampoline_start);
    /* Each field holds its offset in the trampoline; add the base. */
    for ( i = 0; i < 3; i++ )
    {
        static char *const fields[] = { tramp_gdtr + 2, tramp_jmp32, tramp_jmp64 };
        uint32_t off;

        memcpy(&off, copy + (fields[i] - trampoline_start), sizeof(off));
        patch32(copy, fields[i], off + trampoline_phys);
    }
    patch32(copy, tramp_cr3, __pa(tramp_l4));

    tramp_l1[l1_table_offset(trampoline_phys)] = trampoline_phys | TRAMP_PT_FLAGS;
    tramp_l2[0] = __pa(tramp_l1) | TRAMP_PT_FLAGS;
    tramp_l3[0] = __pa(tramp_l2) | TRAMP_PT_FLAGS;
    tramp_l4[0] = __pa(tramp_l3) | TRAMP_PT_FLAGS;
    for ( i = l4_table_offset(HYPERVISOR_VIRT_START); i < PAGETABLE_ENTRIES; i++ )
        tramp_l4[i] = idle_pg_table[i];
    ap_cr3 = __pa(idle_pg_table);
}

/* The CPUs the MADT describes, as APIC IDs in logical-CPU order. */
static unsigned int enumerate_cpus(const struct acpi_madt_info *madt,
                                   uint32_t boot_apicid, uint32_t *order)
{
    uint32_t ids[NR_CPUS];
    unsigned int i, n = 0;
    bool boot_seen = false;

    for ( i = 0; madt && i < madt->nr_cpus && n < NR_CPUS; i++ )
    {
        if ( !madt->cpus[i].enabled )
            continue;
        ids[n++] = madt->cpus[i].apic_id;
        boot_seen |= madt->cpus[i].apic_id == boot_apicid;
    }
    if ( !boot_seen )
    {
        if ( madt )
            printk(XENLOG_WARNING "MADT does not list the boot CPU (APIC ID %u)\n",
                   boot_apicid);
        if ( n == NR_CPUS )
            n--;
        ids[n++] = boot_apicid;
    }
    topology_order(ids, n, boot_apicid, &topo_shifts, order);
    return n;
}

static int prepare_cpu(unsigned int cpu)
{
    unsigned long bottom;
    struct cpu_info *ci;
    int rc;

    if ( !cpu_stack[cpu] )
    {
        cpu_stack[cpu] = alloc_xenheap_pages(STACK_ORDER, 0);
        if ( !cpu_stack[cpu] )
            return -ENOMEM;
        /* The guard page between the IST stacks and the primary stack. */
        bottom = (unsigned long)cpu_stack[cpu];
        destroy_xen_mappings(bottom + 4 * PAGE_SIZE, bottom + 5 * PAGE_SIZE);
    }
    bottom = (unsigned long)cpu_stack[cpu];

    rc = percpu_init_area(cpu);
    if ( !rc )
        rc = cpu_desc_init(cpu, bottom);
    if ( !rc )
        rc = timer_cpu_init(cpu);
    if ( !rc )
        rc = sched_cpu_prepare(cpu);
    if ( rc )
        return rc;

    ci = (struct cpu_info *)(bottom + STACK_SIZE) - 1;
    memset(ci, 0, sizeof(*ci));
    ci->processor_id = cpu;
    ci->per_cpu_offset = __per_cpu_offset[cpu];
    return 0;
}

static void send_init_sipi(uint32_t apicid)
{
    unsigned int i;

    apic_write(APIC_ESR, 0);
    apic_icr_write(APIC_INT_LEVELTRIG | APIC_INT_ASSERT | APIC_DM_INIT, apicid);
    mdelay(10);
    apic_icr_write(APIC_INT_LEVELTRIG | APIC_DM_INIT, apicid);
    for ( i = 0; i < 2 && !ap_called_in; i++ )
    {
        apic_icr_write(APIC_DM_STARTUP | (trampoline_phys >> PAGE_SHIFT), apicid);
        udelay(300);
    }
}

static bool boot_cpu(unsigned int cpu)
{
    uint32_t apicid = x86_cpu_to_apicid[cpu];
    s_time_t deadline;
    int rc = prepare_cpu(cpu);

    if ( rc )
    {
        printk(XENLOG_WARNING "CPU%u (APIC ID %u): cannot prepare (%d): not started\n",
               cpu, apicid, rc);
        return false;
    }
    ap_called_in = false;
    ap_stack_top = (unsigned long)cpu_stack[cpu] + STACK_SIZE - CPUINFO_SIZE;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    send_init_sipi(apicid);
    deadline = NOW() + MILLISECS(AP_CALLIN_TIMEOUT_MS);
    while ( !cpu_online(cpu) && NOW() < deadline )
        cpu_relax();
    if ( !cpu_online(cpu) )
    {
        printk(XENLOG_ERR "CPU%u (APIC ID %u) did not come online: not started\n",
               cpu, apicid);
        return false;
    }
    return true;
}

/* The AP's first C code, on its own stack. */
void __noreturn start_secondary(void)
{
    unsigned int cpu = smp_processor_id();

    ap_called_in = true;
    load_cpu_descriptors(cpu);
    pv_percpu_init();
    write_cr4(read_cr4() | X86_CR4_PGE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
    xstate_init_secondary_cpu();
    flush_tlb_all_local();
    setup_local_apic();
    apic_timer_setup();

    if ( get_apic_id() != x86_cpu_to_apicid[cpu] )
        printk(XENLOG_WARNING "CPU%u: APIC ID %u, expected %u\n", cpu,
               get_apic_id(), x86_cpu_to_apicid[cpu]);
    sched_cpu_starting(cpu);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    cpumask_set_cpu(cpu, &cpu_online_map);
    local_irq_enable();
    idle_loop();
}

void cpuid_count_fn(uint32_t leaf, uint32_t subleaf, struct cpuid_leaf *r)
{
    cpuid_count(leaf, subleaf, r);
}

static void dump_cpus(unsigned char key)
{
    unsigned int cpu;
    char buf[64];

    printk("'%c' pressed -> dumping CPUs\n", key);
    printk("CPUs: %u online of %u present (%u possible)\n", num_online_cpus(),
           cpumask_weight(&cpu_present_map), cpumask_weight(&cpu_possible_map));
    for_each_present_cpu ( cpu )
    {
        topology_format(buf, sizeof(buf), &cpu_topo[cpu]);
        printk("CPU%u: APIC ID %u, %s, %s\n", cpu, x86_cpu_to_apicid[cpu], buf,
               cpu_online(cpu) ? "online" : "offline");
    }
}

void smp_prepare_boot_cpu(void)
{
    uint32_t apicid = get_apic_id();

    x86_cpu_to_apicid[0] = apicid;
    cpumask_set_cpu(0, &cpu_possible_map);
    cpumask_set_cpu(0, &cpu_present_map);
    cpumask_set_cpu(0, &cpu_online_map);
    topology_read_shifts(&topo_shifts, cpuid_count_fn);
    topology_decode(apicid, &topo_shifts, &cpu_topo[0]);
}

void smp_boot_cpus(const struct acpi_madt_info *madt)
{
    uint32_t order[NR_CPUS];
    unsigned int n, cpu, max = opt_nosmp ? 1 : min(opt_maxcpus, (unsigned int)NR_CPUS);
    s_time_t start = NOW();

    n = enumerate_cpus(madt, x86_cpu_to_apicid[0], order);
    if ( !max )
        max = 1;
    if ( n > max )
        printk("SMP: %u CPUs described, using %u (%s)\n", n, max,
               opt_nosmp ? "nosmp" : "maxcpus=");
    n = min(n, max);
    nr_cpu_ids = n;

    for ( cpu = 1; cpu < n; cpu++ )
    {
        x86_cpu_to_apicid[cpu] = order[cpu];
        topology_decode(order[cpu], &topo_shifts, &cpu_topo[cpu]);
        cpumask_set_cpu(cpu, &cpu_possible_map);
        cpumask_set_cpu(cpu, &cpu_present_map);
    }

    register_keyhandler('c', dump_cpus, "dump CPUs", true);
    if ( n > 1 )
        setup_trampoline();
    for ( cpu = 1; cpu < n; cpu++ )
        if ( !boot_cpu(cpu) )
            cpumask_clear_cpu(cpu, &cpu_present_map);

    printk("Brought up %u CPUs in %lu ms\n", num_online_cpus(),
           (unsigned long)((NOW() - start) / 1000000));
}
