/*
 * The EL1 virtual timer and WFI with a vGIC, on sim guests. The guest
 * programs CNTV_CVAL / CNTV_CTL directly (no exit, as on hardware), waits in
 * WFI; the VMM idles until the deadline (the sim's idle moves the counter
 * to the earliest armed timer), drives PPI 27 and the guest takes it.
 * Expectations follow the Arm ARM (D11.2.4): the condition is
 * CVAL <= CNTVCT with CNTVCT = CNTPCT - CNTVOFF; ISTATUS reports it;
 * the interrupt is asserted only when ENABLE=1 and IMASK=0.
 *
 * And WFI when nothing can wake the vCPU: with a vGIC, a WFI with no
 * enabled interrupt (or only a timer that is off, masked, or whose PPI is
 * disabled) completes at once, logged once per VM, and does not idle; a
 * WFI with an enabled device interrupt but no input idles once and
 * completes (a spurious wake-up) rather than hanging.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/sim/sim.h"
#include "core/cntv_ctl.h"
#include "core/hvc.h"
#include "core/vgic.h"
#include "core/virt_layout.h"
#include "core/vm.h"

#define D   VIRT_GICD_BASE
#define RAM VIRT_RAM_BASE

#define GICD_CTLR       0x000
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ISPENDR    0x200
#define GICD_IPRIORITYR 0x400

/* CNTV_CTL (Arm ARM D13.8): ENABLE, IMASK, ISTATUS. */
#define CTL_ENABLE  CNTV_CTL_ENABLE
#define CTL_IMASK   CNTV_CTL_IMASK
#define CTL_ISTATUS CNTV_CTL_ISTATUS

#define SPURIOUS 1023u
#define VTIMER   27u
#define DELTA    1000u
#define VOFF     5000u
#define START    123456u

static struct vm *vm;

static void build(void)
{
    sim_reset(SIM_ARMV8, 64ull << 20);
    sim_console_clear();
    vm = vm_create("timer", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, RAM, 1ull << 20, S2_RWX), 0);
    assert_int_equal(vgic_attach(vm, 32, D), 0);
}

