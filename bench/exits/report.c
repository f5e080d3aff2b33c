/* Formatting of the exit-path benchmark lines (see report.h). Shared by the
 * A64 and A32 bench guests; put_char/put_str come from the test guests'
 * runtime (tests/system/guests/<isa>/guest.c), found through -I. */
#include "report.h"

#include "guest.h"

/* Decimal, no padding. 64-bit division: libgcc on A32 (__aeabi_uldivmod). */
static void put_udec(uint64_t v)
{
    char buf[24];
    int i = 0;
    do {
        buf[i++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (i)
        put_char(buf[--i]);
}

/* milli / 1000 as "<int>.<3 digits>". */
static void put_milli(uint64_t milli)
{
    put_udec(milli / 1000);
    put_char('.');
    uint64_t frac = milli % 1000;
    put_char((char)('0' + frac / 100));
    put_char((char)('0' + frac / 10 % 10));
    put_char((char)('0' + frac % 10));
}

/* Nanoseconds (= instructions under -icount shift=0) per counter tick; 0
 * if CNTFRQ is unset or above 1 GHz, when no estimate is printed. */
static uint64_t ns_per_tick(uint64_t cntfrq)
{
    return cntfrq && cntfrq <= 1000000000u ? 1000000000u / cntfrq : 0;
}

void bench_header(const char *arch, uint64_t cntfrq)
{
    put_str("bench ");
    put_str(arch);
    put_str(": CNTFRQ ");
    put_udec(cntfrq);
    put_str(" Hz, 1 tick = ");
    put_udec(ns_per_tick(cntfrq));
    put_str(" ns = ");
    put_udec(ns_per_tick(cntfrq));
    put_str(" instructions under -icount shift=0; ");
    put_udec(BENCH_ITERS);
    put_str(" iterations per path, empty loop subtracted\n");
}

void bench_line(const char *arch, const char *path, uint64_t ticks, uint64_t base, uint64_t cntfrq,
                const char *note)
{
    put_str("bench ");
    put_str(arch);
    put_char(' ');
    put_str(path);
    put_str(": ");
    if (ticks < base) {
        /* Cannot happen for a loop that does more than the empty one; say
         * so rather than print a wrapped number. */
        put_str("below the baseline (");
        put_udec(ticks);
        put_str(" < ");
        put_udec(base);
        put_str(" ticks)\n");
        return;
    }
    uint64_t net = ticks - base;
    put_milli(net * 1000u / BENCH_ITERS);
    put_str(" ticks/iter");
    uint64_t npt = ns_per_tick(cntfrq);
    if (npt) {
        put_str(" (~");
        put_udec((net * npt + BENCH_ITERS / 2) / BENCH_ITERS);
        put_str(" instructions)");
    }
    if (note) {
        put_str("  ");
        put_str(note);
    }
    put_char('\n');
}

void bench_skip(const char *arch, const char *path, const char *why)
{
    put_str("bench ");
    put_str(arch);
    put_char(' ');
    put_str(path);
    put_str(": skipped (");
    put_str(why);
    put_str(")\n");
}
