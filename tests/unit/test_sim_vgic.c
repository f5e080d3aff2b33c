/*
 * The sim's virtual CPU interface (list registers and the guest's
 * acknowledge / end-of-interrupt), counter, virtual timer registers and
 * console input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/sim/sim.h"
#include "arch/sim/sim_guest.h"
#include "core/vm.h"

static struct vm vm;
static struct vcpu *vcpu;

static int setup(void **state)
{
    sim_reset(SIM_ARMV8, 16ull << 20);
    memset(&vm, 0, sizeof(vm));
    vm.nvcpus = 1;
    vcpu = &vm.vcpus[0];
    vcpu->vm = &vm;
    struct vcpu_boot boot = {.isa = ISA_A64, .pc = 0x40000000};
    assert_int_equal(arch_vcpu_init(vcpu, &boot), 0);
    return 0;
}

static int teardown(void **state)
{
    sim_reset(SIM_ARMV8, 16ull << 20);
    return 0;
}

static void run_to_off(void)
{
    struct arch_exit e;
    arch_vcpu_run(vcpu, &e);
    assert_int_equal(e.kind, ARCH_EXIT_TRAP);
    assert_int_equal(arch_vcpu_reg_read(vcpu, 0), 0x84000008u);
}

struct irq_rec {
    uint32_t acks[5];
    bool eoi[3];
    uint64_t cnt;
};

static void guest_irqs(struct sim_guest *g)
{
    struct irq_rec *r = g->arg;
    for (int i = 0; i < 4; i++)
        r->acks[i] = g_irq_ack(g);
    r->eoi[0] = g_irq_eoi(g, 40);
    r->eoi[1] = g_irq_eoi(g, 27);
    r->eoi[2] = g_irq_eoi(g, 99);
    r->acks[4] = g_irq_ack(g);
    r->cnt = g_cntvct(g);
}

static void test_lr_ack_eoi(void **state)
{
    assert_int_equal(arch_vgic_lr_count(), SIM_NUM_LRS);
    struct vgic_lr lrs[SIM_NUM_LRS] = {
        {.virq = 30, .priority = 0xa0, .pending = true, .group1 = true},
        {.virq = 27, .pirq = 27, .priority = 0x80, .pending = true, .hw = true, .group1 = true},
        {.virq = 40, .priority = 0x80, .pending = true, .group1 = true},
        {.virq = 50, .priority = 0x00, .active = true, .group1 = true},
    };
    for (unsigned i = 0; i < SIM_NUM_LRS; i++)
        arch_vgic_lr_write(vcpu, i, &lrs[i]);
    struct irq_rec r = {0};
    assert_int_equal(sim_vcpu_set_guest(vcpu, guest_irqs, &r), 0);
    run_to_off();

    /* Highest priority first (lowest value), then the lower LR; the active
     * one is not acknowledged again; then spurious (1023). */
    assert_int_equal(r.acks[0], 27);
    assert_int_equal(r.acks[1], 40);
    assert_int_equal(r.acks[2], 30);
    assert_int_equal(r.acks[3], 1023);
    assert_true(r.eoi[0]);
    assert_true(r.eoi[1]);
    assert_false(r.eoi[2]);
    assert_int_equal(r.acks[4], 1023);

    struct vgic_lr lr;
    arch_vgic_lr_read(vcpu, 0, &lr);
    assert_int_equal(lr.virq, 30);
    assert_false(lr.pending);
    assert_true(lr.active); /* acknowledged, not EOIed */
    arch_vgic_lr_read(vcpu, 1, &lr);
    assert_false(lr.pending || lr.active);
    arch_vgic_lr_read(vcpu, 3, &lr);
    assert_true(lr.active);
    uint32_t pirq = 0;
    assert_int_equal(sim_vcpu_hw_deactivations(vcpu, &pirq), 1);
    assert_int_equal(pirq, 27);
    /* Out of range: reads as empty, writes are dropped. */
    arch_vgic_lr_write(vcpu, SIM_NUM_LRS, &lrs[0]);
    arch_vgic_lr_read(vcpu, SIM_NUM_LRS, &lr);
    assert_int_equal(lr.virq, 0);
    assert_false(lr.pending);
}

static void test_counter_and_vtimer(void **state)
{
    assert_int_equal(arch_counter_freq(), 62500000u);
    assert_int_equal(arch_counter_read(), 0);
    sim_counter_advance(1000);
    sim_counter_advance(234);
    assert_int_equal(arch_counter_read(), 1234);
    struct vtimer_state t = {.ctl = 1, .cval = 5000, .voff = 200};
    arch_vtimer_write(vcpu, &t);
    struct vtimer_state u;
    arch_vtimer_read(vcpu, &u);
    assert_int_equal(u.ctl, 1);
    assert_int_equal(u.cval, 5000);
    assert_int_equal(u.voff, 200);
    struct irq_rec r = {0};
    assert_int_equal(sim_vcpu_set_guest(vcpu, guest_irqs, &r), 0);
    run_to_off();
    /* CNTVCT = CNTPCT - CNTVOFF. */
    assert_int_equal(r.cnt, 1034);
    /* A new vCPU starts with the timer cleared. */
    struct vcpu_boot boot = {.isa = ISA_A64, .pc = 0x40000000};
    assert_int_equal(arch_vcpu_init(vcpu, &boot), 0);
    arch_vtimer_read(vcpu, &u);
    assert_int_equal(u.ctl, 0);
}

static void test_console_input(void **state)
{
    assert_int_equal(arch_console_getc(), -1);
    sim_console_input("ab", 2);
    assert_int_equal(arch_console_getc(), 'a');
    sim_console_input("c", 1);
    assert_int_equal(arch_console_getc(), 'b');
    assert_int_equal(arch_console_getc(), 'c');
    assert_int_equal(arch_console_getc(), -1);
    assert_string_equal(arch_name(), "sim");
    assert_int_equal(arch_cpu_id(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lr_ack_eoi, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counter_and_vtimer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_console_input, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
