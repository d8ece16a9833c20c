/*
 * asm/time.h: early time keeping: the TSC, calibrated against the PIT.
 */
#ifndef ASM_X86_TIME_H
#define ASM_X86_TIME_H

#include <xen/types.h>

/* TSC frequency in kHz, 0 until early_time_init() has run. */
extern unsigned long cpu_khz;

void early_time_init(void);
void udelay(unsigned long usecs);
void mdelay(unsigned long msecs);

#endif /* ASM_X86_TIME_H */
