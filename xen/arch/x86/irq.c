/*
 * irq.c: interrupt vectors and device interrupts.
 *
 * Theory of operation. Vectors 32-255 arrive here from the entry stubs.
 * Three kinds exist:
 *   - fixed vectors (0xf0-0xff: IPIs, the APIC timer, APIC errors,
 *     spurious) bound once with set_direct_apic_vector(), the same on
 *     every CPU;
 *   - dynamic vectors (0x30-0xef) given to device interrupts by
 *     request_irq(), which routes the device's GSI through its IO-APIC to
 *     the boot CPU. Vectors are handed out 8 apart (0x31, 0x39, ...) so
 *     consecutive devices land in different priority classes, as Linux
 *     and Xen do;
 *   - the legacy vectors 0x20-0x2f where the masked 8259s can still
 *     deliver a spurious IRQ 7/15, which is counted and ignored.
 * Every vector other than the APIC's own spurious one is acknowledged with
 * an EOI after its handler: for level-triggered IO-APIC inputs the EOI is
 * what re-arms the pin, so a handler must have quietened its device.
 *
 * Locking: vector_lock protects allocation and the GSI table. Handlers
 * are read without it: a slot is filled before its pin is unmasked and
 * cleared only after the pin is masked.
 */
#include <asm/apic.h>
#include <asm/irq.h>
#include <asm/traps.h>
#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/percpu.h>
#include <xen/spinlock.h>

#define NR_VECTORS 256
#define NR_GSIS    256

struct vector_desc {
    vector_handler_t *direct;       /* fixed vector */
    irq_handler_t *handler;         /* device interrupt */
    unsigned int gsi;
    void *dev;
    const char *name;
};

static struct vector_desc vectors[NR_VECTORS];
static int16_t gsi_vector[NR_GSIS];          /* 0: none */
static DEFINE_SPINLOCK(vector_lock);
static uint8_t next_vector = FIRST_DYNAMIC_VECTOR + 1;
static const struct acpi_madt_info *madt;     /* NULL: no MADT */

static DEFINE_PER_CPU(unsigned long [NR_VECTORS], irq_count);

void set_direct_apic_vector(uint8_t vector, vector_handler_t *handler)
{
    BUG_ON(vector < LOCAL_TIMER_VECTOR - 10 || vectors[vector].direct);
    vectors[vector].direct = handler;
}

static void spurious_interrupt(const struct cpu_user_regs *regs)
{
    /* No EOI for the APIC's spurious vector: it was never in service. */
}

static void error_interrupt(const struct cpu_user_regs *regs)
{
    uint32_t esr;

    apic_write(APIC_ESR, 0);
    esr = apic_read(APIC_ESR);
    printk(XENLOG_WARNING "APIC error on CPU %u: ESR %#x\n",
           smp_processor_id(), esr);
}

void do_IRQ(struct cpu_user_regs *regs)
{
    unsigned int vector = regs->entry_vector;
    struct vector_desc *d = &vectors[vector];

    this_cpu(irq_count)[vector]++;

    if ( vector == SPURIOUS_APIC_VECTOR )
        return;
    if ( vector >= FIRST_LEGACY_VECTOR && vector <= LAST_LEGACY_VECTOR )
        return;                 /* spurious 8259 IRQ 7/15: no EOI wanted */

    if ( d->direct )
        d->direct(regs);
    else if ( d->handler )
        d->handler(d->gsi, d->dev, regs);
    else
        printk(XENLOG_WARNING "Unexpected interrupt vector %#x on CPU %u: ignored\n",
               vector, smp_processor_id());
    ack_apic_irq();
}

unsigned int isa_irq_to_gsi(unsigned int isa_irq)
{
    unsigned int i;

    for ( i = 0; madt && i < madt->nr_overrides; i++ )
        if ( madt->overrides[i].bus == 0 && madt->overrides[i].source_irq == isa_irq )
            return madt->overrides[i].gsi;
    return isa_irq;
}

