/*
 * The shared AArch32 guest-CPU helper (core/aarch32.c): register banking
 * against the table of Arm ARM D1.20.1, ITAdvance() through a whole IT
 * block (ARMv7-A ARM A2.5.2), and exception entry (B1.9, G1.12.3) for each
 * exception the hypervisor injects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/aarch32.h"

static void test_banking(void **state)
{
    (void)state;
    static const struct {
        uint32_t mode;
        enum aa32_bank bank;
        unsigned sp, lr, r8;
    } rows[] = {
        {CPSR_MODE_USR, AA32_BANK_USR, 13, 14, 8}, {CPSR_MODE_SYS, AA32_BANK_USR, 13, 14, 8},
        {CPSR_MODE_IRQ, AA32_BANK_IRQ, 17, 16, 8}, {CPSR_MODE_SVC, AA32_BANK_SVC, 19, 18, 8},
        {CPSR_MODE_ABT, AA32_BANK_ABT, 21, 20, 8}, {CPSR_MODE_UND, AA32_BANK_UND, 23, 22, 8},
        {CPSR_MODE_FIQ, AA32_BANK_FIQ, 29, 30, 24},
    };
    for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        uint32_t cpsr = rows[i].mode | CPSR_T | CPSR_N;
        assert_int_equal(aa32_bank_of(cpsr), rows[i].bank);
        for (unsigned n = 0; n < 8; n++)
            assert_int_equal(aa32_xidx(cpsr, n), n);
        for (unsigned n = 8; n < 13; n++)
            assert_int_equal(aa32_xidx(cpsr, n), rows[i].r8 + (n - 8));
        assert_int_equal(aa32_xidx(cpsr, 13), rows[i].sp);
        assert_int_equal(aa32_xidx(cpsr, 14), rows[i].lr);
    }
}

static void test_itstate(void **state)
{
    (void)state;
    uint32_t cpsr = aa32_with_itstate(CPSR_T | CPSR_Z | CPSR_MODE_SVC, 0xa5);
    assert_int_equal(aa32_itstate(cpsr), 0xa5);
    assert_int_equal(cpsr & ~CPSR_IT_MASK, CPSR_T | CPSR_Z | CPSR_MODE_SVC);
    /* IT[1:0] in bits 26:25, IT[7:2] in bits 15:10. */
    assert_int_equal(aa32_with_itstate(0, 0x01), 1u << 25);
    assert_int_equal(aa32_with_itstate(0, 0x04), 1u << 10);
}

static void test_it_advance_block(void **state)
{
    (void)state;
    /* "ITTE EQ": firstcond 0b0000, mask 0b0110 -> ITSTATE 0x06 first; then
     * IT[4:0] shifts left: 0x0c (EQ), 0x18 (NE: cond[0] from IT[4]); the
     * last instruction (IT[2:0] == 0) ends the block. */
    uint32_t cpsr = aa32_with_itstate(CPSR_T | CPSR_MODE_USR, 0x06);
    cpsr = aa32_it_advance(cpsr);
    assert_int_equal(aa32_itstate(cpsr), 0x0c);
    cpsr = aa32_it_advance(cpsr);
    assert_int_equal(aa32_itstate(cpsr), 0x18);
    cpsr = aa32_it_advance(cpsr);
    assert_int_equal(aa32_itstate(cpsr), 0);
    assert_int_equal(cpsr, CPSR_T | CPSR_MODE_USR);
    /* Outside a block nothing changes. */
    assert_int_equal(aa32_it_advance(CPSR_T | CPSR_C), CPSR_T | CPSR_C);
    /* A single "IT GT" (0xc8): one instruction, then the block is over. */
    assert_int_equal(aa32_itstate(aa32_it_advance(aa32_with_itstate(CPSR_T, 0xc8))), 0);
}

static void test_enter_undef(void **state)
{
    (void)state;
    uint32_t old = CPSR_MODE_SVC | CPSR_T | CPSR_Z | CPSR_F | CPSR_IL |
                   aa32_with_itstate(0, 0x14);
    struct aa32_exc_in in = {.cpsr = old, .pc = 0x8000, .sctlr = 0, .vbar = 0x40001000};
    struct aa32_exc_out o = aa32_enter_exception(AA32_EXC_UNDEF, &in);
    assert_int_equal(o.mode, CPSR_MODE_UND);
    assert_int_equal(o.spsr, old);
    assert_int_equal(o.lr, 0x8002); /* T32: + 2 */
    /* Flags and F kept; IT, T, IL cleared; I set; A untouched (was 0). */
    assert_int_equal(o.cpsr, CPSR_MODE_UND | CPSR_Z | CPSR_F | CPSR_I);
    assert_int_equal(o.pc, 0x40001000 + VECTOR_UNDEF);

    in.cpsr = CPSR_MODE_USR; /* A32: + 4 */
    assert_int_equal(aa32_enter_exception(AA32_EXC_UNDEF, &in).lr, 0x8004);
}

static void test_enter_aborts(void **state)
{
    (void)state;
    struct aa32_exc_in in = {.cpsr = CPSR_MODE_USR | CPSR_J,
                             .pc = 0x1000,
                             .sctlr = SCTLR_V | SCTLR_TE | SCTLR_EE,
                             .vbar = 0x12345678};
    struct aa32_exc_out d = aa32_enter_exception(AA32_EXC_DABT, &in);
    assert_int_equal(d.mode, CPSR_MODE_ABT);
    assert_int_equal(d.lr, 0x1008);
    assert_int_equal(d.cpsr, CPSR_MODE_ABT | CPSR_I | CPSR_A | CPSR_T | CPSR_E);
    assert_int_equal(d.pc, VECTORS_HIGH + VECTOR_DABT);

    in.sctlr = SCTLR_SPAN;
    in.has_pan = true;
    struct aa32_exc_out p = aa32_enter_exception(AA32_EXC_PABT, &in);
    assert_int_equal(p.lr, 0x1004);
    assert_int_equal(p.cpsr, CPSR_MODE_ABT | CPSR_I | CPSR_A); /* SPAN=1: PAN untouched */
    assert_int_equal(p.pc, 0x12345660 + VECTOR_PABT);           /* VBAR[4:0] ignored */

    in.sctlr = 0; /* SPAN=0 with PAN implemented: PAN set */
    assert_int_equal(aa32_enter_exception(AA32_EXC_PABT, &in).cpsr & CPSR_PAN, CPSR_PAN);
    in.has_pan = false;
    assert_int_equal(aa32_enter_exception(AA32_EXC_PABT, &in).cpsr & CPSR_PAN, 0);
}

static void test_fsr(void **state)
{
    (void)state;
    assert_int_equal(aa32_ext_abort_fsr(false, false), 0x008);
    assert_int_equal(aa32_ext_abort_fsr(false, true), 0x808);
    assert_int_equal(aa32_ext_abort_fsr(true, false), 0x210);
    assert_int_equal(aa32_ext_abort_fsr(true, true), 0xa10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_banking),          cmocka_unit_test(test_itstate),
        cmocka_unit_test(test_it_advance_block), cmocka_unit_test(test_enter_undef),
        cmocka_unit_test(test_enter_aborts),     cmocka_unit_test(test_fsr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
