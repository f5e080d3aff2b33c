/*
 * Several physical CPUs (sim: simulated CPUs as host threads, sim_smp_start):
 * virtual IPIs to a vCPU running on another CPU (seen without waiting for a
 * time slice: a kick), blocked there (woken) or not started (pending until
 * it starts); a vCPU that moves to another CPU keeps its pending interrupt
 * and its registers; two busy vCPUs on two CPUs run at the same time; two
 * CPU_ON calls for one target from two CPUs at once; SYSTEM_OFF with vCPUs
 * running and blocked on other CPUs; affinity. Guests on different CPUs run
 * at the same time, so everything they share goes through atomics.
 *
 * The coroutine builds (qemu-user) have one simulated CPU: these tests are
 * skipped there, with the reason printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arch/sim/sim.h"
#include "core/pcpu.h"
#include "core/sched.h"
#include "core/vgic.h"
#include "core/vm.h"
#include "helpers/unit_vm.h"

#define RAM      0x40000000ull
#define ENTRY1   (RAM + 0x1000)
#define ENTRY2   (RAM + 0x2000)
#define D        0x08000000ull /* distributor */
#define SPURIOUS 1023u

#define FN_CPU_OFF    0x84000002u
#define FN_CPU_ON     0xc4000003u
#define FN_SYSTEM_OFF 0x84000008u

#define PSCI_SUCCESS          0
#define PSCI_ALREADY_ON       ((uint64_t)(int64_t)-4)
#define PSCI_ON_PENDING       ((uint64_t)(int64_t)-5)
#define PSCI_INTERNAL_FAILURE ((uint64_t)(int64_t)-6)

/* Bound on a guest's waits (iterations), far beyond what a passing run
 * needs; a failing one ends and its test reports what it saw. */
#define WAIT_MAX 20000000u

static struct vm *vm;

