/*
 * test_acpi_fadt.c: drivers/acpi/fadt.c: the FADT's fixed hardware as
 * QEMU's i440fx (ACPI 1.0 FADT) and q35 (revision 3) write it, each
 * preference between X_ and 32-bit blocks, and the \_S5_ package in
 * DSDTs, well-formed and not.
 */
#include <string.h>

#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/lib.h>

#include "acpi_fake.h"
#include "harness.h"

static const uint32_t entries[] = { FACP_PA };

static struct acpi_table_fadt *fadt(void)
{
    return (void *)hdr_at(FACP_PA);
}

static void gas_io(struct acpi_generic_address *g, uint8_t bits, uint64_t port)
{
    g->space_id = ACPI_ADR_SPACE_SYSTEM_IO;
    g->bit_width = bits;
    g->bit_offset = 0;
    g->access_size = 0;
    g->address = port;
}

/* QEMU's Name(_S5, Package (0x04) { Zero, Zero, Zero, Zero }). */
static const uint8_t s5_qemu[] = {
    0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00,
};

/* Some AML before it: Name(_S3, Package(4){1,1,0,0}), Scope(\_SB){...}. */
static const uint8_t aml_prologue[] = {
    0x08, '_', 'S', '3', '_', 0x12, 0x06, 0x04, 0x01, 0x01, 0x00, 0x00,
    0x10, 0x08, 0x5c, '_', 'S', 'B', '_', 0xa3, 0xa3, 0xa3,
};

static void put_dsdt(const uint8_t *s5, size_t len)
{
    uint8_t aml[256];

    memcpy(aml, aml_prologue, sizeof(aml_prologue));
    memcpy(aml + sizeof(aml_prologue), s5, len);
    put_table_body(DSDT_PA, "DSDT", 2, aml, sizeof(aml_prologue) + len);
}

/* QEMU i440fx (PIIX4 PM at 0x600): an ACPI 1.0 FADT of 116 bytes. */
static void build_i440fx(void)
{
    struct acpi_table_fadt *f;

    fake_clear();
    put_dsdt(s5_qemu, sizeof(s5_qemu));
    f = (void *)put_table(FACP_PA, "FACP", ACPI_FADT_V1_SIZE, 1);
    f->firmware_ctrl = FACS_PA;
    f->dsdt = DSDT_PA;
    f->sci_int = 9;
    f->smi_cmd = 0xb2;
    f->acpi_enable = 0xf1;
    f->acpi_disable = 0xf0;
    f->pm1a_evt_blk = 0x600;
    f->pm1a_cnt_blk = 0x604;
    f->pm_tmr_blk = 0x608;
    f->gpe0_blk = 0xafe0;
    f->pm1_evt_len = 4;
    f->pm1_cnt_len = 2;
    f->pm_tmr_len = 4;
    f->gpe0_blk_len = 4;
    f->p_lvl2_lat = 0xfff;
    f->p_lvl3_lat = 0xfff;
    f->century = 0x32;
    f->iapc_boot_arch = ACPI_FADT_8042;    /* reserved in ACPI 1.0 */
    f->flags = 0x80a5;
    fix_checksum(FACP_PA);
}

/* QEMU q35 (ICH9 PM at 0x600): a revision 3 FADT of 244 bytes. */
static void build_q35(void)
{
    struct acpi_table_fadt *f;

    build_i440fx();
    f = (void *)put_table(FACP_PA, "FACP", 0xf4, 3);
    f->firmware_ctrl = FACS_PA;
    f->dsdt = DSDT_PA;
    f->sci_int = 9;
    f->pm1a_evt_blk = 0x600;
    f->pm1a_cnt_blk = 0x604;
    f->pm_tmr_blk = 0x608;
    f->gpe0_blk = 0x620;
    f->pm1_evt_len = 4;
    f->pm1_cnt_len = 2;
    f->pm_tmr_len = 4;
    f->gpe0_blk_len = 16;
    f->century = 0x32;
    f->iapc_boot_arch = ACPI_FADT_8042;
    f->flags = 0x84a5;
    gas_io(&f->reset_reg, 8, 0xcf9);
    f->reset_value = 6;
    f->x_dsdt = DSDT_PA;
    gas_io(&f->x_pm1a_evt_blk, 32, 0x600);
    gas_io(&f->x_pm1a_cnt_blk, 16, 0x604);
    gas_io(&f->x_pm_tmr_blk, 32, 0x608);
    fix_checksum(FACP_PA);
}

