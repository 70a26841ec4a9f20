/*
 * get-sensor-state and set-indicator for the sensors and indicators Linux
 * touches on a machine like petrel's (spec/rtas.md §3, §4.7-4.8; LoPAPR
 * 7.3.5 tables "Defined Sensors" and "Defined Indicators"):
 *
 *   sensor 9 (EPOW), index 0: 3, "system shutdown", while a power-down
 *   request is pending (events.c), else 0, normal;
 *   indicator 9000 (surveillance), index 0: accepted (no watchdog acts
 *   on it: the platform never declares the OS dead).
 *
 * petrel has no dynamic-reconfiguration connectors, so the DR sensors and
 * indicators (9001-9003) name nothing: -3, "no such sensor/indicator", as
 * for every other type or index.
 */
#include <stddef.h>

#include <petrel/papr.h>
#include <petrel/service.h>

#include "rtas.h"

#define SENSOR_EPOW            9
#define EPOW_NORMAL            0
#define EPOW_SYSTEM_SHUTDOWN   3
#define INDICATOR_SURVEILLANCE 9000

/* args: sensor type, index.  rets: state. */
int32_t rtas_get_sensor_state(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)nargs, (void)nret;
    if (args[0] == SENSOR_EPOW && args[1] == 0) {
        rets[1] = (rtas_events_pending() & PETREL_EVENT_EPOW) ? EPOW_SYSTEM_SHUTDOWN : EPOW_NORMAL;
        return RTAS_SUCCESS;
    }
    return RTAS_PARAMETER_ERROR;
}

/* args: indicator type, index, new value. */
int32_t rtas_set_indicator(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)nargs, (void)rets, (void)nret;
    if (args[0] == INDICATOR_SURVEILLANCE && args[1] == 0)
        return RTAS_SUCCESS;
    return RTAS_PARAMETER_ERROR;
}
