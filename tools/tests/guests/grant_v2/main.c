/*
 * grant_v2: grant table version 2 within one domain (Xen 4.17 allows v2
 * by default).  Every op returns 0 with the outcome in its status, except
 * set_version, which returns an errno and writes the current version back.
 *
 * - get_status_frames under v1: general_error;
 * - set_version 2: 0, get_version 2, query_size still 1 frame of max 64;
 *   setup_table: the entry frame (16-byte entries, 256 per frame);
 *   get_status_frames(1): a status frame; (2): general_error (the table has
 *   1 frame); the status frame may be mapped writable (4.17 shares it
 *   read-write);
 * - a full_page entry mapped: okay; the reading|writing bits appear in the
 *   status frame (status[ref]), never in the entry's flags; the data reads
 *   through the mapping; set_version 1 meanwhile: -EBUSY (version 2 written
 *   back); after unmap the status is 0 again;
 * - a sub_page entry: map refused (general_error); copy of exactly its
 *   window: okay, the bytes arrive; starting before it or running past it:
 *   general_error;
 * - ref 256 (past one v2 frame): bad_gntref;
 * - back to v1 while the status frame is still mapped: -EBUSY; after
 *   unmapping it: 0, version 1; a reserved entry (2) comes across in v1
 *   form (flags, domid, frame), everything past the reserved 8 entries
 *   (64 bytes) of the frame is cleared.
 */
#include "pt.h"
#include "local_grant_table.h"

const char test_title[] = "grant_v2: set_version 2, status frames, sub-page grants";

#define REF     10
#define REF_SUB 11
#define SUB_OFF 64
#define SUB_LEN 32

static volatile union grant_entry_v2 *gt;
static volatile grant_status_t *gst;
static xen_pfn_t gt_frame;
static uint64_t st_frame;
static uint64_t *data;

static long gop(unsigned int cmd, void *op)
{
    return hypervisor_grant_table_op(cmd, op, 1);
}

static long set_version(uint32_t v, uint32_t *now)
{
    struct gnttab_set_version sv = { .version = v };
    long rc = gop(GNTTABOP_set_version, &sv);

    *now = sv.version;
    return rc;
}

static void *hole(void)
{
    void *h = alloc_page();

    ASSERT(hypervisor_update_va_mapping((unsigned long)h, 0, UVMF_INVLPG) == 0);
    return h;
}

static void to_v2(void)
{
    static xen_pfn_t frames[2];
    static uint64_t sframes[2];
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1, .frame_list = frames };
    struct gnttab_get_status_frames gs = {
        .dom = DOMID_SELF, .nr_frames = 1, .frame_list = sframes, .status = 99,
    };
    struct gnttab_get_version gv = { .dom = DOMID_SELF };
    struct gnttab_query_size qs = { .dom = DOMID_SELF };
    uint32_t v = 0;

    CHECK_EQ(gop(GNTTABOP_get_status_frames, &gs), 0);
    CHECK_EQ(gs.status, GNTST_general_error);

    CHECK_EQ(set_version(2, &v), 0);
    CHECK_EQ(v, 2);
    CHECK_EQ(gop(GNTTABOP_get_version, &gv), 0);
    CHECK_EQ(gv.version, 2);
    CHECK_EQ(gop(GNTTABOP_query_size, &qs), 0);
    CHECK_EQ(qs.nr_frames, 1);
    CHECK_EQ(qs.max_nr_frames, 64);

    CHECK_EQ(gop(GNTTABOP_setup_table, &st), 0);
    if ( st.status != GNTST_okay )
        panic("setup_table: %d", st.status);
    gs.status = 99;
    CHECK_EQ(gop(GNTTABOP_get_status_frames, &gs), 0);
    if ( gs.status != GNTST_okay )
        panic("get_status_frames: %d", gs.status);
    CHECK(sframes[0] && sframes[0] != frames[0]);
    gs.nr_frames = 2;
    CHECK_EQ(gop(GNTTABOP_get_status_frames, &gs), 0);
    CHECK_EQ(gs.status, GNTST_general_error);

    gt_frame = frames[0];
    st_frame = sframes[0];
    gt = map_mfn(gt_frame, _PAGE_PRESENT | _PAGE_RW);
    gst = map_mfn(st_frame, _PAGE_PRESENT | _PAGE_RW);
    CHECK_EQ(gt[0].hdr.flags | gt[REF].hdr.flags | gst[REF], 0);
}

