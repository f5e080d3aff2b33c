/*
 * HVC/SMC calls from sim guests (SMCCC, Arm DEN0028) and PSCI (DEN0022):
 * armvisor's ping/putc/exit, PSCI discovery and power calls, unknown IDs
 * answering NOT_SUPPORTED, SMC completing past the instruction, AArch32
 * callers seeing 32-bit results.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/virt_layout.h"
#include "arch/sim/sim.h"
#include "core/hvc.h"
#include "core/vm.h"
#include "helpers/unit_vm.h"

#define RAM VIRT_RAM_BASE

/* Function IDs written out from DEN0022D, not taken from psci.h. */
#define FN_PSCI_VERSION      0x84000000u
#define FN_CPU_SUSPEND       0x84000001u
#define FN_CPU_OFF           0x84000002u
#define FN_CPU_ON            0x84000003u
#define FN_CPU_ON64          0xc4000003u
#define FN_AFFINITY_INFO     0x84000004u
#define FN_MIGRATE_INFO_TYPE 0x84000006u
#define FN_SYSTEM_OFF        0x84000008u
#define FN_SYSTEM_RESET      0x84000009u
#define FN_PSCI_FEATURES     0x8400000au
#define FN_PSCI_STAT_COUNT   0x84000011u
#define FN_SMCCC_VERSION     0x80000000u

#define NOT_SUPPORTED64 0xffffffffffffffffull

#define NRES 32
struct res {
    uint64_t v[NRES];
    enum sim_status st[NRES];
};

static struct {
    struct vm *vm;
    struct vcpu *vcpu;
    struct res res;
} F;

static void build(enum sim_profile p, enum vcpu_isa isa, unsigned nvcpus, sim_guest_fn fn)
{
    memset(&F.res, 0, sizeof(F.res));
    F.vm = unit_vm_create("hvc", p, nvcpus);
    F.vcpu = &F.vm->vcpus[0];
    unit_vm_start(F.vm, fn, &F.res, isa, RAM);
}

static int teardown(void **state)
{
    (void)state;
    unit_vm_destroy(&F.vm);
    return 0;
}

#define RES(g) ((struct res *)(g)->arg)

static void guest_calls_a64(struct sim_guest *g)
{
    struct res *r = RES(g);
    r->v[0] = g_smccc(g, AV_HVC_PING, 0x1234, 0, 0);
    r->v[1] = g_reg(g, 1);
    r->v[2] = g_smccc(g, 0x82000000u, 0, 0, 0); /* SiP service: unknown */
    r->v[3] = g_smccc(g, 0xc6000042u, 0, 0, 0); /* vendor hyp SMC64: unknown */
    r->v[4] = g_smccc(g, FN_PSCI_VERSION, 0, 0, 0);
    r->v[5] = g_smccc(g, FN_PSCI_FEATURES, FN_SYSTEM_OFF, 0, 0);
    r->v[6] = g_smccc(g, FN_PSCI_FEATURES, FN_PSCI_STAT_COUNT, 0, 0);
    r->v[7] = g_smccc(g, FN_PSCI_FEATURES, FN_SMCCC_VERSION, 0, 0);
    r->v[8] = g_smccc(g, FN_MIGRATE_INFO_TYPE, 0, 0, 0);
    r->v[9] = g_smccc(g, FN_AFFINITY_INFO, 0, 0, 0);  /* self: ON */
    r->v[10] = g_smccc(g, FN_AFFINITY_INFO, 1, 0, 0); /* no vCPU 1 */
    r->v[11] = g_smccc(g, FN_AFFINITY_INFO, 0, 4, 0); /* bad level */
    r->v[12] = g_smccc(g, FN_CPU_ON64, 0, RAM, 0);    /* self: ALREADY_ON */
    r->v[13] = g_smccc(g, FN_CPU_ON, 0x100, RAM, 0);  /* Aff1 = 1: none */
    g_smccc(g, AV_HVC_PUTC, 'H', 0, 0);
    g_smccc(g, AV_HVC_PUTC, 0x100 | 'i', 0, 0);

    /* SMC: trapped on the instruction; the VMM completes it. */
    g_set_reg(g, 0, FN_PSCI_VERSION);
    uint64_t pc = g_pc(g);
    r->st[14] = g_smc(g, 0);
    r->v[14] = g_reg(g, 0);
    r->v[15] = g_pc(g) - pc;

    /* HVC with a non-zero immediate is not an SMCCC call. */
    g_set_reg(g, 0, AV_HVC_PING);
    pc = g_pc(g);
    r->st[16] = g_hvc(g, 1);
    r->v[16] = g_reg(g, 0);
    r->v[17] = g_pc(g) - pc;

    /* SMC32: only w0 names the function. */
    g_set_reg(g, 0, 0xdead000000000000ull | FN_PSCI_VERSION);
    g_hvc(g, 0);
    r->v[18] = g_reg(g, 0);

    /* CPU_SUSPEND: served like a WFI, returns SUCCESS. */
    r->v[19] = g_smccc(g, FN_CPU_SUSPEND, 0, 0, 0);
}

