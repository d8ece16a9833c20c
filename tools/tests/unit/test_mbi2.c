/*
 * test_mbi2.c: mbi2_parse() on well-formed and malformed Multiboot2
 * information structures.
 *
 * Each case builds an image with the small builder below (mb_*()), then
 * parse() runs mbi2_parse() on it twice: once with the image starting right
 * after an inaccessible page, once with it ending right before one. The
 * image pages are read-only during the parse. A read outside the image or
 * any write to it faults; the fault is caught and fails the case.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/multiboot2.h>

#include <asm/bootinfo.h>

#include "harness.h"

#define IMG_MAX   (16 * 1024)
#define MBI_PHYS  0x10000UL

/* --- The image builder. --- */

static uint8_t img[IMG_MAX] __attribute__((aligned(8)));
static uint32_t img_len;
static uint32_t open_tag;           /* offset of the tag being built */

static struct mb2_tag *mb_cur(void)
{
    return (struct mb2_tag *)(img + open_tag);
}

static struct mb2_info_header *mb_hdr(void)
{
    return (struct mb2_info_header *)img;
}

/* Start an image: the header, total_size filled in by mb_end(). */
static void mb_begin(void)
{
    memset(img, 0, sizeof(img));
    img_len = sizeof(struct mb2_info_header);
}

static void mb_raw(const void *p, size_t n)
{
    if ( img_len + n > IMG_MAX )
    {
        fprintf(stderr, "test_mbi2: image too large\n");
        abort();
    }
    memcpy(img + img_len, p, n);
    img_len += n;
}

static void mb_u32(uint32_t v)
{
    mb_raw(&v, sizeof(v));
}

static void mb_u64(uint64_t v)
{
    mb_raw(&v, sizeof(v));
}

/* Bring the image to an 8-byte boundary (zero padding). */
static void mb_align(void)
{
    img_len = ROUNDUP(img_len, MB2_TAG_ALIGN);
}

static void mb_open(uint32_t type)
{
    mb_align();
    open_tag = img_len;
    mb_u32(type);
    mb_u32(0);
}

/* Close the open tag: its size is everything written since mb_open(). */
static void mb_close(void)
{
    mb_cur()->size = img_len - open_tag;
    mb_align();
}

static void mb_string(uint32_t type, const char *s)
{
    mb_open(type);
    mb_raw(s, strlen(s) + 1);
    mb_close();
}

static void mb_module(uint32_t start, uint32_t end, const char *cmdline)
{
    mb_open(MB2_TAG_MODULE);
    mb_u32(start);
    mb_u32(end);
    mb_raw(cmdline, strlen(cmdline) + 1);
    mb_close();
}

static void mb_meminfo(uint32_t lower, uint32_t upper)
{
    mb_open(MB2_TAG_BASIC_MEMINFO);
    mb_u32(lower);
    mb_u32(upper);
    mb_close();
}

/* An mmap tag; add entries with mb_entry(), then mb_close(). */
static void mb_mmap_open(uint32_t entry_size)
{
    mb_open(MB2_TAG_MMAP);
    mb_u32(entry_size);
    mb_u32(0);
}

static void mb_entry(uint64_t addr, uint64_t len, uint32_t type)
{
    mb_u64(addr);
    mb_u64(len);
    mb_u32(type);
    mb_u32(0);
}

/* QEMU's map for a 128 MiB guest, as SeaBIOS reports it. */
static void mb_qemu_mmap(void)
{
    mb_mmap_open(sizeof(struct mb2_mmap_entry));
    mb_entry(0x0, 0x9fc00, E820_RAM);
    mb_entry(0x9fc00, 0x400, E820_RESERVED);
    mb_entry(0xf0000, 0x10000, E820_RESERVED);
    mb_entry(0x100000, 0x7ee0000, E820_RAM);
    mb_entry(0x7fe0000, 0x20000, E820_RESERVED);
    mb_entry(0xfffc0000, 0x40000, E820_RESERVED);
    mb_close();
}

/* An ACPI tag holding an RSDP of len bytes. */
static void mb_acpi(uint32_t type, uint32_t len)
{
    static const char sig[8] = "RSD PTR ";
    uint32_t i;

    mb_open(type);
    mb_raw(sig, len < sizeof(sig) ? len : sizeof(sig));
    for ( i = sizeof(sig); i < len; i++ )
        mb_raw("\x5a", 1);
    mb_close();
}

/* The end tag; total_size becomes the image length. */
static void mb_end(void)
{
    mb_open(MB2_TAG_END);
    mb_close();
    mb_hdr()->total_size = img_len;
}

/* The smallest image that parses: memory info and the end tag. */
static void mb_minimal(void)
{
    mb_begin();
    mb_meminfo(639, 129920);
    mb_end();
}

/* --- Parsing between guard pages. --- */

#define DATA_PAGES (IMG_MAX / 4096 + 1)

static uint8_t *region;             /* guard, DATA_PAGES, guard */
static long page;
static sigjmp_buf fault_jmp;

static void on_fault(int sig)
{
    siglongjmp(fault_jmp, 1);
}