static int ld(const int *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void st(int *p, int v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* A VM with nvcpus vCPUs and a vGIC, vCPU 0 running fn0, on ncpus
 * simulated CPUs; false (the test skips) where the sim has one CPU. */
static bool build(unsigned ncpus, unsigned nvcpus, sim_guest_fn fn0, void *arg)
{
    sim_reset(SIM_ARMV8, 64ull << 20);
    sim_console_clear();
    const char *why = NULL;
    if (sim_smp_start(ncpus, &why) != 0) {
        printf("skipped: %s\n", why ? why : "no simulated CPUs");
        return false;
    }
    vm = vm_create("smp", nvcpus, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, RAM, 1ull << 20, S2_RWX), 0);
    assert_int_equal(vgic_attach(vm, 32, D), 0);
    assert_int_equal(sim_vcpu_set_guest(&vm->vcpus[0], fn0, arg), 0);
    return true;
}

static void start0(void)
{
    struct vcpu_boot boot = {.isa = ISA_A64, .pc = RAM};
    assert_int_equal(vcpu_start(vm, 0, &boot), 0);
}

static int teardown(void **state)
{
    (void)state;
    unit_smp_destroy(&vm);
    return 0;
}

static void gicd_wr(struct sim_guest *g, uint64_t off, unsigned size, uint32_t v)
{
    g_set_reg(g, 1, v);
    g_str(g, 1, D + off, size);
}

/* GICD_SGIR (IHI0048B 4.3.15): filter 0 (the target list), targets, SGI. */
static void send_sgi(struct sim_guest *g, unsigned targets, unsigned sgi)
{
    gicd_wr(g, 0xf00, 4, targets << 16 | sgi);
}

static uint64_t psci(struct sim_guest *g, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return g_smccc(g, fid, a1, a2, a3);
}

/* Busy-wait (instructions that do not trap) until *flag is set. */
static void spin_until(struct sim_guest *g, const int *flag)
{
    for (unsigned n = 0; !ld(flag) && n < WAIT_MAX; n++)
        g_spin(g, 1);
}

/* ---- SGIs ------------------------------------------------------------------- */

struct sgi_rec {
    unsigned mode; /* the target waits busy (0) or in WFI (1) */
    int ready, sent, done;
    int target_cpu; /* the CPU the target ran on when it took it */
    int sender_cpu; /* the CPU vCPU 0 ran on when it sent it */
    uint32_t iar;
    unsigned wfis; /* WFIs the target executed before it got it */
    uint64_t state_at_send;
    unsigned home_at_send;
};

/* vCPU 1: enable SGI 3, say so, then wait busy (mode 0) or in WFI (1). */
static void guest_sgi_target(struct sim_guest *g)
{
    struct sgi_rec *r = g->arg;
    unsigned mode = (unsigned)g_reg(g, 0);
    gicd_wr(g, 0x100, 4, 1u << 3); /* GICD_ISENABLER0: SGI 3, own bank */
    st(&r->ready, 1);
    uint32_t iar = SPURIOUS;
    for (unsigned n = 0; n < WAIT_MAX && iar == SPURIOUS; n++) {
        if (mode == 1) {
            g_wfi(g);
            r->wfis++;
        } else {
            g_spin(g, 1);
        }
        iar = g_irq_ack(g);
    }
    r->iar = iar;
    r->target_cpu = (int)arch_cpu_id();
    g_irq_eoi(g, iar);
    st(&r->done, 1);
    psci(g, FN_CPU_OFF, 0, 0, 0);
}

static void guest_sgi_sender(struct sim_guest *g)
{
    struct sgi_rec *r = g->arg;
    unsigned mode = r->mode;
    gicd_wr(g, 0x000, 4, 1); /* GICD_CTLR.EnableGrp0 */
    psci(g, FN_CPU_ON, 1, ENTRY1, mode);
    spin_until(g, &r->ready);
    /* Blocked target: wait until it is in WFI on its CPU. */
    for (unsigned n = 0; mode == 1 && vcpu_state(&vm->vcpus[1]) != VCPU_WFI && n < WAIT_MAX; n++)
        g_spin(g, 1);
    r->state_at_send = vcpu_state(&vm->vcpus[1]);
    r->home_at_send = __atomic_load_n(&vm->vcpus[1].home, __ATOMIC_ACQUIRE);
    r->sender_cpu = (int)arch_cpu_id();
    send_sgi(g, 1u << 1, 3);
    st(&r->sent, 1);
    spin_until(g, &r->done);
}

static void run_sgi(unsigned mode, struct sgi_rec *r)
{
    *r = (struct sgi_rec){.mode = mode};
    if (!build(2, 2, guest_sgi_sender, r))
        skip();
    sim_guest_at(ENTRY1, guest_sgi_target, r);
    start0();
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_int_equal(ld(&r->done), 1);
    /* Placed on the idle CPU: the one vCPU 0 does not run on (which is
     * CPU 1, unless CPU 1, idle, took vCPU 0 from CPU 0's queue before
     * CPU 0 ran it: the scheduler's right). */
    assert_int_not_equal(r->target_cpu, r->sender_cpu);
    assert_int_equal(r->home_at_send, (unsigned)r->target_cpu);
    assert_int_equal(r->iar, 3); /* SGI 3 from vCPU 0 (GICV_IAR.CPUID 0) */
    /* It learned of it by a kick to its CPU, not by a slice ending: that
     * CPU has one vCPU and times no slice. */
    assert_true(sim_cpu_kicks((unsigned)r->target_cpu) >= 1);
}

static void test_sgi_to_running_remote(void **state)
{
    (void)state;
    struct sgi_rec r;
    run_sgi(0, &r);
    assert_int_equal(r.state_at_send, VCPU_RUNNING);
}

static void test_sgi_to_blocked_remote(void **state)
{
    (void)state;
    struct sgi_rec r;
    run_sgi(1, &r);
    assert_int_equal(r.state_at_send, VCPU_WFI);
    /* One WFI, ended by the SGI: no spurious wake-up meanwhile. */
    assert_int_equal(r.wfis, 1);
}

/* An SGI sent to a vCPU that is off waits for it; it starts on the other
 * CPU and takes it there. */
static void guest_unstarted_target(struct sim_guest *g)
{
    struct sgi_rec *r = g->arg;
    gicd_wr(g, 0x100, 4, 1u << 3);
    r->iar = g_irq_ack(g);
    r->target_cpu = (int)arch_cpu_id();
    g_irq_eoi(g, r->iar);
    st(&r->done, 1);
    psci(g, FN_CPU_OFF, 0, 0, 0);
}

static void guest_unstarted_sender(struct sim_guest *g)
{
    struct sgi_rec *r = g->arg;
    gicd_wr(g, 0x000, 4, 1);
    r->state_at_send = vcpu_state(&vm->vcpus[1]);
    send_sgi(g, 1u << 1, 3);
    psci(g, FN_CPU_ON, 1, ENTRY1, 0);
    spin_until(g, &r->done);
}

static void test_sgi_to_unstarted(void **state)
{
    (void)state;
    struct sgi_rec r = {0};
    if (!build(2, 2, guest_unstarted_sender, &r))
        skip();
    /* Pinned to CPU 1: otherwise CPU 0, idle while vCPU 0 waits, may take
     * it from CPU 1's queue first, which is the scheduler's right. */
    vm->vcpus[1].affinity = 1u << 1;
    sim_guest_at(ENTRY1, guest_unstarted_target, &r);
    start0();
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_int_equal(r.state_at_send, VCPU_OFF);
    assert_int_equal(ld(&r.done), 1);
    assert_int_equal(r.iar, 3);
    assert_int_equal(r.target_cpu, 1);
}

/* ---- Migration ---------------------------------------------------------------- */

struct move_rec {
    int ready, done;
    int cpu_before, cpu_after;
    uint32_t iar;
    uint64_t regs[4];
};

/* vCPU 1 sets registers, yields, and (perhaps elsewhere by then) takes
 * the SGI sent meanwhile. */
static void guest_mover(struct sim_guest *g)
{
    struct move_rec *m = g->arg;
    gicd_wr(g, 0x100, 4, 1u << 5);
    for (unsigned i = 0; i < 4; i++)
        g_set_reg(g, 19 + i, 0x1900 + i);
    m->cpu_before = (int)arch_cpu_id();
    st(&m->ready, 1);
    /* Wait, yielding the CPU, until the SGI is there. */
    uint32_t iar = SPURIOUS;
    for (unsigned n = 0; n < WAIT_MAX && iar == SPURIOUS; n++) {
        g_wfe(g);
        iar = g_irq_ack(g);
    }
    m->iar = iar;
    g_irq_eoi(g, iar);
    m->cpu_after = (int)arch_cpu_id();
    for (unsigned i = 0; i < 4; i++)
        m->regs[i] = g_reg(g, 19 + i);
    st(&m->done, 1);
    psci(g, FN_CPU_OFF, 0, 0, 0);
}

static void guest_move0(struct sim_guest *g)
{
    struct move_rec *m = g->arg;
    gicd_wr(g, 0x000, 4, 1);
    psci(g, FN_CPU_ON, 1, ENTRY1, 0); /* on this CPU: the only one online */
    for (unsigned n = 0; !ld(&m->ready) && n < WAIT_MAX; n++)
        g_wfe(g); /* lets vCPU 1 run */
    /* vCPU 1 waits in this CPU's run queue, put: its SGI goes pending on
     * its in-flight list; then a second CPU comes online and, idle, takes
     * it from here. */
    send_sgi(g, 1u << 1, 5);
    const char *why;
    if (sim_smp_start(2, &why) != 0)
        return;
    spin_until(g, &m->done);
}

static void test_migration_keeps_pending_and_registers(void **state)
{
    (void)state;
    struct move_rec m = {0};
    sim_reset(SIM_ARMV8, 64ull << 20);
    const char *why = NULL;
    if (sim_smp_start(2, &why) != 0) {
        printf("skipped: %s\n", why);
        skip();
    }
    sim_reset(SIM_ARMV8, 64ull << 20); /* one CPU until vCPU 0 starts the second */
    vm = vm_create("move", 2, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, RAM, 1ull << 20, S2_RWX), 0);
    assert_int_equal(vgic_attach(vm, 32, D), 0);
    assert_int_equal(sim_vcpu_set_guest(&vm->vcpus[0], guest_move0, &m), 0);
    sim_guest_at(ENTRY1, guest_mover, &m);
    start0();
    uint64_t local0 = sim_tlb_counts()->inval_vmid_local;
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_int_equal(ld(&m.done), 1);
    assert_int_equal(m.cpu_before, 0);
    assert_int_equal(m.cpu_after, 1); /* it moved... */
    assert_int_equal(m.iar, 5);       /* ...with its pending SGI */
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(m.regs[i], 0x1900 + i);
    /* vCPUs 0 and 1 took turns on CPU 0: its stage-1 TLB entries of the
     * VMID were invalidated when the other one came. */
    assert_true(sim_tlb_counts()->inval_vmid_local > local0);
}

