/*
 * drivers/acpi/hpet.c: the HPET table: where the High Precision Event
 * Timer's registers are.
 *
 * Theory of operation
 *
 * The table gives one HPET block: a Generic Address Structure for its 1 KiB
 * of registers, which must be in system memory, its sequence number, the
 * minimum periodic tick, and a copy of the block's capabilities register
 * (hardware revision, comparator count, counter size, legacy-replacement
 * capability, PCI vendor ID) as the event timer block ID. We check the
 * length before reading any field and accept only a non-zero memory
 * address whose block does not wrap around the address space; the timer
 * code maps the block and reads the real capabilities itself. Nothing here
 * touches the hardware.
 */
#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/lib.h>

#define HPET_MMIO_SIZE  1024u

int acpi_parse_hpet(struct acpi_hpet_info *out)
{
    const struct acpi_table_hpet *t =
        (const void *)acpi_get_table(ACPI_SIG_HPET, 0);
    const struct acpi_generic_address *gas;

    if ( !t )
    {
        printk(XENLOG_INFO "ACPI: no HPET table\n");
        return -ENOENT;
    }
    if ( !ACPI_TABLE_HAS(t, page_protection) )
    {
        printk(XENLOG_WARNING
               "ACPI: HPET table is %u bytes, too short (%u): ignored\n",
               t->header.length, (unsigned int)sizeof(*t));
        return -EINVAL;
    }

    gas = &t->address;
    if ( gas->space_id != ACPI_ADR_SPACE_SYSTEM_MEMORY )
    {
        printk(XENLOG_WARNING
               "ACPI: HPET block in address space %u, not memory: ignored\n",
               gas->space_id);
        return -EINVAL;
    }
    if ( !gas->address || gas->address > ~0ull - (HPET_MMIO_SIZE - 1) )
    {
        printk(XENLOG_WARNING "ACPI: HPET block at bad address %#lx: ignored\n",
               (unsigned long)gas->address);
        return -EINVAL;
    }

    out->address = gas->address;
    out->hpet_number = t->hpet_number;
    out->min_tick = t->min_tick;
    out->event_timer_block_id = t->event_timer_block_id;
    printk(XENLOG_INFO "ACPI: HPET id: %#x base: %#lx number %u min_tick %u\n",
           out->event_timer_block_id, (unsigned long)out->address,
           out->hpet_number, out->min_tick);
    return 0;
}
