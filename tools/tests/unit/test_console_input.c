/*
 * test_console_input.c: the serial input switch and dom0's input ring
 * (xen/drivers/char/console_input.c).
 *
 * The module is included, not linked, so that each case starts from the
 * boot state and so that conswitch= can be given to the real command-line
 * parser through the module's own registry entry (the warnings checked are
 * those a user sees). handle_keypress() is a stand-in that records the
 * keys delivered to the hypervisor.
 */
#include "../../../xen/drivers/char/console_input.c"

#include <asm/regs.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static unsigned char keys[512];         /* delivered to handle_keypress() */
static unsigned int nr_keys;
static const struct cpu_user_regs *key_regs;
static bool reenter;                    /* the stand-in feeds another char */
static unsigned int notifies;

void handle_keypress(unsigned char key, const struct cpu_user_regs *regs)
{
    if ( nr_keys < sizeof(keys) )
        keys[nr_keys++] = key;
    key_regs = regs;
    if ( reenter )
        console_rx_char('z', NULL);
}

static void count_notify(void)
{
    notifies++;
}

static void reset(void)
{
    input_owner = INPUT_XEN;
    opt_switch_letter = 'a';
    opt_keep_on_xen = false;
    switch_held = 0;
    memset(rx_ring, 0, sizeof(rx_ring));
    rx_prod = rx_cons = 0;
    rx_dropped = 0;
    rx_notify = NULL;
    rx_busy = false;
    nr_keys = 0;
    key_regs = NULL;
    reenter = false;
    notifies = 0;
    harness_log_clear();
}

static void type_n(const char *s, size_t n)
{
    size_t i;

    for ( i = 0; i < n; i++ )
        console_rx_char(s[i], NULL);
}

static void type(const char *s)
{
    type_n(s, strlen(s));
}

/* Did the hypervisor get exactly these keys (since the last reset)? */
static bool keys_are(const char *expect, size_t n)
{
    return nr_keys == n && !memcmp(keys, expect, n);
}
#define CHECK_KEYS(s) CHECK(keys_are(s, sizeof(s) - 1))

/* Does dom0 read exactly this, and then nothing? */
static bool ring_holds(const char *expect, size_t n)
{
    char buf[SERIAL_RX_SIZE * 2];
    size_t got = console_rx_read(buf, sizeof(buf));

    return got == n && !memcmp(buf, expect, n) &&
           console_rx_read(buf, sizeof(buf)) == 0;
}
#define CHECK_RING(s) CHECK(ring_holds(s, sizeof(s) - 1))

static unsigned int boot(const char *cmdline)
{
    return parse_params(cmdline, &__kparam_parse_conswitch,
                        &__kparam_parse_conswitch + 1);
}

#define TO_XEN  "*** Serial input to Xen (type 'CTRL-a' three times to switch input)\n"
#define TO_DOM0 "*** Serial input to DOM0 (type 'CTRL-a' three times to switch input)\n"

TEST(boot_input_goes_to_xen_with_the_regs)
{
    struct cpu_user_regs regs = { .rip = 0x42 };

    reset();
    console_rx_set_notify(count_notify);
    console_rx_char('h', &regs);
    CHECK(key_regs == &regs);
    console_rx_char((char)0xe9, NULL);
    CHECK(key_regs == NULL);
    CHECK_KEYS("h\xe9");
    CHECK_RING("");
    CHECK_EQ(notifies, 0);
    CHECK_STREQ(harness_log(), "");
}

TEST(endboot_gives_input_to_dom0)
{
    reset();
    console_input_endboot();
    CHECK_STREQ(harness_log(), TO_DOM0);
    type("ls\r");
    CHECK_KEYS("");
    CHECK_RING("ls\r");
}

TEST(three_ctrl_a_toggle_and_announce)
{
    reset();
    type("\x01\x01\x01");
    CHECK_STREQ(harness_log(), TO_DOM0);
    CHECK_KEYS("");                     /* the sequence is consumed */
    type("ab");
    CHECK_RING("ab");

    harness_log_clear();
    type("\x01\x01\x01");
    CHECK_STREQ(harness_log(), TO_XEN);
    type("c");
    CHECK_KEYS("c");
    CHECK_RING("");                     /* nor did the sequence reach dom0 */
}

TEST(two_ctrl_a_then_another_char_reach_xen)
{
    reset();
    type("\x01\x01");
    CHECK_KEYS("");                     /* held back for now */
    type("x");
    CHECK_KEYS("\x01\x01" "x");         /* then delivered, in order */
    CHECK_STREQ(harness_log(), "");     /* no switch */
    CHECK_EQ(input_owner, INPUT_XEN);
}

TEST(two_ctrl_a_then_another_char_reach_dom0)
{
    reset();
    console_input_endboot();
    type("\x01" "q" "\x01\x01" "x");
    CHECK_RING("\x01" "q" "\x01\x01" "x");
    CHECK_EQ(input_owner, INPUT_DOM0);
}

