/*
 * test_acpi.c: drivers/acpi/tables.c against a fake physical memory
 * (acpi_fake.h): QEMU's tables, then one broken thing at a time, checking
 * both the return value and the message.
 */
#include <string.h>

#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/lib.h>

#include "acpi_fake.h"
#include "harness.h"

/* ---- A QEMU-like set of tables ---- */

static const uint32_t qemu_entries[] = { FACP_PA, APIC_PA, HPET_PA, WAET_PA };

/* An ACPI 2.0+ FADT as QEMU's q35 writes it: reset via port 0xcf9. */
static struct acpi_table_fadt *put_fadt(paddr_t pa, uint32_t len, uint8_t rev)
{
    struct acpi_table_fadt *f = (void *)put_table(pa, "FACP", len, rev);

    f->firmware_ctrl = FACS_PA;
    f->dsdt = DSDT_PA;
    f->pm_tmr_blk = 0x608;
    f->pm_tmr_len = 4;
    if ( len >= 129 )
    {
        f->flags = ACPI_FADT_RESET_REG_SUP | 0x1a5;
        f->reset_reg.space_id = ACPI_ADR_SPACE_SYSTEM_IO;
        f->reset_reg.bit_width = 8;
        f->reset_reg.address = 0xcf9;
        f->reset_value = 6;
    }
    else
        f->flags = 0x1a5;
    fix_checksum(pa);
    return f;
}

static void build_qemu(void)
{
    fake_clear();
    memcpy(mem(FACS_PA), "FACS", 4);            /* no header: never read */
    put_table(DSDT_PA, "DSDT", 0x1ac3, 1);
    put_fadt(FACP_PA, 0xf4, 3);
    put_table(APIC_PA, "APIC", 0x78, 1);
    put_table(HPET_PA, "HPET", 0x38, 1);
    put_table(WAET_PA, "WAET", 0x28, 1);
    put_rsdt(RSDT_PA, qemu_entries, ARRAY_SIZE(qemu_entries));
    put_rsdp(RSDP_PA, 0, RSDT_PA, 0);
}

/* The same, but from an ACPI 2.0 RSDP whose XSDT also lists a table >4 GiB. */
static void build_qemu_xsdt(void)
{
    static const uint64_t xe[] = { FACP_PA, APIC_PA, TOP_PA, WAET_PA };
    static const uint32_t re[] = { FACP_PA, APIC_PA };

    build_qemu();
    put_table(TOP_PA, "HPET", 0x38, 1);
    put_xsdt(XSDT_PA, xe, ARRAY_SIZE(xe));
    put_rsdt(RSDT_PA, re, ARRAY_SIZE(re));
    put_rsdp(RSDP_PA, 2, RSDT_PA, XSDT_PA);
}

static void check_qemu_tables(void)
{
    CHECK(acpi_get_table("FACP", 0) == mem(FACP_PA));
    CHECK(acpi_get_table("DSDT", 0) == mem(DSDT_PA));
    CHECK(acpi_get_table("APIC", 0) == mem(APIC_PA));
    CHECK(acpi_get_table("HPET", 0) == mem(HPET_PA));
    CHECK(acpi_get_table("WAET", 0) == mem(WAET_PA));
    CHECK(acpi_get_table("RSDT", 0) == mem(RSDT_PA));
    CHECK(acpi_get_table("APIC", 1) == NULL);
    CHECK(acpi_get_table("SSDT", 0) == NULL);
    CHECK(acpi_get_table("FACS", 0) == NULL);
}

/* ---- Finding the RSDP ---- */

