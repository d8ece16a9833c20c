/*
 * test_abi_libxen.c: our public ABI headers lay out every structure of
 * abi_fields.h exactly as Debian's libxen-dev (Xen 4.17) headers do: the
 * same sizes, and the same offset and size for every listed member. Those
 * headers are used by this test only (abi_libxen_side.c), never by the
 * product.
 */
#include <public/xen.h>
#include <public/callback.h>
#include <public/event_channel.h>
#include <public/physdev.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/memory.h>
#include <public/grant_table.h>
#include <public/domctl.h>
#include <stddef.h>
#include <stdio.h>

#include "abi_libxen.h"
#include "harness.h"

#define member_size(t, m) sizeof(((t *)0)->m)
#define S(ours, theirs) { #ours, NULL, sizeof(ours), 0 },
#define F(ours, theirs, m) { #ours, #m, offsetof(ours, m), member_size(ours, m) },

static const struct abi_entry abi_ours[] = {
#include "abi_fields.h"
    { NULL, NULL, 0, 0 }
};

TEST(every_layout_matches_xen_4_17)
{
    unsigned int i, n = 0;

    for ( i = 0; abi_ours[i].type; i++ )
    {
        const struct abi_entry *o = &abi_ours[i], *t = &abi_libxen[i];

        CHECK(t->type != NULL);
        if ( !t->type )
            break;
        if ( o->value != t->value || o->member_size != t->member_size )
            printf("  %s%s%s: ours %zu (size %zu), Xen %zu (size %zu)\n", o->type,
                   o->member ? "." : " size", o->member ? o->member : "",
                   o->value, o->member_size, t->value, t->member_size);
        CHECK_EQ(o->value, t->value);
        CHECK_EQ(o->member_size, t->member_size);
        n++;
    }
    CHECK(abi_libxen[i].type == NULL);
    CHECK(n > 150);
}

TEST(key_sizes_from_the_abi_notes)
{
    CHECK_EQ(sizeof(struct start_info), 1168);
    CHECK_EQ(sizeof(struct shared_info), 3136);
    CHECK_EQ(sizeof(struct vcpu_info), 64);
    CHECK_EQ(sizeof(struct vcpu_time_info), 32);
    CHECK_EQ(sizeof(struct vcpu_guest_context), 5168);
    CHECK_EQ(sizeof(struct multicall_entry), 64);
    CHECK_EQ(sizeof(struct mmuext_op), 24);
    CHECK_EQ(sizeof(struct trap_info), 16);
    CHECK_EQ(sizeof(struct dom0_vga_console_info), 40);
}
