/*
 * xen/sched.h: domains and vCPUs, and the scheduling entry points the rest
 * of the hypervisor uses.
 *
 * Life of a domain (common/domain.c):
 *   domain_create()   allocates it, its scheduler data and arch parts, and
 *                     links it into the domain list; it starts paused by
 *                     the controller (as Xen's toolstack expects to build it
 *                     first) unless the caller says otherwise.
 *   vcpu_create()     adds vCPU n; a new vCPU is down (VPF_down) until
 *                     brought up (vcpu_up()).
 *   pause / unpause   counted per reason (enum dompause_reason); a vCPU
 *                     runs only while every count of its domain and its
 *                     own count are zero and it has no VPF_* flag.
 *   domain_shutdown() records the reason (SHUTDOWN_*) and stops the vCPUs;
 *                     domain_resume() undoes it (after suspend).
 *   domain_kill()     marks it dying, stops it, releases what it holds,
 *                     unlinks it, and drops the list's reference.
 *   put_domain()      the last reference frees it, deferred to a tasklet,
 *                     so no caller ever frees a domain under its own feet.
 * References: get_domain() fails once the domain is destroyed, so a lookup
 * that races with the final put_domain() returns NULL, never a freed
 * domain.
 *
 * Life of a vCPU's scheduling state (common/schedule.c): runnable or not
 * (vcpu_runnable()), on a pCPU or not (v->is_running), and its runstate
 * (RUNSTATE_running/runnable/blocked/offline with the time spent in each,
 * in the layout of the ABI's vcpu_runstate_info).
 */
#ifndef XEN_SCHED_H
#define XEN_SCHED_H

#include <xen/cpumask.h>
#include <xen/errno.h>
#include <xen/page_list.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <xen/types.h>
#include <public/xen.h>
#include <public/sched.h>
#include <public/sched_params.h>
#include <public/vcpu.h>
#include <public/event_channel.h>
#include <asm/atomic.h>
#include <asm/current.h>
#include <asm/domain.h>

struct cpupool;
struct scheduler;
struct evtchn_domain;
struct grant_table;
struct evtchn_fifo_vcpu;
struct evtchn_port_ops;

/* --- vCPUs. --- */

/* v->pause_flags: reasons a vCPU cannot run that belong to the vCPU. */
#define _VPF_blocked   0        /* waiting for an event (SCHEDOP_block) */
#define _VPF_down      1        /* not up (never brought up, or VCPUOP_down) */
#define _VPF_migrating 2        /* being moved to another pCPU */
#define VPF_blocked    (1UL << _VPF_blocked)
#define VPF_down       (1UL << _VPF_down)
#define VPF_migrating  (1UL << _VPF_migrating)

struct vcpu {
    unsigned int vcpu_id;
    /*
     * The pCPU it runs on, or is queued on. Changed only with the schedule
     * lock of the old pCPU held (and the new one's, if different).
     */
    unsigned int processor;
    struct domain *domain;
    struct vcpu *next_in_list;      /* next vCPU of the domain */

    void *sched_priv;               /* the pool scheduler's per-vCPU data */

    /* Its state is loaded on v->processor: from the switch-in decision
     * until sched_context_switched() after the switch-out. */
    bool is_running;
    unsigned long pause_flags;      /* VPF_* */
    atomic_t pause_count;           /* vcpu_pause() nesting */

    /* Protected by the schedule lock; read with vcpu_runstate_get(). */
    struct vcpu_runstate_info runstate;

    cpumask_t cpu_hard_affinity;    /* it may run only on these pCPUs */
    cpumask_t cpu_soft_affinity;    /* it prefers these pCPUs */