static void test_calls_a64(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, 1, guest_calls_a64);
    assert_int_equal(vcpu_run(F.vcpu), 0);

    struct res *r = &F.res;
    assert_int_equal(r->v[0], AV_HVC_MAGIC);
    assert_int_equal(r->v[1], ~0x1234ull);
    assert_int_equal(r->v[2], NOT_SUPPORTED64);
    assert_int_equal(r->v[3], NOT_SUPPORTED64);
    assert_int_equal(r->v[4], 0x10001);
    assert_int_equal(r->v[5], 0);
    assert_int_equal(r->v[6], NOT_SUPPORTED64);
    /* PSCI_FEATURES(SMCCC_VERSION) is how a guest learns SMCCC 1.1 is
     * there (DEN0022D 5.15): implemented since SMCCC_VERSION answers. */
    assert_int_equal(r->v[7], 0);
    assert_int_equal(r->v[8], 2);
    assert_int_equal(r->v[9], 0);
    assert_int_equal(r->v[10], (uint64_t)-2);
    assert_int_equal(r->v[11], (uint64_t)-2);
    assert_int_equal(r->v[12], (uint64_t)-4);
    assert_int_equal(r->v[13], (uint64_t)-2);
    assert_int_equal(r->st[14], SIM_OK);
    assert_int_equal(r->v[14], 0x10001);
    assert_int_equal(r->v[15], 4);
    assert_int_equal(r->st[16], SIM_OK);
    assert_int_equal(r->v[16], NOT_SUPPORTED64);
    assert_int_equal(r->v[17], 4);
    assert_int_equal(r->v[18], 0x10001);
    assert_int_equal(r->v[19], 0);

    assert_int_equal(F.vcpu->stats.exits[EXIT_SMC], 1);
    assert_true(F.vcpu->stats.exits[EXIT_HVC] >= 18);
    /* A call is never a fault. */
    for (unsigned i = 0; i < REFUSE_REASON_COUNT; i++)
        assert_int_equal(F.vcpu->stats.refused[i], 0);

    /* PUTC went to the hypervisor console, marked as the VM's (it cannot
     * pass for armvisor's lines); the guest's end (the sim's PSCI
     * SYSTEM_OFF) was reported. */
    const char *log = sim_console_text();
    assert_non_null(strstr(log, "hvc| Hi"));
    assert_non_null(strstr(log, "armvisor: vm hvc: system off\n"));
    assert_int_equal(F.vm->state, VM_OFF);
    assert_int_equal(F.vcpu->state, VCPU_STOPPED);
}

static void guest_exit_42(struct sim_guest *g)
{
    g_smccc(g, AV_HVC_EXIT, 42, 0, 0);
    /* Not reached: the VM has stopped. */
    RES(g)->v[0] = 1;
}

