/*
 * drivers/acpi/madt.c: the MADT ("APIC" table): the processors, the
 * IO-APICs, and how ISA interrupts and NMIs are wired to them.
 *
 * Theory of operation
 *
 * After a 44-byte fixed part (the local APIC address and the PC-AT
 * compatibility flag) the MADT is a list of variable-length entries, each
 * starting with a type byte and a length byte that covers the entry. The
 * list is firmware input, so it is walked defensively:
 *
 *  - The length byte is the only way to find the next entry. An entry whose
 *    length is below 2, runs past the end of the table, or is too short for
 *    the fields of its type means the list cannot be trusted from there on:
 *    we say which entry, where and why, and stop, keeping what came before.
 *    Entries longer than we know are fine (newer revisions may extend
 *    them); unknown types are skipped by their length.
 *  - Each known entry is copied out (never read in place past its length),
 *    checked on its own and against what was kept so far, and only then
 *    committed to the result. A bad or conflicting entry (a duplicate APIC
 *    ID, an IO-APIC at address 0 or starting at another's GSI base, an
 *    override of a non-ISA IRQ, a reserved polarity or trigger encoding, a
 *    LINT pin that does not exist) is reported and skipped.
 *  - The result has fixed room (ACPI_MAX_*). Entries beyond it are counted
 *    and reported once per kind, not kept.
 *
 * Processor entries whose Enabled flag is clear are hot-plug slots; they
 * count only if the MADT (revision 5 and later) marks them Online Capable,
 * and are otherwise dropped silently, as firmware routinely lists more
 * slots than processors. IO-APIC GSI ranges are only fully known once the
 * x86 code reads each IO-APIC's redirection-entry count from the hardware;
 * here the overlap we can see is two IO-APICs with the same GSI base.
 *
 * Nothing here touches the hardware. The table comes validated (length,
 * checksum) from tables.c; the result is a plain acpi_madt_info.
 */
#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/string.h>

#define XAPIC_BROADCAST_ID      0xffu
#define X2APIC_BROADCAST_ID     0xffffffffu
#define LAPIC_NMI_UID_ALL       0xffu
#define NR_ISA_IRQS             16
#define NR_LINT                 2
#define MADT_ONLINE_CAPABLE_REV 5

/* Where an entry is, for messages. */
struct madt_pos {
    unsigned int index;         /* from 0 */
    unsigned int offset;        /* from the start of the table */
    uint8_t type;
};

/* A local copy of one entry, zero beyond its length. */
union madt_entry {
    struct acpi_madt_entry_header h;
    struct acpi_madt_lapic lapic;
    struct acpi_madt_ioapic ioapic;
    struct acpi_madt_int_src_ovr iso;
    struct acpi_madt_nmi_src nmi_src;
    struct acpi_madt_lapic_nmi lapic_nmi;
    struct acpi_madt_lapic_addr_ovr addr_ovr;
    struct acpi_madt_x2apic x2apic;
    struct acpi_madt_x2apic_nmi x2apic_nmi;
};

struct madt_state {
    struct acpi_madt_info *out;
    bool online_capable_defined;
    /* Good entries that did not fit. */
    unsigned int dropped_cpus, dropped_ioapics, dropped_overrides;
    unsigned int dropped_nmi_sources, dropped_lapic_nmis;
};

static const uint8_t madt_min_len[] = {
    [ACPI_MADT_LAPIC]          = sizeof(struct acpi_madt_lapic),
    [ACPI_MADT_IOAPIC]         = sizeof(struct acpi_madt_ioapic),
    [ACPI_MADT_INT_SRC_OVR]    = sizeof(struct acpi_madt_int_src_ovr),
    [ACPI_MADT_NMI_SRC]        = sizeof(struct acpi_madt_nmi_src),
    [ACPI_MADT_LAPIC_NMI]      = sizeof(struct acpi_madt_lapic_nmi),
    [ACPI_MADT_LAPIC_ADDR_OVR] = sizeof(struct acpi_madt_lapic_addr_ovr),
    [ACPI_MADT_X2APIC]         = sizeof(struct acpi_madt_x2apic),
    [ACPI_MADT_X2APIC_NMI]     = sizeof(struct acpi_madt_x2apic_nmi),
};

