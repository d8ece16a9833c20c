/*
 * bench.h: timing for the bench_* guests (benchmarks, not tests).
 *
 * A bench guest times one hypervisor path after another and prints, for
 * each, one line
 *     Bench: <metric> <value> <unit>
 * then "Test result: SUCCESS".  tools/tests/guests/bench.py boots every
 * bench guest on our hypervisor and on Xen 4.17 and quotes ours/ref ratios:
 * under QEMU TCG on a shared host only ratios from the same run mean much.
 *
 * Method (bench_run):
 *  1. warm up: run the operation for about BENCH_WARMUP_NS (QEMU translates
 *     the code paths once, caches fill);
 *  2. calibrate: double the operation count until a run lasts 1/8 of
 *     BENCH_BATCH_NS, then size a batch to last about BENCH_BATCH_NS;
 *  3. time BENCH_BATCHES batches with rdtsc and report the median batch's
 *     ns per operation (one decimal).  Interruptions (host scheduling, the
 *     hypervisor's own timers) land in a few batches; the median drops them.
 *     A "#" line gives the fastest and slowest batch, to judge the noise.
 *
 * TSC ticks become ns through vcpu_info[0].time's tsc_to_system_mul and
 * tsc_shift, read once by bench_init() (the time guest checks they match
 * the TSC).  An operation is a function that runs its path n times and
 * checks every result: a wrong result is an ERROR, not a number.
 *
 * Header only: it is included by the bench_* guests and no test guest.
 */
#ifndef GUEST_BENCH_H
#define GUEST_BENCH_H

#include "guest.h"

#define BENCH_WARMUP_NS   20000000UL    /* 20 ms */
#define BENCH_BATCH_NS    20000000UL    /* 20 ms per batch */
#define BENCH_BATCHES     11            /* odd: the median is one batch */

/* Runs the measured path n times; panics on a wrong result. */
typedef void (*bench_op_t)(unsigned long n);

static uint32_t bench_tsc_mul;
static int8_t bench_tsc_shift;

static inline uint64_t bench_tsc_to_ns(uint64_t ticks)
{
    if ( bench_tsc_shift < 0 )
        ticks >>= -bench_tsc_shift;
    else
        ticks <<= bench_tsc_shift;
    return (uint64_t)(((unsigned __int128)ticks * bench_tsc_mul) >> 32);
}

/*
 * Read the TSC scale and stop the periodic timer (as Linux does), so that
 * only the benchmarks' own events reach the guest.
 */
static inline void bench_init(void)
{
    const volatile struct vcpu_time_info *t = &vcpu0()->time;
    uint32_t version;
    long rc;

    do {
        version = t->version;
        barrier();
        bench_tsc_mul = t->tsc_to_system_mul;
        bench_tsc_shift = t->tsc_shift;
        barrier();
    } while ( (version & 1) || version != t->version );
    if ( !bench_tsc_mul )
        panic("vcpu_time_info has no tsc_to_system_mul");
    rc = hypervisor_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    if ( rc )
        panic("VCPUOP_stop_periodic_timer: %ld", rc);
    printk("# TSC scale: mul %#x shift %d (%lu ns per 10^6 ticks)\n", bench_tsc_mul,
           bench_tsc_shift, bench_tsc_to_ns(1000000));
}

