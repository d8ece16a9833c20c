/*
 * topology.c: CPU topology: APIC ID layout and logical CPU numbering.
 *
 * Theory of operation. Firmware gives every logical processor an APIC ID
 * built from bit fields: the thread within its core in the low smt_bits,
 * the core within its package in the next core_bits, the package (socket)
 * in the rest. The field widths are the same on every CPU of the machine,
 * so they are read once, from the boot CPU's CPUID, in this order:
 *
 *  1. Leaf 0x1f, then leaf 0xb (extended topology; Intel, AMD Zen 2 and
 *     later, QEMU): each subleaf is one level, ECX[15:8] its type (1 SMT,
 *     2 core, 3-5 module/tile/die, 0 ends the list), EAX[4:0] the shift
 *     that strips this level and those below it. smt_bits is the SMT
 *     level's shift, the last level's shift reaches the package, and
 *     whatever lies between counts as "core". A leaf is used only if the
 *     basic maximum leaf covers it and its subleaf 0 has EBX != 0: Intel
 *     CPUs answer an out-of-range leaf with the highest basic leaf's data.
 *  2. AMD (and Hygon): leaf 0x80000008 ECX[15:12] is the width of the
 *     core-and-thread field (or, when 0, ECX[7:0] + 1 is the number of
 *     threads in the package); leaf 0x8000001e EBX[15:8] + 1 is the threads
 *     per core, read only when topoext (0x80000001 ECX[22]) says it is
 *     there. Before Zen there is no SMT.
 *  3. Intel legacy: leaf 1 EBX[23:16] is the logical processors per
 *     package if HTT (EDX[28]) is set, leaf 4 EAX[31:26] + 1 the cores;
 *     smt_bits = bits(logical / cores), core_bits = bits(cores), where
 *     bits(n) is the width that holds 0..n-1.
 *
 * What QEMU 7.2 (TCG) reports, checked with a test kernel: qemu64 is
 * "AuthenticAMD" with basic leaves up to 0xd and extended up to
 * 0x8000000a, and it does answer leaf 0xb (no 0x1f, no topoext), laid out
 * the way QEMU numbers APIC IDs, so path 1 is taken:
 *   -smp 1                              smt_bits 0, core_bits 0
 *   -smp 4,sockets=2,cores=2,threads=1  smt_bits 0, core_bits 1: IDs 0-3
 *   -smp 8,sockets=2,cores=2,threads=2  smt_bits 1, core_bits 1: IDs 0-7
 *   -smp 6,sockets=1,cores=3,threads=2  smt_bits 1, core_bits 2: IDs
 *                                       0,1,2,3,4,5 (core 3 absent)
 * Its leaf 0x80000008 ECX agrees (0x1001, 0x2003, 0x3005: the same total
 * width), and with vendor=GenuineIntel leaf 4 reports the cores too.
 *
 * Logical CPU numbering: CPU 0 is the boot CPU, the others follow sorted
 * by (socket, core, thread), i.e. all threads of a core, then the next
 * core, then the next socket. With the plain bit-field layout above that
 * is ascending APIC ID order; comparing decoded fields keeps it right
 * should the decoding ever grow more than bit slicing.
 */
#include <asm/processor.h>
#include <asm/topology.h>
#include <xen/lib.h>

#define CPUID_HTT               (1u << 28)      /* leaf 1 EDX */
#define CPUID_TOPOEXT           (1u << 22)      /* leaf 0x80000001 ECX */

#define TOPO_LEVEL_INVALID      0
#define TOPO_LEVEL_SMT          1
#define TOPO_MAX_LEVELS         8               /* bound on the subleaves */

enum cpu_vendor {
    VENDOR_OTHER,
    VENDOR_INTEL,
    VENDOR_AMD,
};

/* The real instruction, as a cpuid_fn_t. */
static void native_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_leaf *r)
{
    cpuid_count(leaf, subleaf, r);
}

/* The number of bits that hold the values 0 .. n-1. */
static unsigned int count_bits(unsigned int n)
{
    return n > 1 ? 32 - __builtin_clz(n - 1) : 0;
}

static uint32_t cpuid_eax(cpuid_fn_t fn, uint32_t leaf)
{
    struct cpuid_leaf r;

    fn(leaf, 0, &r);
    return r.a;
}

/* Leaf 0's EBX, EDX, ECX spell the vendor, four letters each. */
static enum cpu_vendor read_vendor(const struct cpuid_leaf *l0)
{
    /* "Genu" "ineI" "ntel" and "Auth" "enti" "cAMD", little-endian. */
    if ( l0->b == 0x756e6547 && l0->d == 0x49656e69 && l0->c == 0x6c65746e )
        return VENDOR_INTEL;
    if ( l0->b == 0x68747541 && l0->d == 0x69746e65 && l0->c == 0x444d4163 )
        return VENDOR_AMD;
    /* "Hygo" "nGen" "uine": AMD's layout. */
    if ( l0->b == 0x6f677948 && l0->d == 0x6e65476e && l0->c == 0x656e6975 )
        return VENDOR_AMD;
    return VENDOR_OTHER;
}

/*
 * Leaf 0xb or 0x1f (path 1). Returns false, leaving *s alone, unless the
 * leaf describes at least one level with shifts that never decrease.
 */
static bool read_ext_topology(cpuid_fn_t fn, uint32_t leaf,
                              struct cpu_topology_shifts *s)
{
    unsigned int i, smt = 0, pkg = 0;
    struct cpuid_leaf r;

    fn(leaf, 0, &r);
    if ( !(r.b & 0xffff) )
        return false;

