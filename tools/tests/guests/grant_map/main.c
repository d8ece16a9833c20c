/*
 * grant_map: the rest of grant mapping, on grants of our own (so that it
 * runs as dom0 on both hypervisors).  Every op returns 0; the outcome is
 * in its status.
 *
 * - GNTMAP_contains_pte: host_addr is the machine address of the L1 entry
 *   to fill: okay, the entry maps the frame; unmapped through the same
 *   address; a misaligned entry address, or one in a page that is not a
 *   page table: general_error;
 * - the entry of a kernel map carries the "guest kernel" bit 52, that of a
 *   GNTMAP_application_map does not (and is user-accessible);
 * - a device-only map: okay, dev_bus_addr the frame's, the grant in use;
 *   an unmap naming another bus address: bad_dev_addr, still mapped; the
 *   right one: okay, the grant idle; again: bad_handle;
 * - host + device: an unmap with host_addr only takes the host part (the
 *   entry cleared, the grant still in use); then dev_bus_addr the rest;
 * - unmap_and_replace: the grant's entry becomes new_addr's mapping (the
 *   frame that was there), new_addr is left unmapped, the grant idle;
 * - a grant of one of our L1 page tables: a writable map general_error,
 *   a read-only map okay (the entries readable through it), a copy into
 *   it general_error;
 * - a granted frame we give back with decrease_reservation while it is
 *   mapped stays readable through the mapping, with its contents, until
 *   the unmap;
 * - a grant mapping the guest overwrites itself (update_va_mapping): 0;
 *   the grant stays in use, and its unmap fails (general_error) for good.
 */
#include "pt.h"
#include "local_grant_table.h"
#include "local_memory.h"

const char test_title[] = "grant_map: contains_pte, device maps, replace, page tables, freeing";

#define REF      10
#define REF_L1   11
#define REF_GONE 12

static volatile struct grant_entry_v1 *gt;
static uint64_t *data;

static long gop(unsigned int cmd, void *op)
{
    return hypervisor_grant_table_op(cmd, op, 1);
}

static void grant(unsigned int ref, xen_pfn_t mfn, uint16_t flags)
{
    gt[ref].domid = 0;
    gt[ref].frame = mfn;
    barrier();
    gt[ref].flags = flags;
}

static int16_t map(uint64_t host, unsigned int ref, uint32_t flags,
                   grant_handle_t *handle, uint64_t *bus)
{
    struct gnttab_map_grant_ref m = {
        .host_addr = host, .flags = flags, .ref = ref, .dom = 0,
        .status = 99, .handle = ~0U,
    };

    CHECK_EQ(gop(GNTTABOP_map_grant_ref, &m), 0);
    if ( handle )
        *handle = m.handle;
    if ( bus )
        *bus = m.dev_bus_addr;
    return m.status;
}

static int16_t unmap(uint64_t host, uint64_t bus, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref u = {
        .host_addr = host, .dev_bus_addr = bus, .handle = handle, .status = 99,
    };

    CHECK_EQ(gop(GNTTABOP_unmap_grant_ref, &u), 0);
    return u.status;
}

static void *hole(void)
{
    void *h = alloc_page();

    ASSERT(hypervisor_update_va_mapping((unsigned long)h, 0, UVMF_INVLPG) == 0);
    return h;
}

static void setup(void)
{
    static xen_pfn_t frames[1];
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1,
                                     .frame_list = frames, .status = 99 };

    CHECK_EQ(gop(GNTTABOP_setup_table, &st), 0);
    if ( st.status != GNTST_okay )
        panic("setup_table: status %d", st.status);
    gt = map_mfn(frames[0], _PAGE_PRESENT | _PAGE_RW);
    data = alloc_page();
    data[0] = 0xabcd;
    grant(REF, virt_to_mfn(data), GTF_permit_access);
}

