/* SPDX-License-Identifier: MIT */
/*
 * public/grant_table.h: grant_table_op (__HYPERVISOR_grant_table_op, 20).
 * A domain grants another access to one of its pages by filling an entry
 * of its grant table (a few pages it shares with the hypervisor); the
 * grantee then maps the page (map_grant_ref) or copies to or from it
 * (copy), naming it by (granting domain, grant reference). Version 1
 * entries are 8 bytes; version 2 entries 16 bytes, with the status flags
 * in separate status frames.
 *
 * Same terms and rules as public/xen.h.
 */
#ifndef __XEN_PUBLIC_GRANT_TABLE_H__
#define __XEN_PUBLIC_GRANT_TABLE_H__

#include "xen.h"

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

/* ---- Entries ---- */
struct grant_entry_v1 {
    uint16_t flags;                 /* GTF_* */
    domid_t domid;                  /* the domain granted access */
    uint32_t frame;                 /* the frame granted */
};
typedef struct grant_entry_v1 grant_entry_v1_t;

/* References the toolstack uses for a new domain. */
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE    0
#define GNTTAB_RESERVED_XENSTORE   1

/* flags, written by the granting guest ... */
#define GTF_invalid          (0U << 0)
#define GTF_permit_access    (1U << 0)
#define GTF_accept_transfer  (2U << 0)
#define GTF_transitive       (3U << 0)
#define GTF_type_mask        (3U << 0)
#define _GTF_readonly        (2)
#define GTF_readonly         (1U << _GTF_readonly)
/* ... and by the hypervisor while the grant is in use. */
#define _GTF_reading         (3)
#define GTF_reading          (1U << _GTF_reading)
#define _GTF_writing         (4)
#define GTF_writing          (1U << _GTF_writing)
#define _GTF_PWT             (5)
#define GTF_PWT              (1U << _GTF_PWT)
#define _GTF_PCD             (6)
#define GTF_PCD              (1U << _GTF_PCD)
#define _GTF_PAT             (7)
#define GTF_PAT              (1U << _GTF_PAT)
#define _GTF_sub_page        (8)
#define GTF_sub_page         (1U << _GTF_sub_page)
/* Transfers (GTF_accept_transfer entries). */
#define _GTF_transfer_committed (2)
#define GTF_transfer_committed  (1U << _GTF_transfer_committed)
#define _GTF_transfer_completed (3)
#define GTF_transfer_completed  (1U << _GTF_transfer_completed)

struct grant_entry_header {
    uint16_t flags;
    domid_t domid;
};
typedef struct grant_entry_header grant_entry_header_t;

union grant_entry_v2 {
    grant_entry_header_t hdr;
    struct {
        grant_entry_header_t hdr;
        uint32_t pad0;
        uint64_t frame;
    } full_page;
    struct {
        grant_entry_header_t hdr;
        uint16_t page_off;
        uint16_t length;
        uint64_t frame;
    } sub_page;
    struct {
        grant_entry_header_t hdr;
        domid_t trans_domid;
        uint16_t pad0;
        grant_ref_t gref;
    } transitive;
    uint32_t __spacer[4];
};
typedef union grant_entry_v2 grant_entry_v2_t;

typedef uint16_t grant_status_t;

/* ---- Operations ---- */
#define GNTTABOP_map_grant_ref        0
#define GNTTABOP_unmap_grant_ref      1
#define GNTTABOP_setup_table          2
#define GNTTABOP_dump_table           3
#define GNTTABOP_transfer             4
#define GNTTABOP_copy                 5
#define GNTTABOP_query_size           6
#define GNTTABOP_unmap_and_replace    7
#define GNTTABOP_set_version          8
#define GNTTABOP_get_status_frames    9
#define GNTTABOP_get_version          10
#define GNTTABOP_swap_grant_ref       11
#define GNTTABOP_cache_flush          12

/* Map (dom, ref) at host_addr and/or for device access. */
struct gnttab_map_grant_ref {
    uint64_t host_addr;             /* IN: VA, or the PTE's address (contains_pte) */
    uint32_t flags;                 /* IN: GNTMAP_* */
    grant_ref_t ref;                /* IN */
    domid_t dom;                    /* IN: the granting domain */
    int16_t status;                 /* OUT: GNTST_* */
    grant_handle_t handle;          /* OUT */
    uint64_t dev_bus_addr;          /* OUT */
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_map_grant_ref_t);

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;             /* IN */
    uint64_t dev_bus_addr;          /* IN */
    grant_handle_t handle;          /* IN */
    int16_t status;                 /* OUT */
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_unmap_grant_ref_t);