TEST(qemu_tables_found_by_scan)
{
    const char *log, *facp, *dsdt, *apic;

    build_qemu();
    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), 0);
    check_qemu_tables();
    CHECK(log_clean());

    harness_log_clear();
    acpi_dump_tables();
    CHECK_LOG("ACPI: RSDP 000F5A90, 0014 (r0 BOCHS )\n");
    CHECK_LOG("ACPI: RSDT 07FE1CCF, 0034 (r1 BOCHS  BXPC            1 BXPC        1)\n");
    CHECK_LOG("ACPI: FACP 07FE1B03, 00F4 (r3 BOCHS  BXPC            1 BXPC        1)\n");
    CHECK_LOG("ACPI: DSDT 07FE0040, 1AC3 (r1 BOCHS  BXPC            1 BXPC        1)\n");
    CHECK_LOG("ACPI: APIC 07FE1BF7, 0078 (r1 ");
    CHECK_LOG("ACPI: HPET 07FE1C6F, 0038 (r1 ");
    CHECK_LOG("ACPI: WAET 07FE1CA7, 0028 (r1 ");
    CHECK(!harness_log_contains("FACS"));

    /* The DSDT is listed right after the FADT that names it. */
    log = harness_log();
    facp = strstr(log, "FACP");
    dsdt = strstr(log, "DSDT");
    apic = strstr(log, "APIC");
    CHECK(facp && dsdt && apic && facp < dsdt && dsdt < apic);
}

TEST(qemu_tables_found_by_pointer)
{
    build_qemu();
    CHECK_EQ(acpi_tables_init(mem(RSDP_PA), ACPI_RSDP_V1_SIZE, fake_map), 0);
    check_qemu_tables();
    CHECK(log_clean());

    acpi_dump_tables();
    CHECK_LOG("ACPI: RSDP (loader copy), 0014 (r0 BOCHS )\n");
}

TEST(rsdp_pointer_copy_outlives_caller)
{
    struct acpi_rsdp copy;

    build_qemu();
    memcpy(&copy, mem(RSDP_PA), sizeof(copy));
    CHECK_EQ(acpi_tables_init(&copy, ACPI_RSDP_V1_SIZE, fake_map), 0);
    memset(&copy, 0xff, sizeof(copy));
    acpi_dump_tables();
    CHECK_LOG("(r0 BOCHS )\n");
}

TEST(rsdp_found_in_ebda)
{
    uint8_t *bda;

    build_qemu();
    memset(mem(RSDP_PA), 0, sizeof(struct acpi_rsdp));
    bda = mem(0x40e);
    bda[0] = 0xc0;              /* segment 0x9fc0: EBDA at 0x9fc00 */
    bda[1] = 0x9f;
    put_rsdp(0x9fc00 + 0x3f0, 0, RSDT_PA, 0);

    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), 0);
    check_qemu_tables();
    CHECK(log_clean());
    acpi_dump_tables();
    CHECK_LOG("ACPI: RSDP 0009FFF0, 0014 (r0 BOCHS )\n");
}

TEST(rsdp_only_first_kib_of_ebda_scanned)
{
    uint8_t *bda;

    build_qemu();
    memset(mem(RSDP_PA), 0, sizeof(struct acpi_rsdp));
    bda = mem(0x40e);
    bda[0] = 0x00;              /* EBDA at 0x90000 */
    bda[1] = 0x90;
    put_rsdp(0x90000 + 0x400, 0, RSDT_PA, 0);

    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), -ENOENT);
    CHECK_LOG(XENLOG_WARNING
              "ACPI: no RSDP found in the EBDA or at 0x000e0000-0x000fffff\n");
}

TEST(rsdp_absent)
{
    build_qemu();
    memset(mem(RSDP_PA), 0, sizeof(struct acpi_rsdp));

    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), -ENOENT);
    CHECK_LOG(XENLOG_WARNING "ACPI: no RSDP found in the EBDA or at 0x000e0000-0x000fffff\n");
    CHECK(acpi_get_table("FACP", 0) == NULL);
    harness_log_clear();
    acpi_dump_tables();
    CHECK_LOG("ACPI: no tables\n");
}

TEST(rsdp_bad_checksum_scan)
{
    build_qemu();
    ((struct acpi_rsdp *)mem(RSDP_PA))->checksum ^= 1;

    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), -EINVAL);
    CHECK_LOG(XENLOG_WARNING "ACPI: RSDP candidate at 0x000f5a90: bad checksum: ignored\n");
    CHECK_LOG(XENLOG_ERR "ACPI: no valid RSDP: 1 candidate(s) failed their checks\n");
    CHECK(acpi_get_table("FACP", 0) == NULL);
}

TEST(rsdp_bad_candidate_then_good_one)
{
    build_qemu();
    put_rsdp(0xe0000, 0, RSDT_PA, 0)->checksum ^= 0x80;

    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: RSDP candidate at 0x000e0000: bad checksum: ignored\n");
    check_qemu_tables();
}

