/*
 * grant_internal.h: what the grant-table files share (grant_table.c: the
 * table and its active entries; grant_copy.c: GNTTABOP_copy;
 * grant_map.c: the maptrack and map/unmap). Not for anyone else.
 */
#ifndef XEN_COMMON_GRANT_INTERNAL_H
#define XEN_COMMON_GRANT_INTERNAL_H

#include <xen/spinlock.h>
#include <xen/types.h>
#include <public/grant_table.h>

struct domain;

/* A granting domain's record of one of its grants in use. */
struct active_grant {
    unsigned int readers;           /* uses in progress (writers included) */
    unsigned int writers;           /* the writable ones among them */
    unsigned long frame;            /* the frame they use (readers != 0) */
};

struct maptrack_entry;

struct grant_table {
    /* As a granter: guards the size, the version and the active entries. */
    spinlock_t lock;
    unsigned int version;           /* 1 or 2 */
    unsigned int nr_frames, max_frames;
    void **shared;                  /* [max_frames] shared pages */
    unsigned int nr_status_frames;
    void **status;                  /* [max_frames] v2 status pages */
    struct active_grant **active;   /* [max_frames] one array per frame */

    /* As a grantee: the handles of its mappings of grants (grant_map.c). */
    spinlock_t maptrack_lock;
    struct maptrack_entry **maptrack;   /* [maptrack_max] pages of entries */
    unsigned int maptrack_pages, maptrack_max;
    uint32_t maptrack_free;         /* first free handle, or MAPTRACK_NONE */
    unsigned int maptrack_live;     /* handles not free */
};

/*
 * One use of a grant by the current domain: while it is held, the
 * granter rd is referenced, its entry ref is marked in use (GTF_reading,
 * and GTF_writing for a writable use), and frame carries a general
 * reference (plus a writable type reference for a writable use).
 */
struct grant_use {
    struct domain *rd;
    grant_ref_t ref;
    bool write;
    unsigned long frame;
    unsigned int win_off, win_len;  /* the part of the frame granted */
};

/*
 * The granter a copy or a map names. DOMID_SELF is the caller for a
 * copy and a bad domain for a map, as on Xen 4.17. NULL, or referenced.
 */
struct domain *gnttab_granter(domid_t dom, bool self_ok);

/*
 * Start using rd's (referenced; the use takes that reference over) grant
 * ref: GNTST_okay and *u filled, or a GNTST_* error and rd put. A use
 * for_map refuses a sub-page grant.
 */
int gnttab_acquire(struct domain *rd, grant_ref_t ref, bool write,
                   bool for_map, struct grant_use *u);
/* Stop a use: the frame's references and the granter's put. */
void gnttab_release(struct grant_use *u);

/*
 * The references a use of d's frame holds: a general one, and a writable
 * type reference to write. 0, -EINVAL (not RAM of d's), -EBUSY (a page
 * table or descriptor page cannot be written).
 */
int gnttab_frame_get(struct domain *d, unsigned long frame, bool write);
void gnttab_frame_put(unsigned long frame, bool write);

/* The ops of grant_copy.c and grant_map.c. */
long gnttab_copy(XEN_GUEST_HANDLE_PARAM(void) arg, unsigned int count);
long gnttab_map(XEN_GUEST_HANDLE_PARAM(void) arg, unsigned int count);
long gnttab_unmap(XEN_GUEST_HANDLE_PARAM(void) arg, unsigned int count);
long gnttab_unmap_and_replace(XEN_GUEST_HANDLE_PARAM(void) arg,
                              unsigned int count);

/* The maptrack of a new table; freeing it (no handle may be live). */
int maptrack_init(struct grant_table *gt);
void maptrack_free_all(struct grant_table *gt);
/* Release every mapping d holds (d is dying; its page tables are gone). */
void maptrack_release_all(struct domain *d);

#endif /* XEN_COMMON_GRANT_INTERNAL_H */
