/*
 * AArch32 condition checks for trapped conditional instructions: every
 * condition against every NZCV combination, expectations taken from the
 * condition table of the Arm ARM (ARMv7-A ARM A8.3 "Conditional execution",
 * Table A8-1) written out per mnemonic; and which condition a trap carries
 * (CV/COND, else ITSTATE for T32, else unconditional).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/cond.h"

#define N_BIT (1u << 31)
#define Z_BIT (1u << 30)
#define C_BIT (1u << 29)
#define V_BIT (1u << 28)

/* Table A8-1, one line per mnemonic, "Condition flags" column. */
static bool table(unsigned cond, bool n, bool z, bool c, bool v)
{
    switch (cond) {
    case 0x0: /* EQ: Equal */
        return z;
    case 0x1: /* NE: Not equal */
        return !z;
    case 0x2: /* CS: Carry set */
        return c;
    case 0x3: /* CC: Carry clear */
        return !c;
    case 0x4: /* MI: Minus, negative */
        return n;
    case 0x5: /* PL: Plus, positive or zero */
        return !n;
    case 0x6: /* VS: Overflow */
        return v;
    case 0x7: /* VC: No overflow */
        return !v;
    case 0x8: /* HI: Unsigned higher: C == 1 and Z == 0 */
        return c && !z;
    case 0x9: /* LS: Unsigned lower or same: C == 0 or Z == 1 */
        return !c || z;
    case 0xa: /* GE: Signed greater than or equal: N == V */
        return n == v;
    case 0xb: /* LT: Signed less than: N != V */
        return n != v;
    case 0xc: /* GT: Signed greater than: Z == 0 and N == V */
        return !z && n == v;
    case 0xd: /* LE: Signed less than or equal: Z == 1 or N != V */
        return z || n != v;
    case 0xe: /* AL: Always */
        return true;
    default: /* 0b1111: ConditionHolds() treats it as "always" too */
        return true;
    }
}

static void test_all_conditions_all_flags(void **state)
{
    (void)state;
    static const char *const names[16] = {"EQ", "NE", "CS", "CC", "MI", "PL", "VS", "VC",
                                          "HI", "LS", "GE", "LT", "GT", "LE", "AL", "NV"};
    unsigned mismatches = 0;
    for (unsigned cond = 0; cond < 16; cond++) {
        for (unsigned f = 0; f < 16; f++) {
            bool n = f & 8, z = f & 4, c = f & 2, v = f & 1;
            uint32_t psr = (n ? N_BIT : 0) | (z ? Z_BIT : 0) | (c ? C_BIT : 0) | (v ? V_BIT : 0);
            bool want = table(cond, n, z, c, v);
            /* The other PSR bits (mode SVC, T, IT, E, masks) must not
             * matter: try a bare PSR and a busy one. */
            uint32_t busy = psr | 0x13u | (1u << 5) | (0x3fu << 10) | (3u << 25) | (0x7u << 6) |
                            (1u << 9) | (1u << 27);
            if (cond_passed(cond, psr) != want || cond_passed(cond, busy) != want) {
                print_error("%s with NZCV=%u%u%u%u: want %d\n", names[cond], n, z, c, v, want);
                mismatches++;
            }
        }
    }
    assert_int_equal(mismatches, 0);
}

/* A few rows spelt out, so the table above is not the only witness. */
static void test_spot_checks(void **state)
{
    (void)state;
    assert_true(cond_passed(COND_EQ, Z_BIT));
    assert_false(cond_passed(COND_EQ, 0));
    assert_false(cond_passed(COND_NE, Z_BIT | C_BIT));
    assert_false(cond_passed(COND_HI, C_BIT | Z_BIT)); /* higher needs Z clear */
    assert_true(cond_passed(COND_HI, C_BIT));
    assert_true(cond_passed(COND_LS, 0)); /* C clear */
    assert_true(cond_passed(COND_GE, N_BIT | V_BIT));
    assert_false(cond_passed(COND_GE, N_BIT));
    assert_true(cond_passed(COND_LT, V_BIT));
    assert_false(cond_passed(COND_GT, N_BIT | V_BIT | Z_BIT));
    assert_true(cond_passed(COND_GT, N_BIT | V_BIT));
    assert_true(cond_passed(COND_LE, Z_BIT));
    assert_true(cond_passed(COND_LE, N_BIT));
    assert_false(cond_passed(COND_LE, 0));
    assert_true(cond_passed(COND_AL, 0));
    assert_true(cond_passed(0xf, N_BIT | Z_BIT | C_BIT | V_BIT));
}

/* ITSTATE from a PSR: IT[7:2] in bits 15:10, IT[1:0] in bits 26:25. */
static uint32_t psr_it(unsigned it)
{
    return ((uint32_t)(it >> 2) << 10) | ((uint32_t)(it & 3) << 25);
}

static void test_itstate_field(void **state)
{
    (void)state;
    assert_int_equal(aa32_itstate(0), 0);
    assert_int_equal(aa32_itstate(psr_it(0x14)), 0x14);
    assert_int_equal(aa32_itstate(psr_it(0xff)), 0xff);
    assert_int_equal(aa32_itstate(psr_it(0x03)), 0x03);
    assert_int_equal(aa32_itstate(1u << 10), 0x04); /* CPSR bit 10 is IT[2] */
    assert_int_equal(aa32_itstate(1u << 25), 0x01); /* CPSR bit 25 is IT[0] */
    assert_int_equal(aa32_itstate(0xf0000000u | 0x1ffu), 0);
}

static void test_cond_of_trap(void **state)
{
    (void)state;
    const uint32_t T = 1u << 5;
    /* CV=1: the syndrome's COND, whatever the state. */
    assert_int_equal(cond_of_trap(true, COND_GT, 0), COND_GT);
    assert_int_equal(cond_of_trap(true, COND_EQ, T | psr_it(0x14)), COND_EQ);
    /* CV=0 in A32: no condition known, so unconditional. */
    assert_int_equal(cond_of_trap(false, 0, psr_it(0x14)), COND_AL);
    /* CV=0 in T32 outside an IT block: unconditional. */
    assert_int_equal(cond_of_trap(false, 0, T), COND_AL);
    /* IT[3:0] == 0 means no IT block even if IT[7:4] is not zero. */
    assert_int_equal(cond_of_trap(false, 0, T | psr_it(0x50)), COND_AL);
    /* "ITE NE" first instruction: ITSTATE 0x14, condition NE. */
    assert_int_equal(cond_of_trap(false, 0, T | psr_it(0x14)), COND_NE);
    /* Its "else" instruction: ITSTATE 0x08, condition EQ. */
    assert_int_equal(cond_of_trap(false, 0, T | psr_it(0x08)), COND_EQ);
    /* "IT GT": firstcond 0b1100, mask 0b1000. */
    assert_int_equal(cond_of_trap(false, 0, T | psr_it(0xc8)), COND_GT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_conditions_all_flags),
        cmocka_unit_test(test_spot_checks),
        cmocka_unit_test(test_itstate_field),
        cmocka_unit_test(test_cond_of_trap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
