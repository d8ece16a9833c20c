/*
 * sched_bench.c: scheduler figures from the simulated machine (make bench).
 *
 * For each scheduler, one line per figure, from the same scenarios that
 * test_sched.c checks (sched_sim.c): the share error of weights 256:512,
 * the cap-50 error alone and with a competitor, the tick attacker's
 * share, wake latency (mean / max) in each latency variant, and the host
 * cost of one do_schedule() at 16 vCPUs on 4 pCPUs, 100 on 16 and 1000
 * on 64, with its growth. Simulated time is exact; the cost figures are
 * host wall-clock and vary with the machine and its load.
 *
 *   sched_bench [credit|credit2]     one scheduler only
 *
 * Each scheduler runs in a child process (sim_isolated), so a crash in one
 * still lets the other report. The exit status is non-zero if any part
 * failed to set up or crashed (the figures themselves are not judged
 * here: test_sched does that).
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "sched_sim.h"

#define LINE "%-8s %-52s"

static void figure(unsigned int sched, const char *what, const char *fmt,
                   double a, double b)
{
    printf(LINE, sim_sched_name(sched), what);
    printf(fmt, a, b);
    printf("\n");
}

static void bench_sched(unsigned int sched)
{
    static const struct { unsigned int cpus, vcpus; } cfg[] = {
        { 4, 16 }, { 16, 100 }, { 64, 1000 },
    };
    double mean[ARRAY_SIZE(cfg)];
    struct sim_result r;
    unsigned int v, k;
    char what[64];
    bool ok = true;

    sim_scn_weights(sched, &r);
    ok &= r.setup_ok;
    figure(sched, "share error, weights 256:512 (points)", "%8.2f", r.err, 0);

    sim_scn_cap(sched, false, &r);
    ok &= r.setup_ok;
    figure(sched, "cap 50 error, alone (points)", "%8.2f", r.err, 0);
    sim_scn_cap(sched, true, &r);
    ok &= r.setup_ok;
    figure(sched, "cap 50 error, with a competitor (points)", "%8.2f",
           r.err, 0);

    sim_scn_attacker(sched, &r);
    ok &= r.setup_ok;
    figure(sched, "tick attacker share vs spinner (%)", "%8.2f",
           r.share[0], 0);

    for ( v = 0; v < SIM_LAT_VARIANTS; v++ )
    {
        sim_scn_latency(sched, v, &r);
        ok &= r.setup_ok;
        snprintf(what, sizeof(what),
                 "wake latency variant %u, mean / max (us)", v);
        figure(sched, what, "%8.1f / %.1f", r.lat_mean_ns / 1000,
               r.lat_max_ns / 1000.0);
    }

    for ( k = 0; k < ARRAY_SIZE(cfg); k++ )
    {
        sim_scn_scale(sched, cfg[k].cpus, cfg[k].vcpus, SECONDS(1), &r);
        ok &= r.setup_ok;
        mean[k] = r.cost.mean_ns;
        snprintf(what, sizeof(what),
                 "decision cost %u vCPUs / %u pCPUs, mean / p99 (us)",
                 cfg[k].vcpus, cfg[k].cpus);
        figure(sched, what, "%8.3f / %.3f", r.cost.mean_ns / 1000,
               r.cost.p99_ns / 1000);
    }
    figure(sched, "decision cost growth, 1000/64 over 16/4 (x)", "%8.2f",
           mean[0] > 0 ? mean[2] / mean[0] : 0, 0);

    if ( !ok )
        printf("  FAIL %s: a scenario could not be set up\n",
               sim_sched_name(sched));
}

int main(int argc, char **argv)
{
    static const unsigned int scheds[] = {
        XEN_SCHEDULER_CREDIT, XEN_SCHEDULER_CREDIT2,
    };
    unsigned int i;
    bool ok = true;

    if ( !sim_begin("sched_bench") )
        return 1;
    printf("sched_bench: simulated %u-pCPU machine; shares over 3 s after "
           "1 s warm-up, latencies over 2 s, costs over 1 s (host time)\n",
           SIM_NR_CPUS);
    for ( i = 0; i < ARRAY_SIZE(scheds); i++ )
        if ( argc < 2 || !strcmp(argv[1], sim_sched_name(scheds[i])) )
            ok &= sim_isolated(bench_sched, scheds[i]);
    ok &= sim_end();
    return ok ? 0 : 1;
}