TEST(rsdp_bad_checksum_pointer)
{
    build_qemu();
    ((struct acpi_rsdp *)mem(RSDP_PA))->checksum ^= 1;

    CHECK_EQ(acpi_tables_init(mem(RSDP_PA), 20, fake_map), -EINVAL);
    CHECK_LOG(XENLOG_ERR "ACPI: boot loader's RSDP: bad checksum\n");
}

TEST(rsdp_bad_signature_pointer)
{
    build_qemu();
    memcpy(mem(RSDP_PA), "RSD PTX ", 8);

    CHECK_EQ(acpi_tables_init(mem(RSDP_PA), 20, fake_map), -EINVAL);
    CHECK_LOG(XENLOG_ERR "ACPI: boot loader's RSDP: no \"RSD PTR \" signature\n");
}

TEST(rsdp_pointer_too_short)
{
    build_qemu();

    CHECK_EQ(acpi_tables_init(mem(RSDP_PA), 16, fake_map), -EINVAL);
    CHECK_LOG(XENLOG_ERR "ACPI: boot loader's RSDP: only 16 bytes\n");
}

/* ---- XSDT or RSDT ---- */

TEST(xsdt_preferred_by_scan)
{
    build_qemu_xsdt();

    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), 0);
    CHECK(log_clean());
    CHECK(acpi_get_table("XSDT", 0) == mem(XSDT_PA));
    CHECK(acpi_get_table("RSDT", 0) == NULL);
    CHECK(acpi_get_table("HPET", 0) == mem(TOP_PA));
    CHECK(acpi_get_table("WAET", 0) == mem(WAET_PA));
    CHECK(acpi_get_table("DSDT", 0) == mem(DSDT_PA));

    acpi_dump_tables();
    CHECK_LOG("ACPI: RSDP 000F5A90, 0024 (r2 BOCHS )\n");
    CHECK_LOG("ACPI: XSDT 07FE1D03, 0044 (r1 ");
    CHECK_LOG("ACPI: HPET 100000040, 0038 (r1 ");
}

TEST(xsdt_preferred_by_pointer)
{
    build_qemu_xsdt();

    CHECK_EQ(acpi_tables_init(mem(RSDP_PA), 36, fake_map), 0);
    CHECK(log_clean());
    CHECK(acpi_get_table("HPET", 0) == mem(TOP_PA));
}

TEST(xsdt_unreachable_from_short_loader_copy)
{
    build_qemu_xsdt();

    /* Multiboot2's "old ACPI" tag carries only the first 20 bytes. */
    CHECK_EQ(acpi_tables_init(mem(RSDP_PA), 20, fake_map), 0);
    CHECK_LOG(XENLOG_WARNING
              "ACPI: boot loader's RSDP is r2 but only 20 bytes: using the RSDT\n");
    CHECK(acpi_get_table("RSDT", 0) == mem(RSDT_PA));
    CHECK(acpi_get_table("APIC", 0) == mem(APIC_PA));
    CHECK(acpi_get_table("HPET", 0) == NULL);
}

TEST(xsdt_address_zero_uses_rsdt)
{
    build_qemu_xsdt();
    put_rsdp(RSDP_PA, 2, RSDT_PA, 0);

    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), 0);
    CHECK(log_clean());
    CHECK(acpi_get_table("RSDT", 0) == mem(RSDT_PA));
}

TEST(rsdp_bad_extended_checksum)
{
    build_qemu_xsdt();
    ((struct acpi_rsdp *)mem(RSDP_PA))->extended_checksum ^= 1;

    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), -EINVAL);
    CHECK_LOG(XENLOG_WARNING
              "ACPI: RSDP candidate at 0x000f5a90: bad extended checksum: ignored\n");
    CHECK_LOG(XENLOG_ERR "ACPI: no valid RSDP: 1 candidate(s) failed their checks\n");

    harness_log_clear();
    CHECK_EQ(acpi_tables_init(mem(RSDP_PA), 36, fake_map), -EINVAL);
    CHECK_LOG(XENLOG_ERR "ACPI: boot loader's RSDP: bad extended checksum\n");
}

