/* stub_timer_locks.h: see stub_timer_locks.c. */
#ifndef TOOLS_TESTS_UNIT_STUB_TIMER_LOCKS_H
#define TOOLS_TESTS_UNIT_STUB_TIMER_LOCKS_H

#include <stdbool.h>

/* Timer queue locks held by the calling thread. */
int stub_locks_held(void);
/* Forget them (after a test abandoned a held lock by panicking). */
void stub_locks_reset(void);
/* Make some acquisitions yield first (for races between threads). */
void stub_locks_jitter(bool on);

#endif /* TOOLS_TESTS_UNIT_STUB_TIMER_LOCKS_H */
