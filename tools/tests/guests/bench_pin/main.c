/*
 * bench_pin: pinning and unpinning a whole 4-level tree (a benchmark, not
 * a test).
 *
 * The tree is what a small process has after exec: an L4 whose slot
 * TREE_SLOT points at one L3, whose entry 0 points at one L2, whose first
 * NR_L1 entries point at NR_L1 L1s, each with 512 present writable entries
 * mapping distinct frames of ours from past the boot area (NR_L1 * 512
 * frames, 32 MiB).  One iteration, as Linux does it for a new mm:
 *   1. write every entry of the 3 + NR_L1 table pages (still writable);
 *   2. remap each table page read-only (update_va_mapping, UVMF_INVLPG);
 *   3. MMUEXT_PIN_L4_TABLE of the L4: the hypervisor validates the L4, the
 *      L3, the L2 and every L1 entry (a writable type reference on each of
 *      the 8192 frames)                                      - timed;
 *   4. check the last L1 is now typed (a writable mapping of it: -EBUSY);
 *      in the first round also that the last leaf frame holds a writable
 *      type reference (pinning it as an L1: -EINVAL; before the first pin
 *      the same pin of it, zeroed, succeeds);
 *   5. MMUEXT_UNPIN_TABLE of the L4: the last type reference goes, so the
 *      whole tree is devalidated and every reference dropped - timed;
 *   6. remap each table page writable again (0: nothing holds its type).
 * - pin_l4_tree: the median over PIN_ROUNDS iterations of step 3, us per
 *   tree (the "#" line adds ns per L1 entry);
 * - unpin_l4_tree: the same for step 5.
 * PIN_WARMUP iterations run first, untimed.  The tree is never loaded
 * (no NEW_BASEPTR): the figures are validation and teardown alone.
 * Every hypercall's result is checked; see lib/bench.h for the time base.
 */
#include "bench.h"
#include "pt.h"

const char test_title[] = "bench_pin: pin and unpin a 4-level tree of 16 L1s";

#define NR_L1      16
#define NR_TABLES  (NR_L1 + 3)
#define TREE_SLOT  300
#define PIN_WARMUP 2
#define PIN_ROUNDS 15

static uint64_t *l4, *l3, *l2, *l1[NR_L1];
static uint64_t *tables[NR_TABLES];
/* The first pfn of the frames the L1s map (past the boot area). */
static unsigned long data_pfn;

static void alloc_tree(void)
{
    unsigned int i;

    l4 = alloc_page();
    l3 = alloc_page();
    l2 = alloc_page();
    tables[0] = l4;
    tables[1] = l3;
    tables[2] = l2;
    for ( i = 0; i < NR_L1; i++ )
        tables[3 + i] = l1[i] = alloc_page();

    data_pfn = va_to_pfn(boot_area_end);
    if ( data_pfn + NR_L1 * 512UL > start_info->nr_pages )
        panic("%lu pages, need %lu past the boot area", start_info->nr_pages,
              data_pfn + NR_L1 * 512UL);
}

/* The last frame the tree maps: pinning it as an L1 gives rc_expected. */
static void check_leaf(long rc_expected)
{
    xen_pfn_t mfn = p2m[data_pfn + NR_L1 * 512 - 1];
    long rc = mmuext1(MMUEXT_PIN_L1_TABLE, mfn);

    if ( rc != rc_expected )
        panic("pinning leaf frame %#lx as an L1: %ld, expected %ld", mfn, rc, rc_expected);
    if ( !rc && (rc = mmuext1(MMUEXT_UNPIN_TABLE, mfn)) )
        panic("unpinning leaf frame %#lx: %ld", mfn, rc);
}

/* Zero the last leaf frame through a mapping dropped again at once. */
static void zero_leaf(void)
{
    void *va = map_mfn(p2m[data_pfn + NR_L1 * 512 - 1], _PAGE_PRESENT | _PAGE_RW);
    long rc;

    memset(va, 0, PAGE_SIZE);
    if ( (rc = hypervisor_update_va_mapping((unsigned long)va, 0, UVMF_INVLPG)) )
        panic("unmapping the leaf frame: %ld", rc);
}

