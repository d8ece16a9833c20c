/*
 * grant_v1: grant table v1 within one domain (pv-abi.md 5 "Grants").
 * dom0 grants its own pages to itself (domid 0 in the entry), which Xen
 * 4.17 allows for map and copy.  Every op returns 0; the outcome is in
 * each op's status.
 *
 * - query_size(DOMID_SELF): 1 frame, max 64; another domid: bad_domain;
 *   get_version: 1; set_version 1: 0; set_version 0: -EINVAL with the
 *   current version (1) written back;
 * - setup_table(1): a frame of ours, mapped writable, reserved entries
 *   empty; setup_table(2) grows the table (query_size: 2), 65: general_error;
 * - map_grant_ref of a permitted entry: handle, dev_bus_addr = the frame's
 *   machine address even without GNTMAP_device_map; the PTE at host_addr
 *   maps the frame writable and NX; the entry gains reading|writing; the
 *   data reads through it and a write lands in the page;
 *   dom = DOMID_SELF: bad_domain; a second map of the same ref: its own
 *   handle; read-only map of a read-only grant: a read-only PTE, the
 *   entry shows reading only; a writable map of it: general_error;
 * - unmap: okay, the PTE cleared, the flags back to permit_access after
 *   the last one; a second unmap of the handle: bad_handle; a handle
 *   never issued: bad_handle;
 * - copy: gref -> local frame and local frame -> gref, with offsets: the
 *   exact bytes move, neighbours untouched; offset + len past the page
 *   (source or dest): bad_copy_arg; a gref copy whose domid is DOMID_SELF
 *   works (a map with dom = DOMID_SELF does not); into a read-only grant:
 *   general_error (not permitted);
 * - ref beyond the table (512 with one frame): bad_gntref for map and
 *   copy; once the table has 2 frames, an empty entry 512: general_error;
 * - an entry granted to another domid, or revoked (flags 0): map and
 *   copy general_error.
 */
#include "pt.h"
#include "local_grant_table.h"

const char test_title[] = "grant_v1: self-grants, map/unmap, copy, refused refs";

#define REF   10
#define REF_RO 11
#define REF_OTHER 12

static volatile struct grant_entry_v1 *gt;
static xen_pfn_t gt_frame;
static uint64_t *data, *ro_data, *local;

static long gop(unsigned int cmd, void *op)
{
    return hypervisor_grant_table_op(cmd, op, 1);
}

static void grant(unsigned int ref, domid_t to, const void *page, uint16_t flags)
{
    gt[ref].domid = to;
    gt[ref].frame = virt_to_mfn(page);
    barrier();
    gt[ref].flags = flags;
}

static int16_t map(void *host, unsigned int ref, domid_t dom, uint32_t flags,
                   grant_handle_t *handle, uint64_t *bus)
{
    struct gnttab_map_grant_ref m = {
        .host_addr = (uint64_t)host, .flags = flags, .ref = ref, .dom = dom,
        .status = 99, .handle = ~0U,
    };

    CHECK_EQ(gop(GNTTABOP_map_grant_ref, &m), 0);
    if ( handle )
        *handle = m.handle;
    if ( bus )
        *bus = m.dev_bus_addr;
    return m.status;
}

static int16_t unmap(void *host, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref u = {
        .host_addr = (uint64_t)host, .handle = handle, .status = 99,
    };

    CHECK_EQ(gop(GNTTABOP_unmap_grant_ref, &u), 0);
    return u.status;
}

/* A VA with nothing mapped at it (its boot L1 entry cleared). */
static void *hole(void)
{
    void *h = alloc_page();

    ASSERT(hypervisor_update_va_mapping((unsigned long)h, 0, UVMF_INVLPG) == 0);
    return h;
}