static void full_page(void)
{
    struct gnttab_map_grant_ref m = {
        .flags = GNTMAP_host_map, .ref = REF, .dom = 0, .status = 99,
    };
    struct gnttab_unmap_grant_ref u = { .status = 99 };
    void *h = hole();
    uint64_t v = 0;
    uint32_t ver = 0;

    data = alloc_page();
    data[0] = 0x1234;
    gt[REF].hdr.domid = 0;
    gt[REF].full_page.frame = virt_to_mfn(data);
    barrier();
    gt[REF].hdr.flags = GTF_permit_access;

    m.host_addr = (uint64_t)h;
    CHECK_EQ(gop(GNTTABOP_map_grant_ref, &m), 0);
    CHECK_EQ(m.status, GNTST_okay);
    CHECK_EQ(gt[REF].hdr.flags, GTF_permit_access);
    CHECK_EQ(gst[REF], GTF_reading | GTF_writing);
    CHECK_EQ(probe_read(h, &v), -1);
    CHECK_EQ(v, 0x1234);

    CHECK_EQ(set_version(1, &ver), -EBUSY);
    CHECK_EQ(ver, 2);

    u.host_addr = (uint64_t)h;
    u.handle = m.handle;
    CHECK_EQ(gop(GNTTABOP_unmap_grant_ref, &u), 0);
    CHECK_EQ(u.status, GNTST_okay);
    CHECK_EQ(gst[REF], 0);
    CHECK_EQ(gt[REF].hdr.flags, GTF_permit_access);

    m.ref = 256;
    CHECK_EQ(gop(GNTTABOP_map_grant_ref, &m), 0);
    CHECK_EQ(m.status, GNTST_bad_gntref);
}

static int16_t copy_sub(uint16_t off, uint16_t len, void *dst)
{
    struct gnttab_copy c;

    memset(&c, 0, sizeof(c));
    c.flags = GNTCOPY_source_gref;
    c.source.u.ref = REF_SUB;
    c.source.domid = 0;
    c.source.offset = off;
    c.dest.u.gmfn = virt_to_mfn(dst);
    c.dest.domid = DOMID_SELF;
    c.len = len;
    c.status = 99;
    CHECK_EQ(gop(GNTTABOP_copy, &c), 0);
    return c.status;
}

static void sub_page(void)
{
    struct gnttab_map_grant_ref m = {
        .flags = GNTMAP_host_map, .ref = REF_SUB, .dom = 0, .status = 99,
    };
    uint8_t *src = (uint8_t *)data, *dst = alloc_page();
    unsigned int i;

    for ( i = 0; i < PAGE_SIZE; i++ )
        src[i] = (uint8_t)(i * 7);
    gt[REF_SUB].hdr.domid = 0;
    gt[REF_SUB].sub_page.frame = virt_to_mfn(data);
    gt[REF_SUB].sub_page.page_off = SUB_OFF;
    gt[REF_SUB].sub_page.length = SUB_LEN;
    barrier();
    gt[REF_SUB].hdr.flags = GTF_permit_access | GTF_sub_page;

    m.host_addr = (uint64_t)hole();
    CHECK_EQ(gop(GNTTABOP_map_grant_ref, &m), 0);
    CHECK_EQ(m.status, GNTST_general_error);
    CHECK_EQ(lookup_pte(m.host_addr, NULL), 0);

    CHECK_EQ(copy_sub(SUB_OFF, SUB_LEN, dst), GNTST_okay);
    CHECK_EQ(memcmp(dst, src + SUB_OFF, SUB_LEN), 0);
    CHECK_EQ(dst[SUB_LEN], 0);
    CHECK_EQ(copy_sub(SUB_OFF - 4, SUB_LEN, dst), GNTST_general_error);
    CHECK_EQ(copy_sub(SUB_OFF, SUB_LEN + 1, dst), GNTST_general_error);
    CHECK_EQ(copy_sub(SUB_OFF + 8, 8, dst), GNTST_okay);
    CHECK_EQ(gst[REF_SUB], 0);
}

static void back_to_v1(void)
{
    volatile struct grant_entry_v1 *v1 = (volatile struct grant_entry_v1 *)gt;
    volatile uint64_t *words = (volatile uint64_t *)gt;
    uint32_t ver = 0;
    unsigned int i, nonzero = 0;

    /* a reserved entry (2) in v2 form: carried over */
    gt[2].hdr.domid = 3;
    gt[2].full_page.frame = 0x12345;
    barrier();
    gt[2].hdr.flags = GTF_permit_access | GTF_readonly;

    CHECK_EQ(set_version(1, &ver), -EBUSY);
    CHECK_EQ(ver, 2);
    ASSERT(hypervisor_update_va_mapping((unsigned long)gst, 0, UVMF_INVLPG) == 0);
    CHECK_EQ(set_version(1, &ver), 0);
    CHECK_EQ(ver, 1);
    CHECK_EQ(v1[2].flags, GTF_permit_access | GTF_readonly);
    CHECK_EQ(v1[2].domid, 3);
    CHECK_EQ(v1[2].frame, 0x12345);
    for ( i = 8; i < PAGE_SIZE / 8; i++ )
        nonzero += words[i] != 0;
    CHECK_EQ(nonzero, 0);
}

int main(void)
{
    to_v2();
    full_page();
    sub_page();
    back_to_v1();
    test_done();
}
