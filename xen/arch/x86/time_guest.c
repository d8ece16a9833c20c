/*
 * time_guest.c: the time a PV guest reads without a hypercall: the
 * vcpu_time_info record of each vCPU and the wall clock in shared_info.
 *
 * Theory of operation. System time is the TSC under one fixed scale
 * (time.c): NOW() = tsc_to_ns(rdtsc() - origin), where tsc_to_ns()
 * multiplies by frac, the ns per tick in 32.32 fixed point, and origin is
 * the TSC at system time 0. A guest computes
 *
 *     system_time + ((((tsc - tsc_timestamp) << tsc_shift) * mul) >> 32)
 *
 * from its record. We publish mul = frac >> shift (rounded), shift the
 * smallest that makes mul fit in 32 bits (0 for a TSC above 1 GHz).
 *
 * Exact records. When frac has at least shift trailing zero bits, mul <<
 * shift is frac itself, and the guest's product is ours. The stamp then
 * needs care: system_time must be an integer, and splitting the product at
 * the stamp loses nothing only if the system time at tsc_timestamp has no
 * fractional part, i.e. (tsc_timestamp - origin) * frac is a multiple of
 * 2^32. We stamp at the last TSC value before now that is origin plus a
 * multiple of P = 2^(32 - trailing zeros of frac). Such a record gives
 * exactly NOW(), to the nanosecond, on every vCPU, whenever it was
 * written: the guest's clock never steps, not even by 1 ns, across a
 * rewrite or a vCPU move, and timers fire at the guest's own idea of
 * time. P is at most 2^32 ticks (about 1.4 s at 3 GHz); time.c makes it
 * short by giving frac 8 trailing zeros (P = 2^24 ticks, 6 ms at 3 GHz),
 * which moves NOW() by at most 0.15 ppm, far below the TSC calibration's
 * error.
 *
 * Other records (frac has fewer trailing zeros than shift: only a TSC at or
 * below 1 GHz) lose up to 2^(shift-1) / 2^32 ns per tick to mul's rounding,
 * about 0.23 ns per second of distance from the stamp whatever the
 * frequency. They are stamped at the TSC now (system_time = the system
 * time of exactly that TSC value), within 1 ns plus that drift of NOW().
 *
 * Either way the record is rewritten at every schedule-in (the context
 * switch calls update_vcpu_system_time) and, while a vCPU keeps its pCPU,
 * once a second by a per-pCPU timer, so the stamp is never far behind, as
 * guests written for Xen expect.
 *
 * Update protocol: version odd, barrier, the fields, barrier, version even
 * (a reader retries while it is odd or has changed). The secondary copy a
 * guest registers (VCPUOP_register_vcpu_time_memory_area, the vDSO's) gets
 * the same sequence through copy_to_guest, with the same versions. A
 * record has one writer: the vCPU's own pCPU (v == current), or anyone
 * while the vCPU cannot run.
 *
 * XEN_PVCLOCK_TSC_STABLE_BIT tells the guest that readings taken on
 * different vCPUs can be compared: Linux then drops its own global "never
 * go backwards" guard (an atomic on every read) and enables the vDSO
 * clock. We set it when the CPU promises an invariant TSC (CPUID
 * 0x80000007 EDX bit 8, time.c's tsc_invariant) unless pvclock_stable=0.
 * Synchronisation across pCPUs is not measured here; NOW() already reads
 * each pCPU's raw TSC against one origin, so the hypervisor's own clock is
 * exactly as coherent across pCPUs as the guest's becomes with the flag.
 * Boards with unsynchronised TSCs need pvclock_stable=0 (and a better NOW()).
 *
 * Wall clock. shared_info's wc_sec_hi:wc_sec, wc_nsec is the Unix time at
 * system time 0 (the guest adds its system time). It comes from the CMOS
 * RTC read at boot (whole seconds; the read happens just before
 * guest_time_init(), whose NOW() stands for the read's), and dom0 may set
 * it later (wallclock_set()). wc_version follows the same odd/even
 * protocol.
 *
 * Locking: wc_lock serialises writers of the wall clock: the base and
 * every domain's copy of it. It is taken inside domlist_lock (read) and
 * nothing is taken inside it.
 */
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/rtc.h>
#include <asm/time.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/percpu.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/spinlock.h>
#include <xen/timer.h>
#include <xen/vcpu_timer.h>
#include <asm/atomic.h>

