/*
 * time.c: early time keeping.
 *
 * Theory of operation. Until the full time subsystem exists (system time,
 * timers, the HPET/PM-timer calibration), the hypervisor only needs to
 * wait: for panic's reboot delay, and for devices. The TSC is calibrated
 * once against channel 2 of the 8254 PIT, whose 1.193182 MHz input is the
 * one fixed frequency every PC has: the channel counts down a 50 ms
 * one-shot with its gate enabled and no speaker, and the TSC ticks seen
 * meanwhile give cpu_khz. udelay()/mdelay() then spin on the TSC.
 */
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/time.h>
#include <xen/lib.h>

#define PIT_HZ           1193182ul
#define PIT_CH2          0x42
#define PIT_MODE         0x43
#define PIT_GATE_PORT    0x61
#define PIT_GATE2        0x01
#define PIT_SPEAKER      0x02
#define PIT_OUT2         0x20
#define CALIBRATE_MS     50

unsigned long cpu_khz;

static unsigned long calibrate_tsc_pit(void)
{
    unsigned long count = PIT_HZ * CALIBRATE_MS / 1000;
    unsigned long spins = 0;
    uint64_t start, end;

    outb((inb(PIT_GATE_PORT) & ~PIT_SPEAKER) | PIT_GATE2, PIT_GATE_PORT);
    outb(0xb0, PIT_MODE);           /* channel 2, lo/hi byte, mode 0 */
    outb(count & 0xff, PIT_CH2);
    outb(count >> 8, PIT_CH2);

    start = rdtsc();
    while ( !(inb(PIT_GATE_PORT) & PIT_OUT2) )
        if ( ++spins > 100000000ul )
            return 0;                /* no PIT answering */
    end = rdtsc();

    return (end - start) / CALIBRATE_MS;
}

void early_time_init(void)
{
    cpu_khz = calibrate_tsc_pit();
    if ( !cpu_khz )
    {
        printk(XENLOG_WARNING "TSC calibration failed (no PIT?); assuming 1 GHz\n");
        cpu_khz = 1000000;
    }
    printk(XENLOG_INFO "TSC: %lu.%03lu MHz (calibrated against the PIT)\n",
           cpu_khz / 1000, cpu_khz % 1000);
}

void udelay(unsigned long usecs)
{
    uint64_t start = rdtsc();
    uint64_t ticks = (uint64_t)usecs * (cpu_khz ?: 1000000) / 1000;

    while ( rdtsc() - start < ticks )
        cpu_relax();
}

void mdelay(unsigned long msecs)
{
    while ( msecs-- )
        udelay(1000);
}
