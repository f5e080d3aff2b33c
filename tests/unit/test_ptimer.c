/*
 * The guest's EL1 physical timer (core/ptimer.c) on sim guests: CNTP_CTL,
 * CNTP_CVAL and CNTP_TVAL trap and are emulated per vCPU (A64 MRS/MSR and
 * AArch32 MRC/MCR), the output drives PPI 30 through the vGIC, a WFI waits
 * for the deadline through the hypervisor's own timer (arch_hyp_timer_set),
 * and with both timers armed the wait ends at the earlier deadline.
 * Expectations follow the Arm ARM (D11.2.4): condition CVAL <= count,
 * unsigned; ISTATUS reports it while ENABLE is set, whatever IMASK says;
 * TVAL reads (CVAL - count)[31:0] and a write sets CVAL = count +
 * SignExtend(TVAL[31:0]); the interrupt is asserted only with ENABLE=1 and
 * IMASK=0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/cntv_ctl.h"
#include "core/virt_layout.h"
#include "arch/sim/sim.h"
#include "core/hvc.h"
#include "core/ptimer.h"
#include "core/vgic.h"
#include "core/vm.h"

#define D   VIRT_GICD_BASE
#define RAM VIRT_RAM_BASE

#define GICD_CTLR       0x000
#define GICD_ISENABLER  0x100
#define GICD_IPRIORITYR 0x400

#define ENABLE  CNTV_CTL_ENABLE
#define IMASK   CNTV_CTL_IMASK
#define ISTATUS CNTV_CTL_ISTATUS

#define SPURIOUS 1023u
#define PTIMER   30u
#define VTIMER   27u
#define START    100000u
#define DELTA    2500u

/* A64 CNTP_* : op0 3, op1 3, CRn 14, CRm 2, op2 0 TVAL / 1 CTL / 2 CVAL. */
enum { TVAL = 0, CTL = 1, CVAL = 2 };

static struct vm *vm;

static void build(enum sim_profile prof, enum vcpu_isa isa, sim_guest_fn fn, void *arg)
{
    sim_reset(prof, 64ull << 20);
    sim_console_clear();
    vm = vm_create("ptimer", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, RAM, 1ull << 20, S2_RWX), 0);
    assert_int_equal(vgic_attach(vm, 32, D), 0);
    assert_int_equal(sim_vcpu_set_guest(&vm->vcpus[0], fn, arg), 0);
    struct vcpu_boot boot = {.isa = isa, .pc = RAM};
    assert_int_equal(vcpu_start(vm, 0, &boot), 0);
    sim_counter_advance(START);
}

static int teardown(void **state)
{
    (void)state;
    if (vm)
        vm_destroy(vm);
    vm = NULL;
    return 0;
}

static void gicd_wr(struct sim_guest *g, uint64_t off, unsigned size, uint32_t v)
{
    g_set_reg(g, 1, v);
    g_str(g, 1, D + off, size);
}

static uint64_t cntp_read(struct sim_guest *g, unsigned op2)
{
    assert_int_equal(g_sysreg(g, 3, 3, 14, 2, op2, 5, true), SIM_OK);
    return g_reg(g, 5);
}

static void cntp_write(struct sim_guest *g, unsigned op2, uint64_t v)
{
    g_set_reg(g, 5, v);
    assert_int_equal(g_sysreg(g, 3, 3, 14, 2, op2, 5, false), SIM_OK);
}

static void enable_ppis(struct sim_guest *g)
{
    gicd_wr(g, GICD_IPRIORITYR + PTIMER, 1, 0x80);
    gicd_wr(g, GICD_IPRIORITYR + VTIMER, 1, 0x80);
    gicd_wr(g, GICD_ISENABLER, 4, (1u << PTIMER) | (1u << VTIMER));
    gicd_wr(g, GICD_CTLR, 4, 1);
}

/* ---- Registers ------------------------------------------------------------ */

struct regs_rec {
    uint64_t ctl0, cval, tval_before, ctl_armed, tval_after, ctl_met, ctl_met_masked, ctl_off;
    uint64_t cval_from_tval, tval_neg;
    uint32_t iar_early, iar_masked;
};

