/*
 * xen/compiler.h: attributes and compile-time helpers.
 */
#ifndef XEN_COMPILER_H
#define XEN_COMPILER_H

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define __packed        __attribute__((__packed__))
#define __aligned(a)    __attribute__((__aligned__(a)))
#define __section(s)    __attribute__((__section__(s)))
#define __used          __attribute__((__used__))
#define __maybe_unused  __attribute__((__unused__))
#define __noreturn      __attribute__((__noreturn__))
#define __printf(a, b)  __attribute__((__format__(__printf__, a, b)))
#ifndef __always_inline /* the host C library defines it too */
#define __always_inline inline __attribute__((__always_inline__))
#endif
#define noinline        __attribute__((__noinline__))

#define barrier() __asm__ __volatile__("" ::: "memory")

#define ACCESS_ONCE(x) (*(volatile __typeof__(x) *)&(x))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Fails to compile when cond is true. Usable in statement context only. */
#define BUILD_BUG_ON(cond) _Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")")

#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))

#define __stringify_1(x) #x
#define __stringify(x)   __stringify_1(x)

#endif /* XEN_COMPILER_H */
