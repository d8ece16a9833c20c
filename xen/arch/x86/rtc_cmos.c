/*
 * rtc_cmos.c: reading the wall clock from the CMOS RTC at boot.
 *
 * Theory of operation. Each CMOS access writes a register index to port
 * 0x70 and then reads port 0x71. Once a second the clock updates its time
 * registers, and reading mid-update can mix the old and new times (10:59:59
 * and 11:00:00 giving 11:59:59). Register A's UIP bit goes up 244 us
 * before an update starts and down when it ends (at most about 2 ms), so
 * seeing it clear leaves time to read the registers. We wait for that, read
 * the six time registers (and the century byte), and do it all twice until
 * two reads agree: bounded both ways (10 ms of polling per wait, 5 tries),
 * so a missing or stuck clock costs a boot at most a fraction of a second.
 * A register A of 0xff is a floating bus: no RTC.
 *
 * Bit 7 of the index byte masks NMIs on most chipsets. It is never set
 * here: NMIs stay enabled, as firmware and the other system software that
 * share these ports leave them. (Port 0x70 cannot be read back reliably, so
 * "keeping what was there" is not an option anyway.)
 *
 * The decode is rtc.c's, the calendar arithmetic time_conv.c's.
 *
 * Locking: rtc_lock, always taken with interrupts disabled, covers every
 * index/data pair, so neither another CPU nor an interrupt handler on this
 * one can move the index between our write and our read. It is a leaf
 * lock: nothing else is taken, and nothing is printed, while it is held.
 */
#include <asm/io.h>
#include <asm/rtc.h>
#include <asm/time.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/spinlock.h>
#include <xen/string.h>

#define RTC_UIP_TIMEOUT_US  10000
#define RTC_READ_TRIES      5

DEFINE_SPINLOCK(rtc_lock);

static uint64_t boot_secs;

/* CMOS index of each time register, in rtc_decode()'s order. */
static const uint8_t time_regs[RTC_NR_TIME_REGS] = {
    [RTC_IDX_SEC] = RTC_SECONDS,
    [RTC_IDX_MIN] = RTC_MINUTES,
    [RTC_IDX_HOUR] = RTC_HOURS,
    [RTC_IDX_DAY] = RTC_DAY_OF_MONTH,
    [RTC_IDX_MON] = RTC_MONTH,
    [RTC_IDX_YEAR] = RTC_YEAR,
};

/* One read of the time registers. */
struct rtc_raw {
    uint8_t regs[RTC_NR_TIME_REGS];
    uint8_t century;
};

static uint8_t cmos_read(unsigned int reg)
{
    ASSERT(spin_is_locked(&rtc_lock));
    outb(reg, RTC_PORT_INDEX);          /* RTC_NMI_DISABLE clear */
    return inb(RTC_PORT_DATA);
}

static int wait_update_done(void)
{
    unsigned int us;

    for ( us = 0; us < RTC_UIP_TIMEOUT_US; us++ )
    {
        if ( !(cmos_read(RTC_REG_A) & RTC_A_UIP) )
            return 0;
        udelay(1);
    }
    return -ETIMEDOUT;
}

static int read_raw(struct rtc_raw *raw, unsigned int century_reg)
{
    unsigned int i;
    int rc = wait_update_done();

    if ( rc )
        return rc;

    for ( i = 0; i < RTC_NR_TIME_REGS; i++ )
        raw->regs[i] = cmos_read(time_regs[i]);
    raw->century = century_reg ? cmos_read(century_reg) : 0;
    return 0;
}

/* Under rtc_lock: read until two consecutive reads agree. */
static int read_stable(struct rtc_raw *raw, unsigned int century_reg)
{
    struct rtc_raw again;
    unsigned int try;
    int rc;

    for ( try = 0; try < RTC_READ_TRIES; try++ )
    {
        rc = read_raw(raw, century_reg);
        if ( !rc )
            rc = read_raw(&again, century_reg);
        if ( rc )
            return rc;
        if ( !memcmp(raw, &again, sizeof(again)) )
            return 0;
    }
    return -ETIMEDOUT;
}

int rtc_read_time(struct rtc_time *t, unsigned int century_reg)
{
    struct rtc_raw raw;
    uint8_t reg_b = 0, reg_d = 0;
    unsigned long flags;
    int rc = -ENODEV;

    if ( century_reg && !rtc_century_reg_valid(century_reg) )
        return -EINVAL;

    spin_lock_irqsave(&rtc_lock, flags);
    if ( cmos_read(RTC_REG_A) != 0xff )
    {
        reg_b = cmos_read(RTC_REG_B);
        reg_d = cmos_read(RTC_REG_D);
        rc = read_stable(&raw, century_reg);
    }
    spin_unlock_irqrestore(&rtc_lock, flags);

    if ( rc )
        return rc;
    if ( !(reg_d & RTC_D_VRT) )
        printk(XENLOG_WARNING "CMOS RTC: register D says the battery is flat; the time may be wrong\n");

    return rtc_decode(raw.regs, reg_b, raw.century, t);
}

static const char *read_error(int rc)
{
    switch ( rc )
    {
    case -ENODEV:    return "no RTC answers at port 0x70";
    case -ETIMEDOUT: return "it never finished updating";
    case -EINVAL:    return "it holds an impossible time";
    default:         return "unknown error";
    }
}

int rtc_init(unsigned int century_reg)
{
    struct rtc_time t;
    int rc;

    if ( century_reg && !rtc_century_reg_valid(century_reg) )
    {
        printk(XENLOG_WARNING "CMOS RTC: ignoring the FADT's century register 0x%02x (not in 0x%02x-0x%02x)\n",
               century_reg, RTC_FIRST_NVRAM, RTC_LAST_BANK0);
        century_reg = 0;
    }

    rc = rtc_read_time(&t, century_reg);
    if ( rc )
    {
        printk(XENLOG_WARNING "CMOS RTC: cannot read the time: %s (%d); the wall clock starts at 1970-01-01\n",
               read_error(rc), rc);
        return rc;
    }

    boot_secs = mktime_utc(t.year, t.mon, t.day, t.hour, t.min, t.sec);
    printk(XENLOG_INFO "Time: %04u-%02u-%02u %02u:%02u:%02u UTC (from the CMOS RTC)\n",
           t.year, t.mon, t.day, t.hour, t.min, t.sec);
    return 0;
}

uint64_t rtc_boot_time(void)
{
    return boot_secs;
}
