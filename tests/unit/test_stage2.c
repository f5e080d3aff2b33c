/*
 * Stage-2 pagetable engine (src/core/stage2.c) on the sim arch, for the three
 * table formats we run: ARMv7 LPAE 40-bit IPA from level 1 with two
 * concatenated tables, the same on ARMv8, and ARMv8 48-bit from level 0.
 *
 * Raw descriptor checks use bit positions taken from the Arm ARM (ARMv8-A
 * ARM D5.3.1/D5.3.3, ARMv7-A ARM B3.6.1/B3.6.2), written out here as
 * literals on purpose rather than borrowed from core/lpae.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch/sim/sim.h"
#include "core/stage2.h"

#define K4 0x1000ull
#define M1 0x100000ull
#define M2 0x200000ull
#define G1 0x40000000ull

#define SIM_MEM (16ull << 20)
#define S2_RX   (S2_READ | S2_EXEC)
#define VMID    5

/* Descriptor facts from the Arm ARM, independent of the engine's header. */
#define ARM_TYPE(d)    ((d)&0x3)           /* bits[1:0]: 01 block, 11 table/page */
#define ARM_MEMATTR(d) (((d) >> 2) & 0xf)  /* MemAttr[3:0], bits[5:2] */
#define ARM_S2AP(d)    (((d) >> 6) & 0x3)  /* S2AP[1:0], bits[7:6] */
#define ARM_SH(d)      (((d) >> 8) & 0x3)  /* SH[1:0], bits[9:8] */
#define ARM_AF(d)      (((d) >> 10) & 0x1) /* AF, bit 10 */
#define ARM_XN(d)      (((d) >> 54) & 0x1) /* XN, bit 54 */
#define ARM_ADDR(d)    ((d)&0x0000fffffffff000ull)
/* Everything but the output address and type: what a split must keep. */
#define ARM_ATTRS(d) ((d)&0xfff0000000000ffcull)

struct fmt_case {
    enum sim_profile profile;
    unsigned want_ipa_bits;
    struct stage2_format expect;
};

static const struct fmt_case V7_40 = {SIM_ARMV7, 40, {40, 1, 2}};
static const struct fmt_case V8_40 = {SIM_ARMV8, 40, {40, 1, 2}};
static const struct fmt_case V8_48 = {SIM_ARMV8, 48, {48, 0, 1}};

struct ctx {
    const struct fmt_case *fc;
    struct stage2 s2;
    size_t free_before; /* sim pages free before stage2_init */
};

static int setup(void **state)
{
    const struct fmt_case *fc = *state;
    struct ctx *c = calloc(1, sizeof(*c));
    assert_non_null(c);
    c->fc = fc;
    sim_reset(fc->profile, SIM_MEM);
    struct stage2_format fmt;
    assert_true(arch_stage2_format(fc->want_ipa_bits, &fmt));
    assert_int_equal(fmt.ipa_bits, fc->expect.ipa_bits);
    assert_int_equal(fmt.start_level, fc->expect.start_level);
    assert_int_equal(fmt.concat, fc->expect.concat);
    c->free_before = sim_free_pages();
    assert_int_equal(stage2_init(&c->s2, &fmt, VMID), S2_OK);
    *state = c;
    return 0;
}

/* Every test ends with the leak check: destroy returns every page. */
static int teardown(void **state)
{
    struct ctx *c = *state;
    stage2_destroy(&c->s2);
    assert_int_equal(sim_free_pages(), c->free_before);
    assert_int_equal(c->s2.root, 0);
    free(c);
    return 0;
}

static uint64_t ipa_limit(const struct ctx *c)
{
    return 1ull << c->fc->expect.ipa_bits;
}

/* Levels of table below the root needed to reach a level-3 page. */
static size_t tables_to_page(const struct ctx *c)
{
    return 3 - c->fc->expect.start_level;
}

static struct stage2_walk must_walk(const struct ctx *c, uint64_t ipa)
{
    struct stage2_walk w;
    if (!stage2_walk(&c->s2, ipa, &w))
        fail_msg("IPA 0x%llx not mapped", (unsigned long long)ipa);
    assert_true(w.mapped);
    return w;
}

static void assert_unmapped(const struct ctx *c, uint64_t ipa)
{
    struct stage2_walk w;
    memset(&w, 0xa5, sizeof(w));
    if (stage2_walk(&c->s2, ipa, &w))
        fail_msg("IPA 0x%llx unexpectedly mapped (pa 0x%llx)", (unsigned long long)ipa,
                 (unsigned long long)w.pa);
    assert_false(w.mapped);
}

static void assert_leaf(const struct ctx *c, uint64_t ipa, uint64_t pa, unsigned level,
                        unsigned perms)
{
    struct stage2_walk w = must_walk(c, ipa);
    assert_int_equal(w.pa, pa);
    assert_int_equal(w.level, level);
    assert_int_equal(w.size, level == 1 ? G1 : level == 2 ? M2 : K4);
    assert_int_equal(w.perms, perms);
    assert_int_equal(ARM_TYPE(w.desc), level == 3 ? 3 : 1);
    assert_int_equal(ARM_AF(w.desc), 1);
}

/* A copy of all simulated memory (tables included), to prove "unchanged". */
static uint8_t *snapshot(void)
{
    uint8_t *s = malloc(SIM_MEM);
    assert_non_null(s);
    memcpy(s, arch_pa_to_va(SIM_PHYS_BASE), SIM_MEM);
    return s;
}

static void assert_same_memory(uint8_t *snap)
{
    /* memcmp first: cmocka's byte-wise compare is slow on success. */
    if (memcmp(snap, arch_pa_to_va(SIM_PHYS_BASE), SIM_MEM) != 0)
        assert_memory_equal(snap, arch_pa_to_va(SIM_PHYS_BASE), SIM_MEM);
    free(snap);
}

/* ---- Formats ------------------------------------------------------------ */

static void test_init_format(void **state)
{
    struct ctx *c = *state;
    unsigned concat = c->fc->expect.concat;
    assert_int_equal(c->s2.tables, concat);
    /* The start table is aligned to its own size (VTTBR.BADDR). */
    assert_int_equal(c->s2.root % (concat * K4), 0);
    assert_int_equal(stage2_vttbr(&c->s2), c->s2.root | (uint64_t)VMID << 48);
    const uint64_t *root = arch_pa_to_va(c->s2.root);
    for (size_t i = 0; i < concat * 512; i++)
        assert_int_equal(root[i], 0);
    assert_int_equal(sim_free_pages() + concat, c->free_before);
}

