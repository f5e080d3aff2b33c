/*
 * Decode speed: instruction decodes per second for each MMIO decoder and
 * exit-syndrome decodes per second.
 *
 * Inputs are fixed pseudo-random sets (xorshift, fixed seed): for each ISA a
 * mix of load/store templates with their register/immediate/addressing bits
 * randomised (the path a real ISV=0 abort takes), and fully random words
 * (mostly the early-refusal path). Syndromes use the exception classes a
 * guest exit carries, with random ISS, in both HSR and ESR_EL2 format.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "core/exit.h"
#include "core/insn.h"

#define NINSN  4096u /* distinct encodings per set (fits in L1/L2) */
#define ROUNDS 512u  /* passes over the set */

static uint32_t rng_state = 0x2545f491u;

static uint32_t rng(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

struct tmpl {
    uint32_t base, mask; /* insn = base | (random & mask) */
};

/* Load/store families, with the fields the decoder looks at left random. */
static const struct tmpl tmpl_a64[] = {
    {0xf9400000u, 0x003fffffu}, /* LDR X, [Xn, #uimm] */
    {0xb9000000u, 0x003fffffu}, /* STR W, [Xn, #uimm] */
    {0xb9800000u, 0x003fffffu}, /* LDRSW, [Xn, #uimm] */
    {0x38400400u, 0x001ffbffu}, /* LDRB pre/post-index */
    {0xf8606800u, 0x001f13ffu}, /* LDR X, [Xn, Xm{, LSL}] */
    {0xa9400000u, 0x003fffffu}, /* LDP X, offset */
    {0xa9c00000u, 0x003fffffu}, /* LDP X, pre-index */
    {0x28800000u, 0x003fffffu}, /* STP W, post-index */
    {0xc8dffc00u, 0x000003ffu}, /* LDAR X */
};

static const struct tmpl tmpl_a32[] = {
    {0xe5900000u, 0x01afffffu}, /* LDR imm, P/U/W */
    {0xe5c00000u, 0x01afffffu}, /* STRB imm, P/U/W */
    {0xe7900000u, 0x01afffefu}, /* LDR reg, shifted */
    {0xe1c000b0u, 0x01afff0fu}, /* STRH imm */
    {0xe1c000d0u, 0x01afff0fu}, /* LDRD imm */
    {0xe19000d0u, 0x01aff00fu}, /* LDRSB reg */
};

/* T32 as hw1 << 16 | hw2 (hw2 random for the 16-bit forms). */
static const struct tmpl tmpl_t32[] = {
    {0x68000000u, 0x07ffffffu}, /* LDR imm5 (16-bit) */
    {0x50000000u, 0x0fffffffu}, /* register forms (16-bit) */
    {0x98000000u, 0x07ffffffu}, /* LDR SP-relative (16-bit) */
    {0xf8d00000u, 0x000fffffu}, /* LDR.W imm12 */
    {0xf8500800u, 0x000ff7ffu}, /* LDR imm8, P/U/W */
    {0xf8100000u, 0x000ff03fu}, /* LDRB register */
    {0xe9d00000u, 0x01afffffu}, /* LDRD imm8, P/U/W */
};

static void fill(uint32_t *set, const struct tmpl *t, size_t nt)
{
    for (unsigned i = 0; i < NINSN; i++) {
        const struct tmpl *p = &t[rng() % nt];
        set[i] = p->base | (rng() & p->mask);
    }
}

static void fill_random(uint32_t *set)
{
    for (unsigned i = 0; i < NINSN; i++)
        set[i] = rng();
}

static volatile unsigned sink;

static void run_insn(const char *what, const uint32_t *set, int isa)
{
    struct insn_mem m;
    unsigned ok = 0;
    uint64_t t0 = bench_now_ns();
    for (unsigned r = 0; r < ROUNDS; r++) {
        for (unsigned i = 0; i < NINSN; i++) {
            int e;
            if (isa == 0)
                e = insn_decode_a64(set[i], &m);
            else if (isa == 1)
                e = insn_decode_a32(set[i], &m);
            else
                e = insn_decode_t32((uint16_t)(set[i] >> 16), (uint16_t)set[i], &m);
            ok += e == INSN_OK;
        }
    }
    uint64_t t1 = bench_now_ns();
    sink = ok;
    char label[96];
    snprintf(label, sizeof(label), "%s (%u%% decoded)", what,
             (unsigned)(100ull * ok / ((uint64_t)ROUNDS * NINSN)));
    bench_report(label, (uint64_t)ROUNDS * NINSN, t1 - t0);
}

static void run_syndrome(void)
{
    static const unsigned ecs[] = {0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0c,
                                   0x12, 0x16, 0x17, 0x18, 0x20, 0x24, 0x24};
    static struct arch_exit raws[NINSN];
    for (unsigned i = 0; i < NINSN; i++) {
        unsigned ec = ecs[rng() % (sizeof(ecs) / sizeof(ecs[0]))];
        raws[i] = (struct arch_exit){
            .kind = ARCH_EXIT_TRAP,
            .fmt = (rng() & 1) ? SYNDROME_V8_ESR : SYNDROME_V7_HSR,
            .syndrome = ec << 26 | (rng() & 0x03ffffffu),
            .far = rng(),
            .ipa = rng() & ~0xfffu,
            .ipa_valid = true,
        };
    }
    struct exit_info info;
    unsigned dabt = 0;
    uint64_t t0 = bench_now_ns();
    for (unsigned r = 0; r < ROUNDS; r++)
        for (unsigned i = 0; i < NINSN; i++) {
            exit_decode(&raws[i], &info);
            dabt += info.reason == EXIT_DABT;
        }
    uint64_t t1 = bench_now_ns();
    sink = dabt;
    bench_report("exit_decode (HSR + ESR_EL2 mix)", (uint64_t)ROUNDS * NINSN, t1 - t0);
}

void bench_decode(void)
{
    uint32_t *set = malloc(NINSN * sizeof(*set));
    if (!set) {
        printf("decode bench: out of memory\n");
        return;
    }
    fill(set, tmpl_a64, sizeof(tmpl_a64) / sizeof(tmpl_a64[0]));
    run_insn("insn_decode_a64 load/store mix", set, 0);
    fill_random(set);
    run_insn("insn_decode_a64 random words", set, 0);
    fill(set, tmpl_a32, sizeof(tmpl_a32) / sizeof(tmpl_a32[0]));
    run_insn("insn_decode_a32 load/store mix", set, 1);
    fill_random(set);
    run_insn("insn_decode_a32 random words", set, 1);
    fill(set, tmpl_t32, sizeof(tmpl_t32) / sizeof(tmpl_t32[0]));
    run_insn("insn_decode_t32 load/store mix", set, 2);
    fill_random(set);
    run_insn("insn_decode_t32 random words", set, 2);
    free(set);
    run_syndrome();
}
