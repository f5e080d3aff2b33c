/*
 * Posted list registers (core/vgic_post.c) on two simulated CPUs: an SGI
 * sent to a vCPU running in its guest on the other CPU is written into its
 * list registers by the list-register kick, without its exit path, and
 * the guest sees every SGI as the GIC says it should, whether it was
 * posted or took the usual path (the target's own exits race with the
 * posts: a post to list registers being closed must fall back, never be
 * lost):
 *  - a ping-pong of SGIs, each taken once, with almost no flush of the
 *    target's list registers (each would cost one without posting);
 *  - the same while the target exits on its own every few instructions;
 *  - an SGI sent twice before the guest takes it is taken once (merged);
 *    sent again while the guest is in its handler, it is taken again
 *    after the EOI (active and pending).
 * Skipped where the sim has one CPU (the qemu-user builds).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "arch/sim/sim.h"
#include "core/vgic.h"
#include "core/vm.h"
#include "helpers/unit_vm.h"

#define RAM      0x40000000ull
#define ENTRY1   (RAM + 0x1000)
#define D        0x08000000ull /* distributor */
#define SPURIOUS 1023u
#define SGI      5u
#define PINGS    2000u

#define FN_CPU_OFF 0x84000002u
#define FN_CPU_ON  0xc4000003u

/* Bound on a guest's waits, in host time, far beyond what a passing run
 * needs even on a loaded host (the simulated CPUs are host threads); a
 * failing one ends and its test reports what it saw. */
#define WAIT_SECONDS 30

static struct vm *vm;

