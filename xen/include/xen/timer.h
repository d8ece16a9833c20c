/*
 * xen/timer.h: one-shot software timers, queued per CPU.
 *
 * A timer calls function(data) once, on its CPU, in softirq context, at
 * or after the system time it was set to. It stays initialised after
 * firing and may be set again (also from its own function). See
 * xen/common/timer.c.
 */
#ifndef XEN_TIMER_H
#define XEN_TIMER_H

#include <xen/time.h>
#include <xen/types.h>

struct timer {
    s_time_t expires;               /* system time it is (or was) set to */
    union {
        unsigned int heap_offset;   /* index in its CPU's heap */
        struct timer *list_next;    /* next in its CPU's overflow list */
    };
    void (*function)(void *data);
    void *data;
    uint16_t cpu;                   /* whose queue it is on / will go on */
    uint8_t status;                 /* TIMER_STATUS_* */
};

/* Zeroed memory is an invalid timer: kill_timer() accepts it, nothing else. */
#define TIMER_STATUS_invalid  0     /* never initialised */
#define TIMER_STATUS_inactive 1     /* initialised, not queued */
#define TIMER_STATUS_killed   2     /* killed: set/stop/migrate are no-ops */
#define TIMER_STATUS_in_heap  3     /* queued in its CPU's heap */
#define TIMER_STATUS_in_list  4     /* queued in its CPU's overflow list */

/* Batching window for nearby deadlines, in ns (timer_slop=, default 50us). */
extern unsigned int timer_slop;

/* Initialise t, inactive, to call function(data) on cpu. */
void init_timer(struct timer *t, void (*function)(void *data), void *data,
                unsigned int cpu);

/* (Re)arm t for system time expires, replacing any earlier setting. */
void set_timer(struct timer *t, s_time_t expires);

/*
 * Disarm t. It does not fire afterwards unless set again; if its function
 * is running right now on some CPU, that call is not waited for.
 */
void stop_timer(struct timer *t);

/* Move t to new_cpu's queue; if armed, it stays armed, for the same time. */
void migrate_timer(struct timer *t, unsigned int new_cpu);

/*
 * Disarm t for good, and wait until its function is no longer running on
 * any CPU; after that the caller may free it. Not from t's own function.
 */
void kill_timer(struct timer *t);

/* Whether t is armed; when it is, the time it is armed for. */
bool timer_is_active(const struct timer *t);
s_time_t timer_expires(const struct timer *t);

/*
 * Set up cpu's timer queue, before any timer is initialised on cpu (and
 * again if it comes back online, its timers moved away). 0 or -EINVAL.
 */
int timer_cpu_init(unsigned int cpu);

/* At boot, once: open TIMER_SOFTIRQ and set up the boot CPU's queue. */
void timer_init(void);

/* Print every CPU's queue (the 'a' debug key). */
void dump_timerq(unsigned char key);

#endif /* XEN_TIMER_H */
