/* PSCI SYSTEM_RESET restarts the VM, AArch32 guest: see ../reset.h. */
#include "cpu_ops.h"
#include "guest.h"

#include "../reset.h"