static unsigned int entry_min_len(uint8_t type)
{
    if ( type < ARRAY_SIZE(madt_min_len) && madt_min_len[type] )
        return madt_min_len[type];
    return sizeof(struct acpi_madt_entry_header);
}

static void __printf(2, 3) madt_skip(const struct madt_pos *pos,
                                     const char *fmt, ...)
{
    char why[96];
    va_list args;

    va_start(args, fmt);
    vsnprintf(why, sizeof(why), fmt, args);
    va_end(args);
    printk(XENLOG_WARNING "ACPI: MADT entry %u (type %u) at offset %#x: %s: skipped\n",
           pos->index, pos->type, pos->offset, why);
}

/* ---- Fetching entries ---- */

/*
 * Copy the entry at pos->offset of the table t (len bytes) into *e. If it
 * cannot be trusted, say why and return false: the walk stops.
 */
static bool madt_fetch(const uint8_t *t, uint32_t len, struct madt_pos *pos,
                       union madt_entry *e)
{
    uint32_t left = len - pos->offset;
    unsigned int elen, need;
    char why[80];

    pos->type = t[pos->offset];
    elen = left >= 2 ? t[pos->offset + 1] : 0;
    need = entry_min_len(pos->type);

    if ( left < 2 )
        snprintf(why, sizeof(why), "%u byte left, too few for an entry header",
                 left);
    else if ( elen < 2 )
        snprintf(why, sizeof(why), "length %u is too short", elen);
    else if ( elen > left )
        snprintf(why, sizeof(why),
                 "length %u runs past the end of the table (%u bytes left)",
                 elen, left);
    else if ( elen < need )
        snprintf(why, sizeof(why), "length %u is too short for its type (needs %u)",
                 elen, need);
    else
    {
        memset(e, 0, sizeof(*e));
        memcpy(e, t + pos->offset, min_t(unsigned int, elen, sizeof(*e)));
        return true;
    }

    printk(XENLOG_WARNING
           "ACPI: MADT entry %u (type %u) at offset %#x: %s: ignoring the rest of the MADT\n",
           pos->index, pos->type, pos->offset, why);
    return false;
}

/* ---- Processors ---- */

static int cpu_find(const struct acpi_madt_info *out, uint32_t apic_id)
{
    unsigned int i;

    for ( i = 0; i < out->nr_cpus; i++ )
        if ( out->cpus[i].apic_id == apic_id )
            return i;
    return -1;
}

static void madt_add_cpu(struct madt_state *st, const struct madt_pos *pos,
                         uint32_t apic_id, uint32_t uid, uint32_t flags,
                         bool x2apic)
{
    struct acpi_madt_info *out = st->out;
    bool enabled = flags & ACPI_MADT_ENABLED;
    bool online_capable = !enabled && st->online_capable_defined &&
                          (flags & ACPI_MADT_ONLINE_CAPABLE);
    struct acpi_cpu_info *cpu;

    if ( !enabled && !online_capable )
        return;
    if ( apic_id == (x2apic ? X2APIC_BROADCAST_ID : XAPIC_BROADCAST_ID) )
    {
        madt_skip(pos, "APIC ID %#x is the broadcast ID", apic_id);
        return;
    }
    if ( cpu_find(out, apic_id) >= 0 )
    {
        madt_skip(pos, "APIC ID %#x already listed", apic_id);
        return;
    }
    if ( out->nr_cpus == ACPI_MAX_CPUS )
    {
        st->dropped_cpus++;
        return;
    }

    cpu = &out->cpus[out->nr_cpus++];
    cpu->apic_id = apic_id;
    cpu->acpi_uid = uid;
    cpu->enabled = enabled;
    cpu->online_capable = online_capable;
    cpu->x2apic = x2apic;
}

static void madt_addr_override(struct madt_state *st,
                               const struct madt_pos *pos, uint64_t addr)
{
    struct acpi_madt_info *out = st->out;

    if ( !addr )
    {
        madt_skip(pos, "local APIC address override to 0");
        return;
    }
    if ( out->lapic_addr_override )
    {
        madt_skip(pos, "second local APIC address override (%#lx)",
                  (unsigned long)addr);
        return;
    }
    out->lapic_addr = addr;
    out->lapic_addr_override = true;
}

/* ---- IO-APICs ---- */

