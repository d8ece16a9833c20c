/*
 * xen/domain_page.h: the pages a domain owns, and the general and type
 * reference counts every use of a guest page takes (common/domain_page.c
 * explains the model).
 *
 * Ownership: assign_pages() makes freshly allocated heap pages d's
 * (PGC_allocated, one reference, on d->page_list, counted in tot_pages,
 * never beyond max_pages). The page is freed when its last reference
 * goes, or all at once when the domain dies (domain_relinquish_memory()).
 *
 * Uses: get_page()/put_page() for any use of a page, get_page_type()/
 * put_page_type() on top for a use that needs the page to be of one type
 * (a writable mapping, a page table, a descriptor table). A type changes
 * only while its type count is zero, so no writable mapping of a page
 * table can ever exist.
 */
#ifndef XEN_DOMAIN_PAGE_H
#define XEN_DOMAIN_PAGE_H

#include <asm/mm.h>
#include <xen/mm.h>
#include <xen/types.h>

struct domain;
struct page_info;

/* Set up d's page list and its lock (domain_create, before any page). */
void domain_memory_init(struct domain *d);

/*
 * Make the 2^order pages at pg (allocated, no reference yet, no owner or
 * owner d) d's pages. Xen's rules: -EINVAL if d is dying, -EPERM if d
 * already holds more than max_pages, -E2BIG if the pages would take
 * tot_pages beyond max_pages. Nothing is changed on failure.
 */
int assign_pages(struct domain *d, struct page_info *pg, unsigned int order);

/* alloc_domheap_pages() + assign_pages(); NULL (nothing held) on failure. */
struct page_info *alloc_domain_pages(struct domain *d, unsigned int order,
                                     unsigned int memflags);

/*
 * Let d map the Xen heap page pg read-write (shared_info): d becomes its
 * owner and it gets PGC_allocated and a writable type reference that pins
 * its type, so it can never become a page table. It is not on d's page
 * list nor counted in tot_pages; whoever shared it gives it back with
 * unshare_xen_page_with_guest().
 */
void share_xen_page_with_guest(struct page_info *pg, struct domain *d);
/*
 * Undo share_xen_page_with_guest(): drop its type and allocation
 * references; the page is freed when its last other user lets go.
 */
void unshare_xen_page_with_guest(struct page_info *pg);

/* Clear PGC_allocated; true if this call cleared it (and so owns its ref). */
bool page_test_and_clear_allocated(struct page_info *pg);

/*
 * Free every page on d's page list (domain_kill, d dying and paused).
 * Precondition: the hypervisor holds no reference of its own on any of
 * them any more (every get_guest_page_rw() has been put, the vCPUs' base
 * pointers and GDT frames dropped). Pins are dropped and page tables
 * devalidated (their entries' references go), then every page loses its
 * owner and allocation: freed now, or when another domain's last mapping
 * of it goes. Returns 0 (an int so that it can become preemptible).
 */
int domain_relinquish_memory(struct domain *d);

/* d->shared_info: a zeroed Xen heap page shared with d (arch_domain_create),
 * and its release (arch_domain_destroy). -ENOMEM. */
int pv_domain_alloc_shared_info(struct domain *d);
void pv_domain_free_shared_info(struct domain *d);

/*
 * A general reference on pg, if it is allocated to d (owner d, count
 * not zero). false if not (or if the count would overflow).
 */
bool get_page(struct page_info *pg, const struct domain *d);
/* Drop one; the last one frees the page (and takes it off its owner). */
void put_page(struct page_info *pg);

/*
 * A type reference of type (PGT_* type, no flags) on pg, on which the
 * caller holds a general reference. 0 on success; -EINVAL if pg is in use
 * as another type (or, for a page table, if its contents are not a valid
 * table: it is validated here, without preemption, when its type count
 * leaves zero, and devalidated when the last reference goes; the
 * preemptible forms are in asm/pv/mm.h); -EAGAIN if pg is a descriptor
 * page not validated yet (another CPU is validating it); -EOVERFLOW if
 * the count is full. A descriptor type taken at type count 0 comes back
 * without PGT_validated: the caller validates the contents and calls
 * page_type_set_validated(), or gives the reference back.
 */
int get_page_type(struct page_info *pg, unsigned long type);
void put_page_type(struct page_info *pg);
void page_type_set_validated(struct page_info *pg);

/* Types whose contents must be checked before use (page tables, GDT/LDT). */
static inline bool page_type_needs_validation(unsigned long type)
{
    return type != PGT_none && type != PGT_writable_page &&
           type != PGT_shared_page;
}

/* Both references at once (undone on failure); and both dropped. */
bool get_page_and_type(struct page_info *pg, const struct domain *d,
                       unsigned long type);
void put_page_and_type(struct page_info *pg);

#endif /* XEN_DOMAIN_PAGE_H */