/* With page 0 taken, first fit would hand a concatenated root an odd page:
 * the engine must still produce an aligned root and give back the rest. */
static void test_init_aligns_concat_root(void **state)
{
    struct ctx *c = *state;
    stage2_destroy(&c->s2);
    size_t free0 = sim_free_pages();
    paddr_t hole = arch_page_alloc(1);
    assert_int_equal(hole, SIM_PHYS_BASE);
    struct stage2 s2;
    assert_int_equal(stage2_init(&s2, &c->fc->expect, 7), S2_OK);
    assert_int_equal(s2.root % (c->fc->expect.concat * K4), 0);
    assert_int_equal(s2.tables, c->fc->expect.concat);
    assert_true(s2.root_alloc_pages >= s2.tables && s2.root_alloc_pages < 2 * s2.tables);
    assert_int_equal(sim_free_pages(), free0 - 1 - s2.root_alloc_pages);
    assert_int_equal(stage2_map(&s2, G1, G1, K4, S2_RW), S2_OK);
    stage2_destroy(&s2);
    arch_page_free(hole, 1);
    assert_int_equal(sim_free_pages(), free0);
    assert_int_equal(stage2_init(&c->s2, &c->fc->expect, VMID), S2_OK);
}

static void test_init_rejects_bad_formats(void **state)
{
    (void)state;
    sim_reset(SIM_ARMV8, SIM_MEM);
    size_t free0 = sim_free_pages();
    const struct stage2_format bad[] = {
        {40, 1, 1},  /* 40 bits at level 1 need two tables */
        {40, 1, 4},  /* ... not four */
        {48, 0, 2},  /* 48 bits at level 0 is one table */
        {48, 1, 16}, /* 48 bits at level 1 would need 512 */
        {40, 3, 1},  /* level 3 start is not supported with 4K */
        {49, 0, 1},  /* beyond 48 bits */
        {20, 2, 1},  /* tiny */
        {30, 1, 1},  /* level 1 resolves nothing */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct stage2 s2;
        assert_int_equal(stage2_init(&s2, &bad[i], 1), S2_EINVAL);
        assert_int_equal(s2.root, 0);
        assert_int_equal(stage2_map(&s2, 0, 0x1000, K4, S2_RW), S2_EINVAL);
        stage2_destroy(&s2);
    }
    assert_int_equal(sim_free_pages(), free0);
    /* Other consistent shapes work: 32 bits from level 1, 36 from level 1. */
    struct stage2 s2;
    struct stage2_format ok = {32, 1, 1};
    assert_int_equal(stage2_init(&s2, &ok, 1), S2_OK);
    assert_int_equal(stage2_map(&s2, 0xc0000000, 0xc0000000, G1, S2_RW), S2_OK);
    assert_int_equal(stage2_map(&s2, 0x100000000ull, 0, K4, S2_RW), S2_EINVAL);
    stage2_destroy(&s2);
    /* No memory at all for the root. */
    sim_reset(SIM_ARMV8, 2 * K4);
    paddr_t a = arch_page_alloc(2);
    assert_int_not_equal(a, 0);
    struct stage2_format v8 = {48, 0, 1};
    assert_int_equal(stage2_init(&s2, &v8, 1), S2_ENOMEM);
    assert_int_equal(s2.root, 0);
    arch_page_free(a, 2);
}

/* ---- Map ------------------------------------------------------------------ */

static void test_map_pages(void **state)
{
    struct ctx *c = *state;
    const struct stage2 *s2 = &c->s2;
    uint64_t syncs0 = sim_tlb_counts()->syncs;

    assert_int_equal(stage2_map(&c->s2, G1 + 0x3000, 0x12345000, K4, S2_RW), S2_OK);
    assert_leaf(c, G1 + 0x3000, 0x12345000, 3, S2_RW);
    assert_leaf(c, G1 + 0x3123, 0x12345123, 3, S2_RW);
    /* Page, Normal WB (MemAttr 0b1111), inner shareable (SH 0b11), S2AP 0b11,
     * AF, XN (bit 54): 0x0040_0000_1234_57ff. */
    assert_int_equal(must_walk(c, G1 + 0x3000).desc, 0x00400000123457ffull);
    assert_true(sim_tlb_counts()->syncs > syncs0);
    assert_int_equal(s2->tables, c->fc->expect.concat + tables_to_page(c));

    /* Read-only Device: MemAttr 0b0001 (Device-nGnRE), S2AP 0b01, XN. */
    assert_int_equal(stage2_map(&c->s2, G1 + 0x5000, 0x23456000, K4, S2_READ | S2_DEVICE), S2_OK);
    uint64_t d = must_walk(c, G1 + 0x5000).desc;
    assert_int_equal(ARM_TYPE(d), 3);
    assert_int_equal(ARM_MEMATTR(d), 0x1);
    assert_int_equal(ARM_S2AP(d), 0x1);
    assert_int_equal(ARM_AF(d), 1);
    assert_int_equal(ARM_XN(d), 1);
    assert_int_equal(ARM_ADDR(d), 0x23456000);
    assert_leaf(c, G1 + 0x5000, 0x23456000, 3, S2_READ | S2_DEVICE);

    /* Executable: XN clear. Write-only: S2AP 0b10. */
    assert_int_equal(stage2_map(&c->s2, G1 + 0x6000, 0x30000000, K4, S2_RWX), S2_OK);
    d = must_walk(c, G1 + 0x6000).desc;
    assert_int_equal(ARM_XN(d), 0);
    assert_int_equal(ARM_S2AP(d), 0x3);
    assert_int_equal(ARM_MEMATTR(d), 0xf);
    assert_int_equal(ARM_SH(d), 0x3);
    assert_int_equal(stage2_map(&c->s2, G1 + 0x7000, 0x30001000, K4, S2_WRITE), S2_OK);
    assert_int_equal(ARM_S2AP(must_walk(c, G1 + 0x7000).desc), 0x2);
    assert_leaf(c, G1 + 0x7000, 0x30001000, 3, S2_WRITE);

    /* Holes stay holes. */
    assert_unmapped(c, G1 + 0x4000);
    assert_unmapped(c, G1 + 0x8000);
    assert_unmapped(c, G1 + 0x2fff);

    /* Several pages in one call, contiguous PAs. */
    assert_int_equal(stage2_map(&c->s2, G1 + 0x10000, 0x40000000, 3 * K4, S2_RX), S2_OK);
    for (unsigned i = 0; i < 3; i++)
        assert_leaf(c, G1 + 0x10000 + i * K4, 0x40000000 + i * K4, 3, S2_READ | S2_EXEC);
    assert_unmapped(c, G1 + 0x13000);
    /* Still one table per level: all within one 2 MiB region. */
    assert_int_equal(s2->tables, c->fc->expect.concat + tables_to_page(c));
}

