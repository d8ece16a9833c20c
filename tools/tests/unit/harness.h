/*
 * harness.h: a small host-side unit-test harness.
 *
 * A test file defines cases with TEST(name) { ... } and checks with CHECK()
 * and friends. Each test binary links harness.c, which provides main(): it
 * runs every registered case (or those whose name contains argv[1]), prints
 * one line per failed check and a summary "<binary>: N passed, M failed",
 * and exits non-zero when anything failed.
 *
 * Hypervisor modules under test call printk(), panic() and ASSERT(); the
 * harness supplies those. printk() output is appended to a capture buffer
 * (harness_log()) so tests can assert on warnings; it is echoed to stderr
 * when HARNESS_VERBOSE is set in the environment. panic() and a failed
 * ASSERT()/BUG() inside a case abandon that case (longjmp) and count as a
 * failure, unless the case announced it with EXPECT_PANIC().
 */
#ifndef TOOLS_TESTS_UNIT_HARNESS_H
#define TOOLS_TESTS_UNIT_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

typedef void (*harness_fn)(void);

void harness_register(const char *name, harness_fn fn);
bool harness_check(bool ok, const char *expr, const char *file, int line);
bool harness_check_int(long long a, long long b, const char *ea,
                       const char *eb, const char *file, int line);
bool harness_check_str(const char *a, const char *b, const char *ea,
                       const char *eb, const char *file, int line);

/* Captured printk() output since the last harness_log_clear(). */
const char *harness_log(void);
void harness_log_clear(void);
/* True if the captured log contains needle. */
bool harness_log_contains(const char *needle);

/* Run fn; return true if it panicked/BUGged/failed an ASSERT. */
bool harness_panics(harness_fn fn);
/* The message of the last panic/assertion caught by harness_panics(). */
const char *harness_last_panic(void);

/*
 * Simulated CPU for code under test: smp_processor_id() returns the value
 * set here (per host thread, default 0); local_irq_*() flip a per-thread
 * flag that starts enabled.
 */
void harness_set_cpu(unsigned int cpu);

#define TEST(name)                                                          \
    static void name(void);                                                 \
    __attribute__((constructor)) static void harness_reg_##name(void)      \
    { harness_register(#name, name); }                                      \
    static void name(void)

#define CHECK(cond) harness_check(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ(a, b) \
    harness_check_int((long long)(a), (long long)(b), #a, #b, __FILE__, __LINE__)
#define CHECK_STREQ(a, b) \
    harness_check_str((a), (b), #a, #b, __FILE__, __LINE__)
#define CHECK_LOG(needle) \
    harness_check(harness_log_contains(needle), "log contains \"" needle "\"", \
                  __FILE__, __LINE__)

#endif /* TOOLS_TESTS_UNIT_HARNESS_H */
