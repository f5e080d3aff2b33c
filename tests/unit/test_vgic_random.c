/*
 * Nothing lost, nothing doubled (issue 8): a sim guest runs a long random
 * script against the vGIC and checks every acknowledge against a reference
 * model of the distributor it keeps itself (IHI0048B 3.2: inactive,
 * pending, active, active and pending; 4.3 for the registers it writes).
 *
 * The interrupts: PPIs 22-23 (level) and SPIs 40-51 (even ones edge, odd
 * ones level), at random priorities, enabled and disabled at random. Their
 * lines are driven by a stimulus device the guest writes (an exit, as a
 * real device would raise its line while the guest programs it). The
 * script's other steps: GICD_ISENABLER/ICENABLER, GICD_IPRIORITYR,
 * GICD_ISPENDR/ICPENDR writes, and GICV_IAR / GICV_EOIR (g_irq_ack,
 * g_irq_eoi: no exit; EOIs in nested order, IHI0048B 3.2.2).
 *
 * What each acknowledge must return, with D the interrupts the model says
 * are deliverable (enabled, pending, not active):
 *  - an interrupt of D whose priority is the best in D (the list registers
 *    hold the active ones and then the best pending ones; among equal
 *    priorities the choice is the implementation's);
 *  - or the spurious ID, only when D is empty or the guest holds at least
 *    two active interrupts: with one or none the list registers have room,
 *    so what did not fit must have come in through the underflow
 *    maintenance interrupt (GICH_HCR.UIE: "zero or one" valid entries,
 *    5.3.1), and a level interrupt EOIed with its line high through EOI
 *    maintenance (GICH_LR.EOI, 5.3.7).
 * At the end every line drops, every interrupt is enabled and the guest
 * takes what is left: the model and the distributor then agree that nothing
 * is pending or active.
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

/* 100,000 steps natively. The cross builds run under qemu-user, where an
 * exit costs far more: the CMakeLists may ask for fewer. */
#ifndef VGIC_RANDOM_STEPS
#define VGIC_RANDOM_STEPS 100000u
#endif

#define RAM   VIRT_RAM_BASE
#define NSPIS 32u
#define NI    14u
#define STIM  0x0a000000ull /* the stimulus device, free on the virt map */

static const unsigned ids[NI] = {22, 23, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51};

static bool is_edge(unsigned i)
{
    return ids[i] >= 32 && ids[i] % 2 == 0;
}

/* The reference model of one interrupt. */
struct model_irq {
    bool enabled, line, latch, active;
    uint8_t prio;
};

struct rnd_rec {
    struct model_irq m[NI];
    unsigned stack[NI];     /* active ones, most recently acknowledged last */
    uint8_t stack_prio[NI]; /* their priority when acknowledged */
    unsigned nactive;
    uint32_t rng;
    /* First disagreement: the step (from 1) and what. */
    unsigned bad_step;
    const char *bad;
    uint32_t bad_iar;
    /* What the script did. */
    uint64_t steps, takes, retakes_level, spurious, masked, eois, exits, maint;
    bool drained;
};

static struct vm *vm;

/* ---- The stimulus device: a write of (index << 1 | level) sets a line ------ */

static int stim_access(struct mmio_dev *dev, struct mmio_access *acc)
{
    (void)dev;
    if (!acc->write)
        return MMIO_OK;
    unsigned i = (unsigned)(acc->value >> 1) % NI;
    int cpu = ids[i] < 32 ? 0 : -1;
    return vgic_inject(vm, cpu, ids[i], acc->value & 1) == 0 ? MMIO_OK : MMIO_REFUSED;
}

static const struct mmio_ops stim_ops = {.access = stim_access};
static struct mmio_dev stim = {.name = "stim", .base = STIM, .size = 0x1000, .ops = &stim_ops};

/* ---- The guest -------------------------------------------------------------- */

static uint32_t rnd(struct rnd_rec *r, uint32_t n)
{
    /* xorshift32: deterministic, so a failure reproduces. */
    r->rng ^= r->rng << 13;
    r->rng ^= r->rng >> 17;
    r->rng ^= r->rng << 5;
    return r->rng % n;
}