static void test_map_blocks(void **state)
{
    struct ctx *c = *state;
    size_t t0 = c->s2.tables;

    /* 1 GiB aligned on both sides: one level-1 block. */
    assert_int_equal(stage2_map(&c->s2, G1, 0x140000000ull, G1, S2_RW), S2_OK);
    assert_leaf(c, G1 + 0x12345678, 0x140000000ull + 0x12345678, 1, S2_RW);
    assert_leaf(c, G1, 0x140000000ull, 1, S2_RW);
    assert_leaf(c, 2 * G1 - K4, 0x140000000ull + G1 - K4, 1, S2_RW);
    assert_int_equal(ARM_ADDR(must_walk(c, G1).desc), 0x140000000ull);
    /* A level-1 block lives in the root when the walk starts at level 1. */
    assert_int_equal(c->s2.tables, t0 + (c->fc->expect.start_level == 0 ? 1 : 0));

    /* 2 MiB aligned: a level-2 block. */
    t0 = c->s2.tables;
    assert_int_equal(stage2_map(&c->s2, 2 * G1 + 3 * M2, 0x200600000ull, M2, S2_RW), S2_OK);
    assert_leaf(c, 2 * G1 + 3 * M2 + 0x1234, 0x200601234ull, 2, S2_RW);
    assert_int_equal(c->s2.tables, t0 + 1);
    assert_unmapped(c, 2 * G1 + 4 * M2);
    assert_unmapped(c, 2 * G1 + 3 * M2 - K4);

    /* [3G-4K, 4G+4K) with PA 1 GiB aligned at 3G: page, 1 GiB block, page. */
    uint64_t ipa = 3 * G1 - K4, pa = 0x300000000ull - K4;
    assert_int_equal(stage2_map(&c->s2, ipa, pa, G1 + 2 * K4, S2_RW), S2_OK);
    assert_leaf(c, ipa, pa, 3, S2_RW);
    assert_leaf(c, 3 * G1, 0x300000000ull, 1, S2_RW);
    assert_leaf(c, 4 * G1, 0x300000000ull + G1, 3, S2_RW);
    assert_unmapped(c, 4 * G1 + K4);
    assert_unmapped(c, ipa - K4);

    /* 1 MiB into a 2 MiB region, 4 MiB long: pages, one block, pages. */
    ipa = 5 * G1 + M1;
    pa = 0x400000000ull + M1;
    assert_int_equal(stage2_map(&c->s2, ipa, pa, 4 * M1, S2_RW), S2_OK);
    assert_leaf(c, ipa, pa, 3, S2_RW);
    assert_leaf(c, ipa + M1 - K4, pa + M1 - K4, 3, S2_RW);
    assert_leaf(c, ipa + M1, pa + M1, 2, S2_RW);
    assert_leaf(c, ipa + 3 * M1 - K4, pa + 3 * M1 - K4, 2, S2_RW);
    assert_leaf(c, ipa + 3 * M1, pa + 3 * M1, 3, S2_RW);
    assert_leaf(c, ipa + 4 * M1 - K4, pa + 4 * M1 - K4, 3, S2_RW);
    assert_unmapped(c, ipa + 4 * M1);

    /* IPA 1 GiB aligned, PA only 4 KiB aligned: pages only. */
    ipa = 6 * G1;
    pa = 0x500001000ull;
    assert_int_equal(stage2_map(&c->s2, ipa, pa, 2 * M2, S2_RW), S2_OK);
    for (uint64_t off = 0; off < 2 * M2; off += 0x3f000)
        assert_leaf(c, ipa + off, pa + off, 3, S2_RW);

    /* IPA 1 GiB aligned, PA 2 MiB aligned: 2 MiB blocks, not 1 GiB. */
    ipa = 7 * G1;
    pa = 0x600200000ull;
    assert_int_equal(stage2_map(&c->s2, ipa, pa, G1, S2_RW), S2_OK);
    for (uint64_t off = 0; off < G1; off += 0x1234000)
        assert_leaf(c, ipa + off, pa + off, 2, S2_RW);

    /* The last GiB of the IPA space: the start level indexes with IPA[39:30]
     * (two concatenated tables, entry 1023) or IPA[47:39] (entry 511). */
    uint64_t top = ipa_limit(c) - G1;
    assert_int_equal(stage2_map(&c->s2, top, 0x700000000ull, G1, S2_RW), S2_OK);
    assert_leaf(c, ipa_limit(c) - K4, 0x700000000ull + G1 - K4, 1, S2_RW);
    const uint64_t *root = arch_pa_to_va(c->s2.root);
    if (c->fc->expect.start_level == 1) {
        assert_int_equal(ARM_TYPE(root[1023]), 1);
        assert_int_equal(ARM_ADDR(root[1023]), 0x700000000ull);
    } else {
        assert_int_equal(ARM_TYPE(root[511]), 3);
        const uint64_t *l1 = arch_pa_to_va(ARM_ADDR(root[511]));
        assert_non_null(l1);
        assert_int_equal(ARM_TYPE(l1[511]), 1);
        assert_int_equal(ARM_ADDR(l1[511]), 0x700000000ull);
    }
}

/* ---- Unmap and split ------------------------------------------------------ */