static void guest_regs(struct sim_guest *g)
{
    struct regs_rec *r = g->arg;
    enable_ppis(g);
    r->ctl0 = cntp_read(g, CTL);
    cntp_write(g, CVAL, START + DELTA);
    r->cval = cntp_read(g, CVAL);
    cntp_write(g, CTL, ENABLE | ISTATUS); /* ISTATUS is read-only */
    r->ctl_armed = cntp_read(g, CTL);
    r->tval_before = cntp_read(g, TVAL);
    r->iar_early = g_irq_ack(g);
    sim_counter_advance(DELTA + 10); /* past the deadline, no exit yet */
    r->tval_after = cntp_read(g, TVAL);
    r->ctl_met = cntp_read(g, CTL);
    cntp_write(g, CTL, ENABLE | IMASK);
    r->ctl_met_masked = cntp_read(g, CTL);
    r->iar_masked = g_irq_ack(g); /* masked: nothing */
    cntp_write(g, CTL, 0);
    r->ctl_off = cntp_read(g, CTL); /* ISTATUS only while enabled */
    /* TVAL writes are sign-extended 32-bit offsets from the count. */
    cntp_write(g, TVAL, 0xfffffff0u); /* -16 */
    r->cval_from_tval = cntp_read(g, CVAL);
    r->tval_neg = cntp_read(g, TVAL);
}

static void test_registers_a64(void **state)
{
    (void)state;
    struct regs_rec r = {0};
    build(SIM_ARMV8, ISA_A64, guest_regs, &r);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    uint64_t now = START + DELTA + 10;
    assert_int_equal(r.ctl0, 0);
    assert_int_equal(r.cval, START + DELTA);
    assert_int_equal(r.ctl_armed, ENABLE);
    assert_int_equal(r.tval_before, DELTA);
    assert_int_equal(r.iar_early, SPURIOUS);
    assert_int_equal(r.tval_after, (uint32_t)-10); /* the low 32 bits, zero-extended */
    assert_int_equal(r.ctl_met, ENABLE | ISTATUS);
    assert_int_equal(r.ctl_met_masked, ENABLE | IMASK | ISTATUS);
    assert_int_equal(r.iar_masked, SPURIOUS);
    assert_int_equal(r.ctl_off, 0);
    assert_int_equal(r.cval_from_tval, now - 16);
    assert_int_equal(r.tval_neg, 0xfffffff0u);
    assert_int_equal(vm->vcpus[0].stats.ptimer_accesses, 15);
    assert_int_equal(vm->vcpus[0].stats.refused[REFUSE_SYSREG], 0);
}

/* The core's view of the condition. */
static void test_condition(void **state)
{
    (void)state;
    struct ptimer_state t = {.ctl = ENABLE, .cval = 100, .poff = 50};
    assert_false(ptimer_fires(&t, 149)); /* count 99 < CVAL */
    assert_true(ptimer_fires(&t, 150));
    t.ctl = ENABLE | IMASK;
    assert_false(ptimer_fires(&t, 1000));
    t.ctl = ISTATUS;
    assert_false(ptimer_fires(&t, 1000));
    t = (struct ptimer_state){.ctl = ENABLE, .cval = ~0ull};
    assert_false(ptimer_fires(&t, 1ull << 63)); /* unsigned */
}

/* ---- WFI until the deadline ------------------------------------------------ */

struct wfi_rec {
    uint64_t t_wake;
    uint32_t iar, iar_after;
    uint64_t ctl;
    bool htimer_armed_in_wfi;
};

static void guest_wfi(struct sim_guest *g)
{
    struct wfi_rec *r = g->arg;
    enable_ppis(g);
    cntp_write(g, TVAL, DELTA);
    cntp_write(g, CTL, ENABLE);
    g_wfi(g);
    r->t_wake = arch_counter_read();
    r->iar = g_irq_ack(g);
    r->ctl = cntp_read(g, CTL);
    /* A handler masks the timer (Linux's arch_timer does), then EOIs: the
     * level is low at the next exit, nothing pending again. */
    cntp_write(g, CTL, ENABLE | IMASK);
    g_irq_eoi(g, r->iar);
    g_smccc(g, AV_HVC_PING, 0, 0, 0);
    r->iar_after = g_irq_ack(g);
}

static void test_wfi_waits_for_deadline(void **state)
{
    (void)state;
    struct wfi_rec r = {0};
    build(SIM_ARMV8, ISA_A64, guest_wfi, &r);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    /* The idle went to the hypervisor timer's compare value, the deadline,
     * and PPI 30 was delivered there. */
    assert_int_equal(r.t_wake, START + DELTA);
    assert_int_equal(r.iar, PTIMER);
    assert_int_equal(r.ctl, ENABLE | ISTATUS);
    assert_int_equal(r.iar_after, SPURIOUS);
    assert_int_equal(sim_idle_count(), 1);
    assert_true(sim_hyp_timer_fired() >= 1);
    /* Masked timer: the hypervisor's timer is stopped by the next entry. */
    assert_false(sim_hyp_timer(NULL));
}

/* Both timers armed: the wait ends at the earlier deadline and delivers
 * that timer's PPI; then the other. */
