/* test_e820.c: e820_type_name(), e820_print() and e820_total_ram(). */
#include <stdint.h>
#include <string.h>

#include <asm/bootinfo.h>

#include "harness.h"

static struct boot_info bi;

static void add(uint64_t addr, uint64_t size, uint32_t type)
{
    bi.memmap[bi.nr_memmap].addr = addr;
    bi.memmap[bi.nr_memmap].size = size;
    bi.memmap[bi.nr_memmap].type = type;
    bi.nr_memmap++;
}

static void reset(void)
{
    memset(&bi, 0, sizeof(bi));
}

TEST(type_names)
{
    CHECK_STREQ(e820_type_name(E820_RAM), "usable");
    CHECK_STREQ(e820_type_name(E820_RESERVED), "reserved");
    CHECK_STREQ(e820_type_name(E820_ACPI), "ACPI data");
    CHECK_STREQ(e820_type_name(E820_NVS), "ACPI NVS");
    CHECK_STREQ(e820_type_name(E820_UNUSABLE), "unusable");
    CHECK_STREQ(e820_type_name(0), "unknown");
    CHECK_STREQ(e820_type_name(7), "unknown");
    CHECK_STREQ(e820_type_name(0xffffffff), "unknown");
}

TEST(print_empty_map)
{
    reset();
    e820_print(&bi);
    CHECK_STREQ(harness_log(), "Xen-e820 RAM map:\n");
}

TEST(print_every_type)
{
    reset();
    add(0x0, 0x9fc00, E820_RAM);
    add(0x9fc00, 0x400, E820_RESERVED);
    add(0x7fe0000, 0x10000, E820_ACPI);
    add(0x7ff0000, 0x10000, E820_NVS);
    add(0x8000000, 0x1000, E820_UNUSABLE);
    add(0x100000000, 0x80000000, 12);
    add(0xfffffffffffff000, 0x1000, 0);
    e820_print(&bi);
    CHECK_STREQ(harness_log(),
                "Xen-e820 RAM map:\n"
                " [0000000000000000, 000000000009fbff] (usable)\n"
                " [000000000009fc00, 000000000009ffff] (reserved)\n"
                " [0000000007fe0000, 0000000007feffff] (ACPI data)\n"
                " [0000000007ff0000, 0000000007ffffff] (ACPI NVS)\n"
                " [0000000008000000, 0000000008000fff] (unusable)\n"
                " [0000000100000000, 000000017fffffff] (type 12)\n"
                " [fffffffffffff000, ffffffffffffffff] (type 0)\n");
}

TEST(print_notes)
{
    reset();
    add(0x0, 0xa0000, E820_RAM);
    bi.memmap_from_meminfo = true;
    bi.memmap_truncated = true;
    e820_print(&bi);
    CHECK_STREQ(harness_log(),
                "Xen-e820 RAM map:\n"
                " [0000000000000000, 000000000009ffff] (usable)\n"
                " (synthesised from the boot loader's basic meminfo: lower "
                "and upper memory only)\n"
                " (truncated: the boot loader gave more than 128 entries)\n");
}

TEST(total_ram)
{
    reset();
    CHECK_EQ(e820_total_ram(&bi), 0);

    add(0x0, 0x9fc00, E820_RAM);
    add(0x9fc00, 0x400, E820_RESERVED);
    add(0x100000, 0x7ee0000, E820_RAM);
    add(0x7fe0000, 0x20000, E820_ACPI);
    add(0x100000000, 0x100000000, E820_RAM);
    CHECK_EQ(e820_total_ram(&bi), 0x9fc00 + 0x7ee0000 + 0x100000000);

    /* Overlapping RAM is counted as given; the sum saturates. */
    reset();
    add(0x0, 0x8000000000000000, E820_RAM);
    add(0x0, 0x8000000000000000, E820_RAM);
    add(0x0, 0x1000, E820_RAM);
    CHECK(e820_total_ram(&bi) == UINT64_MAX);
    reset();
    add(0x0, 0x8000000000000000, E820_RAM);
    add(0x0, 0x7fffffffffffffff, E820_RAM);
    CHECK(e820_total_ram(&bi) == UINT64_MAX);
}

static struct ram_range rr[16];

TEST(ram_ranges_sorted_aligned_merged)
{
    unsigned int n;

    reset();
    add(0x100000, 0x7ee0000, E820_RAM);
    add(0x0, 0x9fc00, E820_RAM);            /* ends mid-page: rounded down */
    add(0x9fc00, 0x400, E820_RESERVED);
    add(0x100000000ul, 0x40000000, E820_RAM);
    add(0x140000000ul, 0x1000, E820_RAM);   /* adjacent: merged */
    add(0x7fe0000, 0x20000, E820_RESERVED);
    n = e820_ram_ranges(&bi, rr, 16);
    CHECK_EQ(n, 3);
    CHECK_EQ(rr[0].start, 0);
    CHECK_EQ(rr[0].end, 0x9f000);
    CHECK_EQ(rr[1].start, 0x100000);
    CHECK_EQ(rr[1].end, 0x7fe0000);
    CHECK_EQ(rr[2].start, 0x100000000ul);
    CHECK_EQ(rr[2].end, 0x140001000ul);
}

TEST(ram_ranges_contradictions_are_not_ram)
{
    unsigned int n;

    reset();
    add(0x0, 0x10000000, E820_RAM);
    add(0x1000000, 0x10, E820_ACPI);        /* inside: splits, page-rounded */
    add(0x8000000, 0x1000, E820_RAM);       /* duplicate RAM: merged */
    add(0xff00000, 0x200000, E820_RESERVED);/* overlaps the end */
    n = e820_ram_ranges(&bi, rr, 16);
    CHECK_EQ(n, 2);
    CHECK_EQ(rr[0].start, 0);
    CHECK_EQ(rr[0].end, 0x1000000);
    CHECK_EQ(rr[1].start, 0x1001000);
    CHECK_EQ(rr[1].end, 0xff00000);
}

TEST(ram_ranges_degenerate)
{
    reset();
    add(0x1000, 0x800, E820_RAM);           /* less than a page */
    add(0xfffffffffffff000ul, 0x2000, E820_RAM); /* wraps: ignored */
    add(0x200000, 0x100000, E820_RAM);
    add(0x0, ~0ul, E820_RESERVED);          /* everything reserved */
    CHECK_EQ(e820_ram_ranges(&bi, rr, 16), 0);
}

TEST(ram_ranges_overflow_warns)
{
    unsigned int i;

    reset();
    for ( i = 0; i < 20; i++ )
        add(i * 0x200000ul, 0x100000, E820_RAM);
    CHECK_EQ(e820_ram_ranges(&bi, rr, 16), 16);
    CHECK_LOG("too many RAM ranges");
    CHECK_EQ(rr[15].start, 15 * 0x200000ul);
}
