/*
 * timer.c: one-shot software timers on per-CPU queues.
 *
 * Theory of operation
 * -------------------
 * A timer belongs to one CPU (t->cpu) and, while armed, sits in that
 * CPU's queue ordered by expiry. Each CPU programs its own one-shot
 * hardware timer (reprogram_timer(), the local APIC) for the earliest
 * deadline in its queue; the interrupt raises TIMER_SOFTIRQ, and
 * timer_softirq_action() calls, in order of expiry, every timer whose
 * deadline has come, then programs the next deadline.
 *
 * The queue. set_timer() may be called in any context, interrupt
 * handlers included; it works with the queue's lock held and interrupts
 * off, and it cannot fail: so the queue never allocates. Each CPU has a
 * binary min-heap of
 * TIMER_HEAP_CAPACITY timer pointers in its per-CPU area (8 KiB): O(1) to
 * find the earliest, O(log n) to insert, remove or move a timer, and each
 * timer records its index (heap_offset), so removal needs no search.
 * A thousand armed timers on one CPU is far above any real load (a few
 * per vCPU, a few per subsystem); should the heap still fill up, further
 * timers go on an overflow list sorted by expiry (O(n) to insert or
 * remove), which keeps them correct at a cost paid only in that case, and
 * which the softirq drains back into the heap as room appears. "Earliest"
 * always means the earlier of the heap's top and the list's head. A
 * growable heap would need an allocator in interrupt context, and a
 * pairing heap or intrusive tree more code, for no real gain.
 *
 * States (t->status):
 *
 *   invalid  --init_timer()-->           inactive
 *   inactive --set_timer()-->            in_heap or in_list
 *   in_heap, in_list --stop_timer(), firing--> inactive
 *   any but invalid  --kill_timer()-->   killed --init_timer()--> inactive
 *
 * Zeroed memory is "invalid": kill_timer() of it is a no-op, so teardown
 * paths may kill timers of half-built objects; anything else on it is a
 * bug (asserted). A killed timer ignores set/stop/migrate, so code racing
 * with its owner's teardown cannot resurrect it. init_timer() makes any
 * inactive or killed timer usable again.
 *
 * Firing. A due timer is taken out of the queue (inactive) before its
 * function is called, without the queue lock, on the timer's CPU, in
 * softirq context. The function may therefore set its own timer again,
 * or set, stop or migrate any other. While it runs, the CPU's ->running
 * names the timer, so that kill_timer() can wait for it to finish; on
 * every CPU, since the timer may have been migrated since it fired. The
 * time "now" is read once per pass: a function that re-arms its timer
 * for a time not after the start of the pass is called again in the same
 * pass (and forever, if it keeps doing so): re-arm relative to NOW().
 * Timers with equal deadlines fire in no particular order.
 *
 * Deadlines. Only a CPU can program its own hardware timer, so when
 * set_timer() or migrate_timer() makes a timer the earliest of its CPU,
 * TIMER_SOFTIRQ is raised on that CPU and the softirq reprograms it there
 * (not needed when that CPU is the caller, inside the pass, which
 * reprograms at its end anyway). Removing a timer never reprograms: the
 * interrupt then comes early, finds nothing due, and programs the next
 * deadline. To save interrupts, the deadline programmed is not the
 * earliest expiry e but the latest expiry in [e, e + timer_slop], so
 * timers a few microseconds apart are served by one interrupt; no timer
 * ever fires before its time. If reprogram_timer() finds the deadline
 * already past, the softirq raises itself again.
 *
 * Locking:
 * Each CPU's queue (heap, list, ->running) is protected by its ->lock,
 * always taken with interrupts disabled, since set_timer() is called from
 * interrupt handlers. A timer's expires, status and place in the queue
 * are protected by the lock of the CPU it names in t->cpu. t->cpu changes
 * only with both that CPU's and the new CPU's locks held (migrate_timer),
 * so a locker reads t->cpu, takes that lock, and retries if t->cpu has
 * changed meanwhile. Two queue locks are held together only in
 * migrate_timer(): the lower-numbered CPU's first. Timer functions are
 * called with no timer lock held. Under a queue lock: reprogram_timer(),
 * raising a softirq on this CPU, and printk() (dump_timerq(); so queue
 * locks come before the console lock). kill_timer() waits on ->running
 * without the lock. timer_cpus only grows, at CPU bring-up, and is read
 * without a lock.
 */