static void bad(struct rnd_rec *r, const char *what, uint32_t iar)
{
    if (!r->bad) {
        r->bad = what;
        r->bad_step = (unsigned)r->steps + 1;
        r->bad_iar = iar;
    }
}

static bool pending(const struct rnd_rec *r, unsigned i)
{
    return r->m[i].latch || (!is_edge(i) && r->m[i].line);
}

static bool deliverable(const struct rnd_rec *r, unsigned i)
{
    return r->m[i].enabled && !r->m[i].active && pending(r, i);
}

static int index_of(uint32_t intid)
{
    for (unsigned i = 0; i < NI; i++)
        if (ids[i] == intid)
            return (int)i;
    return -1;
}

static void set_line(struct sim_guest *g, struct rnd_rec *r, unsigned i, bool level)
{
    ug_mmio_wr(g, STIM, 4, (uint32_t)(i << 1 | level));
    if (is_edge(i) && level && !r->m[i].line)
        r->m[i].latch = true; /* rising edge */
    r->m[i].line = level;
}

static void bank_wr(struct sim_guest *g, uint32_t reg, unsigned i)
{
    ug_gicd_wr(g, reg + ids[i] / 32 * 4, 4, 1u << (ids[i] % 32));
}

/* True when the guest acknowledged an interrupt. */
static bool ack(struct sim_guest *g, struct rnd_rec *r)
{
    int best = -1;
    for (unsigned i = 0; i < NI; i++)
        if (deliverable(r, i) && (best < 0 || r->m[i].prio < r->m[best].prio))
            best = (int)i;
    /* A CPU interface signals an interrupt only when its priority is
     * higher than the running priority, that of the last one acknowledged
     * and not EOIed (IHI0048B 3.3); the sim's GICV_IAR does not check, so
     * the guest does, as if it had not been interrupted. */
    if (best >= 0 && r->nactive && r->m[best].prio >= r->stack_prio[r->nactive - 1]) {
        r->masked++;
        return false;
    }
    uint32_t iar = g_irq_ack(g);
    if (iar == UG_SPURIOUS) {
        r->spurious++;
        if (best >= 0 && r->nactive < 2)
            bad(r, "spurious while an interrupt is deliverable and list registers are free",
                ids[best]);
        return false;
    }
    int i = index_of(iar);
    if (i < 0 || !deliverable(r, (unsigned)i)) {
        bad(r, "acknowledged an interrupt the model says is not deliverable", iar);
        return false;
    }
    if (r->m[i].prio != r->m[best].prio)
        bad(r, "acknowledged an interrupt of worse priority than another deliverable", iar);
    if (!is_edge((unsigned)i) && r->m[i].line && !r->m[i].latch)
        r->retakes_level++;
    r->m[i].active = true;
    r->m[i].latch = false; /* an edge, or a level's GICD_ISPENDR, is consumed */
    r->stack_prio[r->nactive] = r->m[i].prio;
    r->stack[r->nactive++] = (unsigned)i;
    r->takes++;
    return true;
}

static void eoi(struct sim_guest *g, struct rnd_rec *r)
{
    if (!r->nactive)
        return;
    unsigned i = r->stack[--r->nactive];
    if (!g_irq_eoi(g, ids[i]))
        bad(r, "EOI of an active interrupt refused", ids[i]);
    r->m[i].active = false;
    r->eois++;
}

static void step(struct sim_guest *g, struct rnd_rec *r)
{
    unsigned i = rnd(r, NI), op = rnd(r, 100);
    if (op < 22) {
        ack(g, r);
    } else if (op < 40) {
        eoi(g, r);
    } else if (op < 60) {
        set_line(g, r, i, !r->m[i].line);
    } else if (op < 65) {
        set_line(g, r, i, true);
        set_line(g, r, i, false);
    } else if (op < 73) {
        r->m[i].enabled = !r->m[i].enabled;
        bank_wr(g, r->m[i].enabled ? UG_GICD_ISENABLER : UG_GICD_ICENABLER, i);
    } else if (op < 80) {
        r->m[i].prio = (uint8_t)(rnd(r, 4) * 0x40);
        ug_gicd_wr(g, UG_GICD_IPRIORITYR + ids[i], 1, r->m[i].prio);
    } else if (op < 88) {
        bank_wr(g, UG_GICD_ISPENDR, i);
        r->m[i].latch = true;
    } else if (op < 93) {
        bank_wr(g, UG_GICD_ICPENDR, i);
        r->m[i].latch = false; /* a level one stays pending while its line is high */
    } else if (op < 95) {
        ug_gicd_rd(g, UG_GICD_TYPER); /* an exit that changes nothing */
    } else {
        /* A handler's loop: take and complete until nothing comes, with no
         * exit of its own (what does not fit must come by maintenance). */
        for (unsigned k = 0; k < 2 * NI && ack(g, r); k++)
            eoi(g, r);
    }
}

