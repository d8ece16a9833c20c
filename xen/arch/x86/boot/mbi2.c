/*
 * mbi2.c: parse the Multiboot2 information structure into struct boot_info.
 *
 * Theory of operation
 * -------------------
 * The information structure (MBI) is untrusted, read-only input: an 8-byte
 * header { total_size, reserved } followed by tags. Each tag is { type, size }
 * and its payload; size counts the header but not the padding that brings the
 * next tag to an 8-byte boundary. A tag of type END and size 8 closes the
 * list. Nothing outside [mbi, mbi + total_size) is ever read, and total_size
 * itself must fit in the max_size bytes the caller says are mapped.
 *
 * Parsing is done in two passes, "check, then use":
 *
 *  1. mbi2_check_frame() walks the tag list looking only at the tag headers.
 *     It proves that every tag lies inside the structure and that an end tag
 *     exists. Any failure here is fatal (-EINVAL) and is the only message
 *     printed, because nothing after a broken tag header can be trusted.
 *
 *  2. mbi2_scan() walks the now-trusted list again. Each tag we care about is
 *     checked against the minimum size of its type; a tag that is too short is
 *     warned about and ignored. Modules are recorded as they come; for the
 *     tags that may appear once (command line, loader name, memory map, basic
 *     meminfo, ACPI) the last valid instance is remembered. Unknown types are
 *     legal and skipped silently.
 *
 * Finally the remembered tags are turned into boot_info fields: strings
 * (which must be NUL-terminated inside their tag, or else are replaced by a
 * static empty string: the MBI is never written), the memory map (from the
 * mmap tag, or synthesised from basic meminfo), and the ACPI RSDP (the v2+
 * copy preferred over the v1 copy).
 *
 * The memory map is recorded as the loader gave it. Entries of length zero
 * or wrapping past 2^64 are dropped, overlaps are reported but kept:
 * sanitising the map is the job of the memory allocator set-up.
 *
 * bi is cleared on entry and again on failure, so a failed parse never
 * leaves half-filled information behind.
 */

#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/multiboot2.h>
#include <xen/string.h>

#include <asm/bootinfo.h>

struct boot_info boot_info;

/* Minimum RSDP lengths: ACPI 1.0 (v1) and ACPI 2.0+ (v2, with XSDT). */
#define RSDP_V1_LEN 20
#define RSDP_V2_LEN 36

/* Overlapping memory map pairs listed one by one before summarising. */
#define MAX_OVERLAP_REPORTS 16

static const char empty_string[] = "";

/*
 * The tag types we use, with the least size each needs. For all but
 * MODULE only the last valid instance counts.
 */
#define NR_USED_TAGS (MB2_TAG_ACPI_NEW + 1)

static const struct {
    const char *name;
    uint32_t min_size;
} used_tag[NR_USED_TAGS] = {
    [MB2_TAG_CMDLINE] =
        { "command line", sizeof(struct mb2_tag_string) },
    [MB2_TAG_BOOTLOADER_NAME] =
        { "boot loader name", sizeof(struct mb2_tag_string) },
    [MB2_TAG_MODULE] =
        { "module", sizeof(struct mb2_tag_module) },
    [MB2_TAG_BASIC_MEMINFO] =
        { "basic meminfo", sizeof(struct mb2_tag_basic_meminfo) },
    [MB2_TAG_MMAP] =
        { "memory map", sizeof(struct mb2_tag_mmap) },
    [MB2_TAG_ACPI_OLD] =
        { "ACPI (RSDP v1)", sizeof(struct mb2_tag_acpi) + RSDP_V1_LEN },
    [MB2_TAG_ACPI_NEW] =
        { "ACPI (RSDP v2+)", sizeof(struct mb2_tag_acpi) + RSDP_V2_LEN },
};

struct mbi2_scan {
    const uint8_t *base;
    uint32_t end;                          /* offset of the end tag */
    const struct mb2_tag *last[NR_USED_TAGS];
    unsigned int count[NR_USED_TAGS];
};

static uint32_t tag_offset(const struct mbi2_scan *s, const struct mb2_tag *tag)
{
    return (uint32_t)((const uint8_t *)tag - s->base);
}

/* Offset of the tag following the one at off (of the given size). */
static uint64_t next_tag(uint64_t off, uint32_t size)
{
    return off + ROUNDUP((uint64_t)size, MB2_TAG_ALIGN);
}

