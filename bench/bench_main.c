/* armvisor benchmarks on the sim arch. Prints numbers; judges nothing. */
#include <stdio.h>
#include <time.h>

#include "bench.h"

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void bench_report(const char *what, uint64_t ops, uint64_t ns)
{
    double s = (double)ns / 1e9;
    printf("%-48s %12llu ops %10.3f ms %14.0f ops/s\n", what, (unsigned long long)ops,
           (double)ns / 1e6, s > 0 ? (double)ops / s : 0.0);
}

int main(void)
{
    bench_stage2();
    bench_decode();
    return 0;
}
