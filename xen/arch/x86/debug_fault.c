/*
 * debug_fault.c: faults raised on purpose (debug builds only).
 *
 * debug_fault=<kind> makes the end of boot raise one fault, so that tests
 * can check the fault report end to end: the vector and its name, the
 * error code, every register, the control registers and a symbolized call
 * trace. Each kind has its own non-inlined function, so the report's RIP
 * names it (debug_fault_<kind>) and the trace shows __start_xen below it.
 *
 *   ud      ud2: invalid opcode (#UD)
 *   pf      a write to an unmapped address (#PF, CR2 = DEBUG_FAULT_ADDR)
 *   gp      a read through a non-canonical address (#GP)
 *   de      a division by zero (#DE)
 *   int3    a breakpoint (#BP)
 *   df      a breakpoint with %rsp on unmapped memory: the CPU cannot push
 *           the #BP frame nor the #PF frame that follows, so it raises a
 *           double fault, which runs on its own IST stack
 *   panic   panic()
 *   assert  a failing ASSERT()
 */
#include <xen/debug_fault.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/string.h>

#define DEBUG_FAULT_ADDR 0x00007fffdead0000UL

static char opt_debug_fault[16];

static int parse_debug_fault(const char *s)
{
    static const char *const kinds[] = {
        "ud", "pf", "gp", "de", "int3", "df", "panic", "assert",
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(kinds); i++ )
        if ( !strcmp(s, kinds[i]) )
        {
            strlcpy(opt_debug_fault, s, sizeof(opt_debug_fault));
            return 0;
        }
    return -EINVAL;
}
custom_param("debug_fault", parse_debug_fault);

static noinline void debug_fault_ud(void)
{
    __asm__ __volatile__ ( "ud2" );
}

static noinline void debug_fault_pf(void)
{
    *(volatile unsigned long *)DEBUG_FAULT_ADDR = 1;
}

static noinline void debug_fault_gp(void)
{
    (void)*(volatile unsigned long *)0x8000000000000000UL;
}

static noinline void debug_fault_de(void)
{
    __asm__ __volatile__ ( "xor %%edx, %%edx; divl %1"
                           :: "a" (1), "r" (0) : "rdx" );
}

static noinline void debug_fault_int3(void)
{
    __asm__ __volatile__ ( "int3" );
}

static noinline void debug_fault_df(void)
{
    __asm__ __volatile__ ( "mov %0, %%rsp; int3" :: "r" (DEBUG_FAULT_ADDR) );
}

static noinline void debug_fault_panic(void)
{
    panic("debug_fault=panic requested\n");
}

static noinline void debug_fault_assert(void)
{
    ASSERT(!"debug_fault=assert requested");
}

void debug_fault_trigger(void)
{
    static const struct {
        const char *name;
        void (*fn)(void);
    } kinds[] = {
        { "ud", debug_fault_ud }, { "pf", debug_fault_pf },
        { "gp", debug_fault_gp }, { "de", debug_fault_de },
        { "int3", debug_fault_int3 }, { "df", debug_fault_df },
        { "panic", debug_fault_panic }, { "assert", debug_fault_assert },
    };
    unsigned int i;

    if ( !*opt_debug_fault )
        return;
    printk(XENLOG_WARNING "debug_fault=%s: raising it now\n", opt_debug_fault);
    for ( i = 0; i < ARRAY_SIZE(kinds); i++ )
        if ( !strcmp(opt_debug_fault, kinds[i].name) )
            kinds[i].fn();
    printk(XENLOG_ERR "debug_fault=%s: the fault did not happen\n",
           opt_debug_fault);
}
