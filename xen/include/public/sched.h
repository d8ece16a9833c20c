/* SPDX-License-Identifier: MIT */
/*
 * public/sched.h: the sched_op hypercall (__HYPERVISOR_sched_op, 29):
 * yield, block, shutdown, poll, and the shutdown reason codes that the
 * hypervisor also reports to the toolstack.
 *
 * Same terms and rules as public/xen.h.
 */
#ifndef __XEN_PUBLIC_SCHED_H__
#define __XEN_PUBLIC_SCHED_H__

#include "xen.h"
#include "event_channel.h"

/* sched_op(cmd, arg) commands. */
#define SCHEDOP_yield           0   /* give up the pCPU, stay runnable */
#define SCHEDOP_block           1   /* sleep until an event is pending */
#define SCHEDOP_shutdown        2   /* arg: struct sched_shutdown */
#define SCHEDOP_poll            3   /* arg: struct sched_poll */
#define SCHEDOP_remote_shutdown 4   /* arg: struct sched_remote_shutdown */
#define SCHEDOP_shutdown_code   5   /* arg: struct sched_shutdown */
#define SCHEDOP_watchdog        6   /* arg: struct sched_watchdog */
#define SCHEDOP_pin_override    7   /* arg: struct sched_pin_override */

/* Shutdown reasons (struct sched_shutdown.reason, domain info flags). */
#define SHUTDOWN_poweroff   0   /* halt and do not restart */
#define SHUTDOWN_reboot     1   /* restart */
#define SHUTDOWN_suspend    2   /* saved: the toolstack may resume it */
#define SHUTDOWN_crash      3   /* crashed: the toolstack decides */
#define SHUTDOWN_watchdog   4   /* its watchdog expired */
#define SHUTDOWN_soft_reset 5   /* reset memory state, keep the domain */
#define SHUTDOWN_MAX        5

struct sched_shutdown {
    uint32_t reason;            /* IN: SHUTDOWN_* */
};

/* Block until one of the ports is pending, or until timeout (system time
 * in ns; 0: no timeout). */
struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports;  /* IN */
    uint32_t nr_ports;                      /* IN */
    uint32_t pad;
    uint64_t timeout;                       /* IN */
};
typedef struct sched_poll sched_poll_t;

struct sched_remote_shutdown {
    domid_t domain_id;          /* IN */
    uint32_t reason;            /* IN: SHUTDOWN_* */
};

struct sched_watchdog {
    uint32_t id;                /* IN: 0 to allocate; OUT: the new id */
    uint32_t timeout;           /* IN: seconds; 0 with an id frees it */
};

struct sched_pin_override {
    int32_t pcpu;               /* IN: pCPU to pin vCPU 0 to; -1 undoes */
};

#endif /* __XEN_PUBLIC_SCHED_H__ */
