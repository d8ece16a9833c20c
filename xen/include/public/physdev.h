/* SPDX-License-Identifier: MIT */
/*
 * public/physdev.h: physdev_op (__HYPERVISOR_physdev_op, 33), a PV
 * guest's access to physical devices. So far: the virtual I/O privilege
 * level and I/O bitmap that gate port I/O emulation.
 *
 * Same terms and rules as public/xen.h.
 */
#ifndef __XEN_PUBLIC_PHYSDEV_H__
#define __XEN_PUBLIC_PHYSDEV_H__

#include "xen.h"

/*
 * The I/O privilege level the guest kernel runs with (0-3). Port I/O from
 * the guest kernel is emulated when the virtual IOPL is 1 or more (a guest
 * kernel counts as ring 1), from guest user mode when it is 3.
 */
#define PHYSDEVOP_set_iopl 6
struct physdev_set_iopl {
    uint32_t iopl;                  /* IN */
};
typedef struct physdev_set_iopl physdev_set_iopl_t;

/* A guest I/O bitmap (bit set = port denied), as in a TSS. */
#define PHYSDEVOP_set_iobitmap 7
struct physdev_set_iobitmap {
    XEN_GUEST_HANDLE(uint8) bitmap; /* IN */
    uint32_t nr_ports;              /* IN */
    uint32_t pad;
};
typedef struct physdev_set_iobitmap physdev_set_iobitmap_t;

#endif /* __XEN_PUBLIC_PHYSDEV_H__ */