static struct acpi_fadt_info info;

static int parse(void)
{
    CHECK_EQ(fake_boot(entries, ARRAY_SIZE(entries)), 0);
    harness_log_clear();
    memset(&info, 0xa5, sizeof(info));
    return acpi_parse_fadt(&info);
}

/* ---- QEMU's FADTs ---- */

TEST(fadt_qemu_i440fx_acpi1)
{
    build_i440fx();
    CHECK_EQ(parse(), 0);
    CHECK(log_clean());

    CHECK_EQ(info.revision, 1);
    CHECK_EQ(info.flags, 0x80a5);
    CHECK_EQ(info.sci_int, 9);
    CHECK_EQ(info.century, 0x32);
    CHECK_EQ(info.pm_tmr_port, 0x608);
    CHECK(!info.pm_tmr_32bit);
    CHECK_EQ(info.pm1a_cnt_port, 0x604);
    CHECK_EQ(info.pm1b_cnt_port, 0);
    CHECK(!info.reset_reg_valid);
    /* ACPI 1.0: the boot architecture flags are assumed. */
    CHECK(!info.boot_arch_valid);
    CHECK_EQ(info.iapc_boot_arch, ACPI_FADT_LEGACY_DEVICES | ACPI_FADT_8042);

    CHECK_LOG(XENLOG_INFO "ACPI: PM-Timer IO Port: 0x608 (24 bits)\n");
    CHECK_LOG(XENLOG_INFO "ACPI: FADT r1: SCI 9, PM1a_CNT 0x604, PM1b_CNT 0, century 0x32, IAPC_BOOT_ARCH 0x3 (assumed)\n");
    CHECK_LOG(XENLOG_INFO "ACPI: FADT r1 is 116 bytes, too short for a reset register\n");
}

TEST(fadt_qemu_q35)
{
    build_q35();
    CHECK_EQ(parse(), 0);
    CHECK(log_clean());

    CHECK_EQ(info.revision, 3);
    CHECK_EQ(info.pm_tmr_port, 0x608);
    CHECK(!info.pm_tmr_32bit);
    CHECK_EQ(info.pm1a_cnt_port, 0x604);
    CHECK_EQ(info.pm1b_cnt_port, 0);
    CHECK(info.boot_arch_valid);
    CHECK_EQ(info.iapc_boot_arch, ACPI_FADT_8042);
    CHECK(info.reset_reg_valid);
    CHECK_EQ(info.reset_reg.space_id, ACPI_ADR_SPACE_SYSTEM_IO);
    CHECK_EQ(info.reset_reg.address, 0xcf9);
    CHECK_EQ(info.reset_value, 6);
    CHECK_LOG(XENLOG_INFO "ACPI: FADT r3: SCI 9, PM1a_CNT 0x604, PM1b_CNT 0, century 0x32, IAPC_BOOT_ARCH 0x2\n");
}

TEST(fadt_tmr_val_ext_means_32_bits)
{
    build_q35();
    fadt()->flags |= ACPI_FADT_TMR_VAL_EXT;
    fix_checksum(FACP_PA);

    CHECK_EQ(parse(), 0);
    CHECK(info.pm_tmr_32bit);
    CHECK_LOG("ACPI: PM-Timer IO Port: 0x608 (32 bits)\n");
}

/* ---- X_ blocks or 32-bit fields ---- */