    for ( i = 0; i < TOPO_MAX_LEVELS; i++ )
    {
        unsigned int type, shift;

        if ( i )
            fn(leaf, i, &r);
        type = (r.c >> 8) & 0xff;
        shift = r.a & 0x1f;
        if ( type == TOPO_LEVEL_INVALID )
            break;
        if ( shift < pkg )
            return false;
        if ( type == TOPO_LEVEL_SMT )
            smt = shift;
        pkg = shift;
    }
    if ( i == 0 )
        return false;

    s->smt_bits = smt;
    s->core_bits = pkg - smt;
    return true;
}

/* AMD leaves 0x80000008 / 0x8000001e (path 2). */
static bool read_amd_topology(cpuid_fn_t fn, struct cpu_topology_shifts *s)
{
    uint32_t max_ext = cpuid_eax(fn, 0x80000000);
    unsigned int width, threads = 1;
    struct cpuid_leaf r;

    if ( max_ext < 0x80000008 || max_ext > 0x8000ffff )
        return false;

    fn(0x80000008, 0, &r);
    width = (r.c >> 12) & 0xf;
    if ( !width )
        width = count_bits((r.c & 0xff) + 1);

    if ( max_ext >= 0x8000001e )
    {
        fn(0x80000001, 0, &r);
        if ( r.c & CPUID_TOPOEXT )
        {
            fn(0x8000001e, 0, &r);
            threads = ((r.b >> 8) & 0xff) + 1;
        }
    }

    s->smt_bits = min(count_bits(threads), width);
    s->core_bits = width - s->smt_bits;
    return true;
}

/*
 * Leaves 1 and 4 (path 3). A pre-Zen AMD without leaf 0x80000008 counts
 * cores in leaf 1 and has no leaf 4 and no SMT.
 */
static void read_legacy_topology(cpuid_fn_t fn, uint32_t max_basic,
                                 enum cpu_vendor vendor,
                                 struct cpu_topology_shifts *s)
{
    unsigned int logical = 1, cores = 1;
    struct cpuid_leaf r;

    fn(1, 0, &r);
    if ( r.d & CPUID_HTT )
        logical = max((r.b >> 16) & 0xff, 1u);

    if ( vendor == VENDOR_AMD )
    {
        s->smt_bits = 0;
        s->core_bits = count_bits(logical);
        return;
    }

    if ( max_basic >= 4 )
    {
        fn(4, 0, &r);
        if ( r.a & 0x1f )               /* cache type 0: no leaf 4 data */
            cores = (r.a >> 26) + 1;
    }
    logical = max(logical, cores);

    s->smt_bits = count_bits(logical / cores);
    s->core_bits = count_bits(cores);
}

void topology_read_shifts(struct cpu_topology_shifts *s, cpuid_fn_t fn)
{
    struct cpuid_leaf l0;
    enum cpu_vendor vendor;

    if ( !fn )
        fn = native_cpuid;

    fn(0, 0, &l0);
    vendor = read_vendor(&l0);

    s->smt_bits = 0;
    s->core_bits = 0;
    if ( l0.a == 0 )
        return;

    if ( l0.a >= 0x1f && read_ext_topology(fn, 0x1f, s) )
        return;
    if ( l0.a >= 0xb && read_ext_topology(fn, 0xb, s) )
        return;
    if ( vendor == VENDOR_AMD && read_amd_topology(fn, s) )
        return;
    read_legacy_topology(fn, l0.a, vendor, s);
}

void topology_decode(uint32_t apicid, const struct cpu_topology_shifts *s,
                     struct cpu_topo *out)
{
    unsigned int pkg_shift = s->smt_bits + s->core_bits;

    ASSERT(pkg_shift < 32);

    out->apicid = apicid;
    out->thread = apicid & ((1u << s->smt_bits) - 1);
    out->core = (apicid >> s->smt_bits) & ((1u << s->core_bits) - 1);
    out->socket = apicid >> pkg_shift;
}

/* Does APIC ID a come before b in logical CPU order (boot CPU aside)? */
static bool topo_before(uint32_t a, uint32_t b,
                        const struct cpu_topology_shifts *s)
{
    struct cpu_topo ta, tb;

    topology_decode(a, s, &ta);
    topology_decode(b, s, &tb);

    if ( ta.socket != tb.socket )
        return ta.socket < tb.socket;
    if ( ta.core != tb.core )
        return ta.core < tb.core;
    return ta.thread < tb.thread;
}

/* Insert v into the sorted out[first .. end), which has room at out[end]. */
static void insert_sorted(uint32_t *out, unsigned int first, unsigned int end,
                          uint32_t v, const struct cpu_topology_shifts *s)
{
    unsigned int j = end;

    /* Strictly before: an equal entry stays ahead of v (stable). */
    for ( ; j > first && topo_before(v, out[j - 1], s); j-- )
        out[j] = out[j - 1];
    out[j] = v;
}

void topology_order(const uint32_t *apicids, unsigned int n,
                    uint32_t boot_apicid,
                    const struct cpu_topology_shifts *s, uint32_t *order_out)
{
    unsigned int i, boot = n, done = 0;

    ASSERT((uintptr_t)(order_out + n) <= (uintptr_t)apicids ||
           (uintptr_t)(apicids + n) <= (uintptr_t)order_out || !n);

    for ( i = 0; i < n; i++ )
    {
        if ( apicids[i] == boot_apicid )
        {
            boot = i;
            order_out[done++] = boot_apicid;
            break;
        }
    }

    for ( i = 0; i < n; i++ )
    {
        if ( i == boot )
            continue;
        insert_sorted(order_out, boot < n, done, apicids[i], s);
        done++;
    }
}

int topology_format(char *buf, size_t len, const struct cpu_topo *t)
{
    return snprintf(buf, len, "socket %u, core %u, thread %u",
                    t->socket, t->core, t->thread);
}
