/*
 * abi_libxen_side.c: the layouts of abi_fields.h as Debian's libxen-dev
 * headers (<xen/...>, Xen 4.17) define them. Compiled on its own, against
 * /usr/include only, and never with the hypervisor's headers: the names
 * clash. test_abi_libxen.c compares the table with our headers' values.
 */
#define __XEN_TOOLS__ 1
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/callback.h>
#include <xen/event_channel.h>
#include <xen/physdev.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>
#include <xen/memory.h>
#include <xen/grant_table.h>
#include <xen/domctl.h>

#include "abi_libxen.h"

#define member_size(t, m) sizeof(((t *)0)->m)
#define S(ours, theirs) { #ours, NULL, sizeof(theirs), 0 },
#define F(ours, theirs, m) { #ours, #m, offsetof(theirs, m), member_size(theirs, m) },

const struct abi_entry abi_libxen[] = {
#include "abi_fields.h"
    { NULL, NULL, 0, 0 }
};