TEST(fadt_x_blocks_preferred_when_they_differ)
{
    build_q35();
    gas_io(&fadt()->x_pm_tmr_blk, 32, 0x1008);
    gas_io(&fadt()->x_pm1a_cnt_blk, 16, 0x1004);
    fix_checksum(FACP_PA);

    CHECK_EQ(parse(), 0);
    CHECK_EQ(info.pm_tmr_port, 0x1008);
    CHECK_EQ(info.pm1a_cnt_port, 0x1004);
    CHECK_LOG(XENLOG_WARNING "ACPI: FADT PM_TMR_BLK 0x608 and X_PM_TMR_BLK 0x1008 differ: using X_PM_TMR_BLK\n");
    CHECK_LOG(XENLOG_WARNING "ACPI: FADT PM1a_CNT_BLK 0x604 and X_PM1a_CNT_BLK 0x1004 differ: using X_PM1a_CNT_BLK\n");
}

TEST(fadt_x_only_blocks)
{
    build_q35();
    fadt()->pm_tmr_blk = 0;
    fadt()->pm_tmr_len = 0;
    fadt()->pm1a_cnt_blk = 0;
    fadt()->pm1_cnt_len = 0;
    gas_io(&fadt()->x_pm1b_cnt_blk, 16, 0x640);
    fix_checksum(FACP_PA);

    CHECK_EQ(parse(), 0);
    CHECK(log_clean());
    CHECK_EQ(info.pm_tmr_port, 0x608);
    CHECK_EQ(info.pm1a_cnt_port, 0x604);
    CHECK_EQ(info.pm1b_cnt_port, 0x640);
}

TEST(fadt_x_pm_tmr_in_memory_uses_pm_tmr_blk)
{
    build_q35();
    fadt()->x_pm_tmr_blk.space_id = ACPI_ADR_SPACE_SYSTEM_MEMORY;
    fadt()->x_pm_tmr_blk.address = 0xfed80008;
    fix_checksum(FACP_PA);

    CHECK_EQ(parse(), 0);
    CHECK_EQ(info.pm_tmr_port, 0x608);
    CHECK_LOG(XENLOG_INFO "ACPI: FADT X_PM_TMR_BLK is in address space 0, not I/O: using PM_TMR_BLK\n");
}

TEST(fadt_x_pm_tmr_zero_uses_pm_tmr_blk)
{
    build_q35();
    memset(&fadt()->x_pm_tmr_blk, 0, sizeof(fadt()->x_pm_tmr_blk));
    fix_checksum(FACP_PA);

    CHECK_EQ(parse(), 0);
    CHECK(log_clean());
    CHECK_EQ(info.pm_tmr_port, 0x608);
}

