/*
 * bench_mmu: page-table updates one entry at a time and in batches (a
 * benchmark, not a test).
 *
 * A pinned L1 of ours, hooked into the boot L2 at WIN_VA (as a live table
 * is), has its entries rewritten over and over.  Entry i alternates
 * between two frames of ours past the boot area, A_i = pfn base + i and
 * B_i = pfn base + 512 + i, both mapped writable, so every update is a
 * real change: the new frame gains a writable type reference, the old one
 * loses it.
 * - mmu_update_b64 / mmu_update_b512: one mmu_update of 64 (entries
 *   0-63) or 512 (the whole L1) MMU_NORMAL_PT_UPDATE requests, every entry
 *   to A then, next call, every entry to B; ns per request.  Each call must
 *   return 0 with *done = the count, and the last entry must read back the
 *   new frame.
 * - update_va_mapping: update_va_mapping(UVMF_INVLPG) of one boot-area
 *   VA, alternately to frame X and frame Y (writable; they hold different
 *   marks); ns per call.  rc 0 each time, and after each batch the VA
 *   reads the mark of the frame it should map.
 * - ptwr_write: a plain 8-byte store into entry 0 of the pinned L1
 *   through its read-only mapping, alternately A_0 and B_0; the write
 *   faults and the hypervisor emulates it (validate, store); ns per
 *   store.  The entry must read back the new frame after each store (a
 *   refused write would come back to the guest as a #PF: an ERROR).
 * See lib/bench.h for the method.
 */
#include "bench.h"
#include "pt.h"

const char test_title[] = "bench_mmu: mmu_update batches, update_va_mapping, ptwr";

#define L2_SLOT   16UL
#define WIN_VA    (VIRT_BASE + L2_SLOT * L2_SPAN)
#define PTE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define MARK_X    0x5858585858585858UL
#define MARK_Y    0x5959595959595959UL

static uint64_t *l1;                    /* pinned, mapped read-only */
static mmu_update_t req[2][512];        /* [0]: every entry to A, [1]: to B */
static uint64_t val[2][512];            /* the new entries of req[] */
static unsigned int phase;              /* the next req[] / val[] to use */

static uint64_t *uvm_va;                /* the VA update_va_mapping moves */
static uint64_t uvm_val[2];             /* its pte for X and for Y */
static const uint64_t uvm_mark[2] = { MARK_X, MARK_Y };
static unsigned int uvm_cur;            /* the one it maps now */

static uint64_t frame_pte(unsigned long pfn)
{
    return ((uint64_t)p2m[pfn] << PAGE_SHIFT) | PTE_FLAGS;
}

/* Does entry idx of the L1 map the frame that val[ph][idx] names? */
static bool l1_holds(unsigned int ph, unsigned int idx)
{
    return (ACCESS_ONCE(l1[idx]) & PTE_MFN_MASK) == (val[ph][idx] & PTE_MFN_MASK);
}

static void mmu_batch(unsigned int count)
{
    unsigned int done = ~0U;
    long rc = hypervisor_mmu_update(req[phase], count, &done, DOMID_SELF);

    if ( rc || done != count )
        panic("mmu_update of %u entries: rc %ld, done %u", count, rc, done);
    if ( !l1_holds(phase, count - 1) )
        panic("mmu_update of %u entries: entry %u is %#lx, expected frame of %#lx", count,
              count - 1, l1[count - 1], val[phase][count - 1]);
    phase ^= 1;
}

static void op_mmu64(unsigned long n)
{
    while ( n-- )
        mmu_batch(64);
}

static void op_mmu512(unsigned long n)
{
    while ( n-- )
        mmu_batch(512);
}

static void op_uvm(unsigned long n)
{
    long rc;

    while ( n-- )
    {
        uvm_cur ^= 1;
        rc = hypervisor_update_va_mapping((unsigned long)uvm_va, uvm_val[uvm_cur],
                                          UVMF_INVLPG);
        if ( rc )
            panic("update_va_mapping to %#lx: %ld", uvm_val[uvm_cur], rc);
    }
    if ( ACCESS_ONCE(*uvm_va) != uvm_mark[uvm_cur] )
        panic("update_va_mapping: the VA reads %#lx, expected %#lx", *uvm_va,
              uvm_mark[uvm_cur]);
}

static void op_ptwr(unsigned long n)
{
    volatile uint64_t *ent = l1;

    while ( n-- )
    {
        *ent = val[phase][0];
        if ( !l1_holds(phase, 0) )
            panic("ptwr: entry 0 is %#lx after writing %#lx", *ent, val[phase][0]);
        phase ^= 1;
    }
}

static void setup(void)
{
    unsigned long base = va_to_pfn(boot_area_end);
    uint64_t l2e = pt_entry_maddr(WIN_VA, 2);
    unsigned int ph, i;
    long rc;

    if ( base + 1024 + 2 > start_info->nr_pages )
        panic("%lu pages, need %lu past the boot area", start_info->nr_pages, base + 1026);
    if ( WIN_VA < boot_area_end || !l2e || lookup_pte(WIN_VA, NULL) )
        panic("L2 slot %lu is not free", L2_SLOT);

    l1 = pt_table();
    if ( (rc = pt_pin(1, l1)) )
        panic("pinning an empty L1: %ld", rc);
    if ( (rc = mmu_update1(l2e, pt_link(l1))) )
        panic("hooking the L1 into the boot L2: %ld", rc);
    for ( ph = 0; ph < 2; ph++ )
        for ( i = 0; i < 512; i++ )
        {
            val[ph][i] = frame_pte(base + ph * 512 + i);
            req[ph][i].ptr = entry_maddr(l1, i) | MMU_NORMAL_PT_UPDATE;
            req[ph][i].val = val[ph][i];
        }

    uvm_va = alloc_page();
    for ( ph = 0; ph < 2; ph++ )
    {
        uvm_val[ph] = frame_pte(base + 1024 + ph);
        rc = hypervisor_update_va_mapping((unsigned long)uvm_va, uvm_val[ph], UVMF_INVLPG);
        if ( rc )
            panic("update_va_mapping to %#lx: %ld", uvm_val[ph], rc);
        *uvm_va = uvm_mark[ph];
        uvm_cur = ph;
    }
    printk("# L1 at %#lx (pinned, mapped at %#lx), frames from pfn %#lx\n",
           (unsigned long)l1, WIN_VA, base);
}

int main(void)
{
    bench_init();
    setup();
    bench_run("mmu_update_b64", op_mmu64, 64, "ns/update");
    bench_run("mmu_update_b512", op_mmu512, 512, "ns/update");
    bench_run("update_va_mapping", op_uvm, 1, "ns/update");
    bench_run("ptwr_write", op_ptwr, 1, "ns/write");
    test_done();
}
