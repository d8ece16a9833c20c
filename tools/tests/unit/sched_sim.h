/*
 * sched_sim.h: a simulated machine for the real scheduling code.
 *
 * sched_sim.c links the hypervisor's scheduling framework (schedule.c,
 * cpupool.c, domain.c, tasklet.c), its schedulers, timers and softirqs,
 * and plays the machine under them: a clock that moves only when the
 * event loop moves it, SIM_NR_CPUS pCPUs with one-shot hardware timers and
 * event-check IPIs, per-pCPU `current', and a context_switch() that
 * records every switch and checks it. Simulated vCPUs follow a behaviour
 * (always runnable, duty cycles, the tick-sampling attack, periodic
 * wakers); the loop blocks and wakes them through the framework's own
 * entry points when their CPU use or the clock says so.
 *
 * Usage from a test:
 *   sim_begin("name");                  boot once, reset statistics
 *   sim_isolated(part, XEN_SCHEDULER_CREDIT);   part() in a child:
 *       p = sim_pool_create(XEN_SCHEDULER_CREDIT, 4);
 *       d = sim_domain_create(p, 2, 256, 0, &SIM_B_SPIN);
 *       sim_run_for(MILLISECS(500));
 *       ... read sim_vcpu_runtime(), sim_stats, CHECK ...
 *       sim_domain_destroy(d); sim_pool_destroy(p);
 *   sim_end();                          leak and state checks
 * Failures of framework calls are reported through the harness (CHECK)
 * and returned, so a test can stop early.
 */
#ifndef TOOLS_TESTS_UNIT_SCHED_SIM_H
#define TOOLS_TESTS_UNIT_SCHED_SIM_H

#include <xen/sched.h>
#include <xen/sched-if.h>

/*
 * The machine: SIM_NR_CPUS online pCPUs. pCPU 0 is pool 0's; the others
 * start free. Pools made by sim_pool_create() take free pCPUs from
 * SIM_FIRST_TEST_CPU upwards (a socket boundary with the default topology),
 * and sim_pool_create_at() from a given pCPU.
 */
#define SIM_NR_CPUS          96
#define SIM_FIRST_TEST_CPU   16
#define SIM_MAX_VCPUS        2048

/* Topology: threads per core, cores per socket (defaults 2 and 8). */
void sim_set_topology(unsigned int threads_per_core,
                      unsigned int cores_per_socket);

/* --- Behaviours. --- */

enum sim_kind {
    SIM_SPIN,           /* always runnable */
    SIM_DUTY,           /* runs run_ns of CPU, sleeps sleep_ns, again */
    SIM_TICK_ATTACKER,  /* blocked from 100 us before to 100 us after
                           every multiple of 10 ms of system time */
    SIM_WAKER,          /* wakes every period_ns (at phase_ns), runs
                           run_ns of CPU, blocks */
};

struct sim_behav {
    enum sim_kind kind;
    s_time_t run_ns;
    s_time_t sleep_ns;
    s_time_t period_ns;
    s_time_t phase_ns;
    s_time_t jitter_ns;     /* DUTY, WAKER: each wake-up up to this late
                               (pseudo-random, seeded by sim_srand()) */
};

#define SIM_B_SPIN ((struct sim_behav){ .kind = SIM_SPIN })
#define SIM_B_DUTY(run, sleep) \
    ((struct sim_behav){ .kind = SIM_DUTY, .run_ns = (run), \
                         .sleep_ns = (sleep) })
#define SIM_B_ATTACKER ((struct sim_behav){ .kind = SIM_TICK_ATTACKER })
#define SIM_B_WAKER(period, run, phase) \
    ((struct sim_behav){ .kind = SIM_WAKER, .period_ns = (period), \
                         .run_ns = (run), .phase_ns = (phase) })
#define SIM_B_WAKER_J(period, run, phase, jitter) \
    ((struct sim_behav){ .kind = SIM_WAKER, .period_ns = (period), \
                         .run_ns = (run), .phase_ns = (phase), \
                         .jitter_ns = (jitter) })

#define SIM_ATTACK_PERIOD  MILLISECS(10)
#define SIM_ATTACK_MARGIN  MICROSECS(100)

/* --- Objects. --- */

struct sim_pool;
struct sim_domain;

/*
 * Not a Xen scheduler id: sim_pool_create() makes such a pool with the
 * simulator's round-robin scheduler (sched_rr_sim.c), which never moves
 * work between pCPUs; the tests of the simulator's own checks use it.
 */
#define SIM_SCHED_RR 100
extern const struct scheduler sched_rr_sim_def;
extern s_time_t sim_rr_slice;       /* its time slice (default 1 ms) */

struct sim_vcpu {
    struct vcpu *v;
    struct sim_domain *sd;
    struct sim_behav b;
    unsigned int index;             /* in the simulator's table */

    int on_cpu;                     /* pCPU it is current on, or -1 */
    bool sim_blocked;               /* blocked by the simulator ... */
    s_time_t wake_at;               /* ... until then */
    s_time_t block_at;              /* while current: when it blocks */
    uint64_t run_at_wake;           /* CPU time used before its last wake */
    s_time_t unblocked_at;          /* last wake, until it runs (0: none) */
    s_time_t created_at;
    bool capped;                    /* excluded from work conservation */

