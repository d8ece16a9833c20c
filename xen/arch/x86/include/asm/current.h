/*
 * asm/current.h: per-CPU information found from the stack pointer.
 *
 * Every CPU runs on a STACK_SIZE-aligned stack whose top holds a struct
 * cpu_info. Rounding %rsp up therefore finds the running CPU's data without
 * any segment register, which matters on entry from a guest when %gs is the
 * guest's.
 */
#ifndef ASM_X86_CURRENT_H
#define ASM_X86_CURRENT_H

#include <asm/config.h>
#include <asm/regs.h>

#if !defined(__ASSEMBLY__) && defined(__XEN_HOST_TEST__)
/* Host unit tests say which simulated CPU is running, and its vCPU. */
struct vcpu;
unsigned int smp_processor_id(void);
struct vcpu *get_current(void);
void set_current(struct vcpu *v);
#define current get_current()
#elif !defined(__ASSEMBLY__)
struct vcpu;

/*
 * guest_cpu_user_regs is the frame of every entry from guest mode: the TSS
 * rsp0 is its es field, which the leading pad word makes 16-byte aligned
 * (the CPU aligns rsp0 down to 16 bytes before pushing). self is the
 * structure's own address, found through the GS base on syscall entry.
 */
struct cpu_info {
    unsigned long pad0;
    struct cpu_user_regs guest_cpu_user_regs; /* frame of a guest entry */
    unsigned int processor_id;
    struct vcpu *current_vcpu;
    unsigned long per_cpu_offset;
    unsigned long self;
};

static inline struct cpu_info *get_cpu_info(void)
{
    unsigned long sp;

    __asm__ ( "mov %%rsp, %0" : "=r" (sp) );
    return (struct cpu_info *)((sp | (STACK_SIZE - 1)) + 1) - 1;
}

static inline unsigned long get_stack_bottom(void)
{
    unsigned long sp;

    __asm__ ( "mov %%rsp, %0" : "=r" (sp) );
    return sp & ~(STACK_SIZE - 1);
}

#define smp_processor_id() (get_cpu_info()->processor_id)

/* The vCPU this pCPU runs (its idle vCPU when nothing else). */
static inline struct vcpu *get_current(void)
{
    return get_cpu_info()->current_vcpu;
}

static inline void set_current(struct vcpu *v)
{
    get_cpu_info()->current_vcpu = v;
}

#define current get_current()

extern char cpu0_stack[STACK_SIZE];
#endif

/* struct cpu_info's size and offsets, for assembly. Checked in desc.c. */
#define CPUINFO_guest_regs 8
#define CPUINFO_processor_id (CPUINFO_guest_regs + REGS_SIZE)
#define CPUINFO_current_vcpu (CPUINFO_processor_id + 8)
#define CPUINFO_self (CPUINFO_current_vcpu + 16)
#define CPUINFO_SIZE (CPUINFO_self + 8)
/* Where the CPU builds the frame of an entry from guest mode (TSS rsp0). */
#define CPUINFO_rsp0 (CPUINFO_guest_regs + REGS_es)

#endif /* ASM_X86_CURRENT_H */
