/* SPDX-License-Identifier: MIT */
/*
 * public/vcpu.h: per-vCPU state the hypervisor shares with a guest.
 The vcpu_op hypercall (__HYPERVISOR_vcpu_op, 24): vcpu_op(cmd, vcpuid,
 * arg) brings vCPUs up and down, registers per-vCPU areas in guest memory
 * and runs the per-vCPU timers.
 *
 * Same terms and rules as public/xen.h.
 */
#ifndef __XEN_PUBLIC_VCPU_H__
#define __XEN_PUBLIC_VCPU_H__

#include "xen.h"

/* A vCPU is in exactly one of these states at any time. */
#define RUNSTATE_running  0     /* on a pCPU */
#define RUNSTATE_runnable 1     /* ready, waiting for a pCPU */
#define RUNSTATE_blocked  2     /* waiting for an event */
#define RUNSTATE_offline  3     /* down, or paused by someone else */

/*
 * Where a vCPU's time went (48 bytes). Times are system time in ns.
 * While the hypervisor rewrites a guest's copy it sets XEN_RUNSTATE_UPDATE
 * in state_entry_time (when the guest enabled VMASST_TYPE_runstate_update_flag).
 */
struct vcpu_runstate_info {
    int32_t state;              /* OUT: RUNSTATE_* */
    uint32_t pad0;
    uint64_t state_entry_time;  /* OUT: when it entered that state */
    uint64_t time[4];           /* OUT: total ns spent in each state */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;

#define XEN_RUNSTATE_UPDATE (1ULL << 63)
DEFINE_XEN_GUEST_HANDLE(vcpu_runstate_info_t);

/* vcpu_op commands. */
#define VCPUOP_initialise                     0  /* arg: vcpu_guest_context */
#define VCPUOP_up                             1
#define VCPUOP_down                           2
#define VCPUOP_is_up                          3  /* 1 or 0; -ENOENT: no such vCPU */
#define VCPUOP_get_runstate_info              4  /* arg: vcpu_runstate_info (OUT) */
#define VCPUOP_register_runstate_memory_area  5
#define VCPUOP_set_periodic_timer             6
#define VCPUOP_stop_periodic_timer            7
#define VCPUOP_set_singleshot_timer           8
#define VCPUOP_stop_singleshot_timer          9
#define VCPUOP_register_vcpu_info            10
#define VCPUOP_send_nmi                      11
#define VCPUOP_get_physid                    12
#define VCPUOP_register_vcpu_time_memory_area 13

/* Guest virtual address the hypervisor keeps a runstate copy at. */
struct vcpu_register_runstate_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_runstate_info_t) h;
        uint64_t p;
    } addr;                         /* IN */
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;

struct vcpu_set_periodic_timer {
    uint64_t period_ns;             /* IN */
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;

struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;        /* IN: system time */
    uint32_t flags;                 /* IN: VCPU_SSHOTTMR_* */
    uint32_t pad;
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;
/* Historically: refuse (-ETIME) a deadline already in the past. Xen 4.17
 * ignores the flag and fires such a timer at once. */
#define _VCPU_SSHOTTMR_future 0
#define VCPU_SSHOTTMR_future  (1U << _VCPU_SSHOTTMR_future)

/* Move the vCPU's vcpu_info into a guest page (once; may not cross it). */
struct vcpu_register_vcpu_info {
    uint64_t mfn;                   /* IN: frame of the page */
    uint32_t offset;                /* IN: offset within it */
    uint32_t rsvd;
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;

struct vcpu_get_physid {
    uint64_t phys_id;               /* OUT: APIC id (low 32), ACPI id (high 32) */
};
typedef struct vcpu_get_physid vcpu_get_physid_t;

struct vcpu_register_time_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_time_info_t) h;
        uint64_t p;
    } addr;                         /* IN */
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;

#endif /* __XEN_PUBLIC_VCPU_H__ */
