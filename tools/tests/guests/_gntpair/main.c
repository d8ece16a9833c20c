/*
 * _gntpair: not a test by itself. Booted twice, as dom0 and as domU 1
 * (domu_modules=1), it checks grants between two real domains and the
 * release of everything at a domain's death
 * (tools/tests/qemu/test_containment.py). The guest tests grant_v1,
 * grant_v2 and grant_map check the same semantics within one domain on
 * both hypervisors.
 *
 * Each step ends with an event to the other side (the channel dom0
 * offers d1, as in _pair):
 *   dom0: grants P writable (ref 10), Q read-only (ref 11), and ref 12 to
 *         another domain.
 *   d1:   maps P and writes through the mapping; copies into P; maps Q
 *         read-only (writable: refused); maps ref 12, ref 600 and a
 *         missing domain's grant (refused); maps and unmaps P once more.
 *   dom0: sees d1's bytes and both grants in use; gives P back to the
 *         hypervisor (decrease_reservation) while d1 maps it.
 *   d1:   still reads P's contents through its mapping; unmaps it; a
 *         second unmap of the handle: bad_handle.
 *   dom0: P's grant is idle: revokes it.
 *   d1:   a map of the revoked grant is refused; blocks for good, still
 *         mapping Q.
 *   dom0: destroys d1 (domctl): Q's grant becomes idle, so d1's mapping
 *         went with it; destroying it again: -ESRCH; itself: -EINVAL; a
 *         wrong interface version: -EACCES.
 */
#include "pt.h"
#include "local_grant_table.h"
#include "local_memory.h"
#include <public/domctl.h>

#define REF_P     10
#define REF_Q     11
#define REF_OTHER 12

static volatile struct grant_entry_v1 *gt;
static evtchn_port_t port;

static long gop(unsigned int cmd, void *op)
{
    return hypervisor_grant_table_op(cmd, op, 1);
}

static bool pending(evtchn_port_t p)
{
    return shared->evtchn_pending[p / 64] & (1UL << (p % 64));
}

static void wait_event(const char *what)
{
    unsigned int i;

    for ( i = 0; i < 300 && !pending(port); i++ )
    {
        struct sched_poll sp = { .nr_ports = 1,
                                 .timeout = system_time_ns() + 100000000UL };

        set_xen_guest_handle(sp.ports, &port);
        hypervisor_sched_op(SCHEDOP_poll, &sp);
    }
    if ( !pending(port) )
        panic("no event: %s", what);
    __atomic_fetch_and(&shared->evtchn_pending[port / 64], ~(1UL << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

static void signal(void)
{
    struct evtchn_send s = { .port = port };

    if ( hypervisor_event_channel_op(EVTCHNOP_send, &s) )
        panic("send failed");
}

static void *hole(void)
{
    void *h = alloc_page();

    ASSERT(hypervisor_update_va_mapping((unsigned long)h, 0, UVMF_INVLPG) == 0);
    return h;
}

/* ---- dom0: the granter ---- */

static void grant(unsigned int ref, domid_t to, const void *page, uint16_t flags)
{
    gt[ref].domid = to;
    gt[ref].frame = virt_to_mfn(page);
    barrier();
    gt[ref].flags = flags;
}

static long hypervisor_domctl(struct xen_domctl *op)
{
    return hypercall1(__HYPERVISOR_domctl, op);
}

static long destroy(domid_t dom, uint32_t version)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_destroydomain,
                             .interface_version = version, .domain = dom };

    return hypervisor_domctl(&op);
}

static void dom0(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 1 };
    static xen_pfn_t frames[1];
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1,
                                     .frame_list = frames, .status = 99 };
    uint64_t *p = alloc_page(), *q = alloc_page();
    xen_pfn_t p_mfn = virt_to_mfn(p);
    struct xen_memory_reservation r = { .extent_start = &p_mfn, .nr_extents = 1,
                                        .domid = DOMID_SELF };

    CHECK_EQ(gop(GNTTABOP_setup_table, &st), 0);
    CHECK_EQ(st.status, GNTST_okay);
    gt = map_mfn(frames[0], _PAGE_PRESENT | _PAGE_RW);
    p[0] = 0xd0d0;
    q[0] = 0x1111;
    grant(REF_P, 1, p, GTF_permit_access);
    grant(REF_Q, 1, q, GTF_permit_access | GTF_readonly);
    grant(REF_OTHER, 5, p, GTF_permit_access);
    if ( hypervisor_event_channel_op(EVTCHNOP_alloc_unbound, &au) )
        panic("alloc_unbound failed");
    port = au.port;
    printk("gntpair: dom0 grants refs %u and %u to d1 on port %u\n", REF_P, REF_Q, port);

    wait_event("d1 mapped");
    CHECK_EQ(p[1], 0xd1d1);
    CHECK_EQ(p[2], 0xc0c0);
    CHECK_EQ(gt[REF_P].flags, GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(gt[REF_Q].flags, GTF_permit_access | GTF_readonly | GTF_reading);
    ASSERT(hypervisor_update_va_mapping((unsigned long)p, 0, UVMF_INVLPG) == 0);
    CHECK_EQ(hypervisor_memory_op(XENMEM_decrease_reservation, &r), 1);
    printk("gntpair: dom0 gave back the frame d1 maps\n");
    signal();

    wait_event("d1 unmapped");
    CHECK_EQ(gt[REF_P].flags, GTF_permit_access);
    gt[REF_P].flags = 0;
    signal();

    wait_event("d1 tried the revoked grant");
    CHECK_EQ(gt[REF_Q].flags, GTF_permit_access | GTF_readonly | GTF_reading);
    CHECK_EQ(destroy(1, XEN_DOMCTL_INTERFACE_VERSION - 1), -EACCES);
    CHECK_EQ(destroy(0, XEN_DOMCTL_INTERFACE_VERSION), -EINVAL);
    CHECK_EQ(destroy(1, XEN_DOMCTL_INTERFACE_VERSION), 0);
    CHECK_EQ(gt[REF_Q].flags, GTF_permit_access | GTF_readonly);
    CHECK_EQ(destroy(1, XEN_DOMCTL_INTERFACE_VERSION), -ESRCH);
    printk("gntpair: dom0 destroyed d1\n");
    printk("gntpair: dom0 checks done\n");
    /* Not shutting down: d1 is freed from a tasklet, after this. */
    for ( ; ; )
        hypervisor_sched_op(SCHEDOP_block, NULL);
}

