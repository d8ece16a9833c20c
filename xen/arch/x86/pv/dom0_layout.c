/*
 * dom0_layout.c: where a 64-bit PV domain's boot area puts everything,
 * and its initial page tables. Pure: no allocation, no hypervisor state;
 * memory is reached through struct pv_pt_ops, so host tests run it all.
 *
 * Theory of operation. The guest kernel expects Xen's layout (pv-abi.md
 * 1.2). From VIRT_BASE up, page aligned, in this order: the kernel's
 * segments, the initrd (unless MOD_START_PFN), the p2m of 8 bytes per
 * page (unless INIT_P2M), start_info followed by dom0's console info, the
 * boot page tables, one page of stack, then padding to the next 4 MiB
 * boundary, at least 512 KiB of it. The whole area is mapped linearly:
 * pfn n at VIRT_BASE + n pages.
 *
 * The number of page-table frames depends on the area's size, which
 * depends on the number of page-table frames (they are in it). As Xen
 * does, try 2, 3, ... frames until the tables that an area of that size
 * needs (one L4, plus one L3 per 512 GiB, one L2 per 1 GiB and one L1 per
 * 2 MiB it touches) fit. The area grows only in 4 MiB steps and a step
 * needs at most a few more tables, so the first count that fits is used
 * exactly: every frame of the page-table region becomes a table.
 *
 * With INIT_P2M the p2m is mapped at the address the kernel asked for,
 * with its own tables, all in frames that follow the boot area (and the
 * unmapped initrd): walking the p2m's addresses upwards, each missing
 * table from L3 down, then the data page. A table the boot area already
 * has (same L3/L2/L1 slot) is shared, not counted twice. Xen maps the p2m
 * with 2 MiB or 1 GiB pages when it can; we always use 4 KiB pages, so
 * that every guest page table is an ordinary one for the PV MM. The
 * kernel learns the frames from first_p2m_pfn/nr_p2m_frames.
 *
 * pfns: the boot area's come first, numbered by address, within a block
 * rounded up to a power of two as Xen allocates it (the rest of the block
 * is ordinary memory); then the unmapped initrd's, then the INIT_P2M
 * frames. So first_p2m_pfn and an unmapped initrd's pfn are Xen's.
 *
 * Checks (-EINVAL): VIRT_BASE page aligned; no region wraps past the top
 * of the address space, crosses the non-canonical hole, or touches the
 * hypervisor's L4 slots 256-271; the p2m does not overlap the boot area.
 * Then (-ENOMEM) the domain must have at least the boot area, the
 * unmapped initrd and the INIT_P2M frames. An area not inside one 1 GiB
 * L2 is allowed, but flagged: Linux copies only that one L2.
 */
#include <asm/config.h>
#include <asm/dom0_build.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/mm.h>
#include <xen/string.h>
#include <public/xen.h>

#define MB4             (4ul << 20)
#define MIN_PADDING     (512ul << 10)
#define LEVEL_SHIFT(l)  (PAGE_SHIFT + 9 * ((l) - 1))
#define TABLE_INDEX(va, l) (((va) >> LEVEL_SHIFT(l)) & (PAGETABLE_ENTRIES - 1))
#define PFN_UP(x)       (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)

/* Bytes of start_info and the dom0 console information after it. */
#define SI_BYTES (sizeof(struct start_info) + \
                  sizeof(struct dom0_vga_console_info))

/* Is [s, e) (s < e) in one canonical half? */
static bool canonical(unsigned long s, unsigned long e)
{
    long lo = (long)s >> 47, hi = (long)(e - 1) >> 47;

    return lo == hi && (lo == 0 || lo == -1);
}

static bool overlaps(unsigned long s1, unsigned long e1, unsigned long s2,
                     unsigned long e2)
{
    return s1 < e2 && s2 < e1;
}

/* A region the guest may have: canonical, not the hypervisor's. */
static bool guest_range_ok(unsigned long s, unsigned long e)
{
    return s < e && canonical(s, e) &&
           !overlaps(s, e, HYPERVISOR_VIRT_START, HYPERVISOR_VIRT_END);
}

/* *pos += bytes, then page aligned; false if that wraps. */
static bool advance(unsigned long *pos, unsigned long bytes)
{
    unsigned long p;

    if ( __builtin_add_overflow(*pos, bytes, &p) || p > -PAGE_SIZE )
        return false;
    *pos = ROUNDUP(p, PAGE_SIZE);
    return true;
}

/* Tables of the level above shift that [s, e) touches (Xen's NR()). */
static unsigned long nr_tables(unsigned long s, unsigned long e,
                               unsigned int shift)
{
    return ((e - 1) >> shift) - (s >> shift) + 1;
}