#define NSEC_PER_SEC   1000000000ull
#define REFRESH_PERIOD SECONDS(1)

static bool opt_pvclock_stable = true;
boolean_param("pvclock_stable", opt_pvclock_stable);

/* Set by guest_time_init(), read-only afterwards. */
static struct {
    uint32_t mul;
    int8_t shift;
    uint8_t flags;          /* XEN_PVCLOCK_* */
    bool exact;             /* mul << shift == frac: see above */
    uint64_t stamp_mask;    /* ~(P - 1): exact stamps are origin + k * P */
    uint64_t origin;        /* TSC at system time 0 */
} scale;

static DEFINE_SPINLOCK(wc_lock);
static uint64_t wc_base_ns;             /* Unix time at system time 0 */

/* Rewrite current's record at least once a second. */
static DEFINE_PER_CPU(struct timer, refresh_timer);
static DEFINE_PER_CPU(bool, refresh_ready);

/* ---- The scale ---- */

void guest_time_scale(uint64_t frac, uint32_t *mul, int8_t *shift)
{
    unsigned int s = 0;
    uint64_t m = frac;

    ASSERT(frac);
    while ( m > UINT32_MAX )
    {
        s++;
        m = (frac + (1ull << (s - 1))) >> s;    /* round to nearest */
    }
    *mul = m;
    *shift = s;
}

void guest_time_init(void)
{
    /* tsc_to_ns() of 2^32 ticks is frac exactly: the ns of 2^32 ticks. */
    uint64_t frac = tsc_to_ns(1ull << 32);
    uint64_t rtc = rtc_boot_time();
    s_time_t now = NOW();
    unsigned int zeros;

    BUG_ON(!frac);                      /* before time_init() */
    zeros = __builtin_ctzll(frac);
    guest_time_scale(frac, &scale.mul, &scale.shift);
    scale.exact = zeros >= (unsigned int)scale.shift;
    scale.stamp_mask = zeros >= 32 ? ~0ull : ~((1ull << (32 - zeros)) - 1);
    scale.origin = tsc_stime_origin();
    scale.flags = (tsc_invariant && opt_pvclock_stable)
                  ? XEN_PVCLOCK_TSC_STABLE_BIT : 0;

    spin_lock(&wc_lock);
    wc_base_ns = rtc ? rtc * NSEC_PER_SEC - now : 0;
    spin_unlock(&wc_lock);

    printk(XENLOG_INFO "Guest time: mul %#x shift %d, %s, TSC %s\n",
           scale.mul, scale.shift,
           scale.exact ? "exact" : "within 1 ns + 0.23 ns/s",
           scale.flags ? "stable" : "not promised stable");
}

/* ---- vcpu_time_info ---- */

static uint32_t version_begin(uint32_t v)
{
    return (v + 1) | 1;
}

static uint32_t version_end(uint32_t odd)
{
    return odd + 1;
}

static void make_record(struct vcpu_time_info *r)
{
    uint64_t since = rdtsc() - scale.origin;

    if ( (int64_t)since < 0 )
        since = 0;
    if ( scale.exact )
        since &= scale.stamp_mask;

    *r = (struct vcpu_time_info){
        .tsc_timestamp = scale.origin + since,
        .system_time = tsc_to_ns(since),
        .tsc_to_system_mul = scale.mul,
        .tsc_shift = scale.shift,
        .flags = scale.flags,
    };
}

/* The record at u, which the guest reads concurrently. */
static void write_record(struct vcpu_time_info *u,
                         const struct vcpu_time_info *r, uint32_t odd)
{
    write_atomic(&u->version, odd);
    smp_wmb();
    u->tsc_timestamp = r->tsc_timestamp;
    u->system_time = r->system_time;
    u->tsc_to_system_mul = r->tsc_to_system_mul;
    u->tsc_shift = r->tsc_shift;
    u->flags = r->flags;
    smp_wmb();
    write_atomic(&u->version, version_end(odd));
}

