/* test_dom0_opts.c: dom0_mem= and dom0_max_vcpus= parsing and resolution. */
#include <xen/dom0_opts.h>
#include <xen/errno.h>

#include <stdio.h>

#include "harness.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

static uint64_t resolve(const char *opt, uint64_t host)
{
    struct dom0_mem_opts o = { };

    if ( opt && dom0_mem_parse(opt, &o) )
        return ~0ull;
    return dom0_mem_resolve(&o, host);
}

TEST(mem_plain_sizes)
{
    CHECK_EQ(resolve("512M", 8 * GiB), 512 * MiB);
    CHECK_EQ(resolve("1G", 8 * GiB), GiB);
    CHECK_EQ(resolve("1048576K", 8 * GiB), GiB);
    CHECK_EQ(resolve("4097", 8 * GiB), 4096);          /* whole pages */
    CHECK_EQ(resolve("16G", 8 * GiB), 8 * GiB);        /* clamped to host */
}

TEST(mem_minus_and_percent)
{
    CHECK_EQ(resolve("-1G", 8 * GiB), 7 * GiB);
    CHECK_EQ(resolve("-16G", 8 * GiB), 0);
    CHECK_EQ(resolve("50%", 8 * GiB), 4 * GiB);
    CHECK_EQ(resolve("1G+25%", 8 * GiB), 3 * GiB);
    CHECK_EQ(resolve("100%", 8 * GiB), 8 * GiB);
}

TEST(mem_min_max)
{
    CHECK_EQ(resolve("min:1G", 2 * GiB), 2 * GiB - 128 * MiB);  /* default wins */
    CHECK_EQ(resolve("min:1G", 4 * GiB), 4 * GiB - 128 * MiB);  /* reserve capped */
    CHECK_EQ(resolve("min:1G", 1060 * MiB), GiB);               /* min wins */
    CHECK_EQ(resolve("max:1G", 8 * GiB), GiB);
    CHECK_EQ(resolve("512M,max:1G", 8 * GiB), 512 * MiB);
    CHECK_EQ(resolve("4G,max:1G", 8 * GiB), GiB);
    CHECK_EQ(resolve("256M,min:1G", 8 * GiB), GiB);
    CHECK_EQ(resolve("min:512M,max:2G,1G", 8 * GiB), GiB);
}

TEST(mem_default_keeps_a_reserve)
{
    /* No option: all but min(1/16 of the host, 128 MiB), as on Xen. */
    CHECK_EQ(resolve(NULL, 8 * GiB), 8 * GiB - 128 * MiB);
    CHECK_EQ(resolve(NULL, 1 * GiB), GiB - 64 * MiB);
    CHECK_EQ(resolve(NULL, 64 * MiB), 60 * MiB);
}

TEST(mem_bad_values_rejected_without_change)
{
    static const char *const bad[] = {
        "", "abc", "512Q", "1G,", ",1G", "min:", "max:x", "-50%", "101%",
        "1G+", "1G+x%", "1G+200%", "min:1G,foo", "5%%",
    };
    unsigned int i;

    for ( i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        struct dom0_mem_opts o = { .amount = { .set = true, .bytes = 42 } };

        if ( !CHECK_EQ(dom0_mem_parse(bad[i], &o), -EINVAL) )
            printf("    for '%s'\n", bad[i]);
        CHECK(o.amount.set && o.amount.bytes == 42 && !o.min.set);
    }
}

TEST(vcpus)
{
    struct dom0_vcpu_opts o = { };

    CHECK_EQ(dom0_vcpus_resolve(&o, 4), 4);
    /* "N" is exactly N vCPUs, even on fewer pCPUs (Xen's reading). */
    CHECK_EQ(dom0_max_vcpus_parse("2", &o), 0);
    CHECK_EQ(o.min, 2);
    CHECK_EQ(o.max, 2);
    CHECK_EQ(dom0_vcpus_resolve(&o, 4), 2);
    CHECK_EQ(dom0_vcpus_resolve(&o, 1), 2);

    CHECK_EQ(dom0_max_vcpus_parse("2-3", &o), 0);
    CHECK_EQ(dom0_vcpus_resolve(&o, 1), 2);
    CHECK_EQ(dom0_vcpus_resolve(&o, 8), 3);

    CHECK_EQ(dom0_max_vcpus_parse("4-", &o), 0);
    CHECK_EQ(o.max, 0);
    CHECK_EQ(dom0_vcpus_resolve(&o, 8), 8);
    CHECK_EQ(dom0_vcpus_resolve(&o, 2), 4);
}

TEST(vcpus_bad_values)
{
    static const char *const bad[] = { "", "0", "x", "3-2", "1-x", "2x", "-3", "5000" };
    unsigned int i;

    for ( i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        struct dom0_vcpu_opts o = { .min = 7, .max = 9 };

        if ( !CHECK_EQ(dom0_max_vcpus_parse(bad[i], &o), -EINVAL) )
            printf("    for '%s'\n", bad[i]);
        CHECK(o.min == 7 && o.max == 9);
    }
}
