/*
 * The per-vCPU in-flight list and the maintenance interrupts (issue 8), on
 * sim guests:
 *
 *  - the list holds exactly the interrupts that concern the vCPU, ordered
 *    active first, then by priority, then by INTID, whatever sequence of
 *    insertions and removals led there;
 *  - more pending interrupts than list registers reach a guest that makes
 *    no exit of its own: the underflow maintenance interrupt (GICH_HCR.UIE,
 *    IHI0048B 5.3.1 and 5.3.4) brings the rest;
 *  - a level interrupt still asserted after the guest's EOI is presented
 *    again by itself (the LR's EOI bit, 5.3.7; EOI maintenance, 5.3.4);
 *  - interrupt storms (a device line toggling, a guest setting every
 *    GICD_ISPENDR bit, GICD_CTLR toggling) cost bounded work per exit,
 *    counted in struct vgic_work, not timed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/virt_layout.h"
#include "helpers/unit_gic.h"
#include "helpers/unit_vm.h"

#define RAM     VIRT_RAM_BASE
#define NSPIS   96u
#define NIRQS   (VGIC_NR_PRIVATE + NSPIS)
#define NUM_LRS SIM_NUM_LRS

static struct vm *vm;

static int teardown(void **state)
{
    (void)state;
    unit_vm_destroy(&vm);
    return 0;
}

static struct vgic_cpu *cpu0(void)
{
    return &vm->vgic->cpu[0];
}

/* ---- Ordering of the in-flight list ---------------------------------------- */

/* The order the list must have: active first, then lower priority value,
 * then lower INTID. */
static bool ranks_before(const struct vgic_irq *a, const struct vgic_irq *b)
{
    if (a->active != b->active)
        return a->active;
    if (a->priority != b->priority)
        return a->priority < b->priority;
    return a->intid < b->intid;
}

/* Prune and sort vCPU 0's list, then check it against a scan of every
 * interrupt: the same members (those whose target is vCPU 0), ap_len true,
 * each link in rank order. */
static void check_list(void)
{
    struct vgic *vgic = vm->vgic;
    vgic_ap_prune_sort(vgic, 0);
    bool want[NIRQS] = {0};
    unsigned nwant = 0;
    for (unsigned id = 0; id < NIRQS; id++) {
        struct vgic_irq *irq = vgic_irq(vgic, 0, id);
        assert_non_null(irq);
        if (vgic_irq_target(vgic, irq) == 0) {
            want[id] = true;
            nwant++;
        }
    }
    unsigned n = 0;
    const struct vgic_irq *prev = NULL;
    for (const struct vgic_irq *irq = cpu0()->ap_head; irq; irq = irq->ap_next) {
        assert_true(n < NIRQS); /* no cycle */
        assert_true(want[irq->intid]);
        want[irq->intid] = false; /* and listed once */
        assert_int_equal(irq->ap_vcpu, 0);
        if (prev)
            assert_true(ranks_before(prev, irq));
        prev = irq;
        n++;
    }
    assert_int_equal(n, nwant);
    assert_int_equal(cpu0()->ap_len, nwant);
}

static struct vgic_irq *irq_of(unsigned id)
{
    return vgic_irq(vm->vgic, 0, id);
}

/* A hand-made sequence: insertions, a priority change, an activation, a
 * removal; the head of the list after each. */