static void test_unmap_splits_2m_block(void **state)
{
    struct ctx *c = *state;
    const uint64_t x = G1 + 4 * M2, p = 0x800000000ull;
    size_t t_empty = c->s2.tables;
    assert_int_equal(stage2_map(&c->s2, x, p, M2, S2_RWX), S2_OK);
    uint64_t block = must_walk(c, x).desc;
    size_t t0 = c->s2.tables;
    uint64_t inval0 = sim_tlb_counts()->inval_ipa;

    assert_int_equal(stage2_unmap(&c->s2, x + M1, K4), S2_OK);
    assert_unmapped(c, x + M1);
    assert_true(sim_tlb_counts()->inval_ipa > inval0);
    assert_int_equal(c->s2.tables, t0 + 1);
    const uint64_t probes[] = {0, K4, M1 - K4, M1 + K4, M2 - K4};
    for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
        assert_leaf(c, x + probes[i], p + probes[i], 3, S2_RWX);
        assert_int_equal(ARM_ATTRS(must_walk(c, x + probes[i]).desc), ARM_ATTRS(block));
    }

    assert_int_equal(stage2_unmap(&c->s2, x + M1, K4), S2_ENOENT);
    /* A range with a hole in it is fine for unmap. */
    assert_int_equal(stage2_unmap(&c->s2, x, M1 + K4), S2_OK);
    assert_unmapped(c, x);
    assert_leaf(c, x + M1 + K4, p + M1 + K4, 3, S2_RWX);
    assert_int_equal(stage2_unmap(&c->s2, x + M1 + K4, M1 - K4), S2_OK);
    /* Everything gone: the emptied tables were freed. */
    assert_int_equal(c->s2.tables, t_empty);
    assert_int_equal(sim_free_pages() + c->s2.tables, c->free_before);
}

static void test_unmap_splits_1g_block_and_merge_back(void **state)
{
    struct ctx *c = *state;
    const uint64_t x = 2 * G1, p = 0x1000000000ull;
    assert_int_equal(stage2_map(&c->s2, x, p, G1, S2_RW), S2_OK);
    size_t t0 = c->s2.tables;
    size_t free0 = sim_free_pages();
    uint64_t inval0 = sim_tlb_counts()->inval_ipa;

    assert_int_equal(stage2_unmap(&c->s2, x + 0x12345000, K4), S2_OK);
    assert_true(sim_tlb_counts()->inval_ipa > inval0);
    /* 1 GiB -> table of 2 MiB blocks -> the 2 MiB around the hole in pages. */
    assert_int_equal(c->s2.tables, t0 + 2);
    assert_unmapped(c, x + 0x12345000);
    assert_leaf(c, x + 0x12344000, p + 0x12344000, 3, S2_RW);
    assert_leaf(c, x + 0x12346000, p + 0x12346000, 3, S2_RW);
    assert_leaf(c, x, p, 2, S2_RW);
    assert_leaf(c, x + G1 - K4, p + G1 - K4, 2, S2_RW);

    /* The hole blocks merging. */
    assert_int_equal(stage2_merge(&c->s2, x, G1), 0);
    assert_int_equal(c->s2.tables, t0 + 2);
    /* Fill it with the same PA: level 3 and then level 2 merge. */
    assert_int_equal(stage2_map(&c->s2, x + 0x12345000, p + 0x12345000, K4, S2_RW), S2_OK);
    assert_int_equal(stage2_merge(&c->s2, x, G1), 2);
    assert_leaf(c, x + 0x12345000, p + 0x12345000, 1, S2_RW);
    assert_int_equal(c->s2.tables, t0);
    assert_int_equal(sim_free_pages(), free0);
}

static void test_unmap_large_range(void **state)
{
    struct ctx *c = *state;
    size_t t_empty = c->s2.tables;
    /* Pages, blocks and a split, across a 1 GiB boundary; then one unmap. */
    assert_int_equal(stage2_map(&c->s2, G1 - 3 * M2, 0x40000000ull - 3 * M2, 3 * M2 + K4, S2_RW),
                     S2_OK);
    assert_int_equal(stage2_map(&c->s2, G1 + 8 * K4, 0x1234000, 5 * K4, S2_READ), S2_OK);
    assert_int_equal(stage2_unmap(&c->s2, G1 - 2 * M2 + K4, K4), S2_OK);
    assert_int_equal(stage2_unmap(&c->s2, G1 - 4 * M2, 5 * M2), S2_OK);
    for (uint64_t ipa = G1 - 4 * M2; ipa < G1 + M2; ipa += K4)
        assert_unmapped(c, ipa);
    assert_int_equal(c->s2.tables, t_empty);
    assert_int_equal(stage2_unmap(&c->s2, G1 - 4 * M2, 5 * M2), S2_ENOENT);
}

/* ---- Protect ---------------------------------------------------------------- */

