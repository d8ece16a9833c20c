/*
 * pv/pt_validate.c: what a PV guest's page-table entries may hold, and the
 * references they stand for.
 *
 * Theory of operation. common/domain_page.c runs the type state machine
 * (see its comment: validated, busy, partial); this file knows the
 * contents. A table is validated when its type count leaves zero: every
 * present entry is checked and its references taken; it is devalidated
 * when the last type reference goes: every present entry's references are
 * dropped. The rules are pv-abi.md 3, with Xen 4.17's error codes:
 *
 *   L1 entry: only P, RW, US, A, D, G, the three AVAIL bits, bits 52-61
 *     and NX (bit 62, the grant marker, never; PWT/PCD/PAT only for a
 *     domain with I/O rights), else -EINVAL. What the frame may be:
 *     - RAM owned by the table's owner, or by the foreign domain a
 *       privileged caller named (foreigndom): a general reference is
 *       taken, and a writable type reference for a writable entry;
 *       either failing is -EBUSY (a free frame, the hypervisor's,
 *       another domain's, a page table or descriptor page mapped
 *       writable); cache attributes on a hypervisor page are -EACCES.
 *     - Device memory (no page_info, or a first-MiB frame of DOMID_IO's,
 *       see dom_io_frame()): only if the table's owner and the named
 *       owner (DOMID_IO: the table's owner) have I/O-memory rights and
 *       the frame is not the hypervisor's (-EPERM). No references. It is
 *       stored uncached, as Xen 4.17 does by default: a WB, WT or WP
 *       entry becomes UC (PCD|PWT, PAT clear); UC, UC- and WC stay.
 *     - With foreigndom DOMID_XEN (privileged callers only, pv/mm.c):
 *       the M2P table's frames, read-only and write-back only (-EBUSY,
 *       -EACCES); nothing else (-EBUSY; device memory -EPERM). No
 *       references: the table is never freed. Xen shares exactly these
 *       read-only with DOMID_XEN; writable, they never are.
 *     The hypervisor stores the entry with US set (the guest kernel runs
 *     in ring 3) and bit 52 ("guest kernel") on an entry the guest made
 *     without US, G on one it made with US. Whether an entry holds
 *     references is decided by its frame alone (l1e_counted()), so taking
 *     and dropping always agree.
 *   L2-L4 entry: the same bits without G and PSE (no superpages), PCD,
 *     PWT (-EINVAL); the frame must be the owner's (-EINVAL) and become a
 *     table one level down: an Ln-1 type reference is taken, which
 *     validates it in turn. Failing that, a linear entry (same level) is
 *     accepted only read-only and to an already validated table, and
 *     with Xen's XSA-240 rule: a table with linear entries can never be
 *     the target of one, so chains stay one link long (linear_pt_count);
 *     an entry pointing at its own table holds no reference at all. US is
 *     added. L4 slots 256-271 are the hypervisor's: ignored when an L4 is
 *     validated, filled afterwards from idle_pg_table (258: the L4 itself,
 *     for the linear page table; 256, the read-only M2P, only once the
 *     table becomes a kernel base pointer, as Xen 4.17 does without
 *     m2p_strict), and refused to mmu_update.
 *
 * Grant mappings (pv/grant_pte.c writes them, with bit 62 set): the
 * references of the granted frame are held by the grantee's grant
 * handle, never by the entry. Dropping such an entry (the guest
 * overwriting it, its table torn down) drops nothing and never takes the
 * fast path, so a guest can neither free a granted frame early nor
 * inherit references it did not take; the handle keeps the frame alive
 * until unmap_grant_ref, or until the grantee dies.
 *
 * Check, then commit: validation takes the references of every entry
 * first and writes the adjusted entries (US, bit 52, G, device memory
 * uncached) only once all are held, so a refused table is left as the
 * guest wrote it. An L1 is validated and devalidated in one go (512
 * entries, no recursion). L2-L4 work is preemptible between entries: the
 * progress is saved in the page (nr_validated_ptes, partial_ref: entries
 * below it hold references, the one at it a partial claim) and -ERESTART
 * returned. An entry update
 * (pv_mod_entry) takes the new entry's references, swaps the entry with a
 * compare-and-exchange and drops the old one's, so racing vCPUs never
 * lose a reference; a change that keeps the frame and the bits that
 * matter (the "fast path") takes none. The caller holds a type reference
 * on the table meanwhile, so it cannot be devalidated under the update.
 *
 * Locking: none. Entries change by compare-and-exchange, references and
 * linear counts atomically; a table being (de)validated is exclusively
 * its validator's (domain_page.c).
 */