/* One vCPU alone on its CPU: never a local TLB invalidation. */
static void guest_alone(struct sim_guest *g)
{
    for (unsigned i = 0; i < 100; i++)
        g_wfe(g);
}

static void test_one_vcpu_no_tlb_invalidation(void **state)
{
    (void)state;
    sim_reset(SIM_ARMV8, 64ull << 20);
    vm = vm_create("alone", 1, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, RAM, 1ull << 20, S2_RWX), 0);
    assert_int_equal(sim_vcpu_set_guest(&vm->vcpus[0], guest_alone, NULL), 0);
    start0();
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_int_equal(sim_tlb_counts()->inval_vmid_local, 0);
}

/* ---- Two CPUs at once ----------------------------------------------------------- */

struct pair {
    int count[2];
    int overlap[2]; /* saw the other move with no exit of its own between */
    int started;
};

static void busy(struct sim_guest *g, unsigned me)
{
    struct pair *p = g->arg;
    unsigned other = me ^ 1u;
    for (unsigned n = 0; n < WAIT_MAX && !(ld(&p->overlap[0]) && ld(&p->overlap[1])); n++) {
        uint64_t traps = g->traps;
        int seen = ld(&p->count[other]);
        for (unsigned k = 0; k < 50; k++) {
            g_spin(g, 1);
            __atomic_fetch_add(&p->count[me], 1, __ATOMIC_RELEASE);
        }
        if (ld(&p->count[other]) != seen && g->traps == traps)
            st(&p->overlap[me], 1);
    }
}

