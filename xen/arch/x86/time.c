/*
 * time.c: the TSC, platform timers and system time.
 *
 * Theory of operation. System time (NOW(), ns since boot) is the TSC
 * scaled by a fixed-point factor: NOW() = (rdtsc() - tsc_at_zero) *
 * ns_per_tick. This needs the TSC to tick at a constant rate and in step
 * on every CPU (the "invariant TSC" of every x86 CPU of the last fifteen
 * years, and QEMU's); we say so at boot when CPUID does not promise it.
 *
 * The TSC's rate is measured twice. early_time_init() counts TSC ticks
 * across a 50 ms one-shot of PIT channel 2 (the one clock every PC has),
 * so that udelay() works from the start. time_init() then measures again
 * against the best platform timer, whose frequency is given by the
 * hardware rather than assumed: the HPET (period in its capability
 * register) or the ACPI PM timer (3.579545 MHz), chosen with clocksource=
 * or in that order of preference. That timer is also kept running as an
 * independent clock: platform_time_ns() extends its counter to 64 bits
 * (a software timer samples it at least twice per wrap), and debug key
 * 't' and the tests compare it with NOW().
 *
 * Locking: plt_lock protects the platform counter's 64-bit extension.
 */
#include <asm/div64.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/time.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/time.h>
#include <xen/timer.h>

#define PIT_HZ           1193182ul
#define PIT_CH2          0x42
#define PIT_MODE         0x43
#define PIT_GATE_PORT    0x61
#define PIT_GATE2        0x01
#define PIT_SPEAKER      0x02
#define PIT_OUT2         0x20
#define CALIBRATE_MS     50

unsigned long cpu_khz;
bool tsc_invariant;

static uint64_t tsc_at_zero;
static uint64_t ns_per_tick_frac;       /* ns per TSC tick, 32.32 fixed point */
static bool stime_running;

static char opt_clocksource[8];
string_param("clocksource", opt_clocksource);

static struct platform_timesource plt;
static DEFINE_SPINLOCK(plt_lock);
static uint64_t plt_last;               /* raw counter at the last sample */
static uint64_t plt_count;              /* ticks since time_init() */
static struct timer plt_overflow_timer;

static unsigned long calibrate_tsc_pit(void)
{
    unsigned long count = PIT_HZ * CALIBRATE_MS / 1000;
    unsigned long spins = 0;
    uint64_t start, end;

    outb((inb(PIT_GATE_PORT) & ~PIT_SPEAKER) | PIT_GATE2, PIT_GATE_PORT);
    outb(0xb0, PIT_MODE);           /* channel 2, lo/hi byte, mode 0 */
    outb(count & 0xff, PIT_CH2);
    outb(count >> 8, PIT_CH2);

    start = rdtsc();
    while ( !(inb(PIT_GATE_PORT) & PIT_OUT2) )
        if ( ++spins > 100000000ul )
            return 0;                /* no PIT answering */
    end = rdtsc();

    return (end - start) / CALIBRATE_MS;
}

void early_time_init(void)
{
    cpu_khz = calibrate_tsc_pit();
    if ( !cpu_khz )
    {
        printk(XENLOG_WARNING "TSC calibration failed (no PIT?); assuming 1 GHz\n");
        cpu_khz = 1000000;
    }
    printk(XENLOG_INFO "TSC: %lu.%03lu MHz (calibrated against the PIT)\n",
           cpu_khz / 1000, cpu_khz % 1000);
}

static uint64_t plt_delta(uint64_t now, uint64_t then)
{
    uint64_t mask = plt.bits >= 64 ? ~0ull : (1ull << plt.bits) - 1;

    return (now - then) & mask;
}

/* TSC ticks per ms, measured over CALIBRATE_MS of the platform timer. */
static unsigned long calibrate_tsc_platform(void)
{
    uint64_t want = plt.freq_hz * CALIBRATE_MS / 1000, p0, p1, t0, t1;

    p0 = plt.read();
    t0 = rdtsc();
    do {
        p1 = plt.read();
        t1 = rdtsc();
    } while ( plt_delta(p1, p0) < want );

    return muldiv64(t1 - t0, plt.freq_hz, plt_delta(p1, p0) * 1000);
}

static bool choose_platform_timer(void)
{
    static int (*const probes[])(struct platform_timesource *) = {
        hpet_probe, pmtmr_probe,
    };
    struct platform_timesource ts;
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(probes); i++ )
    {
        if ( probes[i](&ts) )
            continue;
        if ( opt_clocksource[0] && strcmp(opt_clocksource, ts.id) )
            continue;
        plt = ts;
        return true;
    }
    if ( opt_clocksource[0] && strcmp(opt_clocksource, "pit") )
        printk(XENLOG_WARNING "clocksource=%s: no such timer here\n",
               opt_clocksource);
    return false;
}