static void test_order_by_hand(void **state)
{
    (void)state;
    vm = unit_gic_vm("order", SIM_ARMV8, 1, NSPIS);
    struct vgic *vgic = vm->vgic;
    vgic_set_ctlr(vgic, 1);
    static const struct {
        unsigned id;
        uint8_t prio;
    } in[] = {{40, 0x80}, {35, 0x80}, {60, 0x20}, {50, 0xa0}, {20, 0x20}};
    for (unsigned i = 0; i < 5; i++) {
        struct vgic_irq *irq = irq_of(in[i].id);
        vgic_irq_set_priority(vgic, irq, in[i].prio);
        vgic_irq_set_enabled(vgic, irq, true);
        vgic_irq_set_pending(vgic, irq, true);
        check_list();
    }
    assert_int_equal(cpu0()->ap_len, 5);
    /* 20 and 60 share 0x20: by INTID. Then 35, 40 (0x80), 50. */
    static const unsigned want0[] = {20, 60, 35, 40, 50};
    const struct vgic_irq *irq = cpu0()->ap_head;
    for (unsigned i = 0; i < 5; i++, irq = irq->ap_next)
        assert_int_equal(irq->intid, want0[i]);

    /* 50 becomes active: first, whatever its priority. */
    vgic_irq_set_active(vgic, irq_of(50), true, 0);
    check_list();
    assert_int_equal(cpu0()->ap_head->intid, 50);
    /* 40 rises to the top priority: right after the active one. */
    vgic_irq_set_priority(vgic, irq_of(40), 0x00);
    check_list();
    assert_int_equal(cpu0()->ap_head->ap_next->intid, 40);
    /* 20 disabled: it leaves the list. */
    vgic_irq_set_enabled(vgic, irq_of(20), false);
    check_list();
    assert_int_equal(cpu0()->ap_len, 4);
    /* Disabling does not take an active one off (it must still be EOIed). */
    vgic_irq_set_enabled(vgic, irq_of(50), false);
    check_list();
    assert_int_equal(cpu0()->ap_head->intid, 50);
}

static uint32_t rng = 0x2545f491u;
static uint32_t next_rand(void)
{
    /* xorshift32 (Marsaglia): deterministic, so a failure reproduces. */
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Random insertions and removals through every setter, a few at a time
 * (removal is lazy: it happens at the next prune), the list checked after
 * each batch. */
static void test_order_random_changes(void **state)
{
    (void)state;
    vm = unit_gic_vm("order", SIM_ARMV8, 1, NSPIS);
    struct vgic *vgic = vm->vgic;
    vgic_set_ctlr(vgic, 3);
    for (unsigned step = 0; step < 4000; step++) {
        unsigned id = 16 + next_rand() % (NIRQS - 16);
        if (next_rand() % 8 == 0)
            id = next_rand() % 16; /* an SGI, pending from a random source */
        struct vgic_irq *irq = irq_of(id);
        bool on = next_rand() & 1;
        switch (next_rand() % 9) {
        case 0:
            vgic_irq_set_enabled(vgic, irq, on);
            break;
        case 1:
            if (id < VGIC_NR_SGIS)
                vgic_irq_sgi_pend(vgic, irq, 1u << 0, on);
            else
                vgic_irq_set_pending(vgic, irq, on);
            break;
        case 2:
            vgic_irq_set_active(vgic, irq, on && next_rand() % 4 == 0, 0);
            break;
        case 3:
            vgic_irq_set_priority(vgic, irq, (uint8_t)(next_rand() % 8 * 0x20));
            break;
        case 4:
            if (id >= VGIC_NR_SGIS)
                vgic_irq_set_line(vgic, irq, on);
            break;
        case 5:
            if (id >= VGIC_NR_SGIS)
                vgic_irq_set_level_config(vgic, irq, on);
            break;
        case 6:
            vgic_irq_set_group(vgic, irq, on);
            break;
        case 7:
            if (next_rand() % 16 == 0)
                vgic_set_ctlr(vgic, next_rand() % 4);
            break;
        default:
            vgic_irq_set_enabled(vgic, irq, true);
            break;
        }
        if (next_rand() % 3 == 0)
            check_list();
    }
    check_list();
}

/* ---- More pending than list registers: the underflow path --------------------- */

#define UF_N 8
/* SPIs 40-47, distinct priorities in no particular INTID order. */
static const uint8_t uf_prio[UF_N] = {0x60, 0x20, 0xe0, 0x40, 0x00, 0xa0, 0x80, 0xc0};

struct uf_rec {
    uint32_t iar[UF_N];
    unsigned n;
    bool eoi_ok;
    uint64_t traps, maint; /* during the spin */
};

static void guest_underflow(struct sim_guest *g)
{
    struct uf_rec *r = g->arg;
    /* Edge-triggered (GICD_ICFGR2 fields 8-15, IHI0048B 4.3.13): a level
     * one would come back through its EOI maintenance instead. */
    uint32_t edge = 0;
    for (unsigned i = 0; i < UF_N; i++) {
        edge |= 2u << (2 * (8 + i));
        ug_gicd_wr(g, UG_GICD_IPRIORITYR + 40 + i, 1, uf_prio[i]);
    }
    ug_gicd_wr(g, UG_GICD_ICFGR + 8, 4, edge);
    ug_gicd_wr(g, UG_GICD_ISENABLER + 4, 4, 0xffu << 8);
    ug_gicd_wr(g, UG_GICD_CTLR, 4, 1);
    ug_gicd_wr(g, UG_GICD_ISPENDR + 4, 4, 0xffu << 8); /* all eight at once */
    /* Spin: acknowledge and EOI what comes, nothing that traps. */
    uint64_t traps = g->traps, maint = ug_maint_exits(g);
    r->eoi_ok = true;
    for (unsigned k = 0; k < 64 && r->n < UF_N; k++) {
        uint32_t iar = g_irq_ack(g);
        if (iar == UG_SPURIOUS)
            continue;
        r->iar[r->n++] = iar;
        r->eoi_ok &= g_irq_eoi(g, iar);
    }
    r->traps = g->traps - traps;
    r->maint = ug_maint_exits(g) - maint;
}

static void test_more_pending_than_lrs_via_underflow(void **state)
{
    (void)state;
    vm = unit_gic_vm("uf", SIM_ARMV8, 1, NSPIS);
    struct uf_rec r = {0};
    unit_vm_start(vm, guest_underflow, &r, ISA_A64, RAM);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);

    /* All eight, by priority. */
    static const uint32_t want[UF_N] = {44, 41, 43, 40, 46, 45, 47, 42};
    assert_int_equal(r.n, UF_N);
    assert_memory_equal(r.iar, want, sizeof(want));
    assert_true(r.eoi_ok);
    /* Only maintenance exits while it spun: one per refill (4 list
     * registers, refilled when one is left: 8 = 4 + 3 + 1). */
    assert_int_equal(r.maint, 2);
    assert_int_equal(r.traps, r.maint);
    assert_true(cpu0()->work.underflows >= 1);
    assert_true(cpu0()->work.maint_irqs >= r.maint);
    assert_int_equal(sim_idle_count(), 0);
    assert_int_equal(ug_host_gicd_rd(vm, 0, UG_GICD_ISPENDR + 4), 0);
    assert_int_equal(ug_host_gicd_rd(vm, 0, UG_GICD_ISACTIVER + 4), 0);
}

