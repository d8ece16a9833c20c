/*
 * xen/vcpu_timer.h: a vCPU's timers and the time it reads, and the pieces
 * of vcpu_op that the rest of the hypervisor calls.
 *
 *   common/vcpu_timer.c       the single-shot and periodic timers behind
 *                             VCPUOP_*_timer and set_timer_op; each raises
 *                             VIRQ_TIMER on its vCPU when it fires
 *   arch/x86/time_guest.c     the vcpu_time_info records and the wall clock
 *                             in shared_info
 *   common/vcpu_op.c          the vcpu_op hypercall and the guest's copy of
 *                             its runstate
 *   common/vcpu_info.c        VCPUOP_register_vcpu_info
 *
 * What the life cycle and the scheduler must call, and where:
 *   vcpu_create()             vcpu_timers_init(v) (on v->processor, or
 *                             pCPU 0 before it is set; they follow anyway)
 *   freeing a vCPU            vcpu_timers_destroy(v) (no timer fires after it)
 *   v->processor changes      vcpu_timers_migrate(v, new_cpu): saves the
 *                             cross-pCPU kick (a periodic timer also moves
 *                             itself at its next tick, a single-shot one
 *                             when the vCPU next arms it)
 *   context switch            update_runstate_area(prev) while prev's page
 *                             tables are loaded; then, once next is current
 *                             and its page tables are loaded,
 *                             update_vcpu_system_time(next) and
 *                             update_runstate_area(next) (for both: the
 *                             guest's kernel page tables, see below)
 *   boot, right after         guest_time_init() (the wall clock takes
 *   rtc_init()                its NOW() for the moment the RTC was read)
 *   building a domain         update_domain_wallclock_time(d) once
 *                             d->shared_info exists; and for each vCPU
 *                             update_vcpu_system_time(v) before it first runs
 *   domain_kill()             unmap_vcpu_info(v) for each vCPU, before
 *                             shared_info is freed
 *
 * Guest virtual addresses (the runstate copy, the secondary time record)
 * name the guest kernel's memory: they are written through the page tables
 * loaded at the time, so the writes above must happen with the vCPU's
 * kernel page tables loaded (Xen switches to them for the write when the
 * vCPU is in user mode). A write that faults is dropped: the guest gave a
 * bad address and only it loses.
 */
#ifndef XEN_VCPU_TIMER_H
#define XEN_VCPU_TIMER_H

#include <xen/time.h>
#include <xen/types.h>
#include <public/xen.h>

struct domain;
struct vcpu;

/* Timers further ahead than this are refused (as Xen: no overflow of
 * NOW() + delta within 200 years of uptime). */
#define STIME_DELTA_MAX ((s_time_t)(~0ull >> 2))

/* The shortest period VCPUOP_set_periodic_timer accepts. */
#define VCPU_PERIODIC_MIN MILLISECS(1)

/* ---- common/vcpu_timer.c ---- */

/* Initialise v's timers on v->processor (cannot fail: 0). */
int vcpu_timers_init(struct vcpu *v);
/* Kill them for good; waits for a running timer function. Not from one. */
void vcpu_timers_destroy(struct vcpu *v);
/* v now runs on cpu: move its timers' queue there, armed or not. */
void vcpu_timers_migrate(struct vcpu *v, unsigned int cpu);

/*
 * Arm v's single-shot timer for system time timeout_abs_ns, on the calling
 * pCPU; v must be current. A deadline already past fires at once.
 */
void vcpu_set_singleshot_timer(struct vcpu *v, uint64_t timeout_abs_ns);
void vcpu_stop_singleshot_timer(struct vcpu *v);

/*
 * Tick v every period_ns from now on (restarting the phase), or stop with
 * 0. -EINVAL for a period below VCPU_PERIODIC_MIN or above STIME_DELTA_MAX.
 */
int vcpu_set_periodic_timer(struct vcpu *v, uint64_t period_ns);

/* ---- arch/x86/time_guest.c ---- */

/* At boot, after time_init() and rtc_init(): the scale guests get, the
 * TSC_STABLE decision and the wall clock. */
void guest_time_init(void);

/*
 * Rewrite v's vcpu_time_info (in its vcpu_info and, when v is current and
 * in kernel mode, the secondary copy it registered). Only v's own pCPU may
 * write it: call with v == current, or while v cannot run.
 */
void update_vcpu_system_time(struct vcpu *v);

/*
 * VCPUOP_register_vcpu_time_memory_area: keep a second copy of v's record
 * at guest virtual address va (checked by the caller; 0: none).
 */
void register_vcpu_time_area(struct vcpu *v, unsigned long va);

/* Write d's wall clock (shared_info wc_*) from the current base. */
void update_domain_wallclock_time(struct domain *d);

/*
 * Set the wall clock: Unix time secs.nsecs was system time stime (dom0's
 * XENPF_settime). Every domain's copy is rewritten.
 */
void wallclock_set(uint64_t secs, uint32_t nsecs, s_time_t stime);

/* Unix time at system time 0, in ns. */
uint64_t wallclock_base(void);

/*
 * The guest's scale for a TSC whose tick is frac / 2^32 ns: mul and shift
 * such that ((ticks << shift) * mul) >> 32 approximates the ns (exactly,
 * when shift is 0). For the tests.
 */
void guest_time_scale(uint64_t frac, uint32_t *mul, int8_t *shift);

/* ---- common/vcpu_op.c ---- */

/* Copy v's runstate to the area it registered, if any (see above). Not
 * with v's schedule lock held. */
void update_runstate_area(struct vcpu *v);

/*
 * Provided by the arch: VCPUOP_initialise. Load v's state from the
 * vcpu_guest_context at arg (-EEXIST if v was given a state already).
 * May return -ERESTART to be continued.
 */
int arch_initialise_vcpu(struct vcpu *v, XEN_GUEST_HANDLE_PARAM(void) arg);
/* VCPUOP_send_nmi: make v take a virtual NMI (arch/x86/pv/traps.c). */
void arch_vcpu_send_nmi(struct vcpu *v);

/* ---- common/vcpu_info.c ---- */

/*
 * Move v's vcpu_info into the guest's frame gfn at offset. d's domain lock
 * held; v is current or down. Once per vCPU. -EINVAL for a bad offset, a
 * second call, a running other vCPU, or a frame the guest may not give.
 */
int map_vcpu_info(struct vcpu *v, unsigned long gfn, unsigned int offset);
/* Give the frame back; v's vcpu_info returns to its shared_info slot. */
void unmap_vcpu_info(struct vcpu *v);

#endif /* XEN_VCPU_TIMER_H */