static void drain(struct sim_guest *g, struct rnd_rec *r)
{
    while (r->nactive)
        eoi(g, r);
    for (unsigned i = 0; i < NI; i++) {
        if (r->m[i].line)
            set_line(g, r, i, false);
        if (!r->m[i].enabled) {
            r->m[i].enabled = true;
            bank_wr(g, UG_GICD_ISENABLER, i);
        }
    }
    for (unsigned k = 0; k < 4 * NI; k++) {
        ack(g, r);
        eoi(g, r);
    }
    r->drained = true;
    for (unsigned i = 0; i < NI; i++)
        if (pending(r, i) || r->m[i].active)
            bad(r, "the model still has an interrupt pending or active after the drain", ids[i]);
}

static void guest_random(struct sim_guest *g)
{
    struct rnd_rec *r = g->arg;
    /* SPIs 40-51: the even ones edge-triggered (GICD_ICFGR2 and 3, 16
     * INTIDs each, IHI0048B 4.3.13). PPIs stay level. */
    uint32_t cfg[2] = {0, 0};
    for (unsigned i = 0; i < NI; i++)
        if (is_edge(i))
            cfg[ids[i] / 16 - 2] |= 2u << (2 * (ids[i] % 16));
    ug_gicd_wr(g, UG_GICD_ICFGR + 8, 4, cfg[0]);
    ug_gicd_wr(g, UG_GICD_ICFGR + 12, 4, cfg[1]);
    ug_gicd_wr(g, UG_GICD_CTLR, 4, 1);
    uint64_t traps = g->traps, maint = ug_maint_exits(g);
    for (r->steps = 0; r->steps < VGIC_RANDOM_STEPS && !r->bad; r->steps++)
        step(g, r);
    drain(g, r);
    r->exits = g->traps - traps;
    r->maint = ug_maint_exits(g) - maint;
}

static int teardown(void **state)
{
    (void)state;
    unit_vm_destroy(&vm);
    return 0;
}

static void run_random(uint32_t seed)
{
    vm = unit_gic_vm("random", SIM_ARMV8, 1, NSPIS);
    assert_int_equal(vm_add_device(vm, &stim), 0);
    static struct rnd_rec r;
    memset(&r, 0, sizeof(r));
    r.rng = seed;
    unit_vm_start(vm, guest_random, &r, ISA_A64, RAM);
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);

    if (r.bad)
        print_error("step %u: %s (INTID %u)\n", r.bad_step, r.bad, r.bad_iar);
    assert_null(r.bad);
    assert_true(r.drained);
    assert_int_equal(r.steps, VGIC_RANDOM_STEPS);
    /* The script exercised what it is about. */
    assert_true(r.takes > VGIC_RANDOM_STEPS / 20);
    assert_true(r.retakes_level > 0);
    assert_true(r.maint > 0);
    assert_true(r.exits > r.maint);
    /* The distributor agrees: nothing pending or active is left. */
    assert_int_equal(ug_host_gicd_rd(vm, 0, UG_GICD_ISPENDR) & 0x00c00000u, 0);
    assert_int_equal(ug_host_gicd_rd(vm, 0, UG_GICD_ISPENDR + 4), 0);
    assert_int_equal(ug_host_gicd_rd(vm, 0, UG_GICD_ISACTIVER) & 0x00c00000u, 0);
    assert_int_equal(ug_host_gicd_rd(vm, 0, UG_GICD_ISACTIVER + 4), 0);
}

static void test_random_script(void **state)
{
    (void)state;
    run_random(0x9e3779b9u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_random_script, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