static void guest_busy1(struct sim_guest *g)
{
    busy(g, 1);
    psci(g, FN_CPU_OFF, 0, 0, 0);
}

static void guest_busy0(struct sim_guest *g)
{
    psci(g, FN_CPU_ON, 1, ENTRY1, 0);
    busy(g, 0);
}

static void test_two_busy_vcpus_run_together(void **state)
{
    (void)state;
    struct pair p = {0};
    if (!build(2, 2, guest_busy0, &p))
        skip();
    sim_guest_at(ENTRY1, guest_busy1, &p);
    start0();
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    /* On one CPU neither could see the other move without leaving the
     * guest (a trap) first. */
    assert_int_equal(ld(&p.overlap[0]), 1);
    assert_int_equal(ld(&p.overlap[1]), 1);
}

/* ---- CPU_ON from two CPUs at once ------------------------------------------------- */

struct race {
    int at_gate, go, done[4];
    uint64_t r[3];
};

static void guest_race_target(struct sim_guest *g)
{
    struct race *rc = g->arg;
    /* On until both calls returned: off sooner, the second CPU_ON could
     * start it again, rightly. */
    spin_until(g, &rc->done[1]);
    spin_until(g, &rc->done[2]);
    st(&rc->done[3], 1);
    psci(g, FN_CPU_OFF, 0, 0, 0);
}