static inline void bench_sort(uint64_t *v, unsigned int n)
{
    unsigned int i, j;

    for ( i = 1; i < n; i++ )
    {
        uint64_t x = v[i];

        for ( j = i; j > 0 && v[j - 1] > x; j-- )
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* The value at rank ceil(pct% of n) of a sorted array (nearest rank). */
static inline uint64_t bench_percentile(const uint64_t *sorted, unsigned int n,
                                        unsigned int pct)
{
    unsigned int rank = (n * pct + 99) / 100;

    return sorted[rank ? rank - 1 : 0];
}

/* "Bench: metric 12.3 unit" from a value in tenths. */
static inline void bench_report(const char *metric, uint64_t tenths, const char *unit)
{
    printk("Bench: %s %lu.%lu %s\n", metric, tenths / 10, tenths % 10, unit);
}

/* ns taken by op(n). */
static inline uint64_t bench_time(bench_op_t op, unsigned long n)
{
    uint64_t t0 = rdtsc();

    op(n);
    return bench_tsc_to_ns(rdtsc() - t0);
}

/*
 * Time `batches` batches of n calls of op and report the median batch in
 * tenths of ns per entry (a call doing per_call entries counts as that many).
 */
static inline void bench_batches(const char *metric, bench_op_t op, unsigned int per_call,
                                 unsigned long n, unsigned int batches, const char *unit)
{
    uint64_t tenths[BENCH_BATCHES * 2];
    unsigned int i;

    ASSERT(batches > 0 && batches <= ARRAY_SIZE(tenths) && n > 0 && per_call > 0);
    for ( i = 0; i < batches; i++ )
        tenths[i] = bench_time(op, n) * 10 / (n * per_call);
    bench_sort(tenths, batches);
    printk("# %s: %u batches of %lu, fastest %lu.%lu slowest %lu.%lu %s\n", metric, batches,
           n, tenths[0] / 10, tenths[0] % 10, tenths[batches - 1] / 10,
           tenths[batches - 1] % 10, unit);
    bench_report(metric, tenths[batches / 2], unit);
}

/* Warm up, size the batches to BENCH_BATCH_NS, then bench_batches(). */
static inline void bench_run(const char *metric, bench_op_t op, unsigned int per_call,
                             const char *unit)
{
    uint64_t start = rdtsc(), ns;
    unsigned long n;

    do
        op(1);
    while ( bench_tsc_to_ns(rdtsc() - start) < BENCH_WARMUP_NS );

    for ( n = 1; ; n *= 2 )
    {
        ns = bench_time(op, n);
        if ( ns >= BENCH_BATCH_NS / 8 || n >= (1UL << 30) )
            break;
    }
    n = ns ? n * BENCH_BATCH_NS / ns : n;
    bench_batches(metric, op, per_call, n ? n : 1, BENCH_BATCHES, unit);
}

/*
 * A bare entry point for a trap or event callback, for paths whose guest
 * side should cost next to nothing: it turns Xen's frame (rcx, r11, rip, cs,
 * rflags, rsp, ss; no error code) into an iret frame in place, calls fn()
 * with the caller-saved registers kept, and makes HYPERVISOR_iret.
 *   Xen's frame:  rsp -> rcx r11 rip ...
 *   iret frame:   rsp - 16 -> rax r11 rcx flags(0) rip ...
 * so rcx is already in place, r11 moves down two slots and flags takes its
 * slot.  rax, rcx and r11 come back from the frame; the stack stays 16-byte
 * aligned for the call.
 */
#define BENCH_BARE_ENTRY(entry, fn)                                     \
    void fn(void);                                                      \
    extern char entry[];                                                \
    asm ( ".pushsection .text\n\t"                                      \
          ".balign 16\n"                                                \
          #entry ":\n\t"                                                \
          "sub $16, %rsp\n\t"                                           \
          "mov %rax, 0(%rsp)\n\t"                                       \
          "mov 24(%rsp), %rax\n\t"                                      \
          "mov %rax, 8(%rsp)\n\t"                                       \
          "movq $0, 24(%rsp)\n\t"                                       \
          "push %rdi\n\tpush %rsi\n\tpush %rdx\n\t"                     \
          "push %r8\n\tpush %r9\n\tpush %r10\n\t"                       \
          "cld\n\t"                                                     \
          "call " #fn "\n\t"                                            \
          "pop %r10\n\tpop %r9\n\tpop %r8\n\t"                          \
          "pop %rdx\n\tpop %rsi\n\tpop %rdi\n\t"                        \
          "mov $" BENCH_STR(__HYPERVISOR_iret) ", %eax\n\t"             \
          "syscall\n\t"                                                 \
          "ud2\n\t"                                                     \
          ".popsection" )

#define BENCH_STR_(x) #x
#define BENCH_STR(x) BENCH_STR_(x)

#endif /* GUEST_BENCH_H */
