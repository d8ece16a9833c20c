/*
 * xen/lib.h: the hypervisor's small runtime library: printing, assertions,
 * number parsing, min/max.
 */
#ifndef XEN_LIB_H
#define XEN_LIB_H

#include <xen/compiler.h>
#include <xen/types.h>

/*
 * Log levels. A message may start with one of these prefixes; printk()
 * strips it and prints the message only when its level is at or above the
 * console threshold set with loglvl=. A message without a prefix is INFO.
 */
#define XENLOG_ERR     "<0>"
#define XENLOG_WARNING "<1>"
#define XENLOG_INFO    "<2>"
#define XENLOG_DEBUG   "<3>"

enum loglevel {
    LOGLVL_ERR = 0,
    LOGLVL_WARNING = 1,
    LOGLVL_INFO = 2,
    LOGLVL_DEBUG = 3,
};

void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list args);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vscnprintf(char *buf, size_t size, const char *fmt, va_list args);
int scnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Number parsing, in the style of strtoul(): base 0 auto-detects 0x / 0. */
unsigned long simple_strtoul(const char *cp, const char **endp, unsigned int base);
unsigned long long simple_strtoull(const char *cp, const char **endp, unsigned int base);
long simple_strtol(const char *cp, const char **endp, unsigned int base);

/*
 * "16M", "512k", "4G", "1T", "4096" (bytes; B suffix allowed) -> bytes.
 * *endp is left after the number and unit.
 */
unsigned long long parse_size_and_unit(const char *s, const char **endp);

/*
 * Boolean words as Xen users write them: 1/yes/true/on/enable and
 * 0/no/false/off/disable. Returns 1, 0, or -1 if s[0..len) is none of them.
 * len < 0 means "up to the NUL".
 */
int parse_bool(const char *s, int len);

/* Panic and assertions. */
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;
void __bug(const char *file, int line) __noreturn;
void __assert_failed(const char *expr, const char *file, int line) __noreturn;

#define BUG() __bug(__FILE__, __LINE__)
#define BUG_ON(cond) do { if ( unlikely(cond) ) BUG(); } while ( 0 )

#if CONFIG_DEBUG
#define ASSERT(p) \
    do { if ( unlikely(!(p)) ) __assert_failed(#p, __FILE__, __LINE__); } while ( 0 )
#define ASSERT_UNREACHABLE() __assert_failed("unreachable", __FILE__, __LINE__)
#else
#define ASSERT(p) do { if ( 0 && (p) ) { } } while ( 0 )
#define ASSERT_UNREACHABLE() do { } while ( 0 )
#endif

#define min(x, y) ({                    \
    __typeof__(x) _x = (x);             \
    __typeof__(y) _y = (y);             \
    (void)(&_x == &_y);                 \
    _x < _y ? _x : _y; })
#define max(x, y) ({                    \
    __typeof__(x) _x = (x);             \
    __typeof__(y) _y = (y);             \
    (void)(&_x == &_y);                 \
    _x > _y ? _x : _y; })
#define min_t(t, x, y) min((t)(x), (t)(y))
#define max_t(t, x, y) max((t)(x), (t)(y))

#define ROUNDUP(x, a)   (((x) + (a) - 1) & ~((a) - 1))
#define ROUNDDOWN(x, a) ((x) & ~((a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((a) - 1)) == 0)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))

#endif /* XEN_LIB_H */
