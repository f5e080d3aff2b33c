/*
 * When the scheduler lets a vCPU's WFI wait in the guest (sched.c, "WFI in
 * the guest"): the policy the core asks of the arch through
 * arch_vcpu_trap_wfi, which the sim records (it keeps trapping; see
 * sim_run.c). A vCPU earns it by blocking in a WFI once; a WFI that nothing
 * could end never earns it; a CPU with another vCPU blocked on it, or with
 * vCPUs waiting for it, keeps WFI trapped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/sim/sim.h"
#include "core/cntv_ctl.h"
#include "core/sched.h"
#include "core/vgic.h"
#include "core/vm.h"

#define RAM    0x40000000ull
#define ENTRY1 (RAM + 0x1000)
#define D      0x08000000ull /* distributor */
#define VTIMER 27u
#define DELTA  1000u

#define FN_CPU_ON 0xc4000003u

#define GICD_CTLR      0x000
#define GICD_ISENABLER 0x100

static struct vm *vm;

static void build(unsigned nvcpus, sim_guest_fn fn0, void *arg)
{
    sim_reset(SIM_ARMV8, 64ull << 20);
    sim_console_clear();
    vm = vm_create("wfi", nvcpus, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, RAM, 1ull << 20, S2_RWX), 0);
    assert_int_equal(vgic_attach(vm, 32, D), 0);
    assert_int_equal(sim_vcpu_set_guest(&vm->vcpus[0], fn0, arg), 0);
    struct vcpu_boot boot = {.isa = ISA_A64, .pc = RAM};
    assert_int_equal(vcpu_start(vm, 0, &boot), 0);
}

static int teardown(void **state)
{
    (void)state;
    if (vm)
        vm_destroy(vm);
    vm = NULL;
    return 0;
}

static void gicd_wr(struct sim_guest *g, uint64_t off, uint32_t v)
{
    g_set_reg(g, 1, v);
    g_str(g, 1, D + off, 4);
}

/* Wait in WFI for the virtual timer DELTA ticks ahead, n times: each WFI
 * has something to wait for, so it blocks. */
static void timer_waits(struct sim_guest *g, unsigned n)
{
    gicd_wr(g, GICD_ISENABLER, 1u << VTIMER);
    gicd_wr(g, GICD_CTLR, 1);
    for (unsigned i = 0; i < n; i++) {
        g_cntv_write(g, SIM_CNTV_CVAL, g_cntvct(g) + DELTA);
        g_cntv_write(g, SIM_CNTV_CTL, CNTV_CTL_ENABLE);
        g_wfi(g);
        uint32_t iar = g_irq_ack(g);
        g_cntv_write(g, SIM_CNTV_CTL, 0);
        g_irq_eoi(g, iar);
        g_smccc(g, 0x86000000u, 0, 0, 0); /* an exit after the EOI */
    }
}

static void guest_timer_waits(struct sim_guest *g)
{
    timer_waits(g, 3);
}

/* Alone on its CPU: after its first WFI blocked, every entry lets the
 * guest wait. */
static void test_earned_alone(void **state)
{
    (void)state;
    build(1, guest_timer_waits, NULL);
    assert_int_equal(sched_run(vm), 0);
    assert_true(sim_vcpu_guest_done(&vm->vcpus[0]));
    /* Trapped until the first block (the vCPU had not earned it), then in
     * the guest from the entry after it on: asked once (it stays so). */
    assert_int_equal(sim_vcpu_wfi_in_guest_asks(&vm->vcpus[0]), 1);
    assert_true(vm->vcpus[0].wfi_earned);
}

/* WFI with no interrupt that could end it completes at once: it never
 * blocks, so the guest never waits in it. */
static void guest_wfi_nothing(struct sim_guest *g)
{
    for (unsigned i = 0; i < 3; i++)
        g_wfi(g);
}

static void test_not_earned_without_wake_source(void **state)
{
    (void)state;
    build(1, guest_wfi_nothing, NULL);
    assert_int_equal(sched_run(vm), 0);
    assert_int_equal(sim_vcpu_wfi_in_guest_asks(&vm->vcpus[0]), 0);
    assert_false(vm->vcpus[0].wfi_earned);
}

/* Two vCPUs on the one CPU: whenever vCPU 0 runs, vCPU 1 is blocked on the
 * same CPU or waits in its run queue (and the other way round), so WFI
 * stays trapped for both, though both earned it. */
static void guest_second(struct sim_guest *g)
{
    timer_waits(g, 3);
}

static void guest_first_of_two(struct sim_guest *g)
{
    g_smccc(g, FN_CPU_ON, 1, ENTRY1, 0);
    timer_waits(g, 3);
}

static void test_shared_cpu_traps(void **state)
{
    (void)state;
    build(2, guest_first_of_two, NULL);
    assert_int_equal(sim_vcpu_set_guest(&vm->vcpus[1], guest_second, NULL), 0);
    assert_int_equal(sched_run(vm), 0);
    assert_true(vm->vcpus[0].wfi_earned);
    assert_true(vm->vcpus[1].wfi_earned);
    assert_int_equal(sim_vcpu_wfi_in_guest_asks(&vm->vcpus[0]) +
                         sim_vcpu_wfi_in_guest_asks(&vm->vcpus[1]),
                     0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_earned_alone, teardown),
        cmocka_unit_test_teardown(test_not_earned_without_wake_source, teardown),
        cmocka_unit_test_teardown(test_shared_cpu_traps, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
