/*
 * asm/io.h: x86 port I/O.
 */
#ifndef ASM_X86_IO_H
#define ASM_X86_IO_H

#include <xen/types.h>

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ __volatile__ ( "inb %1, %0" : "=a" (v) : "Nd" (port) );
    return v;
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;

    __asm__ __volatile__ ( "inw %1, %0" : "=a" (v) : "Nd" (port) );
    return v;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;

    __asm__ __volatile__ ( "inl %1, %0" : "=a" (v) : "Nd" (port) );
    return v;
}

static inline void outb(uint8_t v, uint16_t port)
{
    __asm__ __volatile__ ( "outb %0, %1" :: "a" (v), "Nd" (port) );
}

static inline void outw(uint16_t v, uint16_t port)
{
    __asm__ __volatile__ ( "outw %0, %1" :: "a" (v), "Nd" (port) );
}

static inline void outl(uint32_t v, uint16_t port)
{
    __asm__ __volatile__ ( "outl %0, %1" :: "a" (v), "Nd" (port) );
}

/* MMIO accessors: the compiler must neither merge nor elide these. */
static inline uint8_t readb(const volatile void *a)
{
    return *(const volatile uint8_t *)a;
}

static inline uint32_t readl(const volatile void *a)
{
    return *(const volatile uint32_t *)a;
}

static inline void writeb(uint8_t v, volatile void *a)
{
    *(volatile uint8_t *)a = v;
}

static inline void writew(uint16_t v, volatile void *a)
{
    *(volatile uint16_t *)a = v;
}

static inline void writel(uint32_t v, volatile void *a)
{
    *(volatile uint32_t *)a = v;
}

#endif /* ASM_X86_IO_H */