TEST(rsdp_extended_length_beyond_copy)
{
    struct acpi_rsdp *r;

    build_qemu_xsdt();
    r = put_rsdp(RSDP_PA, 2, RSDT_PA, XSDT_PA);
    r->length = 40;
    r->checksum = 0;
    r->checksum = -sum(r, 20);

    CHECK_EQ(acpi_tables_init(r, 36, fake_map), -EINVAL);
    CHECK_LOG(XENLOG_ERR "ACPI: boot loader's RSDP: r2 length 0x28 implausible or truncated\n");
}

TEST(xsdt_invalid_falls_back_to_rsdt)
{
    build_qemu_xsdt();
    hdr_at(XSDT_PA)->checksum ^= 1;

    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: XSDT at 0x07fe1d03: bad checksum\n");
    CHECK_LOG(XENLOG_WARNING "ACPI: XSDT unusable: falling back to the RSDT\n");
    CHECK(acpi_get_table("RSDT", 0) == mem(RSDT_PA));
    CHECK(acpi_get_table("XSDT", 0) == NULL);
    CHECK(acpi_get_table("APIC", 0) == mem(APIC_PA));
    CHECK(acpi_get_table("HPET", 0) == NULL);
}

TEST(xsdt_and_rsdt_invalid)
{
    build_qemu_xsdt();
    hdr_at(XSDT_PA)->checksum ^= 1;
    hdr_at(RSDT_PA)->checksum ^= 1;

    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), -EINVAL);
    CHECK_LOG(XENLOG_WARNING "ACPI: XSDT at 0x07fe1d03: bad checksum\n");
    CHECK_LOG(XENLOG_WARNING "ACPI: RSDT at 0x07fe1ccf: bad checksum\n");
    CHECK_LOG(XENLOG_ERR "ACPI: no usable root table (RSDT/XSDT)\n");
    CHECK(acpi_get_table("FACP", 0) == NULL);
}

TEST(rsdt_wrong_signature)
{
    build_qemu();
    put_rsdp(RSDP_PA, 0, FACP_PA, 0);

    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), -EINVAL);
    CHECK_LOG(XENLOG_WARNING "ACPI: RSDT at 0x07fe1b03: signature is not RSDT\n");
    CHECK_LOG(XENLOG_ERR "ACPI: no usable root table (RSDT/XSDT)\n");
}

TEST(rsdt_unmapped)
{
    build_qemu();
    put_rsdp(RSDP_PA, 0, 0xdead0000, 0);

    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), -EINVAL);
    CHECK_LOG(XENLOG_WARNING "ACPI: RSDT at 0xdead0000: cannot be mapped\n");
    CHECK_LOG(XENLOG_ERR "ACPI: no usable root table (RSDT/XSDT)\n");
}

TEST(failed_init_forgets_earlier_tables)
{
    build_qemu();
    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), 0);
    hdr_at(RSDT_PA)->checksum ^= 1;

    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), -EINVAL);
    CHECK_LOG(XENLOG_WARNING "ACPI: RSDT at 0x07fe1ccf: bad checksum\n");
    CHECK(acpi_get_table("FACP", 0) == NULL);
}

/* ---- Bad entries: reported, skipped, the others kept ---- */

static void init_expect_ok(void)
{
    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), 0);
    CHECK(acpi_get_table("FACP", 0) == mem(FACP_PA));
    CHECK(acpi_get_table("APIC", 0) == mem(APIC_PA));
    CHECK(acpi_get_table("WAET", 0) == mem(WAET_PA));
}

TEST(table_bad_checksum_skipped)
{
    build_qemu();
    hdr_at(HPET_PA)->checksum ^= 1;

    init_expect_ok();
    CHECK_LOG(XENLOG_WARNING
              "ACPI: RSDT entry 2 (HPET at 0x07fe1c6f): bad checksum: skipped\n");
    CHECK(acpi_get_table("HPET", 0) == NULL);
}

TEST(table_shorter_than_header_skipped)
{
    build_qemu();
    set_length(HPET_PA, 20);

    init_expect_ok();
    CHECK_LOG(XENLOG_WARNING
              "ACPI: RSDT entry 2 (HPET at 0x07fe1c6f): length 0x14 is shorter than the header: skipped\n");
    CHECK(acpi_get_table("HPET", 0) == NULL);
}

