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
#include "core/virt_layout.h"
#include "core/vm.h"
#include "helpers/unit_gic.h"
#include "helpers/unit_vm.h"

#define ENTRY1 (VIRT_RAM_BASE + 0x1000)
#define VTIMER 27u
#define DELTA  1000u

#define FN_CPU_ON 0xc4000003u

static struct vm *vm;

/* A VM of nvcpus vCPUs with a vGIC; vCPU 0 runs fn0. */
static void build(unsigned nvcpus, sim_guest_fn fn0)
{
    sched_set_wfi_in_guest(true);
    vm = unit_gic_vm("wfi", SIM_ARMV8, nvcpus, 32);
    unit_vm_start(vm, fn0, NULL, ISA_A64, VIRT_RAM_BASE);
}

static int teardown(void **state)
{
    (void)state;
    unit_vm_destroy(&vm);
    sched_set_wfi_in_guest(true); /* the default */
    return 0;
}

/* Off (armvisor.wfi=trap): never asked, though the vCPU blocked in WFI. */
static void guest_timer_waits(struct sim_guest *g);
static void test_off(void **state)
{
    (void)state;
    build(1, guest_timer_waits);
    sched_set_wfi_in_guest(false);
    assert_int_equal(sched_run(vm), 0);
    assert_true(vm->vcpus[0].wfi_earned);
    assert_int_equal(sim_vcpu_wfi_in_guest_asks(&vm->vcpus[0]), 0);
}

/* Wait in WFI for the virtual timer DELTA ticks ahead, n times: each WFI
 * has something to wait for, so it blocks. */
static void timer_waits(struct sim_guest *g, unsigned n)
{
    ug_gicd_wr(g, UG_GICD_ISENABLER, 4, 1u << VTIMER);
    ug_gicd_wr(g, UG_GICD_CTLR, 4, 1);
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
    build(1, guest_timer_waits);
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
    build(1, guest_wfi_nothing);
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
    build(2, guest_first_of_two);
    assert_int_equal(sim_vcpu_set_guest(&vm->vcpus[1], guest_second, NULL), 0);
    assert_int_equal(sched_run(vm), 0);
    assert_true(vm->vcpus[0].wfi_earned);
    assert_true(vm->vcpus[1].wfi_earned);
    assert_int_equal(
        sim_vcpu_wfi_in_guest_asks(&vm->vcpus[0]) + sim_vcpu_wfi_in_guest_asks(&vm->vcpus[1]), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_off, teardown),
        cmocka_unit_test_teardown(test_earned_alone, teardown),
        cmocka_unit_test_teardown(test_not_earned_without_wake_source, teardown),
        cmocka_unit_test_teardown(test_shared_cpu_traps, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
