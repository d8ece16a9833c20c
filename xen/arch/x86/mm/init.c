/*
 * init.c: bringing up memory management at boot.
 *
 * Theory of operation. head.S left us on boot page tables mapping the
 * first 4 GiB (2 MiB pages) at the direct map and the image. From the
 * loader's memory map we derive the usable RAM (e820_ram_ranges()), and:
 *
 *   1. give the boot allocator the RAM below 4 GiB, minus the first MiB
 *      (firmware data, and the AP trampoline is taken from there), the
 *      image, the boot modules and the Multiboot2 information. Page-table
 *      pages allocated now are therefore reachable through the boot map;
 *   2. build idle_pg_table: the direct map (all of the first 4 GiB, as the
 *      boot map had it, so pointers into firmware tables stay valid; above
 *      that, RAM only), and the image with 4 KiB pages and per-section
 *      permissions (text RX, read-only data RO, data and BSS RW+NX) and the
 *      boot CPU's stack guard page unmapped; then switch to it with global
 *      pages enabled;
 *   3. give the boot allocator the RAM above 4 GiB, now mapped;
 *   4. map the frame table: one struct page_info per frame up to the
 *      highest RAM frame, in 2 MiB chunks, each chunk only if its 64 Ki
 *      frames contain RAM (so a large hole costs no frame table);
 *   5. hand what the boot allocator still holds to the buddy heap.
 *
 * Memory below 4 GiB in the direct map that is not RAM (MMIO, firmware) is
 * mapped write-back as on the boot map; the MTRRs the firmware set keep
 * device ranges uncached, and nothing dereferences those addresses except
 * firmware tables that are memory anyway.
 */
#include <asm/bootinfo.h>
#include <asm/current.h>
#include <asm/mm.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <xen/bitops.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/string.h>

#define MAX_RAM_RANGES 128
#define LOW_RESERVED   (1ul << 20)
#define GiB4           (4ul << 30)

/* One 2 MiB piece of the frame table describes this many frames. */
#define FT_CHUNK_BYTES   (1ul << L2_PAGETABLE_SHIFT)
#define FT_CHUNK_FRAMES  (FT_CHUNK_BYTES / sizeof(struct page_info))
#define FT_MAX_CHUNKS    ((FRAMETABLE_VIRT_END - FRAMETABLE_VIRT_START) / FT_CHUNK_BYTES)

static struct ram_range ram[MAX_RAM_RANGES];
static unsigned int nr_ram;
static unsigned long ft_chunk_valid[BITS_TO_LONGS(FT_MAX_CHUNKS)];
static unsigned long frametable_bytes;
paddr_t trampoline_phys;

/* The AP trampoline needs this much below 1 MiB (code and data). */
#define TRAMPOLINE_BYTES PAGE_SIZE

bool mfn_valid(mfn_t mfn)
{
    unsigned long chunk = mfn_x(mfn) / FT_CHUNK_FRAMES;

    return mfn_x(mfn) < max_page && chunk < FT_MAX_CHUNKS &&
           test_bit(chunk, ft_chunk_valid);
}

static void read_cpu_paging_features(void)
{
    struct cpuid_leaf r;

    cpuid(0x80000000, &r);
    if ( r.a >= 0x80000008 )
    {
        cpuid(0x80000008, &r);
        paddr_bits = r.a & 0xff;
    }
    cpuid(0x80000001, &r);
    cpu_has_page1gb = r.d & (1u << 26);
    printk(XENLOG_INFO "Paging: %u physical address bits, 1 GiB pages %s\n",
           paddr_bits, cpu_has_page1gb ? "yes" : "no");
}

/* RAM the machine has that the hypervisor can address and direct-map. */
static void find_ram(const struct boot_info *bi)
{
    uint64_t limit = min(1ul << paddr_bits,
                         DIRECTMAP_VIRT_END - DIRECTMAP_VIRT_START);
    unsigned int i, n;

    nr_ram = e820_ram_ranges(bi, ram, MAX_RAM_RANGES);
    for ( i = n = 0; i < nr_ram; i++ )
    {
        if ( ram[i].start >= limit )
        {
            printk(XENLOG_WARNING "Ignoring RAM [%016lx, %016lx): beyond the %lu GiB the hypervisor can map\n",
                   ram[i].start, ram[i].end, limit >> 30);
            continue;
        }
        ram[n] = ram[i];
        ram[n].end = min(ram[n].end, limit);
        n++;
    }
    nr_ram = n;
    if ( !nr_ram )
        panic("No usable RAM in the memory map\n");
}

/* Low RAM for the AP trampoline: the highest page below 640 KiB. */
static void find_trampoline(void)
{
    unsigned int i;

    for ( i = nr_ram; i-- > 0; )
    {
        uint64_t s = max(ram[i].start, (uint64_t)PAGE_SIZE);
        uint64_t e = min(ram[i].end, (uint64_t)0xa0000);

        if ( e > s && e - s >= TRAMPOLINE_BYTES )
        {
            trampoline_phys = e - TRAMPOLINE_BYTES;
            return;
        }
    }
    panic("No RAM below 640 KiB for the AP trampoline\n");
}

static void reserve(paddr_t s, paddr_t e)
{
    reserve_boot_pages(ROUNDDOWN(s, PAGE_SIZE), ROUNDUP(e, PAGE_SIZE));
}