    /* Statistics since sim_begin() / sim_stats_reset(). */
    unsigned long nr_wakes;
    unsigned long nr_lat;
    s_time_t lat_sum, lat_max;
    unsigned long nr_switch_in;
    unsigned long nr_migrations;    /* switched in on a different pCPU */
    int last_cpu;
};

struct sim_domain {
    struct domain *d;
    struct sim_pool *pool;
    unsigned int nr;
    struct sim_vcpu *sv[MAX_VIRT_CPUS];
};

struct sim_pool {
    struct cpupool *c;
    unsigned int sched_id;
    unsigned int next_cpu;          /* where the next new vCPU starts */
};

/* Counters the simulator keeps; zeroed by sim_begin()/sim_stats_reset(). */
struct sim_stats {
    unsigned long switches;          /* context_switch() calls */
    unsigned long decisions;         /* do_schedule() calls */
    unsigned long events;            /* event-loop steps */
    unsigned long ipis;
    unsigned long affinity_violations;   /* switched in outside hard aff. */
    unsigned long pool_violations;       /* switched in outside its pool */
    unsigned long unrunnable_switches;   /* switched in while not runnable */
    unsigned long running_outside;       /* current outside its hard
                                            affinity after an event settled */
    unsigned long wc_violations;         /* idle pCPU + waiting vCPU > 10ms */
    s_time_t wc_worst;                   /* worst such overlap seen */
    char wc_first[160];                  /* description of the first one */
    char affinity_first[160];
};

extern struct sim_stats sim_stats;

/* Work conservation checking (off by default: it costs O(pCPUs x vCPUs)
 * per event). The limit is what counts as a violation. */
void sim_check_work_conservation(bool on, s_time_t limit);

/* --- Life of a test. --- */

/* Boot the machine if not done yet; reset statistics; note allocations.
 * False (reported) if an earlier case left the machine unusable. */
bool sim_begin(const char *name);
/* Check nothing leaked since sim_begin() and no object is left. */
bool sim_end(void);
void sim_stats_reset(void);

s_time_t sim_now(void);

/* A pool with sched_id and ncpus free pCPUs (from SIM_FIRST_TEST_CPU, or
 * from first). NULL on failure (reported). */
struct sim_pool *sim_pool_create(unsigned int sched_id, unsigned int ncpus);
struct sim_pool *sim_pool_create_at(unsigned int sched_id, unsigned int first,
                                    unsigned int ncpus);
/* Move one pCPU out of / into a pool (cpupool_unassign_cpu / _assign). */
int sim_pool_unassign(struct sim_pool *p, unsigned int cpu);
int sim_pool_assign(struct sim_pool *p, unsigned int cpu);
/* Unassign every pCPU and destroy the pool; 0 or the first error. */
int sim_pool_destroy(struct sim_pool *p);
unsigned int sim_pool_nr_cpus(const struct sim_pool *p);

/*
 * A domain of nr vCPUs in p, weight (0 = default) and cap (0 = none), each
 * vCPU following b (WAKER phases are staggered by vCPU). vCPUs start on the
 * pool's pCPUs round robin. Unpaused. NULL on failure (reported).
 */
struct sim_domain *sim_domain_create(struct sim_pool *p, unsigned int nr,
                                     unsigned int weight, unsigned int cap,
                                     const struct sim_behav *b);
/* Kill it, drop the reference, let the deferred free run; 0 or -errno. */
int sim_domain_destroy(struct sim_domain *sd);
/* sched_adjust putinfo / getinfo for the pool's scheduler. */
int sim_domain_set_params(struct sim_domain *sd, unsigned int weight,
                          unsigned int cap);
int sim_domain_get_params(struct sim_domain *sd, unsigned int *weight,
                          unsigned int *cap);
/* Move to another pool: cpupool_move_domain(), which pauses it around
 * the move. */
int sim_domain_move(struct sim_domain *sd, struct sim_pool *to);

/* Affinity changes, as the toolstack makes them (on pCPU 0). */
int sim_vcpu_set_hard_affinity(struct sim_vcpu *sv, const cpumask_t *mask);
int sim_vcpu_set_soft_affinity(struct sim_vcpu *sv, const cpumask_t *mask);

/* CPU time the vCPU has used (runstate running total) at sim_now(). */
uint64_t sim_vcpu_runtime(const struct sim_vcpu *sv);
/* Its whole runstate, as vcpu_runstate_get() gives it. */
void sim_vcpu_runstate(const struct sim_vcpu *sv,
                       struct vcpu_runstate_info *rs);

/*
 * Raw framework calls from a test: bracket them with these, so they run
 * as the toolstack on pCPU 0 and the machine settles afterwards.
 */
void sim_ctl_begin(void);
void sim_ctl_end(void);

/*
 * Every simulated vCPU sits on a pCPU of its domain's pool that its hard
 * affinity allows (v->processor), unless it is migrating: the number that
 * do not.
 */
unsigned int sim_misplaced_vcpus(void);

