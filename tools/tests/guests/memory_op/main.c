/*
 * memory_op: XENMEM_* as a PV dom0 sees them on Xen 4.17 (booted with
 * dom0_mem=128M,max:128M, so the reservation starts at its maximum).
 *
 * - memory_map: -ENOSYS (a PV dom0 has no pseudo-physical map of its own;
 *   Linux then uses machine_memory_map);
 * - machine_memory_map: the host e820, sorted, not overlapping, with a RAM
 *   entry holding our frames; the end of the highest RAM entry is
 *   maximum_ram_page; nr_entries is set to the count; a buffer of exactly
 *   that many entries (or fewer, or 0) is -EINVAL, nr_entries untouched:
 *   4.17 wants one spare slot;
 * - machphys_mapping: v_start 0xffff800000000000, v_end 0xffff804000000000,
 *   max_mfn = maximum_ram_page - 1 (not the size of the range);
 * - maximum/current_reservation for DOMID_SELF and our id: both
 *   start_info.nr_pages; another id: -ESRCH;
 * - maximum_gpfn: shared_info.arch.max_pfn - 1, 0 while that field is 0
 *   (the guest writes it; the hypervisor only reads it);
 * - decrease_reservation of an unmapped page: 1 extent, the reservation
 *   drops by one, the M2P entry becomes ~0, mapping the frame: -EBUSY;
 *   of a frame not ours or already given back: 0 extents;
 * - increase_reservation of 2 extents with room for 1: 1 (max_pages is the
 *   limit), of 1 at the limit: 0; the frame it hands out has no M2P entry
 *   (~0) until MMU_MACHPHYS_UPDATE sets it;
 * - populate_physmap of the freed pfn: 1, a frame whose M2P entry is that
 *   pfn;
 * - frames handed back hold zeros or our own old contents, never anything
 *   else: 4.17 scrubs only pages of dying domains, so the frame we gave
 *   back returns with our data in it;
 * - exchange: with out.extent_start or in.extent_start in the hypervisor's
 *   range (the XSA-212 shape), or 1 << 62 extents (whose byte size wraps
 *   to 0 in 64 bits): -EFAULT, nr_exchanged 0 and the input page still ours with its
 *   contents; 1 extent for 2: -EINVAL; a good exchange: 0, nr_exchanged 1,
 *   a new frame whose M2P entry is the out pfn, the old one no longer ours;
 * - add_to_physmap of shared_info: -EACCES (PV guests are not translated).
 */
#include "pt.h"
#include "local_memory.h"

const char test_title[] = "memory_op: maps, reservations, exchange";

#define M2P_END   0xffff804000000000UL
#define XEN_SPACE ((xen_pfn_t *)0xffff82d080200000UL)
#define INVALID_M2P (~0UL)

static domid_t self = DOMID_SELF;
static long max_ram_page;

static long mop(unsigned int cmd, void *arg)
{
    return hypervisor_memory_op(cmd, arg);
}

static long resv(unsigned int cmd, xen_pfn_t *list, unsigned long n)
{
    struct xen_memory_reservation r = {
        .extent_start = list, .nr_extents = n, .domid = DOMID_SELF,
    };

    return mop(cmd, &r);
}

static long reservation(void)
{
    return mop(XENMEM_current_reservation, &self);
}