/* Give [lo, hi) of the RAM to the boot allocator, minus what is in use. */
static void add_boot_ram(const struct boot_info *bi, uint64_t lo, uint64_t hi)
{
    unsigned int i;

    for ( i = 0; i < nr_ram; i++ )
    {
        uint64_t s = max(ram[i].start, lo), e = min(ram[i].end, hi);

        if ( s < e )
            init_boot_pages(s, e);
    }

    reserve(0, LOW_RESERVED);
    reserve(XEN_IMG_OFFSET, __pa(_end));
    reserve(bi->mbi_start, bi->mbi_start + bi->mbi_size);
    for ( i = 0; i < bi->nr_modules; i++ )
        reserve(bi->modules[i].start,
                bi->modules[i].start + bi->modules[i].size);
}

static void map_or_panic(unsigned long va, paddr_t pa, unsigned long bytes,
                         unsigned long flags)
{
    if ( map_pages_to_xen(va, maddr_to_mfn(pa), bytes >> PAGE_SHIFT, flags) )
        panic("Out of memory building the hypervisor's page tables\n");
}

static void map_directmap(void)
{
    unsigned int i;

    map_or_panic(DIRECTMAP_VIRT_START, 0, GiB4, PAGE_HYPERVISOR_RW);
    for ( i = 0; i < nr_ram; i++ )
    {
        uint64_t s = max(ram[i].start, (uint64_t)GiB4);

        if ( s < ram[i].end )
            map_or_panic((unsigned long)__va(s), s, ram[i].end - s,
                         PAGE_HYPERVISOR_RW);
    }
}

static void map_image_range(const char *s, const char *e, unsigned long flags)
{
    unsigned long vs = ROUNDDOWN((unsigned long)s, PAGE_SIZE);
    unsigned long ve = ROUNDUP((unsigned long)e, PAGE_SIZE);

    map_or_panic(vs, __pa((void *)vs), ve - vs, flags | MAP_SMALL_PAGES);
}

static void map_image(void)
{
    unsigned long guard = (unsigned long)cpu0_stack + 4 * PAGE_SIZE;

    BUILD_BUG_ON(XEN_IMG_OFFSET & ~PAGE_MASK);
    map_image_range(_start, _srodata, PAGE_HYPERVISOR_RX);
    map_image_range(_srodata, _sdata, PAGE_HYPERVISOR_RO);
    map_image_range(_sdata, _end, PAGE_HYPERVISOR_RW);
    /* The page between the IST stacks and the primary stack. */
    if ( destroy_xen_mappings(guard, guard + PAGE_SIZE) )
        panic("Cannot unmap the boot stack's guard page\n");
}

static void switch_to_idle_pg_table(void)
{
    write_cr3(__pa(idle_pg_table));
    write_cr4(read_cr4() | X86_CR4_PGE);
}

/* Frame-table chunk c describes frames [c * FT_CHUNK_FRAMES, ...). */
static bool chunk_has_ram(unsigned long c)
{
    uint64_t s = (uint64_t)c * FT_CHUNK_FRAMES << PAGE_SHIFT;
    uint64_t e = s + ((uint64_t)FT_CHUNK_FRAMES << PAGE_SHIFT);
    unsigned int i;

    for ( i = 0; i < nr_ram; i++ )
        if ( ram[i].start < e && ram[i].end > s )
            return true;
    return false;
}

static void map_frametable(void)
{
    unsigned long top = ram[nr_ram - 1].end >> PAGE_SHIFT, c;

    BUILD_BUG_ON(sizeof(struct page_info) != 32);
    BUILD_BUG_ON(FT_CHUNK_BYTES % sizeof(struct page_info));

    for ( c = 0; c * FT_CHUNK_FRAMES < top; c++ )
    {
        unsigned long frames = min(FT_CHUNK_FRAMES, top - c * FT_CHUNK_FRAMES);
        unsigned long bytes = ROUNDUP(frames * sizeof(struct page_info), PAGE_SIZE);
        unsigned long va = FRAMETABLE_VIRT_START + c * FT_CHUNK_BYTES;
        mfn_t mfn;

        if ( !chunk_has_ram(c) )
            continue;
        mfn = alloc_boot_pages(bytes >> PAGE_SHIFT,
                               bytes == FT_CHUNK_BYTES ? FT_CHUNK_BYTES >> PAGE_SHIFT : 1);
        map_or_panic(va, mfn_to_maddr(mfn), bytes, PAGE_HYPERVISOR_RW);
        memset((void *)va, 0, bytes);
        __set_bit(c, ft_chunk_valid);
        frametable_bytes += bytes;
    }
}

void init_memory(const struct boot_info *bi)
{
    read_cpu_paging_features();
    find_ram(bi);
    find_trampoline();

    add_boot_ram(bi, 0, GiB4);
    map_directmap();
    map_image();
    switch_to_idle_pg_table();

    add_boot_ram(bi, GiB4, ~0ul);
    map_frametable();
    end_boot_allocator();
    xen_pagetable_use_heap();
}

static uint64_t usable_ram_bytes(void)
{
    uint64_t total = 0;
    unsigned int i;

    for ( i = 0; i < nr_ram; i++ )
        total += ram[i].end - ram[i].start;
    return total;
}

void print_memory_usage(void)
{
    uint64_t total = usable_ram_bytes();
    unsigned long image = __pa(_end) - XEN_IMG_OFFSET;

    printk("Memory: %luMiB usable RAM, %luMiB free; image %luKiB, frame table %luKiB\n",
           (unsigned long)(total >> 20), total_free_pages() >> (20 - PAGE_SHIFT),
           image >> 10, frametable_bytes >> 10);
}

uint64_t hypervisor_used_bytes(uint64_t modules)
{
    return usable_ram_bytes() - ((uint64_t)total_free_pages() << PAGE_SHIFT) -
           modules;
}