TEST(table_huge_length_skipped)
{
    build_qemu();
    set_length(HPET_PA, 0x2000000);

    init_expect_ok();
    CHECK_LOG(XENLOG_WARNING
              "ACPI: RSDT entry 2 (HPET at 0x07fe1c6f): length 0x2000000 is implausible: skipped\n");
    CHECK(acpi_get_table("HPET", 0) == NULL);
}

TEST(table_running_off_memory_skipped)
{
    build_qemu();
    set_length(HPET_PA, 0x100000);

    init_expect_ok();
    CHECK_LOG(XENLOG_WARNING
              "ACPI: RSDT entry 2 (HPET at 0x07fe1c6f): length 0x100000 cannot be mapped in full: skipped\n");
    CHECK(acpi_get_table("HPET", 0) == NULL);
}

TEST(entry_outside_memory_skipped)
{
    static const uint32_t e[] = { FACP_PA, APIC_PA, 0xdead0000, WAET_PA };

    build_qemu();
    put_rsdt(RSDT_PA, e, ARRAY_SIZE(e));

    init_expect_ok();
    CHECK_LOG(XENLOG_WARNING
              "ACPI: RSDT entry 2 (table at 0xdead0000): cannot be mapped: skipped\n");
    CHECK(acpi_get_table("HPET", 0) == NULL);
}

TEST(entry_header_straddles_end_of_memory_skipped)
{
    static const uint64_t xe[] = { FACP_PA, APIC_PA, 0x10000fff0ul, WAET_PA };

    build_qemu_xsdt();
    put_xsdt(XSDT_PA, xe, ARRAY_SIZE(xe));

    init_expect_ok();
    CHECK_LOG(XENLOG_WARNING
              "ACPI: XSDT entry 2 (table at 0x10000fff0): cannot be mapped: skipped\n");
}

TEST(entry_null_skipped)
{
    static const uint32_t e[] = { FACP_PA, 0, APIC_PA, HPET_PA, WAET_PA };

    build_qemu();
    put_rsdt(RSDT_PA, e, ARRAY_SIZE(e));

    init_expect_ok();
    CHECK_LOG(XENLOG_WARNING
              "ACPI: RSDT entry 1 (table at 0x00000000): NULL address: skipped\n");
    CHECK(acpi_get_table("HPET", 0) == mem(HPET_PA));
}

TEST(entry_duplicate_skipped)
{
    static const uint32_t e[] = { FACP_PA, APIC_PA, HPET_PA, WAET_PA, APIC_PA };

    build_qemu();
    put_rsdt(RSDT_PA, e, ARRAY_SIZE(e));

    init_expect_ok();
    CHECK_LOG(XENLOG_WARNING
              "ACPI: RSDT entry 4 (APIC at 0x07fe1bf7): already recorded: skipped\n");
    CHECK(acpi_get_table("APIC", 1) == NULL);
}

TEST(entry_pointing_to_root_skipped)
{
    static const uint32_t e[] = { FACP_PA, APIC_PA, RSDT_PA, HPET_PA, WAET_PA };

    build_qemu();
    put_rsdt(RSDT_PA, e, ARRAY_SIZE(e));

    init_expect_ok();
    CHECK_LOG(XENLOG_WARNING
              "ACPI: RSDT entry 2 (RSDT at 0x07fe1ccf): points to the RSDT itself: skipped\n");
    CHECK(acpi_get_table("RSDT", 1) == NULL);
    CHECK(acpi_get_table("HPET", 0) == mem(HPET_PA));
}

TEST(entry_pointing_to_other_root_skipped)
{
    static const uint64_t xe[] = { FACP_PA, RSDT_PA, APIC_PA, WAET_PA };

    build_qemu_xsdt();
    put_xsdt(XSDT_PA, xe, ARRAY_SIZE(xe));

    init_expect_ok();
    CHECK_LOG(XENLOG_WARNING
              "ACPI: XSDT entry 1 (RSDT at 0x07fe1ccf): is a root table: skipped\n");
    CHECK(acpi_get_table("RSDT", 0) == NULL);
}

