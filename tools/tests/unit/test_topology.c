/*
 * test_topology.c: topology_read_shifts() against CPUID tables of real and
 * QEMU CPUs, topology_decode(), topology_order(), topology_format().
 */
#include <stdint.h>
#include <string.h>

#include <asm/topology.h>

#include "harness.h"

#define ANY_SUBLEAF 0xffffffffu

struct fake_leaf {
    uint32_t leaf, subleaf;
    struct cpuid_leaf r;
};

/* The table fake_cpuid() answers from; ends with leaf 0xffffffff. */
static const struct fake_leaf *table;

/*
 * Leaves the table does not list answer like an Intel CPU asked for a leaf
 * beyond its maximum: with plausible-looking data (here QEMU's leaf 0xd),
 * so code that does not check the maximum leaf gets garbage, not zeros.
 */
static const struct cpuid_leaf garbage = { 0x21f, 0x240, 0xa88, 0 };

static void fake_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_leaf *r)
{
    const struct fake_leaf *f;

    for ( f = table; f->leaf != 0xffffffffu; f++ )
    {
        if ( f->leaf == leaf &&
             (f->subleaf == ANY_SUBLEAF || f->subleaf == subleaf) )
        {
            *r = f->r;
            return;
        }
    }
    *r = garbage;
}

static struct cpu_topology_shifts read_with(const struct fake_leaf *t)
{
    struct cpu_topology_shifts s = { 99, 99 };

    table = t;
    topology_read_shifts(&s, fake_cpuid);
    return s;
}

#define INTEL_L0(max) { 0, ANY_SUBLEAF, { (max), 0x756e6547, 0x6c65746e, 0x49656e69 } }
#define AMD_L0(max)   { 0, ANY_SUBLEAF, { (max), 0x68747541, 0x444d4163, 0x69746e65 } }
#define END           { 0xffffffffu, 0, { 0, 0, 0, 0 } }

/* (a) Intel with leaf 0xb: 2 threads x 4 cores (shifts 1 and 3). */
static const struct fake_leaf intel_leafb[] = {
    INTEL_L0(0x16),
    { 1, ANY_SUBLEAF, { 0x906ea, 0x00100800, 0x7ffafbff, 0xbfebfbff } },
    { 4, 0, { 0x1c004121, 0x01c0003f, 0x3f, 0 } },
    { 0xb, 0, { 1, 2, 0x100, 0 } },
    { 0xb, 1, { 3, 8, 0x201, 0 } },
    { 0xb, 2, { 0, 0, 0x002, 0 } },
    { 0x80000000, ANY_SUBLEAF, { 0x80000008, 0, 0, 0 } },
    END
};

TEST(intel_leaf_0xb)
{
    struct cpu_topology_shifts s = read_with(intel_leafb);

    CHECK_EQ(s.smt_bits, 1);
    CHECK_EQ(s.core_bits, 2);
}

/* Leaf 0x1f with a die level above the cores: die bits count as "core". */
static const struct fake_leaf intel_leaf1f[] = {
    INTEL_L0(0x1f),
    { 1, ANY_SUBLEAF, { 0x806f8, 0x00800800, 0, 0x10000000 } },
    { 0xb, 0, { 1, 2, 0x100, 0 } },
    { 0xb, 1, { 5, 32, 0x201, 0 } },            /* what 0xb may say */
    { 0xb, 2, { 0, 0, 0x002, 0 } },
    { 0x1f, 0, { 1, 2, 0x100, 0 } },
    { 0x1f, 1, { 5, 32, 0x201, 0 } },
    { 0x1f, 2, { 6, 64, 0x502, 0 } },           /* die: 2 per package */
    { 0x1f, 3, { 0, 0, 0x003, 0 } },
    END
};

TEST(intel_leaf_0x1f_die)
{
    struct cpu_topology_shifts s = read_with(intel_leaf1f);

    CHECK_EQ(s.smt_bits, 1);
    CHECK_EQ(s.core_bits, 5);
}

/* (b) AMD without leaf 0xb: 0x80000008 says 8 cores, no topoext. */
static const struct fake_leaf amd_8core[] = {
    AMD_L0(0x6),
    { 1, ANY_SUBLEAF, { 0x100f42, 0x00080800, 0x00802009, 0x178bfbff } },
    { 0x80000000, ANY_SUBLEAF, { 0x8000001b, 0, 0, 0 } },
    { 0x80000001, ANY_SUBLEAF, { 0x100f42, 0, 0x37ff, 0 } },
    { 0x80000008, ANY_SUBLEAF, { 0x3030, 0, 0x3007, 0 } },
    END
};

