/*
 * test_acpi_hpet.c: drivers/acpi/hpet.c on HPET tables built in fake
 * memory: QEMU's, and ones that are short, in the wrong address space, at
 * address 0 or at the top of the address space.
 */
#include <string.h>

#include <xen/acpi.h>
#include <xen/errno.h>
#include <xen/lib.h>

#include "acpi_fake.h"
#include "harness.h"

static const uint32_t entries[] = { HPET_PA };
static struct acpi_hpet_info info;

static struct acpi_table_hpet *hpet(void)
{
    return (void *)hdr_at(HPET_PA);
}

/* QEMU's: 3 comparators, 64-bit, legacy capable, Intel; at 0xfed00000. */
static void build_qemu(void)
{
    struct acpi_table_hpet *t;

    fake_clear();
    t = (void *)put_table(HPET_PA, "HPET", sizeof(*t), 1);
    t->event_timer_block_id = 0x8086a201;
    t->address.space_id = ACPI_ADR_SPACE_SYSTEM_MEMORY;
    t->address.address = 0xfed00000;
    fix_checksum(HPET_PA);
}

static int parse(void)
{
    CHECK_EQ(fake_boot(entries, ARRAY_SIZE(entries)), 0);
    harness_log_clear();
    memset(&info, 0xa5, sizeof(info));
    return acpi_parse_hpet(&info);
}

TEST(hpet_qemu)
{
    build_qemu();
    CHECK_EQ(parse(), 0);
    CHECK(log_clean());
    CHECK_EQ(info.address, 0xfed00000);
    CHECK_EQ(info.event_timer_block_id, 0x8086a201);
    CHECK_EQ(info.hpet_number, 0);
    CHECK_EQ(info.min_tick, 0);
    CHECK_LOG(XENLOG_INFO "ACPI: HPET id: 0x8086a201 base: 0xfed00000 number 0 min_tick 0\n");
}

TEST(hpet_fields)
{
    build_qemu();
    hpet()->hpet_number = 2;
    hpet()->min_tick = 0x80;
    hpet()->address.address = 0x1fed00000ul;
    fix_checksum(HPET_PA);

    CHECK_EQ(parse(), 0);
    CHECK_EQ(info.address, 0x1fed00000ul);
    CHECK_EQ(info.hpet_number, 2);
    CHECK_EQ(info.min_tick, 0x80);
}

TEST(hpet_longer_table_accepted)
{
    build_qemu();
    set_length(HPET_PA, 64);

    CHECK_EQ(parse(), 0);
    CHECK_EQ(info.address, 0xfed00000);
}

TEST(hpet_too_short)
{
    build_qemu();
    set_length(HPET_PA, 55);

    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG(XENLOG_WARNING "ACPI: HPET table is 55 bytes, too short (56): ignored\n");
    CHECK_EQ(info.address, 0xa5a5a5a5a5a5a5a5ul);
}

TEST(hpet_not_in_memory_space)
{
    build_qemu();
    hpet()->address.space_id = ACPI_ADR_SPACE_SYSTEM_IO;
    fix_checksum(HPET_PA);

    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG(XENLOG_WARNING "ACPI: HPET block in address space 1, not memory: ignored\n");
    CHECK_EQ(info.address, 0xa5a5a5a5a5a5a5a5ul);
}

TEST(hpet_bad_address)
{
    build_qemu();
    hpet()->address.address = 0;
    fix_checksum(HPET_PA);

    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG(XENLOG_WARNING "ACPI: HPET block at bad address 0: ignored\n");

    hpet()->address.address = 0xfffffffffffffc01ul;    /* 1 KiB would wrap */
    fix_checksum(HPET_PA);
    CHECK_EQ(parse(), -EINVAL);
    CHECK_LOG("ACPI: HPET block at bad address 0xfffffffffffffc01: ignored\n");

    hpet()->address.address = 0xfffffffffffffc00ul;    /* the last KiB */
    fix_checksum(HPET_PA);
    CHECK_EQ(parse(), 0);
}

TEST(hpet_missing)
{
    static const uint32_t e[] = { WAET_PA };

    fake_clear();
    put_table(WAET_PA, "WAET", 40, 1);
    CHECK_EQ(fake_boot(e, 1), 0);
    memset(&info, 0xa5, sizeof(info));
    CHECK_EQ(acpi_parse_hpet(&info), -ENOENT);
    CHECK_LOG(XENLOG_INFO "ACPI: no HPET table\n");
    CHECK_EQ(info.address, 0xa5a5a5a5a5a5a5a5ul);
}

TEST(hpet_bad_checksum_ignored)
{
    build_qemu();
    hpet()->header.checksum ^= 0xff;

    CHECK_EQ(fake_boot(entries, 1), 0);
    CHECK_LOG(XENLOG_WARNING "ACPI: RSDT entry 0 (HPET at 0x07fe1c6f): bad checksum: skipped\n");
    CHECK_EQ(acpi_parse_hpet(&info), -ENOENT);
}

TEST(hpet_length_beyond_memory_ignored)
{
    build_qemu();
    set_length(HPET_PA, 0x100000);

    CHECK_EQ(fake_boot(entries, 1), 0);
    CHECK_LOG("(HPET at 0x07fe1c6f): length 0x100000 cannot be mapped in full: skipped\n");
    CHECK_EQ(acpi_parse_hpet(&info), -ENOENT);
}
