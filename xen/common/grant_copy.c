/*
 * grant_copy.c: GNTTABOP_copy, the hypervisor copying bytes between two
 * frames, each a grant of another domain's (or the caller's own grant)
 * or a frame of the caller's.
 *
 * Theory of operation. Each side is taken as a use (grant_table.c): the
 * grant is checked and marked in use, and the frame referenced (typed
 * writable for the destination, so a copy can never write a page table
 * or descriptor page), before a single byte moves; both uses are dropped
 * after. Lengths and offsets are checked against the page, and against
 * the window of a v2 sub-page grant. Every op returns its own status; the
 * hypercall fails only when the op array cannot be read or written, and
 * continues itself between ops when preemption is due.
 *
 * Locking: none here; grant_table.c takes the granters' locks one at a
 * time inside gnttab_acquire() and gnttab_release().
 */
#include <asm/mm.h>
#include <asm/page.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/string.h>
#include "grant_internal.h"

struct copy_side {
    bool gref;                      /* a grant (else a frame of ours) */
    bool held;
    struct grant_use use;           /* a frame of ours: use.rd is us */
};

static int copy_side_get(const struct gnttab_copy_ptr *p, bool is_gref,
                         bool write, struct copy_side *s)
{
    struct domain *cd = current->domain, *rd;
    int rc;

    s->gref = is_gref;
    if ( is_gref )
    {
        rd = gnttab_granter(p->domid, true);
        if ( !rd )
            return GNTST_bad_domain;
        rc = gnttab_acquire(rd, p->u.ref, write, false, &s->use);
        s->held = rc == GNTST_okay;
        return rc;
    }
    /* A frame of the caller's own (PV: a machine frame number). */
    if ( p->domid != DOMID_SELF && p->domid != cd->domain_id )
        return GNTST_permission_denied;
    if ( gnttab_frame_get(cd, p->u.gmfn, write) )
        return GNTST_bad_page;
    s->use = (struct grant_use){ .rd = cd, .write = write, .frame = p->u.gmfn,
                                 .win_off = 0, .win_len = PAGE_SIZE };
    s->held = true;
    return GNTST_okay;
}

static void copy_side_put(struct copy_side *s)
{
    if ( !s->held )
        return;
    if ( s->gref )
        gnttab_release(&s->use);
    else
        gnttab_frame_put(s->use.frame, s->use.write);
    s->held = false;
}

/* Does [off, off + len) lie within the part of the frame s may use? */
static bool in_window(const struct copy_side *s, unsigned int off,
                      unsigned int len)
{
    return off >= s->use.win_off &&
           off + len <= s->use.win_off + s->use.win_len;
}

static int16_t do_one_copy(const struct gnttab_copy *op)
{
    struct copy_side src = { 0 }, dst = { 0 };
    int rc;

    if ( op->source.offset + op->len > PAGE_SIZE ||
         op->dest.offset + op->len > PAGE_SIZE )
        return GNTST_bad_copy_arg;
    rc = copy_side_get(&op->source, op->flags & GNTCOPY_source_gref, false,
                       &src);
    if ( !rc )
        rc = copy_side_get(&op->dest, op->flags & GNTCOPY_dest_gref, true,
                           &dst);
    /* A sub-page grant allows only its window. */
    if ( !rc && (!in_window(&src, op->source.offset, op->len) ||
                 !in_window(&dst, op->dest.offset, op->len)) )
        rc = GNTST_general_error;
    if ( !rc )
        memmove((char *)mfn_to_virt(_mfn(dst.use.frame)) + op->dest.offset,
                (const char *)mfn_to_virt(_mfn(src.use.frame)) + op->source.offset,
                op->len);
    copy_side_put(&dst);
    copy_side_put(&src);
    return rc;
}

long gnttab_copy(XEN_GUEST_HANDLE_PARAM(void) arg, unsigned int count)
{
    XEN_GUEST_HANDLE_PARAM(gnttab_copy_t) ops = guest_handle_cast(arg, gnttab_copy_t);
    struct gnttab_copy op;
    unsigned int i;

    for ( i = 0; i < count; i++ )
    {
        if ( i && hypercall_preempt_check() )
            return hypercall_create_continuation(__HYPERVISOR_grant_table_op, "ihi",
                                                 GNTTABOP_copy, ops.p + i, count - i);
        if ( copy_from_guest_offset(&op, ops, i, 1) )
            return -EFAULT;
        op.status = do_one_copy(&op);
        if ( copy_field_to_guest(((XEN_GUEST_HANDLE_PARAM(gnttab_copy_t)){ ops.p + i }),
                                 &op, status) )
            return -EFAULT;
    }
    return 0;
}