TEST(amd_legacy_8_cores)
{
    struct cpu_topology_shifts s = read_with(amd_8core);

    CHECK_EQ(s.smt_bits, 0);
    CHECK_EQ(s.core_bits, 3);
}

/* 0x80000008 with ApicIdCoreIdSize 0: fall back to NC + 1 = 6 -> 3 bits. */
static const struct fake_leaf amd_nc_only[] = {
    AMD_L0(0x5),
    { 0x80000000, ANY_SUBLEAF, { 0x80000008, 0, 0, 0 } },
    { 0x80000008, ANY_SUBLEAF, { 0x3030, 0, 0x0005, 0 } },
    END
};

TEST(amd_nc_fallback)
{
    struct cpu_topology_shifts s = read_with(amd_nc_only);

    CHECK_EQ(s.smt_bits, 0);
    CHECK_EQ(s.core_bits, 3);
}

/* AMD Zen 1: no leaf 0xb, topoext, 2 threads per core, 16 threads. */
static const struct fake_leaf amd_zen1[] = {
    AMD_L0(0xd),
    { 0x80000000, ANY_SUBLEAF, { 0x8000001f, 0, 0, 0 } },
    { 0x80000001, ANY_SUBLEAF, { 0x800f11, 0, 0x35c233ff, 0 } },
    { 0x80000008, ANY_SUBLEAF, { 0x3030, 0, 0x400f, 0 } },
    { 0x8000001e, ANY_SUBLEAF, { 0, 0x100, 0, 0 } },
    { 0xb, ANY_SUBLEAF, { 0, 0, 0, 0 } },
    END
};

TEST(amd_topoext_smt)
{
    struct cpu_topology_shifts s = read_with(amd_zen1);

    CHECK_EQ(s.smt_bits, 1);
    CHECK_EQ(s.core_bits, 3);
}

/* Leaf 0x8000001e is ignored without topoext (QEMU's EPYC under TCG). */
static const struct fake_leaf amd_no_topoext[] = {
    AMD_L0(0xa),
    { 0x80000000, ANY_SUBLEAF, { 0x8000001e, 0, 0, 0 } },
    { 0x80000001, ANY_SUBLEAF, { 0x800f12, 0, 0x77, 0 } },
    { 0x80000008, ANY_SUBLEAF, { 0x3028, 0, 0x2003, 0 } },
    { 0x8000001e, ANY_SUBLEAF, { 0, 0x100, 0, 0 } },
    END
};

TEST(amd_ignores_0x8000001e_without_topoext)
{
    struct cpu_topology_shifts s = read_with(amd_no_topoext);

    CHECK_EQ(s.smt_bits, 0);
    CHECK_EQ(s.core_bits, 2);
}

/* (c) Intel legacy: leaf 1 says 8 logical, leaf 4 says 4 cores: HT. */
static const struct fake_leaf intel_legacy_ht[] = {
    INTEL_L0(0xa),
    { 1, ANY_SUBLEAF, { 0x106a5, 0x00080800, 0x0098e3fd, 0xbfebfbff } },
    { 4, 0, { 0x0c004121, 0x01c0003f, 0x3f, 0 } },
    { 0x80000000, ANY_SUBLEAF, { 0x80000008, 0, 0, 0 } },
    END
};

TEST(intel_legacy_leaves_ht)
{
    struct cpu_topology_shifts s = read_with(intel_legacy_ht);

    CHECK_EQ(s.smt_bits, 1);
    CHECK_EQ(s.core_bits, 2);
}

/* Intel legacy, 4 cores without HT. */
static const struct fake_leaf intel_legacy_noht[] = {
    INTEL_L0(0xa),
    { 1, ANY_SUBLEAF, { 0x1067a, 0x00040800, 0, 0xbfebfbff } },
    { 4, 0, { 0x0c004121, 0x01c0003f, 0x3f, 0 } },
    END
};

TEST(intel_legacy_cores_no_ht)
{
    struct cpu_topology_shifts s = read_with(intel_legacy_noht);

    CHECK_EQ(s.smt_bits, 0);
    CHECK_EQ(s.core_bits, 2);
}

/* (d) One CPU, no HTT, max leaf 2: everything is 0. */
static const struct fake_leaf single_cpu[] = {
    INTEL_L0(0x2),
    { 1, ANY_SUBLEAF, { 0x6d8, 0x00010800, 0, 0xafe9fbff } },
    END
};

TEST(single_cpu_no_htt)
{
    struct cpu_topology_shifts s = read_with(single_cpu);

    CHECK_EQ(s.smt_bits, 0);
    CHECK_EQ(s.core_bits, 0);
}