static void setup(void)
{
    struct gnttab_query_size qs = { .dom = DOMID_SELF, .status = 99 };
    static xen_pfn_t frames[2];
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1, .frame_list = frames };
    struct gnttab_set_version sv = { .version = 1 };
    struct gnttab_get_version gv = { .dom = DOMID_SELF };

    CHECK_EQ(gop(GNTTABOP_query_size, &qs), 0);
    CHECK_EQ(qs.status, GNTST_okay);
    CHECK_EQ(qs.nr_frames, 1);
    CHECK_EQ(qs.max_nr_frames, 64);
    qs.dom = 77;
    CHECK_EQ(gop(GNTTABOP_query_size, &qs), 0);
    CHECK_EQ(qs.status, GNTST_bad_domain);

    CHECK_EQ(gop(GNTTABOP_get_version, &gv), 0);
    CHECK_EQ(gv.version, 1);
    CHECK_EQ(gop(GNTTABOP_set_version, &sv), 0);
    CHECK_EQ(sv.version, 1);
    sv.version = 0;
    CHECK_EQ(gop(GNTTABOP_set_version, &sv), -EINVAL);
    CHECK_EQ(sv.version, 1);

    st.status = 99;
    CHECK_EQ(gop(GNTTABOP_setup_table, &st), 0);
    if ( st.status != GNTST_okay )
        panic("setup_table: status %d", st.status);
    CHECK(mfn_to_va(frames[0]) == 0);       /* not a boot-area frame */
    gt_frame = frames[0];
    gt = map_mfn(gt_frame, _PAGE_PRESENT | _PAGE_RW);
    CHECK_EQ(gt[0].flags | gt[1].flags | gt[REF].flags, 0);

    data = alloc_page();
    ro_data = alloc_page();
    local = alloc_page();
    data[0] = 0x1234;
    ro_data[0] = 0x5678;
    grant(REF, 0, data, GTF_permit_access);
    grant(REF_RO, 0, ro_data, GTF_permit_access | GTF_readonly);
    grant(REF_OTHER, 5, data, GTF_permit_access);
}

