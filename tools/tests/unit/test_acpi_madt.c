/*
 * test_acpi_madt.c: drivers/acpi/madt.c on MADTs built in fake memory:
 * QEMU's, x2APIC ones, and malformed ones (entry lengths 0 and 1, entries
 * running past the end, duplicates, overlaps, too many entries).
 */
#include <string.h>

#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/lib.h>

#include "acpi_fake.h"
#include "harness.h"

#define MADT_PA SPARE_PA

static uint8_t body[0x4000];    /* the MADT after its header */
static size_t body_len;
static struct acpi_madt_info info;

static void madt_begin(uint32_t lapic_addr, uint32_t flags)
{
    memset(body, 0, sizeof(body));
    memcpy(body, &lapic_addr, 4);
    memcpy(body + 4, &flags, 4);
    body_len = 8;
}

static void put_bytes(const void *p, size_t n)
{
    if ( body_len + n > sizeof(body) )
        panic("test bug: MADT body full");
    memcpy(body + body_len, p, n);
    body_len += n;
}

static void put_u8(uint8_t v)   { put_bytes(&v, 1); }
static void put_u16(uint16_t v) { put_bytes(&v, 2); }
static void put_u32(uint32_t v) { put_bytes(&v, 4); }
static void put_u64(uint64_t v) { put_bytes(&v, 8); }

static void e_lapic(uint8_t uid, uint8_t id, uint32_t flags)
{
    put_u8(ACPI_MADT_LAPIC); put_u8(8);
    put_u8(uid); put_u8(id); put_u32(flags);
}

static void e_ioapic(uint8_t id, uint32_t addr, uint32_t gsi_base)
{
    put_u8(ACPI_MADT_IOAPIC); put_u8(12);
    put_u8(id); put_u8(0); put_u32(addr); put_u32(gsi_base);
}

static void e_iso(uint8_t bus, uint8_t src, uint32_t gsi, uint16_t flags)
{
    put_u8(ACPI_MADT_INT_SRC_OVR); put_u8(10);
    put_u8(bus); put_u8(src); put_u32(gsi); put_u16(flags);
}

static void e_nmi_src(uint16_t flags, uint32_t gsi)
{
    put_u8(ACPI_MADT_NMI_SRC); put_u8(8);
    put_u16(flags); put_u32(gsi);
}

static void e_lapic_nmi(uint8_t uid, uint16_t flags, uint8_t lint)
{
    put_u8(ACPI_MADT_LAPIC_NMI); put_u8(6);
    put_u8(uid); put_u16(flags); put_u8(lint);
}

static void e_addr_ovr(uint64_t addr)
{
    put_u8(ACPI_MADT_LAPIC_ADDR_OVR); put_u8(12);
    put_u16(0); put_u64(addr);
}

static void e_x2apic(uint32_t id, uint32_t flags, uint32_t uid)
{
    put_u8(ACPI_MADT_X2APIC); put_u8(16);
    put_u16(0); put_u32(id); put_u32(flags); put_u32(uid);
}

static void e_x2apic_nmi(uint16_t flags, uint32_t uid, uint8_t lint)
{
    put_u8(ACPI_MADT_X2APIC_NMI); put_u8(12);
    put_u16(flags); put_u32(uid); put_u8(lint);
    put_u8(0); put_u8(0); put_u8(0);
}

/* The entry that starts at body offset off, as offset in the table. */
#define TBL_OFF(off) ((off) + 36)

/* QEMU with -smp 4: 4 CPUs, one IO-APIC, five overrides, one LINT1 NMI. */
static void madt_qemu(unsigned int nr_cpus)
{
    unsigned int i;

    madt_begin(0xfee00000, ACPI_MADT_PCAT_COMPAT);
    for ( i = 0; i < nr_cpus; i++ )
        e_lapic(i, i, ACPI_MADT_ENABLED);
    e_ioapic(0, 0xfec00000, 0);
    e_iso(0, 0, 2, 0);
    e_iso(0, 5, 5, 0xd);
    e_iso(0, 9, 9, 0xd);
    e_iso(0, 10, 10, 0xd);
    e_iso(0, 11, 11, 0xd);
    e_lapic_nmi(0xff, 0, 1);
}

