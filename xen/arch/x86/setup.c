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
 *      printed, the TSC is calibrated, and the identity mapping of low
 *      memory that only the switch to long mode needed is removed, so a
 *      NULL dereference faults;
 *   5. the boot modules are checked: module 0 is dom0's kernel, module 1
 *      (if any) its initial ramdisk.
 *
 * Building dom0 comes with the later issues; until then the boot CPU idles
 * once boot is complete.
 */
#include <asm/bootinfo.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/time.h>
#include <xen/acpi.h>
#include <xen/console.h>
#include <xen/debug_fault.h>
#include <xen/dom0_opts.h>
#include <xen/lib.h>
#include <xen/multiboot2.h>
#include <xen/param.h>
#include <xen/string.h>
#include <xen/version.h>

/* The most of the Multiboot2 information we are prepared to read. */
#define MBI_MAX_SIZE (1ul << 20)

void __noreturn __start_xen(unsigned long mbi_phys);

extern intpte_t l4_boot[PAGETABLE_ENTRIES];

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

/* The identity map of low memory only served the switch to long mode. */
static void drop_identity_map(void)
{
    l4_boot[0] = 0;
    flush_tlb_local();
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
    if ( bi->nr_modules > 1 )
        printk("Dom0 initrd: module 1, %lu bytes\n",
               (unsigned long)bi->modules[1].size);
}

static void __noreturn idle_loop(void)
{
    for ( ; ; )
        halt();
}

void __start_xen(unsigned long mbi_phys)
{
    int rc;

    init_boot_cpu_descriptors();

    rc = parse_boot_info(mbi_phys);
    if ( !rc )
        parse_params(boot_info.cmdline, __param_start, __param_end);

    print_banner();
    console_init();
    if ( rc )
        panic("Cannot boot without valid Multiboot2 information (see the messages above)\n");

    print_boot_info(&boot_info);
    init_acpi(&boot_info);
    early_time_init();
    drop_identity_map();

    debug_fault_trigger();
    check_dom0_modules(&boot_info);

    printk("Boot complete. Building dom0 is not implemented yet: the CPU idles.\n");
    idle_loop();
}
