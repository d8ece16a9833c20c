/*
 * mmu_batch: a bad request in the middle of an mmu_update or mmuext_op
 * batch (pv-abi.md 2 and 3).
 *
 * mmu_update: five requests on boot-L1 entries of pages A..E of ours, each
 * making the page read-only, with request 2 a writable mapping of a pinned
 * L1 instead:
 * - the call returns that request's error (-EBUSY), *done = 2; requests 0
 *   and 1 are applied (A, B read-only), 3 and 4 are not (D, E writable),
 *   the entry of request 2 is unchanged;
 * - the same batch with a NULL done pointer: same rc and state;
 * - a bad request first: *done = 0, nothing applied; last: *done = 4;
 * - an unknown command (ptr & 7 = 7) in the middle: -ENOSYS, *done = 1;
 * - a request mapping a frame that is not ours (the first the M2P scan
 *   finds, a frame of Xen's): -EBUSY (Xen 4.17 refuses any L1 entry it
 *   cannot take a reference for with -EBUSY), *done = 1;
 * - count 0: 0, *done = 0.
 * mmuext_op: pin L1 T0, pin L1 of a writable-mapped page, pin L1 T2:
 * - returns -EINVAL, *done = 1; T0 is pinned (a second pin: -EINVAL), T2 is
 *   not (unpin: -EINVAL; a writable mapping: 0);
 * - an unknown command in the middle: -ENOSYS, *done = 1;
 * - count 0: 0, *done = 0.
 */
#include "pt.h"

const char test_title[] = "mmu_batch: rc, *done and state after a failing request";

#define N 5

static uint64_t *pg[N];
static uint64_t *pinned;

static void reset(void)
{
    unsigned int i;

    for ( i = 0; i < N; i++ )
        ASSERT(pt_rw(pg[i]) == 0);
}

static bool is_rw(const void *va)
{
    return lookup_pte((unsigned long)va, NULL) & _PAGE_RW;
}

/* Requests making pg[i] read-only, except `bad` (-1 for none). */
static void fill(mmu_update_t *req, int bad, uint64_t bad_ptr, uint64_t bad_val)
{
    unsigned int i;

    for ( i = 0; i < N; i++ )
    {
        req[i].ptr = pt_entry_maddr((unsigned long)pg[i], 1) | MMU_NORMAL_PT_UPDATE;
        req[i].val = pte_for(pg[i], _PAGE_PRESENT);
    }
    if ( bad >= 0 )
    {
        req[bad].ptr = bad_ptr;
        req[bad].val = bad_val;
    }
}

static void expect_state(int applied_below, int untouched_from, const char *what)
{
    unsigned int i;

    ASSERT(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0) == 0);
    for ( i = 0; i < N; i++ )
    {
        bool rw = is_rw(pg[i]);

        if ( (int)i < applied_below && rw )
            fail("%s: request %u not applied", what, i);
        if ( (int)i >= untouched_from && !rw )
            fail("%s: request %u applied", what, i);
    }
}