/* Max basic leaf 0 (or a CPU that describes nothing). */
static const struct fake_leaf no_leaves[] = {
    INTEL_L0(0),
    END
};

TEST(no_basic_leaves)
{
    struct cpu_topology_shifts s = read_with(no_leaves);

    CHECK_EQ(s.smt_bits, 0);
    CHECK_EQ(s.core_bits, 0);
}

/* Leaf 0xb within range but empty (EBX 0): falls back to leaves 1/4. */
static const struct fake_leaf intel_empty_leafb[] = {
    INTEL_L0(0xd),
    { 1, ANY_SUBLEAF, { 0x106a5, 0x00100800, 0, 0x10000000 } },
    { 4, 0, { 0x1c004121, 0, 0, 0 } },
    { 0xb, ANY_SUBLEAF, { 0, 0, 0, 0 } },
    END
};

TEST(empty_leaf_0xb_falls_back)
{
    struct cpu_topology_shifts s = read_with(intel_empty_leafb);

    CHECK_EQ(s.smt_bits, 1);
    CHECK_EQ(s.core_bits, 3);
}

/* Shifts going down are nonsense: leaf 0xb is rejected. */
static const struct fake_leaf intel_bad_leafb[] = {
    INTEL_L0(0xd),
    { 1, ANY_SUBLEAF, { 0x106a5, 0x00040800, 0, 0x10000000 } },
    { 4, 0, { 0x04004121, 0, 0, 0 } },
    { 0xb, 0, { 3, 2, 0x100, 0 } },
    { 0xb, 1, { 1, 8, 0x201, 0 } },
    { 0xb, 2, { 0, 0, 0x002, 0 } },
    END
};

TEST(bad_leaf_0xb_falls_back)
{
    struct cpu_topology_shifts s = read_with(intel_bad_leafb);

    CHECK_EQ(s.smt_bits, 1);
    CHECK_EQ(s.core_bits, 1);
}

/*
 * QEMU 7.2 TCG, -cpu max -smp 8,sockets=2,cores=2,threads=2, as a test
 * kernel read it: leaves 0x1f and 0x8000001e are beyond the maxima and
 * answer with leaf 0xd's data, which must not be taken for topology.
 */
static const struct fake_leaf qemu_max_2s2c2t[] = {
    AMD_L0(0xd),
    { 1, ANY_SUBLEAF, { 0x00060fb1, 0x00040800, 0xf6d8320b, 0x1fcbfbfd } },
    { 4, ANY_SUBLEAF, { 0, 0, 0, 0 } },
    { 0xb, 0, { 1, 2, 0x100, 0 } },
    { 0xb, 1, { 2, 4, 0x201, 0 } },
    { 0xb, 2, { 0, 0, 0x002, 0 } },
    { 0x80000000, ANY_SUBLEAF, { 0x8000000a, 0x68747541, 0x444d4163, 0x69746e65 } },
    { 0x80000001, ANY_SUBLEAF, { 0x00060fb1, 0, 0x77, 0xedd3fbfd } },
    { 0x80000008, ANY_SUBLEAF, { 0x3928, 0, 0x2003, 0 } },
    END
};

TEST(qemu_max_2_sockets_2_cores_2_threads)
{
    struct cpu_topology_shifts s = read_with(qemu_max_2s2c2t);

    CHECK_EQ(s.smt_bits, 1);
    CHECK_EQ(s.core_bits, 1);
}

/* QEMU 7.2 TCG, -cpu qemu64 -smp 4,sockets=2,cores=2,threads=1. */
static const struct fake_leaf qemu64_2s2c1t[] = {
    AMD_L0(0xd),
    { 1, ANY_SUBLEAF, { 0x00060fb1, 0x00020800, 0x80002001, 0x178bfbfd } },
    { 4, ANY_SUBLEAF, { 0, 0, 0, 0 } },
    { 0xb, 0, { 0, 1, 0x100, 0 } },
    { 0xb, 1, { 1, 2, 0x201, 0 } },
    { 0xb, 2, { 0, 0, 0x002, 0 } },
    { 0x80000000, ANY_SUBLEAF, { 0x8000000a, 0x68747541, 0x444d4163, 0x69746e65 } },
    { 0x80000001, ANY_SUBLEAF, { 0x00060fb1, 0, 0x7, 0x2193fbfd } },
    { 0x80000008, ANY_SUBLEAF, { 0x3028, 0, 0x1001, 0 } },
    END
};

