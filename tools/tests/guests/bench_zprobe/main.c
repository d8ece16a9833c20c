/* temporary probe (removed before the report) */
#include "bench.h"

static volatile unsigned long sink;
static char buf[64 * 4096];

static void op_compute(unsigned long n)
{
    unsigned long x = 1;
    while ( n-- )
        x = x * 6364136223846793005UL + 1442695040888963407UL;
    sink = x;
}

static void op_touch(unsigned long n)
{
    while ( n-- )
        for ( unsigned int i = 0; i < 64; i++ )
            ((volatile char *)buf)[i * 4096] += 1;
}

static void op_rdtsc(unsigned long n)
{
    while ( n-- )
        sink = rdtsc();
}

static void op_null(unsigned long n)
{
    while ( n-- )
        hypervisor_xen_version(XENVER_version, NULL);
}

static void op_badhc(unsigned long n)
{
    while ( n-- )
        hypercall0(60);
}

int main(void)
{
    bench_init();
    (void)op_compute; (void)op_touch; (void)op_rdtsc; (void)op_null;
    op_badhc(100000);
    bench_run("enosys", op_badhc, 1, "ns/op");
    test_done();
}
