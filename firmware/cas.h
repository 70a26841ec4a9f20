/*
 * ibm,client-architecture-support (spec/cas.md): the firmware's side of the
 * negotiation between the OS's architecture vector and this machine.
 */
#ifndef FW_CAS_H
#define FW_CAS_H

#include <stdint.h>

#include "firmware.h"

/*
 * Runs CAS for the vector at guest real address vec_addr, as the client
 * interface's call-method "ibm,client-architecture-support" receives it:
 * parses it (never reading outside RAM), decides MMU, interrupt
 * controller and compat level, asks the host to switch (service.h), and
 * updates the live tree fdt in place (/chosen ibm,architecture-vec-5, the
 * interrupt-controller node, cpu nodes).  fdt must have free space for the
 * new properties.  Returns the method result: 0 on success, non-zero when
 * the request is refused or the host refuses the switch (the tree is then
 * left as it was).
 */
int cas_call(void *fdt, const struct hw_facts *hw, uint64_t vec_addr);

#endif
