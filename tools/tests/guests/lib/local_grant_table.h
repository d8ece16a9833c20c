/*
 * local_grant_table.h: the grant_table_op ABI the test guests use.
 *
 * TODO: xen/include/public/grant_table.h does not exist yet (the lead is
 * writing it); once it does, include <public/grant_table.h> instead and
 * delete the definitions below.  Layouts are those of Xen 4.17's public
 * grant_table.h for x86-64.
 */
#ifndef GUEST_LOCAL_GRANT_TABLE_H
#define GUEST_LOCAL_GRANT_TABLE_H

#include "guest.h"

typedef uint32_t grant_ref_t;
typedef uint32_t grant_handle_t;

/* A v1 entry: 8 bytes, 512 per frame. */
struct grant_entry_v1 {
    uint16_t flags;                 /* GTF_* */
    domid_t domid;                  /* the grantee */
    uint32_t frame;                 /* the granted frame (an MFN for PV) */
};

/* v2: a 16-byte entry; the status bits live in separate frames. */
struct grant_entry_header {
    uint16_t flags;
    domid_t domid;
};
union grant_entry_v2 {
    struct grant_entry_header hdr;
    struct {
        struct grant_entry_header hdr;
        uint32_t pad0;
        uint64_t frame;
    } full_page;
    struct {
        struct grant_entry_header hdr;
        uint16_t page_off;
        uint16_t length;
        uint64_t frame;
    } sub_page;
    uint32_t raw[4];
};
typedef uint16_t grant_status_t;

#define GTF_invalid         0U
#define GTF_permit_access   1U
#define GTF_accept_transfer 2U
#define GTF_transitive      3U
#define GTF_type_mask       3U
#define GTF_readonly        (1U << 2)
#define GTF_reading         (1U << 3)
#define GTF_writing         (1U << 4)
#define GTF_sub_page        (1U << 8)

#define GNTTABOP_map_grant_ref      0
#define GNTTABOP_unmap_grant_ref    1
#define GNTTABOP_setup_table        2
#define GNTTABOP_copy               5
#define GNTTABOP_unmap_and_replace  7
#define GNTTABOP_query_size         6
#define GNTTABOP_set_version        8
#define GNTTABOP_get_status_frames  9
#define GNTTABOP_get_version       10

#define GNTMAP_device_map      (1U << 0)
#define GNTMAP_host_map        (1U << 1)
#define GNTMAP_readonly        (1U << 2)
#define GNTMAP_application_map (1U << 3)
#define GNTMAP_contains_pte    (1U << 4)

struct gnttab_map_grant_ref {
    uint64_t host_addr;             /* IN */
    uint32_t flags;                 /* IN: GNTMAP_* */
    grant_ref_t ref;                /* IN */
    domid_t dom;                    /* IN: the granting domain */
    int16_t status;                 /* OUT: GNTST_* */
    grant_handle_t handle;          /* OUT */
    uint64_t dev_bus_addr;          /* OUT */
};

struct gnttab_unmap_grant_ref {
    uint64_t host_addr;             /* IN */
    uint64_t dev_bus_addr;          /* IN */
    grant_handle_t handle;          /* IN */
    int16_t status;                 /* OUT */
};

struct gnttab_unmap_and_replace {
    uint64_t host_addr;             /* IN */
    uint64_t new_addr;              /* IN */
    grant_handle_t handle;          /* IN */
    int16_t status;                 /* OUT */
};

struct gnttab_setup_table {
    domid_t dom;                    /* IN */
    uint32_t nr_frames;             /* IN */
    int16_t status;                 /* OUT */
    xen_pfn_t *frame_list;          /* OUT */
};

#define GNTCOPY_source_gref (1U << 0)
#define GNTCOPY_dest_gref   (1U << 1)

struct gnttab_copy_ptr {
    union {
        grant_ref_t ref;
        xen_pfn_t gmfn;
    } u;
    domid_t domid;
    uint16_t offset;
};

struct gnttab_copy {
    struct gnttab_copy_ptr source, dest;    /* IN */
    uint16_t len;                   /* IN */
    uint16_t flags;                 /* IN: GNTCOPY_* */
    int16_t status;                 /* OUT */
};

struct gnttab_query_size {
    domid_t dom;                    /* IN */
    uint32_t nr_frames;             /* OUT */
    uint32_t max_nr_frames;         /* OUT */
    int16_t status;                 /* OUT */
};

struct gnttab_set_version {
    uint32_t version;               /* IN: 1 or 2, 0 to query; OUT: current */
};

struct gnttab_get_status_frames {
    uint32_t nr_frames;             /* IN */
    domid_t dom;                    /* IN */
    int16_t status;                 /* OUT */
    uint64_t *frame_list;           /* OUT */
};

struct gnttab_get_version {
    domid_t dom;                    /* IN */
    uint16_t pad;
    uint32_t version;               /* OUT */
};

#define GNTST_okay               0
#define GNTST_general_error     -1
#define GNTST_bad_domain        -2
#define GNTST_bad_gntref        -3
#define GNTST_bad_handle        -4
#define GNTST_bad_virt_addr     -5
#define GNTST_bad_dev_addr      -6
#define GNTST_no_device_space   -7
#define GNTST_permission_denied -8
#define GNTST_bad_page          -9
#define GNTST_bad_copy_arg     -10
#define GNTST_address_too_big  -11
#define GNTST_eagain           -12
#define GNTST_no_space         -13

static inline long hypervisor_grant_table_op(unsigned int cmd, void *ops, unsigned int count)
{
    return hypercall3(__HYPERVISOR_grant_table_op, cmd, ops, count);
}

#endif /* GUEST_LOCAL_GRANT_TABLE_H */
