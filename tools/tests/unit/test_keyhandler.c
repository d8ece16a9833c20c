/*
 * test_keyhandler.c: the debug-key registry (xen/common/keyhandler.c).
 *
 * The module is included, not linked, so that each case can put the key
 * table back to its boot state (only 'h' and '*') and so check the 'h'
 * list exactly, as a user reads it on the console.
 */
#include "../../../xen/common/keyhandler.c"

#include <asm/regs.h>
#include <string.h>

#include "harness.h"

#include <xen/softirq.h>

/* Normal handlers run from a tasklet: play this CPU's softirqs after a key. */
void smp_send_event_check_cpu(unsigned int cpu) { (void)cpu; }
void smp_send_event_check_mask(const cpumask_t *mask) { (void)mask; }

static bool softirqs_opened;

static void press(unsigned char key, const struct cpu_user_regs *regs)
{
    if ( !softirqs_opened )
    {
        tasklet_subsys_init();
        softirqs_opened = true;
    }
    handle_keypress(key, regs);
    do_softirq();
}

static struct keyhandler boot_table[KEYHANDLER_NR_KEYS];
static bool boot_table_saved;

static char calls[64];                  /* keys whose handlers ran, in order */
static unsigned int nr_calls;
static const struct cpu_user_regs *seen_regs;
static unsigned int irq_calls;

static void reset(void)
{
    if ( !boot_table_saved )
    {
        memcpy(boot_table, key_table, sizeof(key_table));
        boot_table_saved = true;
    }
    memcpy(key_table, boot_table, sizeof(key_table));
    memset(calls, 0, sizeof(calls));
    nr_calls = 0;
    seen_regs = NULL;
    irq_calls = 0;
    harness_log_clear();
}

static void record(unsigned char key)
{
    if ( nr_calls < sizeof(calls) - 1 )
        calls[nr_calls++] = key;
}

static void normal_fn(unsigned char key)
{
    record(key);
}

static void other_fn(unsigned char key)
{
    record('!');
}

static void irq_fn(unsigned char key, const struct cpu_user_regs *regs)
{
    record(key);
    seen_regs = regs;
    irq_calls++;
}

TEST(help_lists_builtins)
{
    reset();
    press('h', NULL);
    CHECK_STREQ(harness_log(),
                "'h' pressed -> showing installed handlers\n"
                " key '*' (ascii '2a') => print all diagnostics\n"
                " key 'h' (ascii '68') => show this message\n");
}

TEST(help_is_sorted_by_key_whatever_the_registration_order)
{
    reset();
    register_keyhandler('z', normal_fn, "last letter", false);
    register_irq_keyhandler('R', irq_fn, "reboot machine", false);
    register_keyhandler('a', normal_fn, "first letter", true);
    register_keyhandler(0x01, normal_fn, "a control key", false);
    register_keyhandler(0x7f, normal_fn, "delete", false);
    press('h', NULL);
    CHECK_STREQ(harness_log(),
                "'h' pressed -> showing installed handlers\n"
                " key ' ' (ascii '01') => a control key\n"
                " key '*' (ascii '2a') => print all diagnostics\n"
                " key 'R' (ascii '52') => reboot machine\n"
                " key 'a' (ascii '61') => first letter\n"
                " key 'h' (ascii '68') => show this message\n"
                " key 'z' (ascii '7a') => last letter\n"
                " key ' ' (ascii '7f') => delete\n");
    CHECK_EQ(nr_calls, 0);              /* listing runs nothing */
}

TEST(normal_handler_gets_its_key)
{
    reset();
    register_keyhandler('m', normal_fn, "memory info", true);
    press('m', NULL);
    press('m', NULL);
    CHECK_STREQ(calls, "mm");
    CHECK_STREQ(harness_log(), "");     /* the handler prints its own */
}

TEST(irq_handler_gets_key_and_regs)
{
    struct cpu_user_regs regs = { .rip = 0x1234 };

    reset();
    register_irq_keyhandler('d', irq_fn, "dump registers", true);
    press('d', &regs);
    CHECK_STREQ(calls, "d");
    CHECK(seen_regs == &regs);
    CHECK_EQ(irq_calls, 1);

    press('d', NULL);         /* not from an interrupt */
    CHECK(seen_regs == NULL);
    CHECK_EQ(irq_calls, 2);
}