/* Pass 1: every tag header in bounds, and an end tag present. */
static int mbi2_check_frame(const uint8_t *base, uint32_t total,
                            uint32_t *end)
{
    uint64_t off;

    for ( off = sizeof(struct mb2_info_header);
          off + sizeof(struct mb2_tag) <= total;
          off = next_tag(off, ((const struct mb2_tag *)(base + off))->size) )
    {
        const struct mb2_tag *tag = (const void *)(base + off);

        if ( tag->size < sizeof(*tag) )
        {
            printk(XENLOG_ERR "Multiboot2: tag %u at offset 0x%x has size "
                   "0x%x, smaller than its 8-byte header\n",
                   tag->type, (uint32_t)off, tag->size);
            return -EINVAL;
        }
        if ( tag->size > total - off )
        {
            printk(XENLOG_ERR "Multiboot2: tag %u at offset 0x%x has size 0x%x "
                   "running past the end of the information (total 0x%x)\n",
                   tag->type, (uint32_t)off, tag->size, total);
            return -EINVAL;
        }
        if ( tag->type == MB2_TAG_END )
        {
            if ( tag->size != sizeof(*tag) )
                printk(XENLOG_WARNING "Multiboot2: end tag at offset 0x%x has "
                       "size 0x%x instead of 0x8\n", (uint32_t)off, tag->size);
            *end = (uint32_t)off;
            return 0;
        }
    }

    printk(XENLOG_ERR "Multiboot2: no end tag within the 0x%x bytes of the "
           "information\n", total);
    return -EINVAL;
}

/*
 * A string held in a tag from byte 'from' to the end of the tag: returned
 * as is if NUL-terminated there, else warned about and replaced by "".
 */
static const char *tag_string(const struct mbi2_scan *s,
                              const struct mb2_tag *tag, uint32_t from,
                              const char *what)
{
    const char *str = (const char *)tag + from;

    if ( tag->size > from && memchr(str, '\0', tag->size - from) )
        return str;

    printk(XENLOG_WARNING "Multiboot2: %s in tag %u at offset 0x%x is not "
           "NUL-terminated within the tag; using an empty string\n",
           what, tag->type, tag_offset(s, tag));
    return empty_string;
}

static void scan_module(const struct mbi2_scan *s, const struct mb2_tag *tag,
                        struct boot_info *bi, unsigned int *dropped)
{
    const struct mb2_tag_module *mod = (const void *)tag;
    struct boot_module *bm;

    if ( mod->mod_end < mod->mod_start )
    {
        printk(XENLOG_WARNING "Multiboot2: module tag at offset 0x%x ends "
               "(0x%x) before it starts (0x%x); skipping it\n",
               tag_offset(s, tag), mod->mod_end, mod->mod_start);
        return;
    }
    if ( bi->nr_modules == BOOT_MAX_MODULES )
    {
        bi->modules_truncated = true;
        (*dropped)++;
        return;
    }

    bm = &bi->modules[bi->nr_modules++];
    bm->start = mod->mod_start;
    bm->size = mod->mod_end - mod->mod_start;
    bm->cmdline = tag_string(s, tag, offsetof(struct mb2_tag_module, cmdline),
                             "module command line");
}

/* An mmap tag whose entries cannot be walked is ignored as a whole. */
static bool mmap_tag_usable(const struct mbi2_scan *s,
                            const struct mb2_tag_mmap *mm)
{
    if ( mm->entry_size < sizeof(struct mb2_mmap_entry) ||
         !IS_ALIGNED(mm->entry_size, 8) )
    {
        printk(XENLOG_WARNING "Multiboot2: memory map tag at offset 0x%x has "
               "entry_size %u, but entries must be a multiple of 8 bytes "
               "and at least %u; ignoring it\n",
               tag_offset(s, (const void *)mm), mm->entry_size,
               (unsigned int)sizeof(struct mb2_mmap_entry));
        return false;
    }
    return true;
}

/* Pass 2: check tag sizes, record modules, remember the other tags. */
static void mbi2_scan(struct mbi2_scan *s, struct boot_info *bi)
{
    unsigned int dropped = 0, t;
    uint64_t off;

    for ( off = sizeof(struct mb2_info_header); off < s->end;
          off = next_tag(off, ((const struct mb2_tag *)(s->base + off))->size) )
    {
        const struct mb2_tag *tag = (const void *)(s->base + off);
        uint32_t type = tag->type;

        if ( type >= NR_USED_TAGS || !used_tag[type].min_size )
            continue;                       /* legal, but of no interest */

        if ( tag->size < used_tag[type].min_size )
            printk(XENLOG_WARNING "Multiboot2: %s tag at offset 0x%x has size "
                   "0x%x, smaller than the 0x%x it needs; ignoring it\n",
                   used_tag[type].name, (uint32_t)off, tag->size,
                   used_tag[type].min_size);
        else if ( type == MB2_TAG_MODULE )
            scan_module(s, tag, bi, &dropped);
        else if ( type != MB2_TAG_MMAP ||
                  mmap_tag_usable(s, (const void *)tag) )
        {
            s->last[type] = tag;
            s->count[type]++;
        }
    }

    for ( t = 0; t < NR_USED_TAGS; t++ )
        if ( s->count[t] > 1 )
            printk(XENLOG_WARNING "Multiboot2: %u %s tags; using the last one, "
                   "at offset 0x%x\n", s->count[t], used_tag[t].name,
                   tag_offset(s, s->last[t]));

    if ( dropped )
        printk(XENLOG_WARNING "Multiboot2: %u more modules than the %u "
               "supported; ignoring them\n", dropped, BOOT_MAX_MODULES);
}