TEST(fadt_x_block_unusable_uses_32bit_field)
{
    build_q35();
    gas_io(&fadt()->x_pm_tmr_blk, 32, 0xfffe);     /* 4 bytes from 0xfffe */
    gas_io(&fadt()->x_pm1a_cnt_blk, 8, 0x604);     /* too narrow */
    fix_checksum(FACP_PA);

    CHECK_EQ(parse(), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: FADT X_PM_TMR_BLK I/O port 0xfffe, 32 bits, is unusable: using PM_TMR_BLK\n");
    CHECK_LOG(XENLOG_WARNING "ACPI: FADT X_PM1a_CNT_BLK I/O port 0x604, 8 bits, is unusable: using PM1a_CNT_BLK\n");
    CHECK_EQ(info.pm_tmr_port, 0x608);
    CHECK_EQ(info.pm1a_cnt_port, 0x604);
}

TEST(fadt_x_blocks_beyond_table_length_unread)
{
    /* An ACPI 2.0 FADT cut short after X_DSDT: the bytes that follow look
     * like X_ blocks but are not part of the table. */
    build_q35();
    fadt()->header.length = offsetof(struct acpi_table_fadt, x_pm1a_evt_blk);
    gas_io(&fadt()->x_pm_tmr_blk, 32, 0x1008);
    gas_io(&fadt()->x_pm1a_cnt_blk, 16, 0x1004);
    fix_checksum(FACP_PA);

    CHECK_EQ(parse(), 0);
    CHECK(log_clean());
    CHECK_EQ(info.pm_tmr_port, 0x608);
    CHECK_EQ(info.pm1a_cnt_port, 0x604);
    CHECK(info.reset_reg_valid);
}

TEST(fadt_pm_blocks_with_bad_lengths_ignored)
{
    build_i440fx();
    fadt()->pm_tmr_len = 3;
    fadt()->pm1_cnt_len = 1;
    fix_checksum(FACP_PA);

    CHECK_EQ(parse(), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: FADT PM_TMR_BLK I/O port 0x608, length 3, is unusable: ignored\n");
    CHECK_LOG(XENLOG_WARNING "ACPI: FADT PM1a_CNT_BLK I/O port 0x604, length 1, is unusable: ignored\n");
    CHECK_EQ(info.pm_tmr_port, 0);
    CHECK_EQ(info.pm1a_cnt_port, 0);
    CHECK(!harness_log_contains("PM-Timer"));
}

TEST(fadt_pm_block_port_out_of_range_ignored)
{
    build_i440fx();
    fadt()->pm_tmr_blk = 0x10000;
    fix_checksum(FACP_PA);

    CHECK_EQ(parse(), 0);
    CHECK_LOG("ACPI: FADT PM_TMR_BLK I/O port 0x10000, length 4, is unusable: ignored\n");
    CHECK_EQ(info.pm_tmr_port, 0);
}

TEST(fadt_without_pm_timer)
{
    build_i440fx();
    fadt()->pm_tmr_blk = 0;
    fadt()->pm_tmr_len = 0;
    fix_checksum(FACP_PA);

    CHECK_EQ(parse(), 0);
    CHECK(log_clean());
    CHECK_EQ(info.pm_tmr_port, 0);
}

TEST(fadt_pm1b)
{
    build_i440fx();
    fadt()->pm1b_cnt_blk = 0x644;
    fix_checksum(FACP_PA);

    CHECK_EQ(parse(), 0);
    CHECK_EQ(info.pm1b_cnt_port, 0x644);
    CHECK_LOG("PM1a_CNT 0x604, PM1b_CNT 0x644,");
}

TEST(fadt_hw_reduced_has_no_fixed_blocks)
{
    build_q35();
    fadt()->header.revision = 5;
    fadt()->flags |= ACPI_FADT_HW_REDUCED;
    fix_checksum(FACP_PA);

    CHECK_EQ(parse(), 0);
    CHECK_LOG(XENLOG_INFO "ACPI: hardware-reduced ACPI: no PM timer or PM1 blocks\n");
    CHECK(info.flags & ACPI_FADT_HW_REDUCED);
    CHECK_EQ(info.pm_tmr_port, 0);
    CHECK_EQ(info.pm1a_cnt_port, 0);
    CHECK(info.reset_reg_valid);
}

/* ---- Platform facts ---- */

TEST(fadt_century_outside_cmos_bank_ignored)
{
    build_q35();
    fadt()->century = 0x0a;                    /* RTC status register A */
    fix_checksum(FACP_PA);

    CHECK_EQ(parse(), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: FADT century CMOS index 0xa is not in 0xe-0x7f: ignored\n");
    CHECK_EQ(info.century, 0);

    fadt()->century = 0x80;
    fix_checksum(FACP_PA);
    CHECK_EQ(parse(), 0);
    CHECK_LOG("century CMOS index 0x80 is not in 0xe-0x7f: ignored\n");
    CHECK_EQ(info.century, 0);

    fadt()->century = 0;
    fix_checksum(FACP_PA);
    CHECK_EQ(parse(), 0);
    CHECK(log_clean());
    CHECK_EQ(info.century, 0);
}

TEST(fadt_boot_arch_flags)
{
    build_q35();
    fadt()->iapc_boot_arch = ACPI_FADT_NO_VGA | ACPI_FADT_NO_CMOS_RTC;
    fix_checksum(FACP_PA);

    CHECK_EQ(parse(), 0);
    CHECK(info.boot_arch_valid);
    CHECK_EQ(info.iapc_boot_arch, ACPI_FADT_NO_VGA | ACPI_FADT_NO_CMOS_RTC);
    CHECK(!(info.iapc_boot_arch & ACPI_FADT_LEGACY_DEVICES));
    CHECK_LOG("IAPC_BOOT_ARCH 0x24\n");
}

/* ---- Missing or bad FADTs ---- */

TEST(fadt_shorter_than_acpi1)
{
    build_i440fx();
    set_length(FACP_PA, 100);

    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG(XENLOG_WARNING "ACPI: FADT r1 is 100 bytes, shorter than ACPI 1.0's 116: ignored\n");
    CHECK_EQ(info.pm_tmr_port, 0xa5a5);        /* not written */
}

TEST(fadt_missing)
{
    static const uint32_t e[] = { HPET_PA };

    fake_clear();
    put_table(HPET_PA, "HPET", 56, 1);
    CHECK_EQ(fake_boot(e, 1), 0);
    CHECK_EQ(acpi_parse_fadt(&info), -ENOENT);
    CHECK_LOG(XENLOG_WARNING "ACPI: no FADT\n");
    CHECK(acpi_fadt() == NULL);
}

TEST(fadt_bad_checksum_ignored)
{
    build_q35();
    fadt()->header.checksum ^= 0x40;

    CHECK_EQ(fake_boot(entries, 1), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: RSDT entry 0 (FACP at 0x07fe1b03): bad checksum: skipped\n");
    CHECK_EQ(acpi_parse_fadt(&info), -ENOENT);
}

TEST(fadt_cached_until_tables_change)
{
    const struct acpi_fadt_info *f;

    build_q35();
    CHECK_EQ(fake_boot(entries, 1), 0);
    f = acpi_fadt();
    CHECK(f != NULL);
    CHECK_EQ(f->pm_tmr_port, 0x608);

    harness_log_clear();
    CHECK(acpi_fadt() == f);
    CHECK(!harness_log_contains("FADT r3"));       /* not parsed again */

    fadt()->pm_tmr_blk = 0x708;
    memset(&fadt()->x_pm_tmr_blk, 0, sizeof(fadt()->x_pm_tmr_blk));
    fix_checksum(FACP_PA);
    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), 0);
    f = acpi_fadt();
    CHECK(f != NULL);
    CHECK_EQ(f->pm_tmr_port, 0x708);

    acpi_tables_reset();
    CHECK(acpi_fadt() == NULL);
}

/* ---- \_S5_ ---- */

static int s5(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b)
{
    build_q35();
    put_dsdt(aml, len);
    CHECK_EQ(fake_boot(entries, 1), 0);
    harness_log_clear();
    *a = *b = 0xee;
    return acpi_get_s5(a, b);
}

TEST(s5_qemu_zero_package)
{
    uint8_t a, b;

    CHECK_EQ(s5(s5_qemu, sizeof(s5_qemu), &a, &b), 0);
    CHECK(log_clean());
    CHECK_EQ(a, 0);
    CHECK_EQ(b, 0);
    CHECK_LOG(XENLOG_INFO "ACPI: \\_S5_ SLP_TYPa 0 SLP_TYPb 0\n");
}

TEST(s5_byte_prefix_values)
{
    /* Intel ICH firmware: Name(_S5, Package(4){0x07, 0x07, 0, 0}). */
    static const uint8_t aml[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
        0x0a, 0x07, 0x0a, 0x07, 0x00, 0x00,
    };
    uint8_t a, b;

    CHECK_EQ(s5(aml, sizeof(aml), &a, &b), 0);
    CHECK_EQ(a, 7);
    CHECK_EQ(b, 7);
}

TEST(s5_root_prefix)
{
    static const uint8_t aml[] = {
        0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x04,
        0x0a, 0x05, 0x01, 0x00, 0x00,
    };
    uint8_t a, b;

    CHECK_EQ(s5(aml, sizeof(aml), &a, &b), 0);
    CHECK_EQ(a, 5);
    CHECK_EQ(b, 1);
}

TEST(s5_word_dword_qword_and_one)
{
    static const uint8_t aml[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x13, 0x03,
        0x0b, 0x06, 0x00,
        0x0c, 0x01, 0x00, 0x00, 0x00,
        0x0e, 0x07, 0, 0, 0, 0, 0, 0, 0,
    };
    static const uint8_t aml2[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x07, 0x02,
        0x01, 0x0e, 0x03, 0, 0, 0, 0, 0, 0, 0,
    };
    uint8_t a, b;

    CHECK_EQ(s5(aml, sizeof(aml), &a, &b), 0);
    CHECK_EQ(a, 6);
    CHECK_EQ(b, 1);

    /* PkgLength 7 cuts the QWord short: it must not be read past. */
    CHECK_EQ(s5(aml2, sizeof(aml2), &a, &b), -EINVAL);
    CHECK_LOG("element 1 runs past the package end\n");
    CHECK_EQ(a, 0xee);
}

TEST(s5_two_byte_pkglength)
{
    /* PkgLength 0x4a 0x00: two bytes, length 0x0a; padded with Zeros. */
    static const uint8_t aml[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x4a, 0x00, 0x06,
        0x0a, 0x03, 0x0a, 0x04, 0x00, 0x00, 0x00, 0x00,
    };
    uint8_t a, b;

    CHECK_EQ(s5(aml, sizeof(aml), &a, &b), 0);
    CHECK_EQ(a, 3);
    CHECK_EQ(b, 4);
}

TEST(s5_single_element_holds_both)
{
    /* Package(1){0x0705}: SLP_TYPa in bits 0-7, SLP_TYPb in bits 8-15. */
    static const uint8_t aml[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01, 0x0b, 0x05, 0x07,
    };
    uint8_t a, b;

    CHECK_EQ(s5(aml, sizeof(aml), &a, &b), 0);
    CHECK_EQ(a, 5);
    CHECK_EQ(b, 7);
}

TEST(s5_lookalikes_skipped)
{
    /* Store(_S5_...) data: 0x08 then "_S5_" but no PackageOp. */
    static const uint8_t aml[] = {
        0x0a, 0x08, '_', 'S', '5', '_', 0x60,
        0x08, '_', 'S', '4', '_', 0x12, 0x06, 0x04, 0x01, 0x01, 0x00, 0x00,
        0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x01, 0x00, 0x00, 0x00,
    };
    uint8_t a, b;

    CHECK_EQ(s5(aml, sizeof(aml), &a, &b), 0);
    CHECK_EQ(a, 1);
    CHECK_EQ(b, 0);
}

TEST(s5_missing)
{
    static const uint8_t aml[] = { 0x08, '_', 'S', '4', '_', 0x0a, 0x01 };
    uint8_t a, b;

    CHECK_EQ(s5(aml, sizeof(aml), &a, &b), -ENOENT);
    CHECK_LOG(XENLOG_WARNING "ACPI: no \\_S5_ package in the DSDT\n");
    CHECK_EQ(a, 0xee);
    CHECK_EQ(b, 0xee);
}

TEST(s5_name_at_end_of_dsdt)
{
    static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_' };
    uint8_t a, b;

    CHECK_EQ(s5(aml, sizeof(aml), &a, &b), -ENOENT);
}

TEST(s5_package_op_at_end_of_dsdt)
{
    static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12 };
    uint8_t a, b;

    CHECK_EQ(s5(aml, sizeof(aml), &a, &b), -EINVAL);
    CHECK_LOG(XENLOG_WARNING "ACPI: DSDT \\_S5_ at offset 0x3a: bad or truncated PkgLength\n");
    CHECK_EQ(a, 0xee);
}

TEST(s5_pkglength_past_end_of_dsdt)
{
    static const uint8_t aml[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x3f, 0x04, 0x00, 0x00, 0x00, 0x00,
    };
    static const uint8_t aml4[] = {     /* four-byte PkgLength, 16 MiB */
        0x08, '_', 'S', '5', '_', 0x12, 0xc0, 0x00, 0x00, 0x10, 0x04,
        0x00, 0x00,
    };
    uint8_t a, b;

    CHECK_EQ(s5(aml, sizeof(aml), &a, &b), -EINVAL);
    CHECK_LOG("ACPI: DSDT \\_S5_ at offset 0x3a: PkgLength 0x3f runs past the end of the DSDT (length 0x46)\n");
    CHECK_EQ(s5(aml4, sizeof(aml4), &a, &b), -EINVAL);
    CHECK_LOG("PkgLength 0x1000000 runs past the end of the DSDT (length 0x47)\n");
    CHECK_EQ(a, 0xee);
}

TEST(s5_multibyte_pkglength_truncated)
{
    static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x80, 0x01 };
    uint8_t a, b;

    CHECK_EQ(s5(aml, sizeof(aml), &a, &b), -EINVAL);
    CHECK_LOG("bad or truncated PkgLength\n");
}

