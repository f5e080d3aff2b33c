/*
 * A64 load/store decoder against vectors/a64.txt: encodings from
 * aarch64-linux-gnu-as, expected fields from the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/insn.h"
#include "vectors/insn_vector.h"

#include "insn_vectors_a64.h"

#define NVEC (sizeof(insn_vectors_a64) / sizeof(insn_vectors_a64[0]))

static void test_table(void **state)
{
    int bad = 0;
    for (size_t i = 0; i < NVEC; i++) {
        const struct insn_vector *v = &insn_vectors_a64[i];
        struct insn_mem m;
        insn_vector_poison(&m);
        assert_int_equal(v->len, 4);
        bad += insn_vector_check("a64", v, insn_decode_a64(v->insn, &m), &m);
    }
    assert_int_equal(bad, 0);
}

/* The table covers what the issue asks for: >= 40 decodable forms and
 * refusals of both kinds. */
static void test_coverage(void **state)
{
    assert_true(INSN_VECTORS_COUNT_ERR(insn_vectors_a64, INSN_OK) >= 40);
    assert_true(INSN_VECTORS_COUNT_ERR(insn_vectors_a64, INSN_UNDECODABLE) >= 10);
    assert_true(INSN_VECTORS_COUNT_ERR(insn_vectors_a64, INSN_UNPREDICTABLE) >= 5);
}

/* Every decodable general-purpose load/store becomes a SIMD&FP one (or a
 * SIMD structure load) when bit 26 (V) is set: all of those are refused. */
static void test_simd_bit_refused(void **state)
{
    for (size_t i = 0; i < NVEC; i++) {
        const struct insn_vector *v = &insn_vectors_a64[i];
        struct insn_mem m;
        if (v->err != INSN_OK)
            continue;
        insn_vector_poison(&m);
        assert_int_equal(insn_decode_a64(v->insn | (1u << 26), &m), INSN_UNDECODABLE);
        assert_true(insn_vector_poisoned(&m));
    }
}

/* Writeback forms: changing Rt to the base register (not SP) makes them
 * UNPREDICTABLE; the no-writeback forms stay decodable. */
static void test_rt_equals_rn(void **state)
{
    for (size_t i = 0; i < NVEC; i++) {
        const struct insn_vector *v = &insn_vectors_a64[i];
        struct insn_mem m;
        if (v->err != INSN_OK || v->exp.rn == INSN_REG_SP)
            continue;
        uint32_t insn = (v->insn & ~0x1fu) | v->exp.rn;
        int r = insn_decode_a64(insn, &m);
        if (v->exp.writeback)
            assert_int_equal(r, INSN_UNPREDICTABLE);
        else if (!v->exp.pair || !v->exp.load || v->exp.rt2 != v->exp.rn)
            assert_int_equal(r, INSN_OK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_coverage),
        cmocka_unit_test(test_simd_bit_refused),
        cmocka_unit_test(test_rt_equals_rn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
