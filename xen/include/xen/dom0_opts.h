/*
 * xen/dom0_opts.h: dom0's size as the administrator asked for it on the
 * command line (dom0_mem=, dom0_max_vcpus=), and its resolution against
 * the machine the hypervisor finds itself on.
 */
#ifndef XEN_DOM0_OPTS_H
#define XEN_DOM0_OPTS_H

#include <xen/types.h>

/* One memory amount: <size>, -<size>, <n>%, or <size>+<n>%. */
struct dom0_size {
    bool set;
    bool minus;              /* "all host memory but <bytes>" */
    uint64_t bytes;
    unsigned int percent;    /* of host memory, added to bytes */
};

struct dom0_mem_opts {
    struct dom0_size amount, min, max;
};

struct dom0_vcpu_opts {
    unsigned int min, max;   /* 0 = not set */
};

/* Parsers for the option strings; 0 or -EINVAL, *out untouched on error. */
int dom0_mem_parse(const char *s, struct dom0_mem_opts *out);
int dom0_max_vcpus_parse(const char *s, struct dom0_vcpu_opts *out);

/*
 * Bytes of memory for dom0 on a host with host_bytes of RAM: the amount
 * asked for (all but a reserve when nothing was: 1/16 of the host, at most
 * 128 MiB, stays with the hypervisor, as on Xen), clamped to [min, max] and to
 * the host, rounded down to whole pages.
 */
uint64_t dom0_mem_resolve(const struct dom0_mem_opts *o, uint64_t host_bytes);

/* vCPUs for dom0 on a host with nr_cpus CPUs: default all, within [min, max]. */
unsigned int dom0_vcpus_resolve(const struct dom0_vcpu_opts *o,
                                unsigned int nr_cpus);

/* The values parsed from the command line. */
extern struct dom0_mem_opts dom0_mem;
extern struct dom0_vcpu_opts dom0_vcpus;

#endif /* XEN_DOM0_OPTS_H */