/* Why the IO-APIC e conflicts with one already kept, or NULL. */
static const char *ioapic_conflict(const struct acpi_madt_info *out,
                                   const struct acpi_madt_ioapic *e,
                                   unsigned int *with)
{
    unsigned int i;

    for ( i = 0; i < out->nr_ioapics; i++ )
    {
        const struct acpi_ioapic_info *io = &out->ioapics[i];

        *with = io->id;
        if ( io->id == e->id )
            return "ID already used by IO-APIC";
        if ( io->addr == e->address )
            return "address already used by IO-APIC";
        if ( io->gsi_base == e->gsi_base )
            return "GSI range overlaps that of IO-APIC";
    }
    return NULL;
}

static void madt_add_ioapic(struct madt_state *st, const struct madt_pos *pos,
                            const struct acpi_madt_ioapic *e)
{
    struct acpi_madt_info *out = st->out;
    struct acpi_ioapic_info *io;
    const char *why;
    unsigned int with;

    if ( !e->address )
    {
        madt_skip(pos, "IO-APIC %#x at address 0", e->id);
        return;
    }
    why = ioapic_conflict(out, e, &with);
    if ( why )
    {
        madt_skip(pos, "IO-APIC %#x (address %#x, GSI base %u): %s %#x",
                  e->id, e->address, e->gsi_base, why, with);
        return;
    }
    if ( out->nr_ioapics == ACPI_MAX_IOAPICS )
    {
        st->dropped_ioapics++;
        return;
    }

    io = &out->ioapics[out->nr_ioapics++];
    io->id = e->id;
    io->addr = e->address;
    io->gsi_base = e->gsi_base;
}

/* ---- Interrupt wiring ---- */

static bool inti_flags_ok(uint16_t flags)
{
    return ACPI_INTI_POLARITY(flags) != ACPI_INTI_RESERVED &&
           ACPI_INTI_TRIGGER(flags) != ACPI_INTI_RESERVED;
}

static void madt_add_override(struct madt_state *st,
                              const struct madt_pos *pos,
                              const struct acpi_madt_int_src_ovr *e)
{
    struct acpi_madt_info *out = st->out;
    struct acpi_irq_override *ovr;
    unsigned int i;

    if ( e->bus != 0 )
    {
        madt_skip(pos, "override on bus %u, not ISA", e->bus);
        return;
    }
    if ( e->source >= NR_ISA_IRQS )
    {
        madt_skip(pos, "override of IRQ %u, not an ISA IRQ", e->source);
        return;
    }
    if ( !inti_flags_ok(e->flags) )
    {
        madt_skip(pos, "IRQ %u override flags %#x are reserved",
                  e->source, e->flags);
        return;
    }
    for ( i = 0; i < out->nr_overrides; i++ )
        if ( out->overrides[i].source_irq == e->source )
        {
            madt_skip(pos, "IRQ %u already overridden", e->source);
            return;
        }
    if ( out->nr_overrides == ACPI_MAX_INT_SRC_OVRS )
    {
        st->dropped_overrides++;
        return;
    }

    ovr = &out->overrides[out->nr_overrides++];
    ovr->bus = e->bus;
    ovr->source_irq = e->source;
    ovr->gsi = e->gsi;
    ovr->flags = e->flags;
}

static void madt_add_nmi_source(struct madt_state *st,
                                const struct madt_pos *pos,
                                const struct acpi_madt_nmi_src *e)
{
    struct acpi_madt_info *out = st->out;

    if ( !inti_flags_ok(e->flags) )
    {
        madt_skip(pos, "NMI source GSI %u flags %#x are reserved",
                  e->gsi, e->flags);
        return;
    }
    if ( out->nr_nmi_sources == ACPI_MAX_NMI_SRCS )
    {
        st->dropped_nmi_sources++;
        return;
    }
    out->nmi_sources[out->nr_nmi_sources].gsi = e->gsi;
    out->nmi_sources[out->nr_nmi_sources].flags = e->flags;
    out->nr_nmi_sources++;
}