static void test_protect(void **state)
{
    struct ctx *c = *state;
    const uint64_t x = 3 * G1 + 10 * M2, p = 0xa00000000ull;
    assert_int_equal(stage2_map(&c->s2, x, p, M2, S2_RW), S2_OK);
    size_t t0 = c->s2.tables;

    /* Whole block, aligned: changed in place, no split. */
    uint64_t inval0 = sim_tlb_counts()->inval_ipa;
    assert_int_equal(stage2_protect(&c->s2, x, M2, S2_READ), S2_OK);
    assert_leaf(c, x + M1, p + M1, 2, S2_READ);
    assert_int_equal(ARM_S2AP(must_walk(c, x).desc), 0x1);
    assert_int_equal(c->s2.tables, t0);
    assert_true(sim_tlb_counts()->inval_ipa > inval0);
    assert_int_equal(stage2_protect(&c->s2, x, M2, S2_RW), S2_OK);

    /* One page read-only: split, neighbours keep RW. */
    inval0 = sim_tlb_counts()->inval_ipa;
    assert_int_equal(stage2_protect(&c->s2, x + M1, K4, S2_READ), S2_OK);
    assert_true(sim_tlb_counts()->inval_ipa > inval0);
    assert_int_equal(c->s2.tables, t0 + 1);
    assert_leaf(c, x + M1, p + M1, 3, S2_READ);
    assert_int_equal(ARM_S2AP(must_walk(c, x + M1).desc), 0x1);
    assert_leaf(c, x + M1 - K4, p + M1 - K4, 3, S2_RW);
    assert_leaf(c, x + M1 + K4, p + M1 + K4, 3, S2_RW);

    /* Executable: XN clears. */
    assert_int_equal(stage2_protect(&c->s2, x + M1, K4, S2_RWX), S2_OK);
    assert_int_equal(ARM_XN(must_walk(c, x + M1).desc), 0);
    assert_leaf(c, x + M1, p + M1, 3, S2_RWX);
    assert_int_equal(ARM_XN(must_walk(c, x + M1 + K4).desc), 1);

    /* Device (a memory type change: break-before-make). */
    assert_int_equal(stage2_protect(&c->s2, x + M2 - 2 * K4, 2 * K4, S2_RW | S2_DEVICE), S2_OK);
    assert_leaf(c, x + M2 - K4, p + M2 - K4, 3, S2_RW | S2_DEVICE);
    assert_int_equal(ARM_MEMATTR(must_walk(c, x + M2 - K4).desc), 0x1);
    assert_int_equal(ARM_MEMATTR(must_walk(c, x + M2 - 3 * K4).desc), 0xf);

    /* Not (entirely) mapped: refused, nothing changes. */
    uint8_t *snap = snapshot();
    assert_int_equal(stage2_protect(&c->s2, x + M2 - K4, 2 * K4, S2_READ), S2_ENOENT);
    assert_int_equal(stage2_protect(&c->s2, x - K4, 2 * K4, S2_READ), S2_ENOENT);
    assert_int_equal(stage2_protect(&c->s2, 5 * G1, K4, S2_READ), S2_ENOENT);
    assert_int_equal(stage2_protect(&c->s2, x, K4, 0), S2_EINVAL);
    assert_int_equal(stage2_protect(&c->s2, x, K4, S2_RWX | S2_DEVICE), S2_EINVAL);
    assert_int_equal(stage2_protect(&c->s2, x + 1, K4, S2_RW), S2_EINVAL);
    assert_same_memory(snap);
    assert_leaf(c, x + M2 - K4, p + M2 - K4, 3, S2_RW | S2_DEVICE);

    /* Back to one attribute set: merges into the block again. */
    size_t free0 = sim_free_pages();
    assert_int_equal(stage2_protect(&c->s2, x, M2, S2_RW), S2_OK);
    assert_int_equal(stage2_merge(&c->s2, x, M2), 1);
    assert_leaf(c, x + M1, p + M1, 2, S2_RW);
    assert_int_equal(c->s2.tables, t0);
    assert_int_equal(sim_free_pages(), free0 + 1);
}

/* ---- Merge ------------------------------------------------------------------ */

static void test_merge(void **state)
{
    struct ctx *c = *state;
    const uint64_t x = 4 * G1 + 6 * M2, p = 0xb00000000ull;
    for (uint64_t off = 0; off < M2; off += K4)
        assert_int_equal(stage2_map(&c->s2, x + off, p + off, K4, S2_RX), S2_OK);
    assert_leaf(c, x + M1, p + M1, 3, S2_RX);
    size_t t0 = c->s2.tables, free0 = sim_free_pages();

    /* Ranges that do not cover the whole table merge nothing. */
    assert_int_equal(stage2_merge(&c->s2, x, M2 - K4), 0);
    assert_int_equal(stage2_merge(&c->s2, x + K4, M2), 0);
    assert_leaf(c, x + M1, p + M1, 3, S2_RX);

    uint64_t inval0 = sim_tlb_counts()->inval_ipa;
    assert_int_equal(stage2_merge(&c->s2, x - M2, 3 * M2), 1);
    assert_true(sim_tlb_counts()->inval_ipa > inval0);
    assert_leaf(c, x + M1 + 0x123, p + M1 + 0x123, 2, S2_RX);
    assert_leaf(c, x, p, 2, S2_RX);
    assert_int_equal(c->s2.tables, t0 - 1);
    assert_int_equal(sim_free_pages(), free0 + 1);
    assert_int_equal(stage2_merge(&c->s2, x, M2), 0);

    /* Not mergeable: one page elsewhere, one page with other perms, PAs
     * contiguous but not 2 MiB aligned. */
    const uint64_t y = x + 2 * M2;
    assert_int_equal(stage2_map(&c->s2, y, p + 2 * M2, M1, S2_RW), S2_OK);
    assert_int_equal(stage2_map(&c->s2, y + M1, p + 2 * M2 + M1 + K4, K4, S2_RW), S2_OK);
    assert_int_equal(stage2_map(&c->s2, y + M1 + K4, p + 2 * M2 + M1 + K4, M1 - K4, S2_RW), S2_OK);
    assert_int_equal(stage2_merge(&c->s2, y, M2), 0);
    assert_int_equal(stage2_unmap(&c->s2, y + M1, K4), S2_OK);
    assert_int_equal(stage2_map(&c->s2, y + M1, p + 2 * M2 + M1, K4, S2_READ), S2_OK);
    assert_int_equal(stage2_merge(&c->s2, y, M2), 0);
    assert_int_equal(stage2_protect(&c->s2, y + M1, K4, S2_RW), S2_OK);
    assert_int_equal(stage2_merge(&c->s2, y, M2), 1);
    assert_leaf(c, y + M1, p + 2 * M2 + M1, 2, S2_RW);

    const uint64_t z = y + 2 * M2;
    for (uint64_t off = 0; off < M2; off += M1)
        assert_int_equal(stage2_map(&c->s2, z + off, p + 4 * M2 + K4 + off, M1, S2_RW), S2_OK);
    assert_int_equal(stage2_merge(&c->s2, z, M2), 0);
    assert_leaf(c, z, p + 4 * M2 + K4, 3, S2_RW);

    /* 512 separate 2 MiB blocks, 1 GiB aligned: one 1 GiB block. */
    const uint64_t g = 8 * G1, gp = 0x2000000000ull;
    for (uint64_t off = 0; off < G1; off += M2)
        assert_int_equal(stage2_map(&c->s2, g + off, gp + off, M2, S2_RW), S2_OK);
    assert_leaf(c, g + G1 / 2, gp + G1 / 2, 2, S2_RW);
    t0 = c->s2.tables;
    assert_int_equal(stage2_merge(&c->s2, g, G1), 1);
    assert_leaf(c, g + G1 / 2, gp + G1 / 2, 1, S2_RW);
    assert_int_equal(c->s2.tables, t0 - 1);
}

/* ---- Refusals --------------------------------------------------------------- */