static uint8_t *region_data(void)
{
    if ( !region )
    {
        page = sysconf(_SC_PAGESIZE);
        region = mmap(NULL, (DATA_PAGES + 2) * page, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if ( region == MAP_FAILED )
        {
            perror("test_mbi2: mmap");
            abort();
        }
    }
    return region + page;
}

/*
 * Parse len bytes of img placed at offset 'at' of the data pages, which are
 * read-only meanwhile. Returns false if the parse faulted.
 */
static bool parse_at(size_t at, uint32_t len, uint32_t max_size,
                     struct boot_info *bi, int *rc)
{
    uint8_t *data = region_data();
    struct sigaction sa = { .sa_handler = on_fault }, old_segv, old_bus;
    bool ok = true;

    mprotect(data, DATA_PAGES * page, PROT_READ | PROT_WRITE);
    memset(data, 0xee, DATA_PAGES * page);
    memcpy(data + at, img, len);
    mprotect(data, DATA_PAGES * page, PROT_READ);

    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
    if ( sigsetjmp(fault_jmp, 1) == 0 )
        *rc = mbi2_parse(data + at, max_size, MBI_PHYS, bi);
    else
        ok = false;
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);

    return ok;
}

/*
 * Parse the first len bytes of img, passing max_size, with the image both
 * right after and right before a guard page. The log and bi are those of
 * the second parse; the return codes must agree.
 */
static int parse_len(uint32_t len, uint32_t max_size, struct boot_info *bi)
{
    size_t tail;
    struct boot_info first;
    int rc1 = 1, rc2 = 1;
    bool stayed_inside_image;

    region_data();                          /* sets page */
    tail = ROUNDDOWN(DATA_PAGES * page - len, MB2_TAG_ALIGN);

    stayed_inside_image = parse_at(0, len, max_size, &first, &rc1);
    CHECK(stayed_inside_image);
    harness_log_clear();
    stayed_inside_image = parse_at(tail, len, max_size, bi, &rc2);
    CHECK(stayed_inside_image);
    CHECK_EQ(rc1, rc2);
    return rc2;
}

static int parse(struct boot_info *bi)
{
    return parse_len(img_len, img_len, bi);
}

/* True if every byte of bi is zero: a failed parse leaves nothing behind. */
static bool bi_is_clear(const struct boot_info *bi)
{
    const uint8_t *p = (const uint8_t *)bi;
    size_t i;

    for ( i = 0; i < sizeof(*bi); i++ )
        if ( p[i] )
            return false;
    return true;
}

static struct boot_info bi;

/* --- A well-formed structure, as GRUB 2.06 builds it under QEMU. --- */

static void mb_grub2(void)
{
    mb_begin();
    mb_open(MB2_TAG_LOAD_BASE_ADDR);
    mb_u32(0x200000);
    mb_close();
    mb_string(MB2_TAG_CMDLINE, "console=com1 loglvl=all");
    mb_string(MB2_TAG_BOOTLOADER_NAME, "GRUB 2.06");
    mb_module(0x1000000, 0x1a3c000,
              "/boot/vmlinuz console=hvc0 root=/dev/vda1");
    mb_module(0x1a3c000, 0x2000000, "/boot/initrd.img");
    mb_meminfo(639, 129920);
    mb_open(MB2_TAG_BOOTDEV);
    mb_u32(0x80);
    mb_u32(0);
    mb_u32(0xffffffff);
    mb_close();
    mb_qemu_mmap();
    mb_open(MB2_TAG_FRAMEBUFFER);
    mb_u64(0xb8000);
    mb_u32(160);
    mb_u32(80);
    mb_u32(25);
    mb_raw("\x10\x02\x00\x00", 4);
    mb_close();
    mb_acpi(MB2_TAG_ACPI_OLD, 20);
    mb_end();
}

static const char qemu_e820[] =
    "Xen-e820 RAM map:\n"
    " [0000000000000000, 000000000009fbff] (usable)\n"
    " [000000000009fc00, 000000000009ffff] (reserved)\n"
    " [00000000000f0000, 00000000000fffff] (reserved)\n"
    " [0000000000100000, 0000000007fdffff] (usable)\n"
    " [0000000007fe0000, 0000000007ffffff] (reserved)\n"
    " [00000000fffc0000, 00000000ffffffff] (reserved)\n";