/* ---- d1: the grantee ---- */

static int16_t map(void *host, domid_t dom, unsigned int ref, uint32_t flags,
                   grant_handle_t *handle)
{
    struct gnttab_map_grant_ref m = {
        .host_addr = (uint64_t)host, .flags = flags, .ref = ref, .dom = dom,
        .status = 99, .handle = ~0U,
    };

    CHECK_EQ(gop(GNTTABOP_map_grant_ref, &m), 0);
    if ( handle )
        *handle = m.handle;
    return m.status;
}

static int16_t unmap(void *host, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref u = {
        .host_addr = (uint64_t)host, .handle = handle, .status = 99,
    };

    CHECK_EQ(gop(GNTTABOP_unmap_grant_ref, &u), 0);
    return u.status;
}

static int16_t copy_into(unsigned int ref, const void *from, uint16_t off)
{
    struct gnttab_copy c;

    memset(&c, 0, sizeof(c));
    c.flags = GNTCOPY_dest_gref;
    c.source.u.gmfn = virt_to_mfn(from);
    c.source.domid = DOMID_SELF;
    c.dest.u.ref = ref;
    c.dest.domid = 0;
    c.dest.offset = off;
    c.len = 8;
    CHECK_EQ(gop(GNTTABOP_copy, &c), 0);
    return c.status;
}

static void bind(void)
{
    struct evtchn_bind_interdomain bi = { .remote_dom = 0, .remote_port = 1 };
    unsigned int i;
    long rc = -EINVAL;

    for ( i = 0; i < 300 && rc; i++ )
    {
        rc = hypervisor_event_channel_op(EVTCHNOP_bind_interdomain, &bi);
        if ( rc )
        {
            uint64_t until = system_time_ns() + 10000000UL;

            while ( system_time_ns() < until )
                hypervisor_sched_op(SCHEDOP_yield, NULL);
        }
    }
    if ( rc )
        panic("bind_interdomain to d0 port 1 failed: %ld", rc);
    port = bi.local_port;
    __atomic_fetch_and(&shared->evtchn_pending[port / 64], ~(1UL << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

static void domu(void)
{
    uint64_t *h1 = hole(), *h2 = hole(), *h3 = hole(), *local = alloc_page(), v = 0;
    grant_handle_t a, b, c;

    bind();
    CHECK_EQ(map(h1, 0, REF_P, GNTMAP_host_map, &a), GNTST_okay);
    CHECK_EQ(probe_read(h1, &v), -1);
    CHECK_EQ(v, 0xd0d0);
    CHECK_EQ(probe_write(&h1[1], 0xd1d1), -1);
    local[0] = 0xc0c0;
    CHECK_EQ(copy_into(REF_P, local, 16), GNTST_okay);
    CHECK_EQ(copy_into(REF_Q, local, 16), GNTST_general_error);
    CHECK_EQ(map(h2, 0, REF_Q, GNTMAP_host_map, NULL), GNTST_general_error);
    CHECK_EQ(map(h2, 0, REF_Q, GNTMAP_host_map | GNTMAP_readonly, &b), GNTST_okay);
    CHECK_EQ(probe_read(h2, &v), -1);
    CHECK_EQ(v, 0x1111);
    CHECK_EQ(probe_write(h2, 1), X86_EXC_PF);
    CHECK_EQ(map(h3, 0, REF_OTHER, GNTMAP_host_map, NULL), GNTST_general_error);
    CHECK_EQ(map(h3, 0, 600, GNTMAP_host_map, NULL), GNTST_bad_gntref);
    CHECK_EQ(map(h3, 7, REF_P, GNTMAP_host_map, NULL), GNTST_bad_domain);
    CHECK_EQ(map(h3, 0, REF_P, GNTMAP_host_map, &c), GNTST_okay);
    CHECK(c != a);
    CHECK_EQ(unmap(h3, c), GNTST_okay);
    printk("gntpair: d1 maps d0's grants\n");
    signal();

    wait_event("dom0 gave P back");
    CHECK_EQ(probe_read(h1, &v), -1);
    CHECK_EQ(v, 0xd0d0);
    CHECK_EQ(probe_read(&h1[1], &v), -1);
    CHECK_EQ(v, 0xd1d1);
    CHECK_EQ(unmap(h1, a), GNTST_okay);
    CHECK_EQ(unmap(h1, a), GNTST_bad_handle);
    CHECK_EQ(probe_read(h1, &v), X86_EXC_PF);
    signal();

    wait_event("dom0 revoked P");
    CHECK_EQ(map(h1, 0, REF_P, GNTMAP_host_map, NULL), GNTST_general_error);
    printk("gntpair: d1 holds ref %u and waits (handle %u)\n", REF_Q, b);
    signal();
    for ( ; ; )
        hypervisor_sched_op(SCHEDOP_block, NULL);
}

int main(void)
{
    if ( start_info->flags & SIF_INITDOMAIN )
        dom0();
    domu();
    return 0;
}