/* ---- A level interrupt still high after EOI ------------------------------------ */

struct lvl_rec {
    uint32_t ris, iar[3];
    bool eoi[2];
    uint64_t traps, maint; /* between the first acknowledge and the second */
};

static void guest_level_again(struct sim_guest *g)
{
    struct lvl_rec *r = g->arg;
    const uint64_t uart = VIRT_PL011_BASE;
    ug_gicd_wr(g, UG_GICD_IPRIORITYR + VIRT_PL011_INTID, 1, 0xa0);
    ug_gicd_wr(g, UG_GICD_ISENABLER + 4, 4, 1u << (VIRT_PL011_INTID - 32));
    ug_gicd_wr(g, UG_GICD_CTLR, 4, 1);
    /* A byte leaves, the transmit FIFO is empty: TXRIS. Unmasked, the
     * PL011's level output goes high and stays high. */
    ug_mmio_wr(g, uart + UG_UARTDR, 4, 'x');
    ug_mmio_wr(g, uart + UG_UARTIMSC, 4, UG_UART_TX);
    r->ris = ug_mmio_rd(g, uart + UG_UARTRIS);

    uint64_t traps = g->traps, maint = ug_maint_exits(g);
    r->iar[0] = g_irq_ack(g);
    r->eoi[0] = g_irq_eoi(g, r->iar[0]); /* the PL011 untouched */
    for (unsigned k = 0; k < 16 && (r->iar[1] = g_irq_ack(g)) == UG_SPURIOUS; k++)
        ;
    r->traps = g->traps - traps;
    r->maint = ug_maint_exits(g) - maint;

    ug_mmio_wr(g, uart + UG_UARTIMSC, 4, 0); /* the line drops */
    r->eoi[1] = g_irq_eoi(g, r->iar[1]);
    r->iar[2] = g_irq_ack(g);
}

