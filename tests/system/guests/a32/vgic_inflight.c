/* The vGIC's in-flight list and maintenance interrupts, AArch32 guest:
 * see ../vgic_inflight.h. */
#include "cpu_ops.h"
#include "guest.h"

#include "../vgic_inflight.h"
