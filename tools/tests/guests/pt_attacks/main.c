/*
 * pt_attacks: page-table updates a PV guest must not get away with
 * (pv-abi.md 3), each refused with Xen 4.17's exact error and nothing
 * changed (each result is also printed).  The target entry is the boot-L1
 * entry of a page of ours ("victim").
 *
 * -EBUSY (an L1 entry the hypervisor cannot take a reference for):
 *   a writable mapping of a pinned L1 (update_va_mapping, mmu_update);
 *   a frame we gave back (decrease_reservation), read-only or writable,
 *   with foreigndom SELF or DOMID_XEN; an M2P frame (from
 *   XENMEM_machphys_mfn_list) read-only with foreigndom SELF, or writable
 *   with DOMID_XEN; Xen's own L3 tables (the frames in boot L4 slots 256
 *   and 261), even with DOMID_XEN; mfn 0x100.
 * -EINVAL: an L4 slot of the hypervisor's (256-271, any value, 0
 *   included) while slots 255 and 272 are the guest's; a PSE (superpage)
 *   L2 entry, writable or not; a linear L4 entry that is writable (made so
 *   at once or later); pinning an L1 twice; unpinning a table not pinned
 *   or a plain page; pinning or loading (NEW_BASEPTR) a free frame;
 *   NEW_BASEPTR to a plain writable page; MACHPHYS_UPDATE of a frame not
 *   ours; mmu_update whose ptr lies in a frame not ours (a free frame, an
 *   M2P frame, even with DOMID_XEN: m2p[0] is still ~0 after);
 *   update_va_mapping of a VA in the hypervisor's range.
 * Accepted (recorded, as 4.17 does): a read-only mapping of a pinned L1;
 * an M2P frame read-only with foreigndom DOMID_XEN (Xen shares it
 * read-only with privileged domains; it reads as the M2P: our pfn at our
 * mfn); a read-only linear L4 entry (the L4 reads through it, writes
 * fault); mfn 0 writable for dom0 (low memory is I/O memory dom0 may map:
 * the entry is forced uncached, PCD|PWT added).
 */
#include "pt.h"
#include "local_memory.h"

const char test_title[] = "pt_attacks: refused page-table updates and their error codes";

static uint64_t *victim;            /* a page of ours whose boot L1 entry we aim at */
static uint64_t victim_maddr;

static void expect(const char *what, long rc, long want)
{
    printk("%-52s %ld\n", what, rc);
    if ( rc != want )
        fail("%s: %ld, expected %ld", what, rc, want);
}

static long map_victim_to(uint64_t pte, unsigned int foreigndom)
{
    mmu_update_t req = { .ptr = victim_maddr, .val = pte };

    return hypervisor_mmu_update(&req, 1, NULL, foreigndom);
}

static long uvm(uint64_t pte)
{
    return hypervisor_update_va_mapping((unsigned long)victim, pte, UVMF_INVLPG);
}

static void victim_intact(const char *what)
{
    uint64_t e = lookup_pte((unsigned long)victim, NULL);

    if ( (e & ~(_PAGE_USER | _PAGE_GUEST_KERNEL)) != pte_for(victim, _PAGE_PRESENT | _PAGE_RW) )
    {
        fail("%s: victim entry now %#lx", what, e);
        ASSERT(uvm(pte_for(victim, _PAGE_PRESENT | _PAGE_RW)) == 0);
    }
}

static void writable_pinned_l1(void)
{
    uint64_t *l1 = pt_table();

    ASSERT(pt_pin(1, l1) == 0);
    expect("uvm: writable mapping of a pinned L1",
           uvm(pte_for(l1, _PAGE_PRESENT | _PAGE_RW)), -EBUSY);
    victim_intact("uvm writable L1");
    expect("mmu_update: writable mapping of a pinned L1",
           map_victim_to(pte_for(l1, _PAGE_PRESENT | _PAGE_RW), DOMID_SELF), -EBUSY);
    victim_intact("mmu_update writable L1");
    expect("mmu_update: read-only mapping of a pinned L1",
           map_victim_to(pte_for(l1, _PAGE_PRESENT), DOMID_SELF), 0);
    ASSERT(uvm(pte_for(victim, _PAGE_PRESENT | _PAGE_RW)) == 0);

    expect("pin an L1 twice", pt_pin(1, l1), -EINVAL);
    expect("unpin", pt_unpin(l1), 0);
    expect("unpin a table not pinned", pt_unpin(l1), -EINVAL);
    expect("unpin a plain page", pt_unpin(victim), -EINVAL);
}