TEST(s5_pkglength_reserved_bits)
{
    static const uint8_t aml[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x70, 0x00, 0x04, 0x00, 0x00,
    };
    uint8_t a, b;

    CHECK_EQ(s5(aml, sizeof(aml), &a, &b), -EINVAL);
    CHECK_LOG("bad or truncated PkgLength\n");
}

TEST(s5_package_too_short)
{
    static const uint8_t no_count[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x01, 0x04, 0x00, 0x00,
    };
    static const uint8_t empty[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x02, 0x00, 0x00, 0x00,
    };
    static const uint8_t one_short[] = {    /* 4 elements, room for 1 */
        0x08, '_', 'S', '5', '_', 0x12, 0x03, 0x04, 0x00, 0x00, 0x00,
    };
    uint8_t a, b;

    CHECK_EQ(s5(no_count, sizeof(no_count), &a, &b), -EINVAL);
    CHECK_LOG("PkgLength 0x1 leaves no room for NumElements\n");
    CHECK_EQ(s5(empty, sizeof(empty), &a, &b), -EINVAL);
    CHECK_LOG("empty package\n");
    CHECK_EQ(s5(one_short, sizeof(one_short), &a, &b), -EINVAL);
    CHECK_LOG("element 1 runs past the package end\n");
}

TEST(s5_element_not_integer)
{
    /* Package(2){ \_SB.FOO, 0 }: a name, not a constant. */
    static const uint8_t aml[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x02,
        'F', 'O', 'O', '_', 0x00, 0x00,
    };
    uint8_t a, b;

    CHECK_EQ(s5(aml, sizeof(aml), &a, &b), -EINVAL);
    CHECK_LOG(XENLOG_WARNING "ACPI: DSDT \\_S5_ at offset 0x3a: element 0 is not an integer (opcode 0x46)\n");
}