TEST(grub2_structure_parses_completely)
{
    mb_grub2();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(), "");

    CHECK_STREQ(bi.cmdline, "console=com1 loglvl=all");
    CHECK_STREQ(bi.loader, "GRUB 2.06");

    CHECK_EQ(bi.nr_modules, 2);
    CHECK(!bi.modules_truncated);
    CHECK_EQ(bi.modules[0].start, 0x1000000);
    CHECK_EQ(bi.modules[0].size, 0xa3c000);
    CHECK_STREQ(bi.modules[0].cmdline,
                "/boot/vmlinuz console=hvc0 root=/dev/vda1");
    CHECK_EQ(bi.modules[1].start, 0x1a3c000);
    CHECK_EQ(bi.modules[1].size, 0x5c4000);
    CHECK_STREQ(bi.modules[1].cmdline, "/boot/initrd.img");

    CHECK_EQ(bi.nr_memmap, 6);
    CHECK(!bi.memmap_truncated);
    CHECK(!bi.memmap_from_meminfo);
    CHECK_EQ(bi.memmap[3].addr, 0x100000);
    CHECK_EQ(bi.memmap[3].size, 0x7ee0000);
    CHECK_EQ(bi.memmap[3].type, E820_RAM);
    CHECK_EQ(e820_total_ram(&bi), 0x9fc00 + 0x7ee0000);

    CHECK(bi.rsdp != NULL);
    CHECK(bi.rsdp && !memcmp(bi.rsdp, "RSD PTR ", 8));
    CHECK_EQ(bi.rsdp_len, 20);
    CHECK_EQ(bi.rsdp_tag, MB2_TAG_ACPI_OLD);

    CHECK_EQ(bi.mbi_start, MBI_PHYS);
    CHECK_EQ(bi.mbi_size, img_len);

    e820_print(&bi);
    CHECK_STREQ(harness_log(), qemu_e820);
}

TEST(strings_point_into_the_structure)
{
    const struct boot_info *b = &bi;

    mb_grub2();
    CHECK_EQ(parse(&bi), 0);
    /* The strings are the loader's bytes, not copies. */
    CHECK((const uint8_t *)b->cmdline > region &&
          (const uint8_t *)b->cmdline < region + (DATA_PAGES + 1) * page);
}

TEST(defaults_without_optional_tags)
{
    mb_minimal();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(), XENLOG_WARNING "Multiboot2: no usable memory "
                "map tag; synthesising one from basic meminfo (lower 639 KiB, "
                "upper 129920 KiB)\n");
    CHECK_STREQ(bi.cmdline, "");
    CHECK(bi.loader == NULL);
    CHECK_EQ(bi.nr_modules, 0);
    CHECK(bi.rsdp == NULL);
    CHECK_EQ(bi.rsdp_len, 0);
}

/* --- The frame: header, tag headers, end tag. --- */

TEST(total_size_too_small)
{
    mb_begin();
    mb_hdr()->total_size = 8;
    img_len = 16;
    CHECK_EQ(parse(&bi), -EINVAL);
    CHECK_STREQ(harness_log(), XENLOG_ERR "Multiboot2: total_size 0x8 is too "
                "small (at least 0x10: header and end tag)\n");
    CHECK(bi_is_clear(&bi));

    mb_hdr()->total_size = 0;
    CHECK_EQ(parse(&bi), -EINVAL);
    CHECK_LOG("Multiboot2: total_size 0x0 is too small");
}

TEST(total_size_larger_than_max_size)
{
    mb_minimal();
    CHECK_EQ(img_len, 0x20);
    mb_hdr()->total_size = 0x28;
    CHECK_EQ(parse(&bi), -EINVAL);
    CHECK_STREQ(harness_log(), XENLOG_ERR "Multiboot2: total_size 0x28 "
                "exceeds the 0x20 bytes available\n");

    mb_hdr()->total_size = 0xffffffff;
    CHECK_EQ(parse(&bi), -EINVAL);
    CHECK_LOG("total_size 0xffffffff exceeds the 0x20 bytes available");
    CHECK(bi_is_clear(&bi));
}

TEST(max_size_below_header)
{
    mb_minimal();
    CHECK_EQ(parse_len(4, 4, &bi), -EINVAL);
    CHECK_STREQ(harness_log(), XENLOG_ERR "Multiboot2: only 0x4 bytes of "
                "information available, fewer than its 8-byte header\n");
    CHECK_EQ(parse_len(0, 0, &bi), -EINVAL);
    CHECK_LOG("only 0x0 bytes of information available");
}

TEST(misaligned_or_null_structure)
{
    static uint8_t buf[64] __attribute__((aligned(8)));

    memset(&bi, 0x5a, sizeof(bi));
    CHECK_EQ(mbi2_parse(buf + 4, 32, 0x10004, &bi), -EINVAL);
    CHECK_STREQ(harness_log(), XENLOG_ERR "Multiboot2: information at "
                "0x10004 is not 8-byte aligned\n");
    CHECK(bi_is_clear(&bi));

    harness_log_clear();
    CHECK_EQ(mbi2_parse(NULL, 32, 0, &bi), -EINVAL);
    CHECK_STREQ(harness_log(), XENLOG_ERR "Multiboot2: information at 0x0 "
                "is missing (NULL pointer)\n");
}

TEST(total_size_not_multiple_of_8)
{
    mb_minimal();
    mb_hdr()->total_size = img_len + 4;
    CHECK_EQ(parse_len(img_len + 4, img_len + 4, &bi), 0);
    CHECK_LOG(XENLOG_WARNING "Multiboot2: total_size 0x24 is not a multiple "
              "of 8\n");
    CHECK_EQ(bi.nr_memmap, 2);
}