/* Install the MADT (revision rev), boot the tables, parse. */
static int parse(uint8_t rev)
{
    static const uint32_t e[] = { MADT_PA };

    fake_clear();
    put_table_body(MADT_PA, "APIC", rev, body, body_len);
    CHECK_EQ(fake_boot(e, ARRAY_SIZE(e)), 0);
    harness_log_clear();
    memset(&info, 0xa5, sizeof(info));
    return acpi_parse_madt(&info);
}

/* ---- Good tables ---- */

TEST(madt_qemu_4_cpus)
{
    unsigned int i;

    madt_qemu(4);
    CHECK_EQ(parse(1), 0);
    CHECK(log_clean());

    CHECK_EQ(info.lapic_addr, 0xfee00000);
    CHECK(!info.lapic_addr_override);
    CHECK(info.pcat_compat);
    CHECK_EQ(info.nr_cpus, 4);
    for ( i = 0; i < 4; i++ )
    {
        CHECK_EQ(info.cpus[i].apic_id, i);
        CHECK_EQ(info.cpus[i].acpi_uid, i);
        CHECK(info.cpus[i].enabled);
        CHECK(!info.cpus[i].online_capable);
        CHECK(!info.cpus[i].x2apic);
    }
    CHECK_EQ(info.nr_ioapics, 1);
    CHECK_EQ(info.ioapics[0].id, 0);
    CHECK_EQ(info.ioapics[0].addr, 0xfec00000);
    CHECK_EQ(info.ioapics[0].gsi_base, 0);
    CHECK_EQ(info.nr_overrides, 5);
    CHECK_EQ(info.overrides[0].source_irq, 0);
    CHECK_EQ(info.overrides[0].gsi, 2);
    CHECK_EQ(info.overrides[0].flags, 0);
    CHECK_EQ(info.overrides[4].source_irq, 11);
    CHECK_EQ(ACPI_INTI_POLARITY(info.overrides[4].flags), ACPI_INTI_ACTIVE_HIGH);
    CHECK_EQ(ACPI_INTI_TRIGGER(info.overrides[4].flags), ACPI_INTI_LEVEL);
    CHECK_EQ(info.nr_nmi_sources, 0);
    CHECK_EQ(info.nr_lapic_nmis, 1);
    CHECK_EQ(info.lapic_nmis[0].acpi_uid, ACPI_UID_ALL);
    CHECK_EQ(info.lapic_nmis[0].lint, 1);
    CHECK(!info.lapic_nmis[0].x2apic);
}

TEST(madt_print_qemu)
{
    madt_qemu(2);
    CHECK_EQ(parse(1), 0);
    harness_log_clear();
    acpi_print_madt(&info);

    CHECK_LOG(XENLOG_INFO "ACPI: Local APIC address 0xfee00000\n");
    CHECK_LOG(XENLOG_INFO "ACPI: PCAT_COMPAT: dual 8259 PICs present\n");
    CHECK_LOG(XENLOG_INFO "ACPI: LAPIC (acpi_id[0x00] apic_id[0x00] enabled)\n");
    CHECK_LOG(XENLOG_INFO "ACPI: LAPIC (acpi_id[0x01] apic_id[0x01] enabled)\n");
    CHECK_LOG(XENLOG_INFO "ACPI: LAPIC_NMI (acpi_id[0xff] dfl dfl lint[0x1])\n");
    CHECK_LOG(XENLOG_INFO "ACPI: IOAPIC (id[0x00] address[0xfec00000] gsi_base[0])\n");
    CHECK_LOG(XENLOG_INFO "ACPI: INT_SRC_OVR (bus 0 bus_irq 0 global_irq 2 dfl dfl)\n");
    CHECK_LOG(XENLOG_INFO "ACPI: INT_SRC_OVR (bus 0 bus_irq 9 global_irq 9 high level)\n");
    CHECK(!harness_log_contains("apic_id[0x02]"));
}

