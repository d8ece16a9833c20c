/*
 * map.c: the hypervisor's own page tables.
 *
 * Theory of operation. Every hypervisor mapping lives under idle_pg_table,
 * the L4 that the idle vCPUs run on and whose hypervisor slots (256-271)
 * every guest L4 shares. The L3 tables of those slots are never freed, so
 * a slot copied into a guest L4 once stays correct whatever is later
 * mapped or unmapped below it.
 *
 * map_pages_to_xen() installs the largest pages the request allows: a
 * 1 GiB page (if the CPU has them) where virtual address, frame and the
 * remaining length are all 1 GiB aligned, else a 2 MiB page, else 4 KiB
 * pages. Mapping a smaller page inside an existing large one first splits
 * the large page into a table of the next size down with the same
 * contents, so the rest of the large page stays mapped as it was. A large
 * page replacing a table frees the table (once page tables come from the
 * heap).
 *
 * Page-table pages come from the boot allocator until the heap exists
 * (xen_pagetable_use_heap()). Before the final direct map is built, the
 * boot page tables only map the first 4 GiB, so setup gives the boot
 * allocator nothing above 4 GiB until then.
 *
 * Locking: map_lock serialises every edit of the hypervisor page tables.
 * It is taken with interrupts disabled (ioremap may be needed from IRQ
 * context by later drivers) and is a leaf lock: nothing else is taken
 * under it except the heap lock when a table page is allocated or freed.
 */
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <asm/mm.h>

intpte_t idle_pg_table[PAGETABLE_ENTRIES] __aligned(PAGE_SIZE)
    __section(".bss.page_aligned");

unsigned int paddr_bits = 36;
bool cpu_has_page1gb;

static DEFINE_SPINLOCK(map_lock);
static bool pt_from_heap;

#define LEVEL_SHIFT(l)  (PAGE_SHIFT + 9 * ((l) - 1))
#define LEVEL_BYTES(l)  (1ul << LEVEL_SHIFT(l))
#define LEVEL_PAGES(l)  (1ul << (9 * ((l) - 1)))
#define TABLE_INDEX(va, l) (((va) >> LEVEL_SHIFT(l)) & (PAGETABLE_ENTRIES - 1))

/* The PTE bit that means "large page" at L2/L3 is the PAT bit at L1. */
#define LEAF_FLAGS_MASK (~PTE_ADDR_MASK & ~MAP_SMALL_PAGES & ~_PAGE_PSE)

void xen_pagetable_use_heap(void)
{
    pt_from_heap = true;
}

static intpte_t *table_of(intpte_t e)
{
    return __va(e & PTE_ADDR_MASK);
}

static bool is_leaf(intpte_t e, unsigned int level)
{
    return level == 1 || (e & _PAGE_PSE);
}

static mfn_t alloc_pt_page(void)
{
    mfn_t mfn;

    if ( pt_from_heap )
    {
        struct page_info *pg = alloc_domheap_page(NULL, 0);

        if ( !pg )
            return INVALID_MFN;
        mfn = page_to_mfn(pg);
    }
    else
        mfn = alloc_boot_pages(1, 1);

    memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
    return mfn;
}

/* Free a table that a large page or an unmap replaced, with its subtables. */
static void free_pt_tree(intpte_t e, unsigned int level)
{
    intpte_t *t;
    unsigned int i;

    if ( !(e & _PAGE_PRESENT) || is_leaf(e, level) )
        return;
    t = table_of(e);
    for ( i = 0; i < PAGETABLE_ENTRIES; i++ )
        free_pt_tree(t[i], level - 1);
    if ( pt_from_heap )
        free_domheap_page(mfn_to_page(maddr_to_mfn(e & PTE_ADDR_MASK)));
}

/*
 * Turn the large page in *pe (at level 2 or 3) into a table of the next
 * level with the same mappings.
 */
static int split_large_page(intpte_t *pe, unsigned int level)
{
    intpte_t old = *pe, *t, flags;
    paddr_t base = old & PTE_ADDR_MASK & ~(LEVEL_BYTES(level) - 1);
    mfn_t mfn = alloc_pt_page();
    unsigned int i;

    if ( mfn_eq(mfn, INVALID_MFN) )
        return -ENOMEM;

    t = mfn_to_virt(mfn);
    flags = old & ~PTE_ADDR_MASK & ~_PAGE_PSE;
    if ( level - 1 > 1 )
        flags |= _PAGE_PSE;
    for ( i = 0; i < PAGETABLE_ENTRIES; i++ )
        t[i] = (base + i * LEVEL_BYTES(level - 1)) | flags;

    *pe = mfn_to_maddr(mfn) | __PAGE_HYPERVISOR_TABLE;
    flush_tlb_all_local();
    return 0;
}

/*
 * The table at `level` covering va, creating missing tables and splitting
 * large pages on the way down. NULL if a table page could not be had.
 */
