/*
 * guest.h: the runtime every PV test guest links with.
 *
 * A test is a main() that checks one behaviour and ends with test_result()
 * (or test_done() after fail() calls).  The runtime has already:
 *  - recorded the entry state (entry_state) and start_info (start_info),
 *  - registered a trap table for vectors 0-31 (and 0x80), the event and
 *    failsafe callbacks,
 *  - mapped shared_info (shared) and set up the page allocator.
 * Events stay masked (vcpu_info upcall_mask = 1) until a test unmasks them.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hypercall.h"

/* Xen errno values (they equal Linux's). */
#define EPERM    1
#define ENOENT   2
#define ESRCH    3
#define EINTR    4
#define EIO      5
#define E2BIG    7
#define EBADF    9
#define EAGAIN  11
#define ENOMEM  12
#define EACCES  13
#define EFAULT  14
#define EBUSY   16
#define EEXIST  17
#define EXDEV   18
#define ENODEV  19
#define EINVAL  22
#define ENOSPC  28
#define ERANGE  34
#define ENOSYS  38
#define ETIME   62
#define EOPNOTSUPP 95

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096UL
#define PAGE_MASK  (~(PAGE_SIZE - 1))

/* The dom0 builder's VIRT_BASE (head.S note). */
#define VIRT_BASE 0xffffffff80000000UL

/* PTE bits. */
#define _PAGE_PRESENT  0x001UL
#define _PAGE_RW       0x002UL
#define _PAGE_USER     0x004UL
#define _PAGE_PWT      0x008UL
#define _PAGE_PCD      0x010UL
#define _PAGE_ACCESSED 0x020UL
#define _PAGE_DIRTY    0x040UL
#define _PAGE_PSE      0x080UL
#define _PAGE_GLOBAL   0x100UL
#define _PAGE_NX       (1UL << 63)
#define PTE_MFN_MASK   0x000ffffffffff000UL

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ROUNDUP(x, a) (((x) + (a) - 1) & ~((a) - 1))
#define barrier() asm volatile ( "" ::: "memory" )
#define ACCESS_ONCE(x) (*(volatile __typeof__(x) *)&(x))
#define noreturn __attribute__((noreturn))
#define printf_like(a, b) __attribute__((format(printf, a, b)))

/* ---- state at entry (head.S fills it before touching anything) ---- */
struct entry_state {
    uint64_t gpr[16];               /* rax rbx rcx rdx rsi rdi rbp rsp r8..r15 */
    uint64_t rflags;
    uint16_t cs, ss, ds, es, fs, gs;
};
enum { R_RAX, R_RBX, R_RCX, R_RDX, R_RSI, R_RDI, R_RBP, R_RSP,
       R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15 };
extern struct entry_state entry_state;

extern start_info_t *start_info;
extern shared_info_t *shared;       /* mapped by the runtime */
extern xen_pfn_t *p2m;              /* start_info->mfn_list */
extern const xen_pfn_t *m2p;        /* the read-only M2P at 0xffff800000000000 */
#define M2P_VA 0xffff800000000000UL

extern char _start[], _end[];       /* the image */

static inline struct vcpu_info *vcpu0(void) { return &shared->vcpu_info[0]; }

/* ---- results ---- */
enum test_status { SUCCESS, SKIP, ERROR, FAILURE };

int main(void);

/* Print "Test result: STATUS[: reason]" and power off.  SUCCESS ignores fmt. */
noreturn printf_like(2, 3) void test_result(enum test_status s, const char *fmt, ...);
/* Record a failure (printed at once); the test goes on. */
printf_like(1, 2) void fail(const char *fmt, ...);
extern unsigned int nr_failures;
/* SUCCESS if fail() was never called, else FAILURE with the first reason. */
noreturn void test_done(void);
/* Something broke that is not the behaviour under test. */
#define panic(...) test_result(ERROR, __VA_ARGS__)
#define ASSERT(c) do { if ( !(c) ) panic("assertion '%s' failed at %s:%d", #c, __FILE__, __LINE__); } while ( 0 )

/* Check helpers: on mismatch call fail() with the expression and values. */
#define CHECK(c) do { if ( !(c) ) fail("%s:%d: %s", __FILE__, __LINE__, #c); } while ( 0 )
#define CHECK_EQ(a, b) do {                                                  \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                     \
        if ( a_ != b_ )                                                      \
            fail("%s:%d: %s == %#lx, expected %s == %#lx", __FILE__, __LINE__, \
                 #a, a_, #b, b_);                                            \
    } while ( 0 )

/* ---- console ---- */
printf_like(1, 2) int printk(const char *fmt, ...);
int vprintk(const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
printf_like(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);
void console_write(const char *s, size_t n);

/* ---- tiny libc ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* ---- traps (traps.c) ---- */
#define KIND_ERRCODE  0x1000
#define KIND_EVENT    0x100
#define KIND_FAILSAFE 0x101
#define KIND_SYSCALL  0x102

#define X86_EXC_DE  0
#define X86_EXC_DB  1
#define X86_EXC_BP  3
#define X86_EXC_UD  6
#define X86_EXC_NM  7
#define X86_EXC_DF  8
#define X86_EXC_TS 10
#define X86_EXC_NP 11
#define X86_EXC_SS 12
#define X86_EXC_GP 13
#define X86_EXC_PF 14

/* The GPRs entry_common saved (low to high address). */
struct saved_gprs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
};

