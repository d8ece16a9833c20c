/*
 * panic.c: the end of the road: panic(), BUG() and failed assertions.
 *
 * Theory of operation. A panic prints its reason between two rules of
 * asterisks so it stands out in a serial log, makes sure a console exists
 * to show it (a panic may come before console set-up), and then either
 * halts (noreboot, reboot=no) or waits five seconds and resets the machine.
 * A panic while panicking halts at once. BUG() and ASSERT() print where
 * they fired and the call trace leading there before panicking.
 */
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/smp.h>
#include <xen/spinlock.h>
#include <xen/shutdown.h>
#include <xen/string.h>

static bool panicking;

void panic(const char *fmt, ...)
{
    static char buf[1024];
    va_list args;

    local_irq_disable();
    if ( __atomic_exchange_n(&panicking, true, __ATOMIC_SEQ_CST) )
    {
        printk("Panic while panicking: halting\n");
        cpu_halt_forever();
    }
    spin_debug_disable();
    console_force_unlock();

    va_start(args, fmt);
    vsnprintf(buf, sizeof(buf), fmt, args);
    va_end(args);

    printk(XENLOG_ERR "\n****************************************\n");
    printk(XENLOG_ERR "Panic on CPU %u:\n", smp_processor_id());
    printk(XENLOG_ERR "%s", buf);
    if ( !*buf || buf[strlen(buf) - 1] != '\n' )
        printk(XENLOG_ERR "\n");
    printk(XENLOG_ERR "****************************************\n\n");

    if ( reboot_disabled() )
    {
        printk(XENLOG_ERR "Manual reset required ('noreboot' specified)\n");
        smp_send_stop();
        machine_halt();
    }
    printk(XENLOG_ERR "Reboot in five seconds...\n");
    mdelay(5000);
    machine_restart();
}

void __bug(const char *file, int line)
{
    console_force_unlock();
    printk(XENLOG_ERR "Xen BUG at %s:%d\n", file, line);
    show_call_trace_here();
    panic("Xen BUG at %s:%d\n", file, line);
}

void __assert_failed(const char *expr, const char *file, int line)
{
    console_force_unlock();
    printk(XENLOG_ERR "Assertion '%s' failed at %s:%d\n", expr, file, line);
    show_call_trace_here();
    panic("Assertion '%s' failed at %s:%d\n", expr, file, line);
}
