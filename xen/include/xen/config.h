/*
 * xen/config.h: included first into every hypervisor translation unit
 * (-include on the compiler command line). Holds build-wide configuration;
 * layout constants live in asm/config.h.
 */
#ifndef XEN_CONFIG_H
#define XEN_CONFIG_H

#define CONFIG_X86_64 1

#ifndef CONFIG_DEBUG
#define CONFIG_DEBUG 0
#endif

/* IS_ENABLED(CONFIG_FOO): 1 if CONFIG_FOO is defined to 1, else 0. */
#define IS_ENABLED(opt) (opt)

#define NR_CPUS 256

#define XEN_VERSION_MAJOR 0
#define XEN_VERSION_MINOR 1
#define XEN_EXTRAVERSION ".0-dev"

#include <asm/config.h>

#if !defined(__ASSEMBLY__) && !defined(__XEN_HOST_TEST__)
/* No symbol is ever looked up through a GOT: see Config.mk. */
#pragma GCC visibility push(hidden)
#endif

#endif /* XEN_CONFIG_H */
