/* SPDX-License-Identifier: MIT */
/*
 * public/callback.h: callback_op (__HYPERVISOR_callback_op, 30). A PV
 * guest registers the entry points the hypervisor bounces it to: event
 * upcalls, the failsafe path (a bad segment on return), system calls from
 * its user mode, and NMIs.
 *
 * Same terms and rules as public/xen.h.
 */
#ifndef __XEN_PUBLIC_CALLBACK_H__
#define __XEN_PUBLIC_CALLBACK_H__

#include "xen.h"

#define CALLBACKTYPE_event               0  /* event channel upcall */
#define CALLBACKTYPE_failsafe            1  /* faulting segment reload on return */
#define CALLBACKTYPE_syscall             2  /* 64-bit syscall from user mode */
#define CALLBACKTYPE_sysenter_deprecated 3
#define CALLBACKTYPE_nmi                 4
#define CALLBACKTYPE_sysenter            5
#define CALLBACKTYPE_syscall32           7  /* syscall from 32-bit user code */

/* Entering the callback sets the vCPU's upcall mask. */
#define _CALLBACKF_mask_events 0
#define CALLBACKF_mask_events  (1U << _CALLBACKF_mask_events)

#define CALLBACKOP_register   0  /* arg: struct callback_register */
#define CALLBACKOP_unregister 1  /* arg: struct callback_unregister */

struct callback_register {
    uint16_t type;                  /* IN: CALLBACKTYPE_* */
    uint16_t flags;                 /* IN: CALLBACKF_* */
    uint32_t pad;
    xen_callback_t address;         /* IN */
};
typedef struct callback_register callback_register_t;
DEFINE_XEN_GUEST_HANDLE(callback_register_t);

struct callback_unregister {
    uint16_t type;                  /* IN */
    uint16_t _unused;
};
typedef struct callback_unregister callback_unregister_t;
DEFINE_XEN_GUEST_HANDLE(callback_unregister_t);

#endif /* __XEN_PUBLIC_CALLBACK_H__ */
