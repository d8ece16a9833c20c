/*
 * ptwr: the guest kernel writing a pinned, read-only L1 directly
 * (pv-abi.md 0.5 and 3 "ptwr").
 *
 * A fresh L1, pinned and hooked into the boot L2 at VA_W, is written
 * through its read-only mapping; the hypervisor takes the write fault,
 * decodes the instruction, validates the new entry as mmu_update would and
 * writes it.  The stored value is the written one plus the bits added to
 * every kernel entry (US, bit 52); the guest flushes its own TLB
 * (INVLPG_LOCAL) before it looks through the new entry.
 *
 * - each form lands, returns what the CPU would and takes effect: mov
 *   (8 bytes), xchg (old value returned), cmpxchg and lock cmpxchg (compared
 *   against the value as read back; a mismatch leaves the entry and returns
 *   the current value), lock btr/bts of RW, lock and/or (8 bytes), lock
 *   andb (Linux's clear_bit of a constant bit: a 1-byte write), and a 4-byte
 *   mov into the high half (setting NX);
 * - an invalid new entry (a writable mapping of the L1 itself; a frame that
 *   is not ours) written with mov, xchg, lock cmpxchg or lock or is not
 *   stored: the guest gets the #PF (error code P|W = 3, cr2 = the entry's
 *   address) and the entry keeps its value.
 */
#include "pt.h"

const char test_title[] = "ptwr: emulated writes to a pinned L1";

#define L2_SLOT 8UL
#define VA_W    (VIRT_BASE + L2_SLOT * L2_SPAN)
#define MARK1   0x1111111111111111UL
#define MARK2   0x2222222222222222UL
#define ADDED   (_PAGE_USER | _PAGE_GUEST_KERNEL)

static uint64_t *d1, *d2, *l1;
static volatile uint64_t *ent;      /* l1[0]: maps VA_W */

static uint64_t stored(uint64_t v)
{
    return (v & _PAGE_PRESENT) ? v | ADDED : v;
}

static uint64_t through_w(void)
{
    uint64_t v = 0;

    ASSERT(mmuext1(MMUEXT_INVLPG_LOCAL, VA_W) == 0);
    if ( probe_read((void *)VA_W, &v) != -1 )
        return ~0UL;
    return v;
}

#define TRAPPED(before) (nr_traps != (before) ? (int)last_trap.vector : -1)

static int do_xchg(volatile uint64_t *p, uint64_t *v)
{
    unsigned int before = nr_traps;

    asm volatile ( "1: xchg %0, %1\n\t2:\n\t" ASM_EXTABLE(1b, 2b)
                   : "+r" (*v), "+m" (*p) :: "memory" );
    return TRAPPED(before);
}

static int do_cmpxchg(volatile uint64_t *p, uint64_t *old, uint64_t new, bool locked)
{
    unsigned int before = nr_traps;

    if ( locked )
        asm volatile ( "1: lock cmpxchg %2, %1\n\t2:\n\t" ASM_EXTABLE(1b, 2b)
                       : "+a" (*old), "+m" (*p) : "r" (new) : "memory" );
    else
        asm volatile ( "1: cmpxchg %2, %1\n\t2:\n\t" ASM_EXTABLE(1b, 2b)
                       : "+a" (*old), "+m" (*p) : "r" (new) : "memory" );
    return TRAPPED(before);
}

enum rmw { BTR, BTS, AND, OR, ANDB, MOVL_HI };

static int do_rmw(volatile uint64_t *p, enum rmw op, uint64_t arg)
{
    unsigned int before = nr_traps;

    switch ( op )
    {
    case BTR:
        asm volatile ( "1: lock btrq %1, %0\n\t2:\n\t" ASM_EXTABLE(1b, 2b)
                       : "+m" (*p) : "r" (arg) : "memory" );
        break;
    case BTS:
        asm volatile ( "1: lock btsq %1, %0\n\t2:\n\t" ASM_EXTABLE(1b, 2b)
                       : "+m" (*p) : "r" (arg) : "memory" );
        break;
    case AND:
        asm volatile ( "1: lock andq %1, %0\n\t2:\n\t" ASM_EXTABLE(1b, 2b)
                       : "+m" (*p) : "r" (arg) : "memory" );
        break;
    case OR:
        asm volatile ( "1: lock orq %1, %0\n\t2:\n\t" ASM_EXTABLE(1b, 2b)
                       : "+m" (*p) : "r" (arg) : "memory" );
        break;
    case ANDB:
        asm volatile ( "1: lock andb %1, %0\n\t2:\n\t" ASM_EXTABLE(1b, 2b)
                       : "+m" (*(volatile uint8_t *)p) : "q" ((uint8_t)arg) : "memory" );
        break;
    case MOVL_HI:
        asm volatile ( "1: movl %1, %0\n\t2:\n\t" ASM_EXTABLE(1b, 2b)
                       : "=m" (*((volatile uint32_t *)p + 1)) : "r" ((uint32_t)arg)
                       : "memory" );
        break;
    }
    return TRAPPED(before);
}

static void setup(void)
{
    uint64_t l2e = pt_entry_maddr(VA_W, 2);

    d1 = alloc_page();
    d2 = alloc_page();
    d1[0] = MARK1;
    d2[0] = MARK2;
    l1 = pt_table();
    ent = l1;
    if ( pt_pin(1, l1) )
        panic("pinning a fresh L1 failed");
    ASSERT(l2e && !(lookup_pte(VA_W, NULL) & _PAGE_PRESENT));
    if ( mmu_update1(l2e, pt_link(l1)) )
        panic("hooking the L1 into the boot L2 failed");
}