/*
 * Run fn(arg) in a child process on a copy of the machine, so that a
 * panic or a hang inside the simulated hypervisor fails this part alone
 * and later cases still run. The child's output is passed through; the
 * part fails if a check failed there (a "  FAIL " line), it panicked or
 * hung, leaked an allocation or left a lock held. True if it passed.
 * arg is a scheduler id: SIM_SCHED=<name> in the environment runs only
 * that scheduler's parts, SIM_NOFORK=1 runs them in-process (debugger).
 */
bool sim_isolated(void (*fn)(unsigned int arg), unsigned int arg);

/* --- Running. --- */

/* Run the event loop until the clock reaches t / for ns more. */
void sim_run_until(s_time_t t);
void sim_run_for(s_time_t ns);
/* Let every pCPU process its pending softirqs at the current instant. */
void sim_settle(void);

/* Call fn(arg) every period from now on, before the events of that instant
 * (at most SIM_MAX_PERIODIC; removed by sim_periodic_clear()/sim_begin()).
 * fn runs as pCPU 0 and acts through the sim_* functions. */
#define SIM_MAX_PERIODIC 4
void sim_periodic(s_time_t period, void (*fn)(void *arg), void *arg);
void sim_periodic_clear(void);

/* --- Decision cost: host time of each do_schedule() of the sim's pools. */

struct sim_cost {
    unsigned long n;
    double mean_ns, p50_ns, p99_ns, max_ns;
};
/* Start/stop keeping samples (they are also counted in sim_stats). */
void sim_cost_start(void);
void sim_cost_stop(struct sim_cost *out);

/* --- Standard scenarios, shared by test_sched and sched_bench. --- */

/*
 * What a scenario measured. Shares are in percent of one pCPU over the
 * measuring window; err is the scenario's figure of merit (see each).
 * setup_ok is false if building or tearing down the scenario failed
 * (already reported through the harness).
 */
struct sim_result {
    bool setup_ok;
    double share[4];
    double err;
    double lat_mean_ns;
    s_time_t lat_max_ns;
    unsigned long nr_lat;
    struct sim_cost cost;
    unsigned long violations;   /* the sim_stats counts of switches (and
                                   currents) outside hard affinity or pool,
                                   or of unrunnable vCPUs */
};

/* Weights 256:512, two SPIN vCPUs on one pCPU: share[0..1]; err = the
 * larger distance (percentage points) from 33.3 / 66.7. */
void sim_scn_weights(unsigned int sched_id, struct sim_result *r);
/* Cap 50 on a SPIN vCPU, alone or with an uncapped SPIN competitor of the
 * same weight: share[0] capped, share[1] competitor; err = |share[0]-50|. */
void sim_scn_cap(unsigned int sched_id, bool competitor, struct sim_result *r);
/* TICK_ATTACKER against a SPIN vCPU of equal weight on one pCPU:
 * share[0] attacker, share[1] spinner; err = share[0] - 50. */
void sim_scn_attacker(unsigned int sched_id, struct sim_result *r);
/*
 * Wake latency (unblock to switch-in) of vCPUs that sleep and wake while
 * others run. Only the sleepers' wakes count. Variants:
 * 0: one pCPU, two SPIN + a WAKER (5 ms, 100 us, up to 4 ms late);
 * 1: two pCPUs, a SPIN and a WAKER (3 ms, 50 us, up to 2 ms late) both
 *    pinned to the first: the spinner's credit covers its use (UNDER);
 * 2: four pCPUs, four SPIN + a WAKER (3 ms, 100 us, up to 2 ms late);
 * 3: four pCPUs, four SPIN + four WAKERs (7 ms, 200 us, up to 5 ms late)
 *    + two DUTY (300 us, 2 ms): sleepers may queue behind each other;
 * 4: one pCPU, two DUTY(4 ms, 5 ms) + a WAKER (3 ms, 50 us, up to 2 ms
 *    late): the running vCPUs themselves woke from sleep (in credit,
 *    boosted like the waker).
 * The check (<= 1 ms) applies to the first SIM_LAT_CHECKED variants, one
 * sleeper among spinners; the others are figures only (a sleeper may
 * legitimately wait for another sleeper, or a boosted runner, first).
 */
#define SIM_LAT_VARIANTS 5
#define SIM_LAT_CHECKED 3
void sim_scn_latency(unsigned int sched_id, unsigned int variant,
                     struct sim_result *r);
/* nvcpus (half SPIN, half DUTY) on ncpus pCPUs for measure_ns after a
 * warm-up: the cost of do_schedule(). */
void sim_scn_scale(unsigned int sched_id, unsigned int ncpus,
                   unsigned int nvcpus, s_time_t measure_ns,
                   struct sim_result *r);

const char *sim_sched_name(unsigned int sched_id);

/* Print the framework's 'r' dump (visible with HARNESS_VERBOSE). */
void sim_dump(void);

/* A deterministic pseudo-random generator for the tests. */
uint32_t sim_rand(void);
void sim_srand(uint32_t seed);

#endif /* TOOLS_TESTS_UNIT_SCHED_SIM_H */