#include <asm/setup.h>
#include <asm/iomem.h>
#include <asm/dom0_build.h>
#include <asm/mm.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/pv/mm.h>
#include <xen/domain_page.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>

#define _PAGE_PAT_L1   _PAGE_PSE              /* bit 7 in an L1 entry */
#define CACHE_BITS     (_PAGE_PWT | _PAGE_PCD | _PAGE_PAT_L1)
#define AVAIL_BITS     (7ul << 9)

/* Bits a guest may set (the frame address aside). */
#define UPPER_GUEST_BITS (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER |            \
                          _PAGE_ACCESSED | _PAGE_DIRTY | AVAIL_BITS |        \
                          (0x7fful << 52) | _PAGE_NX)
#define L1_GUEST_BITS  ((UPPER_GUEST_BITS | _PAGE_GLOBAL) & ~_PAGE_GNTTAB)

/* Bits that may change without new references (Xen's fast path). */
#define FASTPATH_BITS  (_PAGE_NX | (0x7fful << 52) | AVAIL_BITS |            \
                        _PAGE_GLOBAL | _PAGE_DIRTY | _PAGE_ACCESSED |        \
                        _PAGE_USER)

static unsigned long pte_mfn(intpte_t e)
{
    return (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
}

static struct page_info *pte_page(intpte_t e)
{
    return mfn_to_page(_mfn(pte_mfn(e)));
}

/* foreigndom's pseudo-owners (asm/pv/mm.h): they own no page. */
struct domain pv_dom_io = { .domain_id = DOMID_IO };
struct domain pv_dom_xen = { .domain_id = DOMID_XEN };

/*
 * The first MiB's frames that belong to nobody (firmware data, the BIOS
 * area, legacy VGA memory): Xen gives them to "DOMID_IO", so a domain
 * with I/O-memory rights maps them like device memory, without
 * references. Their ownership never changes (the heap never hands them
 * out), so mapping and unmapping always agree on what they are. The AP
 * trampoline page is the hypervisor's.
 */
static bool dom_io_frame(unsigned long mfn)
{
    const struct page_info *pg;

    if ( mfn >= 0x100 || !mfn_valid(_mfn(mfn)) ||
         mfn == (unsigned long)(trampoline_phys >> PAGE_SHIFT) )
        return false;
    pg = mfn_to_page(_mfn(mfn));
    return !page_get_owner(pg) && !(pg->count_info & (PGC_xen_heap | PGC_count_mask));
}

/* A frame with a page_info to count references in (RAM a domain owns). */
static bool pte_ram(intpte_t e)
{
    unsigned long mfn = pte_mfn(e);

    return mfn_valid(_mfn(mfn)) && !dom_io_frame(mfn);
}

/* --- The M2P: the frames DOMID_XEN shares read-only. --- */

/* Does the present hypervisor leaf entry e, at level `level`, map mfn? */
static bool xen_leaf_maps(intpte_t e, unsigned int level, unsigned long mfn)
{
    unsigned long frames = 1ul << (9 * (level - 1));

    return mfn - (pte_mfn(e) & ~(frames - 1)) < frames;
}

/*
 * One 2 MiB piece of the M2P, the L2 entry e (mm/m2p.c allocates each
 * piece as one block): does it map mfn? A 2 MiB page maps its whole
 * block; an L1 table (a piece cut short) maps mfn if the entry where the
 * block's first frame puts it does.
 */
static bool m2p_piece_maps(intpte_t e, unsigned long mfn)
{
    const intpte_t *l1t;
    unsigned long off;

    if ( !(e & _PAGE_PRESENT) )
        return false;
    if ( e & _PAGE_PSE )
        return xen_leaf_maps(e, 2, mfn);
    l1t = __va(e & PTE_ADDR_MASK);
    if ( !(l1t[0] & _PAGE_PRESENT) )
        return false;
    off = mfn - pte_mfn(l1t[0]);
    return off < PAGETABLE_ENTRIES && (l1t[off] & _PAGE_PRESENT) &&
           pte_mfn(l1t[off]) == mfn;
}

/*
 * Is mfn a frame of the M2P table? Xen 4.17 gives the table's frames to
 * DOMID_XEN, read-only: a privileged domain may map them read-only with
 * foreigndom DOMID_XEN (the tools read the M2P so). Here they are Xen
 * heap pages nobody owns or references, found through the hypervisor's
 * own mapping of the table (RDWR_MPT_VIRT_START: L2 entries, one per
 * piece, below one L4 slot); the cheap test first keeps every guest page
 * out of the walk. The table never changes after boot, so neither does
 * the answer.
 */
static bool m2p_frame(unsigned long mfn)
{
    const struct page_info *pg = mfn_to_page(_mfn(mfn));
    intpte_t l4e = idle_pg_table[l4_table_offset(RDWR_MPT_VIRT_START)];
    unsigned int first = l3_table_offset(RDWR_MPT_VIRT_START);
    unsigned int last = l3_table_offset(RDWR_MPT_VIRT_END - 1);
    const intpte_t *l3t;
    unsigned int i, j;

    BUILD_BUG_ON(l4_table_offset(RDWR_MPT_VIRT_START) !=
                 l4_table_offset(RDWR_MPT_VIRT_END - 1));
    if ( (ACCESS_ONCE(pg->count_info) &
          (PGC_xen_heap | PGC_allocated | PGC_state | PGC_count_mask)) !=
         (PGC_xen_heap | PGC_state_inuse) ||
         page_get_owner(pg) || !(l4e & _PAGE_PRESENT) )
        return false;
    l3t = __va(l4e & PTE_ADDR_MASK);
    for ( i = first; i <= last; i++ )
    {
        const intpte_t *l2t;

        if ( !(l3t[i] & _PAGE_PRESENT) )
            continue;
        if ( l3t[i] & _PAGE_PSE )
        {
            if ( xen_leaf_maps(l3t[i], 3, mfn) )
                return true;
            continue;
        }
        l2t = __va(l3t[i] & PTE_ADDR_MASK);
        for ( j = 0; j < PAGETABLE_ENTRIES; j++ )
            if ( m2p_piece_maps(l2t[j], mfn) )
                return true;
    }
    return false;
}

static intpte_t *table_entries(struct page_info *pg)
{
    return page_to_virt(pg);
}

static void write_entry(intpte_t *p, intpte_t e)
{
    __atomic_store_n(p, e, __ATOMIC_RELAXED);
}

static intpte_t read_entry(const intpte_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* --- L1 entries. --- */

static bool has_io_rights(const struct domain *d)
{
    return d->arch.iomem_all || d->arch.ioport_all;
}

intpte_t pv_adjust_l1e(intpte_t e)
{
    if ( !(e & _PAGE_PRESENT) )
        return e;
    if ( !(e & _PAGE_USER) )
        e |= _PAGE_GUEST_KERNEL | _PAGE_USER;
    if ( !(e & _PAGE_GUEST_KERNEL) )
        e |= _PAGE_GLOBAL | _PAGE_USER;
    return e;
}

/*
 * Device memory is never mapped cacheable (Xen 4.17, without
 * "mmio-relax"): with the PV PAT (index PAT:PCD:PWT = WB, WT, UC-, UC,
 * WC, WP, UC, UC), a write-back, write-through or write-protect entry
 * becomes UC (PCD|PWT, PAT clear); UC-, UC and WC stay as asked.
 */
static intpte_t force_uncached(intpte_t e)
{
    switch ( e & CACHE_BITS )
    {
    case 0:                                 /* WB */
    case _PAGE_PWT:                         /* WT */
    case _PAGE_PAT_L1 | _PAGE_PWT:          /* WP */
        return (e & ~CACHE_BITS) | _PAGE_PCD | _PAGE_PWT;
    default:
        return e;
    }
}

/* What the hypervisor stores for the guest's (checked, adjusted) e. */
static intpte_t stored_l1e(intpte_t e)
{
    return (e & _PAGE_PRESENT) && !pte_ram(e) ? force_uncached(e) : e;
}

static int check_l1e_bits(intpte_t e, const struct domain *d)
{
    intpte_t allowed = L1_GUEST_BITS | (has_io_rights(d) ? CACHE_BITS : 0);

    return (e & ~(PTE_ADDR_MASK | allowed)) ? -EINVAL : 0;
}

/* May d map device memory frame mfn? Never the hypervisor's devices. */
static bool may_map_io(const struct domain *d, unsigned long mfn)
{
    return d->arch.iomem_all && !iomem_is_hypervisor_owned(mfn);
}

/*
 * Device memory (not RAM, or a DOMID_IO frame): both the table's owner
 * and the frames' owner need the rights, DOMID_IO standing for the
 * table's owner (on Xen, for the caller, who is the table's owner unless
 * a privileged domain updates another's tables). DOMID_XEN has none.
 * The all-ones frame, a guest's "no frame", is -EINVAL, as on Xen.
 */
static int check_io_l1e(unsigned long mfn, const struct domain *l1e_owner,
                        const struct domain *pg_owner)
{
    if ( pg_owner == &pv_dom_io )
        pg_owner = l1e_owner;
    if ( may_map_io(pg_owner, mfn) && may_map_io(l1e_owner, mfn) )
        return 0;
    return mfn == (PTE_ADDR_MASK >> PAGE_SHIFT) ? -EINVAL : -EPERM;
}

/*
 * DOMID_XEN: only the M2P's frames, only read-only (-EBUSY, as for any
 * frame the caller cannot have, or have writable) and only write-back
 * (-EACCES, as for any hypervisor page). No references: they are never
 * freed.
 */
static int check_xen_l1e(intpte_t e)
{
    if ( (e & _PAGE_RW) || !m2p_frame(pte_mfn(e)) )
        return -EBUSY;
    return (e & CACHE_BITS) ? -EACCES : 0;
}

/* Does e (present, not a grant entry) hold references on its frame? */
static bool l1e_counted(intpte_t e)
{
    return pte_ram(e) && !m2p_frame(pte_mfn(e));
}

int pv_get_l1e(intpte_t e, struct domain *l1e_owner, struct domain *pg_owner)
{
    struct page_info *pg;

    ASSERT(e & _PAGE_PRESENT);
    ASSERT(pg_owner);
    if ( check_l1e_bits(e, l1e_owner) )
        return -EINVAL;
    if ( !pte_ram(e) )
        return check_io_l1e(pte_mfn(e), l1e_owner, pg_owner);
    if ( pg_owner == &pv_dom_xen )
        return check_xen_l1e(e);
    pg = pte_page(e);
    if ( !get_page(pg, pg_owner) )
        return -EBUSY;
    if ( (e & _PAGE_RW) && get_page_type(pg, PGT_writable_page) )
    {
        put_page(pg);
        return -EBUSY;              /* a page table or descriptor page */
    }
    if ( (e & CACHE_BITS) && (pg->count_info & PGC_xen_heap) )
    {
        if ( e & _PAGE_RW )
            put_page_type(pg);
        put_page(pg);
        return -EACCES;
    }
    return 0;
}

void pv_put_l1e(intpte_t e)
{
    struct page_info *pg;

    /* A grant mapping's references are its grant handle's (see below). */
    if ( !(e & _PAGE_PRESENT) || (e & _PAGE_GNTTAB) || !l1e_counted(e) )
        return;
    pg = pte_page(e);
    if ( e & _PAGE_RW )
        put_page_and_type(pg);
    else
        put_page(pg);
}

static int validate_l1(struct page_info *pg)
{
    struct domain *d = page_get_owner(pg);
    intpte_t *t = table_entries(pg);
    unsigned int i;
    int rc;

    for ( i = 0; i < PAGETABLE_ENTRIES; i++ )
    {
        intpte_t e = read_entry(&t[i]);

        if ( !(e & _PAGE_PRESENT) )
            continue;
        rc = pv_get_l1e(e, d, d);
        if ( rc )
        {
            while ( i-- )
                pv_put_l1e(read_entry(&t[i]));
            return rc;
        }
    }
    for ( i = 0; i < PAGETABLE_ENTRIES; i++ )
        write_entry(&t[i], stored_l1e(pv_adjust_l1e(read_entry(&t[i]))));
    return 0;
}

static void devalidate_l1(struct page_info *pg)
{
    intpte_t *t = table_entries(pg);
    unsigned int i;

    for ( i = 0; i < PAGETABLE_ENTRIES; i++ )
        pv_put_l1e(read_entry(&t[i]));
}

/* --- Linear (same-level) entries: Xen's XSA-240 exclusion. --- */

/* tpg gains a linear entry: only if nothing points at it linearly. */
static bool inc_linear_entries(struct page_info *tpg)
{
    int16_t x = __atomic_load_n(&tpg->linear_pt_count, __ATOMIC_RELAXED);

    do {
        if ( x < 0 || x == INT16_MAX )
            return false;
    } while ( !__atomic_compare_exchange_n(&tpg->linear_pt_count, &x, x + 1,
                                           false, __ATOMIC_SEQ_CST,
                                           __ATOMIC_RELAXED) );
    return true;
}

/* pg becomes a linear target: only if it has no linear entries itself. */
static bool inc_linear_uses(struct page_info *pg)
{
    int16_t x = __atomic_load_n(&pg->linear_pt_count, __ATOMIC_RELAXED);

    do {
        if ( x > 0 || x == INT16_MIN )
            return false;
    } while ( !__atomic_compare_exchange_n(&pg->linear_pt_count, &x, x - 1,
                                           false, __ATOMIC_SEQ_CST,
                                           __ATOMIC_RELAXED) );
    return true;
}

static void dec_linear_entries(struct page_info *tpg)
{
    int16_t old = __atomic_fetch_sub(&tpg->linear_pt_count, 1,
                                     __ATOMIC_SEQ_CST);

    ASSERT(old > 0);
    (void)old;
}

static void dec_linear_uses(struct page_info *pg)
{
    int16_t old = __atomic_fetch_add(&pg->linear_pt_count, 1,
                                     __ATOMIC_SEQ_CST);

    ASSERT(old < 0);
    (void)old;
}

/*
 * Entry e of the level-`level` table tpg points at pg, a table of the
 * same level (a general reference on pg is held): take a type reference
 * if e is a read-only linear entry Xen would accept.
 */
static bool get_linear(struct page_info *tpg, struct page_info *pg,
                       unsigned int level, intpte_t e)
{
    unsigned long x, y, want = PGT_table_of_level(level) | PGT_validated;

    if ( e & _PAGE_RW )
        return false;
    if ( !inc_linear_entries(tpg) )
        return false;
    if ( !inc_linear_uses(pg) )
    {
        dec_linear_entries(tpg);
        return false;
    }
    y = ACCESS_ONCE(pg->u.inuse.type_info);
    do {
        x = y;
        if ( (x & PGT_count_mask) == PGT_count_mask ||
             (x & (PGT_type_mask | PGT_validated)) != want )
        {
            dec_linear_uses(pg);
            dec_linear_entries(tpg);
            return false;
        }
        y = cmpxchg(&pg->u.inuse.type_info, x, x + 1);
    } while ( y != x );
    return true;
}

/* --- L2-L4 entries. --- */

/*
 * Take the references of entry e (present) of the level-`level` table
 * tpg. With PTF_partial in flags the caller already holds a partial claim
 * on the target (a general reference). 0: the entry holds a general and a
 * type reference (or, pointing at tpg itself, nothing). Otherwise *claim
 * says whether the caller now holds a partial claim on the target (always
 * after -ERESTART; after an error if the target was left partial).
 */
static int get_upper_entry(struct page_info *tpg, unsigned int level,
                           intpte_t e, unsigned int flags, bool *claim)
{
    struct domain *d = page_get_owner(tpg);
    bool had_claim = flags & PTF_partial, left = false;
    unsigned int cflags = flags & PTF_partial;
    struct page_info *pg;
    int rc;

    *claim = had_claim;
    if ( e & ~(PTE_ADDR_MASK | UPPER_GUEST_BITS) )
        return -EINVAL;
    if ( !pte_ram(e) )
        return -EINVAL;
    pg = pte_page(e);
    if ( !had_claim && !get_page(pg, d) )
        return -EINVAL;
    if ( level > 2 )
        cflags |= flags & PTF_preemptible;
    rc = page_type_get(pg, PGT_table_of_level(level - 1), cflags, &left);
    if ( rc == -EINVAL && !left )
    {
        if ( pg == tpg && !(e & _PAGE_RW) )
        {
            ASSERT(!had_claim);
            put_page(pg);           /* a self-map holds nothing */
            return 0;
        }
        if ( pg != tpg && get_linear(tpg, pg, level, e) )
            return 0;
    }
    if ( !rc )
        return 0;
    *claim = had_claim || left || rc == -ERESTART;
    if ( !*claim )
        put_page(pg);
    return rc;
}

/* Finish the partial claim entry e holds: 0, or -ERESTART (still held). */
static int put_upper_claim(intpte_t e, unsigned int flags)
{
    struct page_info *pg = pte_page(e);

    if ( page_type_put(pg, PTF_partial | (flags & PTF_preemptible)) )
        return -ERESTART;
    put_page(pg);
    return 0;
}

/*
 * Drop the references of entry e (present) of the level-`level` table
 * tpg: 0, or -ERESTART: the target was left partial and the caller holds
 * a partial claim on it.
 */
static int put_upper_entry(struct page_info *tpg, unsigned int level,
                           intpte_t e, unsigned int flags)
{
    struct page_info *pg = pte_page(e);
    unsigned int pflags = 0;

    if ( pg == tpg )
        return 0;
    if ( (pg->u.inuse.type_info & PGT_type_mask) == PGT_table_of_level(level) )
    {
        dec_linear_entries(tpg);
        dec_linear_uses(pg);
        pflags = flags & PTF_preemptible;
    }
    else if ( level > 2 )
        pflags = flags & PTF_preemptible;
    if ( page_type_put(pg, pflags) )
        return -ERESTART;
    put_page(pg);
    return 0;
}

/* The hypervisor's L4 slots (also after the guest's own values there). */
static void fill_xen_l4_slots(struct page_info *pg)
{
    intpte_t *t = table_entries(pg);
    unsigned int i;

    for ( i = PV_L4_XEN_FIRST; i <= PV_L4_XEN_LAST; i++ )
        write_entry(&t[i], idle_pg_table[i]);
    write_entry(&t[PV_L4_RO_MPT], 0);
    write_entry(&t[PV_L4_LINEAR],
                (mfn_x(page_to_mfn(pg)) << PAGE_SHIFT) | PV_LINEAR_PROT);
}

void pv_fill_ro_mpt(struct page_info *l4pg)
{
    intpte_t *t = table_entries(l4pg);

    if ( !read_entry(&t[PV_L4_RO_MPT]) )
        write_entry(&t[PV_L4_RO_MPT], idle_pg_table[PV_L4_RO_MPT]);
}

static bool is_guest_slot(unsigned int level, unsigned int i)
{
    return level != 4 || pv_is_guest_l4_slot(i);
}

/* All references are held: store the entries as the hardware sees them. */
static void commit_upper(struct page_info *pg, unsigned int level)
{
    intpte_t *t = table_entries(pg);
    unsigned int i;

    for ( i = 0; i < PAGETABLE_ENTRIES; i++ )
    {
        intpte_t e = read_entry(&t[i]);

        if ( is_guest_slot(level, i) && (e & _PAGE_PRESENT) )
            write_entry(&t[i], e | _PAGE_USER);
    }
    if ( level == 4 )
        fill_xen_l4_slots(pg);
}

int pv_validate_table(struct page_info *pg, unsigned int level,
                      unsigned int flags)
{
    intpte_t *t = table_entries(pg);
    unsigned int start = pg->nr_validated_ptes, i;

    BUILD_BUG_ON(sizeof(struct page_info) != 32);   /* the fields fit */
    ASSERT(level >= 1 && level <= 4);
    if ( level == 1 )
    {
        ASSERT(!start && !pg->partial_ref);
        return validate_l1(pg);
    }

    for ( i = start; i < PAGETABLE_ENTRIES; i++ )
    {
        bool claim = i == start && pg->partial_ref, kept;
        intpte_t e;
        int rc;

        if ( !is_guest_slot(level, i) )
            continue;
        if ( i > start && (flags & PTF_preemptible) &&
             hypercall_preempt_check() )
        {
            pg->nr_validated_ptes = i;
            pg->partial_ref = 0;
            return -ERESTART;
        }
        e = read_entry(&t[i]);
        if ( !(e & _PAGE_PRESENT) )
        {
            ASSERT(!claim);
            continue;
        }
        rc = get_upper_entry(pg, level, e,
                             (flags & PTF_preemptible) |
                             (claim ? PTF_partial : 0), &kept);
        if ( !rc )
            continue;
        pg->nr_validated_ptes = i;
        pg->partial_ref = kept;
        if ( rc == -EINTR )
            return (i || kept) ? -ERESTART : -EINTR;
        return rc;
    }

    commit_upper(pg, level);
    pg->nr_validated_ptes = 0;
    pg->partial_ref = 0;
    return 0;
}

int pv_devalidate_table(struct page_info *pg, unsigned int level,
                        unsigned int flags)
{
    intpte_t *t = table_entries(pg);
    unsigned int i = pg->nr_validated_ptes;
    bool progress = false;

    ASSERT(level >= 1 && level <= 4);
    if ( level == 1 )
    {
        ASSERT(i == PAGETABLE_ENTRIES && !pg->partial_ref);
        devalidate_l1(pg);
        pg->nr_validated_ptes = 0;
        return 0;
    }

    if ( pg->partial_ref )
    {
        if ( put_upper_claim(read_entry(&t[i]), flags) )
            return -ERESTART;
        pg->partial_ref = 0;
        progress = true;
    }
    while ( i > 0 )
    {
        intpte_t e;

        if ( progress && (flags & PTF_preemptible) &&
             hypercall_preempt_check() )
        {
            pg->nr_validated_ptes = i;
            return -ERESTART;
        }
        e = read_entry(&t[--i]);
        if ( !is_guest_slot(level, i) || !(e & _PAGE_PRESENT) )
            continue;
        progress = true;
        if ( put_upper_entry(pg, level, e, flags) )
        {
            pg->nr_validated_ptes = i;
            pg->partial_ref = 1;
            return -ERESTART;
        }
    }
    pg->nr_validated_ptes = 0;
    return 0;
}

/* --- Entry updates. --- */

/* May old be replaced by new without new references? */
static bool fast_path(intpte_t old, intpte_t new)
{
    /* A grant entry holds no references a guest entry could inherit. */
    return (old & _PAGE_PRESENT) && (new & _PAGE_PRESENT) &&
           !(old & _PAGE_GNTTAB) && !((old ^ new) & ~FASTPATH_BITS);
}

static intpte_t with_ad(intpte_t val, intpte_t old, bool preserve_ad)
{
    return preserve_ad ? (val | (old & _PAGE_AD)) : val;
}

static int mod_l1e(intpte_t *p, intpte_t val, struct domain *d,
                   struct domain *pg_owner, bool preserve_ad)
{
    bool got = false, fast;
    intpte_t old, store = val;
    int rc;

    if ( val & _PAGE_PRESENT )
    {
        if ( check_l1e_bits(val, d) )
            return -EINVAL;
        val = pv_adjust_l1e(val);
        store = stored_l1e(val);    /* the guest's val is what is checked */
    }
    for ( ; ; )
    {
        old = read_entry(p);
        fast = fast_path(old, store);
        if ( !fast && !got && (val & _PAGE_PRESENT) )
        {
            rc = pv_get_l1e(val, d, pg_owner);
            if ( rc )
                return rc;
            got = true;
        }
        if ( __atomic_compare_exchange_n(p, &old,
                                         with_ad(store, old, preserve_ad),
                                         false, __ATOMIC_SEQ_CST,
                                         __ATOMIC_RELAXED) )
            break;
    }
    if ( fast )
    {
        if ( got )
            pv_put_l1e(val);        /* the old entry's references stay */
        return 0;
    }
    pv_put_l1e(old);
    return 0;
}

/* The new entry's references for pv_mod_entry(), level 2-4. */
static int get_new_upper(struct page_info *tpg, unsigned int level,
                         intpte_t val, struct page_info **pending)
{
    bool claim;
    int rc = get_upper_entry(tpg, level, val, PTF_preemptible, &claim);

    if ( !rc )
        return 0;
    if ( rc == -EINTR || rc == -ERESTART )
    {
        /* Try again later; the target stays as far as it got. */
        if ( claim )
            put_page(pte_page(val));
        return -ERESTART;
    }
    if ( claim )
        *pending = pte_page(val);   /* half-validated: to be torn down */
    return rc;
}

int pv_mod_entry(struct page_info *tpg, unsigned int level, unsigned int idx,
                 intpte_t val, struct domain *pg_owner, bool preserve_ad,
                 struct page_info **pending)
{
    intpte_t *p = table_entries(tpg) + idx;
    struct domain *d = page_get_owner(tpg);
    bool got = false, fast;
    intpte_t old;
    int rc;

    ASSERT(level >= 1 && level <= 4 && idx < PAGETABLE_ENTRIES);
    *pending = NULL;
    if ( level == 1 )
        return mod_l1e(p, val, d, pg_owner, preserve_ad);
    if ( pg_owner != d || !is_guest_slot(level, idx) )
        return -EINVAL;
    if ( val & _PAGE_PRESENT )
    {
        if ( val & ~(PTE_ADDR_MASK | UPPER_GUEST_BITS) )
            return -EINVAL;
        val |= _PAGE_USER;
    }

    for ( ; ; )
    {
        old = read_entry(p);
        fast = fast_path(old, val);
        if ( !fast && !got && (val & _PAGE_PRESENT) )
        {
            rc = get_new_upper(tpg, level, val, pending);
            if ( rc )
                return rc;
            got = true;
        }
        if ( __atomic_compare_exchange_n(p, &old, with_ad(val, old, preserve_ad),
                                         false, __ATOMIC_SEQ_CST,
                                         __ATOMIC_RELAXED) )
            break;
    }
    if ( fast )
    {
        /* Ours is not the last reference: the old entry's is the same. */
        if ( got && put_upper_entry(tpg, level, val, 0) )
            ASSERT_UNREACHABLE();
        return 0;
    }
    if ( (old & _PAGE_PRESENT) && put_upper_entry(tpg, level, old,
                                                  PTF_preemptible) )
        *pending = pte_page(old);
    return 0;
}

int pv_cmpxchg_l1e(struct page_info *l1pg, unsigned int idx, intpte_t old,
                   intpte_t new, intpte_t *cur)
{
    struct domain *d = page_get_owner(l1pg);
    intpte_t *p = table_entries(l1pg) + idx;
    intpte_t seen = old, store = new;
    bool fast = false;
    int rc;

    ASSERT(idx < PAGETABLE_ENTRIES);
    if ( new & _PAGE_PRESENT )
    {
        if ( check_l1e_bits(new, d) )
            return -EINVAL;
        new = pv_adjust_l1e(new);
        store = stored_l1e(new);
        fast = fast_path(old, store);
        if ( !fast && (rc = pv_get_l1e(new, d, d)) != 0 )
            return rc;
    }
    if ( !__atomic_compare_exchange_n(p, &seen, store, false, __ATOMIC_SEQ_CST,
                                      __ATOMIC_RELAXED) )
    {
        if ( !fast )
            pv_put_l1e(new);
        *cur = seen;
        return -EAGAIN;
    }
    if ( !fast )
        pv_put_l1e(old);
    return 0;
}

/* ---- Grant mappings (pv/grant_pte.c) ---- */

intpte_t pv_read_l1e(struct page_info *l1pg, unsigned int idx)
{
    ASSERT(idx < PAGETABLE_ENTRIES);
    return read_entry(table_entries(l1pg) + idx);
}

void pv_install_grant_l1e(struct page_info *l1pg, unsigned int idx, intpte_t e)
{
    intpte_t *p = table_entries(l1pg) + idx;

    ASSERT(idx < PAGETABLE_ENTRIES);
    ASSERT((e & (_PAGE_PRESENT | _PAGE_GNTTAB)) == (_PAGE_PRESENT | _PAGE_GNTTAB));
    pv_put_l1e(__atomic_exchange_n(p, e, __ATOMIC_SEQ_CST));
}

int pv_remove_grant_l1e(struct page_info *l1pg, unsigned int idx,
                        unsigned long mfn, intpte_t with)
{
    intpte_t *p = table_entries(l1pg) + idx;
    intpte_t old = read_entry(p);

    ASSERT(idx < PAGETABLE_ENTRIES);
    do {
        if ( (old & (_PAGE_PRESENT | _PAGE_GNTTAB)) !=
             (_PAGE_PRESENT | _PAGE_GNTTAB) ||
             ((old & PTE_ADDR_MASK) >> PAGE_SHIFT) != mfn )
            return -EINVAL;
    } while ( !__atomic_compare_exchange_n(p, &old, with, false,
                                           __ATOMIC_SEQ_CST, __ATOMIC_RELAXED) );
    return 0;
}

int pv_steal_l1e(struct page_info *l1pg, unsigned int idx, intpte_t *taken)
{
    intpte_t *p = table_entries(l1pg) + idx;
    intpte_t old = read_entry(p);

    ASSERT(idx < PAGETABLE_ENTRIES);
    do {
        if ( old & _PAGE_GNTTAB )
            return -EINVAL;
    } while ( !__atomic_compare_exchange_n(p, &old, 0, false,
                                           __ATOMIC_SEQ_CST, __ATOMIC_RELAXED) );
    *taken = old;
    return 0;
}

/* ---- Taking and dropping a typed reference, preemptibly ---- */

/*
 * A type reference of type on pg (general reference held), preemptible:
 * 0, -ERESTART (do the request again), or an error; a half-validated page
 * left to tear down becomes *pending, with the caller's general
 * reference. Otherwise, on failure, the general reference is dropped.
 */
int pv_get_type_or_drop(struct page_info *pg, unsigned long type,
                            struct page_info **pending)
{
    bool partial;
    int rc = page_type_get(pg, type, type == PGT_l1_page_table
                                     ? 0 : PTF_preemptible, &partial);

    if ( !rc )
        return 0;
    if ( rc == -EINTR || rc == -ERESTART )
    {
        put_page(pg);
        return -ERESTART;
    }
    if ( partial )
        *pending = pg;
    else
        put_page(pg);
    return rc;
}

/*
 * Drop a full reference, preemptibly: if a teardown is left, the general
 * reference becomes *pending (or, if one is pending already, the teardown
 * is finished at once).
 */
void pv_put_ref_or_defer(struct page_info *pg, struct page_info **pending)
{
    if ( !page_type_put(pg, *pending ? 0 : PTF_preemptible) )
        put_page(pg);
    else
        *pending = pg;
}
