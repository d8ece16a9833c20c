/* SPDX-License-Identifier: MIT */
/*
 * public/sched_params.h: scheduler identifiers and parameter records, as
 * carried by XEN_DOMCTL_scheduler_op (per domain) and
 * XEN_SYSCTL_scheduler_op (per cpupool). The domctl and sysctl headers
 * include this one; it stands alone so the schedulers need nothing else.
 *
 * Same terms and rules as public/xen.h.
 */
#ifndef __XEN_PUBLIC_SCHED_PARAMS_H__
#define __XEN_PUBLIC_SCHED_PARAMS_H__

#include "xen.h"

/* Scheduler identifiers (sched_id). */
#define XEN_SCHEDULER_CREDIT   5
#define XEN_SCHEDULER_CREDIT2  6
#define XEN_SCHEDULER_ARINC653 7
#define XEN_SCHEDULER_RTDS     8
#define XEN_SCHEDULER_NULL     9

/* --- Per domain: XEN_DOMCTL_scheduler_op. --- */
#define XEN_DOMCTL_SCHEDOP_putinfo     0
#define XEN_DOMCTL_SCHEDOP_getinfo     1
#define XEN_DOMCTL_SCHEDOP_putvcpuinfo 2
#define XEN_DOMCTL_SCHEDOP_getvcpuinfo 3

struct xen_domctl_sched_credit {
    uint16_t weight;            /* IN/OUT: 1..65535; 0 on put = unchanged */
    uint16_t cap;               /* IN/OUT: % of one pCPU, 0 = no cap;
                                   0xffff on put = unchanged */
};

struct xen_domctl_sched_credit2 {
    uint16_t weight;            /* IN/OUT: 1..65535; 0 on put = unchanged */
    uint16_t cap;               /* IN/OUT: % of one pCPU, 0 = no cap;
                                   above 100 x vCPUs: -EINVAL */
};

struct xen_domctl_sched_rtds {
    uint32_t period;            /* IN/OUT: us */
    uint32_t budget;            /* IN/OUT: us */
    uint32_t flags;             /* IN/OUT */
};

struct xen_domctl_scheduler_op {
    uint32_t sched_id;          /* IN/OUT: XEN_SCHEDULER_* */
    uint32_t cmd;               /* IN: XEN_DOMCTL_SCHEDOP_* */
    union {
        struct xen_domctl_sched_credit credit;
        struct xen_domctl_sched_credit2 credit2;
        struct xen_domctl_sched_rtds rtds;
        struct {
            uint64_t vcpus;     /* IN: guest handle of per-vCPU records */
            uint32_t nr_vcpus;  /* IN/OUT */
            uint32_t padding;
        } v;
    } u;
};
typedef struct xen_domctl_scheduler_op xen_domctl_scheduler_op_t;

/* --- Per cpupool: XEN_SYSCTL_scheduler_op. --- */
#define XEN_SYSCTL_SCHEDOP_putinfo 0
#define XEN_SYSCTL_SCHEDOP_getinfo 1

/* Limits of the pool-wide parameters. */
#define XEN_SYSCTL_CSCHED_TSLICE_MIN     1          /* ms */
#define XEN_SYSCTL_CSCHED_TSLICE_MAX     1000       /* ms */
#define XEN_SYSCTL_SCHED_RATELIMIT_MIN   100        /* us; 0 = off */
#define XEN_SYSCTL_SCHED_RATELIMIT_MAX   500000     /* us */
#define XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US (100 * 1000)

struct xen_sysctl_credit_schedule {
    uint32_t tslice_ms;         /* IN/OUT */
    uint32_t ratelimit_us;      /* IN/OUT */
    uint32_t vcpu_migr_delay_us;/* IN/OUT */
};

struct xen_sysctl_credit2_schedule {
    uint32_t ratelimit_us;      /* IN/OUT */
};

struct xen_sysctl_scheduler_op {
    uint32_t cpupool_id;        /* IN */
    uint32_t sched_id;          /* IN/OUT: XEN_SCHEDULER_* */
    uint32_t cmd;               /* IN: XEN_SYSCTL_SCHEDOP_* */
    union {
        uint64_t sched_arinc653;    /* guest handle; ARINC653 not offered */
        struct xen_sysctl_credit_schedule sched_credit;
        struct xen_sysctl_credit2_schedule sched_credit2;
    } u;
};
typedef struct xen_sysctl_scheduler_op xen_sysctl_scheduler_op_t;

#endif /* __XEN_PUBLIC_SCHED_PARAMS_H__ */
