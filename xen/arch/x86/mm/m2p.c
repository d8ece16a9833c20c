/*
 * m2p.c: the machine-to-phys table.
 *
 * Theory of operation. A PV guest knows its memory as pfns and maps it by
 * machine frame; it keeps the pfn -> mfn direction itself (the p2m) and
 * reads the other direction from this table, which the hypervisor keeps:
 * one unsigned long per machine frame, the pfn its owner gave it, or
 * INVALID_M2P_ENTRY (~0) for frames no guest owns. Builders and memory
 * hypercalls write it (set_gpfn_from_mfn), and freeing a guest page resets
 * its entry.
 *
 * The table lives in Xen heap pages mapped twice, in 2 MiB pieces (each
 * covering 2^18 frames, 1 GiB of RAM):
 *   - at RDWR_MPT_VIRT_START, read-write for the hypervisor;
 *   - at RO_MPT_VIRT_START (L4 slot 256), read-only, user-accessible and
 *     not executable: a 64-bit PV guest runs its kernel in ring 3, and the
 *     hypervisor copies slot 256 into every guest L4, so every guest sees
 *     the same table. For user access every level of the walk needs US:
 *     map_pages_to_xen() builds hypervisor tables without it, so after
 *     mapping, every table entry under slot 256 (L4, L3 and L2 entries
 *     that point to tables) gets US added. Nothing else is ever mapped in
 *     slot 256, so this exposes nothing but the table. The L4 entry is
 *     also made read-only and NX, as Xen's is: the hypervisor writes the
 *     table only through its own alias.
 * A 2 MiB piece is only allocated if its frames include RAM; the last one
 * is cut to what is needed (then mapped with 4 KiB pages).
 *
 * Locking: none. m2p_init() runs once at boot on the boot CPU; an entry is
 * written by whoever owns the frame at that moment (the allocation holds
 * the frame), one aligned word at a time.
 */
#include <asm/atomic.h>
#include <asm/m2p.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/string.h>

/* One 2 MiB piece of the table and the frames it covers. */
#define M2P_PIECE_BYTES   (1ul << L2_PAGETABLE_SHIFT)
#define M2P_PIECE_FRAMES  (M2P_PIECE_BYTES / sizeof(unsigned long))
/* Frames one page of the table covers. */
#define M2P_PAGE_FRAMES   (PAGE_SIZE / sizeof(unsigned long))

#define M2P_MAX_FRAMES \
    ((RDWR_MPT_VIRT_END - RDWR_MPT_VIRT_START) / sizeof(unsigned long))

/* The guest's view: read-only, ring 3 may read, never executed. */
#define PAGE_M2P_RO (PAGE_HYPERVISOR_RO | _PAGE_USER)

static unsigned long *const m2p_rw = (unsigned long *)RDWR_MPT_VIRT_START;

/* Frames the table covers (0 until m2p_init()). */
static unsigned long m2p_frames;

/* Does [first, first + nr) hold RAM? Asked one table page at a time. */
static bool frames_have_ram(unsigned long first, unsigned long nr)
{
    unsigned long m;

    for ( m = first; m < first + nr; m += M2P_PAGE_FRAMES )
        if ( mfn_valid(_mfn(m)) )
            return true;
    return false;
}

/* Add US to every table entry under the L4 slot of va (see above). */
static void make_slot_user_visible(unsigned long va)
{
    intpte_t *l4e = &idle_pg_table[l4_table_offset(va)];
    intpte_t *l3t;
    unsigned int i, j;

    if ( !(*l4e & _PAGE_PRESENT) )
        return;
    /* As Xen's: the whole slot read-only and not executable, even for us. */
    *l4e = (*l4e | _PAGE_USER | _PAGE_NX) & ~_PAGE_RW;
    l3t = __va(*l4e & PTE_ADDR_MASK);
    for ( i = 0; i < PAGETABLE_ENTRIES; i++ )
    {
        intpte_t *l2t;

        if ( !(l3t[i] & _PAGE_PRESENT) || (l3t[i] & _PAGE_PSE) )
            continue;
        l3t[i] |= _PAGE_USER;
        l2t = __va(l3t[i] & PTE_ADDR_MASK);
        for ( j = 0; j < PAGETABLE_ENTRIES; j++ )
            if ( (l2t[j] & _PAGE_PRESENT) && !(l2t[j] & _PAGE_PSE) )
                l2t[j] |= _PAGE_USER;
    }
    flush_tlb_all_local();
}

/* Allocate, fill and map the piece covering frames from `first`. */
static unsigned long map_piece(unsigned long first, unsigned long frames)
{
    unsigned long bytes = ROUNDUP(frames * sizeof(unsigned long), PAGE_SIZE);
    unsigned long offset = first * sizeof(unsigned long);
    void *p = alloc_xenheap_pages(get_order_from_bytes(bytes), MEMF_no_scrub);

    if ( !p )
        panic("Not enough memory for the machine-to-phys table (%lu KiB "
              "piece for frames from %#lx)\n", bytes >> 10, first);
    memset(p, 0xff, bytes);             /* INVALID_M2P_ENTRY everywhere */

    if ( map_pages_to_xen(RDWR_MPT_VIRT_START + offset, virt_to_mfn(p),
                          bytes >> PAGE_SHIFT, PAGE_HYPERVISOR_RW) ||
         map_pages_to_xen(RO_MPT_VIRT_START + offset, virt_to_mfn(p),
                          bytes >> PAGE_SHIFT, PAGE_M2P_RO) )
        panic("Out of memory mapping the machine-to-phys table\n");
    return bytes;
}

void m2p_init(void)
{
    unsigned long nr = max_page, first, bytes = 0;

    BUILD_BUG_ON(RO_MPT_VIRT_END - RO_MPT_VIRT_START !=
                 RDWR_MPT_VIRT_END - RDWR_MPT_VIRT_START);
    BUILD_BUG_ON(l4_table_offset(RO_MPT_VIRT_START) !=
                 l4_table_offset(RO_MPT_VIRT_END - 1));
    BUG_ON(m2p_frames);

    if ( nr > M2P_MAX_FRAMES )
    {
        printk(XENLOG_WARNING "M2P: frames from %#lx on are not covered\n",
               M2P_MAX_FRAMES);
        nr = M2P_MAX_FRAMES;
    }

    for ( first = 0; first < nr; first += M2P_PIECE_FRAMES )
    {
        unsigned long frames = min(M2P_PIECE_FRAMES, nr - first);

        if ( frames_have_ram(first, frames) )
            bytes += map_piece(first, frames);
    }
    make_slot_user_visible(RO_MPT_VIRT_START);
    m2p_frames = nr;

    printk("M2P: %lu frames, %lu KiB; guest view at %#lx\n", nr, bytes >> 10,
           RO_MPT_VIRT_START);
}

void set_gpfn_from_mfn(mfn_t mfn, unsigned long pfn)
{
    if ( mfn_x(mfn) >= m2p_frames || !mfn_valid(mfn) )
        return;
    write_atomic(&m2p_rw[mfn_x(mfn)], pfn);
}

unsigned long get_gpfn_from_mfn(mfn_t mfn)
{
    if ( mfn_x(mfn) >= m2p_frames || !mfn_valid(mfn) )
        return INVALID_M2P_ENTRY;
    return read_atomic(&m2p_rw[mfn_x(mfn)]);
}