TEST(tag_size_below_header)
{
    mb_begin();
    mb_string(MB2_TAG_CMDLINE, "x");
    mb_open(MB2_TAG_BOOTDEV);
    mb_cur()->size = 4;                      /* would loop forever at 0 */
    img_len += 8;
    mb_meminfo(639, 1024);
    mb_end();
    memset(&bi, 0x5a, sizeof(bi));
    CHECK_EQ(parse(&bi), -EINVAL);
    CHECK_STREQ(harness_log(), XENLOG_ERR "Multiboot2: tag 5 at offset 0x18 "
                "has size 0x4, smaller than its 8-byte header\n");
    CHECK(bi_is_clear(&bi));

    ((struct mb2_tag *)(img + 0x18))->size = 0;
    CHECK_EQ(parse(&bi), -EINVAL);
    CHECK_LOG("tag 5 at offset 0x18 has size 0x0, smaller than its 8-byte");
}

TEST(tag_running_past_the_end)
{
    mb_begin();
    mb_meminfo(639, 129920);                 /* 0x08 */
    mb_string(MB2_TAG_CMDLINE, "console=com1 loglvl=all"); /* 0x18 */
    mb_open(MB2_TAG_LOAD_BASE_ADDR);         /* 0x38 */
    mb_u32(0x200000);
    mb_close();
    mb_open(MB2_TAG_MODULE);                 /* 0x48 */
    mb_u32(0x1000000);
    mb_u32(0x2000000);
    mb_cur()->size = 0x4000;
    img_len = 0x200;
    mb_hdr()->total_size = 0x200;
    memset(&bi, 0x5a, sizeof(bi));
    CHECK_EQ(parse(&bi), -EINVAL);
    CHECK_STREQ(harness_log(), XENLOG_ERR "Multiboot2: tag 3 at offset 0x48 "
                "has size 0x4000 running past the end of the information "
                "(total 0x200)\n");
    CHECK(bi_is_clear(&bi));

    /* One byte too many, on the last tag before the end tag. */
    mb_minimal();
    ((struct mb2_tag *)(img + 8))->size = 0x19;
    CHECK_EQ(parse(&bi), -EINVAL);
    CHECK_LOG("tag 4 at offset 0x8 has size 0x19 running past the end of "
              "the information (total 0x20)");

    /* The end tag itself too large. */
    mb_minimal();
    mb_cur()->size = 0x10;
    CHECK_EQ(parse(&bi), -EINVAL);
    CHECK_LOG("tag 0 at offset 0x18 has size 0x10 running past the end");
}

TEST(missing_end_tag)
{
    mb_begin();
    mb_meminfo(639, 129920);
    mb_qemu_mmap();
    mb_hdr()->total_size = img_len;
    memset(&bi, 0x5a, sizeof(bi));
    CHECK_EQ(parse(&bi), -EINVAL);
    CHECK_STREQ(harness_log(), XENLOG_ERR "Multiboot2: no end tag within the "
                "0xb8 bytes of the information\n");
    CHECK(bi_is_clear(&bi));

    /* Four bytes left over: too few for another tag header. */
    mb_hdr()->total_size = img_len + 4;
    CHECK_EQ(parse_len(img_len + 4, img_len + 4, &bi), -EINVAL);
    CHECK_LOG("no end tag within the 0xbc bytes");
}

TEST(end_tag_size_warning)
{
    mb_begin();
    mb_qemu_mmap();
    mb_open(MB2_TAG_END);
    mb_u64(0);
    mb_close();
    mb_hdr()->total_size = img_len;
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(), XENLOG_WARNING "Multiboot2: end tag at offset "
                "0xa8 has size 0x10 instead of 0x8\n");
}

TEST(tags_after_the_end_tag_are_ignored)
{
    mb_minimal();
    mb_string(MB2_TAG_CMDLINE, "after the end");
    mb_hdr()->total_size = img_len;
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(bi.cmdline, "");
}

TEST(unknown_tags_are_skipped_silently)
{
    mb_begin();
    mb_open(99);
    mb_u32(0xdeadbeef);
    mb_close();
    mb_open(0x12345678);
    mb_close();
    mb_open(MB2_TAG_EFI64);
    mb_u64(0x7f000000);
    mb_close();
    mb_open(MB2_TAG_ELF_SECTIONS);          /* used by nothing: any size */
    mb_close();
    mb_qemu_mmap();
    mb_open(0xffffffff);
    mb_raw("abc", 3);
    mb_close();
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(), "");
    CHECK_EQ(bi.nr_memmap, 6);
}

/* --- Tags too short for their type. --- */

TEST(tags_too_short_for_their_type)
{
    mb_begin();
    mb_open(MB2_TAG_MODULE);
    mb_u32(0x1000000);
    mb_close();
    mb_open(MB2_TAG_BASIC_MEMINFO);
    mb_u32(639);
    mb_close();
    mb_open(MB2_TAG_MMAP);
    mb_u32(24);
    mb_close();
    mb_qemu_mmap();
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(),
                XENLOG_WARNING "Multiboot2: module tag at offset 0x8 has size "
                "0xc, smaller than the 0x10 it needs; ignoring it\n"
                XENLOG_WARNING "Multiboot2: basic meminfo tag at offset 0x18 "
                "has size 0xc, smaller than the 0x10 it needs; ignoring it\n"
                XENLOG_WARNING "Multiboot2: memory map tag at offset 0x28 has "
                "size 0xc, smaller than the 0x10 it needs; ignoring it\n");
    CHECK_EQ(bi.nr_modules, 0);
    CHECK_EQ(bi.nr_memmap, 6);
}