static void test_overlap_refused(void **state)
{
    struct ctx *c = *state;
    const uint64_t x = G1 + 8 * M2, y = 3 * G1 + 5 * K4;
    assert_int_equal(stage2_map(&c->s2, x, 0x100000000ull, M2, S2_RW), S2_OK);
    assert_int_equal(stage2_map(&c->s2, y, 0x200000000ull, K4, S2_READ), S2_OK);
    size_t t0 = c->s2.tables, free0 = sim_free_pages();
    uint8_t *snap = snapshot();

    const struct {
        uint64_t ipa, size;
    } bad[] = {
        {x, M2},                   /* the same */
        {x - K4, 2 * K4},          /* first page */
        {x + M2 - K4, 2 * K4},     /* last page */
        {x + M1, K4},              /* inside the block */
        {x - M2, 3 * M2},          /* around it */
        {0, 2 * G1},               /* far around: would make blocks first */
        {y - 4 * M2, 4 * M2 + K4}, /* would create tables before the hit */
        {y, K4},
        {y - K4, 3 * K4},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint64_t pa = 0x4000000000ull; /* 1 GiB aligned, so blocks would be used */
        assert_int_equal(stage2_map(&c->s2, bad[i].ipa, pa, bad[i].size, S2_RW), S2_EEXIST);
    }
    assert_same_memory(snap);
    assert_int_equal(c->s2.tables, t0);
    assert_int_equal(sim_free_pages(), free0);
    assert_leaf(c, x + M1, 0x100000000ull + M1, 2, S2_RW);
    assert_leaf(c, y, 0x200000000ull, 3, S2_READ);
    assert_unmapped(c, y - K4);
}

static void test_out_of_range_refused(void **state)
{
    struct ctx *c = *state;
    const uint64_t lim = ipa_limit(c);
    const uint64_t pa_lim = 1ull << 48;
    uint8_t *snap = snapshot();
    size_t free0 = sim_free_pages();

    assert_int_equal(stage2_map(&c->s2, lim, 0x1000, K4, S2_RW), S2_EINVAL);
    assert_int_equal(stage2_map(&c->s2, lim - K4, 0x1000, 2 * K4, S2_RW), S2_EINVAL);
    assert_int_equal(stage2_map(&c->s2, lim * 2, 0x1000, K4, S2_RW), S2_EINVAL);
    assert_int_equal(stage2_map(&c->s2, ~0ull & ~(K4 - 1), 0x1000, 2 * K4, S2_RW), S2_EINVAL);
    assert_int_equal(stage2_map(&c->s2, G1, 0x1000, ~0ull & ~(K4 - 1), S2_RW), S2_EINVAL);
    assert_int_equal(stage2_map(&c->s2, G1 + 1, 0x1000, K4, S2_RW), S2_EINVAL);
    assert_int_equal(stage2_map(&c->s2, G1, 0x1001, K4, S2_RW), S2_EINVAL);
    assert_int_equal(stage2_map(&c->s2, G1, 0x1000, K4 + 1, S2_RW), S2_EINVAL);
    assert_int_equal(stage2_map(&c->s2, G1, 0x1000, 0, S2_RW), S2_EINVAL);
    assert_int_equal(stage2_map(&c->s2, G1, pa_lim, K4, S2_RW), S2_EINVAL);
    assert_int_equal(stage2_map(&c->s2, G1, pa_lim - K4, 2 * K4, S2_RW), S2_EINVAL);
    assert_int_equal(stage2_map(&c->s2, G1, ~0ull & ~(K4 - 1), 2 * K4, S2_RW), S2_EINVAL);
    assert_int_equal(stage2_map(&c->s2, G1, 0x1000, K4, 0), S2_EINVAL);
    assert_int_equal(stage2_map(&c->s2, G1, 0x1000, K4, S2_DEVICE), S2_EINVAL);
    assert_int_equal(stage2_map(&c->s2, G1, 0x1000, K4, 1u << 7), S2_EINVAL);
    assert_int_equal(stage2_map(&c->s2, G1, 0x1000, K4, S2_READ | S2_EXEC | S2_DEVICE), S2_EINVAL);
    assert_int_equal(stage2_unmap(&c->s2, lim, K4), S2_EINVAL);
    assert_int_equal(stage2_unmap(&c->s2, G1, 0), S2_EINVAL);
    assert_int_equal(stage2_unmap(&c->s2, G1 + 8, K4), S2_EINVAL);
    assert_int_equal(stage2_unmap(&c->s2, lim - K4, 2 * K4), S2_EINVAL);
    assert_int_equal(stage2_protect(&c->s2, lim, K4, S2_RW), S2_EINVAL);
    assert_int_equal(stage2_merge(&c->s2, lim - M2, 2 * M2), S2_EINVAL);
    assert_int_equal(stage2_merge(&c->s2, G1, 0), S2_EINVAL);
    assert_int_equal(stage2_unmap(&c->s2, G1, K4), S2_ENOENT);
    assert_same_memory(snap);
    assert_int_equal(sim_free_pages(), free0);

    struct stage2_walk w;
    assert_false(stage2_walk(&c->s2, lim, &w));
    assert_false(w.mapped);
    assert_false(stage2_walk(&c->s2, ~0ull, &w));

    /* The edges themselves are fine. */
    assert_int_equal(stage2_map(&c->s2, lim - K4, pa_lim - K4, K4, S2_RW), S2_OK);
    assert_leaf(c, lim - 1, pa_lim - 1, 3, S2_RW);
    assert_int_equal(stage2_map(&c->s2, 0, 0x1000, K4, S2_RW), S2_OK);
    assert_leaf(c, 0, 0x1000, 3, S2_RW);
    assert_int_equal(stage2_unmap(&c->s2, 0, lim), S2_OK);
    assert_unmapped(c, 0);
    assert_unmapped(c, lim - K4);
    assert_int_equal(c->s2.tables, c->fc->expect.concat);

    /* An engine that was never initialised refuses everything. */
    struct stage2 zero;
    memset(&zero, 0, sizeof(zero));
    assert_int_equal(stage2_map(&zero, G1, 0x1000, K4, S2_RW), S2_EINVAL);
    assert_int_equal(stage2_unmap(&zero, G1, K4), S2_EINVAL);
    assert_int_equal(stage2_protect(&zero, G1, K4, S2_RW), S2_EINVAL);
    assert_int_equal(stage2_merge(&zero, G1, K4), S2_EINVAL);
    assert_false(stage2_walk(&zero, G1, &w));
    stage2_destroy(&zero);
}

