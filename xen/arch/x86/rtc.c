/*
 * rtc.c: decoding the CMOS real-time clock's registers.
 *
 * Theory of operation. The MC146818 keeps the time in six registers whose
 * format register B chooses: BCD (two decimal digits per byte) unless DM
 * is set, and a 12-hour clock, the hour's bit 7 meaning PM, unless 24H is
 * set. The year register has two digits; the century, if the firmware
 * keeps one, is in a CMOS byte the FADT names, in the same format. Nothing
 * stops a flat battery or a confused BIOS from leaving nonsense there, so
 * every field is checked (a day against its month, 29 February against
 * the year) and the time is accepted whole or not at all.
 *
 * This file is pure: the port accesses are in rtc_cmos.c, so the decode is
 * tested on the host with the register values of any clock.
 */
#include <asm/rtc.h>
#include <xen/errno.h>
#include <xen/lib.h>

/* Two-digit years without a century register: 70-99 are 19xx. */
#define RTC_PIVOT_YEAR      70u

int bcd2bin(uint8_t v)
{
    if ( (v & 0x0f) > 9 || (v >> 4) > 9 )
        return -EINVAL;
    return (v >> 4) * 10 + (v & 0x0f);
}

/* Decode one register (BCD or binary) and check it is in [lo, hi]. */
static int decode_field(const char *name, uint8_t raw, bool binary,
                        unsigned int lo, unsigned int hi, unsigned int *out)
{
    int v = binary ? raw : bcd2bin(raw);

    if ( v < 0 )
    {
        printk(XENLOG_WARNING "CMOS RTC: invalid %s 0x%02x: not BCD\n",
               name, raw);
        return -EINVAL;
    }
    if ( (unsigned int)v < lo || (unsigned int)v > hi )
    {
        printk(XENLOG_WARNING "CMOS RTC: %s %d out of range [%u, %u] (raw 0x%02x)\n",
               name, v, lo, hi, raw);
        return -EINVAL;
    }

    *out = v;
    return 0;
}

/* The hour in either mode, as 0-23. 12 AM is midnight, 12 PM noon. */
static int decode_hour(uint8_t raw, uint8_t reg_b, unsigned int *out)
{
    bool binary = reg_b & RTC_B_DM_BINARY;
    unsigned int h;
    int rc;

    if ( reg_b & RTC_B_24H )
        return decode_field("hour", raw, binary, 0, 23, out);

    rc = decode_field("hour (12-hour clock)", raw & ~RTC_HOUR_PM, binary,
                      1, 12, &h);
    if ( rc )
        return rc;

    *out = h % 12 + (raw & RTC_HOUR_PM ? 12 : 0);
    return 0;
}

/* The full year, from the year register and the century (0: none). */
static int decode_year(uint8_t raw, uint8_t century, bool binary,
                       unsigned int *out)
{
    unsigned int yy, cc;
    int rc;

    rc = decode_field("year", raw, binary, 0, 99, &yy);
    if ( rc )
        return rc;

    if ( !century )
    {
        *out = (yy < RTC_PIVOT_YEAR ? 2000 : 1900) + yy;
        return 0;
    }

    rc = decode_field("century", century, binary, 19, 99, &cc);
    if ( rc )
        return rc;
    if ( cc * 100 + yy < 1970 )
    {
        printk(XENLOG_WARNING "CMOS RTC: year %u is before 1970\n",
               cc * 100 + yy);
        return -EINVAL;
    }

    *out = cc * 100 + yy;
    return 0;
}

int rtc_decode(const uint8_t regs[RTC_NR_TIME_REGS], uint8_t reg_b,
               uint8_t century, struct rtc_time *out)
{
    bool binary = reg_b & RTC_B_DM_BINARY;
    struct rtc_time t;

    if ( decode_field("second", regs[RTC_IDX_SEC], binary, 0, 59, &t.sec) ||
         decode_field("minute", regs[RTC_IDX_MIN], binary, 0, 59, &t.min) ||
         decode_hour(regs[RTC_IDX_HOUR], reg_b, &t.hour) ||
         decode_field("month", regs[RTC_IDX_MON], binary, 1, 12, &t.mon) ||
         decode_year(regs[RTC_IDX_YEAR], century, binary, &t.year) ||
         decode_field("day", regs[RTC_IDX_DAY], binary, 1,
                      days_in_month(t.year, t.mon), &t.day) )
        return -EINVAL;

    *out = t;
    return 0;
}

bool rtc_century_reg_valid(unsigned int reg)
{
    return reg >= RTC_FIRST_NVRAM && reg <= RTC_LAST_BANK0;
}