TEST(the_three_must_be_consecutive)
{
    reset();
    type("\x01\x01" "q" "\x01\x01");
    CHECK_STREQ(harness_log(), "");
    CHECK_KEYS("\x01\x01" "q");
    type("\x01");                       /* third in a row */
    CHECK_STREQ(harness_log(), TO_DOM0);
    CHECK_KEYS("\x01\x01" "q");
    CHECK_RING("");
}

TEST(a_fourth_ctrl_a_is_held_for_the_new_owner)
{
    reset();
    type("\x01\x01\x01\x01");
    CHECK_STREQ(harness_log(), TO_DOM0);
    CHECK_RING("");
    type("y");
    CHECK_RING("\x01" "y");
    CHECK_KEYS("");

    /* Six in a row: there and back again. */
    harness_log_clear();
    type("\x01\x01\x01\x01\x01\x01");
    CHECK_STREQ(harness_log(), TO_XEN TO_DOM0);
}

TEST(dom0_reads_in_pieces_and_is_notified_per_char)
{
    char buf[8];

    reset();
    console_rx_set_notify(count_notify);
    console_input_endboot();
    type("hello");
    CHECK_EQ(notifies, 5);

    CHECK_EQ(console_rx_read(buf, 0), 0);       /* takes nothing */
    CHECK_EQ(console_rx_read(buf, 3), 3);
    CHECK(!memcmp(buf, "hel", 3));
    CHECK_EQ(console_rx_read(buf, sizeof(buf)), 2);
    CHECK(!memcmp(buf, "lo", 2));
    CHECK_EQ(console_rx_read(buf, sizeof(buf)), 0);

    console_rx_set_notify(NULL);
    type("!");
    CHECK_EQ(notifies, 5);
    CHECK_RING("!");
}

TEST(overflow_drops_counts_and_still_notifies)
{
    char typed[SERIAL_RX_SIZE + 5], buf[SERIAL_RX_SIZE + 5];
    unsigned int i;

    reset();
    console_rx_set_notify(count_notify);
    console_input_endboot();
    for ( i = 0; i < sizeof(typed); i++ )
        typed[i] = 'A' + i % 26;
    type_n(typed, sizeof(typed));

    CHECK_EQ(console_rx_dropped(), 5);
    CHECK_EQ(notifies, sizeof(typed));
    CHECK_EQ(console_rx_read(buf, sizeof(buf)), SERIAL_RX_SIZE);
    CHECK(!memcmp(buf, typed, SERIAL_RX_SIZE)); /* the newest were dropped */

    type("z");                                  /* room again */
    CHECK_RING("z");
    CHECK_EQ(console_rx_dropped(), 5);
}

TEST(ring_indices_wrap)
{
    char buf[SERIAL_RX_SIZE];
    unsigned int i;

    reset();
    console_input_endboot();
    rx_prod = rx_cons = UINT_MAX - 2;
    type("0123456789");
    CHECK_EQ(console_rx_read(buf, 4), 4);
    CHECK(!memcmp(buf, "0123", 4));
    CHECK_RING("456789");

    /* Full across the wrap: exactly SERIAL_RX_SIZE fit. */
    for ( i = 0; i < SERIAL_RX_SIZE + 1; i++ )
        type("w");
    CHECK_EQ(console_rx_dropped(), 1);
    CHECK_EQ(console_rx_read(buf, sizeof(buf)), SERIAL_RX_SIZE);
}

TEST(conswitch_letter)
{
    reset();
    CHECK_EQ(boot("conswitch=b"), 0);
    CHECK_STREQ(harness_log(), "");
    console_input_endboot();
    CHECK_STREQ(harness_log(),
                "*** Serial input to DOM0 (type 'CTRL-b' three times to switch input)\n");

    type("\x01\x01\x01");               /* CTRL-a is now ordinary input */
    CHECK_RING("\x01\x01\x01");
    harness_log_clear();
    type("\x02\x02\x02");
    CHECK_STREQ(harness_log(),
                "*** Serial input to Xen (type 'CTRL-b' three times to switch input)\n");
    type("\x02\x02" "m");
    CHECK_KEYS("\x02\x02" "m");
}

TEST(conswitch_x_keeps_input_on_xen)
{
    reset();
    CHECK_EQ(boot("conswitch=ax"), 0);
    console_input_endboot();
    CHECK_STREQ(harness_log(), TO_XEN);
    type("k");
    CHECK_KEYS("k");
    CHECK_RING("");

    /* The switch still works. */
    type("\x01\x01\x01");
    CHECK_EQ(input_owner, INPUT_DOM0);

    reset();
    CHECK_EQ(boot("conswitch=zx"), 0);
    console_input_endboot();
    CHECK_STREQ(harness_log(),
                "*** Serial input to Xen (type 'CTRL-z' three times to switch input)\n");
}

