/*
 * Stage-2 engine speed on the sim arch (ARMv8, 48-bit IPA, start level 0).
 *
 * Only tables are written: the 1 GiB is mapped to fake PAs inside 48 bits,
 * never touched, so 64 MiB of simulated memory holds the ~2 MiB of tables.
 *
 *  - map 1 GiB in 4 KiB pages, one stage2_map call per page (262144 calls;
 *    PA 2 MiB but not 1 GiB aligned, so the merge below stops at 2 MiB);
 *  - map 1 GiB in 4 KiB pages with one call (PA 4 KiB off 2 MiB alignment,
 *    which forces pages);
 *  - walks per second at random IPAs in that GiB (4 KiB leaves);
 *  - unmap of that GiB (one call);
 *  - map 1 GiB in 2 MiB blocks, one call per block (512 calls; the IPA is
 *    1 GiB aligned but the PA only 2 MiB aligned, so no 1 GiB block);
 *  - merge of the page-mapped GiB back into 2 MiB blocks;
 *  - floor: memset of the 2 MiB that the 512 level-3 tables of a
 *    page-mapped GiB occupy, counted per 8-byte descriptor (262144 "ops").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/sim/sim.h"
#include "bench.h"
#include "core/stage2.h"

#define B_G1 0x40000000ull
#define B_M2 0x200000ull
#define B_K4 0x1000ull

static const ipa_t bench_ipa = 0x40000000ull;   /* 1 GiB */
static const paddr_t bench_pa = 0x100000000ull; /* 4 GiB, fake */

static int init_s2(struct stage2 *s2)
{
    sim_reset(SIM_ARMV8, 64ull << 20);
    struct stage2_format fmt;
    if (!arch_stage2_format(48, &fmt) || stage2_init(s2, &fmt, 1) != S2_OK) {
        printf("stage2 bench: cannot set up a 48-bit stage 2\n");
        return -1;
    }
    return 0;
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

void bench_stage2(void)
{
    struct stage2 s2;
    if (init_s2(&s2))
        return;
    const uint64_t npages = B_G1 / B_K4;
    int bad = 0;

    /* Warm-up: fault in the host pages behind the simulated table pages. */
    bad |= stage2_map(&s2, bench_ipa, bench_pa + B_K4, B_G1, S2_RW);
    bad |= stage2_unmap(&s2, bench_ipa, B_G1);

    uint64_t t0 = bench_now_ns();
    for (uint64_t i = 0; i < npages; i++)
        bad |= stage2_map(&s2, bench_ipa + i * B_K4, bench_pa + B_M2 + i * B_K4, B_K4, S2_RW);
    uint64_t t1 = bench_now_ns();
    bench_report("stage2 map 1 GiB, 4 KiB pages, 1 call/page", npages, t1 - t0);
    size_t tables = s2.tables;

    /* Random walks over the page-mapped GiB. */
    const uint64_t nwalks = 4000000;
    uint64_t seed = 0x2545f4914f6cdd1dull, sum = 0;
    struct stage2_walk w;
    t0 = bench_now_ns();
    for (uint64_t i = 0; i < nwalks; i++) {
        ipa_t ipa = bench_ipa + (xorshift(&seed) & (B_G1 - 1));
        stage2_walk(&s2, ipa, &w);
        sum += w.pa;
    }
    t1 = bench_now_ns();
    bench_report("stage2 walk, random IPA, 4 KiB leaves", nwalks, t1 - t0);

    t0 = bench_now_ns();
    int merged = stage2_merge(&s2, bench_ipa, B_G1);
    t1 = bench_now_ns();
    bench_report("stage2 merge 1 GiB of pages into 2 MiB blocks", npages, t1 - t0);
    if (merged != 512)
        bad = 1;

    t0 = bench_now_ns();
    bad |= stage2_unmap(&s2, bench_ipa, B_G1);
    t1 = bench_now_ns();
    bench_report("stage2 unmap 1 GiB of 2 MiB blocks, 1 call", 512, t1 - t0);

    /* One call, PA off by 4 KiB from 2 MiB alignment: pages only. */
    t0 = bench_now_ns();
    bad |= stage2_map(&s2, bench_ipa, bench_pa + B_K4, B_G1, S2_RW);
    t1 = bench_now_ns();
    bench_report("stage2 map 1 GiB, 4 KiB pages, 1 call", npages, t1 - t0);

    t0 = bench_now_ns();
    bad |= stage2_unmap(&s2, bench_ipa, B_G1);
    t1 = bench_now_ns();
    bench_report("stage2 unmap 1 GiB of 4 KiB pages, 1 call", npages, t1 - t0);

    /* 2 MiB blocks, one call each; PA 2 MiB aligned, not 1 GiB. */
    t0 = bench_now_ns();
    for (uint64_t off = 0; off < B_G1; off += B_M2)
        bad |= stage2_map(&s2, bench_ipa + off, bench_pa + B_M2 + off, B_M2, S2_RW);
    t1 = bench_now_ns();
    bench_report("stage2 map 1 GiB, 2 MiB blocks, 1 call/block", B_G1 / B_M2, t1 - t0);

    t0 = bench_now_ns();
    for (uint64_t i = 0; i < nwalks; i++) {
        ipa_t ipa = bench_ipa + (xorshift(&seed) & (B_G1 - 1));
        stage2_walk(&s2, ipa, &w);
        sum += w.pa;
    }
    t1 = bench_now_ns();
    bench_report("stage2 walk, random IPA, 2 MiB leaves", nwalks, t1 - t0);
    stage2_destroy(&s2);

    /* Floor: writing the level-3 tables of a page-mapped GiB as raw memory. */
    size_t bytes = (size_t)(npages * 8);
    uint8_t *buf = malloc(bytes);
    if (buf) {
        const int reps = 16;
        t0 = bench_now_ns();
        for (int r = 0; r < reps; r++) {
            memset(buf, r + 1, bytes);
            __asm__ volatile("" : : "r"(buf) : "memory");
        }
        t1 = bench_now_ns();
        bench_report("floor: memset 2 MiB (= 1 GiB of 4K descriptors)", npages, (t1 - t0) / reps);
        sum += buf[bytes - 1];
        free(buf);
    }
    printf("stage2 bench: %zu table pages for 1 GiB of 4 KiB pages%s (checksum %llx)\n", tables,
           bad ? ", SOME CALLS FAILED" : "", (unsigned long long)sum);
}