/* --- Strings. --- */

TEST(unterminated_cmdline)
{
    mb_minimal();
    img_len = 8 + 16;
    mb_open(MB2_TAG_CMDLINE);
    mb_raw("console=com1", 12);             /* no NUL in the tag */
    mb_close();
    img[img_len - 4] = 'X';                 /* nor in the padding */
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_LOG(XENLOG_WARNING "Multiboot2: command line in tag 1 at offset "
              "0x18 is not NUL-terminated within the tag; using an empty "
              "string\n");
    CHECK_STREQ(bi.cmdline, "");

    /* A tag with no room for the string at all. */
    mb_minimal();
    img_len = 8 + 16;
    mb_open(MB2_TAG_CMDLINE);
    mb_close();
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_LOG("command line in tag 1 at offset 0x18 is not NUL-terminated");
    CHECK_STREQ(bi.cmdline, "");
}

TEST(unterminated_loader_name_and_module_cmdline)
{
    mb_minimal();
    img_len = 8 + 16;
    mb_open(MB2_TAG_BOOTLOADER_NAME);
    mb_raw("GRUB", 4);
    mb_close();
    mb_open(MB2_TAG_MODULE);
    mb_u32(0x1000000);
    mb_u32(0x1001000);
    mb_raw("/boot/vmlinuz", 13);
    mb_close();
    img[img_len - 3] = 'X';
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_LOG(XENLOG_WARNING "Multiboot2: module command line in tag 3 at "
              "offset 0x28 is not NUL-terminated within the tag; using an "
              "empty string\n");
    CHECK_LOG(XENLOG_WARNING "Multiboot2: boot loader name in tag 2 at offset "
              "0x18 is not NUL-terminated within the tag; using an empty "
              "string\n");
    CHECK_STREQ(bi.loader, "");
    CHECK_EQ(bi.nr_modules, 1);
    CHECK_STREQ(bi.modules[0].cmdline, "");
    CHECK_EQ(bi.modules[0].size, 0x1000);
}

TEST(duplicate_cmdline_uses_the_last)
{
    mb_minimal();
    img_len = 8 + 16;
    mb_string(MB2_TAG_CMDLINE, "first");
    mb_string(MB2_TAG_CMDLINE, "second");
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_LOG(XENLOG_WARNING "Multiboot2: 2 command line tags; using the "
              "last one, at offset 0x28\n");
    CHECK_STREQ(bi.cmdline, "second");
}

/* --- Modules. --- */

TEST(module_ending_before_it_starts)
{
    mb_begin();
    mb_qemu_mmap();
    mb_module(0x2000000, 0x1000000, "backwards");
    mb_module(0x3000000, 0x3000000, "empty");
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(), XENLOG_WARNING "Multiboot2: module tag at "
                "offset 0xa8 ends (0x1000000) before it starts (0x2000000); "
                "skipping it\n");
    CHECK_EQ(bi.nr_modules, 1);
    CHECK_STREQ(bi.modules[0].cmdline, "empty");
    CHECK_EQ(bi.modules[0].start, 0x3000000);
    CHECK_EQ(bi.modules[0].size, 0);
}

TEST(too_many_modules)
{
    unsigned int i;
    char name[16];

    mb_begin();
    mb_qemu_mmap();
    for ( i = 0; i < BOOT_MAX_MODULES + 2; i++ )
    {
        snprintf(name, sizeof(name), "mod%u", i);
        mb_module(0x1000000 + i * 0x1000, 0x1001000 + i * 0x1000, name);
    }
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(), XENLOG_WARNING "Multiboot2: 2 more modules "
                "than the 32 supported; ignoring them\n");
    CHECK_EQ(bi.nr_modules, BOOT_MAX_MODULES);
    CHECK(bi.modules_truncated);
    CHECK_STREQ(bi.modules[BOOT_MAX_MODULES - 1].cmdline, "mod31");
}

/* --- The memory map. --- */

TEST(mmap_entry_size_too_small)
{
    mb_begin();
    mb_mmap_open(16);
    mb_u64(0);
    mb_u64(0x9fc00);
    mb_close();
    mb_end();
    memset(&bi, 0x5a, sizeof(bi));
    CHECK_EQ(parse(&bi), -EINVAL);
    CHECK_STREQ(harness_log(),
                XENLOG_WARNING "Multiboot2: memory map tag at offset 0x8 has "
                "entry_size 16, but entries must be a multiple of 8 bytes and "
                "at least 24; ignoring it\n"
                XENLOG_ERR "Multiboot2: no memory map: neither a usable mmap "
                "tag nor a non-empty basic meminfo tag\n");
    CHECK(bi_is_clear(&bi));
}