TEST(rsdt_length_not_multiple_of_entry_size)
{
    build_qemu();
    set_length(RSDT_PA, 36 + 4 * 4 + 2);

    init_expect_ok();
    CHECK_LOG(XENLOG_WARNING
              "ACPI: RSDT length 0x36 is not 36 + a multiple of 4: ignoring 2 trailing bytes\n");
    CHECK(acpi_get_table("HPET", 0) == mem(HPET_PA));
}

TEST(xsdt_length_not_multiple_of_entry_size)
{
    build_qemu_xsdt();
    set_length(XSDT_PA, 36 + 8 * 3 + 4);

    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), 0);
    CHECK_LOG(XENLOG_WARNING
              "ACPI: XSDT length 0x40 is not 36 + a multiple of 8: ignoring 4 trailing bytes\n");
    CHECK(acpi_get_table("HPET", 0) == mem(TOP_PA));
    CHECK(acpi_get_table("WAET", 0) == NULL);
}

TEST(more_tables_than_the_index_holds)
{
    enum { N = 70, SSDT_LEN = 40 };
    static uint32_t e[N];
    unsigned int i;

    build_qemu();
    e[0] = FACP_PA;
    for ( i = 1; i < N; i++ )
    {
        e[i] = SPARE_PA + i * SSDT_LEN;
        put_table(e[i], "SSDT", SSDT_LEN, 1);
    }
    put_rsdt(RSDT_PA, e, N);

    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), 0);
    /* RSDT, FACP, DSDT and 61 SSDTs fill the 64 slots; 8 SSDTs left over. */
    CHECK_LOG(XENLOG_WARNING "ACPI: more than 64 tables: 8 ignored\n");
    CHECK(acpi_get_table("DSDT", 0) == mem(DSDT_PA));
    CHECK(acpi_get_table("SSDT", 0) == mem(e[1]));
    CHECK(acpi_get_table("SSDT", 60) == mem(e[61]));
    CHECK(acpi_get_table("SSDT", 61) == NULL);
}

TEST(unprintable_oem_id_dumped_safely)
{
    build_qemu();
    memcpy(hdr_at(APIC_PA)->oem_id, "AB\0\x01\xff ", 6);
    fix_checksum(APIC_PA);

    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), 0);
    acpi_dump_tables();
    CHECK_LOG("ACPI: APIC 07FE1BF7, 0078 (r1 AB ??  BXPC            1 BXPC        1)\n");
}

/* ---- The DSDT, via the FADT ---- */

TEST(dsdt_via_x_dsdt)
{
    struct acpi_table_fadt *f;

    build_qemu();
    put_table(TOP_PA, "DSDT", 0x100, 2);
    f = (void *)hdr_at(FACP_PA);
    f->x_dsdt = TOP_PA;
    fix_checksum(FACP_PA);

    init_expect_ok();
    CHECK_LOG(XENLOG_WARNING
              "ACPI: FADT DSDT 0x07fe0040 and X_DSDT 0x100000040 differ: using X_DSDT\n");
    CHECK(acpi_get_table("DSDT", 0) == mem(TOP_PA));
    CHECK(acpi_get_table("DSDT", 1) == NULL);
}

TEST(dsdt_x_dsdt_only)
{
    struct acpi_table_fadt *f;

    build_qemu();
    f = (void *)hdr_at(FACP_PA);
    f->dsdt = 0;
    f->x_dsdt = DSDT_PA;
    fix_checksum(FACP_PA);

    init_expect_ok();
    CHECK(log_clean());
    CHECK(acpi_get_table("DSDT", 0) == mem(DSDT_PA));
}

TEST(dsdt_bad_checksum_skipped)
{
    build_qemu();
    hdr_at(DSDT_PA)->checksum ^= 1;

    init_expect_ok();
    CHECK_LOG(XENLOG_WARNING
              "ACPI: FADT DSDT (DSDT at 0x07fe0040): bad checksum: skipped\n");
    CHECK(acpi_get_table("DSDT", 0) == NULL);
}