#include <xen/cpumask.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/percpu.h>
#include <xen/softirq.h>
#include <xen/spinlock.h>
#include <xen/string.h>
#include <xen/timer.h>
#include <asm/atomic.h>
#include <asm/processor.h>

#define TIMER_HEAP_CAPACITY 1024

struct timers {
    spinlock_t lock;
    unsigned int heap_size;             /* entries used in heap[] */
    struct timer *list;                 /* overflow, sorted by expiry */
    struct timer *running;              /* whose function is being called */
    struct timer *heap[TIMER_HEAP_CAPACITY];
};

static DEFINE_PER_CPU(struct timers, timers);

/* CPUs whose queue is set up (timer_cpu_init()). */
static cpumask_t timer_cpus;

/* timer_slop=<ns>, as Xen users write it. */
unsigned int timer_slop = MICROSECS(50);
integer_param("timer_slop", timer_slop);

/* --- The heap: heap[0] is the earliest; i's children are 2i+1, 2i+2. --- */

static void heap_place(struct timers *ts, unsigned int i, struct timer *t)
{
    ts->heap[i] = t;
    t->heap_offset = i;
}

/* heap[i] may be earlier than its parent: move it up. */
static void heap_sift_up(struct timers *ts, unsigned int i)
{
    struct timer *t = ts->heap[i];
    unsigned int parent;

    while ( i > 0 )
    {
        parent = (i - 1) / 2;
        if ( ts->heap[parent]->expires <= t->expires )
            break;
        heap_place(ts, i, ts->heap[parent]);
        i = parent;
    }
    heap_place(ts, i, t);
}

/* heap[i] may be later than a child: move it down. */
static void heap_sift_down(struct timers *ts, unsigned int i)
{
    struct timer *t = ts->heap[i];
    unsigned int child;

    while ( (child = 2 * i + 1) < ts->heap_size )
    {
        if ( child + 1 < ts->heap_size &&
             ts->heap[child + 1]->expires < ts->heap[child]->expires )
            child++;
        if ( t->expires <= ts->heap[child]->expires )
            break;
        heap_place(ts, i, ts->heap[child]);
        i = child;
    }
    heap_place(ts, i, t);
}

/* heap[i]'s expiry changed, in either direction. */
static void heap_fix(struct timers *ts, unsigned int i)
{
    if ( i > 0 && ts->heap[i]->expires < ts->heap[(i - 1) / 2]->expires )
        heap_sift_up(ts, i);
    else
        heap_sift_down(ts, i);
}

static void heap_add(struct timers *ts, struct timer *t)
{
    unsigned int i = ts->heap_size++;

    ASSERT(i < TIMER_HEAP_CAPACITY);
    ts->heap[i] = t;
    heap_sift_up(ts, i);
}

static void heap_del(struct timers *ts, struct timer *t)
{
    unsigned int i = t->heap_offset;
    struct timer *last;

    ASSERT(i < ts->heap_size && ts->heap[i] == t);
    last = ts->heap[--ts->heap_size];
    if ( last == t )
        return;
    ts->heap[i] = last;
    heap_fix(ts, i);
}

/* --- The overflow list, sorted by expiry, FIFO among equals. --- */

static void list_add(struct timers *ts, struct timer *t)
{
    struct timer **pp = &ts->list;

    while ( *pp && (*pp)->expires <= t->expires )
        pp = &(*pp)->list_next;
    t->list_next = *pp;
    *pp = t;
}

static void list_del(struct timers *ts, struct timer *t)
{
    struct timer **pp;

    for ( pp = &ts->list; *pp != t; pp = &(*pp)->list_next )
        ASSERT(*pp);
    *pp = t->list_next;
}

/* --- The queue: heap and list together. Lock held. --- */