static void test_av_exit(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, 1, guest_exit_42);
    assert_int_equal(vcpu_run(F.vcpu), 42);
    assert_int_equal(F.vm->state, VM_OFF);
    assert_int_equal(F.res.v[0], 0);
    assert_false(sim_vcpu_guest_done(F.vcpu));
    /* A stopped vCPU does not enter the guest again. */
    assert_int_equal(vcpu_run_once(F.vcpu), RUN_STOP);
}

static void guest_reset(struct sim_guest *g)
{
    g_smccc(g, FN_SYSTEM_RESET, 0, 0, 0);
}

static void test_system_reset(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, 1, guest_reset);
    int code = vcpu_run(F.vcpu);
    assert_int_not_equal(code, 0); /* distinct from a power-off */
    assert_int_equal(F.vm->state, VM_OFF);
    assert_non_null(strstr(sim_console_text(), "vm hvc: system reset"));
}

static void guest_cpu_off(struct sim_guest *g)
{
    g_smccc(g, FN_CPU_OFF, 0, 0, 0);
}

static void test_cpu_off_last_vcpu(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, 1, guest_cpu_off);
    assert_int_equal(vcpu_run(F.vcpu), 0);
    assert_int_equal(F.vm->state, VM_OFF);
    assert_non_null(strstr(sim_console_text(), "all vCPUs off"));
}

/* Two vCPUs, only 0 started: AFFINITY_INFO says 1 is off; CPU_ON of it at
 * an address outside RAM is INVALID_ADDRESS and says so (the whole of
 * PSCI's SMP side: test_psci_smp.c). */
#define FN_INVALID_ADDRESS ((uint64_t)-9)
#define NOT_RAM            0x1000u

static void guest_smp_queries(struct sim_guest *g)
{
    struct res *r = RES(g);
    r->v[0] = g_smccc(g, FN_AFFINITY_INFO, 1, 0, 0);
    r->v[1] = g_smccc(g, FN_CPU_ON, 1, NOT_RAM, 0);
    r->v[2] = g_smccc(g, FN_AFFINITY_INFO, 0, 1, 0); /* cluster 0: on */
}

static void test_secondary_bad_entry(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, 2, guest_smp_queries);
    assert_int_equal(vcpu_run(F.vcpu), 0);
    assert_int_equal(F.res.v[0], 1);
    assert_int_equal(F.res.v[1], FN_INVALID_ADDRESS);
    assert_int_equal(F.res.v[2], 0);
    assert_non_null(strstr(sim_console_text(), "CPU_ON of vcpu 1 at 0x1000 refused"));
    assert_int_equal(F.vm->vcpus[1].state, VCPU_STOPPED); /* the VM is off now */
}

/* A guest flooding the console through PSCI CPU_ON and unknown function
 * IDs: each kind of line is limited per VM (core/vm_log.h), and the budget
 * is the VM's own, not shared with the next VM. */
#define FLOOD 5000

static void guest_flood(struct sim_guest *g)
{
    struct res *r = RES(g);
    for (unsigned i = 0; i < FLOOD; i++) {
        r->v[0] |= g_smccc(g, FN_CPU_ON, 1, NOT_RAM, 0) != FN_INVALID_ADDRESS;
        r->v[1] |= g_smccc(g, 0xc6001234u + (i & 0xff), 0, 0, 0) != NOT_SUPPORTED64;
    }
}

static unsigned count(const char *text, const char *what)
{
    unsigned n = 0;
    for (const char *p = text; (p = strstr(p, what)); p++)
        n++;
    return n;
}

