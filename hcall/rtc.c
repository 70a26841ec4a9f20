/*
 * The partition's time of day (service.h PETREL_H_GET_TIME / _SET_TIME,
 * spec/rtas.md §4.1).  The host keeps only an offset from its realtime
 * clock; the calendar (year, month, day...) is RTAS's business in the
 * guest.
 */
#include <time.h>

#include <petrel/papr.h>
#include <petrel/service.h>

#include "../vmm/machine.h"
#include "hcall.h"

#define NS_PER_S 1000000000ll

/* Seconds since 1970 of 1900-01-01 and of 10000-01-01: the years RTAS's
 * calendar handles (four-digit years, LoPAPR get-time-of-day). */
#define RTC_MIN_SECONDS (-2208988800ll)
#define RTC_MAX_SECONDS 253402300800ll

/* a + b for (seconds, nanoseconds in [0, 10^9)) pairs. */
static void time_add(int64_t *sec, int64_t *nsec, int64_t bsec, int64_t bnsec)
{
    *sec += bsec;
    *nsec += bnsec;
    if (*nsec >= NS_PER_S)
        *nsec -= NS_PER_S, (*sec)++;
    else if (*nsec < 0)
        *nsec += NS_PER_S, (*sec)--;
}

/* r4 out = seconds, r5 out = nanoseconds of the guest's UTC time. */
int64_t h_petrel_get_time(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct timespec now;
    int64_t sec, nsec, osec, onsec;

    (void)args;
    clock_gettime(CLOCK_REALTIME, &now);
    machine_rtc_offset(env->machine, &osec, &onsec);
    sec = now.tv_sec, nsec = now.tv_nsec;
    time_add(&sec, &nsec, osec, onsec);
    out[0] = (uint64_t)sec;
    out[1] = (uint64_t)nsec;
    return H_SUCCESS;
}

/* r4 = seconds, r5 = nanoseconds: from now on the guest's clock runs from
 * there. */
int64_t h_petrel_set_time(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct timespec now;
    int64_t sec = (int64_t)args[0], nsec = (int64_t)args[1];

    (void)out;
    if (sec < RTC_MIN_SECONDS || sec >= RTC_MAX_SECONDS || args[1] >= (uint64_t)NS_PER_S)
        return H_PARAMETER;
    clock_gettime(CLOCK_REALTIME, &now);
    time_add(&sec, &nsec, -(int64_t)now.tv_sec, -(int64_t)now.tv_nsec);
    machine_set_rtc_offset(env->machine, sec, nsec);
    return H_SUCCESS;
}