static long remap(void *va, xen_pfn_t mfn)
{
    uint64_t pte = mfn ? (mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED |
                         _PAGE_DIRTY : 0;

    return hypervisor_update_va_mapping((unsigned long)va, pte, UVMF_INVLPG);
}

/* Every byte zero, or every byte `old`. */
static bool zero_or(const void *p, uint8_t old)
{
    const uint8_t *b = p;
    bool zero = true, ours = true;
    unsigned int i;

    for ( i = 0; i < PAGE_SIZE; i++ )
    {
        zero &= b[i] == 0;
        ours &= b[i] == old;
    }
    return zero || ours;
}

static struct e820_entry map[64];

static void machine_map(void)
{
    struct xen_memory_map mm = { .nr_entries = ARRAY_SIZE(map), .buffer = map };
    uint64_t ours = virt_to_mfn(map) << PAGE_SHIFT, ram_end = 0;
    bool found = false;
    unsigned int i, n;

    CHECK_EQ(mop(XENMEM_memory_map, &mm), -ENOSYS);
    CHECK_EQ(mop(XENMEM_machine_memory_map, &mm), 0);
    n = mm.nr_entries;
    printk("machine_memory_map: %u entries\n", n);
    if ( n == 0 || n >= ARRAY_SIZE(map) )
        panic("machine_memory_map: %u entries", n);
    for ( i = 0; i < n; i++ )
    {
        printk("  %#014lx-%#014lx type %u\n", map[i].addr, map[i].addr + map[i].size,
               map[i].type);
        if ( i && map[i].addr < map[i - 1].addr + map[i - 1].size )
            fail("e820 entry %u overlaps or is out of order", i);
        if ( map[i].type != E820_RAM )
            continue;
        ram_end = map[i].addr + map[i].size;
        found |= map[i].addr <= ours && ours < ram_end;
    }
    CHECK(found);
    CHECK_EQ(ram_end >> PAGE_SHIFT, max_ram_page);

    mm.nr_entries = n + 1;
    CHECK_EQ(mop(XENMEM_machine_memory_map, &mm), 0);
    CHECK_EQ(mm.nr_entries, n);
    mm.nr_entries = n;
    CHECK_EQ(mop(XENMEM_machine_memory_map, &mm), -EINVAL);
    CHECK_EQ(mm.nr_entries, n);
    mm.nr_entries = 1;
    CHECK_EQ(mop(XENMEM_machine_memory_map, &mm), -EINVAL);
    CHECK_EQ(mm.nr_entries, 1);
    mm.nr_entries = 0;
    CHECK_EQ(mop(XENMEM_machine_memory_map, &mm), -EINVAL);
}

static void sizes(void)
{
    struct xen_machphys_mapping mp;
    domid_t zero = 0, nobody = 77;
    long n = start_info->nr_pages;

    CHECK_EQ(mop(XENMEM_machphys_mapping, &mp), 0);
    CHECK_EQ(mp.v_start, M2P_VA);
    CHECK_EQ(mp.v_end, M2P_END);
    CHECK_EQ(mp.max_mfn, max_ram_page - 1);

    CHECK_EQ(mop(XENMEM_maximum_reservation, &self), n);
    CHECK_EQ(mop(XENMEM_current_reservation, &self), n);
    CHECK_EQ(mop(XENMEM_maximum_reservation, &zero), n);
    CHECK_EQ(mop(XENMEM_current_reservation, &zero), n);
    CHECK_EQ(mop(XENMEM_current_reservation, &nobody), -ESRCH);
    CHECK(p2m[0] < (xen_pfn_t)max_ram_page && p2m[n - 1] < (xen_pfn_t)max_ram_page);

    CHECK_EQ(mop(XENMEM_maximum_gpfn, &self), 0);
    shared->arch.max_pfn = n;
    CHECK_EQ(mop(XENMEM_maximum_gpfn, &self), n - 1);
    CHECK_EQ(mop(XENMEM_maximum_gpfn, &zero), n - 1);
    shared->arch.max_pfn = 0;
}

/* Unmap p and give its frame back; returns the frame. */
static xen_pfn_t give_back(void *p)
{
    xen_pfn_t mfn = virt_to_mfn(p);

    ASSERT(remap(p, 0) == 0);
    CHECK_EQ(resv(XENMEM_decrease_reservation, &mfn, 1), 1);
    return virt_to_mfn(p);      /* mfn may have been overwritten */
}

static void reservations(void)
{
    static xen_pfn_t m2p_frames[2];
    struct xen_machphys_mfn_list ml = { .max_extents = 2, .extent_start = m2p_frames };
    uint8_t *p = alloc_page();
    unsigned long pfn = va_to_pfn((unsigned long)p);
    long cur = reservation();
    xen_pfn_t old, l[2];

    memset(p, 0xa5, PAGE_SIZE);
    old = give_back(p);
    CHECK_EQ(reservation(), cur - 1);
    CHECK_EQ(m2p[old], INVALID_M2P);
    CHECK_EQ(remap(p, old), -EBUSY);
    l[0] = old;
    CHECK_EQ(resv(XENMEM_decrease_reservation, l, 1), 0);
    ASSERT(mop(XENMEM_machphys_mfn_list, &ml) == 0 && ml.nr_extents >= 1);
    l[0] = m2p_frames[0];
    CHECK_EQ(resv(XENMEM_decrease_reservation, l, 1), 0);
    CHECK_EQ(reservation(), cur - 1);

    l[0] = l[1] = 0;
    CHECK_EQ(resv(XENMEM_increase_reservation, l, 2), 1);
    CHECK_EQ(reservation(), cur);
    CHECK(l[0] && l[0] < (xen_pfn_t)max_ram_page);
    CHECK_EQ(l[1], 0);
    CHECK_EQ(resv(XENMEM_increase_reservation, &l[1], 1), 0);
    CHECK_EQ(m2p[l[0]], INVALID_M2P);
    CHECK_EQ(remap(p, l[0]), 0);
    CHECK(zero_or(p, 0xa5));
    printk("increase_reservation: frame %#lx (gave back %#lx), first byte %#x\n", l[0], old, p[0]);
    CHECK_EQ(mmu_update1((l[0] << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, pfn), 0);
    CHECK_EQ(m2p[l[0]], pfn);
    p2m[pfn] = l[0];

    /* populate_physmap fills a pfn and sets the M2P itself */
    memset(p, 0x5a, PAGE_SIZE);
    give_back(p);
    l[0] = pfn;
    CHECK_EQ(resv(XENMEM_populate_physmap, l, 1), 1);
    CHECK_EQ(reservation(), cur);
    CHECK_EQ(m2p[l[0]], pfn);
    CHECK_EQ(remap(p, l[0]), 0);
    CHECK(zero_or(p, 0x5a));
    p2m[pfn] = l[0];
}

static void exchange(void)
{
    uint8_t *p = alloc_page();
    unsigned long pfn = va_to_pfn((unsigned long)p);
    xen_pfn_t in = virt_to_mfn(p), out = pfn;
    struct xen_memory_exchange x = {
        .in = { .extent_start = &in, .nr_extents = 1, .domid = DOMID_SELF },
        .out = { .extent_start = &out, .nr_extents = 1, .domid = DOMID_SELF },
    };
    long cur = reservation();

    memset(p, 0xc3, PAGE_SIZE);
    ASSERT(remap(p, 0) == 0);

    x.out.extent_start = XEN_SPACE;
    CHECK_EQ(mop(XENMEM_exchange, &x), -EFAULT);
    x.out.extent_start = &out;
    x.in.extent_start = XEN_SPACE;
    CHECK_EQ(mop(XENMEM_exchange, &x), -EFAULT);
    x.in.extent_start = &in;
    x.in.nr_extents = x.out.nr_extents = 1UL << 62;
    CHECK_EQ(mop(XENMEM_exchange, &x), -EFAULT);
    x.in.nr_extents = 1;
    x.out.nr_extents = 2;
    CHECK_EQ(mop(XENMEM_exchange, &x), -EINVAL);
    x.out.nr_extents = 1;
    CHECK_EQ(x.nr_exchanged, 0);
    CHECK_EQ(in, virt_to_mfn(p));
    CHECK_EQ(out, pfn);
    /* nothing was exchanged: the page is still ours, contents and all */
    CHECK_EQ(remap(p, in), 0);
    CHECK(zero_or(p, 0xc3) && p[100] == 0xc3);
    ASSERT(remap(p, 0) == 0);

    CHECK_EQ(mop(XENMEM_exchange, &x), 0);
    CHECK_EQ(x.nr_exchanged, 1);
    CHECK(out != pfn && out < (xen_pfn_t)max_ram_page);
    CHECK_EQ(m2p[out], pfn);
    CHECK_EQ(reservation(), cur);
    CHECK_EQ(remap(p, in), -EBUSY);
    CHECK_EQ(remap(p, out), 0);
    CHECK(zero_or(p, 0xc3));
    printk("exchange: %#lx for %#lx, first byte %#x\n", out, in, p[0]);
    p2m[pfn] = out;
}

static void physmap(void)
{
    struct xen_add_to_physmap a = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0,
        .gpfn = start_info->nr_pages + 16,
    };

    CHECK_EQ(mop(XENMEM_add_to_physmap, &a), -EACCES);
}

int main(void)
{
    max_ram_page = mop(XENMEM_maximum_ram_page, NULL);
    printk("maximum_ram_page %#lx, nr_pages %#lx\n", max_ram_page, start_info->nr_pages);
    if ( max_ram_page <= 0 )
        panic("maximum_ram_page: %ld", max_ram_page);

    machine_map();
    sizes();
    reservations();
    exchange();
    physmap();
    test_done();
}
