/*
 * extable.c: the exception table (asm/uaccess.h).
 *
 * Theory of operation. Each entry holds two 32-bit offsets, relative to
 * the entry's own fields, to a faulting instruction and its fixup; offsets
 * keep the table position-independent and half the size of absolute
 * addresses. At boot the entries are sorted by instruction address (each
 * offset rewritten relative to its new slot), so a lookup is a binary
 * search. The table lives in read-only data and is sorted before the image
 * is mapped read-only.
 */
#include <asm/regs.h>
#include <asm/uaccess.h>
#include <xen/lib.h>

extern struct exception_table_entry __start___ex_table[];
extern struct exception_table_entry __stop___ex_table[];

static unsigned long ex_insn(const struct exception_table_entry *e)
{
    return (unsigned long)&e->insn + e->insn;
}

static unsigned long ex_fixup(const struct exception_table_entry *e)
{
    return (unsigned long)&e->fixup + e->fixup;
}

static void ex_set(struct exception_table_entry *e, unsigned long insn,
                   unsigned long fixup)
{
    e->insn = (int32_t)(insn - (unsigned long)&e->insn);
    e->fixup = (int32_t)(fixup - (unsigned long)&e->fixup);
}

/* Insertion sort: the table is small and nearly sorted already. */
void sort_exception_table(void)
{
    struct exception_table_entry *s = __start___ex_table;
    unsigned int n = __stop___ex_table - s, i, j;

    for ( i = 1; i < n; i++ )
    {
        unsigned long insn = ex_insn(&s[i]), fixup = ex_fixup(&s[i]);

        for ( j = i; j > 0 && ex_insn(&s[j - 1]) > insn; j-- )
            ex_set(&s[j], ex_insn(&s[j - 1]), ex_fixup(&s[j - 1]));
        ex_set(&s[j], insn, fixup);
    }
}

unsigned long search_exception_table(unsigned long addr)
{
    const struct exception_table_entry *s = __start___ex_table;
    unsigned int lo = 0, hi = __stop___ex_table - s;

    while ( lo < hi )
    {
        unsigned int mid = lo + (hi - lo) / 2;
        unsigned long insn = ex_insn(&s[mid]);

        if ( insn == addr )
            return ex_fixup(&s[mid]);
        if ( insn < addr )
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

bool fixup_exception(struct cpu_user_regs *regs)
{
    unsigned long fixup = search_exception_table(regs->rip);

    if ( !fixup )
        return false;
    regs->rip = fixup;
    return true;
}
