/*
 * The sim against the core: the exits the simulated CPU produces decode
 * (core exit_decode) into what the guest did, in both syndrome formats; and
 * one guest runs through the whole VMM (vm_create, vm_add_ram, PL011 on the
 * MMIO bus, vcpu_run) to its PSCI SYSTEM_OFF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/virt_layout.h"
#include "arch/sim/sim.h"
#include "arch/sim/sim_guest.h"
#include "core/exit.h"
#include "core/vm.h"
#include "vdev/pl011.h"

#define RAM_IPA  VIRT_RAM_BASE
#define UART_IPA VIRT_PL011_BASE

static int teardown(void **state)
{
    sim_reset(SIM_ARMV8, 0);
    return 0;
}

/* ---- Decode of sim exits -------------------------------------------------------- */

static void guest_mix(struct sim_guest *g)
{
    struct sim_access a = {.va = UART_IPA + 0x30, .size = 2, .rt = 6, .write = true};
    g_access(g, &a);
    g_ldrs(g, 4, UART_IPA + 0x40, 1);
    g_hvc(g, 0x42);
    if (g_cpsr(g) & 0x10) /* AArch32 */
        g_mcr(g, 15, 0, 9, 12, 5, 2, false);
    else
        g_sysreg(g, 3, 3, 14, 3, 2, 2, true); /* MRS X2, CNTV_CVAL_EL0 */
    g_wfe(g);
}

static void check_mix(enum sim_profile p, enum vcpu_isa isa)
{
    sim_reset(p, 32ull << 20);
    struct vm *vm = vm_create("mix", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, RAM_IPA, 1ull << 20, S2_RWX), 0);
    struct vcpu *vcpu = &vm->vcpus[0];
    struct vcpu_boot boot = {.isa = isa, .pc = RAM_IPA};
    assert_int_equal(vcpu_start(vm, 0, &boot), 0);
    assert_int_equal(sim_vcpu_set_guest(vcpu, guest_mix, NULL), 0);
    bool a64 = isa == ISA_A64;
    struct arch_exit raw;
    struct exit_info info;

    arch_vcpu_run(vcpu, &raw);
    exit_decode(&raw, &info);
    assert_int_equal(info.reason, EXIT_DABT);
    assert_true(info.u.dabt.isv);
    assert_true(info.u.dabt.write);
    assert_int_equal(info.u.dabt.size, 2);
    assert_int_equal(info.u.dabt.srt, 6);
    assert_false(info.u.dabt.sf);
    assert_int_equal(info.u.dabt.fsc & 0x3c, 0x04); /* translation fault */
    assert_true(info.ipa_valid);
    assert_int_equal(info.ipa, UART_IPA + 0x30);
    assert_int_equal(info.far, UART_IPA + 0x30);
    assert_int_equal(info.il, 4);
    arch_vcpu_skip_insn(vcpu, info.il);

    arch_vcpu_run(vcpu, &raw);
    exit_decode(&raw, &info);
    assert_int_equal(info.reason, EXIT_DABT);
    assert_false(info.u.dabt.write);
    assert_true(info.u.dabt.sign);
    assert_int_equal(info.u.dabt.size, 1);
    assert_int_equal(info.u.dabt.srt, 4);
    assert_int_equal(info.u.dabt.sf, a64);
    arch_vcpu_skip_insn(vcpu, info.il);

    arch_vcpu_run(vcpu, &raw);
    exit_decode(&raw, &info);
    assert_int_equal(info.reason, EXIT_HVC);
    /* SMCCC HVC #imm: the ARMv7 HSR and ESR_EL2 both carry imm16. */
    assert_int_equal(info.u.imm16, 0x42);

    arch_vcpu_run(vcpu, &raw);
    exit_decode(&raw, &info);
    assert_int_equal(info.reason, EXIT_SYSREG);
    if (a64) {
        assert_true(info.u.sysreg.read);
        assert_false(info.u.sysreg.aarch32);
        assert_int_equal(info.u.sysreg.op0, 3);
        assert_int_equal(info.u.sysreg.op1, 3);
        assert_int_equal(info.u.sysreg.crn, 14);
        assert_int_equal(info.u.sysreg.crm, 3);
        assert_int_equal(info.u.sysreg.op2, 2);
    } else {
        assert_false(info.u.sysreg.read);
        assert_true(info.u.sysreg.aarch32);
        assert_int_equal(info.u.sysreg.coproc, 15);
        assert_int_equal(info.u.sysreg.crn, 9);
        assert_int_equal(info.u.sysreg.crm, 12);
        assert_int_equal(info.u.sysreg.op2, 5);
        assert_true(info.cond.valid);
        assert_int_equal(info.cond.cond, 0xe);
    }
    assert_int_equal(info.u.sysreg.rt, 2);
    arch_vcpu_skip_insn(vcpu, info.il);

    arch_vcpu_run(vcpu, &raw);
    exit_decode(&raw, &info);
    assert_int_equal(info.reason, EXIT_WFE);
    vm_destroy(vm);
}

