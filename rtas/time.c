/*
 * get-time-of-day and set-time-of-day (spec/rtas.md §4.1): the calendar
 * in the guest, the clock in the host (PETREL_H_GET_TIME / _SET_TIME:
 * UTC seconds since 1970 and nanoseconds).  Years 1900 .. 9999, months
 * 1 .. 12, days 1 .. the month's length, 24-hour time (LoPAPR 7.3.6).
 */
#include <stddef.h>

#include <petrel/papr.h>
#include <petrel/service.h>

#include "firmware/hcall.h"
#include "rtas.h"

#define SECONDS_PER_DAY 86400

static bool leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static uint32_t month_days(int64_t y, uint32_t m)
{
    static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return days[m - 1] + (m == 2 && leap(y));
}

/* Days since 1970-01-01 of y-m-d, proleptic Gregorian: counted in
 * 400-year eras starting each March, so leap days fall at an era's end. */
static int64_t days_from_civil(int64_t y, uint32_t m, uint32_t d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The inverse of days_from_civil. */
static void civil_from_days(int64_t z, int64_t *y, uint32_t *m, uint32_t *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (uint32_t)(doy - (153 * mp + 2) / 5 + 1);
    *m = (uint32_t)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* rets: year, month, day, hour, minute, second, nanoseconds. */
int32_t rtas_get_time_of_day(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    unsigned long out[4];
    int64_t sec, days, rem, y;
    uint32_t m, d;

    (void)args, (void)nargs, (void)nret;
    if (hcall4(PETREL_H_GET_TIME, 0, 0, 0, 0, out) != H_SUCCESS)
        return RTAS_HARDWARE_ERROR;
    sec = (int64_t)out[0];
    days = sec / SECONDS_PER_DAY;
    rem = sec % SECONDS_PER_DAY;
    if (rem < 0)
        rem += SECONDS_PER_DAY, days--;
    civil_from_days(days, &y, &m, &d);
    rets[1] = (uint32_t)y;
    rets[2] = m;
    rets[3] = d;
    rets[4] = (uint32_t)(rem / 3600);
    rets[5] = (uint32_t)(rem / 60 % 60);
    rets[6] = (uint32_t)(rem % 60);
    rets[7] = (uint32_t)out[1];
    return RTAS_SUCCESS;
}

/* args: year, month, day, hour, minute, second, nanoseconds. */
int32_t rtas_set_time_of_day(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    uint32_t y = args[0], m = args[1], d = args[2];
    int64_t sec;

    (void)nargs, (void)rets, (void)nret;
    if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > month_days(y, m) || args[3] > 23 ||
        args[4] > 59 || args[5] > 59 || args[6] > 999999999)
        return RTAS_PARAMETER_ERROR;
    sec = days_from_civil(y, m, d) * SECONDS_PER_DAY + args[3] * 3600 + args[4] * 60 + args[5];
    if (hcall4(PETREL_H_SET_TIME, (unsigned long)sec, args[6], 0, 0, NULL) != H_SUCCESS)
        return RTAS_HARDWARE_ERROR;
    return RTAS_SUCCESS;
}
