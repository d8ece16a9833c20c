/*
 * xen/time_conv.h: calendar arithmetic: UTC dates and times to seconds
 * since the epoch (1970-01-01 00:00:00 UTC) and back, in the proleptic
 * Gregorian calendar, without leap seconds (as POSIX time counts).
 */
#ifndef XEN_TIME_CONV_H
#define XEN_TIME_CONV_H

#include <xen/types.h>

/* A broken-down UTC time, with human numbering (months and days from 1). */
struct rtc_time {
    unsigned int year;          /* full year, e.g. 2026 */
    unsigned int mon;           /* 1-12 */
    unsigned int day;           /* 1-31 */
    unsigned int hour;          /* 0-23 */
    unsigned int min;           /* 0-59 */
    unsigned int sec;           /* 0-59 */
};

bool is_leap_year(unsigned int year);

/* Days in month mon (1-12) of year; 0 for a month out of range. */
unsigned int days_in_month(unsigned int year, unsigned int mon);

/*
 * Seconds since the epoch. year >= 1970 and 1 <= mon <= 12 are required;
 * the other fields may overflow their range and carry into the next
 * (day 32 of January is 1 February), but the caller normally validated
 * them already.
 */
uint64_t mktime_utc(unsigned int year, unsigned int mon, unsigned int day,
                    unsigned int hour, unsigned int min, unsigned int sec);

/* The inverse of mktime_utc(), for any secs whose year fits in 32 bits. */
void gmtime_utc(uint64_t secs, struct rtc_time *t);

#endif /* XEN_TIME_CONV_H */
