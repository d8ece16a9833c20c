/*
 * setup.c: the start of day of a test guest, after head.S.
 *
 * guest_start() keeps start_info, registers the trap table and the event
 * and failsafe callbacks, finds the boot area, maps shared_info and runs
 * main().  A main() that returns without a result is an ERROR.
 */
#include "guest.h"

struct entry_state entry_state;
start_info_t *start_info;
shared_info_t *shared;
xen_pfn_t *p2m;
const xen_pfn_t *m2p = (const xen_pfn_t *)M2P_VA;

/* A test may define its own title; it is printed at start. */
__attribute__((weak)) const char test_title[] = "";

static void register_callback(unsigned int type, void *entry)
{
    struct callback_register cb = {
        .type = type,
        .flags = CALLBACKF_mask_events,
        .address = (uint64_t)entry,
    };
    long rc = hypervisor_callback_op(CALLBACKOP_register, &cb);

    if ( rc )
        panic("callback_op register type %u: %ld", type, rc);
}

void mm_init(void);

noreturn void guest_start(start_info_t *si);
void guest_start(start_info_t *si)
{
    start_info = si;
    p2m = (xen_pfn_t *)si->mfn_list;
    if ( test_title[0] )
        printk("--- %s\n", test_title);

    install_trap_table();
    register_callback(CALLBACKTYPE_event, event_entry);
    register_callback(CALLBACKTYPE_failsafe, failsafe_entry);
    mm_init();
    shared = map_mfn(si->shared_info >> PAGE_SHIFT, _PAGE_PRESENT | _PAGE_RW);

    main();
    test_result(ERROR, "main() returned without a result");
}

uint64_t system_time_ns(void)
{
    const volatile struct vcpu_time_info *t = &vcpu0()->time;
    uint32_t version, mul;
    uint64_t tsc_ts, sys, delta;
    int8_t shift;

    do {
        version = t->version;
        barrier();
        tsc_ts = t->tsc_timestamp;
        sys = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        delta = rdtsc() - tsc_ts;
        barrier();
    } while ( (version & 1) || version != t->version );

    if ( shift < 0 )
        delta >>= -shift;
    else
        delta <<= shift;
    return sys + (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}
