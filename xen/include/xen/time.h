/*
 * xen/time.h: system time.
 *
 * System time is a signed 64-bit count of nanoseconds since boot, the same
 * on every CPU (the arch keeps the per-CPU clocks in step). It is what
 * timers are set in and what NOW() reads. 2^63 ns is about 292 years, so
 * it never wraps and deadlines can be compared with plain '<'.
 * Wall-clock time (the RTC) is the arch's business and lives elsewhere.
 */
#ifndef XEN_TIME_H
#define XEN_TIME_H

#include <xen/types.h>

typedef int64_t s_time_t;

/* printk format for an s_time_t: printk("%"PRI_stime"ns", t). */
#define PRI_stime "ld"

#define STIME_MAX ((s_time_t)INT64_MAX)

#define SECONDS(s)    ((s_time_t)(s) * 1000000000LL)
#define MILLISECS(ms) ((s_time_t)(ms) * 1000000LL)
#define MICROSECS(us) ((s_time_t)(us) * 1000LL)

/* Provided by the arch: nanoseconds since boot. */
s_time_t get_s_time(void);
#define NOW() get_s_time()

/*
 * Provided by the arch: program this CPU's one-shot timer interrupt (the
 * local APIC timer) to fire at system time timeout, replacing any earlier
 * setting; timeout 0 stops it. Returns 1 on success, 0 if timeout is
 * already in the past, in which case nothing was programmed and the
 * caller must run the expired timers itself. Called with interrupts
 * disabled, on the CPU whose timer it programs.
 */
int reprogram_timer(s_time_t timeout);

#endif /* XEN_TIME_H */
