/*
 * A32 load/store decoder against vectors/a32.txt: encodings from
 * arm-linux-gnueabihf-as, expected fields from the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/insn.h"
#include "vectors/insn_vector.h"

#include "insn_vectors_a32.h"

#define NVEC (sizeof(insn_vectors_a32) / sizeof(insn_vectors_a32[0]))

static void test_table(void **state)
{
    int bad = 0;
    for (size_t i = 0; i < NVEC; i++) {
        const struct insn_vector *v = &insn_vectors_a32[i];
        struct insn_mem m;
        insn_vector_poison(&m);
        assert_int_equal(v->len, 4);
        bad += insn_vector_check("a32", v, insn_decode_a32(v->insn, &m), &m);
    }
    assert_int_equal(bad, 0);
}

static void test_coverage(void **state)
{
    assert_true(INSN_VECTORS_COUNT_ERR(insn_vectors_a32, INSN_OK) >= 40);
    assert_true(INSN_VECTORS_COUNT_ERR(insn_vectors_a32, INSN_UNDECODABLE) >= 10);
    assert_true(INSN_VECTORS_COUNT_ERR(insn_vectors_a32, INSN_UNPREDICTABLE) >= 10);
}

/* The condition field does not change the decode (the CPU only traps an
 * instruction that passed it), except 0b1111, the unconditional space,
 * which holds no load/store we emulate (PLD, PLI, ...). */
static void test_condition(void **state)
{
    for (size_t i = 0; i < NVEC; i++) {
        const struct insn_vector *v = &insn_vectors_a32[i];
        if ((v->insn >> 28) == 0xf)
            continue;
        for (uint32_t cond = 0; cond < 16; cond++) {
            uint32_t insn = (v->insn & 0x0fffffffu) | (cond << 28);
            struct insn_mem m;
            insn_vector_poison(&m);
            int r = insn_decode_a32(insn, &m);
            if (cond == 0xf) {
                assert_int_equal(r, INSN_UNDECODABLE);
                continue;
            }
            assert_int_equal(r, v->err);
            if (r == INSN_OK)
                assert_int_equal(insn_vector_check("a32", v, r, &m), 0);
        }
    }
}

/* Rt = PC makes every decodable form UNPREDICTABLE (for LDRD/STRD the odd Rt
 * already does). */
static void test_rt_pc(void **state)
{
    for (size_t i = 0; i < NVEC; i++) {
        const struct insn_vector *v = &insn_vectors_a32[i];
        struct insn_mem m;
        if (v->err != INSN_OK)
            continue;
        assert_int_equal(insn_decode_a32(v->insn | (0xfu << 12), &m), INSN_UNPREDICTABLE);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_coverage),
        cmocka_unit_test(test_condition),
        cmocka_unit_test(test_rt_pc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
