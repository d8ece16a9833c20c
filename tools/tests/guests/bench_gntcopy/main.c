/*
 * bench_gntcopy: GNTTABOP_copy within one domain (a benchmark, not a
 * test).
 *
 * dom0 grants NR_COPIES pages of its own to itself, read-only (domid 0 in
 * the entry, as grant_v1 does), and copies from each grant into a page of
 * its own named by frame, as a backend copies a frontend's buffers:
 * one grant_table_op of NR_COPIES gnttab_copy ops, source gref (domid 0)
 * -> dest gmfn (DOMID_SELF).
 * - gntcopy_4k: every op copies a whole page (4096 bytes), ns per copy;
 * - gntcopy_64: every op copies 64 bytes (source offset 128, dest offset
 *   256), ns per copy: the fixed cost of an op.
 * Before each call the source pages get a new sequence number in their
 * first copied word; the call must return 0, every op's status (preset to
 * a sentinel) must be GNTST_okay and every destination must hold the new
 * number.  See lib/bench.h for the method.
 */
#include "bench.h"
#include "pt.h"
#include "local_grant_table.h"

const char test_title[] = "bench_gntcopy: grant copies of 4096 and 64 bytes";

#define NR_COPIES  16
#define FIRST_REF  8                /* past the reserved entries */
#define SMALL_LEN  64
#define SMALL_SOFF 128
#define SMALL_DOFF 256
#define SEQ_POISON 99

static uint64_t *src[NR_COPIES], *dst[NR_COPIES];
static struct gnttab_copy ops_4k[NR_COPIES], ops_64[NR_COPIES];
static uint64_t seq;

/* One grant_table_op of NR_COPIES copies; checks every status and word. */
static void copy_batch(struct gnttab_copy *ops)
{
    unsigned int soff = ops[0].source.offset / 8, doff = ops[0].dest.offset / 8;
    unsigned int i;
    long rc;

    seq++;
    for ( i = 0; i < NR_COPIES; i++ )
    {
        src[i][soff] = seq;
        ops[i].status = SEQ_POISON;
    }
    rc = hypervisor_grant_table_op(GNTTABOP_copy, ops, NR_COPIES);
    if ( rc )
        panic("GNTTABOP_copy of %u ops: %ld", NR_COPIES, rc);
    for ( i = 0; i < NR_COPIES; i++ )
    {
        if ( ops[i].status != GNTST_okay )
            panic("GNTTABOP_copy op %u (%u bytes): status %d", i, ops[i].len, ops[i].status);
        if ( ACCESS_ONCE(dst[i][doff]) != seq )
            panic("GNTTABOP_copy op %u (%u bytes): destination word %#lx, expected %#lx", i,
                  ops[i].len, dst[i][doff], seq);
    }
}

static void op_4k(unsigned long n)
{
    while ( n-- )
        copy_batch(ops_4k);
}

static void op_64(unsigned long n)
{
    while ( n-- )
        copy_batch(ops_64);
}

static void set_copy(struct gnttab_copy *op, unsigned int i, uint16_t soff, uint16_t doff,
                     uint16_t len)
{
    memset(op, 0, sizeof(*op));
    op->source.u.ref = FIRST_REF + i;
    op->source.domid = 0;
    op->source.offset = soff;
    op->dest.u.gmfn = virt_to_mfn(dst[i]);
    op->dest.domid = DOMID_SELF;
    op->dest.offset = doff;
    op->len = len;
    op->flags = GNTCOPY_source_gref;
}

static void setup(void)
{
    static xen_pfn_t frame;
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1, .frame_list = &frame };
    volatile struct grant_entry_v1 *gt;
    unsigned int i;
    long rc;

    st.status = SEQ_POISON;
    if ( (rc = hypervisor_grant_table_op(GNTTABOP_setup_table, &st, 1)) || st.status )
        panic("GNTTABOP_setup_table: rc %ld, status %d", rc, st.status);
    gt = map_mfn(frame, _PAGE_PRESENT | _PAGE_RW);

    for ( i = 0; i < NR_COPIES; i++ )
    {
        src[i] = alloc_page();
        dst[i] = alloc_page();
        memset(src[i], 0x40 + i, PAGE_SIZE);
        gt[FIRST_REF + i].domid = 0;
        gt[FIRST_REF + i].frame = virt_to_mfn(src[i]);
        barrier();
        gt[FIRST_REF + i].flags = GTF_permit_access | GTF_readonly;
        set_copy(&ops_4k[i], i, 0, 0, PAGE_SIZE);
        set_copy(&ops_64[i], i, SMALL_SOFF, SMALL_DOFF, SMALL_LEN);
    }

    /* once through: the whole page arrived, and the small copy's bounds */
    copy_batch(ops_4k);
    for ( i = 0; i < NR_COPIES; i++ )
        if ( memcmp(src[i], dst[i], PAGE_SIZE) )
            panic("GNTTABOP_copy op %u: the page differs from its source", i);
    for ( i = 0; i < NR_COPIES; i++ )
        memset(dst[i], 0, PAGE_SIZE);
    copy_batch(ops_64);
    for ( i = 0; i < NR_COPIES; i++ )
        if ( memcmp((uint8_t *)src[i] + SMALL_SOFF, (uint8_t *)dst[i] + SMALL_DOFF, SMALL_LEN) ||
             dst[i][SMALL_DOFF / 8 - 1] || dst[i][(SMALL_DOFF + SMALL_LEN) / 8] )
            panic("GNTTABOP_copy op %u: the 64 bytes landed wrong", i);
}

int main(void)
{
    bench_init();
    setup();
    bench_run("gntcopy_4k", op_4k, NR_COPIES, "ns/copy");
    bench_run("gntcopy_64", op_64, NR_COPIES, "ns/copy");
    test_done();
}
