/*
 * vcpu_timer.c: the timers a guest sets for its vCPUs.
 *
 * Theory of operation. Each vCPU has two hypervisor timers (xen/timer.h),
 * and either raises VIRQ_TIMER on the vCPU when it fires:
 *
 *   single-shot  armed at an absolute system time by
 *                VCPUOP_set_singleshot_timer or the older set_timer_op,
 *                fires once. A deadline already past fires at once (at the
 *                next timer softirq). VCPU_SSHOTTMR_future, which once
 *                turned that into -ETIME, is ignored, as by Xen since 2023
 *                (commit 19c6cbd90965, in our 4.17.7 reference): Linux
 *                before 4.7 set it and lost ticks to the -ETIME.
 *   periodic     ticks every period from the moment it was set: at
 *                start + k * period. A tick that comes late (the pCPU was
 *                busy) is delivered late, ticks missed meanwhile are folded
 *                into it, and the next tick is back on the grid: the phase
 *                never drifts. (Xen restarts the grid at each late tick;
 *                keeping it is what a guest counting ticks expects.)
 *
 * The timers live on the queue of the pCPU the vCPU runs on, so that the
 * event normally finds the vCPU right there: arming from a hypercall puts
 * the timer on the calling pCPU, the scheduler calls vcpu_timers_migrate()
 * when it moves a vCPU, and each periodic tick re-arms on v->processor.
 *
 * set_timer_op keeps Xen's guard for Linux's old jiffies arithmetic: a
 * deadline that is negative or more than 2^50 ns (13 days) ahead is
 * treated as "soon" (100 ms), since such a guest has work pending but an
 * immediate tick might spin it.
 *
 * Locking: the single-shot timer has no lock of its own: only its vCPU
 * arms or stops it (v == current) and the timer queue serialises that with
 * expiry. The periodic timer can be set by any vCPU of the domain while
 * its function runs on another pCPU, so the period, the last tick and the
 * arming are changed under a periodic lock: one of PERIODIC_LOCKS, chosen
 * by vCPU (striped, since struct vcpu has no lock for it). The event is
 * sent under it, so no tick follows a stop that has returned. Order:
 * periodic lock, then timer queue and event channel locks. Two periodic
 * locks are never held together.
 */
#include <asm/current.h>
#include <asm/pv/hypercall.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/smp.h>
#include <xen/spinlock.h>
#include <xen/timer.h>
#include <xen/vcpu_timer.h>

#define PERIODIC_LOCKS 64
#define HUGE_TIMEOUT   (1LL << 50)      /* set_timer_op: "too far ahead" */
#define HUGE_FALLBACK  MILLISECS(100)
#define HUGE_WARNINGS_MAX 10            /* guests cannot flood the log */

static unsigned int huge_warnings;

static spinlock_t periodic_locks[PERIODIC_LOCKS] = {
    [0 ... PERIODIC_LOCKS - 1] = SPIN_LOCK_UNLOCKED,
};

static spinlock_t *periodic_lock(const struct vcpu *v)
{
    unsigned int h = v->domain->domain_id * 31u + v->vcpu_id;

    return &periodic_locks[h % PERIODIC_LOCKS];
}

static void send_timer_event(struct vcpu *v)
{
    send_guest_vcpu_virq(v, VIRQ_TIMER);
}

static void singleshot_fn(void *data)
{
    send_timer_event(data);
}

/*
 * Fold every whole period that has passed since the last tick into one
 * tick. With the lock held; true if a tick is due now.
 */
static bool periodic_advance(struct vcpu *v, s_time_t now)
{
    s_time_t elapsed = now - v->periodic_last_event;

    if ( elapsed < v->periodic_period )
        return false;
    v->periodic_last_event += elapsed - elapsed % v->periodic_period;
    return true;
}

static void periodic_fn(void *data)
{
    struct vcpu *v = data;
    spinlock_t *lock = periodic_lock(v);

    spin_lock(lock);
    if ( v->periodic_period )
    {
        if ( periodic_advance(v, NOW()) )
            send_timer_event(v);
        /* Follow the vCPU even if nobody migrated us (as Xen does). */
        migrate_timer(&v->periodic_timer, ACCESS_ONCE(v->processor));
        set_timer(&v->periodic_timer,
                  v->periodic_last_event + v->periodic_period);
    }
    spin_unlock(lock);
}

int vcpu_timers_init(struct vcpu *v)
{
    init_timer(&v->singleshot_timer, singleshot_fn, v, v->processor);
    init_timer(&v->periodic_timer, periodic_fn, v, v->processor);
    v->periodic_period = 0;
    v->periodic_last_event = 0;
    return 0;
}

void vcpu_timers_destroy(struct vcpu *v)
{
    kill_timer(&v->singleshot_timer);
    kill_timer(&v->periodic_timer);     /* a killed timer stays disarmed */
    v->periodic_period = 0;
}

void vcpu_timers_migrate(struct vcpu *v, unsigned int cpu)
{
    migrate_timer(&v->singleshot_timer, cpu);
    migrate_timer(&v->periodic_timer, cpu);
}

void vcpu_set_singleshot_timer(struct vcpu *v, uint64_t timeout_abs_ns)
{
    ASSERT(v == current);
    migrate_timer(&v->singleshot_timer, smp_processor_id());
    /* Beyond 2^63 ns is negative here: in the past, as in Xen. */
    set_timer(&v->singleshot_timer, (s_time_t)timeout_abs_ns);
}

void vcpu_stop_singleshot_timer(struct vcpu *v)
{
    stop_timer(&v->singleshot_timer);
}

int vcpu_set_periodic_timer(struct vcpu *v, uint64_t period_ns)
{
    spinlock_t *lock = periodic_lock(v);
    s_time_t now;

    if ( period_ns &&
         (period_ns < VCPU_PERIODIC_MIN || period_ns > STIME_DELTA_MAX) )
        return -EINVAL;

    spin_lock(lock);
    stop_timer(&v->periodic_timer);
    v->periodic_period = period_ns;
    if ( period_ns )
    {
        now = NOW();
        v->periodic_last_event = now;
        set_timer(&v->periodic_timer, now + v->periodic_period);
    }
    spin_unlock(lock);
    return 0;
}

long do_set_timer_op(s_time_t timeout)
{
    struct vcpu *v = current;
    s_time_t now = NOW();

    if ( timeout == 0 )
    {
        vcpu_stop_singleshot_timer(v);
        return 0;
    }

    if ( timeout < 0 || timeout - now >= HUGE_TIMEOUT )
    {
        if ( huge_warnings < HUGE_WARNINGS_MAX )
        {
            huge_warnings++;    /* racy, but only bounds a guest's noise */
            printk(XENLOG_INFO "d%uv%u: set_timer_op(%#lx) is absurd; "
                   "firing in 100 ms instead\n", v->domain->domain_id,
                   v->vcpu_id, (unsigned long)timeout);
        }
        timeout = now + HUGE_FALLBACK;
    }

    vcpu_set_singleshot_timer(v, timeout);
    return 0;
}