    /*
     * Events (event_channel.c). vcpu_info points at the vCPU's slot in
     * shared_info (vCPUs 0-31) or at the area the guest registered with
     * VCPUOP_register_vcpu_info; it is never NULL for a guest vCPU.
     */
    struct vcpu_info *vcpu_info;
    bool vcpu_info_registered;      /* moved by register_vcpu_info (once) */
    evtchn_port_t virq_to_evtchn[NR_VIRQS]; /* 0: not bound */
    spinlock_t virq_lock;           /* guards virq_to_evtchn */
    struct evtchn_fifo_vcpu *evtchn_fifo; /* FIFO ABI per-vCPU state */
    /*
     * SCHEDOP_poll: the port polled when one, -1 when several (then any
     * port of the domain wakes it), 0 when not polling. The vCPU is also
     * in d->poll_mask while it polls.
     */
    int poll_evtchn;

    /* Timers (vcpu_op set_singleshot/periodic_timer, set_timer_op). */
    struct timer singleshot_timer;
    struct timer periodic_timer;
    struct timer poll_timer;        /* SCHEDOP_poll timeout */
    s_time_t periodic_period;       /* 0: periodic timer off */
    s_time_t periodic_last_event;

    struct arch_vcpu arch;
};

/* --- Domains. --- */

/* Why a domain is paused. Each reason has its own nesting count. */
enum dompause_reason {
    DOMPAUSE_internal,              /* the hypervisor needs it quiescent */
    DOMPAUSE_controller,            /* the toolstack (xl pause/unpause) */
    DOMPAUSE_shutdown,              /* shut down, until resumed or killed */
    NR_DOMPAUSE
};

/* A controller pause nests at most this deep (-EBUSY beyond). */
#define DOMPAUSE_CONTROLLER_MAX 255

enum domain_dying {
    DOMDYING_alive,
    DOMDYING_dying,                 /* domain_kill() is releasing it */
    DOMDYING_dead,                  /* released; waiting for its last ref */
};

/* What domain_create() needs to know. */
struct domain_create_args {
    unsigned int max_vcpus;         /* 1..MAX_VIRT_CPUS (idle: nr_cpu_ids) */
    unsigned int cpupool_id;        /* the pool it starts in (0 usually) */
    bool privileged;                /* dom0: may use the control hypercalls */
    bool start_unpaused;            /* no initial controller pause */
    bool pv_guest;                  /* a PV guest (shared_info, guest vCPU
                                     * state); false: a hypervisor-internal
                                     * domain, e.g. the debug selftests' */
};

/* vCPUs a domain may have (the shared_info ABI holds 32 vcpu_infos, and
 * guests register more with VCPUOP_register_vcpu_info). */
#define MAX_VIRT_CPUS 128

struct domain {
    domid_t domain_id;
    unsigned int max_vcpus;
    struct vcpu **vcpu;             /* [max_vcpus]; NULL where not created */

    /* Serialises lifecycle changes: shutdown, kill, vCPU creation. */
    spinlock_t domain_lock;

    atomic_t refcnt;                /* see get_domain()/put_domain() */
    atomic_t pause_count[NR_DOMPAUSE];

    bool is_privileged;
    enum domain_dying is_dying;
    bool is_shutting_down;          /* a shutdown was requested ... */
    bool is_shut_down;              /* ... and every vCPU has stopped */
    uint8_t shutdown_code;          /* SHUTDOWN_*, valid with the above */

    struct cpupool *cpupool;        /* the pool its vCPUs are scheduled in */
    void *sched_priv;               /* the pool scheduler's domain data */

    struct domain *next_in_list;    /* sorted by domain_id */
    struct domain *next_in_hashbucket;

    s_time_t create_time;           /* NOW() at creation */

    /*
     * Memory (common/domain_page.c): every page allocated to the domain
     * is on page_list with PGC_allocated and counted in tot_pages, which
     * never exceeds max_pages. page_alloc_lock guards all three.
     */
    spinlock_t page_alloc_lock;
    struct page_list_head page_list;
    unsigned long tot_pages;
    unsigned long max_pages;

    /* The page every domain shares with the hypervisor (public/xen.h). */
    struct shared_info *shared_info;

    /*
     * Event channels (event_channel.c; see its Locking: comment).
     * event_lock serialises binding and closing; evtchn is that file's
     * private state; evtchn_port_ops is the 2-level or FIFO ABI in use.
     */
    spinlock_t event_lock;
    struct evtchn_domain *evtchn;
    const struct evtchn_port_ops *evtchn_port_ops;
    unsigned long poll_mask[BITS_TO_LONGS(MAX_VIRT_CPUS)]; /* vcpu_ids in SCHEDOP_poll */

