/* SPDX-License-Identifier: MIT */
/*
 * public/version.h: xen_version (__HYPERVISOR_xen_version, 17). Who the
 * hypervisor is and what it offers the calling guest.
 *
 * Same terms and rules as public/xen.h.
 */
#ifndef __XEN_PUBLIC_VERSION_H__
#define __XEN_PUBLIC_VERSION_H__

#include "xen.h"
#include "features.h"

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L
#define XEN_FLEX_ARRAY_DIM  /* a C99 flexible array */
#else
#define XEN_FLEX_ARRAY_DIM 1
#endif

/* Returns (major << 16) | minor. Also a cheap "deliver my events" call. */
#define XENVER_version      0

#define XENVER_extraversion 1           /* arg: xen_extraversion_t */
typedef char xen_extraversion_t[16];

#define XENVER_compile_info 2
struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;

#define XENVER_capabilities 3
typedef char xen_capabilities_info_t[1024];

#define XENVER_changeset 4
typedef char xen_changeset_info_t[64];

#define XENVER_platform_parameters 5
struct xen_platform_parameters {
    xen_ulong_t virt_start;         /* OUT: start of the hypervisor hole */
};
typedef struct xen_platform_parameters xen_platform_parameters_t;

#define XENVER_get_features 6
struct xen_feature_info {
    uint32_t submap_idx;            /* IN: which 32-bit submap */
    uint32_t submap;                /* OUT: XENFEAT_* bits */
};
typedef struct xen_feature_info xen_feature_info_t;

#define XENVER_pagesize     7           /* returns the page size */
#define XENVER_guest_handle 8           /* arg: xen_domain_handle_t */
typedef uint8_t xen_domain_handle_t[16];

#define XENVER_commandline  9
typedef char xen_commandline_t[1024];

#define XENVER_build_id     10
struct xen_build_id {
    uint32_t len;                   /* IN: size of buf; OUT: bytes written */
    uint8_t buf[XEN_FLEX_ARRAY_DIM];
};
typedef struct xen_build_id xen_build_id_t;

#endif /* __XEN_PUBLIC_VERSION_H__ */