/* Step 1: the whole tree, written from scratch. */
static void fill_tree(void)
{
    const uint64_t flags = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY;
    unsigned long pfn = data_pfn;
    unsigned int i, j;

    for ( i = 0; i < NR_L1; i++ )
        for ( j = 0; j < 512; j++ )
            l1[i][j] = ((uint64_t)p2m[pfn++] << PAGE_SHIFT) | flags;
    memset(l2, 0, PAGE_SIZE);
    for ( i = 0; i < NR_L1; i++ )
        l2[i] = pt_link(l1[i]);
    memset(l3, 0, PAGE_SIZE);
    l3[0] = pt_link(l2);
    /* the hypervisor's slots, filled by the last pin, start empty again */
    memset(l4, 0, PAGE_SIZE);
    l4[TREE_SLOT] = pt_link(l3);
}

/* Steps 2 and 6. */
static void remap_tables(bool writable)
{
    unsigned int i;
    long rc;

    for ( i = 0; i < NR_TABLES; i++ )
    {
        rc = writable ? pt_rw(tables[i]) : pt_ro(tables[i]);
        if ( rc )
            panic("remapping table %u %s: %ld", i, writable ? "writable" : "read-only", rc);
    }
}

/* One iteration: the ns its pin and its unpin took. */
static void one_round(uint64_t *pin_ns, uint64_t *unpin_ns, bool check_leaves)
{
    uint64_t t0, t1;
    long rc;

    fill_tree();
    remap_tables(false);

    t0 = rdtsc();
    rc = pt_pin(4, l4);
    t1 = rdtsc();
    if ( rc )
        panic("MMUEXT_PIN_L4_TABLE: %ld", rc);
    *pin_ns = bench_tsc_to_ns(t1 - t0);

    if ( (rc = pt_rw(l1[NR_L1 - 1])) != -EBUSY )
        panic("after the pin, a writable mapping of the last L1: %ld, expected -EBUSY", rc);
    if ( check_leaves )
        check_leaf(-EINVAL);

    t0 = rdtsc();
    rc = pt_unpin(l4);
    t1 = rdtsc();
    if ( rc )
        panic("MMUEXT_UNPIN_TABLE: %ld", rc);
    *unpin_ns = bench_tsc_to_ns(t1 - t0);

    remap_tables(true);
}

/* Report the median of PIN_ROUNDS samples (sorted in place) in us. */
static void report(const char *metric, uint64_t *ns)
{
    uint64_t med;

    bench_sort(ns, PIN_ROUNDS);
    med = ns[PIN_ROUNDS / 2];
    printk("# %s: %u rounds, fastest %lu slowest %lu ns; median %lu.%lu ns per L1 entry\n",
           metric, PIN_ROUNDS, ns[0], ns[PIN_ROUNDS - 1], med / (NR_L1 * 512),
           med * 10 / (NR_L1 * 512) % 10);
    bench_report(metric, med / 100, "us/tree");
}

int main(void)
{
    static uint64_t pin_ns[PIN_ROUNDS], unpin_ns[PIN_ROUNDS];
    uint64_t dummy_pin, dummy_unpin;
    unsigned int i;

    bench_init();
    alloc_tree();
    printk("# tree: L4 slot %u -> 1 L3 -> 1 L2 -> %u L1s, %u writable entries (pfn %#lx up)\n",
           TREE_SLOT, NR_L1, NR_L1 * 512, data_pfn);

    zero_leaf();
    check_leaf(0);
    for ( i = 0; i < PIN_WARMUP; i++ )
        one_round(&dummy_pin, &dummy_unpin, i == 0);
    for ( i = 0; i < PIN_ROUNDS; i++ )
        one_round(&pin_ns[i], &unpin_ns[i], false);

    report("pin_l4_tree", pin_ns);
    report("unpin_l4_tree", unpin_ns);
    test_done();
}