static int ld(const int *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void st(int *p, int v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

struct post_rec {
    int exit_every; /* the target's MMIO read every this many spins (0: none) */
    int ready, stop, taken, bad, cpu0, cpu1;
    /* The merge test's steps and what the target took in each. */
    int step, step_done;
    int got[3];
    bool eoi_ok; /* the EOI in step 2 found its interrupt active */
};

static void gicd_wr(struct sim_guest *g, uint64_t off, uint32_t v)
{
    g_set_reg(g, 1, v);
    g_str(g, 1, D + off, 4);
}

static void send_sgi(struct sim_guest *g)
{
    gicd_wr(g, 0xf00, 1u << (16 + 1) | SGI); /* GICD_SGIR: vCPU 1 */
}

/* A wait's end, and whether it is past (looked at every 4096 calls). */
static time_t wait_end(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + WAIT_SECONDS;
}

static bool waited_out(unsigned n, time_t end)
{
    if (n % 4096)
        return false;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec > end;
}

static void spin_until(struct sim_guest *g, const int *p, int v)
{
    time_t end = wait_end();
    for (unsigned n = 0; ld(p) < v && !waited_out(n, end); n++)
        g_spin(g, 1);
}

/* Acknowledge and EOI what is pending; how many were SGI 5 from vCPU 0. */
static int take_all(struct sim_guest *g, struct post_rec *r)
{
    int n = 0;
    for (uint32_t iar; (iar = g_irq_ack(g)) != SPURIOUS;) {
        if (iar == SGI)
            n++;
        else
            __atomic_fetch_add(&r->bad, 1, __ATOMIC_RELAXED);
        g_irq_eoi(g, iar);
    }
    return n;
}

/* vCPU 1, ping-pong: spin, take SGIs, count them; an MMIO read (a full
 * exit) every exit_every spins. */
static void guest_target(struct sim_guest *g)
{
    struct post_rec *r = g->arg;
    gicd_wr(g, 0x100, 1u << SGI); /* GICD_ISENABLER0 */
    st(&r->cpu1, (int)arch_cpu_id());
    st(&r->ready, 1);
    time_t end = wait_end();
    for (unsigned n = 0; !ld(&r->stop) && !waited_out(n, end); n++) {
        g_spin(g, 1);
        if (r->exit_every && n % (unsigned)r->exit_every == 0)
            g_ldr(g, 2, D + 0x004, 4); /* GICD_TYPER */
        int k = take_all(g, r);
        if (k)
            __atomic_fetch_add(&r->taken, k, __ATOMIC_ACQ_REL);
    }
    g_smccc(g, FN_CPU_OFF, 0, 0, 0);
}

static void guest_sender(struct sim_guest *g)
{
    struct post_rec *r = g->arg;
    gicd_wr(g, 0x000, 1); /* GICD_CTLR.EnableGrp0 */
    g_smccc(g, FN_CPU_ON, 1, ENTRY1, 0);
    spin_until(g, &r->ready, 1);
    st(&r->cpu0, (int)arch_cpu_id());
    for (int i = 0; i < (int)PINGS; i++) {
        send_sgi(g);
        spin_until(g, &r->taken, i + 1);
        if (ld(&r->taken) != i + 1)
            break; /* lost or doubled: the test says which */
    }
    st(&r->stop, 1);
}

static bool build(sim_guest_fn fn0, sim_guest_fn fn1, void *arg)
{
    sim_reset(SIM_ARMV8, 64ull << 20);
    const char *why = NULL;
    if (sim_smp_start(2, &why) != 0) {
        printf("skipped: %s\n", why ? why : "no simulated CPUs");
        return false;
    }
    vm = vm_create("post", 2, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, RAM, 1ull << 20, S2_RWX), 0);
    assert_int_equal(vgic_attach(vm, 32, D), 0);
    assert_int_equal(sim_vcpu_set_guest(&vm->vcpus[0], fn0, arg), 0);
    sim_guest_at(ENTRY1, fn1, arg);
    struct vcpu_boot boot = {.isa = ISA_A64, .pc = RAM};
    assert_int_equal(vcpu_start(vm, 0, &boot), 0);
    return true;
}

static int teardown(void **state)
{
    (void)state;
    unit_smp_destroy(&vm);
    return 0;
}

static void run_pings(struct post_rec *r)
{
    if (!build(guest_sender, guest_target, r))
        skip();
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    const struct vgic_work *w = &vm->vgic->cpu[1].work;
    printf("taken %d: posts %llu, post takes %llu, flushes %llu for %u SGIs\n", r->taken,
           (unsigned long long)w->posts, (unsigned long long)w->post_takes,
           (unsigned long long)w->flushes, PINGS);
    assert_int_not_equal(r->cpu0, r->cpu1); /* the target had a CPU of its own */
    assert_int_equal(r->taken, PINGS);      /* none lost, none doubled */
    assert_int_equal(r->bad, 0);
}

static void test_pings_posted(void **state)
{
    (void)state;
    struct post_rec r = {0};
    run_pings(&r);
    const struct vgic_work *w = &vm->vgic->cpu[1].work;
    /* Posted: the list-register kick wrote them, not a flush. */
    assert_true(w->posts >= PINGS - 10);
    assert_true(w->post_takes >= 1);
    assert_true(sim_cpu_lr_kicks_fast((unsigned)r.cpu1) >= 1);
    assert_true(w->flushes < PINGS / 10);
}

static void test_pings_racing_exits(void **state)
{
    (void)state;
    struct post_rec r = {.exit_every = 3};
    run_pings(&r);
    const struct vgic_work *w = &vm->vgic->cpu[1].work;
    /* Both ways happen; the count above says neither lost nor doubled. */
    assert_true(w->posts >= 1);
}

/* ---- Merged, and pending again while active -------------------------------- */

/* vCPU 1: step 1, take nothing until the sender sent twice, then take all;
 * step 2, acknowledge one, wait in the handler while the sender sends
 * again, EOI, take all. */
static void guest_merge_target(struct sim_guest *g)
{
    struct post_rec *r = g->arg;
    gicd_wr(g, 0x100, 1u << SGI);
    st(&r->cpu1, (int)arch_cpu_id());
    st(&r->ready, 1);
    spin_until(g, &r->step, 2); /* the sender sent twice meanwhile */
    r->got[1] = take_all(g, r);
    st(&r->step_done, 1);
    uint32_t iar = SPURIOUS;
    time_t end = wait_end();
    for (unsigned n = 0; iar == SPURIOUS && !waited_out(n, end); n++) {
        g_spin(g, 1);
        iar = g_irq_ack(g);
    }
    r->got[2] = iar == SGI;
    st(&r->step_done, 2);
    spin_until(g, &r->step, 3); /* sent again while active */
    r->eoi_ok = g_irq_eoi(g, iar);
    r->got[2] += take_all(g, r);
    st(&r->step_done, 3);
    g_smccc(g, FN_CPU_OFF, 0, 0, 0);
}

/* Until what was sent to vCPU 1 is in its list registers: no post left to
 * apply, no change left to flush (the GIC gives no bound on when a pending
 * interrupt reaches a CPU; the test's steps need it there). */
static void settle(struct sim_guest *g)
{
    struct vgic_cpu *c = &vm->vgic->cpu[1];
    time_t end = wait_end();
    for (unsigned n = 0; !waited_out(n, end) &&
                         ((__atomic_load_n(&c->post, __ATOMIC_ACQUIRE) & VGIC_POST_LR_MASK) ||
                          __atomic_load_n(&c->dirty, __ATOMIC_ACQUIRE));
         n++)
        g_spin(g, 1);
}

static void guest_merge_sender(struct sim_guest *g)
{
    struct post_rec *r = g->arg;
    gicd_wr(g, 0x000, 1);
    g_smccc(g, FN_CPU_ON, 1, ENTRY1, 0);
    spin_until(g, &r->ready, 1);
    st(&r->cpu0, (int)arch_cpu_id());
    send_sgi(g);
    settle(g);
    send_sgi(g);
    settle(g);
    st(&r->step, 2);
    spin_until(g, &r->step_done, 1);
    send_sgi(g); /* taken into the handler */
    spin_until(g, &r->step_done, 2);
    send_sgi(g); /* while in the handler */
    settle(g);
    st(&r->step, 3);
    spin_until(g, &r->step_done, 3);
}

static void test_merge_and_active_pending(void **state)
{
    (void)state;
    struct post_rec r = {0};
    if (!build(guest_merge_sender, guest_merge_target, &r))
        skip();
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_int_not_equal(r.cpu0, r.cpu1);
    assert_int_equal(r.step_done, 3);
    assert_int_equal(r.got[1], 1); /* two sends, not yet taken: one SGI */
    assert_int_equal(r.got[2], 2); /* one taken, one sent during its handler */
    assert_true(r.eoi_ok);         /* still active when the second came */
    assert_int_equal(r.bad, 0);
    assert_true(vm->vgic->cpu[1].work.posts >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_pings_posted, teardown),
        cmocka_unit_test_teardown(test_pings_racing_exits, teardown),
        cmocka_unit_test_teardown(test_merge_and_active_pending, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