TEST(mmap_entry_size_not_multiple_of_8)
{
    mb_begin();
    mb_meminfo(639, 129920);
    mb_mmap_open(28);
    mb_entry(0, 0x9fc00, E820_RAM);
    mb_u32(0);
    mb_close();
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(),
                XENLOG_WARNING "Multiboot2: memory map tag at offset 0x18 has "
                "entry_size 28, but entries must be a multiple of 8 bytes and "
                "at least 24; ignoring it\n"
                XENLOG_WARNING "Multiboot2: no usable memory map tag; "
                "synthesising one from basic meminfo (lower 639 KiB, upper "
                "129920 KiB)\n");
    CHECK(bi.memmap_from_meminfo);

    mb_begin();
    mb_mmap_open(20);
    mb_close();
    mb_end();
    CHECK_EQ(parse(&bi), -EINVAL);
    CHECK_LOG("memory map tag at offset 0x8 has entry_size 20, but entries");
}

TEST(mmap_with_larger_entries)
{
    mb_begin();
    mb_mmap_open(32);
    mb_entry(0, 0x9fc00, E820_RAM);
    mb_u64(0x1111111111111111);
    mb_entry(0x100000, 0x7ee0000, E820_RAM);
    mb_u64(0x2222222222222222);
    mb_close();
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(), "");
    CHECK_EQ(bi.nr_memmap, 2);
    CHECK_EQ(bi.memmap[1].addr, 0x100000);
    CHECK_EQ(bi.memmap[1].size, 0x7ee0000);
}

TEST(mmap_version_and_trailing_bytes)
{
    mb_begin();
    mb_mmap_open(24);
    ((struct mb2_tag_mmap *)mb_cur())->entry_version = 1;
    mb_entry(0, 0x9fc00, E820_RAM);
    mb_u64(0);                              /* 8 bytes: not an entry */
    mb_close();
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(),
                XENLOG_WARNING "Multiboot2: memory map tag at offset 0x8 has "
                "entry_version 1, not 0; reading its entries as version 0\n"
                XENLOG_WARNING "Multiboot2: memory map tag at offset 0x8 ends "
                "with 8 bytes that are not a whole entry; ignoring them\n");
    CHECK_EQ(bi.nr_memmap, 1);
}

TEST(mmap_without_entries)
{
    mb_begin();
    mb_mmap_open(24);
    mb_close();
    mb_end();
    CHECK_EQ(parse(&bi), -EINVAL);
    CHECK_STREQ(harness_log(),
                XENLOG_WARNING "Multiboot2: memory map tag at offset 0x8 has "
                "no usable entries\n"
                XENLOG_ERR "Multiboot2: no memory map: neither a usable mmap "
                "tag nor a non-empty basic meminfo tag\n");
    CHECK(bi_is_clear(&bi));

    /* With basic meminfo to fall back on. */
    mb_begin();
    mb_mmap_open(24);
    mb_close();
    mb_meminfo(639, 1024);
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_LOG("memory map tag at offset 0x8 has no usable entries");
    CHECK_LOG("synthesising one from basic meminfo (lower 639 KiB, upper "
              "1024 KiB)");
    CHECK(bi.memmap_from_meminfo);
    CHECK_EQ(bi.nr_memmap, 2);
}

TEST(mmap_zero_length_and_wrapping_entries)
{
    mb_begin();
    mb_mmap_open(24);
    mb_entry(0, 0x9fc00, E820_RAM);
    mb_entry(0x9fc00, 0, E820_RESERVED);
    mb_entry(0xfffffffffffff000, 0x2000, E820_RESERVED);
    mb_entry(0xfffffffffffff000, 0x1000, E820_RESERVED);  /* up to 2^64 */
    mb_close();
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(),
                XENLOG_WARNING "Multiboot2: memory map entry 1 (at 0x9fc00, "
                "type 2) has length 0; skipping it\n"
                XENLOG_WARNING "Multiboot2: memory map entry 2 (at "
                "0xfffffffffffff000, length 0x2000) runs past the end of the "
                "address space; skipping it\n");
    CHECK_EQ(bi.nr_memmap, 2);
    CHECK_EQ(bi.memmap[1].addr, 0xfffffffffffff000);
}

TEST(mmap_unknown_types_are_kept)
{
    mb_begin();
    mb_mmap_open(24);
    mb_entry(0, 0x9fc00, E820_RAM);
    mb_entry(0x100000000, 0x100000000, 7);
    mb_entry(0x200000000, 0x1000, 0xf00);
    mb_close();
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(), "");
    CHECK_EQ(bi.memmap[1].type, 7);
    CHECK_EQ(bi.memmap[2].type, 0xf00);
    e820_print(&bi);
    CHECK_STREQ(harness_log(),
                "Xen-e820 RAM map:\n"
                " [0000000000000000, 000000000009fbff] (usable)\n"
                " [0000000100000000, 00000001ffffffff] (type 7)\n"
                " [0000000200000000, 0000000200000fff] (type 3840)\n");
}

