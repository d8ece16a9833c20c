/*
 * pt_preserve_ad: MMU_PT_UPDATE_PRESERVE_AD (pv-abi.md 0.3 and 3).
 *
 * The entry under test is the boot L1's entry for a page P of ours; the
 * CPU sets its A and D bits when P is read and written (after an INVLPG,
 * since mmu_update does not flush the guest's TLB).
 *
 * - a normal update (mmu_update MMU_NORMAL_PT_UPDATE, and update_va_mapping)
 *   stores exactly the new value (plus the bits the hypervisor adds to
 *   every kernel entry: US and bit 52): A/D the CPU had set are gone;
 * - PRESERVE_AD ORs the entry's current A/D into the new value: an update
 *   without A/D keeps A|D; an update that sets A keeps it while the old
 *   entry had neither; making the entry read-only (mprotect's shape) keeps
 *   A|D and a write then faults; pointing the entry at another frame keeps
 *   them too, and even a non-present new value gets the old A|D (4.17 ORs
 *   them in unconditionally);
 * - the hypervisor reports XENFEAT_mmu_pt_update_preserve_ad.
 */
#include "pt.h"

const char test_title[] = "pt_preserve_ad: A/D bits kept by PRESERVE_AD, not by normal updates";

#define AD       (_PAGE_ACCESSED | _PAGE_DIRTY)
#define ADDED    (_PAGE_USER | _PAGE_GUEST_KERNEL)

static uint64_t *page, *other;
static uint64_t maddr;              /* machine address of page's L1 entry */
static volatile uint64_t *entry;    /* the same, through the read-only L1 */

static long update(unsigned int cmd, uint64_t val)
{
    long rc = mmu_update1(maddr | cmd, val);

    ASSERT(mmuext1(MMUEXT_INVLPG_LOCAL, (unsigned long)page) == 0);
    return rc;
}

static uint64_t base(const uint64_t *p, uint64_t flags)
{
    return (virt_to_mfn(p) << PAGE_SHIFT) | flags;
}

static void touch(bool write)
{
    if ( write )
        ACCESS_ONCE(page[1]) = page[1] + 1;
    else
        (void)ACCESS_ONCE(page[0]);
}

static void normal_updates(void)
{
    uint64_t rw = base(page, _PAGE_PRESENT | _PAGE_RW);

    CHECK_EQ(update(MMU_NORMAL_PT_UPDATE, rw), 0);
    CHECK_EQ(*entry, rw | ADDED);
    touch(false);
    CHECK_EQ(*entry, rw | ADDED | _PAGE_ACCESSED);
    touch(true);
    CHECK_EQ(*entry, rw | ADDED | AD);

    /* normal: the new value as it is */
    CHECK_EQ(update(MMU_NORMAL_PT_UPDATE, rw), 0);
    CHECK_EQ(*entry, rw | ADDED);
    touch(true);
    CHECK_EQ(*entry & AD, AD);
    CHECK_EQ(hypervisor_update_va_mapping((unsigned long)page, rw, UVMF_INVLPG), 0);
    CHECK_EQ(*entry, rw | ADDED);
}

static void preserving_updates(void)
{
    uint64_t rw = base(page, _PAGE_PRESENT | _PAGE_RW);
    uint64_t ro = base(page, _PAGE_PRESENT);

    touch(true);
    CHECK_EQ(*entry & AD, AD);
    CHECK_EQ(update(MMU_PT_UPDATE_PRESERVE_AD, rw), 0);
    CHECK_EQ(*entry, rw | ADDED | AD);

    /* A from the new value, D never set */
    CHECK_EQ(update(MMU_NORMAL_PT_UPDATE, rw), 0);
    CHECK_EQ(update(MMU_PT_UPDATE_PRESERVE_AD, rw | _PAGE_ACCESSED), 0);
    CHECK_EQ(*entry, rw | ADDED | _PAGE_ACCESSED);

    /* write-protect, as mprotect does */
    touch(true);
    CHECK_EQ(update(MMU_PT_UPDATE_PRESERVE_AD, ro), 0);
    CHECK_EQ(*entry, ro | ADDED | AD);
    CHECK_EQ(probe_write(&page[2], 1), X86_EXC_PF);
    CHECK_EQ(last_trap.cr2, (uint64_t)&page[2]);

    /* another frame: A/D carried over all the same */
    CHECK_EQ(update(MMU_PT_UPDATE_PRESERVE_AD, base(other, _PAGE_PRESENT | _PAGE_RW)), 0);
    CHECK_EQ(*entry, base(other, _PAGE_PRESENT | _PAGE_RW) | ADDED | AD);
    CHECK_EQ(page[0], 0x0706050403020100UL);    /* reads other[0] now */

    /* non-present: A|D still ORed in */
    CHECK_EQ(update(MMU_PT_UPDATE_PRESERVE_AD, 0), 0);
    printk("after PRESERVE_AD of 0: %#lx\n", *entry);
    CHECK_EQ(*entry, AD);
    CHECK_EQ(update(MMU_NORMAL_PT_UPDATE, rw), 0);
    CHECK_EQ(*entry, rw | ADDED);
}

int main(void)
{
    xen_feature_info_t fi = { .submap_idx = 0 };

    page = alloc_page();
    other = alloc_page();
    other[0] = 0x0706050403020100UL;
    maddr = pt_entry_maddr((unsigned long)page, 1);
    ASSERT(maddr);
    entry = (volatile uint64_t *)(mfn_to_va(maddr >> PAGE_SHIFT) + (maddr & ~PAGE_MASK));
    ASSERT(entry != (void *)(maddr & ~PAGE_MASK));

    CHECK_EQ(hypervisor_xen_version(XENVER_get_features, &fi), 0);
    CHECK(fi.submap & (1U << XENFEAT_mmu_pt_update_preserve_ad));

    normal_updates();
    preserving_updates();
    test_done();
}