/*
 * Append [addr, addr + len) to the map. Returns false if the map is full
 * (the caller counts what is dropped).
 */
static bool memmap_add(struct boot_info *bi, uint64_t addr, uint64_t len,
                       uint32_t type)
{
    struct boot_memmap_entry *e;

    if ( bi->nr_memmap == BOOT_MAX_MEMMAP )
    {
        bi->memmap_truncated = true;
        return false;
    }

    e = &bi->memmap[bi->nr_memmap++];
    e->addr = addr;
    e->size = len;
    e->type = type;
    return true;
}

/* Copy the entries of a (usable) mmap tag into bi->memmap. */
static void parse_mmap(const struct mbi2_scan *s,
                       const struct mb2_tag_mmap *mm, struct boot_info *bi)
{
    const uint8_t *p = (const uint8_t *)(mm + 1);
    uint32_t bytes = mm->size - sizeof(*mm);
    unsigned int i, nr = bytes / mm->entry_size, dropped = 0;

    if ( mm->entry_version != 0 )
        printk(XENLOG_WARNING "Multiboot2: memory map tag at offset 0x%x has "
               "entry_version %u, not 0; reading its entries as version 0\n",
               tag_offset(s, (const void *)mm), mm->entry_version);
    if ( bytes % mm->entry_size )
        printk(XENLOG_WARNING "Multiboot2: memory map tag at offset 0x%x ends "
               "with %u bytes that are not a whole entry; ignoring them\n",
               tag_offset(s, (const void *)mm), bytes % mm->entry_size);

    for ( i = 0; i < nr; i++, p += mm->entry_size )
    {
        const struct mb2_mmap_entry *e = (const void *)p;

        if ( e->len == 0 )
            printk(XENLOG_WARNING "Multiboot2: memory map entry %u (at 0x%lx, "
                   "type %u) has length 0; skipping it\n",
                   i, e->addr, e->type);
        else if ( e->addr + e->len - 1 < e->addr )
            printk(XENLOG_WARNING "Multiboot2: memory map entry %u (at 0x%lx, "
                   "length 0x%lx) runs past the end of the address space; "
                   "skipping it\n", i, e->addr, e->len);
        else if ( !memmap_add(bi, e->addr, e->len, e->type) )
            dropped++;
    }

    if ( dropped )
        printk(XENLOG_WARNING "Multiboot2: memory map has %u more entries "
               "than the %u supported; ignoring them\n",
               dropped, BOOT_MAX_MEMMAP);
}

/* Build a two-range map from lower and upper memory (in KiB). */
static void parse_meminfo(const struct mb2_tag_basic_meminfo *mi,
                          struct boot_info *bi)
{
    uint32_t lower = mi->mem_lower;

    printk(XENLOG_WARNING "Multiboot2: no usable memory map tag; synthesising "
           "one from basic meminfo (lower %u KiB, upper %u KiB)\n",
           mi->mem_lower, mi->mem_upper);

    /* Above 640 KiB lie the video memory and the BIOS ROMs. */
    if ( lower > 640 )
    {
        printk(XENLOG_WARNING "Multiboot2: basic meminfo lower memory %u KiB "
               "exceeds 640 KiB; using 640 KiB\n", lower);
        lower = 640;
    }

    if ( lower )
        memmap_add(bi, 0, (uint64_t)lower << 10, E820_RAM);
    if ( mi->mem_upper )
        memmap_add(bi, 1UL << 20, (uint64_t)mi->mem_upper << 10, E820_RAM);
    bi->memmap_from_meminfo = true;
}

/* Report overlapping ranges; the map itself is left as given. */
static void check_overlaps(const struct boot_info *bi)
{
    unsigned int i, j, found = 0;

    for ( i = 0; i < bi->nr_memmap; i++ )
    {
        const struct boot_memmap_entry *a = &bi->memmap[i];

        for ( j = i + 1; j < bi->nr_memmap; j++ )
        {
            const struct boot_memmap_entry *b = &bi->memmap[j];

            if ( a->addr > b->addr + b->size - 1 ||
                 b->addr > a->addr + a->size - 1 )
                continue;
            if ( found++ < MAX_OVERLAP_REPORTS )
                printk(XENLOG_WARNING "Multiboot2: memory map ranges "
                       "[0x%lx, 0x%lx] (type %u) and [0x%lx, 0x%lx] (type %u) "
                       "overlap\n", a->addr, a->addr + a->size - 1, a->type,
                       b->addr, b->addr + b->size - 1, b->type);
        }
    }

    if ( found > MAX_OVERLAP_REPORTS )
        printk(XENLOG_WARNING "Multiboot2: %u more overlapping pairs of memory "
               "map entries not listed\n", found - MAX_OVERLAP_REPORTS);
}