TEST(too_many_mmap_entries)
{
    unsigned int i;

    mb_begin();
    mb_mmap_open(24);
    for ( i = 0; i < BOOT_MAX_MEMMAP + 3; i++ )
        mb_entry((uint64_t)i << 20, 0x1000, i & 1 ? E820_RESERVED : E820_RAM);
    mb_close();
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(), XENLOG_WARNING "Multiboot2: memory map has 3 "
                "more entries than the 128 supported; ignoring them\n");
    CHECK_EQ(bi.nr_memmap, BOOT_MAX_MEMMAP);
    CHECK(bi.memmap_truncated);
    CHECK_EQ(bi.memmap[BOOT_MAX_MEMMAP - 1].addr,
             (uint64_t)(BOOT_MAX_MEMMAP - 1) << 20);
    CHECK_EQ(e820_total_ram(&bi), 64 * 0x1000);

    harness_log_clear();
    e820_print(&bi);
    CHECK_LOG(" [0000000007f00000, 0000000007f00fff] (reserved)\n"
              " (truncated: the boot loader gave more than 128 entries)\n");
}

TEST(overlapping_entries_are_warned_and_kept)
{
    mb_begin();
    mb_mmap_open(24);
    mb_entry(0, 0x9fc00, E820_RAM);
    mb_entry(0x100000, 0x7ee0000, E820_RAM);
    mb_entry(0x7fd0000, 0x30000, E820_RESERVED);
    mb_entry(0x7ffffff, 1, E820_NVS);        /* last byte of the above */
    mb_entry(0x8000000, 0x1000, E820_RESERVED);  /* adjacent: fine */
    mb_close();
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(),
                XENLOG_WARNING "Multiboot2: memory map ranges [0x100000, "
                "0x7fdffff] (type 1) and [0x7fd0000, 0x7ffffff] (type 2) "
                "overlap\n"
                XENLOG_WARNING "Multiboot2: memory map ranges [0x7fd0000, "
                "0x7ffffff] (type 2) and [0x7ffffff, 0x7ffffff] (type 4) "
                "overlap\n");
    CHECK_EQ(bi.nr_memmap, 5);
    CHECK_EQ(bi.memmap[2].addr, 0x7fd0000);
}

TEST(many_overlaps_are_summarised)
{
    unsigned int i;

    mb_begin();
    mb_mmap_open(24);
    for ( i = 0; i < 8; i++ )               /* 28 overlapping pairs */
        mb_entry(0x100000, 0x1000, E820_RAM);
    mb_close();
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_LOG(XENLOG_WARNING "Multiboot2: 12 more overlapping pairs of "
              "memory map entries not listed\n");
    CHECK_EQ(bi.nr_memmap, 8);
}

TEST(several_mmap_tags_use_the_last)
{
    mb_begin();
    mb_mmap_open(24);
    mb_entry(0, 0x1000, E820_RAM);
    mb_close();
    mb_qemu_mmap();
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(), XENLOG_WARNING "Multiboot2: 2 memory map tags; "
                "using the last one, at offset 0x30\n");
    CHECK_EQ(bi.nr_memmap, 6);

    /* An unusable later tag does not displace a good earlier one. */
    mb_begin();
    mb_qemu_mmap();
    mb_mmap_open(16);
    mb_close();
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(), XENLOG_WARNING "Multiboot2: memory map tag at "
                "offset 0xa8 has entry_size 16, but entries must be a "
                "multiple of 8 bytes and at least 24; ignoring it\n");
    CHECK_EQ(bi.nr_memmap, 6);
}

TEST(no_memory_information)
{
    mb_begin();
    mb_string(MB2_TAG_CMDLINE, "console=com1");
    mb_module(0x1000000, 0x2000000, "dom0");
    mb_acpi(MB2_TAG_ACPI_NEW, 36);
    mb_end();
    memset(&bi, 0x5a, sizeof(bi));
    CHECK_EQ(parse(&bi), -EINVAL);
    CHECK_STREQ(harness_log(), XENLOG_ERR "Multiboot2: no memory map: neither "
                "a usable mmap tag nor a non-empty basic meminfo tag\n");
    /* The module recorded before the failure is gone too. */
    CHECK(bi_is_clear(&bi));
}

TEST(only_basic_meminfo)
{
    mb_begin();
    mb_string(MB2_TAG_CMDLINE, "console=com1");
    mb_meminfo(639, 129920);
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(), XENLOG_WARNING "Multiboot2: no usable memory "
                "map tag; synthesising one from basic meminfo (lower 639 KiB, "
                "upper 129920 KiB)\n");
    CHECK(bi.memmap_from_meminfo);
    CHECK_EQ(bi.nr_memmap, 2);
    CHECK_EQ(e820_total_ram(&bi), 639 * 1024 + 129920 * 1024);

    harness_log_clear();
    e820_print(&bi);
    CHECK_STREQ(harness_log(),
                "Xen-e820 RAM map:\n"
                " [0000000000000000, 000000000009fbff] (usable)\n"
                " [0000000000100000, 0000000007fdffff] (usable)\n"
                " (synthesised from the boot loader's basic meminfo: lower "
                "and upper memory only)\n");
}

