/*
 * _hcall_fuzz: not a test by itself. A domU that makes thousands of
 * hypercalls with random numbers and arguments (random values, pointers
 * into a scratch page of random bytes, NULL, the hypervisor's hole,
 * non-canonical addresses), for tools/tests/qemu/test_containment.py,
 * which checks that the hypervisor and dom0 live through it.
 *
 * Calls that would simply end the run are left out: iret, shutting down,
 * taking vCPU 0 down, and blocking without a timeout. Anything else the
 * guest does to itself (a garbage trap table, a bad kernel stack, an
 * unmapped page of its own) may crash this domain, which is allowed: the
 * run then ends early, reported by the hypervisor.
 *
 * The seed comes from the command line ("seed=N"), else from the TSC, and
 * is printed, so a failure can be replayed.
 */
#include "guest.h"

static uint64_t state;

static uint64_t rnd(void)
{
    /* xorshift64* */
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545f4914f6cdd1dULL;
}

static uint8_t scratch[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static unsigned long rnd_arg(void)
{
    switch ( rnd() % 10 )
    {
    case 0:  return 0;
    case 1:  return rnd() % 16;                         /* small: a sub-op */
    case 2:  return rnd() % 0x10000;
    case 3:  return (unsigned long)scratch + (rnd() % sizeof(scratch));
    case 4:  return (unsigned long)scratch;
    case 5:  return 0xffff800000000000UL + (rnd() % (1UL << 39));   /* the hole */
    case 6:  return 0x0000800000000000UL + (rnd() % (1UL << 40));   /* non-canonical */
    case 7:  return DOMID_SELF;
    case 8:  return rnd() % 0x40;                       /* an mfn-ish number */
    default: return rnd();
    }
}

/* Reject the calls that would end the run rather than test the hypervisor. */
static bool allowed(unsigned long op, const unsigned long a[6])
{
    switch ( op )
    {
    case __HYPERVISOR_iret:
        return false;
    case __HYPERVISOR_sched_op:
        return a[0] == SCHEDOP_yield;
    case __HYPERVISOR_vcpu_op:
        return a[0] != VCPUOP_down;
    case __HYPERVISOR_multicall:
        return false;               /* its entries would need the same filter */
    default:
        return op < 64;
    }
}

int main(void)
{
    const char *cmd = (const char *)start_info->cmd_line;
    unsigned long i, made = 0, n = 100000;

    state = rdtsc() | 1;
    if ( !strncmp(cmd, "seed=", 5) )
    {
        uint64_t seed = 0;

        for ( cmd += 5; *cmd >= '0' && *cmd <= '9'; cmd++ )
            seed = seed * 10 + (*cmd - '0');
        state = (seed + 1) * 0x9e3779b97f4a7c15ULL;     /* never 0 */
    }
    printk("hcall_fuzz: state %#lx, %lu calls\n", state, n);
    for ( i = 0; i < sizeof(scratch); i++ )
        scratch[i] = rnd();

    for ( i = 0; i < n; i++ )
    {
        unsigned long op = rnd() % 48, a[6];
        unsigned int j;

        for ( j = 0; j < 6; j++ )
            a[j] = rnd_arg();
        if ( !allowed(op, a) )
            continue;
        hypercall5(op, a[0], a[1], a[2], a[3], a[4]);
        made++;
        if ( (i & 16383) == 16383 )
            printk("hcall_fuzz: %lu calls made\n", made);
    }
    printk("hcall_fuzz: done, %lu calls made\n", made);
    test_result(SUCCESS, "%s", "");
}