/* Of those, how many [s2, e2) touches too. */
static unsigned long nr_shared(unsigned long s, unsigned long e,
                               unsigned long s2, unsigned long e2,
                               unsigned int shift)
{
    unsigned long lo = max(s >> shift, s2 >> shift);
    unsigned long hi = min((e - 1) >> shift, (e2 - 1) >> shift);

    return hi >= lo ? hi - lo + 1 : 0;
}

/* The boot tables an area [s, e) needs: L4, L3s, L2s, L1s. */
static unsigned long boot_tables(unsigned long s, unsigned long e)
{
    return 1 + nr_tables(s, e, L4_PAGETABLE_SHIFT) +
           nr_tables(s, e, L3_PAGETABLE_SHIFT) +
           nr_tables(s, e, L2_PAGETABLE_SHIFT);
}

/* Page tables, stack and padding: fix pt_end .. v_end. */
static int place_tables(struct pv_layout *l, const char **why)
{
    unsigned long n;

    for ( n = 2; ; n++ )
    {
        unsigned long pad;

        l->pt_end = l->pt_start + n * PAGE_SIZE;
        l->stack_start = l->pt_end;
        l->stack_end = l->stack_start + PAGE_SIZE;
        if ( l->pt_end < l->pt_start || l->stack_end < l->stack_start ||
             l->stack_end > -2 * MB4 )
        {
            *why = "the boot area runs past the top of the address space";
            return -EINVAL;
        }
        l->v_end = ROUNDUP(l->stack_end, MB4);
        pad = l->v_end - l->stack_end;
        if ( pad < MIN_PADDING )
            l->v_end += MB4;
        if ( boot_tables(l->v_start, l->v_end) <= n )
            break;
    }
    l->nr_pt_frames = n;
    return 0;
}

/* The frames the INIT_P2M mapping needs beyond the boot area's tables. */
static unsigned long init_p2m_frames(const struct pv_layout *l)
{
    unsigned long s = l->p2m_start, e = l->p2m_end, n = PFN_UP(e - s);
    unsigned int lvl;

    for ( lvl = 1; lvl <= 3; lvl++ )
    {
        unsigned int shift = LEVEL_SHIFT(lvl + 1);

        n += nr_tables(s, e, shift) -
             nr_shared(s, e, l->v_start, l->v_end, shift);
    }
    return n;
}

static int place_p2m(const struct pv_layout_in *in, struct pv_layout *l,
                     const char **why)
{
    unsigned long bytes = in->nr_pages * sizeof(unsigned long);

    l->p2m_start = in->p2m_base;
    if ( !IS_ALIGNED(l->p2m_start, PAGE_SIZE) )
    {
        *why = "INIT_P2M is not page aligned";
        return -EINVAL;
    }
    if ( __builtin_add_overflow(l->p2m_start, bytes, &l->p2m_end) ||
         !guest_range_ok(l->p2m_start, ROUNDUP(l->p2m_end, PAGE_SIZE)) )
    {
        *why = "the INIT_P2M p2m is not in guest address space";
        return -EINVAL;
    }
    if ( overlaps(l->p2m_start, l->p2m_end, l->v_start, l->v_end) )
    {
        *why = "the INIT_P2M p2m overlaps the boot area";
        return -EINVAL;
    }
    l->nr_p2m_frames = init_p2m_frames(l);
    return 0;
}

/* Kernel, initrd, p2m (in the area), start_info: fix pt_start. */
static int place_regions(const struct pv_layout_in *in, struct pv_layout *l,
                         const char **why)
{
    unsigned long pos = l->kern_end;

    if ( !advance(&pos, 0) )
        goto wraps;
    if ( in->initrd_len && !in->initrd_unmapped )
    {
        l->initrd_start = pos;
        if ( !advance(&pos, in->initrd_len) )
            goto wraps;
        l->initrd_end = l->initrd_start + in->initrd_len;
    }
    if ( !l->init_p2m )
    {
        l->p2m_start = pos;
        if ( !advance(&pos, in->nr_pages * sizeof(unsigned long)) )
            goto wraps;
        l->p2m_end = l->p2m_start + in->nr_pages * sizeof(unsigned long);
    }
    l->si_start = pos;
    if ( !advance(&pos, SI_BYTES) )
        goto wraps;
    l->si_end = l->si_start + SI_BYTES;
    l->pt_start = pos;
    return 0;

 wraps:
    *why = "the boot area runs past the top of the address space";
    return -EINVAL;
}

/*
 * Xen allocates the boot area (less a mapped initrd, whose own frames it
 * maps) as one power-of-two block, and numbers that block's pfns first:
 * the pfns an unmapped initrd and the INIT_P2M frames get depend on it.
 */
