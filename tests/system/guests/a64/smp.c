/* Four vCPUs in one VM, AArch64 guest: see ../smp.h. */
#include "cpu_ops.h"
#include "guest.h"

#include "../smp.h"
