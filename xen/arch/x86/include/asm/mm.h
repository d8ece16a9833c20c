/*
 * asm/mm.h: the frame table.
 *
 * Theory of operation. Every machine frame has a struct page_info at
 * FRAMETABLE_VIRT_START + mfn * sizeof(struct page_info); the entries of
 * frames that are not RAM are never touched (and their part of the table
 * may be unmapped). An entry says who owns the frame and how it is used:
 *
 *   count_info: PGC_* flags in the top bits, a general reference count in
 *       the bottom bits. Every mapping or other use of a guest's page holds
 *       a reference; a page is freed when the count drops to zero.
 *   u.inuse.type_info: what the page is being used as (PGT_l1_page_table
 *       ... PGT_writable_page) and how many uses of that type exist. A page
 *       can have one type at a time; PV page-table validation changes the
 *       type only when its type count is zero. This is what guarantees that
 *       a guest never has a writable mapping of its own page tables.
 *   v.inuse.owner: the owning domain (compressed, see page_get_owner()).
 *
 * Free pages use the u.free / v.free views instead: the buddy order of the
 * block the page heads, whether it still needs scrubbing, and its zone.
 */
#ifndef ASM_X86_MM_H
#define ASM_X86_MM_H

#include <asm/page.h>
#include <xen/mm.h>
#include <xen/types.h>

/* Links of the allocator's lists, as frame numbers (page_list.h). */
struct page_list_entry {
    uint32_t next, prev;
};

struct page_info {
    struct page_list_entry list;

    unsigned long count_info;

    union {
        struct {
            unsigned long type_info;
        } inuse;
        struct {
            uint8_t order;          /* valid in the head page of a block */
            bool need_scrub;        /* freed, not yet scrubbed */
            bool is_head;           /* head of a free buddy block */
        } free;
    } u;

    union {
        struct {
            uint32_t owner;         /* compressed struct domain pointer */
        } inuse;
        struct {
            uint32_t zone;
        } free;
    } v;

    union {
        uint32_t tlbflush_timestamp;
        /*
         * A PV page table's validation state (pv/pt_validate.c): while
         * PGT_partial is set, entries [0, nr_validated_ptes) hold their
         * references and, with partial_ref, entry nr_validated_ptes holds
         * a partial claim on its target. linear_pt_count: > 0, the number
         * of same-level (linear) entries the table has; < 0, minus the
         * number of linear entries pointing at it (never both).
         */
        struct {
            uint16_t nr_validated_ptes:10;
            uint16_t partial_ref:1;
            int16_t linear_pt_count;
        };
    };
};

/* count_info flags, from the top. */
#define PGC_allocated    (1ul << 63)  /* a domain holds its allocation ref */
#define PGC_xen_heap     (1ul << 62)  /* hypervisor's own page */
#define PGC_page_table   (1ul << 61)  /* has been a validated page table */
#define PGC_broken       (1ul << 60)  /* bad RAM: never allocate */
#define PGC_state_shift  58
#define PGC_state        (3ul << PGC_state_shift)
#define PGC_state_inuse  (0ul << PGC_state_shift)
#define PGC_state_free   (3ul << PGC_state_shift)
#define PGC_count_width  40
#define PGC_count_mask   ((1ul << PGC_count_width) - 1)

#define page_state_is(pg, st) (((pg)->count_info & PGC_state) == PGC_state_##st)

/* type_info: the type in the top bits, flags, then the type count. */
#define PGT_type_shift       60
#define PGT_type_mask        (15ul << PGT_type_shift)
#define PGT_none             (0ul << PGT_type_shift)
#define PGT_l1_page_table    (1ul << PGT_type_shift)
#define PGT_l2_page_table    (2ul << PGT_type_shift)
#define PGT_l3_page_table    (3ul << PGT_type_shift)
#define PGT_l4_page_table    (4ul << PGT_type_shift)
#define PGT_seg_desc_page    (5ul << PGT_type_shift)
#define PGT_shared_page      (6ul << PGT_type_shift)
#define PGT_writable_page    (7ul << PGT_type_shift)
#define PGT_pinned           (1ul << 59)
#define PGT_validated        (1ul << 58)
#define PGT_partial          (1ul << 57)
#define PGT_count_width      40
#define PGT_count_mask       ((1ul << PGT_count_width) - 1)

#ifdef __XEN_HOST_TEST__
/* Host unit tests supply their own frame table. */
extern struct page_info *frame_table;
#else
#define frame_table ((struct page_info *)FRAMETABLE_VIRT_START)
#endif

/* One past the highest frame the frame table describes. */
extern unsigned long max_page;

static inline struct page_info *mfn_to_page(mfn_t mfn)
{
    return frame_table + mfn_x(mfn);
}

static inline mfn_t page_to_mfn(const struct page_info *pg)
{
    return _mfn((unsigned long)(pg - frame_table));
}

static inline paddr_t page_to_maddr(const struct page_info *pg)
{
    return mfn_to_maddr(page_to_mfn(pg));
}

static inline void *page_to_virt(const struct page_info *pg)
{
    return __va(page_to_maddr(pg));
}

static inline struct page_info *virt_to_page(const void *v)
{
    return mfn_to_page(maddr_to_mfn(__pa(v)));
}

static inline void *mfn_to_virt(mfn_t mfn)
{
    return __va(mfn_to_maddr(mfn));
}

static inline mfn_t virt_to_mfn(const void *v)
{
    return maddr_to_mfn(__pa(v));
}

/* True if mfn has a frame table entry that describes RAM. */
bool mfn_valid(mfn_t mfn);

/*
 * The owner is stored as the frame number of the page holding the struct
 * domain (domains are page-allocated), keeping page_info at 32 bytes.
 */
static inline struct domain *page_get_owner(const struct page_info *pg)
{
    uint32_t o = pg->v.inuse.owner;

    return o ? (struct domain *)mfn_to_virt(_mfn(o)) : NULL;
}

static inline void page_set_owner(struct page_info *pg, struct domain *d)
{
    pg->v.inuse.owner = d ? (uint32_t)mfn_x(virt_to_mfn(d)) : 0;
}

/*
 * A page of d's that a PV guest named by frame number (for a PV guest a
 * "gfn" is a machine frame) to be written by the hypervisor: the event
 * channel FIFO pages, a registered vcpu_info. Takes a general reference
 * and a writable type reference, so the frame cannot become a page table
 * or descriptor page while the hypervisor writes it. NULL if gfn is not
 * RAM owned by d or cannot be writable now. Undo with put_guest_page_rw.
 */
struct page_info *get_guest_page_rw(struct domain *d, unsigned long gfn);
void put_guest_page_rw(struct page_info *pg);

#endif /* ASM_X86_MM_H */
