/* libFuzzer target: insn_decode_t32 on each 4-byte chunk of the input read
 * as two little-endian halfwords (hw1, hw2), with invariants on the result. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(uint16_t hw1, uint16_t hw2)
{
    struct insn_mem m, m2;
    fuzz_poison(&m);
    int err = insn_decode_t32(hw1, hw2, &m);
    fuzz_check_common(err, &m);
    bool wide = insn_t32_is_32bit(hw1);
    CHECK(wide == ((hw1 >> 11) == 0x1d || (hw1 >> 11) == 0x1e || (hw1 >> 11) == 0x1f));

    /* A 16-bit instruction's decode does not depend on hw2. */
    if (!wide) {
        fuzz_poison(&m2);
        CHECK(insn_decode_t32(hw1, (uint16_t)~hw2, &m2) == err);
        CHECK(memcmp(&m, &m2, sizeof(m)) == 0);
    }
    if (err != INSN_OK)
        return;

    fuzz_check_aarch32(&m);
    CHECK(m.len == (wide ? 4u : 2u));
    if (!wide) {
        /* 16-bit forms: low registers or SP/PC base, no writeback. */
        CHECK(!m.writeback && !m.pair && m.rt < 8);
        CHECK(m.rn < 8 || m.rn == 13 || m.rn == 15);
    } else {
        CHECK(m.rn == (hw1 & 15u) && m.rt == (hw2 >> 12));
        if (m.off_kind == INSN_OFF_IMM)
            CHECK(m.imm >= -1020 && m.imm <= 1020);
        if (m.rt == 13)
            CHECK(m.size == 4 && !m.pair);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i + 4 <= size; i += 4)
        one((uint16_t)(data[i] | data[i + 1] << 8), (uint16_t)(data[i + 2] | data[i + 3] << 8));
    return 0;
}
