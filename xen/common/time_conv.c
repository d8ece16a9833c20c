/*
 * time_conv.c: UTC calendar dates to seconds since the epoch and back.
 *
 * Theory of operation. Everything is counted in days first. A year is a
 * leap year if divisible by 4, except centuries, except those divisible by
 * 400 (2000 was a leap year, 2100 will not be), so 400 years are always
 * exactly 146097 days. days_before_year(y) counts the days from the start
 * of year 1 to the start of year y by that rule; the difference for two
 * years is the days between them. Going back from a day count, whole
 * 400-year cycles come off first, then the year is found by a lower-bound
 * guess (no year is longer than 366 days) and a step or two forwards, then
 * the month by walking the month lengths. No floating point, no tables
 * beyond the month lengths, no loops longer than 12.
 */
#include <xen/lib.h>
#include <xen/time_conv.h>

#define SECS_PER_MIN    60u
#define SECS_PER_HOUR   3600u
#define SECS_PER_DAY    86400u
#define DAYS_PER_400Y   146097u
#define EPOCH_YEAR      1970u

bool is_leap_year(unsigned int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned int days_in_month(unsigned int year, unsigned int mon)
{
    static const uint8_t days[12] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    };

    if ( mon < 1 || mon > 12 )
        return 0;
    return days[mon - 1] + (mon == 2 && is_leap_year(year));
}

/* Days from 0001-01-01 to year-01-01. */
static uint64_t days_before_year(uint64_t year)
{
    uint64_t y = year - 1;

    return 365 * y + y / 4 - y / 100 + y / 400;
}

/* Days from year-01-01 to the first of month mon. */
static unsigned int days_before_month(unsigned int year, unsigned int mon)
{
    static const uint16_t before[12] = {
        0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334,
    };

    BUG_ON(mon < 1 || mon > 12);
    return before[mon - 1] + (mon > 2 && is_leap_year(year));
}

uint64_t mktime_utc(unsigned int year, unsigned int mon, unsigned int day,
                    unsigned int hour, unsigned int min, unsigned int sec)
{
    uint64_t days;

    ASSERT(year >= EPOCH_YEAR);

    days = days_before_year(year) - days_before_year(EPOCH_YEAR) +
           days_before_month(year, mon) + day - 1;

    return days * SECS_PER_DAY + (uint64_t)hour * SECS_PER_HOUR +
           (uint64_t)min * SECS_PER_MIN + sec;
}

/* Split days since base-01-01 into a year and the days into that year. */
static uint64_t year_of_day(uint64_t base, uint64_t days, uint64_t *yday)
{
    uint64_t start = days_before_year(base);
    uint64_t y = base + days / 366;     /* never past the answer */

    while ( days_before_year(y + 1) - start <= days )
        y++;

    *yday = days - (days_before_year(y) - start);
    return y;
}

void gmtime_utc(uint64_t secs, struct rtc_time *t)
{
    uint64_t days = secs / SECS_PER_DAY, yday, year;
    unsigned int rem = secs % SECS_PER_DAY, mon;

    t->hour = rem / SECS_PER_HOUR;
    t->min = rem / SECS_PER_MIN % 60;
    t->sec = rem % SECS_PER_MIN;

    year = year_of_day(EPOCH_YEAR + 400 * (days / DAYS_PER_400Y),
                       days % DAYS_PER_400Y, &yday);
    ASSERT(year <= UINT32_MAX);
    t->year = year;

    /* mon < 12 only bounds the loop should the year have been cut. */
    for ( mon = 1; mon < 12 && yday >= days_in_month(t->year, mon); mon++ )
        yday -= days_in_month(t->year, mon);

    t->mon = mon;
    t->day = yday + 1;
}
