/* Interrupts between two vCPUs, AArch64 bench guest: see ipi_bench.h. */
#include "cpu_ops.h"
#include "guest.h"

#ifndef BENCH_ARCH
#define BENCH_ARCH "armv8"
#endif

#include "ipi_bench.h"