/* ISA interrupts are edge/high unless an override says otherwise. */
static void gsi_polarity_trigger(unsigned int gsi, bool *level, bool *low)
{
    unsigned int i;

    *level = gsi >= 16;
    *low = gsi >= 16;
    for ( i = 0; madt && i < madt->nr_overrides; i++ )
    {
        uint16_t f = madt->overrides[i].flags;

        if ( madt->overrides[i].gsi != gsi )
            continue;
        if ( (f & 3) == 1 )
            *low = false;
        else if ( (f & 3) == 3 )
            *low = true;
        if ( ((f >> 2) & 3) == 1 )
            *level = false;
        else if ( ((f >> 2) & 3) == 3 )
            *level = true;
    }
}

static int alloc_vector_locked(void)
{
    unsigned int tries;

    for ( tries = 0; tries <= LAST_DYNAMIC_VECTOR - FIRST_DYNAMIC_VECTOR; tries++ )
    {
        uint8_t v = next_vector;

        next_vector += 8;
        if ( next_vector > LAST_DYNAMIC_VECTOR )
            next_vector = FIRST_DYNAMIC_VECTOR + (next_vector + 1) % 8;
        if ( v == INT80_VECTOR )
            continue;               /* guests' int $0x80 (traps.h) */
        if ( !vectors[v].handler && !vectors[v].direct )
            return v;
    }
    return -ENOSPC;
}

int request_irq(unsigned int gsi, irq_handler_t *handler, const char *name,
                void *dev)
{
    unsigned long flags;
    bool level, low;
    int v, rc;

    if ( gsi >= NR_GSIS || !handler )
        return -EINVAL;
    spin_lock_irqsave(&vector_lock, flags);
    if ( gsi_vector[gsi] )
    {
        spin_unlock_irqrestore(&vector_lock, flags);
        return -EBUSY;
    }
    v = alloc_vector_locked();
    if ( v < 0 )
    {
        spin_unlock_irqrestore(&vector_lock, flags);
        return v;
    }
    vectors[v].handler = handler;
    vectors[v].gsi = gsi;
    vectors[v].dev = dev;
    vectors[v].name = name;
    gsi_vector[gsi] = v;
    spin_unlock_irqrestore(&vector_lock, flags);

    gsi_polarity_trigger(gsi, &level, &low);
    rc = ioapic_route(gsi, v, level, low, x86_cpu_to_apicid[0]);
    if ( rc )
    {
        release_irq(gsi);
        return rc;
    }
    printk(XENLOG_INFO "IRQ: GSI %u (%s) -> vector %#x, %s, active %s\n", gsi,
           name, v, level ? "level" : "edge", low ? "low" : "high");
    return 0;
}

void release_irq(unsigned int gsi)
{
    unsigned long flags;
    int v;

    if ( gsi >= NR_GSIS )
        return;
    ioapic_mask(gsi);
    spin_lock_irqsave(&vector_lock, flags);
    v = gsi_vector[gsi];
    if ( v )
    {
        vectors[v].handler = NULL;
        vectors[v].dev = NULL;
        gsi_vector[gsi] = 0;
    }
    spin_unlock_irqrestore(&vector_lock, flags);
}

void dump_irqs(unsigned char key)
{
    unsigned int v, cpu;

    printk("'%c' pressed -> dumping interrupt bindings and counts\n", key);
    for ( v = FIRST_IRQ_VECTOR; v < NR_VECTORS; v++ )
    {
        const struct vector_desc *d = &vectors[v];
        unsigned long total = 0;

        for_each_online_cpu ( cpu )
            total += per_cpu(irq_count, cpu)[v];
        if ( !d->handler && !d->direct && !total )
            continue;
        if ( d->handler )
            printk(" vector %#04x: GSI %3u %-12s count %lu\n", v, d->gsi,
                   d->name, total);
        else
            printk(" vector %#04x: %-20s count %lu\n", v,
                   d->direct ? "(per-CPU)" : "(unbound)", total);
    }
    ioapic_dump();
}

void init_IRQ(const struct acpi_madt_info *m)
{
    madt = m;
    ioapic_init(madt);
    set_direct_apic_vector(SPURIOUS_APIC_VECTOR, spurious_interrupt);
    set_direct_apic_vector(ERROR_APIC_VECTOR, error_interrupt);
    register_keyhandler('i', dump_irqs, "dump interrupt bindings", true);
}