static unsigned long boot_allocation(const struct pv_layout *l,
                                     bool initrd_unmapped)
{
    unsigned long in_area = initrd_unmapped ? 0 : l->initrd_pages;

    return (1ul << get_order_from_pages(l->boot_pages - in_area)) + in_area;
}

static int check_input(const struct pv_layout_in *in, const char **why)
{
    if ( !IS_ALIGNED(in->virt_base, PAGE_SIZE) )
        *why = "VIRT_BASE is not page aligned";
    else if ( in->kern_start < in->virt_base )
        *why = "the kernel lies below VIRT_BASE";
    else if ( in->kern_end < in->kern_start )
        *why = "the kernel ends before it starts";
    else if ( in->nr_pages > (~0ul >> 4) )
        *why = "the domain's memory size is impossible";
    else
        return 0;
    return -EINVAL;
}

int pv_layout_compute(const struct pv_layout_in *in, struct pv_layout *l,
                      const char **why)
{
    int rc;

    memset(l, 0, sizeof(*l));
    *why = NULL;
    rc = check_input(in, why);
    if ( rc )
        return rc;

    l->nr_pages = in->nr_pages;
    l->v_start = in->virt_base;
    l->kern_start = in->kern_start;
    l->kern_end = in->kern_end;
    l->init_p2m = in->p2m_base != PV_NO_ADDR;

    rc = place_regions(in, l, why);
    if ( !rc )
        rc = place_tables(l, why);
    if ( rc )
        return rc;
    if ( !guest_range_ok(l->v_start, l->v_end) )
    {
        *why = "the boot area is not in guest address space (non-canonical, "
               "or in the hypervisor's slots)";
        return -EINVAL;
    }
    l->beyond_one_l2 = (l->v_start >> L3_PAGETABLE_SHIFT) !=
                       ((l->v_end - 1) >> L3_PAGETABLE_SHIFT);

    if ( l->init_p2m && (rc = place_p2m(in, l, why)) )
        return rc;

    l->boot_pages = (l->v_end - l->v_start) >> PAGE_SHIFT;
    l->initrd_pages = PFN_UP(in->initrd_len);
    l->boot_alloc_pages = boot_allocation(l, in->initrd_unmapped);
    if ( l->initrd_pages )
        l->initrd_pfn = in->initrd_unmapped
                        ? l->boot_alloc_pages
                        : pv_layout_va_to_pfn(l, l->initrd_start);
    l->first_p2m_pfn = l->boot_alloc_pages +
                       (in->initrd_unmapped ? l->initrd_pages : 0);
    l->min_pages = l->first_p2m_pfn + l->nr_p2m_frames;
    if ( l->nr_pages < l->min_pages )
    {
        *why = "the domain's memory is smaller than its boot area, "
               "initrd and p2m";
        return -ENOMEM;
    }
    return 0;
}

/* --- The page tables. --- */

struct pt_writer {
    const struct pv_layout *l;
    const struct pv_pt_ops *ops;
    intpte_t *l4;
    unsigned long next_boot, end_boot;      /* boot table frames (pfns) */
    unsigned long next_p2m, end_p2m;        /* INIT_P2M frames (pfns) */
};

static intpte_t *table_of(const struct pt_writer *w, intpte_t e)
{
    return w->ops->map_mfn(w->ops->ctx, (e & PTE_ADDR_MASK) >> PAGE_SHIFT);
}

static unsigned long frame(const struct pt_writer *w, unsigned long pfn)
{
    return w->ops->pfn_to_mfn(w->ops->ctx, pfn);
}

/*
 * The tables on the way to va: t[4] is the L4, t[lvl] the level-lvl
 * table. Returns the level of the highest missing table (0: none).
 */
static unsigned int walk(const struct pt_writer *w, unsigned long va,
                         intpte_t *t[5])
{
    unsigned int lvl;

    t[4] = w->l4;
    for ( lvl = 4; lvl > 1; lvl-- )
    {
        intpte_t e = t[lvl][TABLE_INDEX(va, lvl)];

        if ( !(e & _PAGE_PRESENT) )
            return lvl - 1;
        t[lvl - 1] = table_of(w, e);
    }
    return 0;
}

/* Make pfn an empty level-lvl table linked below t[lvl + 1] for va. */
static void link_table(const struct pt_writer *w, intpte_t *t[5],
                       unsigned long va, unsigned int lvl, unsigned long pfn)
{
    unsigned long mfn = frame(w, pfn);

    t[lvl] = w->ops->map_mfn(w->ops->ctx, mfn);
    memset(t[lvl], 0, PAGE_SIZE);
    w->ops->new_table(w->ops->ctx, pfn, lvl);
    t[lvl + 1][TABLE_INDEX(va, lvl + 1)] =
        ((intpte_t)mfn << PAGE_SHIFT) | PV_TABLE_PROT;
}

