/*
 * cpufeat: a tiny static Linux program for the armv8 Linux tests on -cpu max
 * (tests/system/armv8.cmake, linux64_max*): run as "cpufeat <id>" in two
 * processes at once, each fills the SVE registers (Z0-Z31, P0-P15, FFR)
 * with a pattern of its own and signs a pointer with its own pointer
 * authentication keys (Linux gives every process its own), spins for a
 * while without a system call (a system call may discard SVE state, Linux's
 * sve.rst) so the timer preempts it and the other process runs in between,
 * then checks every register and that the same pointer signs and
 * authenticates the same way (PACIA/AUTIA) and PACGA gives the same MAC.
 * It prints "cpufeat <id>: ... OK" only when all held, with the number of
 * times it was preempted (nonvoluntary_ctxt_switches), which must not be 0
 * for the run to mean anything: what was kept across a switch went through
 * Linux's save/restore, and under armvisor through its lazy switch.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SPIN_TICKS_DIVISOR 2 /* spin for half a second of the virtual counter */

static uint64_t cntvct(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v));
    return v;
}

static uint64_t cntfrq(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

static unsigned vl_bytes(void)
{
    uint64_t vl;
    __asm__ volatile("rdvl %0, #1" : "=r"(vl));
    return (unsigned)vl;
}

/* Z<n>.b[i] = base + n + i; P<n>.b[i] = i < (base + 3n) % (vl + 1);
 * FFR = P's pattern for n = 16. Then spin until the counter reaches end
 * with only the counter and general registers touched, then store Z, P and
 * FFR to z, p, ffr. */
static void fill_spin_store(unsigned base, uint64_t end, uint8_t *z, uint8_t *p, uint8_t *ffr,
                            unsigned vl)
{
    register uint64_t x_base __asm__("x10") = base;
    register uint64_t x_end __asm__("x11") = end;
    register uint64_t x_vl __asm__("x12") = vl + 1;
    __asm__ volatile(
        /* Z registers */
        ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,"
        "30,31\n\t"
        "add w9, w10, #\\n\n\t"
        "index z\\n\\().b, w9, #1\n\t"
        ".endr\n\t"
        /* FFR first (its pattern goes through P0), then the P registers */
        "add x9, x10, #48\n\t"
        "udiv x13, x9, x12\n\t"
        "msub x9, x13, x12, x9\n\t"
        "whilelo p0.b, xzr, x9\n\t"
        "wrffr p0.b\n\t"
        ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
        "add x9, x10, #(3 * \\n)\n\t"
        "udiv x13, x9, x12\n\t"
        "msub x9, x13, x12, x9\n\t"
        "whilelo p\\n\\().b, xzr, x9\n\t"
        ".endr\n\t"
        "1:\n\t"
        "isb\n\t"
        "mrs x9, cntvct_el0\n\t"
        "cmp x9, x11\n\t"
        "b.lo 1b\n\t"
        : "+r"(x_base), "+r"(x_end), "+r"(x_vl)
        :
        : "x9", "x13", "memory", "cc");
    register uint8_t *xz __asm__("x0") = z;
    register uint8_t *xp __asm__("x1") = p;
    register uint8_t *xf __asm__("x2") = ffr;
    __asm__ volatile(
        ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,"
        "30,31\n\t"
        "str z\\n, [x0, #\\n, mul vl]\n\t"
        ".endr\n\t"
        ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
        "str p\\n, [x1, #\\n, mul vl]\n\t"
        ".endr\n\t"
        "rdffr p0.b\n\t"
        "str p0, [x2]\n\t"
        :
        : "r"(xz), "r"(xp), "r"(xf)
        : "memory");
}

/* A predicate register in memory: one bit per byte element, LSB first. */
static int pred_ok(const uint8_t *pr, unsigned vl, unsigned ntrue)
{
    for (unsigned i = 0; i < vl; i++) {
        unsigned bit = (pr[i / 8] >> (i % 8)) & 1;
        if (bit != (i < ntrue))
            return 0;
    }
    return 1;
}

static uint64_t pacia(uint64_t ptr, uint64_t mod)
{
    __asm__ volatile("pacia %0, %1" : "+r"(ptr) : "r"(mod));
    return ptr;
}

static uint64_t autia(uint64_t ptr, uint64_t mod)
{
    __asm__ volatile("autia %0, %1" : "+r"(ptr) : "r"(mod));
    return ptr;
}

static uint64_t pacga(uint64_t a, uint64_t b)
{
    uint64_t r;
    __asm__ volatile("pacga %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

static long preempted(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[128];
    long n = -1;
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "nonvoluntary_ctxt_switches: %ld", &n) == 1)
            break;
    if (f)
        fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    unsigned id = argc > 1 ? (unsigned)atoi(argv[1]) : 1;
    unsigned base = (id * 67u) & 0xff;
    unsigned vl = vl_bytes();
    uint8_t *z = calloc(32, vl), *p = calloc(16, vl / 8), *ffr = calloc(1, vl / 8);
    if (!z || !p || !ffr)
        return 1;

    uint64_t ptr = (uint64_t)(uintptr_t)&main, mod = 0x1000 + id;
    uint64_t signed1 = pacia(ptr, mod), mac1 = pacga(ptr, mod);

    /* Spin until a round was preempted at least once (the other process ran
     * in between): on a loaded host the counter runs ahead of the guest's
     * instructions, and one round may end before the other process starts. */
    long sw;
    uint64_t give_up = cntvct() + 60 * cntfrq();
    do {
        long before = preempted();
        fill_spin_store(base, cntvct() + cntfrq() / SPIN_TICKS_DIVISOR, z, p, ffr, vl);
        sw = preempted() - before;
    } while (sw <= 0 && cntvct() < give_up);

    int ok = 1;
    for (unsigned n = 0; n < 32; n++)
        for (unsigned i = 0; i < vl; i++)
            if (z[n * vl + i] != (uint8_t)(base + n + i)) {
                if (ok)
                    printf("cpufeat %u: Z%u byte %u is %u, want %u: FAIL\n", id, n, i,
                           z[n * vl + i], (uint8_t)(base + n + i));
                ok = 0;
            }
    for (unsigned n = 0; n < 16; n++)
        if (!pred_ok(p + n * (vl / 8), vl, (base + 3 * n) % (vl + 1))) {
            printf("cpufeat %u: P%u changed: FAIL\n", id, n);
            ok = 0;
        }
    if (!pred_ok(ffr, vl, (base + 48) % (vl + 1))) {
        printf("cpufeat %u: FFR changed: FAIL\n", id);
        ok = 0;
    }
    /* A user pointer's PAC field is 7 bits (TBI0 on, 48-bit VAs): one
     * signature in 128 is all zeros, so "unchanged" fails only when a second
     * modifier signs to nothing as well. */
    uint64_t signed2 = pacia(ptr, mod), mac2 = pacga(ptr, mod);
    if ((signed1 == ptr && pacia(ptr, mod ^ 0x5a5a5a5au) == ptr) || signed2 != signed1 || autia(signed2, mod) != ptr || mac2 != mac1 ||
        (mac1 >> 32) == 0) {
        printf("cpufeat %u: pointer authentication changed (signed %#llx then %#llx, MAC %#llx "
               "then %#llx): FAIL\n",
               id, (unsigned long long)signed1, (unsigned long long)signed2,
               (unsigned long long)mac1, (unsigned long long)mac2);
        ok = 0;
    }
    if (sw <= 0) {
        printf("cpufeat %u: never preempted, nothing was tested: FAIL\n", id);
        ok = 0;
    }
    if (ok)
        printf("cpufeat %u: SVE %u-bit Z/P/FFR and PAuth keys kept across %ld preemptions: OK\n",
               id, vl * 8, sw);
    return ok ? 0 : 1;
}