static void check_invariant_tsc(void)
{
    struct cpuid_leaf r;

    cpuid(0x80000000, &r);
    if ( r.a >= 0x80000007 )
    {
        cpuid(0x80000007, &r);
        if ( r.d & (1u << 8) )
        {
            tsc_invariant = true;
            return;
        }
    }
    printk(XENLOG_INFO "TSC: the CPU does not promise an invariant TSC; "
           "system time assumes it ticks at a constant rate\n");
}

void time_init(void)
{
    check_invariant_tsc();
    if ( choose_platform_timer() )
    {
        cpu_khz = calibrate_tsc_platform();
        printk("Platform timer: %s, %lu.%06lu MHz, %u bits\n", plt.name,
               (unsigned long)(plt.freq_hz / 1000000),
               (unsigned long)(plt.freq_hz % 1000000), plt.bits);
        printk("TSC: %lu.%03lu MHz (calibrated against the %s)\n",
               cpu_khz / 1000, cpu_khz % 1000, plt.name);
        plt_last = plt.read();
    }
    else
        printk("Platform timer: none found; TSC calibrated against the PIT\n");

    /*
     * Rounded to a multiple of 2^8 (NOW() moves by at most 0.15 ppm up to
     * 5 GHz, far below the calibration's error) so that guests' time
     * records can be exact and stamped every 2^24 ticks (time_guest.c).
     */
    ns_per_tick_frac = (((1000000ull << 32) / cpu_khz) + 0x80) & ~0xffull;
    tsc_at_zero = rdtsc();
    stime_running = true;
}

s_time_t get_s_time(void)
{
    uint64_t d;

    if ( !stime_running )
        return 0;
    d = rdtsc() - tsc_at_zero;
    return (s_time_t)(((unsigned __int128)d * ns_per_tick_frac) >> 32);
}

int64_t tsc_to_ns(uint64_t ticks)
{
    return (int64_t)(((unsigned __int128)ticks * ns_per_tick_frac) >> 32);
}

uint64_t tsc_stime_origin(void)
{
    return tsc_at_zero;
}

uint64_t ns_to_tsc(int64_t ns)
{
    return ns <= 0 ? 0 : muldiv64(ns, cpu_khz, 1000000);
}

/* Fold the counter into plt_count; called often enough to see every wrap. */
static uint64_t plt_sample(void)
{
    unsigned long flags;
    uint64_t now, count;

    if ( !plt.read )
        return 0;
    spin_lock_irqsave(&plt_lock, flags);
    now = plt.read();
    plt_count += plt_delta(now, plt_last);
    plt_last = now;
    count = plt_count;
    spin_unlock_irqrestore(&plt_lock, flags);
    return count;
}

int64_t platform_time_ns(void)
{
    uint64_t c = plt_sample();

    return plt.freq_hz ? (int64_t)muldiv64(c, 1000000000u, plt.freq_hz) : -1;
}

const char *platform_timer_name(void)
{
    return plt.read ? plt.name : "none";
}

/* Sample at a quarter of the wrap period (at most every second). */
static s_time_t plt_sample_period(void)
{
    uint64_t wrap_ns;

    if ( plt.bits >= 40 )
        return SECONDS(1);
    wrap_ns = muldiv64(1ull << plt.bits, 1000000000u, plt.freq_hz);
    return min((s_time_t)(wrap_ns / 4), (s_time_t)SECONDS(1));
}

static void plt_overflow(void *unused)
{
    plt_sample();
    set_timer(&plt_overflow_timer, NOW() + plt_sample_period());
}

static void dump_time(unsigned char key)
{
    s_time_t now = NOW();
    int64_t pns = platform_time_ns();

    printk("'%c' pressed -> dumping time\n", key);
    printk("NOW()=%ld ns, TSC=%lu, platform timer (%s)=%ld ns, TSC %lu kHz\n",
           now, (unsigned long)rdtsc(), platform_timer_name(), pns, cpu_khz);
}

void time_late_init(void)
{
    if ( plt.read )
    {
        init_timer(&plt_overflow_timer, plt_overflow, NULL, 0);
        set_timer(&plt_overflow_timer, NOW() + plt_sample_period());
    }
    register_keyhandler('t', dump_time, "display time", true);
}

void udelay(unsigned long usecs)
{
    uint64_t start = rdtsc();
    uint64_t ticks = (uint64_t)usecs * (cpu_khz ?: 1000000) / 1000;

    while ( rdtsc() - start < ticks )
        cpu_relax();
}

void mdelay(unsigned long msecs)
{
    while ( msecs-- )
        udelay(1000);
}
