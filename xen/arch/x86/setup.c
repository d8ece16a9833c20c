/*
 * setup.c: __start_xen(), the boot CPU's path from head.S to a running
 * hypervisor.
 *
 * Theory of operation. head.S arrives here in 64-bit mode on the boot
 * page tables with the physical address of the Multiboot2 information.
 * The order below is chosen so that every failure can be reported:
 *
 *   1. descriptor tables first: from here on any fault prints a report;
 *   2. the Multiboot2 information is parsed (bounds-checked) to find the
 *      command line; printk() meanwhile records into the console ring;
 *   3. boot options are parsed, then the console devices they choose are
 *      brought up and everything recorded so far is replayed onto them;
 *   4. the banner, the memory map, the modules and the ACPI tables are
 *      printed and the TSC is calibrated against the PIT (udelay works);
 *   5. memory: boot allocator, the final page tables (direct map, image
 *      with per-section permissions, no identity map, so NULL faults),
 *      the frame table, the heap, the vmap area (mm/init.c);
 *   6. interrupts: the local APIC, the 8259s masked, the IO-APICs, the
 *      fixed vectors; then time: the platform timer, system time, timers
 *      and softirqs, the APIC timer; debug keys and serial input; the
 *      interrupt flag goes on here and the RTC gives the wall clock;
 *   7. the other CPUs are started (smpboot.c);
 *   8. the boot modules are checked: module 0 is dom0's kernel, module 1
 *      (if any) its initial ramdisk.
 *
 * Building dom0 comes with the later issues; until then the boot CPU idles
 * once boot is complete.
 */
#include <asm/apic.h>
#include <asm/bootinfo.h>
#include <asm/dom0_build.h>
#include <asm/m2p.h>
#include <asm/pv/traps.h>
#include <asm/uaccess.h>
#include <asm/desc.h>
#include <asm/irq.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/rtc.h>
#include <asm/setup.h>
#include <asm/smpboot.h>
#include <asm/time.h>
#include <asm/xstate.h>
#include <xen/acpi.h>
#include <xen/console.h>
#include <xen/debug_fault.h>
#include <xen/dom0_opts.h>
#include <xen/keyhandler.h>
#include <xen/console_input.h>
#include <xen/event.h>
#include <xen/lib.h>
#include <xen/vcpu_timer.h>
#include <xen/mm.h>
#include <xen/multiboot2.h>
#include <xen/param.h>
#include <xen/percpu.h>
#include <xen/sched.h>
#include <xen/selftest.h>
#include <xen/shutdown.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/tasklet.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/version.h>
#include <xen/vmap.h>
#include <xen/xmalloc.h>

/* The most of the Multiboot2 information we are prepared to read. */
#define MBI_MAX_SIZE (1ul << 20)

void __noreturn __start_xen(unsigned long mbi_phys);

static const void *boot_map(paddr_t pa, size_t len)
{
    if ( pa >= BOOT_DIRECTMAP_BYTES || len > BOOT_DIRECTMAP_BYTES - pa )
        return NULL;
    return __va(pa);
}

static int parse_boot_info(unsigned long mbi_phys)
{
    uint32_t max;

    if ( mbi_phys >= BOOT_DIRECTMAP_BYTES - 8 || !IS_ALIGNED(mbi_phys, 8) )
    {
        printk(XENLOG_ERR "Multiboot2 information at %#lx is unusable (above 4 GiB or misaligned)\n",
               mbi_phys);
        return -1;
    }
    max = min(MBI_MAX_SIZE, BOOT_DIRECTMAP_BYTES - mbi_phys);
    return mbi2_parse(__va(mbi_phys), max, mbi_phys, &boot_info);
}

static void print_banner(void)
{
    printk("%s version %s (%s) debug=%c %s\n", XEN_PRODUCT,
           xen_version_string(), xen_compiler(), CONFIG_DEBUG ? 'y' : 'n',
           xen_build_date());
}

static void print_boot_info(const struct boot_info *bi)
{
    uint64_t ram = e820_total_ram(bi);
    unsigned int i;

    printk(XENLOG_DEBUG "Multiboot2 information at %#lx, %u bytes\n",
           (unsigned long)bi->mbi_start, bi->mbi_size);
    printk(XENLOG_INFO "Bootloader: %s\n",
           bi->loader && *bi->loader ? bi->loader : "(unnamed)");
    printk("Command line: %s\n", bi->cmdline);

    e820_print(bi);
    printk("System RAM: %luMB (%lukB)\n", (unsigned long)(ram >> 20),
           (unsigned long)(ram >> 10));

    for ( i = 0; i < bi->nr_modules; i++ )
        printk("Module %u: [%016lx, %016lx) %lu bytes, cmdline '%s'\n", i,
               (unsigned long)bi->modules[i].start,
               (unsigned long)(bi->modules[i].start + bi->modules[i].size),
               (unsigned long)bi->modules[i].size, bi->modules[i].cmdline);
}

