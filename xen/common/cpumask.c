/*
 * cpumask.c: printing CPU sets as users read them ("0-3,6").
 */
#include <xen/cpumask.h>
#include <xen/lib.h>

int cpumask_scnprintf(char *buf, size_t len, const cpumask_t *m)
{
    unsigned int cpu, last;
    int n = 0;

    if ( len )
        buf[0] = '\0';
    for ( cpu = cpumask_first(m); cpu < NR_CPUS; cpu = cpumask_next(last, m) )
    {
        /* A run cpu..last of consecutive members. */
        for ( last = cpu; last + 1 < NR_CPUS &&
                          cpumask_test_cpu(last + 1, m); last++ )
            ;
        n += scnprintf(buf + n, len - n, "%s%u", n ? "," : "", cpu);
        if ( last > cpu )
            n += scnprintf(buf + n, len - n, "-%u", last);
    }
    return n;
}
