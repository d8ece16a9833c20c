/*
 * pt_tree: a whole 4-level tree built by the guest (pv-abi.md 3).
 *
 * A fresh VA range (L4 slot 300) gets new L1, L2 and L3 pages, hooked into
 * a new L4 that also carries the kernel's mappings (the boot L4's guest
 * slots copied).  L1a maps data page D1 writable and D2 read-only, L1b maps
 * D2 read-only; the L2 points at both L1s, the L3 at the L2.
 *
 * - pinning the L2 while L1a is still mapped writable fails (-EINVAL) and
 *   leaves the L2 untyped (it may be mapped writable again);
 * - L1a pinned as L1: 0; pinned again: -EINVAL;
 * - the L2 pinned while L1b was never pinned: 0, and L1b is now an L1
 *   table (a writable mapping of it: -EBUSY; unpinning it: -EINVAL, it is
 *   typed but not pinned);
 * - the L3 pinned as an L2 (its entry points at an L2): -EINVAL; as L3: 0;
 *   the L4 pinned: 0; the guest slots stay as written and the hypervisor
 *   filled its slots: 258 the linear map of this L4, 261 as in the boot
 *   L4, but 256 (the read-only M2P) stays empty: Xen 4.17 fills it only
 *   when the L4 becomes a base pointer (unless VMASST m2p_strict);
 * - NEW_BASEPTR to the new L4: 0; slot 256 is now the boot L4's and the
 *   M2P reads through it; through the new L4 the range reads D1 and D2,
 *   a write through the writable entry lands in D1, a write through the
 *   read-only one faults (#PF, error code P|W = 3, cr2 = the address), and
 *   the kernel keeps running (its mappings are the same);
 * - NEW_BASEPTR back: the new range faults again (not-present #PF);
 * - pinned tables refuse writable mappings (-EBUSY); unpinned top-down,
 *   each becomes writable-mappable as soon as nothing holds its type: the
 *   L4 and L3 after their unpin, the L2 and L1b after the L2's unpin, L1a
 *   only after its own; a second unpin: -EINVAL; at the end every page
 *   takes a writable mapping and a write.
 */
#include "pt.h"

const char test_title[] = "pt_tree: build, pin, load and tear down a 4-level tree";

#define SLOT     300UL
#define RANGE_VA (0xffff000000000000UL | (SLOT << 39))
#define VA_A     RANGE_VA                   /* L1a[0] -> D1, writable */
#define VA_A2    (RANGE_VA + PAGE_SIZE)     /* L1a[1] -> D2, read-only */
#define VA_B     (RANGE_VA + L2_SPAN)       /* L1b[0] -> D2, read-only */

#define MARK1 0x1111222233334444UL
#define MARK2 0x5555666677778888UL

struct tree {
    uint64_t *d1, *d2, *l1a, *l1b, *l2, *l3, *l4;
};

static void build(struct tree *t)
{
    unsigned int i;

    t->d1 = alloc_page();
    t->d2 = alloc_page();
    t->d1[0] = MARK1;
    t->d2[0] = MARK2;

    t->l1a = alloc_page();
    t->l1b = alloc_page();
    t->l2 = alloc_page();
    t->l3 = alloc_page();
    t->l4 = alloc_page();
    t->l1a[0] = pte_for(t->d1, _PAGE_PRESENT | _PAGE_RW);
    t->l1a[1] = pte_for(t->d2, _PAGE_PRESENT);
    t->l1b[0] = pte_for(t->d2, _PAGE_PRESENT);
    t->l2[0] = pt_link(t->l1a);
    t->l2[1] = pt_link(t->l1b);
    t->l3[0] = pt_link(t->l2);
    for ( i = 0; i < 512; i++ )
        if ( i < 256 || i > 271 )
            t->l4[i] = boot_l4()[i];
    ASSERT(!t->l4[SLOT]);
    t->l4[SLOT] = pt_link(t->l3);
}