static void test_decode_v8_a64(void **state)
{
    check_mix(SIM_ARMV8, ISA_A64);
}

static void test_decode_v8_a32(void **state)
{
    check_mix(SIM_ARMV8, ISA_A32);
}

static void test_decode_v7_a32(void **state)
{
    check_mix(SIM_ARMV7, ISA_A32);
}

/* ---- The whole VMM ------------------------------------------------------------ */

static void guest_hello(struct sim_guest *g)
{
    const char *s = "hi\n";
    for (; *s; s++) {
        g_set_reg(g, 1, (uint8_t)*s);
        g_str(g, 1, UART_IPA + 0x000, 1); /* UARTDR */
    }
    /* Flag register: TX FIFO not full (FR.TXFF bit 5 clear). */
    g_ldr(g, 2, UART_IPA + 0x018, 4);
    g_set_reg(g, 3, g_reg(g, 2));
    g_str(g, 3, RAM_IPA + 0x8000, 4); /* keep it where the test can look */
}

static void run_hello(enum sim_profile p, enum vcpu_isa isa)
{
    sim_reset(p, 32ull << 20);
    sim_console_clear();
    struct vm *vm = vm_create("hello", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, RAM_IPA, 1ull << 20, S2_RWX), 0);
    static struct pl011 uart;
    pl011_init(&uart, UART_IPA);
    assert_int_equal(vm_add_device(vm, &uart.dev), 0);
    struct vcpu_boot boot = {.isa = isa, .pc = RAM_IPA};
    assert_int_equal(vcpu_start(vm, 0, &boot), 0);
    assert_int_equal(sim_vcpu_set_guest(&vm->vcpus[0], guest_hello, NULL), 0);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_non_null(strstr(sim_console_text(), "hi\n"));
    uint32_t fr = 0xffffffff;
    assert_true(vm_copy_from_guest(vm, &fr, RAM_IPA + 0x8000, 4));
    assert_int_equal(fr & (1u << 5), 0);
    assert_int_equal(vm->vcpus[0].stats.mmio_writes, 3);
    assert_int_equal(vm->vcpus[0].stats.mmio_reads, 1);
    vm_destroy(vm);
}

static void test_whole_vmm_v8(void **state)
{
    run_hello(SIM_ARMV8, ISA_A64);
}

static void test_whole_vmm_v7_t32(void **state)
{
    run_hello(SIM_ARMV7, ISA_T32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_decode_v8_a64, teardown),
        cmocka_unit_test_teardown(test_decode_v8_a32, teardown),
        cmocka_unit_test_teardown(test_decode_v7_a32, teardown),
        cmocka_unit_test_teardown(test_whole_vmm_v8, teardown),
        cmocka_unit_test_teardown(test_whole_vmm_v7_t32, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
