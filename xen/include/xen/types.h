/*
 * xen/types.h: fixed-width and size types. Only the compiler's own
 * freestanding headers are used, so the same definitions are valid when a
 * pure module is compiled for the host unit tests.
 */
#ifndef XEN_TYPES_H
#define XEN_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int8_t s8;
typedef uint8_t u8;
typedef int16_t s16;
typedef uint16_t u16;
typedef int32_t s32;
typedef uint32_t u32;
typedef int64_t s64;
typedef uint64_t u64;

typedef long ssize_t;

/* A physical (machine) address. */
typedef uint64_t paddr_t;
#define PRIpaddr "016lx"

#endif /* XEN_TYPES_H */