static void test_level_high_after_eoi_presented_again(void **state)
{
    (void)state;
    vm = unit_gic_vm("lvl", SIM_ARMV7, 1, NSPIS);
    struct lvl_rec r = {0};
    unit_vm_start(vm, guest_level_again, &r, ISA_A32, RAM);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);

    assert_true(r.ris & UG_UART_TX);
    assert_int_equal(r.iar[0], VIRT_PL011_INTID);
    assert_true(r.eoi[0]);
    /* Taken again with no exit but the EOI's maintenance interrupt. */
    assert_int_equal(r.iar[1], VIRT_PL011_INTID);
    assert_int_equal(r.maint, 1);
    assert_int_equal(r.traps, 1);
    assert_true(r.eoi[1]);
    assert_int_equal(r.iar[2], UG_SPURIOUS);
}

/* ---- Storms: bounded work per exit ---------------------------------------------- */

/* What one entry and exit may cost with n interrupts in flight: the prune
 * walks n, a merge sort n per pass over ceil(log2 n) passes, the fill walks
 * up to n; list registers written and read at most once each. */
static uint64_t steps_bound(unsigned n)
{
    unsigned log2n = 0;
    while ((1u << log2n) < n)
        log2n++;
    return (uint64_t)n * (log2n + 2) + NUM_LRS;
}

struct work_max {
    uint64_t steps, lr_writes, lr_reads, sorts, flushes;
    unsigned ap_len;
    unsigned entries;
};

/* Run vCPU 0 to its end, one entry at a time, calling between(ctx) before
 * each, and record the most any one entry cost. */
static void run_measured(struct work_max *m, void (*between)(void *), void *ctx)
{
    struct vcpu *v = &vm->vcpus[0];
    enum run_result rr;
    do {
        if (between)
            between(ctx);
        struct vgic_work before = cpu0()->work;
        rr = vcpu_run_once(v);
        const struct vgic_work *w = &cpu0()->work;
#define MAXOF(f, e)                                                                                \
    do {                                                                                           \
        uint64_t d = (e);                                                                          \
        if (d > m->f)                                                                              \
            m->f = d;                                                                              \
    } while (0)
        MAXOF(steps, w->list_steps - before.list_steps);
        MAXOF(lr_writes, w->lr_writes - before.lr_writes);
        MAXOF(lr_reads, w->lr_reads - before.lr_reads);
        MAXOF(sorts, w->sorts - before.sorts);
        MAXOF(flushes, w->flushes - before.flushes);
#undef MAXOF
        if (cpu0()->ap_len > m->ap_len)
            m->ap_len = cpu0()->ap_len;
        m->entries++;
        assert_true(m->entries < 100000);
    } while (rr == RUN_CONTINUE);
    assert_int_equal(rr, RUN_STOP);
}

static void check_bounded(const struct work_max *m, unsigned max_in_flight)
{
    assert_true(m->ap_len <= max_in_flight);
    assert_true(m->steps <= steps_bound(max_in_flight));
    assert_true(m->lr_writes <= NUM_LRS);
    assert_true(m->lr_reads <= NUM_LRS);
    assert_true(m->sorts <= 1);
    assert_true(m->flushes <= 1);
}

/* A device line toggling thousands of times between two exits (one
 * edge-triggered SPI, one level): the interrupts stay on the list once. */
#define STORM_EXITS 200

struct storm_rec {
    unsigned mode;
    uint32_t iar[4];
    struct vgic_work steady; /* work of the quiet exits at the end */
};

static void guest_quiet_exits(struct sim_guest *g, struct storm_rec *r)
{
    /* Exits that change nothing: the list registers stay as written. */
    struct vgic_work before = g->vcpu->vm->vgic->cpu[0].work;
    for (unsigned i = 0; i < STORM_EXITS; i++)
        ug_gicd_rd(g, UG_GICD_TYPER);
    const struct vgic_work *w = &g->vcpu->vm->vgic->cpu[0].work;
    r->steady = (struct vgic_work){.flushes = w->flushes - before.flushes,
                                   .flush_skips = w->flush_skips - before.flush_skips,
                                   .list_steps = w->list_steps - before.list_steps,
                                   .sorts = w->sorts - before.sorts,
                                   .lr_writes = w->lr_writes - before.lr_writes,
                                   .lr_reads = w->lr_reads - before.lr_reads};
}

