/*
 * asm/rtc.h: the PC's CMOS real-time clock (MC146818 and compatibles):
 * register layout, the decode of its registers into a UTC time (rtc.c, a
 * pure module) and the boot-time read (rtc_cmos.c).
 */
#ifndef ASM_X86_RTC_H
#define ASM_X86_RTC_H

#include <xen/spinlock.h>
#include <xen/time_conv.h>
#include <xen/types.h>

/* Ports: write the register index to RTC_PORT_INDEX, then use the data. */
#define RTC_PORT_INDEX      0x70
#define RTC_PORT_DATA       0x71
#define RTC_NMI_DISABLE     0x80        /* in the index byte: mask NMIs */

/* Registers. */
#define RTC_SECONDS         0x00
#define RTC_MINUTES         0x02
#define RTC_HOURS           0x04
#define RTC_DAY_OF_MONTH    0x07
#define RTC_MONTH           0x08
#define RTC_YEAR            0x09
#define RTC_REG_A           0x0a
#define RTC_REG_B           0x0b
#define RTC_REG_C           0x0c
#define RTC_REG_D           0x0d
#define RTC_FIRST_NVRAM     0x0e        /* the first byte after the clock */
#define RTC_LAST_BANK0      0x7f        /* the last byte ports 0x70/1 reach */

#define RTC_A_UIP           0x80        /* update in progress */
#define RTC_B_24H           0x02        /* 24-hour mode, else 12 with PM bit */
#define RTC_B_DM_BINARY     0x04        /* binary values, else BCD */
#define RTC_D_VRT           0x80        /* valid RAM and time (battery ok) */
#define RTC_HOUR_PM         0x80        /* 12-hour mode: afternoon */

/* The time registers, in the order rtc_decode() takes them. */
enum rtc_time_reg {
    RTC_IDX_SEC,
    RTC_IDX_MIN,
    RTC_IDX_HOUR,
    RTC_IDX_DAY,
    RTC_IDX_MON,
    RTC_IDX_YEAR,
    RTC_NR_TIME_REGS
};

/* One BCD byte (0x00-0x99) to 0-99; -EINVAL if a digit is above 9. */
int bcd2bin(uint8_t v);

/*
 * Decode raw register values (regs[] as enum rtc_time_reg orders them,
 * reg_b the format in register B, century the raw century register, 0 if
 * there is none) into *out and check every field: -EINVAL, with a warning
 * naming the field and its value, if any is out of range. Without a
 * century register, years 70-99 are 19xx and 00-69 are 20xx. *out is
 * written only on success.
 */
int rtc_decode(const uint8_t regs[RTC_NR_TIME_REGS], uint8_t reg_b,
               uint8_t century, struct rtc_time *out);

/* True if CMOS index reg can hold the century (the FADT's CENTURY). */
bool rtc_century_reg_valid(unsigned int reg);

/* Serialises every access to ports 0x70/0x71 (index, then data). */
extern spinlock_t rtc_lock;

/*
 * Read the clock into *t: waits out an update in progress and reads until
 * two reads agree (both bounded). century_reg is the CMOS index of the
 * century (the FADT's CENTURY field), 0 for none. Returns 0, -ENODEV (no
 * RTC answering), -ETIMEDOUT (it never settled) or -EINVAL (a bad
 * century_reg, or the clock holds an impossible time).
 */
int rtc_read_time(struct rtc_time *t, unsigned int century_reg);

/*
 * At boot: read the clock once, print it and remember it. An unusable
 * century_reg is ignored with a warning. Returns rtc_read_time()'s result.
 */
int rtc_init(unsigned int century_reg);

/* Seconds since the epoch that rtc_init() read; 0 if it read nothing. */
uint64_t rtc_boot_time(void);

#endif /* ASM_X86_RTC_H */
