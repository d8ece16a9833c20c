# APIC ID decoding and logical CPU order; CPUID comes from tables.
SRCS-test_topology := $(XEN)/arch/x86/topology.c