TEST(qemu64_2_sockets_2_cores)
{
    struct cpu_topology_shifts s = read_with(qemu64_2s2c1t);

    CHECK_EQ(s.smt_bits, 0);
    CHECK_EQ(s.core_bits, 1);
}

/* QEMU 7.2 TCG, -cpu qemu64 -smp 1: both levels with shift 0. */
static const struct fake_leaf qemu64_1[] = {
    AMD_L0(0xd),
    { 1, ANY_SUBLEAF, { 0x00060fb1, 0x00000800, 0x80002001, 0x078bfbfd } },
    { 0xb, 0, { 0, 1, 0x100, 0 } },
    { 0xb, 1, { 0, 1, 0x201, 0 } },
    { 0xb, 2, { 0, 0, 0x002, 0 } },
    { 0x80000000, ANY_SUBLEAF, { 0x8000000a, 0x68747541, 0x444d4163, 0x69746e65 } },
    { 0x80000008, ANY_SUBLEAF, { 0x3028, 0, 0, 0 } },
    END
};

TEST(qemu64_one_cpu)
{
    struct cpu_topology_shifts s = read_with(qemu64_1);

    CHECK_EQ(s.smt_bits, 0);
    CHECK_EQ(s.core_bits, 0);
}

/* QEMU 7.2 TCG, qemu64,vendor=GenuineIntel, 2 cores x 2 threads, as the
 * legacy leaves report it (leaf 0xb hidden by a max leaf of 0xa). */
static const struct fake_leaf qemu64_intel_legacy[] = {
    INTEL_L0(0xa),
    { 1, ANY_SUBLEAF, { 0x00060fb1, 0x00040800, 0x80002001, 0x178bfbfd } },
    { 4, 0, { 0x04000121, 0x01c0003f, 0x3f, 1 } },
    { 0xb, 0, { 1, 2, 0x100, 0 } },
    { 0xb, 1, { 2, 4, 0x201, 0 } },
    END
};

TEST(qemu64_intel_legacy_leaves)
{
    struct cpu_topology_shifts s = read_with(qemu64_intel_legacy);

    CHECK_EQ(s.smt_bits, 1);
    CHECK_EQ(s.core_bits, 1);
}

/* The real instruction runs, and gives something sane. */
TEST(native_cpuid_sane)
{
    struct cpu_topology_shifts s = { 99, 99 };

    topology_read_shifts(&s, NULL);
    CHECK(s.smt_bits + s.core_bits < 32);
}

TEST(decode_fields)
{
    struct cpu_topology_shifts s = { .smt_bits = 1, .core_bits = 3 };
    struct cpu_topo t;

    topology_decode(0, &s, &t);
    CHECK_EQ(t.apicid, 0);
    CHECK_EQ(t.socket, 0);
    CHECK_EQ(t.core, 0);
    CHECK_EQ(t.thread, 0);

    topology_decode(0x2b, &s, &t);              /* 10 101 1 */
    CHECK_EQ(t.apicid, 0x2b);
    CHECK_EQ(t.socket, 2);
    CHECK_EQ(t.core, 5);
    CHECK_EQ(t.thread, 1);

    topology_decode(0xffffffff, &s, &t);
    CHECK_EQ(t.socket, 0x0fffffff);
    CHECK_EQ(t.core, 7);
    CHECK_EQ(t.thread, 1);
}

TEST(decode_no_smt_no_cores)
{
    struct cpu_topology_shifts s = { 0, 0 };
    struct cpu_topo t;

    topology_decode(5, &s, &t);
    CHECK_EQ(t.socket, 5);
    CHECK_EQ(t.core, 0);
    CHECK_EQ(t.thread, 0);
}

TEST(decode_widest)
{
    struct cpu_topology_shifts s = { 16, 15 };
    struct cpu_topo t;

    topology_decode(0x80000000u | (0x1234u << 16) | 0xbeef, &s, &t);
    CHECK_EQ(t.socket, 1);
    CHECK_EQ(t.core, 0x1234);
    CHECK_EQ(t.thread, 0xbeef);
}

static void check_order(const uint32_t *in, unsigned int n, uint32_t boot,
                        const struct cpu_topology_shifts *s,
                        const uint32_t *want)
{
    uint32_t out[64];
    unsigned int i;

    memset(out, 0xa5, sizeof(out));
    topology_order(in, n, boot, s, out);
    for ( i = 0; i < n; i++ )
        CHECK_EQ(out[i], want[i]);
    CHECK_EQ(out[n], 0xa5a5a5a5);               /* nothing written beyond */
}