/*
 * The L1 for va, creating missing tables from *next (< end). bottom_up:
 * Xen's boot order, the L1 frame first, then L2, then L3; otherwise from
 * the top down (Xen's p2m order). NULL if the frames run out.
 */
static intpte_t *l1_for(const struct pt_writer *w, unsigned long va,
                        unsigned long *next, unsigned long end, bool bottom_up)
{
    intpte_t *t[5];
    unsigned int missing = walk(w, va, t), lvl;
    unsigned long pfn[4];

    if ( *next + missing > end )
        return NULL;
    for ( lvl = 1; lvl <= missing; lvl++ )
        pfn[lvl] = bottom_up ? *next + lvl - 1 : *next + missing - lvl;
    *next += missing;
    for ( lvl = missing; lvl >= 1; lvl-- )
        link_table(w, t, va, lvl, pfn[lvl]);
    return t[1];
}

static void write_l4(struct pt_writer *w, const intpte_t *xen_slots,
                     unsigned long l4_mfn)
{
    unsigned int i;

    memset(w->l4, 0, PAGE_SIZE);
    for ( i = 0; i < PV_XEN_NR_SLOTS; i++ )
        w->l4[PV_XEN_FIRST_SLOT + i] = xen_slots[i];
    w->l4[l4_table_offset(LINEAR_PT_VIRT_START)] =
        ((intpte_t)l4_mfn << PAGE_SHIFT) | PV_LINEAR_PROT;
}

static int map_boot_area(struct pt_writer *w)
{
    const struct pv_layout *l = w->l;
    unsigned long pt_first = pv_layout_va_to_pfn(l, l->pt_start), pfn;

    for ( pfn = 0; pfn < l->boot_pages; pfn++ )
    {
        unsigned long va = l->v_start + (pfn << PAGE_SHIFT);
        intpte_t *l1 = l1_for(w, va, &w->next_boot, w->end_boot, true);
        intpte_t flags = PV_L1_PROT;

        if ( !l1 )
            return -ERANGE;
        if ( pfn >= pt_first && pfn < pt_first + l->nr_pt_frames )
            flags &= ~_PAGE_RW;
        l1[TABLE_INDEX(va, 1)] =
            ((intpte_t)frame(w, pfn) << PAGE_SHIFT) | flags;
    }
    return w->next_boot == w->end_boot ? 0 : -ERANGE;
}

static int map_init_p2m(struct pt_writer *w)
{
    const struct pv_layout *l = w->l;
    unsigned long va;

    for ( va = l->p2m_start; va < l->p2m_end; va += PAGE_SIZE )
    {
        intpte_t *l1 = l1_for(w, va, &w->next_p2m, w->end_p2m, false);

        if ( !l1 || w->next_p2m == w->end_p2m )
            return -ERANGE;
        l1[TABLE_INDEX(va, 1)] =
            ((intpte_t)frame(w, w->next_p2m++) << PAGE_SHIFT) |
            PV_L1_PROT | _PAGE_DIRTY;
    }
    return w->next_p2m == w->end_p2m ? 0 : -ERANGE;
}

int pv_build_page_tables(const struct pv_layout *l, const intpte_t *xen_slots,
                         const struct pv_pt_ops *ops, unsigned long *l4_mfn)
{
    unsigned long l4_pfn = pv_layout_va_to_pfn(l, l->pt_start);
    struct pt_writer w = {
        .l = l, .ops = ops,
        .next_boot = l4_pfn + 1, .end_boot = l4_pfn + l->nr_pt_frames,
        .next_p2m = l->first_p2m_pfn,
        .end_p2m = l->first_p2m_pfn + l->nr_p2m_frames,
    };
    int rc;

    *l4_mfn = frame(&w, l4_pfn);
    w.l4 = ops->map_mfn(ops->ctx, *l4_mfn);
    write_l4(&w, xen_slots, *l4_mfn);
    ops->new_table(ops->ctx, l4_pfn, 4);

    rc = map_boot_area(&w);
    if ( !rc && l->init_p2m )
        rc = map_init_p2m(&w);
    return rc;
}

unsigned long pv_lookup_mfn(const struct pv_pt_ops *ops, unsigned long l4_mfn,
                            unsigned long va)
{
    const intpte_t *t = ops->map_mfn(ops->ctx, l4_mfn);
    unsigned int lvl;

    for ( lvl = 4; lvl >= 1; lvl-- )
    {
        intpte_t e = t[TABLE_INDEX(va, lvl)];

        if ( !(e & _PAGE_PRESENT) || (lvl > 1 && (e & _PAGE_PSE)) )
            return ~0ul;
        if ( lvl == 1 )
            return (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
        t = ops->map_mfn(ops->ctx, (e & PTE_ADDR_MASK) >> PAGE_SHIFT);
    }
    return ~0ul;
}
