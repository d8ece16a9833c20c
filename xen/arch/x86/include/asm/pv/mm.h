/*
 * asm/pv/mm.h: PV page-table types, validation and entry updates.
 *
 * common/domain_page.c keeps the type state machine (which type a frame
 * has, how many uses depend on it, whether it is validated, partially
 * validated, pinned); pv/pt_validate.c knows what a page table's entries
 * may hold and takes and drops the references they stand for; pv/mm.c
 * turns the guest's hypercalls into these operations. The rules are those
 * of pv-abi.md 3, with Xen 4.17's error codes.
 */
#ifndef ASM_X86_PV_MM_H
#define ASM_X86_PV_MM_H

#include <asm/mm.h>
#include <asm/page.h>
#include <xen/types.h>
#include <public/xen.h>

struct domain;
struct vcpu;

/* Bits the hypervisor owns in a guest L1 entry (pv-abi.md 3). */
#define _PAGE_GUEST_KERNEL (1ul << 52)   /* a kernel mapping (no guest US) */
#define _PAGE_GNTTAB       (1ul << 62)   /* a grant mapping: never the guest's */

#define PV_L4_XEN_FIRST 256              /* the hypervisor's L4 slots */
#define PV_L4_XEN_LAST  271
#define PV_L4_RO_MPT    256              /* the read-only M2P */
#define PV_L4_LINEAR    258              /* the L4's map of itself */

static inline bool pv_is_guest_l4_slot(unsigned int slot)
{
    return slot < PV_L4_XEN_FIRST || slot > PV_L4_XEN_LAST;
}

/* The PGT_* type of a level-n table (1-4), and back. */
#define PGT_table_of_level(n) ((unsigned long)(n) << PGT_type_shift)
static inline unsigned int pgt_level(unsigned long type_info)
{
    unsigned long t = type_info & PGT_type_mask;

    return t >= PGT_l1_page_table && t <= PGT_l4_page_table
           ? t >> PGT_type_shift : 0;
}

/* --- The type state machine (common/domain_page.c). --- */

/*
 * Flags of the type operations:
 *   PTF_preemptible  the caller can continue later: an L2-L4 operation may
 *                    stop with -ERESTART (progress kept in the page, which
 *                    is left PGT_partial) or -EINTR (nothing done).
 *   PTF_partial      the caller holds a partial claim on the page (a
 *                    general reference left with a PGT_partial page),
 *                    not a full type reference: a get continues the
 *                    page's validation, a put continues its devalidation,
 *                    and both do nothing to the type if somebody else has
 *                    meanwhile completed it.
 */
#define PTF_preemptible (1u << 0)
#define PTF_partial     (1u << 1)

/*
 * A type reference of type on pg, on which the caller holds a general
 * reference (or, with PTF_partial, a partial claim). Page tables are
 * validated here when their type count leaves zero. Returns 0 (the caller
 * now holds a full reference), or:
 *   -EINVAL    pg is in use as another type, or its contents are not a
 *              valid table of this type (then also -EBUSY, -EPERM, ...:
 *              the error of the first bad entry);
 *   -EOVERFLOW the type count is full;
 *   -EAGAIN    a descriptor page that its first taker has not validated;
 *   -ERESTART  (preemptible) preempted: pg is PGT_partial, the caller's
 *              general reference is now a partial claim on it;
 *   -EINTR     (preemptible) preempted before anything was done.
 * On any other failure with *partial set (preemptible callers only), pg
 * was left PGT_partial to be torn down later and the caller's general
 * reference is a partial claim the caller must finish (page_type_defer).
 */
int page_type_get(struct page_info *pg, unsigned long type,
                  unsigned int flags, bool *partial);

/*
 * Drop a type reference (or, with PTF_partial, finish a partial claim's
 * type work; the claim's general reference stays the caller's either
 * way). The last reference of a page table devalidates it. 0, or
 * (preemptible) -ERESTART: pg is left PGT_partial and the caller's
 * general reference is a partial claim.
 */
int page_type_put(struct page_info *pg, unsigned int flags);

/* Take a type reference of pg's current type if it is validated. */
bool page_type_get_validated(struct page_info *pg, unsigned long *type);

/* Set / clear PGT_pinned on a validated page the caller holds a type
 * reference on; false if it already was / was not pinned. */
bool page_type_set_pinned(struct page_info *pg);
bool page_type_clear_pinned(struct page_info *pg);

/*
 * Deferred teardown: a hypercall that leaves a partial claim behind (a
 * table whose devalidation was preempted, or whose validation failed
 * half-way) hands it to its vCPU; the vCPU must finish it before that
 * hypercall completes (pv/mm.c continues itself until it is done).
 * page_type_finish_deferred(): 0 when nothing is left, -ERESTART when
 * preempted again.
 */
void page_type_defer(struct vcpu *v, struct page_info *pg);
bool page_type_has_deferred(const struct vcpu *v);
int page_type_finish_deferred(struct vcpu *v);

/* --- Tables and entries (pv/pt_validate.c). --- */

/*
 * Validate / devalidate the level-n table pg from its saved progress
 * (domain_page.c calls these; the page is exclusively the caller's). 0,
 * -ERESTART/-EINTR (preemptible), or the first bad entry's error.
 */
int pv_validate_table(struct page_info *pg, unsigned int level,
                      unsigned int flags);
int pv_devalidate_table(struct page_info *pg, unsigned int level,
                        unsigned int flags);

/*
 * Before a page whose type count is zero takes a type other than the one
 * it had (old_type), make sure no CPU still holds a translation through
 * it or to it from its former use (TLB flush; an L4 also leaves every
 * idle CPU that still runs on it).
 */