static void guest_racer(struct sim_guest *g)
{
    struct race *rc = g->arg;
    unsigned me = (unsigned)g_reg(g, 0);
    __atomic_fetch_add(&rc->at_gate, 1, __ATOMIC_ACQ_REL);
    spin_until(g, &rc->go);
    rc->r[me] = psci(g, FN_CPU_ON, 3, ENTRY2, 0);
    st(&rc->done[me], 1);
    psci(g, FN_CPU_OFF, 0, 0, 0);
}

static void guest_race0(struct sim_guest *g)
{
    struct race *rc = g->arg;
    psci(g, FN_CPU_ON, 1, ENTRY1, 1);
    psci(g, FN_CPU_ON, 2, ENTRY1, 2);
    for (unsigned n = 0; ld(&rc->at_gate) < 2 && n < WAIT_MAX; n++)
        g_spin(g, 1);
    st(&rc->go, 1); /* both call CPU_ON for vCPU 3 now, from CPUs 1 and 2 */
    spin_until(g, &rc->done[1]);
    spin_until(g, &rc->done[2]);
    spin_until(g, &rc->done[3]);
}

static void test_cpu_on_race_two_cpus(void **state)
{
    (void)state;
    for (unsigned round = 0; round < 10; round++) {
        struct race rc = {0};
        if (!build(3, 4, guest_race0, &rc))
            skip();
        sim_guest_at(ENTRY1, guest_racer, &rc);
        sim_guest_at(ENTRY2, guest_race_target, &rc);
        start0();
        assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
        assert_int_equal(ld(&rc.done[3]), 1);
        unsigned ok = (rc.r[1] == PSCI_SUCCESS) + (rc.r[2] == PSCI_SUCCESS);
        assert_int_equal(ok, 1);
        uint64_t loser = rc.r[1] == PSCI_SUCCESS ? rc.r[2] : rc.r[1];
        assert_true(loser == PSCI_ON_PENDING || loser == PSCI_ALREADY_ON);
        teardown(NULL);
    }
}

/* ---- SYSTEM_OFF with vCPUs on other CPUs ------------------------------------------ */

struct off_rec {
    int running[3];
    int finished[3];
};

/* vCPU 1 waits in WFI for good, vCPU 2 spins for good. */
static void guest_forever(struct sim_guest *g)
{
    struct off_rec *o = g->arg;
    unsigned me = (unsigned)g_reg(g, 0);
    gicd_wr(g, 0x100, 4, 1u << 9); /* something that could wake it */
    st(&o->running[me], 1);
    for (unsigned n = 0; n < WAIT_MAX; n++) {
        if (me == 1)
            g_wfi(g);
        else
            g_spin(g, 1);
    }
    st(&o->finished[me], 1);
}

static void guest_off0(struct sim_guest *g)
{
    struct off_rec *o = g->arg;
    gicd_wr(g, 0x000, 4, 1);
    psci(g, FN_CPU_ON, 1, ENTRY1, 1);
    psci(g, FN_CPU_ON, 2, ENTRY1, 2);
    spin_until(g, &o->running[1]);
    spin_until(g, &o->running[2]);
    for (unsigned n = 0; vcpu_state(&vm->vcpus[1]) != VCPU_WFI && n < WAIT_MAX; n++)
        g_spin(g, 1);
    psci(g, FN_SYSTEM_OFF, 0, 0, 0);
}