    /* Its grant table (common/grant_table.c), NULL for internal domains. */
    struct grant_table *grant_table;

    /* VMASST_TYPE_* bits the guest enabled with vm_assist. */
    unsigned long vm_assist;

    struct arch_domain arch;
};

/* refcnt bit set by the final put: get_domain() refuses from then on. */
#define DOMAIN_DESTROYED (1u << 31)

extern struct domain *idle_domain;           /* DOMID_IDLE */
extern struct vcpu *idle_vcpu[NR_CPUS];      /* idle_domain's vCPU per pCPU */
extern struct domain *hardware_domain;       /* dom0, once built */

#define is_idle_domain(d) ((d)->domain_id == DOMID_IDLE)
#define is_idle_vcpu(v)   is_idle_domain((v)->domain)

#define for_each_vcpu(d, v) \
    for ( (v) = (d)->vcpu ? (d)->vcpu[0] : NULL; (v); (v) = (v)->next_in_list )

/* The domain list: walk it holding domlist_read_lock (an rwlock). */
extern struct domain *domain_list;
extern rwlock_t domlist_lock;
#define for_each_domain(d) \
    for ( (d) = domain_list; (d); (d) = (d)->next_in_list )

/* --- Lifecycle (common/domain.c). --- */

/*
 * Create domain domid (0 = dom0, DOMID_IDLE = the idle domain, any other
 * below DOMID_FIRST_RESERVED). -EEXIST if it exists, -EINVAL for a bad
 * id or argument, -ENOENT for an unknown pool, -ENOMEM. On success *out
 * holds one reference for the caller besides the list's.
 */
int domain_create(domid_t domid, const struct domain_create_args *args,
                  struct domain **out);

/*
 * The next free domain id for a new domU, as Xen hands them out: upward
 * from the last one given, from 1, wrapping below DOMID_FIRST_RESERVED
 * and skipping ids in use. -ENOSPC when every id is taken.
 */
int domid_alloc(domid_t *out);

/* Add vCPU vcpu_id (down) to d, on pCPU cpu if allowed. */
int vcpu_create(struct domain *d, unsigned int vcpu_id, unsigned int cpu,
                struct vcpu **out);

/* Bring v up / take it down (VPF_down). */
void vcpu_up(struct vcpu *v);
void vcpu_down(struct vcpu *v);

/* References: get_domain() is false once d is being destroyed. */
bool get_domain(struct domain *d);
void put_domain(struct domain *d);
/* A referenced domain by id, or NULL (then no reference is held). */
struct domain *get_domain_by_id(domid_t domid);

/*
 * Pause: domain_pause() waits until no vCPU of d is running (never call
 * it on one's own domain); _nosync() only asks. Unpause undoes one pause
 * of the same reason.
 */
void domain_pause(struct domain *d);
void domain_pause_nosync(struct domain *d);
void domain_unpause(struct domain *d);
/* The toolstack's pause: -EBUSY when nested too deep; unpause -EINVAL
 * when not paused by the controller. */
int domain_pause_by_controller(struct domain *d);
int domain_unpause_by_controller(struct domain *d);
bool domain_is_paused(const struct domain *d);

void vcpu_pause(struct vcpu *v);            /* waits (not on current) */
void vcpu_pause_nosync(struct vcpu *v);
void vcpu_unpause(struct vcpu *v);

/*
 * Shut d down for reason (SHUTDOWN_*): -EINVAL for an unknown reason; a
 * second shutdown while one is in progress keeps the first reason (as
 * Xen does) and returns 0.
 */
int domain_shutdown(struct domain *d, unsigned int reason);
/* Undo a shutdown (suspend cancelled, soft reset done). -EINVAL if d is
 * not shut down. */
int domain_resume(struct domain *d);

