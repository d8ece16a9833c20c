/*
 * xen/grant_table.h: a domain's grant table (common/grant_table.c).
 */
#ifndef XEN_GRANT_TABLE_H
#define XEN_GRANT_TABLE_H

#include <xen/types.h>
#include <public/xen.h>

struct domain;

/* Set up / release d's table (domain_create / domain_kill). */
int grant_table_init(struct domain *d);
void grant_table_destroy(struct domain *d);

/* The hypercall (20). */
long do_grant_table_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) uop,
                       unsigned int count);

#endif /* XEN_GRANT_TABLE_H */