static bool is_queued(const struct timer *t)
{
    return t->status == TIMER_STATUS_in_heap ||
           t->status == TIMER_STATUS_in_list;
}

static void add_entry(struct timers *ts, struct timer *t)
{
    ASSERT(t->status == TIMER_STATUS_inactive);

    if ( ts->heap_size < TIMER_HEAP_CAPACITY )
    {
        heap_add(ts, t);
        t->status = TIMER_STATUS_in_heap;
    }
    else
    {
        list_add(ts, t);
        t->status = TIMER_STATUS_in_list;
    }
}

static void remove_entry(struct timers *ts, struct timer *t)
{
    if ( t->status == TIMER_STATUS_in_heap )
        heap_del(ts, t);
    else if ( t->status == TIMER_STATUS_in_list )
        list_del(ts, t);
    else
        ASSERT_UNREACHABLE();
    t->status = TIMER_STATUS_inactive;
}

static struct timer *first_entry(const struct timers *ts)
{
    struct timer *h = ts->heap_size ? ts->heap[0] : NULL;
    struct timer *l = ts->list;

    if ( !h || !l )
        return h ?: l;
    return l->expires < h->expires ? l : h;
}

/* Move overflow timers into the heap while it has room. */
static void refill_heap(struct timers *ts)
{
    struct timer *t;

    while ( ts->list && ts->heap_size < TIMER_HEAP_CAPACITY )
    {
        t = ts->list;
        ts->list = t->list_next;
        heap_add(ts, t);
        t->status = TIMER_STATUS_in_heap;
    }
}

/* --- Locking a timer's queue. --- */

/*
 * Lock the queue of the CPU t belongs to, interrupts off. Returns it, or
 * NULL with nothing locked if t has been killed.
 */
static struct timers *lock_timer(const struct timer *t, unsigned long *flags)
{
    struct timers *ts;
    unsigned int cpu;

    ASSERT(read_atomic(&t->status) != TIMER_STATUS_invalid);

    for ( ; ; )
    {
        cpu = read_atomic(&t->cpu);
        ASSERT(cpumask_test_cpu(cpu, &timer_cpus));
        ts = &per_cpu(timers, cpu);
        spin_lock_irqsave(&ts->lock, *flags);
        if ( likely(t->cpu == cpu) )
            break;
        spin_unlock_irqrestore(&ts->lock, *flags);     /* migrated: retry */
    }

    if ( unlikely(t->status == TIMER_STATUS_killed) )
    {
        spin_unlock_irqrestore(&ts->lock, *flags);
        return NULL;
    }
    return ts;
}

/* Both CPUs' queue locks, lower CPU first; a != b. */
static void lock_pair(unsigned int a, unsigned int b, unsigned long *flags)
{
    ASSERT(a != b);
    spin_lock_irqsave(&per_cpu(timers, min(a, b)).lock, *flags);
    spin_lock(&per_cpu(timers, max(a, b)).lock);
}

static void unlock_pair(unsigned int a, unsigned int b, unsigned long flags)
{
    spin_unlock(&per_cpu(timers, max(a, b)).lock);
    spin_unlock_irqrestore(&per_cpu(timers, min(a, b)).lock, flags);
}

/*
 * t has just been queued on cpu (lock held): does cpu need to run its
 * softirq to program an earlier deadline?
 */
static bool needs_reprogram(const struct timers *ts, const struct timer *t,
                            unsigned int cpu)
{
    if ( first_entry(ts) != t )
        return false;
    /* This CPU's running pass reprograms when its timer functions are done. */
    return !(cpu == smp_processor_id() && ts->running);
}

/* --- The API. --- */

void init_timer(struct timer *t, void (*function)(void *data), void *data,
                unsigned int cpu)
{
    BUILD_BUG_ON(NR_CPUS > (1u << 16));     /* t->cpu is 16 bits */
    ASSERT(function);
    ASSERT(cpu < NR_CPUS && cpumask_test_cpu(cpu, &timer_cpus));

    memset(t, 0, sizeof(*t));
    t->function = function;
    t->data = data;
    t->cpu = cpu;
    t->status = TIMER_STATUS_inactive;
}

