/*
 * xen/tasklet.h: deferred work run from TASKLET_SOFTIRQ.
 *
 * A tasklet is a function and its argument, queued on one pCPU and run
 * there once, in softirq context (IRQs on, no locks held), the next time
 * that pCPU processes softirqs. Scheduling a tasklet that is already
 * queued does nothing; one scheduled while it runs runs again afterwards.
 * tasklet_kill() waits until it is neither queued nor running.
 */
#ifndef XEN_TASKLET_H
#define XEN_TASKLET_H

#include <xen/list.h>
#include <xen/types.h>

struct tasklet {
    struct list_head list;
    int scheduled_on;               /* pCPU queued on, or -1 */
    bool is_running;
    bool is_dead;                   /* killed: schedule is a no-op */
    void (*func)(void *data);
    void *data;
};

/* A tasklet ready to schedule, without a tasklet_init() call. */
#define DECLARE_TASKLET(name, fn, d)                                        \
    struct tasklet name = {                                                 \
        .list = LIST_HEAD_INIT(name.list), .scheduled_on = -1,              \
        .func = (fn), .data = (d) }

/* func must not free t: the tasklet code touches t after func returns. */
void tasklet_init(struct tasklet *t, void (*func)(void *data), void *data);
void tasklet_schedule_on_cpu(struct tasklet *t, unsigned int cpu);
void tasklet_schedule(struct tasklet *t);   /* on this pCPU */
void tasklet_kill(struct tasklet *t);

/* Boot: open TASKLET_SOFTIRQ and set up the per-pCPU queues. */
void tasklet_subsys_init(void);

#endif /* XEN_TASKLET_H */