static void test_flood_is_limited_per_vm(void **state)
{
    (void)state;
    build(SIM_ARMV8, ISA_A64, 2, guest_flood);
    assert_int_equal(vcpu_run(F.vcpu), 0);
    assert_int_equal(F.res.v[0] | F.res.v[1], 0); /* every call answered */
    const char *log = sim_console_text();
    assert_int_equal(count(log, "CPU_ON of vcpu 1"), VM_LOG_BURST);
    assert_int_equal(count(log, "not supported\n"), VM_LOG_BURST);
    assert_int_equal(count(log, "further 'PSCI CPU_ON' messages are counted"), 1);
    assert_int_equal(count(log, "further 'unsupported HVC/SMC call' messages are counted"), 1);
    assert_int_equal(F.vm->log.suppressed, 2 * (FLOOD - VM_LOG_BURST));
    vm_print_stats(F.vm);
    assert_non_null(strstr(sim_console_text(), "guest-triggered log lines suppressed"));

    /* Another VM alongside has its own budget. */
    struct vm *vm2 = vm_create("hvc2", 2, 0);
    assert_non_null(vm2);
    assert_int_equal(vm_add_ram(vm2, RAM, 1ull << 20, S2_RWX), 0);
    struct res r2 = {0};
    assert_int_equal(sim_vcpu_set_guest(&vm2->vcpus[0], guest_smp_queries, &r2), 0);
    struct vcpu_boot boot = {.isa = ISA_A64, .pc = RAM};
    assert_int_equal(vcpu_start(vm2, 0, &boot), 0);
    sim_console_clear();
    assert_int_equal(vcpu_run(&vm2->vcpus[0]), 0);
    assert_non_null(strstr(sim_console_text(), "vm hvc2: vcpu 0: PSCI CPU_ON of vcpu 1"));
    vm_destroy(vm2);

    /* And the budget comes back after the window. */
    sim_counter_advance(arch_counter_freq() * VM_LOG_WINDOW_S);
    sim_console_clear();
    assert_true(vm_log_ok(F.vm, VM_LOG_PSCI_CPU_ON));
}

static void guest_calls_a32(struct sim_guest *g)
{
    struct res *r = RES(g);
    r->v[0] = g_smccc(g, FN_PSCI_VERSION, 0, 0, 0);
    r->v[1] = g_smccc(g, 0x82000001u, 0, 0, 0);
    r->v[2] = g_smccc(g, FN_CPU_ON64, 0, 0, 0); /* SMC64 from AArch32 */
    r->v[3] = g_smccc(g, AV_HVC_PING, 0x1234, 0, 0);
    r->v[4] = g_reg(g, 1);
    g_set_reg(g, 0, FN_PSCI_VERSION);
    uint64_t pc = g_pc(g);
    r->st[5] = g_smc(g, 0);
    r->v[5] = g_reg(g, 0);
    r->v[6] = g_pc(g) - pc;
}

static void test_calls_a32_armv7(void **state)
{
    (void)state;
    build(SIM_ARMV7, ISA_A32, 1, guest_calls_a32);
    assert_int_equal(vcpu_run(F.vcpu), 0);
    assert_int_equal(F.res.v[0], 0x10001);
    assert_int_equal(F.res.v[1], 0xffffffffu);
    assert_int_equal(F.res.v[2], 0xffffffffu);
    assert_int_equal(F.res.v[3], AV_HVC_MAGIC);
    assert_int_equal(F.res.v[4], (uint32_t)~0x1234u);
    assert_int_equal(F.res.st[5], SIM_OK);
    assert_int_equal(F.res.v[5], 0x10001);
    assert_int_equal(F.res.v[6], 4);
    assert_non_null(strstr(sim_console_text(), "system off"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_calls_a64, teardown),
        cmocka_unit_test_teardown(test_av_exit, teardown),
        cmocka_unit_test_teardown(test_system_reset, teardown),
        cmocka_unit_test_teardown(test_cpu_off_last_vcpu, teardown),
        cmocka_unit_test_teardown(test_secondary_bad_entry, teardown),
        cmocka_unit_test_teardown(test_calls_a32_armv7, teardown),
        cmocka_unit_test_teardown(test_flood_is_limited_per_vm, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
