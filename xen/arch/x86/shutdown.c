/*
 * shutdown.c: resetting and halting the machine.
 *
 * Theory of operation. A PC can be reset several ways and none works
 * everywhere, so machine_restart() tries an ordered list of methods,
 * announcing each, giving each a moment to take effect, and ending with the
 * one that cannot fail: a triple fault (an IDT of limit 0, then int3).
 * reboot= chooses the list the way Xen users write it: comma-separated
 * words, of which only the first letter counts:
 *
 *   a[cpi]   the FADT reset register     k[bd]   the 8042 keyboard controller
 *   p[ci]    the 0xcf9 reset port        t[riple]  a triple fault
 *   n[o]     never reset (like noreboot)  w[arm], c[old]  accepted, ignored
 *
 * The default is ACPI, then the keyboard controller, then a triple fault.
 */
#include <asm/io.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/current.h>
#include <asm/time.h>
#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/smp.h>
#include <xen/param.h>
#include <xen/shutdown.h>
#include <xen/timer.h>
#include <public/sched.h>
#include <xen/string.h>

enum reboot_method {
    REBOOT_END = 0,
    REBOOT_ACPI,
    REBOOT_KBD,
    REBOOT_PCI,
    REBOOT_TRIPLE,
};

#define MAX_METHODS 8

static enum reboot_method methods[MAX_METHODS] = {
    REBOOT_ACPI, REBOOT_KBD, REBOOT_TRIPLE,
};
static bool reboot_never;

static int parse_reboot(const char *s)
{
    enum reboot_method list[MAX_METHODS] = { REBOOT_END };
    unsigned int n = 0;
    bool never = false;

    for ( ; *s; s = strchr(s, ',') ? strchr(s, ',') + 1 : s + strlen(s) )
    {
        enum reboot_method m;

        switch ( *s )
        {
        case 'a': m = REBOOT_ACPI; break;
        case 'k': m = REBOOT_KBD; break;
        case 'p': m = REBOOT_PCI; break;
        case 't': m = REBOOT_TRIPLE; break;
        case 'n': never = true; continue;
        case 'w': case 'c': continue;
        default: return -EINVAL;
        }
        if ( n == MAX_METHODS - 1 )
            return -EINVAL;
        list[n++] = m;
    }

    reboot_never = never;
    if ( n )
        memcpy(methods, list, sizeof(methods));
    return 0;
}
custom_param("reboot", parse_reboot);

/* noreboot: Xen's spelling of reboot=no (panics and dom0 crashes). */
static bool opt_noreboot;
boolean_param("noreboot", opt_noreboot);

bool reboot_disabled(void)
{
    return reboot_never || opt_noreboot;
}

static void reboot_acpi(void)
{
    struct acpi_generic_address reg;
    uint8_t value;

    if ( acpi_fadt_reset_reg(&reg, &value) )
    {
        printk("ACPI reset register not available\n");
        return;
    }
    printk("Rebooting via ACPI reset register\n");
    if ( reg.space_id == ACPI_ADR_SPACE_SYSTEM_IO )
        outb(value, reg.address);
    else if ( reg.address < BOOT_DIRECTMAP_BYTES )
        *(volatile uint8_t *)__va(reg.address) = value;
}

static void reboot_kbd(void)
{
    unsigned int i;

    printk("Rebooting via keyboard controller\n");
    for ( i = 0; i < 100000 && (inb(0x64) & 0x02); i++ )
        cpu_relax();                 /* wait for the input buffer to drain */
    outb(0xfe, 0x64);                /* pulse the reset line */
}

static void reboot_pci(void)
{
    printk("Rebooting via PCI reset port\n");
    outb(0x02, 0xcf9);               /* prepare a hard reset */
    udelay(50);
    outb(0x06, 0xcf9);               /* and do it */
}

static void __noreturn reboot_triple(void)
{
    static const struct {
        uint16_t limit;
        uint64_t base;
    } __packed null_idt;

    printk("Rebooting via triple fault\n");
    __asm__ __volatile__ ( "lidt %0; int3" :: "m" (null_idt) );
    for ( ; ; )
        halt();
}

void machine_restart(void)
{
    unsigned int i;

    smp_send_stop();
    local_irq_disable();
    for ( i = 0; i < MAX_METHODS && methods[i] != REBOOT_END; i++ )
    {
        switch ( methods[i] )
        {
        case REBOOT_ACPI: reboot_acpi(); break;
        case REBOOT_KBD: reboot_kbd(); break;
        case REBOOT_PCI: reboot_pci(); break;
        case REBOOT_TRIPLE: reboot_triple();
        case REBOOT_END: break;
        }
        mdelay(100);                 /* give the reset time to happen */
    }
    reboot_triple();
}

/*
 * ACPI S5 ("soft off"): write SLP_TYP (from the DSDT's \_S5 object) with
 * SLP_EN into the PM1 control register(s) named by the FADT.
 */
#define ACPI_SLP_TYP_SHIFT 10
#define ACPI_SLP_EN        (1u << 13)

static void power_off_acpi(void)
{
    const struct acpi_fadt_info *f = acpi_fadt();
    uint8_t typa, typb;

    if ( !f || !f->pm1a_cnt_port || acpi_get_s5(&typa, &typb) )
    {
        printk("ACPI S5 power-off not available\n");
        return;
    }
    printk("Powering off via ACPI S5\n");
    if ( f->pm1b_cnt_port )
        outw((typb << ACPI_SLP_TYP_SHIFT) | ACPI_SLP_EN, f->pm1b_cnt_port);
    outw((typa << ACPI_SLP_TYP_SHIFT) | ACPI_SLP_EN, f->pm1a_cnt_port);
}

void machine_power_off(void)
{
    smp_send_stop();
    local_irq_disable();
    power_off_acpi();
    mdelay(500);
    printk("Power-off failed: halting instead.\n");
    cpu_halt_forever();
}

static void reboot_key(unsigned char key)
{
    printk("'%c' pressed -> rebooting machine\n", key);
    machine_restart();
}

void shutdown_init(void)
{
    register_keyhandler('R', reboot_key, "reboot machine", false);
}

void machine_halt(void)
{
    printk("Halting this CPU.\n");
    cpu_halt_forever();
}

static void restart_timer_fn(void *unused)
{
    machine_restart();
}

/*
 * The hardware domain shut down: the machine follows, as on Xen. A
 * poweroff halts (dom0 powers the box off itself through ACPI before it
 * gets here, if it wants to); a reboot resets; a crash resets after five
 * seconds, or with noreboot (reboot=no) leaves the hypervisor running so
 * that its console and debug keys still work.
 */
void hwdom_shutdown(unsigned int reason)
{
    static struct timer restart_timer;

    switch ( reason )
    {
    case SHUTDOWN_poweroff:
        printk("Hardware domain halted: halting machine\n");
        smp_send_stop();                /* every CPU, not only this one */
        machine_halt();
    case SHUTDOWN_reboot:
        printk("Hardware domain shut down: rebooting machine\n");
        machine_restart();
    case SHUTDOWN_crash:
    case SHUTDOWN_watchdog:
        printk("Hardware domain %s: ", reason == SHUTDOWN_crash ? "crashed"
                                                                : "watchdog expired");
        if ( reboot_disabled() )
        {
            printk("'noreboot' set - not rebooting.\n");
            return;
        }
        printk("rebooting machine in 5 seconds.\n");
        init_timer(&restart_timer, restart_timer_fn, NULL, smp_processor_id());
        set_timer(&restart_timer, NOW() + SECONDS(5));
        return;
    default:
        /* suspend, soft_reset: the domain is expected back. */
        return;
    }
}