/* The same through a guest virtual address; a fault drops the write. */
static void write_guest_record(unsigned long va,
                               const struct vcpu_time_info *r, uint32_t odd)
{
    struct vcpu_time_info g = *r;
    uint32_t even = version_end(odd);

    g.version = odd;
    if ( copy_to_guest_va(va, &g.version, sizeof(g.version)) )
        return;
    smp_wmb();
    copy_to_guest_va(va, &g, sizeof(g));
    smp_wmb();
    copy_to_guest_va(va, &even, sizeof(even));
}

static void refresh_fn(void *unused)
{
    struct vcpu *v = current;

    if ( !is_idle_vcpu(v) )
        update_vcpu_system_time(v);     /* re-arms us */
}

/* On current's pCPU: make sure a refresh comes within a second. */
static void arm_refresh(void)
{
    unsigned int cpu = smp_processor_id();
    struct timer *t = &per_cpu(refresh_timer, cpu);

    if ( !per_cpu(refresh_ready, cpu) )
    {
        init_timer(t, refresh_fn, NULL, cpu);
        per_cpu(refresh_ready, cpu) = true;
    }
    if ( !timer_is_active(t) )
        set_timer(t, NOW() + REFRESH_PERIOD);
}

void update_vcpu_system_time(struct vcpu *v)
{
    struct vcpu_time_info r;
    unsigned long va;
    uint32_t odd;

    if ( is_idle_vcpu(v) || !v->vcpu_info || !scale.mul )
        return;
    ASSERT(v == current || !v->is_running);

    make_record(&r);
    odd = version_begin(ACCESS_ONCE(v->vcpu_info->time.version));
    write_record(&v->vcpu_info->time, &r, odd);

    if ( v != current )
        return;
    va = ACCESS_ONCE(v->arch.pv.time_info_guest);
    if ( va && v->arch.pv.kernel_mode )
        write_guest_record(va, &r, odd);
    arm_refresh();
}

void register_vcpu_time_area(struct vcpu *v, unsigned long va)
{
    write_atomic(&v->arch.pv.time_info_guest, va);
    if ( v == current )
        update_vcpu_system_time(v);     /* else at its next schedule-in */
}

/* ---- Wall clock ---- */

static void write_wallclock(struct shared_info *s)
{
    uint64_t sec = wc_base_ns / NSEC_PER_SEC;
    uint32_t odd = version_begin(ACCESS_ONCE(s->wc_version));

    ASSERT(spin_is_locked(&wc_lock));
    write_atomic(&s->wc_version, odd);
    smp_wmb();
    s->wc_sec = (uint32_t)sec;
    s->wc_sec_hi = (uint32_t)(sec >> 32);
    s->wc_nsec = wc_base_ns % NSEC_PER_SEC;
    smp_wmb();
    write_atomic(&s->wc_version, version_end(odd));
}

void update_domain_wallclock_time(struct domain *d)
{
    if ( !d->shared_info )
        return;
    spin_lock(&wc_lock);
    write_wallclock(d->shared_info);
    spin_unlock(&wc_lock);
}

void wallclock_set(uint64_t secs, uint32_t nsecs, s_time_t stime)
{
    uint64_t at = secs * NSEC_PER_SEC + nsecs;
    uint64_t since_boot = stime > 0 ? stime : 0;
    struct domain *d;

    read_lock(&domlist_lock);
    spin_lock(&wc_lock);
    wc_base_ns = at > since_boot ? at - since_boot : 0;
    for_each_domain ( d )
        if ( d->shared_info )
            write_wallclock(d->shared_info);
    spin_unlock(&wc_lock);
    read_unlock(&domlist_lock);
}

uint64_t wallclock_base(void)
{
    return ACCESS_ONCE(wc_base_ns);
}
