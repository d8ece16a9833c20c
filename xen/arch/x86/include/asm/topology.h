/*
 * asm/topology.h: CPU topology from APIC IDs: which socket, core and
 * thread an APIC ID names, and the order logical CPUs are numbered in.
 */
#ifndef ASM_X86_TOPOLOGY_H
#define ASM_X86_TOPOLOGY_H

#include <asm/processor.h>
#include <xen/types.h>

/*
 * How an APIC ID splits, low bits first:
 *   thread = apicid & ((1 << smt_bits) - 1)
 *   core   = (apicid >> smt_bits) & ((1 << core_bits) - 1)
 *   socket = apicid >> (smt_bits + core_bits)
 * "core" covers every level between the thread and the package (module,
 * tile, die where CPUID reports them). smt_bits + core_bits < 32.
 */
struct cpu_topology_shifts {
    unsigned int smt_bits;
    unsigned int core_bits;
};

/* A CPUID instruction: the real one, or a table in host tests. */
typedef void (*cpuid_fn_t)(uint32_t leaf, uint32_t subleaf,
                           struct cpuid_leaf *r);

/*
 * Fill *s from the CPUID of the running CPU, as fn reports it (NULL: the
 * real CPUID instruction). Never fails: a CPU that describes nothing is one
 * thread of one core ({ 0, 0 }).
 */
void topology_read_shifts(struct cpu_topology_shifts *s, cpuid_fn_t fn);

struct cpu_topo {
    uint32_t apicid;
    unsigned int socket, core, thread;
};

void topology_decode(uint32_t apicid, const struct cpu_topology_shifts *s,
                     struct cpu_topo *out);

/*
 * Write the n APIC IDs of apicids[] to order_out[] (n entries; the arrays
 * must not overlap) in logical CPU order: boot_apicid first (its first
 * occurrence, if it is in the list at all), then the rest sorted by
 * (socket, core, thread), stably, so duplicates keep their input order.
 * No allocation; O(n^2) compares, fine for n <= NR_CPUS at boot.
 */
void topology_order(const uint32_t *apicids, unsigned int n,
                    uint32_t boot_apicid,
                    const struct cpu_topology_shifts *s, uint32_t *order_out);

/* "socket %u, core %u, thread %u"; returns as snprintf() does. */
int topology_format(char *buf, size_t len, const struct cpu_topo *t);

#endif /* ASM_X86_TOPOLOGY_H */