static void init_acpi(const struct boot_info *bi)
{
    if ( acpi_tables_init(bi->rsdp, bi->rsdp_len, boot_map) )
    {
        printk(XENLOG_WARNING "ACPI tables unusable: continuing without ACPI\n");
        return;
    }
    acpi_dump_tables();
}

static void check_dom0_modules(const struct boot_info *bi)
{
    uint64_t ram;

    if ( !bi->nr_modules )
        panic("No dom0 kernel: the boot entry has no module.\n"
              "Add a 'module2 <dom0 kernel> [options]' line after the "
              "'multiboot2' line.\n");

    printk("Dom0 kernel: module 0, %lu bytes\n",
           (unsigned long)bi->modules[0].size);
    ram = e820_total_ram(bi);
    printk("Dom0 memory: %lu MiB (dom0_mem= resolved against %lu MiB of RAM)\n",
           (unsigned long)(dom0_mem_resolve(&dom0_mem, ram) >> 20),
           (unsigned long)(ram >> 20));
    if ( dom0_nr_modules(bi) > 1 )
        printk("Dom0 initrd: module 1, %lu bytes\n",
               (unsigned long)bi->modules[1].size);
}

static struct acpi_madt_info madt;

/* Interrupt controllers, vectors, and this CPU's APIC. */
static const struct acpi_madt_info *init_interrupts(void)
{
    const struct acpi_madt_info *m = acpi_parse_madt(&madt) ? NULL : &madt;

    if ( m )
        acpi_print_madt(m);
    /*
     * Quieten the 8259s while the APIC still passes their output through
     * LINT0 (the firmware leaves it so): the line must be seen to drop, or
     * an interrupt raised before LINT0 is masked stays asserted for good.
     */
    init_8259(!m || m->pcat_compat);
    apic_init_boot(m ? m->lapic_addr : 0);
    smp_prepare_boot_cpu();
    setup_local_apic();
    init_IRQ(m);
    smp_intr_init();
    return m;
}

static void apic_timer_interrupt(const struct cpu_user_regs *regs)
{
    raise_softirq(TIMER_SOFTIRQ);
}

static void init_timers(void)
{
    time_init();
    timer_init();
    apic_timer_calibrate();
    set_direct_apic_vector(LOCAL_TIMER_VECTOR, apic_timer_interrupt);
    apic_timer_setup();
}

static void memory_key(unsigned char key)
{
    printk("'%c' pressed -> dumping memory information\n", key);
    print_memory_usage();
    dump_heap();
    dump_xmalloc();
    printk("vmap area: %lu pages in use\n", vmap_pages_used());
}

/* What the hypervisor holds: all usable RAM except the free heap and
 * the boot modules (which are dom0's to be). */
static void report_boot_memory(const struct boot_info *bi, s_time_t t0)
{
    uint64_t modules = 0;
    unsigned int i;

    for ( i = 0; i < bi->nr_modules; i++ )
        modules += ROUNDUP(bi->modules[i].size, PAGE_SIZE);
    print_memory_usage();
    printk("Hypervisor memory use: %luKiB (modules %luKiB kept for dom0)\n",
           (unsigned long)(hypervisor_used_bytes(modules) >> 10),
           (unsigned long)(modules >> 10));
    printk("All %u CPUs online %lu ms after system time started\n",
           num_online_cpus(), (unsigned long)((NOW() - t0) / 1000000));
}

void __start_xen(unsigned long mbi_phys)
{
    const struct acpi_madt_info *m;
    s_time_t t0;
    int rc;

    percpu_save_template();
    sort_exception_table();
    init_boot_cpu_descriptors();

    rc = parse_boot_info(mbi_phys);
    if ( !rc )
        parse_params(boot_info.cmdline, __param_start, __param_end);

    print_banner();
    console_init();
    if ( rc )
        panic("Cannot boot without valid Multiboot2 information (see the messages above)\n");

    print_boot_info(&boot_info);
    xstate_init_boot_cpu();
    init_acpi(&boot_info);
    early_time_init();

    init_memory(&boot_info);
    vm_init();
    m2p_init();
    desc_late_init();

    m = init_interrupts();
    init_timers();
    t0 = NOW();
    tasklet_subsys_init();
    scheduler_init();
    register_keyhandler('m', memory_key, "memory info", true);
    pv_percpu_init();
    evtchn_init();
    console_io_init();
    register_keyhandler('a', dump_timerq, "dump timer queues", true);
    shutdown_init();
    ns16550_init_irq();
    local_irq_enable();
    spin_debug_enable();
    time_late_init();
    rtc_init(acpi_fadt() ? acpi_fadt()->century : 0);
    guest_time_init();

    smp_boot_cpus(m);
    scheduler_smp_ready();
    report_boot_memory(&boot_info, t0);

    debug_fault_trigger();
    selftest_run();
    check_dom0_modules(&boot_info);

    create_dom0(&boot_info);
    console_input_endboot();
    printk("Boot complete: dom0 is running.\n");
    idle_loop();
}