static void contains_pte(void)
{
    void *h = hole();
    uint64_t pte_ma = pt_entry_maddr((unsigned long)h, 1), v = 0;
    grant_handle_t a;

    CHECK(pte_ma != 0);
    CHECK_EQ(map(pte_ma + 4, REF, GNTMAP_host_map | GNTMAP_contains_pte, NULL, NULL),
             GNTST_general_error);
    CHECK_EQ(map(virt_to_mfn(data) << PAGE_SHIFT, REF,
                 GNTMAP_host_map | GNTMAP_contains_pte, NULL, NULL), GNTST_general_error);
    CHECK_EQ(map(pte_ma, REF, GNTMAP_host_map | GNTMAP_contains_pte, &a, NULL), GNTST_okay);
    CHECK_EQ(lookup_pte((unsigned long)h, NULL) & PTE_MFN_MASK, virt_to_mfn(data) << PAGE_SHIFT);
    CHECK_EQ(probe_read(h, &v), -1);
    CHECK_EQ(v, 0xabcd);
    CHECK_EQ(unmap(pte_ma, 0, a), GNTST_okay);
    CHECK_EQ(lookup_pte((unsigned long)h, NULL), 0);
    CHECK_EQ(gt[REF].flags, GTF_permit_access);
}

static void kernel_and_application(void)
{
    void *h1 = hole(), *h2 = hole();
    grant_handle_t a, b;
    uint64_t p1, p2;

    CHECK_EQ(map((uint64_t)h1, REF, GNTMAP_host_map, &a, NULL), GNTST_okay);
    CHECK_EQ(map((uint64_t)h2, REF, GNTMAP_host_map | GNTMAP_application_map, &b, NULL),
             GNTST_okay);
    p1 = lookup_pte((unsigned long)h1, NULL);
    p2 = lookup_pte((unsigned long)h2, NULL);
    CHECK_EQ(p1 & (_PAGE_GUEST_KERNEL | _PAGE_USER), _PAGE_GUEST_KERNEL | _PAGE_USER);
    CHECK_EQ(p2 & (_PAGE_GUEST_KERNEL | _PAGE_USER), _PAGE_USER);
    CHECK_EQ(unmap((uint64_t)h1, 0, a), GNTST_okay);
    CHECK_EQ(unmap((uint64_t)h2, 0, b), GNTST_okay);
}