static intpte_t *walk_create(unsigned long va, unsigned int level)
{
    intpte_t *t = idle_pg_table;
    unsigned int l;

    for ( l = 4; l > level; l-- )
    {
        intpte_t *pe = &t[TABLE_INDEX(va, l)];

        if ( !(*pe & _PAGE_PRESENT) )
        {
            mfn_t mfn = alloc_pt_page();

            if ( mfn_eq(mfn, INVALID_MFN) )
                return NULL;
            *pe = mfn_to_maddr(mfn) | __PAGE_HYPERVISOR_TABLE;
        }
        else if ( is_leaf(*pe, l) && split_large_page(pe, l) )
            return NULL;
        t = table_of(*pe);
    }
    return t;
}

/* The largest level whose page can map virt/mfn with nr pages left. */
static unsigned int best_level(unsigned long virt, mfn_t mfn, unsigned long nr,
                               unsigned long flags)
{
    unsigned int l;

    if ( flags & MAP_SMALL_PAGES )
        return 1;
    for ( l = cpu_has_page1gb ? 3 : 2; l > 1; l-- )
        if ( IS_ALIGNED(virt, LEVEL_BYTES(l)) &&
             IS_ALIGNED(mfn_x(mfn), LEVEL_PAGES(l)) && nr >= LEVEL_PAGES(l) )
            return l;
    return 1;
}

static bool range_is_hypervisor(unsigned long virt, unsigned long nr)
{
    return virt >= HYPERVISOR_VIRT_START && nr <= (~0ul - virt) >> PAGE_SHIFT;
}

int map_pages_to_xen(unsigned long virt, mfn_t mfn, unsigned long nr,
                     unsigned long flags)
{
    unsigned long irqflags;
    int rc = 0;

    ASSERT(IS_ALIGNED(virt, PAGE_SIZE));
    if ( !range_is_hypervisor(virt, nr) )
        return -EINVAL;

    spin_lock_irqsave(&map_lock, irqflags);
    while ( nr )
    {
        unsigned int level = best_level(virt, mfn, nr, flags);
        intpte_t *t = walk_create(virt, level), *pe, old;

        if ( !t )
        {
            rc = -ENOMEM;
            break;
        }
        pe = &t[TABLE_INDEX(virt, level)];
        old = *pe;
        *pe = mfn_to_maddr(mfn) | (flags & LEAF_FLAGS_MASK) |
              (level > 1 ? _PAGE_PSE : 0);
        if ( old & _PAGE_PRESENT )
        {
            if ( !is_leaf(old, level) )
            {
                flush_tlb_all_local();
                free_pt_tree(old, level);
            }
            else
                flush_tlb_one_local(virt);
        }
        virt += LEVEL_BYTES(level);
        mfn = mfn_add(mfn, LEVEL_PAGES(level));
        nr -= LEVEL_PAGES(level);
    }
    spin_unlock_irqrestore(&map_lock, irqflags);
    return rc;
}

int destroy_xen_mappings(unsigned long s, unsigned long e)
{
    unsigned long irqflags;
    int rc = 0;

    ASSERT(IS_ALIGNED(s, PAGE_SIZE) && IS_ALIGNED(e, PAGE_SIZE));
    if ( s >= e || !range_is_hypervisor(s, (e - s) >> PAGE_SHIFT) )
        return -EINVAL;

    spin_lock_irqsave(&map_lock, irqflags);
    while ( s < e )
    {
        intpte_t *t = idle_pg_table, *pe = NULL;
        unsigned int l;

        for ( l = 4; l >= 1; l-- )
        {
            pe = &t[TABLE_INDEX(s, l)];
            if ( !(*pe & _PAGE_PRESENT) )
                break;
            if ( is_leaf(*pe, l) )
            {
                /* A large page only partly inside [s, e): split it. */
                if ( !IS_ALIGNED(s, LEVEL_BYTES(l)) || e - s < LEVEL_BYTES(l) )
                {
                    if ( split_large_page(pe, l) )
                    {
                        rc = -ENOMEM;
                        goto out;
                    }
                    t = table_of(*pe);
                    continue;
                }
                *pe = 0;
                flush_tlb_one_local(s);
                break;
            }
            t = table_of(*pe);
        }
        /* Advance past the entry we stopped at (present or not). */
        s = (s | (LEVEL_BYTES(l) - 1)) + 1;
        if ( !s )
            break;
    }
 out:
    spin_unlock_irqrestore(&map_lock, irqflags);
    flush_tlb_all();
    return rc;
}

mfn_t xen_va_to_mfn(unsigned long va)
{
    const intpte_t *t = idle_pg_table;
    unsigned int l;

    for ( l = 4; l >= 1; l-- )
    {
        intpte_t e = t[TABLE_INDEX(va, l)];

        if ( !(e & _PAGE_PRESENT) )
            return INVALID_MFN;
        if ( is_leaf(e, l) )
            return maddr_to_mfn((e & PTE_ADDR_MASK & ~(LEVEL_BYTES(l) - 1)) +
                                (va & (LEVEL_BYTES(l) - 1)));
        t = table_of(e);
    }
    ASSERT_UNREACHABLE();
    return INVALID_MFN;
}

void flush_tlb_all_local(void)
{
    unsigned long cr4 = read_cr4();

    if ( cr4 & X86_CR4_PGE )
    {
        write_cr4(cr4 & ~X86_CR4_PGE);
        write_cr4(cr4);
    }
    else
        write_cr3(read_cr3());
}
