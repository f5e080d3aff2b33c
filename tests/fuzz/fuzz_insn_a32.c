/* libFuzzer target: insn_decode_a32 on every 32-bit little-endian word of
 * the input, with invariants on the result. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(uint32_t insn)
{
    struct insn_mem m, m2;
    fuzz_poison(&m);
    int err = insn_decode_a32(insn, &m);
    fuzz_check_common(err, &m);
    if ((insn >> 28) == 0xf)
        CHECK(err == INSN_UNDECODABLE);

    /* The condition field never changes the decode (except 1111). */
    uint32_t cond = ((insn >> 28) + 1) % 15;
    fuzz_poison(&m2);
    if ((insn >> 28) != 0xf) {
        CHECK(insn_decode_a32((insn & 0x0fffffffu) | cond << 28, &m2) == err);
        CHECK(memcmp(&m, &m2, sizeof(m)) == 0);
    }
    if (err != INSN_OK)
        return;

    fuzz_check_aarch32(&m);
    CHECK(m.len == 4);
    /* Field positions: Rt 15:12, Rn 19:16, Rt2 = Rt + 1 for LDRD/STRD. */
    CHECK(m.rt == ((insn >> 12) & 15) && m.rn == ((insn >> 16) & 15));
    if (m.pair)
        CHECK((m.rt & 1) == 0 && m.rt2 == m.rt + 1);
    /* U bit 23 gives the sign of the writeback offset. */
    if (m.off_kind == INSN_OFF_IMM)
        CHECK(((insn >> 23) & 1) ? m.imm >= 0 : m.imm <= 0);
    if (m.off_kind == INSN_OFF_REG)
        CHECK(m.rm_subtract == !((insn >> 23) & 1) && m.rm == (insn & 15));
    /* Writeback exactly when P=0 or W=1. */
    CHECK(m.writeback == (!((insn >> 24) & 1) || ((insn >> 21) & 1)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i + 4 <= size; i += 4)
        one(fuzz_le32(data + i));
    return 0;
}