TEST(dsdt_pointing_at_another_table_skipped)
{
    struct acpi_table_fadt *f;

    build_qemu();
    f = (void *)hdr_at(FACP_PA);
    f->dsdt = HPET_PA;
    fix_checksum(FACP_PA);

    init_expect_ok();
    CHECK_LOG(XENLOG_WARNING
              "ACPI: FADT DSDT (HPET at 0x07fe1c6f): is not a DSDT: skipped\n");
    CHECK(acpi_get_table("DSDT", 0) == NULL);
    CHECK(acpi_get_table("HPET", 0) == mem(HPET_PA));
}

TEST(dsdt_null_skipped)
{
    struct acpi_table_fadt *f;

    build_qemu();
    f = (void *)hdr_at(FACP_PA);
    f->dsdt = 0;
    fix_checksum(FACP_PA);

    init_expect_ok();
    CHECK_LOG(XENLOG_WARNING
              "ACPI: FADT DSDT (table at 0x00000000): NULL address: skipped\n");
}

TEST(dsdt_also_in_root_reported_once)
{
    static const uint32_t e[] = { FACP_PA, APIC_PA, DSDT_PA, WAET_PA };

    build_qemu();
    put_rsdt(RSDT_PA, e, ARRAY_SIZE(e));

    init_expect_ok();
    CHECK_LOG(XENLOG_WARNING
              "ACPI: RSDT entry 2 (DSDT at 0x07fe0040): already recorded: skipped\n");
    CHECK(acpi_get_table("DSDT", 0) == mem(DSDT_PA));
    CHECK(acpi_get_table("DSDT", 1) == NULL);
}

/* ---- The reset register ---- */

static struct acpi_table_fadt *fadt(void)
{
    return (void *)hdr_at(FACP_PA);
}

/* Init, then ask for the reset register; reg/value must change only on 0. */
static int reset_reg(struct acpi_generic_address *reg, uint8_t *value)
{
    memset(reg, 0xa5, sizeof(*reg));
    *value = 0xa5;
    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), 0);
    return acpi_fadt_reset_reg(reg, value);
}

static void check_untouched(const struct acpi_generic_address *reg,
                            uint8_t value)
{
    CHECK_EQ(reg->space_id, 0xa5);
    CHECK_EQ(reg->address, 0xa5a5a5a5a5a5a5a5ul);
    CHECK_EQ(value, 0xa5);
}

TEST(reset_reg_qemu)
{
    struct acpi_generic_address reg;
    uint8_t value;

    build_qemu();
    CHECK_EQ(reset_reg(&reg, &value), 0);
    CHECK(log_clean());
    CHECK_EQ(reg.space_id, ACPI_ADR_SPACE_SYSTEM_IO);
    CHECK_EQ(reg.bit_width, 8);
    CHECK_EQ(reg.bit_offset, 0);
    CHECK_EQ(reg.address, 0xcf9);
    CHECK_EQ(value, 6);
}

TEST(reset_reg_memory)
{
    struct acpi_generic_address reg;
    uint8_t value;

    build_qemu();
    fadt()->reset_reg.space_id = ACPI_ADR_SPACE_SYSTEM_MEMORY;
    fadt()->reset_reg.address = 0xfed00100;
    fadt()->reset_value = 0x0e;
    fix_checksum(FACP_PA);

    CHECK_EQ(reset_reg(&reg, &value), 0);
    CHECK_EQ(reg.space_id, ACPI_ADR_SPACE_SYSTEM_MEMORY);
    CHECK_EQ(reg.address, 0xfed00100);
    CHECK_EQ(value, 0x0e);
}

TEST(reset_reg_flag_clear)
{
    struct acpi_generic_address reg;
    uint8_t value;

    build_qemu();
    fadt()->flags &= ~ACPI_FADT_RESET_REG_SUP;
    fix_checksum(FACP_PA);

    CHECK_EQ(reset_reg(&reg, &value), -ENODEV);
    CHECK_LOG(XENLOG_INFO "ACPI: FADT reset register not supported (flags 0x1a5)\n");
    check_untouched(&reg, value);
}

