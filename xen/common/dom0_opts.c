/*
 * dom0_opts.c: dom0_mem= and dom0_max_vcpus=.
 *
 * Theory of operation. The options are parsed at boot, before anything is
 * known about the machine, into a description (struct dom0_mem_opts) that
 * the dom0 builder resolves later against the real memory and CPU count.
 * The syntax is Xen's:
 *
 *   dom0_mem=<item>[,<item>...]       item:  <sz> | min:<sz> | max:<sz>
 *                                     sz:    <size> | -<size> | <n>% | <size>+<n>%
 *   dom0_max_vcpus=<max> | <min>-<max> | <min>-
 *
 * <size> takes K/M/G/T suffixes (plain numbers are bytes). "-<size>" means
 * all host memory but <size>; "<n>%" a share of host memory. Parsing checks
 * the whole string before committing anything, so a bad value leaves the
 * previous setting in place (and the registry warns about it).
 */
#include <xen/dom0_opts.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/string.h>

#define PAGE_BYTES 4096ull
#define MIB ((uint64_t)1 << 20)

struct dom0_mem_opts dom0_mem;
struct dom0_vcpu_opts dom0_vcpus;

/* One <sz>, ending at ',' or the end of the string. */
static int parse_size_item(const char *s, const char **end,
                           struct dom0_size *sz)
{
    struct dom0_size v = { .set = true };
    const char *p = s;

    if ( *p == '-' )
    {
        v.minus = true;
        p++;
    }
    if ( *p < '0' || *p > '9' )
        return -EINVAL;

    /* "<n>%" alone, or "<size>" optionally followed by "+<n>%". */
    {
        const char *q;
        unsigned long n = simple_strtoul(p, &q, 10);

        if ( *q == '%' && !v.minus )
        {
            if ( n > 100 )
                return -EINVAL;
            v.percent = n;
            p = q + 1;
            goto done;
        }
    }

    v.bytes = parse_size_and_unit(p, &p);
    if ( *p == '+' && !v.minus )
    {
        const char *q;
        unsigned long n = simple_strtoul(p + 1, &q, 10);

        if ( q == p + 1 || *q != '%' || n > 100 )
            return -EINVAL;
        v.percent = n;
        p = q + 1;
    }

 done:
    if ( *p && *p != ',' )
        return -EINVAL;
    *end = p;
    *sz = v;
    return 0;
}

int dom0_mem_parse(const char *s, struct dom0_mem_opts *out)
{
    struct dom0_mem_opts o = { };

    if ( !*s )
        return -EINVAL;

    for ( ; ; )
    {
        struct dom0_size *target = &o.amount;
        const char *end;

        if ( !strncmp(s, "min:", 4) )
        {
            target = &o.min;
            s += 4;
        }
        else if ( !strncmp(s, "max:", 4) )
        {
            target = &o.max;
            s += 4;
        }
        if ( parse_size_item(s, &end, target) )
            return -EINVAL;
        if ( !*end )
            break;
        s = end + 1;
    }

    *out = o;
    return 0;
}

int dom0_max_vcpus_parse(const char *s, struct dom0_vcpu_opts *out)
{
    struct dom0_vcpu_opts o = { };
    const char *p;
    unsigned long a = simple_strtoul(s, &p, 10);

    if ( p == s || a == 0 || a > 4096 )
        return -EINVAL;

    if ( *p == '-' )
    {
        const char *q;
        unsigned long b;

        o.min = a;
        if ( !p[1] )                 /* "<min>-": no upper bound */
        {
            *out = o;
            return 0;
        }
        b = simple_strtoul(p + 1, &q, 10);
        if ( q == p + 1 || *q || b < a || b > 4096 )
            return -EINVAL;
        o.max = b;
    }
    else if ( *p )
        return -EINVAL;
    else
        o.min = o.max = a;          /* "N": exactly N, as on Xen */

    *out = o;
    return 0;
}

static uint64_t size_resolve(const struct dom0_size *sz, uint64_t host)
{
    uint64_t share = host / 100 * sz->percent + host % 100 * sz->percent / 100;

    if ( sz->minus )
        return sz->bytes >= host ? 0 : host - sz->bytes;
    return (sz->bytes > host ? host : sz->bytes) + share;
}

uint64_t dom0_mem_resolve(const struct dom0_mem_opts *o, uint64_t host)
{
    /* As on Xen: a sixteenth of the host stays back, at most 128 MiB. */
    uint64_t reserve = min_t(uint64_t, host / 16, 128 * MIB);
    uint64_t want;

    if ( o->amount.set )
        want = size_resolve(&o->amount, host);
    else
        want = host > reserve ? host - reserve : 0;

    if ( o->min.set )
        want = max(want, size_resolve(&o->min, host));
    if ( o->max.set )
        want = min(want, size_resolve(&o->max, host));
    want = min(want, host);
    return want & ~(PAGE_BYTES - 1);
}

unsigned int dom0_vcpus_resolve(const struct dom0_vcpu_opts *o,
                                unsigned int nr_cpus)
{
    unsigned int n = nr_cpus;

    if ( o->max && n > o->max )
        n = o->max;
    if ( o->min && n < o->min )
        n = o->min;
    return n ? n : 1;
}

static int parse_dom0_mem(const char *s)
{
    return dom0_mem_parse(s, &dom0_mem);
}
custom_param("dom0_mem", parse_dom0_mem);

static int parse_dom0_max_vcpus(const char *s)
{
    return dom0_max_vcpus_parse(s, &dom0_vcpus);
}
custom_param("dom0_max_vcpus", parse_dom0_max_vcpus);