/*
 * One entry into the guest as the hypervisor made it.  raw[] is Xen's frame
 * word for word from the lowest address (rcx) up; the named fields are
 * decoded from it.  A handler may change gprs, rip, cs, rflags, rsp, ss,
 * rcx and r11: they are what the iret hypercall resumes with.
 */
struct trap_frame {
    unsigned int kind;              /* vector | KIND_ERRCODE, or KIND_* */
    unsigned int vector;            /* 0-31, 0x80, or the KIND_ callback */
    bool has_error_code;
    uint64_t frame_va;              /* where the frame started (rcx slot) */
    unsigned int nr_raw;
    uint64_t raw[11];
    uint64_t rcx, r11, error_code;
    uint64_t ds, es, fs, gs;        /* failsafe frames only */
    uint64_t rip, cs, rflags, rsp, ss;
    uint64_t cr2;                   /* vcpu_info arch.cr2 when it arrived */
    struct saved_gprs *gprs;
};

/* Return true if handled (the frame is then resumed, possibly changed). */
typedef bool (*trap_handler_t)(struct trap_frame *f);
void set_trap_handler(unsigned int kind, trap_handler_t h);
/* The last trap/callback taken, and how many so far. */
extern struct trap_frame last_trap;
extern volatile unsigned int nr_traps;   /* counts event upcalls too */

/* Exception fixup: a fault at `from` resumes at `to`. */
#define ASM_EXTABLE(from, to)                      \
    ".pushsection .ex_table, \"a\"\n\t"            \
    ".balign 8\n\t"                                \
    ".quad " #from ", " #to "\n\t"                 \
    ".popsection\n\t"

/* Read/write a u64 at va under a fixup: -1 if no trap, else the vector. */
int probe_read(const volatile void *va, uint64_t *val);
int probe_write(volatile void *va, uint64_t val);

/* Register (re-register) the trap table with flags/DPL overrides. */
void install_trap_table(void);
void set_trap_gate_flags(unsigned int vector, uint8_t flags);
extern const uint64_t trap_entry_table[32];
extern char trap_entry_128[], event_entry[], failsafe_entry[], syscall_entry[];

/* ---- events (traps.c) ---- */
typedef void (*evtchn_handler_t)(evtchn_port_t port);
void set_evtchn_handler(evtchn_port_t port, evtchn_handler_t h);
extern volatile unsigned int nr_upcalls;
static inline void events_mask(void) { vcpu0()->evtchn_upcall_mask = 1; barrier(); }
/* Unmask and let any pending upcall in (xen_version(0) is a cheap hypercall
 * that returns through the event check). */
void events_unmask(void);

/* ---- memory (mm.c) ---- */
static inline unsigned long pfn_to_va(unsigned long pfn) { return VIRT_BASE + (pfn << PAGE_SHIFT); }
static inline unsigned long va_to_pfn(unsigned long va) { return (va - VIRT_BASE) >> PAGE_SHIFT; }
static inline xen_pfn_t virt_to_mfn(const void *va) { return p2m[va_to_pfn((unsigned long)va)]; }
/* VA of a boot-area frame (via the M2P), or 0 if outside the boot area. */
unsigned long mfn_to_va(xen_pfn_t mfn);
/* The L1 entry mapping va (walking from the current L4), 0 if none. */
uint64_t lookup_pte(unsigned long va, unsigned int *level);
/* One zeroed, mapped page from the boot area; panics when none left. */
void *alloc_page(void);
/* Map mfn at a fresh VA taken from the allocator. */
void *map_mfn(xen_pfn_t mfn, uint64_t pte_flags);
extern unsigned long boot_area_end;     /* first VA past the mapped boot area */
extern unsigned long free_area_start;   /* first page the allocator hands out */

/* ---- misc ---- */
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile ( "rdtsc" : "=a" (lo), "=d" (hi) );
    return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
                               uint32_t *c, uint32_t *d)
{
    asm volatile ( "cpuid" : "=a" (*a), "=b" (*b), "=c" (*c), "=d" (*d)
                   : "0" (leaf), "2" (sub) );
}

/* The forced-emulation prefix: ud2; .ascii "xen"; then the instruction. */
#define XEN_EMULATE_PREFIX ".byte 0x0f,0x0b,0x78,0x65,0x6e\n\t"

static inline void pv_cpuid_count(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
                                  uint32_t *c, uint32_t *d)
{
    asm volatile ( XEN_EMULATE_PREFIX "cpuid"
                   : "=a" (*a), "=b" (*b), "=c" (*c), "=d" (*d)
                   : "0" (leaf), "2" (sub) );
}

/* System time in ns from vcpu_info[0].time (version protocol). */
uint64_t system_time_ns(void);

#endif /* GUEST_GUEST_H */