TEST(basic_meminfo_edge_values)
{
    mb_begin();
    mb_meminfo(1024, 0);
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_LOG(XENLOG_WARNING "Multiboot2: basic meminfo lower memory 1024 KiB "
              "exceeds 640 KiB; using 640 KiB\n");
    CHECK_EQ(bi.nr_memmap, 1);
    CHECK_EQ(bi.memmap[0].size, 640 * 1024);

    mb_begin();
    mb_meminfo(0, 0xffffffff);              /* 4 TiB: no 32-bit overflow */
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_EQ(bi.nr_memmap, 1);
    CHECK_EQ(bi.memmap[0].addr, 0x100000);
    CHECK_EQ(bi.memmap[0].size, 0xffffffffULL << 10);

    mb_begin();
    mb_meminfo(0, 0);
    mb_end();
    CHECK_EQ(parse(&bi), -EINVAL);
    CHECK_LOG(XENLOG_ERR "Multiboot2: no memory map: neither a usable mmap "
              "tag nor a non-empty basic meminfo tag\n");
    CHECK(bi_is_clear(&bi));
}

/* --- ACPI. --- */

TEST(acpi_tag_too_short)
{
    mb_begin();
    mb_qemu_mmap();
    mb_acpi(MB2_TAG_ACPI_OLD, 19);
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(), XENLOG_WARNING "Multiboot2: ACPI (RSDP v1) tag "
                "at offset 0xa8 has size 0x1b, smaller than the 0x1c it "
                "needs; ignoring it\n");
    CHECK(bi.rsdp == NULL);
    CHECK_EQ(bi.rsdp_len, 0);
    CHECK_EQ(bi.rsdp_tag, 0);

    /* A short v2 copy falls back to a good v1 copy. */
    mb_begin();
    mb_qemu_mmap();
    mb_acpi(MB2_TAG_ACPI_OLD, 20);
    mb_acpi(MB2_TAG_ACPI_NEW, 35);
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(), XENLOG_WARNING "Multiboot2: ACPI (RSDP v2+) tag "
                "at offset 0xc8 has size 0x2b, smaller than the 0x2c it "
                "needs; ignoring it\n");
    CHECK_EQ(bi.rsdp_tag, MB2_TAG_ACPI_OLD);
    CHECK_EQ(bi.rsdp_len, 20);
    CHECK(bi.rsdp && !memcmp(bi.rsdp, "RSD PTR ", 8));
}

TEST(acpi_new_preferred_over_old)
{
    mb_begin();
    mb_qemu_mmap();
    mb_acpi(MB2_TAG_ACPI_NEW, 36);
    mb_acpi(MB2_TAG_ACPI_OLD, 20);
    mb_end();
    CHECK_EQ(parse(&bi), 0);
    CHECK_STREQ(harness_log(), "");
    CHECK_EQ(bi.rsdp_tag, MB2_TAG_ACPI_NEW);
    CHECK_EQ(bi.rsdp_len, 36);
    CHECK(bi.rsdp && !memcmp(bi.rsdp, "RSD PTR ", 8));
}

/* --- Random corruption of a good image: never a fault, never half a bi. --- */

static uint32_t rng_state = 0x12345678;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* After a successful parse every pointer and range in bi is sane. */
static bool bi_is_sane(const struct boot_info *b, const uint8_t *lo,
                       const uint8_t *hi)
{
    unsigned int i;

    if ( !b->cmdline || b->nr_memmap == 0 || b->nr_memmap > BOOT_MAX_MEMMAP ||
         b->nr_modules > BOOT_MAX_MODULES )
        return false;
    for ( i = 0; i < b->nr_memmap; i++ )
        if ( b->memmap[i].size == 0 ||
             b->memmap[i].addr + b->memmap[i].size - 1 < b->memmap[i].addr )
            return false;
    for ( i = 0; i < b->nr_modules; i++ )
        if ( !b->modules[i].cmdline )
            return false;
    if ( b->rsdp && ((const uint8_t *)b->rsdp < lo ||
                     (const uint8_t *)b->rsdp + b->rsdp_len > hi) )
        return false;
    return true;
}

TEST(random_corruption)
{
    static uint8_t good[IMG_MAX] __attribute__((aligned(8)));
    uint32_t len, i, n, clean = 0, sane = 0, iters = 3000;
    const uint8_t *lo, *hi;
    int rc;

    mb_grub2();
    len = img_len;
    memcpy(good, img, len);

    for ( i = 0; i < iters; i++ )
    {
        memcpy(img, good, len);
        for ( n = 1 + rng() % 4; n; n-- )
        {
            uint32_t at = rng() % len;

            /* Mostly hit the size and type fields, where it hurts. */
            if ( rng() & 1 )
                at = ROUNDDOWN(at, 4);
            img[at] = rng() & 0xff;
        }
        harness_log_clear();
        memset(&bi, 0x5a, sizeof(bi));
        rc = parse(&bi);
        lo = (const uint8_t *)region + page;
        hi = lo + DATA_PAGES * page;
        if ( rc )
            clean += bi_is_clear(&bi) && rc == -EINVAL;
        else
            sane += bi_is_sane(&bi, lo, hi);
    }
    CHECK_EQ(clean + sane, iters);
}