/* Take every free page but `keep`; returns the hoard for give_back. */
static paddr_t *hoard_pages(size_t keep, size_t *n)
{
    size_t cap = sim_free_pages();
    paddr_t *h = calloc(cap + 1, sizeof(*h));
    assert_non_null(h);
    *n = 0;
    while (sim_free_pages() > keep) {
        paddr_t pa = arch_page_alloc(1);
        assert_int_not_equal(pa, 0);
        h[(*n)++] = pa;
    }
    return h;
}

static void give_back(paddr_t *h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        arch_page_free(h[i], 1);
    free(h);
}

static void test_enomem_leaves_tables_unchanged(void **state)
{
    struct ctx *c = *state;
    const uint64_t x = G1 + 3 * K4, blk = 2 * G1;
    assert_int_equal(stage2_map(&c->s2, x, 0x7000, K4, S2_RW), S2_OK);
    assert_int_equal(stage2_map(&c->s2, blk, 0x3c0000000ull, G1, S2_RW), S2_OK);
    size_t t0 = c->s2.tables;

    /* One free page, two tables needed (level 2 and level 3). */
    size_t n;
    paddr_t *h = hoard_pages(1, &n);
    const uint64_t z = 5 * G1 + K4;
    uint8_t *snap = snapshot();
    assert_int_equal(stage2_map(&c->s2, z, 0x9000, K4, S2_RW), S2_ENOMEM);
    assert_int_equal(sim_free_pages(), 1);
    assert_int_equal(c->s2.tables, t0);
    assert_unmapped(c, z);
    /* The page that was briefly a table is free again; the rest identical. */
    assert_same_memory(snap);

    /* Splitting a 1 GiB block for an unmap or protect needs two tables. */
    snap = snapshot();
    assert_int_equal(stage2_unmap(&c->s2, blk + 0x12345000, K4), S2_ENOMEM);
    assert_int_equal(stage2_protect(&c->s2, blk + 0x12345000, K4, S2_READ), S2_ENOMEM);
    assert_same_memory(snap);
    assert_leaf(c, blk + 0x12345000, 0x3c0000000ull + 0x12345000, 1, S2_RW);
    assert_int_equal(sim_free_pages(), 1);
    /* A 2 MiB-aligned hole in the 1 GiB block needs only the level-2 table. */
    assert_int_equal(stage2_unmap(&c->s2, blk + 4 * M2, M2), S2_OK);
    assert_int_equal(sim_free_pages(), 0);
    assert_unmapped(c, blk + 4 * M2);
    assert_leaf(c, blk + 5 * M2, 0x3c0000000ull + 5 * M2, 2, S2_RW);
    assert_leaf(c, blk + 4 * M2 - K4, 0x3c0000000ull + 4 * M2 - K4, 2, S2_RW);
    assert_int_equal(c->s2.tables, t0 + 1);
    t0 = c->s2.tables;
    give_back(h, n);

    /* Two pages: the level-2 and the first level-3 table work, the second
     * level-3 table fails after 2 MiB of pages were written: rolled back. */
    h = hoard_pages(2, &n);
    const uint64_t w = 6 * G1;
    assert_int_equal(stage2_map(&c->s2, w, 0x5001000, M2 + K4, S2_RW), S2_ENOMEM);
    for (uint64_t off = 0; off <= M2; off += K4)
        assert_unmapped(c, w + off);
    assert_int_equal(sim_free_pages(), 2);
    assert_int_equal(c->s2.tables, t0);
    assert_int_equal(stage2_map(&c->s2, w, 0x5001000, 8 * K4, S2_RW), S2_OK);
    assert_int_equal(stage2_unmap(&c->s2, w, 8 * K4), S2_OK);
    give_back(h, n);

    assert_leaf(c, x, 0x7000, 3, S2_RW);
    assert_int_equal(stage2_unmap(&c->s2, blk + 0x12345000, K4), S2_OK);
    assert_unmapped(c, blk + 0x12345000);
}

/* ---- Leaks ------------------------------------------------------------------ */

static void test_destroy_frees_everything(void **state)
{
    struct ctx *c = *state;
    assert_int_equal(stage2_map(&c->s2, 0, 0x1000, 17 * M2 + 5 * K4, S2_RW), S2_OK);
    assert_int_equal(stage2_map(&c->s2, G1, 0x40000000, 2 * G1, S2_RWX), S2_OK);
    assert_int_equal(stage2_unmap(&c->s2, G1 + 0x777000, K4), S2_OK);
    assert_int_equal(stage2_protect(&c->s2, 2 * G1 + 0x1000, K4, S2_READ), S2_OK);
    assert_int_equal(stage2_map(&c->s2, ipa_limit(c) - M2 - K4, 0x80000, M2, S2_READ), S2_OK);
    assert_true(c->s2.tables > 10);
    assert_int_equal(sim_free_pages() + c->s2.tables, c->free_before);
    uint64_t vmid_inval0 = sim_tlb_counts()->inval_vmid;
    stage2_destroy(&c->s2);
    assert_int_equal(sim_free_pages(), c->free_before);
    assert_true(sim_tlb_counts()->inval_vmid > vmid_inval0);
    assert_int_equal(c->s2.tables, 0);
    stage2_destroy(&c->s2); /* twice is harmless */
    assert_int_equal(sim_free_pages(), c->free_before);
}

/* ---- Randomized against a reference model ---------------------------------- */

#define RND_PAGES 4096u           /* 16 MiB window */
#define RND_BASE  (G1 - 8 * M2)   /* crosses a level-1 boundary */
#define RND_PA0   0x3000000000ull /* 1 GiB aligned: blocks possible */

struct page_state {
    bool mapped;
    uint64_t pa;
    unsigned perms;
};

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned rnd_below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static void rnd_range(unsigned *first, unsigned *count)
{
    unsigned kind = rnd_below(4);
    if (kind == 0) { /* whole 2 MiB pieces */
        *first = rnd_below(RND_PAGES / 512) * 512;
        *count = (1 + rnd_below(3)) * 512;
    } else if (kind == 1) { /* a few pages */
        *first = rnd_below(RND_PAGES);
        *count = 1 + rnd_below(8);
    } else { /* anything */
        *first = rnd_below(RND_PAGES);
        *count = 1 + rnd_below(1200);
    }
    if (*first + *count > RND_PAGES)
        *count = RND_PAGES - *first;
}

