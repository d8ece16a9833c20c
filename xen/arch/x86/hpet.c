/*
 * hpet.c: the HPET's main counter as a platform timer.
 *
 * The ACPI HPET table gives the block's address. The capability register
 * gives the counter period in femtoseconds (the specification caps it at
 * 100 ns) and whether the counter is 64 bits wide. We only read the main
 * counter: it is enabled if the firmware left it stopped, and no
 * comparator is used (the local APIC timers do the interrupting).
 */
#include <asm/iomem.h>
#include <asm/time.h>
#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/vmap.h>

#define HPET_ID             0x000
#define  HPET_ID_COUNT_64   (1ull << 13)
#define HPET_CFG            0x010
#define  HPET_CFG_ENABLE    (1ull << 0)
#define HPET_COUNTER        0x0f0
#define HPET_MAX_PERIOD_FS  100000000ull
#define FS_PER_S            1000000000000000ull

static volatile uint64_t *hpet;
static bool hpet_32bit;

static uint64_t hpet_read(void)
{
    if ( hpet_32bit )
        return ((volatile uint32_t *)hpet)[HPET_COUNTER / 4];
    return hpet[HPET_COUNTER / 8];
}

int hpet_probe(struct platform_timesource *ts)
{
    struct acpi_hpet_info info;
    uint64_t id, period, c0;
    unsigned int spins;

    if ( acpi_parse_hpet(&info) )
        return -ENODEV;
    if ( !hpet )
    {
        hpet = ioremap(info.address, 1024);
        iomem_reserve_hypervisor(info.address, PAGE_SIZE);
    }
    if ( !hpet )
        return -ENOMEM;

    id = hpet[HPET_ID / 8];
    period = id >> 32;
    if ( !period || period > HPET_MAX_PERIOD_FS )
    {
        printk(XENLOG_WARNING "HPET at %#lx: implausible period %lu fs: not used\n",
               (unsigned long)info.address, (unsigned long)period);
        return -ENODEV;
    }
    hpet_32bit = !(id & HPET_ID_COUNT_64);
    if ( !(hpet[HPET_CFG / 8] & HPET_CFG_ENABLE) )
        hpet[HPET_CFG / 8] |= HPET_CFG_ENABLE;

    c0 = hpet_read();
    for ( spins = 0; hpet_read() == c0; spins++ )
        if ( spins > 1000000 )
        {
            printk(XENLOG_WARNING "HPET at %#lx does not count: not used\n",
                   (unsigned long)info.address);
            return -ENODEV;
        }

    ts->name = "HPET";
    ts->id = "hpet";
    ts->freq_hz = FS_PER_S / period;
    ts->bits = hpet_32bit ? 32 : 64;
    ts->read = hpet_read;
    return 0;
}
