/* The PL1 / EL1 physical timer through cp15, AArch32 guest: see ../ptimer.h. */
#include "cpu_ops.h"
#include "guest.h"

#define PTIMER_SUFFIX ""

#include "../ptimer.h"
