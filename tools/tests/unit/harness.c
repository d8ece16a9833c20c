/*
 * harness.c: main() and the hypervisor runtime stand-ins for host unit tests.
 * See harness.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include <asm/mm.h>
#include <asm/system.h>

#define MAX_TESTS 512
#define LOG_SIZE (64 * 1024)

static struct { const char *name; harness_fn fn; } tests[MAX_TESTS];
static unsigned int nr_tests;
static unsigned int checks_failed_in_case;
static const char *current_case;

static char log_buf[LOG_SIZE];
static size_t log_len;
static bool verbose;

static jmp_buf *panic_jmp;
static char last_panic[512];

void harness_register(const char *name, harness_fn fn)
{
    if ( nr_tests == MAX_TESTS )
    {
        fprintf(stderr, "harness: too many tests (max %d)\n", MAX_TESTS);
        exit(2);
    }
    tests[nr_tests].name = name;
    tests[nr_tests].fn = fn;
    nr_tests++;
}

bool harness_check(bool ok, const char *expr, const char *file, int line)
{
    if ( !ok )
    {
        checks_failed_in_case++;
        printf("  FAIL %s: %s:%d: %s\n", current_case, file, line, expr);
    }
    return ok;
}

bool harness_check_int(long long a, long long b, const char *ea,
                       const char *eb, const char *file, int line)
{
    if ( a == b )
        return true;
    checks_failed_in_case++;
    printf("  FAIL %s: %s:%d: %s == %s (%lld / %#llx vs %lld / %#llx)\n",
           current_case, file, line, ea, eb, a, a, b, b);
    return false;
}

bool harness_check_str(const char *a, const char *b, const char *ea,
                       const char *eb, const char *file, int line)
{
    if ( a && b && !strcmp(a, b) )
        return true;
    checks_failed_in_case++;
    printf("  FAIL %s: %s:%d: %s == %s (\"%s\" vs \"%s\")\n", current_case,
           file, line, ea, eb, a ? a : "(null)", b ? b : "(null)");
    return false;
}

const char *harness_log(void)
{
    return log_buf;
}

void harness_log_clear(void)
{
    log_len = 0;
    log_buf[0] = '\0';
}

bool harness_log_contains(const char *needle)
{
    return strstr(log_buf, needle) != NULL;
}

static void log_append(const char *s)
{
    size_t n = strlen(s);

    if ( verbose )
        fputs(s, stderr);
    if ( n > LOG_SIZE - 1 - log_len )
        n = LOG_SIZE - 1 - log_len;
    memcpy(log_buf + log_len, s, n);
    log_len += n;
    log_buf[log_len] = '\0';
}

/* --- Stand-ins for the hypervisor runtime. --- */

void vprintk(const char *fmt, va_list args);
void printk(const char *fmt, ...);
void panic(const char *fmt, ...);
void __bug(const char *file, int line);
void __assert_failed(const char *expr, const char *file, int line);

void vprintk(const char *fmt, va_list args)
{
    char buf[1024];

    vsnprintf(buf, sizeof(buf), fmt, args);
    log_append(buf);
}

void printk(const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vprintk(fmt, args);
    va_end(args);
}

static void __attribute__((noreturn)) caught(void)
{
    if ( panic_jmp )
        longjmp(*panic_jmp, 1);
    printf("  FAIL %s: unexpected panic: %s\n", current_case ?: "?", last_panic);
    exit(1);
}

void panic(const char *fmt, ...)
{
    va_list args;
    int n = snprintf(last_panic, sizeof(last_panic), "panic: ");

    va_start(args, fmt);
    vsnprintf(last_panic + n, sizeof(last_panic) - n, fmt, args);
    va_end(args);
    caught();
}

void __bug(const char *file, int line)
{
    snprintf(last_panic, sizeof(last_panic), "BUG at %s:%d", file, line);
    caught();
}

void __assert_failed(const char *expr, const char *file, int line)
{
    snprintf(last_panic, sizeof(last_panic), "Assertion '%s' failed at %s:%d",
             expr, file, line);
    caught();
}

bool harness_panics(harness_fn fn)
{
    jmp_buf jb, *saved = panic_jmp;
    bool panicked = false;

    panic_jmp = &jb;
    if ( setjmp(jb) == 0 )
        fn();
    else
        panicked = true;
    panic_jmp = saved;
    return panicked;
}

const char *harness_last_panic(void)
{
    return last_panic;
}

/* --- main --- */

static void run_case(unsigned int i, unsigned int *passed, unsigned int *failed)
{
    jmp_buf jb;

    current_case = tests[i].name;
    checks_failed_in_case = 0;
    harness_log_clear();
    panic_jmp = &jb;
    if ( setjmp(jb) == 0 )
        tests[i].fn();
    else
    {
        printf("  FAIL %s: unexpected %s\n", current_case, last_panic);
        checks_failed_in_case++;
    }
    panic_jmp = NULL;

    if ( checks_failed_in_case )
        (*failed)++;
    else
        (*passed)++;
}

int main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    unsigned int i, passed = 0, failed = 0;

    verbose = getenv("HARNESS_VERBOSE") != NULL;
    for ( i = 0; i < nr_tests; i++ )
        if ( !filter || strstr(tests[i].name, filter) )
            run_case(i, &passed, &failed);

    printf("%s: %u passed, %u failed\n", prog, passed, failed);
    if ( passed + failed == 0 )
    {
        printf("%s: no test matched\n", prog);
        return 1;
    }
    return failed ? 1 : 0;
}

/*
 * Simulated CPU state for hypervisor code that asks which CPU it runs on
 * or whether interrupts are enabled: one of each per host thread, so a
 * test can run several "CPUs" as threads.
 */
static __thread unsigned int sim_cpu;
static __thread bool sim_irq_enabled = true;

void harness_set_cpu(unsigned int cpu)
{
    sim_cpu = cpu;
}

unsigned int smp_processor_id(void)
{
    return sim_cpu;
}

void local_irq_disable(void)
{
    sim_irq_enabled = false;
}

void local_irq_enable(void)
{
    sim_irq_enabled = true;
}

bool local_irq_is_enabled(void)
{
    return sim_irq_enabled;
}

unsigned long host_test_irq_save(void)
{
    unsigned long flags = sim_irq_enabled ? X86_EFLAGS_IF : 0;

    sim_irq_enabled = false;
    return flags;
}

void host_test_irq_restore(unsigned long flags)
{
    sim_irq_enabled = !!(flags & X86_EFLAGS_IF);
}

/* Tests of memory-management code point these at their simulated RAM. */
unsigned char *host_test_directmap;
struct page_info *frame_table;
