/*
 * io_apic.c: IO-APICs, the routers of device interrupts.
 *
 * Theory of operation. Each IO-APIC has a window of two registers
 * (index, data) through which its redirection table is programmed: one
 * 64-bit entry per input pin, saying vector, trigger mode, polarity, mask
 * and destination APIC. IO-APIC n's pins are GSIs gsi_base .. gsi_base +
 * pins - 1 (MADT). At boot every pin is masked; request_irq() routes and
 * unmasks one pin at a time.
 *
 * Locking: ioapic_lock serialises the index/data register pairs.
 */
#include <asm/iomem.h>
#include <asm/apic.h>
#include <asm/irq.h>
#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/spinlock.h>
#include <xen/vmap.h>

#define IOREGSEL      0x00
#define IOWIN         0x10
#define IOAPIC_VER    0x01
#define IOAPIC_REDTBL 0x10

#define RTE_MASKED     (1u << 16)
#define RTE_LEVEL      (1u << 15)
#define RTE_ACTIVE_LOW (1u << 13)

#define MAX_IOAPICS 16

struct ioapic {
    volatile uint32_t *regs;
    uint64_t addr;
    unsigned int id, gsi_base, nr_pins;
};

static struct ioapic ioapics[MAX_IOAPICS];
static unsigned int nr_ioapics;
static DEFINE_SPINLOCK(ioapic_lock);

static uint32_t io_read(const struct ioapic *a, unsigned int reg)
{
    a->regs[IOREGSEL / 4] = reg;
    return a->regs[IOWIN / 4];
}

static void io_write(const struct ioapic *a, unsigned int reg, uint32_t v)
{
    a->regs[IOREGSEL / 4] = reg;
    a->regs[IOWIN / 4] = v;
}

static struct ioapic *gsi_to_ioapic(unsigned int gsi, unsigned int *pin)
{
    unsigned int i;

    for ( i = 0; i < nr_ioapics; i++ )
        if ( gsi >= ioapics[i].gsi_base &&
             gsi < ioapics[i].gsi_base + ioapics[i].nr_pins )
        {
            *pin = gsi - ioapics[i].gsi_base;
            return &ioapics[i];
        }
    return NULL;
}

static void write_rte(struct ioapic *a, unsigned int pin, uint32_t lo, uint32_t hi)
{
    /* Masked while half-written: mask first, unmask last. */
    io_write(a, IOAPIC_REDTBL + 2 * pin, RTE_MASKED);
    io_write(a, IOAPIC_REDTBL + 2 * pin + 1, hi);
    io_write(a, IOAPIC_REDTBL + 2 * pin, lo);
}

void ioapic_init(const struct acpi_madt_info *madt)
{
    unsigned int i, pin;

    for ( i = 0; madt && i < madt->nr_ioapics && nr_ioapics < MAX_IOAPICS; i++ )
    {
        struct ioapic *a = &ioapics[nr_ioapics];

        a->addr = madt->ioapics[i].addr;
        a->id = madt->ioapics[i].id;
        a->gsi_base = madt->ioapics[i].gsi_base;
        a->regs = ioremap(a->addr, 0x20);
        iomem_reserve_hypervisor(a->addr, PAGE_SIZE);
        if ( !a->regs )
        {
            printk(XENLOG_WARNING "IO-APIC %u at %#lx: cannot map: ignored\n",
                   a->id, (unsigned long)a->addr);
            continue;
        }
        a->nr_pins = ((io_read(a, IOAPIC_VER) >> 16) & 0xff) + 1;
        for ( pin = 0; pin < a->nr_pins; pin++ )
            write_rte(a, pin, RTE_MASKED, 0);
        printk("IO-APIC %u at %#lx: GSIs %u-%u, version %#x\n", a->id,
               (unsigned long)a->addr, a->gsi_base, a->gsi_base + a->nr_pins - 1,
               io_read(a, IOAPIC_VER) & 0xff);
        nr_ioapics++;
    }
    if ( !nr_ioapics )
        printk(XENLOG_WARNING "No IO-APIC: device interrupts unavailable\n");
}

int ioapic_route(unsigned int gsi, uint8_t vector, bool level, bool active_low,
                 uint32_t dest_apicid)
{
    unsigned long flags;
    struct ioapic *a;
    unsigned int pin;
    uint32_t lo, hi;

    a = gsi_to_ioapic(gsi, &pin);
    if ( !a )
        return -ENODEV;
    lo = vector | APIC_DM_FIXED | (level ? RTE_LEVEL : 0) |
         (active_low ? RTE_ACTIVE_LOW : 0);
    /* Physical destination: 8-bit APIC ID in bits 56-63 (x2APIC: 32 bits
     * need interrupt remapping; IDs above 255 are not reachable here). */
    if ( dest_apicid > 0xff )
        return -ERANGE;
    hi = dest_apicid << 24;
    spin_lock_irqsave(&ioapic_lock, flags);
    write_rte(a, pin, lo, hi);
    spin_unlock_irqrestore(&ioapic_lock, flags);
    return 0;
}

void ioapic_mask(unsigned int gsi)
{
    unsigned long flags;
    struct ioapic *a;
    unsigned int pin;

    a = gsi_to_ioapic(gsi, &pin);
    if ( !a )
        return;
    spin_lock_irqsave(&ioapic_lock, flags);
    io_write(a, IOAPIC_REDTBL + 2 * pin,
             io_read(a, IOAPIC_REDTBL + 2 * pin) | RTE_MASKED);
    spin_unlock_irqrestore(&ioapic_lock, flags);
}

unsigned int ioapic_nr_gsis(void)
{
    unsigned int i, n = 0;

    for ( i = 0; i < nr_ioapics; i++ )
        n = max(n, ioapics[i].gsi_base + ioapics[i].nr_pins);
    return n;
}

void ioapic_dump(void)
{
    unsigned long flags;
    unsigned int i, pin;

    for ( i = 0; i < nr_ioapics; i++ )
    {
        struct ioapic *a = &ioapics[i];

        printk("IO-APIC %u (GSI base %u, %u pins):\n", a->id, a->gsi_base,
               a->nr_pins);
        spin_lock_irqsave(&ioapic_lock, flags);
        for ( pin = 0; pin < a->nr_pins; pin++ )
        {
            uint32_t lo = io_read(a, IOAPIC_REDTBL + 2 * pin);
            uint32_t hi = io_read(a, IOAPIC_REDTBL + 2 * pin + 1);

            if ( lo & RTE_MASKED )
                continue;
            printk("  pin %2u: vector %#04x %s %s dest %u\n", pin, lo & 0xff,
                   lo & RTE_LEVEL ? "level" : "edge",
                   lo & RTE_ACTIVE_LOW ? "low" : "high", hi >> 24);
        }
        spin_unlock_irqrestore(&ioapic_lock, flags);
    }
}
