/*
 * asm/system.h: the local interrupt flag.
 *
 * Host unit tests simulate it: the harness keeps a per-thread flag behind
 * the same names, so lock code that checks IRQ state runs unchanged.
 */
#ifndef ASM_X86_SYSTEM_H
#define ASM_X86_SYSTEM_H

#include <asm/processor-flags.h>
#include <xen/types.h>
#include <xen/compiler.h>

#ifdef __XEN_HOST_TEST__

void local_irq_disable(void);
void local_irq_enable(void);
unsigned long host_test_irq_save(void);
void host_test_irq_restore(unsigned long flags);
bool local_irq_is_enabled(void);
#define local_save_flags(x) ((x) = local_irq_is_enabled() ? X86_EFLAGS_IF : 0)
#define local_irq_save(x)   ((x) = host_test_irq_save())
#define local_irq_restore(x) host_test_irq_restore(x)

#else

static inline void local_irq_disable(void)
{
    __asm__ __volatile__ ( "cli" ::: "memory" );
}

static inline void local_irq_enable(void)
{
    __asm__ __volatile__ ( "sti" ::: "memory" );
}

#define local_save_flags(x) \
    __asm__ __volatile__ ( "pushf; pop %0" : "=g" (x) :: "memory" )

#define local_irq_save(x) \
    __asm__ __volatile__ ( "pushf; pop %0; cli" : "=g" (x) :: "memory" )

#define local_irq_restore(x) \
    __asm__ __volatile__ ( "push %0; popf" :: "g" (x) : "memory", "cc" )

static inline bool local_irq_is_enabled(void)
{
    unsigned long f;

    local_save_flags(f);
    return f & X86_EFLAGS_IF;
}

#endif

#endif /* ASM_X86_SYSTEM_H */