static void start(sim_guest_fn fn, void *arg)
{
    assert_int_equal(sim_vcpu_set_guest(&vm->vcpus[0], fn, arg), 0);
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

static void gicd_wr(struct sim_guest *g, uint64_t off, unsigned size, uint32_t v)
{
    g_set_reg(g, 1, v);
    g_str(g, 1, D + off, size);
}

static unsigned count(const char *hay, const char *needle)
{
    unsigned n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* ---- The timer fires during WFI ------------------------------------------- */

struct timer_rec {
    uint64_t t0, t1, cval;
    uint64_t ctl_before, ctl_after, ctl_masked;
    int64_t tval_before, tval_after;
    uint32_t iar[3];
    bool eoi;
};

static void guest_timer(struct sim_guest *g)
{
    struct timer_rec *r = g->arg;
    gicd_wr(g, GICD_IPRIORITYR + VTIMER, 1, 0x80);
    gicd_wr(g, GICD_ISENABLER, 4, 1u << VTIMER);
    gicd_wr(g, GICD_CTLR, 4, 1);

    r->t0 = g_cntvct(g);
    r->cval = r->t0 + DELTA;
    g_cntv_write(g, SIM_CNTV_CVAL, r->cval);
    g_cntv_write(g, SIM_CNTV_CTL, CTL_ENABLE | CTL_ISTATUS); /* ISTATUS is RO */
    r->ctl_before = g_cntv_read(g, SIM_CNTV_CTL);
    r->tval_before = (int64_t)g_cntv_read(g, SIM_CNTV_TVAL);
    r->iar[0] = g_irq_ack(g); /* not yet */

    g_wfi(g);
    r->iar[1] = g_irq_ack(g);
    r->t1 = g_cntvct(g);
    r->ctl_after = g_cntv_read(g, SIM_CNTV_CTL);
    r->tval_after = (int64_t)g_cntv_read(g, SIM_CNTV_TVAL);
    /* A handler masks the timer (as Linux's arch_timer does), then EOIs.
     * ISTATUS still reports the condition. */
    g_cntv_write(g, SIM_CNTV_CTL, CTL_ENABLE | CTL_IMASK);
    r->ctl_masked = g_cntv_read(g, SIM_CNTV_CTL);
    r->eoi = g_irq_eoi(g, r->iar[1]);
    g_smccc(g, AV_HVC_PING, 0, 0, 0); /* an exit: the line is sampled low */
    r->iar[2] = g_irq_ack(g);
}

static void test_timer_wakes_wfi(void **state)
{
    (void)state;
    build();
    struct timer_rec r = {0};
    start(guest_timer, &r);
    /* A counter that is not at 0 and a CNTVOFF, as a VMM sets it. */
    sim_counter_advance(START);
    struct vtimer_state t = {.voff = VOFF};
    arch_vtimer_write(&vm->vcpus[0], &t);

    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);

    assert_int_equal(r.t0, START - VOFF); /* CNTVCT = CNTPCT - CNTVOFF */
    assert_int_equal(r.ctl_before, CTL_ENABLE);
    assert_int_equal(r.tval_before, DELTA);
    assert_int_equal(r.iar[0], SPURIOUS);
    /* The VMM idled until the deadline and delivered PPI 27. */
    assert_int_equal(r.iar[1], VTIMER);
    assert_true(r.t1 >= r.cval);
    assert_int_equal(r.t1, r.cval); /* the sim's idle goes to the deadline */
    assert_int_equal(arch_counter_read(), r.cval + VOFF);
    assert_int_equal(r.ctl_after, CTL_ENABLE | CTL_ISTATUS);
    assert_true(r.tval_after <= 0);
    assert_int_equal(r.ctl_masked, CTL_ENABLE | CTL_IMASK | CTL_ISTATUS);
    assert_true(r.eoi);
    /* Masked: the output is low, nothing pending after the next exit. */
    assert_int_equal(r.iar[2], SPURIOUS);
    assert_int_equal(sim_idle_count(), 1);
    assert_int_equal(vm->vgic->cpu[0].idles, 1);
}

/* The core's view of the timer condition (vtimer_fires). */
static void test_timer_condition(void **state)
{
    (void)state;
    struct vtimer_state t = {.ctl = CTL_ENABLE, .cval = 100, .voff = 50};
    assert_false(vtimer_fires(&t, 149)); /* CNTVCT 99 < CVAL */
    assert_true(vtimer_fires(&t, 150));  /* CNTVCT == CVAL */
    assert_true(vtimer_fires(&t, 1000));
    t.ctl = CTL_ENABLE | CTL_IMASK;
    assert_false(vtimer_fires(&t, 1000));
    t.ctl = 0;
    assert_false(vtimer_fires(&t, 1000));
    /* Unsigned compare: a CVAL at the top never fires early. */
    t = (struct vtimer_state){.ctl = CTL_ENABLE, .cval = ~0ull, .voff = 0};
    assert_false(vtimer_fires(&t, 1ull << 63));
    /* ISTATUS-only bits in the saved CTL do not assert the output. */
    t = (struct vtimer_state){.ctl = CTL_ISTATUS, .cval = 0};
    assert_false(vtimer_fires(&t, 10));
}

/* ---- WFIs that nothing can end ------------------------------------------------ */

struct wfi_rec {
    enum sim_status st[4];
    uint32_t iar;
};

static void guest_wfi_nothing_enabled(struct sim_guest *g)
{
    struct wfi_rec *r = g->arg;
    r->st[0] = g_wfi(g); /* nothing enabled at all */
    /* A timer armed far ahead, but its PPI disabled. */
    g_cntv_write(g, SIM_CNTV_CVAL, g_cntvct(g) + 1000000);
    g_cntv_write(g, SIM_CNTV_CTL, CTL_ENABLE);
    gicd_wr(g, GICD_CTLR, 4, 1);
    r->st[1] = g_wfi(g);
    /* PPI enabled but the timer masked. */
    gicd_wr(g, GICD_ISENABLER, 4, 1u << VTIMER);
    g_cntv_write(g, SIM_CNTV_CTL, CTL_ENABLE | CTL_IMASK);
    r->st[2] = g_wfi(g);
    r->iar = g_irq_ack(g);
}

static void test_wfi_nothing_can_wake(void **state)
{
    (void)state;
    build();
    struct wfi_rec r = {0};
    start(guest_wfi_nothing_enabled, &r);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(r.st[i], SIM_OK);
    assert_int_equal(r.iar, SPURIOUS);
    assert_int_equal(vm->vcpus[0].stats.exits[EXIT_WFI], 3);
    /* No idling, time did not move, and it was said once. */
    assert_int_equal(sim_idle_count(), 0);
    assert_int_equal(arch_counter_read(), 0);
    assert_int_equal(count(sim_console_text(), "WFI with no enabled interrupt that could wake it"),
                     1);
    /* Not the message of a VM without a vGIC. */
    assert_int_equal(count(sim_console_text(), "no vGIC"), 0);
}

/* SPIs enabled, then disabled again (INTIDs 33 and 60, of the VM's 32):
 * nothing is left that could wake a WFI. */
static void guest_wfi_spis_disabled(struct sim_guest *g)
{
    struct wfi_rec *r = g->arg;
    gicd_wr(g, GICD_CTLR, 4, 1);
    gicd_wr(g, GICD_ISENABLER + 4, 4, 1u << 1);  /* INTID 33 */
    gicd_wr(g, GICD_ISENABLER + 4, 4, 1u << 28); /* INTID 60 */
    gicd_wr(g, GICD_ICENABLER + 4, 4, 1u << 1);
    r->st[0] = g_wfi(g); /* INTID 60 still enabled: this one waits */
    gicd_wr(g, GICD_ICENABLER + 4, 4, 1u << 28);
    r->st[1] = g_wfi(g);
    r->st[2] = g_wfi(g);
    r->iar = g_irq_ack(g);
}

static void test_wfi_spis_disabled(void **state)
{
    (void)state;
    build();
    struct wfi_rec r = {0};
    start(guest_wfi_spis_disabled, &r);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(r.st[i], SIM_OK);
    assert_int_equal(r.iar, SPURIOUS);
    /* The first WFI could be ended by INTID 60 (nothing drives it: the
     * sim idles once and it sees a spurious wake-up); the other two had
     * nothing that could end them. */
    assert_int_equal(sim_idle_count(), 1);
    assert_int_equal(count(sim_console_text(), "WFI with no enabled interrupt that could wake it"),
                     1);
}

static void guest_wfi_device_silent(struct sim_guest *g)
{
    struct wfi_rec *r = g->arg;
    gicd_wr(g, GICD_ISENABLER + 4, 4, 1u << 1); /* INTID 33: nothing drives it */
    gicd_wr(g, GICD_CTLR, 4, 1);
    for (unsigned i = 0; i < 3; i++)
        r->st[i] = g_wfi(g);
    r->iar = g_irq_ack(g);
}

/* A device interrupt is enabled, so the VMM idles; in the sim nothing ever
 * arrives and time does not move: each WFI idles once and completes as a
 * spurious wake-up, instead of hanging. */
static void test_wfi_device_silent_no_hang(void **state)
{
    (void)state;
    build();
    struct wfi_rec r = {0};
    start(guest_wfi_device_silent, &r);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(r.st[i], SIM_OK);
    assert_int_equal(r.iar, SPURIOUS);
    assert_int_equal(sim_idle_count(), 3);
    assert_int_equal(vm->vgic->cpu[0].idles, 3);
}

/* An interrupt that arrives during the idle (the test's hook stands for
 * the device) ends the wait before the timer's far deadline. */
struct early_rec {
    uint32_t iar;
    uint64_t t;
};

static void guest_early(struct sim_guest *g)
{
    struct early_rec *r = g->arg;
    gicd_wr(g, GICD_ISENABLER, 4, 1u << VTIMER);
    gicd_wr(g, GICD_ISENABLER + 4, 4, 1u << 8); /* INTID 40 */
    gicd_wr(g, GICD_CTLR, 4, 1);
    g_cntv_write(g, SIM_CNTV_CVAL, g_cntvct(g) + 1000000);
    g_cntv_write(g, SIM_CNTV_CTL, CTL_ENABLE);
    g_wfi(g);
    r->iar = g_irq_ack(g);
    r->t = g_cntvct(g);
    g_irq_eoi(g, r->iar);
    g_cntv_write(g, SIM_CNTV_CTL, 0);
}

static void device_fires(void *ctx)
{
    struct vm *v = ctx;
    sim_counter_advance(10);
    vgic_inject(v, -1, 40, true);
}

static void test_device_irq_ends_idle_before_deadline(void **state)
{
    (void)state;
    build();
    struct early_rec r = {0};
    start(guest_early, &r);
    sim_set_idle_hook(device_fires, vm);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_int_equal(r.iar, 40);
    assert_int_equal(r.t, 10);
    assert_int_equal(sim_idle_count(), 1);
}

/* A VM without a vGIC (the arch has list registers, but none was
 * attached) keeps the old WFI behaviour: no idle loop, the old message. */
static void guest_two_wfis(struct sim_guest *g)
{
    g_cntv_write(g, SIM_CNTV_CVAL, 50);
    g_cntv_write(g, SIM_CNTV_CTL, CTL_ENABLE);
    g_wfi(g);
    g_wfi(g);
}

static void test_no_vgic_unchanged(void **state)
{
    (void)state;
    sim_reset(SIM_ARMV8, 64ull << 20);
    sim_console_clear();
    vm = vm_create("plain", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, RAM, 1ull << 20, S2_RWX), 0);
    start(guest_two_wfis, NULL);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_null(vm->vgic);
    assert_null(mmio_bus_find(&vm->mmio, D));
    assert_int_equal(vm->vcpus[0].stats.exits[EXIT_WFI], 2);
    assert_int_equal(count(sim_console_text(), "WFI with no enabled interrupt"), 0);
    /* One vGIC per VM: a second attach is refused. */
    assert_int_equal(vgic_attach(vm, 32, D), 0);
    assert_int_equal(vgic_attach(vm, 32, D), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_timer_wakes_wfi, teardown),
        cmocka_unit_test(test_timer_condition),
        cmocka_unit_test_teardown(test_wfi_nothing_can_wake, teardown),
        cmocka_unit_test_teardown(test_wfi_spis_disabled, teardown),
        cmocka_unit_test_teardown(test_wfi_device_silent_no_hang, teardown),
        cmocka_unit_test_teardown(test_device_irq_ends_idle_before_deadline, teardown),
        cmocka_unit_test_teardown(test_no_vgic_unchanged, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