static void guest_line_storm(struct sim_guest *g)
{
    struct storm_rec *r = g->arg;
    ug_gicd_wr(g, UG_GICD_ICFGR + 12, 4, 2u << 4); /* SPI 50 edge; 51 level */
    ug_gicd_wr(g, UG_GICD_ISENABLER + 4, 4, 3u << 18);
    ug_gicd_wr(g, UG_GICD_CTLR, 4, 1);
    for (unsigned i = 0; i < STORM_EXITS; i++)
        ug_gicd_rd(g, UG_GICD_TYPER); /* the test toggles the lines meanwhile */
    r->iar[0] = g_irq_ack(g);
    r->iar[1] = g_irq_ack(g);
    r->iar[2] = g_irq_ack(g);
}

static void toggle_lines(void *ctx)
{
    (void)ctx;
    for (unsigned i = 0; i < 1000; i++) {
        assert_int_equal(vgic_inject(vm, -1, 50, (i & 1) == 0), 0);
        assert_int_equal(vgic_inject(vm, -1, 51, (i & 1) == 0), 0);
    }
    /* Left high: 51 stays pending as a level interrupt. */
    assert_int_equal(vgic_inject(vm, -1, 50, true), 0);
    assert_int_equal(vgic_inject(vm, -1, 51, true), 0);
}

static void test_storm_device_line(void **state)
{
    (void)state;
    vm = unit_gic_vm("storm", SIM_ARMV8, 1, NSPIS);
    struct storm_rec r = {0};
    unit_vm_start(vm, guest_line_storm, &r, ISA_A64, RAM);
    struct work_max m = {0};
    run_measured(&m, toggle_lines, NULL);
    check_bounded(&m, 2);
    assert_true(m.entries > STORM_EXITS);
    /* Both reach the guest, once each. */
    assert_int_equal(r.iar[0], 50);
    assert_int_equal(r.iar[1], 51);
    assert_int_equal(r.iar[2], UG_SPURIOUS);
}

/* Every GICD_ISPENDR bit set (and set again, and cleared and set), then
 * GICD_CTLR toggled: per exit the work stays within what the VM's
 * interrupts in flight allow, and exits that change nothing cost none. */
static void guest_pend_storm(struct sim_guest *g)
{
    struct storm_rec *r = g->arg;
    for (unsigned w = 0; w < NIRQS / 32; w++)
        ug_gicd_wr(g, UG_GICD_ISENABLER + 4 * w, 4, 0xffffffffu);
    ug_gicd_wr(g, UG_GICD_CTLR, 4, 1);
    for (unsigned round = 0; round < 20; round++) {
        if (round % 2)
            for (unsigned w = 0; w < NIRQS / 32; w++)
                ug_gicd_wr(g, UG_GICD_ICPENDR + 4 * w, 4, 0xffffffffu);
        for (unsigned w = 0; w < NIRQS / 32; w++)
            ug_gicd_wr(g, UG_GICD_ISPENDR + 4 * w, 4, 0xffffffffu);
    }
    for (unsigned i = 0; i < STORM_EXITS; i++)
        ug_gicd_wr(g, UG_GICD_CTLR, 4, i & 1);
    /* Take some: each take changes the state, and is bounded too. */
    for (unsigned i = 0; i < 3; i++) {
        r->iar[i] = g_irq_ack(g);
        g_irq_eoi(g, r->iar[i]);
    }
    guest_quiet_exits(g, r);
}

