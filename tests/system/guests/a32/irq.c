/* The virtual timer's interrupt through the vGIC, AArch32 guest (A32 or
 * T32): see ../irq.h. */
#include "cpu_ops.h"
#include "guest.h"

#include "../irq.h"
