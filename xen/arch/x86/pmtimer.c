/*
 * pmtimer.c: the ACPI power-management timer as a platform timer.
 *
 * A 24-bit (or, if the FADT says TMR_VAL_EXT, 32-bit) counter at 3.579545
 * MHz in I/O space. It cannot be stopped or set; reading is all there is.
 */
#include <asm/io.h>
#include <asm/time.h>
#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/lib.h>

#define PMTMR_HZ 3579545ul

static uint16_t pmtmr_port;
static uint32_t pmtmr_mask;

static uint64_t pmtmr_read(void)
{
    return inl(pmtmr_port) & pmtmr_mask;
}

int pmtmr_probe(struct platform_timesource *ts)
{
    const struct acpi_fadt_info *f = acpi_fadt();
    uint64_t c0;
    unsigned int spins;

    if ( !f || !f->pm_tmr_port )
        return -ENODEV;
    pmtmr_port = f->pm_tmr_port;
    pmtmr_mask = f->pm_tmr_32bit ? 0xffffffffu : 0xffffffu;

    c0 = pmtmr_read();
    for ( spins = 0; pmtmr_read() == c0; spins++ )
        if ( spins > 1000000 )
        {
            printk(XENLOG_WARNING "ACPI PM timer at port %#x does not count: not used\n",
                   pmtmr_port);
            return -ENODEV;
        }

    ts->name = "ACPI PM timer";
    ts->id = "acpi";
    ts->freq_hz = PMTMR_HZ;
    ts->bits = f->pm_tmr_32bit ? 32 : 24;
    ts->read = pmtmr_read;
    return 0;
}
