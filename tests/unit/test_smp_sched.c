/*
 * Several vCPUs on one physical CPU (sim): the scheduler's round robin and
 * its time slices, PSCI CPU_ON / CPU_OFF / CPU_SUSPEND / AFFINITY_INFO with
 * every error code, and virtual IPIs (GICD_SGIR) and SPI routing
 * (GICD_ITARGETSR) that wake or reach vCPUs that run, wait in WFI, or have
 * not been started yet. Guests share results through host memory (exactly
 * one guest thread runs at a time).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/sim/sim.h"
#include "core/pcpu.h"
#include "core/sched.h"
#include "core/vgic.h"
#include "core/vm.h"

#define RAM      0x40000000ull
#define ENTRY1   (RAM + 0x1000)
#define ENTRY2   (RAM + 0x2000)
#define D        0x08000000ull /* distributor */
#define SPURIOUS 1023u

#define FN_CPU_SUSPEND         0xc4000001u
#define FN_CPU_OFF             0x84000002u
#define FN_CPU_ON              0xc4000003u
#define FN_AFFINITY_INFO       0xc4000004u
#define FN_SYSTEM_RESET2       0x84000012u
#define FN_PSCI_FEATURES       0x8400000au
#define FN_SMCCC_VERSION       0x80000000u
#define FN_SMCCC_ARCH_FEATURES 0x80000001u

#define R(x) ((uint64_t)(int64_t)(x))

static struct vm *vm;