/*
 * Kill d: stop it for good, release its resources, unlink it, drop the
 * list's reference. -EINVAL for the idle domain; 0 if already dying.
 */
int domain_kill(struct domain *d);

/* Called when a domain or vCPU crashes (later, from the trap code). */
void domain_crash(struct domain *d);

/* The 'q' debug key. */
void dump_domains(unsigned char key);

/* At boot: create the idle domain (before the scheduler starts). */
void domain_early_init(void);

/* --- Scheduling (common/schedule.c). --- */

/* v can run: not paused, not blocked, not down, its domain not paused. */
static inline bool vcpu_runnable(const struct vcpu *v)
{
    const struct domain *d = v->domain;

    return !(v->pause_flags |
             atomic_read(&v->pause_count) |
             atomic_read(&d->pause_count[DOMPAUSE_internal]) |
             atomic_read(&d->pause_count[DOMPAUSE_controller]) |
             atomic_read(&d->pause_count[DOMPAUSE_shutdown]));
}

/* v may have become runnable: queue it. */
void vcpu_wake(struct vcpu *v);
/* v may have stopped being runnable: take it off its pCPU (asynchronously /
 * and wait until its state is saved). */
void vcpu_sleep_nosync(struct vcpu *v);
void vcpu_sleep_sync(struct vcpu *v);

/* Current vCPU: block until an event (VPF_blocked), or yield its slice. */
void vcpu_block(void);
void vcpu_yield(void);
/* An event for v: clear VPF_blocked and wake it if it was blocked. */
void vcpu_unblock(struct vcpu *v);

/*
 * Arch context_switch() calls this once prev's state is saved (prev may
 * then be picked up by another pCPU): clears prev->is_running and lets
 * the scheduler requeue it.
 */
void sched_context_switched(struct vcpu *prev, struct vcpu *next);

/*
 * Affinity. -EINVAL if mask has no online pCPU of v's pool (hard) or is
 * empty (soft). Takes effect at once: a running vCPU moves.
 */
int vcpu_set_hard_affinity(struct vcpu *v, const cpumask_t *mask);
int vcpu_set_soft_affinity(struct vcpu *v, const cpumask_t *mask);

/* "running", "runnable", "blocked", "offline" (for dumps). */
const char *runstate_name(int state);

/* v's runstate with the time in its current state added up to now. */
void vcpu_runstate_get(const struct vcpu *v, struct vcpu_runstate_info *out);

/* Per-vCPU / per-domain scheduler state, in d's pool. */
int sched_init_vcpu(struct vcpu *v, unsigned int cpu);
void sched_destroy_vcpu(struct vcpu *v);
int sched_init_domain(struct domain *d, unsigned int poolid);
void sched_destroy_domain(struct domain *d);

/* Move d's vCPUs to pool c's scheduler (d paused by the caller). */
int sched_move_domain(struct domain *d, struct cpupool *c);

/* Get or set d's scheduling parameters (XEN_DOMCTL_scheduler_op body). */
int sched_adjust(struct domain *d, struct xen_domctl_scheduler_op *op);
/* Get or set a pool's scheduler parameters (XEN_SYSCTL_scheduler_op). */
int sched_adjust_global(struct xen_sysctl_scheduler_op *op);

/*
 * Boot: scheduler_init() after timers (idle domain, pool 0 with the
 * sched= scheduler, the boot CPU in it); sched_cpu_prepare(cpu) before an
 * AP starts (its idle vCPU, per-pCPU data); the AP runs
 * sched_cpu_starting() on itself before it goes online; after SMP boot
 * every online pCPU is put in pool 0.
 */
void scheduler_init(void);
int sched_cpu_prepare(unsigned int cpu);
void sched_cpu_starting(unsigned int cpu);
/* After SMP boot: every online pCPU joins pool 0. */
void scheduler_smp_ready(void);

/* The 'r' debug key: pools, schedulers, run queues, vCPU times. */
void dump_runq(unsigned char key);

/* The scheduler's name and id of the boot pool (for the boot log). */
const char *sched_default_name(void);

#endif /* XEN_SCHED_H */
