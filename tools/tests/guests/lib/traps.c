/*
 * traps.c: exceptions, callbacks and events for the test guests.
 *
 * Every entry stub in head.S lands in trap_dispatch() with the GPRs saved
 * and a "kind" word (vector, | KIND_ERRCODE, or a KIND_ callback) just above
 * them, Xen's frame above that.  trap_dispatch():
 *   1. decodes Xen's frame into a struct trap_frame (raw words kept too) and
 *      copies it to last_trap, so that tests can compare every field;
 *   2. gives it to the handler installed for that kind, else for a fault
 *      looks its rip up in the exception table (ASM_EXTABLE), else reports
 *      ERROR for an unexpected trap;
 *   3. writes an iret frame {rax, r11, rcx, flags, rip, cs, rflags, rsp, ss}
 *      ending at Xen's ss slot and returns its address for head.S.
 *
 * Events: the event callback clears upcall_pending, takes pending_sel and
 * for every pending, unmasked port clears its pending bit and calls the
 * port's handler.
 */
#include "guest.h"

struct trap_frame last_trap;
volatile unsigned int nr_traps;
volatile unsigned int nr_upcalls;

static trap_handler_t handlers[0x110];
static evtchn_handler_t evtchn_handlers[EVTCHN_2L_NR_CHANNELS];
static struct trap_info trap_table[34];

struct extable_entry {
    uint64_t from, to;
};
extern const struct extable_entry __start_ex_table[], __stop_ex_table[];

void set_trap_handler(unsigned int kind, trap_handler_t h)
{
    ASSERT(kind < ARRAY_SIZE(handlers));
    handlers[kind] = h;
}

void set_evtchn_handler(evtchn_port_t port, evtchn_handler_t h)
{
    ASSERT(port < ARRAY_SIZE(evtchn_handlers));
    evtchn_handlers[port] = h;
}

/* ---- trap table ---- */

static void fill_trap_table(void)
{
    unsigned int v;

    for ( v = 0; v < 32; v++ )
    {
        trap_table[v].vector = v;
        /* int3/into may be raised by software from kernel mode: DPL 3. */
        trap_table[v].flags = (v == X86_EXC_BP || v == 4) ? 3 : 0;
        trap_table[v].cs = FLAT_KERNEL_CS;
        trap_table[v].address = trap_entry_table[v];
    }
    trap_table[32].vector = 0x80;
    trap_table[32].flags = 3;
    trap_table[32].cs = FLAT_KERNEL_CS;
    trap_table[32].address = (uint64_t)trap_entry_128;
    /* trap_table[33] is zero: the end of the list. */
}

void set_trap_gate_flags(unsigned int vector, uint8_t flags)
{
    unsigned int i;

    if ( !trap_table[0].address )
        fill_trap_table();
    for ( i = 0; i < 33; i++ )
        if ( trap_table[i].vector == vector )
            trap_table[i].flags = flags;
}

void install_trap_table(void)
{
    long rc;

    if ( !trap_table[0].address )
        fill_trap_table();
    rc = hypervisor_set_trap_table(trap_table);
    if ( rc )
        panic("set_trap_table: %ld", rc);
}

/* ---- decoding ---- */

static void decode(struct trap_frame *f, struct saved_gprs *g)
{
    uint64_t *kindp = (uint64_t *)(g + 1) + 1;      /* above the pad slot */
    uint64_t *x = kindp + 1;                         /* Xen's frame */
    unsigned int i = 0;

    memset(f, 0, sizeof(*f));
    f->kind = *kindp;
    f->vector = f->kind & ~KIND_ERRCODE;
    f->has_error_code = f->kind & KIND_ERRCODE;
    f->gprs = g;
    f->frame_va = (uint64_t)x;
    f->nr_raw = (f->kind == KIND_FAILSAFE ? 11 : 7) + f->has_error_code;
    memcpy(f->raw, x, f->nr_raw * 8);

    f->rcx = x[i++];
    f->r11 = x[i++];
    if ( f->has_error_code )
        f->error_code = x[i++];
    if ( f->kind == KIND_FAILSAFE )
    {
        f->ds = x[i++];
        f->es = x[i++];
        f->fs = x[i++];
        f->gs = x[i++];
    }
    f->rip = x[i++];
    f->cs = x[i++];
    f->rflags = x[i++];
    f->rsp = x[i++];
    f->ss = x[i++];
    if ( shared )
        f->cr2 = vcpu0()->arch.cr2;
}