static void hypervisor_l4_slots(void)
{
    uint64_t *l3 = pt_table();
    uint64_t l4 = boot_l4_mfn() << PAGE_SHIFT;
    uint64_t m2p_before = boot_l4()[256];
    uint64_t v;
    unsigned int s;

    ASSERT(pt_pin(3, l3) == 0);
    for ( s = 256; s <= 271; s += 5 )
    {
        char what[64];

        snprintf(what, sizeof(what), "mmu_update: L4 slot %u := 0", s);
        expect(what, mmu_update1(l4 + s * 8, 0), -EINVAL);
        snprintf(what, sizeof(what), "mmu_update: L4 slot %u := our L3", s);
        expect(what, mmu_update1(l4 + s * 8, pt_link(l3)), -EINVAL);
    }
    expect("mmu_update: L4 slot 271 := 0", mmu_update1(l4 + 271 * 8, 0), -EINVAL);
    CHECK_EQ(boot_l4()[256], m2p_before);
    CHECK_EQ(probe_read(&m2p[virt_to_mfn(victim)], &v), -1);
    CHECK_EQ(v, va_to_pfn((unsigned long)victim));

    /* the slots either side are the guest's */
    expect("mmu_update: L4 slot 255 := our L3", mmu_update1(l4 + 255 * 8, pt_link(l3)), 0);
    expect("mmu_update: L4 slot 255 := 0", mmu_update1(l4 + 255 * 8, 0), 0);
    expect("mmu_update: L4 slot 272 := our L3", mmu_update1(l4 + 272 * 8, pt_link(l3)), 0);
    expect("mmu_update: L4 slot 272 := 0", mmu_update1(l4 + 272 * 8, 0), 0);
    ASSERT(pt_unpin(l3) == 0);
}

