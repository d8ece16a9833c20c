/* SPDX-License-Identifier: MIT */
/*
 * public/memory.h: memory_op (__HYPERVISOR_memory_op, 12). A guest's
 * reservation of machine memory (growing it, giving pages back, swapping
 * pages for others with different properties), the memory maps it sees,
 * and the hypervisor's machine-to-phys table.
 *
 * Same terms and rules as public/xen.h.
 */
#ifndef __XEN_PUBLIC_MEMORY_H__
#define __XEN_PUBLIC_MEMORY_H__

#include "xen.h"

/* ---- Reservations ---- */
#define XENMEM_increase_reservation 0   /* arg: xen_memory_reservation */
#define XENMEM_decrease_reservation 1
#define XENMEM_populate_physmap     6

/* mem_flags: the highest address bit allowed (0: any), a NUMA node. */
#define XENMEMF_address_bits(x)     (x)
#define XENMEMF_get_address_bits(x) ((x) & 0xffu)
#define XENMEMF_node(x)             (((x) + 1) << 8)
#define XENMEMF_get_node(x)         ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand  (1 << 16)
#define XENMEMF_exact_node_request  (1 << 17)
#define XENMEMF_exact_node(n)       (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode               (1 << 18)

struct xen_memory_reservation {
    /*
     * IN: increase: ignored (OUT: the new frames); decrease: the frames
     * to give back; populate: the guest frames to fill.
     */
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
    xen_ulong_t nr_extents;         /* IN */
    uint32_t extent_order;          /* IN: each extent is 2^order pages */
    uint32_t mem_flags;             /* IN: XENMEMF_* */
    domid_t domid;                  /* IN: DOMID_SELF, or a domain (privileged) */
    uint16_t pad[3];
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_reservation_t);

/* Give the "in" extents back and get "out" extents in exchange. */
#define XENMEM_exchange             11
struct xen_memory_exchange {
    struct xen_memory_reservation in;   /* IN */
    struct xen_memory_reservation out;  /* IN/OUT */
    xen_ulong_t nr_exchanged;           /* OUT: "in" extents exchanged */
};
typedef struct xen_memory_exchange xen_memory_exchange_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_exchange_t);

/* ---- Sizes (the return value is the answer) ---- */
#define XENMEM_maximum_ram_page     2   /* arg: NULL; the highest mfn + 1 of RAM */
#define XENMEM_current_reservation  3   /* arg: domid_t */
#define XENMEM_maximum_reservation  4   /* arg: domid_t */
#define XENMEM_maximum_gpfn         14  /* arg: domid_t */

struct xen_memory_domain {
    domid_t domid;                  /* IN */
};

/* ---- The machine-to-phys table ---- */
#define XENMEM_machphys_mfn_list    5
struct xen_machphys_mfn_list {
    uint32_t max_extents;           /* IN: size of extent_start */
    uint32_t pad;
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;   /* OUT: mfns of 2 MiB chunks */
    uint32_t nr_extents;            /* OUT */
    uint32_t pad2;
};
typedef struct xen_machphys_mfn_list xen_machphys_mfn_list_t;
DEFINE_XEN_GUEST_HANDLE(xen_machphys_mfn_list_t);

#define XENMEM_machphys_compat_mfn_list 25

/* Where the read-only M2P is in the guest's address space. */
#define XENMEM_machphys_mapping     12
struct xen_machphys_mapping {
    xen_ulong_t v_start, v_end;     /* OUT */
    xen_ulong_t max_mfn;            /* OUT: the highest mfn it covers */
};
typedef struct xen_machphys_mapping xen_machphys_mapping_t;
DEFINE_XEN_GUEST_HANDLE(xen_machphys_mapping_t);

/* ---- Adding pages to the physmap ---- */
#define XENMAPSPACE_shared_info  0
#define XENMAPSPACE_grant_table  1
#define XENMAPSPACE_gmfn         2
#define XENMAPSPACE_gmfn_range   3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio     5

#define XENMEM_add_to_physmap      7
struct xen_add_to_physmap {
    domid_t domid;                  /* IN */
    uint16_t size;                  /* IN: gmfn_range only */
    uint32_t space;                 /* IN: XENMAPSPACE_* */
#define XENMAPIDX_grant_table_status 0x80000000
    xen_ulong_t idx;                /* IN: which page of that space */
    xen_pfn_t gpfn;                 /* IN: where to put it */
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_t);

#define XENMEM_add_to_physmap_batch 23

#define XENMEM_remove_from_physmap  15
struct xen_remove_from_physmap {
    domid_t domid;                  /* IN */
    uint16_t pad[3];
    xen_pfn_t gpfn;                 /* IN */
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_remove_from_physmap_t);

/* ---- Memory maps (e820 entries: u64 addr, u64 size, u32 type) ---- */
#define XENMEM_memory_map           9   /* the guest's own */
#define XENMEM_machine_memory_map   10  /* the host's (privileged) */
#define XENMEM_set_memory_map       13  /* the toolstack sets a guest's */
struct xen_memory_map {
    uint32_t nr_entries;            /* IN: room in buffer; OUT: entries */
    uint32_t pad;
    XEN_GUEST_HANDLE(void) buffer;  /* OUT */
};
typedef struct xen_memory_map xen_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_map_t);

struct xen_foreign_memory_map {
    domid_t domid;
    uint16_t pad[3];
    struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_foreign_memory_map_t);

#define XENMEM_claim_pages          24
#define XENMEM_acquire_resource     28

#endif /* __XEN_PUBLIC_MEMORY_H__ */