struct both_rec {
    uint64_t t1, t2;
    uint32_t iar1, iar2;
};

static void guest_both(struct sim_guest *g)
{
    struct both_rec *r = g->arg;
    enable_ppis(g);
    uint64_t vnow = g_cntvct(g);
    g_cntv_write(g, SIM_CNTV_CVAL, vnow + 3 * DELTA);
    g_cntv_write(g, SIM_CNTV_CTL, ENABLE);
    cntp_write(g, TVAL, DELTA);
    cntp_write(g, CTL, ENABLE);
    g_wfi(g);
    r->t1 = arch_counter_read();
    r->iar1 = g_irq_ack(g);
    cntp_write(g, CTL, ENABLE | IMASK);
    g_irq_eoi(g, r->iar1);
    g_wfi(g);
    r->t2 = arch_counter_read();
    r->iar2 = g_irq_ack(g);
    g_cntv_write(g, SIM_CNTV_CTL, ENABLE | IMASK);
    g_irq_eoi(g, r->iar2);
}

static void test_earlier_deadline_wins(void **state)
{
    (void)state;
    struct both_rec r = {0};
    build(SIM_ARMV8, ISA_A64, guest_both, &r);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_int_equal(r.t1, START + DELTA);
    assert_int_equal(r.iar1, PTIMER);
    assert_int_equal(r.t2, START + 3 * DELTA);
    assert_int_equal(r.iar2, VTIMER);
}

/* While the guest runs, the hypervisor's timer holds the deadline (so it
 * ends the run on hardware); once the deadline passed, or with the timer
 * off, it is not left set. */
struct load_rec {
    bool on_armed, on_after;
    uint64_t cval_armed;
};

static void guest_load(struct sim_guest *g)
{
    struct load_rec *r = g->arg;
    enable_ppis(g);
    cntp_write(g, CVAL, START + DELTA);
    cntp_write(g, CTL, ENABLE);
    g_smccc(g, AV_HVC_PING, 0, 0, 0); /* one more entry */
    r->on_armed = sim_hyp_timer(&r->cval_armed);
    cntp_write(g, CTL, 0);
    g_smccc(g, AV_HVC_PING, 0, 0, 0);
    r->on_after = sim_hyp_timer(NULL);
}

static void test_deadline_held_while_running(void **state)
{
    (void)state;
    struct load_rec r = {0};
    build(SIM_ARMV8, ISA_A64, guest_load, &r);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_true(r.on_armed);
    assert_int_equal(r.cval_armed, START + DELTA);
    assert_false(r.on_after);
}

/* ---- AArch32 forms ------------------------------------------------------------ */

struct a32_rec {
    uint64_t ctl, tval;
    uint32_t iar;
    uint64_t t_wake;
    enum sim_status pc_rt;
};

/* MRC/MCR p15, 0, Rt, c14, c2, {0 TVAL, 1 CTL}. */
static void guest_a32(struct sim_guest *g)
{
    struct a32_rec *r = g->arg;
    enable_ppis(g);
    g_set_reg(g, 2, DELTA);
    g_mcr(g, 15, 0, 14, 2, 0, 2, false); /* CNTP_TVAL = DELTA */
    g_set_reg(g, 2, ENABLE);
    g_mcr(g, 15, 0, 14, 2, 1, 2, false); /* CNTP_CTL = ENABLE */
    g_mcr(g, 15, 0, 14, 2, 0, 3, true);
    r->tval = g_reg(g, 3);
    g_wfi(g);
    r->t_wake = arch_counter_read();
    r->iar = g_irq_ack(g);
    g_mcr(g, 15, 0, 14, 2, 1, 4, true);
    r->ctl = g_reg(g, 4);
    r->pc_rt = g_mcr(g, 15, 0, 14, 2, 1, 15, true); /* r15: refused */
}

static void test_a32_forms(void **state)
{
    (void)state;
    struct a32_rec r = {0};
    build(SIM_ARMV7, ISA_A32, guest_a32, &r);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_int_equal(r.tval, DELTA);
    assert_int_equal(r.t_wake, START + DELTA);
    assert_int_equal(r.iar, PTIMER);
    assert_int_equal(r.ctl, ENABLE | ISTATUS);
    assert_int_equal(r.pc_rt, SIM_UNDEF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_registers_a64, teardown),
        cmocka_unit_test(test_condition),
        cmocka_unit_test_teardown(test_wfi_waits_for_deadline, teardown),
        cmocka_unit_test_teardown(test_earlier_deadline_wins, teardown),
        cmocka_unit_test_teardown(test_deadline_held_while_running, teardown),
        cmocka_unit_test_teardown(test_a32_forms, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
