/*
 * bench_hcall: the cost of plain hypercalls (a benchmark, not a test).
 *
 * - null_hypercall: xen_version(XENVER_version, NULL), ns per call;
 * - multicall_entry: one multicall of 32 such entries, ns per entry;
 * - console_write_64: CONSOLEIO_write of a 64-byte line, ns per write.
 *   The serial is slow under QEMU and every write lands in the log, so
 *   this one runs a fixed 8 warm-up writes and 7 batches of 8.
 * - control_guest_loop: 100 multiply-adds that never leave the guest, ns
 *   per 100.  Not a hypervisor figure: its ours/ref ratio should
 *   be 1.0, and how far it strays shows the noise of the run.
 * Every call's result is checked.  See lib/bench.h for the method.
 */
#include "bench.h"

const char test_title[] = "bench_hcall: null hypercall, multicall, console write";

#define MC_ENTRIES 32
#define CONSOLE_BATCH 8
#define CONSOLE_BATCHES 7

static long xen_ver;
static multicall_entry_t calls[MC_ENTRIES];
/* 64 bytes with the newline; nothing that looks like a result line. */
static const char console_line[] =
    "# bench console_write_64: a 64-byte CONSOLEIO_write ...........\n";

static volatile uint64_t loop_sink;

/* 100 dependent multiply-adds per call. */
static void op_loop(unsigned long n)
{
    uint64_t x = loop_sink;
    unsigned int i;

    while ( n-- )
        for ( i = 0; i < 100; i++ )
            x = x * 6364136223846793005UL + 1442695040888963407UL;
    loop_sink = x;
}

static void op_null(unsigned long n)
{
    long rc;

    while ( n-- )
        if ( (rc = hypervisor_xen_version(XENVER_version, NULL)) != xen_ver )
            panic("xen_version returned %#lx, first %#lx", rc, xen_ver);
}

static void op_multicall(unsigned long n)
{
    long rc;

    while ( n-- )
    {
        calls[MC_ENTRIES - 1].result = 0;
        if ( (rc = hypervisor_multicall(calls, MC_ENTRIES)) != 0 )
            panic("multicall: %ld", rc);
        if ( calls[MC_ENTRIES - 1].result != (xen_ulong_t)xen_ver )
            panic("multicall entry result %#lx, expected %#lx",
                  calls[MC_ENTRIES - 1].result, xen_ver);
    }
}

static void op_console(unsigned long n)
{
    long rc;

    while ( n-- )
        if ( (rc = hypervisor_console_io(CONSOLEIO_write, 64, console_line)) != 0 )
            panic("console_io write: %ld", rc);
}

int main(void)
{
    unsigned int i;

    _Static_assert(sizeof(console_line) == 65, "64 bytes and the NUL");
    bench_init();
    xen_ver = hypervisor_xen_version(XENVER_version, NULL);
    printk("# xen_version %ld.%ld\n", xen_ver >> 16, xen_ver & 0xffff);
    for ( i = 0; i < MC_ENTRIES; i++ )
    {
        calls[i].op = __HYPERVISOR_xen_version;
        calls[i].args[0] = XENVER_version;
        calls[i].args[1] = 0;
    }

    bench_run("control_guest_loop", op_loop, 1, "ns/100it");
    bench_run("null_hypercall", op_null, 1, "ns/op");
    bench_run("multicall_entry", op_multicall, MC_ENTRIES, "ns/entry");
    op_console(CONSOLE_BATCH);
    bench_batches("console_write_64", op_console, 1, CONSOLE_BATCH, CONSOLE_BATCHES, "ns/op");
    test_done();
}