static void pin_bottom_up(struct tree *t)
{
    /* the L2 points at a still-writable L1: refused, L2 left untyped */
    CHECK_EQ(pt_ro(t->l2), 0);
    CHECK_EQ(pt_pin(2, t->l2), -EINVAL);
    CHECK_EQ(pt_rw(t->l2), 0);
    CHECK_EQ(pt_ro(t->l2), 0);

    CHECK_EQ(pt_ro(t->l1a), 0);
    CHECK_EQ(pt_pin(1, t->l1a), 0);
    CHECK_EQ(pt_pin(1, t->l1a), -EINVAL);

    /* L1b never pinned: validated on the way */
    CHECK_EQ(pt_ro(t->l1b), 0);
    CHECK_EQ(pt_pin(2, t->l2), 0);
    CHECK_EQ(pt_rw(t->l1b), -EBUSY);
    CHECK_EQ(pt_unpin(t->l1b), -EINVAL);

    CHECK_EQ(pt_ro(t->l3), 0);
    CHECK_EQ(pt_pin(2, t->l3), -EINVAL);
    CHECK_EQ(pt_pin(3, t->l3), 0);

    CHECK_EQ(pt_ro(t->l4), 0);
    CHECK_EQ(pt_pin(4, t->l4), 0);
    /* 4.17 fills the hypervisor slots, except 256 (the read-only M2P):
     * that one only when the L4 becomes a base pointer */
    CHECK_EQ(t->l4[256], 0);
    CHECK_EQ(t->l4[258] & PTE_MFN_MASK, virt_to_mfn(t->l4) << PAGE_SHIFT);
    CHECK_EQ(t->l4[258] & ~PTE_MFN_MASK, boot_l4()[258] & ~PTE_MFN_MASK);
    CHECK_EQ(t->l4[261], boot_l4()[261]);
    CHECK_EQ(t->l4[SLOT], pt_link(t->l3));
    CHECK_EQ(t->l4[511], boot_l4()[511]);
}

static void use(struct tree *t)
{
    uint64_t v = 0;
    int vec;

    CHECK_EQ(pt_new_baseptr(virt_to_mfn(t->l4)), 0);
    CHECK_EQ(t->l4[256], boot_l4()[256]);
    CHECK_EQ(probe_read(&m2p[virt_to_mfn(t->d1)], &v), -1);
    CHECK_EQ(v, va_to_pfn((unsigned long)t->d1));
    CHECK_EQ(probe_read((void *)VA_A, &v), -1);
    CHECK_EQ(v, MARK1);
    CHECK_EQ(probe_read((void *)VA_A2, &v), -1);
    CHECK_EQ(v, MARK2);
    CHECK_EQ(probe_read((void *)VA_B, &v), -1);
    CHECK_EQ(v, MARK2);
    CHECK_EQ(probe_write((void *)(VA_A + 8), 0xabcdUL), -1);
    CHECK_EQ(t->d1[1], 0xabcd);
    vec = probe_write((void *)VA_B, 1);
    CHECK_EQ(vec, X86_EXC_PF);
    if ( vec == X86_EXC_PF )
    {
        CHECK_EQ(last_trap.error_code, 3);
        CHECK_EQ(last_trap.cr2, VA_B);
    }
    CHECK_EQ(t->d2[0], MARK2);

    CHECK_EQ(pt_new_baseptr(boot_l4_mfn()), 0);
    vec = probe_read((void *)VA_A, &v);
    CHECK_EQ(vec, X86_EXC_PF);
    if ( vec == X86_EXC_PF )
        CHECK_EQ(last_trap.error_code & 1, 0);
}

static void tear_down(struct tree *t)
{
    uint64_t *all[] = { t->l1a, t->l1b, t->l2, t->l3, t->l4 };
    unsigned int i;

    CHECK_EQ(pt_rw(t->l4), -EBUSY);
    CHECK_EQ(pt_unpin(t->l4), 0);
    CHECK_EQ(pt_rw(t->l4), 0);
    CHECK_EQ(pt_rw(t->l3), -EBUSY);
    CHECK_EQ(pt_unpin(t->l3), 0);
    CHECK_EQ(pt_rw(t->l3), 0);
    CHECK_EQ(pt_rw(t->l2), -EBUSY);
    CHECK_EQ(pt_unpin(t->l2), 0);
    CHECK_EQ(pt_rw(t->l2), 0);
    CHECK_EQ(pt_rw(t->l1b), 0);
    CHECK_EQ(pt_rw(t->l1a), -EBUSY);
    CHECK_EQ(pt_unpin(t->l1a), 0);
    CHECK_EQ(pt_unpin(t->l1a), -EINVAL);
    CHECK_EQ(pt_rw(t->l1a), 0);

    for ( i = 0; i < ARRAY_SIZE(all); i++ )
    {
        CHECK(lookup_pte((unsigned long)all[i], NULL) & _PAGE_RW);
        CHECK_EQ(probe_write(&all[i][7], i), -1);
    }
}

int main(void)
{
    struct tree t;

    build(&t);
    pin_bottom_up(&t);
    use(&t);
    tear_down(&t);
    test_done();
}
