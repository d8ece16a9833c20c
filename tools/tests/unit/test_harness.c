/* test_harness.c: the harness checks itself (capture, panic catching). */
#include <string.h>

#include <xen/lib.h>

#include "harness.h"

static void do_panic(void)
{
    panic("boom %d", 42);
}

static void do_nothing(void)
{
}

static void do_assert(void)
{
    ASSERT(1 + 1 == 3);
}

TEST(printk_is_captured)
{
    printk("hello %s\n", "world");
    CHECK_LOG("hello world");
    CHECK(!harness_log_contains("goodbye"));
}

TEST(panic_is_caught)
{
    CHECK(harness_panics(do_panic));
    CHECK_STREQ(harness_last_panic(), "panic: boom 42");
    CHECK(!harness_panics(do_nothing));
}

TEST(assert_is_active)
{
    CHECK(harness_panics(do_assert));
    CHECK(strstr(harness_last_panic(), "1 + 1 == 3") != NULL);
}
