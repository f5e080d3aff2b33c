/* Interrupts between two vCPUs, AArch32 bench guest: see ipi_bench.h. */
#include "cpu_ops.h"
#include "guest.h"

#ifndef BENCH_ARCH
#define BENCH_ARCH "armv7"
#endif

#include "ipi_bench.h"