static void mmu_update_batches(void)
{
    mmu_update_t req[N];
    uint64_t bad_ptr = pt_entry_maddr((unsigned long)pg[2], 1);
    uint64_t bad_val = pte_for(pinned, _PAGE_PRESENT | _PAGE_RW);
    uint64_t old2 = lookup_pte((unsigned long)pg[2], NULL);
    xen_pfn_t alien = foreign_mfn(virt_to_mfn(pg[0]) + 1, 1UL << 22);
    unsigned int done;
    long rc;

    fill(req, 2, bad_ptr, bad_val);
    done = 99;
    rc = hypervisor_mmu_update(req, N, &done, DOMID_SELF);
    CHECK_EQ(rc, -EBUSY);
    CHECK_EQ(done, 2);
    expect_state(2, 2, "bad request 2");
    CHECK_EQ(lookup_pte((unsigned long)pg[2], NULL), old2);
    CHECK_EQ(pinned[0], 0);
    reset();

    rc = hypervisor_mmu_update(req, N, NULL, DOMID_SELF);
    CHECK_EQ(rc, -EBUSY);
    expect_state(2, 2, "bad request 2, done NULL");
    reset();

    fill(req, 0, pt_entry_maddr((unsigned long)pg[0], 1), bad_val);
    done = 99;
    CHECK_EQ(hypervisor_mmu_update(req, N, &done, DOMID_SELF), -EBUSY);
    CHECK_EQ(done, 0);
    expect_state(0, 0, "bad request 0");
    reset();

    fill(req, 4, pt_entry_maddr((unsigned long)pg[4], 1), bad_val);
    done = 99;
    CHECK_EQ(hypervisor_mmu_update(req, N, &done, DOMID_SELF), -EBUSY);
    CHECK_EQ(done, 4);
    expect_state(4, 4, "bad request 4");
    reset();

    fill(req, 1, pt_entry_maddr((unsigned long)pg[1], 1) | 7, pte_for(pg[1], _PAGE_PRESENT));
    done = 99;
    CHECK_EQ(hypervisor_mmu_update(req, N, &done, DOMID_SELF), -ENOSYS);
    CHECK_EQ(done, 1);
    expect_state(1, 1, "unknown command 1");
    reset();

    ASSERT(alien);
    fill(req, 1, pt_entry_maddr((unsigned long)pg[1], 1),
         (alien << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED);
    done = 99;
    rc = hypervisor_mmu_update(req, N, &done, DOMID_SELF);
    CHECK_EQ(rc, -EBUSY);
    CHECK_EQ(done, 1);
    expect_state(1, 1, "foreign frame 1");
    reset();

    done = 99;
    CHECK_EQ(hypervisor_mmu_update(req, 0, &done, DOMID_SELF), 0);
    CHECK_EQ(done, 0);
}

static void set_op(mmuext_op_t *op, unsigned int cmd, void *page)
{
    memset(op, 0, sizeof(*op));
    op->cmd = cmd;
    op->arg1.mfn = virt_to_mfn(page);
}

static void mmuext_batches(void)
{
    uint64_t *t0 = pt_table(), *bad = alloc_page(), *t2 = pt_table();
    mmuext_op_t op[3];
    unsigned int done;
    long rc;

    set_op(&op[0], MMUEXT_PIN_L1_TABLE, t0);
    set_op(&op[1], MMUEXT_PIN_L1_TABLE, bad);
    set_op(&op[2], MMUEXT_PIN_L1_TABLE, t2);
    done = 99;
    rc = hypervisor_mmuext_op(op, 3, &done, DOMID_SELF);
    CHECK_EQ(rc, -EINVAL);
    CHECK_EQ(done, 1);
    CHECK_EQ(pt_pin(1, t0), -EINVAL);
    CHECK_EQ(pt_rw(t0), -EBUSY);
    CHECK_EQ(pt_unpin(t2), -EINVAL);
    CHECK_EQ(pt_rw(t2), 0);
    CHECK_EQ(pt_rw(bad), 0);
    CHECK_EQ(pt_ro(t2), 0);

    /* an unknown command in the middle; t0's unpin (op 0) done */
    set_op(&op[0], MMUEXT_UNPIN_TABLE, t0);
    set_op(&op[1], 14, t0);
    set_op(&op[2], MMUEXT_PIN_L1_TABLE, t2);
    done = 99;
    CHECK_EQ(hypervisor_mmuext_op(op, 3, &done, DOMID_SELF), -ENOSYS);
    CHECK_EQ(done, 1);
    CHECK_EQ(pt_rw(t0), 0);
    CHECK_EQ(pt_unpin(t2), -EINVAL);

    done = 99;
    CHECK_EQ(hypervisor_mmuext_op(op, 0, &done, DOMID_SELF), 0);
    CHECK_EQ(done, 0);
}

int main(void)
{
    unsigned int i;

    for ( i = 0; i < N; i++ )
        pg[i] = alloc_page();
    pinned = pt_table();
    if ( pt_pin(1, pinned) )
        panic("pinning an empty L1 failed");
    mmu_update_batches();
    mmuext_batches();
    test_done();
}