void set_timer(struct timer *t, s_time_t expires)
{
    unsigned long flags;
    struct timers *ts = lock_timer(t, &flags);
    unsigned int cpu;
    bool kick;

    if ( !ts )
        return;

    if ( t->status == TIMER_STATUS_in_heap )
    {
        t->expires = expires;
        heap_fix(ts, t->heap_offset);       /* move it where it belongs */
    }
    else
    {
        if ( t->status == TIMER_STATUS_in_list )
            remove_entry(ts, t);
        t->expires = expires;
        add_entry(ts, t);
    }

    cpu = t->cpu;
    kick = needs_reprogram(ts, t, cpu);
    spin_unlock_irqrestore(&ts->lock, flags);

    if ( kick )
        cpu_raise_softirq(cpu, TIMER_SOFTIRQ);
}

void stop_timer(struct timer *t)
{
    unsigned long flags;
    struct timers *ts = lock_timer(t, &flags);

    if ( !ts )
        return;
    if ( is_queued(t) )
        remove_entry(ts, t);
    spin_unlock_irqrestore(&ts->lock, flags);
}

void migrate_timer(struct timer *t, unsigned int new_cpu)
{
    struct timers *old_ts, *new_ts;
    unsigned int old_cpu;
    unsigned long flags;
    bool queued, kick = false;

    ASSERT(read_atomic(&t->status) != TIMER_STATUS_invalid);
    ASSERT(new_cpu < NR_CPUS && cpumask_test_cpu(new_cpu, &timer_cpus));
    new_ts = &per_cpu(timers, new_cpu);

    /* Lock old and new queue; t->cpu may change until we hold the old one. */
    for ( ; ; )
    {
        old_cpu = read_atomic(&t->cpu);
        if ( old_cpu == new_cpu )
            return;
        lock_pair(old_cpu, new_cpu, &flags);
        if ( likely(t->cpu == old_cpu) )
            break;
        unlock_pair(old_cpu, new_cpu, flags);
    }
    old_ts = &per_cpu(timers, old_cpu);

    if ( t->status != TIMER_STATUS_killed )
    {
        queued = is_queued(t);
        if ( queued )
            remove_entry(old_ts, t);
        write_atomic(&t->cpu, new_cpu);
        if ( queued )
        {
            add_entry(new_ts, t);
            kick = needs_reprogram(new_ts, t, new_cpu);
        }
    }
    unlock_pair(old_cpu, new_cpu, flags);

    if ( kick )
        cpu_raise_softirq(new_cpu, TIMER_SOFTIRQ);
}

void kill_timer(struct timer *t)
{
    unsigned long flags;
    struct timers *ts;
    unsigned int cpu;

    if ( read_atomic(&t->status) == TIMER_STATUS_invalid )
        return;                             /* never initialised */

    /* It would wait for itself forever. */
    BUG_ON(this_cpu(timers).running == t);

    ts = lock_timer(t, &flags);
    if ( ts )
    {
        if ( is_queued(t) )
            remove_entry(ts, t);
        t->status = TIMER_STATUS_killed;
        spin_unlock_irqrestore(&ts->lock, flags);
    }

    /*
     * Its function may still be running on any CPU: on the one t was on
     * when it fired, which migrate_timer() may have changed since.
     */
    for_each_cpu ( cpu, &timer_cpus )
        while ( read_atomic(&per_cpu(timers, cpu).running) == t )
            cpu_relax();
    smp_rmb();
}

bool timer_is_active(const struct timer *t)
{
    unsigned long flags;
    struct timers *ts = lock_timer(t, &flags);
    bool active;

    if ( !ts )
        return false;
    active = is_queued(t);
    spin_unlock_irqrestore(&ts->lock, flags);

    return active;
}

s_time_t timer_expires(const struct timer *t)
{
    unsigned long flags;
    struct timers *ts = lock_timer(t, &flags);
    s_time_t expires = t->expires;

    if ( ts )
        spin_unlock_irqrestore(&ts->lock, flags);
    return expires;
}

/* --- The softirq. --- */