TEST(madt_disabled_cpus_not_counted)
{
    /* QEMU -smp 2,maxcpus=4: the two absent CPUs have flags 0. */
    madt_begin(0xfee00000, ACPI_MADT_PCAT_COMPAT);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    e_lapic(1, 1, ACPI_MADT_ENABLED);
    e_lapic(2, 2, 0);
    e_lapic(3, 3, 0);
    e_lapic(0xff, 0xff, 0);             /* an unused slot */
    e_ioapic(0, 0xfec00000, 0);

    CHECK_EQ(parse(1), 0);
    CHECK(log_clean());
    CHECK_EQ(info.nr_cpus, 2);
    CHECK_EQ(info.cpus[1].apic_id, 1);
    CHECK_EQ(info.nr_ioapics, 1);
}

TEST(madt_online_capable_from_revision_5)
{
    madt_begin(0xfee00000, 0);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    e_lapic(1, 2, ACPI_MADT_ONLINE_CAPABLE);
    e_lapic(2, 4, 0);

    CHECK_EQ(parse(5), 0);
    CHECK(log_clean());
    CHECK_EQ(info.nr_cpus, 2);
    CHECK_EQ(info.cpus[1].apic_id, 2);
    CHECK(!info.cpus[1].enabled);
    CHECK(info.cpus[1].online_capable);

    harness_log_clear();
    acpi_print_madt(&info);
    CHECK_LOG("ACPI: LAPIC (acpi_id[0x01] apic_id[0x02] online-capable)\n");
    CHECK(!harness_log_contains("PCAT_COMPAT"));
}

TEST(madt_online_capable_ignored_before_revision_5)
{
    madt_begin(0xfee00000, 0);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    e_lapic(1, 2, ACPI_MADT_ONLINE_CAPABLE);   /* a reserved bit in r4 */

    CHECK_EQ(parse(4), 0);
    CHECK_EQ(info.nr_cpus, 1);
}

TEST(madt_online_capable_bit_on_enabled_cpu_ignored)
{
    madt_begin(0xfee00000, 0);
    e_lapic(0, 0, ACPI_MADT_ENABLED | ACPI_MADT_ONLINE_CAPABLE);

    CHECK_EQ(parse(5), 0);
    CHECK_EQ(info.nr_cpus, 1);
    CHECK(info.cpus[0].enabled);
    CHECK(!info.cpus[0].online_capable);
}

TEST(madt_x2apic_entries)
{
    /* QEMU with more than 255 CPUs: x2APIC entries for IDs from 255. */
    madt_begin(0xfee00000, ACPI_MADT_PCAT_COMPAT);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    e_x2apic(0x100, ACPI_MADT_ENABLED, 0x100);
    e_x2apic(0x1000000, ACPI_MADT_ENABLED, 7);
    e_x2apic(0x101, 0, 0x101);                  /* absent */
    e_x2apic_nmi(0, ACPI_UID_ALL, 1);
    e_x2apic_nmi(0xf, 0x100, 0);                /* low, level */

    CHECK_EQ(parse(3), 0);
    CHECK(log_clean());
    CHECK_EQ(info.nr_cpus, 3);
    CHECK_EQ(info.cpus[1].apic_id, 0x100);
    CHECK_EQ(info.cpus[1].acpi_uid, 0x100);
    CHECK(info.cpus[1].x2apic);
    CHECK(info.cpus[1].enabled);
    CHECK_EQ(info.cpus[2].apic_id, 0x1000000);
    CHECK_EQ(info.nr_lapic_nmis, 2);
    CHECK_EQ(info.lapic_nmis[0].acpi_uid, ACPI_UID_ALL);
    CHECK(info.lapic_nmis[0].x2apic);
    CHECK_EQ(info.lapic_nmis[1].acpi_uid, 0x100);
    CHECK_EQ(info.lapic_nmis[1].lint, 0);

    harness_log_clear();
    acpi_print_madt(&info);
    CHECK_LOG(XENLOG_INFO "ACPI: X2APIC (apic_id[0x100] uid[0x100] enabled)\n");
    CHECK_LOG(XENLOG_INFO "ACPI: X2APIC (apic_id[0x1000000] uid[0x07] enabled)\n");
    CHECK_LOG(XENLOG_INFO "ACPI: X2APIC_NMI (uid[0xffffffff] dfl dfl lint[0x1])\n");
    CHECK_LOG(XENLOG_INFO "ACPI: X2APIC_NMI (uid[0x100] low level lint[0x0])\n");
}

