/*
 * _idle: not a test. The dom0 the QEMU boot tests give the hypervisor
 * when they are about the hypervisor, not about a guest: it sleeps for good
 * (SCHEDOP_block with nothing bound), costing no CPU time, and prints
 * nothing, so the hypervisor's own output is all the tests see.
 * Directories starting with '_' are not run as tests.
 */
#include "guest.h"

int main(void)
{
    for ( ; ; )
        hypervisor_sched_op(SCHEDOP_block, NULL);
}