static void test_storm_ispendr_and_ctlr(void **state)
{
    (void)state;
    vm = unit_gic_vm("storm", SIM_ARMV8, 1, NSPIS);
    struct storm_rec r = {0};
    unit_vm_start(vm, guest_pend_storm, &r, ISA_A64, RAM);
    struct work_max m = {0};
    run_measured(&m, NULL, NULL);
    /* SGIs cannot be made pending through GICD_ISPENDR (IHI0048B 4.3.7):
     * PPIs and SPIs are the most in flight. */
    check_bounded(&m, NIRQS - VGIC_NR_SGIS);
    assert_true(m.ap_len > NUM_LRS);
    /* Priority 0 everywhere: by INTID, PPIs first. */
    assert_int_equal(r.iar[0], 16);
    assert_int_equal(r.iar[1], 17);
    assert_int_equal(r.iar[2], 18);
    /* Exits that change nothing cost nothing: no flush, no walk, no write;
     * only the list registers in use read back. */
    assert_int_equal(r.steady.flushes, 0);
    assert_int_equal(r.steady.flush_skips, STORM_EXITS);
    assert_int_equal(r.steady.list_steps, 0);
    assert_int_equal(r.steady.sorts, 0);
    assert_int_equal(r.steady.lr_writes, 0);
    assert_true(r.steady.lr_reads <= (uint64_t)NUM_LRS * STORM_EXITS);
}

/* ---- An SGI from two sources, the guest still in its handler -------------------
 * One list register carries one source of an SGI (IHI0048B 5.3.7): with the
 * first instance active and a second source pending, the second must follow
 * the guest's EOI. Asking for NPIE there would fire at every entry (no list
 * register is pending while the guest handles the first) and the guest would
 * never reach its EOI: the sim stops such a VMM (sim_maint_at_entry). */

#define MS_SGI 3u

struct ms_rec {
    uint32_t iar[3];
    bool eoi[2];
    uint64_t maint;
};

static void guest_multi_source_sgi(struct sim_guest *g)
{
    struct ms_rec *r = g->arg;
    ug_gicd_wr(g, UG_GICD_ISENABLER, 4, 1u << MS_SGI);
    ug_gicd_wr(g, UG_GICD_CTLR, 4, 1);
    uint64_t maint = ug_maint_exits(g);
    r->iar[0] = g_irq_ack(g);
    (void)ug_gicd_rd(g, UG_GICD_TYPER); /* an exit inside the handler */
    r->eoi[0] = g_irq_eoi(g, r->iar[0]);
    for (unsigned k = 0; k < 16 && (r->iar[1] = g_irq_ack(g)) == UG_SPURIOUS; k++)
        (void)ug_gicd_rd(g, UG_GICD_TYPER);
    r->eoi[1] = g_irq_eoi(g, r->iar[1]);
    r->iar[2] = g_irq_ack(g);
    r->maint = ug_maint_exits(g) - maint;
}

static void test_sgi_two_sources_while_active(void **state)
{
    (void)state;
    vm = unit_gic_vm("ms", SIM_ARMV8, 3, NSPIS);
    /* vCPUs 1 and 2 both send SGI 3 to vCPU 0 before it runs. */
    vgic_send_sgi(vm->vgic, 1, 1u << 0, MS_SGI);
    vgic_send_sgi(vm->vgic, 2, 1u << 0, MS_SGI);
    struct ms_rec r = {0};
    unit_vm_start(vm, guest_multi_source_sgi, &r, ISA_A64, RAM);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);

    /* GICV_IAR: the SGI ID with its source CPU in bits 12:10. */
    assert_int_equal(r.iar[0], MS_SGI | 1u << 10);
    assert_true(r.eoi[0]);
    assert_int_equal(r.iar[1], MS_SGI | 2u << 10);
    assert_true(r.eoi[1]);
    assert_int_equal(r.iar[2], UG_SPURIOUS);
    /* NPIE once the guest takes the first (no list register pending then),
     * and the EOI maintenance that brings the second: two, not one per
     * entry. */
    assert_true(r.maint <= 2);
    assert_int_equal(ug_host_gicd_rd(vm, 0, UG_GICD_ISACTIVER), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_order_by_hand, teardown),
        cmocka_unit_test_teardown(test_order_random_changes, teardown),
        cmocka_unit_test_teardown(test_more_pending_than_lrs_via_underflow, teardown),
        cmocka_unit_test_teardown(test_level_high_after_eoi_presented_again, teardown),
        cmocka_unit_test_teardown(test_storm_device_line, teardown),
        cmocka_unit_test_teardown(test_storm_ispendr_and_ctlr, teardown),
        cmocka_unit_test_teardown(test_sgi_two_sources_while_active, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