static void superpage(void)
{
    uint64_t l2e = pt_entry_maddr(VIRT_BASE + 9 * L2_SPAN, 2);
    uint64_t mfn = virt_to_mfn(victim) & ~511UL;

    ASSERT(l2e);
    expect("mmu_update: PSE L2 entry",
           mmu_update1(l2e, (mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED |
                            _PAGE_DIRTY | _PAGE_PSE), -EINVAL);
    expect("mmu_update: PSE L2 entry, read-only",
           mmu_update1(l2e, (mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_PSE),
           -EINVAL);
    CHECK(!(lookup_pte(VIRT_BASE + 9 * L2_SPAN, NULL) & _PAGE_PRESENT));
}

/* A frame that was ours and is now free: decrease_reservation of a page. */
static xen_pfn_t give_back_a_page(void)
{
    void *p = alloc_page();
    xen_pfn_t mfn = virt_to_mfn(p);
    struct xen_memory_reservation r = {
        .extent_start = &mfn, .nr_extents = 1, .domid = DOMID_SELF,
    };

    ASSERT(hypervisor_update_va_mapping((unsigned long)p, 0, UVMF_INVLPG) == 0);
    if ( hypervisor_memory_op(XENMEM_decrease_reservation, &r) != 1 )
        panic("decrease_reservation of one page failed");
    return mfn;
}

static void foreign_frames(void)
{
    static xen_pfn_t m2p_frames[4];
    struct xen_machphys_mfn_list ml = { .max_extents = 4, .extent_start = m2p_frames };
    xen_pfn_t alien = give_back_a_page();
    uint64_t ro = _PAGE_PRESENT | _PAGE_ACCESSED, rw = ro | _PAGE_RW | _PAGE_DIRTY;
    uint64_t xen_l3 = boot_l4()[261] & PTE_MFN_MASK;
    uint64_t m2p_l3 = boot_l4()[256] & PTE_MFN_MASK;
    xen_pfn_t mine = virt_to_mfn(victim);
    long rc;

    ASSERT(alien);
    rc = hypervisor_memory_op(XENMEM_machphys_mfn_list, &ml);
    printk("machphys_mfn_list: %ld, %u extents, first %#lx\n", rc, ml.nr_extents, m2p_frames[0]);
    ASSERT(rc == 0 && ml.nr_extents >= 1);

    expect("uvm: a free frame", uvm((alien << PAGE_SHIFT) | rw), -EBUSY);
    expect("mmu_update: a free frame, read-only",
           map_victim_to((alien << PAGE_SHIFT) | ro, DOMID_SELF), -EBUSY);
    expect("mmu_update: a free frame, foreigndom XEN",
           map_victim_to((alien << PAGE_SHIFT) | ro, DOMID_XEN), -EBUSY);
    victim_intact("free frame");

    expect("mmu_update: an M2P frame, read-only",
           map_victim_to((m2p_frames[0] << PAGE_SHIFT) | ro, DOMID_SELF), -EBUSY);
    /* the extent is 2 MiB of M2P, contiguous: frame k holds mfns 512k.. */
    expect("mmu_update: an M2P frame, read-only, foreigndom XEN",
           map_victim_to(((m2p_frames[0] + (mine >> 9)) << PAGE_SHIFT) | ro, DOMID_XEN), 0);
    ASSERT(mmuext1(MMUEXT_INVLPG_LOCAL, (unsigned long)victim) == 0);
    CHECK_EQ(victim[mine & 511], va_to_pfn((unsigned long)victim));
    ASSERT(uvm(pte_for(victim, _PAGE_PRESENT | _PAGE_RW)) == 0);
    expect("mmu_update: an M2P frame, writable, foreigndom XEN",
           map_victim_to((m2p_frames[0] << PAGE_SHIFT) | rw, DOMID_XEN), -EBUSY);
    victim_intact("M2P frame");

    expect("mmu_update: Xen's L3 for slot 261", map_victim_to(xen_l3 | ro, DOMID_SELF), -EBUSY);
    expect("mmu_update: Xen's L3 for slot 261, foreigndom XEN",
           map_victim_to(xen_l3 | ro, DOMID_XEN), -EBUSY);
    expect("mmu_update: Xen's L3 for slot 256", map_victim_to(m2p_l3 | ro, DOMID_SELF), -EBUSY);
    victim_intact("Xen's page tables");
    expect("mmu_update: mfn 0, writable", map_victim_to(rw, DOMID_SELF), 0);
    CHECK_EQ(lookup_pte((unsigned long)victim, NULL),
             rw | _PAGE_USER | _PAGE_GUEST_KERNEL | _PAGE_PCD | _PAGE_PWT);
    ASSERT(uvm(pte_for(victim, _PAGE_PRESENT | _PAGE_RW)) == 0);
    expect("mmu_update: mfn 0x100, writable",
           map_victim_to((0x100UL << PAGE_SHIFT) | rw, DOMID_SELF), -EBUSY);
    victim_intact("mfn 0x100");

    /* the request's target itself not ours: nothing written there */
    expect("mmu_update: ptr in a free frame", mmu_update1(alien << PAGE_SHIFT, 0), -EINVAL);
    expect("mmu_update: ptr in an M2P frame", mmu_update1(m2p_frames[0] << PAGE_SHIFT, 0), -EINVAL);
    expect("mmu_update: ptr in an M2P frame, foreigndom XEN",
           hypervisor_mmu_update(&(mmu_update_t){ .ptr = m2p_frames[0] << PAGE_SHIFT }, 1, NULL,
                                 DOMID_XEN), -EINVAL);
    CHECK_EQ(m2p[0], ~0UL);                 /* what the last two aimed at */
    expect("uvm: a VA in the hypervisor's range",
           hypervisor_update_va_mapping(0xffff830000000000UL, 0, UVMF_INVLPG), -EINVAL);
    expect("pin a free frame as L1", mmuext1(MMUEXT_PIN_L1_TABLE, alien), -EINVAL);
    expect("NEW_BASEPTR to a free frame", mmuext1(MMUEXT_NEW_BASEPTR, alien), -EINVAL);
    expect("NEW_BASEPTR to a plain writable page",
           mmuext1(MMUEXT_NEW_BASEPTR, virt_to_mfn(victim)), -EINVAL);
    expect("MACHPHYS_UPDATE of a free frame",
           mmu_update1((alien << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, 5), -EINVAL);
}

static void linear(void)
{
    uint64_t l4 = boot_l4_mfn() << PAGE_SHIFT;
    unsigned long s = 300;
    uint64_t self = l4 | _PAGE_PRESENT | _PAGE_ACCESSED;
    unsigned long va = 0xffff000000000000UL | (s << 39) | (s << 30) | (s << 21) | (s << 12);
    uint64_t v = 0;

    expect("mmu_update: writable linear L4 entry",
           mmu_update1(l4 + s * 8, self | _PAGE_RW), -EINVAL);
    CHECK_EQ(boot_l4()[s], 0);
    expect("mmu_update: read-only linear L4 entry", mmu_update1(l4 + s * 8, self), 0);
    CHECK_EQ(probe_read((void *)(va + 511 * 8), &v), -1);
    CHECK_EQ(v, boot_l4()[511]);
    CHECK_EQ(probe_write((void *)(va + 300 * 8), 0), X86_EXC_PF);
    expect("mmu_update: linear L4 entry made writable",
           mmu_update1(l4 + s * 8, self | _PAGE_RW), -EINVAL);
    CHECK_EQ(boot_l4()[s] & _PAGE_RW, 0);
    expect("mmu_update: linear L4 entry removed", mmu_update1(l4 + s * 8, 0), 0);
}

int main(void)
{
    victim = alloc_page();
    victim_maddr = pt_entry_maddr((unsigned long)victim, 1);
    ASSERT(victim_maddr);

    writable_pinned_l1();
    hypervisor_l4_slots();
    superpage();
    foreign_frames();
    linear();
    test_done();
}
