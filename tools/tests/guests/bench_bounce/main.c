/*
 * bench_bounce: exceptions and events bounced into the guest (a benchmark,
 * not a test).
 *
 * - exception_bounce: int3 -> the guest's #BP entry -> HYPERVISOR_iret back
 *   to the next instruction, ns per round trip;
 * - event_upcall: EVTCHNOP_send on an IPI port bound to ourselves with
 *   events unmasked -> the event callback on the way out of the hypercall
 *   -> HYPERVISOR_iret, ns per send.  Every send must upcall at once.
 * Both use a bare entry (BENCH_BARE_ENTRY in lib/bench.h) instead of the
 * runtime's decoding dispatcher, so that the guest's share stays a few
 * instructions; the runtime's trap table and callback are put back after.
 * See lib/bench.h for the method.
 */
#include "bench.h"

const char test_title[] = "bench_bounce: exception bounce, event upcall";

static volatile unsigned long bp_hits, upcalls, stray_events;
static evtchn_port_t ipi_port;

BENCH_BARE_ENTRY(bare_bp_entry, bare_bp_hit);
BENCH_BARE_ENTRY(bare_event_entry, bare_event_ack);

void bare_bp_hit(void)
{
    bp_hits++;
}

/* Acknowledge everything pending, as the runtime's do_events() does. */
void bare_event_ack(void)
{
    struct vcpu_info *vi = vcpu0();
    uint64_t sel, bits;
    unsigned int w;

    vi->evtchn_upcall_pending = 0;
    sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    for ( ; sel; sel &= sel - 1 )
    {
        w = __builtin_ctzl(sel);
        bits = shared->evtchn_pending[w] & ~shared->evtchn_mask[w];
        __atomic_fetch_and(&shared->evtchn_pending[w], ~bits, __ATOMIC_SEQ_CST);
        if ( w == ipi_port / 64 && (bits & (1UL << (ipi_port % 64))) )
        {
            upcalls++;
            bits &= ~(1UL << (ipi_port % 64));
        }
        if ( bits )
            stray_events++;
    }
}

static void op_int3(unsigned long n)
{
    unsigned long before = bp_hits;

    while ( n-- )
        asm volatile ( "int3" ::: "memory" );
    barrier();
    if ( bp_hits - before == 0 )
        panic("int3 never reached the bare #BP entry");
}

static void op_send(unsigned long n)
{
    struct evtchn_send s = { .port = ipi_port };
    unsigned long before;
    long rc;

    while ( n-- )
    {
        before = upcalls;
        if ( (rc = hypervisor_event_channel_op(EVTCHNOP_send, &s)) != 0 )
            panic("EVTCHNOP_send: %ld", rc);
        if ( upcalls != before + 1 )
            panic("send: %lu upcalls on the way out, expected 1", upcalls - before);
        s.port = ipi_port;
    }
}

/* The runtime's table with vector 3 going to the bare entry. */
static void install_bare_bp(void)
{
    static struct trap_info t[34];
    unsigned int v;

    for ( v = 0; v < 32; v++ )
    {
        t[v].vector = v;
        t[v].flags = (v == X86_EXC_BP || v == 4) ? 3 : 0;
        t[v].cs = FLAT_KERNEL_CS;
        t[v].address = v == X86_EXC_BP ? (uint64_t)bare_bp_entry : trap_entry_table[v];
    }
    t[32].vector = 0x80;
    t[32].flags = 3;
    t[32].cs = FLAT_KERNEL_CS;
    t[32].address = (uint64_t)trap_entry_128;
    if ( hypervisor_set_trap_table(t) )
        panic("set_trap_table with the bare #BP entry failed");
}

static void set_event_callback(void *entry)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_event,
        .flags = CALLBACKF_mask_events,
        .address = (uint64_t)entry,
    };
    long rc = hypervisor_callback_op(CALLBACKOP_register, &cb);

    if ( rc )
        panic("callback_op register event: %ld", rc);
}

static void bench_int3(void)
{
    install_bare_bp();
    bench_run("exception_bounce", op_int3, 1, "ns/op");
    install_trap_table();
    printk("# %lu int3 bounces\n", bp_hits);
}

static void bench_event(void)
{
    struct evtchn_bind_ipi bind = { .vcpu = 0 };
    struct evtchn_close cl;
    long rc;

    if ( (rc = hypervisor_event_channel_op(EVTCHNOP_bind_ipi, &bind)) != 0 )
        panic("EVTCHNOP_bind_ipi: %ld", rc);
    ipi_port = bind.port;
    set_event_callback(bare_event_entry);
    events_unmask();
    bench_run("event_upcall", op_send, 1, "ns/op");
    events_mask();
    set_event_callback(event_entry);
    printk("# %lu upcalls on port %u, %lu stray events\n", upcalls, ipi_port, stray_events);
    cl.port = ipi_port;
    if ( (rc = hypervisor_event_channel_op(EVTCHNOP_close, &cl)) != 0 )
        panic("EVTCHNOP_close: %ld", rc);
}

int main(void)
{
    bench_init();
    bench_int3();
    bench_event();
    test_done();
}
