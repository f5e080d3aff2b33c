/* The AArch32 PMU guest (pmu.c, ../pmu.h) for AArch32 EL1 on armv8: the
 * same checks but the refused counter, whose injected UNDEF QEMU 7.2 cannot
 * return from into AArch32 EL1 (README, "Known limit"). */
#define PMU_SKIP_REFUSED 1
#include "pmu.c"