TEST(conswitch_backtick_disables_switching)
{
    reset();
    CHECK_EQ(boot("conswitch=`"), 0);
    console_input_endboot();
    CHECK_STREQ(harness_log(), "*** Serial input to DOM0\n");
    type("\x01\x01\x01");
    type_n("\0", 1);                    /* NUL is not a switch character */
    CHECK_RING("\x01\x01\x01\0");
    CHECK_EQ(input_owner, INPUT_DOM0);

    reset();
    CHECK_EQ(boot("conswitch=`x"), 0);
    console_input_endboot();
    CHECK_STREQ(harness_log(), "*** Serial input to Xen\n");
}

TEST(conswitch_invalid_values_are_warned_and_ignored)
{
    static const char *const bad[] = {
        "conswitch=1", "conswitch=B", "conswitch=bxx", "conswitch=by",
        "conswitch=ab", "conswitch=", "conswitch", "no-conswitch",
        "conswitch=x1", "conswitch=\\",
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(bad); i++ )
    {
        reset();
        CHECK_EQ(boot("conswitch=cx"), 0);
        if ( !CHECK_EQ(boot(bad[i]), 1) )
            printf("    for '%s'\n", bad[i]);
        CHECK_LOG("for boot option 'conswitch' (error -22)");
        CHECK(opt_switch_letter == 'c' && opt_keep_on_xen);
    }

    reset();
    boot("conswitch=1");
    CHECK_STREQ(harness_log(), XENLOG_WARNING
                "Invalid value '1' for boot option 'conswitch' (error -22)\n");
    console_input_endboot();            /* the default stands */
    CHECK_LOG(TO_DOM0);
}

static void type_one(void)
{
    type("a");
}

TEST(a_second_producer_is_caught)
{
    reset();
    reenter = true;                     /* handle_keypress() feeds a char */
    CHECK(harness_panics(type_one));
    CHECK(strstr(harness_last_panic(), "!was_busy"));
}

/*
 * Readers on several CPUs at once. The producer never overfills (it waits
 * for room, as a real UART would by dropping instead), so every character
 * must be read exactly once, and each read must be a run of consecutive
 * characters: a read claims a contiguous stretch of the ring.
 */
#define STRESS_CHARS (SERIAL_RX_SIZE * 4000)
#define STRESS_READERS 3

static unsigned int stress_seen[SERIAL_RX_SIZE];
static unsigned int stress_total, stress_bad_runs;
static bool stress_done;

static void *stress_reader(void *arg)
{
    unsigned int seen[SERIAL_RX_SIZE] = { 0 }, total = 0, bad = 0, i;
    char buf[SERIAL_RX_SIZE / 4];

    harness_set_cpu((uintptr_t)arg);
    for ( ; ; )
    {
        bool done = __atomic_load_n(&stress_done, __ATOMIC_ACQUIRE);
        size_t n = console_rx_read(buf, 1 + total % sizeof(buf));

        for ( i = 0; i < n; i++ )
        {
            unsigned int c = (unsigned char)buf[i];
            unsigned int prev = (unsigned char)buf[i ? i - 1 : 0];

            seen[c % SERIAL_RX_SIZE]++;
            if ( i && c != (prev + 1) % SERIAL_RX_SIZE )
                bad++;
        }
        total += n;
        if ( !n && done )
            break;
    }

    for ( i = 0; i < SERIAL_RX_SIZE; i++ )
        __atomic_add_fetch(&stress_seen[i], seen[i], __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&stress_total, total, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&stress_bad_runs, bad, __ATOMIC_SEQ_CST);
    return NULL;
}

/* A broken ring may livelock: fail rather than hang. */
static void stress_timeout(int sig)
{
    static const char msg[] =
        "  FAIL concurrent_readers_get_each_char_once: timed out\n";

    (void)!write(1, msg, sizeof(msg) - 1);
    _exit(1);
}

TEST(concurrent_readers_get_each_char_once)
{
    pthread_t readers[STRESS_READERS];
    unsigned int i;

    signal(SIGALRM, stress_timeout);
    alarm(30);
    reset();
    opt_switch_letter = 0;              /* every value is plain input */
    console_input_endboot();
    for ( i = 0; i < STRESS_READERS; i++ )
        pthread_create(&readers[i], NULL, stress_reader,
                       (void *)(uintptr_t)(i + 1));

    for ( i = 0; i < STRESS_CHARS; i++ )
    {
        while ( rx_prod - __atomic_load_n(&rx_cons, __ATOMIC_ACQUIRE) >=
                SERIAL_RX_SIZE )
            ;
        console_rx_char(i % SERIAL_RX_SIZE, NULL);
    }
    __atomic_store_n(&stress_done, true, __ATOMIC_RELEASE);
    for ( i = 0; i < STRESS_READERS; i++ )
        pthread_join(readers[i], NULL);
    alarm(0);

    CHECK_EQ(console_rx_dropped(), 0);
    CHECK_EQ(stress_total, STRESS_CHARS);
    CHECK_EQ(stress_bad_runs, 0);
    for ( i = 0; i < SERIAL_RX_SIZE; i++ )
        if ( !CHECK_EQ(stress_seen[i], STRESS_CHARS / SERIAL_RX_SIZE) )
            break;
}
