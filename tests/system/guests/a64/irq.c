/* The virtual timer's interrupt through the vGIC, AArch64 guest: see ../irq.h. */
#include "cpu_ops.h"
#include "guest.h"

#include "../irq.h"
