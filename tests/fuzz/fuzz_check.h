/* Shared helpers of the decoder fuzz targets (a broken invariant: CHECK,
 * fuzz_trap.h). */
#ifndef TESTS_FUZZ_FUZZ_CHECK_H
#define TESTS_FUZZ_FUZZ_CHECK_H

#include <stdint.h>
#include <string.h>

#include "core/insn.h"
#include "fuzz_trap.h"

static inline uint32_t fuzz_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void fuzz_poison(struct insn_mem *m)
{
    memset(m, 0x5a, sizeof(*m));
}

static inline bool fuzz_poisoned(const struct insn_mem *m)
{
    struct insn_mem p;
    fuzz_poison(&p);
    return memcmp(&p, m, sizeof(p)) == 0;
}

/* Invariants every decoder's result keeps, whatever the ISA. */
static inline void fuzz_check_common(int err, const struct insn_mem *m)
{
    CHECK(err == INSN_OK || err == INSN_UNDECODABLE || err == INSN_UNPREDICTABLE);
    if (err != INSN_OK) {
        CHECK(fuzz_poisoned(m)); /* a refusal leaves *out alone */
        return;
    }
    CHECK(m->size == 1 || m->size == 2 || m->size == 4 || m->size == 8);
    CHECK(m->len == 2 || m->len == 4);
    CHECK(!m->sign || m->load);
    CHECK(!m->post_index || m->writeback);
    if (!m->pair)
        CHECK(m->rt2 == 0);
    if (m->pair && m->load)
        CHECK(m->rt != m->rt2);
    if (!m->writeback)
        CHECK(m->off_kind == INSN_OFF_NONE);
    else
        CHECK(m->off_kind == INSN_OFF_IMM || m->off_kind == INSN_OFF_REG);
    if (m->off_kind != INSN_OFF_IMM)
        CHECK(m->imm == 0);
    if (m->off_kind != INSN_OFF_REG)
        CHECK(m->rm == 0 && !m->rm_subtract && m->shift_type == 0 && m->shift_amt == 0);
    CHECK(m->shift_type <= 3 && m->shift_amt <= 32);
}

/* AArch32 rules (A32 and T32): registers 0-15, no PC transfer, no writeback
 * to PC or to a transferred register, 32-bit registers only. */
static inline void fuzz_check_aarch32(const struct insn_mem *m)
{
    CHECK(m->rt < 15 && m->rn < 16 && m->rm < 16);
    CHECK(m->size <= 4 && !m->dst64);
    if (m->pair)
        CHECK(m->rt2 < 15 && m->size == 4);
    if (m->writeback) {
        CHECK(m->rn != 15 && m->rn != m->rt && (!m->pair || m->rn != m->rt2));
        if (m->off_kind == INSN_OFF_REG)
            CHECK(m->rm != 15);
        if (m->off_kind == INSN_OFF_IMM)
            CHECK(m->imm >= -4095 && m->imm <= 4095);
    }
}

#endif
