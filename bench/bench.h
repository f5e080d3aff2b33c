/* bench/: programs that print numbers, never pass/fail. Each part is one
 * function called by bench_main.c. */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdint.h>

/* Monotonic nanoseconds. */
uint64_t bench_now_ns(void);

/* Print one result line: what, how many operations, elapsed ns. */
void bench_report(const char *what, uint64_t ops, uint64_t ns);

void bench_stage2(void); /* bench_stage2.c */
void bench_decode(void); /* bench_decode.c */

#endif