TEST(reset_reg_acpi1_fadt)
{
    struct acpi_generic_address reg;
    uint8_t value;

    build_qemu();
    put_fadt(FACP_PA, ACPI_FADT_V1_SIZE, 1);
    /* Bytes beyond the table that would look like a reset register. */
    fadt()->flags |= ACPI_FADT_RESET_REG_SUP;
    fix_checksum(FACP_PA);
    fadt()->reset_reg.space_id = ACPI_ADR_SPACE_SYSTEM_IO;
    fadt()->reset_reg.bit_width = 8;
    fadt()->reset_reg.address = 0xcf9;
    fadt()->reset_value = 6;

    CHECK_EQ(reset_reg(&reg, &value), -ENODEV);
    CHECK_LOG(XENLOG_INFO
              "ACPI: FADT r1 is 116 bytes, too short for a reset register\n");
    check_untouched(&reg, value);
    /* The short FADT still names the DSDT. */
    CHECK(acpi_get_table("DSDT", 0) == mem(DSDT_PA));
}

TEST(reset_reg_16_bits_rejected)
{
    struct acpi_generic_address reg;
    uint8_t value;

    build_qemu();
    fadt()->reset_reg.bit_width = 16;
    fix_checksum(FACP_PA);

    CHECK_EQ(reset_reg(&reg, &value), -EINVAL);
    CHECK_LOG(XENLOG_WARNING
              "ACPI: FADT reset register is 16 bits wide, not 8: unused\n");
    check_untouched(&reg, value);
}

TEST(reset_reg_pci_space_rejected)
{
    struct acpi_generic_address reg;
    uint8_t value;

    build_qemu();
    fadt()->reset_reg.space_id = ACPI_ADR_SPACE_PCI_CONFIG;
    fix_checksum(FACP_PA);

    CHECK_EQ(reset_reg(&reg, &value), -EINVAL);
    CHECK_LOG(XENLOG_WARNING
              "ACPI: FADT reset register in address space 2, not I/O or memory: unused\n");
    check_untouched(&reg, value);
}

TEST(reset_reg_bad_address_rejected)
{
    struct acpi_generic_address reg;
    uint8_t value;

    build_qemu();
    fadt()->reset_reg.address = 0;
    fix_checksum(FACP_PA);

    CHECK_EQ(reset_reg(&reg, &value), -EINVAL);
    CHECK_LOG(XENLOG_WARNING
              "ACPI: FADT reset register has bad I/O address 0: unused\n");
    check_untouched(&reg, value);

    harness_log_clear();
    fadt()->reset_reg.address = 0x10000;
    fix_checksum(FACP_PA);
    CHECK_EQ(reset_reg(&reg, &value), -EINVAL);
    CHECK_LOG(XENLOG_WARNING
              "ACPI: FADT reset register has bad I/O address 0x10000: unused\n");
}

TEST(reset_reg_without_fadt)
{
    static const uint32_t e[] = { APIC_PA, HPET_PA, WAET_PA };
    struct acpi_generic_address reg;
    uint8_t value;

    build_qemu();
    put_rsdt(RSDT_PA, e, ARRAY_SIZE(e));

    CHECK_EQ(reset_reg(&reg, &value), -ENODEV);
    CHECK_LOG(XENLOG_WARNING "ACPI: no FADT: no reset register\n");
    check_untouched(&reg, value);
}

TEST(reset_reg_bad_fadt_skipped)
{
    struct acpi_generic_address reg;
    uint8_t value;

    build_qemu();
    fadt()->header.checksum ^= 1;

    CHECK_EQ(reset_reg(&reg, &value), -ENODEV);
    CHECK_LOG(XENLOG_WARNING
              "ACPI: RSDT entry 0 (FACP at 0x07fe1b03): bad checksum: skipped\n");
    CHECK_LOG(XENLOG_WARNING "ACPI: no FADT: no reset register\n");
    CHECK(acpi_get_table("DSDT", 0) == NULL);
}

TEST(tables_reset_forgets)
{
    struct acpi_generic_address reg;
    uint8_t value;

    build_qemu();
    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), 0);
    acpi_tables_reset();
    CHECK(acpi_get_table("FACP", 0) == NULL);
    CHECK(acpi_get_table("RSDT", 0) == NULL);
    CHECK_EQ(acpi_fadt_reset_reg(&reg, &value), -ENODEV);
    harness_log_clear();
    acpi_dump_tables();
    CHECK_LOG("ACPI: no tables\n");
}