TEST(madt_lapic_nmi_for_one_cpu)
{
    madt_begin(0xfee00000, 0);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    e_lapic_nmi(0, 0x5, 1);                     /* high, edge */

    CHECK_EQ(parse(1), 0);
    CHECK_EQ(info.lapic_nmis[0].acpi_uid, 0);
    CHECK_EQ(info.lapic_nmis[0].flags, 5);
    acpi_print_madt(&info);
    CHECK_LOG("ACPI: LAPIC_NMI (acpi_id[0x00] high edge lint[0x1])\n");
}

TEST(madt_nmi_source)
{
    madt_qemu(1);
    e_nmi_src(0xf, 23);

    CHECK_EQ(parse(1), 0);
    CHECK(log_clean());
    CHECK_EQ(info.nr_nmi_sources, 1);
    CHECK_EQ(info.nmi_sources[0].gsi, 23);
    CHECK_EQ(info.nmi_sources[0].flags, 0xf);
    acpi_print_madt(&info);
    CHECK_LOG(XENLOG_INFO "ACPI: NMI_SRC (low level global_irq 23)\n");
}

TEST(madt_lapic_address_override)
{
    madt_qemu(1);
    e_addr_ovr(0x1fee00000ul);

    CHECK_EQ(parse(1), 0);
    CHECK(log_clean());
    CHECK_EQ(info.lapic_addr, 0x1fee00000ul);
    CHECK(info.lapic_addr_override);
    acpi_print_madt(&info);
    CHECK_LOG(XENLOG_INFO "ACPI: Local APIC address 0x1fee00000 (LAPIC_ADDR_OVR)\n");
}