static void madt_add_lapic_nmi(struct madt_state *st,
                               const struct madt_pos *pos, uint32_t uid,
                               uint16_t flags, uint8_t lint, bool x2apic)
{
    struct acpi_madt_info *out = st->out;
    struct acpi_lapic_nmi *nmi;

    if ( lint >= NR_LINT )
    {
        madt_skip(pos, "local APIC NMI on LINT%u, which does not exist", lint);
        return;
    }
    if ( !inti_flags_ok(flags) )
    {
        madt_skip(pos, "local APIC NMI flags %#x are reserved", flags);
        return;
    }
    if ( out->nr_lapic_nmis == ACPI_MAX_LAPIC_NMIS )
    {
        st->dropped_lapic_nmis++;
        return;
    }

    nmi = &out->lapic_nmis[out->nr_lapic_nmis++];
    nmi->acpi_uid = (!x2apic && uid == LAPIC_NMI_UID_ALL) ? ACPI_UID_ALL : uid;
    nmi->flags = flags;
    nmi->lint = lint;
    nmi->x2apic = x2apic;
}

/* ---- The walk ---- */

static void madt_add(struct madt_state *st, const struct madt_pos *pos,
                     const union madt_entry *e)
{
    switch ( e->h.type )
    {
    case ACPI_MADT_LAPIC:
        madt_add_cpu(st, pos, e->lapic.apic_id, e->lapic.acpi_uid,
                     e->lapic.flags, false);
        break;
    case ACPI_MADT_X2APIC:
        madt_add_cpu(st, pos, e->x2apic.x2apic_id, e->x2apic.acpi_uid,
                     e->x2apic.flags, true);
        break;
    case ACPI_MADT_IOAPIC:
        madt_add_ioapic(st, pos, &e->ioapic);
        break;
    case ACPI_MADT_INT_SRC_OVR:
        madt_add_override(st, pos, &e->iso);
        break;
    case ACPI_MADT_NMI_SRC:
        madt_add_nmi_source(st, pos, &e->nmi_src);
        break;
    case ACPI_MADT_LAPIC_NMI:
        madt_add_lapic_nmi(st, pos, e->lapic_nmi.acpi_uid, e->lapic_nmi.flags,
                           e->lapic_nmi.lint, false);
        break;
    case ACPI_MADT_X2APIC_NMI:
        madt_add_lapic_nmi(st, pos, e->x2apic_nmi.acpi_uid,
                           e->x2apic_nmi.flags, e->x2apic_nmi.lint, true);
        break;
    case ACPI_MADT_LAPIC_ADDR_OVR:
        madt_addr_override(st, pos, e->addr_ovr.address);
        break;
    default:
        break;                  /* not ours to use: skipped by length */
    }
}

static void madt_walk(const struct acpi_table_madt *madt,
                      struct madt_state *st)
{
    const uint8_t *t = (const uint8_t *)madt;
    uint32_t len = madt->header.length;
    struct madt_pos pos = { .offset = sizeof(*madt) };
    union madt_entry e;

    for ( ; pos.offset < len; pos.index++ )
    {
        if ( !madt_fetch(t, len, &pos, &e) )
            return;
        madt_add(st, &pos, &e);
        pos.offset += e.h.length;
    }
}

static void report_dropped(unsigned int dropped, unsigned int max,
                           const char *what)
{
    if ( dropped )
        printk(XENLOG_WARNING "ACPI: MADT lists more than %u %s: %u ignored\n",
               max, what, dropped);
}

static void madt_report(const struct madt_state *st)
{
    const struct acpi_madt_info *out = st->out;
    unsigned int i;

    report_dropped(st->dropped_cpus, ACPI_MAX_CPUS, "CPUs");
    report_dropped(st->dropped_ioapics, ACPI_MAX_IOAPICS, "IO-APICs");
    report_dropped(st->dropped_overrides, ACPI_MAX_INT_SRC_OVRS,
                   "interrupt source overrides");
    report_dropped(st->dropped_nmi_sources, ACPI_MAX_NMI_SRCS, "NMI sources");
    report_dropped(st->dropped_lapic_nmis, ACPI_MAX_LAPIC_NMIS,
                   "local APIC NMIs");

    for ( i = 0; i < out->nr_cpus; i++ )
        if ( out->cpus[i].enabled )
            return;
    printk(XENLOG_WARNING "ACPI: MADT lists no enabled processor\n");
}