static void build(unsigned nvcpus, sim_guest_fn fn0, void *arg)
{
    sim_reset(SIM_ARMV8, 64ull << 20);
    sim_console_clear();
    vm = vm_create("smp", nvcpus, 0);
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

static void gicd_wr(struct sim_guest *g, uint64_t off, unsigned size, uint32_t v)
{
    g_set_reg(g, 1, v);
    g_str(g, 1, D + off, size);
}

/* GICD_SGIR (IHI0048B 4.3.15): filter, target list, SGI. */
static void send_sgi(struct sim_guest *g, unsigned filter, unsigned targets, unsigned sgi)
{
    gicd_wr(g, 0xf00, 4, filter << 24 | targets << 16 | sgi);
}

static uint64_t psci(struct sim_guest *g, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return g_smccc(g, fid, a1, a2, a3);
}

/* Wait, with WFE (which yields to the other vCPUs), until *flag is set. */
static void wait_flag(struct sim_guest *g, volatile int *flag)
{
    for (unsigned n = 0; !*flag && n < 100000; n++)
        g_wfe(g);
}

/* ---- Fairness ---------------------------------------------------------- */

struct busy {
    uint64_t ticks[2];
    uint64_t end;
};

#define SPIN 1000u

static void busy_loop(struct sim_guest *g, uint64_t *ticks, uint64_t end)
{
    while (g_cntvct(g) < end) {
        g_spin(g, SPIN);
        *ticks += SPIN;
    }
}

static void guest_busy1(struct sim_guest *g)
{
    struct busy *b = g->arg;
    busy_loop(g, &b->ticks[1], b->end);
    psci(g, FN_CPU_OFF, 0, 0, 0);
}

static void guest_busy0(struct sim_guest *g)
{
    struct busy *b = g->arg;
    psci(g, FN_CPU_ON, 1, ENTRY1, 0);
    busy_loop(g, &b->ticks[0], b->end);
    psci(g, FN_CPU_OFF, 0, 0, 0);
}

static void run_fairness(uint64_t slice_us, uint64_t *switches)
{
    struct busy b = {.end = SIM_COUNTER_FREQ}; /* one second */
    build(2, guest_busy0, &b);
    if (slice_us)
        vm_set_slice_us(vm, slice_us);
    sim_guest_at(ENTRY1, guest_busy1, &b);
    uint64_t sw0 = pcpu_this()->switches;
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    *switches = pcpu_this()->switches - sw0;
    uint64_t total = b.ticks[0] + b.ticks[1];
    assert_true(total >= SIM_COUNTER_FREQ - 2 * SPIN);
    /* Each gets 50% +- 5% of the second. */
    for (unsigned i = 0; i < 2; i++) {
        assert_true(b.ticks[i] * 100 >= total * 45);
        assert_true(b.ticks[i] * 100 <= total * 55);
    }
}

static void test_fairness_default_slice(void **state)
{
    (void)state;
    uint64_t switches;
    run_fairness(0, &switches);
    /* 10 ms slices: about 100 switches in a second. */
    assert_in_range(switches, 90, 110);
}

static void test_fairness_slice_per_vm(void **state)
{
    (void)state;
    uint64_t switches;
    run_fairness(1000, &switches);
    assert_in_range(switches, 900, 1100);
}

/* One busy vCPU alone: no time slice is ever timed (the exit path stays
 * as it was). */
static void guest_alone(struct sim_guest *g)
{
    for (unsigned i = 0; i < 1000; i++)
        g_spin(g, SPIN);
}

static void test_alone_no_slice_timer(void **state)
{
    (void)state;
    build(1, guest_alone, NULL);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_int_equal(sim_hyp_timer_arms(), 0);
}

/* A vCPU blocked in WFI until its virtual timer fires, on a CPU where
 * another vCPU of the VM runs without ever blocking: its deadline must end
 * the WFI within a time slice of passing (the hypervisor timer armed for
 * it while the other runs), not when the busy vCPU stops. */
#define PPI_VTIMER  27u
#define CNTV_ENABLE 1u

struct sleeper {
    volatile int armed;
    uint64_t cval, woke, busy_end;
    uint32_t iar;
};

static void guest_sleeper1(struct sim_guest *g)
{
    struct sleeper *x = g->arg;
    gicd_wr(g, 0x100, 4, 1u << PPI_VTIMER);
    x->cval = g_cntvct(g) + SIM_COUNTER_FREQ / 1000; /* 1 ms */
    g_cntv_write(g, SIM_CNTV_CVAL, x->cval);
    g_cntv_write(g, SIM_CNTV_CTL, CNTV_ENABLE);
    x->armed = 1;
    g_wfi(g);
    x->woke = g_cntvct(g);
    x->iar = g_irq_ack(g);
    g_cntv_write(g, SIM_CNTV_CTL, 0);
    g_irq_eoi(g, x->iar);
    psci(g, FN_CPU_OFF, 0, 0, 0);
}

static void guest_sleeper0(struct sim_guest *g)
{
    struct sleeper *x = g->arg;
    gicd_wr(g, 0x000, 4, 1);
    psci(g, FN_CPU_ON, 1, ENTRY1, 0);
    wait_flag(g, &x->armed); /* vCPU 1 runs and blocks in its WFI */
    x->busy_end = g_cntvct(g) + SIM_COUNTER_FREQ / 2;
    while (g_cntvct(g) < x->busy_end)
        g_spin(g, SPIN); /* never an exit of its own */
    psci(g, FN_CPU_OFF, 0, 0, 0);
}

static void test_blocked_timer_beside_busy(void **state)
{
    (void)state;
    struct sleeper x = {0};
    build(2, guest_sleeper0, &x);
    sim_guest_at(ENTRY1, guest_sleeper1, &x);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_int_equal(SIM_IAR_INTID(x.iar), PPI_VTIMER);
    assert_true(x.woke >= x.cval);
    /* At most one slice (10 ms) of vCPU 0 after the deadline, far before
     * vCPU 0's half second ends. */
    assert_true(x.woke - x.cval <= vm->slice_ticks + 2 * SPIN);
    assert_true(x.woke < x.busy_end);
}

/* ---- PSCI ------------------------------------------------------------------ */

struct psci_rec {
    uint64_t r[32];
    uint64_t seen_x0, seen_pc, resumed_x0, resumed_pc;
    int v1_started, v1_resumed;
    unsigned v1_runs;
};

static void guest_psci1(struct sim_guest *g)
{
    struct psci_rec *p = g->arg;
    if (g_pc(g) == ENTRY2) {
        /* Back from a power-down CPU_SUSPEND: at its entry, with its
         * context id. */
        p->resumed_x0 = g_reg(g, 0);
        p->resumed_pc = g_pc(g);
        p->v1_resumed = 1;
        psci(g, FN_CPU_OFF, 0, 0, 0);
        return;
    }
    p->seen_x0 = g_reg(g, 0);
    p->seen_pc = g_pc(g);
    p->v1_started = 1;
    /* Enable SGI 5 in its own bank, so an SGI can wake the suspend. */
    gicd_wr(g, 0x100, 4, 1u << 5);
    /* Power-down suspend (StateType 1): resumes at ENTRY2 with 0x77. */
    psci(g, FN_CPU_SUSPEND, 1u << 16, ENTRY2, 0x77);
    p->r[31] = 0xbad; /* never: a power-down suspend does not return */
    psci(g, FN_CPU_OFF, 0, 0, 0);
}

static void guest_psci0(struct sim_guest *g)
{
    struct psci_rec *p = g->arg;
    gicd_wr(g, 0x000, 4, 1);                                 /* GICD_CTLR.EnableGrp0 */
    p->r[0] = psci(g, FN_CPU_ON, 4, ENTRY1, 0);              /* no vCPU 4 */
    p->r[1] = psci(g, FN_CPU_ON, 0x100, ENTRY1, 0);          /* Aff1 = 1 */
    p->r[2] = psci(g, FN_CPU_ON, 1ull << 31 | 1, ENTRY1, 0); /* bit 31 */
    p->r[3] = psci(g, FN_CPU_ON, 1, 0x1000, 0);              /* not RAM */
    p->r[4] = psci(g, FN_CPU_ON, 1, ENTRY1 + 2, 0);          /* misaligned */
    p->r[5] = psci(g, FN_CPU_ON, 0, ENTRY1, 0);              /* self */
    p->r[6] = psci(g, FN_AFFINITY_INFO, 1, 0, 0);            /* OFF */
    p->r[7] = psci(g, FN_CPU_ON, 1, ENTRY1, 0x1234);         /* SUCCESS */
    p->r[8] = psci(g, FN_CPU_ON, 1, ENTRY1, 0);              /* ON_PENDING */
    p->r[9] = psci(g, FN_AFFINITY_INFO, 1, 0, 0);            /* ON_PENDING */
    p->r[10] = psci(g, FN_AFFINITY_INFO, 0, 4, 0);           /* bad level */
    p->r[11] = psci(g, FN_AFFINITY_INFO, 9, 0, 0);           /* no vCPU 9 */
    p->r[12] = psci(g, FN_SYSTEM_RESET2, 0, 0, 0);
    p->r[13] = psci(g, FN_PSCI_FEATURES, FN_SYSTEM_RESET2, 0, 0);
    p->r[14] = psci(g, FN_SMCCC_VERSION, 0, 0, 0);
    p->r[15] = psci(g, FN_SMCCC_ARCH_FEATURES, 0x80008000u, 0, 0);
    p->r[16] = psci(g, FN_SMCCC_ARCH_FEATURES, FN_SMCCC_ARCH_FEATURES, 0, 0);
    p->r[17] = psci(g, FN_AFFINITY_INFO, 0, 1, 0); /* cluster: ON */
    wait_flag(g, &p->v1_started);
    /* vCPU 1 ran and is in its power-down suspend now. */
    p->r[18] = psci(g, FN_AFFINITY_INFO, 1, 0, 0); /* ON */
    p->r[19] = psci(g, FN_CPU_ON, 1, ENTRY1, 0);   /* ALREADY_ON */
    p->r[20] = vm->vcpus[1].state;                 /* blocked */
    send_sgi(g, 0, 1u << 1, 5);
    wait_flag(g, &p->v1_resumed);
    for (unsigned n = 0; n < 1000 && psci(g, FN_AFFINITY_INFO, 1, 0, 0) != 1; n++)
        g_wfe(g);
    p->r[21] = psci(g, FN_AFFINITY_INFO, 1, 0, 0); /* OFF again */
    p->r[22] = psci(g, FN_AFFINITY_INFO, 0, 1, 0); /* cluster: ON */
}

static void test_psci_codes(void **state)
{
    (void)state;
    struct psci_rec p = {0};
    build(4, guest_psci0, &p);
    sim_guest_at(ENTRY1, guest_psci1, &p);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_int_equal(p.r[0], R(-2)); /* INVALID_PARAMETERS */
    assert_int_equal(p.r[1], R(-2));
    assert_int_equal(p.r[2], R(-2));
    assert_int_equal(p.r[3], R(-9)); /* INVALID_ADDRESS */
    assert_int_equal(p.r[4], R(-9));
    assert_int_equal(p.r[5], R(-4)); /* ALREADY_ON */
    assert_int_equal(p.r[6], 1);     /* OFF */
    assert_int_equal(p.r[7], 0);
    assert_int_equal(p.r[8], R(-5)); /* ON_PENDING */
    assert_int_equal(p.r[9], 2);     /* ON_PENDING */
    assert_int_equal(p.r[10], R(-2));
    assert_int_equal(p.r[11], R(-2));
    assert_int_equal(p.r[12], R(-1)); /* NOT_SUPPORTED */
    assert_int_equal(p.r[13], R(-1));
    assert_int_equal(p.r[14], 0x10001);
    assert_int_equal(p.r[15], R(-2)); /* not required */
    assert_int_equal(p.r[16], 0);
    assert_int_equal(p.r[17], 0);
    assert_int_equal(p.r[18], 0);
    assert_int_equal(p.r[19], R(-4));
    assert_int_equal(p.r[20], VCPU_WFI);
    assert_int_equal(p.r[21], 1);
    assert_int_equal(p.r[22], 0);
    assert_int_equal(p.r[31], 0);
    assert_int_equal(p.seen_x0, 0x1234);
    assert_int_equal(p.seen_pc, ENTRY1);
    assert_int_equal(p.resumed_x0, 0x77);
    assert_int_equal(p.resumed_pc, ENTRY2);
}

/* Two vCPUs start the same target: exactly one CPU_ON succeeds. */
struct race {
    uint64_t r[4];
    int done[4];
};

static void guest_race_target(struct sim_guest *g)
{
    struct race *rc = g->arg;
    rc->done[3] = 1;
    psci(g, FN_CPU_OFF, 0, 0, 0);
}

static void guest_racer(struct sim_guest *g)
{
    struct race *rc = g->arg;
    unsigned me = (unsigned)g_reg(g, 0);
    rc->r[me] = psci(g, FN_CPU_ON, 3, ENTRY2, 0);
    rc->done[me] = 1;
    psci(g, FN_CPU_OFF, 0, 0, 0);
}

static void guest_race0(struct sim_guest *g)
{
    struct race *rc = g->arg;
    psci(g, FN_CPU_ON, 1, ENTRY1, 1);
    psci(g, FN_CPU_ON, 2, ENTRY1, 2);
    wait_flag(g, &rc->done[1]);
    wait_flag(g, &rc->done[2]);
    wait_flag(g, &rc->done[3]);
}

static void test_cpu_on_race(void **state)
{
    (void)state;
    struct race rc = {0};
    build(4, guest_race0, &rc);
    sim_guest_at(ENTRY1, guest_racer, &rc);
    sim_guest_at(ENTRY2, guest_race_target, &rc);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    unsigned ok = (rc.r[1] == 0) + (rc.r[2] == 0);
    assert_int_equal(ok, 1);
    uint64_t loser = rc.r[1] == 0 ? rc.r[2] : rc.r[1];
    assert_true(loser == R(-5) || loser == R(-4)); /* ON_PENDING / ALREADY_ON */
    assert_int_equal(rc.done[3], 1);
}

/* 100 CPU_OFF / CPU_ON cycles of one secondary, each with its own context
 * id, and AFFINITY_INFO following it. */
struct cycles {
    unsigned runs;
    uint64_t last_ctx;
    unsigned bad;
};

static void guest_cycler(struct sim_guest *g)
{
    struct cycles *c = g->arg;
    if (g_reg(g, 0) != c->runs)
        c->bad++;
    c->runs++;
    psci(g, FN_CPU_OFF, 0, 0, 0);
}

static void guest_cycle0(struct sim_guest *g)
{
    struct cycles *c = g->arg;
    for (unsigned i = 0; i < 100; i++) {
        if (psci(g, FN_CPU_ON, 1, ENTRY1, i) != 0)
            c->bad++;
        unsigned n = 0;
        while (psci(g, FN_AFFINITY_INFO, 1, 0, 0) != 1 && n++ < 1000)
            g_wfe(g);
        if (c->runs != i + 1)
            c->bad++;
    }
}

static void test_cpu_off_on_cycles(void **state)
{
    (void)state;
    struct cycles c = {0};
    build(2, guest_cycle0, &c);
    sim_guest_at(ENTRY1, guest_cycler, &c);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_int_equal(c.runs, 100);
    assert_int_equal(c.bad, 0);
}

/* ---- Virtual IPIs and SPI routing ---------------------------------------- */

struct ipi {
    int ready[4];
    uint32_t iar[4][2];
    uint64_t state_at_send[4];
    int done[4];
    /* vCPU 0's list-register flushes (written or skipped) and data-abort
     * exits, counted across an SGI to others and one to itself. */
    uint64_t flushes_other, flushes_self, dabts_other, dabts_self;
};

static uint64_t flush_calls(unsigned id)
{
    const struct vgic_work *w = &vm->vgic->cpu[id].work;
    return w->flushes + w->flush_skips;
}

/* vCPU n: enable SGI n+1 (and SPI 40), then wait for it: 1 in WFI, 3 busy
 * (runnable but preempted when the SGI is sent), 2 is started only after
 * its SGI was sent. */
static void guest_ipi_target(struct sim_guest *g)
{
    struct ipi *x = g->arg;
    unsigned me = (unsigned)g_reg(g, 0);
    gicd_wr(g, 0x100, 4, 1u << (me + 1));
    x->ready[me] = 1;
    uint32_t iar = SPURIOUS;
    for (unsigned n = 0; n < 100000 && iar == SPURIOUS; n++) {
        if (me == 3)
            g_spin(g, SPIN);
        else
            g_wfi(g);
        iar = g_irq_ack(g);
    }
    x->iar[me][0] = iar;
    g_irq_eoi(g, iar);
    if (me == 1) {
        /* Then the SPI, routed here by GICD_ITARGETSR. */
        iar = SPURIOUS;
        for (unsigned n = 0; n < 1000 && iar == SPURIOUS; n++) {
            g_wfi(g);
            iar = g_irq_ack(g);
        }
        x->iar[me][1] = iar;
        g_irq_eoi(g, iar);
    }
    x->done[me] = 1;
    psci(g, FN_CPU_OFF, 0, 0, 0);
}

static void guest_ipi0(struct sim_guest *g)
{
    struct ipi *x = g->arg;
    gicd_wr(g, 0x000, 4, 1);
    /* SPI 40 to vCPU 1 only (ITARGETSR byte 40), enabled. */
    gicd_wr(g, 0x800 + 40, 1, 1u << 1);
    gicd_wr(g, 0xc08, 4, 2u << 16); /* GICD_ICFGR2: SPI 40 edge-triggered */
    gicd_wr(g, 0x100 + 4, 4, 1u << (40 - 32));
    /* Unstarted vCPU 2: its SGI waits for it. Sent to another vCPU, the
     * write is handled on the fast exit path (exit_fast.c): an exit, but
     * no flush of vCPU 0's list registers before it re-enters. */
    uint64_t f = flush_calls(0), a = vm->vcpus[0].stats.exits[EXIT_DABT];
    send_sgi(g, 0, 1u << 2, 3);
    x->flushes_other = flush_calls(0) - f;
    x->dabts_other = vm->vcpus[0].stats.exits[EXIT_DABT] - a;
    x->state_at_send[2] = vm->vcpus[2].state;
    psci(g, FN_CPU_ON, 1, ENTRY1, 1);
    psci(g, FN_CPU_ON, 3, ENTRY1, 3);
    wait_flag(g, &x->ready[1]);
    wait_flag(g, &x->ready[3]);
    /* vCPU 1 waits in WFI (blocked), vCPU 3 spins (runnable). */
    x->state_at_send[1] = vm->vcpus[1].state;
    x->state_at_send[3] = vm->vcpus[3].state;
    send_sgi(g, 0, 1u << 1, 2);
    send_sgi(g, 1, 0, 4); /* "all but me": 1, 2 and 3; only 3 enabled 4 */
    /* Self, through the third filter. */
    gicd_wr(g, 0x100, 4, 1u << 7);
    f = flush_calls(0), a = vm->vcpus[0].stats.exits[EXIT_DABT];
    send_sgi(g, 2, 0, 7); /* its own list registers change: the exit path */
    x->flushes_self = flush_calls(0) - f;
    x->dabts_self = vm->vcpus[0].stats.exits[EXIT_DABT] - a;
    x->iar[0][0] = g_irq_ack(g);
    g_irq_eoi(g, x->iar[0][0]);
    wait_flag(g, &x->done[3]);
    psci(g, FN_CPU_ON, 2, ENTRY1, 2);
    wait_flag(g, &x->done[2]);
    /* vCPU 1 waits for the SPI now: a device raises it. */
    unsigned n = 0;
    while (vm->vcpus[1].state != VCPU_WFI && n++ < 1000)
        g_wfe(g);
    vgic_inject(vm, -1, 40, true);
    vgic_inject(vm, -1, 40, false);
    wait_flag(g, &x->done[1]);
}

static void test_sgi_running_blocked_unstarted(void **state)
{
    (void)state;
    struct ipi x = {0};
    build(4, guest_ipi0, &x);
    sim_guest_at(ENTRY1, guest_ipi_target, &x);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_int_equal(x.state_at_send[2], VCPU_OFF);
    assert_int_equal(x.state_at_send[1], VCPU_WFI);
    assert_int_equal(x.state_at_send[3], VCPU_RUNNING);
    /* Each got its SGI once, from vCPU 0 (GICV_IAR.CPUID 0). */
    assert_int_equal(x.iar[1][0], 2);
    assert_int_equal(x.iar[2][0], 3);
    assert_int_equal(x.iar[3][0], 4);
    assert_int_equal(x.iar[0][0], 7);
    assert_int_equal(x.iar[1][1], 40);
    assert_int_equal(x.dabts_other, 1);
    assert_int_equal(x.flushes_other, 0);
    assert_int_equal(x.dabts_self, 1);
    assert_int_equal(x.flushes_self, 1);
    for (unsigned i = 1; i < 4; i++)
        assert_int_equal(x.done[i], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_fairness_default_slice, teardown),
        cmocka_unit_test_teardown(test_fairness_slice_per_vm, teardown),
        cmocka_unit_test_teardown(test_alone_no_slice_timer, teardown),
        cmocka_unit_test_teardown(test_blocked_timer_beside_busy, teardown),
        cmocka_unit_test_teardown(test_psci_codes, teardown),
        cmocka_unit_test_teardown(test_cpu_on_race, teardown),
        cmocka_unit_test_teardown(test_cpu_off_on_cycles, teardown),
        cmocka_unit_test_teardown(test_sgi_running_blocked_unstarted, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