TEST(madt_lapic_address_override_zero_or_second_skipped)
{
    madt_qemu(1);
    e_addr_ovr(0);
    e_addr_ovr(0xfee10000);
    e_addr_ovr(0xfee20000);

    CHECK_EQ(parse(1), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: MADT entry 8 (type 5) at offset 0x78: local APIC address override to 0: skipped\n");
    CHECK_LOG(XENLOG_WARNING "ACPI: MADT entry 10 (type 5) at offset 0x90: second local APIC address override (0xfee20000): skipped\n");
    CHECK_EQ(info.lapic_addr, 0xfee10000);
}

TEST(madt_longer_entries_accepted)
{
    static const uint8_t long_lapic[] = {
        ACPI_MADT_LAPIC, 12, 3, 5, 1, 0, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd,
    };

    madt_begin(0xfee00000, 0);
    put_bytes(long_lapic, sizeof(long_lapic));
    e_lapic(4, 6, ACPI_MADT_ENABLED);

    CHECK_EQ(parse(1), 0);
    CHECK(log_clean());
    CHECK_EQ(info.nr_cpus, 2);
    CHECK_EQ(info.cpus[0].acpi_uid, 3);
    CHECK_EQ(info.cpus[0].apic_id, 5);
    CHECK_EQ(info.cpus[1].apic_id, 6);
}

TEST(madt_unknown_types_skipped_by_length)
{
    static const uint8_t gicc[] = { 0x0b, 4, 0xde, 0xad };
    static const uint8_t future[] = { 0x7f, 2 };

    madt_begin(0xfee00000, 0);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    put_bytes(gicc, sizeof(gicc));
    put_bytes(future, sizeof(future));
    e_lapic(1, 1, ACPI_MADT_ENABLED);

    CHECK_EQ(parse(1), 0);
    CHECK(log_clean());
    CHECK_EQ(info.nr_cpus, 2);
}

TEST(madt_no_entries)
{
    madt_begin(0xfee00000, 0);

    CHECK_EQ(parse(1), 0);
    CHECK_EQ(info.nr_cpus, 0);
    CHECK_EQ(info.nr_ioapics, 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: MADT lists no enabled processor\n");
}

/* ---- A malformed entry list: stop there, keep what came before ---- */

TEST(madt_entry_length_zero_stops)
{
    madt_begin(0xfee00000, 0);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    put_u8(ACPI_MADT_LAPIC); put_u8(0);
    put_u8(1); put_u8(1); put_u32(1);
    e_ioapic(0, 0xfec00000, 0);

    CHECK_EQ(parse(1), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: MADT entry 1 (type 0) at offset 0x34: length 0 is too short: ignoring the rest of the MADT\n");
    CHECK_EQ(info.nr_cpus, 1);
    CHECK_EQ(info.nr_ioapics, 0);
}

TEST(madt_entry_length_one_stops)
{
    madt_begin(0xfee00000, 0);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    put_u8(0x42); put_u8(1);
    e_lapic(1, 1, ACPI_MADT_ENABLED);

    CHECK_EQ(parse(1), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: MADT entry 1 (type 66) at offset 0x34: length 1 is too short: ignoring the rest of the MADT\n");
    CHECK_EQ(info.nr_cpus, 1);
}

TEST(madt_entry_past_end_stops)
{
    madt_begin(0xfee00000, 0);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    e_lapic(1, 1, ACPI_MADT_ENABLED);
    body[body_len - 7] = 20;            /* the second one's length */

    CHECK_EQ(parse(1), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: MADT entry 1 (type 0) at offset 0x34: length 20 runs past the end of the table (8 bytes left): ignoring the rest of the MADT\n");
    CHECK_EQ(info.nr_cpus, 1);
}

TEST(madt_unknown_entry_past_end_stops)
{
    madt_begin(0xfee00000, 0);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    put_u8(0x80); put_u8(0xff);

    CHECK_EQ(parse(1), 0);
    CHECK_LOG("entry 1 (type 128) at offset 0x34: length 255 runs past the end of the table (2 bytes left)");
    CHECK_EQ(info.nr_cpus, 1);
}

TEST(madt_entry_too_short_for_type_stops)
{
    madt_begin(0xfee00000, 0);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    put_u8(ACPI_MADT_IOAPIC); put_u8(8);
    put_u8(0); put_u8(0); put_u32(0xfec00000);
    e_lapic(1, 1, ACPI_MADT_ENABLED);

    CHECK_EQ(parse(1), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: MADT entry 1 (type 1) at offset 0x34: length 8 is too short for its type (needs 12): ignoring the rest of the MADT\n");
    CHECK_EQ(info.nr_cpus, 1);
    CHECK_EQ(info.nr_ioapics, 0);
}

TEST(madt_x2apic_entry_of_xapic_size_stops)
{
    madt_begin(0xfee00000, 0);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    put_u8(ACPI_MADT_X2APIC); put_u8(8);
    put_u16(0); put_u32(0x100);

    CHECK_EQ(parse(1), 0);
    CHECK_LOG("length 8 is too short for its type (needs 16)");
    CHECK_EQ(info.nr_cpus, 1);
}

TEST(madt_trailing_byte_stops)
{
    madt_begin(0xfee00000, 0);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    put_u8(ACPI_MADT_LAPIC);

    CHECK_EQ(parse(1), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: MADT entry 1 (type 0) at offset 0x34: 1 byte left, too few for an entry header: ignoring the rest of the MADT\n");
    CHECK_EQ(info.nr_cpus, 1);
}

TEST(madt_table_too_short)
{
    madt_begin(0xfee00000, 0);
    body_len = 4;                       /* no flags field */

    CHECK_EQ(parse(1), -EINVAL);
    CHECK_LOG(XENLOG_WARNING "ACPI: MADT is 40 bytes, too short for its 44-byte header: ignored\n");
    CHECK_EQ(info.nr_cpus, 0xa5a5a5a5);   /* not written */
}

TEST(madt_missing)
{
    static const uint32_t e[] = { SPARE_PA + 0x1000 };

    fake_clear();
    put_table(e[0], "SSDT", 40, 1);
    CHECK_EQ(fake_boot(e, 1), 0);
    CHECK_EQ(acpi_parse_madt(&info), -ENOENT);
    CHECK_LOG(XENLOG_WARNING "ACPI: no MADT\n");
}

TEST(madt_bad_checksum_ignored)
{
    static const uint32_t e[] = { MADT_PA };

    madt_qemu(2);
    fake_clear();
    put_table_body(MADT_PA, "APIC", 1, body, body_len);
    hdr_at(MADT_PA)->checksum ^= 0x10;

    CHECK_EQ(fake_boot(e, 1), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: RSDT entry 0 (APIC at 0x07fe2000): bad checksum: skipped\n");
    CHECK_EQ(acpi_parse_madt(&info), -ENOENT);
    CHECK_LOG(XENLOG_WARNING "ACPI: no MADT\n");
}

TEST(madt_truncated_length_only_reads_its_length)
{
    /* Entries after the table's stated end must not be read. */
    madt_qemu(4);
    CHECK_EQ(parse(1), 0);
    set_length(MADT_PA, 36 + 8 + 2 * 8);        /* two LAPICs */
    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), 0);
    CHECK_EQ(acpi_parse_madt(&info), 0);
    CHECK_EQ(info.nr_cpus, 2);
    CHECK_EQ(info.nr_ioapics, 0);
}

/* ---- Bad entries: reported and skipped ---- */

TEST(madt_duplicate_apic_id_skipped)
{
    madt_begin(0xfee00000, 0);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    e_lapic(1, 1, ACPI_MADT_ENABLED);
    e_lapic(2, 1, ACPI_MADT_ENABLED);
    e_lapic(3, 3, ACPI_MADT_ENABLED);

    CHECK_EQ(parse(1), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: MADT entry 2 (type 0) at offset 0x3c: APIC ID 0x1 already listed: skipped\n");
    CHECK_EQ(info.nr_cpus, 3);
    CHECK_EQ(info.cpus[1].acpi_uid, 1);
    CHECK_EQ(info.cpus[2].apic_id, 3);
}

TEST(madt_x2apic_duplicating_xapic_skipped)
{
    madt_begin(0xfee00000, 0);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    e_lapic(1, 1, ACPI_MADT_ENABLED);
    e_x2apic(1, ACPI_MADT_ENABLED, 1);

    CHECK_EQ(parse(3), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: MADT entry 2 (type 9) at offset 0x3c: APIC ID 0x1 already listed: skipped\n");
    CHECK_EQ(info.nr_cpus, 2);
    CHECK(!info.cpus[1].x2apic);
}

TEST(madt_broadcast_apic_ids_skipped)
{
    madt_begin(0xfee00000, 0);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    e_lapic(1, 0xff, ACPI_MADT_ENABLED);
    e_x2apic(0xffffffff, ACPI_MADT_ENABLED, 2);

    CHECK_EQ(parse(3), 0);
    CHECK_LOG("entry 1 (type 0) at offset 0x34: APIC ID 0xff is the broadcast ID: skipped\n");
    CHECK_LOG("entry 2 (type 9) at offset 0x3c: APIC ID 0xffffffff is the broadcast ID: skipped\n");
    CHECK_EQ(info.nr_cpus, 1);
}

TEST(madt_too_many_cpus)
{
    unsigned int i;

    madt_begin(0xfee00000, 0);
    for ( i = 0; i < 250; i++ )
        e_lapic(i, i, ACPI_MADT_ENABLED);
    for ( i = 0; i < 20; i++ )
        e_x2apic(0x100 + i, ACPI_MADT_ENABLED, 0x100 + i);
    e_ioapic(0, 0xfec00000, 0);

    CHECK_EQ(parse(3), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: MADT lists more than 256 CPUs: 14 ignored\n");
    CHECK_EQ(info.nr_cpus, ACPI_MAX_CPUS);
    CHECK_EQ(info.cpus[255].apic_id, 0x105);
    CHECK_EQ(info.nr_ioapics, 1);       /* entries after the extras count */
}

TEST(madt_ioapics)
{
    madt_begin(0xfee00000, 0);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    e_ioapic(8, 0xfec00000, 0);
    e_ioapic(9, 0xfec01000, 24);

    CHECK_EQ(parse(1), 0);
    CHECK(log_clean());
    CHECK_EQ(info.nr_ioapics, 2);
    CHECK_EQ(info.ioapics[1].id, 9);
    CHECK_EQ(info.ioapics[1].addr, 0xfec01000);
    CHECK_EQ(info.ioapics[1].gsi_base, 24);
    acpi_print_madt(&info);
    CHECK_LOG("ACPI: IOAPIC (id[0x09] address[0xfec01000] gsi_base[24])\n");
}

TEST(madt_ioapic_address_zero_skipped)
{
    madt_begin(0xfee00000, 0);
    e_ioapic(0, 0, 0);
    e_ioapic(1, 0xfec00000, 0);

    CHECK_EQ(parse(1), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: MADT entry 0 (type 1) at offset 0x2c: IO-APIC 0 at address 0: skipped\n");
    CHECK_EQ(info.nr_ioapics, 1);
    CHECK_EQ(info.ioapics[0].id, 1);
}

TEST(madt_ioapic_overlapping_gsis_skipped)
{
    madt_begin(0xfee00000, 0);
    e_ioapic(0, 0xfec00000, 0);
    e_ioapic(1, 0xfec01000, 0);
    e_ioapic(2, 0xfec02000, 24);

    CHECK_EQ(parse(1), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: MADT entry 1 (type 1) at offset 0x38: IO-APIC 0x1 (address 0xfec01000, GSI base 0): GSI range overlaps that of IO-APIC 0: skipped\n");
    CHECK_EQ(info.nr_ioapics, 2);
    CHECK_EQ(info.ioapics[1].id, 2);
}

TEST(madt_ioapic_duplicate_id_or_address_skipped)
{
    madt_begin(0xfee00000, 0);
    e_ioapic(0, 0xfec00000, 0);
    e_ioapic(0, 0xfec01000, 24);
    e_ioapic(1, 0xfec00000, 48);

    CHECK_EQ(parse(1), 0);
    CHECK_LOG("IO-APIC 0 (address 0xfec01000, GSI base 24): ID already used by IO-APIC 0: skipped\n");
    CHECK_LOG("IO-APIC 0x1 (address 0xfec00000, GSI base 48): address already used by IO-APIC 0: skipped\n");
    CHECK_EQ(info.nr_ioapics, 1);
}

TEST(madt_too_many_ioapics)
{
    unsigned int i;

    madt_begin(0xfee00000, 0);
    for ( i = 0; i < 20; i++ )
        e_ioapic(i, 0xfec00000 + i * 0x1000, i * 24);

    CHECK_EQ(parse(1), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: MADT lists more than 16 IO-APICs: 4 ignored\n");
    CHECK_EQ(info.nr_ioapics, ACPI_MAX_IOAPICS);
    CHECK_EQ(info.ioapics[15].gsi_base, 15 * 24);
}

TEST(madt_bad_overrides_skipped)
{
    madt_begin(0xfee00000, 0);
    e_iso(1, 9, 9, 0xd);                /* not ISA */
    e_iso(0, 16, 16, 0);                /* not an ISA IRQ */
    e_iso(0, 9, 9, 0x2);                /* reserved polarity */
    e_iso(0, 9, 9, 0x9);                /* reserved trigger */
    e_iso(0, 9, 9, 0xd);
    e_iso(0, 9, 20, 0xd);               /* second override of IRQ 9 */

    CHECK_EQ(parse(1), 0);
    CHECK_LOG("entry 0 (type 2) at offset 0x2c: override on bus 1, not ISA: skipped\n");
    CHECK_LOG("entry 1 (type 2) at offset 0x36: override of IRQ 16, not an ISA IRQ: skipped\n");
    CHECK_LOG("entry 2 (type 2) at offset 0x40: IRQ 9 override flags 0x2 are reserved: skipped\n");
    CHECK_LOG("entry 3 (type 2) at offset 0x4a: IRQ 9 override flags 0x9 are reserved: skipped\n");
    CHECK_LOG("entry 5 (type 2) at offset 0x5e: IRQ 9 already overridden: skipped\n");
    CHECK_EQ(info.nr_overrides, 1);
    CHECK_EQ(info.overrides[0].gsi, 9);
}

TEST(madt_bad_lapic_nmis_skipped)
{
    madt_begin(0xfee00000, 0);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    e_lapic_nmi(0xff, 0, 2);
    e_x2apic_nmi(0, ACPI_UID_ALL, 7);
    e_lapic_nmi(0xff, 0x8, 1);
    e_nmi_src(0x2, 5);

    CHECK_EQ(parse(3), 0);
    CHECK_LOG("entry 1 (type 4) at offset 0x34: local APIC NMI on LINT2, which does not exist: skipped\n");
    CHECK_LOG("entry 2 (type 10) at offset 0x3a: local APIC NMI on LINT7, which does not exist: skipped\n");
    CHECK_LOG("entry 3 (type 4) at offset 0x46: local APIC NMI flags 0x8 are reserved: skipped\n");
    CHECK_LOG("entry 4 (type 3) at offset 0x4c: NMI source GSI 5 flags 0x2 are reserved: skipped\n");
    CHECK_EQ(info.nr_lapic_nmis, 0);
    CHECK_EQ(info.nr_nmi_sources, 0);
}

TEST(madt_too_many_overrides_and_nmis)
{
    unsigned int i;

    madt_begin(0xfee00000, 0);
    e_lapic(0, 0, ACPI_MADT_ENABLED);
    for ( i = 0; i < 16; i++ )
        e_iso(0, i, i, 0);
    for ( i = 0; i < 18; i++ )
        e_nmi_src(0, 100 + i);
    for ( i = 0; i < ACPI_MAX_LAPIC_NMIS + 3; i++ )
        e_lapic_nmi(i, 0, 1);

    CHECK_EQ(parse(1), 0);
    CHECK(!harness_log_contains("interrupt source overrides"));
    CHECK_EQ(info.nr_overrides, 16);
    CHECK_LOG(XENLOG_WARNING "ACPI: MADT lists more than 16 NMI sources: 2 ignored\n");
    CHECK_EQ(info.nr_nmi_sources, ACPI_MAX_NMI_SRCS);
    CHECK_LOG(XENLOG_WARNING "ACPI: MADT lists more than 256 local APIC NMIs: 3 ignored\n");
    CHECK_EQ(info.nr_lapic_nmis, ACPI_MAX_LAPIC_NMIS);
}

/* ---- Random damage: never a read outside the table ---- */

/*
 * Damage a few bytes (and sometimes the length) of a rich MADT placed so
 * that it ends where fake memory ends: a read past the table is a read
 * past the buffer, which an AddressSanitizer build reports.
 */
TEST(madt_fuzz_stays_inside_the_table)
{
    uint32_t seed = 0x4d414454, pa;
    unsigned int iter, i, n;
    size_t full;

    fake_clear();
    for ( iter = 0; iter < 4000; iter++ )
    {
        madt_qemu(3);
        e_x2apic(0x100, ACPI_MADT_ENABLED, 0x100);
        e_x2apic_nmi(0, ACPI_UID_ALL, 1);
        e_nmi_src(0, 9);
        e_addr_ovr(0xfee00000);
        full = body_len;

        n = 1 + fake_rand(&seed) % 4;
        for ( i = 0; i < n; i++ )
            body[8 + fake_rand(&seed) % (full - 8)] = fake_rand(&seed);
        if ( fake_rand(&seed) % 4 == 0 )
            body_len = fake_rand(&seed) % (full + 1);

        pa = WINDOW_END - (36 + body_len);
        put_table_body(pa, "APIC", 1 + fake_rand(&seed) % 5, body, body_len);
        CHECK_EQ(fake_boot_fast(&pa, 1), 0);
        harness_log_clear();

        if ( body_len < 8 )
            CHECK_EQ(acpi_parse_madt(&info), -EINVAL);
        else
            CHECK_EQ(acpi_parse_madt(&info), 0);
        CHECK(info.nr_cpus <= ACPI_MAX_CPUS);
        CHECK(info.nr_ioapics <= ACPI_MAX_IOAPICS);
        CHECK(info.nr_overrides <= ACPI_MAX_INT_SRC_OVRS);
    }
}
