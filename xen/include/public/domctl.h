/* SPDX-License-Identifier: MIT */
/*
 * public/domctl.h: domctl (__HYPERVISOR_domctl, 36), the control
 * interface a privileged domain's toolstack uses to manage other
 * domains. Its layout changes between hypervisor releases, so every call
 * names the interface version it was built for, and a call made for
 * another version is refused (-EACCES).
 *
 * So far: destroydomain. The toolstack issue adds the rest; every other
 * command is -ENOSYS until then.
 *
 * Same terms and rules as public/xen.h.
 */
#ifndef __XEN_PUBLIC_DOMCTL_H__
#define __XEN_PUBLIC_DOMCTL_H__

#include "xen.h"

#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015     /* Xen 4.17 */

/*
 * Destroy `domain`: it is killed (its vCPUs never run again, everything
 * it holds is released: memory, page-table types, grants and mappings,
 * event channels) and freed once nobody references it any more. Not
 * the caller itself (-EINVAL); no such domain: -ESRCH.
 */
#define XEN_DOMCTL_destroydomain 2

struct xen_domctl {
    uint32_t cmd;                   /* IN: XEN_DOMCTL_* */
    uint32_t interface_version;     /* IN: XEN_DOMCTL_INTERFACE_VERSION */
    domid_t domain;                 /* IN (OUT for some commands) */
    uint16_t _pad[3];
    union {
        uint64_t align;             /* the union is 8-byte aligned */
        uint8_t pad[128];           /* the size every command's data fits */
    } u;
};
typedef struct xen_domctl xen_domctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_t);

#endif /* __XEN_PUBLIC_DOMCTL_H__ */
