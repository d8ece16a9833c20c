/*
 * xen/grant_table.h: a domain's grant table (common/grant_table.c).
 */
#ifndef XEN_GRANT_TABLE_H
#define XEN_GRANT_TABLE_H

#include <xen/types.h>
#include <public/xen.h>

struct domain;

/*
 * d's table: set up by domain_create; d's own mappings of others' grants
 * released by domain_kill once its page tables are gone; the table
 * itself freed with the domain (grants of d's that others still map keep
 * using its active entries until then).
 */
int grant_table_init(struct domain *d);
void grant_table_release_mappings(struct domain *d);
void grant_table_destroy(struct domain *d);

/* The hypercall (20). */
long do_grant_table_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) uop,
                       unsigned int count);

#endif /* XEN_GRANT_TABLE_H */