static void test_system_off_stops_every_cpu(void **state)
{
    (void)state;
    struct off_rec o = {0};
    if (!build(3, 3, guest_off0, &o))
        skip();
    sim_guest_at(ENTRY1, guest_forever, &o);
    start0();
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_int_equal(vm_state(vm), VM_OFF);
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(vcpu_state(&vm->vcpus[i]), VCPU_STOPPED);
        /* No CPU holds it any more: its memory may go. */
        assert_int_equal(__atomic_load_n(&vm->vcpus[i].resident, __ATOMIC_ACQUIRE), -1);
    }
    assert_int_equal(ld(&o.running[1]), 1);
    assert_int_equal(ld(&o.running[2]), 1);
    /* Stopped in the middle, not run to their end. */
    assert_int_equal(ld(&o.finished[1]), 0);
    assert_int_equal(ld(&o.finished[2]), 0);
}

/* A vCPU on CPU 1 livelocks (the same refused load at the same PC, again
 * and again): its VM is stopped as crashed from CPU 1, and vCPU 0, busy on
 * CPU 0 where sched_run waits, is taken out of the guest by the kick. */
struct crash_rec {
    int started;
    int cpu;      /* where the livelocking vCPU ran */
    int cpu0;     /* where vCPU 0 ran */
    int spun_out; /* vCPU 0 reached the end of its loop: never kicked */
};

static void guest_livelock(struct sim_guest *g)
{
    struct crash_rec *c = g->arg;
    c->cpu = (int)arch_cpu_id();
    st(&c->started, 1);
    for (unsigned n = 0; n < 2 * VCPU_LIVELOCK_REPEATS; n++) {
        g_set_pc(g, ENTRY1);
        g_ldr(g, 3, 0x20000000, 4); /* nothing there: refused, an abort */
    }
}

static void guest_crash0(struct sim_guest *g)
{
    struct crash_rec *c = g->arg;
    c->cpu0 = (int)arch_cpu_id();
    psci(g, FN_CPU_ON, 1, ENTRY1, 0);
    for (unsigned n = 0; n < WAIT_MAX; n++)
        g_spin(g, 1);
    st(&c->spun_out, 1);
}

static void test_crash_on_other_cpu_stops_vm(void **state)
{
    (void)state;
    struct crash_rec c = {0};
    if (!build(2, 2, guest_crash0, &c))
        skip();
    sim_guest_at(ENTRY1, guest_livelock, &c);
    start0();
    assert_int_equal(vcpu_run(&vm->vcpus[0]), VM_EXIT_LIVELOCK);
    assert_int_equal(vm_state(vm), VM_CRASHED);
    assert_int_equal(ld(&c.started), 1);
    assert_int_not_equal(c.cpu, c.cpu0); /* on the other CPU */
    assert_int_equal(ld(&c.spun_out), 0);
    for (unsigned i = 0; i < 2; i++)
        assert_int_equal(__atomic_load_n(&vm->vcpus[i].resident, __ATOMIC_ACQUIRE), -1);
}

/* ---- Affinity ------------------------------------------------------------------- */

struct pin_rec {
    int cpus[4]; /* bit n: ran on CPU n */
    int stop;
    uint64_t bad_on;
};

static void note_cpu(struct pin_rec *p, unsigned me)
{
    __atomic_fetch_or(&p->cpus[me], 1 << arch_cpu_id(), __ATOMIC_RELAXED);
}

static void guest_pinned(struct sim_guest *g)
{
    struct pin_rec *p = g->arg;
    unsigned me = (unsigned)g_reg(g, 0);
    for (unsigned n = 0; n < 2000 && !ld(&p->stop); n++) {
        note_cpu(p, me);
        g_wfe(g); /* yields: the CPU's other vCPU runs, an idle CPU may take it */
        g_spin(g, 10);
    }
    note_cpu(p, me);
    psci(g, FN_CPU_OFF, 0, 0, 0);
}