int acpi_parse_madt(struct acpi_madt_info *out)
{
    const struct acpi_table_madt *madt =
        (const void *)acpi_get_table(ACPI_SIG_MADT, 0);
    struct madt_state st;

    if ( !madt )
    {
        printk(XENLOG_WARNING "ACPI: no MADT\n");
        return -ENOENT;
    }
    if ( madt->header.length < sizeof(*madt) )
    {
        printk(XENLOG_WARNING
               "ACPI: MADT is %u bytes, too short for its %u-byte header: ignored\n",
               madt->header.length, (unsigned int)sizeof(*madt));
        return -EINVAL;
    }

    memset(out, 0, sizeof(*out));
    memset(&st, 0, sizeof(st));
    st.out = out;
    st.online_capable_defined =
        madt->header.revision >= MADT_ONLINE_CAPABLE_REV;
    out->lapic_addr = madt->lapic_address;
    out->pcat_compat = madt->flags & ACPI_MADT_PCAT_COMPAT;

    madt_walk(madt, &st);
    madt_report(&st);
    return 0;
}

/* ---- Printing ---- */

static const char *const inti_polarity[] = { "dfl", "high", "res", "low" };
static const char *const inti_trigger[] = { "dfl", "edge", "res", "level" };

static void print_cpu(const struct acpi_cpu_info *cpu)
{
    const char *state = cpu->enabled ? "enabled" : "online-capable";

    if ( cpu->x2apic )
        printk(XENLOG_INFO "ACPI: X2APIC (apic_id[0x%02x] uid[0x%02x] %s)\n",
               cpu->apic_id, cpu->acpi_uid, state);
    else
        printk(XENLOG_INFO "ACPI: LAPIC (acpi_id[0x%02x] apic_id[0x%02x] %s)\n",
               cpu->acpi_uid, cpu->apic_id, state);
}

static void print_lapic_nmi(const struct acpi_lapic_nmi *nmi)
{
    const char *pol = inti_polarity[ACPI_INTI_POLARITY(nmi->flags)];
    const char *trig = inti_trigger[ACPI_INTI_TRIGGER(nmi->flags)];

    if ( nmi->x2apic )
        printk(XENLOG_INFO "ACPI: X2APIC_NMI (uid[0x%02x] %s %s lint[0x%x])\n",
               nmi->acpi_uid, pol, trig, nmi->lint);
    else
        printk(XENLOG_INFO "ACPI: LAPIC_NMI (acpi_id[0x%02x] %s %s lint[0x%x])\n",
               nmi->acpi_uid == ACPI_UID_ALL ? LAPIC_NMI_UID_ALL
                                             : nmi->acpi_uid,
               pol, trig, nmi->lint);
}

void acpi_print_madt(const struct acpi_madt_info *info)
{
    unsigned int i;

    printk(XENLOG_INFO "ACPI: Local APIC address %#lx%s\n",
           (unsigned long)info->lapic_addr,
           info->lapic_addr_override ? " (LAPIC_ADDR_OVR)" : "");
    if ( info->pcat_compat )
        printk(XENLOG_INFO "ACPI: PCAT_COMPAT: dual 8259 PICs present\n");

    for ( i = 0; i < info->nr_cpus; i++ )
        print_cpu(&info->cpus[i]);
    for ( i = 0; i < info->nr_lapic_nmis; i++ )
        print_lapic_nmi(&info->lapic_nmis[i]);
    for ( i = 0; i < info->nr_ioapics; i++ )
        printk(XENLOG_INFO "ACPI: IOAPIC (id[0x%02x] address[0x%08x] gsi_base[%u])\n",
               info->ioapics[i].id, info->ioapics[i].addr,
               info->ioapics[i].gsi_base);
    for ( i = 0; i < info->nr_overrides; i++ )
    {
        const struct acpi_irq_override *o = &info->overrides[i];

        printk(XENLOG_INFO "ACPI: INT_SRC_OVR (bus %u bus_irq %u global_irq %u %s %s)\n",
               o->bus, o->source_irq, o->gsi,
               inti_polarity[ACPI_INTI_POLARITY(o->flags)],
               inti_trigger[ACPI_INTI_TRIGGER(o->flags)]);
    }
    for ( i = 0; i < info->nr_nmi_sources; i++ )
    {
        const struct acpi_nmi_source *n = &info->nmi_sources[i];

        printk(XENLOG_INFO "ACPI: NMI_SRC (%s %s global_irq %u)\n",
               inti_polarity[ACPI_INTI_POLARITY(n->flags)],
               inti_trigger[ACPI_INTI_TRIGGER(n->flags)], n->gsi);
    }
}