static void map_unmap(void)
{
    void *h1 = hole(), *h2 = hole(), *h3 = hole();
    grant_handle_t a = ~0U, b = ~0U, c = ~0U;
    uint64_t bus = 0, pte, v = 0;

    CHECK_EQ(map(h1, REF, DOMID_SELF, GNTMAP_host_map, NULL, NULL), GNTST_bad_domain);
    CHECK_EQ(map(h1, REF, 0, GNTMAP_host_map, &a, &bus), GNTST_okay);
    CHECK_EQ(bus, virt_to_mfn(data) << PAGE_SHIFT);
    pte = lookup_pte((unsigned long)h1, NULL);
    CHECK_EQ(pte & PTE_MFN_MASK, virt_to_mfn(data) << PAGE_SHIFT);
    CHECK_EQ(pte & (_PAGE_PRESENT | _PAGE_RW | _PAGE_NX), _PAGE_PRESENT | _PAGE_RW | _PAGE_NX);
    CHECK_EQ(gt[REF].flags, GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(probe_read(h1, &v), -1);
    CHECK_EQ(v, 0x1234);
    CHECK_EQ(probe_write((uint64_t *)h1 + 3, 0x77), -1);
    CHECK_EQ(data[3], 0x77);

    CHECK_EQ(map(h2, REF, 0, GNTMAP_host_map, &b, NULL), GNTST_okay);
    CHECK(b != a);
    CHECK_EQ(map(h3, REF_RO, 0, GNTMAP_host_map, NULL, NULL), GNTST_general_error);
    CHECK_EQ(map(h3, REF_RO, 0, GNTMAP_host_map | GNTMAP_readonly, &c, NULL), GNTST_okay);
    CHECK_EQ(lookup_pte((unsigned long)h3, NULL) & (_PAGE_PRESENT | _PAGE_RW), _PAGE_PRESENT);
    CHECK_EQ(gt[REF_RO].flags, GTF_permit_access | GTF_readonly | GTF_reading);
    CHECK_EQ(probe_read(h3, &v), -1);
    CHECK_EQ(v, 0x5678);
    CHECK_EQ(probe_write(h3, 1), X86_EXC_PF);

    CHECK_EQ(unmap(h1, a), GNTST_okay);
    CHECK_EQ(lookup_pte((unsigned long)h1, NULL), 0);
    CHECK_EQ(probe_read(h1, &v), X86_EXC_PF);
    CHECK_EQ(gt[REF].flags, GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(unmap(h1, a), GNTST_bad_handle);
    CHECK_EQ(unmap(h2, b), GNTST_okay);
    CHECK_EQ(gt[REF].flags, GTF_permit_access);
    CHECK_EQ(unmap(h3, c), GNTST_okay);
    CHECK_EQ(gt[REF_RO].flags, GTF_permit_access | GTF_readonly);
    CHECK_EQ(unmap(h3, 1000), GNTST_bad_handle);
}

static int16_t copy(uint16_t flags, grant_ref_t sref, uint16_t soff, grant_ref_t dref,
                    uint16_t doff, uint16_t len)
{
    struct gnttab_copy c;

    memset(&c, 0, sizeof(c));
    c.flags = flags;
    c.len = len;
    c.source.offset = soff;
    c.dest.offset = doff;
    if ( flags & GNTCOPY_source_gref )
    {
        c.source.u.ref = sref;
        c.source.domid = 0;
    }
    else
    {
        c.source.u.gmfn = virt_to_mfn(local);
        c.source.domid = DOMID_SELF;
    }
    if ( flags & GNTCOPY_dest_gref )
    {
        c.dest.u.ref = dref;
        c.dest.domid = 0;
    }
    else
    {
        c.dest.u.gmfn = virt_to_mfn(local);
        c.dest.domid = DOMID_SELF;
    }
    c.status = 99;
    CHECK_EQ(gop(GNTTABOP_copy, &c), 0);
    return c.status;
}

static void copies(void)
{
    uint8_t *d = (uint8_t *)data, *l = (uint8_t *)local;
    unsigned int i;

    for ( i = 0; i < PAGE_SIZE; i++ )
    {
        d[i] = (uint8_t)i;
        l[i] = 0xee;
    }
    /* gref -> local: 5 bytes from offset 100 to offset 3000 */
    CHECK_EQ(copy(GNTCOPY_source_gref, REF, 100, 0, 3000, 5), GNTST_okay);
    CHECK(l[2999] == 0xee && l[3005] == 0xee);
    CHECK(l[3000] == 100 && l[3004] == 104);
    /* local -> gref: 3 bytes from offset 3000 to offset 4093 (the very end) */
    CHECK_EQ(copy(GNTCOPY_dest_gref, 0, 3000, REF, 4093, 3), GNTST_okay);
    CHECK(d[4092] == (uint8_t)4092 && d[4093] == 100 && d[4095] == 102);

    /* a gref copy names the granter DOMID_SELF: accepted (map is not) */
    {
        struct gnttab_copy c = {
            .source = { .u.ref = REF, .domid = DOMID_SELF, .offset = 8 },
            .dest = { .u.gmfn = virt_to_mfn(local), .domid = DOMID_SELF, .offset = 0 },
            .len = 1, .flags = GNTCOPY_source_gref, .status = 99,
        };

        CHECK_EQ(gop(GNTTABOP_copy, &c), 0);
        CHECK_EQ(c.status, GNTST_okay);
        CHECK_EQ(l[0], 8);
    }

    CHECK_EQ(copy(GNTCOPY_source_gref, REF, 4000, 0, 0, 97), GNTST_bad_copy_arg);
    CHECK_EQ(copy(GNTCOPY_dest_gref, 0, 0, REF, 4095, 2), GNTST_bad_copy_arg);
    CHECK_EQ(copy(GNTCOPY_source_gref, REF, 0, 0, 0, 4096), GNTST_okay);
    CHECK_EQ(copy(GNTCOPY_dest_gref, 0, 0, REF_RO, 0, 8), GNTST_general_error);
    CHECK_EQ(ro_data[0], 0x5678);
    CHECK_EQ(copy(GNTCOPY_source_gref, REF_RO, 0, 0, 8, 8), GNTST_okay);
    CHECK_EQ(local[1], 0x5678);
    CHECK_EQ(gt[REF].flags, GTF_permit_access);
}

static void refused(void)
{
    static xen_pfn_t frames[65];
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 2, .frame_list = frames };
    struct gnttab_query_size qs = { .dom = DOMID_SELF };
    void *h = hole();

    CHECK_EQ(map(h, 512, 0, GNTMAP_host_map, NULL, NULL), GNTST_bad_gntref);
    CHECK_EQ(copy(GNTCOPY_source_gref, 512, 0, 0, 0, 8), GNTST_bad_gntref);
    CHECK_EQ(map(h, REF_OTHER, 0, GNTMAP_host_map, NULL, NULL), GNTST_general_error);
    CHECK_EQ(copy(GNTCOPY_source_gref, REF_OTHER, 0, 0, 0, 8), GNTST_general_error);

    /* revoked */
    gt[REF].flags = 0;
    CHECK_EQ(map(h, REF, 0, GNTMAP_host_map, NULL, NULL), GNTST_general_error);
    CHECK_EQ(copy(GNTCOPY_source_gref, REF, 0, 0, 0, 8), GNTST_general_error);
    CHECK_EQ(lookup_pte((unsigned long)h, NULL), 0);

    CHECK_EQ(gop(GNTTABOP_setup_table, &st), 0);
    CHECK_EQ(st.status, GNTST_okay);
    CHECK_EQ(frames[0], gt_frame);
    CHECK(frames[1] && frames[1] != gt_frame);
    CHECK_EQ(gop(GNTTABOP_query_size, &qs), 0);
    CHECK_EQ(qs.nr_frames, 2);
    CHECK_EQ(map(h, 512, 0, GNTMAP_host_map, NULL, NULL), GNTST_general_error);
    CHECK_EQ(map(h, 1024, 0, GNTMAP_host_map, NULL, NULL), GNTST_bad_gntref);
    st.nr_frames = 65;
    CHECK_EQ(gop(GNTTABOP_setup_table, &st), 0);
    CHECK_EQ(st.status, GNTST_general_error);
}

int main(void)
{
    setup();
    map_unmap();
    copies();
    refused();
    test_done();
}