static void good_writes(void)
{
    uint64_t e1 = pte_for(d1, _PAGE_PRESENT | _PAGE_RW);
    uint64_t e2 = pte_for(d2, _PAGE_PRESENT | _PAGE_RW);
    uint64_t v, old;

    /* mov */
    CHECK_EQ(probe_write(ent, e1), -1);
    CHECK_EQ(*ent, stored(e1));
    CHECK_EQ(through_w(), MARK1);

    /* xchg */
    v = e2;
    CHECK_EQ(do_xchg(ent, &v), -1);
    CHECK_EQ(v, stored(e1));
    CHECK_EQ(*ent, stored(e2));
    CHECK_EQ(through_w(), MARK2);

    /* cmpxchg, against the value read back */
    old = *ent;
    CHECK_EQ(do_cmpxchg(ent, &old, e1, false), -1);
    CHECK_EQ(old, stored(e2));
    CHECK_EQ(*ent, stored(e1));
    CHECK_EQ(through_w(), MARK1);
    old = *ent;
    CHECK_EQ(do_cmpxchg(ent, &old, e2, true), -1);
    CHECK_EQ(old, stored(e1));
    CHECK_EQ(*ent, stored(e2));
    CHECK_EQ(through_w(), MARK2);
    /* a mismatch: nothing written, the current value returned */
    old = e1;
    CHECK_EQ(do_cmpxchg(ent, &old, 0, true), -1);
    CHECK_EQ(old, stored(e2));
    CHECK_EQ(*ent, stored(e2));

    /* locked bit operations on RW */
    CHECK_EQ(do_rmw(ent, BTR, 1), -1);
    CHECK_EQ(*ent, stored(e2) & ~_PAGE_RW);
    CHECK_EQ(through_w(), MARK2);
    CHECK_EQ(probe_write((void *)VA_W, 5), X86_EXC_PF);
    CHECK_EQ(do_rmw(ent, BTS, 1), -1);
    CHECK_EQ(*ent, stored(e2));
    through_w();
    CHECK_EQ(probe_write((void *)(VA_W + 8), 6), -1);
    CHECK_EQ(d2[1], 6);
    CHECK_EQ(do_rmw(ent, AND, ~_PAGE_RW), -1);
    CHECK_EQ(*ent, stored(e2) & ~_PAGE_RW);
    CHECK_EQ(do_rmw(ent, OR, _PAGE_RW), -1);
    CHECK_EQ(*ent, stored(e2));
    CHECK_EQ(do_rmw(ent, ANDB, (uint8_t)~_PAGE_RW), -1);
    CHECK_EQ(*ent, stored(e2) & ~_PAGE_RW);
    through_w();
    CHECK_EQ(probe_write((void *)VA_W, 7), X86_EXC_PF);
    CHECK_EQ(do_rmw(ent, MOVL_HI, (stored(e2) >> 32) | (1U << 31)), -1);
    CHECK_EQ(*ent, (stored(e2) & ~_PAGE_RW) | _PAGE_NX);
    CHECK_EQ(through_w(), MARK2);
}

static void check_refused(int vec, volatile uint64_t *where, uint64_t before, const char *what)
{
    if ( vec != X86_EXC_PF )
        fail("%s: vector %d, expected #PF", what, vec);
    else if ( last_trap.error_code != 3 || last_trap.cr2 != (uint64_t)where )
        fail("%s: #PF error code %#lx cr2 %#lx, expected 3 and %p", what,
             last_trap.error_code, last_trap.cr2, where);
    if ( *where != before )
        fail("%s: entry %#lx, expected %#lx", what, *where, before);
}

static void bad_writes(void)
{
    uint64_t self_rw = pte_for(l1, _PAGE_PRESENT | _PAGE_RW);
    xen_pfn_t alien = foreign_mfn(virt_to_mfn(d1) + 1, 1UL << 22);
    uint64_t alien_e = (alien << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED;
    uint64_t cur = *ent, v, old;

    ASSERT(alien);
    printk("a frame not ours: %#lx\n", alien);
    check_refused(probe_write(&ent[1], self_rw), &ent[1], 0, "mov of a writable self-mapping");
    check_refused(probe_write(&ent[0], self_rw), &ent[0], cur, "mov over a good entry");
    v = alien_e;
    check_refused(do_xchg(&ent[2], &v), &ent[2], 0, "xchg of a foreign frame");
    CHECK_EQ(v, alien_e);
    old = cur;
    check_refused(do_cmpxchg(ent, &old, alien_e, true), ent, cur,
                  "lock cmpxchg of a foreign frame");
    check_refused(do_rmw(&ent[3], OR, alien_e), &ent[3], 0, "lock or of a foreign frame");
    CHECK_EQ(through_w(), MARK2);
}

static void teardown(void)
{
    CHECK_EQ(mmu_update1(pt_entry_maddr(VA_W, 2), 0), 0);
    CHECK_EQ(pt_unpin(l1), 0);
    CHECK_EQ(pt_rw(l1), 0);
}

int main(void)
{
    setup();
    good_writes();
    bad_writes();
    teardown();
    test_done();
}
