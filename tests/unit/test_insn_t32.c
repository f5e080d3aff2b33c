/*
 * T32 load/store decoder against vectors/t32.txt: encodings and lengths from
 * arm-linux-gnueabihf-as (.thumb), expected fields from the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/insn.h"
#include "vectors/insn_vector.h"

#include "insn_vectors_t32.h"

#define NVEC (sizeof(insn_vectors_t32) / sizeof(insn_vectors_t32[0]))

static void test_table(void **state)
{
    int bad = 0;
    for (size_t i = 0; i < NVEC; i++) {
        const struct insn_vector *v = &insn_vectors_t32[i];
        struct insn_mem m;
        insn_vector_poison(&m);
        bad += insn_vector_check("t32", v, insn_decode_t32(v->hw1, v->hw2, &m), &m);
    }
    assert_int_equal(bad, 0);
}

static void test_coverage(void **state)
{
    unsigned n16 = 0, n32 = 0;
    for (size_t i = 0; i < NVEC; i++) {
        if (insn_vectors_t32[i].err != INSN_OK)
            continue;
        n16 += insn_vectors_t32[i].len == 2;
        n32 += insn_vectors_t32[i].len == 4;
    }
    assert_true(n16 + n32 >= 30);
    assert_true(n16 >= 10);
    assert_true(n32 >= 20);
    assert_true(INSN_VECTORS_COUNT_ERR(insn_vectors_t32, INSN_UNDECODABLE) >= 10);
    assert_true(INSN_VECTORS_COUNT_ERR(insn_vectors_t32, INSN_UNPREDICTABLE) >= 10);
}

/* The assembler's length and insn_t32_is_32bit agree on every vector. */
static void test_length(void **state)
{
    for (size_t i = 0; i < NVEC; i++) {
        const struct insn_vector *v = &insn_vectors_t32[i];
        assert_int_equal(insn_t32_is_32bit(v->hw1), v->len == 4);
    }
}

/* A 16-bit instruction never looks at hw2 (it is the next instruction). */
static void test_16bit_ignores_hw2(void **state)
{
    static const uint16_t junk[] = {0x0000, 0xffff, 0xf8d0, 0x1234};
    for (size_t i = 0; i < NVEC; i++) {
        const struct insn_vector *v = &insn_vectors_t32[i];
        if (v->len != 2)
            continue;
        for (size_t j = 0; j < sizeof(junk) / sizeof(junk[0]); j++) {
            struct insn_mem m;
            insn_vector_poison(&m);
            int r = insn_decode_t32(v->hw1, junk[j], &m);
            assert_int_equal(insn_vector_check("t32", v, r, &m), 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_coverage),
        cmocka_unit_test(test_length),
        cmocka_unit_test(test_16bit_ignores_hw2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
