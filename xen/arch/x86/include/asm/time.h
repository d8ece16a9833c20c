/*
 * asm/time.h: x86 time keeping: the TSC, the platform timers, system time.
 */
#ifndef ASM_X86_TIME_H
#define ASM_X86_TIME_H

#include <xen/types.h>

/* TSC frequency in kHz, 0 until early_time_init() has run. */
extern unsigned long cpu_khz;

/* A free-running platform counter: HPET, ACPI PM timer (or none). */
struct platform_timesource {
    const char *name;           /* "HPET", "ACPI PM timer", "PIT" */
    const char *id;             /* clocksource= value: hpet, acpi, pit */
    uint64_t freq_hz;
    unsigned int bits;          /* counter width: it wraps at 2^bits */
    uint64_t (*read)(void);
};

/* Probes: fill *ts and return 0 if the device is present and counts. */
int hpet_probe(struct platform_timesource *ts);
int pmtmr_probe(struct platform_timesource *ts);

/* PIT-calibrated TSC, so that udelay() works from early boot. */
void early_time_init(void);
/*
 * Pick the platform timer (clocksource=, else HPET, else ACPI PM timer),
 * recalibrate the TSC against it and start system time (NOW() = 0 here).
 * Needs ioremap().
 */
void time_init(void);
/* Start the timer that keeps the platform count from wrapping. */
void time_late_init(void);

/* Platform timer time in ns since time_init(): an independent clock. */
int64_t platform_time_ns(void);
const char *platform_timer_name(void);

uint64_t ns_to_tsc(int64_t ns);
int64_t tsc_to_ns(uint64_t ticks);

/* The TSC value at system time 0: NOW() == tsc_to_ns(rdtsc() - origin). */
uint64_t tsc_stime_origin(void);
/* CPUID promises an invariant TSC (0x80000007 EDX bit 8); set by time_init(). */
extern bool tsc_invariant;

void udelay(unsigned long usecs);
void mdelay(unsigned long msecs);

#endif /* ASM_X86_TIME_H */