static const unsigned rnd_perms[] = {
    S2_READ, S2_RW, S2_RWX, S2_READ | S2_EXEC, S2_WRITE, S2_READ | S2_DEVICE, S2_RW | S2_DEVICE,
};

static void check_model(const struct ctx *c, const struct page_state *m, unsigned op)
{
    for (unsigned i = 0; i < RND_PAGES; i++) {
        uint64_t ipa = RND_BASE + (uint64_t)i * K4;
        struct stage2_walk w;
        bool got = stage2_walk(&c->s2, ipa + (i % 7) * 8, &w);
        if (got != m[i].mapped)
            fail_msg("op %u page %u: mapped %d, model %d", op, i, got, m[i].mapped);
        if (!got)
            continue;
        if (w.pa != m[i].pa + (i % 7) * 8 || w.perms != m[i].perms)
            fail_msg("op %u page %u: pa 0x%llx perms %x, model 0x%llx %x", op, i,
                     (unsigned long long)w.pa, w.perms, (unsigned long long)m[i].pa, m[i].perms);
        /* A leaf may not reach outside the window the test ever mapped. */
        uint64_t leaf_ipa = ipa & ~(w.size - 1);
        assert_true(leaf_ipa >= RND_BASE && leaf_ipa + w.size <= RND_BASE + RND_PAGES * K4);
    }
    assert_int_equal(sim_free_pages() + c->s2.tables, c->free_before);
    assert_unmapped(c, RND_BASE - K4);
    assert_unmapped(c, RND_BASE + RND_PAGES * K4);
}

static void test_randomized_vs_model(void **state)
{
    struct ctx *c = *state;
    struct page_state *m = calloc(RND_PAGES, sizeof(*m));
    assert_non_null(m);
    rng_state = 0x9e3779b97f4a7c15ull ^ (c->fc->expect.ipa_bits * 131 + c->fc->profile);
    unsigned merges = 0, blocks_seen = 0;

    for (unsigned op = 0; op < 1500; op++) {
        unsigned first, count;
        rnd_range(&first, &count);
        uint64_t ipa = RND_BASE + (uint64_t)first * K4, size = (uint64_t)count * K4;
        bool any = false, all = true;
        for (unsigned i = first; i < first + count; i++) {
            any |= m[i].mapped;
            all &= m[i].mapped;
        }
        unsigned kind = rnd_below(12);
        unsigned perms = rnd_perms[rnd_below(sizeof(rnd_perms) / sizeof(rnd_perms[0]))];
        int rc;
        if (kind < 4) {
            uint64_t pa = rnd_below(4) ? RND_PA0 + (uint64_t)first * K4
                                       : (rnd() & 0x00007ffffff00000ull) + rnd_below(4) * K4;
            rc = stage2_map(&c->s2, ipa, pa, size, perms);
            assert_int_equal(rc, any ? S2_EEXIST : S2_OK);
            for (unsigned i = first; rc == S2_OK && i < first + count; i++)
                m[i] = (struct page_state){true, pa + (uint64_t)(i - first) * K4, perms};
        } else if (kind < 7) {
            rc = stage2_unmap(&c->s2, ipa, size);
            assert_int_equal(rc, any ? S2_OK : S2_ENOENT);
            for (unsigned i = first; i < first + count; i++)
                m[i].mapped = false;
        } else if (kind < 9) {
            rc = stage2_protect(&c->s2, ipa, size, perms);
            assert_int_equal(rc, all ? S2_OK : S2_ENOENT);
            for (unsigned i = first; rc == S2_OK && i < first + count; i++)
                m[i].perms = perms;
        } else if (kind < 10) {
            rc = stage2_merge(&c->s2, ipa, size);
            assert_true(rc >= 0);
            merges += (unsigned)rc;
        } else {
            /* Fill the holes of one 2 MiB piece linearly and give it one
             * set of perms: often mergeable afterwards. */
            unsigned piece = rnd_below(RND_PAGES / 512) * 512;
            for (unsigned i = piece; i < piece + 512; i++) {
                if (m[i].mapped)
                    continue;
                uint64_t pa = RND_PA0 + (uint64_t)i * K4;
                assert_int_equal(stage2_map(&c->s2, RND_BASE + i * K4, pa, K4, perms), S2_OK);
                m[i] = (struct page_state){true, pa, perms};
            }
            assert_int_equal(stage2_protect(&c->s2, RND_BASE + piece * K4, M2, perms), S2_OK);
            for (unsigned i = piece; i < piece + 512; i++)
                m[i].perms = perms;
        }
        check_model(c, m, op);
        struct stage2_walk w;
        if (stage2_walk(&c->s2, RND_BASE + (uint64_t)first * K4, &w) && w.level < 3)
            blocks_seen++;
    }
    /* The run exercised blocks and merges, or it proved little. */
    assert_true(blocks_seen > 10);
    assert_true(merges > 0);

    int rc = stage2_unmap(&c->s2, RND_BASE, RND_PAGES * K4);
    assert_true(rc == S2_OK || rc == S2_ENOENT);
    assert_int_equal(c->s2.tables, c->fc->expect.concat);
    free(m);
}

/* ---- Runner ------------------------------------------------------------------ */

#define T(fn, fc)                                                                                  \
    {                                                                                              \
#fn "/" #fc, fn, setup, teardown, (void *)&fc                                              \
    }
#define T3(fn) T(fn, V7_40), T(fn, V8_40), T(fn, V8_48)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_rejects_bad_formats),
        T3(test_init_format),
        T3(test_init_aligns_concat_root),
        T3(test_map_pages),
        T3(test_map_blocks),
        T3(test_unmap_splits_2m_block),
        T3(test_unmap_splits_1g_block_and_merge_back),
        T3(test_unmap_large_range),
        T3(test_protect),
        T3(test_merge),
        T3(test_overlap_refused),
        T3(test_out_of_range_refused),
        T3(test_enomem_leaves_tables_unchanged),
        T3(test_destroy_frees_everything),
        T3(test_randomized_vs_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