static void guest_pin0(struct sim_guest *g)
{
    struct pin_rec *p = g->arg;
    p->bad_on = psci(g, FN_CPU_ON, 3, ENTRY1, 3); /* pinned to an offline CPU */
    psci(g, FN_CPU_ON, 1, ENTRY1, 1);
    psci(g, FN_CPU_ON, 2, ENTRY1, 2);
    for (unsigned n = 0; n < 2000; n++) {
        note_cpu(p, 0);
        g_wfe(g);
        g_spin(g, 10);
    }
    st(&p->stop, 1);
}

static void test_affinity_pinned_vcpu_stays(void **state)
{
    (void)state;
    struct pin_rec p = {0};
    if (!build(2, 4, guest_pin0, &p))
        skip();
    sim_guest_at(ENTRY1, guest_pinned, &p);
    vm->vcpus[0].affinity = 1u << 0;
    vm->vcpus[1].affinity = 1u << 0; /* shares CPU 0 while CPU 1 has room */
    vm->vcpus[2].affinity = 1u << 1;
    vm->vcpus[3].affinity = 1u << 5; /* no such CPU online */
    start0();
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_int_equal(p.bad_on, PSCI_INTERNAL_FAILURE);
    assert_int_equal(ld(&p.cpus[0]), 1 << 0);
    assert_int_equal(ld(&p.cpus[1]), 1 << 0);
    assert_int_equal(ld(&p.cpus[2]), 1 << 1);
}

/* Control for the test above: unpinned, the second vCPU queued on CPU 0 is
 * taken by idle CPU 1 (so the pinned one stayed because of its pin). */
static void guest_unpin0(struct sim_guest *g)
{
    struct pin_rec *p = g->arg;
    psci(g, FN_CPU_ON, 1, ENTRY1, 1); /* placed on CPU 0: CPU 1 is offline */
    const char *why;
    if (sim_smp_start(2, &why) != 0)
        return;
    for (unsigned n = 0; n < 2000 && !(ld(&p->cpus[1]) & 2); n++) {
        note_cpu(p, 0);
        g_wfe(g);
        g_spin(g, 10);
    }
    st(&p->stop, 1);
}

static void test_affinity_unpinned_vcpu_moves(void **state)
{
    (void)state;
    struct pin_rec p = {0};
    sim_reset(SIM_ARMV8, 64ull << 20);
    const char *why = NULL;
    if (sim_smp_start(2, &why) != 0) {
        printf("skipped: %s\n", why);
        skip();
    }
    sim_reset(SIM_ARMV8, 64ull << 20);
    vm = vm_create("unpin", 2, 0);
    assert_non_null(vm);
    assert_int_equal(vm_add_ram(vm, RAM, 1ull << 20, S2_RWX), 0);
    assert_int_equal(vgic_attach(vm, 32, D), 0);
    assert_int_equal(sim_vcpu_set_guest(&vm->vcpus[0], guest_unpin0, &p), 0);
    sim_guest_at(ENTRY1, guest_pinned, &p);
    start0();
    assert_int_equal(vcpu_run(&vm->vcpus[0]), 0);
    assert_true(ld(&p.cpus[1]) & 2); /* it ran on CPU 1 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_sgi_to_running_remote, teardown),
        cmocka_unit_test_teardown(test_sgi_to_blocked_remote, teardown),
        cmocka_unit_test_teardown(test_sgi_to_unstarted, teardown),
        cmocka_unit_test_teardown(test_migration_keeps_pending_and_registers, teardown),
        cmocka_unit_test_teardown(test_one_vcpu_no_tlb_invalidation, teardown),
        cmocka_unit_test_teardown(test_two_busy_vcpus_run_together, teardown),
        cmocka_unit_test_teardown(test_cpu_on_race_two_cpus, teardown),
        cmocka_unit_test_teardown(test_system_off_stops_every_cpu, teardown),
        cmocka_unit_test_teardown(test_crash_on_other_cpu_stops_vm, teardown),
        cmocka_unit_test_teardown(test_affinity_pinned_vcpu_stays, teardown),
        cmocka_unit_test_teardown(test_affinity_unpinned_vcpu_moves, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
