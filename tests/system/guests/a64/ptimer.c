/* The EL1 physical timer, AArch64 guest: see ../ptimer.h. */
#include "cpu_ops.h"
#include "guest.h"

#define PTIMER_SUFFIX "_EL0"

#include "../ptimer.h"