TEST(unknown_keys_only_log_at_debug_level)
{
    reset();
    register_keyhandler('m', normal_fn, "memory info", true);
    press('q', NULL);
    press(0x03, NULL);
    press(0x80, NULL);        /* beyond the table */
    press(0xff, NULL);
    CHECK_STREQ(calls, "");
    CHECK_STREQ(harness_log(),
                XENLOG_DEBUG "'q' (ascii '71') pressed -> no handler\n"
                XENLOG_DEBUG "' ' (ascii '03') pressed -> no handler\n"
                XENLOG_DEBUG "' ' (ascii '80') pressed -> no handler\n"
                XENLOG_DEBUG "' ' (ascii 'ff') pressed -> no handler\n");
}

TEST(star_runs_diagnostics_only_irq_ones_first)
{
    struct cpu_user_regs regs = { .rip = 0xabcd };

    reset();
    register_keyhandler('d', normal_fn, "D", true);
    register_irq_keyhandler('c', irq_fn, "C", true);
    register_keyhandler('b', normal_fn, "B", true);
    register_irq_keyhandler('a', irq_fn, "A", true);
    register_keyhandler('e', normal_fn, "not diagnostic", false);
    register_irq_keyhandler('f', irq_fn, "not diagnostic either", false);

    press('*', &regs);
    CHECK_STREQ(calls, "acbd");
    CHECK(seen_regs == &regs);          /* irq ones get the '*' regs */
    CHECK_EQ(irq_calls, 2);
    CHECK_STREQ(harness_log(),
                "'*' pressed -> firing all diagnostic keyhandlers\n"
                "[a: A]\n"
                "[c: C]\n"
                "[b: B]\n"
                "[d: D]\n");
}

TEST(star_with_no_diagnostics_prints_only_its_header)
{
    reset();
    press('*', NULL);         /* 'h' and '*' are not diagnostic */
    CHECK_STREQ(harness_log(),
                "'*' pressed -> firing all diagnostic keyhandlers\n");
}

static void register_m_again(void)
{
    register_keyhandler('m', other_fn, "something else", false);
}

static void register_h_again(void)
{
    register_irq_keyhandler('h', irq_fn, "my help", false);
}

TEST(registering_a_key_twice_is_caught)
{
    reset();
    register_keyhandler('m', normal_fn, "memory info", true);
    CHECK(harness_panics(register_m_again));
    CHECK(strstr(harness_last_panic(), "!h->fn && !h->irq_fn"));
    CHECK(harness_panics(register_h_again));

    /* Checked before anything changed: the first registrations stand. */
    press('m', NULL);
    CHECK_STREQ(calls, "m");
    harness_log_clear();
    press('h', NULL);
    CHECK_LOG(" key 'h' (ascii '68') => show this message\n");
    CHECK_LOG(" key 'm' (ascii '6d') => memory info\n");
}

static void register_out_of_range(void)
{
    register_keyhandler(0x80, normal_fn, "high", false);
}

static void register_without_description(void)
{
    register_keyhandler('n', normal_fn, NULL, false);
}

static void register_null_handler(void)
{
    register_irq_keyhandler('n', NULL, "nothing", false);
}

TEST(bad_registrations_are_caught)
{
    reset();
    CHECK(harness_panics(register_out_of_range));
    CHECK(strstr(harness_last_panic(), "BUG at"));
    CHECK(harness_panics(register_without_description));
    CHECK(harness_panics(register_null_handler));

    press('n', NULL);         /* still no handler */
    CHECK_STREQ(calls, "");
}

TEST(normal_handlers_are_deferred_irq_handlers_are_not)
{
    struct cpu_user_regs regs;

    reset();
    press('h', NULL);                   /* opens the softirqs */
    register_keyhandler('m', normal_fn, "normal", false);
    register_irq_keyhandler('d', irq_fn, "irq", false);
    handle_keypress('m', NULL);
    CHECK_EQ(nr_calls, 0);              /* queued, not run */
    handle_keypress('d', &regs);
    CHECK_EQ(irq_calls, 1);             /* at once */
    do_softirq();
    CHECK_STREQ(calls, "dm");
}