void pv_type_change_flush(struct page_info *pg, unsigned long old_type);

/*
 * The owners mmu_update's foreigndom may name besides real domains:
 * markers only (they own no page, hold no rights, are never reference
 * counted). DOMID_IO: device memory, with the table owner's rights;
 * DOMID_XEN: the frames the hypervisor shares read-only (the M2P).
 */
extern struct domain pv_dom_io, pv_dom_xen;

static inline bool pv_is_pseudo_owner(const struct domain *d)
{
    return d == &pv_dom_io || d == &pv_dom_xen;
}

/*
 * The references an L1 entry e of l1e_owner's stands for, to a frame of
 * pg_owner's (the same domain, a foreign one for a privileged caller, or
 * a pseudo-owner above): 0; -EINVAL (bits a guest may not set; the
 * all-ones frame where other device memory is -EPERM), -EPERM (device
 * memory without I/O-memory rights, or the hypervisor's devices), -EBUSY
 * (no reference can be had: not pg_owner's frame, free, the
 * hypervisor's; or writable and the frame is a page table or descriptor
 * page; with DOMID_XEN, anything but an M2P frame read-only), -EACCES
 * (cache attributes on a hypervisor page). Device memory and M2P frames
 * take no references. e must be present. The hypervisor stores a
 * device-memory entry uncached (pt_validate.c).
 */
int pv_get_l1e(intpte_t e, struct domain *l1e_owner, struct domain *pg_owner);
void pv_put_l1e(intpte_t e);
/*
 * The hypervisor's bits on the guest's L1 entry e (US, 52 or G); entry
 * updates and validation also store device memory uncached.
 */
intpte_t pv_adjust_l1e(intpte_t e);

/*
 * Replace entry idx of the validated level-`level` table tpg (the caller
 * holds a type reference on it) with val, as mmu_update does: the new
 * entry's references are taken first (nothing changes if that fails), the
 * old one's dropped after. pg_owner owns the frames an L1 entry may map.
 * 0 or -errno (-ERESTART: do it again later). *pending: a partial claim
 * left for the caller to finish (the old target's devalidation was
 * preempted, or the new target's validation failed half-way).
 */
int pv_mod_entry(struct page_info *tpg, unsigned int level, unsigned int idx,
                 intpte_t val, struct domain *pg_owner, bool preserve_ad,
                 struct page_info **pending);

/*
 * For writable page-table emulation: replace L1 entry idx of the
 * validated L1 l1pg (type reference held) with new if it still holds old:
 * 0; -EAGAIN and *cur if it holds something else; another -errno (and
 * nothing written) if new is refused.
 */
int pv_cmpxchg_l1e(struct page_info *l1pg, unsigned int idx, intpte_t old,
                   intpte_t new, intpte_t *cur);

/*
 * Grant mappings (pv/grant_pte.c). install: put the grant entry e (P and
 * _PAGE_GNTTAB set; its references are the caller's grant handle's) at
 * idx of the validated L1 l1pg, dropping what the old entry held.
 * remove: replace the grant entry of mfn at idx with `with` (0, or an
 * entry whose references the caller hands over): 0, or -EINVAL if idx
 * holds no grant mapping of mfn. steal: take the guest entry at idx,
 * references and all, leaving 0 (-EINVAL for a grant entry).
 */
void pv_install_grant_l1e(struct page_info *l1pg, unsigned int idx, intpte_t e);
int pv_remove_grant_l1e(struct page_info *l1pg, unsigned int idx,
                        unsigned long mfn, intpte_t with);
int pv_steal_l1e(struct page_info *l1pg, unsigned int idx, intpte_t *taken);

/*
 * pv/mm.c: a general and a type reference on frame mfn if it is one of
 * d's validated L1 tables; on the L1 that maps va in v's kernel tables.
 * NULL if there is none.
 */
struct page_info *pv_get_l1_table(struct domain *d, unsigned long mfn);
struct page_info *pv_get_guest_l1(struct vcpu *v, unsigned long va);
/* The current contents of entry idx of L1 l1pg (pv/pt_validate.c). */
intpte_t pv_read_l1e(struct page_info *l1pg, unsigned int idx);

/* Fill the read-only M2P slot of an L4 that becomes a kernel base. */
void pv_fill_ro_mpt(struct page_info *l4pg);

/*
 * A type reference on pg (whose general reference the caller holds),
 * preemptibly: -ERESTART, or on failure the general reference dropped
 * unless a half-done teardown is left, which becomes *pending.
 */
int pv_get_type_or_drop(struct page_info *pg, unsigned long type,
                        struct page_info **pending);
/* Drop a full reference preemptibly; a teardown left becomes *pending. */
void pv_put_ref_or_defer(struct page_info *pg, struct page_info **pending);

/*
 * pv/ptwr_glue.c: a #PF (error code in regs, address addr) that is the
 * guest kernel writing one of its validated L1 tables directly is
 * emulated: true, the guest goes on after the instruction (the caller
 * raises #DB if it single-steps). false: the fault is the guest's.
 * Call with interrupts enabled (a new entry may change a frame's type,
 * which flushes every CPU's TLB).
 */
struct cpu_user_regs;
bool pv_ptwr_fault(struct cpu_user_regs *regs, unsigned long addr);

/* --- Hypercalls (pv/mm.c; the others are in asm/pv/hypercall.h). --- */

/* update_va_mapping with the frames of domid's (privileged callers). */
long do_update_va_mapping_otherdomain(unsigned long va, uint64_t val,
                                      unsigned long flags, domid_t domid);

#endif /* ASM_X86_PV_MM_H */
