/*
 * xen/domctl.h: the toolstack's control hypercall (common/domctl.c).
 */
#ifndef XEN_DOMCTL_H
#define XEN_DOMCTL_H

#include <public/xen.h>

/* The hypercall (36). */
long do_domctl(XEN_GUEST_HANDLE_PARAM(void) arg);

#endif /* XEN_DOMCTL_H */
