/*
 * local_memory.h: the memory_op ABI the test guests use.
 *
 * TODO: xen/include/public/memory.h does not exist yet (the lead is writing
 * it); once it does, include <public/memory.h> instead and delete the
 * definitions below.  Layouts are those of Xen 4.17's public memory.h for
 * x86-64 (XEN_GUEST_HANDLE is a plain pointer there).
 */
#ifndef GUEST_LOCAL_MEMORY_H
#define GUEST_LOCAL_MEMORY_H

#include "guest.h"

#define XENMEM_increase_reservation  0
#define XENMEM_decrease_reservation  1
#define XENMEM_maximum_ram_page      2
#define XENMEM_current_reservation   3
#define XENMEM_maximum_reservation   4
#define XENMEM_machphys_mfn_list     5
#define XENMEM_populate_physmap      6
#define XENMEM_add_to_physmap        7
#define XENMEM_memory_map            9
#define XENMEM_machine_memory_map   10
#define XENMEM_exchange             11
#define XENMEM_machphys_mapping     12
#define XENMEM_maximum_gpfn         14

/* increase/decrease_reservation, populate_physmap, and each half of exchange */
struct xen_memory_reservation {
    xen_pfn_t *extent_start;        /* IN/OUT: frame list */
    xen_ulong_t nr_extents;         /* IN */
    uint32_t extent_order;          /* IN: each extent is 2^order pages */
    uint32_t mem_flags;             /* IN: XENMEMF_* */
    domid_t domid;                  /* IN */
};

struct xen_memory_exchange {
    struct xen_memory_reservation in;   /* IN: frames given up */
    struct xen_memory_reservation out;  /* IN: pfns to fill, OUT: new frames */
    xen_ulong_t nr_exchanged;           /* OUT: input extents done (start at 0) */
};

struct xen_machphys_mfn_list {
    uint32_t max_extents;           /* IN: room in extent_start */
    xen_pfn_t *extent_start;        /* OUT: the M2P's frames, one per 2 MiB */
    uint32_t nr_extents;            /* OUT */
};

struct xen_machphys_mapping {
    xen_ulong_t v_start, v_end;     /* OUT: the read-only M2P's VA range */
    xen_ulong_t max_mfn;            /* OUT: the last MFN it covers */
};

#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1
#define XENMAPSPACE_gmfn        2

struct xen_add_to_physmap {
    domid_t domid;                  /* IN */
    uint16_t size;                  /* IN: gmfn_range only */
    uint32_t space;                 /* IN: XENMAPSPACE_* */
    xen_ulong_t idx;                /* IN: index in that space */
    xen_pfn_t gpfn;                 /* IN: where it should appear */
};

/* memory_map / machine_memory_map: e820-format entries */
struct xen_memory_map {
    uint32_t nr_entries;            /* IN: room, OUT: entries written */
    void *buffer;                   /* OUT */
};

struct e820_entry {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));
#define E820_RAM 1

static inline long hypervisor_memory_op(unsigned int cmd, void *arg)
{
    return hypercall2(__HYPERVISOR_memory_op, cmd, arg);
}

#endif /* GUEST_LOCAL_MEMORY_H */