/* Size dom's table to nr_frames and get its frames. */
struct gnttab_setup_table {
    domid_t dom;                    /* IN */
    uint32_t nr_frames;             /* IN */
    int16_t status;                 /* OUT */
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list;     /* OUT */
};
typedef struct gnttab_setup_table gnttab_setup_table_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_setup_table_t);

struct gnttab_dump_table {
    domid_t dom;                    /* IN */
    int16_t status;                 /* OUT */
};
typedef struct gnttab_dump_table gnttab_dump_table_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_dump_table_t);

/* Give our page mfn to domid, into its accept_transfer entry ref. */
struct gnttab_transfer {
    xen_pfn_t mfn;                  /* IN */
    domid_t domid;                  /* IN */
    grant_ref_t ref;                /* IN */
    int16_t status;                 /* OUT */
};
typedef struct gnttab_transfer gnttab_transfer_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_transfer_t);

/* Copy len bytes; each side a grant (..._gref) or a frame of the caller's. */
#define _GNTCOPY_source_gref (0)
#define GNTCOPY_source_gref  (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref   (1)
#define GNTCOPY_dest_gref    (1 << _GNTCOPY_dest_gref)

struct gnttab_copy {
    struct gnttab_copy_ptr {
        union {
            grant_ref_t ref;
            xen_pfn_t gmfn;
        } u;
        domid_t domid;
        uint16_t offset;
    } source, dest;                 /* IN */
    uint16_t len;                   /* IN */
    uint16_t flags;                 /* IN: GNTCOPY_* */
    int16_t status;                 /* OUT */
};
typedef struct gnttab_copy gnttab_copy_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_copy_t);

struct gnttab_query_size {
    domid_t dom;                    /* IN */
    uint32_t nr_frames;             /* OUT */
    uint32_t max_nr_frames;         /* OUT */
    int16_t status;                 /* OUT */
};
typedef struct gnttab_query_size gnttab_query_size_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_query_size_t);

/* Unmap handle at host_addr, putting new_addr's mapping there instead. */
struct gnttab_unmap_and_replace {
    uint64_t host_addr;             /* IN */
    uint64_t new_addr;              /* IN */
    grant_handle_t handle;          /* IN */
    int16_t status;                 /* OUT */
};
typedef struct gnttab_unmap_and_replace gnttab_unmap_and_replace_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_unmap_and_replace_t);

struct gnttab_set_version {
    uint32_t version;               /* IN: 1 or 2; OUT: the version in use */
};
typedef struct gnttab_set_version gnttab_set_version_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_set_version_t);

struct gnttab_get_status_frames {
    uint32_t nr_frames;             /* IN */
    domid_t dom;                    /* IN */
    int16_t status;                 /* OUT */
    XEN_GUEST_HANDLE(uint64) frame_list;        /* OUT */
};
typedef struct gnttab_get_status_frames gnttab_get_status_frames_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_get_status_frames_t);

struct gnttab_get_version {
    domid_t dom;                    /* IN */
    uint16_t pad;
    uint32_t version;               /* OUT */
};
typedef struct gnttab_get_version gnttab_get_version_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_get_version_t);

struct gnttab_swap_grant_ref {
    grant_ref_t ref_a;              /* IN */
    grant_ref_t ref_b;              /* IN */
    int16_t status;                 /* OUT */
};
typedef struct gnttab_swap_grant_ref gnttab_swap_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_swap_grant_ref_t);

/* map_grant_ref flags. */
#define _GNTMAP_device_map      (0)
#define GNTMAP_device_map       (1 << _GNTMAP_device_map)
#define _GNTMAP_host_map        (1)
#define GNTMAP_host_map         (1 << _GNTMAP_host_map)
#define _GNTMAP_readonly        (2)
#define GNTMAP_readonly         (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map (3)
#define GNTMAP_application_map  (1 << _GNTMAP_application_map)
#define _GNTMAP_contains_pte    (4)
#define GNTMAP_contains_pte     (1 << _GNTMAP_contains_pte)
#define _GNTMAP_guest_avail0    (16)
#define GNTMAP_guest_avail_mask ((uint32_t)~0 << _GNTMAP_guest_avail0)

/* Status codes. */
#define GNTST_okay              (0)
#define GNTST_general_error     (-1)
#define GNTST_bad_domain        (-2)
#define GNTST_bad_gntref        (-3)
#define GNTST_bad_handle        (-4)
#define GNTST_bad_virt_addr     (-5)
#define GNTST_bad_dev_addr      (-6)
#define GNTST_no_device_space   (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page          (-9)
#define GNTST_bad_copy_arg      (-10)
#define GNTST_address_too_big   (-11)
#define GNTST_eagain            (-12)
#define GNTST_no_space          (-13)

#endif /* __XEN_PUBLIC_GRANT_TABLE_H__ */
