/*
 * time: the PV clock (pv-abi.md 1.5, 5 Time).
 *
 * - vcpu_info[0].time: version even between updates, mul and system time
 *   set; the TSC frequency it implies matches CPUID leaf 0x40000003;
 * - system time (system_time + scaled TSC delta) never goes backwards over
 *   many reads spanning the hypervisor's updates, and advances as the TSC
 *   does;
 * - the wall clock (wc_version protocol) is a plausible Unix time;
 * - VCPUOP_register_vcpu_time_memory_area keeps a second copy in sync;
 * - VCPUOP_get_runstate_info / register_runstate_memory_area: vCPU 0 is
 *   running and has run for a while, vCPU 1 (down) is offline; the area
 *   copy at registration is the record as of the last state change.
 * Seen on 4.17 (TCG): the record is not refreshed while the vCPU runs (the
 * version stays put for 300 ms), flags has no TSC_STABLE, and CPUID leaf
 * 0x40000003 subleaf 0 is all zeroes for dom0.
 */
#include "guest.h"

const char test_title[] = "time: vcpu_time_info, system time, wall clock, runstate";

static uint64_t tsc_khz_from(const struct vcpu_time_info *t)
{
    /* ns per tick = mul / 2^32 scaled by 2^shift: kHz = 1e6 / ns_per_tick */
    uint64_t khz = (1000000UL << 32) / t->tsc_to_system_mul;

    return t->tsc_shift >= 0 ? khz >> t->tsc_shift : khz << -t->tsc_shift;
}

static void check_record(void)
{
    struct vcpu_time_info t = vcpu0()->time;
    uint32_t a, b, c, d;
    uint64_t khz;

    printk("time: version %u tsc %#lx system %lu ns mul %u shift %d flags %#x\n",
           t.version, t.tsc_timestamp, t.system_time, t.tsc_to_system_mul, t.tsc_shift,
           t.flags);
    CHECK(t.tsc_to_system_mul != 0);
    CHECK(t.system_time > 0);
    CHECK(t.system_time < 600UL * 1000000000UL);    /* booted minutes ago at most */
    khz = tsc_khz_from(&t);
    pv_cpuid_count(0x40000003, 0, &a, &b, &c, &d);
    printk("TSC %lu kHz from mul/shift; CPUID 0x40000003: eax %#x ebx %#x ecx %u edx %#x\n",
           khz, a, b, c, d);
    if ( c && (khz * 100 < (uint64_t)c * 99 || khz * 100 > (uint64_t)c * 101) )
        fail("TSC from mul/shift %lu kHz, CPUID says %u kHz", khz, c);
}

static void check_monotonic(void)
{
    uint64_t start = system_time_ns(), prev = start, now, tsc0 = rdtsc();
    uint32_t v0 = vcpu0()->time.version;
    unsigned long n = 0, back = 0;

    /* About 300 ms of reads, so that the hypervisor updates the record. */
    do {
        now = system_time_ns();
        if ( now < prev )
        {
            if ( back++ < 3 )
                fail("system time went back by %lu ns (read %lu)", prev - now, n);
        }
        prev = now;
        n++;
    } while ( now - start < 300000000UL && n < 50000000UL );
    printk("%lu reads over %lu ns, %lu TSC ticks, version %u -> %u\n", n, now - start,
           rdtsc() - tsc0, v0, vcpu0()->time.version);
    CHECK(now - start >= 300000000UL);
    CHECK_EQ(back, 0);
    CHECK_EQ(vcpu0()->time.version & 1, 0);
}

static void check_wallclock(void)
{
    uint32_t v, sec, nsec;

    do {
        v = ACCESS_ONCE(shared->wc_version);
        barrier();
        sec = shared->wc_sec;
        nsec = shared->wc_nsec;
        barrier();
    } while ( (v & 1) || v != ACCESS_ONCE(shared->wc_version) );
    printk("wall clock at boot: %u.%09u (version %u, sec_hi %u)\n", sec, nsec, v,
           shared->wc_sec_hi);
    CHECK(sec > 1500000000U);               /* after 2017 */
    CHECK(nsec < 1000000000U);
}

static void check_time_area(void)
{
    struct vcpu_time_info *copy = alloc_page();
    struct vcpu_register_time_memory_area area = { .addr.p = (uint64_t)copy };
    long rc = hypervisor_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &area);

    CHECK_EQ(rc, 0);
    if ( rc )
        return;
    /* Updated at registration and at every later update. */
    CHECK(copy->version != 0);
    CHECK_EQ(copy->version & 1, 0);
    CHECK_EQ(copy->tsc_to_system_mul, vcpu0()->time.tsc_to_system_mul);
    CHECK(copy->system_time != 0);
    printk("time area: version %u system %lu (shared: version %u system %lu), flags %#x\n",
           copy->version, copy->system_time, vcpu0()->time.version,
           vcpu0()->time.system_time, copy->flags);
    area.addr.p = 0;
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &area), 0);
}

static void check_runstate(void)
{
    struct vcpu_runstate_info info, *area = alloc_page();
    struct vcpu_register_runstate_memory_area reg = { .addr.p = (uint64_t)area };
    uint64_t now;

    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_get_runstate_info, 0, &info), 0);
    now = system_time_ns();
    printk("runstate: state %d since %lu, running %lu runnable %lu blocked %lu offline %lu\n",
           info.state, info.state_entry_time, info.time[0], info.time[1], info.time[2],
           info.time[3]);
    CHECK_EQ(info.state, RUNSTATE_running);
    CHECK(info.time[RUNSTATE_running] > 0);
    CHECK(info.state_entry_time <= now);

    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &reg), 0);
    /*
     * The copy is written at registration, from the vCPU's record as of its
     * last state change: for the running vCPU that leaves out the current
     * stint, which get_runstate_info adds.
     */
    CHECK_EQ(area->state, RUNSTATE_running);
    CHECK_EQ(area->state_entry_time, info.state_entry_time);
    CHECK(area->time[RUNSTATE_running] <= info.time[RUNSTATE_running]);
    CHECK(area->time[RUNSTATE_running] + (now - info.state_entry_time) >=
          info.time[RUNSTATE_running]);
    /* vCPU 1 is down: offline */
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_get_runstate_info, 1, &info), 0);
    CHECK_EQ(info.state, RUNSTATE_offline);
    reg.addr.p = 0;
    CHECK_EQ(hypervisor_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &reg), 0);
}

int main(void)
{
    check_record();
    check_monotonic();
    check_wallclock();
    check_time_area();
    check_runstate();
    test_done();
}
