/* SPDX-License-Identifier: MIT */
/*
 * public/vcpu.h: per-vCPU state the hypervisor shares with a guest.
 * For now the runstate record; the vcpu_op commands join it with the
 * guest interface.
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

#endif /* __XEN_PUBLIC_VCPU_H__ */