TEST(s5_value_too_big)
{
    static const uint8_t aml[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x00, 0x0a, 0x10, 0x00,
    };
    static const uint8_t ones[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0xff, 0x00,
    };
    uint8_t a, b;

    CHECK_EQ(s5(aml, sizeof(aml), &a, &b), -EINVAL);
    CHECK_LOG("SLP_TYPb 0x10 does not fit the 3-bit field\n");
    CHECK_EQ(s5(ones, sizeof(ones), &a, &b), -EINVAL);
    CHECK_LOG("SLP_TYPa 0xffffffffffffffff does not fit the 3-bit field\n");
    CHECK_EQ(a, 0xee);
}

TEST(s5_without_dsdt)
{
    uint8_t a = 0xee, b = 0xee;

    build_q35();
    fadt()->dsdt = 0;
    fadt()->x_dsdt = 0;
    fix_checksum(FACP_PA);
    CHECK_EQ(fake_boot(entries, 1), 0);

    CHECK_EQ(acpi_get_s5(&a, &b), -ENOENT);
    CHECK_LOG(XENLOG_WARNING "ACPI: no DSDT: no \\_S5_ (soft off) values\n");
    CHECK_EQ(a, 0xee);
}

TEST(s5_dsdt_bad_checksum)
{
    uint8_t a, b;

    build_q35();
    hdr_at(DSDT_PA)->checksum ^= 1;
    CHECK_EQ(fake_boot(entries, 1), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: FADT DSDT (DSDT at 0x07fe0040): bad checksum: skipped\n");
    CHECK_EQ(acpi_get_s5(&a, &b), -ENOENT);
}

TEST(s5_beyond_dsdt_length_not_found)
{
    uint8_t a, b;

    /* The DSDT says it ends inside the _S5_ package: not read beyond. */
    build_q35();
    set_length(DSDT_PA, 36 + sizeof(aml_prologue) + 8);
    CHECK_EQ(fake_boot(entries, 1), 0);
    CHECK_EQ(acpi_get_s5(&a, &b), -EINVAL);
    CHECK_LOG("PkgLength 0x6 runs past the end of the DSDT (length 0x42)\n");

    /* Ends inside the name: no package at all. */
    set_length(DSDT_PA, 36 + sizeof(aml_prologue) + 4);
    CHECK_EQ(acpi_tables_init(NULL, 0, fake_map), 0);
    CHECK_EQ(acpi_get_s5(&a, &b), -ENOENT);
}

/* ---- Random damage: never a read outside the DSDT ---- */

/*
 * Damage the \_S5_ package (or cut the DSDT short) of a DSDT placed so that
 * it ends where fake memory ends: a read past the table is a read past the
 * buffer, which an AddressSanitizer build reports.
 */
TEST(s5_fuzz_stays_inside_the_dsdt)
{
    static const uint8_t pkg[] = {
        0x08, '\\', '_', 'S', '5', '_', 0x12, 0x4c, 0x00, 0x03,
        0x0b, 0x05, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x07,
    };
    uint8_t aml[sizeof(aml_prologue) + sizeof(pkg)], a, b;
    uint32_t seed = 0x5f53355f, pa;
    unsigned int iter, i, n, ok = 0;
    size_t len;
    int rc;

    build_q35();
    for ( iter = 0; iter < 4000; iter++ )
    {
        memcpy(aml, aml_prologue, sizeof(aml_prologue));
        memcpy(aml + sizeof(aml_prologue), pkg, sizeof(pkg));
        n = 1 + fake_rand(&seed) % 3;
        for ( i = 0; i < n; i++ )
            aml[sizeof(aml_prologue) + 6 + fake_rand(&seed) % (sizeof(pkg) - 6)] =
                fake_rand(&seed);
        len = sizeof(aml);
        if ( fake_rand(&seed) % 4 == 0 )
            len = sizeof(aml_prologue) + fake_rand(&seed) % (sizeof(pkg) + 1);

        pa = WINDOW_END - (36 + len);
        put_table_body(pa, "DSDT", 2, aml, len);
        fadt()->dsdt = pa;
        fadt()->x_dsdt = pa;
        fix_checksum(FACP_PA);
        CHECK_EQ(fake_boot_fast(entries, 1), 0);
        CHECK(acpi_get_table("DSDT", 0) == mem(pa));
        harness_log_clear();

        rc = acpi_get_s5(&a, &b);
        CHECK(rc == 0 || rc == -EINVAL || rc == -ENOENT);
        if ( rc == 0 )
        {
            CHECK(a <= 7 && b <= 7);
            ok++;
        }
    }
    CHECK(ok > 0);
}