/* The iret frame goes in the 4 slots below Xen's rip slot. */
static uint64_t *build_iret_frame(const struct trap_frame *f)
{
    uint64_t *x = (uint64_t *)f->frame_va;
    uint64_t *rip_slot = x + f->nr_raw - 5;
    uint64_t *ir = rip_slot - 4;

    ir[0] = f->gprs->rax;
    ir[1] = f->r11;
    ir[2] = f->rcx;
    ir[3] = 0;                      /* flags: not VGCF_in_syscall */
    ir[4] = f->rip;
    ir[5] = f->cs;
    ir[6] = f->rflags;
    ir[7] = f->rsp;
    ir[8] = f->ss;
    return ir;
}

static bool extable_fixup(struct trap_frame *f)
{
    const struct extable_entry *e;

    for ( e = __start_ex_table; e < __stop_ex_table; e++ )
        if ( e->from == f->rip )
        {
            f->rip = e->to;
            return true;
        }
    return false;
}

/* ---- events ---- */

static void do_events(void)
{
    struct vcpu_info *vi = vcpu0();
    uint64_t sel;

    nr_upcalls++;
    while ( ACCESS_ONCE(vi->evtchn_upcall_pending) )
    {
        vi->evtchn_upcall_pending = 0;
        sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        while ( sel )
        {
            unsigned int w = __builtin_ctzl(sel);
            uint64_t bits = shared->evtchn_pending[w] & ~shared->evtchn_mask[w];

            sel &= sel - 1;
            while ( bits )
            {
                unsigned int b = __builtin_ctzl(bits);
                evtchn_port_t port = w * 64 + b;

                bits &= bits - 1;
                __atomic_fetch_and(&shared->evtchn_pending[w], ~(1UL << b), __ATOMIC_SEQ_CST);
                if ( evtchn_handlers[port] )
                    evtchn_handlers[port](port);
                else
                    printk("event on port %u with no handler\n", port);
            }
        }
    }
}

void events_unmask(void)
{
    vcpu0()->evtchn_upcall_mask = 0;
    barrier();
    if ( ACCESS_ONCE(vcpu0()->evtchn_upcall_pending) )
        hypervisor_xen_version(XENVER_version, NULL);
}

/* ---- dispatch ---- */

static const char *kind_name(unsigned int vector)
{
    static const char *const names[32] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS",
        "#NP", "#SS", "#GP", "#PF", "15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
    };

    if ( vector < 32 )
        return names[vector] ? names[vector] : "reserved";
    switch ( vector )
    {
    case 0x80: return "int 0x80";
    case KIND_EVENT: return "event callback";
    case KIND_FAILSAFE: return "failsafe callback";
    case KIND_SYSCALL: return "syscall callback";
    }
    return "?";
}

uint64_t *trap_dispatch(struct saved_gprs *g);
uint64_t *trap_dispatch(struct saved_gprs *g)
{
    struct trap_frame f;

    decode(&f, g);
    last_trap = f;
    last_trap.gprs = NULL;
    nr_traps++;

    if ( handlers[f.vector] && handlers[f.vector](&f) )
        return build_iret_frame(&f);
    if ( f.kind == KIND_EVENT )
    {
        do_events();
        return build_iret_frame(&f);
    }
    if ( f.vector < 32 && extable_fixup(&f) )
        return build_iret_frame(&f);

    panic("unexpected %s (vector %#x) at rip %#lx, error code %#lx, cr2 %#lx, rsp %#lx",
          kind_name(f.vector), f.vector, f.rip, f.error_code, f.cr2, f.rsp);
}

/* ---- probes ---- */

int probe_read(const volatile void *va, uint64_t *val)
{
    unsigned int before = nr_traps;
    uint64_t v = 0;

    asm volatile ( "1: mov (%1), %0\n\t"
                   "2:\n\t"
                   ASM_EXTABLE(1b, 2b)
                   : "+r" (v) : "r" (va) : "memory" );
    *val = v;
    return nr_traps != before ? (int)last_trap.vector : -1;
}

int probe_write(volatile void *va, uint64_t val)
{
    unsigned int before = nr_traps;

    asm volatile ( "1: mov %1, (%0)\n\t"
                   "2:\n\t"
                   ASM_EXTABLE(1b, 2b)
                   :: "r" (va), "r" (val) : "memory" );
    return nr_traps != before ? (int)last_trap.vector : -1;
}