static void device_parts(void)
{
    uint64_t ma = virt_to_mfn(data) << PAGE_SHIFT, bus = 0;
    void *h = hole();
    grant_handle_t a, b;

    CHECK_EQ(map(0, REF, GNTMAP_device_map, &a, &bus), GNTST_okay);
    CHECK_EQ(bus, ma);
    CHECK_EQ(gt[REF].flags, GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(unmap(0, ma + PAGE_SIZE, a), GNTST_bad_dev_addr);
    CHECK_EQ(gt[REF].flags, GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(unmap(0, ma, a), GNTST_okay);
    CHECK_EQ(gt[REF].flags, GTF_permit_access);
    CHECK_EQ(unmap(0, ma, a), GNTST_bad_handle);

    CHECK_EQ(map((uint64_t)h, REF, GNTMAP_host_map | GNTMAP_device_map, &b, NULL),
             GNTST_okay);
    CHECK_EQ(unmap((uint64_t)h, 0, b), GNTST_okay);
    CHECK_EQ(lookup_pte((unsigned long)h, NULL), 0);
    CHECK_EQ(gt[REF].flags, GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(unmap(0, ma, b), GNTST_okay);
    CHECK_EQ(gt[REF].flags, GTF_permit_access);
    CHECK_EQ(unmap(0, ma, b), GNTST_bad_handle);
}

static void replace(void)
{
    struct gnttab_unmap_and_replace r = { .status = 99 };
    uint64_t *spare = alloc_page();
    xen_pfn_t spare_mfn = virt_to_mfn(spare);
    void *h = hole();
    grant_handle_t a;
    uint64_t v = 0;

    spare[0] = 0x5151;
    CHECK_EQ(map((uint64_t)h, REF, GNTMAP_host_map, &a, NULL), GNTST_okay);
    r.host_addr = (uint64_t)h;
    r.new_addr = (uint64_t)spare;
    r.handle = a;
    CHECK_EQ(gop(GNTTABOP_unmap_and_replace, &r), 0);
    CHECK_EQ(r.status, GNTST_okay);
    CHECK_EQ(lookup_pte((unsigned long)h, NULL) & PTE_MFN_MASK, spare_mfn << PAGE_SHIFT);
    CHECK_EQ(lookup_pte((unsigned long)spare, NULL), 0);
    CHECK_EQ(probe_read(h, &v), -1);
    CHECK_EQ(v, 0x5151);
    CHECK_EQ(gt[REF].flags, GTF_permit_access);
    r.status = 99;
    CHECK_EQ(gop(GNTTABOP_unmap_and_replace, &r), 0);
    CHECK_EQ(r.status, GNTST_bad_handle);
    ASSERT(hypervisor_update_va_mapping((unsigned long)spare,
                                        pte_for(spare, _PAGE_PRESENT | _PAGE_RW),
                                        UVMF_INVLPG) == 0);
}

static void page_table_grant(void)
{
    uint64_t l1_ma = pt_entry_maddr((unsigned long)data, 1) & PTE_MFN_MASK;
    uint64_t *h = hole(), v = 0;
    grant_handle_t a;
    struct gnttab_copy c;

    grant(REF_L1, l1_ma >> PAGE_SHIFT, GTF_permit_access);
    CHECK_EQ(map((uint64_t)h, REF_L1, GNTMAP_host_map, NULL, NULL), GNTST_general_error);
    CHECK_EQ(gt[REF_L1].flags, GTF_permit_access);
    CHECK_EQ(map((uint64_t)h, REF_L1, GNTMAP_host_map | GNTMAP_readonly, &a, NULL),
             GNTST_okay);
    CHECK_EQ(probe_read(&h[pt_index((unsigned long)data, 1)], &v), -1);
    CHECK_EQ(v & PTE_MFN_MASK, virt_to_mfn(data) << PAGE_SHIFT);
    CHECK_EQ(unmap((uint64_t)h, 0, a), GNTST_okay);

    memset(&c, 0, sizeof(c));
    c.flags = GNTCOPY_dest_gref;
    c.source.u.gmfn = virt_to_mfn(data);
    c.source.domid = DOMID_SELF;
    c.dest.u.ref = REF_L1;
    c.dest.domid = 0;
    c.len = 8;
    CHECK_EQ(gop(GNTTABOP_copy, &c), 0);
    CHECK_EQ(c.status, GNTST_general_error);
    CHECK_EQ(gt[REF_L1].flags, GTF_permit_access);
}

static void freed_while_mapped(void)
{
    uint64_t *p = alloc_page(), *h = hole(), v = 0;
    xen_pfn_t mfn = virt_to_mfn(p);
    struct xen_memory_reservation r = { .extent_start = &mfn, .nr_extents = 1,
                                        .domid = DOMID_SELF };
    grant_handle_t a;

    p[7] = 0x7777;
    grant(REF_GONE, mfn, GTF_permit_access);
    CHECK_EQ(map((uint64_t)h, REF_GONE, GNTMAP_host_map, &a, NULL), GNTST_okay);
    ASSERT(hypervisor_update_va_mapping((unsigned long)p, 0, UVMF_INVLPG) == 0);
    CHECK_EQ(hypervisor_memory_op(XENMEM_decrease_reservation, &r), 1);
    CHECK_EQ(probe_read(&h[7], &v), -1);
    CHECK_EQ(v, 0x7777);
    CHECK_EQ(probe_write(&h[8], 0x8888), -1);
    CHECK_EQ(unmap((uint64_t)h, 0, a), GNTST_okay);
    CHECK_EQ(lookup_pte((unsigned long)h, NULL), 0);
    gt[REF_GONE].flags = 0;
}

static void overwritten(void)
{
    uint64_t *h = hole();
    grant_handle_t a;

    CHECK_EQ(map((uint64_t)h, REF, GNTMAP_host_map, &a, NULL), GNTST_okay);
    /* Allowed; the mapping's references stay with the handle. */
    CHECK_EQ(hypervisor_update_va_mapping((unsigned long)h, 0, UVMF_INVLPG), 0);
    CHECK_EQ(gt[REF].flags, GTF_permit_access | GTF_reading | GTF_writing);
    /* No entry to take away any more: the handle can never be unmapped. */
    CHECK_EQ(unmap((uint64_t)h, 0, a), GNTST_general_error);
    CHECK_EQ(unmap((uint64_t)h, 0, a), GNTST_general_error);
    CHECK_EQ(gt[REF].flags, GTF_permit_access | GTF_reading | GTF_writing);
}

int main(void)
{
    setup();
    contains_pte();
    kernel_and_application();
    device_parts();
    replace();
    page_table_grant();
    freed_while_mapped();
    overwritten();
    test_done();
}