static int mbi2_memmap(const struct mbi2_scan *s, struct boot_info *bi)
{
    const struct mb2_tag *mmap = s->last[MB2_TAG_MMAP];
    const struct mb2_tag *meminfo = s->last[MB2_TAG_BASIC_MEMINFO];

    if ( mmap )
    {
        parse_mmap(s, (const void *)mmap, bi);
        if ( !bi->nr_memmap )
            printk(XENLOG_WARNING "Multiboot2: memory map tag at offset 0x%x "
                   "has no usable entries\n", tag_offset(s, mmap));
    }
    if ( !bi->nr_memmap && meminfo )
        parse_meminfo((const void *)meminfo, bi);

    if ( !bi->nr_memmap )
    {
        printk(XENLOG_ERR "Multiboot2: no memory map: neither a usable mmap "
               "tag nor a non-empty basic meminfo tag\n");
        return -EINVAL;
    }

    check_overlaps(bi);
    return 0;
}

static void mbi2_acpi(const struct mbi2_scan *s, struct boot_info *bi)
{
    const struct mb2_tag *tag = s->last[MB2_TAG_ACPI_NEW];

    if ( !tag )
        tag = s->last[MB2_TAG_ACPI_OLD];
    if ( !tag )
        return;

    bi->rsdp = ((const struct mb2_tag_acpi *)tag)->rsdp;
    bi->rsdp_len = tag->size - sizeof(struct mb2_tag_acpi);
    bi->rsdp_tag = tag->type;
}

static void mbi2_strings(const struct mbi2_scan *s, struct boot_info *bi)
{
    const struct mb2_tag *tag = s->last[MB2_TAG_CMDLINE];

    bi->cmdline = empty_string;
    if ( tag )
        bi->cmdline = tag_string(s, tag, sizeof(struct mb2_tag_string),
                                 "command line");

    tag = s->last[MB2_TAG_BOOTLOADER_NAME];
    if ( tag )
        bi->loader = tag_string(s, tag, sizeof(struct mb2_tag_string),
                                "boot loader name");
}

/* The header: readable, aligned, and a total_size that fits. */
static int mbi2_check_header(const void *mbi, uint32_t max_size,
                             paddr_t mbi_phys, uint32_t *total)
{
    const struct mb2_info_header *hdr = mbi;
    uint32_t min = sizeof(*hdr) + sizeof(struct mb2_tag);

    if ( !mbi || !IS_ALIGNED((uintptr_t)mbi, MB2_TAG_ALIGN) )
    {
        printk(XENLOG_ERR "Multiboot2: information at 0x%lx is %s\n", mbi_phys,
               mbi ? "not 8-byte aligned" : "missing (NULL pointer)");
        return -EINVAL;
    }
    if ( max_size < sizeof(*hdr) )
    {
        printk(XENLOG_ERR "Multiboot2: only 0x%x bytes of information "
               "available, fewer than its 8-byte header\n", max_size);
        return -EINVAL;
    }

    *total = hdr->total_size;
    if ( *total < min )
    {
        printk(XENLOG_ERR "Multiboot2: total_size 0x%x is too small (at least "
               "0x%x: header and end tag)\n", *total, min);
        return -EINVAL;
    }
    if ( *total > max_size )
    {
        printk(XENLOG_ERR "Multiboot2: total_size 0x%x exceeds the 0x%x bytes "
               "available\n", *total, max_size);
        return -EINVAL;
    }
    if ( !IS_ALIGNED(*total, MB2_TAG_ALIGN) )
        printk(XENLOG_WARNING "Multiboot2: total_size 0x%x is not a multiple "
               "of 8\n", *total);
    return 0;
}

int mbi2_parse(const void *mbi, uint32_t max_size, paddr_t mbi_phys,
               struct boot_info *bi)
{
    struct mbi2_scan s = { .base = mbi };
    uint32_t total;
    int rc;

    memset(bi, 0, sizeof(*bi));

    rc = mbi2_check_header(mbi, max_size, mbi_phys, &total);
    if ( !rc )
        rc = mbi2_check_frame(s.base, total, &s.end);
    if ( rc )
        return rc;

    mbi2_scan(&s, bi);
    rc = mbi2_memmap(&s, bi);
    if ( rc )
    {
        memset(bi, 0, sizeof(*bi));
        return rc;
    }

    mbi2_strings(&s, bi);
    mbi2_acpi(&s, bi);
    bi->mbi_start = mbi_phys;
    bi->mbi_size = total;
    return 0;
}