/*
 * The latest expiry <= limit in the subtree of heap[i]. Subtrees whose
 * root is past limit are skipped whole, so the walk visits only the
 * timers in the window and their children; it recurses no deeper than
 * the heap is high (11 levels for 1024 entries).
 */
static s_time_t heap_latest_until(const struct timers *ts, unsigned int i,
                                  s_time_t limit, s_time_t best)
{
    if ( i >= ts->heap_size || ts->heap[i]->expires > limit )
        return best;
    best = max(best, ts->heap[i]->expires);
    best = heap_latest_until(ts, 2 * i + 1, limit, best);
    return heap_latest_until(ts, 2 * i + 2, limit, best);
}

/* The deadline to program: the latest expiry within slop of the first. */
static s_time_t batched_deadline(const struct timers *ts)
{
    const struct timer *t = first_entry(ts);
    s_time_t limit, best;

    if ( !t )
        return 0;

    best = t->expires;
    limit = best > STIME_MAX - (s_time_t)timer_slop ? STIME_MAX
                                                     : best + timer_slop;
    best = heap_latest_until(ts, 0, limit, best);
    for ( t = ts->list; t && t->expires <= limit; t = t->list_next )
        best = max(best, t->expires);

    return best;
}

/* Call t's function without the lock, marked as running. */
static void run_timer(struct timers *ts, struct timer *t)
{
    void (*function)(void *data) = t->function;
    void *data = t->data;

    write_atomic(&ts->running, t);
    spin_unlock_irq(&ts->lock);

    function(data);

    spin_lock_irq(&ts->lock);
    write_atomic(&ts->running, NULL);
}

static void timer_softirq_action(void)
{
    struct timers *ts = &this_cpu(timers);
    struct timer *t;
    s_time_t now, deadline;

    spin_lock_irq(&ts->lock);

    now = NOW();
    while ( (t = first_entry(ts)) != NULL && t->expires <= now )
    {
        remove_entry(ts, t);
        run_timer(ts, t);
    }

    /* All left is after now >= 0: a deadline of 0 means none is left. */
    refill_heap(ts);
    deadline = batched_deadline(ts);
    if ( !reprogram_timer(deadline) && deadline )
        raise_softirq(TIMER_SOFTIRQ);       /* already due: go round again */

    spin_unlock_irq(&ts->lock);
}

/* --- Set-up and debugging. --- */

int timer_cpu_init(unsigned int cpu)
{
    struct timers *ts;

    if ( cpu >= NR_CPUS )
        return -EINVAL;

    ts = &per_cpu(timers, cpu);
    /* Again (a CPU back online): its timers must have been moved away. */
    ASSERT(!cpumask_test_cpu(cpu, &timer_cpus) ||
           (!first_entry(ts) && !ts->running));

    spin_lock_init(&ts->lock);
    ts->heap_size = 0;
    ts->list = NULL;
    ts->running = NULL;
    cpumask_set_cpu(cpu, &timer_cpus);

    return 0;
}

void timer_init(void)
{
    open_softirq(TIMER_SOFTIRQ, timer_softirq_action);
    BUG_ON(timer_cpu_init(smp_processor_id()));
}

static void dump_timer(const struct timer *t, s_time_t now)
{
    printk("  ex=%12"PRI_stime"us timer=%p cb=%ps(%p)\n",
           (t->expires - now) / 1000, t, (void *)t->function, t->data);
}

void dump_timerq(unsigned char key)
{
    s_time_t now = NOW();
    const struct timers *ts;
    const struct timer *t;
    unsigned long flags;
    unsigned int cpu, i;

    printk("Dumping timer queues (expiry relative to now):\n");
    for_each_cpu ( cpu, &timer_cpus )
    {
        ts = &per_cpu(timers, cpu);
        spin_lock_irqsave(&per_cpu(timers, cpu).lock, flags);
        printk("CPU%02u:\n", cpu);
        for ( i = 0; i < ts->heap_size; i++ )
            dump_timer(ts->heap[i], now);
        for ( t = ts->list; t; t = t->list_next )
            dump_timer(t, now);
        spin_unlock_irqrestore(&per_cpu(timers, cpu).lock, flags);
    }
}