TEST(order_boot_not_lowest_shuffled)
{
    static const struct cpu_topology_shifts s = { 1, 2 };
    /* 2 sockets x 4 cores x 2 threads, MADT order shuffled, boot = 9. */
    static const uint32_t in[] = { 12, 3, 9, 0, 17, 8, 1, 16, 2, 13 };
    static const uint32_t want[] = { 9, 0, 1, 2, 3, 8, 12, 13, 16, 17 };

    check_order(in, 10, 9, &s, want);
}

TEST(order_threads_of_a_core_together)
{
    static const struct cpu_topology_shifts s = { 1, 1 };
    /* Linux-style MADT: all thread 0s first, then their siblings. */
    static const uint32_t in[] = { 0, 2, 4, 6, 1, 3, 5, 7 };
    static const uint32_t want[] = { 0, 1, 2, 3, 4, 5, 6, 7 };

    check_order(in, 8, 0, &s, want);
}

TEST(order_sparse_ids)
{
    static const struct cpu_topology_shifts s = { 1, 2 };
    static const uint32_t in[] = { 6, 2, 0, 4 };
    static const uint32_t want[] = { 0, 2, 4, 6 };
    struct cpu_topo t;
    unsigned int i;

    check_order(in, 4, 0, &s, want);
    for ( i = 0; i < 4; i++ )
    {
        topology_decode(want[i], &s, &t);
        CHECK_EQ(t.thread, 0);
        CHECK_EQ(t.core, i);
        CHECK_EQ(t.socket, 0);
    }
}

TEST(order_boot_last_in_madt)
{
    static const struct cpu_topology_shifts s = { 0, 1 };
    static const uint32_t in[] = { 0, 1, 2, 3 };
    static const uint32_t want[] = { 3, 0, 1, 2 };

    check_order(in, 4, 3, &s, want);
}

TEST(order_boot_missing)
{
    static const struct cpu_topology_shifts s = { 0, 1 };
    static const uint32_t in[] = { 3, 1, 2 };
    static const uint32_t want[] = { 1, 2, 3 };

    check_order(in, 3, 0, &s, want);
}

TEST(order_duplicates)
{
    static const struct cpu_topology_shifts s = { 0, 2 };
    /* The boot CPU listed twice: only the first copy goes first. */
    static const uint32_t in[] = { 5, 1, 5, 1, 0 };
    static const uint32_t want[] = { 5, 0, 1, 1, 5 };

    check_order(in, 5, 5, &s, want);
}

TEST(order_empty_and_single)
{
    static const struct cpu_topology_shifts s = { 0, 0 };
    static const uint32_t none[1], one[] = { 7 };

    check_order(none, 0, 0, &s, none);
    check_order(one, 1, 7, &s, one);
    check_order(one, 1, 0, &s, one);
}

TEST(order_x2apic_ids)
{
    static const struct cpu_topology_shifts s = { 1, 6 };
    static const uint32_t in[] = { 0x101, 0x80, 0x100, 0x3, 0x81, 0x2 };
    static const uint32_t want[] = { 0x100, 0x2, 0x3, 0x80, 0x81, 0x101 };

    check_order(in, 6, 0x100, &s, want);
}

/* A full NR_CPUS list in reverse, to see the sort scale and be right. */
TEST(order_nr_cpus_reversed)
{
    static const struct cpu_topology_shifts s = { 1, 4 };
    static uint32_t in[NR_CPUS], out[NR_CPUS];
    unsigned int i;

    for ( i = 0; i < NR_CPUS; i++ )
        in[i] = 2 * (NR_CPUS - 1 - i);          /* even IDs, descending */
    topology_order(in, NR_CPUS, 2 * 17, &s, out);
    CHECK_EQ(out[0], 2 * 17);
    for ( i = 1; i < NR_CPUS; i++ )
    {
        uint32_t want = 2 * (i - 1 + (i > 17));

        if ( out[i] != want )
        {
            CHECK_EQ(out[i], want);
            break;
        }
    }
}

TEST(format)
{
    struct cpu_topo t = { .apicid = 0x2b, .socket = 2, .core = 5, .thread = 1 };
    char buf[64], small[8];

    CHECK_EQ(topology_format(buf, sizeof(buf), &t), 26);
    CHECK_STREQ(buf, "socket 2, core 5, thread 1");
    t.socket = 4294967295u;
    topology_format(buf, sizeof(buf), &t);
    CHECK_STREQ(buf, "socket 4294967295, core 5, thread 1");
    CHECK_EQ(topology_format(small, sizeof(small), &t), 35);
    CHECK_STREQ(small, "socket ");
}
