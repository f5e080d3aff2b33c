/* libFuzzer target: insn_decode_a64 on every 32-bit little-endian word of
 * the input, with invariants on the result. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(uint32_t insn)
{
    struct insn_mem m, again;
    fuzz_poison(&m);
    int err = insn_decode_a64(insn, &m);
    fuzz_check_common(err, &m);

    /* Deterministic: a second decode gives the same answer. */
    fuzz_poison(&again);
    CHECK(insn_decode_a64(insn, &again) == err);
    CHECK(memcmp(&m, &again, sizeof(m)) == 0);

    if (insn & (1u << 26))
        CHECK(err != INSN_OK); /* SIMD&FP is refused */
    if (err != INSN_OK)
        return;

    CHECK(m.len == 4);
    CHECK(m.rt < 32 && m.rt2 < 32);
    CHECK(m.rn < 31 || m.rn == INSN_REG_SP);
    CHECK(m.off_kind != INSN_OFF_REG);
    CHECK(!m.sign || m.size < 8);
    CHECK(m.size < 8 || m.dst64);
    if (m.writeback && m.rn != INSN_REG_SP)
        CHECK(m.rn != m.rt && (!m.pair || m.rn != m.rt2));
    if (m.writeback && m.pair)
        CHECK(m.imm % (int64_t)m.size == 0 && m.imm >= -64 * (int64_t)m.size &&
              m.imm < 64 * (int64_t)m.size);
    if (m.writeback && !m.pair)
        CHECK(m.imm >= -256 && m.imm <= 255);

    /* Round trip of the field positions: Rt is bits 4:0 and Rn bits 9:5 in
     * every form we decode, so rewriting Rt must move out.rt with it (or
     * hit an UNPREDICTABLE overlap). */
    unsigned k = (m.rt + 7) & 31;
    struct insn_mem m2;
    int err2 = insn_decode_a64((insn & ~0x1fu) | k, &m2);
    if (err2 == INSN_OK)
        CHECK(m2.rt == k && m2.rn == m.rn && m2.size == m.size && m2.load == m.load);
    else
        CHECK(err2 == INSN_UNPREDICTABLE);
    unsigned rn_field = (insn >> 5) & 31;
    CHECK(m.rn == (rn_field == 31 ? INSN_REG_SP : rn_field));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i + 4 <= size; i += 4)
        one(fuzz_le32(data + i));
    return 0;
}
